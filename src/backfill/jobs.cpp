// Reading and removing recorded backfill jobs (`slipway backfill --status / --forget`).
#include "backfill/checkpoint.hpp"
#include "backfill/engine.hpp"
#include "pg/connection.hpp"
#include "util/error.hpp"

namespace slipway::backfill {

std::vector<JobStatus> list_jobs(const std::string& conninfo, const std::string& state_schema,
                                 const std::optional<std::string>& job_id) {
  pg::Connection conn(conninfo);
  if (!JobCheckpoint::tables_exist(conn, state_schema)) return {};
  auto out = JobCheckpoint::recorded(conn, state_schema, job_id);
  for (auto& s : out) {
    if (s.status != "running") continue;
    // Recorded as running: is a process actually running it (holding the job's lock)?
    if (JobLock::try_take(conn, state_schema, s.job_id)) {
      JobLock::unlock(conn, state_schema, s.job_id);
      s.status = "interrupted";
    }
  }
  return out;
}

bool forget_job(const std::string& conninfo, const std::string& state_schema, const std::string& job_id) {
  pg::Connection conn(conninfo);
  if (!JobCheckpoint::tables_exist(conn, state_schema)) return false;
  if (!JobLock::try_take(conn, state_schema, job_id)) {
    throw AnotherSlipwayRunning("backfill job \"" + job_id + "\" is running; stop it before forgetting it");
  }
  bool existed = JobCheckpoint(state_schema, job_id).remove(conn);
  JobLock::unlock(conn, state_schema, job_id);
  return existed;
}

}  // namespace slipway::backfill
