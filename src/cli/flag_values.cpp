#include "cli/flag_values.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <limits>

#include "util/duration.hpp"
#include "util/number.hpp"

namespace slipway::cli {

namespace {

// The parse runs in the option's callback, during CLI11's parse: its InputError leaves
// App::parse for main's report (exit 2, with the hint).
template <typename T, typename Parse>
CLI::Option* add_checked(CLI::App& app, const std::string& name, T& target, const std::string& description,
                         const std::string& range_text, const char* type_name, Parse parse) {
  auto* opt = app.add_option_function<std::string>(
      name, [&target, name, parse](const std::string& text) { target = parse(text, name); },
      fmt::format("{} ({})", description, range_text));
  opt->type_name(type_name);
  return opt;
}

std::string range_text(DurationRange r) { return exact_duration(r.min) + " to " + exact_duration(r.max); }
std::string range_text(CountRange r) { return fmt::format("{} to {}", r.min, r.max); }
std::string range_text(NumberRange r) { return fmt::format("{} to {}", r.min, r.max); }

}  // namespace

CLI::Option* add_duration_option(CLI::App& app, const std::string& name, std::chrono::milliseconds& target,
                                 const std::string& description, DurationRange range) {
  return add_checked(app, name, target, description, range_text(range), "DURATION",
                     [range](const std::string& text, const std::string& what) {
                       return parse_duration(text, what, range.min, range.max);
                     })
      ->default_str(exact_duration(target));
}

CLI::Option* add_duration_option(CLI::App& app, const std::string& name,
                                 std::optional<std::chrono::milliseconds>& target, const std::string& description,
                                 DurationRange range) {
  return add_checked(app, name, target, description, range_text(range), "DURATION",
                     [range](const std::string& text, const std::string& what) {
                       return std::optional(parse_duration(text, what, range.min, range.max));
                     });
}

CLI::Option* add_count_option(CLI::App& app, const std::string& name, int& target, const std::string& description,
                              CountRange range) {
  range.min = std::max<int64_t>(range.min, std::numeric_limits<int>::min());
  range.max = std::min<int64_t>(range.max, std::numeric_limits<int>::max());
  return add_checked(app, name, target, description, range_text(range), "N",
                     [range](const std::string& text, const std::string& what) {
                       return static_cast<int>(parse_count(text, what, range.min, range.max));
                     })
      ->default_str(std::to_string(target));
}

CLI::Option* add_count_option(CLI::App& app, const std::string& name, int64_t& target,
                              const std::string& description, CountRange range) {
  return add_checked(app, name, target, description, range_text(range), "N",
                     [range](const std::string& text, const std::string& what) {
                       return parse_count(text, what, range.min, range.max);
                     })
      ->default_str(std::to_string(target));
}

CLI::Option* add_count_option(CLI::App& app, const std::string& name, std::optional<int64_t>& target,
                              const std::string& description, CountRange range) {
  return add_checked(app, name, target, description, range_text(range), "N",
                     [range](const std::string& text, const std::string& what) {
                       return std::optional(parse_count(text, what, range.min, range.max));
                     });
}

CLI::Option* add_number_option(CLI::App& app, const std::string& name, double& target,
                               const std::string& description, NumberRange range) {
  return add_checked(app, name, target, description, range_text(range), "NUMBER",
                     [range](const std::string& text, const std::string& what) {
                       return parse_number(text, what, range.min, range.max);
                     })
      ->default_str(fmt::format("{}", target));
}

}  // namespace slipway::cli
