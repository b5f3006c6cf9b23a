// The catalog SQL builders on their text alone (no database): names are quoted inside, as
// literals, so no name can end the statement.
#include <gtest/gtest.h>

#include "pg/sql/catalog_sql.hpp"

namespace sql = slipway::pg::sql;

TEST(CatalogSql, RelationConditionsQuoteTheQualifiedNameAsALiteral) {
  EXPECT_EQ(sql::relation_exists("app", "Orders"), R"(to_regclass('"app"."Orders"') IS NOT NULL)");
  EXPECT_EQ(sql::relation_missing("app", "o'x"), R"(to_regclass('"app"."o''x"') IS NULL)");
  EXPECT_EQ(sql::regclass_literal("a\"b", "t"), R"('"a""b"."t"')");
}

TEST(CatalogSql, ColumnConstraintTriggerAndSchemaConditions) {
  EXPECT_EQ(sql::column_exists("public", "t", "c'1"),
            R"(EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"public"."t"') AND attname = 'c''1' AND NOT attisdropped))");
  EXPECT_EQ(sql::column_exists_in("16384::oid", "c"),
            "EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 16384::oid AND attname = 'c' AND NOT attisdropped)");
  EXPECT_EQ(sql::constraint_exists("public", "t", "t_fk"),
            R"(EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."t"') AND conname = 't_fk'))");
  EXPECT_EQ(sql::constraint_not_validated("public", "t", "t_fk"),
            R"(EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass('"public"."t"') AND conname = 't_fk' AND NOT convalidated))");
  EXPECT_EQ(sql::trigger_exists("s", "t", "tg"),
            R"(EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"s"."t"') AND tgname = 'tg'))");
  EXPECT_EQ(sql::trigger_disabled("s", "t", "tg"),
            R"(EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass('"s"."t"') AND tgname = 'tg' AND tgenabled = 'D'))");
  EXPECT_EQ(sql::triggers_exist("s", "t", {"up", "do'wn"}),
            R"((SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('"s"."t"') AND tgname IN ('up', 'do''wn')) = 2)");
  EXPECT_EQ(sql::function_named({"f_up", "f_down"}), "EXISTS (SELECT 1 FROM pg_proc WHERE proname IN ('f_up', 'f_down'))");
  EXPECT_EQ(sql::schema_exists("public_02"), "EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public_02')");
}

TEST(CatalogSql, AnIndexIsValidOnlyWhenItExists) {
  // coalesce: a missing index is "not valid", never NULL (a verify query must answer true/false).
  EXPECT_EQ(sql::index_is_valid("public", "ix"),
            R"(coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('"public"."ix"')), false))");
}

TEST(CatalogSql, VerifyQueriesAndNegation) {
  EXPECT_EQ(sql::select("true"), "SELECT true");
  EXPECT_EQ(sql::select(sql::negate("a OR b")), "SELECT NOT (a OR b)");
}

TEST(CatalogSql, GuardRunsEveryStatementOnlyWhenTheConditionHolds) {
  EXPECT_EQ(sql::guarded("x IS NOT NULL", {"ALTER TABLE t ADD c int", "DROP INDEX i"}),
            "DO $_slipway_$\nBEGIN\n IF x IS NOT NULL THEN\n  ALTER TABLE t ADD c int;\n  DROP INDEX i;\n END IF;\n"
            "END\n$_slipway_$");
}
