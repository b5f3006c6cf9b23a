// In-file directives: slipway:ignore for the next statement, slipway:ignore-file.
#include <gtest/gtest.h>

#include "lint_helpers.hpp"
#include "util/error.hpp"

using namespace slipway::lint;

TEST(LintIgnore, IgnoreAppliesToTheNextStatementOnly) {
  auto r = test::lint(
      "-- slipway:ignore require-concurrent-index-creation\n"
      "CREATE INDEX a ON t (x);\n"
      "CREATE INDEX b ON t (y);\n");
  auto f = test::by_rule(r, "require-concurrent-index-creation");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].at.line, 3);
}

TEST(LintIgnore, IgnoreOnlySilencesTheNamedRules) {
  auto r = test::lint(
      "-- slipway:ignore prefer-robust-stmts, missing-lock-timeout\n"
      "CREATE INDEX a ON t (x);\n");
  EXPECT_EQ(test::by_rule(r, "require-concurrent-index-creation").size(), 1u);
  EXPECT_EQ(test::by_rule(r, "prefer-robust-stmts").size(), 0u);
  EXPECT_EQ(test::by_rule(r, "missing-lock-timeout").size(), 0u);
}

TEST(LintIgnore, IgnoreWithoutRuleSilencesEverythingForTheStatement) {
  auto r = test::lint("SELECT 1; -- slipway:ignore\nCREATE INDEX a ON t (x);\n");
  EXPECT_TRUE(r.findings.empty());
}

TEST(LintIgnore, IgnoreFile) {
  auto r = test::lint("CREATE INDEX a ON t (x);\n-- slipway:ignore-file\nDROP TABLE t;\n");
  EXPECT_TRUE(r.findings.empty());
  EXPECT_TRUE(r.ignored);
  auto partial = test::lint("-- slipway:ignore-file ban-drop-table\nCREATE INDEX a ON t (x);\nDROP TABLE t;\n");
  EXPECT_EQ(test::by_rule(partial, "ban-drop-table").size(), 0u);
  EXPECT_EQ(test::by_rule(partial, "require-concurrent-index-creation").size(), 1u);
}

TEST(LintIgnore, UnknownRuleIsAnInputError) {
  try {
    test::lint("SELECT 1;\n-- slipway:ignore no-such-rule\nCREATE INDEX a ON t (x);\n");
    FAIL() << "expected InputError";
  } catch (const slipway::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-rule"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos);
  }
  EXPECT_THROW(test::lint("-- slipway:ignore-file bogus\nSELECT 1;"), slipway::InputError);
}

TEST(LintIgnore, DisabledRulesFromSettings) {
  LintSettings s;
  s.disabled_rules = {"require-concurrent-index-creation"};
  EXPECT_EQ(test::count("CREATE INDEX a ON t (x);", "require-concurrent-index-creation", s), 0u);
}
