// refresh-matview-without-concurrently: REFRESH MATERIALIZED VIEW holds ACCESS EXCLUSIVE on the
// view for the whole query; CONCURRENTLY only takes EXCLUSIVE (reads continue) and needs a
// unique index on the view.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class RefreshMatviewWithoutConcurrently final : public Rule {
 public:
  RuleInfo info() const override {
    return {"refresh-matview-without-concurrently", Severity::error, "REFRESH MATERIALIZED VIEW without CONCURRENTLY"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (s.kind != "RefreshMatViewStmt" || flag(s.body, "concurrent")) return;
    std::string view = relation(get(s.body, "relation"));
    if (ctx.is_new(view)) return;
    if (flag(s.body, "skipData")) return;  // WITH NO DATA empties the view: nothing to compute
    out.push_back({"REFRESH MATERIALIZED VIEW blocks reads of " + view + " until the query finishes",
                   "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view; reads continue)",
                   insert_after_keyword(s.text, "VIEW", "CONCURRENTLY")});
  }
};

}  // namespace
std::unique_ptr<Rule> make_refresh_matview_without_concurrently() {
  return std::make_unique<RefreshMatviewWithoutConcurrently>();
}
}  // namespace slipway::lint::rules
