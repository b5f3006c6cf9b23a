#include "migration/ops/column_sync.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "catalog/inspector.hpp"
#include "migration/ops/column_sql.hpp"
#include "pg/connection.hpp"
#include "pg/quote.hpp"
#include "pg/sql/catalog_sql.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace slipway::migration {
namespace {

// Text of a pg_get_constraintdef without a trailing " NOT VALID".
std::string without_not_valid(std::string def) {
  const std::string suffix = " NOT VALID";
  if (def.size() >= suffix.size() && def.compare(def.size() - suffix.size(), suffix.size(), suffix) == 0)
    def.resize(def.size() - suffix.size());
  return def;
}

std::string column_list(const std::vector<std::string>& columns) { return "(" + pg::quote_ident_list(columns) + ")"; }

const char* kind_word(SyncedConstraint::Kind k) {
  switch (k) {
    case SyncedConstraint::Kind::check: return "check";
    case SyncedConstraint::Kind::foreign_key: return "foreign key";
    case SyncedConstraint::Kind::unique: return "unique";
    case SyncedConstraint::Kind::primary_key: return "primary key";
    case SyncedConstraint::Kind::index: return "index";
  }
  return "constraint";
}

std::string temps_exist_sql(const std::string& schema, const SyncPlan& p, bool exist) {
  std::string out;
  for (const auto& c : p.columns) {
    if (!out.empty()) out += " AND ";
    out += (exist ? "" : "NOT ") + pg::sql::column_exists(schema, p.table, c.temp);
  }
  return "SELECT " + (out.empty() ? std::string("true") : out);
}

}  // namespace

bool SyncPlan::needs_backfill() const {
  return std::any_of(columns.begin(), columns.end(), [](const SyncedColumn& c) { return c.up.has_value(); });
}

std::map<std::string, std::string> SyncPlan::renames() const {
  std::map<std::string, std::string> out;
  for (const auto& c : columns)
    if (c.old_column) out[*c.old_column] = c.temp;
  return out;
}

SyncedColumn duplicate_of(const catalog::Column& column) {
  SyncedColumn c;
  c.old_column = column.name;
  c.temp = temp_column_name(column.name);
  c.final_name = column.name;
  c.type = column.type;
  c.collation = column.collation;
  c.not_null = column.not_null;
  c.default_expr = column.default_expr;
  c.comment = column.comment;
  c.up = column.name;
  c.down = column.name;
  return c;
}

