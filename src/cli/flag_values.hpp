// Flags whose value is a duration, a count or a number: read by util's parsers and checked
// against the flag's range while CLI11 parses the command line — before any command runs, so a
// value slipway cannot honour is exit 2 with the range in the message, never a connection made
// or a statement run first. The range is shown in --help too.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace slipway::cli {

struct DurationRange {
  std::chrono::milliseconds min, max;
};
struct CountRange {
  int64_t min, max;
};
struct NumberRange {
  double min, max;
};

// The target keeps its value unless the flag (or its environment variable) is given.
CLI::Option* add_duration_option(CLI::App& app, const std::string& name, std::chrono::milliseconds& target,
                                 const std::string& description, DurationRange range);
CLI::Option* add_duration_option(CLI::App& app, const std::string& name,
                                 std::optional<std::chrono::milliseconds>& target, const std::string& description,
                                 DurationRange range);
CLI::Option* add_count_option(CLI::App& app, const std::string& name, int& target, const std::string& description,
                              CountRange range);
CLI::Option* add_count_option(CLI::App& app, const std::string& name, int64_t& target,
                              const std::string& description, CountRange range);
CLI::Option* add_count_option(CLI::App& app, const std::string& name, std::optional<int64_t>& target,
                              const std::string& description, CountRange range);
CLI::Option* add_number_option(CLI::App& app, const std::string& name, double& target,
                               const std::string& description, NumberRange range);

}  // namespace slipway::cli
