// drop_multicolumn_constraint: like drop_constraint for a constraint over several columns, with
// `up` and `down` given per column.
#include <fmt/format.h>

#include "migration/ops/column_constraint_drop.hpp"

namespace slipway::migration {
namespace {

class DropMulticolumnConstraint : public ConstraintDrop {
 public:
  explicit DropMulticolumnConstraint(Fields& f) {
    table_ = f.required_relation("table");
    name_ = f.required_string("name");
    up_ = f.sql_map("up", Fields::Sql::expression);
    down_ = f.sql_map("down", Fields::Sql::expression);
    f.finish();
  }
  static constexpr const char* kKind = "drop_multicolumn_constraint";
  std::string kind() const override { return kKind; }

 protected:
  bool single_column() const override { return false; }
  std::optional<std::string> named_column() const override { return std::nullopt; }
  std::map<std::string, std::string> up_for(const std::vector<std::string>&) const override { return up_; }
  std::map<std::string, std::string> down_for(const std::vector<std::string>&) const override { return down_; }

 private:
  std::map<std::string, std::string> up_, down_;
};

}  // namespace

extern const OperationType drop_multicolumn_constraint_type{DropMulticolumnConstraint::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<DropMulticolumnConstraint>(f);
}};

}  // namespace slipway::migration
