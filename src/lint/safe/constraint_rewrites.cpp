// Constraints on an existing table, added so that the scan never happens under a lock that
// blocks the application:
//   ADD FOREIGN KEY / CHECK  -> ADD ... NOT VALID (a moment of its lock), VALIDATE CONSTRAINT in
//                               its own transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on)
//   SET NOT NULL             -> the same through CHECK (c IS NOT NULL), then SET NOT NULL, which
//                               finds the valid check and skips its scan (PostgreSQL 12+)
//   ADD UNIQUE / PRIMARY KEY -> CREATE UNIQUE INDEX CONCURRENTLY, ADD CONSTRAINT ... USING INDEX
#include "lint/rules/common.hpp"
#include "lint/safe/rewriters.hpp"

namespace slipway::lint::safe {
namespace {

using namespace ast;

const Json* only_cmd(const Statement& s) {
  auto& cmds = list(s.body, "cmds");
  if (cmds.size() != 1) return nullptr;
  return as(cmds[0], "AlterTableCmd");
}

std::string constraint_name(const std::string& table, const Json& con) {
  std::string name = str(con, "conname");
  if (!name.empty()) return name;
  std::string type = str(con, "contype");
  if (type == "CONSTR_FOREIGN") return rules::default_constraint_name(table, strings(list(con, "fk_attrs")), "fkey");
  if (type == "CONSTR_CHECK")
    return get(con, "raw_expr") ? default_check_name(table, *get(con, "raw_expr"))
                                : rules::default_constraint_name(table, {}, "check");
  if (type == "CONSTR_PRIMARY") return pg::fit_identifier(table_key(table) + "_pkey");
  return rules::default_constraint_name(table, strings(list(con, "keys")), "key");
}

SafePlan not_valid_then_validate(const Statement& s, const std::string& table, const Json& con) {
  bool fk = str(con, "contype") == "CONSTR_FOREIGN";
  std::string name = constraint_name(table, con);
  std::string sql(s.text);
  if (str(con, "conname").empty()) {
    sql = with_word_after(s.text, "ADD", "CONSTRAINT " + rules::ident(name));
    if (sql.empty()) return as_written_with_warning(s, "could not name the constraint to validate it separately");
  }
  SafePlan p;
  p.rewrite = std::string(fk ? "ADD FOREIGN KEY" : "ADD CHECK") + " -> NOT VALID, then VALIDATE CONSTRAINT";
  p.steps.push_back(sql_step(sql + " NOT VALID"));
  p.steps.push_back(sql_step("ALTER TABLE " + rules::qualified(table) + " VALIDATE CONSTRAINT " + rules::ident(name),
                             true));
  return p;
}

// UNIQUE (a, b) / PRIMARY KEY (a) with no options an index built alone could not carry.
bool plain_key_constraint(const Json& con) {
  return !get(con, "indexname") && list(con, "including").empty() && list(con, "options").empty() &&
         str(con, "indexspace").empty() && !list(con, "keys").empty() && !get(con, "where_clause");
}

SafePlan unique_through_index(const Statement& s, const std::string& table, const Json& con) {
  bool primary = str(con, "contype") == "CONSTR_PRIMARY";
  std::string name = constraint_name(table, con);
  std::vector<std::string> keys = strings(list(con, "keys"));
  std::string cols;
  for (auto& k : keys) cols += (cols.empty() ? "" : ", ") + rules::ident(k);
  std::string t = rules::qualified(table);
  SafePlan p;
  p.rewrite = std::string(primary ? "ADD PRIMARY KEY" : "ADD UNIQUE") +
              " -> CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX";
  // A primary key's columns must be NOT NULL: made so first without a scan under the lock.
  if (primary)
    for (auto& k : keys)
      for (auto& st : not_null_steps(table, k)) p.steps.push_back(std::move(st));
  SafeStep build = outside_transaction("CREATE UNIQUE INDEX CONCURRENTLY " + rules::ident(name) + " ON " + t + " (" +
                                       cols + ")" + (flag(con, "nulls_not_distinct") ? " NULLS NOT DISTINCT" : ""));
  build.kind = StepKind::create_index;
  build.table = table;
  build.index = name;
  p.steps.push_back(std::move(build));
  std::string attrs;
  if (flag(con, "deferrable")) attrs += " DEFERRABLE";
  if (flag(con, "initdeferred")) attrs += " INITIALLY DEFERRED";
  p.steps.push_back(sql_step("ALTER TABLE " + t + " ADD CONSTRAINT " + rules::ident(name) +
                             (primary ? " PRIMARY KEY" : " UNIQUE") + " USING INDEX " + rules::ident(name) + attrs));
  return p;
}

}  // namespace

std::optional<SafePlan> rewrite_constraint(const Statement& s, const Context& ctx) {
  if (s.kind != "AlterTableStmt") return std::nullopt;
  std::string table = rules::altered_table(s);
  if (table.empty() || ctx.is_new(table) || ctx.is_new_and_empty(table)) return std::nullopt;
  const Json* cmd = only_cmd(s);
  if (!cmd) {
    // Several sub-commands: rewriting one would mean splitting the statement. Say so when one
    // of them is a hazard a single-command statement would have had rewritten.
    for (auto& item : list(s.body, "cmds"))
      if (auto* c = as(item, "AlterTableCmd")) {
        std::string sub = str(*c, "subtype");
        auto* con = rules::added_constraint(*c);
        bool validating = con && !flag(*con, "skip_validation") &&
                          (str(*con, "contype") == "CONSTR_CHECK" || str(*con, "contype") == "CONSTR_FOREIGN" ||
                           str(*con, "contype") == "CONSTR_UNIQUE" || str(*con, "contype") == "CONSTR_PRIMARY");
        if (validating || (sub == "AT_SetNotNull" && ctx.pg_version() >= 12))
          return as_written_with_warning(s, "one of its sub-commands scans " + table + " under the statement's lock; "
                                                "write it as one ALTER TABLE per change and slipway makes each safe");
      }
    return std::nullopt;
  }
  std::string sub = str(*cmd, "subtype");
  if (sub == "AT_SetNotNull") {
    if (ctx.pg_version() < 12) return std::nullopt;
    std::string column = str(*cmd, "name");
    if (ctx.schema().has_valid_not_null_check(table_key(table), column)) return std::nullopt;
    SafePlan p;
    p.rewrite = "SET NOT NULL -> CHECK (" + column + " IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL, DROP the check";
    p.steps = not_null_steps(table, column);
    return p;
  }
  auto* con = rules::added_constraint(*cmd);
  if (!con) return std::nullopt;
  std::string type = str(*con, "contype");
  if ((type == "CONSTR_CHECK" || type == "CONSTR_FOREIGN") && !flag(*con, "skip_validation"))
    return not_valid_then_validate(s, table, *con);
  if (type == "CONSTR_UNIQUE" || type == "CONSTR_PRIMARY") {
    if (get(*con, "indexname")) return std::nullopt;  // USING INDEX already
    if (!plain_key_constraint(*con))
      return as_written_with_warning(s, "the key's options (INCLUDE, WITH, USING INDEX TABLESPACE, WHERE) are not "
                                        "rewritten: build the unique index CONCURRENTLY yourself, then ADD "
                                        "CONSTRAINT ... USING INDEX");
    return unique_through_index(s, table, *con);
  }
  return std::nullopt;
}

}  // namespace slipway::lint::safe
