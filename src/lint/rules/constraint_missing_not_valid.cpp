// constraint-missing-not-valid: ADD CONSTRAINT ... CHECK / FOREIGN KEY validates every row
// while holding its lock (ACCESS EXCLUSIVE for CHECK; SHARE ROW EXCLUSIVE on both tables for a
// foreign key). Adding it NOT VALID and validating separately only takes SHARE UPDATE EXCLUSIVE
// for the scan. `ADD COLUMN ... DEFAULT x REFERENCES t` is the same hazard in disguise: the new
// foreign key is validated with a scan while ADD COLUMN's ACCESS EXCLUSIVE is held, and a column
// constraint cannot be NOT VALID. (Without a default the column is all NULL and PostgreSQL marks
// the key valid without a scan: measured 4 ms against 222 ms with DEFAULT 1 on 2M rows.)
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

// "ALTER TABLE t ADD CONSTRAINT name ..." with the name written out (so VALIDATE can name it).
std::string named_constraint_sql(const Statement& s, const std::string& name, bool has_name) {
  std::string text(s.text);
  if (has_name) return text;
  std::string named = insert_after_keyword(text, "ADD", "CONSTRAINT " + ident(name));
  if (named.empty()) return {};
  named.pop_back();  // insert_after_keyword ends it with ';'
  return named;
}

class ConstraintMissingNotValid final : public Rule {
 public:
  RuleInfo info() const override {
    return {"constraint-missing-not-valid", Severity::error, "CHECK or FOREIGN KEY added without NOT VALID"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    std::size_t cmds = list(s.body, "cmds").size();
    each_alter_cmd(s, [&](const std::string&, const Json& cmd) {
      if (auto* col = added_column(cmd)) {
        auto* fk = column_constraint(*col, "CONSTR_FOREIGN");
        if (fk && column_has_value_expression(*col)) out.push_back(column_reference(s, table, cmd, *col, *fk));
        return;
      }
      auto* con = added_constraint(cmd);
      if (!con || flag(*con, "skip_validation")) return;
      std::string type = str(*con, "contype");
      if (type != "CONSTR_CHECK" && type != "CONSTR_FOREIGN") return;
      bool fk = type == "CONSTR_FOREIGN";
      std::string name = str(*con, "conname");
      Hit h;
      h.location = integer(*con, "location");
      h.relation = table;
      h.message = std::string(fk ? "FOREIGN KEY" : "CHECK") + " constraint " + (name.empty() ? "" : name + " ") +
                  "is validated against every row of " + table + " while holding " +
                  (fk ? "SHARE ROW EXCLUSIVE on both tables" : "ACCESS EXCLUSIVE");
      h.recipe = "add the constraint NOT VALID (instant), then VALIDATE CONSTRAINT in a separate transaction "
                 "(SHARE UPDATE EXCLUSIVE: reads and writes continue)";
      if (cmds == 1) {
        std::string given = !name.empty() ? name
                            : fk          ? default_constraint_name(table, strings(list(*con, "fk_attrs")), "fkey")
                            : get(*con, "raw_expr") ? default_check_name(table, *get(*con, "raw_expr"))
                                                    : default_constraint_name(table, {}, "check");
        std::string sql = named_constraint_sql(s, given, !name.empty());
        if (!sql.empty())
          h.fix = sql + " NOT VALID;\nALTER TABLE " + qualified(table) + " VALIDATE CONSTRAINT " + ident(given) + ";";
      }
      out.push_back(std::move(h));
    });
  }

 private:
  static Hit column_reference(const Statement& s, const std::string& table, const Json& cmd, const Json& col,
                              const Json& fk) {
    std::string c = str(col, "colname");
    std::string pk = relation(get(fk, "pktable"));
    Hit h;
    h.location = integer(fk, "location");
    h.relation = table;
    h.message = "the foreign key of new column " + c + " (REFERENCES " + pk + ") is validated against every row of " +
                table + " (the column has a value) while ADD COLUMN holds ACCESS EXCLUSIVE on it (reads and writes "
                "wait for the scan)";
    h.recipe = "add the column without REFERENCES, then ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID (instant) "
               "and VALIDATE CONSTRAINT in a separate transaction (SHARE UPDATE EXCLUSIVE)";
    std::string column_sql = column_without_constraint(s, col, fk);
    std::string reference = column_constraint_text(s, col, fk);
    auto at = find_keyword(reference, "REFERENCES");
    if (column_sql.empty() || at == std::string::npos) return h;
    std::string name = str(fk, "conname");
    if (name.empty()) name = default_constraint_name(table, {c}, "fkey");
    std::string t = qualified(table);
    h.fix = "ALTER TABLE " + t + " ADD COLUMN " + (flag(cmd, "missing_ok") ? "IF NOT EXISTS " : "") + column_sql +
            ";\nALTER TABLE " + t + " ADD CONSTRAINT " + ident(name) + " FOREIGN KEY (" + ident(c) + ") " +
            reference.substr(at) + " NOT VALID;\nALTER TABLE " + t + " VALIDATE CONSTRAINT " + ident(name) + ";";
    return h;
  }
};

}  // namespace
std::unique_ptr<Rule> make_constraint_missing_not_valid() { return std::make_unique<ConstraintMissingNotValid>(); }
}  // namespace slipway::lint::rules
