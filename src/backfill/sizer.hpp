// Adaptive batch size: after each batch the size moves toward the one that would have taken
// the target time, by at most a factor of two per batch (the square root of the ratio, clamped),
// so the size follows load changes smoothly instead of oscillating.
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
      : target_(double(target.count()) / 1000.0), min_(min), max_(std::max(min, max)), fixed_(fixed),
        size_(std::clamp(double(initial), double(min_), double(max_))) {}

  int64_t size() const { return fixed_ ? *fixed_ : static_cast<int64_t>(std::llround(size_)); }

  // A full batch of `rows` took `seconds`.
  void observe(int64_t rows, double seconds) {
    if (fixed_ || rows <= 0 || seconds <= 0) return;
    double ratio = std::clamp(target_ / seconds, 0.25, 4.0);
    size_ = std::clamp(double(rows) * std::sqrt(ratio), double(min_), double(max_));
  }

  // Contention (someone waited on the batch, lock timeout, deadlock): much smaller at once.
  void shrink() {
    if (!fixed_) size_ = std::max(double(min_), size_ / 4.0);
  }

 private:
  double target_;
  int64_t min_, max_;
  std::optional<int64_t> fixed_;
  double size_;
};

}  // namespace slipway::backfill
