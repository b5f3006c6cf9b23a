// SQL text -> statements with absolute offsets, on libpg_query (the PostgreSQL 15 grammar).
// A syntax error in one statement never hides the others: on failure the text is split with
// the scanner and every statement is parsed on its own.
#pragma once
#include "lint/tree.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::lint {

struct SyntaxError {
  std::size_t offset;  // absolute byte offset in the parsed text
  std::string message;
};

struct ParsedStatement {
  std::size_t region_begin = 0;  // after the previous ';' (includes leading comments)
  std::size_t begin = 0;         // first token
  std::size_t end = 0;           // end of the last token (the ';' excluded)
  std::size_t base = 0;          // add to a node's "location" to get an absolute offset
  std::shared_ptr<TreeArena> arena;  // owns the tree's memory (declared first: outlives it)
  std::shared_ptr<const Json> tree;  // {"<NodeKind>": {...}}; null on error
  std::optional<SyntaxError> error;
};

struct ParseOutput {
  std::vector<ParsedStatement> statements;
  std::size_t trailing_begin = 0;  // text after the last statement (comments only)
};

ParseOutput parse_sql(std::string_view text);

// The PostgreSQL release whose grammar libpg_query carries (e.g. 15 and "15.1"): the only one
// slipway parses with, whatever --pg-version the rules assume.
int grammar_major_version();
std::string_view grammar_version();

// Offset of the first token at or after `from` (skips whitespace and comments).
std::size_t skip_blank(std::string_view text, std::size_t from, std::size_t to);

}  // namespace slipway::lint
