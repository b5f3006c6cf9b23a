// create_table, drop_table, rename_table, rename_column, sql, create_index, drop_index,
// rename_constraint, set_replica_identity: what the old and the new version see and can write
// between start and complete, and the physical result after complete.
#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

class TableOps : public OpsTest {
 protected:
  void SetUp() override {
    OpsTest::SetUp();
    sql("CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, role text)");
    sql("INSERT INTO users (name, role) VALUES ('ann', 'admin'), ('bob', 'dev')");
  }
};

TEST_F(TableOps, CreateTableWithEveryKindOfColumnAndConstraint) {
  sql("CREATE TABLE teams (id int PRIMARY KEY)");
  sql("INSERT INTO teams VALUES (1)");
  auto f = migration_file("01_players", R"(operations:
  - create_table:
      name: players
      comment: people who play
      columns:
        - name: id
          type: bigint
          pk: true
          generated:
            identity:
              user_specified_values: ALWAYS
        - name: handle
          type: varchar(40)
          unique: true
          comment: public name
        - name: score
          type: int
          default: "0"
          check:
            name: score_positive
            constraint: score >= 0
        - name: team_id
          type: int
          nullable: true
          references:
            name: players_team_fk
            table: teams
            column: id
            on_delete: SET NULL
        - name: score_x2
          type: int
          generated:
            expression: score * 2
      constraints:
        - name: handle_not_empty
          type: check
          check: length(handle) > 0
        - name: one_handle_per_team
          type: unique
          columns: [team_id, handle]
)");
  start(f);
  // The new version sees the table; writes through its view use the defaults and generators.
  auto app = new_app("01_players");
  app.exec("INSERT INTO players (handle, team_id) VALUES ('zed', 1)");
  EXPECT_EQ(text(app, "SELECT score::text || '/' || score_x2::text || '/' || id::text FROM players"), "0/0/1");
  EXPECT_THROW(app.exec("INSERT INTO players (handle) VALUES ('')"), pg::CheckViolation);
  EXPECT_THROW(app.exec("INSERT INTO players (handle, score) VALUES ('y', -1)"), pg::CheckViolation);
  EXPECT_THROW(app.exec("INSERT INTO players (handle) VALUES ('zed')"), pg::UniqueViolation);
  EXPECT_THROW(app.exec("INSERT INTO players (handle, team_id) VALUES ('q', 99)"), pg::ForeignKeyViolation);
  complete();
  EXPECT_EQ(scalar<std::string>("SELECT obj_description('players'::regclass)"), "people who play");
  EXPECT_EQ(scalar<std::string>("SELECT col_description('players'::regclass, 2)"), "public name");
  EXPECT_TRUE(column_not_null("players", "handle"));   // pgroll: NOT NULL unless nullable
  EXPECT_FALSE(column_not_null("players", "team_id"));
  EXPECT_EQ(scalar<std::string>("SELECT attidentity::text FROM pg_attribute WHERE attrelid = 'players'::regclass AND attname = 'id'"), "a");
  sql("DELETE FROM teams");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM players WHERE team_id IS NULL"), 1);
}

