// Small SQL text builders for key lists and keyset predicates. Identifiers are always quoted;
// values are always bound parameters ($n), cast to the key column's type.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace slipway::rewrite {

// `s."a", s."b"` (alias may be empty)
std::string column_list(const std::vector<std::string>& columns, std::string_view alias = {});
// `(s."a", s."b") > ($1::integer, $2::text)`; `first_param` numbers the first placeholder.
std::string key_compare(const std::vector<std::string>& key, std::string_view alias, std::string_view op,
                        const std::vector<std::string>& types, int first_param);
// `(a."k1", a."k2") = (b."k1", b."k2")`
std::string key_equal(const std::vector<std::string>& key, std::string_view a, std::string_view b);
// A row's 64-bit fingerprint: a hash of the row's text form.
// `typed`: hash_record_extended, the columns' own hash functions (no conversion to text, several
// times faster); only when every column type has an extended hash function.
std::string row_hash(const std::string& row_expr, bool typed);

}  // namespace slipway::rewrite
