// Integration-test support: every test gets a fresh database of its own on the run's private
// PostgreSQL 15 cluster (or on the server SLIPWAY_TEST_PGURL names), dropped when it ends.
#pragma once
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace slipway::test {

// conninfo of the cluster's maintenance database ("postgres"). Order of preference:
// SLIPWAY_TEST_PGURL; the ctest fixture's cluster (SLIPWAY_TEST_CLUSTER_FILE); a cluster this
// process starts on first use and removes at exit.
const std::string& server_conninfo();

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{0};
};

// Polls `cond` every 10 ms until it holds or `timeout` passes; returns its last value.
bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Runs a command with extra environment variables; captures stdout/stderr.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {});

// pg_dump --schema-only of the database at `url` (for "nothing changed" assertions); a gtest
// failure if pg_dump fails.
std::string schema_dump_of(const std::string& url, const std::vector<std::string>& extra_args = {});

// Path of the built slipway binary ($SLIPWAY_BIN, set by ctest).
std::string slipway_bin();
// The source tree ($SLIPWAY_SOURCE_DIR), for fixtures and examples.
std::string source_dir();
// ../shared next to the source tree (conformance files, corpus).
std::string shared_dir();

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // conninfo of this test's own database.
  const std::string& url() const { return url_; }
  const std::string& dbname() const { return dbname_; }
  // A new connection to this test's database.
  pg::Connection connect() const { return pg::Connection(url_); }
  // Runs SQL on a connection kept for the test (autocommit).
  pqxx::result sql(const std::string& statement);
  template <typename T>
  T scalar(const std::string& statement) {
    auto r = sql(statement);
    return r.at(0).at(0).as<T>();
  }

  // `slipway ARGS...` against this test's database.
  CommandResult slipway(std::vector<std::string> args, std::map<std::string, std::string> env = {});
  // pg_dump --schema-only of this test's database (for "nothing changed" assertions).
  std::string schema_dump(const std::vector<std::string>& extra_args = {});

 private:
  std::string dbname_;
  std::string url_;
  std::unique_ptr<pg::Connection> conn_;
};

}  // namespace slipway::test
