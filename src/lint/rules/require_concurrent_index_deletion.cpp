// require-concurrent-index-deletion: DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on
// the index's table; it is quick, but it queues behind every running query and everyone queues
// behind it.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class RequireConcurrentIndexDeletion final : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-concurrent-index-deletion", Severity::error, "DROP INDEX without CONCURRENTLY"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (s.kind != "DropStmt" || str(s.body, "removeType") != "OBJECT_INDEX" || flag(s.body, "concurrent")) return;
    bool all_new = true;
    for (auto& o : list(s.body, "objects"))
      if (auto* l = as(o, "List"))
        if (!ctx.is_new(join(strings(list(*l, "items"))))) all_new = false;
    if (all_new) return;
    out.push_back({"DROP INDEX takes ACCESS EXCLUSIVE on the index's table: reads and writes queue behind it",
                   "DROP INDEX CONCURRENTLY, outside a transaction (one index per statement)",
                   list(s.body, "objects").size() == 1 ? insert_after_keyword(s.text, "INDEX", "CONCURRENTLY")
                                                       : std::string()});
  }
};

}  // namespace
std::unique_ptr<Rule> make_require_concurrent_index_deletion() {
  return std::make_unique<RequireConcurrentIndexDeletion>();
}
}  // namespace slipway::lint::rules
