// add_column: the new column is added under its temporary name, nullable, so old rows need no
// rewrite and the old version never sees a constraint it cannot satisfy; `up` fills it (trigger
// for the old version's writes, backfill for existing rows); complete enforces NOT NULL, checks,
// foreign key and uniqueness and renames it. On a table this migration creates, the column is
// simply added with its full definition.
#include <fmt/format.h>

#include "migration/ops/checks.hpp"
#include "migration/ops/column_def.hpp"
#include "migration/ops/column_sql.hpp"
#include "migration/ops/column_sync.hpp"
#include "pg/connection.hpp"
#include "pg/quote.hpp"
#include "pg/sql/catalog_sql.hpp"
#include "util/error.hpp"
#include "catalog/inspector.hpp"

namespace slipway::migration {
namespace {

// True when the expression calls any function (it may be volatile; the catalog decides at start).
bool calls_functions(const std::string& expression) { return expression.find('(') != std::string::npos; }

class AddColumn : public SyncedOperation {
 public:
  explicit AddColumn(Fields& f) {
    table_ = f.required_relation("table");
    up_ = f.optional_sql("up", Fields::Sql::expression);
    column_ = parse_column_def(f.required_object("column"));
    f.finish();
    if (column_.pk)
      f.fail("column.pk", "add_column cannot add a primary key column",
             "add the column, then use create_constraint with type: primary_key");
    if (is_serial_type(column_.type))
      f.fail("column.type", fmt::format("adding a {} column would rewrite the whole table (its default is volatile)", column_.type),
             "create a sequence (sql operation) and add an integer column with default nextval('...') and an `up`");
  }

  static constexpr const char* kKind = "add_column";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {table_}; }
  bool needs_backfill() const override {
    return up_.has_value() || (column_.default_expr && calls_functions(*column_.default_expr));
  }

  void validate(ValidationContext& ctx) const override {
    VirtualTable* t = ctx.schema_now ? ctx.schema_now->table(table_) : nullptr;
    if (!t) ctx.fail("table", fmt::format("table {} does not exist", table_));
    if (t->column(column_.name))
      ctx.fail("column.name", fmt::format("column {} already exists in table {}", column_.name, table_),
               "choose another name, or use alter_column to change the existing column");
    if (ctx.conn) {
      if (auto err = ctx.type_problem(column_.type)) ctx.fail("column.type", *err);
      if (column_.default_expr)
        if (auto err = ctx.expression_problem(t->name, {}, *column_.default_expr, column_.type))
          ctx.fail("column.default", *err);
    }
    const bool existing = t->catalog.has_value();
    // pgroll refuses this too: PostgreSQL computes a stored generated or identity column for
    // every existing row while it holds ACCESS EXCLUSIVE.
    if (existing && column_.generated())
      ctx.fail("column.generated",
               fmt::format("adding a generated or identity column to the existing table {} rewrites every row under "
                           "ACCESS EXCLUSIVE",
                           table_),
               "add a plain column whose `up` computes the value (and a default or trigger for new rows), or add it "
               "with slipway rewrite");
    if (existing && !column_.nullable && !column_.default_expr && !up_)
      ctx.fail("up", fmt::format("column {} is NOT NULL without a default: `up` is required to fill the existing rows",
                                 column_.name),
               "give `up` (an expression over the table's columns), a `default`, or `nullable: true`");
    if (up_ && existing) ctx.check_expression("up", t->physical, as_expression(*up_), column_.type);
    if (column_.check) {
      if (existing && t->catalog->constraint(column_.check->name))
        ctx.fail("column.check.name", fmt::format("table {} already has a constraint {}", table_, column_.check->name));
      if (ctx.conn) {
        auto row = typed_columns(*t);
        row.emplace_back(column_.name, column_.type);
        if (auto err = ctx.expression_problem(t->name, row, column_.check->constraint, "boolean"))
          ctx.fail("column.check.constraint", *err);
      }
    }
    if (column_.references) {
      const auto& r = *column_.references;
      const VirtualTable* target = ctx.schema_now->table(r.table);
      if (!target) ctx.fail("column.references.table", fmt::format("referenced table {} does not exist", r.table));
      for (const auto& c : r.columns)
        if (!target->column(c))
          ctx.fail("column.references.column", fmt::format("referenced column {}.{} does not exist", r.table, c));
      if (existing && !r.name.empty() && t->catalog->constraint(r.name))
        ctx.fail("column.references.name", fmt::format("table {} already has a constraint {}", table_, r.name));
    }
    if (column_.unique && ctx.conn && existing) {
      if (catalog::Inspector(*ctx.conn).relation_exists(ctx.schema, unique_name()))
        ctx.fail("column.unique", fmt::format("a relation named {} already exists for the unique index", unique_name()));
    }
    if (existing && t->catalog->kind == 'p')
      ctx.fail("table", fmt::format("table {} is partitioned; slipway cannot add temporary columns to it online", table_),
               "add the column with a sql migration");
    if (existing && needs_backfill()) require_batch_key(ctx, *t->catalog);
  }

  void apply(VirtualSchema& schema) const override {
    VirtualTable* t = schema.table(table_);
    if (!t) return;
    VirtualColumn c;
    c.name = column_.name;
    c.physical = t->catalog ? temp_column_name(column_.name) : column_.name;
    c.type = column_.type;
    c.not_null = !column_.nullable;
    c.default_expr = column_.default_expr;
    t->columns.push_back(std::move(c));
  }

