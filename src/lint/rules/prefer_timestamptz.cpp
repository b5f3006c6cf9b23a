// prefer-timestamptz: timestamp without time zone stores wall-clock values whose meaning depends
// on the writer's zone; timestamptz stores an instant.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class PreferTimestamptz final : public Rule {
 public:
  RuleInfo info() const override { return {"prefer-timestamptz", Severity::warning, "timestamp without time zone"}; }
  void check(const Statement& s, const Context&, std::vector<Hit>& out) const override {
    for (auto& c : new_columns(s)) {
      if (canonical_type(type_name(*c.type)) != "timestamp") continue;
      out.push_back({"column " + c.name + " is timestamp without time zone", "use timestamptz", "", c.location});
    }
  }
};

}  // namespace
std::unique_ptr<Rule> make_prefer_timestamptz() { return std::make_unique<PreferTimestamptz>(); }
}  // namespace slipway::lint::rules
