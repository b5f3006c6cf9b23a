#include "pg/row_key.hpp"

namespace slipway::pg {

sql::KeyValue key_of(const pqxx::row& r, size_t n, size_t first) {
  sql::KeyValue k;
  k.reserve(n);
  for (size_t i = first; i < first + n; ++i) k.emplace_back(r[int(i)].c_str());
  return k;
}

}  // namespace slipway::pg
