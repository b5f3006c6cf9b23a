// sqitch: sqitch.plan names the changes in order; deploy/<change>.sql and revert/<change>.sql
// hold their scripts (verify/ is not run). The project's sqitch.conf may move them ([core]
// top_dir, plan_file, deploy_dir, revert_dir, extension). The scripts carry their own
// BEGIN/COMMIT, so slipway runs them as written, outside a transaction of its own.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "apply/layouts/readers.hpp"
#include "util/error.hpp"

namespace slipway::apply::layouts {

namespace {

constexpr std::string_view sqitch_dir_keys[] = {"top_dir", "plan_file", "deploy_dir", "revert_dir", "extension"};

std::string sqitch_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// A git-config-style file, as "section.key" (or "section.sub.key") -> value, last one winning.
std::map<std::string, std::pair<std::string, int>> sqitch_read_conf(const fs::path& file) {
  std::map<std::string, std::pair<std::string, int>> values;
  std::string text = read_script_file(file);
  std::string section;
  for (const TextLine& line : split_lines(text)) {
    std::string_view t = trim_blanks(line.text);
    if (t.empty() || t.starts_with('#') || t.starts_with(';')) continue;
    if (t.starts_with('[')) {
      std::size_t close = t.find(']');
      if (close == std::string_view::npos) fail_at(file, line.number, "an unterminated [section]", "write [core]");
      std::string_view inside = trim_blanks(t.substr(1, close - 1));
      std::size_t quote = inside.find('"');
      if (quote == std::string_view::npos) {
        section = sqitch_lower(inside);
      } else {  // [engine "pg"]: the subsection keeps its case
        std::string_view sub = inside.substr(quote + 1);
        if (!sub.empty() && sub.back() == '"') sub.remove_suffix(1);
        section = sqitch_lower(trim_blanks(inside.substr(0, quote))) + "." + std::string(sub);
      }
      continue;
    }
    std::size_t eq = t.find('=');
    std::string key = sqitch_lower(trim_blanks(t.substr(0, eq)));
    std::string_view value = eq == std::string_view::npos ? std::string_view("true") : trim_blanks(t.substr(eq + 1));
    std::string v;
    bool quoted = false;
    for (char c : value) {
      if (c == '"') quoted = !quoted;
      else if (!quoted && (c == '#' || c == ';')) break;
      else v += c;
    }
    values[section + "." + key] = {std::string(trim_blanks(v)), line.number};
  }
  return values;
}

struct SqitchLayout {
  fs::path plan_file, deploy_dir, revert_dir;
  std::string extension = "sql";
};

SqitchLayout sqitch_layout(const fs::path& dir) {
  SqitchLayout layout;
  fs::path top = dir;
  fs::path conf_file = dir / "sqitch.conf";
  std::map<std::string, std::pair<std::string, int>> conf;
  if (is_regular(conf_file)) conf = sqitch_read_conf(conf_file);
  for (const auto& [key, value] : conf) {
    if (key == "core.engine" && value.first != "pg")
      fail_at(conf_file, value.second, fmt::format("engine {}: slipway applies PostgreSQL (pg) projects only", value.first),
              "point slipway at a pg project");
    // Engine- and target-specific locations depend on which target sqitch would pick: refuse
    // rather than read the scripts from the wrong place.
    bool scoped = key.starts_with("engine.") || key.starts_with("target.");
    for (std::string_view k : sqitch_dir_keys)
      if (scoped && key.ends_with("." + std::string(k)))
        fail_at(conf_file, value.second, fmt::format("{} is not supported yet (only [core] locations are)", key),
                "move the setting to the [core] section, or run sqitch for this project");
  }
  auto core = [&](const std::string& key) -> const std::string* {
    auto it = conf.find("core." + key);
    return it == conf.end() ? nullptr : &it->second.first;
  };
  // sqitch resolves these against its working directory: the project's, where sqitch.conf is.
  if (auto v = core("top_dir")) top = dir / *v;
  layout.plan_file = core("plan_file") ? dir / *core("plan_file") : top / "sqitch.plan";
  layout.deploy_dir = core("deploy_dir") ? dir / *core("deploy_dir") : top / "deploy";
  layout.revert_dir = core("revert_dir") ? dir / *core("revert_dir") : top / "revert";
  if (auto v = core("extension")) layout.extension = *v;
  return layout;
}

}  // namespace

MigrationSet read_sqitch(const fs::path& dir) {
  SqitchLayout layout = sqitch_layout(dir);
  if (!is_regular(layout.plan_file))
    fail_at(layout.plan_file, 0, "no sqitch plan here", "give the directory of the sqitch project (where sqitch.plan is)");
  std::string text = read_script_file(layout.plan_file);
  SqitchPlan plan = parse_sqitch_plan(layout.plan_file, text);
  MigrationSet set;
  set.layout = Layout::sqitch;
  set.root = layout.plan_file.parent_path();
  set.sqitch_project = plan.project;
  set.sqitch_uri = plan.uri;
  for (SqitchPlanChange& change : plan.changes) {
    Script script;
    script.version = change.name;
    script.description = change.name;
    script.in_transaction = false;
    fs::path deploy = layout.deploy_dir / (change.name + "." + layout.extension);
    if (!is_regular(deploy))
      fail_at(layout.plan_file, change.line, fmt::format("change \"{}\" has no deploy script {}", change.name, deploy.string()),
              "add the script (sqitch add writes it), or remove the change from the plan");
    script.up = {true, deploy, read_script_file(deploy), 1};
    fs::path revert = layout.revert_dir / (change.name + "." + layout.extension);
    if (is_regular(revert)) script.down = {true, revert, read_script_file(revert), 1};
    script.sqitch = std::move(change.info);
    set.scripts.push_back(std::move(script));
  }
  return set;
}

}  // namespace slipway::apply::layouts
