// require-concurrent-reindex: REINDEX without CONCURRENTLY blocks writes to the table and
// reads that use the index for the whole rebuild. REINDEX CONCURRENTLY exists since 12.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

bool has_concurrently(const Json& params) {
  for (auto& p : params)
    if (auto* d = as(p, "DefElem"))
      if (str(*d, "defname") == "concurrently") return true;
  return false;
}

class RequireConcurrentReindex final : public Rule {
 public:
  RuleInfo info() const override { return {"require-concurrent-reindex", Severity::error, "REINDEX without CONCURRENTLY"}; }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (s.kind != "ReindexStmt" || has_concurrently(list(s.body, "params"))) return;
    std::string target = relation(get(s.body, "relation"));
    if (!target.empty() && ctx.is_new(target)) return;
    Hit h;
    h.message = "REINDEX blocks writes to the table (and reads through the index) for the whole rebuild";
    if (ctx.pg_version() >= 12) {
      h.recipe = "REINDEX ... CONCURRENTLY, outside a transaction";
      std::string kind = str(s.body, "kind");
      std::string keyword = kind == "REINDEX_OBJECT_INDEX" ? "INDEX" : kind == "REINDEX_OBJECT_TABLE" ? "TABLE"
                                                                                                    : "SCHEMA";
      h.fix = insert_after_keyword(s.text, keyword, "CONCURRENTLY");
    } else {
      h.recipe = "before PostgreSQL 12: CREATE INDEX CONCURRENTLY a copy, then drop the old index CONCURRENTLY";
    }
    out.push_back(std::move(h));
  }
};

}  // namespace
std::unique_ptr<Rule> make_require_concurrent_reindex() { return std::make_unique<RequireConcurrentReindex>(); }
}  // namespace slipway::lint::rules
