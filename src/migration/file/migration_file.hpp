// A migration in pgroll's file format (YAML or JSON): the file's base name is the migration
// name; `operations` is a list of single-key objects; `version_schema` is optional.
#pragma once
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migration/file/source_map.hpp"
#include "migration/ops/operation.hpp"
#include "util/input_limits.hpp"

namespace slipway::migration {

struct MigrationDocument {
  std::string name;
  std::optional<std::string> version_schema;
  // The file as read, as compact JSON text: stored in the history and compared with it. Kept as
  // text, not as a tree: a tree of 20,000 operations is about 12 times the file.
  std::string document_text;
  nlohmann::json document() const { return nlohmann::json::parse(document_text); }
  SourceMap source;
  std::vector<std::unique_ptr<Operation>> operations;
};

// Reads and strictly parses a .yaml/.yml/.json file. Throws InputError with file:line:col and
// the field path on any problem.
MigrationDocument read_migration_file(const std::string& path);
// The same for a file's text already in memory (`path` is for messages, and its base name is
// the migration's name): one document, UTF-8 without NUL bytes or control characters, within
// the limits of util/input_limits.
MigrationDocument read_migration_text(std::string_view text, const std::string& path);
// What `text` written as a plain (unquoted) YAML scalar reads back as: null, a boolean, a number
// or the string itself (the reader's typing, for writers that must quote what would not).
nlohmann::json yaml_plain_scalar(const std::string& text);
// The file as a JSON document, not parsed as a migration (limits and text checks as above).
nlohmann::json read_migration_document(const std::string& path);
// Parses a document already in memory (from the state schema, or a test).
MigrationDocument parse_migration(const std::string& name, nlohmann::json document,
                                  SourceMap source = {});
// The files of a directory that are migrations, in apply order (sorted by name).
std::vector<std::string> migration_files_in(const std::string& dir);

}  // namespace slipway::migration
