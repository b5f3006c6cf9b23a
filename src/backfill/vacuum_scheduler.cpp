#include "backfill/vacuum_scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "pg/conninfo.hpp"
#include "util/log.hpp"
#include "util/thread_name.hpp"

namespace slipway::backfill {

VacuumScheduler::VacuumScheduler(std::string conninfo, std::string table, double every_fraction, int64_t min_rows,
                                 int64_t rows_estimate)
    : conninfo_(std::move(conninfo)),
      table_(std::move(table)),
      every_fraction_(every_fraction),
      min_rows_(min_rows),
      rows_estimate_(rows_estimate) {}

VacuumScheduler::~VacuumScheduler() { stop(); }

void VacuumScheduler::disable_unless_permitted(pg::Connection& c) {
  if (every_fraction_ <= 0 || may_vacuum(c)) return;
  // VACUUM by anyone else only warns and skips the table: say so once, rather than let the
  // table grow by the backfill's dead rows while the run reports vacuums.
  every_fraction_ = 0;
  std::string msg = fmt::format(
      "this role cannot VACUUM {} (only its owner, the database's owner or a superuser can): the backfill "
      "goes on without bloat control, so the table may grow by up to its size; VACUUM it afterwards, or run "
      "slipway as its owner",
      table_);
  log::warn("{}", msg);
}

void VacuumScheduler::start() {
  thread_ = std::thread([this] {
    name_this_thread("slipway-vacuum");
    loop();
  });
}

void VacuumScheduler::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard l(mu_);
    quit_ = true;
    cv_.notify_one();
  }
  thread_.join();
}

int64_t VacuumScheduler::threshold() const {
  return std::max(min_rows_, int64_t(every_fraction_ * double(rows_estimate_)));
}

void VacuumScheduler::note_rows(int64_t rows, int64_t rows_done) {
  if (every_fraction_ <= 0) return;
  std::lock_guard l(mu_);
  rows_since_vacuum_ += rows;
  // Near the end no later batch would reuse what a vacuum frees: leave it to autovacuum
  // rather than make the run wait for it. (Past the estimate, which may be stale, nobody
  // knows how much is left: keep vacuuming.)
  int64_t left = rows_estimate_ - rows_done;
  bool near_end = left >= 0 && left < threshold() / 2;
  if (rows_since_vacuum_ >= threshold() && !near_end) {
    rows_since_vacuum_ = 0;
    wanted_ = true;
    cv_.notify_one();
  }
}

// Whether this session's role may VACUUM the table (PostgreSQL 15: its owner, the database's
// owner or a superuser, membership included; 17 adds the MAINTAIN privilege).
bool VacuumScheduler::may_vacuum(pg::Connection& c) const {
  std::string sql = "SELECT pg_has_role(c.relowner, 'USAGE') OR pg_has_role(d.datdba, 'USAGE')";
  if (c.server_version() >= 170000) sql += " OR has_table_privilege(c.oid, 'MAINTAIN')";
  sql += " FROM pg_class c, pg_database d WHERE c.oid = $1::regclass AND d.datname = current_database()";
  return c.query_value<bool>(sql, table_).value_or(true);
}

void VacuumScheduler::loop() {
  std::unique_ptr<pg::Connection> conn;
  for (;;) {
    {
      std::unique_lock l(mu_);
      cv_.wait(l, [&] { return wanted_ || quit_; });
      if (quit_) return;
      wanted_ = false;
    }
    try {
      if (!conn) {
        conn = std::make_unique<pg::Connection>(pg::with_application_name(conninfo_, "slipway-backfill-vacuum"));
        // VACUUM's lock conflicts with DDL only; still, never wait in a lock queue for it.
        conn->exec("SET lock_timeout = '100ms'");
      }
      conn->exec("VACUUM (SKIP_LOCKED, INDEX_CLEANUP OFF) " + table_);
      ++vacuums_;
    } catch (const std::exception& e) {
      log::verbose("vacuum of {} skipped: {}", table_, e.what());
      conn.reset();
    }
  }
}

}  // namespace slipway::backfill
