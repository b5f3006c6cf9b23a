// Reading and removing recorded backfill jobs (`slipway backfill --status / --forget`).
#include <fmt/format.h>

#include "backfill/engine.hpp"
#include "catalog/inspector.hpp"
#include "pg/connection.hpp"
#include "pg/quote.hpp"

namespace slipway::backfill {

std::vector<JobStatus> list_jobs(const std::string& conninfo, const std::string& state_schema,
                                 const std::optional<std::string>& job_id) {
  pg::Connection conn(conninfo);
  std::vector<JobStatus> out;
  auto jobs = pg::qualified(state_schema, "backfill_jobs");
  if (!conn.query_value<bool>("SELECT to_regclass($1) IS NOT NULL", jobs).value_or(false)) return out;
  auto ranges = pg::qualified(state_schema, "backfill_ranges");
  auto rows = conn.exec_params(
      fmt::format("SELECT j.job_id, j.schema, j.table_name, j.key_columns::text, j.action, j.status, j.rows_estimate, "
                  "  coalesce(sum(r.rows_done), 0), count(r.range_no), count(r.range_no) FILTER (WHERE r.done), "
                  "  to_char(j.started_at, 'YYYY-MM-DD HH24:MI:SS TZ'), "
                  "  to_char(greatest(j.updated_at, max(r.updated_at)), 'YYYY-MM-DD HH24:MI:SS TZ'), "
                  "  to_char(j.completed_at, 'YYYY-MM-DD HH24:MI:SS TZ'), j.error "
                  "FROM {} j LEFT JOIN {} r USING (job_id) WHERE $1::text IS NULL OR j.job_id = $1 "
                  "GROUP BY j.job_id ORDER BY j.started_at, j.job_id",
                  jobs, ranges),
      job_id);
  for (const auto& r : rows) {
    JobStatus s;
    s.job_id = r[0].c_str();
    s.schema = r[1].c_str();
    s.table = r[2].c_str();
    s.key_columns = catalog::parse_text_array(r[3].c_str());
    s.action = r[4].c_str();
    s.status = r[5].c_str();
    s.rows_estimate = r[6].as<int64_t>();
    s.rows_done = r[7].as<int64_t>();
    s.ranges = r[8].as<int>();
    s.ranges_done = r[9].as<int>();
    s.started_at = r[10].c_str();
    s.updated_at = r[11].is_null() ? s.started_at : r[11].c_str();
    if (!r[12].is_null()) s.completed_at = r[12].c_str();
    if (!r[13].is_null()) s.error = r[13].c_str();
    if (s.status == "running") {
      // Recorded as running: is a process actually running it (holding the job's lock)?
      bool free = conn.query_value<bool>(
                          "SELECT pg_try_advisory_lock(hashtext('slipway.backfill'), hashtext($1 || ':' || $2))",
                          state_schema, s.job_id)
                      .value_or(false);
      if (free) {
        conn.exec_params("SELECT pg_advisory_unlock(hashtext('slipway.backfill'), hashtext($1 || ':' || $2))",
                         state_schema, s.job_id);
        s.status = "interrupted";
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

bool forget_job(const std::string& conninfo, const std::string& state_schema, const std::string& job_id) {
  pg::Connection conn(conninfo);
  auto jobs = pg::qualified(state_schema, "backfill_jobs");
  if (!conn.query_value<bool>("SELECT to_regclass($1) IS NOT NULL", jobs).value_or(false)) return false;
  bool free = conn.query_value<bool>(
                      "SELECT pg_try_advisory_lock(hashtext('slipway.backfill'), hashtext($1 || ':' || $2))",
                      state_schema, job_id)
                  .value_or(false);
  if (!free) {
    throw AnotherSlipwayRunning("backfill job \"" + job_id + "\" is running; stop it before forgetting it");
  }
  auto r = conn.exec_params(fmt::format("DELETE FROM {} WHERE job_id = $1", jobs), job_id);
  conn.exec_params("SELECT pg_advisory_unlock(hashtext('slipway.backfill'), hashtext($1 || ':' || $2))",
                   state_schema, job_id);
  return r.affected_rows() > 0;
}

}  // namespace slipway::backfill
