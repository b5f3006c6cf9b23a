// Throttling of the rewrite's copy, replay and verification between their short transactions:
// pause file, throttle query, replication lag, and a maximum rate in rows per second.
#pragma once
#include <chrono>
#include <cstdint>

#include "pg/connection.hpp"
#include "rewrite/rewriter.hpp"

namespace slipway::rewrite {

class Throttle {
 public:
  Throttle(pg::Connection& conn, const Options& options);
  // Blocks while a signal says wait.
  void wait();
  // After `rows` rows: sleeps as long as max_rate requires.
  void account(int64_t rows);
  double throttled_seconds() const { return throttled_.count(); }

 private:
  pg::Connection& conn_;
  const Options& options_;
  std::chrono::steady_clock::time_point rate_start_ = std::chrono::steady_clock::now();
  int64_t rate_rows_ = 0;
  std::chrono::steady_clock::time_point last_db_check_{};
  std::chrono::duration<double> throttled_{0};
};

}  // namespace slipway::rewrite