// Options reach the catalog, none dropped: `initially_deferred` alone implies DEFERRABLE (it
// was left out), `nulls_not_distinct` and `no_inherit` where they belong.
TEST_F(TableOps, ConstraintOptionsReachTheCatalog) {
  start(migration_file("01_opts", R"(operations:
  - create_table:
      name: t
      columns: [{name: id, type: int}, {name: code, type: text, nullable: true}]
      constraints:
        - {name: t_id_key, type: unique, columns: [id], initially_deferred: true}
        - {name: t_code_key, type: unique, columns: [code], nulls_not_distinct: true}
        - {name: t_id_positive, type: check, check: "id > 0", no_inherit: true}
)"));
  EXPECT_EQ(scalar<std::string>("SELECT condeferrable::text || condeferred::text FROM pg_constraint WHERE conname = 't_id_key'"),
            "truetrue");
  EXPECT_NE(scalar<std::string>("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 't_code_key'")
                .find("NULLS NOT DISTINCT"),
            std::string::npos);
  EXPECT_TRUE(scalar<bool>("SELECT connoinherit FROM pg_constraint WHERE conname = 't_id_positive'"));
}

TEST_F(TableOps, CreateTableRollbackDropsIt) {
  auto f = migration_file("02_t", "operations:\n  - create_table:\n      name: t\n      columns: [{name: id, type: serial, pk: true}]\n");
  auto before = schema_dump();
  start(f);
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.t') IS NOT NULL"));
  rollback();
  EXPECT_EQ(schema_dump({"--exclude-schema=slipway"}), before);
}

TEST_F(TableOps, DropTableHidesItFromTheNewVersionAndDropsItAtComplete) {
  auto f = migration_file("03_drop", "operations:\n  - drop_table:\n      name: users\n");
  start(f);
  auto old = old_app();
  auto neu = new_app("03_drop");
  old.exec("INSERT INTO users (name) VALUES ('carl')");  // the old version keeps working
  EXPECT_EQ(number(old, "SELECT count(*) FROM users"), 3);
  EXPECT_THROW(neu.exec("SELECT * FROM users"), pg::UndefinedObject);
  complete();
  EXPECT_FALSE(scalar<bool>("SELECT to_regclass('public.users') IS NOT NULL"));
}

TEST_F(TableOps, RenameTableServesBothNamesUntilComplete) {
  auto f = migration_file("04_rename", "operations:\n  - rename_table:\n      from: users\n      to: people\n");
  start(f);
  auto old = old_app();
  auto neu = new_app("04_rename");
  old.exec("INSERT INTO users (name) VALUES ('carl')");
  neu.exec("INSERT INTO people (name) VALUES ('dora')");
  EXPECT_EQ(number(old, "SELECT count(*) FROM users"), 4);
  EXPECT_EQ(number(neu, "SELECT count(*) FROM people"), 4);
  EXPECT_THROW(neu.exec("SELECT * FROM users"), pg::UndefinedObject);
  // The view checks the caller's privileges, not slipway's.
  EXPECT_EQ(scalar<std::string>("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'public_04_rename.people'::regclass"),
            "security_invoker=true");
  complete();
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.people') IS NOT NULL"));
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.users') IS NULL"));
  auto after = new_app("04_rename");  // the version schema keeps working after complete
  EXPECT_EQ(number(after, "SELECT count(*) FROM people"), 4);
}

TEST_F(TableOps, RenameColumnAliasesTheNewNameAndRenamesAtComplete) {
  auto f = migration_file("05_rencol", "operations:\n  - rename_column:\n      table: users\n      from: role\n      to: job_title\n");
  start(f);
  auto old = old_app();
  auto neu = new_app("05_rencol");
  old.exec("INSERT INTO users (name, role) VALUES ('carl', 'ops')");
  neu.exec("INSERT INTO users (name, job_title) VALUES ('dora', 'qa')");
  EXPECT_EQ(text(old, "SELECT string_agg(role, ',' ORDER BY id) FROM users"), "admin,dev,ops,qa");
  EXPECT_EQ(text(neu, "SELECT string_agg(job_title, ',' ORDER BY id) FROM users"), "admin,dev,ops,qa");
  EXPECT_THROW(neu.exec("SELECT role FROM users"), pg::UndefinedObject);
  complete();
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'job_title'"), 1);
  auto after = new_app("05_rencol");
  EXPECT_EQ(text(after, "SELECT job_title FROM users WHERE name = 'dora'"), "qa");
}

TEST_F(TableOps, RenameTableAndOneOfItsColumnsInOneMigration) {
  auto f = migration_file("05b_both", "operations:\n  - rename_table:\n      from: users\n      to: people\n  - rename_column:\n      table: people\n      from: role\n      to: job\n");
  start(f);
  auto neu = new_app("05b_both");
  neu.exec("INSERT INTO people (name, job) VALUES ('dora', 'qa')");
  auto old = old_app();
  EXPECT_EQ(text(old, "SELECT role FROM users WHERE name = 'dora'"), "qa");
  complete();
  EXPECT_EQ(scalar<std::string>("SELECT job FROM people WHERE name = 'dora'"), "qa");
}

TEST_F(TableOps, SqlUpAtStartDownAtRollbackAndNewTablesAppearInTheVersion) {
  auto f = migration_file("06_sql", "operations:\n  - sql:\n      up: CREATE TABLE notes (id int PRIMARY KEY, body text)\n      down: DROP TABLE notes\n");
  auto before = schema_dump({"--exclude-schema=slipway"});
  start(f);
  auto neu = new_app("06_sql");
  neu.exec("INSERT INTO notes VALUES (1, 'hi')");
  EXPECT_EQ(text(neu, "SELECT body FROM notes"), "hi");
  rollback();
  EXPECT_EQ(schema_dump({"--exclude-schema=slipway"}), before);
}

TEST_F(TableOps, SqlOnCompleteRunsOnlyAtComplete) {
  auto f = migration_file("07_oncomplete", "operations:\n  - sql:\n      up: ALTER TABLE users ADD COLUMN birth date\n      onComplete: true\n");
  start(f);
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'birth'"), 0);
  complete();
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'birth'"), 1);
  auto neu = new_app("07_oncomplete");  // the completed version shows the new column
  EXPECT_EQ(number(neu, "SELECT count(birth) FROM users"), 0);
}

TEST_F(TableOps, SqlWithoutDownThatOnlyCreatesIsStillRolledBack) {
  auto f = migration_file("08_enum", "operations:\n  - sql:\n      up: CREATE TYPE mood AS ENUM ('ok', 'meh'); CREATE SEQUENCE tickets_seq\n");
  auto before = schema_dump({"--exclude-schema=slipway"});
  start(f);
  EXPECT_TRUE(scalar<bool>("SELECT to_regtype('mood') IS NOT NULL"));
  rollback();
  EXPECT_EQ(schema_dump({"--exclude-schema=slipway"}), before);
}


TEST_F(TableOps, UnnamedConstraintsAndIndexParametersReachTheCatalog) {
  auto f = migration_file("08_shapes", R"(operations:
  - create_table:
      name: accounts
      columns: [{name: id, type: int}, {name: email, type: text}]
      constraints:
        - {type: unique, columns: [email]}
        - {type: primary_key, columns: [id]}
  - create_constraint:
      table: users
      name: users_role_key
      type: unique
      columns: [role]
      index_parameters: {include_columns: [name], storage_parameters: fillfactor=70}
  - create_index:
      name: users_name_trgm
      table: users
      columns:
        - column: name
          opclass: {name: text_pattern_ops, params: []}
)");
  start(f);
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('accounts_email_key') IS NOT NULL AND to_regclass('accounts_pkey') IS NOT NULL"));
  complete();
  auto def = scalar<std::string>("SELECT pg_get_indexdef('users_role_key'::regclass)");
  EXPECT_NE(def.find("INCLUDE (name) WITH (fillfactor='70')"), std::string::npos) << def;
}

// `schema.name` resolves in the schema the migration runs on, the same way in every operation:
// never a table literally named "public.x"; another schema is refused before any change.
TEST_F(TableOps, SchemaQualifiedNamesResolveInTheMigrationsSchema) {
  auto f = migration_file("08_qualified", R"(operations:
  - create_table:
      name: public.teams
      columns:
        - {name: id, type: int, pk: true}
        - {name: owner, type: int, nullable: true, references: {name: teams_owner_fk, table: public.users, column: id}}
  - create_index:
      name: public.teams_owner_idx
      table: public.teams
      columns: [{column: owner}]
  - add_column:
      table: '"public"."users"'
      column: {name: nick, type: text, nullable: true}
  - drop_index:
      name: public.users_name_idx
)");
  sql("CREATE INDEX users_name_idx ON users (name)");
  start(f);
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.teams') IS NOT NULL AND to_regclass('public.teams_owner_idx') IS NOT NULL"));
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_class WHERE relname LIKE 'public.%'"), 0);
  complete();
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('public.users_name_idx') IS NULL"));
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'nick'"), 1);

  sql("CREATE SCHEMA other");
  auto elsewhere = migration_file("09_other", "operations:\n  - drop_table:\n      name: other.users\n");
  auto before = schema_dump({"--exclude-schema=slipway"});
  auto r = slipway({"start", elsewhere});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("09_other.yaml:3:7: operations[0].drop_table.name: the name is in schema \"other\", but this "
                       "migration runs on schema \"public\""),
            std::string::npos)
      << r.err;
  EXPECT_EQ(schema_dump({"--exclude-schema=slipway"}), before);
  auto bad = slipway({"validate", migration_file("10_bad", "operations:\n  - drop_table:\n      name: a.b.c\n")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("\"a.b.c\" is not a name or schema.name"), std::string::npos) << bad.err;
}

// Validation checks types and expressions against the live catalog, but a type or function an
// earlier sql operation of the same migration creates does not exist yet: it must be accepted.
TEST_F(TableOps, LaterOperationsMayUseTypesAndFunctionsAnEarlierSqlOperationCreates) {
  auto f = migration_file("08_uses_created", R"(operations:
  - sql:
      up: |
        CREATE TYPE tier AS ENUM ('free', 'paid');
        CREATE FUNCTION public.tier_of(r text) RETURNS tier LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN r = 'admin' THEN 'paid'::tier ELSE 'free'::tier END $$;
      down: DROP FUNCTION public.tier_of(text); DROP TYPE tier
  - add_column:
      table: users
      column:
        name: tier
        type: tier
        nullable: true
      up: tier_of(role)
)");
  start(f);
  auto neu = new_app("08_uses_created");
  EXPECT_EQ(text(neu, "SELECT tier::text FROM users WHERE name = 'ann'"), "paid");
  rollback();
  EXPECT_TRUE(scalar<bool>("SELECT to_regtype('tier') IS NULL"));
}

TEST_F(TableOps, ATypeNoSqlOperationCreatesIsStillRefusedBeforeAnyChange) {
  auto f = migration_file("08_missing_type", R"(operations:
  - sql:
      up: CREATE TYPE tier AS ENUM ('free', 'paid')
      down: DROP TYPE tier
  - add_column:
      table: users
      column:
        name: tier
        type: tierr
        nullable: true
)");
  auto r = slipway({"start", f});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("tierr"), std::string::npos) << r.err;
  EXPECT_TRUE(scalar<bool>("SELECT to_regtype('tier') IS NULL"));
}
TEST_F(TableOps, CreateIndexConcurrentlyWithEveryOption) {
  auto f = migration_file("09_index", R"(operations:
  - create_index:
      name: users_name_partial
      table: users
      columns:
        - column: name
          sort: DESC
          nulls: LAST
          collate: C
          opclass:
            name: text_pattern_ops
      predicate: role IS NOT NULL
      storage_parameters: fillfactor = 80
  - create_index:
      name: users_role_unique
      table: users
      unique: true
      columns:
        - column: role
)");
  start(f);
  auto def = scalar<std::string>("SELECT pg_get_indexdef('users_name_partial'::regclass)");
  EXPECT_NE(def.find("COLLATE \"C\" text_pattern_ops DESC NULLS LAST"), std::string::npos) << def;
  EXPECT_NE(def.find("WITH (fillfactor='80')"), std::string::npos) << def;
  EXPECT_NE(def.find("WHERE (role IS NOT NULL)"), std::string::npos) << def;
  EXPECT_TRUE(scalar<bool>("SELECT indisvalid AND indisunique FROM pg_index WHERE indexrelid = 'users_role_unique'::regclass"));
  auto neu = new_app("09_index");
  EXPECT_THROW(neu.exec("INSERT INTO users (name, role) VALUES ('x', 'dev')"), pg::UniqueViolation);
  rollback();
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('users_name_partial') IS NULL"));
}

