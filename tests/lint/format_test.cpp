// Output formats: human (caret under the column), json, sarif, github, gcc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "lint/format/format.hpp"
#include "lint_helpers.hpp"

using namespace slipway::lint;

namespace {

std::vector<FileReport> sample(bool explain = false) {
  LintSettings s;
  s.explain = explain;
  s.disabled_rules = {"prefer-robust-stmts", "missing-lock-timeout", "missing-statement-timeout"};
  Linter l(s);
  return {l.lint_sql("db/001.sql", "SET x = 1;\n  CREATE INDEX idx ON users (email);\nDROP TABLE t;\n")};
}

std::string render_to_string(Format f, const std::vector<FileReport>& r, RenderOptions o = {}) {
  std::ostringstream out;
  render(f, r, out, o);
  return out.str();
}

}  // namespace

TEST(LintFormat, HumanShowsSnippetCaretLockAndFix) {
  auto text = render_to_string(Format::human, sample());
  EXPECT_NE(text.find("db/001.sql:2:3: error[require-concurrent-index-creation]"), std::string::npos) << text;
  EXPECT_NE(text.find("  2 |   CREATE INDEX idx ON users (email);\n    |   ^\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lock: SHARE on users"), std::string::npos);
  EXPECT_NE(text.find("fix:  CREATE INDEX CONCURRENTLY idx ON users (email);"), std::string::npos) << text;
  EXPECT_NE(text.find("1 file, 3 statements: 1 error, 1 warning"), std::string::npos) << text;
  EXPECT_EQ(text.find("\x1b["), std::string::npos);  // no colour unless asked
  RenderOptions color;
  color.color = true;
  EXPECT_NE(render_to_string(Format::human, sample(), color).find("\x1b["), std::string::npos);
}

TEST(LintFormat, ExplainListsEveryStatement) {
  RenderOptions o;
  o.explain = true;
  auto text = render_to_string(Format::human, sample(true), o);
  EXPECT_NE(text.find("db/001.sql:1:1: VariableSetStmt: no lock on existing relations"), std::string::npos) << text;
  EXPECT_NE(text.find("IndexStmt: SHARE on users (blocks writes"), std::string::npos) << text;
  EXPECT_NE(text.find("DropStmt: ACCESS EXCLUSIVE on t (blocks reads and writes)"), std::string::npos) << text;
}

TEST(LintFormat, JsonHasEveryField) {
  auto doc = nlohmann::json::parse(render_to_string(Format::json, sample()));
  ASSERT_EQ(doc["findings"].size(), 2u);
  auto& f = doc["findings"][0];
  EXPECT_EQ(f["file"], "db/001.sql");
  EXPECT_EQ(f["rule"], "require-concurrent-index-creation");
  EXPECT_EQ(f["severity"], "error");
  EXPECT_EQ(f["line"], 2);
  EXPECT_EQ(f["column"], 3);
  EXPECT_EQ(f["statement"]["end"]["line"], 2);
  EXPECT_EQ(f["statement"]["end"]["column"], 36);
  EXPECT_EQ(f["lock"]["mode"], "SHARE on users");
  EXPECT_FALSE(f["recipe"].get<std::string>().empty());
  EXPECT_EQ(f["fix"], "CREATE INDEX CONCURRENTLY idx ON users (email);");
  EXPECT_EQ(doc["summary"]["errors"], 1);
  EXPECT_EQ(doc["summary"]["warnings"], 1);
}

TEST(LintFormat, SarifIsWellFormed) {
  auto doc = nlohmann::json::parse(render_to_string(Format::sarif, sample()));
  EXPECT_EQ(doc["version"], "2.1.0");
  auto& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "slipway");
  EXPECT_GT(run["tool"]["driver"]["rules"].size(), 30u);
  auto& res = run["results"][0];
  EXPECT_EQ(res["ruleId"], "require-concurrent-index-creation");
  EXPECT_EQ(res["level"], "error");
  auto& region = res["locations"][0]["physicalLocation"]["region"];
  EXPECT_EQ(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "db/001.sql");
  EXPECT_EQ(region["startLine"], 2);
  EXPECT_EQ(region["startColumn"], 3);
  EXPECT_EQ(run["results"][1]["level"], "warning");
}

TEST(LintFormat, GithubAnnotationsAreEscaped) {
  auto text = render_to_string(Format::github, sample());
  EXPECT_EQ(text.rfind("::error file=db/001.sql,line=2,col=3,endLine=2,endColumn=36,title=slipway require-concurrent-index-creation::", 0), 0u)
      << text;
  EXPECT_NE(text.find("%0Afix:%0ACREATE INDEX CONCURRENTLY"), std::string::npos);
  EXPECT_NE(text.find("\n::warning file=db/001.sql,line=3,col=1"), std::string::npos);
}

TEST(LintFormat, GccIsOneLinePerFinding) {
  auto text = render_to_string(Format::gcc, sample());
  EXPECT_EQ(text,
            "db/001.sql:2:3: error: CREATE INDEX blocks writes to users for the whole index build "
            "[require-concurrent-index-creation]\n"
            "db/001.sql:3:1: warning: dropping table t breaks running code that still uses it, and loses its data "
            "[ban-drop-table]\n");
}

TEST(LintFormat, ParseFormatNames) {
  EXPECT_EQ(parse_format("sarif"), Format::sarif);
  EXPECT_FALSE(parse_format("tty"));
}
