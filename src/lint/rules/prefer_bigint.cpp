// prefer-bigint: an int/smallint key (primary key, identity, serial, foreign key) runs out at
// 2^31 (or 2^15); widening it later rewrites the table and every referencing one.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class PreferBigint final : public Rule {
 public:
  RuleInfo info() const override { return {"prefer-bigint", Severity::warning, "int or smallint key column"}; }
  void check(const Statement& s, const Context&, std::vector<Hit>& out) const override {
    for (auto& c : new_columns(s)) {
      std::string t = canonical_type(type_name(*c.type));
      bool serial = t == "serial" || t == "smallserial";
      if (!(serial || ((t == "int4" || t == "int2") && c.key)) || is_array_type(*c.type)) continue;
      out.push_back({"key column " + c.name + " is " + (t == "int4" ? std::string("int") : t == "int2" ? "smallint" : t) +
                         ": it runs out of values sooner than you think, and widening it later rewrites the table",
                     "use bigint (bigint GENERATED ... AS IDENTITY for generated keys)", "", c.location});
    }
  }
};

}  // namespace
std::unique_ptr<Rule> make_prefer_bigint() { return std::make_unique<PreferBigint>(); }
}  // namespace slipway::lint::rules
