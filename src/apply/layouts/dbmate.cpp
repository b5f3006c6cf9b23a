// dbmate: files named {version}*.sql directly in the directory (db.go: ^(\d+).*\.sql$, the
// version the leading digits as written), in file-name order; in each, a `-- migrate:up` and a
// `-- migrate:down` section, options on the directive's line (`transaction:false`), as
// pkg/dbmate/migration.go reads them.
#include <fmt/format.h>

#include <map>

#include "apply/layouts/readers.hpp"
#include "util/error.hpp"

namespace slipway::apply::layouts {

namespace {

constexpr std::string_view dbmate_shape = "a dbmate migration is '-- migrate:up', its SQL, '-- migrate:down', its SQL";

bool dbmate_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

// The options after the directive ("transaction:false foo:bar" -> {transaction: false, ...});
// as dbmate, pairs that are not key:value are ignored.
std::map<std::string, std::string> dbmate_options(std::string_view line, std::string_view direction) {
  std::map<std::string, std::string> options;
  std::size_t at = line.find("migrate:");
  std::string_view rest = line.substr(at + 8 + direction.size());
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && dbmate_space(rest[i])) ++i;
    std::size_t start = i;
    while (i < rest.size() && !dbmate_space(rest[i])) ++i;
    std::string_view pair = rest.substr(start, i - start);
    std::size_t colon = pair.find(':');
    if (colon != std::string_view::npos && pair.find(':', colon + 1) == std::string_view::npos)
      options[std::string(pair.substr(0, colon))] = std::string(pair.substr(colon + 1));
  }
  return options;
}

struct DbmateFile {
  std::string version, description;
  fs::path file;
};

Script dbmate_parse(const fs::path& file, const std::string& text) {
  const TextLine* up = nullptr;
  const TextLine* down = nullptr;
  std::vector<TextLine> lines = split_lines(text);
  for (const TextLine& line : lines) {
    if (is_dbmate_directive(line.text, "up")) {
      // dbmate (since 2.x) reads several up/down pairs from one file, each its own transaction.
      if (up) fail_at(file, line.number, "a second '-- migrate:up' section: several sections in one file are not supported yet",
                      "split the file into one migration per section");
      if (down) fail_at(file, line.number, "'-- migrate:up' after '-- migrate:down'", std::string(dbmate_shape));
      up = &line;
    } else if (is_dbmate_directive(line.text, "down")) {
      if (!up) fail_at(file, line.number, "'-- migrate:down' before '-- migrate:up'", std::string(dbmate_shape));
      if (down) fail_at(file, line.number, "a second '-- migrate:down' section", "keep one down section per migration");
      down = &line;
    } else if (!up) {
      std::string_view t = trim_blanks(line.text);
      if (!t.empty() && !t.starts_with("--"))
        fail_at(file, line.number, "SQL before '-- migrate:up': dbmate does not run statements outside the sections",
                "move it below '-- migrate:up'");
    }
  }
  if (!up) fail_at(file, 0, "no '-- migrate:up' section: dbmate cannot run this file", std::string(dbmate_shape));
  if (!down)
    fail_at(file, 0, "no '-- migrate:down' section: dbmate requires one",
            "add a '-- migrate:down' line at the end (the section may be empty)");
  Script script;
  auto up_options = dbmate_options(up->text, "up");
  auto down_options = dbmate_options(down->text, "down");
  script.in_transaction = up_options["transaction"] != "false";
  // slipway keeps one transaction mode per script; dbmate lets each direction choose.
  if ((down_options["transaction"] != "false") != script.in_transaction)
    fail_at(file, down->number, "the down section's transaction option differs from the up section's: not supported yet",
            "give both directives the same transaction: option");
  script.up = {true, file, text.substr(up->next, down->begin - up->next), up->number + 1};
  script.down = {true, file, text.substr(down->next), down->number + 1};
  return script;
}

}  // namespace

bool is_dbmate_directive(std::string_view line, std::string_view direction) {
  // ^--\s*migrate:up(\s*$|\s+\S+): the directive, then the end of the line or a blank.
  if (!line.starts_with("--")) return false;
  std::size_t i = 2;
  while (i < line.size() && dbmate_space(line[i])) ++i;
  std::string word = "migrate:" + std::string(direction);
  if (line.compare(i, word.size(), word) != 0) return false;
  i += word.size();
  return i == line.size() || dbmate_space(line[i]);
}

MigrationSet read_dbmate(const fs::path& dir) {
  MigrationSet set;
  set.layout = Layout::dbmate;
  set.root = dir;
  for (const fs::path& entry : directory_entries(dir)) {  // sorted by file name, as dbmate sorts
    std::string name = entry.filename().string();
    std::size_t digits = 0;
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
    if (digits == 0 || !name.ends_with(".sql") || !is_regular(entry)) continue;
    Script script = dbmate_parse(entry, read_script_file(entry));
    script.version = name.substr(0, digits);
    std::string rest = name.substr(digits, name.size() - digits - 4);
    script.description = rest.starts_with('_') ? rest.substr(1) : rest;
    set.scripts.push_back(std::move(script));
  }
  // dbmate orders by file name; two files with one version would share a schema_migrations row.
  std::map<std::string, const Script*> seen;
  for (const Script& s : set.scripts) {
    auto [it, fresh] = seen.emplace(s.version, &s);
    if (!fresh)
      throw InputError(fmt::format("{} and {} have the same version {}", it->second->up.file.string(), s.up.file.string(), s.version),
                       "give one of them another version: dbmate records each version once");
  }
  return set;
}

}  // namespace slipway::apply::layouts
