// What a user sees when slipway cannot connect: one clear line, exit code 1, no password; and
// when libpq cannot read the connection string: bad input, exit 2, before connecting.
#include <gtest/gtest.h>

#include <sstream>

#include "pg/conninfo.hpp"
#include "support/pg_test.hpp"

namespace {

using slipway::test::PgTest;

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

class CliConnection : public PgTest {};

TEST_F(CliConnection, MalformedUrlIsBadInputExitTwoWithoutThePassword) {
  for (std::string bad : {"postgresql://alice:hunter2@db:notaport/app", "postgresql://alice:hunter2@[::1/app",
                          "postgresql://alice:hunter%zz2@db/app", "host=db port=abc password=hunter2",
                          "bogus_option=1 password=hunter2", "host=a,b port=1,2,3 password=hunter2",
                          "postgresql://alice:hunter2@db/app?connect_timeout=soon",
                          "host='unterminated password=hunter2"}) {
    for (const char* command : {"status", "init", "backfill --status"}) {
      std::vector<std::string> args;
      std::istringstream words(command);
      for (std::string w; words >> w;) args.push_back(w);
      auto r = slipway(args, {{"SLIPWAY_POSTGRES_URL", bad}});
      EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
      EXPECT_NE(r.err.find("--postgres-url: bad connection string"), std::string::npos) << bad << ": " << r.err;
      EXPECT_EQ(r.err.find("hunter"), std::string::npos) << "password leaked: " << r.out << r.err;
      EXPECT_EQ(r.out.find("hunter"), std::string::npos) << "password leaked: " << r.out;
    }
  }
  // The flag, not only the environment variable.
  auto r = slipway({"--postgres-url", "postgresql://alice:hunter2@db:notaport/app", "status"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;
}

TEST_F(CliConnection, UnreachableHostIsOneLineAndExitOne) {
  auto r = slipway({"status"}, {{"SLIPWAY_POSTGRES_URL", "postgresql://alice:hunter2@127.0.0.1:1/app?connect_timeout=3"}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("cannot connect to postgresql://alice:***@127.0.0.1:1/app"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << "password leaked: " << r.err;
}

TEST_F(CliConnection, WrongPasswordIsOneLineAndExitOne) {
  auto server = slipway::pg::parse_conninfo(url());
  std::string role = "pw_" + dbname().substr(dbname().size() - 6);
  sql("DO $$ BEGIN CREATE ROLE slipway_password_auth NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
  sql("CREATE ROLE " + role + " LOGIN PASSWORD 'right-one' IN ROLE slipway_password_auth");
  std::string target = "host=127.0.0.1 port=" + server["port"] + " dbname=" + dbname() + " user=" + role;
  auto ok = slipway({"status"}, {{"SLIPWAY_POSTGRES_URL", target + " password=right-one"}});
  auto bad = slipway({"status"}, {{"SLIPWAY_POSTGRES_URL", target}, {"PGPASSWORD", "wr0ng-secret"}});
  sql("DROP ROLE " + role);
  if (bad.exit_code == 0) GTEST_SKIP() << "this server does not ask for passwords over TCP";
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(bad.exit_code, 1) << bad.err;
  EXPECT_EQ(count_lines(bad.err), 1) << bad.err;
  EXPECT_NE(bad.err.find("password authentication failed"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("wr0ng-secret"), std::string::npos) << "password leaked: " << bad.err;
}

TEST_F(CliConnection, LibpqEnvironmentVariablesAreUsedWithoutAUrl) {
  auto p = slipway::pg::parse_conninfo(url());
  auto r = slipway({"status", "--json"}, {{"SLIPWAY_POSTGRES_URL", ""},
                                          {"PGHOST", p["host"]},
                                          {"PGPORT", p["port"]},
                                          {"PGUSER", p.count("user") ? p["user"] : "postgres"},
                                          {"PGDATABASE", dbname()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_NE(j["database"].get<std::string>().find(dbname()), std::string::npos);
}

TEST_F(CliConnection, ApplicationNameIsSlipway) {
  slipway::pg::Connection c(url());
  EXPECT_EQ(c.query_value<std::string>("SELECT current_setting('application_name')").value_or(""), "slipway");
}

}  // namespace