void carry_over_constraints(const catalog::Table& table, SyncPlan& plan, const std::set<std::string>& dropped) {
  auto renames = plan.renames();
  auto covers_replaced = [&](const std::vector<std::string>& columns) {
    return std::any_of(columns.begin(), columns.end(), [&](const std::string& c) { return renames.count(c) > 0; });
  };
  auto touches_slipway = [](const std::vector<std::string>& columns) {
    return std::any_of(columns.begin(), columns.end(), is_slipway_name);
  };
  auto mapped = [&](const std::vector<std::string>& columns) {
    std::vector<std::string> out;
    for (const auto& c : columns) out.push_back(renames.count(c) ? renames.at(c) : c);
    return out;
  };

  for (const auto& con : table.constraints) {
    if (is_slipway_name(con.name) || dropped.count(con.name) || touches_slipway(con.columns) ||
        !covers_replaced(con.columns))
      continue;
    SyncedConstraint sc;
    sc.final_name = con.name;
    sc.build_name = duplicate_name(con.name);
    sc.columns = mapped(con.columns);
    sc.validate = con.validated;
    switch (con.type) {
      case 'c': {
        sc.kind = SyncedConstraint::Kind::check;
        std::string def = without_not_valid(con.definition);
        const std::string no_inherit = " NO INHERIT";
        if (def.size() > no_inherit.size() &&
            def.compare(def.size() - no_inherit.size(), no_inherit.size(), no_inherit) == 0) {
          sc.no_inherit = true;
          def.resize(def.size() - no_inherit.size());
        }
        if (def.rfind("CHECK ", 0) == 0) def = def.substr(6);
        sc.definition = rename_columns_in_expression(def, renames);
        break;
      }
      case 'f': {
        sc.kind = SyncedConstraint::Kind::foreign_key;
        if (con.referenced_table == table.name && covers_replaced(con.referenced_columns)) {
          throw InputError(fmt::format("foreign key {} of table {} references the column being replaced in the same table",
                                       con.name, table.name),
                           "drop the foreign key first (drop_constraint) and create it again afterwards");
        }
        auto def = without_not_valid(con.definition);
        auto pos = def.find("REFERENCES ");
        if (pos == std::string::npos) throw InputError("cannot read the definition of foreign key " + con.name);
        sc.definition = def.substr(pos);
        sc.referenced_table = con.referenced_table.value_or("");
        break;
      }
      case 'u':
        sc.kind = SyncedConstraint::Kind::unique;
        break;
      case 'p':
        sc.kind = SyncedConstraint::Kind::primary_key;
        break;
      default:
        throw InputError(fmt::format("constraint {} of table {} (type '{}') covers a column being replaced and "
                                     "cannot be carried over",
                                     con.name, table.name, con.type),
                         "drop it first and create it again after this migration");
    }
    plan.constraints.push_back(std::move(sc));
  }

  for (const auto& idx : table.indexes) {
    if (idx.constraint || is_slipway_name(idx.name) || dropped.count(idx.name)) continue;
    bool mentions = covers_replaced(idx.columns);
    if (!mentions && (idx.has_expressions || idx.partial)) {
      // Expressions and predicates are not in `columns`: look for the name in the definition.
      for (const auto& [old_name, temp] : renames)
        if (idx.definition.find(old_name) != std::string::npos) mentions = true;
    }
    if (!mentions || touches_slipway(idx.columns)) continue;
    if (idx.has_expressions || idx.partial) {
      throw InputError(fmt::format("index {} of table {} uses an expression or a predicate over a column being "
                                   "replaced; slipway cannot carry it over",
                                   idx.name, table.name),
                       "drop the index first (drop_index) and create it again after this migration");
    }
    SyncedConstraint sc;
    sc.kind = SyncedConstraint::Kind::index;
    sc.final_name = idx.name;
    sc.build_name = duplicate_name(idx.name);
    sc.columns = mapped(idx.columns);
    sc.method = idx.method.empty() ? "btree" : idx.method;
    sc.unique_index = idx.unique;
    plan.constraints.push_back(std::move(sc));
  }
}

