#include "migration/engine/column_limit.hpp"

namespace slipway::migration {

std::optional<int> ColumnLimit::exceeded_after(const VirtualTable& t) {
  auto [it, fresh] = tables_.try_emplace(t.physical);
  Count& c = it->second;
  if (fresh && t.catalog) {
    c.numbered = t.catalog->numbered_columns;
    for (const auto& col : t.catalog->columns)
      if (!is_slipway_name(col.name)) ++c.read;
  }
  int total = c.numbered + static_cast<int>(t.columns.size() - c.read);
  if (total > max_columns) return total;
  return std::nullopt;
}

}  // namespace slipway::migration
