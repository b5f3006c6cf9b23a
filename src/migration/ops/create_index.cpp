// create_index: CREATE INDEX CONCURRENTLY at start (SHARE UPDATE EXCLUSIVE: the application keeps
// reading and writing); an invalid leftover of an interrupted build is dropped and rebuilt by the
// applier. Dropped (concurrently) by rollback.
//
// A partitioned table takes no CONCURRENTLY: its index is made ON ONLY the parent (invalid, no
// data read), each leaf's index is built concurrently, and ATTACH PARTITION joins them (brief
// locks, no scan); the parent's index becomes valid when its last partition's is attached.
#include <algorithm>
#include <set>

#include "catalog/inspector.hpp"

#include "lint/user_text.hpp"
#include "migration/ops/checks.hpp"
#include "migration/ops/table_ops_common.hpp"
#include "pg/connection.hpp"
#include "pg/quote.hpp"
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
    name_ = f.required_relation("name");
    table_ = f.required_relation("table");
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
        // pgroll writes the parameters as a list of "name=value"; a map of them reads the same.
        std::vector<std::string> params;
        if (oc->has_list("params")) params = oc->string_list("params");
        else
          for (const auto& [k, v] : oc->string_map("params")) params.push_back(k + " = " + v);
        oc->finish();
        if (!params.empty()) {
          std::string p;
          for (const auto& kv : params) p += (p.empty() ? "" : ", ") + kv;
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
    if (ctx.conn) check_index_elements(ctx);
    if (t.catalog && t.catalog->kind == 'p') validate_partitioned(ctx, *t.catalog);
  }

  // Collations and operator classes the catalog does not know fail CREATE INDEX in start.
  void check_index_elements(const ValidationContext& ctx) const {
    for (size_t i = 0; i < columns_.size(); ++i) {
      const auto& c = columns_[i];
      if (c.collate && !ctx.conn->query_value<bool>("SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = $1)",
                                                    *c.collate).value_or(false))
        ctx.fail(fmt::format("columns[{}].collate", i), fmt::format("collation \"{}\" does not exist", *c.collate),
                 "SELECT collname FROM pg_collation lists them");
      if (!c.opclass) continue;
      std::string opclass = c.opclass->substr(0, c.opclass->find(" ("));  // without its parameters
      if (!ctx.conn
               ->query_value<bool>(
                   "SELECT EXISTS (SELECT 1 FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod "
                   "WHERE am.amname = $1 AND (oc.opcname = $2 OR oc.opcname = lower($2) "
                   "OR format('%I.%I', oc.opcnamespace::regnamespace, oc.opcname) = $2))",
                   method_, opclass)
               .value_or(false))
        ctx.fail(fmt::format("columns[{}].opclass.name", i),
                 fmt::format("operator class {} does not exist for index method {}", opclass, method_),
                 "SELECT opcname FROM pg_opclass JOIN pg_am ON pg_am.oid = opcmethod WHERE amname = '" + method_ +
                     "' lists them");
    }
  }

  void validate_partitioned(const ValidationContext& ctx, const catalog::Table& table) const {
    if (unique_) {
      for (const auto& key : table.partition_key) {
        bool listed = std::any_of(columns_.begin(), columns_.end(), [&](const auto& c) { return c.column == key; });
        if (key.empty() || !listed)
          ctx.fail("unique", fmt::format("a unique index on the partitioned table {} must include its partition key ({})",
                                         table.name, key.empty() ? "an expression" : key),
                   "add the partition key's columns to `columns`, or make the index not unique");
      }
    }
    for (const auto& p : table.partitions) {
      if (p.kind == 'f')
        ctx.fail("table", fmt::format("partition {} of {} is a foreign table, which takes no index", p.name, table.name),
                 "detach it first, or create the index per partition with a sql migration");
      if (p.schema != ctx.schema)
        ctx.fail("table", fmt::format("partition {}.{} of {} is in another schema", p.schema, p.name, table.name),
                 "slipway builds partition indexes in the application schema only; use a sql migration");
      std::string index = partition_index(p);
      if (ctx.conn && catalog::Inspector(*ctx.conn).relation_exists(p.schema, index))
        ctx.fail("name", fmt::format("the index of partition {} would be named {}, which exists", p.name, index),
                 "choose another index name");
    }
  }

  void apply(VirtualSchema&) const override {}

  void start(const PlanContext& ctx, Plan& plan) const override {
    const auto* t = ctx.before->table(table_);
    std::string physical = t ? t->physical : table_;
    if (t && t->catalog && t->catalog->kind == 'p') return start_partitioned(ctx, *t, plan);
    std::string sql = fmt::format("CREATE {}INDEX CONCURRENTLY {} ON {} {}", unique_ ? "UNIQUE " : "",
                                  pg::quote_ident(name_), pg::qualified(ctx.schema, physical), index_body(t));
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
    const auto* t = ctx.before->table(table_);
    if (t && t->catalog && t->catalog->kind == 'p') return rollback_partitioned(ctx, *t->catalog, plan);
    plan.add(drop_index_action("drop_index:" + name_, ctx.schema, name_, table_, false));
  }

 private:
  // The index of partition `p`: the index's name and the partition's, made to fit.
  std::string partition_index(const catalog::Partition& p) const { return pg::fit_identifier(name_ + "_" + p.name); }
  // The index a partition's index is attached to: the parent's own, or that of the
  // sub-partitioned table the partition belongs to.
  std::string parent_index(const catalog::Table& table, const catalog::Partition& p) const {
    if (p.parent == table.name && p.parent_schema == table.schema) return name_;
    return pg::fit_identifier(name_ + "_" + p.parent);
  }

  void start_partitioned(const PlanContext& ctx, const VirtualTable& t, Plan& plan) const {
    const catalog::Table& table = *t.catalog;
    const std::string unique = unique_ ? "UNIQUE " : "";
    const std::string body = index_body(&t);
    // ON ONLY: no partition's data is read, so SHARE (it blocks writes) is held for a moment.
    auto on_only = [&](const std::string& id, const std::string& index, const std::string& schema,
                       const std::string& on) {
      Action a;
      a.id = id;
      a.description = fmt::format("create index {} on only {} (no data read; valid once its partitions' are attached)",
                                  index, on);
      a.statements = {fmt::format("CREATE {}INDEX IF NOT EXISTS {} ON ONLY {} {}", unique, pg::quote_ident(index),
                                  pg::qualified(schema, on), body)};
      a.lock = LockMode::share;
      a.lock_target = on;
      a.rollback = fmt::format("DROP INDEX IF EXISTS {}", pg::qualified(schema, index));
      a.verify = pg::sql::select("NOT " + pg::sql::relation_missing(schema, index));
      plan.add(std::move(a));
    };
    on_only("create_index:" + name_, name_, ctx.schema, t.physical);
    for (const auto& p : table.partitions) {
      std::string index = partition_index(p);
      if (p.kind == 'p') {
        on_only("create_index:" + name_ + ":" + p.name, index, p.schema, p.name);
        continue;
      }
      Action a;
      a.kind = Action::Kind::concurrent;
      a.id = "create_index:" + name_ + ":" + p.name;
      a.description = fmt::format("create index {} on partition {} concurrently", index, p.name);
      a.statements = {fmt::format("CREATE {}INDEX CONCURRENTLY {} ON {} {}", unique, pg::quote_ident(index),
                                  pg::qualified(p.schema, p.name), body)};
      a.creates_index = index;
      a.lock = LockMode::share_update_exclusive;
      a.lock_target = p.name;
      a.scans = true;
      a.rollback = fmt::format("DROP INDEX IF EXISTS {}", pg::qualified(p.schema, index));
      a.verify = pg::sql::select(pg::sql::index_is_valid(p.schema, index));
      plan.add(std::move(a));
    }
    // Deepest first, so each sub-partitioned table's index is complete when it is attached.
    for (auto it = table.partitions.rbegin(); it != table.partitions.rend(); ++it) {
      const auto& p = *it;
      std::string index = partition_index(p), parent = parent_index(table, p);
      Action a;
      a.id = "attach_index:" + name_ + ":" + p.name;
      a.description = fmt::format("attach index {} of partition {} to {}", index, p.name, parent);
      a.statements = {fmt::format("ALTER INDEX {} ATTACH PARTITION {}", pg::qualified(p.parent_schema, parent),
                                  pg::qualified(p.schema, index))};
      // A catalog change only: ACCESS EXCLUSIVE on the indexes for a moment (queries planning with
      // them wait that long at most, under lock_timeout).
      a.lock = LockMode::access_exclusive;
      a.lock_target = "index " + parent;
      a.rollback = fmt::format("DROP INDEX IF EXISTS {}", pg::qualified(ctx.schema, name_));
      a.verify = pg::sql::select(fmt::format(
          "EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass({}) AND inhparent = to_regclass({}))",
          pg::quote_literal(pg::qualified(p.schema, index)), pg::quote_literal(pg::qualified(p.parent_schema, parent))));
      plan.add(std::move(a));
    }
  }

  // DROP INDEX on the parent takes its attached partitions' indexes with it; it cannot run
  // CONCURRENTLY on a partitioned index, so it takes ACCESS EXCLUSIVE on the tables for a moment
  // (a catalog change, under lock_timeout). Partition indexes an interrupted start built but never
  // attached are dropped after it, concurrently.
  void rollback_partitioned(const PlanContext& ctx, const catalog::Table& table, Plan& plan) const {
    plan.add(drop_index_action("drop_index:" + name_, ctx.schema, name_, table_, true));
    for (const auto& p : table.partitions) {
      Action d = drop_index_action("drop_index:" + name_ + ":" + p.name, p.schema, partition_index(p), p.name, p.kind == 'p');
      d.description += fmt::format(" (of partition {}, if it was left unattached)", p.name);
      plan.add(std::move(d));
    }
  }

  // `USING method (columns) [WITH (...)] [WHERE ...]`, the columns by their physical names.
  std::string index_body(const VirtualTable* t) const {
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
    std::string sql = fmt::format("USING {} ({})", method_, cols);
    if (storage_parameters_) sql += " WITH (" + *storage_parameters_ + ")";
    if (predicate_) sql += " WHERE " + *predicate_;
    return sql;
  }

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
