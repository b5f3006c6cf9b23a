// compare's SQL on its text alone: summaries, chunk bounds, row fetches and repairs quote
// identifiers, qualify the key by the table's alias (so ORDER BY is the column, not the text
// output of the same name), and bind every value.
#include <gtest/gtest.h>

#include "compare/compare_sql.hpp"
#include "compare/value_class.hpp"

namespace slipway::compare {
namespace {

using Params = std::vector<std::string>;

SideSql side() {
  return SideSql{R"("app"."users")", KeySql({{"id", "bigint"}}, "t"),
                 {"(\"name\")::text", "trim_scale((\"n\")::numeric)::text"},
                 {"t.\"id\"", "\"name\"", "trim_scale((\"n\")::numeric)::text"}};
}

TEST(CompareSql, SummariesCountAndSumTheRowsFingerprintsOnTheServer) {
  Params p;
  auto sql = summary_sql(side(), {KeyValue{"10"}, KeyValue{"20"}}, p);
  EXPECT_EQ(sql,
            R"(SELECT count(*), coalesce(sum(hash_record_extended(ROW(t."id", "name", trim_scale(("n")::numeric)::text), 0)), 0)::text FROM "app"."users" t WHERE "t"."id" > $1::bigint AND "t"."id" <= $2::bigint)");
  EXPECT_EQ(p, (Params{"10", "20"}));
}

TEST(CompareSql, ChunkBoundsOrderByTheQualifiedKeyColumn) {
  Params p;
  auto sql = key_at_sql(side(), {KeyValue{"10"}, std::nullopt}, 999, p);
  EXPECT_EQ(sql, R"(SELECT "t"."id"::text FROM "app"."users" t WHERE "t"."id" > $1::bigint ORDER BY "t"."id" OFFSET 999 LIMIT 1)");
}

// The source finds the next chunk's bound in the statement that summarises this chunk.
TEST(CompareSql, TheNextBoundComesWithTheSummary) {
  Params p;
  auto sql = summary_then_key_sql(side(), {KeyValue{"10"}, KeyValue{"20"}}, 499, p);
  EXPECT_EQ(sql.rfind("SELECT s.*, n.* FROM (SELECT count(*), ", 0), 0u) << sql;
  EXPECT_NE(sql.find(R"() s LEFT JOIN LATERAL (SELECT "t"."id"::text FROM "app"."users" t WHERE "t"."id" > $3::bigint ORDER BY "t"."id" OFFSET 499 LIMIT 1) n ON true)"),
            std::string::npos)
      << sql;
  EXPECT_EQ(p, (Params{"10", "20", "20"}));
}

// A differing range is split into parts of equal rows: their bounds in one scan, their
// summaries in one statement per side.
TEST(CompareSql, PartsOfARangeComeFromOneScanAndOneStatement) {
  Params p;
  EXPECT_EQ(keys_every_sql(side(), {KeyValue{"10"}, KeyValue{"20"}}, 625, p),
            R"(SELECT k0 FROM (SELECT t."id"::text AS k0, row_number() OVER (ORDER BY "t"."id") AS n FROM "app"."users" t WHERE "t"."id" > $1::bigint AND "t"."id" <= $2::bigint) s WHERE s.n % 625 = 0 ORDER BY s.n)");
  Params q;
  auto sql = summaries_sql(side(), {{std::nullopt, KeyValue{"5"}}, {KeyValue{"5"}, std::nullopt}}, q);
  EXPECT_EQ(sql.rfind("SELECT n, h FROM (SELECT 0 AS part, count(*) AS n, ", 0), 0u) << sql;
  EXPECT_NE(sql.find(R"(WHERE "t"."id" <= $1::bigint UNION ALL SELECT 1 AS part)"), std::string::npos) << sql;
  EXPECT_NE(sql.find(R"(WHERE "t"."id" > $2::bigint) p ORDER BY part)"), std::string::npos) << sql;
  EXPECT_EQ(q, (Params{"5", "5"}));
}

TEST(CompareSql, ListedKeysAreBoundRowValues) {
  SideSql s{R"("public"."m")", KeySql({{"tenant", "text", "C"}, {"id", "uuid"}}, "t"), {"(\"v\")::text"},
            {"t.\"tenant\"", "t.\"id\"", "(\"v\")::text"}};
  Params p;
  auto sql = rows_with_keys_sql(s, {{"a", "u1"}, {"b", "u2"}}, p);
  EXPECT_NE(sql.find(R"(WHERE ("t"."tenant" COLLATE "C", "t"."id") IN (($1::text, $2::uuid), ($3::text, $4::uuid)))"),
            std::string::npos)
      << sql;
  EXPECT_EQ(p, (Params{"a", "u1", "b", "u2"}));
  Params none;
  EXPECT_NE(rows_with_keys_sql(s, {}, none).find("WHERE false"), std::string::npos);
}

TEST(CompareSql, RepairsTakeTheRowAsOneTextArrayParameter) {
  std::vector<WrittenColumn> cols{{"id", "bigint"}, {"name", "text"}};
  EXPECT_EQ(insert_sql(R"("public"."u")", cols, false),
            R"(INSERT INTO "public"."u" ("id", "name") SELECT ($1::text[])[1]::bigint, ($1::text[])[2]::text)");
  EXPECT_NE(insert_sql(R"("public"."u")", cols, true).find("OVERRIDING SYSTEM VALUE SELECT"), std::string::npos);
  KeySql key(std::vector<pg::sql::KeyColumn>{{"id", "bigint"}});
  EXPECT_EQ(update_sql(R"("public"."u")", key, {{"name", "text"}}),
            R"(UPDATE "public"."u" SET "name" = ($1::text[])[1]::text WHERE "id" = $2::bigint)");
  EXPECT_EQ(delete_sql(R"("public"."u")", key), R"(DELETE FROM "public"."u" t WHERE "id" = $1::bigint)");
}

TEST(ValueClasses, TypesThatHoldTheSameValuesCompare) {
  EXPECT_TRUE(comparable("integer", "bigint"));
  EXPECT_TRUE(comparable("numeric(10,2)", "numeric(12,4)"));
  EXPECT_TRUE(comparable("character varying(40)", "text"));
  EXPECT_TRUE(comparable("json", "jsonb"));
  EXPECT_TRUE(comparable("timestamp without time zone", "timestamp(3) with time zone"));
  EXPECT_TRUE(comparable("public.mood", "public.mood"));
  EXPECT_FALSE(comparable("integer", "text"));
  EXPECT_FALSE(comparable("integer[]", "bigint[]"));
  EXPECT_FALSE(comparable("public.mood", "text"));
  EXPECT_EQ(normalised("\"n\"", ValueClass::exact_number), "trim_scale((\"n\")::numeric)::text");
  EXPECT_EQ(normalised("\"j\"", ValueClass::json), "((\"j\")::jsonb)::text");
  EXPECT_TRUE(hashes_as_itself("numeric(10,2)"));
  EXPECT_TRUE(hashes_as_itself("timestamp(3) with time zone"));
  EXPECT_FALSE(hashes_as_itself("json"));  // no hash function: compared as jsonb text
  EXPECT_FALSE(hashes_as_itself("double precision"));
  EXPECT_FALSE(hashes_as_itself("integer[]"));
}

}  // namespace
}  // namespace slipway::compare
