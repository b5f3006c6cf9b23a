#include "state/store.hpp"

#include <fmt/format.h>

#include <pqxx/transaction>

#include "pg/quote.hpp"
#include "util/error.hpp"

namespace slipway::state {

StateStore::StateStore(pg::Connection& conn, std::string state_schema)
    : conn_(conn), schema_(std::move(state_schema)) {}

std::string StateStore::table(std::string_view name) const { return pg::qualified(schema_, name); }

void StateStore::init() {
  pg::typed_errors([&] {
    pqxx::work tx(conn_.raw());
    for (const auto& ddl : state_schema_ddl(schema_)) tx.exec(ddl);
    tx.commit();
  });
}

bool StateStore::initialized() {
  return conn_.query_value<bool>("SELECT to_regclass($1) IS NOT NULL", table("migrations")).value_or(false);
}

void StateStore::require_initialized() {
  if (!initialized()) {
    throw InputError(fmt::format("slipway's state schema \"{}\" does not exist in this database", schema_),
                     "run `slipway init` first (or pass --state-schema if you used another name)");
  }
}

namespace {
MigrationRecord to_record(const pqxx::row& r) {
  MigrationRecord m;
  m.schema = r["schema"].c_str();
  m.name = r["name"].c_str();
  if (!r["parent"].is_null()) m.parent = r["parent"].c_str();
  m.migration = nlohmann::json::parse(r["migration"].c_str());
  m.status = r["status"].c_str();
  m.version_schema = r["version_schema"].c_str();
  m.started_at = r["started_at"].c_str();
  if (!r["completed_at"].is_null()) m.completed_at = r["completed_at"].c_str();
  m.progress = nlohmann::json::parse(r["progress"].c_str());
  return m;
}
const char* kColumns =
    "schema, name, parent, migration::text AS migration, status, version_schema, "
    "to_char(started_at, 'YYYY-MM-DD HH24:MI:SS TZ') AS started_at, "
    "to_char(completed_at, 'YYYY-MM-DD HH24:MI:SS TZ') AS completed_at, progress::text AS progress";
}  // namespace

std::vector<MigrationRecord> StateStore::history(const std::string& app_schema) {
  auto rows = conn_.exec_params(
      fmt::format("SELECT {} FROM {} WHERE schema = $1 AND status <> 'rolled_back' "
                  "ORDER BY started_at, name",
                  kColumns, table("migrations")),
      app_schema);
  std::vector<MigrationRecord> out;
  for (const auto& r : rows) out.push_back(to_record(r));
  return out;
}

std::optional<MigrationRecord> StateStore::active_migration(const std::string& app_schema) {
  auto rows = conn_.exec_params(
      fmt::format("SELECT {} FROM {} WHERE schema = $1 AND status = 'active'", kColumns, table("migrations")),
      app_schema);
  if (rows.empty()) return std::nullopt;
  return to_record(rows[0]);
}

std::optional<MigrationRecord> StateStore::latest_migration(const std::string& app_schema) {
  auto h = history(app_schema);
  if (h.empty()) return std::nullopt;
  return h.back();
}

}  // namespace slipway::state
