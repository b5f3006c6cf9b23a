// `slipway lint` end to end through the binary: exit codes, stdin, formats, flags, config.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "support/pg_test.hpp"

namespace fs = std::filesystem;
using slipway::test::run_command;
using slipway::test::slipway_bin;

namespace {

fs::path temp_dir() { return fs::temp_directory_path() / ("slipway-lint-cli-" + std::to_string(::getpid())); }

fs::path write_temp(const std::string& name, const std::string& text) {
  fs::create_directories(temp_dir());
  std::ofstream(temp_dir() / name) << text;
  return temp_dir() / name;
}

class LintCli : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(temp_dir()); }
};

}  // namespace

TEST_F(LintCli, ExitCodeZeroWhenNothingAtErrorLevel) {
  auto f = write_temp("ok.sql", "CREATE TABLE IF NOT EXISTS t (id bigint);\nDROP TABLE IF EXISTS old;\n");
  auto r = run_command({slipway_bin(), "lint", f.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("warning[ban-drop-table]"), std::string::npos) << r.out;
}

TEST_F(LintCli, ExitCodeOneOnErrorFindings) {
  auto f = write_temp("bad.sql", "CREATE INDEX i ON t (a);\n");
  auto r = run_command({slipway_bin(), "lint", "--format", "gcc", f.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(f.string() + ":1:1: error:"), std::string::npos) << r.out;
}

TEST_F(LintCli, ExitCodeTwoOnUnreadableFileOrBadUsage) {
  auto missing = run_command({slipway_bin(), "lint", "/nonexistent/x.sql"});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("/nonexistent/x.sql"), std::string::npos);
  auto bad_format = run_command({slipway_bin(), "lint", "--format", "xml"});
  EXPECT_EQ(bad_format.exit_code, 2);
  auto f = write_temp("ign.sql", "-- slipway:ignore not-a-rule\nSELECT 1;\n");
  auto unknown = run_command({slipway_bin(), "lint", f.string()});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_NE(unknown.err.find("not-a-rule"), std::string::npos);
}

TEST_F(LintCli, ReadsStdinWhenNoPathIsGiven) {
  // run_command wires stdin to /dev/null: an empty input is clean.
  auto r = run_command({slipway_bin(), "lint", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["files"][0]["path"], "<stdin>");
}

TEST_F(LintCli, FlagsChangeTheVerdict) {
  auto f = write_temp("tx.sql", "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n");
  EXPECT_EQ(run_command({slipway_bin(), "lint", f.string()}).exit_code, 0);
  auto in_tx = run_command({slipway_bin(), "lint", "--assume-in-transaction", f.string()});
  EXPECT_EQ(in_tx.exit_code, 1);
  EXPECT_NE(in_tx.out.find("concurrently-in-transaction"), std::string::npos);

  auto d = write_temp("default.sql", "ALTER TABLE t ADD COLUMN IF NOT EXISTS a int DEFAULT 0;\n");
  EXPECT_EQ(run_command({slipway_bin(), "lint", d.string()}).exit_code, 0);
  EXPECT_EQ(run_command({slipway_bin(), "lint", "--pg-version", "10", d.string()}).exit_code, 1);

  // The TimeZone the migrations run with: timestamp -> timestamptz rewrites unless it is UTC.
  auto schema = write_temp("tz_schema.sql", "CREATE TABLE t (e timestamp);\n");
  auto tz = write_temp("tz.sql", "ALTER TABLE t ALTER COLUMN e TYPE timestamptz;\n");
  EXPECT_EQ(run_command({slipway_bin(), "lint", schema.string(), tz.string()}).exit_code, 1);
  EXPECT_EQ(run_command({slipway_bin(), "lint", "--assume-timezone", "UTC", schema.string(), tz.string()}).exit_code, 0);
  auto utc_cfg = write_temp("tz.toml", "[lint]\nassume_timezone = \"Etc/UTC\"\n");
  EXPECT_EQ(run_command({slipway_bin(), "lint", "--config", utc_cfg.string(), schema.string(), tz.string()}).exit_code, 0);
  EXPECT_EQ(run_command({slipway_bin(), "lint", "--config", utc_cfg.string(), "--assume-timezone", "Europe/Paris",
                         schema.string(), tz.string()})
                .exit_code,
            1);
}

TEST_F(LintCli, ConfigFileDisablesRules) {
  auto f = write_temp("cfg.sql", "CREATE INDEX IF NOT EXISTS i ON t (a);\n");
  auto cfg = write_temp("cfg.toml", "[lint]\ndisabled_rules = [\"require-concurrent-index-creation\"]\n");
  EXPECT_EQ(run_command({slipway_bin(), "lint", "--config", cfg.string(), f.string()}).exit_code, 0);
  auto bad = write_temp("bad.toml", "[lint]\ndisabled_rules = [\"nope\"]\n");
  EXPECT_EQ(run_command({slipway_bin(), "lint", "--config", bad.string(), f.string()}).exit_code, 2);
}

TEST_F(LintCli, ExplainPrintsSafeStatementsToo) {
  auto f = write_temp("explain.sql", "SELECT 1;\nALTER TABLE t ADD COLUMN IF NOT EXISTS a int;\n");
  auto r = run_command({slipway_bin(), "lint", "--explain", f.string()});
  EXPECT_NE(r.out.find(":1:1: SelectStmt: no lock on existing relations"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(":2:1: AlterTableStmt: ACCESS EXCLUSIVE on t"), std::string::npos) << r.out;
  // What the classification rests on: the grammar that parsed, the version the rules assume.
  auto v12 = run_command({slipway_bin(), "lint", "--explain", "--pg-version", "12", f.string()});
  EXPECT_NE(v12.out.find("parsed with the PostgreSQL 15"), std::string::npos) << v12.out;
  EXPECT_NE(v12.out.find("rules for PostgreSQL 12"), std::string::npos) << v12.out;
}
