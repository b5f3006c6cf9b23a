#include "demo/format.hpp"

#include <fmt/format.h>

#include <cmath>

namespace slipway::demo {

std::string thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string ms(double v) {
  if (v >= 1000) return fmt::format("{:.2f}s", v / 1000);
  if (v >= 100) return fmt::format("{:.0f}ms", v);
  if (v >= 10) return fmt::format("{:.1f}ms", v);
  return fmt::format("{:.2f}ms", v);
}

std::string seconds(double s) {
  if (s < 60) return fmt::format("{:.1f}s", s);
  int total = static_cast<int>(std::lround(s));
  return fmt::format("{}m{:02}s", total / 60, total % 60);
}

}  // namespace slipway::demo
