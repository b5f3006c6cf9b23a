#include "util/duration.hpp"

#include <fmt/format.h>

#include <charconv>
#include <string>

#include "util/error.hpp"

namespace slipway {

std::chrono::milliseconds parse_duration(std::string_view text, std::string_view what) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view unit(end, text.data() + text.size() - end);
  double factor = 0;
  if (unit.empty() || unit == "ms") factor = 1;
  else if (unit == "s") factor = 1000;
  else if (unit == "m" || unit == "min") factor = 60000;
  else if (unit == "h") factor = 3600000;
  if (ec != std::errc{} || factor == 0 || value < 0) {
    throw InputError(fmt::format("{}: '{}' is not a duration", what, text),
                     "write a number with a unit: 100ms, 2s, 5m (a bare number means milliseconds)");
  }
  return std::chrono::milliseconds(static_cast<long long>(value * factor));
}

std::string format_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60000) return fmt::format("{:.1f}s", ms / 1000.0);
  return fmt::format("{}m{:02}s", ms / 60000, (ms / 1000) % 60);
}

}  // namespace slipway
