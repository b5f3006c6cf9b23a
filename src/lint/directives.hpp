// In-file directives: `-- slipway:ignore rule-id[, rule-id]` before a statement silences those
// rules (all rules without an id) for that statement; `-- slipway:ignore-file [rule-id ...]`
// anywhere silences them for the whole file. Unknown rule ids are an input error.
#pragma once
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "lint/finding.hpp"

namespace slipway::lint {

struct IgnoreSet {
  bool all = false;
  std::set<std::string> rules;
};

using Locator = std::function<Position(std::size_t)>;

// Directives in the comments of text[from, to) (a statement's leading comments).
IgnoreSet ignored_rules(std::string_view text, std::size_t from, std::size_t to, const Locator& locate);
// `slipway:ignore-file` directives anywhere in line comments of the text.
IgnoreSet file_ignore_directive(std::string_view text, const Locator& locate);

}  // namespace slipway::lint
