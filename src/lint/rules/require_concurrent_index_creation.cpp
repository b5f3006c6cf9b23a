// require-concurrent-index-creation: CREATE INDEX without CONCURRENTLY holds SHARE on the table
// for the whole build: every INSERT/UPDATE/DELETE waits.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class RequireConcurrentIndexCreation final : public Rule {
 public:
  RuleInfo info() const override {
    return {"require-concurrent-index-creation", Severity::error, "CREATE INDEX without CONCURRENTLY"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (s.kind != "IndexStmt" || flag(s.body, "concurrent")) return;
    std::string table = relation(get(s.body, "relation"));
    if (ctx.is_new(table)) return;
    if (ctx.schema().partitioned.count(table_key(table))) {
      out.push_back({"CREATE INDEX on partitioned table " + table + " blocks writes to every partition for the "
                         "whole build" + held_lock_note(ctx),
                     "PostgreSQL cannot build it CONCURRENTLY on the parent: CREATE INDEX ON ONLY the parent "
                     "(instant, invalid), CREATE INDEX CONCURRENTLY on each partition, then ALTER INDEX ... ATTACH "
                     "PARTITION each one (the parent's index becomes valid with the last)",
                     ""});
      return;
    }
    out.push_back({"CREATE INDEX blocks writes to " + table + " for the whole index build" + held_lock_note(ctx),
                   "CREATE INDEX CONCURRENTLY, outside a transaction (if it fails, DROP INDEX CONCURRENTLY the "
                   "invalid index and retry)",
                   insert_after_keyword(s.text, "INDEX", "CONCURRENTLY")});
  }
};

}  // namespace
std::unique_ptr<Rule> make_require_concurrent_index_creation() {
  return std::make_unique<RequireConcurrentIndexCreation>();
}
}  // namespace slipway::lint::rules
