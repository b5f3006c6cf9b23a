// ban-drop-database: a migration should never drop a database.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class BanDropDatabase final : public Rule {
 public:
  RuleInfo info() const override { return {"ban-drop-database", Severity::error, "dropping a database"}; }
  void check(const Statement& s, const Context&, std::vector<Hit>& out) const override {
    if (s.kind != "DropdbStmt") return;
    out.push_back({"DROP DATABASE " + str(s.body, "dbname") + " in a migration destroys everything in it",
                   "drop databases by hand, never from a migration", ""});
  }
};

}  // namespace
std::unique_ptr<Rule> make_ban_drop_database() { return std::make_unique<BanDropDatabase>(); }
}  // namespace slipway::lint::rules
