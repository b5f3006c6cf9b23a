// rename_constraint: renamed at start (catalog-only, ACCESS EXCLUSIVE for an instant: constraint
// names are not part of what the views show); rollback renames it back.
#include "migration/ops/checks.hpp"
#include "migration/ops/table_ops_common.hpp"

namespace slipway::migration {
namespace {

std::string guarded_rename(const std::string& table, const std::string& from, const std::string& to) {
  return fmt::format(
      "DO $_slipway_$ BEGIN IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass({}) AND conname = {}) "
      "THEN ALTER TABLE {} RENAME CONSTRAINT {} TO {}; END IF; END $_slipway_$",
      pg::quote_literal(table), pg::quote_literal(from), table, pg::quote_ident(from), pg::quote_ident(to));
}

class RenameConstraint : public Operation {
 public:
  explicit RenameConstraint(Fields& f) {
    table_ = f.required_string("table");
    from_ = f.required_string("from");
    to_ = f.required_string("to");
  }
  std::string kind() const override { return "rename_constraint"; }
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
    std::string table = pg::qualified(ctx.schema, physical_table(*ctx.before, table_));
    Action a;
    a.id = "rename_constraint:" + table_ + "." + from_;
    a.description = fmt::format("rename constraint {} of {} to {}", from_, table_, to_);
    a.statements = {guarded_rename(table, from_, to_)};
    a.lock = LockMode::access_exclusive;
    a.lock_target = table_;
    a.rollback = fmt::format("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", table, pg::quote_ident(to_), pg::quote_ident(from_));
    a.verify = fmt::format("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = {}::regclass AND conname = {})",
                           pg::quote_literal(table), pg::quote_literal(to_));
    plan.add(std::move(a));
  }
  void complete(const PlanContext&, Plan&) const override {}
  void rollback(const PlanContext& ctx, Plan& plan) const override {
    std::string table = pg::qualified(ctx.schema, physical_table(*ctx.before, table_));
    Action a;
    a.id = "rename_constraint_back:" + table_ + "." + to_;
    a.description = fmt::format("rename constraint {} of {} back to {}", to_, table_, from_);
    a.statements = {guarded_rename(table, to_, from_)};
    a.lock = LockMode::access_exclusive;
    a.lock_target = table_;
    plan.add(std::move(a));
  }

 private:
  std::string table_, from_, to_;
};

}  // namespace

std::unique_ptr<Operation> make_rename_constraint(Fields& f) { return std::make_unique<RenameConstraint>(f); }

}  // namespace slipway::migration
