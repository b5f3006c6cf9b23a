// ban-truncate-cascade: TRUNCATE ... CASCADE also empties every table that references the
// named ones, recursively; which tables that is depends on the live schema, not the migration.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class BanTruncateCascade final : public Rule {
 public:
  RuleInfo info() const override { return {"ban-truncate-cascade", Severity::error, "TRUNCATE ... CASCADE"}; }
  void check(const Statement& s, const Context&, std::vector<Hit>& out) const override {
    if (s.kind != "TruncateStmt" || str(s.body, "behavior") != "DROP_CASCADE") return;
    out.push_back({"TRUNCATE ... CASCADE also empties every table with a foreign key to these, recursively",
                   "name every table to truncate explicitly (without CASCADE)", ""});
  }
};

}  // namespace
std::unique_ptr<Rule> make_ban_truncate_cascade() { return std::make_unique<BanTruncateCascade>(); }
}  // namespace slipway::lint::rules
