#include "rewrite/sql_text.hpp"

#include <fmt/format.h>

#include "pg/quote.hpp"

namespace slipway::rewrite {

std::string column_list(const std::vector<std::string>& columns, std::string_view alias) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ", ";
    if (!alias.empty()) out += std::string(alias) + ".";
    out += pg::quote_ident(columns[i]);
  }
  return out;
}

std::string key_compare(const std::vector<std::string>& key, std::string_view alias, std::string_view op,
                        const std::vector<std::string>& types, int first_param) {
  std::string params;
  for (size_t i = 0; i < key.size(); ++i) {
    if (i) params += ", ";
    params += fmt::format("${}::{}", first_param + int(i), types.at(i));
  }
  return fmt::format("({}) {} ({})", column_list(key, alias), op, params);
}

std::string key_equal(const std::vector<std::string>& key, std::string_view a, std::string_view b) {
  return fmt::format("({}) = ({})", column_list(key, a), column_list(key, b));
}

std::string row_hash(const std::string& row_expr, bool typed) {
  // 64-bit hashes, summed (sum(bigint) is numeric: no overflow) so the order does not matter.
  if (typed) return fmt::format("hash_record_extended({}, 0)", row_expr);
  return fmt::format("hashtextextended(({})::text, 0)", row_expr);
}

}  // namespace slipway::rewrite
