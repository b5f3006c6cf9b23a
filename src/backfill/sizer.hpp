// Adaptive batch size: after each batch the size moves toward the one that would have taken
// the target time, by at most a factor of two per batch (the square root of the ratio, clamped),
// so the size follows load changes smoothly instead of oscillating.
//
// Under contention (an application session had to wait for a batch's row locks) the target time
// itself drops, to `contended_target`: a batch shorter than the time after which the throttler
// cancels a blocking batch is never cancelled — the waiter just waits for its commit — while a
// 100 ms batch on a table the application updates at random gets cancelled again and again, and
// each cancel throws a whole batch away. A table the application writes to keeps colliding, so
// the short target holds until the batches have run `hold` seconds without contention; then it
// recovers by 5% per batch (back to the full target within a few seconds), like a congestion
// window. Short batches cost little (a 20 ms target ran as fast as 100 ms on the 2M-row
// benchmark) and hold 5x fewer rows locked at a time.
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
             std::optional<int64_t> fixed, std::chrono::milliseconds hold = std::chrono::seconds(10))
      : target_(double(target.count()) / 1000.0), current_target_(target_), hold_(double(hold.count()) / 1000.0),
        calm_(hold_), min_(min), max_(std::max(min, max)), fixed_(fixed),
        size_(std::clamp(double(initial), double(min_), double(max_))) {}

  int64_t size() const { return fixed_ ? *fixed_ : static_cast<int64_t>(std::llround(size_)); }
  // The batch time aimed at right now (seconds): the target, or less after contention.
  double current_target() const { return current_target_; }

  // A full batch of `rows` took `seconds`.
  void observe(int64_t rows, double seconds) {
    if (fixed_ || rows <= 0 || seconds <= 0) return;
    double ratio = std::clamp(current_target_ / seconds, 0.25, 4.0);
    size_ = std::clamp(double(rows) * std::sqrt(ratio), double(min_), double(max_));
    calm_ += seconds;
    if (calm_ >= hold_) current_target_ = std::min(target_, current_target_ * 1.05);
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
    calm_ = 0;
  }

  // Slow start: aim at `start_target` (seconds) first, and at the full target once the batches
  // have run `start_hold` seconds without contention. The first collision with the application
  // then costs it a short wait rather than a long batch's, and a small table is done in short
  // batches.
  void start_short(double start_target, double start_hold) {
    if (fixed_) return;
    current_target_ = std::min(current_target_, start_target);
    calm_ = std::max(0.0, hold_ - start_hold);
  }

  // An application session waited on a batch briefly (the batch committed before the throttler
  // cancelled it): aim at `contended_target` from the next batch on, without throwing away
  // the size learned so far unless it is too long for the new target.
  void waited_on(double contended_target) {
    if (!fixed_ && current_target_ > contended_target) size_ = std::max(double(min_), size_ * contended_target / current_target_);
    current_target_ = std::min(current_target_, contended_target);
    calm_ = 0;
  }

 private:
  double target_;
  double current_target_;
  double hold_;  // seconds of batches without contention before the target recovers
  double calm_;  // seconds of batches since the last contention
  int64_t min_, max_;
  std::optional<int64_t> fixed_;
  double size_;
};

}  // namespace slipway::backfill
