// Every rule against its fixtures: tests/lint/fixtures/rules/<rule-id>/bad*.sql must report the
// rule exactly on the lines that follow a `-- expect` comment; good*.sql must not report it.
// An optional schema.sql is linted first in the same run (it teaches the run column types).
// A `-- options: assume-in-transaction pg-version=N assume-timezone=TZ newer-syntax` line sets the
// linter's options.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "lint/linter.hpp"
#include "lint/rule.hpp"
#include "support/pg_test.hpp"

namespace fs = std::filesystem;
using namespace slipway::lint;

namespace {

fs::path fixtures() { return fs::path(slipway::test::source_dir()) / "tests/lint/fixtures/rules"; }

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `-- options: newer-syntax`: the fixture holds statements the PostgreSQL 15 grammar cannot
// parse on purpose (their syntax-error findings are then expected, not a broken fixture).
bool allows_newer_syntax(const std::string& text) {
  auto pos = text.find("-- options:");
  return pos != std::string::npos && text.substr(pos, text.find('\n', pos) - pos).find("newer-syntax") != std::string::npos;
}

LintSettings options_from(const std::string& text) {
  LintSettings s;
  auto pos = text.find("-- options:");
  if (pos == std::string::npos) return s;
  std::istringstream line(text.substr(pos + 11, text.find('\n', pos) - pos - 11));
  std::string word;
  while (line >> word) {
    if (word == "assume-in-transaction") s.options.assume_in_transaction = true;
    if (word.rfind("pg-version=", 0) == 0) s.options.pg_version = std::stoi(word.substr(11));
    if (word.rfind("assume-timezone=", 0) == 0) s.options.assume_timezone = word.substr(16);
  }
  return s;
}

std::set<int> expected_lines(const std::string& text) {
  std::set<int> lines;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("-- expect", 0) == 0) lines.insert(n + 1);
  }
  return lines;
}

std::set<int> reported_lines(const fs::path& dir, const fs::path& file, const std::string& rule) {
  std::string text = read(file);
  Linter linter(options_from(text));
  if (fs::exists(dir / "schema.sql")) linter.lint_sql("schema.sql", read(dir / "schema.sql"));
  auto report = linter.lint_sql(file.filename().string(), text);
  std::set<int> lines;
  for (auto& f : report.findings) {
    if (!allows_newer_syntax(text)) {
      EXPECT_NE(f.rule, "syntax-error") << file << ":" << f.at.line << ": " << f.message;
    }
    if (f.rule == rule) lines.insert(f.at.line);
  }
  return lines;
}

std::vector<std::string> rule_ids() {
  std::vector<std::string> ids;
  for (auto& r : all_rules()) ids.emplace_back(r->info().id);
  return ids;
}

class RuleFixtures : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleFixtures, ReportsExactlyTheExpectedStatements) {
  const std::string rule = GetParam();
  fs::path dir = fixtures() / rule;
  ASSERT_TRUE(fs::is_directory(dir)) << "every rule needs fixtures: " << dir;
  int bad = 0, good = 0;
  for (auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.rfind("bad", 0) == 0) {
      ++bad;
      auto expected = expected_lines(read(e.path()));
      ASSERT_FALSE(expected.empty()) << e.path() << " has no `-- expect` marker";
      EXPECT_EQ(reported_lines(dir, e.path(), rule), expected) << e.path();
    } else if (name.rfind("good", 0) == 0) {
      ++good;
      EXPECT_TRUE(reported_lines(dir, e.path(), rule).empty()) << e.path() << " must not report " << rule;
    }
  }
  EXPECT_GT(bad, 0) << "no positive fixture for " << rule;
  EXPECT_GT(good, 0) << "no negative fixture for " << rule;
}

TEST_P(RuleFixtures, HasADocPage) {
  fs::path doc = fs::path(slipway::test::source_dir()) / "docs/rules" / (GetParam() + ".md");
  EXPECT_TRUE(fs::exists(doc)) << doc;
}

INSTANTIATE_TEST_SUITE_P(AllRules, RuleFixtures, ::testing::ValuesIn(rule_ids()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
