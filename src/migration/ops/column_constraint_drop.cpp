#include "migration/ops/checks.hpp"
#include "migration/ops/column_constraint_drop.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace slipway::migration {

void ConstraintDrop::validate(ValidationContext& ctx) const {
  VirtualTable* t = ctx.schema_now ? ctx.schema_now->table(table_) : nullptr;
  if (!t) ctx.fail("table", fmt::format("table {} does not exist", table_));
  if (!t->catalog)
    ctx.fail("table", fmt::format("table {} is created by this migration", table_),
             "leave the constraint out of create_table instead");
  const catalog::Constraint* con = t->catalog->constraint(name_);
  if (!con) ctx.fail("name", fmt::format("table {} has no constraint {}", table_, name_));
  if (single_column() && con->columns.size() != 1)
    ctx.fail("name", fmt::format("constraint {} covers {} columns", name_, con->columns.size()),
             "use drop_multicolumn_constraint with up/down per column");
  if (con->columns.empty())
    ctx.fail("name", fmt::format("constraint {} covers no column slipway can duplicate", name_));
  if (auto named = named_column(); named && con->columns.size() == 1 && *named != con->columns[0])
    ctx.fail("column", fmt::format("constraint {} is on column {}, not {}", name_, con->columns[0], *named));
  for (const auto& c : con->columns) {
    const VirtualColumn* vc = t->column(c);
    if (!vc || vc->physical != c)
      ctx.fail("name", fmt::format("column {} of constraint {} is changed by an earlier operation of this migration", c,
                                   name_),
               "drop the constraint in a separate migration");
    const catalog::Column* col = t->catalog->column(c);
    if (col && (col->identity || col->generated))
      ctx.fail("name", fmt::format("column {} is an identity or generated column; slipway cannot duplicate it", c));
  }
  auto up = up_for(con->columns);
  auto down = down_for(con->columns);
  if (single_column()) {
    const VirtualColumn* vc = t->column(con->columns[0]);
    if (!up.empty()) ctx.check_expression("up", t->physical, as_expression(up.begin()->second), vc->type);
    if (!down.empty()) warn_if_not_compiling(ctx, "down", table_, typed_columns(*t), down.begin()->second, vc->type);
  } else {
    check_up_down_maps(ctx, *t, con->columns, up, down);
  }
  try {
    SyncPlan probe;
    for (const auto& c : con->columns) probe.columns.push_back(duplicate_of(*t->catalog->column(c)));
    carry_over_constraints(*t->catalog, probe, {name_});
  } catch (const InputError& e) {
    ctx.fail("name", e.what(), e.hint());
  }
  require_droppable_columns(ctx, "name", t->physical, con->columns);
  require_batch_key(ctx, *t->catalog);
}

void ConstraintDrop::apply(VirtualSchema& schema) const {
  VirtualTable* t = schema.table(table_);
  if (!t || !t->catalog) return;
  const catalog::Constraint* con = t->catalog->constraint(name_);
  if (!con) return;
  const auto columns = con->columns;  // `con` lives in t->catalog, untouched below
  for (const auto& c : columns) replace_physical(*t, c, temp_column_name(c));
}

SyncPlan ConstraintDrop::sync_plan(const PlanContext& ctx) const {
  const VirtualTable& t = planned_table(ctx, table_);
  if (!t.catalog || !t.catalog->constraint(name_))
    throw Error(fmt::format("constraint {} of table {} not found in the catalog", name_, table_));
  const auto& columns = t.catalog->constraint(name_)->columns;
  return duplicate_columns(id(), t, columns, up_for(columns), down_for(columns), {name_});
}

bool ConstraintDrop::constraint_present(const PlanContext& ctx) const {
  const VirtualTable& t = planned_table(ctx, table_);
  return t.catalog && t.catalog->constraint(name_);
}

void ConstraintDrop::start(const PlanContext& ctx, Plan& plan) const { plan_sync_start(ctx, sync_plan(ctx), plan); }
// A complete or rollback run again after it finished finds the constraint gone: nothing to do.
void ConstraintDrop::complete(const PlanContext& ctx, Plan& plan) const {
  if (constraint_present(ctx)) plan_sync_complete(ctx, sync_plan(ctx), plan);
}
void ConstraintDrop::rollback(const PlanContext& ctx, Plan& plan) const {
  if (constraint_present(ctx)) plan_sync_rollback(ctx, sync_plan(ctx), plan);
}

}  // namespace slipway::migration
