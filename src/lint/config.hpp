// Lint configuration: `.slipway.toml` or `slipway.yaml`, found by walking up from a directory.
//
//   [lint]                              lint:
//   disabled_rules = ["prefer-bigint"]    disabled_rules: [prefer-bigint]
//   pg_version = 14                       pg_version: 14
//   assume_in_transaction = true          assume_in_transaction: true
//   assume_timezone = "UTC"               assume_timezone: UTC
//   exclude = ["legacy/**"]               exclude: ["legacy/**"]
//
// Unknown keys and unknown rule names are input errors (exit 2).
#pragma once
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace slipway::lint {

struct LintConfigFile {
  std::filesystem::path path;  // empty when none was found
  std::set<std::string> disabled_rules;
  std::optional<int> pg_version;
  std::optional<bool> assume_in_transaction;
  std::optional<std::string> assume_timezone;
  std::vector<std::string> exclude;  // globs relative to the config file's directory

  bool excludes(const std::filesystem::path& file) const;
};

// The nearest config file at or above `start`; std::nullopt when there is none.
std::optional<std::filesystem::path> find_config(const std::filesystem::path& start);
LintConfigFile load_config(const std::filesystem::path& path);

// Shell-style glob match where `*` and `?` stay within a path segment and `**` spans segments.
bool glob_match(std::string_view pattern, std::string_view path);
// Expands a PATH|GLOB argument to files (sorted); a plain existing path is returned as is;
// a directory yields its *.sql, *.yaml, *.yml and *.json files recursively.
std::vector<std::string> expand_path_argument(const std::string& arg);

}  // namespace slipway::lint
