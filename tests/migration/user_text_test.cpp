// A migration's expressions, types and clause lists (storage parameters, opclasses, exclusion
// elements, identity sequence options) go into the SQL slipway builds: each must be that one
// shape, or the file is refused (exit 2) before anything changes; text
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

TEST_F(MigrationUserText, FieldsThatAreNotTheirSqlShapeAreRefused) {
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
      {"create_index.storage_parameters",
       "create_index: {name: i1, table: users, columns: [{column: name}], storage_parameters: \"fillfactor = 70)" + drop +
           "\"}"},
      {"create_index.columns[0].opclass.name",
       "create_index: {name: i1, table: users, columns: [{column: name, opclass: {name: \"text_pattern_ops)" + drop +
           "\"}}]}"},
      {"create_index.columns[0].opclass.params",
       "create_index: {name: i1, table: users, method: gist, columns: [{column: name, opclass: {name: gist_trgm_ops, "
       "params: {siglen: \"32)" + drop + "\"}}}]}"},
      {"create_table.constraints[0].exclude.elements",
       "create_table: {name: t2, columns: [{name: id, type: int}], constraints: [{name: x, type: exclude, "
       "exclude: {index_method: gist, elements: \"id WITH =))" + drop + "\"}}]}"},
      {"create_table.constraints[0].index_parameters.storage_parameters",
       "create_table: {name: t2, columns: [{name: id, type: int}], constraints: [{name: u, type: unique, columns: [id], "
       "index_parameters: {storage_parameters: \"fillfactor = 70))" + drop + "\"}}]}"},
      {"create_table.columns[0].generated.identity.sequence_options",
       "create_table: {name: t2, columns: [{name: id, type: int, generated: {identity: {sequence_options: \"START 1))" +
           drop + "\"}}}]}"},
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

// A `sql` operation's statements are checked with the grammar when the file is read: a typo is
// exit 2 from `validate` with the line in the SQL, before `start` changes anything.
TEST_F(MigrationUserText, SqlOperationsWithASyntaxErrorAreRefusedBeforeAnyChange) {
  const auto before = schema_dump();
  auto f = migration_file("01_typo", R"(operations:
  - add_column: {table: users, column: {name: c, type: int, nullable: true}}
  - sql:
      up: |
        CREATE TABLE notes (id int);
        CREATE TABLEE more (id int);
      down: DROP TABLE notes
)");
  for (const char* command : {"validate", "start"}) {
    auto r = slipway({command, f});
    EXPECT_EQ(r.exit_code, 2) << command << r.out << r.err;
    EXPECT_NE(r.err.find("operations[1].sql.up"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("syntax error at line 2, column 8"), std::string::npos) << r.err;
  }
  EXPECT_EQ(schema_dump(), before);
  auto down = migration_file("02_typo", "operations:\n  - sql: {up: \"CREATE TABLE n (id int)\", down: \"DROP TABLE\"}\n");
  auto r = slipway({"validate", down});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("operations[0].sql.down"), std::string::npos) << r.err;
}

// The same clause fields in their shape reach the catalog as written.
TEST_F(MigrationUserText, ClauseListsInTheirShapeReachTheCatalog) {
  auto f = migration_file("01_clauses", R"(operations:
  - create_table:
      name: docs
      columns:
        - {name: id, type: int, generated: {identity: {sequence_options: "START WITH 500 INCREMENT BY 5"}}}
        - {name: body, type: tsvector, nullable: true}
        - {name: room, type: int, nullable: true}
      constraints:
        - {name: docs_pk, type: primary_key, columns: [id], index_parameters: {storage_parameters: "fillfactor = 60"}}
        - {name: one_room, type: exclude, exclude: {index_method: btree, elements: "room WITH ="}}
  - create_index:
      name: docs_body
      table: docs
      method: gist
      storage_parameters: "buffering = off"
      columns: [{column: body, opclass: {name: tsvector_ops, params: {siglen: "100"}}}]
)");
  auto r = slipway({"start", f, "--complete"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  sql("INSERT INTO docs (room) VALUES (1)");
  EXPECT_EQ(scalar<int64_t>("SELECT id FROM docs"), 500);
  EXPECT_EQ(scalar<std::string>("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'docs_pk'"),
            "fillfactor=60");
  EXPECT_EQ(scalar<std::string>("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'docs_body'"),
            "buffering=off");
  EXPECT_NE(scalar<std::string>("SELECT pg_get_indexdef('docs_body'::regclass)").find("tsvector_ops (siglen='100')"),
            std::string::npos);
  EXPECT_EQ(scalar<std::string>("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'one_room'"),
            "EXCLUDE USING btree (room WITH =)");
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
