// The logical shape of an application schema at one version: which tables and columns the
// application sees, and which physical table/column each maps to. The version schema's views
// are generated from it. Built from the catalog (the inspector) before a migration starts; each
// operation then applies its change (like pgroll's schema.Apply).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "lint/sql_objects.hpp"

namespace slipway::migration {

// slipway's own objects (temporary columns, triggers, constraints) start with "_slipway": never
// part of an application's version, and reserved in migrations.
inline bool is_slipway_name(const std::string& name) { return name.rfind("_slipway", 0) == 0; }

struct VirtualColumn {
  std::string name;      // as the application sees it
  std::string physical;  // column of the physical table (may be a _slipway_ temporary)
  std::string type;
  bool not_null = false;
  std::optional<std::string> default_expr;  // carried onto the view column
  bool hidden = false;                      // dropped in this version: not in the view
};

struct VirtualTable {
  std::string name;      // as the application sees it
  std::string physical;  // physical table name
  std::vector<VirtualColumn> columns;  // in view column order
  bool hidden = false;                 // dropped in this version
  // The physical table as it was before the migration (absent for tables it creates).
  std::optional<catalog::Table> catalog;

  VirtualColumn* column(const std::string& name);
  const VirtualColumn* column(const std::string& name) const;
  // The visible column whose physical column is `physical`.
  const VirtualColumn* by_physical(const std::string& physical) const;
};

class VirtualSchema {
 public:
  static VirtualSchema from_catalog(const std::string& schema, const std::map<std::string, catalog::Table>& tables);

  const std::string& schema() const { return schema_; }
  VirtualTable* table(const std::string& name);  // visible tables only
  const VirtualTable* table(const std::string& name) const;
  // The table (hidden ones included) whose physical table is `physical`.
  const VirtualTable* by_physical(const std::string& physical) const;
  VirtualTable& add_table(VirtualTable t);
  std::vector<const VirtualTable*> visible_tables() const;
  // Every table, hidden (dropped in this version) ones included.
  const std::vector<VirtualTable>& all_tables() const { return tables_; }

  // Types and functions earlier `sql` operations of the migration create: known to later
  // operations' validation though the catalog does not hold them yet.
  lint::ObjectNames created;

 private:
  std::string schema_;
  std::vector<VirtualTable> tables_;
};

// Physical name of the temporary column that holds `column`'s new representation during a
// migration: _slipway_new_<column> (truncated with a hash suffix beyond 63 bytes).
std::string temp_column_name(const std::string& column);

}  // namespace slipway::migration
