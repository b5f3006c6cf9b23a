// renaming-table: the running application still uses the old name.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class RenamingTable final : public Rule {
 public:
  RuleInfo info() const override { return {"renaming-table", Severity::error, "renaming a table"}; }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (s.kind != "RenameStmt" || str(s.body, "renameType") != "OBJECT_TABLE") return;
    std::string table = relation(get(s.body, "relation"));
    if (ctx.is_new(table)) return;
    out.push_back({"renaming table " + table + " to " + str(s.body, "newname") +
                       " breaks every running query that uses the old name",
                   "rename, then create a view with the old name (CREATE VIEW old AS SELECT * FROM new) until "
                   "no client uses it, or use slipway's versioned schemas",
                   ""});
  }
};

}  // namespace
std::unique_ptr<Rule> make_renaming_table() { return std::make_unique<RenamingTable>(); }
}  // namespace slipway::lint::rules
