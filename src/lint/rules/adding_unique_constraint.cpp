// adding-unique-constraint: ADD CONSTRAINT ... UNIQUE / PRIMARY KEY builds the index while
// holding ACCESS EXCLUSIVE. Build a unique index CONCURRENTLY first and attach it with
// USING INDEX (instant). NOT VALID does not exist for these constraints. ADD COLUMN ... UNIQUE /
// PRIMARY KEY builds the same index under ADD COLUMN's ACCESS EXCLUSIVE.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

// DEFERRABLE, NULLS NOT DISTINCT, WITH (...), USING INDEX TABLESPACE: a plain CREATE UNIQUE
// INDEX + USING INDEX would drop them, so no mechanical fix is printed.
bool has_index_options(const Json& con, const Json* col = nullptr) {
  if (flag(con, "deferrable") || flag(con, "initdeferred") || flag(con, "nulls_not_distinct") ||
      !list(con, "options").empty() || !str(con, "indexspace").empty())
    return true;
  if (col)  // a column constraint's DEFERRABLE comes as the constraint after it
    for (auto& c : list(*col, "constraints"))
      if (auto* attr = as(c, "Constraint"))
        if (str(*attr, "contype").rfind("CONSTR_ATTR_", 0) == 0 && integer(*attr, "location") > integer(con, "location"))
          return true;
  return false;
}

std::string partitioned_recipe(const std::string& kind) {
  return "on a partitioned table: CREATE UNIQUE INDEX ... ON ONLY the parent (instant, invalid), CREATE UNIQUE INDEX "
         "CONCURRENTLY on each partition and ALTER INDEX ... ATTACH PARTITION each, then ADD CONSTRAINT ... " +
         kind + " (the parent's index is valid by then: no build under the lock)";
}

class AddingUniqueConstraint final : public Rule {
 public:
  RuleInfo info() const override {
    return {"adding-unique-constraint", Severity::error, "UNIQUE or PRIMARY KEY added without USING INDEX"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string&, const Json& cmd) {
      if (auto* col = added_column(cmd)) {
        for (auto* type : {"CONSTR_UNIQUE", "CONSTR_PRIMARY"})
          if (auto* con = column_constraint(*col, type)) out.push_back(column_key(s, ctx, table, cmd, *col, *con));
        return;
      }
      auto* con = added_constraint(cmd);
      if (!con) return;
      std::string type = str(*con, "contype");
      if (type != "CONSTR_UNIQUE" && type != "CONSTR_PRIMARY") return;
      if (!str(*con, "indexname").empty()) return;  // USING INDEX: catalog only
      bool pk = type == "CONSTR_PRIMARY";
      auto keys = strings(list(*con, "keys"));
      std::string name = str(*con, "conname");
      if (name.empty()) name = table_key(table) + (pk ? "_pkey" : "_" + join(keys, "_") + "_key");
      Hit h;
      h.location = integer(*con, "location");
      h.message = std::string(pk ? "PRIMARY KEY" : "UNIQUE") + " constraint builds its index on " + table +
                  " while holding ACCESS EXCLUSIVE (reads and writes wait for the whole build)";
      h.recipe = "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... " + std::string(pk ? "PRIMARY KEY" : "UNIQUE") +
                 " USING INDEX (instant)";
      // Only a one-command statement has a mechanical fix: the other commands would be lost
      // (or depend on this one, e.g. DROP CONSTRAINT ... then ADD PRIMARY KEY).
      bool partitioned = ctx.schema().partitioned.count(table_key(table)) > 0;
      if (partitioned) h.recipe = partitioned_recipe(pk ? "PRIMARY KEY" : "UNIQUE");
      if (!keys.empty() && list(s.body, "cmds").size() == 1 && !partitioned && !has_index_options(*con)) {
        std::string cols;
        for (auto& k : keys) cols += (cols.empty() ? "" : ", ") + ident(k);
        h.fix = "CREATE UNIQUE INDEX CONCURRENTLY " + ident(name) + " ON " + qualified(table) + " (" + cols +
                ");\nALTER TABLE " + qualified(table) + " ADD CONSTRAINT " + ident(name) + " " +
                (pk ? "PRIMARY KEY" : "UNIQUE") + " USING INDEX " + ident(name) + ";";
      }
      out.push_back(std::move(h));
    });
  }

 private:
  // ADD COLUMN c ... UNIQUE / PRIMARY KEY: the same index build, in the column's definition.
  static Hit column_key(const Statement& s, const Context& ctx, const std::string& table, const Json& cmd,
                        const Json& col, const Json& con) {
    bool pk = str(con, "contype") == "CONSTR_PRIMARY";
    std::string kind = pk ? "PRIMARY KEY" : "UNIQUE";
    std::string c = str(col, "colname");
    Hit h;
    h.location = integer(con, "location");
    h.relation = table;
    h.message = "ADD COLUMN " + c + " ... " + kind + " builds a unique index over all of " + table +
                " while holding ACCESS EXCLUSIVE (reads and writes wait for the whole build)";
    if (pk) {  // the key's column must also become NOT NULL, which has its own recipe
      h.recipe = "add the column without PRIMARY KEY, fill it, make it NOT NULL through a validated CHECK (c IS "
                 "NOT NULL), then CREATE UNIQUE INDEX CONCURRENTLY and ADD CONSTRAINT ... PRIMARY KEY USING INDEX";
      return h;
    }
    h.recipe = "add the column without UNIQUE, then CREATE UNIQUE INDEX CONCURRENTLY and ADD CONSTRAINT ... UNIQUE "
               "USING INDEX (instant)";
    if (ctx.schema().partitioned.count(table_key(table))) {
      h.recipe = partitioned_recipe("UNIQUE");
      return h;
    }
    std::string column_sql = column_without_constraint(s, col, con);
    if (column_sql.empty() || has_index_options(con, &col)) return h;
    std::string name = str(con, "conname");
    if (name.empty()) name = default_constraint_name(table, {c}, "key");
    std::string t = qualified(table);
    h.fix = "ALTER TABLE " + t + " ADD COLUMN " + (flag(cmd, "missing_ok") ? "IF NOT EXISTS " : "") + column_sql +
            ";\nCREATE UNIQUE INDEX CONCURRENTLY " + (flag(cmd, "missing_ok") ? "IF NOT EXISTS " : "") + ident(name) + " ON " + t + " (" + ident(c) + ");\nALTER TABLE " +
            t + " ADD CONSTRAINT " + ident(name) + " " + kind + " USING INDEX " + ident(name) + ";";
    return h;
  }
};

}  // namespace
std::unique_ptr<Rule> make_adding_unique_constraint() { return std::make_unique<AddingUniqueConstraint>(); }
}  // namespace slipway::lint::rules