void plan_sync_start(const PlanContext& ctx, const SyncPlan& p, Plan& plan) {
  const std::string table = pg::qualified(ctx.schema, p.table);

  // 1. The temporaries: nullable, defaults that need no rewrite. Catalog-only.
  Action add;
  add.kind = Action::Kind::sql;
  add.id = p.id + ":add";
  add.lock = LockMode::access_exclusive;
  add.lock_target = p.table;
  std::vector<std::string> names;
  std::string undo;
  for (const auto& c : p.columns) {
    std::string def = fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}", table, pg::quote_ident(c.temp), c.type);
    if (c.collation) def += " COLLATE " + *c.collation;
    std::optional<std::string> later_default;
    if (c.default_expr) {
      // A volatile default in ADD COLUMN rewrites the table: set it separately (new rows only);
      // existing rows get it from the backfill (`up`).
      if (ctx.conn && expression_is_volatile(*ctx.conn, *c.default_expr))
        later_default = c.default_expr;
      else
        def += " DEFAULT " + *c.default_expr;
    }
    add.statements.push_back(def);
    if (later_default)
      add.statements.push_back(fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", table,
                                           pg::quote_ident(c.temp), *later_default));
    if (c.comment)
      add.statements.push_back(fmt::format("COMMENT ON COLUMN {}.{} IS {}", table, pg::quote_ident(c.temp),
                                           pg::quote_literal(*c.comment)));
    names.push_back(c.temp);
    undo += (undo.empty() ? "" : ", ") + fmt::format("DROP COLUMN IF EXISTS {}", pg::quote_ident(c.temp));
  }
  add.description = fmt::format("add {} to {} (nullable, no table rewrite)", fmt::join(names, ", "), p.table);
  add.rollback = fmt::format("ALTER TABLE {} {}", table, undo);
  add.verify = temps_exist_sql(ctx.schema, p, true);
  plan.add(std::move(add));

  // 2. Up/down triggers (generated by the engine) and the backfill.
  std::vector<std::string> set;
  for (const auto& c : p.columns) {
    if (c.up) {
      if (ctx.triggers)
        ctx.triggers->add({TriggerAssignment::Direction::up, p.table, c.temp, *c.up});
      set.push_back(fmt::format("{} = {}", pg::quote_ident(c.temp), as_expression(*c.up)));
    }
    if (c.down && c.old_column && ctx.triggers)
      ctx.triggers->add({TriggerAssignment::Direction::down, p.table, *c.old_column, *c.down});
  }
  if (!set.empty()) {
    Action fill;
    fill.kind = Action::Kind::backfill;
    fill.id = p.id + ":backfill";
    fill.description = fmt::format("backfill {} in batches by ({})", fmt::join(names, ", "), fmt::join(p.batch_key, ", "));
    fill.backfill = BackfillSpec{p.table, p.batch_key, set, {}};
    fill.lock = LockMode::row_exclusive;
    fill.lock_target = p.table;
    fill.rollback = "nothing (the temporary columns are dropped)";
    plan.add(std::move(fill));
  }

  // 3. Constraints the new representation must satisfy, enforced on writes from now on and
  //    validated at complete. After the backfill, so no write of an old application meets a
  //    row whose temporaries are still empty.
  Action checks;
  checks.kind = Action::Kind::sql;
  checks.id = p.id + ":checks";
  checks.lock = LockMode::access_exclusive;
  checks.lock_target = p.table;
  checks.after_backfill = true;
  std::vector<std::string> check_names, check_undo;
  auto add_check = [&](const std::string& name, const std::string& expression, bool no_inherit) {
    checks.statements.push_back(pg::sql::guarded(
        "NOT " + pg::sql::constraint_exists(ctx.schema, p.table, name),
        {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK ({}){} NOT VALID", table, pg::quote_ident(name), expression,
                     no_inherit ? " NO INHERIT" : "")}));
    check_names.push_back(name);
    check_undo.push_back(fmt::format("DROP CONSTRAINT IF EXISTS {}", pg::quote_ident(name)));
  };
  for (const auto& c : p.columns)
    if (c.not_null) add_check(not_null_check_name(c.temp), pg::quote_ident(c.temp) + " IS NOT NULL", false);
  for (const auto& sc : p.constraints)
    if (sc.kind == SyncedConstraint::Kind::check) add_check(sc.build_name, sc.definition, sc.no_inherit);
  if (!checks.statements.empty()) {
    checks.description = fmt::format("add NOT VALID checks {} on {} (no scan)", fmt::join(check_names, ", "), p.table);
    checks.rollback = fmt::format("ALTER TABLE {} {}", table, fmt::join(check_undo, ", "));
    std::string verify;
    for (const auto& n : check_names) verify += (verify.empty() ? "" : " AND ") + pg::sql::constraint_exists(ctx.schema, p.table, n);
    checks.verify = "SELECT " + verify;
    plan.add(std::move(checks));
  }

  for (const auto& sc : p.constraints) {
    if (sc.kind != SyncedConstraint::Kind::foreign_key) continue;
    Action fk;
    fk.kind = Action::Kind::sql;
    fk.id = p.id + ":fk:" + sc.build_name;
    fk.description = fmt::format("add foreign key {} on {} NOT VALID (no scan)", sc.build_name, p.table);
    fk.statements.push_back(pg::sql::guarded("NOT " + pg::sql::constraint_exists(ctx.schema, p.table, sc.build_name),
                                    {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY {} {} NOT VALID", table,
                                                 pg::quote_ident(sc.build_name), column_list(sc.columns),
                                                 sc.definition)}));
    fk.lock = LockMode::share_row_exclusive;
    fk.lock_target = sc.referenced_table.empty() ? p.table : p.table + ", " + sc.referenced_table;
    fk.after_backfill = true;
    fk.rollback = fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}", table, pg::quote_ident(sc.build_name));
    fk.verify = pg::sql::select(pg::sql::constraint_exists(ctx.schema, p.table, sc.build_name));
    plan.add(std::move(fk));
  }

  // 4. Indexes: unique/primary key (attached USING INDEX at complete) and carried-over ones.
  for (const auto& sc : p.constraints) {
    bool unique = sc.kind == SyncedConstraint::Kind::unique || sc.kind == SyncedConstraint::Kind::primary_key ||
                  (sc.kind == SyncedConstraint::Kind::index && sc.unique_index);
    if (sc.kind != SyncedConstraint::Kind::index && !unique) continue;
    Action idx;
    idx.kind = Action::Kind::concurrent;
    idx.id = p.id + ":index:" + sc.build_name;
    idx.description = fmt::format("build {}index {} on {} {} concurrently (writes go on)", unique ? "unique " : "",
                                  sc.build_name, p.table, column_list(sc.columns));
    idx.statements.push_back(fmt::format("CREATE {}INDEX CONCURRENTLY IF NOT EXISTS {} ON {} USING {} {}{}",
                                         unique ? "UNIQUE " : "", pg::quote_ident(sc.build_name), table,
                                         sc.kind == SyncedConstraint::Kind::index ? sc.method : "btree",
                                         column_list(sc.columns), sc.index_parameters));
    idx.creates_index = sc.build_name;
    idx.lock = LockMode::share_update_exclusive;
    idx.lock_target = p.table;
    idx.scans = true;
    idx.after_backfill = true;
    idx.rollback = fmt::format("DROP INDEX CONCURRENTLY IF EXISTS {}", pg::qualified(ctx.schema, sc.build_name));
    idx.verify = pg::sql::select(pg::sql::index_is_valid(ctx.schema, sc.build_name));
    plan.add(std::move(idx));
  }
}

