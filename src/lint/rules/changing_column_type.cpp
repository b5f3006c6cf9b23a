// changing-column-type: ALTER COLUMN ... TYPE rewrites the table and rebuilds its indexes under
// ACCESS EXCLUSIVE, except for binary-coercible changes (varchar widening or dropping the
// limit, varchar -> text, numeric precision widening, ...), which only touch the catalog.
// The old type comes from CREATE TABLE / ADD COLUMN seen earlier in the run.
#include "lint/rules/common.hpp"
#include "lint/types.hpp"

namespace slipway::lint::rules {
namespace {

class ChangingColumnType final : public Rule {
 public:
  RuleInfo info() const override {
    return {"changing-column-type", Severity::error, "changing a column's type rewrites the table"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string& sub, const Json& cmd) {
      if (sub != "AT_AlterColumnType") return;
      auto* def = get(cmd, "def");
      auto* col = def ? as(*def, "ColumnDef") : nullptr;
      if (!col || !get(*col, "typeName")) return;
      std::string c = str(cmd, "name");
      ColumnType to = column_type(*get(*col, "typeName"));
      const ColumnType* from = ctx.schema().column(table_key(table), c);
      bool using_expr = get(*col, "raw_default") != nullptr;
      if (!using_expr && from && binary_coercible(*from, to)) return;
      std::string what = from ? "changing " + c + " from " + from->display() + " to " + to.display()
                              : "changing the type of " + c + " to " + to.display();
      std::string why = from ? " is not binary-coercible:" : " (old type not seen in this run):";
      out.push_back({what + why + " rewrites " + table + " and its indexes while holding ACCESS EXCLUSIVE",
                     "add a new column of the new type, keep it in sync with a trigger, backfill in batches, "
                     "then switch readers and drop the old column (slipway migrations do this with "
                     "alter_column)",
                     "", integer(*col, "location")});
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_changing_column_type() { return std::make_unique<ChangingColumnType>(); }
}  // namespace slipway::lint::rules
