// rename_constraint: renamed at start (catalog-only, ACCESS EXCLUSIVE for an instant: constraint
// names are not part of what the views show); rollback renames it back.
#include "migration/ops/checks.hpp"
#include "migration/ops/table_ops_common.hpp"
#include "pg/sql/catalog_sql.hpp"

namespace slipway::migration {
namespace {

// The rename, run only while the constraint still has its old name (a resumed step).
std::string guarded_rename(const std::string& schema, const std::string& physical, const std::string& from,
                           const std::string& to) {
  return pg::sql::guarded(pg::sql::constraint_exists(schema, physical, from),
                          {fmt::format("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", pg::qualified(schema, physical),
                                       pg::quote_ident(from), pg::quote_ident(to))});
}

class RenameConstraint : public Operation {
 public:
  explicit RenameConstraint(Fields& f) {
    table_ = f.required_relation("table");
    from_ = f.required_string("from");
    to_ = f.required_string("to");
  }
  static constexpr const char* kKind = "rename_constraint";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {table_}; }

  void validate(ValidationContext& ctx) const override {
    const auto& t = require_table(ctx, "table", table_);
    require_identifier(ctx, "to", to_);
    if (!constraint_exists(ctx, t.physical, from_)) {
      ctx.fail("from", fmt::format("table \"{}\" has no constraint \"{}\"", table_, from_));
    }
    if (constraint_exists(ctx, t.physical, to_)) {
      ctx.fail("to", fmt::format("table \"{}\" already has a constraint \"{}\"", table_, to_));
    }
  }
  void apply(VirtualSchema&) const override {}

  void start(const PlanContext& ctx, Plan& plan) const override {
    const std::string physical = physical_table(*ctx.before, table_);
    const std::string table = pg::qualified(ctx.schema, physical);
    Action a;
    a.id = "rename_constraint:" + table_ + "." + from_;
    a.description = fmt::format("rename constraint {} of {} to {}", from_, table_, to_);
    a.statements = {guarded_rename(ctx.schema, physical, from_, to_)};
    a.lock = LockMode::access_exclusive;
    a.lock_target = table_;
    a.rollback = fmt::format("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", table, pg::quote_ident(to_), pg::quote_ident(from_));
    a.verify = pg::sql::select(pg::sql::constraint_exists(ctx.schema, physical, to_));
    plan.add(std::move(a));
  }
  void complete(const PlanContext&, Plan&) const override {}
  void rollback(const PlanContext& ctx, Plan& plan) const override {
    const std::string physical = physical_table(*ctx.before, table_);
    Action a;
    a.id = "rename_constraint_back:" + table_ + "." + to_;
    a.description = fmt::format("rename constraint {} of {} back to {}", to_, table_, from_);
    a.statements = {guarded_rename(ctx.schema, physical, to_, from_)};
    a.lock = LockMode::access_exclusive;
    a.lock_target = table_;
    plan.add(std::move(a));
  }

 private:
  std::string table_, from_, to_;
};

}  // namespace

extern const OperationType rename_constraint_type{RenameConstraint::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<RenameConstraint>(f);
}};

}  // namespace slipway::migration
