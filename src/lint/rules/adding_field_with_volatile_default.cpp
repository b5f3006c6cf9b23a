// adding-field-with-volatile-default: ADD COLUMN with a volatile DEFAULT (random(),
// gen_random_uuid(), clock_timestamp(), ...) rewrites the whole table under ACCESS EXCLUSIVE.
// Since PostgreSQL 11 a non-volatile default is stored in the catalog and costs nothing;
// before 11 every default rewrites.
#include "lint/rules/common.hpp"
#include "lint/types.hpp"

namespace slipway::lint::rules {
namespace {

class AddingFieldWithVolatileDefault final : public Rule {
 public:
  RuleInfo info() const override {
    return {"adding-field-with-volatile-default", Severity::error,
            "adding a column whose default rewrites the table"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string&, const Json& cmd) {
      auto* col = added_column(cmd);
      if (!col) return;
      auto* def = column_constraint(*col, "CONSTR_DEFAULT");
      if (!def || !get(*def, "raw_expr")) return;
      auto v = expression_volatility(*get(*def, "raw_expr"));
      std::string c = str(*col, "colname");
      std::string recipe = "add the column without a default (or with a constant one), set the default with "
                           "ALTER COLUMN " + c + " SET DEFAULT ..., then backfill existing rows in batches";
      if (ctx.pg_version() < 11) {
        out.push_back({"before PostgreSQL 11, adding column " + c + " with a default rewrites " + table +
                           " while holding ACCESS EXCLUSIVE", recipe, "", integer(*def, "location")});
      } else if (v.volatility == Volatility::volatile_) {
        out.push_back({"default of " + c + " calls " + v.function + "(), which is volatile: every row of " +
                           table + " is rewritten while holding ACCESS EXCLUSIVE", recipe, "",
                       integer(*def, "location")});
      } else if (v.volatility == Volatility::unknown) {
        out.push_back({"default of " + c + " calls " + v.function + "(), whose volatility is unknown: if it is "
                           "VOLATILE, every row of " + table + " is rewritten while holding ACCESS EXCLUSIVE",
                       recipe + " (or ignore this if the function is IMMUTABLE or STABLE)", "",
                       integer(*def, "location")});
      }
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_adding_field_with_volatile_default() {
  return std::make_unique<AddingFieldWithVolatileDefault>();
}
}  // namespace slipway::lint::rules