void plan_sync_complete(const PlanContext& ctx, const SyncPlan& p, Plan& plan) {
  const std::string table = pg::qualified(ctx.schema, p.table);

  // 1. Validate what start added NOT VALID: a scan, but under SHARE UPDATE EXCLUSIVE.
  auto validate = [&](const std::string& name, const std::string& what, const std::string& referenced) {
    Action v;
    v.kind = Action::Kind::sql;
    v.id = p.id + ":validate:" + name;
    v.description = fmt::format("validate {} {} on {} (scans; reads and writes go on)", what, name, p.table);
    const std::string unvalidated = pg::sql::constraint_not_validated(ctx.schema, p.table, name);
    v.statements.push_back(
        pg::sql::guarded(unvalidated, {fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", table, pg::quote_ident(name))}));
    v.lock = LockMode::share_update_exclusive;
    v.lock_target = referenced.empty() ? p.table : p.table + ", " + referenced;
    v.scans = true;
    v.rollback = "nothing (validation changes no data)";
    v.verify = pg::sql::select(pg::sql::negate(unvalidated));
    plan.add(std::move(v));
  };
  for (const auto& c : p.columns)
    if (c.not_null) validate(not_null_check_name(c.temp), "NOT NULL check", "");
  for (const auto& sc : p.constraints)
    if ((sc.kind == SyncedConstraint::Kind::check || sc.kind == SyncedConstraint::Kind::foreign_key) && sc.validate)
      validate(sc.build_name, kind_word(sc.kind), sc.referenced_table);

  // 2. The swap, in one short transaction.
  Action swap;
  swap.kind = Action::Kind::sql;
  swap.id = p.id + ":swap";
  swap.lock = LockMode::access_exclusive;
  swap.lock_target = p.table;
  // The table's sync trigger reads the old columns: it goes first, in the same transaction.
  for (const auto& trigger : trigger_names(ctx.migration))
    swap.statements.push_back(fmt::format("DROP TRIGGER IF EXISTS {} ON {}", pg::quote_ident(trigger), table));
  std::vector<std::string> described;
  for (const auto& c : p.columns) {
    std::vector<std::string> st;
    if (c.not_null) {
      // No scan: PostgreSQL proves NOT NULL from the validated check.
      st.push_back(fmt::format("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", table, pg::quote_ident(c.temp)));
      st.push_back(fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}", table,
                               pg::quote_ident(not_null_check_name(c.temp))));
    }
    if (c.old_column) {
      // A serial's sequence belongs to the old column: hand it over before the drop.
      st.push_back(fmt::format(
          "DECLARE s text; BEGIN FOR s IN SELECT d.objid::regclass::text FROM pg_depend d JOIN pg_attribute a ON "
          "a.attrelid = d.refobjid AND a.attnum = d.refobjsubid JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S' "
          "WHERE d.classid = 'pg_class'::regclass AND d.refobjid = to_regclass({0}) AND a.attname = {1} AND d.deptype "
          "= 'a' LOOP EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', s, {2}, {3}); END LOOP; END",
          pg::sql::regclass_literal(ctx.schema, p.table), pg::quote_literal(*c.old_column), pg::quote_literal(table),
          pg::quote_literal(c.temp)));
      st.push_back(fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {}", table, pg::quote_ident(*c.old_column)));
      described.push_back(fmt::format("drop {}, rename {} to {}", *c.old_column, c.temp, c.final_name));
    } else {
      described.push_back(fmt::format("rename {} to {}", c.temp, c.final_name));
    }
    st.push_back(fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", table, pg::quote_ident(c.temp),
                             pg::quote_ident(c.final_name)));
    swap.statements.push_back(pg::sql::guarded(pg::sql::column_exists(ctx.schema, p.table, c.temp), st));
  }
  for (const auto& sc : p.constraints) {
    switch (sc.kind) {
      case SyncedConstraint::Kind::check:
      case SyncedConstraint::Kind::foreign_key:
        if (sc.build_name != sc.final_name)
          swap.statements.push_back(pg::sql::guarded(pg::sql::constraint_exists(ctx.schema, p.table, sc.build_name),
                                            {fmt::format("ALTER TABLE {} RENAME CONSTRAINT {} TO {}", table,
                                                         pg::quote_ident(sc.build_name), pg::quote_ident(sc.final_name))}));
        break;
      case SyncedConstraint::Kind::unique:
      case SyncedConstraint::Kind::primary_key:
        swap.statements.push_back(pg::sql::guarded(
            "NOT " + pg::sql::constraint_exists(ctx.schema, p.table, sc.final_name),
            {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {} USING INDEX {}", table, pg::quote_ident(sc.final_name),
                         sc.kind == SyncedConstraint::Kind::unique ? "UNIQUE" : "PRIMARY KEY",
                         pg::quote_ident(sc.build_name))}));
        described.push_back(fmt::format("attach {} {}", kind_word(sc.kind), sc.final_name));
        break;
      case SyncedConstraint::Kind::index:
        if (sc.build_name != sc.final_name)
          swap.statements.push_back(fmt::format("ALTER INDEX IF EXISTS {} RENAME TO {}",
                                                pg::qualified(ctx.schema, sc.build_name), pg::quote_ident(sc.final_name)));
        break;
    }
  }
  swap.description = fmt::format("on {}: {} (catalog only, no scan)", p.table, fmt::join(described, "; "));
  swap.rollback = "none: the old columns are gone once this commits (run it only when the old version is retired)";
  std::string verify;
  for (const auto& c : p.columns)
    verify += (verify.empty() ? "" : " AND ") + pg::sql::column_exists(ctx.schema, p.table, c.final_name) + " AND NOT " +
              pg::sql::column_exists(ctx.schema, p.table, c.temp);
  swap.verify = "SELECT " + verify;
  plan.add(std::move(swap));
}

