#include "migration/engine/views.hpp"

#include <fmt/format.h>

#include <set>

#include "pg/quote.hpp"

namespace slipway::migration {

VirtualSchema reconcile_with_catalog(const VirtualSchema& planned, const VirtualSchema& old_version,
                                     const std::map<std::string, catalog::Table>& live) {
  auto out = VirtualSchema::from_catalog(planned.schema(), {});
  std::set<std::string> known_physical;
  for (const auto& t : planned.all_tables()) known_physical.insert(t.physical);
  for (const auto& t : old_version.all_tables()) known_physical.insert(t.physical);
  for (const auto& t : planned.all_tables()) {
    auto it = live.find(t.physical);
    if (it == live.end()) continue;  // dropped by raw SQL
    VirtualTable copy = t;
    copy.catalog.reset();
    std::set<std::string> mapped;
    for (const auto& c : t.columns) mapped.insert(c.physical);
    for (const auto& ot : old_version.all_tables())
      if (ot.physical == t.physical)
        for (const auto& c : ot.columns) mapped.insert(c.physical);
    // Columns that no longer exist physically cannot be shown.
    std::erase_if(copy.columns, [&](const VirtualColumn& c) { return !it->second.column(c.physical); });
    for (const auto& c : it->second.columns) {
      if (mapped.count(c.name) || is_slipway_name(c.name)) continue;
      copy.columns.push_back(VirtualColumn{c.name, c.name, c.type, c.not_null, c.default_expr, false});
    }
    out.add_table(std::move(copy));
  }
  for (const auto& [name, t] : live) {
    if (known_physical.count(name) || is_slipway_name(name)) continue;
    VirtualTable vt;
    vt.name = vt.physical = name;
    for (const auto& c : t.columns) {
      if (is_slipway_name(c.name)) continue;
      vt.columns.push_back(VirtualColumn{c.name, c.name, c.type, c.not_null, c.default_expr, false});
    }
    out.add_table(std::move(vt));
  }
  return out;
}

std::vector<std::string> view_statements(const std::string& schema, const std::string& version_schema,
                                         const VirtualTable& table, bool security_invoker) {
  std::string select;
  for (const auto& c : table.columns) {
    if (c.hidden) continue;
    if (!select.empty()) select += ", ";
    select += pg::quote_ident(c.physical);
    if (c.physical != c.name) select += " AS " + pg::quote_ident(c.name);
  }
  std::string view = pg::qualified(version_schema, table.name);
  std::vector<std::string> out{fmt::format("CREATE VIEW {}{} AS SELECT {} FROM {}", view,
                                           security_invoker ? " WITH (security_invoker = true)" : "",
                                           select.empty() ? "" : select, pg::qualified(schema, table.physical))};
  for (const auto& c : table.columns) {
    if (c.hidden || !c.default_expr) continue;
    out.push_back(fmt::format("ALTER VIEW {} ALTER COLUMN {} SET DEFAULT {}", view, pg::quote_ident(c.name),
                              *c.default_expr));
  }
  return out;
}

std::vector<std::string> version_schema_statements(const std::string& schema, const std::string& version_schema,
                                                   const VirtualSchema& version, bool security_invoker) {
  std::vector<std::string> out{
      fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", pg::quote_ident(version_schema)),
      fmt::format("CREATE SCHEMA {}", pg::quote_ident(version_schema)),
  };
  for (const auto* t : version.visible_tables()) {
    auto v = view_statements(schema, version_schema, *t, security_invoker);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

std::vector<std::string> refresh_view_statements(const std::string& schema, const std::string& version_schema,
                                                 const VirtualSchema& now,
                                                 const std::map<std::string, std::vector<std::string>>& existing,
                                                 bool security_invoker) {
  std::vector<std::string> out{fmt::format("CREATE SCHEMA IF NOT EXISTS {}", pg::quote_ident(version_schema))};
  std::set<std::string> wanted;
  for (const auto* t : now.visible_tables()) {
    wanted.insert(t->name);
    std::vector<std::string> columns;
    for (const auto& c : t->columns) columns.push_back(c.name);
    if (auto it = existing.find(t->name); it != existing.end() && it->second == columns) continue;
    out.push_back(fmt::format("DROP VIEW IF EXISTS {}", pg::qualified(version_schema, t->name)));
    auto v = view_statements(schema, version_schema, *t, security_invoker);
    out.insert(out.end(), v.begin(), v.end());
  }
  for (const auto& [view, columns] : existing)
    if (!wanted.count(view)) out.push_back(fmt::format("DROP VIEW IF EXISTS {}", pg::qualified(version_schema, view)));
  return out;
}

bool has_security_invoker_views(const pg::Connection& conn) { return conn.server_version() >= 150000; }

}  // namespace slipway::migration
