// ban-char-field: char(n) pads with spaces, compares surprisingly and is no faster than text.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class BanCharField final : public Rule {
 public:
  RuleInfo info() const override { return {"ban-char-field", Severity::warning, "char(n) column"}; }
  void check(const Statement& s, const Context&, std::vector<Hit>& out) const override {
    for (auto& c : new_columns(s)) {
      if (canonical_type(type_name(*c.type)) != "bpchar") continue;
      out.push_back({"column " + c.name + " is char(n): values are blank-padded and compare surprisingly",
                     "use text (with a CHECK on length if the length matters)", "", c.location});
    }
  }
};

}  // namespace
std::unique_ptr<Rule> make_ban_char_field() { return std::make_unique<BanCharField>(); }
}  // namespace slipway::lint::rules
