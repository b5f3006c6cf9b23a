// flyway: V{version}__{description}.sql anywhere below the directory (flyway scans locations
// recursively), U{version}__{description}.sql the undo of that version, R__ repeatables; default
// prefixes, separator and suffix only. A script's V1__x.sql.conf may say
// executeInTransaction=false. Versions compare numerically part by part, trailing zero parts
// ignored (MigrationVersion): 1.9 < 1.10, and 1.0 is the same version as 1.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <system_error>

#include "apply/layouts/readers.hpp"
#include "util/error.hpp"

namespace slipway::apply::layouts {

namespace {

constexpr std::string_view flyway_naming = "flyway names versioned migrations V<version>__<description>.sql (e.g. V1.2__add_users.sql)";

bool flyway_ends_with_sql(std::string_view name) {  // flyway matches the suffix case-insensitively
  if (name.size() < 4) return false;
  std::string_view tail = name.substr(name.size() - 4);
  return tail[0] == '.' && (tail[1] | 0x20) == 's' && (tail[2] | 0x20) == 'q' && (tail[3] | 0x20) == 'l';
}

// The parts of a version ("1_2.3" -> {"1","2","3"}), or empty when flyway would not accept it.
std::vector<std::string> flyway_version_parts(std::string_view version) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : version) {
    if (c == '.' || c == '_') {
      if (current.empty()) return {};
      parts.push_back(std::move(current));
      current.clear();
    } else if (c >= '0' && c <= '9') {
      current += c;
    } else {
      return {};
    }
  }
  if (current.empty()) return {};
  parts.push_back(std::move(current));
  return parts;
}

