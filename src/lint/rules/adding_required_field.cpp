// adding-required-field: ADD COLUMN ... NOT NULL without a DEFAULT fails on any table that has
// rows (and takes ACCESS EXCLUSIVE to find out). Not reported on a table the file emptied
// (TRUNCATE, DELETE without WHERE) and has not written since.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class AddingRequiredField final : public Rule {
 public:
  RuleInfo info() const override {
    return {"adding-required-field", Severity::error, "adding a NOT NULL column without a default"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table) || ctx.is_emptied(table)) return;
    each_alter_cmd(s, [&](const std::string&, const Json& cmd) {
      auto* col = added_column(cmd);
      if (!col) return;
      bool not_null = column_constraint(*col, "CONSTR_NOTNULL") || column_constraint(*col, "CONSTR_PRIMARY");
      bool defaulted = column_has_value_expression(*col) || column_constraint(*col, "CONSTR_IDENTITY");
      if (!not_null || defaulted) return;
      std::string c = str(*col, "colname");
      out.push_back({"adding NOT NULL column " + c + " without a default fails on a table that has rows",
                     "add the column nullable (or with a constant DEFAULT), backfill in batches, then add "
                     "CHECK (" + c + " IS NOT NULL) NOT VALID, VALIDATE it, and SET NOT NULL",
                     "", integer(*col, "location")});
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_adding_required_field() { return std::make_unique<AddingRequiredField>(); }
}  // namespace slipway::lint::rules
