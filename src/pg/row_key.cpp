#include "pg/row_key.hpp"

namespace slipway::pg {

sql::KeyValue key_of(const pqxx::row& r, size_t n, size_t first) {
  sql::KeyValue k;
  k.reserve(n);
  for (size_t i = first; i < first + n; ++i) k.emplace_back(r[int(i)].c_str());
  return k;
}

std::optional<std::string> text_or_null(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return std::string(f.c_str());
}

}  // namespace slipway::pg
