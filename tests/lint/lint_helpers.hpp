// Helpers for the lint tests: lint a SQL string, pick findings by rule.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "lint/linter.hpp"

namespace slipway::lint::test {

inline FileReport lint(const std::string& sql, LintSettings settings = {}) {
  Linter l(settings);
  return l.lint_sql("test.sql", sql);
}

inline std::vector<Finding> by_rule(const FileReport& r, const std::string& rule) {
  std::vector<Finding> out;
  std::copy_if(r.findings.begin(), r.findings.end(), std::back_inserter(out),
               [&](const Finding& f) { return f.rule == rule; });
  return out;
}

inline std::size_t count(const std::string& sql, const std::string& rule, LintSettings settings = {}) {
  return by_rule(lint(sql, settings), rule).size();
}

}  // namespace slipway::lint::test
