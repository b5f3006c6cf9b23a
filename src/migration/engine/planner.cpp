#include "migration/engine/planner.hpp"

#include "migration/engine/column_limit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "catalog/inspector.hpp"
#include "migration/engine/column_limit.hpp"
#include "migration/engine/engine_actions.hpp"
#include "migration/engine/plan_json.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"

namespace slipway::migration {

std::string MigrationPlans::to_json_text() const {
  nlohmann::json head = {
      {"version_schema", version_schema},
      {"creates_version_schema", creates_version_schema},
      {"previous_version_schema", previous_version_schema ? nlohmann::json(*previous_version_schema) : nlohmann::json()},
      {"new_version", migration::to_json(new_version)},
      {"old_version", migration::to_json(old_version)}};
  std::string out = head.dump();
  out.pop_back();  // the closing brace: the phases follow
  const std::pair<const char*, const Plan*> phases[] = {{"start", &start}, {"complete", &complete}, {"rollback", &rollback}};
  for (const auto& [key, plan] : phases) {
    out += fmt::format(",\"{}\":[", key);
    for (size_t i = 0; i < plan->actions.size(); ++i) {
      if (i > 0) out += ',';
      out += migration::to_json(plan->actions[i]).dump();
    }
    out += ']';
  }
  out += '}';
  return out;
}

MigrationPlans MigrationPlans::from_json(const nlohmann::json& j) {
  MigrationPlans p;
  p.version_schema = j.value("version_schema", "");
  p.creates_version_schema = j.value("creates_version_schema", true);
  if (j.contains("previous_version_schema") && j["previous_version_schema"].is_string())
    p.previous_version_schema = j["previous_version_schema"].get<std::string>();
  p.new_version = virtual_schema_from_json(j.value("new_version", nlohmann::json::object()));
  p.old_version = virtual_schema_from_json(j.value("old_version", nlohmann::json::object()));
  p.start = plan_from_json(j.value("start", nlohmann::json::array()));
  p.complete = plan_from_json(j.value("complete", nlohmann::json::array()));
  p.rollback = plan_from_json(j.value("rollback", nlohmann::json::array()));
  return p;
}

std::string version_schema_name(const std::string& schema, const MigrationDocument& doc) {
  std::string name = schema + "_" + doc.version_schema.value_or(doc.name);
  if (name.size() > 63) {
    throw InputError(
        fmt::format("{}: the version schema name \"{}\" is {} bytes; PostgreSQL allows 63",
                    doc.source.file.empty() ? doc.name : doc.source.file, name, name.size()),
        "set a shorter `version_schema:` in the migration file");
  }
  return name;
}

namespace {

// The application's schema must exist; the migration's version schema (when it creates one)
// must not, yet.
void check_schemas(catalog::Inspector& inspector, const std::string& schema, const MigrationDocument& doc,
                   const std::optional<std::string>& version_schema) {
  if (!inspector.schema_exists(schema)) {
    throw InputError(fmt::format("schema \"{}\" does not exist", schema), "create it, or pass --schema");
  }
  if (version_schema && inspector.schema_exists(*version_schema)) {
    throw InputError(fmt::format("{}: the version schema \"{}\" already exists", doc.source.where(""), *version_schema),
                     "was this migration applied already? otherwise set another `version_schema:`");
  }
}

// Validates the operations in order, each on the schema as the operations before it left it
// (InputError on the first problem), and returns the new version. One schema, changed in place:
// keeping the schema before each operation would cost operations x schema size (a 20,000
// operation file took more than 21 GB that way).
VirtualSchema validate_in_order(const MigrationContext& m, const MigrationDocument& doc,
                                const VirtualSchema& old_version, bool live_checks) {
  VirtualSchema now = old_version;
  ColumnLimit column_limit;
  for (size_t i = 0; i < doc.operations.size(); ++i) {
    const auto& op = *doc.operations[i];
    ValidationContext v;
    static_cast<MigrationContext&>(v) = m;
    if (!live_checks) v.conn = nullptr;  // every check that asks the database is skipped
    v.schema_now = &now;
    v.path = fmt::format("operations[{}].{}", i, op.kind());
    v.source = &doc.source;
    // `schema.name` resolves as pgroll's names do, in the schema the migration runs on: another
    // schema is another run (its own version schemas), never a table named "schema.name".
    for (const auto& q : op.qualifiers) {
      if (q.schema == m.schema) continue;
      std::string where = doc.source.where(q.path);
      throw InputError(fmt::format("{}{}: the name is in schema \"{}\", but this migration runs on schema \"{}\"",
                                   where.empty() ? "" : where + ": ", q.path, q.schema, m.schema),
                       fmt::format("run it with --schema {} (a migration changes one schema), or drop the prefix",
                                   pg::quote_ident(q.schema)));
    }
    op.validate(v);
    if (op.needs_backfill()) {
      for (const auto& name : op.tables()) {
        const auto* t = now.table(name);
        if (t && t->catalog && !t->catalog->batch_key()) {
          v.fail("table", fmt::format("table \"{}\" has no primary key or unique NOT NULL key to backfill by", name),
                 "add a primary key (or a unique index on NOT NULL columns) first");
        }
      }
    }
    op.apply(now);
    for (const auto& name : op.tables()) {
      const auto* t = now.table(name);
      if (!t) continue;
      if (auto n = column_limit.exceeded_after(*t)) {
        v.fail("table", fmt::format("table \"{}\" would number {} columns at start (dropped ones count too); "
                                    "PostgreSQL allows {}", name, *n, ColumnLimit::max_columns),
               "split the migration (complete one before the next adds columns); `slipway repack --table "
               "T` renumbers a table's columns, dropped ones no longer counted");
      }
    }
  }
  return now;
}

// What the operations planned, sorted for the engine to put in order.
struct OperationPlans {
  TriggerSet triggers;        // their up/down assignments
  Plan start;                 // their own start steps, in operation order
  Plan backfills;             // one per table (add_backfill)
  Plan after_backfill;        // steps that need filled rows (Action::after_backfill)
  std::vector<Plan> complete;  // per operation
  std::vector<Plan> rollback;  // per operation

