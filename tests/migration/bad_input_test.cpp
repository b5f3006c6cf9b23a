// Bad input: a clear message naming file and field, exit code 2, and nothing changed (the
// schema dump is identical, the history too).
#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

class BadInput : public OpsTest {
 protected:
  void SetUp() override {
    OpsTest::SetUp();
    sql("CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL)");
    sql("CREATE TABLE events (payload text)");  // no primary key, no unique key
    sql("INSERT INTO users VALUES (1, 'ann'), (2, 'bob')");
    sql("INSERT INTO events VALUES ('x')");
  }
  // Runs `slipway start FILE`, expects exit 2 with `expected` in stderr and an unchanged schema.
  void expect_rejected(const std::string& file, const std::string& expected) {
    auto before = schema_dump();
    auto r = slipway({"start", file});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << "stderr:\n" << r.err;
    EXPECT_EQ(schema_dump(), before) << "the schema changed although the input was rejected";
  }
};

TEST_F(BadInput, MissingTable) {
  auto f = migration_file("01_missing", "operations:\n  - rename_table:\n      from: userz\n      to: people\n");
  expect_rejected(f, "01_missing.yaml:3:7: operations[0].rename_table.from: table \"userz\" does not exist");
}

TEST_F(BadInput, DuplicateName) {
  auto f = migration_file("02_dup", R"(operations:
  - create_table:
      name: users
      columns:
        - name: id
          type: int
          pk: true
)");
  expect_rejected(f, "operations[0].create_table.name: table \"users\" already exists");
}

TEST_F(BadInput, DuplicateNameWithinTheMigration) {
  auto f = migration_file("03_dup2", R"(operations:
  - create_table:
      name: things
      columns: [{name: id, type: int, pk: true}]
  - create_table:
      name: things
      columns: [{name: id, type: int, pk: true}]
)");
  expect_rejected(f, "operations[1].create_table.name: table \"things\" already exists");
}

