// drop_index: kept while the old version runs, dropped at complete with DROP INDEX CONCURRENTLY
// (never blocks the application's reads or writes); a partitioned table's index, which cannot be
// dropped concurrently, with a brief DROP INDEX under lock_timeout.
#include "migration/ops/checks.hpp"
#include "migration/ops/table_ops_common.hpp"
#include "pg/connection.hpp"
#include "pg/sql/catalog_sql.hpp"

namespace slipway::migration {
namespace {

class DropIndex : public Operation {
 public:
  explicit DropIndex(Fields& f) { name_ = f.required_relation("name"); }
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
    Action a = drop_index_action("drop_index:" + name_, ctx.schema, name_, name_, partitioned(ctx));
    a.rollback = "(recreate the index from its definition before the migration)";
    plan.add(std::move(a));
  }
  void rollback(const PlanContext&, Plan&) const override {}

 private:
  bool partitioned(const MigrationContext& ctx) const { return index_kind(ctx, name_) == 'I'; }

  std::string name_;
};

}  // namespace

extern const OperationType drop_index_type{DropIndex::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<DropIndex>(f);
}};

}  // namespace slipway::migration
