#include "rewrite/throttle.hpp"

#include <filesystem>
#include <thread>

#include "util/log.hpp"

namespace slipway::rewrite {

using Clock = std::chrono::steady_clock;

Throttle::Throttle(pg::Connection& conn, const Options& options) : conn_(conn), options_(options) {}

void Throttle::wait() {
  auto start = Clock::now();
  std::string said;
  for (;;) {
    std::string reason;
    if (!options_.pause_file.empty() && std::filesystem::exists(options_.pause_file)) {
      reason = "pause file " + options_.pause_file;
    } else if (!options_.throttle_query.empty() && conn_.query_value<bool>(options_.throttle_query).value_or(false)) {
      reason = "throttle query";
    } else if (options_.max_lag) {
      // Lag columns are NULL without pg_monitor: then there is nothing to wait for.
      double lag = conn_.query_value<double>(
                            "SELECT coalesce(max(extract(epoch FROM greatest(write_lag, flush_lag, replay_lag))), 0)"
                            "::float8 FROM pg_stat_replication")
                       .value_or(0);
      if (lag * 1000 > double(options_.max_lag->count())) reason = fmt::format("replication lag {:.1f}s", lag);
    }
    if (reason.empty()) break;
    if (reason != said) log::info("  throttled: {}", reason);
    said = reason;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  throttled_ += Clock::now() - start;
}

void Throttle::account(int64_t rows) {
  if (!options_.max_rate || *options_.max_rate <= 0) return;
  rate_rows_ += rows;
  auto due = rate_start_ + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(double(rate_rows_) / *options_.max_rate));
  auto now = Clock::now();
  if (due > now) {
    std::this_thread::sleep_until(due);
    throttled_ += due - now;
  }
}

}  // namespace slipway::rewrite
