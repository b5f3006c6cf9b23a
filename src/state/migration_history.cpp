#include "state/migration_history.hpp"

#include <fmt/format.h>

#include "pg/quote.hpp"
#include "util/error.hpp"

namespace slipway::state {

namespace {

const char* kColumns =
    "schema, name, parent, migration::text AS migration, status, version_schema, format, "
    "coalesce(jsonb_array_length(plans->'start'), 0) AS start_steps, "
    "to_char(started_at, 'YYYY-MM-DD HH24:MI:SS TZ') AS started_at, "
    "to_char(completed_at, 'YYYY-MM-DD HH24:MI:SS TZ') AS completed_at, progress::text AS progress";

MigrationRecord to_record(const pqxx::row& r) {
  MigrationRecord m;
  m.schema = r["schema"].c_str();
  m.name = r["name"].c_str();
  if (!r["parent"].is_null()) m.parent = r["parent"].c_str();
  m.migration = nlohmann::json::parse(r["migration"].c_str());
  m.status = r["status"].c_str();
  m.version_schema = r["version_schema"].c_str();
  m.format = r["format"].c_str();
  m.start_steps = r["start_steps"].as<size_t>();
  m.started_at = r["started_at"].c_str();
  if (!r["completed_at"].is_null()) m.completed_at = r["completed_at"].c_str();
  m.progress = nlohmann::json::parse(r["progress"].c_str());
  return m;
}

}  // namespace

MigrationHistory::MigrationHistory(pg::Connection& conn, std::string state_schema, std::string app_schema)
    : conn_(conn), table_(pg::qualified(state_schema, "migrations")), app_schema_(std::move(app_schema)) {}

std::vector<MigrationRecord> MigrationHistory::select(const std::string& where_and_order) {
  auto rows = conn_.exec_params(
      fmt::format("SELECT {} FROM {} WHERE schema = $1 AND {}", kColumns, table_, where_and_order), app_schema_);
  std::vector<MigrationRecord> out;
  for (const auto& r : rows) out.push_back(to_record(r));
  return out;
}

std::vector<MigrationRecord> MigrationHistory::records() {
  return select("status <> 'rolled_back' ORDER BY started_at, name");
}

std::optional<MigrationRecord> MigrationHistory::active() {
  auto rows = select("status = 'active'");
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::optional<MigrationRecord> MigrationHistory::latest() {
  auto rows = select("status <> 'rolled_back' ORDER BY started_at DESC, name DESC LIMIT 1");
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::optional<MigrationRecord> MigrationHistory::last_ended() {
  auto rows = select("status IN ('complete', 'rolled_back') ORDER BY completed_at DESC, name DESC LIMIT 1");
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

bool MigrationHistory::any() {
  return conn_
      .query_value<bool>(
          fmt::format("SELECT EXISTS (SELECT 1 FROM {} WHERE schema = $1 AND status <> 'rolled_back')", table_),
          app_schema_)
      .value_or(false);
}

nlohmann::json MigrationHistory::plans(const std::string& name) {
  auto v = conn_.query_value<std::string>(
      fmt::format("SELECT plans::text FROM {} WHERE schema = $1 AND name = $2", table_), app_schema_, name);
  return v ? nlohmann::json::parse(*v) : nlohmann::json::object();
}

std::vector<StepSummary> MigrationHistory::steps(const std::string& name, const std::string& phase) {
  auto rows = conn_.exec_params(
      fmt::format("SELECT s->>'id', s->>'description' FROM {} m, "
                  "jsonb_array_elements(CASE WHEN jsonb_typeof(m.plans->$3) = 'array' THEN m.plans->$3 END) "
                  "WITH ORDINALITY AS e(s, n) WHERE m.schema = $1 AND m.name = $2 ORDER BY e.n",
                  table_),
      app_schema_, name, phase);
  std::vector<StepSummary> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back({r[0].c_str(), r[1].c_str()});
  return out;
}

nlohmann::json MigrationHistory::progress(const std::string& name) {
  auto v = conn_.query_value<std::string>(
      fmt::format("SELECT progress::text FROM {} WHERE schema = $1 AND name = $2", table_), app_schema_, name);
  return v ? nlohmann::json::parse(*v) : nlohmann::json::object();
}

void MigrationHistory::insert_active(const std::string& name, const std::optional<std::string>& parent,
                                     const std::string& document, const std::string& version_schema,
                                     const std::string& format, const std::string& plans) {
  auto r = conn_.exec_params(
      fmt::format("INSERT INTO {} AS m (schema, name, parent, migration, status, version_schema, format, plans) "
                  "VALUES ($1, $2, NULLIF($3, ''), $4::jsonb, 'active', $5, $6, $7::jsonb) "
                  "ON CONFLICT (schema, name) DO UPDATE SET parent = EXCLUDED.parent, migration = EXCLUDED.migration, "
                  "status = 'active', version_schema = EXCLUDED.version_schema, format = EXCLUDED.format, "
                  "plans = EXCLUDED.plans, started_at = now(), completed_at = NULL, progress = '{{}}' "
                  "WHERE m.status = 'rolled_back' RETURNING 1",
                  table_),
      app_schema_, name, parent.value_or(""), document, version_schema, format, plans);
  if (r.empty()) throw Error(fmt::format("migration {} is already recorded in the history", name));
}

void MigrationHistory::insert_baseline(const std::string& name, const std::optional<std::string>& parent,
                                       const nlohmann::json& document) {
  conn_.exec_params(
      fmt::format("INSERT INTO {} (schema, name, parent, migration, status, version_schema, completed_at) "
                  "VALUES ($1, $2, NULLIF($3, ''), $4::jsonb, 'baseline', $1, now())",
                  table_),
      app_schema_, name, parent.value_or(""), document.dump());
}

namespace {
std::string set_progress_sql(const std::string& table) {
  return fmt::format("UPDATE {} SET progress = $3::jsonb WHERE schema = $1 AND name = $2", table);
}
}  // namespace

void MigrationHistory::set_progress(pqxx::work& tx, const std::string& name, const nlohmann::json& progress) {
  tx.exec_params(set_progress_sql(table_), app_schema_, name, progress.dump());
}

void MigrationHistory::set_progress(const std::string& name, const nlohmann::json& progress) {
  conn_.exec_params(set_progress_sql(table_), app_schema_, name, progress.dump());
}

void MigrationHistory::finish(const std::string& name, const std::string& status) {
  conn_.exec_params(
      fmt::format("UPDATE {} SET status = $3, completed_at = now() WHERE schema = $1 AND name = $2", table_),
      app_schema_, name, status);
}

}  // namespace slipway::state
