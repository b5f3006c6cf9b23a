// The lock model: lock level, blocked operations and rewrite/scan per statement and version.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lint/context.hpp"
#include "lint/model.hpp"
#include "lint/parser.hpp"
#include "lint/types.hpp"

using namespace slipway::lint;

namespace {

Classification classify_sql(const std::string& sql, int pg = 15) {
  auto out = parse_sql(sql);
  EXPECT_EQ(out.statements.size(), 1u);
  SchemaFacts facts;
  Context ctx(LintOptions{pg, false, {}}, facts);
  return classify(*out.statements.at(0).tree, ctx);
}

}  // namespace

TEST(LintModel, LockLevelsFollowThePostgresDocs) {
  EXPECT_EQ(classify_sql("CREATE INDEX i ON t (a)").strongest(), LockMode::share);
  EXPECT_EQ(classify_sql("CREATE INDEX CONCURRENTLY i ON t (a)").strongest(), LockMode::share_update_exclusive);
  EXPECT_EQ(classify_sql("ALTER TABLE t ADD COLUMN a int").strongest(), LockMode::access_exclusive);
  EXPECT_EQ(classify_sql("ALTER TABLE t VALIDATE CONSTRAINT c").strongest(), LockMode::share_update_exclusive);
  EXPECT_EQ(classify_sql("ALTER TABLE t ALTER COLUMN a SET STATISTICS 100").strongest(),
            LockMode::share_update_exclusive);
  EXPECT_EQ(classify_sql("CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()").strongest(),
            LockMode::share_row_exclusive);
  EXPECT_EQ(classify_sql("REFRESH MATERIALIZED VIEW CONCURRENTLY v").strongest(), LockMode::exclusive);
  EXPECT_EQ(classify_sql("LOCK TABLE t IN SHARE MODE").strongest(), LockMode::share);
  EXPECT_EQ(classify_sql("UPDATE t SET a = 1 WHERE id = 2").strongest(), LockMode::row_exclusive);
}

TEST(LintModel, ForeignKeyLocksBothTables) {
  auto c = classify_sql("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID");
  ASSERT_NE(c.lock_on("orders"), nullptr);
  ASSERT_NE(c.lock_on("users"), nullptr);
  EXPECT_EQ(c.lock_on("users")->mode, LockMode::share_row_exclusive);
  EXPECT_EQ(c.work, Work::catalog_only);
}

TEST(LintModel, WhatLocksBlock) {
  EXPECT_TRUE(blocked_by(LockMode::access_exclusive).reads);
  EXPECT_FALSE(blocked_by(LockMode::share).reads);
  EXPECT_TRUE(blocked_by(LockMode::share).writes);
  EXPECT_FALSE(blocked_by(LockMode::share_update_exclusive).writes);
  EXPECT_TRUE(blocked_by(LockMode::share_update_exclusive).ddl);
}

TEST(LintModel, DefaultsRewriteOnlyWhenVolatileOrBeforeEleven) {
  EXPECT_EQ(classify_sql("ALTER TABLE t ADD COLUMN a int DEFAULT 0").work, Work::catalog_only);
  EXPECT_EQ(classify_sql("ALTER TABLE t ADD COLUMN a int DEFAULT 0", 10).work, Work::rewrite);
  EXPECT_EQ(classify_sql("ALTER TABLE t ADD COLUMN a float8 DEFAULT random()").work, Work::rewrite);
  EXPECT_EQ(classify_sql("ALTER TABLE t ADD COLUMN a timestamptz DEFAULT now()").work, Work::catalog_only);
}

TEST(LintModel, ConcurrentStatementsAreNotTransactional) {
  EXPECT_FALSE(classify_sql("CREATE INDEX CONCURRENTLY i ON t (a)").transactional);
  EXPECT_FALSE(classify_sql("DROP INDEX CONCURRENTLY i").transactional);
  EXPECT_FALSE(classify_sql("REINDEX INDEX CONCURRENTLY i").transactional);
  EXPECT_TRUE(classify_sql("CREATE INDEX i ON t (a)").transactional);
}

TEST(LintTypes, BinaryCoercibleChanges) {
  auto t = [](std::string name, std::vector<int> mods = {}) { return ColumnType{std::move(name), std::move(mods), false}; };
  EXPECT_TRUE(binary_coercible(t("varchar", {20}), t("varchar", {40})));
  EXPECT_TRUE(binary_coercible(t("varchar", {20}), t("varchar")));
  EXPECT_TRUE(binary_coercible(t("varchar", {20}), t("text")));
  EXPECT_TRUE(binary_coercible(t("text"), t("varchar")));
  EXPECT_TRUE(binary_coercible(t("numeric", {10, 2}), t("numeric", {12, 2})));
  EXPECT_TRUE(binary_coercible(t("numeric", {10, 2}), t("numeric")));
  EXPECT_TRUE(binary_coercible(t("cidr"), t("inet")));
  EXPECT_FALSE(binary_coercible(t("varchar", {40}), t("varchar", {20})));
  EXPECT_FALSE(binary_coercible(t("text"), t("varchar", {20})));
  EXPECT_FALSE(binary_coercible(t("numeric", {10, 2}), t("numeric", {12, 4})));
  EXPECT_FALSE(binary_coercible(t("int4"), t("int8")));
  EXPECT_FALSE(binary_coercible(t("timestamp"), t("timestamptz")));
}

TEST(LintTypes, ExpressionVolatility) {
  auto vol = [](const std::string& expr) {
    auto out = parse_sql("SELECT " + expr);
    return expression_volatility(*out.statements.at(0).tree).volatility;
  };
  EXPECT_EQ(vol("gen_random_uuid()"), Volatility::volatile_);
  EXPECT_EQ(vol("md5(random()::text)"), Volatility::volatile_);
  EXPECT_EQ(vol("now()"), Volatility::immutable_or_stable);
  EXPECT_EQ(vol("my_func()"), Volatility::unknown);
}

TEST(LintTypes, SerialColumnsAreTheirInteger) {
  auto out = parse_sql("CREATE TABLE t (a bigserial, b varchar(20)[])");
  auto& cols = (*out.statements.at(0).tree)["CreateStmt"]["tableElts"];
  EXPECT_EQ(column_type(cols[0]["ColumnDef"]["typeName"]).display(), "int8");
  EXPECT_EQ(column_type(cols[1]["ColumnDef"]["typeName"]).display(), "varchar(20)[]");
}

TEST(LintModel, VersionDependentLocks) {
  const char* attach = "ALTER TABLE p ATTACH PARTITION c FOR VALUES IN (1)";
  EXPECT_EQ(classify_sql(attach, 11).lock_on("p")->mode, LockMode::access_exclusive);
  EXPECT_EQ(classify_sql(attach, 12).lock_on("p")->mode, LockMode::share_update_exclusive);
  EXPECT_EQ(classify_sql(attach, 12).lock_on("c")->mode, LockMode::access_exclusive);
  EXPECT_EQ(classify_sql("ALTER INDEX i RENAME TO j", 11).strongest(), LockMode::access_exclusive);
  EXPECT_EQ(classify_sql("ALTER INDEX i RENAME TO j", 12).strongest(), LockMode::share_update_exclusive);
  EXPECT_FALSE(classify_sql("ALTER TYPE mood ADD VALUE 'meh'", 11).transactional);
  EXPECT_TRUE(classify_sql("ALTER TYPE mood ADD VALUE 'meh'", 12).transactional);
}
