#include "lint/config.hpp"

#include <cpptoml.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "lint/rule.hpp"
#include "util/error.hpp"

namespace slipway::lint {

namespace fs = std::filesystem;

namespace {

const std::set<std::string> known_keys = {"disabled_rules", "pg_version", "assume_in_transaction", "assume_timezone",
                                          "exclude"};

void check_rule(const fs::path& file, const std::string& id) {
  if (id != syntax_error_rule && !find_rule(id))
    throw InputError(file.string() + ": unknown rule \"" + id + "\" in lint.disabled_rules",
                     "run `slipway lint --list-rules` for the rule ids");
}

void check_pg_version(const fs::path& file, int v) {
  if (v < 9 || v > 17)
    throw InputError(file.string() + ": lint.pg_version " + std::to_string(v) + " is out of range",
                     "use a PostgreSQL major version between 9 and 17");
}

LintConfigFile load_toml(const fs::path& path) {
  LintConfigFile cfg;
  cfg.path = path;
  std::shared_ptr<cpptoml::table> root;
  try {
    root = cpptoml::parse_file(path.string());
  } catch (const cpptoml::parse_exception& e) {
    throw InputError(path.string() + ": " + e.what(), "fix the TOML syntax");
  }
  auto lint = root->get_table("lint");
  if (!lint) return cfg;
  for (auto& [key, value] : *lint) {
    (void)value;
    if (!known_keys.count(key))
      throw InputError(path.string() + ": unknown key lint." + key,
                       "known keys: disabled_rules, pg_version, assume_in_transaction, assume_timezone, exclude");
  }
  auto strings = [&](const std::string& key) {
    std::vector<std::string> out;
    if (!lint->contains(key)) return out;
    auto arr = lint->get_array_of<std::string>(key);
    if (!arr) throw InputError(path.string() + ": lint." + key + " must be a list of strings");
    return *arr;
  };
  for (auto& id : strings("disabled_rules")) {
    check_rule(path, id);
    cfg.disabled_rules.insert(id);
  }
  cfg.exclude = strings("exclude");
  if (lint->contains("pg_version")) {
    auto v = lint->get_as<int64_t>("pg_version");
    if (!v) throw InputError(path.string() + ": lint.pg_version must be an integer");
    check_pg_version(path, static_cast<int>(*v));
    cfg.pg_version = static_cast<int>(*v);
  }
  if (lint->contains("assume_in_transaction")) {
    auto v = lint->get_as<bool>("assume_in_transaction");
    if (!v) throw InputError(path.string() + ": lint.assume_in_transaction must be true or false");
    cfg.assume_in_transaction = *v;
  }
  if (lint->contains("assume_timezone")) {
    auto v = lint->get_as<std::string>("assume_timezone");
    if (!v) throw InputError(path.string() + ": lint.assume_timezone must be a string", "e.g. assume_timezone = \"UTC\"");
    cfg.assume_timezone = *v;
  }
  return cfg;
}

LintConfigFile load_yaml(const fs::path& path) {
  LintConfigFile cfg;
  cfg.path = path;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::Exception& e) {
    throw InputError(path.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg, "fix the YAML syntax");
  }
  auto lint = root["lint"];
  if (!lint) return cfg;
  if (!lint.IsMap()) throw InputError(path.string() + ": `lint` must be a map");
  try {
    for (auto it = lint.begin(); it != lint.end(); ++it) {
      std::string key = it->first.as<std::string>();
      if (!known_keys.count(key))
        throw InputError(path.string() + ":" + std::to_string(it->first.Mark().line + 1) + ": unknown key lint." + key,
                         "known keys: disabled_rules, pg_version, assume_in_transaction, assume_timezone, exclude");
    }
    if (auto d = lint["disabled_rules"]) {
      for (auto r : d) {
        std::string id = r.as<std::string>();
        check_rule(path, id);
        cfg.disabled_rules.insert(id);
      }
    }
    if (auto e = lint["exclude"])
      for (auto r : e) cfg.exclude.push_back(r.as<std::string>());
    if (auto v = lint["pg_version"]) {
      cfg.pg_version = v.as<int>();
      check_pg_version(path, *cfg.pg_version);
    }
    if (auto v = lint["assume_in_transaction"]) cfg.assume_in_transaction = v.as<bool>();
    if (auto v = lint["assume_timezone"]) cfg.assume_timezone = v.as<std::string>();
  } catch (const YAML::Exception& e) {
    throw InputError(path.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg,
                     "disabled_rules and exclude are lists of strings, pg_version an integer, "
                     "assume_in_transaction a boolean, assume_timezone a string");
  }
  return cfg;
}

}  // namespace

