// create_constraint (unique, check, foreign_key, primary_key over one or more columns): the
// constrained columns are duplicated, `up` (per column) makes existing and old-version values
// satisfy the constraint in the duplicates, `down` maps the new version's writes back. The
// constraint is built on the duplicates without blocking writes (NOT VALID, unique index
// CONCURRENTLY; a primary key is a unique index over NOT NULL-checked duplicates) and attached
// at complete. On a table this migration creates, the constraint is added directly.
#include <fmt/format.h>

#include <algorithm>

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

class CreateConstraint : public SyncedOperation {
 public:
  explicit CreateConstraint(Fields& f) {
    table_ = f.required_relation("table");
    name_ = f.required_string("name");
    type_ = f.required_string("type");
    columns_ = f.string_list("columns", true);
    check_ = f.optional_sql("check", Fields::Sql::expression);
    if (auto r = f.optional_object("references")) references_ = parse_foreign_key_def(std::move(*r), ReferenceShape::constraint);
    up_ = f.sql_map("up", Fields::Sql::expression);
    down_ = f.sql_map("down", Fields::Sql::expression);
    no_inherit_ = f.optional_bool("no_inherit").value_or(false);
    if (auto ip = f.optional_object("index_parameters")) {
      index_ = parse_index_parameters(std::move(*ip));
      if (type_ != "unique" && type_ != "primary_key")
        f.fail("index_parameters", fmt::format("a {} constraint has no index to take `index_parameters`", type_),
               "index_parameters belong to unique and primary_key constraints");
    }
    f.finish();
    if (type_ != "unique" && type_ != "check" && type_ != "foreign_key" && type_ != "primary_key")
      f.fail("type", fmt::format("unknown constraint type '{}'", type_), "use unique, check, foreign_key or primary_key");
    if (type_ == "check" && !check_) f.fail("check", "required for a check constraint");
    if (type_ != "check" && check_) f.fail("check", "only a check constraint takes `check`");
    if (type_ == "foreign_key" && !references_) f.fail("references", "required for a foreign key");
    if (type_ != "foreign_key" && references_) f.fail("references", "only a foreign key takes `references`");
    if (references_ && references_->columns.size() != columns_.size())
      f.fail("references.columns", fmt::format("{} referenced columns for {} columns", references_->columns.size(),
                                               columns_.size()));
    if (no_inherit_ && type_ != "check") f.fail("no_inherit", "only a check constraint takes `no_inherit`");
  }

  static constexpr const char* kKind = "create_constraint";
  std::string kind() const override { return kKind; }
  // The referenced table of a foreign key is only read (and briefly locked): not listed, so the
  // engine does not ask it for a batch key.
  std::vector<std::string> tables() const override { return {table_}; }
  bool needs_backfill() const override { return true; }

  void validate(ValidationContext& ctx) const override {
    VirtualTable* t = ctx.schema_now ? ctx.schema_now->table(table_) : nullptr;
    if (!t) ctx.fail("table", fmt::format("table {} does not exist", table_));
    for (size_t i = 0; i < columns_.size(); ++i) {
      const VirtualColumn* c = t->column(columns_[i]);
      if (!c) ctx.fail(fmt::format("columns[{}]", i), fmt::format("column {} does not exist in table {}", columns_[i], table_));
      if (t->catalog && c->physical != columns_[i])
        ctx.fail(fmt::format("columns[{}]", i),
                 fmt::format("column {} of table {} is changed by an earlier operation of this migration", columns_[i],
                             table_),
                 "create the constraint in a separate migration");
    }
    for (size_t i = 0; i < index_.include_columns.size(); ++i)
      if (!t->column(index_.include_columns[i]))
        ctx.fail(fmt::format("index_parameters.include_columns[{}]", i),
                 fmt::format("column {} does not exist in table {}", index_.include_columns[i], table_));
    if (t->catalog && t->catalog->constraint(name_))
      ctx.fail("name", fmt::format("table {} already has a constraint {}", table_, name_));
    if (ctx.conn && (type_ == "unique" || type_ == "primary_key") &&
        catalog::Inspector(*ctx.conn).relation_exists(ctx.schema, name_))
      ctx.fail("name", fmt::format("a relation named {} already exists (the constraint's index takes this name)", name_));
    if (type_ == "primary_key" && t->catalog && !t->catalog->primary_key.empty())
      ctx.fail("type", fmt::format("table {} already has a primary key", table_));
    if (check_ && ctx.conn)
      if (auto err = ctx.expression_problem(t->name, typed_columns(*t), *check_, "boolean"))
        ctx.fail("check", *err);
    if (references_) {
      const VirtualTable* target = ctx.schema_now->table(references_->table);
      if (!target) ctx.fail("references.table", fmt::format("referenced table {} does not exist", references_->table));
      for (const auto& c : references_->columns)
        if (!target->column(c))
          ctx.fail("references.columns", fmt::format("referenced column {}.{} does not exist", references_->table, c));
    }
    if (!t->catalog) return;  // a new, empty table: the constraint is added directly
    check_up_down_maps(ctx, *t, columns_, up_, down_);
    for (const auto& c : columns_) {
      const catalog::Column* col = t->catalog->column(c);
      if (col && (col->identity || col->generated))
        ctx.fail("columns", fmt::format("column {} is an identity or generated column; slipway cannot duplicate it", c));
    }
    try {
      SyncPlan probe;
      for (const auto& c : columns_) probe.columns.push_back(duplicate_of(*t->catalog->column(c)));
      carry_over_constraints(*t->catalog, probe);
    } catch (const InputError& e) {
      ctx.fail("columns", e.what(), e.hint());
    }
    require_droppable_columns(ctx, "columns", t->physical, columns_);
    require_batch_key(ctx, *t->catalog);
  }

