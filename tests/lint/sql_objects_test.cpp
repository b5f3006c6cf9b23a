// Object names read from SQL text (no database): what a script creates, what an expression or a
// type name uses, folded the way PostgreSQL folds them.
#include <gtest/gtest.h>

#include "lint/sql_objects.hpp"

using namespace slipway::lint;

namespace {

using Names = std::set<std::string>;

TEST(SqlObjects, ScriptsCreateTypesDomainsFunctionsAndProcedures) {
  auto made = created_by(
      "CREATE TYPE public.Color AS ENUM ('red'); CREATE TYPE \"Pair\" AS (a int, b int);"
      "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');"
      "CREATE OR REPLACE FUNCTION app.Slug(t text) RETURNS text LANGUAGE sql AS $$ SELECT lower(t) $$;"
      "CREATE PROCEDURE tidy() LANGUAGE sql AS $$ SELECT 1 $$; CREATE TABLE t (id int)");
  EXPECT_EQ(made.types, (Names{"color", "Pair", "email"}));
  EXPECT_EQ(made.functions, (Names{"slug", "tidy"}));
  EXPECT_EQ(made.relations, (Names{"t"}));
  EXPECT_EQ(created_by("CREATE SEQUENCE app.tickets; CREATE VIEW v AS SELECT 1; CREATE TABLE c AS SELECT 1").relations,
            (Names{"tickets", "v", "c"}));
  EXPECT_TRUE(created_by("ALTER TABLE t ADD COLUMN x int; INSERT INTO t VALUES (1)").empty());
  EXPECT_TRUE(created_by("CREATE TYPEE broken").empty());
}

TEST(SqlObjects, ExpressionsUseTheFunctionsTheyCallAndTheTypesTheyCastTo) {
  auto used = used_by_expression("app.slug(name) || 'red'::Color::text || CAST(x AS public.tier) || coalesce(a, b)");
  EXPECT_EQ(used.functions, (Names{"slug"}));  // coalesce is a construct of the grammar, not a call
  EXPECT_EQ(used.types, (Names{"color", "text", "tier"}));
  // Relations it reads: in a subquery, and by name in a string where PostgreSQL resolves it.
  auto reads = used_by_expression("nextval('app.Tickets') + (SELECT max(id) FROM other) + 'Seq2'::regclass::oid::int");
  EXPECT_EQ(reads.relations, (Names{"tickets", "other", "seq2"}));
}

TEST(SqlObjects, TypeNamesNameTheirBaseType) {
  EXPECT_EQ(type_base_name("public.Color[]"), "color");
  EXPECT_EQ(type_base_name("\"Pair\""), "Pair");
  EXPECT_EQ(type_base_name("varchar(20)"), "varchar");
  EXPECT_EQ(type_base_name("not a type ("), "");
}

TEST(SqlObjects, MeetsWhenANameIsShared) {
  ObjectNames a{{"color"}, {}, {}};
  ObjectNames b{{}, {"slug"}, {}};
  EXPECT_FALSE(a.meets(b));
  b.add(ObjectNames{{"color"}, {}, {}});
  EXPECT_TRUE(a.meets(b));
}

}  // namespace
