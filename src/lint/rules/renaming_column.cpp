// renaming-column: the running application still uses the old name; every query naming it fails
// from the moment the migration commits.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class RenamingColumn final : public Rule {
 public:
  RuleInfo info() const override { return {"renaming-column", Severity::error, "renaming a column"}; }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (s.kind != "RenameStmt" || str(s.body, "renameType") != "OBJECT_COLUMN") return;
    std::string table = relation(get(s.body, "relation"));
    if (ctx.is_new(table)) return;
    out.push_back({"renaming " + table + "." + str(s.body, "subname") + " to " + str(s.body, "newname") +
                       " breaks every running query that uses the old name",
                   "expand/contract: add the new column, sync it with a trigger, backfill, move readers, drop "
                   "the old one (slipway's rename_column does this behind versioned views)",
                   ""});
  }
};

}  // namespace
std::unique_ptr<Rule> make_renaming_column() { return std::make_unique<RenamingColumn>(); }
}  // namespace slipway::lint::rules
