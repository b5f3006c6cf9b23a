#include "backfill/checkpoint.hpp"

#include <fmt/format.h>

#include "catalog/inspector.hpp"
#include "pg/conninfo.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace slipway::backfill {

namespace {

// The per-job advisory lock's key, from the state schema and the job id.
pg::AdvisoryKey job_lock_key(pg::Connection& c, const std::string& state_schema, const std::string& job_id) {
  auto r = c.exec_params("SELECT hashtext('slipway.backfill'), hashtext($1 || ':' || $2)", state_schema, job_id);
  return {r[0][0].as<int32_t>(), r[0][1].as<int32_t>()};
}

std::optional<KeyValue> opt_key(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return key_from_json(f.c_str());
}

std::optional<std::string> opt_json(const std::optional<KeyValue>& k) {
  return k ? std::optional<std::string>(key_to_json(*k)) : std::nullopt;
}

}  // namespace

// --- JobCheckpoint -------------------------------------------------------------------------------

JobCheckpoint::JobCheckpoint(const std::string& state_schema, std::string job_id)
    : jobs_(pg::qualified(state_schema, "backfill_jobs")),
      ranges_(pg::qualified(state_schema, "backfill_ranges")),
      job_id_(std::move(job_id)),
      save_sql_(fmt::format("UPDATE {} SET last_key = $3::jsonb, rows_done = rows_done + $4, batches = batches + 1, "
                            "done = $5, updated_at = now() WHERE job_id = $1 AND range_no = $2",
                            ranges_)) {}

std::optional<RecordedJob> JobCheckpoint::find(pg::Connection& c) const {
  auto rows = c.exec_params(
      fmt::format("SELECT schema, table_name, key_columns::text, action, status, rows_estimate FROM {} "
                  "WHERE job_id = $1",
                  jobs_),
      job_id_);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return RecordedJob{r[0].c_str(), r[1].c_str(), r[2].c_str(), r[3].c_str(), r[4].c_str(), r[5].as<int64_t>()};
}

void JobCheckpoint::create(pg::Connection& c, const JobSpec& spec, const std::vector<std::string>& key_columns,
                           const std::optional<KeyValue>& end, int64_t rows_estimate,
                           const std::vector<Range>& ranges) const {
  pg::typed_errors([&] {
    pqxx::work tx(c.raw());
    tx.exec_params(fmt::format("INSERT INTO {} (job_id, schema, table_name, key_columns, action, end_key, "
                               "rows_estimate, status, completed_at) "
                               "VALUES ($1, $2, $3, $4::text[], $5, $6::jsonb, $7, $8, "
                               "CASE WHEN $8 = 'complete' THEN now() END)",
                               jobs_),
                   job_id_, spec.schema, spec.table, catalog::text_array_literal(key_columns),
                   spec.action_description, opt_json(end), rows_estimate, end ? "running" : "complete");
    for (const auto& r : ranges) {
      tx.exec_params(fmt::format("INSERT INTO {} (job_id, range_no, lo_key, hi_key) "
                                 "VALUES ($1, $2, $3::jsonb, $4::jsonb)",
                                 ranges_),
                     job_id_, r.no, opt_json(r.lo), key_to_json(r.hi));
    }
    tx.commit();
  });
}

void JobCheckpoint::mark_running(pg::Connection& c) const {
  c.exec_params(fmt::format("UPDATE {} SET status = 'running', error = NULL, updated_at = now() WHERE job_id = $1",
                            jobs_),
                job_id_);
}

void JobCheckpoint::mark_failed(pg::Connection& c, const std::string& error) const {
  c.exec_params(
      fmt::format("UPDATE {} SET status = 'failed', error = $2, updated_at = now() WHERE job_id = $1", jobs_), job_id_,
      error);
}

void JobCheckpoint::mark_complete(pg::Connection& c) const {
  c.exec_params(fmt::format("UPDATE {} SET status = 'complete', completed_at = now(), updated_at = now(), "
                            "rows_estimate = (SELECT coalesce(sum(rows_done), 0) FROM {} WHERE job_id = $1) "
                            "WHERE job_id = $1",
                            jobs_, ranges_),
                job_id_);
}

bool JobCheckpoint::remove(pg::Connection& c) const {
  return c.exec_params(fmt::format("DELETE FROM {} WHERE job_id = $1", jobs_), job_id_).affected_rows() > 0;
}

int64_t JobCheckpoint::rows_done(pg::Connection& c) const {
  return c.query_value<int64_t>(fmt::format("SELECT coalesce(sum(rows_done), 0) FROM {} WHERE job_id = $1", ranges_),
                                job_id_)
      .value_or(0);
}

std::vector<Range> JobCheckpoint::open_ranges(pg::Connection& c) const {
  auto rows = c.exec_params(fmt::format("SELECT range_no, lo_key::text, hi_key::text, last_key::text FROM {} "
                                        "WHERE job_id = $1 AND NOT done ORDER BY range_no",
                                        ranges_),
                            job_id_);
  std::vector<Range> out;
  for (const auto& r : rows) out.push_back({r[0].as<int>(), opt_key(r[1]), key_from_json(r[2].c_str()), opt_key(r[3])});
  return out;
}

