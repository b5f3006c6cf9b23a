// A directory (or list of files) of plain SQL migrations as the tool that owns it sees them:
// golang-migrate, goose, flyway, dbmate, diesel, sqitch, or plain files in order. The readers
// (one per tool under apply/layouts/) only read files; nothing here touches a database.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::apply {

enum class Layout { auto_detect, golang_migrate, goose, flyway, dbmate, diesel, sqitch, plain };

// "golang-migrate", "goose", ... ("auto" for auto_detect): the names of --layout.
std::string_view layout_name(Layout layout);
// The inverse; throws InputError naming the accepted values.
Layout parse_layout(std::string_view name);

// The SQL of one direction of one migration.
struct Section {
  bool present = false;        // false: the migration has no such direction (no down file)
  std::filesystem::path file;  // the file it came from
  std::string sql;             // only this direction's text (goose/dbmate: the section)
  int first_line = 1;          // the line in `file` of sql's first byte (for error messages)
};

// What sqitch's plan says about a change: its registry records all of it (and the change id is
// a hash of it).
struct SqitchChange {
  std::string planner_name;
  std::string planner_email;
  std::string planned_at;  // as written in the plan: 2024-01-02T03:04:05Z
  std::string note;
  std::vector<std::string> requires_;   // dependencies as written (may be "project:change")
  std::vector<std::string> conflicts;
  std::vector<std::string> tags;        // tags that follow this change in the plan ("@v1.0")
  // The same tags in full, in the same order: sqitch's tags table records each tag's planner,
  // date and note (and its tag id hashes them).
  struct Tag {
    std::string name;  // "@v1.0"
    std::string planner_name;
    std::string planner_email;
    std::string planned_at;
    std::string note;
  };
  std::vector<Tag> tag_details;
};

struct Script {
  std::string version;      // as the tool records it: "20240101120000", "1", "1.2.3", sqitch's change name
  std::string description;  // the name part ("add_users"); flyway: with '_' turned into ' '
  Section up;
  Section down;
  // Whether the tool runs the script in one transaction: goose unless NO TRANSACTION, dbmate
  // unless transaction:false, diesel unless run_in_transaction = false, flyway unless
  // executeInTransaction=false (and PostgreSQL statements that cannot run in one), golang-migrate
  // yes (the file is one multi-statement query, an implicit transaction); sqitch no (the script
  // has its own BEGIN/COMMIT).
  bool in_transaction = true;
  std::optional<SqitchChange> sqitch;
};

struct MigrationSet {
  Layout layout = Layout::plain;
  std::filesystem::path root;    // the directory (sqitch: where sqitch.plan is)
  std::vector<Script> scripts;   // in apply order
  std::string sqitch_project;    // %project of sqitch.plan
  std::string sqitch_uri;        // %uri, if any
};

// Reads `inputs` (one directory, or files) as `layout` (auto_detect: from the file names and
// annotations; an ambiguous or unrecognisable input is an InputError saying which --layout to
// give). Throws InputError naming file and line for anything malformed (a goose file without
// `-- +goose Up`, two files with one version, an unparsable sqitch.plan line, ...).
MigrationSet read_migration_set(const std::vector<std::filesystem::path>& inputs, Layout layout);

// The position of `version` in set.scripts; InputError when no script has it.
std::size_t script_index(const MigrationSet& set, std::string_view version);

}  // namespace slipway::apply
