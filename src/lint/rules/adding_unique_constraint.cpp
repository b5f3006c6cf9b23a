// adding-unique-constraint: ADD CONSTRAINT ... UNIQUE / PRIMARY KEY builds the index while
// holding ACCESS EXCLUSIVE. Build a unique index CONCURRENTLY first and attach it with
// USING INDEX (instant). NOT VALID does not exist for these constraints.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class AddingUniqueConstraint final : public Rule {
 public:
  RuleInfo info() const override {
    return {"adding-unique-constraint", Severity::error, "UNIQUE or PRIMARY KEY added without USING INDEX"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string&, const Json& cmd) {
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
      if (!keys.empty()) {
        std::string cols;
        for (auto& k : keys) cols += (cols.empty() ? "" : ", ") + ident(k);
        h.fix = "CREATE UNIQUE INDEX CONCURRENTLY " + ident(name) + " ON " + qualified(table) + " (" + cols +
                ");\nALTER TABLE " + qualified(table) + " ADD CONSTRAINT " + ident(name) + " " +
                (pk ? "PRIMARY KEY" : "UNIQUE") + " USING INDEX " + ident(name) + ";";
      }
      out.push_back(std::move(h));
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_adding_unique_constraint() { return std::make_unique<AddingUniqueConstraint>(); }
}  // namespace slipway::lint::rules
