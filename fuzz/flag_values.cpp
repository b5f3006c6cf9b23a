// The flag-value parsers: durations (--lock-timeout, --batch-time ...), counts and numbers
// (--lock-retries, --workers, --max-rate ...) and connection strings (--postgres-url: libpq's
// parse plus slipway's checks, and the masking of passwords in anything printed). The first byte
// picks the parser. A refusal is an InputError; what a parser accepts must be inside the range it
// was given, and a masked string never shows a password it was given.
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pg/conninfo.hpp"
#include "util/duration.hpp"
#include "util/error.hpp"
#include "util/number.hpp"

using namespace std::chrono_literals;

namespace {

// How often `needle` occurs in `hay`.
std::size_t occurrences(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

bool alphanumeric(std::string_view s) {
  for (unsigned char c : s)
    if (!std::isalnum(c)) return false;
  return true;
}

void conninfo(const std::string& text) {
  std::string masked = slipway::pg::mask_password(text);
  slipway::pg::check_conninfo(text);  // throws InputError when libpq cannot read it
  auto params = slipway::pg::parse_conninfo(text);
  auto pw = params.find("password");
  // A plain password given once must not survive the masking.
  if (pw != params.end() && pw->second.size() >= 8 && alphanumeric(pw->second) && occurrences(text, pw->second) == 1 &&
      masked.find(pw->second) != std::string::npos)
    std::abort();
  (void)slipway::pg::with_application_name(text);
  (void)slipway::pg::to_keyvalue(params);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 4) {
      case 0: {
        auto d = slipway::parse_duration(text, "--lock-timeout", 100ms, std::chrono::hours(24));
        if (d < 100ms || d > std::chrono::hours(24)) std::abort();
        (void)slipway::format_duration(d);
        (void)slipway::exact_duration(d);
        break;
      }
      case 1: {
        auto n = slipway::parse_count(text, "--lock-retries", 0, 1000);
        if (n < 0 || n > 1000) std::abort();
        break;
      }
      case 2: {
        double x = slipway::parse_number(text, "--max-rate", 0, 1e9);
        if (!std::isfinite(x) || x < 0 || x > 1e9) std::abort();
        (void)slipway::shown_value(text);
        break;
      }
      case 3: conninfo(text); break;
    }
  } catch (const slipway::InputError&) {
  }
  return 0;
}
