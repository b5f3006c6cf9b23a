// ban-drop-column: dropping a column breaks running code that still selects or writes it (ORMs
// often list every column), and it cannot be undone.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class BanDropColumn final : public Rule {
 public:
  RuleInfo info() const override { return {"ban-drop-column", Severity::warning, "dropping a column"}; }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string& sub, const Json& cmd) {
      if (sub != "AT_DropColumn") return;
      out.push_back({"dropping " + table + "." + str(cmd, "name") +
                         " breaks running code that still uses it, and loses its data",
                     "first deploy code that no longer reads or writes the column, then drop it in a later "
                     "migration",
                     ""});
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_ban_drop_column() { return std::make_unique<BanDropColumn>(); }
}  // namespace slipway::lint::rules
