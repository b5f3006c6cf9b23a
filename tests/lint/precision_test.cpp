// The lint's precision on what real migrations expose (issue 21): which DML is whole-table
// work, what a statement the grammar cannot parse still tells, the TimeZone's effect on
// timestamp changes, and the fixes printed for foreign keys, CHECKs, UNIQUE and type changes.
#include <gtest/gtest.h>

#include "lint/context.hpp"
#include "lint_helpers.hpp"
#include "lint/model.hpp"
#include "lint/parser.hpp"
#include "lint/rule.hpp"
#include "lint/types.hpp"
#include "lint/unparsed.hpp"

using namespace slipway::lint;
using slipway::lint::test::by_rule;
using slipway::lint::test::count;
using slipway::lint::test::lint;

namespace {

// The classification of the last statement of `sql`, after the earlier ones were observed.
Classification classify_last(const std::string& sql) {
  auto out = parse_sql(sql);
  SchemaFacts facts;
  Context ctx(LintOptions{}, facts);
  // Re-run the model on the statements (the linter's Statement wiring is internal).
  for (std::size_t i = 0; i + 1 < out.statements.size(); ++i) {
    auto& p = out.statements[i];
    const Json& node = *p.tree;
    Statement s{node, node.begin().key(), node.begin().value(), {}, {}, classify(node, ctx),
                [](int) { return Position{}; }};
    ctx.observe(s);
  }
  return classify(*out.statements.back().tree, ctx);
}

// The fix of the one finding of `rule` on `sql` ("" when it prints none).
std::string fix(const std::string& sql, const std::string& rule) {
  auto f = by_rule(lint(sql), rule);
  EXPECT_EQ(f.size(), 1u) << sql;
  return f.empty() ? std::string() : f[0].fix;
}

}  // namespace

TEST(LintPrecision, DmlIsWholeTableWorkUnlessAnIndexedKeyBoundsIt) {
  EXPECT_EQ(classify_last("UPDATE t SET a = 1").work, Work::scan);
  EXPECT_EQ(classify_last("UPDATE t SET a = 1 WHERE a IS NULL").work, Work::scan);
  EXPECT_EQ(classify_last("DELETE FROM t WHERE created_at < now()").work, Work::scan);
  EXPECT_EQ(classify_last("UPDATE t SET a = o.b FROM o WHERE t.id = o.t_id").work, Work::scan);
  EXPECT_EQ(classify_last("UPDATE t SET a = 1 WHERE id = 5 OR a IS NULL").work, Work::scan);
  EXPECT_EQ(classify_last("INSERT INTO t2 SELECT * FROM t").work, Work::scan);
  // Bounded: `id` of a table the run has not seen, and any conjunct that bounds.
  EXPECT_EQ(classify_last("UPDATE t SET a = 1 WHERE id = 5").work, Work::none);
  EXPECT_EQ(classify_last("UPDATE t x SET a = 1 WHERE x.id BETWEEN 1 AND 100 AND a IS NULL").work, Work::none);
  EXPECT_EQ(classify_last("DELETE FROM t WHERE id IN (SELECT id FROM t WHERE a IS NULL LIMIT 100)").work, Work::none);
  EXPECT_EQ(classify_last("UPDATE t SET a = 1 WHERE id = ANY ($1)").work, Work::none);
  EXPECT_EQ(classify_last("UPDATE t SET a = 1 WHERE 5 = id").work, Work::none);
  EXPECT_EQ(classify_last("INSERT INTO t VALUES (1)").work, Work::none);
  EXPECT_EQ(classify_last("INSERT INTO t2 SELECT * FROM t WHERE id = 3").work, Work::none);
  // The run's own knowledge of the table: an index on `email` bounds, `id` without a key does not.
  EXPECT_EQ(classify_last("CREATE TABLE u (id int, email text); CREATE INDEX u_email ON u (email);"
                          "UPDATE u SET id = 1 WHERE email = 'a'")
                .work,
            Work::none);
  EXPECT_EQ(classify_last("CREATE TABLE u (id int, email text); UPDATE u SET email = 'a' WHERE id = 1").work,
            Work::scan);
  EXPECT_EQ(classify_last("CREATE TABLE u (id int PRIMARY KEY); UPDATE u SET id = 2 WHERE id = 1").work, Work::none);
}

