// Statement splitting, absolute positions and syntax-error recovery.
#include <gtest/gtest.h>

#include <tuple>

#include "lint/parser.hpp"
#include "lint/source.hpp"
#include "lint/user_text.hpp"
#include "lint_helpers.hpp"

using namespace slipway::lint;

TEST(LintParser, StatementsKeepAbsoluteOffsetsAndSkipLeadingComments) {
  std::string sql = "-- header\nSELECT 1;\n/* c1 /* nested */ */ CREATE TABLE t (a int);\n";
  auto out = parse_sql(sql);
  ASSERT_EQ(out.statements.size(), 2u);
  EXPECT_EQ(sql.substr(out.statements[0].begin, out.statements[0].end - out.statements[0].begin), "SELECT 1");
  EXPECT_EQ(sql.substr(out.statements[1].begin, out.statements[1].end - out.statements[1].begin),
            "CREATE TABLE t (a int)");
  EXPECT_FALSE(out.statements[1].error);
}

TEST(LintParser, SyntaxErrorDoesNotHideTheRestOfTheFile) {
  std::string sql = "SELECT 1;\nSELEC 2;\nCREATE INDEX i ON t (a);\n";
  auto out = parse_sql(sql);
  ASSERT_EQ(out.statements.size(), 3u);
  EXPECT_FALSE(out.statements[0].error);
  ASSERT_TRUE(out.statements[1].error);
  EXPECT_EQ(out.statements[1].error->offset, sql.find("SELEC 2"));
  ASSERT_TRUE(out.statements[2].tree);
  // The index statement after the error is still linted, at its real line.
  auto r = test::lint(sql);
  auto idx = test::by_rule(r, "require-concurrent-index-creation");
  ASSERT_EQ(idx.size(), 1u);
  EXPECT_EQ(idx[0].at.line, 3);
  auto syn = test::by_rule(r, "syntax-error");
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_EQ(syn[0].at.line, 2);
  EXPECT_EQ(syn[0].at.col, 1);
}

TEST(LintParser, ErrorInsideAStatementPointsAtTheToken) {
  auto r = test::lint("SELECT 1;\nALTER TABLE t ADD COLUMN a int NOT NUL;\nSELECT 2;\n");
  auto syn = test::by_rule(r, "syntax-error");
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_EQ(syn[0].at.line, 2);
  EXPECT_EQ(syn[0].at.col, 36);  // at "NUL"
  EXPECT_EQ(r.statement_count, 3u);
}

TEST(LintParser, TemplateSyntaxIsASyntaxErrorNotACrash) {
  auto r = test::lint("CREATE TABLE {{ .Table }} (a int);\n{% if x %}\nSELECT 1;\n");
  EXPECT_GE(test::by_rule(r, "syntax-error").size(), 1u);
}

// Text that is not UTF-8, or holds a NUL, is a syntax error at its byte: libpg_query stopped at
// a NUL unnoticed and copied invalid UTF-8 into a tree that nlohmann then refused to parse (an
// exception out of parse_sql, found by fuzz/user_text).
TEST(LintParser, InvalidUtf8AndNulAreSyntaxErrorsAtTheirByte) {
  for (auto [text, at, what] : {std::tuple<std::string, std::size_t, std::string>{"SELECT '\xea';", 8, "invalid UTF-8"},
                                {std::string("SELECT 1;\0DROP TABLE t;", 23), 9, "NUL"}}) {
    auto out = parse_sql(text);
    ASSERT_EQ(out.statements.size(), 1u);
    ASSERT_TRUE(out.statements[0].error);
    EXPECT_EQ(out.statements[0].error->offset, at);
    EXPECT_NE(out.statements[0].error->message.find(what), std::string::npos) << out.statements[0].error->message;
  }
}

TEST(LintParser, UnterminatedStringIsReportedAtItsStart) {
  auto r = test::lint("SELECT 1;\nSELECT 'oops;\n");
  auto syn = test::by_rule(r, "syntax-error");
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_EQ(syn[0].at.line, 2);
  EXPECT_EQ(syn[0].at.col, 8);
}

TEST(LintParser, ColumnsCountCharactersNotBytes) {
  // "é" is two bytes; the caret column must still be the character column.
  auto r = test::lint("SELECT 'é';\nSELECT 'ü', x FROM t; CREATE INDEX i ON t (a);\n");
  auto idx = test::by_rule(r, "require-concurrent-index-creation");
  ASSERT_EQ(idx.size(), 1u);
  EXPECT_EQ(idx[0].at.line, 2);
  EXPECT_EQ(idx[0].at.col, 23);
  EXPECT_EQ(idx[0].statement.end.col, 46);
}

TEST(LintParser, NodePositionsAreAbsoluteAfterARecoveredError) {
  // After an error the file is parsed statement by statement; node locations must still be
  // absolute (here: the column definition on line 3).
  auto r = test::lint("oops;\nSELECT 1;\nALTER TABLE t ADD COLUMN e text NOT NULL;\n");
  auto f = test::by_rule(r, "adding-required-field");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].at.line, 3);
  EXPECT_EQ(f[0].at.col, 26);
}

TEST(LintParser, ExpressionsAreCheckedAlone) {
  EXPECT_FALSE(check_expression("CAST(a AS integer) + 1"));
  EXPECT_FALSE(check_expression("lower(name) || 'x'"));
  EXPECT_TRUE(check_expression("1; DROP TABLE x"));
  auto err = check_expression("lower(x) lower(y)");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->offset, 9u);
}

TEST(LintParser, LineIndexMapsOffsets) {
  LineIndex idx("ab\ncd\n");
  EXPECT_EQ(idx.position(0).line, 1);
  EXPECT_EQ(idx.position(4).line, 2);
  EXPECT_EQ(idx.position(4).col, 2);
}

TEST(LintParser, PsqlMetaCommandsAreNamed) {
  auto r = test::lint("SELECT 1;\n\\set x 1\nSELECT 2;\n");
  auto syn = test::by_rule(r, "syntax-error");
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_EQ(syn[0].at.line, 2);
  EXPECT_NE(syn[0].message.find("psql meta-command"), std::string::npos);
}
