// The backfill's scheduled VACUUM: a plain VACUUM of the table on a connection of its own,
// concurrently with the batches, after every `every_fraction` of the estimated rows (and at
// least `min_rows` rows). The dead row versions of the slices done so far become free space that
// later batches fill, so the table does not double.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "pg/connection.hpp"

namespace slipway::backfill {

class VacuumScheduler {
 public:
  // `table`: "schema"."table", quoted. `every_fraction` 0 schedules none.
  VacuumScheduler(std::string conninfo, std::string table, double every_fraction, int64_t min_rows,
                  int64_t rows_estimate);
  ~VacuumScheduler();  // stop()
  VacuumScheduler(const VacuumScheduler&) = delete;
  VacuumScheduler& operator=(const VacuumScheduler&) = delete;

  // A role that may not VACUUM the table gets only a warning from PostgreSQL and the table is
  // skipped: says so once and schedules none.
  void disable_unless_permitted(pg::Connection& c);
  // Starts / stops (and joins) the thread that runs the vacuums (slipway-vacuum).
  void start();
  void stop();
  // `rows` more rows walked, `rows_done` by the job in all (its runs before included).
  void note_rows(int64_t rows, int64_t rows_done);
  int vacuums() const { return vacuums_.load(); }

 private:
  int64_t threshold() const;
  bool may_vacuum(pg::Connection& c) const;
  void loop();

  std::string conninfo_, table_;
  double every_fraction_;
  int64_t min_rows_, rows_estimate_;
  std::atomic<int> vacuums_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  int64_t rows_since_vacuum_ = 0;
  bool wanted_ = false;
  bool quit_ = false;
  std::thread thread_;
};

}  // namespace slipway::backfill