TEST(LintPrecision, AddColumnReferencesScansOnlyWhenTheColumnHasAValue) {
  EXPECT_EQ(classify_last("ALTER TABLE t ADD COLUMN c bigint REFERENCES p (id)").work, Work::catalog_only);
  EXPECT_EQ(classify_last("ALTER TABLE t ADD COLUMN c bigint DEFAULT 1 REFERENCES p (id)").work, Work::scan);
  EXPECT_EQ(classify_last("ALTER TABLE t ADD COLUMN c bigint DEFAULT NULL REFERENCES p (id)").work, Work::scan);
  EXPECT_EQ(classify_last("ALTER TABLE t ADD COLUMN c text UNIQUE").work, Work::scan);
  auto c = classify_last("ALTER TABLE t ADD COLUMN c bigint REFERENCES p (id)");
  ASSERT_NE(c.lock_on("p"), nullptr);
  EXPECT_EQ(c.lock_on("p")->mode, LockMode::share_row_exclusive);
}

TEST(LintPrecision, ZeroOffsetTimeZones) {
  for (auto z : {"UTC", "utc", "Etc/UTC", "GMT", "Etc/GMT", "Z", "Zulu", "UCT", "Universal", "+00:00", "0"})
    EXPECT_TRUE(zero_offset_time_zone(z)) << z;
  for (auto z : {"Europe/London", "America/New_York", "EST", "+01:00", "", "UTC+1", "localtime"})
    EXPECT_FALSE(zero_offset_time_zone(z)) << z;
}

TEST(LintPrecision, TimestampChangesNeedNoRewriteUnderUtcFromPostgres12) {
  auto t = [](const char* name, std::vector<int> mods = {}) { return ColumnType{name, std::move(mods), false}; };
  SessionFacts utc{15, true}, local{15, false}, old_utc{11, true};
  EXPECT_TRUE(type_change_skips_rewrite(t("timestamp"), t("timestamptz"), utc));
  EXPECT_TRUE(type_change_skips_rewrite(t("timestamptz"), t("timestamp"), utc));
  EXPECT_TRUE(type_change_skips_rewrite(t("timestamp", {3}), t("timestamptz", {6}), utc));
  EXPECT_FALSE(type_change_skips_rewrite(t("timestamp"), t("timestamptz", {3}), utc));  // precision lost
  EXPECT_FALSE(type_change_skips_rewrite(t("timestamp"), t("timestamptz"), local));
  EXPECT_FALSE(type_change_skips_rewrite(t("timestamp"), t("timestamptz"), old_utc));
  EXPECT_TRUE(type_change_skips_rewrite(t("timestamp", {3}), t("timestamp"), local));  // widening
  EXPECT_FALSE(type_change_skips_rewrite(t("timestamp"), t("timestamp", {0}), local));
  EXPECT_FALSE(type_change_skips_rewrite(t("int4"), t("int8"), utc));
}

TEST(LintPrecision, TheSessionTimeZoneFollowsSetAndReset) {
  const char* change = "ALTER TABLE t ALTER COLUMN e TYPE timestamptz;\n";
  std::string schema = "CREATE TABLE t (e timestamp);\n";
  Linter linter({});
  linter.lint_sql("schema.sql", schema);
  EXPECT_TRUE(by_rule(linter.lint_sql("a.sql", std::string("SET TIME ZONE 'UTC';\n") + change), "changing-column-type").empty());
  EXPECT_EQ(by_rule(linter.lint_sql("b.sql", change), "changing-column-type").size(), 0u)  // now timestamptz -> same
      << "the run remembers the new type";
  Linter fresh({});
  fresh.lint_sql("schema.sql", schema);
  EXPECT_EQ(by_rule(fresh.lint_sql("c.sql", std::string("SET TIME ZONE LOCAL;\n") + change), "changing-column-type").size(), 1u);
  LintSettings assumed;
  assumed.options.assume_timezone = "Etc/UTC";
  Linter with_utc(assumed);
  with_utc.lint_sql("schema.sql", schema);
  EXPECT_TRUE(by_rule(with_utc.lint_sql("d.sql", change), "changing-column-type").empty());
}

