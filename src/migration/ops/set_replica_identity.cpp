// set_replica_identity: ALTER TABLE ... REPLICA IDENTITY at start (catalog-only); rollback
// restores the previous setting, read from the catalog when the migration was planned.
#include "migration/ops/checks.hpp"
#include "migration/ops/table_ops_common.hpp"
#include "pg/sql/catalog_sql.hpp"
#include "pg/connection.hpp"

namespace slipway::migration {
namespace {

std::string identity_clause(const std::string& type, const std::string& index) {
  if (type == "index") return "USING INDEX " + pg::quote_ident(index);
  if (type == "full") return "FULL";
  if (type == "nothing") return "NOTHING";
  return "DEFAULT";
}

class SetReplicaIdentity : public Operation {
 public:
  explicit SetReplicaIdentity(Fields& f) {
    table_ = f.required_relation("table");
    auto id = f.required_object("identity");
    type_ = id.required_string("type");
    for (auto& c : type_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    index_ = id.optional_string("index").value_or("");
    if (type_ != "nothing" && type_ != "default" && type_ != "full" && type_ != "index") {
      id.fail("type", fmt::format("unknown replica identity \"{}\"", type_), "use nothing, default, full or index");
    }
    if (type_ == "index" && index_.empty()) id.fail("index", "replica identity `index` needs the index's name");
    id.finish();
  }
  static constexpr const char* kKind = "set_replica_identity";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {table_}; }

  void validate(ValidationContext& ctx) const override {
    require_table(ctx, "table", table_);
    if (type_ == "index" && !index_exists(ctx, index_)) {
      ctx.fail("identity.index", fmt::format("index \"{}\" does not exist", index_));
    }
  }
  void apply(VirtualSchema&) const override {}

  void start(const PlanContext& ctx, Plan& plan) const override {
    std::string table = pg::qualified(ctx.schema, physical_table(*ctx.before, table_));
    Action a;
    a.id = "set_replica_identity:" + table_;
    a.description = fmt::format("set replica identity of {} to {}", table_, type_);
    a.statements = {fmt::format("ALTER TABLE {} REPLICA IDENTITY {}", table, identity_clause(type_, index_))};
    a.lock = LockMode::access_exclusive;
    a.lock_target = table_;
    a.rollback = "ALTER TABLE " + table + " REPLICA IDENTITY " + previous(ctx, table);
    a.verify = fmt::format("SELECT relreplident = {} FROM pg_class WHERE oid = {}::regclass",
                           pg::quote_literal(type_ == "index" ? "i" : type_ == "full" ? "f" : type_ == "nothing" ? "n" : "d"),
                           pg::quote_literal(table));
    plan.add(std::move(a));
  }
  void complete(const PlanContext&, Plan&) const override {}
  void rollback(const PlanContext& ctx, Plan& plan) const override {
    const std::string physical = physical_table(*ctx.before, table_);
    const std::string table = pg::qualified(ctx.schema, physical);
    Action a;
    a.id = "restore_replica_identity:" + table_;
    a.description = fmt::format("restore the replica identity of {}", table_);
    a.statements = {pg::sql::guarded(pg::sql::relation_exists(ctx.schema, physical),
                                     {fmt::format("ALTER TABLE {} REPLICA IDENTITY {}", table, previous(ctx, table))})};
    a.lock = LockMode::access_exclusive;
    a.lock_target = table_;
    plan.add(std::move(a));
  }

 private:
  // The replica identity the table has now (plans are made before start changes it).
  std::string previous(const PlanContext& ctx, const std::string& table) const {
    if (!ctx.conn) return "DEFAULT";
    auto r = ctx.conn->exec_params(
        "SELECT c.relreplident::text, (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
        "WHERE i.indrelid = c.oid AND i.indisreplident) FROM pg_class c WHERE c.oid = to_regclass($1)",
        table);
    if (r.empty()) return "DEFAULT";
    std::string kind = r[0][0].c_str();
    if (kind == "i" && !r[0][1].is_null()) return "USING INDEX " + pg::quote_ident(r[0][1].c_str());
    if (kind == "f") return "FULL";
    if (kind == "n") return "NOTHING";
    return "DEFAULT";
  }

  std::string table_, type_, index_;
};

}  // namespace

extern const OperationType set_replica_identity_type{SetReplicaIdentity::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<SetReplicaIdentity>(f);
}};

}  // namespace slipway::migration
