// drop_column: the new version's view no longer shows the column; the old version still reads
// and writes it. `down` fills it for rows the new version writes (it cannot, the column is not in
// its view), so the old version keeps seeing sensible values. Complete drops it (catalog only).
#include <fmt/format.h>

#include "migration/ops/checks.hpp"
#include "migration/ops/column_sql.hpp"
#include "migration/ops/column_sync.hpp"
#include "pg/quote.hpp"
#include "pg/sql/catalog_sql.hpp"
#include "util/error.hpp"

namespace slipway::migration {
namespace {

class DropColumn : public Operation {
 public:
  explicit DropColumn(Fields& f) {
    table_ = f.required_relation("table");
    column_ = f.required_string("column");
    down_ = f.optional_sql("down", Fields::Sql::expression);
    f.finish();
  }

  static constexpr const char* kKind = "drop_column";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {table_}; }

  void validate(ValidationContext& ctx) const override {
    VirtualTable* t = ctx.schema_now ? ctx.schema_now->table(table_) : nullptr;
    if (!t) ctx.fail("table", fmt::format("table {} does not exist", table_));
    const VirtualColumn* c = t->column(column_);
    if (!c) ctx.fail("column", fmt::format("column {} does not exist in table {}", column_, table_));
    if (c->physical != column_)
      ctx.fail("column", fmt::format("column {} of table {} is changed by an earlier operation of this migration",
                                     column_, table_),
               "drop it in a separate migration");
    require_droppable_columns(ctx, "column", t->physical, {column_});
    if (down_) {
      // Over the new version's row: every visible column but this one.
      auto row = typed_columns(*t);
      std::erase_if(row, [&](const auto& nc) { return nc.first == column_; });
      warn_if_not_compiling(ctx, "down", table_, row, *down_, c->type);
    }
  }

  void apply(VirtualSchema& schema) const override {
    if (VirtualTable* t = schema.table(table_))
      if (VirtualColumn* c = t->column(column_)) c->hidden = true;
  }

  void start(const PlanContext& ctx, Plan&) const override {
    const VirtualTable& t = planned_table(ctx, table_);
    if (down_ && ctx.triggers)
      ctx.triggers->add({TriggerAssignment::Direction::down, t.physical, column_, *down_});
  }

  void complete(const PlanContext& ctx, Plan& plan) const override {
    const VirtualTable& t = planned_table(ctx, table_);
    const std::string table = pg::qualified(ctx.schema, t.physical);
    Action a;
    a.id = "drop_column:" + table_ + "." + column_ + ":drop";
    a.description = fmt::format("drop column {} from {} (catalog only)", column_, t.physical);
    // The sync trigger may assign the column: it goes first, in the same transaction.
    for (const auto& trigger : trigger_names(ctx.migration))
      a.statements.push_back(fmt::format("DROP TRIGGER IF EXISTS {} ON {}", pg::quote_ident(trigger), table));
    a.statements.push_back(fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {}", table, pg::quote_ident(column_)));
    a.lock = LockMode::access_exclusive;
    a.lock_target = t.physical;
    a.rollback = "none: the column's data is gone once this commits";
    a.verify = pg::sql::select(pg::sql::negate(pg::sql::column_exists(ctx.schema, t.physical, column_)));
    plan.add(std::move(a));
  }

  void rollback(const PlanContext&, Plan&) const override {
    // Nothing physical changed at start (the engine drops the trigger and the version schema).
  }

 private:
  std::string table_, column_;
  std::optional<std::string> down_;
};

}  // namespace

extern const OperationType drop_column_type{DropColumn::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<DropColumn>(f);
}};

}  // namespace slipway::migration
