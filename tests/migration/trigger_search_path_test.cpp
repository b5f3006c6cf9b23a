// slipway's trigger functions resolve names the same way whoever writes: an old-version writer
// whose search_path is its version schema (views only) still gets the table schema's types,
// functions, domains and sequences in the `up` expressions, and a writer cannot shadow a
// pg_catalog function inside them by putting its own schema first.
#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

class TriggerSearchPath : public OpsTest {
 protected:
  void SetUp() override {
    OpsTest::SetUp();
    sql("CREATE TYPE mood AS ENUM ('happy', 'sad')");
    sql("CREATE FUNCTION initials(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT left(t, 1) $$");
    sql("CREATE DOMAIN short_text AS text CHECK (length(VALUE) <= 3)");
    sql("CREATE SEQUENCE ticket_seq START 100");
    sql("CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL)");
    sql("INSERT INTO people VALUES (1, 'ann')");
    // A schema a writer controls, with a function of pg_catalog's name and signature.
    sql("CREATE SCHEMA evil");
    sql("CREATE FUNCTION evil.upper(t text) RETURNS text LANGUAGE sql AS $$ SELECT 'pwned' $$");
    ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
    // A first migration, so that the old version of the second is a schema of views.
    start(migration_file("01_note", R"(operations:
  - add_column: {table: people, column: {name: note, type: text, nullable: true}}
)"));
    complete();
  }
};

TEST_F(TriggerSearchPath, UpExpressionsResolveInTheTablesSchemaForEveryWriter) {
  start(migration_file("02_kinds", R"yaml(operations:
  - add_column:
      table: people
      up: "CASE WHEN name LIKE 'a%' THEN 'happy'::mood ELSE 'sad'::mood END"
      column: {name: feeling, type: mood, nullable: true}
  - add_column:
      table: people
      up: initials(name)
      column: {name: first_letter, type: text, nullable: true}
  - add_column:
      table: people
      up: "left(name, 3)::short_text"
      column: {name: short_name, type: text, nullable: true}
  - add_column:
      table: people
      up: "nextval('ticket_seq')"
      column: {name: ticket, type: bigint, nullable: true}
  - add_column:
      table: people
      up: upper(name)
      column: {name: shout, type: text, nullable: true}
)yaml"));
  // The old version's writer: search_path is its version schema alone.
  auto old_writer = app("public_01_note");
  old_writer.exec("INSERT INTO people (id, name) VALUES (2, 'bob')");
  // A writer that puts its own schema before pg_catalog (slipway.version names its version).
  auto shadowing = connect();
  shadowing.exec("SET search_path = evil, pg_catalog, public_01_note");
  shadowing.exec("SET slipway.version = 'public_01_note'");
  shadowing.exec("INSERT INTO people (id, name) VALUES (3, 'cat')");

  auto reader = new_app("02_kinds");
  EXPECT_EQ(text(reader, "SELECT feeling::text FROM people WHERE id = 2"), "sad");
  EXPECT_EQ(text(reader, "SELECT first_letter FROM people WHERE id = 2"), "b");
  EXPECT_EQ(text(reader, "SELECT short_name FROM people WHERE id = 2"), "bob");
  EXPECT_GE(number(reader, "SELECT ticket FROM people WHERE id = 2"), 100);
  EXPECT_EQ(text(reader, "SELECT shout FROM people WHERE id = 2"), "BOB");
  EXPECT_EQ(text(reader, "SELECT shout FROM people WHERE id = 3"), "CAT");
  EXPECT_EQ(text(reader, "SELECT feeling::text FROM people WHERE id = 3"), "sad");
  complete();
  EXPECT_EQ(scalar<std::string>("SELECT shout FROM people WHERE id = 1"), "ANN");
}

// Every function slipway creates carries the pinned search_path.
TEST_F(TriggerSearchPath, EveryFunctionSlipwayCreatesPinsItsSearchPath) {
  start(migration_file("02_shout", R"(operations:
  - add_column:
      table: people
      up: upper(name)
      column: {name: shout, type: text, nullable: true}
)"));
  EXPECT_GT(scalar<int64_t>("SELECT count(*) FROM pg_proc WHERE proname LIKE '\\_slipway%'"), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM pg_proc WHERE proname LIKE '\\_slipway%' AND NOT "
                            "coalesce(proconfig::text[] @> ARRAY['search_path=pg_catalog, public, pg_temp'] OR "
                            "proconfig::text[] @> ARRAY['search_path=pg_catalog, pg_temp'], false)"),
            0);
}

}  // namespace
}  // namespace slipway::test
