// golang-migrate: {version}_{title}.up.sql and {version}_{title}.down.sql directly in the
// directory (source/parse.go: ^([0-9]+)_(.*)\.(down|up)\.(.*)$, the version a uint). Each file is
// sent as one multi-statement query: PostgreSQL runs it as one implicit transaction.
#include <fmt/format.h>

#include <climits>
#include <map>

#include "apply/layouts/readers.hpp"
#include "util/error.hpp"

namespace slipway::apply::layouts {

namespace {

struct GmName {
  std::string_view digits;
  std::string_view title;
  bool up = true;
};

// Only .sql files count: golang-migrate accepts any extension, but PostgreSQL migrations are .sql.
bool gm_split_name(std::string_view name, GmName& out) {
  std::string_view stem;
  if (name.ends_with(".up.sql")) {
    stem = name.substr(0, name.size() - 7);
    out.up = true;
  } else if (name.ends_with(".down.sql")) {
    stem = name.substr(0, name.size() - 9);
    out.up = false;
  } else {
    return false;
  }
  std::size_t underscore = stem.find('_');
  if (underscore == std::string_view::npos || !all_digits(stem.substr(0, underscore))) return false;
  out.digits = stem.substr(0, underscore);
  out.title = stem.substr(underscore + 1);
  return true;
}

}  // namespace

bool is_golang_migrate_name(std::string_view file_name) {
  GmName parts;
  return gm_split_name(file_name, parts);
}

MigrationSet read_golang_migrate(const fs::path& dir) {
  std::map<unsigned long long, Script> by_version;
  for (const fs::path& entry : directory_entries(dir)) {
    GmName parts;
    std::string name = entry.filename().string();
    if (!is_regular(entry) || !gm_split_name(name, parts)) continue;
    unsigned long long version = 0;
    // schema_migrations.version is a bigint: a larger version could not be recorded.
    if (!parse_decimal(parts.digits, LLONG_MAX, version))
      fail_at(entry, 0, fmt::format("the version {} is larger than golang-migrate can record (a bigint)", parts.digits),
              "number the migration with a smaller version");
    Script& script = by_version[version];
    Section& section = parts.up ? script.up : script.down;
    if (section.present)
      throw InputError(fmt::format("{} and {} have the same version ({}, both {})", section.file.string(), entry.string(),
                                   version, parts.up ? "up" : "down"),
                       "give one of them another version: golang-migrate refuses duplicate versions too");
    section.present = true;
    section.file = entry;
    section.sql = read_script_file(entry);
    if (parts.up || script.description.empty()) script.description = std::string(parts.title);
    script.version = std::to_string(version);  // ParseUint: "0042" is version 42
    script.in_transaction = true;
  }
  MigrationSet set;
  set.layout = Layout::golang_migrate;
  set.root = dir;
  for (auto& [version, script] : by_version) {
    if (!script.up.present)
      fail_at(script.down.file, 0, "a down migration without its up migration",
              fmt::format("add the {}_*.up.sql file, or remove the down file", version));
    set.scripts.push_back(std::move(script));  // the map is in numeric order: 9 before 10
  }
  return set;
}

}  // namespace slipway::apply::layouts
