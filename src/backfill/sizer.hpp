// Adaptive batch size: after each batch the size moves toward the one that would have taken
// the target time, by at most a factor of two per batch (the square root of the ratio, clamped),
// so the size follows load changes smoothly instead of oscillating.
//
// Under contention (an application session had to wait for a batch's row locks) the target time
// itself drops, to `contended_target`: a batch shorter than the time after which the throttler
// cancels a blocking batch is never cancelled — the waiter just waits for its commit — while a
// 100 ms batch on a table the application updates at random gets cancelled again and again, and
// each cancel throws a whole batch away. The target then recovers by 5% per batch without
// contention (back to the full target within a few seconds), like a congestion window.
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>

namespace slipway::backfill {

class BatchSizer {
 public:
  BatchSizer(std::chrono::milliseconds target, int64_t initial, int64_t min, int64_t max,
             std::optional<int64_t> fixed)
      : target_(double(target.count()) / 1000.0), current_target_(target_), min_(min), max_(std::max(min, max)),
        fixed_(fixed), size_(std::clamp(double(initial), double(min_), double(max_))) {}

  int64_t size() const { return fixed_ ? *fixed_ : static_cast<int64_t>(std::llround(size_)); }
  // The batch time aimed at right now (seconds): the target, or less after contention.
  double current_target() const { return current_target_; }

  // A full batch of `rows` took `seconds`.
  void observe(int64_t rows, double seconds) {
    if (fixed_ || rows <= 0 || seconds <= 0) return;
    double ratio = std::clamp(current_target_ / seconds, 0.25, 4.0);
    size_ = std::clamp(double(rows) * std::sqrt(ratio), double(min_), double(max_));
    current_target_ = std::min(target_, current_target_ * 1.05);
  }

  // Contention (someone waited on the batch, lock timeout, deadlock): much smaller at once.
  void shrink() {
    if (!fixed_) size_ = std::max(double(min_), size_ / 4.0);
  }

  // An application session waited on a batch: smaller at once, and aim at `contended_target`
  // (seconds) for a while.
  void contended(double contended_target) {
    shrink();
    current_target_ = std::min(current_target_, contended_target);
  }

 private:
  double target_;
  double current_target_;
  int64_t min_, max_;
  std::optional<int64_t> fixed_;
  double size_;
};

}  // namespace slipway::backfill
