#include "lint/rules/common.hpp"

#include <algorithm>
#include <cctype>

namespace slipway::lint::rules {

std::string insert_after_keyword(std::string_view text, std::string_view after, std::string_view word) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t i = 0; i + after.size() <= text.size(); ++i) {
    bool match = true;
    for (std::size_t j = 0; j < after.size() && match; ++j) match = lower(text[i + j]) == lower(after[j]);
    if (!match) continue;
    if (i > 0 && is_word(text[i - 1])) continue;
    std::size_t end = i + after.size();
    if (end < text.size() && is_word(text[end])) continue;
    return std::string(text.substr(0, end)) + " " + std::string(word) + std::string(text.substr(end)) + ";";
  }
  return {};
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
