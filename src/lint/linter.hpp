// The linter's entry point: SQL files and pgroll migration files in, per-file reports out.
// No database connection; pure CPU.
#pragma once
#include <functional>
#include <set>
#include <string>

#include "lint/context.hpp"
#include "lint/finding.hpp"
#include "util/input_limits.hpp"

namespace slipway::lint {

struct LintSettings {
  LintOptions options;
  std::set<std::string> disabled_rules;
  bool explain = false;  // keep every statement's classification
};

// A piece of SQL inside a file and where its bytes are in the file.
struct Fragment {
  std::string sql;
  std::function<Position(std::size_t)> locate;
};

class Linter {
 public:
  explicit Linter(LintSettings settings);

  // Lints SQL text (a .sql file or stdin). Throws InputError for an unknown rule in a directive,
  // and for text that is not UTF-8 or holds a NUL byte (file:line:column).
  FileReport lint_sql(const std::string& path, std::string text);
  // Lints a pgroll migration (YAML or JSON): SQL in `sql` operations, `up`/`down` expressions.
  // InputError for text that is not UTF-8 or holds a NUL or control character.
  FileReport lint_pgroll(const std::string& path, std::string text);
  // Reads and lints a file, choosing the format by extension (.yaml/.yml/.json: pgroll).
  // Throws InputError when the file cannot be read or is larger than limits::max_lint_file_bytes.
  FileReport lint_path(const std::string& path);

  const LintSettings& settings() const { return settings_; }

 private:
  void lint_fragment(const Fragment& f, Context& ctx, FileReport& report, std::size_t fragment_index);
  void finish(Context& ctx, FileReport& report);

  LintSettings settings_;
  SchemaFacts schema_;  // accumulates over the run: later files see earlier files' tables
  std::set<std::string> file_ignored_rules_;
  bool file_ignores_all_ = false;
};

bool is_pgroll_path(const std::string& path);

}  // namespace slipway::lint
