#include "migration/engine/history.hpp"

#include <fmt/format.h>

#include "pg/quote.hpp"

namespace slipway::migration {

History::History(pg::Connection& conn, std::string state_schema, std::string app_schema)
    : conn_(conn), state_schema_(std::move(state_schema)), app_schema_(std::move(app_schema)) {}

std::string History::table() const { return pg::qualified(state_schema_, "migrations"); }

void History::insert_active(const std::string& name, const std::optional<std::string>& parent,
                            const nlohmann::json& document, const std::string& version_schema,
                            const std::string& format, const nlohmann::json& plans) {
  auto r = conn_.exec_params(
      fmt::format("INSERT INTO {} AS m (schema, name, parent, migration, status, version_schema, format, plans) "
                  "VALUES ($1, $2, NULLIF($3, ''), $4::jsonb, 'active', $5, $6, $7::jsonb) "
                  "ON CONFLICT (schema, name) DO UPDATE SET parent = EXCLUDED.parent, migration = EXCLUDED.migration, "
                  "status = 'active', version_schema = EXCLUDED.version_schema, format = EXCLUDED.format, "
                  "plans = EXCLUDED.plans, started_at = now(), completed_at = NULL, progress = '{{}}' "
                  "WHERE m.status = 'rolled_back' RETURNING 1",
                  table()),
      app_schema_, name, parent.value_or(""), document.dump(), version_schema, format, plans.dump());
  if (r.empty()) throw Error(fmt::format("migration {} is already recorded in the history", name));
}

void History::insert_baseline(const std::string& name, const nlohmann::json& document) {
  conn_.exec_params(fmt::format("INSERT INTO {} (schema, name, migration, status, version_schema, completed_at) "
                                "VALUES ($1, $2, $3::jsonb, 'baseline', $1, now())",
                                table()),
                    app_schema_, name, document.dump());
}

nlohmann::json History::plans(const std::string& name) {
  auto v = conn_.query_value<std::string>(fmt::format("SELECT plans::text FROM {} WHERE schema = $1 AND name = $2", table()),
                                          app_schema_, name);
  return v ? nlohmann::json::parse(*v) : nlohmann::json::object();
}

nlohmann::json History::progress(const std::string& name) {
  auto v = conn_.query_value<std::string>(
      fmt::format("SELECT progress::text FROM {} WHERE schema = $1 AND name = $2", table()), app_schema_, name);
  return v ? nlohmann::json::parse(*v) : nlohmann::json::object();
}

std::string History::format(const std::string& name) {
  return conn_
      .query_value<std::string>(fmt::format("SELECT format FROM {} WHERE schema = $1 AND name = $2", table()),
                                app_schema_, name)
      .value_or("yaml");
}

void History::set_progress(pqxx::work& tx, const std::string& name, const nlohmann::json& progress) {
  tx.exec_params(fmt::format("UPDATE {} SET progress = $3::jsonb WHERE schema = $1 AND name = $2", table()),
                 app_schema_, name, progress.dump());
}

void History::set_progress(const std::string& name, const nlohmann::json& progress) {
  conn_.exec_params(fmt::format("UPDATE {} SET progress = $3::jsonb WHERE schema = $1 AND name = $2", table()),
                    app_schema_, name, progress.dump());
}

void History::finish(const std::string& name, const std::string& status) {
  conn_.exec_params(
      fmt::format("UPDATE {} SET status = $3, completed_at = now() WHERE schema = $1 AND name = $2", table()),
      app_schema_, name, status);
}

bool History::any_record() {
  return conn_
      .query_value<bool>(fmt::format("SELECT EXISTS (SELECT 1 FROM {} WHERE schema = $1 AND status <> 'rolled_back')",
                                     table()),
                         app_schema_)
      .value_or(false);
}

}  // namespace slipway::migration
