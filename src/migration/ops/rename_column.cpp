// rename_column: the new version's view aliases the column from start; the column itself is
// renamed at complete (catalog-only, ACCESS EXCLUSIVE for an instant).
#include "migration/ops/checks.hpp"
#include "migration/ops/table_ops_common.hpp"
#include "pg/sql/catalog_sql.hpp"

namespace slipway::migration {
namespace {

class RenameColumn : public Operation {
 public:
  explicit RenameColumn(Fields& f) {
    table_ = f.required_relation("table");
    from_ = f.required_string("from");
    to_ = f.required_string("to");
  }
  static constexpr const char* kKind = "rename_column";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {table_}; }

  void validate(ValidationContext& ctx) const override {
    const auto& t = require_table(ctx, "table", table_);
    require_column(ctx, "from", t, from_);
    require_identifier(ctx, "to", to_);
    if (t.column(to_)) ctx.fail("to", fmt::format("table \"{}\" already has a column \"{}\"", table_, to_));
    if (t.catalog && t.catalog->column(to_)) {
      ctx.fail("to", fmt::format("table \"{}\" already has a physical column \"{}\"", table_, to_));
    }
  }

  void apply(VirtualSchema& schema) const override {
    if (auto* t = schema.table(table_))
      if (auto* c = t->column(from_)) c->name = to_;
  }

  void start(const PlanContext&, Plan&) const override {}

  void complete(const PlanContext& ctx, Plan& plan) const override {
    const auto* t = ctx.before->table(table_);
    std::string physical = t ? t->physical : table_;
    const auto* c = t ? t->column(from_) : nullptr;
    std::string column = c ? c->physical : from_;
    std::string table = pg::qualified(ctx.schema, physical);
    Action a;
    a.id = "rename_column:" + table_ + "." + from_;
    a.description = fmt::format("rename column {}.{} to {}", physical, column, to_);
    // Guarded so a re-run after this step committed is harmless. An existing table is named by
    // its OID, so a rename_table of the same migration completing first does not matter.
    std::string rel = t && t->catalog && t->catalog->oid
                          ? fmt::format("{}::oid", t->catalog->oid)
                          : fmt::format("to_regclass({})", pg::sql::regclass_literal(ctx.schema, physical));
    a.statements = {pg::sql::guarded(
        pg::sql::column_exists_in(rel, column),
        {fmt::format("EXECUTE format('ALTER TABLE %s RENAME COLUMN %I TO %I', {}::regclass, {}, {})", rel,
                     pg::quote_literal(column), pg::quote_literal(to_))})};
    a.lock = LockMode::access_exclusive;
    a.lock_target = physical;
    a.rollback = fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", table, pg::quote_ident(to_), pg::quote_ident(column));
    a.verify = pg::sql::select(pg::sql::column_exists_in(rel, to_));
    plan.add(std::move(a));
  }

  void rollback(const PlanContext&, Plan&) const override {}

 private:
  std::string table_, from_, to_;
};

}  // namespace

extern const OperationType rename_column_type{RenameColumn::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<RenameColumn>(f);
}};

}  // namespace slipway::migration
