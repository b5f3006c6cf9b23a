#include "lint/rules/common.hpp"

#include <algorithm>
#include <cctype>

namespace slipway::lint::rules {

std::size_t find_keyword(std::string_view text, std::string_view keyword, std::size_t from) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t i = from; i + keyword.size() <= text.size(); ++i) {
    // Not inside a quoted identifier, a string or a comment ("add", 'references', -- add).
    char c = text[i];
    if (c == '"' || c == '\'') {
      std::size_t close = text.find(c, i + 1);
      while (close != std::string_view::npos && close + 1 < text.size() && text[close + 1] == c)
        close = text.find(c, close + 2);
      if (close == std::string_view::npos) return std::string_view::npos;
      i = close;
      continue;
    }
    if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      i = text.find('\n', i);
      if (i == std::string_view::npos) return i;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      i = text.find("*/", i + 2);
      if (i == std::string_view::npos) return i;
      ++i;
      continue;
    }
    bool match = true;
    for (std::size_t j = 0; j < keyword.size() && match; ++j) match = lower(text[i + j]) == lower(keyword[j]);
    if (!match) continue;
    if (i > 0 && is_word(text[i - 1])) continue;
    std::size_t end = i + keyword.size();
    if (end < text.size() && is_word(text[end])) continue;
    return i;
  }
  return std::string_view::npos;
}

std::string insert_after_keyword(std::string_view text, std::string_view after, std::string_view word) {
  std::size_t at = find_keyword(text, after);
  if (at == std::string_view::npos) return {};
  std::size_t end = at + after.size();
  return std::string(text.substr(0, end)) + " " + std::string(word) + std::string(text.substr(end)) + ";";
}

std::string trimmed_text(std::string_view t) {
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  return std::string(t);
}

namespace {

// [start, end) of `con` among the column's constraints, by node location.
std::pair<int, int> constraint_bounds(const Json& col, const Json& con) {
  int start = integer(con, "location");
  int end = -1;
  for (auto& c : list(col, "constraints")) {
    auto* other = as(c, "Constraint");
    int at = other ? integer(*other, "location") : -1;
    if (!other || at <= start) continue;
    if (str(*other, "contype").rfind("CONSTR_ATTR_", 0) == 0) continue;  // DEFERRABLE ... belongs to it
    if (end < 0 || at < end) end = at;
  }
  return {start, end};
}

}  // namespace

std::string column_constraint_text(const Statement& s, const Json& col, const Json& con) {
  if (list(s.body, "cmds").size() != 1) return {};
  auto [start, end] = constraint_bounds(col, con);
  if (start < 0) return {};
  return trimmed_text(s.text_between(start, end));
}

std::string column_without_constraint(const Statement& s, const Json& col, const Json& con) {
  if (list(s.body, "cmds").size() != 1) return {};
  int col_at = integer(col, "location");
  auto [start, end] = constraint_bounds(col, con);
  if (col_at < 0 || start < col_at) return {};
  std::string before = trimmed_text(s.text_between(col_at, start));
  std::string after = end < 0 ? std::string() : trimmed_text(s.text_between(end));
  if (before.empty()) return {};
  return after.empty() ? before : before + " " + after;
}

std::string held_lock_note(const Context& ctx) {
  for (auto& h : ctx.held_locks())
    if (blocks_traffic(h.mode))
      return ". The transaction already holds " + std::string(lock_name(h.mode)) + " on " + h.relation +
             " since line " + std::to_string(h.since.line) + ", so that table stays blocked too until COMMIT.";
  return {};
}

}  // namespace slipway::lint::rules

namespace slipway::lint::rules {

namespace {

bool key_constraint(const Json& col) {
  return column_constraint(col, "CONSTR_PRIMARY") || column_constraint(col, "CONSTR_IDENTITY") ||
         column_constraint(col, "CONSTR_FOREIGN");
}

}  // namespace

std::vector<NewColumn> new_columns(const Statement& s) {
  std::vector<NewColumn> out;
  if (s.kind == "CreateStmt") {
    std::string table = relation(get(s.body, "relation"));
    std::vector<std::string> keys;
    for (auto& e : list(s.body, "tableElts"))
      if (auto* con = as(e, "Constraint")) {
        std::string t = str(*con, "contype");
        if (t == "CONSTR_PRIMARY")
          for (auto& k : strings(list(*con, "keys"))) keys.push_back(k);
        if (t == "CONSTR_FOREIGN")
          for (auto& k : strings(list(*con, "fk_attrs"))) keys.push_back(k);
      }
    for (auto& e : list(s.body, "tableElts"))
      if (auto* col = as(e, "ColumnDef")) {
        if (!get(*col, "typeName")) continue;
        std::string name = str(*col, "colname");
        bool key = key_constraint(*col) || std::find(keys.begin(), keys.end(), name) != keys.end();
        out.push_back({table, name, get(*col, "typeName"), key, integer(*get(*col, "typeName"), "location")});
      }
  } else if (s.kind == "AlterTableStmt") {
    std::string table = relation(get(s.body, "relation"));
    each_alter_cmd(s, [&](const std::string& sub, const Json& cmd) {
      auto* def = get(cmd, "def");
      auto* col = def ? as(*def, "ColumnDef") : nullptr;
      if (!col || !get(*col, "typeName")) return;
      if (sub == "AT_AddColumn")
        out.push_back({table, str(*col, "colname"), get(*col, "typeName"), key_constraint(*col),
                       integer(*get(*col, "typeName"), "location")});
      else if (sub == "AT_AlterColumnType")
        out.push_back({table, str(cmd, "name"), get(*col, "typeName"), false,
                       integer(*get(*col, "typeName"), "location")});
    });
  }
  return out;
}

}  // namespace slipway::lint::rules
