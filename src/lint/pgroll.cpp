// pgroll-format migrations (YAML or JSON, which yaml-cpp also reads, with positions): the SQL of
// `sql` operations is linted like a .sql file; `up`/`down` of other operations must parse as
// SQL expressions.
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <algorithm>

#include "lint/directives.hpp"
#include "lint/linter.hpp"
#include "lint/parser.hpp"
#include "lint/rule.hpp"
#include "lint/source.hpp"
#include "lint/user_text.hpp"
#include "util/input_limits.hpp"
#include "util/text_file.hpp"

namespace slipway::lint {
namespace {

// Maps offsets inside a scalar's value back to the file. Exact for plain and quoted one-line
// scalars and for literal block scalars (`|`); for folded or escaped scalars the line is exact
// and the column approximate.
Locator scalar_locator(const YAML::Node& node, std::string_view file, const LineIndex& lines) {
  YAML::Mark m = node.Mark();
  std::size_t pos = m.pos < 0 ? 0 : static_cast<std::size_t>(m.pos);
  char first = pos < file.size() ? file[pos] : ' ';
  if (first == '|' || first == '>') {
    // Content starts on the next line, indented; value line k is file line (mark line + 2 + k).
    std::size_t next = file.find('\n', pos);
    std::size_t content = next == std::string_view::npos ? file.size() : next + 1;
    std::size_t indent = 0;
    while (content + indent < file.size() && file[content + indent] == ' ') ++indent;
    int first_line = lines.position(content).line;
    std::string value = node.as<std::string>();
    return [value, first_line, indent, &lines](std::size_t offset) {
      int line = first_line;
      std::size_t line_begin = 0;
      for (std::size_t i = 0; i < offset && i < value.size(); ++i)
        if (value[i] == '\n') {
          ++line;
          line_begin = i + 1;
        }
      std::size_t file_offset = lines.line_start(line) + indent + (offset - line_begin);
      return lines.position(file_offset);
    };
  }
  std::size_t start = (first == '"' || first == '\'') ? pos + 1 : pos;
  return [start, &lines](std::size_t offset) { return lines.position(start + offset); };
}

struct Piece {
  YAML::Node node;
  std::string what;  // e.g. "operations[2].alter_column.up"
  bool sql;          // SQL statements (sql operation) or one expression
};

// Counts the nodes a walk visits (an alias's target again at each use) and stops the walk when a
// file expands beyond limits::max_migration_values for its size (aliases counted at each use).
struct NodeBudget {
  std::size_t left;
  struct Exhausted {};
  void spend() {
    if (left == 0) throw Exhausted{};
    --left;
  }
};

void collect_expressions(const YAML::Node& n, const std::string& where, std::vector<Piece>& out, NodeBudget& budget) {
  budget.spend();
  if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string key = it->first.as<std::string>();
      std::string path = where + "." + key;
      if ((key == "up" || key == "down") && it->second.IsScalar()) {
        out.push_back({it->second, path, false});
      } else if ((key == "up" || key == "down") && it->second.IsMap()) {  // create_constraint: column -> expr
        for (auto c = it->second.begin(); c != it->second.end(); ++c)
          if (c->second.IsScalar()) out.push_back({c->second, path + "." + c->first.as<std::string>(), false});
      } else {
        collect_expressions(it->second, path, out, budget);
      }
    }
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) collect_expressions(n[i], where + "[" + std::to_string(i) + "]", out, budget);
  }
}

Finding expression_error(const std::string& what, const SyntaxError& e, const Locator& locate, std::size_t len) {
  Finding f;
  f.rule = std::string(syntax_error_rule);
  f.severity = Severity::error;
  f.message = what + " is not a valid SQL expression: " + e.message;
  f.statement = {locate(0), locate(len)};
  f.at = locate(e.offset);
  f.recipe = "write a single SQL expression over the table's columns (no ';', no statement keywords)";
  return f;
}

Finding file_error(std::string message, Position at, std::string recipe) {
  Finding f;
  f.rule = std::string(syntax_error_rule);
  f.severity = Severity::error;
  f.message = std::move(message);
  f.at = at;
  f.statement = {at, at};
  f.recipe = std::move(recipe);
  return f;
}

// The SQL of `sql` operations and the expressions of the others, in file order.
std::vector<Piece> collect_pieces(const YAML::Node& ops, NodeBudget& budget) {
  std::vector<Piece> pieces;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    std::string where = "operations[" + std::to_string(i) + "]";
    auto op = ops[i];
    if (!op.IsMap()) continue;
    for (auto it = op.begin(); it != op.end(); ++it) {
      std::string name = it->first.as<std::string>();
      if (name == "sql" && it->second.IsMap()) {
        for (const char* key : {"up", "down"})
          if (it->second[key] && it->second[key].IsScalar()) pieces.push_back({it->second[key], where + ".sql." + key, true});
      } else {
        collect_expressions(it->second, where + "." + name, pieces, budget);
      }
    }
  }
  return pieces;
}

}  // namespace

FileReport Linter::lint_pgroll(const std::string& path, std::string text) {
  check_text(text, path, true);
  FileReport report;
  report.path = path;
  report.text = std::move(text);
  LineIndex lines(report.text);
  Locator file_locate = [&](std::size_t o) { return lines.position(o); };
  auto file_directive = file_ignore_directive(report.text, file_locate);
  file_ignores_all_ = file_directive.all;
  file_ignored_rules_ = file_directive.rules;
  report.ignored = file_ignores_all_;

  std::vector<Piece> pieces;
  try {
    YAML::Node doc = YAML::Load(report.text);
    YAML::Node ops = doc.IsMap() ? doc["operations"] : YAML::Node();
    if (!ops || !ops.IsSequence()) {
      report.findings.push_back(file_error("not a pgroll migration: no `operations` list", {},
                                           "a pgroll migration is a map with an `operations` list"));
      return report;
    }
    NodeBudget budget{limits::max_migration_values(report.text.size())};
    pieces = collect_pieces(ops, budget);
  } catch (const NodeBudget::Exhausted&) {
    report.findings.push_back(file_error(
        fmt::format("not linted: its aliases expand to more than {} YAML nodes", limits::max_migration_values(report.text.size())),
        {}, "write the operations out instead of nesting aliases (a YAML alias is expanded at each use)"));
    return report;
  } catch (const YAML::Exception& e) {
    // A syntax error, or a shape the walk cannot read (a map or a list as a key).
    Position at{std::max(e.mark.line, 0) + 1, std::max(e.mark.column, 0) + 1};  // a null mark is -1
    report.findings.push_back(file_error("not a valid pgroll migration (YAML/JSON): " + e.msg, at, {}));
    return report;
  }
  Context ctx(settings_.options, schema_);
  std::size_t index = 0;
  for (auto& p : pieces) {
    std::string value = p.node.as<std::string>();
    Locator locate = scalar_locator(p.node, report.text, lines);
    if (p.sql) {
      lint_fragment(Fragment{value, locate}, ctx, report, index++);
    } else {
      ++report.statement_count;
      if (file_ignores_all_ || settings_.disabled_rules.count(std::string(syntax_error_rule))) continue;
      if (auto err = check_expression(value)) report.findings.push_back(expression_error(p.what, *err, locate, value.size()));
    }
  }
  finish(ctx, report);
  return report;
}

}  // namespace slipway::lint
