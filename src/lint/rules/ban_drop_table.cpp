// ban-drop-table: dropping a table breaks running code that still uses it and loses its data.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class BanDropTable final : public Rule {
 public:
  RuleInfo info() const override { return {"ban-drop-table", Severity::warning, "dropping a table"}; }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (s.kind != "DropStmt" || str(s.body, "removeType") != "OBJECT_TABLE") return;
    for (auto& o : list(s.body, "objects"))
      if (auto* l = as(o, "List")) {
        std::string name = join(strings(list(*l, "items")));
        if (ctx.is_new(name)) continue;
        out.push_back({"dropping table " + name + " breaks running code that still uses it, and loses its data",
                       "stop using the table in a deployed release first; consider renaming it aside before "
                       "dropping it for good",
                       "", -1, name});
      }
  }
};

}  // namespace
std::unique_ptr<Rule> make_ban_drop_table() { return std::make_unique<BanDropTable>(); }
}  // namespace slipway::lint::rules
