// A lint rule: one per file under lint/rules/, listed in rules/registry.cpp.
#pragma once
#include "lint/tree.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lint/context.hpp"
#include "lint/finding.hpp"
#include "lint/model.hpp"

namespace slipway::lint {

// One parsed statement as rules see it.
struct Statement {
  const Json& node;  // {"Kind": body}
  std::string_view kind;
  const Json& body;
  std::string_view text;       // the statement's SQL (no ';')
  Span span;
  Classification cls;
  // Absolute position of a node "location" (-1: the statement's start).
  std::function<Position(int)> locate;
  // A node "location" minus this is its index in `text`.
  std::ptrdiff_t location_shift = 0;

  // text[from, to) by node locations (to < 0: the end of the statement); "" when out of range.
  std::string_view text_between(int from, int to = -1) const;
};

// What a rule reports; the linter adds rule id, severity and the statement's span.
struct Hit {
  Hit() = default;
  Hit(std::string message_, std::string recipe_, std::string fix_, int location_ = -1, std::string relation_ = {})
      : message(std::move(message_)), recipe(std::move(recipe_)), fix(std::move(fix_)), location(location_),
        relation(std::move(relation_)) {}

  std::string message;
  std::string recipe;
  std::string fix;
  int location = -1;                 // node location inside the statement
  std::string relation;              // whose lock to show (default: the strongest)
  std::optional<Span> span;          // for hits reported at the end of the file
  std::optional<Position> at;
};

struct RuleInfo {
  std::string_view id;
  Severity severity;
  std::string_view summary;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual RuleInfo info() const = 0;
  virtual void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const = 0;
  // Called after the file's last statement (for rules that need the whole file).
  virtual void finish(const Context&, std::vector<Hit>&) const {}
};

// Every rule, sorted by id.
const std::vector<std::unique_ptr<Rule>>& all_rules();
const Rule* find_rule(std::string_view id);

// The pseudo-rule for unparsable SQL.
inline constexpr std::string_view syntax_error_rule = "syntax-error";

}  // namespace slipway::lint
