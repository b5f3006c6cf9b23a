// The version schema: one view per visible table of a version, named and shaped as that version's
// application sees it. Views are simple (auto-updatable) and security_invoker, so writes through
// them reach the table with the caller's privileges and fire the up/down triggers.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "migration/engine/virtual_schema.hpp"
#include "pg/connection.hpp"

namespace slipway::migration {

// The planned new version adjusted to what the catalog holds now: tables and columns created by
// raw SQL appear, tables dropped by it disappear. Hidden tables and columns stay hidden, and
// physical columns the old version already had (e.g. the old representation of an altered
// column) are not shown unless the planned version maps them.
VirtualSchema reconcile_with_catalog(const VirtualSchema& planned, const VirtualSchema& old_version,
                                     const std::map<std::string, catalog::Table>& live);

// CREATE VIEW (and ALTER VIEW ... SET DEFAULT for carried defaults) for one table.
// `security_invoker` (PostgreSQL 15+): the view checks the caller's privileges, not its owner's.
std::vector<std::string> view_statements(const std::string& schema, const std::string& version_schema,
                                         const VirtualTable& table, bool security_invoker = true);

// The whole version schema, from scratch (drops a leftover of the same name first).
std::vector<std::string> version_schema_statements(const std::string& schema, const std::string& version_schema,
                                                   const VirtualSchema& version, bool security_invoker = true);

// The version schema's views brought to `now` (the tables as complete left them): a view whose
// columns differ from `existing` (the schema's views and their columns, as
// catalog::Inspector::view_columns reads them) is replaced, one whose table is gone is dropped,
// the others stay (CREATE SCHEMA IF NOT EXISTS first).
std::vector<std::string> refresh_view_statements(const std::string& schema, const std::string& version_schema,
                                                 const VirtualSchema& now,
                                                 const std::map<std::string, std::vector<std::string>>& existing,
                                                 bool security_invoker = true);

// Whether the server has security_invoker views (PostgreSQL 15 on).
bool has_security_invoker_views(const pg::Connection& conn);

}  // namespace slipway::migration
