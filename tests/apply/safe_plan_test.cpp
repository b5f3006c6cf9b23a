// lint/safe: the safe form of each hazard, on the SQL text alone (apply/script_plan decides the
// units; the live tests in apply_live_test.cpp show each one running and the lock it took).
#include <gtest/gtest.h>

#include "apply/script_plan.hpp"
#include "util/error.hpp"

namespace slipway::apply {
namespace {

ScriptPlan plan(const std::string& sql, bool in_transaction = true) {
  Section s;
  s.present = true;
  s.file = "m.sql";
  s.sql = sql;
  lint::SchemaFacts facts;
  return plan_section(s, in_transaction, {}, facts);
}

std::vector<std::string> step_sql(const ScriptPlan& p) {
  std::vector<std::string> out;
  for (auto& st : p.statements)
    for (auto& step : st.plan.steps) out.push_back(step.sql);
  return out;
}

TEST(SafePlan, CreateIndexBecomesConcurrentlyOutsideTheTransaction) {
  auto p = plan("CREATE INDEX users_email ON users (email);");
  ASSERT_EQ(p.statements.size(), 1u);
  EXPECT_EQ(step_sql(p), std::vector<std::string>{"CREATE INDEX CONCURRENTLY users_email ON users (email)"});
  auto& step = p.statements[0].plan.steps[0];
  EXPECT_EQ(step.kind, lint::StepKind::create_index);
  EXPECT_EQ(step.index, "users_email");
  EXPECT_FALSE(step.transactional);
  EXPECT_EQ(step.lock, pg::LockMode::share_update_exclusive);
  ASSERT_EQ(p.units.size(), 1u);
  EXPECT_FALSE(p.units[0].transactional);
}

TEST(SafePlan, AnUnnamedIndexGetsPostgresDefaultNameSoARetryFindsIt) {
  auto p = plan("CREATE UNIQUE INDEX ON public.users (lower(email), tenant_id);");
  EXPECT_EQ(step_sql(p), std::vector<std::string>{
                             "CREATE UNIQUE INDEX CONCURRENTLY users_expr_tenant_id_idx ON public.users (lower(email), tenant_id)"});
}

TEST(SafePlan, ObjectsCreatedInTheSameFileAreLeftAlone) {
  auto p = plan("CREATE TABLE t (id int primary key, a int);\nCREATE INDEX t_a ON t (a);\n"
                "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0);");
  EXPECT_EQ(step_sql(p), (std::vector<std::string>{"CREATE TABLE t (id int primary key, a int)", "CREATE INDEX t_a ON t (a)",
                                                   "ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0)"}));
  ASSERT_EQ(p.units.size(), 1u);  // the file stays one transaction
  EXPECT_TRUE(p.units[0].transactional);
  EXPECT_TRUE(p.warnings.empty());
}

TEST(SafePlan, DropIndexAndReindexBecomeConcurrently) {
  auto p = plan("DROP INDEX IF EXISTS users_email;\nREINDEX TABLE users;\nREINDEX INDEX users_pkey;", false);
  EXPECT_EQ(step_sql(p), (std::vector<std::string>{"DROP INDEX CONCURRENTLY IF EXISTS users_email",
                                                   "REINDEX TABLE CONCURRENTLY users", "REINDEX INDEX CONCURRENTLY users_pkey"}));
  EXPECT_EQ(p.units.size(), 3u);
}

TEST(SafePlan, ForeignKeyIsAddedNotValidThenValidatedInItsOwnTransaction) {
  auto p = plan("ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);\nSELECT 1;");
  EXPECT_EQ(step_sql(p), (std::vector<std::string>{
                             "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID",
                             "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey", "SELECT 1"}));
  ASSERT_EQ(p.units.size(), 3u);  // [ADD], [VALIDATE], [SELECT]
  EXPECT_EQ(p.units[1].steps.size(), 1u);
  EXPECT_EQ(p.statements[0].plan.steps[0].lock, pg::LockMode::share_row_exclusive);
  EXPECT_EQ(p.statements[0].plan.steps[1].lock, pg::LockMode::share_update_exclusive);
}

TEST(SafePlan, NamedCheckKeepsItsName) {
  auto p = plan("ALTER TABLE t ADD CONSTRAINT positive CHECK (a > 0);");
  EXPECT_EQ(step_sql(p), (std::vector<std::string>{"ALTER TABLE t ADD CONSTRAINT positive CHECK (a > 0) NOT VALID",
                                                   "ALTER TABLE t VALIDATE CONSTRAINT positive"}));
}

TEST(SafePlan, SetNotNullGoesThroughAValidatedCheck) {
  auto p = plan("ALTER TABLE users ALTER COLUMN email SET NOT NULL;");
  EXPECT_EQ(step_sql(p), (std::vector<std::string>{
                             "ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID",
                             "ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null",
                             "ALTER TABLE users ALTER COLUMN email SET NOT NULL",
                             "ALTER TABLE users DROP CONSTRAINT users_email_not_null"}));
  // SET NOT NULL and the DROP of the check commit together.
  ASSERT_EQ(p.units.size(), 3u);
  EXPECT_EQ(p.units[2].steps.size(), 2u);
}

TEST(SafePlan, UniqueAndPrimaryKeyGoThroughAConcurrentIndex) {
  auto p = plan("ALTER TABLE users ADD UNIQUE (email);");
  EXPECT_EQ(step_sql(p), (std::vector<std::string>{
                             "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)",
                             "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key"}));
  auto pk = plan("ALTER TABLE t ADD PRIMARY KEY (id);");
  auto sql = step_sql(pk);
  ASSERT_EQ(sql.size(), 6u);
  EXPECT_EQ(sql[4], "CREATE UNIQUE INDEX CONCURRENTLY t_pkey ON t (id)");
  EXPECT_EQ(sql[5], "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey");
}

TEST(SafePlan, VolatileDefaultIsBackfilledInBatches) {
  auto p = plan("ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();");
  auto& steps = p.statements[0].plan.steps;
  ASSERT_EQ(steps.size(), 7u);
  EXPECT_EQ(steps[0].sql, "ALTER TABLE users ADD COLUMN token uuid");
  EXPECT_EQ(steps[1].sql, "ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid()");
  EXPECT_EQ(steps[2].kind, lint::StepKind::backfill);
  EXPECT_EQ(steps[2].assignments, "token = gen_random_uuid()");
  EXPECT_EQ(steps[2].where, "token IS NULL");
  EXPECT_EQ(steps[6].sql, "ALTER TABLE users DROP CONSTRAINT users_token_not_null");
}

TEST(SafePlan, AStableDefaultIsLeftAsWritten) {
  auto p = plan("ALTER TABLE users ADD COLUMN seen timestamptz NOT NULL DEFAULT now();");
  EXPECT_FALSE(p.statements[0].plan.rewritten());
}

TEST(SafePlan, WholeTableUpdateIsBatchedAndABoundedOneIsNot) {
  auto p = plan("UPDATE users SET name = lower(name), n = (SELECT 1 WHERE true) WHERE active AND name <> 'x WHERE';\n"
                "UPDATE users SET name = 'a' WHERE id = 5;");
  auto& fill = p.statements[0].plan.steps[0];
  EXPECT_EQ(fill.kind, lint::StepKind::backfill);
  EXPECT_EQ(fill.assignments, "name = lower(name), n = (SELECT 1 WHERE true)");
  EXPECT_EQ(fill.where, "active AND name <> 'x WHERE'");
  EXPECT_FALSE(p.statements[1].plan.rewritten());
}

TEST(SafePlan, RewritingTypeChangeGoesOnline) {
  auto p = plan("ALTER TABLE users ALTER COLUMN id TYPE bigint;");
  auto& step = p.statements[0].plan.steps[0];
  EXPECT_EQ(step.kind, lint::StepKind::online_rewrite);
  EXPECT_EQ(step.alter, "ALTER COLUMN id TYPE bigint");
  auto widen = plan("ALTER TABLE users ALTER COLUMN name TYPE text;");
  (void)widen;  // varchar -> text is catalog-only only when the old type is known; see the live test
}

TEST(SafePlan, TransactionControlAndTimeoutsAreNotRun) {
  auto p = plan("BEGIN;\nSET lock_timeout = '10s';\nCREATE INDEX i ON t (a);\nALTER TABLE t ADD COLUMN b int;\nCOMMIT;\n"
                "ALTER TABLE t ADD COLUMN c int;",
                false);
  ASSERT_EQ(p.statements.size(), 6u);
  EXPECT_TRUE(p.statements[0].skipped);
  EXPECT_TRUE(p.statements[1].skipped);
  EXPECT_TRUE(p.statements[4].skipped);
  // [CIC] [ADD b] (the block), then [ADD c] on its own
  ASSERT_EQ(p.units.size(), 3u);
  EXPECT_FALSE(p.units[0].transactional);
}

TEST(SafePlan, RollbackInAScriptIsRefused) {
  EXPECT_THROW(plan("BEGIN; SELECT 1; ROLLBACK;", false), slipway::InputError);
}

TEST(SafePlan, NoRewriteRunsEverythingAsWritten) {
  Section s;
  s.present = true;
  s.sql = "CREATE INDEX i ON t (a);";
  lint::SchemaFacts facts;
  PlanOptions o;
  o.rewrite = false;
  auto p = plan_section(s, true, o, facts);
  EXPECT_EQ(step_sql(p), std::vector<std::string>{"CREATE INDEX i ON t (a)"});
  EXPECT_EQ(p.statements[0].plan.steps[0].lock, pg::LockMode::share);
}

}  // namespace
}  // namespace slipway::apply
