// alter_column: type, nullable, unique, check, references, default, comment, name, several at
// once. Changes that touch the data or what values are allowed (type, nullable, unique, check,
// references) duplicate the column as _slipway_new_<col> with the new definition, kept in
// sync by up (old -> new) and down (new -> old) and backfilled; complete drops the old column and
// renames the new one. Changes that need no duplicate (only default, comment, name) are shown by
// the new version's view at once and made physical at complete: no trigger, no backfill.
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

class AlterColumn : public Operation {
 public:
  explicit AlterColumn(Fields& f) {
    table_ = f.required_relation("table");
    column_ = f.required_string("column");
    name_ = f.optional_string("name");
    type_ = f.optional_sql("type", Fields::Sql::type);
    nullable_ = f.optional_bool("nullable");
    if (auto u = f.optional_object("unique")) {
      unique_ = u->required_string("name");
      u->finish();
    }
    if (auto c = f.optional_object("check")) check_ = parse_check_def(std::move(*c));
    if (auto r = f.optional_object("references")) references_ = parse_foreign_key_def(std::move(*r), ReferenceShape::column);
    default_ = f.nullable_sql("default", Fields::Sql::expression);
    comment_ = f.nullable_string("comment");
    up_ = f.optional_sql("up", Fields::Sql::expression);
    down_ = f.optional_sql("down", Fields::Sql::expression);
    f.finish();
    if (!name_ && !type_ && !nullable_ && !unique_ && !check_ && !references_ && !default_ && !comment_)
      f.fail("", "alter_column changes nothing",
             "give at least one of name, type, nullable, unique, check, references, default, comment");
    if (name_ && *name_ == column_) name_.reset();
  }