// Numeric comparison of decimal parts of any length (flyway uses BigInteger); missing parts are 0.
int flyway_compare(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  auto strip = [](const std::string& s) {
    std::size_t nz = s.find_first_not_of('0');
    return nz == std::string::npos ? std::string_view() : std::string_view(s).substr(nz);
  };
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    std::string_view x = i < a.size() ? strip(a[i]) : std::string_view();
    std::string_view y = i < b.size() ? strip(b[i]) : std::string_view();
    if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    if (int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

// Callbacks flyway runs around `migrate` (and undo): skipping them would run different SQL.
bool flyway_is_callback(std::string_view stem) {
  static constexpr std::string_view events[] = {
      "beforeMigrate", "beforeEachMigrate", "beforeEachMigrateStatement", "afterEachMigrateStatement",
      "afterEachMigrateStatementError", "afterEachMigrate", "afterEachMigrateError", "beforeRepeatables",
      "afterVersioned", "afterMigrateApplied", "afterMigrate", "afterMigrateError", "beforeUndo", "beforeEachUndo",
      "beforeEachUndoStatement", "afterEachUndoStatement", "afterEachUndoStatementError", "afterEachUndo",
      "afterEachUndoError", "afterUndo", "afterUndoError", "beforeConnect", "afterConnect", "createSchema",
      "beforeCreateSchema"};
  for (std::string_view e : events)
    if (stem == e || (stem.starts_with(e) && stem.substr(e.size()).starts_with("__"))) return true;
  return false;
}

struct FlywayConf {
  bool in_transaction = true;
  bool placeholder_replacement = true;
};

bool flyway_bool(const fs::path& file, int line, std::string_view key, std::string_view value) {
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true") return true;
  if (lower == "false") return false;
  fail_at(file, line, fmt::format("{} must be true or false, not \"{}\"", key, value), fmt::format("write {}=false or {}=true", key, key));
}

// The script's .conf, a properties file (SqlScriptMetadata): unknown keys are an error there too.
FlywayConf flyway_read_conf(const fs::path& conf_file) {
  FlywayConf conf;
  if (!is_regular(conf_file)) return conf;
  std::string text = read_script_file(conf_file);
  for (const TextLine& line : split_lines(text)) {
    std::string_view t = trim_blanks(line.text);
    if (t.empty() || t.starts_with('#') || t.starts_with('!')) continue;
    std::size_t eq = t.find('=');
    if (eq == std::string_view::npos)
      fail_at(conf_file, line.number, "not a key=value line", "write executeInTransaction=false");
    std::string_view key = trim_blanks(t.substr(0, eq)), value = trim_blanks(t.substr(eq + 1));
    if (key == "executeInTransaction") {
      conf.in_transaction = flyway_bool(conf_file, line.number, key, value);
    } else if (key == "placeholderReplacement") {
      conf.placeholder_replacement = flyway_bool(conf_file, line.number, key, value);
    } else if (key == "encoding") {
      std::string lower(value);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lower != "utf-8" && lower != "utf8")
        fail_at(conf_file, line.number, fmt::format("encoding {}: slipway reads migrations as UTF-8 only", value),
                "convert the script to UTF-8 and remove the encoding line");
    } else if (key == "shouldExecute") {
      fail_at(conf_file, line.number, "shouldExecute is not supported yet", "remove it, or run this migration with flyway");
    } else {
      fail_at(conf_file, line.number, fmt::format("unknown script configuration property {}", key),
              "flyway accepts executeInTransaction, encoding, placeholderReplacement and shouldExecute");
    }
  }
  return conf;
}

// flyway replaces ${name} in the text before running it; the text as written is other SQL.
void flyway_refuse_placeholders(const fs::path& file, const std::string& sql) {
  std::size_t at = sql.find("${");
  if (at == std::string::npos || sql.find('}', at) == std::string::npos) return;
  int line = 1 + static_cast<int>(std::count(sql.begin(), sql.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  fail_at(file, line, "a flyway placeholder (${...}): slipway does not replace placeholders yet",
          fmt::format("write the value in the script, or, if the text is meant literally, put placeholderReplacement=false in {}.conf",
                      file.filename().string()));
}

struct FlywayFile {
  char prefix = 0;  // 'V', 'U'
  std::vector<std::string> parts;
  std::string version;  // '_' turned into '.', leading zeros kept (MigrationVersion's display text)
  std::string description;
  fs::path file;
};

// nullopt: not a migration flyway would run (other .sql files are ignored, as flyway does).
std::optional<FlywayFile> flyway_classify(const fs::path& file) {
  std::string name = file.filename().string();
  if (!flyway_ends_with_sql(name)) return std::nullopt;
  std::string stem = name.substr(0, name.size() - 4);
  if (flyway_is_callback(stem))
    fail_at(file, 0, "flyway callbacks are not supported yet", "run the callback's SQL yourself, or run these migrations with flyway");
  if (stem.starts_with("R__"))
    fail_at(file, 0, "repeatable migrations (R__) are not supported yet: slipway cannot tell when flyway would rerun them",
            "apply the repeatable migrations with flyway, or turn this one into a versioned V<version>__ migration");
  char prefix = stem.empty() ? 0 : stem[0];
  // A name that starts like a migration but does not parse is a mistake, not a file to skip
  // quietly (flyway's validateMigrationNaming).
  bool looks_versioned = (prefix == 'V' || prefix == 'U' || prefix == 'B' || prefix == 'R') && stem.size() > 1 &&
                         stem[1] >= '0' && stem[1] <= '9';
  if (!looks_versioned) return std::nullopt;
  std::size_t sep = stem.find("__");
  std::string version_text = stem.substr(1, sep == std::string::npos ? std::string::npos : sep - 1);
  FlywayFile f;
  f.prefix = prefix;
  f.file = file;
  f.parts = flyway_version_parts(version_text);
  if (f.parts.empty()) fail_at(file, 0, fmt::format("cannot read the version \"{}\"", version_text), std::string(flyway_naming));
  if (prefix == 'R') fail_at(file, 0, "a repeatable migration cannot have a version", std::string(flyway_naming));
  if (prefix == 'B')
    fail_at(file, 0, "baseline migrations (B<version>__) are not supported yet", "run them with flyway, or apply from a database already at that version");
  f.version = version_text;
  std::replace(f.version.begin(), f.version.end(), '_', '.');
  f.description = sep == std::string::npos ? std::string() : stem.substr(sep + 2);
  std::replace(f.description.begin(), f.description.end(), '_', ' ');
  return f;
}

Section flyway_section(const fs::path& file, const FlywayConf& conf) {
  Section s;
  s.present = true;
  s.file = file;
  s.sql = read_script_file(file);
  if (s.sql.starts_with("\xEF\xBB\xBF")) s.sql.erase(0, 3);  // flyway reads through a BOM-stripping reader
  if (conf.placeholder_replacement) flyway_refuse_placeholders(file, s.sql);
  return s;
}

}  // namespace

bool is_flyway_name(std::string_view file_name) {
  if (!flyway_ends_with_sql(file_name) || file_name.find("__") == std::string_view::npos) return false;
  if (file_name.starts_with("R__")) return true;
  return (file_name[0] == 'V' || file_name[0] == 'U') && file_name.size() > 1 && file_name[1] >= '0' && file_name[1] <= '9';
}

MigrationSet read_flyway(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end;
  if (ec) fail_at(dir, 0, fmt::format("cannot read the directory: {}", ec.message()), "check that it exists and is readable");
  for (; it != end; it.increment(ec)) {
    if (ec) fail_at(dir, 0, fmt::format("cannot read the directory: {}", ec.message()), "check that it is readable");
    if (is_regular(it->path())) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());

  std::vector<FlywayFile> versioned, undo;
  for (const fs::path& file : files) {
    auto f = flyway_classify(file);
    if (f) (f->prefix == 'V' ? versioned : undo).push_back(std::move(*f));
  }
  MigrationSet set;
  set.layout = Layout::flyway;
  set.root = dir;
  std::vector<std::vector<std::string>> parts_of;  // by script index, for the ordering below
  for (FlywayFile& f : versioned) {
    Script script;
    script.version = f.version;
    script.description = f.description;
    FlywayConf conf = flyway_read_conf(fs::path(f.file.string() + ".conf"));
    script.up = flyway_section(f.file, conf);
    script.in_transaction = conf.in_transaction;
    set.scripts.push_back(std::move(script));
  }
  // Order by version; equal versions (1.0 and 1, 01 and 1) are one version twice.
  auto flyway_less = [](const Script& a, const Script& b) {
    return flyway_compare(flyway_version_parts(a.version), flyway_version_parts(b.version)) < 0;
  };
  sort_unique(set.scripts, flyway_less, "flyway");
  for (FlywayFile& u : undo) {
    auto match = std::find_if(set.scripts.begin(), set.scripts.end(), [&](const Script& s) {
      return flyway_compare(flyway_version_parts(s.version), u.parts) == 0;
    });
    if (match == set.scripts.end())
      fail_at(u.file, 0, fmt::format("an undo migration for version {}, which has no V{}__ migration", u.version, u.version),
              "add the versioned migration, or remove the undo script");
    if (match->down.present)
      throw InputError(fmt::format("{} and {} undo the same version {}", match->down.file.string(), u.file.string(), match->version),
                       "keep one undo script per version");
    // An undo runs with its own .conf; slipway keeps one transaction mode per script, so the two
    // must agree.
    FlywayConf conf = flyway_read_conf(fs::path(u.file.string() + ".conf"));
    if (conf.in_transaction != match->in_transaction)
      fail_at(u.file, 0, "the undo script's executeInTransaction differs from its migration's: not supported yet",
              "give both the same executeInTransaction setting");
    match->down = flyway_section(u.file, conf);
  }
  return set;
}

}  // namespace slipway::apply::layouts
