#include "util/number.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "util/error.hpp"

namespace slipway {

std::optional<double> read_finite_number(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string shown_value(std::string_view text) {
  constexpr size_t limit = 40;
  if (text.size() <= limit) return fmt::format("'{}'", text);
  return fmt::format("'{}...' ({} characters)", text.substr(0, limit), text.size());
}

int64_t parse_count(std::string_view text, std::string_view what, int64_t min, int64_t max) {
  auto range = fmt::format("an integer from {} to {}", min, max);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  bool whole = !text.empty() && end == text.data() + text.size();
  if (ec == std::errc::result_out_of_range && whole) {
    throw InputError(fmt::format("{}: {} is out of range: allowed is {}", what, shown_value(text), range));
  }
  if (ec != std::errc{} || !whole) {
    throw InputError(fmt::format("{}: {} is not an integer: allowed is {}", what, shown_value(text), range));
  }
  if (value < min || value > max) {
    throw InputError(fmt::format("{}: {} is out of range: allowed is {}", what, shown_value(text), range));
  }
  return value;
}

double parse_number(std::string_view text, std::string_view what, double min, double max) {
  auto range = fmt::format("a number from {} to {}", min, max);
  auto value = read_finite_number(text);
  if (!value) throw InputError(fmt::format("{}: {} is not a number: allowed is {}", what, shown_value(text), range));
  if (*value < min || *value > max) {
    throw InputError(fmt::format("{}: {} is out of range: allowed is {}", what, shown_value(text), range));
  }
  return *value;
}

}  // namespace slipway