  static constexpr const char* kKind = "alter_column";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {table_}; }
  bool needs_backfill() const override { return type_ || nullable_ || unique_ || check_ || references_; }

  void validate(ValidationContext& ctx) const override {
    VirtualTable* t = ctx.schema_now ? ctx.schema_now->table(table_) : nullptr;
    if (!t) ctx.fail("table", fmt::format("table {} does not exist", table_));
    const VirtualColumn* vc = t->column(column_);
    if (!vc) ctx.fail("column", fmt::format("column {} does not exist in table {}", column_, table_));
    if (!t->catalog)
      ctx.fail("table", fmt::format("table {} is created by this migration", table_),
               "put the final column definition into create_table instead");
    if (vc->physical != column_ || !t->catalog->column(vc->physical))
      ctx.fail("column", fmt::format("column {} of table {} is already changed by an earlier operation of this migration",
                                     column_, table_),
               "change it in a separate migration");
    const catalog::Column& col = *t->catalog->column(vc->physical);
    if (name_ && t->column(*name_))
      ctx.fail("name", fmt::format("column {} already exists in table {}", *name_, table_));
    if (ctx.conn && type_)
      if (auto err = ctx.type_problem(*type_)) ctx.fail("type", *err);
    const std::string new_type = type_.value_or(col.type);
    if (ctx.conn && default_ && *default_)
      if (auto err = ctx.expression_problem(t->name, {}, **default_, new_type)) ctx.fail("default", *err);
    if (ctx.conn && !default_ && type_changes(col) && col.default_expr)
      if (auto err = ctx.expression_problem(t->name, {}, *col.default_expr, new_type))
        ctx.fail("type", fmt::format("the column's default {} does not convert to {}: {}", *col.default_expr, new_type, *err),
                 "give a `default` for the new type, or `default: null`");

    if (!duplicates(col)) return;
    if (col.identity || col.generated)
      ctx.fail("column", fmt::format("column {} is an identity or generated column; slipway cannot duplicate it", column_));
    if (nullable_ && !*nullable_ && !up_ && !col.not_null)
      ctx.fail("up", fmt::format("making {} NOT NULL needs `up` to fill the rows where it is NULL", column_),
               "e.g. up: SELECT CASE WHEN " + column_ + " IS NULL THEN <value> ELSE " + column_ + " END");
    ctx.check_expression("up", t->physical, as_expression(up_expression()), new_type);
    if (down_) {
      auto row = typed_columns(*t);
      for (auto& [n, ty] : row)
        if (n == column_) {
          n = name_.value_or(column_);
          ty = new_type;
        }
      warn_if_not_compiling(ctx, "down", table_, row, *down_, col.type);
    }
    auto names_taken = [&](const std::string& field, const std::string& name) {
      if (t->catalog->constraint(name))
        ctx.fail(field, fmt::format("table {} already has a constraint {}", table_, name));
    };
    if (check_) {
      names_taken("check.name", check_->name);
      if (ctx.conn) {
        auto row = typed_columns(*t);
        for (auto& [n, ty] : row)
          if (n == column_) ty = new_type;
        if (name_) row.emplace_back(*name_, new_type);
        if (auto err = ctx.expression_problem(t->name, row, check_->constraint, "boolean"))
          ctx.fail("check.constraint", *err);
      }
    }
    if (unique_) {
      names_taken("unique.name", *unique_);
      if (ctx.conn && catalog::Inspector(*ctx.conn).relation_exists(ctx.schema, *unique_))
        ctx.fail("unique.name", fmt::format("a relation named {} already exists", *unique_));
    }
    if (references_) {
      if (!references_->name.empty()) names_taken("references.name", references_->name);
      const VirtualTable* target = ctx.schema_now->table(references_->table);
      if (!target) ctx.fail("references.table", fmt::format("referenced table {} does not exist", references_->table));
      for (const auto& c : references_->columns)
        if (!target->column(c))
          ctx.fail("references.column", fmt::format("referenced column {}.{} does not exist", references_->table, c));
    }
    try {
      SyncPlan probe;
      probe.columns.push_back(duplicate_of(col));
      carry_over_constraints(*t->catalog, probe);
    } catch (const InputError& e) {
      ctx.fail("column", e.what(), e.hint());
    }
    require_droppable_columns(ctx, "column", t->physical, {column_});
    require_batch_key(ctx, *t->catalog);
  }

  void apply(VirtualSchema& schema) const override {
    VirtualTable* t = schema.table(table_);
    if (!t) return;
    VirtualColumn* c = t->column(column_);
    if (!c) return;
    const catalog::Column* col = t->catalog ? t->catalog->column(c->physical) : nullptr;
    if (col && duplicates(*col)) {
      c = replace_physical(*t, column_, temp_column_name(column_));
      if (!default_ && type_changes(*col)) c->default_expr = converted_default(*col);
      if (type_) c->type = *type_;
      if (nullable_) c->not_null = !*nullable_;
    }
    if (default_) c->default_expr = *default_;
    if (name_) c->name = *name_;
  }

  void start(const PlanContext& ctx, Plan& plan) const override {
    const VirtualTable& t = planned_table(ctx, table_);
    const catalog::Column* col = old_column(t);
    if (col && duplicates(*col)) plan_sync_start(ctx, sync_plan(ctx, t, *col), plan);
    // Otherwise nothing physical: the new version's view already shows the new name/default.
  }

  void complete(const PlanContext& ctx, Plan& plan) const override {
    const VirtualTable& t = planned_table(ctx, table_);
    const catalog::Column* col = old_column(t);
    if (!col) return;
    if (duplicates(*col)) {
      plan_sync_complete(ctx, sync_plan(ctx, t, *col), plan);
      return;
    }
    const std::string table = pg::qualified(ctx.schema, t.physical);
    const std::string final_name = name_.value_or(column_);
    Action a;
    a.id = id() + ":alter";
    a.lock = LockMode::access_exclusive;
    a.lock_target = t.physical;
    std::vector<std::string> what;
    if (default_) {
      a.statements.push_back(*default_ ? fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}", table,
                                                     pg::quote_ident(column_), **default_)
                                       : fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT", table,
                                                     pg::quote_ident(column_)));
      what.push_back(*default_ ? "set default" : "drop default");
    }
    if (comment_) {
      a.statements.push_back(fmt::format("COMMENT ON COLUMN {}.{} IS {}", table, pg::quote_ident(column_),
                                         *comment_ ? pg::quote_literal(**comment_) : std::string("NULL")));
      what.push_back("set comment");
    }
    // Guarded so a re-run after the rename is a no-op (the statements above reach the column
    // by its old name, so they go inside too).
    std::vector<std::string> body = a.statements;
    if (name_) {
      body.push_back(fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", table, pg::quote_ident(column_),
                                 pg::quote_ident(*name_)));
      what.push_back("rename to " + *name_);
    }
    a.statements = {pg::sql::guarded(pg::sql::column_exists(ctx.schema, t.physical, column_), body)};
    a.description = fmt::format("{}.{}: {} (catalog only)", t.physical, column_, fmt::join(what, ", "));
    a.rollback = "ALTER back by hand (the old definition is in the migration history)";
    a.verify = pg::sql::select(pg::sql::column_exists(ctx.schema, t.physical, final_name));
    plan.add(std::move(a));
  }

  void rollback(const PlanContext& ctx, Plan& plan) const override {
    const VirtualTable& t = planned_table(ctx, table_);
    const catalog::Column* col = old_column(t);
    if (col && duplicates(*col)) plan_sync_rollback(ctx, sync_plan(ctx, t, *col), plan);
  }

 private:
  std::string id() const { return "alter_column:" + table_ + "." + column_; }

  bool type_changes(const catalog::Column& current) const { return type_ && *type_ != current.type; }

  // Anything that changes stored values or which values are allowed needs a second column.
  bool duplicates(const catalog::Column& current) const {
    bool nullability_changes = nullable_ && (*nullable_ == current.not_null);
    return type_changes(current) || nullability_changes || unique_ || check_ || references_;
  }

  // On a type change without a new `default`, the old default converted to the new type.
  std::optional<std::string> converted_default(const catalog::Column& current) const {
    if (!current.default_expr) return std::nullopt;
    return fmt::format("CAST(({}) AS {})", *current.default_expr, *type_);
  }

  // The old physical column: by name in the catalog (renames are physical only at complete).
  const catalog::Column* old_column(const VirtualTable& t) const {
    return t.catalog ? t.catalog->column(column_) : nullptr;
  }

  std::string up_expression() const {
    if (up_) return *up_;
    return type_ ? fmt::format("CAST({} AS {})", pg::quote_ident(column_), *type_) : pg::quote_ident(column_);
  }

  SyncPlan sync_plan(const PlanContext& ctx, const VirtualTable& t, const catalog::Column& col) const {
    SyncPlan p;
    p.id = id();
    p.table = t.physical;
    p.batch_key = t.catalog->batch_key().value_or(std::vector<std::string>{});
    SyncedColumn c = duplicate_of(col);
    c.final_name = name_.value_or(column_);
    if (type_changes(col)) {
      c.type = *type_;
      c.collation.reset();
      c.default_expr = converted_default(col);
    }
    if (nullable_) c.not_null = !*nullable_;
    if (default_) c.default_expr = *default_;
    if (comment_) c.comment = *comment_;
    c.up = up_expression();
    c.down = down_ ? *down_
                   : (type_ ? fmt::format("CAST({} AS {})", pg::quote_ident(c.final_name), col.type)
                            : pg::quote_ident(c.final_name));
    p.columns.push_back(c);
    carry_over_constraints(*t.catalog, p);
    // New constraints are written over the column's name (old or new): both mean the temporary.
    const std::map<std::string, std::string> renames{{column_, c.temp}, {c.final_name, c.temp}};
    if (check_) {
      SyncedConstraint sc;
      sc.kind = SyncedConstraint::Kind::check;
      sc.final_name = sc.build_name = check_->name;
      sc.definition = rename_columns_in_expression(check_->constraint, renames);
      sc.no_inherit = check_->no_inherit;
      sc.columns = {c.temp};
      p.constraints.push_back(std::move(sc));
    }
    if (references_) {
      SyncedConstraint sc;
      sc.kind = SyncedConstraint::Kind::foreign_key;
      sc.final_name = sc.build_name =
          references_->name.empty() ? helper_name("", table_ + "_" + c.final_name + "_fkey") : references_->name;
      sc.referenced_table = references_->table;
      if (ctx.after)
        if (const auto* target = ctx.after->table(references_->table)) sc.referenced_table = target->physical;
      sc.definition = references_->references_clause(ctx.schema, sc.referenced_table, renames);
      sc.columns = {c.temp};
      p.constraints.push_back(std::move(sc));
    }
    if (unique_) {
      SyncedConstraint sc;
      sc.kind = SyncedConstraint::Kind::unique;
      sc.final_name = sc.build_name = *unique_;
      sc.columns = {c.temp};
      p.constraints.push_back(std::move(sc));
    }
    return p;
  }

  std::string table_, column_;
  std::optional<std::string> name_, type_;
  std::optional<bool> nullable_;
  std::optional<std::string> unique_;
  std::optional<CheckDef> check_;
  std::optional<ForeignKeyDef> references_;
  std::optional<std::optional<std::string>> default_, comment_;
  std::optional<std::string> up_, down_;
};

}  // namespace

extern const OperationType alter_column_type{AlterColumn::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<AlterColumn>(f);
}};

}  // namespace slipway::migration
