// The keyset SQL builders on their text alone (no database): identifiers and aliases are quoted
// inside, values are numbered parameters cast to the key column's type.
#include <gtest/gtest.h>

#include "pg/sql/keyset.hpp"

namespace sql = slipway::pg::sql;
using sql::KeySql;
using sql::KeyValue;
using Params = std::vector<std::string>;

namespace {
KeySql composite(std::string alias = {}) { return KeySql({{"tenant", "text"}, {"id", "uuid"}}, std::move(alias)); }
KeySql single(std::string alias = {}) { return KeySql({{"id", "bigint"}}, std::move(alias)); }
}  // namespace

TEST(KeysetSql, BuildsRowComparisonsWithTypedParameters) {
  Params params;
  auto pred = composite().range_predicate({KeyValue{"a", "u1"}, KeyValue{"b", "u2"}}, 1, params);
  EXPECT_EQ(pred, R"(("tenant", "id") > ($1::text, $2::uuid) AND ("tenant", "id") <= ($3::text, $4::uuid))");
  EXPECT_EQ(params, (Params{"a", "u1", "b", "u2"}));
  params.clear();
  EXPECT_EQ(single().range_predicate({std::nullopt, KeyValue{"9"}}, 3, params), R"("id" <= $3::bigint)");
  EXPECT_EQ(params, (Params{"9"}));
}

TEST(KeysetSql, ASingleColumnIsAScalarSeveralARowValue) {
  EXPECT_EQ(single().row(), R"("id")");
  EXPECT_EQ(composite().row(), R"(("tenant", "id"))");
  EXPECT_EQ(single().params_row(1), "$1::bigint");
  EXPECT_EQ(composite().params_row(5), "($5::text, $6::uuid)");
}

TEST(KeysetSql, ListsQualifyByTheQuotedAlias) {
  EXPECT_EQ(composite().list(), R"("tenant", "id")");
  EXPECT_EQ(composite("s").list(), R"("s"."tenant", "s"."id")");
  EXPECT_EQ(composite().list(true), R"("tenant" DESC, "id" DESC)");
  EXPECT_EQ(composite("t").list(true), R"("t"."tenant" DESC, "t"."id" DESC)");
  EXPECT_EQ(composite("s").text_list(), R"("s"."tenant"::text, "s"."id"::text)");
  EXPECT_EQ(single().text_list(), R"("id"::text)");
  EXPECT_EQ(single("s").row(), R"("s"."id")");
  EXPECT_EQ(composite("s").row(), R"(("s"."tenant", "s"."id"))");
}

TEST(KeysetSql, EachBoundIsOptional) {
  KeySql k = single("s");
  Params params;
  EXPECT_EQ(k.range_predicate({KeyValue{"1"}, KeyValue{"9"}}, 1, params), R"("s"."id" > $1::bigint AND "s"."id" <= $2::bigint)");
  EXPECT_EQ(params, (Params{"1", "9"}));
  params.clear();
  EXPECT_EQ(k.range_predicate({KeyValue{"1"}, std::nullopt}, 1, params), R"("s"."id" > $1::bigint)");
  EXPECT_EQ(params, (Params{"1"}));
  params.clear();
  EXPECT_EQ(k.range_predicate({std::nullopt, KeyValue{"9"}}, 1, params), R"("s"."id" <= $1::bigint)");
  EXPECT_EQ(params, (Params{"9"}));
  params.clear();
  EXPECT_EQ(k.range_predicate({}, 1, params), "true");
  EXPECT_TRUE(params.empty());
}

TEST(KeysetSql, ParametersNumberOnFromTheOnesAlreadyBound) {
  Params params{"earlier"};
  EXPECT_EQ(composite("t").range_predicate({KeyValue{"a", "u1"}, std::nullopt}, 2, params),
            R"(("t"."tenant", "t"."id") > ($2::text, $3::uuid))");
  EXPECT_EQ(params, (Params{"earlier", "a", "u1"}));
}

TEST(KeysetSql, EqualityOfTwoAliasesKeys) {
  EXPECT_EQ(single("t").equals("k"), R"("t"."id" = "k"."id")");
  EXPECT_EQ(composite("l").equals("s"), R"(("l"."tenant", "l"."id") = ("s"."tenant", "s"."id"))");
  EXPECT_EQ(composite().equals("k"), R"(("tenant", "id") = ("k"."tenant", "k"."id"))");
}

TEST(KeysetSql, ColumnDefinitions) {
  EXPECT_EQ(single().definitions(), R"("id" bigint)");
  EXPECT_EQ(KeySql(std::vector<sql::KeyColumn>{{"tenant", "character varying(40)"}, {"id", "uuid"}}).definitions(),
            R"("tenant" character varying(40), "id" uuid)");
}

TEST(KeysetSql, KeyColumnsPairNamesWithTypes) {
  auto cols = sql::key_columns({"a", "b"}, {"integer", "text"});
  ASSERT_EQ(cols.size(), 2u);
  EXPECT_EQ(cols[1].name, "b");
  EXPECT_EQ(cols[1].type, "text");
  EXPECT_EQ(KeySql(sql::key_columns({"a", "b"})).row(), R"(("a", "b"))");
  EXPECT_THROW(sql::key_columns({"a", "b"}, {"integer"}), std::invalid_argument);
  EXPECT_THROW(sql::key_columns({"a"}, {}), std::invalid_argument);
}

TEST(KeysetSql, OddIdentifiersAreQuoted) {
  KeySql k({{"we\"ird", "text"}, {"Id", "bigint"}}, "My\"alias");
  EXPECT_EQ(k.list(), R"("My""alias"."we""ird", "My""alias"."Id")");
  EXPECT_EQ(k.definitions(), R"("we""ird" text, "Id" bigint)");
  EXPECT_EQ(k.equals("o\"ther"), R"(("My""alias"."we""ird", "My""alias"."Id") = ("o""ther"."we""ird", "o""ther"."Id"))");
  EXPECT_EQ(sql::column_list({"we\"ird"}, "s"), R"("s"."we""ird")");
}

TEST(KeysetSql, ColumnListsWithAndWithoutAlias) {
  EXPECT_EQ(sql::column_list({"a", "b"}), R"("a", "b")");
  EXPECT_EQ(sql::column_list({"a", "b"}, "t"), R"("t"."a", "t"."b")");
  EXPECT_EQ(sql::column_list({}), "");
}

TEST(KeysetSql, RowHashTypedOrThroughText) {
  EXPECT_EQ(sql::row_hash(R"(ROW("t"."a"))", true), R"(hash_record_extended(ROW("t"."a"), 0))");
  EXPECT_EQ(sql::row_hash(R"(ROW("t"."a"))", false), R"(hashtextextended((ROW("t"."a"))::text, 0))");
}

TEST(KeysetSql, AKeyOrderedByAnotherCollationSaysSoWhereverItIsOrderedOrCompared) {
  KeySql k({{"tenant", "text", "C"}, {"id", "uuid"}}, "s");
  EXPECT_EQ(k.list(), R"("s"."tenant" COLLATE "C", "s"."id")");
  EXPECT_EQ(k.list(true), R"("s"."tenant" COLLATE "C" DESC, "s"."id" DESC)");
  Params params;
  EXPECT_EQ(k.range_predicate({KeyValue{"a", "u1"}, std::nullopt}, 1, params),
            R"(("s"."tenant" COLLATE "C", "s"."id") > ($1::text, $2::uuid))");
  EXPECT_EQ(k.text_list(), R"("s"."tenant"::text, "s"."id"::text)");  // the value itself is not collated
}
