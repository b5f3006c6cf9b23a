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
    // A look, not a wait: a job whose process was killed a moment ago may still show running.
    if (!JobLock::try_take(conn, state_schema, s.job_id, std::chrono::milliseconds(0))) {
      JobLock::unlock(conn, state_schema, s.job_id);
      s.status = "interrupted";
    }
  }
  return out;
}

bool forget_job(const std::string& conninfo, const std::string& state_schema, const std::string& job_id) {
  pg::Connection conn(conninfo);
  if (!JobCheckpoint::tables_exist(conn, state_schema)) return false;
  if (auto holder = JobLock::try_take(conn, state_schema, job_id, pg::kHolderGoneWait)) {
    throw AnotherSlipwayRunning("backfill job \"" + job_id + "\" is running (" + holder->describe() +
                                "); stop it before forgetting it");
  }
  bool existed = JobCheckpoint(state_schema, job_id).remove(conn);
  JobLock::unlock(conn, state_schema, job_id);
  return existed;
}

}  // namespace slipway::backfill
