// Support for the column-changing operations' tests: migration files in a temporary directory,
// the `slipway` CLI for start/complete/rollback, and connections that use one version of the
// schema (search_path set to its version schema, as applications do).
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>

#include "pg/connection.hpp"
#include "pg/quote.hpp"
#include "support/pg_test.hpp"

namespace slipway::test {

class OpsTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    dir_ = std::filesystem::temp_directory_path() /
           ("slipway-ops-" + std::to_string(getpid()) + "-" + dbname());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    PgTest::TearDown();
  }

  // Writes <dir>/<name>.yaml and returns its path.
  std::string migration_file(const std::string& name, const std::string& yaml) {
    auto path = (dir_ / (name + ".yaml")).string();
    std::ofstream(path) << yaml;
    return path;
  }

  // Runs `slipway ARGS` and expects success; returns the result for further checks.
  CommandResult run_ok(const std::vector<std::string>& args) {
    auto r = slipway(args);
    EXPECT_EQ(r.exit_code, 0) << "slipway " << args.front() << " failed\nstdout:\n" << r.out << "\nstderr:\n" << r.err;
    return r;
  }
  CommandResult start(const std::string& file) { return run_ok({"start", file}); }
  CommandResult complete() { return run_ok({"complete"}); }
  CommandResult rollback() { return run_ok({"rollback"}); }

  // A connection whose session uses `schema` as its version (search_path, pgroll's way).
  pg::Connection app(const std::string& schema) {
    auto c = connect();
    c.exec("SET search_path TO " + pg::quote_ident(schema));
    return c;
  }
  // The physical schema: the old version of the first migration.
  pg::Connection old_app() { return app("public"); }
  pg::Connection new_app(const std::string& migration) { return app("public_" + migration); }

  // First column of the first row as text (nullopt for NULL or no row).
  static std::optional<std::string> text(pg::Connection& c, const std::string& query) {
    auto r = c.exec(query);
    if (r.empty() || r[0][0].is_null()) return std::nullopt;
    return std::string(r[0][0].c_str());
  }
  static long long number(pg::Connection& c, const std::string& query) {
    auto r = c.exec(query);
    return r.at(0).at(0).as<long long>();
  }

  // Catalog facts about the physical table (in `public`).
  long long count_temporaries(const std::string& table) {
    return scalar<long long>(
        "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public." + table +
        "'::regclass AND attname LIKE '\\_slipway%' AND NOT attisdropped");
  }
  bool column_not_null(const std::string& table, const std::string& column) {
    return scalar<bool>("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public." + table +
                        "'::regclass AND attname = '" + column + "'");
  }
  std::string column_type(const std::string& table, const std::string& column) {
    return scalar<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public." +
                               table + "'::regclass AND attname = '" + column + "' AND NOT attisdropped");
  }
  bool has_column(const std::string& table, const std::string& column) {
    return scalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'public." + table +
                        "'::regclass AND attname = '" + column + "' AND NOT attisdropped)");
  }
  // "u", "c", "f", "p" and whether it is validated, or "" if absent.
  std::string constraint_kind(const std::string& table, const std::string& name) {
    auto r = sql("SELECT contype::text || CASE WHEN convalidated THEN '' ELSE ' not valid' END FROM pg_constraint "
                 "WHERE conrelid = 'public." + table + "'::regclass AND conname = '" + name + "'");
    return r.empty() ? std::string() : std::string(r[0][0].c_str());
  }
  long long relfilenode(const std::string& table) {
    return scalar<long long>("SELECT relfilenode FROM pg_class WHERE oid = 'public." + table + "'::regclass");
  }
  // slipway's helper objects left in the application schema, by name (empty: none).
  std::string slipway_leftovers() {
    auto r = sql(
        "SELECT string_agg(x, ', ') FROM ("
        " SELECT 'constraint ' || conname AS x FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
        "  WHERE n.nspname = 'public' AND c.conname LIKE '\\_slipway%'"
        " UNION ALL SELECT 'relation ' || relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        "  WHERE n.nspname = 'public' AND c.relname LIKE '\\_slipway%'"
        " UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname LIKE '\\_slipway%'"
        " UNION ALL SELECT 'function ' || proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        "  WHERE n.nspname = 'public' AND proname LIKE '\\_slipway%'"
        " UNION ALL SELECT 'column ' || c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
        "  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attname LIKE '\\_slipway%'"
        "  AND NOT a.attisdropped) leftovers");
    return r[0][0].is_null() ? std::string() : std::string(r[0][0].c_str());
  }
  // pg_dump --schema-only of the application's schema (slipway's own state schema aside: it
  // records history by design).
  std::string app_schema_dump() { return schema_dump({"--exclude-schema=slipway"}); }

  std::filesystem::path dir_;
};

}  // namespace slipway::test
