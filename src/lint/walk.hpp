// The one walk over a fragment's statements: parse, build each Statement with its lock
// classification, hand it to a visitor with the context as it stood *before* the statement,
// then let the context observe it. The linter's rules and apply's safe rewrites both see SQL
// through this walk, so they agree on what each statement is and what the file did before it.
#pragma once
#include <functional>
#include <string_view>

#include "lint/context.hpp"
#include "lint/linter.hpp"
#include "lint/parser.hpp"
#include "lint/rule.hpp"

namespace slipway::lint {

struct WalkItem {
  const ParsedStatement& parsed;
  const Statement* statement;  // null: the grammar could not read it (parsed.error says why)
  std::string_view text;       // the statement's SQL, without its ';'
  Span span;
};

// Visits every statement of `frag` in order. A statement the grammar cannot read is visited
// with statement == nullptr; what it creates still counts as new for the statements after it.
void walk_fragment(const Fragment& frag, Context& ctx, const std::function<void(const WalkItem&)>& visit);

}  // namespace slipway::lint