TEST_F(TableOps, DropIndexAtComplete) {
  sql("CREATE INDEX users_role_idx ON users (role)");
  auto f = migration_file("10_dropidx", "operations:\n  - drop_index:\n      name: users_role_idx\n");
  start(f);
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('users_role_idx') IS NOT NULL"));  // the old version may rely on it
  complete();
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('users_role_idx') IS NULL"));
}

TEST_F(TableOps, RenameConstraintAndBack) {
  sql("ALTER TABLE users ADD CONSTRAINT name_len CHECK (length(name) > 1)");
  auto f = migration_file("11_rencon", "operations:\n  - rename_constraint:\n      table: users\n      from: name_len\n      to: name_length_check\n");
  auto before = schema_dump({"--exclude-schema=slipway"});
  start(f);
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_constraint WHERE conname = 'name_length_check'"), 1);
  auto neu = new_app("11_rencon");
  EXPECT_THROW(neu.exec("INSERT INTO users (name) VALUES ('x')"), pg::CheckViolation);
  rollback();
  EXPECT_EQ(schema_dump({"--exclude-schema=slipway"}), before);
}

TEST_F(TableOps, SetReplicaIdentityAndRestore) {
  auto f = migration_file("12_replid", "operations:\n  - set_replica_identity:\n      table: users\n      identity:\n        type: index\n        index: users_pkey\n");
  auto g = migration_file("13_full", "operations:\n  - set_replica_identity:\n      table: users\n      identity:\n        type: full\n");
  start(f);
  EXPECT_EQ(scalar<std::string>("SELECT relreplident::text FROM pg_class WHERE oid = 'users'::regclass"), "i");
  complete();
  start(g);
  EXPECT_EQ(scalar<std::string>("SELECT relreplident::text FROM pg_class WHERE oid = 'users'::regclass"), "f");
  rollback();  // back to the index, not to the default
  EXPECT_EQ(scalar<std::string>("SELECT relreplident::text FROM pg_class WHERE oid = 'users'::regclass"), "i");
}

TEST_F(TableOps, VersionSelectionByCustomSettingInsteadOfSearchPath) {
  // Both versions write through the physical table's column names; the trigger must pick the
  // direction from slipway.version when the session sets it.
  auto f = migration_file("14_addcol", R"(operations:
  - add_column:
      table: users
      up: upper(name)
      column:
        name: loud
        type: text
        nullable: true
)");
  start(f);
  auto c = connect();
  c.exec("SET search_path TO public_14_addcol, public");
  c.exec("SET slipway.version = 'public'");  // declares itself the old version despite search_path
  c.exec("INSERT INTO users (name) VALUES ('carl')");
  auto neu = new_app("14_addcol");
  EXPECT_EQ(text(neu, "SELECT loud FROM users WHERE name = 'carl'"), "CARL");
}

}  // namespace
}  // namespace slipway::test
