#include "state/store.hpp"

#include <fmt/format.h>

#include <pqxx/transaction>

#include "pg/ddl_executor.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"

namespace slipway::state {

StateStore::StateStore(pg::Connection& conn, std::string state_schema)
    : conn_(conn), schema_(std::move(state_schema)) {}

std::string StateStore::table(std::string_view name) const { return pg::qualified(schema_, name); }

void StateStore::init() {
  // The DDL runs only when the schema's version (its comment) differs: `ALTER TABLE ... IF NOT
  // EXISTS` takes ACCESS EXCLUSIVE even when there is nothing to do, so every run would have
  // queued behind anyone reading the state tables (a DBA's open psql transaction), and a role
  // with only DML grants on them could not run slipway at all.
  auto version = conn_.query_value<std::string>("SELECT obj_description(to_regnamespace($1), 'pg_namespace')",
                                                schema_);
  if (version == state_schema_version()) return;
  auto statements = state_schema_ddl(schema_);
  statements.push_back(
      fmt::format("COMMENT ON SCHEMA {} IS {}", pg::quote_ident(schema_), pg::quote_literal(state_schema_version())));
  pg::DdlExecutor(conn_, pg::LockPolicy{}).run_transaction(statements);
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
