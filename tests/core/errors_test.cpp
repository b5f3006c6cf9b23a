// Errors leave the pg layer typed by SQLSTATE, from a real server.
#include <gtest/gtest.h>

#include "support/pg_test.hpp"

namespace {

using namespace slipway::pg;

class Errors : public slipway::test::PgTest {};

TEST_F(Errors, ServerErrorsArriveTyped) {
  auto c = connect();
  EXPECT_THROW(c.exec("SELECT * FROM no_such_table"), UndefinedObject);
  EXPECT_THROW(c.exec("SELECT no_such_column FROM pg_class"), UndefinedObject);
  c.exec("CREATE TABLE t (id int PRIMARY KEY, v int CHECK (v > 0))");
  EXPECT_THROW(c.exec("CREATE TABLE t (id int)"), DuplicateObject);
  c.exec("INSERT INTO t VALUES (1, 1)");
  EXPECT_THROW(c.exec("INSERT INTO t VALUES (1, 1)"), UniqueViolation);
  EXPECT_THROW(c.exec("INSERT INTO t VALUES (2, -1)"), CheckViolation);
  EXPECT_THROW(c.exec("SELEC 1"), SyntaxOrAccessError);
  EXPECT_THROW(c.exec("SET statement_timeout = '10ms'; SELECT pg_sleep(1)"), QueryCanceled);
  try {
    c.exec("SELECT 1/0");
    FAIL();
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "22012");
  }
}

TEST_F(Errors, LockTimeoutAndTerminatedConnectionsAreTyped) {
  auto holder = connect();
  holder.exec("CREATE TABLE t (id int)");
  pqxx::work tx(holder.raw());
  tx.exec("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
  auto c = connect();
  EXPECT_THROW(c.exec("SET lock_timeout = '20ms'; SELECT * FROM t"), LockTimeout);
  tx.commit();

  auto victim = connect();
  auto killer = connect();
  killer.exec_params("SELECT pg_terminate_backend($1)", victim.backend_pid());
  EXPECT_THROW(victim.exec("SELECT 1"), ConnectionLost);

  // Ended during its own statement: the message says the connection was lost (libpqxx's own
  // words there are about the client encoding).
  auto self = connect();
  try {
    self.exec("SELECT pg_terminate_backend(pg_backend_pid())");
    ADD_FAILURE() << "the session survived its own termination";
  } catch (const ConnectionLost& e) {
    EXPECT_NE(std::string(e.what()).find("connection to the server was lost"), std::string::npos) << e.what();
  }
}

// libpq's own errors carry no SQLSTATE: the connection failed under a statement (a crashed
// server's socket closing), a lost connection like the server's own 57P01.
TEST(ErrorTypes, AnErrorWithoutSqlstateIsALostConnection) {
  EXPECT_THROW(throw_for_sqlstate("", "server closed the connection unexpectedly", "SELECT 1"), ConnectionLost);
  try {
    throw_for_sqlstate("", "server closed the connection unexpectedly", "SELECT 1");
  } catch (const ConnectionLost& e) {
    EXPECT_FALSE(e.hint().empty()) << "a lost connection says what to do";
  }
}

}  // namespace