std::optional<fs::path> find_config(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  while (!dir.empty()) {
    for (const char* name : {".slipway.toml", "slipway.yaml"}) {
      fs::path candidate = dir / name;
      if (fs::is_regular_file(candidate, ec)) return candidate;
    }
    if (dir == dir.root_path()) break;
    dir = dir.parent_path();
  }
  return std::nullopt;
}

LintConfigFile load_config(const fs::path& path) {
  return path.extension() == ".toml" ? load_toml(path) : load_yaml(path);
}

bool glob_match(std::string_view p, std::string_view s) {
  // Recursive: patterns and paths are short.
  if (p.empty()) return s.empty();
  if (p.substr(0, 2) == "**") {
    std::string_view rest = p.substr(2);
    if (!rest.empty() && rest[0] == '/') {  // "**/": zero or more whole directories
      rest = rest.substr(1);
      if (glob_match(rest, s)) return true;
      for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i] == '/' && glob_match(rest, s.substr(i + 1))) return true;
      return false;
    }
    for (std::size_t i = 0; i <= s.size(); ++i)
      if (glob_match(rest, s.substr(i))) return true;
    return false;
  }
  if (p[0] == '*') {
    for (std::size_t i = 0; i <= s.size(); ++i) {
      if (glob_match(p.substr(1), s.substr(i))) return true;
      if (i < s.size() && s[i] == '/') break;
    }
    return false;
  }
  if (s.empty()) return false;
  if ((p[0] == '?' && s[0] != '/') || p[0] == s[0]) return glob_match(p.substr(1), s.substr(1));
  return false;
}

bool LintConfigFile::excludes(const fs::path& file) const {
  if (exclude.empty()) return false;
  std::error_code ec;
  fs::path abs = fs::absolute(file, ec).lexically_normal();
  std::string rel = path.empty() ? abs.string() : abs.lexically_relative(path.parent_path()).string();
  for (auto& pattern : exclude)
    if (glob_match(pattern, rel) || glob_match(pattern, file.string())) return true;
  return false;
}

std::vector<std::string> expand_path_argument(const std::string& arg) {
  std::error_code ec;
  auto lintable = [](const fs::path& p) {
    auto ext = p.extension().string();
    return ext == ".sql" || ext == ".yaml" || ext == ".yml" || ext == ".json";
  };
  if (fs::is_directory(arg, ec)) {
    std::vector<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(arg, ec))
      if (e.is_regular_file() && lintable(e.path())) out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  if (arg.find_first_of("*?[") == std::string::npos || fs::exists(arg, ec)) return {arg};
  // A glob the shell did not expand (quoted, or `**` without globstar): walk from its fixed prefix.
  std::size_t wild = arg.find_first_of("*?[");
  std::size_t slash = arg.rfind('/', wild);
  std::string root = slash == std::string::npos ? "." : arg.substr(0, slash == 0 ? 1 : slash);
  std::vector<std::string> out;
  if (!fs::is_directory(root, ec)) return out;
  for (auto& e : fs::recursive_directory_iterator(root, ec)) {
    if (!e.is_regular_file()) continue;
    std::string p = e.path().string();
    if (slash == std::string::npos && p.rfind("./", 0) == 0) p = p.substr(2);
    if (glob_match(arg, p)) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace slipway::lint
