// create_index: CREATE INDEX CONCURRENTLY at start (SHARE UPDATE EXCLUSIVE: the application keeps
// reading and writing); an invalid leftover of an interrupted build is dropped and rebuilt by the
// applier. Dropped (concurrently) by rollback.
#include <set>

#include "lint/user_text.hpp"
#include "migration/ops/checks.hpp"
#include "migration/ops/table_ops_common.hpp"
#include "pg/sql/catalog_sql.hpp"

namespace slipway::migration {
namespace {

struct IndexColumn {
  std::string column;
  std::optional<std::string> sort, nulls, collate;
  std::optional<std::string> opclass;  // with its parameters: `name (k = v, ...)`
};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class CreateIndex : public Operation {
 public:
  explicit CreateIndex(Fields& f) {
    name_ = f.required_string("name");
    table_ = f.required_string("table");
    unique_ = f.optional_bool("unique").value_or(false);
    method_ = f.optional_string("method").value_or("btree");
    predicate_ = f.optional_sql("predicate", Fields::Sql::expression);
    storage_parameters_ = f.optional_sql("storage_parameters", Fields::Sql::storage_parameters);
    static const std::set<std::string> methods{"btree", "hash", "gist", "spgist", "gin", "brin"};
    if (!methods.count(method_)) f.fail("method", fmt::format("unknown index method \"{}\"", method_), "use btree, hash, gist, spgist, gin or brin");
    for (auto& c : f.object_list("columns", true)) {
      IndexColumn ic;
      ic.column = c.required_string("column");
      if (auto s = c.optional_string("sort")) {
        ic.sort = upper(*s);
        if (*ic.sort != "ASC" && *ic.sort != "DESC") c.fail("sort", fmt::format("\"{}\" is not ASC or DESC", *s));
      }
      if (auto n = c.optional_string("nulls")) {
        ic.nulls = upper(*n);
        if (*ic.nulls != "FIRST" && *ic.nulls != "LAST") c.fail("nulls", fmt::format("\"{}\" is not FIRST or LAST", *n));
      }
      ic.collate = c.optional_string("collate");
      if (auto oc = c.optional_object("opclass")) {
        ic.opclass = oc->required_sql("name", Fields::Sql::opclass);
        auto params = oc->string_map("params");
        oc->finish();
        if (!params.empty()) {
          std::string p;
          for (const auto& [k, v] : params) p += (p.empty() ? "" : ", ") + k + " = " + v;
          *ic.opclass += " (" + p + ")";
          // The parameters are checked as part of the whole clause they make.
          if (auto problem = lint::opclass_problem(*ic.opclass))
            oc->fail("params", fmt::format("`{}` {}", p, problem->what), problem->hint);
        }
      }
      c.finish();
      columns_.push_back(std::move(ic));
    }
  }
  static constexpr const char* kKind = "create_index";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {table_}; }

  void validate(ValidationContext& ctx) const override {
    const auto& t = require_table(ctx, "table", table_);
    require_free_relation_name(ctx, "name", name_);
    for (size_t i = 0; i < columns_.size(); ++i) {
      require_column(ctx, fmt::format("columns[{}].column", i), t, columns_[i].column);
    }
    if (unique_ && method_ != "btree") ctx.fail("unique", "only btree indexes can be unique");
    if (predicate_) ctx.check_expression("predicate", t.physical, *predicate_, "boolean");
  }

  void apply(VirtualSchema&) const override {}

  void start(const PlanContext& ctx, Plan& plan) const override {
    const auto* t = ctx.before->table(table_);
    std::string physical = t ? t->physical : table_;
    std::string cols;
    for (const auto& c : columns_) {
      const auto* vc = t ? t->column(c.column) : nullptr;
      std::string e = pg::quote_ident(vc ? vc->physical : c.column);
      if (c.collate) e += " COLLATE " + pg::quote_ident(*c.collate);
      if (c.opclass) e += " " + *c.opclass;
      if (c.sort) e += " " + *c.sort;
      if (c.nulls) e += " NULLS " + *c.nulls;
      cols += (cols.empty() ? "" : ", ") + e;
    }
    std::string sql = fmt::format("CREATE {}INDEX CONCURRENTLY {} ON {} USING {} ({})", unique_ ? "UNIQUE " : "",
                                  pg::quote_ident(name_), pg::qualified(ctx.schema, physical), method_, cols);
    if (storage_parameters_) sql += " WITH (" + *storage_parameters_ + ")";
    if (predicate_) sql += " WHERE " + *predicate_;
    Action a;
    a.kind = Action::Kind::concurrent;
    a.id = "create_index:" + name_;
    a.description = fmt::format("create index {} on {} concurrently", name_, physical);
    a.statements = {sql};
    a.creates_index = name_;
    a.lock = LockMode::share_update_exclusive;
    a.lock_target = physical;
    a.scans = true;
    a.rollback = fmt::format("DROP INDEX CONCURRENTLY IF EXISTS {}", pg::qualified(ctx.schema, name_));
    a.verify = pg::sql::select(pg::sql::index_is_valid(ctx.schema, name_));
    plan.add(std::move(a));
  }

  void complete(const PlanContext&, Plan&) const override {}

  void rollback(const PlanContext& ctx, Plan& plan) const override {
    Action a;
    a.kind = Action::Kind::concurrent;
    a.id = "drop_index:" + name_;
    a.description = fmt::format("drop index {} concurrently", name_);
    a.statements = {fmt::format("DROP INDEX CONCURRENTLY IF EXISTS {}", pg::qualified(ctx.schema, name_))};
    a.lock = LockMode::share_update_exclusive;
    a.lock_target = table_;
    a.verify = pg::sql::select(pg::sql::relation_missing(ctx.schema, name_));
    plan.add(std::move(a));
  }

 private:
  std::string name_, table_, method_;
  bool unique_ = false;
  std::optional<std::string> predicate_, storage_parameters_;
  std::vector<IndexColumn> columns_;
};

}  // namespace

extern const OperationType create_index_type{CreateIndex::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<CreateIndex>(f);
}};

}  // namespace slipway::migration
