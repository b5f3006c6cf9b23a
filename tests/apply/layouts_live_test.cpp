// `slipway apply` per layout against a real PostgreSQL: each tool's files and annotations read,
// each tool's history table written as the tool writes it (the shapes from the tools' sources:
// golang-migrate database/postgres, goose's PostgreSQL dialect, flyway's createMetaDataTable.sql,
// dbmate's PostgreSQL driver, diesel_migrations), up, --target and --down.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/pg_test.hpp"

namespace slipway::test {
namespace {

namespace fs = std::filesystem;

class ApplyLayout : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    dir_ = fs::temp_directory_path() / ("slipway-layout-" + dbname());
    fs::create_directories(dir_);
    sql("CREATE TABLE accounts (id bigint PRIMARY KEY, email text)");
    sql("INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 500) g");
  }
  void TearDown() override {
    fs::remove_all(dir_);
    PgTest::TearDown();
  }
  void write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  CommandResult apply(std::vector<std::string> args) {
    args.insert(args.begin(), {"apply", dir_.string()});
    return slipway(args, {{"SLIPWAY_POSTGRES_URL", url()}});
  }
  bool index_valid(const std::string& name) {
    return scalar<bool>("SELECT coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('" + name +
                        "')), false)");
  }
  fs::path dir_;
};

TEST_F(ApplyLayout, GolangMigrateUpTargetAndDown) {
  write("1_email_index.up.sql", "CREATE INDEX accounts_email_idx ON accounts (email);\n");
  write("1_email_index.down.sql", "DROP INDEX accounts_email_idx;\n");
  write("2_notes.up.sql", "CREATE TABLE notes (id int PRIMARY KEY);\n");
  write("2_notes.down.sql", "DROP TABLE notes;\n");
  auto r = apply({"--target", "1"});  // auto-detected layout
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(index_valid("accounts_email_idx"));
  EXPECT_EQ(scalar<std::string>("SELECT version || ':' || dirty FROM schema_migrations"), "1:false");
  ASSERT_EQ(apply({}).exit_code, 0);
  EXPECT_EQ(scalar<std::string>("SELECT version || ':' || dirty FROM schema_migrations"), "2:false");
  auto down = apply({"--down", "--target", "0"});
  EXPECT_EQ(down.exit_code, 2) << down.err;  // no version 0
  down = apply({"--down"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_EQ(scalar<std::string>("SELECT version || ':' || dirty FROM schema_migrations"), "1:false");
  EXPECT_EQ(scalar<bool>("SELECT to_regclass('notes') IS NULL"), true);
  ASSERT_EQ(apply({"--down"}).exit_code, 0);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM schema_migrations"), 0);
  EXPECT_EQ(scalar<bool>("SELECT to_regclass('accounts_email_idx') IS NULL"), true);
}

TEST_F(ApplyLayout, GolangMigrateDirtyVersionIsRefused) {
  write("1_a.up.sql", "SELECT 1;\n");
  sql("CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null)");
  sql("INSERT INTO schema_migrations VALUES (1, true)");
  auto r = apply({});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("dirty"), std::string::npos) << r.err;
}

TEST_F(ApplyLayout, GooseSectionsAndNoTransaction) {
  write("20240101000000_index.sql",
        "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX accounts_email_idx ON accounts (email);\n"
        "-- +goose Down\nDROP INDEX accounts_email_idx;\n");
  write("20240102000000_fn.sql",
        "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION one() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$ "
        "LANGUAGE plpgsql;\n-- +goose StatementEnd\n-- +goose Down\nDROP FUNCTION one();\n");
  auto r = apply({});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(index_valid("accounts_email_idx"));
  EXPECT_EQ(scalar<int>("SELECT one()"), 1);
  // goose's own shape: its initial row (0) and one row per version.
  EXPECT_EQ(scalar<std::string>("SELECT string_agg(version_id::text || ':' || is_applied, ',' ORDER BY id) FROM goose_db_version"),
            "0:true,20240101000000:true,20240102000000:true");
  ASSERT_EQ(apply({"--down"}).exit_code, 0);
  EXPECT_EQ(scalar<bool>("SELECT to_regproc('one') IS NULL"), true);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM goose_db_version WHERE version_id = 20240102000000"), 0);
}

TEST_F(ApplyLayout, DbmateAndItsTransactionOption) {
  write("db/20240101000000_check.sql",
        "-- migrate:up\nALTER TABLE accounts ADD CONSTRAINT email_present CHECK (email IS NOT NULL);\n\n"
        "-- migrate:down\nALTER TABLE accounts DROP CONSTRAINT email_present;\n");
  write("db/20240102000000_idx.sql",
        "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n"
        "-- migrate:down transaction:false\nDROP INDEX accounts_email_idx;\n");
  dir_ /= "db";
  auto r = apply({});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(scalar<bool>("SELECT convalidated FROM pg_constraint WHERE conname = 'email_present'"), true);
  EXPECT_TRUE(index_valid("accounts_email_idx"));
  EXPECT_EQ(scalar<std::string>("SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations"),
            "20240101000000,20240102000000");
}

TEST_F(ApplyLayout, FlywayRecordsItsChecksumAndRank) {
  write("V1__add_index.sql", "CREATE INDEX accounts_email_idx ON accounts (email);\r\nSELECT 1;\n");
  write("V1.1__more.sql", "ALTER TABLE accounts ADD COLUMN note text;\n");
  auto r = apply({});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto rows = sql("SELECT installed_rank, version, description, type, script, checksum, success "
                  "FROM flyway_schema_history ORDER BY installed_rank");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][1].as<std::string>(), "1");
  EXPECT_EQ(rows[0][2].as<std::string>(), "add index");
  EXPECT_EQ(rows[0][3].as<std::string>(), "SQL");
  EXPECT_EQ(rows[0][4].as<std::string>(), "V1__add_index.sql");
  // flyway's checksum: CRC32 of the lines without their terminators (\r\n and \n alike), as a
  // signed int. Expected value computed outside slipway: Python's
  // zlib.crc32(b"CREATE INDEX accounts_email_idx ON accounts (email);SELECT 1;") - 2**32.
  EXPECT_EQ(rows[0][5].as<long long>(), -1955941633LL);
  EXPECT_EQ(rows[1][1].as<std::string>(), "1.1");
  EXPECT_EQ(rows[1][0].as<int>(), 2);
}

TEST_F(ApplyLayout, DieselDirectoriesAndMetadata) {
  write("2024-01-01-000000_idx/up.sql", "CREATE INDEX accounts_email_idx ON accounts (email);\n");
  write("2024-01-01-000000_idx/down.sql", "DROP INDEX accounts_email_idx;\n");
  write("2024-01-01-000000_idx/metadata.toml", "run_in_transaction = false\n");
  auto r = apply({});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(index_valid("accounts_email_idx"));
  EXPECT_EQ(scalar<std::string>("SELECT version FROM __diesel_schema_migrations"), "20240101000000");
}

TEST_F(ApplyLayout, AnUnreadableLayoutChangesNothing) {
  write("20240101000000_x.sql", "CREATE TABLE x (id int);\n");  // neither goose nor dbmate annotations
  write("1_y.up.sql", "CREATE TABLE y (id int);\n");
  std::string before = schema_dump();
  auto r = apply({"--layout", "goose"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(schema_dump(), before);
}

}  // namespace
}  // namespace slipway::test
