// drop_table: the table disappears from the new version at start (its view is not created) and
// is dropped at complete, once the old version (which still uses it) is gone.
#include "migration/ops/checks.hpp"
#include "migration/ops/table_ops_common.hpp"
#include "pg/sql/catalog_sql.hpp"

namespace slipway::migration {
namespace {

class DropTable : public Operation {
 public:
  explicit DropTable(Fields& f) { name_ = f.required_relation("name"); }
  static constexpr const char* kKind = "drop_table";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {name_}; }

  void validate(ValidationContext& ctx) const override {
    const auto& t = require_table(ctx, "name", name_);
    // Other tables' foreign keys would make the DROP at complete fail.
    for (const auto& other : ctx.schema_now->all_tables()) {
      if (!other.catalog || other.physical == t.physical) continue;
      for (const auto& c : other.catalog->constraints) {
        if (c.type == 'f' && c.referenced_table && *c.referenced_table == t.physical) {
          ctx.fail("name", fmt::format("table \"{}\" is referenced by foreign key \"{}\" of table \"{}\"", name_, c.name, other.name),
                   "drop that constraint first (drop_constraint)");
        }
      }
    }
  }

  void apply(VirtualSchema& schema) const override {
    if (auto* t = schema.table(name_)) t->hidden = true;
  }

  void start(const PlanContext&, Plan&) const override {}

  void complete(const PlanContext& ctx, Plan& plan) const override {
    std::string physical = physical_table(*ctx.before, name_);
    Action a;
    a.id = "drop_table:" + name_;
    a.description = fmt::format("drop table {}", name_);
    a.statements = {fmt::format("DROP TABLE IF EXISTS {}", pg::qualified(ctx.schema, physical))};
    a.lock = LockMode::access_exclusive;
    a.lock_target = physical;
    a.rollback = "(none: the table's data is gone; restore from a backup)";
    a.verify = pg::sql::select(pg::sql::relation_missing(ctx.schema, physical));
    plan.add(std::move(a));
  }

  void rollback(const PlanContext&, Plan&) const override {}

 private:
  std::string name_;
};

}  // namespace

extern const OperationType drop_table_type{DropTable::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<DropTable>(f);
}};

}  // namespace slipway::migration
