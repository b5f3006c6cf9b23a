#include "apply/migration_set.hpp"

#include <array>

#include "apply/layouts/readers.hpp"
#include "util/error.hpp"

namespace slipway::apply {

namespace {

using layouts::fs::path;

constexpr std::array<std::pair<Layout, std::string_view>, 8> layout_names{{
    {Layout::auto_detect, "auto"},
    {Layout::golang_migrate, "golang-migrate"},
    {Layout::goose, "goose"},
    {Layout::flyway, "flyway"},
    {Layout::dbmate, "dbmate"},
    {Layout::diesel, "diesel"},
    {Layout::sqitch, "sqitch"},
    {Layout::plain, "plain"},
}};

bool any_line(const path& file, const std::function<bool(std::string_view)>& test) {
  std::string text = layouts::read_script_file(file);
  for (auto& l : layouts::split_lines(text))
    if (test(l.text)) return true;
  return false;
}

// What the directory's names and annotations say, one candidate per tool that matches.
std::vector<Layout> detect(const path& dir) {
  std::vector<Layout> found;
  if (layouts::is_regular(dir / "sqitch.plan")) return {Layout::sqitch};
  bool diesel = false, golang = false, flyway = false, goose = false, dbmate = false;
  for (auto& entry : layouts::directory_entries(dir)) {
    std::string name = entry.filename().string();
    if (layouts::is_directory(entry)) {
      if (layouts::is_regular(entry / "up.sql")) diesel = true;
      continue;
    }
    if (name.size() < 4 || name.compare(name.size() - 4, 4, ".sql") != 0) continue;
    if (layouts::is_golang_migrate_name(name)) golang = true;
    else if (layouts::is_flyway_name(name)) flyway = true;
    else if (any_line(entry, [](std::string_view l) { return layouts::is_goose_annotation(l, "Up"); })) goose = true;
    else if (any_line(entry, [](std::string_view l) { return layouts::is_dbmate_directive(l, "up"); })) dbmate = true;
  }
  if (diesel) found.push_back(Layout::diesel);
  if (golang) found.push_back(Layout::golang_migrate);
  if (flyway) found.push_back(Layout::flyway);
  if (goose) found.push_back(Layout::goose);
  if (dbmate) found.push_back(Layout::dbmate);
  return found;
}

}  // namespace

std::string_view layout_name(Layout layout) {
  for (auto& [l, name] : layout_names)
    if (l == layout) return name;
  return "plain";
}

Layout parse_layout(std::string_view name) {
  for (auto& [l, n] : layout_names)
    if (n == name) return l;
  throw InputError("unknown --layout " + std::string(name),
                   "use auto, golang-migrate, goose, flyway, dbmate, diesel, sqitch or plain");
}

MigrationSet read_migration_set(const std::vector<std::filesystem::path>& inputs, Layout layout) {
  if (inputs.empty()) throw InputError("slipway apply: no migrations given", "give a directory or SQL files");
  bool one_dir = inputs.size() == 1 && layouts::is_directory(inputs.front());
  if (layout == Layout::auto_detect) {
    if (!one_dir) {
      layout = Layout::plain;  // files listed one by one run in the order given
    } else {
      auto found = detect(inputs.front());
      if (found.size() > 1) {
        std::string names;
        for (auto l : found) names += (names.empty() ? "" : ", ") + std::string(layout_name(l));
        throw InputError(inputs.front().string() + " looks like more than one tool's migrations (" + names + ")",
                         "say which with --layout");
      }
      layout = found.empty() ? Layout::plain : found.front();
    }
  }
  if (layout == Layout::plain) return layouts::read_plain(inputs);
  if (!one_dir)
    throw InputError(std::string(layout_name(layout)) + " migrations are read from their directory",
                     "give the one directory that holds them");
  const path& dir = inputs.front();
  switch (layout) {
    case Layout::golang_migrate: return layouts::read_golang_migrate(dir);
    case Layout::goose: return layouts::read_goose(dir);
    case Layout::flyway: return layouts::read_flyway(dir);
    case Layout::dbmate: return layouts::read_dbmate(dir);
    case Layout::diesel: return layouts::read_diesel(dir);
    case Layout::sqitch: return layouts::read_sqitch(dir);
    default: return layouts::read_plain(inputs);
  }
}

std::size_t script_index(const MigrationSet& set, std::string_view version) {
  for (std::size_t i = 0; i < set.scripts.size(); ++i)
    if (set.scripts[i].version == version) return i;
  throw InputError("--target " + std::string(version) + ": no migration has that version",
                   "see the versions with `slipway apply DIR --dry-run`");
}

}  // namespace slipway::apply
