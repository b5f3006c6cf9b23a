#include "migration/ops/column_sql.hpp"

#include <fmt/format.h>
#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "catalog/inspector.hpp"
#include "pg/connection.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"

namespace slipway::migration {
namespace {

// libpg_query's JSON parse tree of `SELECT <expression>`; InputError if it does not parse.
nlohmann::json parse_select(const std::string& sql) {
  PgQueryParseResult r = pg_query_parse(sql.c_str());
  struct Free {
    PgQueryParseResult& r;
    ~Free() { pg_query_free_parse_result(r); }
  } free_result{r};
  if (r.error) throw InputError(fmt::format("cannot parse expression `{}`: {}", sql, r.error->message));
  return nlohmann::json::parse(r.parse_tree);
}

// Calls `visit(node_type, node)` for every node of the tree.
template <typename F>
void walk(const nlohmann::json& j, const F& visit) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.value().is_object()) visit(it.key(), it.value());
      walk(it.value(), visit);
    }
  } else if (j.is_array()) {
    for (const auto& e : j) walk(e, visit);
  }
}

// Length of the identifier token starting at `pos`: "quoted ""x""" or bare.
size_t identifier_length(const std::string& s, size_t pos) {
  if (s[pos] == '"') {
    size_t i = pos + 1;
    while (i < s.size()) {
      if (s[i] == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          i += 2;
          continue;
        }
        return i + 1 - pos;
      }
      ++i;
    }
    return s.size() - pos;
  }
  size_t i = pos;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '$' ||
                          static_cast<unsigned char>(s[i]) >= 0x80))
    ++i;
  return i - pos;
}

// PostgreSQL's message without the LINE/caret context lines.
std::string first_line(std::string msg) {
  if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
  while (!msg.empty() && std::isspace(static_cast<unsigned char>(msg.back()))) msg.pop_back();
  return msg;
}

// True if any function of one of these names has a volatile overload (unknown: true).
bool any_volatile(pg::Connection& conn, const std::set<std::string>& functions) {
  if (functions.empty()) return false;
  return conn
      .query_value<bool>("SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = ANY($1::text[]) AND provolatile = 'v')",
                         catalog::text_array_literal({functions.begin(), functions.end()}))
      .value_or(true);
}

}  // namespace