bool JobCheckpoint::all_ranges_done(pg::Connection& c) const {
  return c
      .query_value<bool>(
          fmt::format("SELECT NOT EXISTS (SELECT 1 FROM {} WHERE job_id = $1 AND NOT done)", ranges_), job_id_)
      .value_or(false);
}

std::optional<KeyValue> JobCheckpoint::last_key(pg::Connection& c, const Range& r) const {
  auto row = c.exec_params(fmt::format("SELECT last_key::text FROM {} WHERE job_id = $1 AND range_no = $2", ranges_),
                           job_id_, r.no);
  if (row.empty() || row[0][0].is_null()) return r.lo;
  return key_from_json(row[0][0].c_str());
}

std::pair<int64_t, int64_t> JobCheckpoint::counts(pg::Connection& c, const Range& r) const {
  auto row = c.exec_params(
      fmt::format("SELECT rows_done, batches FROM {} WHERE job_id = $1 AND range_no = $2", ranges_), job_id_, r.no);
  if (row.empty()) return {0, 0};
  return {row[0][0].as<int64_t>(), row[0][1].as<int64_t>()};
}

void JobCheckpoint::save(pqxx::work& tx, const Range& r, const KeyValue& upto, int64_t walked, bool range_done) const {
  tx.exec_params(save_sql_, job_id_, r.no, key_to_json(upto), walked, range_done);
}

bool JobCheckpoint::tables_exist(pg::Connection& c, const std::string& state_schema) {
  return catalog::Inspector(c).relation_exists(state_schema, "backfill_jobs");
}

std::vector<JobStatus> JobCheckpoint::recorded(pg::Connection& c, const std::string& state_schema,
                                               const std::optional<std::string>& job_id) {
  auto rows = c.exec_params(
      fmt::format("SELECT j.job_id, j.schema, j.table_name, j.key_columns::text, j.action, j.status, j.rows_estimate, "
                  "  coalesce(sum(r.rows_done), 0), count(r.range_no), count(r.range_no) FILTER (WHERE r.done), "
                  "  to_char(j.started_at, 'YYYY-MM-DD HH24:MI:SS TZ'), "
                  "  to_char(greatest(j.updated_at, max(r.updated_at)), 'YYYY-MM-DD HH24:MI:SS TZ'), "
                  "  to_char(j.completed_at, 'YYYY-MM-DD HH24:MI:SS TZ'), j.error "
                  "FROM {} j LEFT JOIN {} r USING (job_id) WHERE $1::text IS NULL OR j.job_id = $1 "
                  "GROUP BY j.job_id ORDER BY j.started_at, j.job_id",
                  pg::qualified(state_schema, "backfill_jobs"), pg::qualified(state_schema, "backfill_ranges")),
      job_id);
  std::vector<JobStatus> out;
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
    out.push_back(std::move(s));
  }
  return out;
}

// --- JobLock -------------------------------------------------------------------------------------

JobLock::JobLock(std::string conninfo, std::string state_schema, std::string job_id)
    : conninfo_(std::move(conninfo)), state_schema_(std::move(state_schema)), job_id_(std::move(job_id)) {}

void JobLock::hold() {
  std::lock_guard l(mu_);
  if (conn_) {
    try {
      conn_->exec("SELECT 1");
      return;
    } catch (const pg::ConnectionLost&) {
      conn_.reset();
      log::verbose("backfill job \"{}\": the session holding its lock was lost; taking the lock again", job_id_);
    }
  }
  auto c = std::make_unique<pg::Connection>(pg::with_application_name(conninfo_, "slipway-backfill-lock"));
  // Waits briefly for a holder that is going away (a slipway killed a moment ago).
  if (auto holder = pg::try_advisory_lock(*c, job_lock_key(*c, state_schema_, job_id_))) {
    throw AnotherSlipwayRunning(
        fmt::format("backfill job \"{}\" is being run by another process ({})", job_id_, holder->describe()),
        "wait for it, or stop it; `slipway backfill --status` shows its progress");
  }
  conn_ = std::move(c);
}

void JobLock::release() {
  std::lock_guard l(mu_);
  if (!conn_) return;
  try {
    unlock(*conn_, state_schema_, job_id_);
  } catch (const std::exception& e) {
    log::verbose("backfill job \"{}\": unlocking it failed ({}); its session's end releases it", job_id_, e.what());
  }
  conn_.reset();
}

std::optional<pg::AdvisoryHolder> JobLock::try_take(pg::Connection& c, const std::string& state_schema,
                                                    const std::string& job_id, std::chrono::milliseconds wait) {
  return pg::try_advisory_lock(c, job_lock_key(c, state_schema, job_id), wait);
}

void JobLock::unlock(pg::Connection& c, const std::string& state_schema, const std::string& job_id) {
  pg::advisory_unlock(c, job_lock_key(c, state_schema, job_id));
}

}  // namespace slipway::backfill
