#include "util/duration.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <string>

#include "util/error.hpp"
#include "util/number.hpp"

namespace slipway {

namespace {
// Milliseconds per unit; 0 for an unknown unit.
double unit_factor(std::string_view unit) {
  if (unit.empty() || unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m" || unit == "min") return 60000;
  if (unit == "h") return 3600000;
  return 0;
}
}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text, std::string_view what, std::chrono::milliseconds min,
                                         std::chrono::milliseconds max) {
  auto range = fmt::format("a duration from {} to {}", exact_duration(min), exact_duration(max));
  // The unit is the trailing letters; what is left must be a number on its own.
  size_t unit_start = text.size();
  while (unit_start > 0 && std::isalpha(static_cast<unsigned char>(text[unit_start - 1]))) --unit_start;
  auto number = read_finite_number(text.substr(0, unit_start));
  double factor = unit_factor(text.substr(unit_start));
  if (!number || factor == 0) {
    throw InputError(fmt::format("{}: {} is not a duration: allowed is {}", what, shown_value(text), range),
                     "write a number with a unit: 100ms, 2s, 5m, 1h (a bare number means milliseconds)");
  }
  // Compared before converting: a double beyond long long's range must not wrap to a negative.
  double ms = *number * factor;
  if (!(ms >= double(min.count()) && ms <= double(max.count()))) {
    throw InputError(fmt::format("{}: {} is out of range: allowed is {}", what, shown_value(text), range));
  }
  return std::chrono::milliseconds(std::llround(ms));
}

std::string format_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60000) return fmt::format("{:.1f}s", ms / 1000.0);
  return fmt::format("{}m{:02}s", ms / 60000, (ms / 1000) % 60);
}

std::string exact_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms != 0 && ms % 3600000 == 0) return fmt::format("{}h", ms / 3600000);
  if (ms != 0 && ms % 60000 == 0) return fmt::format("{}m", ms / 60000);
  if (ms != 0 && ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

}  // namespace slipway
