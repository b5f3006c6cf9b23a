#include "apply/progress.hpp"

#include "pg/quote.hpp"

namespace slipway::apply {

ApplyProgress::ApplyProgress(pg::Connection& conn, std::string state_schema)
    : conn_(conn), state_schema_(std::move(state_schema)) {}

std::string ApplyProgress::table() const { return pg::qualified(state_schema_, "apply_progress"); }

namespace {

constexpr const char* columns =
    "history_table, version, direction, script_hash, file, units_total, units_done, unit_started, status, "
    "coalesce(error, ''), error_line, updated_at::text, done_hash";

ProgressRow read_row(const pqxx::row& r) {
  ProgressRow p;
  p.key = {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()};
  p.script_hash = r[3].as<std::string>();
  p.file = r[4].as<std::string>();
  p.units_total = r[5].as<int>();
  p.units_done = r[6].as<int>();
  if (!r[7].is_null()) p.unit_started = r[7].as<int>();
  p.status = r[8].as<std::string>();
  p.error = r[9].as<std::string>();
  if (!r[10].is_null()) p.error_line = r[10].as<int>();
  p.updated_at = r[11].as<std::string>();
  p.done_hash = r[12].as<std::string>();
  return p;
}

}  // namespace

bool ApplyProgress::exists() {
  return conn_.query_value<bool>("SELECT to_regclass($1) IS NOT NULL", table()).value_or(false);
}

std::optional<ProgressRow> ApplyProgress::find(const ProgressKey& key) {
  if (!exists()) return std::nullopt;
  auto r = conn_.exec_params(std::string("SELECT ") + columns + " FROM " + table() +
                                 " WHERE history_table = $1 AND version = $2 AND direction = $3",
                             key.history_table, key.version, key.direction);
  if (r.empty()) return std::nullopt;
  return read_row(r[0]);
}

std::vector<ProgressRow> ApplyProgress::all() {
  auto r = conn_.exec(std::string("SELECT ") + columns + " FROM " + table() + " ORDER BY started_at, version");
  std::vector<ProgressRow> out;
  for (const auto& row : r) out.push_back(read_row(row));
  return out;
}

void ApplyProgress::begin(const ProgressKey& key, const std::string& hash, const std::string& file, int units_total) {
  conn_.exec_params("INSERT INTO " + table() +
                        " (history_table, version, direction, script_hash, file, units_total, status) "
                        "VALUES ($1, $2, $3, $4, $5, $6, 'running') "
                        "ON CONFLICT (history_table, version, direction) DO UPDATE SET status = 'running', "
                        "script_hash = EXCLUDED.script_hash, units_total = EXCLUDED.units_total, error = NULL, error_line = NULL, updated_at = now()",
                    key.history_table, key.version, key.direction, hash, file, units_total);
}

void ApplyProgress::unit_done(pqxx::work& tx, const ProgressKey& key, int units_done, const std::string& done_hash) {
  tx.exec_params("UPDATE " + table() +
                     " SET units_done = $4, done_hash = $5, unit_started = NULL, updated_at = now() "
                     "WHERE history_table = $1 AND version = $2 AND direction = $3",
                 key.history_table, key.version, key.direction, units_done, done_hash);
}

void ApplyProgress::unit_started(const ProgressKey& key, int unit) {
  conn_.exec_params("UPDATE " + table() +
                        " SET unit_started = $4, updated_at = now() "
                        "WHERE history_table = $1 AND version = $2 AND direction = $3",
                    key.history_table, key.version, key.direction, unit);
}

void ApplyProgress::unit_done_now(const ProgressKey& key, int units_done, const std::string& done_hash) {
  conn_.exec_params("UPDATE " + table() +
                        " SET units_done = $4, done_hash = $5, unit_started = NULL, updated_at = now() "
                        "WHERE history_table = $1 AND version = $2 AND direction = $3",
                    key.history_table, key.version, key.direction, units_done, done_hash);
}

void ApplyProgress::failed(const ProgressKey& key, const std::string& error, std::optional<int> line) {
  conn_.exec_params("UPDATE " + table() +
                        " SET status = 'failed', error = $4, error_line = NULLIF($5, -1), updated_at = now() "
                        "WHERE history_table = $1 AND version = $2 AND direction = $3",
                    key.history_table, key.version, key.direction, error, line.value_or(-1));
}

void ApplyProgress::finish(pqxx::work& tx, const ProgressKey& key) {
  tx.exec_params("DELETE FROM " + table() + " WHERE history_table = $1 AND version = $2 AND direction = $3",
                 key.history_table, key.version, key.direction);
}

}  // namespace slipway::apply
