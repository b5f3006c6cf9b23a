// rename_table: the new version's view carries the new name from start; the table itself is
// renamed at complete (a catalog-only change, ACCESS EXCLUSIVE for an instant).
#include "migration/ops/checks.hpp"
#include "migration/ops/table_ops_common.hpp"
#include "pg/sql/catalog_sql.hpp"

namespace slipway::migration {
namespace {

class RenameTable : public Operation {
 public:
  explicit RenameTable(Fields& f) {
    from_ = f.required_relation("from");
    to_ = f.required_relation("to");
  }
  static constexpr const char* kKind = "rename_table";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {from_}; }

  void validate(ValidationContext& ctx) const override {
    require_table(ctx, "from", from_);
    require_free_relation_name(ctx, "to", to_);
  }

  void apply(VirtualSchema& schema) const override {
    if (auto* t = schema.table(from_)) t->name = to_;
  }

  void start(const PlanContext&, Plan&) const override {}

  void complete(const PlanContext& ctx, Plan& plan) const override {
    std::string physical = physical_table(*ctx.before, from_);
    Action a;
    a.id = "rename_table:" + from_;
    a.description = fmt::format("rename table {} to {}", physical, to_);
    a.statements = {fmt::format("ALTER TABLE IF EXISTS {} RENAME TO {}", pg::qualified(ctx.schema, physical), pg::quote_ident(to_))};
    a.lock = LockMode::access_exclusive;
    a.lock_target = physical;
    a.rollback = fmt::format("ALTER TABLE {} RENAME TO {}", pg::qualified(ctx.schema, to_), pg::quote_ident(physical));
    a.verify = pg::sql::select(pg::sql::relation_exists(ctx.schema, to_));
    plan.add(std::move(a));
  }

  void rollback(const PlanContext&, Plan&) const override {}

 private:
  std::string from_, to_;
};

}  // namespace

extern const OperationType rename_table_type{RenameTable::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<RenameTable>(f);
}};

}  // namespace slipway::migration
