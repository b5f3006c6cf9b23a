// slipway pull DIR: write the recorded migration history back to files (YAML or JSON, as each
// migration was written), e.g. to recreate a lost migrations directory.
#include <CLI/CLI.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"

namespace slipway::cli {
namespace {

void emit(YAML::Emitter& out, const nlohmann::json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, v] : j.items()) {
      out << YAML::Key << k << YAML::Value;
      emit(out, v);
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& v : j) emit(out, v);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    // Quoted whenever a plain scalar would read back as something else (null, true, 12, 0.5).
    static const std::regex non_string(R"((~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9.]+([eE][-+]?[0-9]+)?)?)");
    const auto& s = j.get<std::string>();
    out << (std::regex_match(s, non_string) ? YAML::DoubleQuoted : YAML::Auto) << s;
  } else if (j.is_null()) {
    out << YAML::Null;
  } else if (j.is_boolean()) {
    out << j.get<bool>();
  } else if (j.is_number_integer()) {
    out << j.get<long long>();
  } else {
    out << j.get<double>();
  }
}

CommandRegistration pull_command(28, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("pull", "write the migration history back to files in a directory");
  static std::string dir;
  cmd->add_option("dir", dir, "directory to write to (created if missing)")->required();
  cmd->callback([&g] {
    Session s(g, Session::Mode::read_only);
    s.store().require_initialized();
    std::filesystem::create_directories(dir);
    int written = 0;
    for (const auto& r : s.store().migrations(g.schema).records()) {
      if (r.status == "baseline") continue;
      // `--json` (as pgroll's `pull --json`): every file as JSON; otherwise each in its own format.
      const bool as_json = g.json || r.format == "json";
      auto path = std::filesystem::path(dir) / (r.name + (as_json ? ".json" : ".yaml"));
      std::ofstream f(path);
      if (as_json) {
        f << r.migration.dump(2) << "\n";
      } else {
        YAML::Emitter out;
        emit(out, r.migration);
        f << out.c_str() << "\n";
      }
      ++written;
      if (!g.json) std::cout << path.string() << "\n";
    }
    if (g.json) std::cout << nlohmann::json{{"written", written}, {"dir", dir}}.dump() << "\n";
  });
});

}  // namespace
}  // namespace slipway::cli
