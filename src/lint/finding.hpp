// What the linter reports: findings with positions, per-file reports, severities.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace slipway::lint {

enum class Severity { warning, error };
const char* severity_name(Severity s);

// 1-based line and column (columns count UTF-8 characters, as editors do).
struct Position {
  int line = 1;
  int col = 1;
};

// A region of the linted text: byte offsets into the fragment and their positions in the file.
struct Span {
  Position start;
  Position end;
};

struct Finding {
  std::string rule;
  Severity severity = Severity::warning;
  std::string message;
  Span statement;      // the whole statement the finding is about
  Position at;         // the precise node (falls back to the statement's start)
  std::string lock;    // e.g. "ACCESS EXCLUSIVE on users" (empty if none)
  std::string blocks;  // e.g. "reads and writes"
  std::string recipe;  // the safe way, in words
  std::string fix;     // rewritten SQL when a mechanical fix exists
};

// The --explain view of one statement.
struct StatementInfo {
  Span span;
  std::string kind;  // parse-tree node name, e.g. "AlterTableStmt"
  std::string summary;  // e.g. "ACCESS EXCLUSIVE on users (blocks reads and writes); rewrites the table"
};

struct FileReport {
  std::string path;  // as given ("-" for stdin)
  std::string text;  // the file's content, for snippets
  std::vector<Finding> findings;
  std::vector<StatementInfo> statements;
  std::size_t statement_count = 0;
  bool ignored = false;  // slipway:ignore-file
};

}  // namespace slipway::lint
