// diesel: one subdirectory per migration, {version}_{name}/up.sql (+ down.sql, + metadata.toml),
// as diesel_migrations/migrations_internals reads them: the version is the name up to the first
// '_' with '-' removed ("2024-01-02-030405_create_users" -> "20240102030405"), migrations run in
// version order compared as text, 00000000000000_diesel_initial_setup included.
#include <fmt/format.h>

#include "apply/layouts/readers.hpp"
#include "util/error.hpp"

namespace slipway::apply::layouts {

namespace {

bool diesel_hidden(const fs::path& p) { return p.filename().string().starts_with('.'); }

// run_in_transaction from metadata.toml. There is no TOML library in the project and diesel
// reads one key, so this reads top-level `key = value` lines and nothing more. When the file
// exists, a missing key means false: diesel's struct has #[serde(default)] on a bool.
bool diesel_run_in_transaction(const fs::path& toml) {
  if (!is_regular(toml)) return true;
  std::string text = read_script_file(toml);
  bool in_table = false;
  for (const TextLine& line : split_lines(text)) {
    std::string_view t = trim_blanks(line.text);
    if (t.empty() || t.starts_with('#')) continue;
    if (t.starts_with('[')) {  // [table]: its keys are not diesel's top-level key
      in_table = true;
      continue;
    }
    std::size_t eq = t.find('=');
    if (in_table || eq == std::string_view::npos) continue;
    std::string_view key = trim_blanks(t.substr(0, eq));
    if (key != "run_in_transaction" && key != "\"run_in_transaction\"") continue;
    std::string_view value = t.substr(eq + 1);
    if (std::size_t hash = value.find('#'); hash != std::string_view::npos) value = value.substr(0, hash);
    value = trim_blanks(value);
    if (value == "true") return true;
    if (value == "false") return false;
    fail_at(toml, line.number, fmt::format("run_in_transaction must be true or false, not {}", value),
            "write run_in_transaction = false (a TOML boolean, no quotes)");
  }
  return false;
}

}  // namespace

MigrationSet read_diesel(const fs::path& dir) {
  MigrationSet set;
  set.layout = Layout::diesel;
  set.root = dir;
  for (const fs::path& entry : directory_entries(dir)) {
    if (diesel_hidden(entry) || !layouts::is_directory(entry)) continue;
    std::vector<fs::path> inside;
    for (const fs::path& p : directory_entries(entry))
      if (!diesel_hidden(p)) inside.push_back(p);
    if (inside.empty()) continue;  // diesel skips empty directories
    fs::path up = entry / "up.sql";
    // diesel refuses such a directory (UnknownMigrationFormat) rather than skipping it.
    if (!is_regular(up))
      fail_at(entry, 0, "a migration directory without up.sql", "add up.sql, or move the directory out of the migrations directory");
    std::string name = entry.filename().string();
    std::size_t underscore = name.find('_');
    Script script;
    script.version = name.substr(0, underscore);
    std::erase(script.version, '-');
    if (script.version.empty())
      fail_at(entry, 0, "no version before the first '_'", "name the directory {version}_{name}, e.g. 2024-01-02-030405_create_users");
    script.description = underscore == std::string::npos ? std::string() : name.substr(underscore + 1);
    script.up = {true, up, read_script_file(up), 1};
    if (script.up.sql.empty())
      fail_at(up, 0, "an empty up.sql: diesel refuses to run an empty migration", "write the migration, or remove the directory");
    fs::path down = entry / "down.sql";
    if (is_regular(down)) script.down = {true, down, read_script_file(down), 1};
    script.in_transaction = diesel_run_in_transaction(entry / "metadata.toml");
    set.scripts.push_back(std::move(script));
  }
  sort_unique(set.scripts, [](const Script& a, const Script& b) { return a.version < b.version; }, "diesel");
  return set;
}

}  // namespace slipway::apply::layouts