// What CREATE TABLE or CREATE INDEX would fail on in start is found by validate, before the
// first change: a new table's defaults, generated columns and checks compile over its row; an
// index's collations and operator classes exist.
TEST_F(BadInput, NewTablesExpressionsCompileBeforeAnyChange) {
  auto base = std::string(R"(operations:
  - sql:
      up: CREATE TABLE made_first (id int)
      down: DROP TABLE made_first
  - create_table:
      name: things
      columns:
        - {name: id, type: serial, pk: true}
        - {name: qty, type: int)");
  expect_rejected(migration_file("30_default", base + ", default: \"no_such_fn(1)\"}\n"),
                  "operations[1].create_table.columns[1].default: function no_such_fn(integer) does not exist");
  expect_rejected(migration_file("31_check", base + ", check: {name: qty_ok, constraint: \"qtyy > 0\"}}\n"),
                  "operations[1].create_table.columns[1].check.constraint: column \"qtyy\" does not exist");
  expect_rejected(migration_file("32_generated", base + ", generated: {expression: \"id * nope\"}}\n"),
                  "operations[1].create_table.columns[1].generated.expression: column \"nope\" does not exist");
  expect_rejected(migration_file("33_table_check", base + "}\n      constraints:\n        - {name: c, type: check, check: \"qty > id::bogus\"}\n"),
                  "operations[1].create_table.constraints[0].check: type \"bogus\" does not exist");
  // The same shapes that compile are accepted (serial reads as integer; the row's columns by name).
  auto ok = slipway({"validate", migration_file("34_ok", base + ", default: \"1\", check: {name: qty_ok, constraint: \"qty > 0 AND id > 0\"}}\n")});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST_F(BadInput, IndexCollationsAndOperatorClassesExistBeforeAnyChange) {
  auto index = [](const std::string& element) {
    return "operations:\n  - create_index:\n      name: users_name_x\n      table: users\n      columns:\n        - column: name\n          " +
           element + "\n";
  };
  expect_rejected(migration_file("35_collation", index("collate: no_such_collation")),
                  "operations[0].create_index.columns[0].collate: collation \"no_such_collation\" does not exist");
  expect_rejected(migration_file("36_opclass", index("opclass: {name: no_such_ops}")),
                  "operations[0].create_index.columns[0].opclass.name: operator class no_such_ops does not exist for index method btree");
  auto ok = slipway({"validate", migration_file("37_ok", index("opclass: {name: text_pattern_ops}"))});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST_F(BadInput, BadUpExpression) {
  auto f = migration_file("04_badup", R"(operations:
  - add_column:
      table: users
      up: nme || '!'
      column:
        name: shout
        type: text
        nullable: true
)");
  expect_rejected(f, "column \"nme\" does not exist");
  auto r = slipway({"start", f});
  EXPECT_NE(r.err.find("operations[0].add_column.up"), std::string::npos) << r.err;
}

TEST_F(BadInput, UnknownField) {
  auto f = migration_file("05_unknown", "operations:\n  - drop_table:\n      name: users\n      cascade: true\n");
  expect_rejected(f, "05_unknown.yaml:4:7: operations[0].drop_table.cascade: unknown field");
}

TEST_F(BadInput, UnknownType) {
  auto f = migration_file("06_type", "operations:\n  - create_table:\n      name: t\n      columns: [{name: id, type: integr}]\n");
  expect_rejected(f, "type \"integr\" does not exist");
}

TEST_F(BadInput, MigrationAlreadyActive) {
  auto first = migration_file("07_first", "operations:\n  - rename_table:\n      from: users\n      to: people\n");
  auto second = migration_file("08_second", "operations:\n  - rename_table:\n      from: events\n      to: happenings\n");
  ASSERT_EQ(slipway({"start", first}).exit_code, 0);
  expect_rejected(second, "migration 07_first is active; only one migration can be in progress");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM slipway.migrations WHERE name = '08_second'"), 0);
}

TEST_F(BadInput, ResumingWithAChangedFileIsRefused) {
  auto f = migration_file("07b_first", "operations:\n  - rename_table:\n      from: users\n      to: people\n");
  ASSERT_EQ(slipway({"start", f}).exit_code, 0);
  migration_file("07b_first", "operations:\n  - rename_table:\n      from: users\n      to: persons\n");
  expect_rejected(f, "migration 07b_first is active but the file differs from what was started");
}

TEST_F(BadInput, ApplyingAMigrationTwiceIsRefused) {
  auto f = migration_file("07c_once", "operations:\n  - rename_table:\n      from: users\n      to: people\n");
  ASSERT_EQ(slipway({"start", "--complete", f}).exit_code, 0);
  expect_rejected(f, "migration 07c_once was already applied (complete)");
}

TEST_F(BadInput, TableWithoutUsableKeyForBackfill) {
  auto f = migration_file("09_nokey", R"(operations:
  - add_column:
      table: events
      up: upper(payload)
      column:
        name: loud
        type: text
        nullable: true
)");
  expect_rejected(f, "events has no primary key or unique NOT NULL key");
}

TEST_F(BadInput, VersionSchemaNameTooLong) {
  auto f = migration_file("10_" + std::string(60, 'x'), "operations:\n  - drop_table:\n      name: users\n");
  expect_rejected(f, "PostgreSQL allows 63");
}

TEST_F(BadInput, ValidateReportsTheSameProblemsAndChangesNothing) {
  auto f = migration_file("11_validate", "operations:\n  - rename_column:\n      table: users\n      from: nam\n      to: full_name\n");
  auto before = schema_dump();
  auto r = slipway({"validate", f});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("column \"nam\" does not exist in table \"users\""), std::string::npos) << r.err;
  EXPECT_EQ(schema_dump(), before);
}

// PostgreSQL numbers at most 1600 columns per table, dropped ones included; start adds its
// columns before the application sees them. Found by validate, not at the 1601st ALTER TABLE.
TEST_F(BadInput, ColumnsPastPostgresLimitAreRefusedBeforeAnyChange) {
  std::string create = "CREATE TABLE wide (id int PRIMARY KEY";
  for (int i = 1; i < 1595; ++i) create += ", c" + std::to_string(i) + " int";
  sql(create + ")");
  sql("ALTER TABLE wide DROP COLUMN c1, DROP COLUMN c2, DROP COLUMN c3");  // still numbered: 1595
  auto adds = [&](const std::string& name, int n) {
    std::string text = "operations:\n";
    for (int i = 0; i < n; ++i)
      text += "  - add_column:\n      table: wide\n      column: {name: n" + std::to_string(i) +
              ", type: int, nullable: true}\n";
    return migration_file(name, text);
  };
  expect_rejected(adds("30_six", 6), "operations[5].add_column.table: table \"wide\" would number 1601 columns");
  auto r = slipway({"start", adds("31_five", 5)});  // exactly 1600: PostgreSQL takes it
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(scalar<int>("SELECT relnatts FROM pg_class WHERE oid = 'wide'::regclass"), 1600);
}

}  // namespace
}  // namespace slipway::test