TEST(LintPrecision, UnparsedStatementsStillNameTheRelationTheyCreate) {
  EXPECT_EQ(relation_created_by_unparsed("CREATE TABLE events (id int, CONSTRAINT n NOT NULL id)"), "events");
  EXPECT_EQ(relation_created_by_unparsed("create unlogged table if not exists App.Events (x)"), "app.events");
  EXPECT_EQ(relation_created_by_unparsed("CREATE TEMP TABLE \"Mixed\"\"Case\" (x)"), "Mixed\"Case");
  EXPECT_EQ(relation_created_by_unparsed("CREATE OR REPLACE VIEW v AS SELECT * FROM (SELECT 1)"), "v");
  EXPECT_EQ(relation_created_by_unparsed("CREATE MATERIALIZED VIEW IF NOT EXISTS s.mv AS SELECT 1 FROM (SELECT 1)"), "s.mv");
  EXPECT_EQ(relation_created_by_unparsed("CREATE UNIQUE INDEX CONCURRENTLY i ON t (a) NULLS NOT DISTINCT x"), "i");
  EXPECT_EQ(relation_created_by_unparsed("-- a comment\nCREATE SEQUENCE seq AS whatever"), "seq");
  EXPECT_EQ(relation_created_by_unparsed("CREATE INDEX ON t (a) junk"), std::nullopt);  // unnamed
  EXPECT_EQ(relation_created_by_unparsed("ALTER TABLE t ADD CONSTRAINT n NOT NULL a"), std::nullopt);
  EXPECT_EQ(relation_created_by_unparsed("CREATE TABLE (x int)"), std::nullopt);
  EXPECT_EQ(relation_created_by_unparsed("CREATE FUNCTION f() junk"), std::nullopt);
}

