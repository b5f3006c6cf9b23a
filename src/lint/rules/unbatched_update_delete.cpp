// unbatched-update-delete: UPDATE/DELETE without WHERE touches every row in one transaction:
// every row stays locked until COMMIT (concurrent writers wait), WAL and bloat spike, and
// replicas lag.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class UnbatchedUpdateDelete final : public Rule {
 public:
  RuleInfo info() const override {
    return {"unbatched-update-delete", Severity::warning, "UPDATE or DELETE of a whole table in one statement"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if ((s.kind != "UpdateStmt" && s.kind != "DeleteStmt") || get(s.body, "whereClause")) return;
    std::string table = relation(get(s.body, "relation"));
    if (ctx.is_new(table)) return;
    std::string verb = s.kind == "UpdateStmt" ? "UPDATE" : "DELETE";
    out.push_back({verb + " without WHERE writes every row of " + table +
                       " in one transaction: each row stays locked until COMMIT",
                   "batch it by primary-key ranges with a commit per batch (slipway backfill does this with "
                   "throttling and checkpoints)",
                   ""});
  }
};

}  // namespace
std::unique_ptr<Rule> make_unbatched_update_delete() { return std::make_unique<UnbatchedUpdateDelete>(); }
}  // namespace slipway::lint::rules