  void apply(VirtualSchema& schema) const override {
    VirtualTable* t = schema.table(table_);
    if (!t || !t->catalog) return;
    for (const auto& name : columns_)
      if (VirtualColumn* c = replace_physical(*t, name, temp_column_name(name)))
        if (type_ == "primary_key") c->not_null = true;
  }

  Action drop_from_new_table(const PlanContext& ctx, const VirtualTable& t) const override {
    Action a;
    a.id = id() + ":drop";
    a.description = fmt::format("drop constraint {} from {}", name_, t.physical);
    a.statements.push_back(fmt::format("ALTER TABLE IF EXISTS {} DROP CONSTRAINT IF EXISTS {}",
                                       pg::qualified(ctx.schema, t.physical), pg::quote_ident(name_)));
    a.lock_target = t.physical;
    a.verify = pg::sql::select(pg::sql::negate(pg::sql::constraint_exists(ctx.schema, t.physical, name_)));
    return a;
  }
  const std::string& table_name() const override { return table_; }

 private:
  std::string id() const { return "create_constraint:" + table_ + "." + name_; }

  std::string referenced_physical(const PlanContext& ctx) const {
    if (ctx.after)
      if (const auto* target = ctx.after->table(references_->table)) return target->physical;
    return references_->table;
  }

  // The constraint over `columns` (physical names) as in ALTER TABLE ... ADD CONSTRAINT.
  std::string definition(const PlanContext& ctx, const std::vector<std::string>& columns,
                         const std::map<std::string, std::string>& renames) const {
    std::string cols = "(" + pg::quote_ident_list(columns) + ")";
    if (type_ == "unique") return "UNIQUE " + cols + index_.clause();
    if (type_ == "primary_key") return "PRIMARY KEY " + cols + index_.clause();
    if (type_ == "check")
      return fmt::format("CHECK ({}){}", rename_columns_in_expression(*check_, renames), no_inherit_ ? " NO INHERIT" : "");
    return "FOREIGN KEY " + cols + " " + references_->references_clause(ctx.schema, referenced_physical(ctx));
  }

  Action add_to_new_table(const PlanContext& ctx, const VirtualTable& t) const override {
    Action a;
    a.id = id() + ":add";
    a.description = fmt::format("add {} constraint {} to {} (created by this migration: empty)", type_, name_, t.physical);
    a.statements.push_back(pg::sql::guarded("NOT " + pg::sql::constraint_exists(ctx.schema, t.physical, name_),
                                   {fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}",
                                                pg::qualified(ctx.schema, t.physical), pg::quote_ident(name_),
                                                definition(ctx, columns_, {}))}));
    a.lock_target = t.physical;
    a.rollback = fmt::format("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}", pg::qualified(ctx.schema, t.physical),
                             pg::quote_ident(name_));
    a.verify = pg::sql::select(pg::sql::constraint_exists(ctx.schema, t.physical, name_));
    return a;
  }

  SyncPlan sync_plan(const PlanContext& ctx, const VirtualTable& t) const override {
    SyncPlan p = duplicate_columns(id(), t, columns_, up_, down_);
    std::vector<std::string> temps;
    for (auto& c : p.columns) {
      temps.push_back(c.temp);
      if (type_ == "primary_key") c.not_null = true;
    }
    SyncedConstraint sc;
    sc.final_name = sc.build_name = name_;
    sc.columns = temps;
    if (type_ == "unique") {
      sc.kind = SyncedConstraint::Kind::unique;
      sc.index_parameters = index_.clause(true);
    } else if (type_ == "primary_key") {
      sc.kind = SyncedConstraint::Kind::primary_key;
      sc.index_parameters = index_.clause(true);
    } else if (type_ == "check") {
      sc.kind = SyncedConstraint::Kind::check;
      sc.definition = rename_columns_in_expression(*check_, p.renames());
      sc.no_inherit = no_inherit_;
    } else {
      sc.kind = SyncedConstraint::Kind::foreign_key;
      sc.referenced_table = referenced_physical(ctx);
      sc.definition = references_->references_clause(ctx.schema, sc.referenced_table, p.renames());
    }
    p.constraints.push_back(std::move(sc));
    return p;
  }

  std::string table_, name_, type_;
  std::vector<std::string> columns_;
  std::optional<std::string> check_;
  std::optional<ForeignKeyDef> references_;
  std::map<std::string, std::string> up_, down_;
  bool no_inherit_ = false;
  IndexParameters index_;
};

}  // namespace

extern const OperationType create_constraint_type{CreateConstraint::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<CreateConstraint>(f);
}};

}  // namespace slipway::migration
