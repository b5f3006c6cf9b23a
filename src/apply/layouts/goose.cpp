// goose: {version}_{name}.sql directly in the directory (version an int64 > 0: sequential or a
// timestamp), sections marked by annotations (internal/sqlparser/parser.go). The annotations
// are only read here: the SQL itself is split into statements later by PostgreSQL's parser, so
// StatementBegin/StatementEnd stay in the section text as the comments they are.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <climits>
#include <optional>

#include "apply/layouts/readers.hpp"
#include "util/error.hpp"

namespace slipway::apply::layouts {

namespace {

constexpr std::string_view goose_docs = "see https://github.com/pressly/goose#sql-migrations";

std::string_view goose_trim(std::string_view s) {  // Go's strings.TrimSpace, ASCII part
  std::size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n\v\f") - b + 1);
}

bool goose_equal_fold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// goose treats a line as an annotation when it trims to "--..." and contains "+goose".
bool goose_looks_annotated(std::string_view line) {
  return goose_trim(line).starts_with("--") && line.find("+goose") != std::string_view::npos;
}

// goose's extractAnnotation: the annotation's canonical name, or the reason goose refuses it.
struct GooseAnnotation {
  std::string name;   // "Up", "Down", "StatementBegin", "StatementEnd", "NO TRANSACTION", "ENVSUB ON", "ENVSUB OFF"
  std::string error;  // non-empty: not an annotation goose accepts
};

GooseAnnotation goose_extract(std::string_view line) {
  if (line.starts_with(' ') || line.starts_with('\t')) return {"", "an annotation must start at the beginning of the line"};
  std::string cmd;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line.compare(i, 2, "--") == 0) {
      ++i;
      continue;
    }
    cmd += line[i];
  }
  std::size_t at = cmd.find("+goose");
  if (at == std::string::npos) return {"", "a '+goose' split by '--'"};
  cmd.erase(at, 6);
  if (cmd.find("+goose") != std::string::npos) return {"", "more than one '+goose' on the line"};
  std::string_view trimmed = goose_trim(cmd);
  if (trimmed.empty()) return {"", "an empty annotation"};
  for (std::string_view known : {"Up", "Down", "StatementBegin", "StatementEnd", "NO TRANSACTION", "ENVSUB ON", "ENVSUB OFF"})
    if (goose_equal_fold(trimmed, known)) return {std::string(known), ""};
  return {"", fmt::format("unknown annotation \"{}\"", trimmed)};
}

Script goose_parse(const fs::path& file, const std::string& text) {
  enum class State { start, up, down } state = State::start;
  bool in_statement = false;
  Script script;
  std::size_t up_begin = 0, up_end = text.size(), down_begin = text.size();
  int down_first_line = 1;
  for (const TextLine& line : split_lines(text)) {
    if (goose_looks_annotated(line.text)) {
      GooseAnnotation a = goose_extract(line.text);
      if (!a.error.empty())
        fail_at(file, line.number, a.error + ": goose refuses this line", fmt::format("write it as \"-- +goose Up\" ({})", goose_docs));
      if (a.name == "Up") {
        if (state != State::start) fail_at(file, line.number, "a second '-- +goose Up' annotation", "keep one Up section per file");
        state = State::up;
        up_begin = line.next;
        script.up.first_line = line.number + 1;
      } else if (a.name == "Down") {
        if (state != State::up || in_statement)
          fail_at(file, line.number,
                  state == State::down ? "a second '-- +goose Down' annotation"
                  : in_statement       ? "'-- +goose Down' inside a StatementBegin/StatementEnd block"
                                       : "'-- +goose Down' before '-- +goose Up'",
                  fmt::format("a file is '-- +goose Up', its SQL, then optionally '-- +goose Down' and its SQL ({})", goose_docs));
        state = State::down;
        up_end = line.begin;
        down_begin = line.next;
        down_first_line = line.number + 1;
      } else if (a.name == "StatementBegin") {
        if (state == State::start || in_statement)
          fail_at(file, line.number,
                  in_statement ? "'-- +goose StatementBegin' inside another StatementBegin block"
                               : "'-- +goose StatementBegin' before '-- +goose Up'",
                  "close the previous block with '-- +goose StatementEnd'");
        in_statement = true;
      } else if (a.name == "StatementEnd") {
        if (!in_statement)
          fail_at(file, line.number, "'-- +goose StatementEnd' without '-- +goose StatementBegin'", "pair each StatementEnd with a StatementBegin");
        in_statement = false;
      } else if (a.name == "NO TRANSACTION") {
        script.in_transaction = false;
      } else if (a.name == "ENVSUB ON") {
        // goose would replace ${VAR} with the environment's values; running the text as written
        // would run different SQL, so refuse rather than guess.
        fail_at(file, line.number, "'-- +goose ENVSUB ON' (environment variable substitution) is not supported yet",
                "substitute the values into the file, or run this migration with goose");
      }
      continue;
    }
    // Before Up, goose allows only blank lines and comments.
    if (state == State::start) {
      std::string_view t = goose_trim(line.text);
      if (!t.empty() && !t.starts_with("--"))
        fail_at(file, line.number, "SQL before the '-- +goose Up' annotation",
                fmt::format("start the file with '-- +goose Up' ({})", goose_docs));
    }
  }
  if (state == State::start)
    fail_at(file, 0, "no '-- +goose Up' annotation: goose cannot run this file",
            fmt::format("start the file with '-- +goose Up' ({})", goose_docs));
  if (in_statement)
    fail_at(file, 0, "'-- +goose StatementBegin' without its '-- +goose StatementEnd'", "close the block with '-- +goose StatementEnd'");
  script.up.present = true;
  script.up.file = file;
  script.up.sql = text.substr(up_begin, up_end - up_begin);
  if (state == State::down) {
    script.down.present = true;
    script.down.file = file;
    script.down.sql = text.substr(down_begin);
    script.down.first_line = down_first_line;
  }
  return script;
}

