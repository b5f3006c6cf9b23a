// drop_index: kept while the old version runs, dropped at complete with DROP INDEX CONCURRENTLY
// (never blocks the application's reads or writes).
#include "migration/ops/checks.hpp"
#include "migration/ops/table_ops_common.hpp"
#include "pg/connection.hpp"
#include "pg/sql/catalog_sql.hpp"

namespace slipway::migration {
namespace {

class DropIndex : public Operation {
 public:
  explicit DropIndex(Fields& f) { name_ = f.required_string("name"); }
  static constexpr const char* kKind = "drop_index";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {}; }

  void validate(ValidationContext& ctx) const override {
    if (!index_exists(ctx, name_)) ctx.fail("name", fmt::format("index \"{}\" does not exist in schema \"{}\"", name_, ctx.schema));
    if (ctx.conn) {
      auto owner = ctx.conn->query_value<std::string>(
          "SELECT c.conname FROM pg_constraint c WHERE c.conindid = to_regclass($1) AND c.contype IN ('p','u','x')",
          pg::qualified(ctx.schema, name_));
      if (owner) {
        ctx.fail("name", fmt::format("index \"{}\" backs constraint \"{}\"", name_, *owner), "use drop_constraint instead");
      }
    }
  }
  void apply(VirtualSchema&) const override {}
  void start(const PlanContext&, Plan&) const override {}

  void complete(const PlanContext& ctx, Plan& plan) const override {
    Action a;
    a.kind = Action::Kind::concurrent;
    a.id = "drop_index:" + name_;
    a.description = fmt::format("drop index {} concurrently", name_);
    a.statements = {fmt::format("DROP INDEX CONCURRENTLY IF EXISTS {}", pg::qualified(ctx.schema, name_))};
    a.lock = LockMode::share_update_exclusive;
    a.lock_target = name_;
    a.rollback = "(recreate the index from its definition before the migration)";
    a.verify = pg::sql::select(pg::sql::relation_missing(ctx.schema, name_));
    plan.add(std::move(a));
  }
  void rollback(const PlanContext&, Plan&) const override {}

 private:
  std::string name_;
};

}  // namespace

extern const OperationType drop_index_type{DropIndex::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<DropIndex>(f);
}};

}  // namespace slipway::migration
