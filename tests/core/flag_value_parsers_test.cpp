// The parsers behind every duration and count flag: strict, ranged, never wrapping around.
#include <gtest/gtest.h>

#include <limits>

#include "util/duration.hpp"
#include "support/input_error.hpp"
#include "util/error.hpp"
#include "util/number.hpp"

using namespace slipway;
using slipway::test::input_error_of;
using namespace std::chrono_literals;

namespace {

std::chrono::milliseconds any_duration(std::string_view text) {
  return parse_duration(text, "--x", 0ms, std::chrono::hours(24));
}

}  // namespace

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(any_duration("100ms"), 100ms);
  EXPECT_EQ(any_duration("2s"), 2000ms);
  EXPECT_EQ(any_duration("1.5s"), 1500ms);
  EXPECT_EQ(any_duration("250"), 250ms);
  EXPECT_EQ(any_duration("5m"), 300000ms);
  EXPECT_EQ(any_duration("5min"), 300000ms);
  EXPECT_EQ(any_duration("2h"), 7200000ms);
  EXPECT_EQ(any_duration("1e3"), 1000ms);
  EXPECT_EQ(any_duration("0"), 0ms);
}

TEST(Duration, RejectsGarbageNonFiniteAndEmpty) {
  for (std::string_view bad : {"", "fast", "10parsecs", "nan", "NaN", "inf", "-inf", "infinity", "100ms garbage",
                               "100 ms", " 100ms", "ms", "s", "1e", "0x10", "1..5s", "+5s"}) {
    auto e = input_error_of([&] { any_duration(bad); });
    EXPECT_NE(e.find("--x:"), std::string::npos) << "'" << bad << "': " << e;
    EXPECT_NE(e.find("is not a duration"), std::string::npos) << "'" << bad << "': " << e;
  }
}

// Out of range is refused with the range in the message; a value too large for long long is
// refused too, not wrapped into a negative (1e99s used to become a negative lock_timeout).
TEST(Duration, EnforcesTheRangeWithoutOverflow) {
  auto lock_timeout = [](std::string_view t) { return parse_duration(t, "--lock-timeout", 100ms, 1min); };
  EXPECT_EQ(lock_timeout("100ms"), 100ms);
  EXPECT_EQ(lock_timeout("1m"), 60000ms);
  for (std::string_view bad : {"0", "99ms", "-1s", "-0.5s", "61s", "1e99s", "99999999999999h", "1e308h", "1e400"}) {
    auto e = input_error_of([&] { lock_timeout(bad); });
    EXPECT_NE(e.find("--lock-timeout"), std::string::npos) << bad << ": " << e;
    EXPECT_NE(e.find("from 100ms to 1m"), std::string::npos) << bad << ": " << e;
  }
}

TEST(Duration, ExactDurationReadsBack) {
  for (auto d : {0ms, 10ms, 1500ms, 2000ms, 600000ms, 86400000ms}) {
    EXPECT_EQ(any_duration(exact_duration(d)), d) << exact_duration(d);
  }
  EXPECT_EQ(exact_duration(std::chrono::hours(24)), "24h");
  EXPECT_EQ(exact_duration(1min), "1m");
}

TEST(Count, ParsesIntegersInRange) {
  EXPECT_EQ(parse_count("0", "--lock-retries", 0, 10000), 0);
  EXPECT_EQ(parse_count("10000", "--lock-retries", 0, 10000), 10000);
  EXPECT_EQ(parse_count("-5", "--n", -10, 10), -5);
  EXPECT_EQ(parse_count("9223372036854775807", "--n", 0, std::numeric_limits<int64_t>::max()),
            std::numeric_limits<int64_t>::max());
}

TEST(Count, RejectsNonIntegersOverflowAndOutOfRange) {
  for (std::string_view bad : {"", "1.5", "1e3", "ten", "5 ", " 5", "5x", "nan", "inf", "+5", "0x10"}) {
    auto e = input_error_of([&] { parse_count(bad, "--workers", 1, 64); });
    EXPECT_NE(e.find("--workers:"), std::string::npos) << "'" << bad << "': " << e;
    EXPECT_NE(e.find("is not an integer"), std::string::npos) << "'" << bad << "': " << e;
  }
  for (std::string_view bad : {"-1", "0", "65", "99999999999999999999", "-99999999999999999999"}) {
    auto e = input_error_of([&] { parse_count(bad, "--workers", 1, 64); });
    EXPECT_NE(e.find("is out of range: allowed is an integer from 1 to 64"), std::string::npos) << bad << ": " << e;
  }
}

TEST(Number, ParsesFiniteNumbersInRange) {
  EXPECT_DOUBLE_EQ(parse_number("0.1", "--vacuum-every", 0, 1), 0.1);
  EXPECT_DOUBLE_EQ(parse_number("1", "--vacuum-every", 0, 1), 1);
  EXPECT_DOUBLE_EQ(parse_number("5e3", "--max-rate", 0, 1e9), 5000);
  for (std::string_view bad : {"", "nan", "inf", "-inf", "1e999", "0.5x", "x"}) {
    auto e = input_error_of([&] { parse_number(bad, "--max-rate", 0, 1e9); });
    EXPECT_NE(e.find("--max-rate: "), std::string::npos) << "'" << bad << "': " << e;
    EXPECT_NE(e.find("is not a number"), std::string::npos) << "'" << bad << "': " << e;
  }
  for (std::string_view bad : {"-1", "1.5", "-0.0001"}) {
    auto e = input_error_of([&] { parse_number(bad, "--vacuum-every", 0, 1); });
    EXPECT_NE(e.find("is out of range: allowed is a number from 0 to 1"), std::string::npos) << bad << ": " << e;
  }
}

TEST(Number, AHugeValueIsShownShortened) {
  std::string huge(100000, '9');
  auto e = input_error_of([&] { parse_count(huge, "--n", 0, 10); });
  EXPECT_LT(e.size(), 200u) << e;
  EXPECT_NE(e.find("(100000 characters)"), std::string::npos) << e;
}