TEST(LintPrecision, AnUnparsedStatementIsReportedOnceAndTheRestStillChecked) {
  std::string sql =
      "CREATE TABLE events (id bigint, CONSTRAINT events_id_not_null NOT NULL id);\n"
      "CREATE INDEX events_id ON events (id);\n"
      "ALTER TABLE events ALTER COLUMN id TYPE int;\n"
      "CREATE INDEX users_email ON users (email);\n";
  auto report = lint(sql);
  auto errors = by_rule(report, "syntax-error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].statement.start.line, 1);
  EXPECT_EQ(errors[0].severity, Severity::error);
  EXPECT_NE(errors[0].message.find("PostgreSQL 15 grammar"), std::string::npos) << errors[0].message;
  EXPECT_TRUE(by_rule(report, "changing-column-type").empty());  // events is new
  auto index = by_rule(report, "require-concurrent-index-creation");
  ASSERT_EQ(index.size(), 1u);
  EXPECT_EQ(index[0].statement.start.line, 4);
  // A newer target: the same statement may be valid there, so it is a warning that says so.
  LintSettings pg17;
  pg17.options.pg_version = 17;
  auto newer = by_rule(lint(sql, pg17), "syntax-error");
  ASSERT_EQ(newer.size(), 1u);
  EXPECT_EQ(newer[0].severity, Severity::warning);
  EXPECT_NE(newer[0].message.find("target is PostgreSQL 17"), std::string::npos) << newer[0].message;
  // psql meta-commands stay errors, without the newer-syntax guess.
  auto meta = by_rule(lint("\\set ON_ERROR_STOP on\nSELECT 1;\n", pg17), "syntax-error");
  ASSERT_EQ(meta.size(), 1u);
  EXPECT_EQ(meta[0].severity, Severity::error);
  EXPECT_EQ(meta[0].message.find("newer syntax"), std::string::npos);
}

TEST(LintPrecision, FixesForForeignKeysChecksUniqueAndTypeChanges) {
  EXPECT_EQ(fix("ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id)",
                "constraint-missing-not-valid"),
            "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers "
            "(id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;");
  EXPECT_EQ(fix("ALTER TABLE orders ADD CHECK (total >= 0)", "constraint-missing-not-valid"),
            "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\nALTER TABLE orders "
            "VALIDATE CONSTRAINT orders_total_check;");
  EXPECT_EQ(fix("ALTER TABLE \"Orders\" ADD COLUMN shop_id bigint DEFAULT 0 NOT NULL CONSTRAINT shop_fk REFERENCES "
                "shops (id) ON DELETE CASCADE",
                "constraint-missing-not-valid"),
            "ALTER TABLE \"Orders\" ADD COLUMN shop_id bigint DEFAULT 0 NOT NULL;\nALTER TABLE \"Orders\" ADD "
            "CONSTRAINT shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE NOT VALID;\nALTER "
            "TABLE \"Orders\" VALIDATE CONSTRAINT shop_fk;");
  EXPECT_EQ(fix("ALTER TABLE users ADD COLUMN IF NOT EXISTS handle text UNIQUE", "adding-unique-constraint"),
            "ALTER TABLE users ADD COLUMN IF NOT EXISTS handle text;\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "
            "users_handle_key ON users (handle);\nALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE USING "
            "INDEX users_handle_key;");
  EXPECT_EQ(fix("ALTER TABLE app.orders ALTER COLUMN amount TYPE numeric(12, 2)", "changing-column-type"),
            "-- online (shadow table, change capture, a short swap):\n--   slipway --schema app rewrite --table "
            "orders --alter 'ALTER COLUMN amount TYPE numeric(12, 2)'\n-- or expand/contract, a slipway migration "
            "(slipway --schema app start, then complete):\n--   "
            "{\"operations\":[{\"alter_column\":{\"table\":\"orders\",\"column\":\"amount\",\"type\":\"numeric(12, "
            "2)\"}}]}");
  EXPECT_EQ(fix("ALTER TABLE orders ALTER COLUMN code TYPE int USING code::int", "changing-column-type"),
            "-- expand/contract, a slipway migration (slipway start, then complete):\n--   "
            "{\"operations\":[{\"alter_column\":{\"table\":\"orders\",\"column\":\"code\",\"type\":\"int\",\"up\":"
            "\"code::int\"}}]}");
  // Several commands in one statement: no mechanical fix, the recipe only.
  EXPECT_EQ(fix("ALTER TABLE orders ADD COLUMN a int, ADD COLUMN h text UNIQUE", "adding-unique-constraint"), "");
}

TEST(LintPrecision, TheNotNullRecipeIsNotReportedOnItsLastStep) {
  const char* recipe =
      "ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n"
      "ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n"
      "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n";
  EXPECT_EQ(count(recipe, "setting-not-null"), 0u);
  // The recipe printed by setting-not-null itself round-trips.
  auto f = by_rule(lint("ALTER TABLE users ALTER COLUMN email SET NOT NULL;"), "setting-not-null");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(count(f[0].fix, "setting-not-null"), 0u) << f[0].fix;
  // Validated in an earlier file of the run counts too.
  Linter run({});
  run.lint_sql("1.sql", "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;");
  run.lint_sql("2.sql", "ALTER TABLE users VALIDATE CONSTRAINT c;");
  EXPECT_TRUE(by_rule(run.lint_sql("3.sql", "ALTER TABLE users ALTER COLUMN email SET NOT NULL;"), "setting-not-null").empty());
}

TEST(LintPrecision, InsertSelectThroughJoinsAndSelfReferencesOfANewTable) {
  EXPECT_EQ(classify_last("INSERT INTO t2 SELECT a.* FROM a JOIN b ON b.a_id = a.id").work, Work::scan);
  EXPECT_EQ(classify_last("INSERT INTO t2 SELECT a.* FROM a JOIN b ON b.a_id = a.id WHERE a.id = 4").work, Work::none);
  EXPECT_EQ(classify_last("INSERT INTO t2 SELECT * FROM (SELECT * FROM a WHERE flag) s").work, Work::scan);
  // A table whose foreign key references itself locks nothing that exists.
  auto c = classify_last("CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree (id))");
  EXPECT_TRUE(c.locks.empty()) << c.summary();
  EXPECT_EQ(count("CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree (id));", "missing-lock-timeout"),
            0u);
}

TEST(LintPrecision, FixesLeaveOutWhatWouldNotRun) {
  // Several commands: the fix would lose the others (here the DROP it depends on).
  auto multi = by_rule(lint("ALTER TABLE webhook DROP CONSTRAINT webhook_pkey, ADD CONSTRAINT webhook_pkey PRIMARY KEY (id);"),
                       "adding-unique-constraint");
  ASSERT_EQ(multi.size(), 1u);
  EXPECT_EQ(multi[0].fix, "");
  // Partitioned tables cannot build indexes CONCURRENTLY on the parent.
  std::string parted = "CREATE TABLE IF NOT EXISTS events (id bigint, at date) PARTITION BY RANGE (at);\n";
  Linter run({});
  run.lint_sql("1.sql", parted);
  auto report = run.lint_sql("2.sql", "CREATE INDEX events_at ON events (at);\n"
                                      "ALTER TABLE events ADD CONSTRAINT events_id_key UNIQUE (id, at);\n");
  auto index = by_rule(report, "require-concurrent-index-creation");
  ASSERT_EQ(index.size(), 1u);
  EXPECT_EQ(index[0].fix, "");
  EXPECT_NE(index[0].recipe.find("ON ONLY"), std::string::npos) << index[0].recipe;
  auto unique = by_rule(report, "adding-unique-constraint");
  ASSERT_EQ(unique.size(), 1u);
  EXPECT_EQ(unique[0].fix, "");
  // IF NOT EXISTS carried to the index of ADD COLUMN IF NOT EXISTS ... UNIQUE.
  auto f = by_rule(lint("ALTER TABLE users ADD COLUMN IF NOT EXISTS handle text UNIQUE;"), "adding-unique-constraint");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].fix.find("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_handle_key"), std::string::npos) << f[0].fix;
  // Template placeholders are not "newer syntax".
  auto tmpl = by_rule(lint("CREATE TABLE {{ .Schema }}.users (id int);"), "syntax-error");
  ASSERT_EQ(tmpl.size(), 1u);
  EXPECT_EQ(tmpl[0].message.find("newer syntax"), std::string::npos) << tmpl[0].message;
}