  bool backfilled(const std::string& table) const {
    return std::any_of(backfills.actions.begin(), backfills.actions.end(),
                       [&](const Action& b) { return b.backfill->table == table; });
  }
};

// One pass per table: the backfills of several operations on the same table become one action
// whose UPDATE sets all their columns. The batch key: the operation's choice, else the table's
// best key.
void add_backfill(Plan& backfills, Action a, const VirtualSchema& old_version) {
  if (a.backfill && a.backfill->key.empty()) {
    if (const auto* t = old_version.by_physical(a.backfill->table); t && t->catalog) {
      if (auto k = t->catalog->batch_key()) a.backfill->key = *k;
    }
  }
  for (auto& b : backfills.actions) {
    if (b.backfill->table != a.backfill->table) continue;
    for (auto& s : a.backfill->set) b.backfill->set.push_back(std::move(s));
    b.description = fmt::format("backfill {} columns of {} in batches by ({})", b.backfill->set.size(),
                                b.backfill->table, fmt::join(b.backfill->key, ", "));
    return;
  }
  a.id = "backfill:" + a.backfill->table;
  a.operation.reset();  // one pass for every operation on the table
  backfills.add(std::move(a));
}

// Each operation plans its three phases on the schema just before and just after it. Both are
// rebuilt by applying the operations again, each to both schemas (applying is cheap and
// deterministic): two schemas alive, and no copy of a schema per operation.
OperationPlans plan_operations(const EngineContext& e, const MigrationDocument& doc) {
  OperationPlans out;
  out.complete.resize(doc.operations.size());
  out.rollback.resize(doc.operations.size());
  VirtualSchema before = *e.old_version;
  VirtualSchema after = *e.old_version;
  for (size_t i = 0; i < doc.operations.size(); ++i) {
    if (i > 0) doc.operations[i - 1]->apply(before);
    doc.operations[i]->apply(after);
    PlanContext ctx;
    static_cast<MigrationContext&>(ctx) = e;
    ctx.before = &before;
    ctx.after = &after;
    ctx.old_version = e.old_version;
    ctx.new_version = e.new_version;
    ctx.triggers = &out.triggers;
    const OperationRef op{i, doc.operations[i]->kind()};
    Plan p;
    doc.operations[i]->start(ctx, p);
    for (auto& a : p.actions) {
      a.operation = op;
      if (a.kind == Action::Kind::backfill) add_backfill(out.backfills, std::move(a), *e.old_version);
      else if (a.after_backfill) out.after_backfill.add(std::move(a));
      else out.start.add(std::move(a));
    }
    ctx.triggers = nullptr;
    doc.operations[i]->complete(ctx, out.complete[i]);
    doc.operations[i]->rollback(ctx, out.rollback[i]);
    for (Plan* phase : {&out.complete[i], &out.rollback[i]})
      for (auto& a : phase->actions) a.operation = op;
  }
  return out;
}

// The actions of per-operation plans, counted to reserve room for them once: a plan of 20,000
// operations would otherwise hold its actions twice while its vector grows.
std::size_t action_count(const std::vector<Plan>& plans) {
  std::size_t n = 0;
  for (const auto& p : plans) n += p.actions.size();
  return n;
}

void add_all(Plan& to, Plan from) {
  for (auto& a : from.actions) to.add(std::move(a));
}

// Action ids must be unique per phase: progress is recorded by id. Counting on from the last
// suffix of each id: 20,000 `sql` operations share one id, and trying #2, #3... each time was
// quadratic.
void make_ids_unique(MigrationPlans& plans) {
  for (Plan* p : {&plans.start, &plans.complete, &plans.rollback}) {
    std::set<std::string> seen;
    std::unordered_map<std::string, int> next_suffix;  // per id: where its count left off
    for (auto& a : p->actions) {
      std::string id = a.id;
      int& n = next_suffix.try_emplace(id, 2).first->second;
      while (seen.count(a.id)) a.id = fmt::format("{}#{}", id, n++);
      seen.insert(a.id);
    }
  }
}

// Each rollback step of an operation undoes that operation's start steps (by their final ids).
// Indexed by operation first: with 20,000 operations, comparing every pair was most of the time.
void link_undo_steps(MigrationPlans& plans) {
  std::unordered_map<size_t, std::vector<std::string>> start_ids;
  for (const auto& a : plans.start.actions)
    if (a.operation) start_ids[a.operation->index].push_back(a.id);
  for (auto& undo : plans.rollback.actions) {
    if (!undo.operation) continue;
    if (auto it = start_ids.find(undo.operation->index); it != start_ids.end()) undo.undoes = it->second;
  }
}

}  // namespace

MigrationPlans plan_migration(pg::Connection& conn, const MigrationDocument& doc, const PlanOptions& options) {
  const std::string& schema = options.schema;
  const auto& previous_version_schema = options.previous_version_schema;
  MigrationPlans out;
  out.version_schema = version_schema_name(schema, doc);
  out.creates_version_schema = options.version_schema;
  if (previous_version_schema && *previous_version_schema != schema && *previous_version_schema != out.version_schema)
    out.previous_version_schema = previous_version_schema;
  if (doc.operations.empty()) {
    throw InputError(fmt::format("{}: operations: the migration has no operations", doc.source.where("operations")));
  }
  catalog::Inspector inspector(conn);
  check_schemas(inspector, schema, doc,
                out.creates_version_schema ? std::optional<std::string>(out.version_schema) : std::nullopt);
  auto old_version = VirtualSchema::from_catalog(schema, inspector.tables(schema));

  EngineContext e;
  e.schema = schema;
  e.migration = doc.name;
  e.version_schema = out.version_schema;
  e.conn = &conn;
  e.state_schema = options.state_schema;
  auto new_version = validate_in_order(e, doc, old_version, options.live_checks);
  e.old_version = &old_version;
  e.new_version = &new_version;
  auto ops = plan_operations(e, doc);
  e.triggers = &ops.triggers;
  const auto synced = trigger_tables(ops.triggers);

  // start: the operations' steps; the sync triggers of tables without a backfill; for the
  // backfilled tables capture their writes, backfill, then per table switch to the sync trigger,
  // replay the captured writes, drop the capture (see engine/capture.hpp); then what needs
  // filled rows; last, the version schema (unless --use-version-schema=false).
  out.start = std::move(ops.start);
  for (const auto& table : synced)
    if (!ops.backfilled(table)) out.start.add(sync_trigger_action(e, table));
  for (const auto& b : ops.backfills.actions) out.start.add(capture_action(e, b));
  for (const auto& b : ops.backfills.actions) out.start.add(b);
  for (const auto& b : ops.backfills.actions) {
    out.start.add(switch_to_sync_trigger_action(e, b.backfill->table));
    out.start.add(replay_action(e, b));
    out.start.add(drop_capture_log_action(e, b.backfill->table));
  }
  add_all(out.start, std::move(ops.after_backfill));
  if (out.creates_version_schema) out.start.add(version_schema_action(e));

  // complete: the previous version goes first (nothing may read the old shape any more), then
  // the sync triggers (nobody writes the old shape any more), then the operations' contract;
  // last, the views follow the completed tables.
  out.complete.actions.reserve(action_count(ops.complete) + synced.size() + 2);
  if (out.previous_version_schema) out.complete.add(drop_previous_version_action(*out.previous_version_schema));
  for (const auto& table : synced) out.complete.add(drop_sync_trigger_action(e, table));
  for (auto& p : ops.complete) add_all(out.complete, std::move(p));
  if (out.creates_version_schema) out.complete.add(refresh_views_action(e));

  // rollback: the new version goes first, then the sync triggers, the write captures, then each
  // operation's undo in reverse order.
  out.rollback.actions.reserve(action_count(ops.rollback) + synced.size() + ops.backfills.actions.size() + 1);
  // A schema of that name that the migration did not create is not its to drop.
  if (out.creates_version_schema) out.rollback.add(drop_version_schema_action(e));
  for (const auto& table : synced) out.rollback.add(drop_sync_trigger_action(e, table));
  for (const auto& b : ops.backfills.actions) out.rollback.add(drop_capture_action(e, b.backfill->table));
  for (auto it = ops.rollback.rbegin(); it != ops.rollback.rend(); ++it) add_all(out.rollback, std::move(*it));

  make_ids_unique(out);
  link_undo_steps(out);
  out.old_version = std::move(old_version);
  out.new_version = std::move(new_version);
  return out;
}

}  // namespace slipway::migration