// goose's NumericComponent: the digits before the first '_'. nullopt: not a migration (goose
// skips such files, e.g. helpers next to Go migrations).
std::optional<unsigned long long> goose_version(const fs::path& file) {
  std::string name = file.filename().string();
  std::size_t underscore = name.find('_');
  if (underscore == std::string::npos || !all_digits(std::string_view(name).substr(0, underscore))) return std::nullopt;
  unsigned long long version = 0;
  if (!parse_decimal(std::string_view(name).substr(0, underscore), LLONG_MAX, version))
    fail_at(file, 0, "the version is larger than goose can record (an int64)", "number the migration with a smaller version");
  if (version == 0) fail_at(file, 0, "version 0: goose requires versions greater than zero", "number the migration from 1");
  return version;
}

}  // namespace

bool is_goose_annotation(std::string_view line, std::string_view annotation) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!goose_looks_annotated(line)) return false;
  return goose_extract(line).name == annotation;
}

MigrationSet read_goose(const fs::path& dir) {
  MigrationSet set;
  set.layout = Layout::goose;
  set.root = dir;
  std::vector<std::string> go_files;
  for (const fs::path& entry : directory_entries(dir)) {
    std::string name = entry.filename().string();
    bool sql = name.ends_with(".sql"), go = name.ends_with(".go") && !name.ends_with("_test.go");
    if (!is_regular(entry) || (!sql && !go)) continue;
    std::optional<unsigned long long> version = goose_version(entry);
    if (!version) continue;
    if (go) {
      go_files.push_back(entry.string());
      continue;
    }
    Script script = goose_parse(entry, read_script_file(entry));
    script.version = std::to_string(*version);  // ParseInt: "00001" is version 1
    std::size_t underscore = name.find('_');
    script.description = name.substr(underscore + 1, name.size() - underscore - 1 - 4);
    set.scripts.push_back(std::move(script));
  }
  // Skipping a Go migration would leave a hole in goose_db_version that goose itself would not.
  if (!go_files.empty())
    throw InputError(fmt::format("goose Go migrations cannot be run by slipway: {}", fmt::join(go_files, ", ")),
                     "run the migrations up to and including them with goose, or rewrite them as .sql files");
  // Canonical decimals: numeric order is (length, text).
  sort_unique(set.scripts, [](const Script& a, const Script& b) {
    return a.version.size() != b.version.size() ? a.version.size() < b.version.size() : a.version < b.version;
  }, "goose");
  return set;
}

}  // namespace slipway::apply::layouts
