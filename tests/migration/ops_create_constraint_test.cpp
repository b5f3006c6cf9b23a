// create_constraint against a real PostgreSQL: the constrained columns are duplicated, `up`
// makes old values satisfy the constraint in the new version, the new version's writes must
// satisfy it at once, `down` maps them back; complete attaches it; rollback restores.
#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

class CreateConstraintTest : public OpsTest {
 protected:
  void SetUp() override {
    OpsTest::SetUp();
    sql("CREATE TABLE sellers (name varchar(255), zip integer, PRIMARY KEY (name, zip))");
    sql("INSERT INTO sellers VALUES ('alice', 1), ('bob', 2), ('carol', 3)");
    sql("CREATE TABLE tickets (ticket_id serial PRIMARY KEY, sellers_name varchar(255) NOT NULL, "
        "sellers_zip integer NOT NULL, ticket_type varchar(255) DEFAULT 'paper')");
    sql("INSERT INTO tickets (sellers_name, sellers_zip) SELECT (ARRAY['alice','bob','carol'])[g % 3 + 1], "
        "CASE WHEN g % 10 = 0 THEN -g ELSE g % 3 + 1 END FROM generate_series(1, 300) g");
  }
};

TEST_F(CreateConstraintTest, CheckOverTwoColumnsWithUpAndDown) {
  start(migration_file("02_check", R"(operations:
  - create_constraint:
      type: check
      table: tickets
      name: check_zip_name
      columns: [sellers_name, sellers_zip]
      check: sellers_name = 'alice' OR sellers_zip > 0
      up:
        sellers_name: sellers_name
        sellers_zip: SELECT CASE WHEN sellers_name != 'alice' AND sellers_zip <= 0 THEN 123 ELSE sellers_zip END
      down:
        sellers_name: sellers_name
        sellers_zip: sellers_zip
)"));
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_check");
  EXPECT_EQ(number(new_app, "SELECT count(*) FROM tickets WHERE NOT (sellers_name = 'alice' OR sellers_zip > 0)"), 0);
  EXPECT_GT(number(old_app, "SELECT count(*) FROM tickets WHERE NOT (sellers_name = 'alice' OR sellers_zip > 0)"), 0);

  old_app.exec("INSERT INTO tickets (sellers_name, sellers_zip) VALUES ('bob', -5)");
  EXPECT_EQ(number(new_app, "SELECT sellers_zip FROM tickets WHERE sellers_zip = 123 AND ticket_id = (SELECT max(ticket_id) FROM tickets)"), 123);
  EXPECT_EQ(number(old_app, "SELECT sellers_zip FROM tickets WHERE ticket_id = (SELECT max(ticket_id) FROM tickets)"), -5);
  EXPECT_THROW(new_app.exec("INSERT INTO tickets (sellers_name, sellers_zip) VALUES ('bob', -7)"), pg::CheckViolation);
  new_app.exec("INSERT INTO tickets (sellers_name, sellers_zip) VALUES ('alice', -7)");
  EXPECT_EQ(number(old_app, "SELECT count(*) FROM tickets WHERE sellers_name = 'alice' AND sellers_zip = -7"), 1);

  complete();
  EXPECT_EQ(constraint_kind("tickets", "check_zip_name"), "c");
  EXPECT_TRUE(column_not_null("tickets", "sellers_zip"));
  EXPECT_EQ(slipway_leftovers(), "");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM tickets"), 302);
}

TEST_F(CreateConstraintTest, UniqueAndForeignKeyAndRollback) {
  sql("DELETE FROM tickets WHERE sellers_zip <= 0 OR ticket_id > 3");
  auto before = app_schema_dump();
  const std::string yaml = R"(operations:
  - create_constraint:
      type: unique
      table: tickets
      name: unique_zip_name
      columns: [sellers_name, sellers_zip]
  - create_constraint:
      type: foreign_key
      table: tickets
      name: fk_sellers
      columns: [ticket_type]
      references:
        table: sellers
        columns: [name]
        on_delete: CASCADE
)";
  // ticket_type references sellers(name) is not unique there: PostgreSQL refuses, start fails
  // cleanly at the foreign key and rollback restores everything.
  auto r = slipway({"start", migration_file("02_bad_fk", yaml)});
  EXPECT_NE(r.exit_code, 0);
  slipway({"rollback"});
  EXPECT_EQ(app_schema_dump(), before);

  start(migration_file("03_unique", R"(operations:
  - create_constraint:
      type: unique
      table: tickets
      name: unique_zip_name
      columns: [sellers_name, sellers_zip]
)"));
  {
    auto old_app = OpsTest::old_app();
    auto new_app = OpsTest::new_app("03_unique");
    auto existing = *text(new_app, "SELECT sellers_name || ',' || sellers_zip FROM tickets LIMIT 1");
    auto comma = existing.find(',');
    EXPECT_THROW(new_app.exec("INSERT INTO tickets (sellers_name, sellers_zip) VALUES ('" + existing.substr(0, comma) +
                              "', " + existing.substr(comma + 1) + ")"),
                 pg::UniqueViolation);
    new_app.exec("INSERT INTO tickets (sellers_name, sellers_zip) VALUES ('zed', 9)");
    EXPECT_EQ(number(old_app, "SELECT count(*) FROM tickets WHERE sellers_name = 'zed' AND sellers_zip = 9"), 1);
  }
  complete();
  EXPECT_EQ(constraint_kind("tickets", "unique_zip_name"), "u");
  sql("DELETE FROM tickets WHERE sellers_name = 'zed'");
  sql("INSERT INTO sellers VALUES ('dave', 4)");

  // The same columns again, in the next migration (one change per column and migration).
  start(migration_file("04_fk", R"(operations:
  - create_constraint:
      type: foreign_key
      table: tickets
      name: fk_sellers
      columns: [sellers_name, sellers_zip]
      references:
        table: sellers
        columns: [name, zip]
)"));
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("04_fk");
  EXPECT_THROW(new_app.exec("INSERT INTO tickets (sellers_name, sellers_zip) VALUES ('zed', 9)"),
               pg::ForeignKeyViolation);
  // Keeps the unique constraint of the previous migration on the duplicates.
  new_app.exec("INSERT INTO tickets (sellers_name, sellers_zip) VALUES ('dave', 4)");
  EXPECT_THROW(new_app.exec("INSERT INTO tickets (sellers_name, sellers_zip) VALUES ('dave', 4)"),
               pg::UniqueViolation);
  EXPECT_EQ(number(old_app, "SELECT count(*) FROM tickets WHERE sellers_name = 'dave' AND sellers_zip = 4"), 1);

  complete();
  EXPECT_EQ(constraint_kind("tickets", "unique_zip_name"), "u");
  EXPECT_EQ(constraint_kind("tickets", "fk_sellers"), "f");
  EXPECT_EQ(slipway_leftovers(), "");
}

TEST_F(CreateConstraintTest, PrimaryKeyOnATableWithOnlyAUniqueKey) {
  sql("CREATE TABLE tasks (code text NOT NULL UNIQUE, id integer, title text)");
  sql("INSERT INTO tasks SELECT 'c' || g, g, 't' || g FROM generate_series(1, 200) g");
  start(migration_file("02_pk", R"(operations:
  - create_constraint:
      name: tasks_pkey
      table: tasks
      columns: [id]
      type: primary_key
      up:
        id: id
      down:
        id: id
)"));
  auto new_app = OpsTest::new_app("02_pk");
  EXPECT_THROW(new_app.exec("INSERT INTO tasks (code, id) VALUES ('x', NULL)"), pg::CheckViolation);
  EXPECT_THROW(new_app.exec("INSERT INTO tasks (code, id) VALUES ('y', 1)"), pg::UniqueViolation);
  new_app.exec("INSERT INTO tasks (code, id) VALUES ('z', 1000)");
  complete();
  EXPECT_EQ(constraint_kind("tasks", "tasks_pkey"), "p");
  EXPECT_TRUE(column_not_null("tasks", "id"));
  EXPECT_EQ(constraint_kind("tasks", "tasks_code_key"), "u");
  EXPECT_EQ(slipway_leftovers(), "");
}

TEST_F(CreateConstraintTest, OnATableTheMigrationCreates) {
  start(migration_file("02_new_table", R"(operations:
  - create_table:
      name: jobs
      columns:
        - name: id
          type: serial
        - name: title
          type: text
  - create_constraint:
      name: jobs_pkey
      table: jobs
      columns: [id]
      type: primary_key
)"));
  complete();
  EXPECT_EQ(constraint_kind("jobs", "jobs_pkey"), "p");
}

}  // namespace
}  // namespace slipway::test
