// detach-partition-without-concurrently: DETACH PARTITION takes ACCESS EXCLUSIVE on the parent
// (every query on the partitioned table waits); DETACH ... CONCURRENTLY (PostgreSQL 14+) only
// takes SHARE UPDATE EXCLUSIVE.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class DetachPartitionWithoutConcurrently final : public Rule {
 public:
  RuleInfo info() const override {
    return {"detach-partition-without-concurrently", Severity::error, "DETACH PARTITION without CONCURRENTLY"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string& sub, const Json& cmd) {
      if (sub != "AT_DetachPartition") return;
      auto* pc = get(cmd, "def") ? as(*get(cmd, "def"), "PartitionCmd") : nullptr;
      if (!pc || flag(*pc, "concurrent")) return;
      Hit h;
      h.relation = table;
      h.message = "DETACH PARTITION takes ACCESS EXCLUSIVE on " + table + ": every query on it waits";
      if (ctx.pg_version() >= 14) {
        h.recipe = "DETACH PARTITION ... CONCURRENTLY, outside a transaction";
        std::string text(s.text);
        if (list(s.body, "cmds").size() == 1 && !flag(*pc, "concurrent")) h.fix = text + " CONCURRENTLY;";
      } else {
        h.recipe = "upgrade to PostgreSQL 14 for DETACH PARTITION CONCURRENTLY, or detach in a quiet window";
      }
      out.push_back(std::move(h));
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_detach_partition_without_concurrently() {
  return std::make_unique<DetachPartitionWithoutConcurrently>();
}
}  // namespace slipway::lint::rules
