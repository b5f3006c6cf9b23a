#include "pg/sql/keyset.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "pg/quote.hpp"

namespace slipway::pg::sql {

namespace {

const std::string& name_of(const KeyColumn& c) { return c.name; }
const std::string& name_of(const std::string& name) { return name; }

// The columns, each qualified by `alias` (when set) and followed by `suffix`.
template <class Column>
std::string join(const std::vector<Column>& columns, std::string_view alias, std::string_view suffix) {
  std::string prefix = alias.empty() ? "" : quote_ident(alias) + ".";
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += ", ";
    out += prefix + quote_ident(name_of(c));
    out += suffix;
  }
  return out;
}

// A single column is compared as a scalar; several as a row value, which btree indexes support
// as one range condition over the whole key.
std::string as_row(const std::string& list, size_t columns) { return columns == 1 ? list : "(" + list + ")"; }

}  // namespace

std::vector<KeyColumn> key_columns(const std::vector<std::string>& names, const std::vector<std::string>& types) {
  if (types.size() != names.size()) {
    throw std::invalid_argument(fmt::format("{} key columns but {} types", names.size(), types.size()));
  }
  std::vector<KeyColumn> out;
  for (size_t i = 0; i < names.size(); ++i) out.push_back({names[i], types[i]});
  return out;
}

std::vector<KeyColumn> key_columns(const std::vector<std::string>& names) {
  return key_columns(names, std::vector<std::string>(names.size()));
}

KeySql::KeySql(std::vector<KeyColumn> columns, std::string alias)
    : columns_(std::move(columns)), alias_(std::move(alias)) {}

std::string KeySql::list(bool desc) const {
  std::string prefix = alias_.empty() ? "" : quote_ident(alias_) + ".";
  std::string out;
  for (const auto& c : columns_) {
    if (!out.empty()) out += ", ";
    out += prefix + quote_ident(c.name);
    if (!c.collation.empty()) out += " COLLATE " + quote_ident(c.collation);
    if (desc) out += " DESC";
  }
  return out;
}

std::string KeySql::text_list() const { return join(columns_, alias_, "::text"); }

std::string KeySql::row() const { return as_row(list(), columns_.size()); }

std::string KeySql::params_row(int first) const {
  std::string out;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!out.empty()) out += ", ";
    out += fmt::format("${}::{}", first + int(i), columns_[i].type);
  }
  return as_row(out, columns_.size());
}

std::string KeySql::range_predicate(const KeyRange& range, int first, std::vector<std::string>& params) const {
  std::string out;
  if (range.after) {
    out = fmt::format("{} > {}", row(), params_row(first));
    params.insert(params.end(), range.after->begin(), range.after->end());
    first += int(columns_.size());
  }
  if (range.upto) {
    if (!out.empty()) out += " AND ";
    out += fmt::format("{} <= {}", row(), params_row(first));
    params.insert(params.end(), range.upto->begin(), range.upto->end());
  }
  return out.empty() ? "true" : out;
}

std::string KeySql::equals(std::string_view other_alias) const {
  return fmt::format("{} = {}", row(), as_row(join(columns_, other_alias, ""), columns_.size()));
}

std::string KeySql::definitions() const {
  std::string out;
  for (const auto& c : columns_) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", quote_ident(c.name), c.type);
  return out;
}

std::string column_list(const std::vector<std::string>& columns, std::string_view alias) {
  return join(columns, alias, "");
}

std::string row_hash(const std::string& row_expr, bool typed) {
  // 64-bit hashes, summed (sum(bigint) is numeric: no overflow) so the order does not matter.
  if (typed) return fmt::format("hash_record_extended({}, 0)", row_expr);
  return fmt::format("hashtextextended(({})::text, 0)", row_expr);
}

}  // namespace slipway::pg::sql
