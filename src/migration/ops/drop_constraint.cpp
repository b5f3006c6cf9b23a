// drop_constraint (a constraint over a single column): the column is duplicated without the
// constraint; `up` maps old values into the duplicate, `down` makes the new version's writes
// acceptable to the old, still constrained column. Complete drops the old column (and the
// constraint with it) and renames the duplicate.
#include <fmt/format.h>

#include "migration/ops/column_constraint_drop.hpp"

namespace slipway::migration {
namespace {

class DropConstraint : public ConstraintDrop {
 public:
  explicit DropConstraint(Fields& f) {
    table_ = f.required_relation("table");
    name_ = f.required_string("name");
    column_ = f.optional_string("column");  // older pgroll files name the column too
    if (auto up = f.optional_sql("up", Fields::Sql::expression)) up_expr_ = *up;
    if (auto down = f.optional_sql("down", Fields::Sql::expression)) down_expr_ = *down;
    f.finish();
  }
  static constexpr const char* kKind = "drop_constraint";
  std::string kind() const override { return kKind; }

 protected:
  bool single_column() const override { return true; }
  std::optional<std::string> named_column() const override { return column_; }
  std::map<std::string, std::string> up_for(const std::vector<std::string>& columns) const override {
    if (!up_expr_ || columns.size() != 1) return {};
    return {{columns[0], *up_expr_}};
  }
  std::map<std::string, std::string> down_for(const std::vector<std::string>& columns) const override {
    if (!down_expr_ || columns.size() != 1) return {};
    return {{columns[0], *down_expr_}};
  }

 private:
  std::optional<std::string> column_, up_expr_, down_expr_;
};

}  // namespace

extern const OperationType drop_constraint_type{DropConstraint::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<DropConstraint>(f);
}};

}  // namespace slipway::migration
