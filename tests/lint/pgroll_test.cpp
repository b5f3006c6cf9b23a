// pgroll-format migration files: the conformance examples lint cleanly (no syntax errors),
// SQL inside `sql` operations is linted with positions in the YAML file, and `up`/`down` must be
// expressions.
#include <gtest/gtest.h>

#include <filesystem>

#include "lint_helpers.hpp"
#include "support/pg_test.hpp"

namespace fs = std::filesystem;
using namespace slipway::lint;

TEST(LintPgroll, ConformanceExamplesHaveNoSyntaxErrors) {
  fs::path dir = fs::path(slipway::test::shared_dir()) / "conformance/pgroll-examples";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no examples at " << dir;
  Linter linter(LintSettings{});
  int files = 0;
  for (auto& e : fs::directory_iterator(dir)) {
    if (!is_pgroll_path(e.path().string())) continue;
    ++files;
    auto r = linter.lint_path(e.path().string());
    EXPECT_TRUE(test::by_rule(r, "syntax-error").empty()) << e.path();
  }
  EXPECT_GT(files, 50);
}

TEST(LintPgroll, SqlOperationsAreLintedAtTheirYamlPosition) {
  Linter linter(LintSettings{});
  auto r = linter.lint_pgroll("m.yaml",
                              "operations:\n"
                              "  - sql:\n"
                              "      up: |\n"
                              "        SELECT 1;\n"
                              "        CREATE INDEX i ON t (a);\n"
                              "  - sql:\n"
                              "      up: DROP TABLE t\n");
  auto idx = test::by_rule(r, "require-concurrent-index-creation");
  ASSERT_EQ(idx.size(), 1u);
  EXPECT_EQ(idx[0].at.line, 5);
  EXPECT_EQ(idx[0].at.col, 9);
  auto drop = test::by_rule(r, "ban-drop-table");
  ASSERT_EQ(drop.size(), 1u);
  EXPECT_EQ(drop[0].at.line, 7);
  EXPECT_EQ(drop[0].at.col, 11);
}

TEST(LintPgroll, UpAndDownMustBeExpressions) {
  Linter linter(LintSettings{});
  auto r = linter.lint_pgroll("m.json",
                              "{\"operations\": [{\"alter_column\": {\"table\": \"t\", \"column\": \"c\",\n"
                              "  \"up\": \"CAST(c AS integer)\",\n"
                              "  \"down\": \"c::text text\"}}]}\n");
  auto syn = test::by_rule(r, "syntax-error");
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_NE(syn[0].message.find("alter_column.down"), std::string::npos);
  EXPECT_EQ(syn[0].at.line, 3);
  EXPECT_EQ(syn[0].at.col, 20);  // at the second "text"
}

TEST(LintPgroll, BrokenYamlIsASyntaxErrorWithPosition) {
  Linter linter(LintSettings{});
  auto r = linter.lint_pgroll("m.yaml", "operations:\n  - sql: [unclosed\n");
  auto syn = test::by_rule(r, "syntax-error");
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_GE(syn[0].at.line, 2);
}

// Found by fuzz/lint_pgroll: a document that is not a map, and a key that is not a scalar,
// ended the process (yaml-cpp's BadSubscript / BadConversion escaped).
TEST(LintPgroll, ADocumentOfAnotherShapeIsASyntaxErrorNotACrash) {
  Linter linter(LintSettings{});
  for (const char* text : {"z", "[1, 2]", "operations:\n  - {[a]: {up: x}}\n", "operations:\n  - create_table: {? [k] : v}\n"}) {
    FileReport r;
    ASSERT_NO_THROW(r = linter.lint_pgroll("m.yaml", text)) << text;
    EXPECT_EQ(test::by_rule(r, "syntax-error").size(), 1u) << text;
  }
}

// "Billion laughs": 9 levels of 9 aliases each are 387 million nodes to walk (32 s of CPU before
// the walk was bounded); the file is refused at once with one finding.
TEST(LintPgroll, AliasesThatExpandBeyondTheNodeBudgetAreRefused) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (std::string name : {"b", "c", "d", "e", "f", "g", "h", "i"}) {
    text += name + ": &" + name + " [";
    for (int k = 0; k < 9; ++k) text += (k ? ", *" : "*") + prev;
    text += "]\n";
    prev = name;
  }
  text += "operations:\n  - sql: {up: \"select 1\"}\n    x: *i\n";
  Linter linter(LintSettings{});
  auto r = linter.lint_pgroll("m.yaml", text);
  auto syn = test::by_rule(r, "syntax-error");
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_NE(syn[0].message.find("aliases expand"), std::string::npos) << syn[0].message;
}
