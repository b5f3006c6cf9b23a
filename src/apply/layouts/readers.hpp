// The layout readers behind read_migration_set (apply/migration_set.hpp), one per tool, and the
// little they share: reading a script (the project's size limit and UTF-8 check), lines with
// their offsets, errors that name file and line, sorting that reports duplicate versions.
// Internal to apply/: nothing outside migration_set.cpp and the tests' expectations uses it.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "apply/migration_set.hpp"

namespace slipway::apply::layouts {

namespace fs = std::filesystem;

// One reader per tool. `dir` is the one directory given (the callers check that).
MigrationSet read_golang_migrate(const fs::path& dir);
MigrationSet read_goose(const fs::path& dir);
MigrationSet read_flyway(const fs::path& dir);
MigrationSet read_dbmate(const fs::path& dir);
MigrationSet read_diesel(const fs::path& dir);
MigrationSet read_sqitch(const fs::path& dir);
// Files in the given order, or one directory's *.sql by name.
MigrationSet read_plain(const std::vector<fs::path>& inputs);

// sqitch.plan as App::Sqitch::Plan parses it (syntax 1.0.0): its pragmas and changes in plan
// order, each with the line it is on. Reworked changes and the old +/- operators are refused.
struct SqitchPlanChange {
  std::string name;
  int line = 0;
  SqitchChange info;
};
struct SqitchPlan {
  std::string project;
  std::string uri;
  std::vector<SqitchPlanChange> changes;
};
SqitchPlan parse_sqitch_plan(const fs::path& file, std::string_view text);

// --- shared by the readers -------------------------------------------------------------------

// A user file read whole: limits::max_migration_file_bytes and UTF-8 without NUL, each problem
// an InputError naming the file (util/text_file).
std::string read_script_file(const fs::path& file);

// InputError "file:line: what" (line 0: "file: what"), `hint` saying what to do.
[[noreturn]] void fail_at(const fs::path& file, int line, const std::string& what, const std::string& hint);

// The entries directly in `dir`, sorted by name (byte order, as the Go tools' ReadDir and
// Glob); an unreadable directory is an InputError.
std::vector<fs::path> directory_entries(const fs::path& dir);
bool is_regular(const fs::path& path);
bool is_directory(const fs::path& path);

// One line of a text: `text` without its line break ("\n" or "\r\n"), `begin` its offset,
// `next` the offset after its line break, `number` 1-based.
struct TextLine {
  std::string_view text;
  std::size_t begin = 0;
  std::size_t next = 0;
  int number = 1;
};
std::vector<TextLine> split_lines(std::string_view text);

std::string_view trim_blanks(std::string_view text);  // spaces and tabs
bool all_digits(std::string_view text);                // non-empty, ASCII digits only
// The decimal value of `digits` (all_digits) when it fits `max`, as golang-migrate's ParseUint
// and goose's ParseInt read a version; false when it does not.
bool parse_decimal(std::string_view digits, unsigned long long max, unsigned long long& value);

// Sorts `scripts` by `less` (stable: equal keys keep their order) and throws InputError naming
// both files when two compare equal: two scripts with one version.
void sort_unique(std::vector<Script>& scripts, const std::function<bool(const Script&, const Script&)>& less,
                 std::string_view tool);

// The annotations auto detection looks for, shared with the readers so both read them alike.
bool is_goose_annotation(std::string_view line, std::string_view annotation);  // "Up", "Down", ...
bool is_dbmate_directive(std::string_view line, std::string_view direction);   // "up" or "down"
// golang-migrate's {version}_{title}.{up|down}.sql.
bool is_golang_migrate_name(std::string_view file_name);
// flyway's V{version}__{description}.sql (also U and R__), by prefix and separator only.
bool is_flyway_name(std::string_view file_name);

}  // namespace slipway::apply::layouts
