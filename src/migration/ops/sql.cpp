// sql: raw SQL. `up` runs at start (or at complete with `onComplete: true`), `down` at rollback.
// slipway cannot know what raw SQL locks, so it runs under lock_timeout like all DDL, in one
// transaction. The new version's views are reconciled with the catalog afterwards, so tables
// and columns it creates appear in them.
#include "lint/sql_objects.hpp"
#include "migration/ops/checks.hpp"
#include "migration/ops/sql_inverse.hpp"
#include "migration/ops/table_ops_common.hpp"
#include "util/log.hpp"

namespace slipway::migration {
namespace {

class Sql : public Operation {
 public:
  explicit Sql(Fields& f) {
    // Syntax is checked at read time: a typo fails `validate`, not the middle of `start`.
    up_ = f.required_sql("up", Fields::Sql::statements);
    down_ = f.optional_sql("down", Fields::Sql::statements);
    on_complete_ = f.optional_bool("onComplete").value_or(false);
    if (on_complete_ && down_) {
      f.fail("down", "`down` cannot be combined with `onComplete: true`: the SQL runs at complete, which is never rolled back");
    }
    if (!down_ && !on_complete_) derived_down_ = inverse_of_creates(up_);
  }
  static constexpr const char* kKind = "sql";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {}; }

  void validate(ValidationContext& ctx) const override {
    if (!down_ && !on_complete_ && !derived_down_) {
      log::warn("{}: raw SQL without `down`: rollback cannot undo it", ctx.source ? ctx.source->where(ctx.path) : ctx.path);
    }
  }
  // What the statements create is known to the operations after this one (an `onComplete`
  // statement runs after all of them: nothing of it exists while they start).
  void apply(VirtualSchema& schema) const override {
    if (!on_complete_) schema.created.add(lint::created_by(up_));
  }

  void start(const PlanContext&, Plan& plan) const override {
    if (!on_complete_) plan.add(action("sql:up", up_));
  }
  void complete(const PlanContext&, Plan& plan) const override {
    if (on_complete_) plan.add(action("sql:up", up_));
  }
  void rollback(const PlanContext&, Plan& plan) const override {
    if (down_) plan.add(action("sql:down", *down_));
    else if (derived_down_ && !on_complete_) plan.add(action("sql:down", *derived_down_));
  }

 private:
  Action action(const std::string& id, const std::string& sql) const {
    Action a;
    a.id = id;
    std::string_view first(sql);
    first = first.substr(0, first.find('\n'));
    a.description = first.size() > 60 ? fmt::format("run SQL: {}...", first.substr(0, 57)) : fmt::format("run SQL: {}", first);
    a.statements = {sql};
    a.user_sql = id == "sql:up" ? "up" : down_ ? "down" : "";  // a derived down is slipway's
    a.lock = LockMode::access_exclusive;
    a.lock_target = "(raw SQL: whatever it touches)";
    if (id == "sql:up") {
      if (down_) a.rollback = *down_;
      else if (derived_down_) a.rollback = *derived_down_;
      else a.rollback = fmt::format("(no down given)");
    }
    return a;
  }

  std::string up_;
  std::optional<std::string> down_, derived_down_;
  bool on_complete_ = false;
};

}  // namespace

extern const OperationType sql_type{Sql::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<Sql>(f);
}};

}  // namespace slipway::migration
