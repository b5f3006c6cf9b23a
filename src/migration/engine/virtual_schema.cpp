#include "migration/engine/virtual_schema.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "pg/quote.hpp"

namespace slipway::migration {

VirtualColumn* VirtualTable::column(const std::string& n) {
  for (auto& c : columns)
    if (!c.hidden && c.name == n) return &c;
  return nullptr;
}
const VirtualColumn* VirtualTable::column(const std::string& n) const {
  for (const auto& c : columns)
    if (!c.hidden && c.name == n) return &c;
  return nullptr;
}
const VirtualColumn* VirtualTable::by_physical(const std::string& p) const {
  for (const auto& c : columns)
    if (!c.hidden && c.physical == p) return &c;
  return nullptr;
}

VirtualSchema VirtualSchema::from_catalog(const std::string& schema, const std::map<std::string, catalog::Table>& tables) {
  VirtualSchema s;
  s.schema_ = schema;
  for (const auto& [name, t] : tables) {
    VirtualTable vt;
    vt.name = name;
    vt.physical = name;
    vt.catalog = t;
    for (const auto& c : t.columns) {
      // slipway's own temporaries never belong to an application's version.
      if (is_slipway_name(c.name)) continue;
      VirtualColumn vc;
      vc.name = c.name;
      vc.physical = c.name;
      vc.type = c.type;
      vc.not_null = c.not_null;
      vc.default_expr = c.default_expr;
      vt.columns.push_back(std::move(vc));
    }
    s.tables_.push_back(std::move(vt));
  }
  return s;
}

VirtualTable* VirtualSchema::table(const std::string& name) {
  for (auto& t : tables_)
    if (!t.hidden && t.name == name) return &t;
  return nullptr;
}
const VirtualTable* VirtualSchema::table(const std::string& name) const {
  for (const auto& t : tables_)
    if (!t.hidden && t.name == name) return &t;
  return nullptr;
}
const VirtualTable* VirtualSchema::by_physical(const std::string& physical) const {
  for (const auto& t : tables_)
    if (t.physical == physical) return &t;
  return nullptr;
}

VirtualTable& VirtualSchema::add_table(VirtualTable t) {
  tables_.push_back(std::move(t));
  return tables_.back();
}

std::vector<const VirtualTable*> VirtualSchema::visible_tables() const {
  std::vector<const VirtualTable*> out;
  for (const auto& t : tables_)
    if (!t.hidden) out.push_back(&t);
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->name < b->name; });
  return out;
}

std::string temp_column_name(const std::string& column) {
  return pg::fit_identifier("_slipway_new_" + column);
}

}  // namespace slipway::migration