void plan_sync_rollback(const PlanContext& ctx, const SyncPlan& p, Plan& plan) {
  const std::string table = pg::qualified(ctx.schema, p.table);
  Action drop;
  drop.kind = Action::Kind::sql;
  drop.id = p.id + ":drop";
  std::vector<std::string> names, parts;
  for (const auto& c : p.columns) {
    names.push_back(c.temp);
    parts.push_back(fmt::format("DROP COLUMN IF EXISTS {}", pg::quote_ident(c.temp)));
  }
  drop.description = fmt::format("drop {} from {} with their constraints and indexes", fmt::join(names, ", "), p.table);
  drop.statements.push_back(fmt::format("ALTER TABLE IF EXISTS {} {}", table, fmt::join(parts, ", ")));
  drop.lock = LockMode::access_exclusive;
  drop.lock_target = p.table;
  drop.rollback = "none (start again)";
  drop.verify = temps_exist_sql(ctx.schema, p, false);
  plan.add(std::move(drop));
}

}  // namespace slipway::migration

namespace slipway::migration {

const VirtualTable& planned_table(const PlanContext& ctx, const std::string& name) {
  if (ctx.after)
    if (const auto* t = ctx.after->table(name)) return *t;
  if (ctx.before)
    if (const auto* t = ctx.before->table(name)) return *t;
  throw Error(fmt::format("table {} is in neither version of the schema", name));
}

SyncPlan duplicate_columns(const std::string& id, const VirtualTable& table, const std::vector<std::string>& columns,
                           const std::map<std::string, std::string>& up,
                           const std::map<std::string, std::string>& down, const std::set<std::string>& dropped) {
  if (!table.catalog) throw Error(fmt::format("table {} has no catalog entry to duplicate columns of", table.name));
  SyncPlan p;
  p.id = id;
  p.table = table.physical;
  p.batch_key = table.catalog->batch_key().value_or(std::vector<std::string>{});
  for (const auto& name : columns) {
    const VirtualColumn* vc = table.column(name);
    std::string physical = vc ? vc->physical : name;
    // At complete the virtual column already points at the temporary: the old one is `name`.
    if (is_slipway_name(physical)) physical = name;
    const catalog::Column* col = table.catalog->column(physical);
    if (!col) throw Error(fmt::format("column {} of table {} not found in the catalog", physical, table.name));
    SyncedColumn c = duplicate_of(*col);
    if (auto it = up.find(name); it != up.end()) c.up = it->second;
    if (auto it = down.find(name); it != down.end()) c.down = it->second;
    p.columns.push_back(std::move(c));
  }
  carry_over_constraints(*table.catalog, p, dropped);
  return p;
}

VirtualColumn* replace_physical(VirtualTable& t, const std::string& name, const std::string& temp) {
  VirtualColumn* c = t.column(name);
  if (!c) return nullptr;
  VirtualColumn old = *c;
  c->physical = temp;
  old.hidden = true;
  t.columns.push_back(std::move(old));
  return t.column(name);
}

void SyncedOperation::start(const PlanContext& ctx, Plan& plan) const {
  const VirtualTable& t = planned_table(ctx, table_name());
  if (t.catalog) plan_sync_start(ctx, sync_plan(ctx, t), plan);
  else plan.add(add_to_new_table(ctx, t));
}

void SyncedOperation::complete(const PlanContext& ctx, Plan& plan) const {
  const VirtualTable& t = planned_table(ctx, table_name());
  if (t.catalog) plan_sync_complete(ctx, sync_plan(ctx, t), plan);
}

void SyncedOperation::rollback(const PlanContext& ctx, Plan& plan) const {
  const VirtualTable& t = planned_table(ctx, table_name());
  // On a new table the table goes with create_table's rollback; undoing this first keeps it
  // safe whatever the order.
  if (t.catalog) plan_sync_rollback(ctx, sync_plan(ctx, t), plan);
  else plan.add(drop_from_new_table(ctx, t));
}

}  // namespace slipway::migration
