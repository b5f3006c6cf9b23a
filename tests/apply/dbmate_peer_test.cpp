// The real dbmate (npm package dbmate, installed by scripts/install-peer-tools) and slipway on
// one migrations directory: what slipway applies, dbmate's status shows applied and its `up`
// leaves alone; what dbmate applied, slipway skips, and it picks up where dbmate stopped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "pg/conninfo.hpp"
#include "support/pg_test.hpp"

namespace slipway::test {
namespace {

namespace fs = std::filesystem;

std::string dbmate_bin() {
  if (const char* env = std::getenv("SLIPWAY_DBMATE")) return env;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "/root") + "/.cache/slipway-tools/dbmate/node_modules/.bin/dbmate";
}

class DbmatePeer : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (!fs::exists(dbmate_bin())) GTEST_SKIP() << "dbmate is not installed: run scripts/install-peer-tools";
    dir_ = fs::temp_directory_path() / ("slipway-dbmate-" + dbname());
    fs::create_directories(dir_);
    sql("CREATE TABLE accounts (id bigint PRIMARY KEY, email text)");
    sql("INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 300) g");
  }
  void TearDown() override {
    fs::remove_all(dir_);
    PgTest::TearDown();
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  // dbmate takes a URL: postgres://user@host:port/db, a Unix socket directory as ?socket=.
  std::string dbmate_url() const {
    auto p = pg::parse_conninfo(url());
    std::string host = p.count("host") ? p["host"] : "localhost";
    std::string base = "postgres://" + (p.count("user") ? p["user"] : std::string("postgres")) + "@";
    std::string port = p.count("port") ? p["port"] : "5432";
    if (!host.empty() && host[0] == '/')
      return base + "localhost:" + port + "/" + dbname() + "?sslmode=disable&socket=" + host;
    return base + host + ":" + port + "/" + dbname() + "?sslmode=disable";
  }
  CommandResult dbmate(const std::string& command) {
    return run_command({dbmate_bin(), "--url", dbmate_url(), "--migrations-dir", dir_.string(), "--no-dump-schema",
                        command});
  }
  fs::path dir_;
};

TEST_F(DbmatePeer, SlipwayAppliesAndDbmateSeesItDone) {
  write("20240101000000_index.sql", "-- migrate:up\nCREATE INDEX accounts_email_idx ON accounts (email);\n\n"
                                    "-- migrate:down\nDROP INDEX accounts_email_idx;\n");
  write("20240102000000_notes.sql", "-- migrate:up\nCREATE TABLE notes (id int PRIMARY KEY);\n\n"
                                    "-- migrate:down\nDROP TABLE notes;\n");
  auto r = slipway({"apply", dir_.string()}, {{"SLIPWAY_POSTGRES_URL", url()}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto status = dbmate("status");
  ASSERT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_NE(status.out.find("[X] 20240101000000_index.sql"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("[X] 20240102000000_notes.sql"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("Pending: 0"), std::string::npos) << status.out;
  std::string before = schema_dump();
  auto up = dbmate("up");
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(schema_dump(), before);  // nothing left for dbmate to do
  // And dbmate's rollback of slipway's last version works from slipway's record.
  auto rollback = dbmate("rollback");
  ASSERT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  EXPECT_EQ(scalar<bool>("SELECT to_regclass('notes') IS NULL"), true);
}

TEST_F(DbmatePeer, SlipwayPicksUpWhereDbmateStopped) {
  write("20240101000000_notes.sql", "-- migrate:up\nCREATE TABLE notes (id int PRIMARY KEY);\n\n"
                                    "-- migrate:down\nDROP TABLE notes;\n");
  auto up = dbmate("up");
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  write("20240102000000_index.sql", "-- migrate:up\nCREATE INDEX accounts_email_idx ON accounts (email);\n\n"
                                    "-- migrate:down\nDROP INDEX accounts_email_idx;\n");
  auto r = slipway({"apply", dir_.string(), "--json"}, {{"SLIPWAY_POSTGRES_URL", url()}});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"already_applied\": [\n    \"20240101000000\"\n  ]"), std::string::npos) << r.out;
  EXPECT_EQ(scalar<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_email_idx'::regclass"), true);
  auto status = dbmate("status");
  EXPECT_NE(status.out.find("Pending: 0"), std::string::npos) << status.out;
}

}  // namespace
}  // namespace slipway::test