TEST(LintPrecision, SystemCatalogWritesAreNotWholeTableWork) {
  EXPECT_EQ(classify_last("UPDATE pg_index SET indisvalid = false WHERE indrelid = (SELECT oid FROM pg_class "
                          "WHERE relname = 'x')")
                .work,
            Work::none);
  EXPECT_EQ(classify_last("CREATE TABLE pg_jobs (a int); UPDATE pg_jobs SET a = 1 WHERE a IS NULL").work, Work::scan);
}

TEST(LintPrecision, OneSidedRangesNotInAndUnlimitedSubqueriesBoundNothing) {
  EXPECT_EQ(classify_last("UPDATE t SET a = 1 WHERE id > 0").work, Work::scan);
  EXPECT_EQ(classify_last("UPDATE t SET a = 1 WHERE id >= 0 AND a IS NULL").work, Work::scan);
  EXPECT_EQ(classify_last("UPDATE t SET a = 1 WHERE id NOT IN (1, 2)").work, Work::scan);
  EXPECT_EQ(classify_last("UPDATE t SET a = 1 WHERE id <> ANY ($1)").work, Work::scan);
  EXPECT_EQ(classify_last("DELETE FROM t WHERE id IN (SELECT id FROM t)").work, Work::scan);
  EXPECT_EQ(classify_last("UPDATE t SET a = 1 WHERE id >= 1 AND id < 1000").work, Work::none);
  EXPECT_EQ(classify_last("UPDATE t SET a = 1 WHERE 1000 > id AND id >= 1").work, Work::none);
}

TEST(LintPrecision, TimestampConversionsThatStillRewrite) {
  auto t = [](const char* name, std::vector<int> mods = {}, bool array = false) {
    return ColumnType{name, std::move(mods), array};
  };
  SessionFacts utc{15, true};
  EXPECT_FALSE(type_change_skips_rewrite(t("timestamp", {}, true), t("timestamptz", {}, true), utc));
  EXPECT_FALSE(type_change_skips_rewrite(t("timestamp", {3}), t("timestamptz", {3}), utc));
  EXPECT_TRUE(type_change_skips_rewrite(t("timestamp", {3}), t("timestamptz", {6}), utc));
  EXPECT_FALSE(type_change_skips_rewrite(t("interval", {2}), t("interval", {4}), utc));  // field masks
  // The session: assumed UTC, then another zone.
  LintSettings assumed;
  assumed.options.assume_timezone = "UTC";
  Linter run(assumed);
  run.lint_sql("schema.sql", "CREATE TABLE t (e timestamp, f timestamp);");
  EXPECT_EQ(by_rule(run.lint_sql("a.sql", "SET timezone = 'Europe/Paris';\nALTER TABLE t ALTER COLUMN e TYPE timestamptz;"),
                    "changing-column-type")
                .size(),
            1u);
  EXPECT_TRUE(by_rule(run.lint_sql("b.sql", "SET timezone = 'Europe/Paris';\nRESET ALL;\nALTER TABLE t ALTER COLUMN f TYPE timestamptz;"),
                      "changing-column-type")
                  .empty());
  // Out-of-range numbers are not UTC, and do not stop the file.
  auto odd = lint("SET TIME ZONE 1e400;\nCREATE INDEX i ON users (a);\n");
  EXPECT_EQ(by_rule(odd, "require-concurrent-index-creation").size(), 1u);
}

