// rewriting-table: SET LOGGED/UNLOGGED, SET TABLESPACE, SET ACCESS METHOD, VACUUM FULL and
// CLUSTER copy the whole table while holding ACCESS EXCLUSIVE. slipway repack rebuilds a table
// online (shadow copy + change capture + short swap).
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class RewritingTable final : public Rule {
 public:
  RuleInfo info() const override {
    return {"rewriting-table", Severity::error, "statement that copies the whole table under ACCESS EXCLUSIVE"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    auto report = [&](const std::string& what, const std::string& table) {
      if (table.empty() || ctx.is_new(table)) return;
      out.push_back({what + " rewrites all of " + table + " while holding ACCESS EXCLUSIVE (reads and writes wait)" +
                         held_lock_note(ctx),
                     "rebuild online with `slipway repack --table " + table + "`" , "", -1, table});
    };
    each_alter_cmd(s, [&](const std::string& sub, const Json&) {
      std::string table = altered_table(s);
      if (sub == "AT_SetLogged") report("SET LOGGED", table);
      else if (sub == "AT_SetUnLogged") report("SET UNLOGGED", table);
      else if (sub == "AT_SetTableSpace" && str(s.body, "objtype") == "OBJECT_TABLE") report("SET TABLESPACE", table);
      else if (sub == "AT_SetAccessMethod") report("SET ACCESS METHOD", table);
    });
    if (s.kind == "VacuumStmt") {
      bool full = false;
      for (auto& o : list(s.body, "options"))
        if (auto* d = as(o, "DefElem"))
          if (str(*d, "defname") == "full") full = true;
      if (!full) return;
      auto& rels = list(s.body, "rels");
      if (rels.empty()) report("VACUUM FULL", "every table");
      for (auto& r : rels)
        if (auto* vr = as(r, "VacuumRelation")) report("VACUUM FULL", relation(get(*vr, "relation")));
    } else if (s.kind == "ClusterStmt") {
      std::string table = relation(get(s.body, "relation"));
      report("CLUSTER", table.empty() ? "every clustered table" : table);
    }
  }
};

}  // namespace
std::unique_ptr<Rule> make_rewriting_table() { return std::make_unique<RewritingTable>(); }
}  // namespace slipway::lint::rules
