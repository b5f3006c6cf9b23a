// adding-serial-or-generated-column: a serial, identity or stored generated column added to an
// existing table fills every row: a full rewrite under ACCESS EXCLUSIVE.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class AddingSerialOrGeneratedColumn final : public Rule {
 public:
  RuleInfo info() const override {
    return {"adding-serial-or-generated-column", Severity::error,
            "adding a serial, identity or stored generated column to an existing table"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string&, const Json& cmd) {
      auto* col = added_column(cmd);
      if (!col) return;
      std::string type = canonical_type(type_name(*get(*col, "typeName")));
      std::string what;
      if (type == "serial" || type == "bigserial" || type == "smallserial") what = type;
      else if (column_constraint(*col, "CONSTR_IDENTITY")) what = "identity";
      else if (column_constraint(*col, "CONSTR_GENERATED")) what = "stored generated";
      if (what.empty()) return;
      out.push_back({"adding " + what + " column " + str(*col, "colname") + " rewrites every row of " + table +
                         " while holding ACCESS EXCLUSIVE",
                     "add a plain nullable column, fill it in batches (a trigger keeps new rows filled), then "
                     "attach the sequence default / constraints",
                     "", integer(*col, "location")});
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_adding_serial_or_generated_column() {
  return std::make_unique<AddingSerialOrGeneratedColumn>();
}
}  // namespace slipway::lint::rules