TEST(LintPrecision, FixesSurviveCommentsQuotesKeywordsAndOptions) {
  // A trailing comment is not part of the statement the fix extends.
  EXPECT_EQ(fix("ALTER TABLE items ADD CHECK (qty > 0) -- positive\n;", "constraint-missing-not-valid"),
            "ALTER TABLE items ADD CONSTRAINT items_qty_check CHECK (qty > 0) NOT VALID;\nALTER TABLE items VALIDATE "
            "CONSTRAINT items_qty_check;");
  // Keywords inside quoted names, and reserved words as names.
  EXPECT_EQ(fix("ALTER TABLE \"add\" ADD FOREIGN KEY (\"user\") REFERENCES users (id)", "constraint-missing-not-valid"),
            "ALTER TABLE \"add\" ADD CONSTRAINT add_user_fkey FOREIGN KEY (\"user\") REFERENCES users (id) NOT "
            "VALID;\nALTER TABLE add VALIDATE CONSTRAINT add_user_fkey;");  // ADD is not reserved
  EXPECT_NE(fix("ALTER TABLE orders ALTER COLUMN \"user\" SET NOT NULL", "setting-not-null").find("ALTER COLUMN \"user\""),
            std::string::npos);
  // Options a plain unique index would lose: the recipe only.
  EXPECT_EQ(fix("ALTER TABLE users ADD COLUMN handle text UNIQUE DEFERRABLE INITIALLY DEFERRED", "adding-unique-constraint"), "");
  EXPECT_EQ(fix("ALTER TABLE users ADD COLUMN handle text UNIQUE NULLS NOT DISTINCT", "adding-unique-constraint"), "");
  EXPECT_EQ(fix("ALTER TABLE users ADD CONSTRAINT u UNIQUE (a) DEFERRABLE", "adding-unique-constraint"), "");
  // Names the shell would split are quoted; COLLATE stays in the rewrite, and no migration then.
  std::string f = fix("ALTER TABLE \"my table\" ALTER COLUMN c TYPE text COLLATE \"C\"", "changing-column-type");
  EXPECT_NE(f.find("--table 'my table' --alter 'ALTER COLUMN c TYPE text COLLATE \"C\"'"), std::string::npos) << f;
  EXPECT_EQ(f.find("alter_column"), std::string::npos) << f;
}

TEST(LintPrecision, CopyAndSwapByCreateTableAsAndChecksDroppedByTheirDefaultName) {
  EXPECT_EQ(count("CREATE TABLE accounts_new AS SELECT * FROM accounts;\nDROP TABLE accounts;\n"
                  "ALTER TABLE accounts_new RENAME TO accounts;\nCREATE INDEX accounts_a ON accounts (a);\n",
                  "require-concurrent-index-creation"),
            1u);
  EXPECT_EQ(count("ALTER TABLE q ADD CHECK (a IS NOT NULL AND b IS NOT NULL);\nALTER TABLE q DROP CONSTRAINT q_check;\n"
                  "ALTER TABLE q ALTER COLUMN a SET NOT NULL;\n",
                  "setting-not-null"),
            1u);
  EXPECT_EQ(count("ALTER TABLE q ADD CHECK (a IS NOT NULL);\nALTER TABLE q DROP CONSTRAINT q_a_check;\n"
                  "ALTER TABLE q ALTER COLUMN a SET NOT NULL;\n",
                  "setting-not-null"),
            1u);
  EXPECT_EQ(count("ALTER TABLE q ADD CHECK (a IS NOT NULL);\nALTER TABLE q ALTER COLUMN a SET NOT NULL;\n", "setting-not-null"), 0u);
}

TEST(LintPrecision, MergeAndSetOperationsAreWholeTableWork) {
  EXPECT_EQ(classify_last("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v").work, Work::scan);
  EXPECT_EQ(classify_last("MERGE INTO t USING (VALUES (1, 2)) AS v (id, x) ON t.id = v.id WHEN MATCHED THEN DELETE").work,
            Work::none);
  EXPECT_EQ(classify_last("INSERT INTO t SELECT * FROM a WHERE id = 1 UNION ALL SELECT * FROM b").work, Work::scan);
  EXPECT_EQ(classify_last("INSERT INTO t SELECT * FROM a WHERE id = 1 UNION SELECT * FROM b WHERE id = 2").work,
            Work::none);
}