  // The table goes with create_table's rollback; dropping the column first keeps this safe.
  Action drop_from_new_table(const PlanContext& ctx, const VirtualTable& t) const override {
    Action a;
    a.id = id() + ":drop";
    a.description = fmt::format("drop column {} from {}", column_.name, t.physical);
    a.statements.push_back(fmt::format("ALTER TABLE IF EXISTS {} DROP COLUMN IF EXISTS {}",
                                       pg::qualified(ctx.schema, t.physical), pg::quote_ident(column_.name)));
    a.lock_target = t.physical;
    a.verify = pg::sql::select(pg::sql::negate(pg::sql::column_exists(ctx.schema, t.physical, column_.name)));
    return a;
  }
  const std::string& table_name() const override { return table_; }

 private:
  std::string id() const { return "add_column:" + table_ + "." + column_.name; }
  std::string unique_name() const { return helper_name("", table_ + "_" + column_.name + "_key"); }
  std::string fk_name() const {
    return column_.references && !column_.references->name.empty() ? column_.references->name
                                                                    : helper_name("", table_ + "_" + column_.name + "_fkey");
  }
  std::string referenced_physical(const PlanContext& ctx) const {
    const auto& r = *column_.references;
    if (ctx.after)
      if (const auto* target = ctx.after->table(r.table)) return target->physical;
    return r.table;
  }

  SyncPlan sync_plan(const PlanContext& ctx, const VirtualTable& t) const override {
    SyncPlan p;
    p.id = id();
    p.table = t.physical;
    p.batch_key = t.catalog->batch_key().value_or(std::vector<std::string>{});
    SyncedColumn c;
    c.temp = temp_column_name(column_.name);
    c.final_name = column_.name;
    c.type = column_.type;
    c.not_null = !column_.nullable;
    c.default_expr = column_.default_expr;
    c.comment = column_.comment;
    c.up = up_;
    // A volatile default is set after ADD COLUMN (no rewrite), so existing rows need it from a
    // backfill: one value per row, as PostgreSQL's own ADD COLUMN ... DEFAULT random() gives.
    if (!c.up && c.default_expr && calls_functions(*c.default_expr) && ctx.conn &&
        expression_is_volatile(*ctx.conn, *c.default_expr))
      c.up = c.default_expr;
    p.columns.push_back(c);
    const std::map<std::string, std::string> renames{{column_.name, c.temp}};
    if (column_.check) {
      SyncedConstraint sc;
      sc.kind = SyncedConstraint::Kind::check;
      sc.final_name = sc.build_name = column_.check->name;
      sc.definition = rename_columns_in_expression(column_.check->constraint, renames);
      sc.no_inherit = column_.check->no_inherit;
      sc.columns = {c.temp};
      p.constraints.push_back(std::move(sc));
    }
    if (column_.references) {
      SyncedConstraint sc;
      sc.kind = SyncedConstraint::Kind::foreign_key;
      sc.final_name = sc.build_name = fk_name();
      sc.referenced_table = referenced_physical(ctx);
      sc.definition = column_.references->references_clause(ctx.schema, sc.referenced_table, renames);
      sc.columns = {c.temp};
      p.constraints.push_back(std::move(sc));
    }
    if (column_.unique) {
      SyncedConstraint sc;
      sc.kind = SyncedConstraint::Kind::unique;
      sc.final_name = sc.build_name = unique_name();
      sc.columns = {c.temp};
      p.constraints.push_back(std::move(sc));
    }
    return p;
  }

  // A table created by this migration is empty and unseen by the old version: plain DDL.
  Action add_to_new_table(const PlanContext& ctx, const VirtualTable& t) const override {
    const std::string table = pg::qualified(ctx.schema, t.physical);
    std::string def = fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {}", table,
                                  column_definition(column_, !column_.nullable));
    if (column_.unique) def += fmt::format(" CONSTRAINT {} UNIQUE", pg::quote_ident(unique_name()));
    if (column_.check) def += " " + column_.check->clause();
    if (column_.references)
      def += fmt::format(" CONSTRAINT {} {}", pg::quote_ident(fk_name()),
                         column_.references->references_clause(ctx.schema, referenced_physical(ctx)));
    Action a;
    a.id = id() + ":add";
    a.description = fmt::format("add column {} to {} (created by this migration: empty)", column_.name, t.physical);
    a.statements.push_back(def);
    if (column_.comment)
      a.statements.push_back(fmt::format("COMMENT ON COLUMN {}.{} IS {}", table, pg::quote_ident(column_.name),
                                         pg::quote_literal(*column_.comment)));
    a.lock_target = t.physical;
    a.rollback = fmt::format("ALTER TABLE {} DROP COLUMN IF EXISTS {}", table, pg::quote_ident(column_.name));
    a.verify = pg::sql::select(pg::sql::column_exists(ctx.schema, t.physical, column_.name));
    return a;
  }

  std::string table_;
  std::optional<std::string> up_;
  ColumnDef column_;
};

}  // namespace

extern const OperationType add_column_type{AddColumn::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<AddColumn>(f);
}};

}  // namespace slipway::migration
