// The whole corpus of real migrations (../shared/corpus, ~1,600 files): no crash, and every file
// PostgreSQL 15 accepts parses without a syntax error. Pure CPU, about a second.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "lint/linter.hpp"
#include "support/pg_test.hpp"

namespace fs = std::filesystem;
using namespace slipway::lint;

namespace {

// Files that are not PostgreSQL: psql against PostgreSQL 15 rejects exactly these statements too
// (checked by hand: same 8 syntax errors, same tokens).
const std::map<std::string, std::string> not_postgres = {
    {"0001_v12__main__v12.sql", "SQLite/MySQL-era schema (AUTOINCREMENT, UNSIGNED)"},
    {"0003_v14__main__v14.sql", "SQLite-era schema (AUTOINCREMENT)"},
    {"0012_v16__main__users.sql", "MySQL-era schema (UNSIGNED)"},
    {"0130_v54__main__account_validity_with_renewal.sql", "missing ';' between two CREATE INDEX upstream"},
};

}  // namespace

TEST(LintCorpus, EveryPostgresFileParses) {
  fs::path corpus = fs::path(slipway::test::shared_dir()) / "corpus";
  if (!fs::is_directory(corpus)) GTEST_SKIP() << "no corpus at " << corpus;
  Linter linter(LintSettings{});
  std::size_t files = 0, statements = 0, findings = 0;
  std::vector<fs::path> paths;
  for (auto& e : fs::recursive_directory_iterator(corpus)) {
    auto name = e.path().filename().string();
    bool sql = e.path().extension() == ".sql" || name.find(".sql.postgres") != std::string::npos;
    if (e.is_regular_file() && sql) paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  for (auto& p : paths) {
    FileReport r;
    ASSERT_NO_THROW(r = linter.lint_path(p.string())) << p;
    ++files;
    statements += r.statement_count;
    findings += r.findings.size();
    bool known_bad = not_postgres.count(p.filename().string()) > 0;
    bool has_error = false;
    for (auto& f : r.findings)
      if (f.rule == "syntax-error") {
        has_error = true;
        EXPECT_TRUE(known_bad) << p.string() << ":" << f.at.line << ":" << f.at.col << ": " << f.message;
      }
    if (known_bad) {
      EXPECT_TRUE(has_error) << p << " is listed as not PostgreSQL but parsed";
    }
  }
  EXPECT_GT(files, 1500u);
  EXPECT_GT(statements, 3000u);
  EXPECT_GT(findings, 0u);
}

// Never a crash on broken input: real migrations cut at arbitrary byte offsets (mid-token,
// mid-string, mid-dollar-quote, mid-UTF-8 sequence) still produce a report.
TEST(LintCorpus, TruncatedFilesNeverCrash) {
  fs::path corpus = fs::path(slipway::test::shared_dir()) / "corpus";
  if (!fs::is_directory(corpus)) GTEST_SKIP() << "no corpus at " << corpus;
  std::vector<fs::path> paths;
  for (auto& e : fs::recursive_directory_iterator(corpus))
    if (e.is_regular_file() && e.path().extension() == ".sql" && e.file_size() > 200) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  ASSERT_FALSE(paths.empty());
  std::size_t cases = 0;
  for (std::size_t i = 0; i < paths.size(); i += paths.size() / 40 + 1) {
    std::ifstream in(paths[i], std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::size_t cut : {text.size() / 7, text.size() / 3, text.size() / 2, text.size() - 3}) {
      Linter linter(LintSettings{});
      FileReport r;
      EXPECT_NO_THROW(r = linter.lint_sql(paths[i].string(), text.substr(0, cut))) << paths[i] << " cut at " << cut;
      for (auto& f : r.findings) {
        EXPECT_GE(f.at.line, 1);
        EXPECT_GE(f.at.col, 1);
      }
      ++cases;
    }
  }
  EXPECT_GT(cases, 100u);
}
