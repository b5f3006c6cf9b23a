// A migration's expressions and types go into the SQL slipway builds: each must be one
// expression / one type name, or the file is refused (exit 2) before anything changes; text
// that is one expression stays data wherever slipway puts it (a trigger function's body too).
#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

class MigrationUserText : public OpsTest {
 protected:
  void SetUp() override {
    OpsTest::SetUp();
    sql("CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL)");
    sql("INSERT INTO users VALUES (1, 'ann'), (2, 'bob')");
    sql("CREATE TABLE victim (id int PRIMARY KEY)");
    sql("INSERT INTO victim VALUES (1)");
  }
};

TEST_F(MigrationUserText, FieldsThatAreNotOneExpressionOrTypeAreRefused) {
  struct Case {
    const char* field;  // the path the message names
    std::string operation;
  };
  const std::string drop = "; DROP TABLE victim; --";
  const std::vector<Case> cases{
      {"add_column.column.default",
       "add_column: {table: users, column: {name: c, type: int, nullable: true, default: \"1" + drop + "\"}}"},
      {"add_column.column.default",
       "add_column: {table: users, column: {name: c, type: int, nullable: true, default: \"1) , (2\"}}"},
      {"add_column.column.check.constraint",
       "add_column: {table: users, column: {name: c, type: int, nullable: true, "
       "check: {name: c_pos, constraint: \"c > 0)" + drop + "\"}}}"},
      {"add_column.column.type",
       "add_column: {table: users, column: {name: c, type: \"int" + drop + "\", nullable: true}}"},
      {"add_column.column.type", "add_column: {table: users, column: {name: c, type: \"int --\", nullable: true}}"},
      {"add_column.up",
       "add_column: {table: users, up: \"1); DROP TABLE victim; SELECT (1\", column: {name: c, type: int}}"},
      {"alter_column.type",
       "alter_column: {table: users, column: name, type: \"varchar(10) USING 1" + drop + "\", up: name, down: name}"},
      {"alter_column.up",
       "alter_column: {table: users, column: name, type: varchar(50), up: \"name) OR (true\", down: name}"},
      {"create_table.columns[1].default",
       "create_table: {name: t2, columns: [{name: id, type: int, pk: true}, {name: v, type: int, default: \"0" + drop +
           "\"}]}"},
  };
  for (const auto& c : cases) {
    auto before = schema_dump();
    auto f = migration_file("01_hostile", "operations:\n  - " + c.operation + "\n");
    auto r = slipway({"start", f});
    EXPECT_EQ(r.exit_code, 2) << c.operation << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(std::string("operations[0].") + c.field), std::string::npos) << r.err;
    EXPECT_EQ(schema_dump(), before) << c.operation;
    EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM victim"), 1) << c.operation;
  }
}

// One expression that is a dollar-quoted string holding slipway's own body tag: it is a value,
// and stays one inside the trigger function slipway writes around it.
TEST_F(MigrationUserText, AnExpressionCannotEndTheTriggerFunctionsBody) {
  auto f = migration_file("01_tag", R"(operations:
  - alter_column:
      table: users
      column: name
      type: varchar(100)
      up: "$_slipway_$; DROP TABLE victim; SELECT $_slipway_$"
      down: name
)");
  auto r = slipway({"start", f});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM victim"), 1);
  auto done = slipway({"complete"});
  ASSERT_EQ(done.exit_code, 0) << done.out << done.err;
  EXPECT_EQ(scalar<std::string>("SELECT name FROM users WHERE id = 1"), "; DROP TABLE victim; SELECT ");
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM victim"), 1);
}

}  // namespace
}  // namespace slipway::test