std::string rename_columns_in_expression(const std::string& expression,
                                         const std::map<std::string, std::string>& renames) {
  const std::string prefix = "SELECT ";
  const std::string sql = prefix + expression;
  auto tree = parse_select(sql);
  // (location, length, replacement) of every unqualified column reference to rename.
  std::vector<std::pair<size_t, std::pair<size_t, std::string>>> edits;
  walk(tree, [&](const std::string& type, const nlohmann::json& node) {
    if (type != "ColumnRef" || !node.contains("fields") || !node.contains("location")) return;
    const auto& fields = node["fields"];
    if (fields.size() != 1 || !fields[0].contains("String")) return;
    auto it = renames.find(fields[0]["String"].value("sval", ""));
    if (it == renames.end()) return;
    size_t loc = node["location"].get<size_t>();
    edits.push_back({loc, {identifier_length(sql, loc), pg::quote_ident(it->second)}});
  });
  std::sort(edits.begin(), edits.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::string out = sql;
  for (const auto& [loc, e] : edits) out.replace(loc, e.first, e.second);
  return out.substr(prefix.size());
}

bool expression_is_volatile(pg::Connection& conn, const std::string& expression) {
  auto tree = parse_select("SELECT " + expression);
  std::set<std::string> functions;
  walk(tree, [&](const std::string& type, const nlohmann::json& node) {
    if (type != "FuncCall" || !node.contains("funcname")) return;
    const auto& name = node["funcname"];
    if (!name.empty() && name.back().contains("String")) functions.insert(name.back()["String"].value("sval", ""));
  });
  return any_volatile(conn, functions);
}

std::optional<std::set<std::string>> columns_read_by_assignments(pg::Connection& conn,
                                                                 const std::vector<std::string>& assignments,
                                                                 const std::set<std::string>& table_columns) {
  if (assignments.empty()) return std::set<std::string>{};
  std::string sql = "UPDATE t SET ";
  for (size_t i = 0; i < assignments.size(); ++i) sql += (i ? ", " : "") + assignments[i];
  auto tree = parse_select(sql);
  std::set<std::string> read, functions;
  bool known = true;
  walk(tree, [&](const std::string& type, const nlohmann::json& node) {
    if (type == "SubLink") known = false;
    if (type == "FuncCall" && node.contains("funcname") && !node["funcname"].empty() &&
        node["funcname"].back().contains("String"))
      functions.insert(node["funcname"].back()["String"].value("sval", ""));
    if (type != "ColumnRef") return;
    const auto& fields = node.value("fields", nlohmann::json::array());
    if (fields.size() != 1 || !fields[0].contains("String")) {
      known = false;  // t.col, t.*, *
      return;
    }
    std::string name = fields[0]["String"].value("sval", "");
    if (!table_columns.count(name)) known = false;  // e.g. the table's name: the whole row
    read.insert(name);
  });
  if (!known || any_volatile(conn, functions)) return std::nullopt;
  return read;
}

std::optional<std::set<std::string>> names_referenced(const std::string& expression) {
  nlohmann::json tree;
  try {
    tree = parse_select("SELECT " + expression);
  } catch (const InputError&) {
    return std::nullopt;
  }
  std::set<std::string> names;
  bool star = false;
  walk(tree, [&](const std::string& type, const nlohmann::json& node) {
    if (type != "ColumnRef") return;
    for (const auto& f : node.value("fields", nlohmann::json::array())) {
      if (f.contains("String")) names.insert(f["String"].value("sval", ""));
      else star = true;  // A_Star
    }
  });
  if (star) return std::nullopt;
  return names;
}

std::string helper_name(const std::string& prefix, const std::string& name) {
  return pg::fit_identifier(prefix + name);
}

std::string not_null_check_name(const std::string& physical_column) {
  // _slipway_nn_<col> rather than _slipway_nn__slipway_new_<col>.
  const std::string temp_prefix = "_slipway_new_";
  std::string column = physical_column.rfind(temp_prefix, 0) == 0 ? physical_column.substr(temp_prefix.size())
                                                                   : physical_column;
  return helper_name("_slipway_nn_", column);
}

std::string duplicate_name(const std::string& name) { return helper_name("_slipway_dup_", name); }

std::optional<std::string> expression_error(pg::Connection& conn, const std::string& table_alias,
                                            const std::vector<TypedColumn>& columns,
                                            const std::string& expression, const std::string& cast_to) {
  std::string row;
  for (const auto& [name, type] : columns) {
    if (!row.empty()) row += ", ";
    row += fmt::format("NULL::{} AS {}", type, pg::quote_ident(name));
  }
  if (row.empty()) row = "NULL AS \"_slipway_none\"";
  std::string value = "(" + expression + ")";
  if (!cast_to.empty()) value = fmt::format("CAST({} AS {})", value, cast_to);
  // One statement through the extended protocol (no `;`-chaining possible), LIMIT 0 so the
  // expression is planned but never evaluated.
  std::string sql = fmt::format("SELECT {} FROM (SELECT {}) AS {} LIMIT 0", value, row, pg::quote_ident(table_alias));
  try {
    conn.exec_params(sql);
    return std::nullopt;
  } catch (const pg::PgError& e) {
    return first_line(e.what());
  }
}

std::optional<std::string> type_error(pg::Connection& conn, const std::string& type) {
  try {
    conn.exec_params(fmt::format("SELECT NULL::{} LIMIT 0", type));
    return std::nullopt;
  } catch (const pg::PgError& e) {
    return first_line(e.what());
  }
}

std::optional<std::string> referential_action_keyword(const std::string& value) {
  std::string v;
  for (char c : value) v += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // Accept "SET_NULL" spellings too.
  std::replace(v.begin(), v.end(), '_', ' ');
  for (const char* a : {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"})
    if (v == a) return std::string(a);
  return std::nullopt;
}

}  // namespace slipway::migration
