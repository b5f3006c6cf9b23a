#include "migration/engine/planner.hpp"

#include <fmt/format.h>

#include <set>

#include "catalog/inspector.hpp"
#include "migration/engine/capture.hpp"
#include "migration/engine/plan_json.hpp"
#include "migration/engine/triggers.hpp"
#include "migration/engine/views.hpp"
#include "migration/ops/column_sql.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"

namespace slipway::migration {

nlohmann::json MigrationPlans::to_json() const {
  return {{"version_schema", version_schema},
          {"previous_version_schema", previous_version_schema ? nlohmann::json(*previous_version_schema) : nlohmann::json()},
          {"new_version", new_version},
          {"old_version", old_version},
          {"start", migration::to_json(start)},
          {"complete", migration::to_json(complete)},
          {"rollback", migration::to_json(rollback)}};
}

MigrationPlans MigrationPlans::from_json(const nlohmann::json& j) {
  MigrationPlans p;
  p.version_schema = j.value("version_schema", "");
  if (j.contains("previous_version_schema") && j["previous_version_schema"].is_string())
    p.previous_version_schema = j["previous_version_schema"].get<std::string>();
  p.new_version = j.value("new_version", nlohmann::json::object());
  p.old_version = j.value("old_version", nlohmann::json::object());
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

// The columns whose UPDATEs the write capture must see: those the backfill's assignments read
// (nullopt: any UPDATE, when that cannot be told; see create_capture_statements). `table`: the
// physical table as the planner read it from the catalog.
std::optional<std::set<std::string>> capture_watched_columns(pg::Connection& conn, const VirtualTable* table,
                                                             const std::vector<std::string>& set) {
  if (!table || !table->catalog) return std::nullopt;
  std::set<std::string> columns;
  for (const auto& c : table->catalog->columns) columns.insert(c.name);
  return columns_read_by_assignments(conn, set, columns);
}

// The physical columns that one direction's sync assignments read (see TriggerReads). `table`:
// the table as the direction's version sees it; its expressions use that version's names.
std::optional<std::set<std::string>> trigger_reads(pg::Connection& conn, const VirtualTable* table,
                                                   const std::vector<TriggerAssignment>& assignments,
                                                   TriggerAssignment::Direction d) {
  std::vector<std::string> set;
  for (const auto& a : assignments)
    if (a.direction == d) set.push_back(pg::quote_ident(a.column) + " = " + as_expression(a.expression));
  if (set.empty()) return std::set<std::string>{};
  if (!table) return std::nullopt;
  std::set<std::string> names;
  for (const auto& c : table->columns)
    if (!c.hidden) names.insert(c.name);
  auto read = columns_read_by_assignments(conn, set, names);
  if (!read) return std::nullopt;
  std::set<std::string> physical;
  for (const auto& c : table->columns)
    if (!c.hidden && read->count(c.name)) physical.insert(c.physical);
  return physical;
}

// Tables (physical) that have trigger assignments, in first-seen order.
std::vector<std::string> trigger_tables(const TriggerSet& ts) {
  std::vector<std::string> out;
  for (const auto& a : ts.assignments())
    if (std::find(out.begin(), out.end(), a.table) == out.end()) out.push_back(a.table);
  return out;
}

const VirtualTable* by_physical_table(const VirtualSchema& s, const std::string& physical) {
  for (const auto& t : s.all_tables())
    if (t.physical == physical) return &t;
  return nullptr;
}

// One pass per table: the backfills of several operations on the same table become one action
// whose UPDATE sets all their columns.
void add_backfill(Plan& backfills, Action a) {
  for (auto& b : backfills.actions) {
    if (b.backfill->table != a.backfill->table) continue;
    for (auto& s : a.backfill->set) b.backfill->set.push_back(std::move(s));
    b.description = fmt::format("backfill {} columns of {} in batches by ({})", b.backfill->set.size(),
                                b.backfill->table, fmt::join(b.backfill->key, ", "));
    return;
  }
  a.id = "backfill:" + a.backfill->table;
  backfills.add(std::move(a));
}

}  // namespace

MigrationPlans plan_migration(pg::Connection& conn, const std::string& schema, const std::string& state_schema,
                              const MigrationDocument& doc,
                              const std::optional<std::string>& previous_version_schema) {
  MigrationPlans out;
  out.version_schema = version_schema_name(schema, doc);
  if (previous_version_schema && *previous_version_schema != schema && *previous_version_schema != out.version_schema)
    out.previous_version_schema = previous_version_schema;
  if (doc.operations.empty()) {
    throw InputError(fmt::format("{}: operations: the migration has no operations", doc.source.where("operations")));
  }

  catalog::Inspector inspector(conn);
  if (!inspector.schema_exists(schema)) {
    throw InputError(fmt::format("schema \"{}\" does not exist", schema), "create it, or pass --schema");
  }
  if (inspector.schema_exists(out.version_schema)) {
    throw InputError(fmt::format("{}: the version schema \"{}\" already exists", doc.source.where(""), out.version_schema),
                     "was this migration applied already? otherwise set another `version_schema:`");
  }
  auto tables = inspector.tables(schema);
  const auto old_version = VirtualSchema::from_catalog(schema, tables);

  // Validate in order on a copy, keeping the schema as it stands before each operation.
  std::vector<VirtualSchema> states{old_version};
  for (size_t i = 0; i < doc.operations.size(); ++i) {
    const auto& op = *doc.operations[i];
    VirtualSchema now = states.back();
    ValidationContext v;
    v.schema = schema;
    v.migration = doc.name;
    v.version_schema = out.version_schema;
    v.conn = &conn;
    v.schema_now = &now;
    v.path = fmt::format("operations[{}].{}", i, op.kind());
    v.source = &doc.source;
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
    states.push_back(std::move(now));
  }
  const VirtualSchema& new_version = states.back();
  out.new_version = to_json(new_version);
  out.old_version = to_json(old_version);

  TriggerSet triggers;
  Plan ops_start, backfills, after_backfills;
  std::vector<Plan> completes(doc.operations.size()), rollbacks(doc.operations.size());
  for (size_t i = 0; i < doc.operations.size(); ++i) {
    PlanContext ctx;
    ctx.schema = schema;
    ctx.migration = doc.name;
    ctx.version_schema = out.version_schema;
    ctx.conn = &conn;
    ctx.before = &states[i];
    ctx.after = &states[i + 1];
    ctx.old_version = &old_version;
    ctx.new_version = &new_version;
    ctx.triggers = &triggers;
    Plan p;
    doc.operations[i]->start(ctx, p);
    for (auto& a : p.actions) {
      if (a.kind == Action::Kind::backfill) {
        // The batch key: the op's choice, else the table's best key.
        if (a.backfill && a.backfill->key.empty()) {
          if (const auto* t = by_physical_table(old_version, a.backfill->table); t && t->catalog) {
            if (auto k = t->catalog->batch_key()) a.backfill->key = *k;
          }
        }
        add_backfill(backfills, std::move(a));
      } else if (a.after_backfill) {
        after_backfills.add(std::move(a));
      } else {
        ops_start.add(std::move(a));
      }
    }
    ctx.triggers = nullptr;
    doc.operations[i]->complete(ctx, completes[i]);
    doc.operations[i]->rollback(ctx, rollbacks[i]);
  }

  // start: operations; sync triggers of tables without a backfill; for each backfilled table
  // capture, backfill, switch to the sync trigger, replay the captured writes (see
  // engine/capture.hpp); then what needs filled rows; then the version schema.
  out.start = std::move(ops_start);
  auto tts = trigger_tables(triggers);
  std::set<std::string> backfilled;
  for (const auto& b : backfills.actions) backfilled.insert(b.backfill->table);
  auto trigger_action = [&](const std::string& table) {
    std::vector<TriggerAssignment> mine;
    for (const auto& a : triggers.assignments())
      if (a.table == table) mine.push_back(a);
    Action a;
    a.id = "triggers:" + table;
    a.description = fmt::format("create the up/down sync trigger on {}", table);
    const VirtualTable* old_table = by_physical_table(old_version, table);
    const VirtualTable* new_table = by_physical_table(new_version, table);
    TriggerReads reads{trigger_reads(conn, old_table, mine, TriggerAssignment::Direction::up),
                       trigger_reads(conn, new_table, mine, TriggerAssignment::Direction::down)};
    a.statements = create_trigger_statements(schema, doc.name, out.version_schema, table, old_table, new_table, mine, reads);
    a.lock = LockMode::access_exclusive;  // DROP TRIGGER IF EXISTS first: a brief exclusive lock
    a.lock_target = table;
    std::vector<std::string> names, drops;
    for (auto d : directions_of(mine)) {
      names.push_back(pg::quote_literal(trigger_name(doc.name, d)));
      drops.push_back(fmt::format("DROP TRIGGER {} ON {}", pg::quote_ident(trigger_name(doc.name, d)), pg::qualified(schema, table)));
    }
    a.rollback = fmt::format("{}", fmt::join(drops, "; "));
    a.verify = fmt::format("SELECT count(*) = {} FROM pg_trigger WHERE tgrelid = {}::regclass AND tgname IN ({})", names.size(),
                           pg::quote_literal(pg::qualified(schema, table)), fmt::join(names, ", "));
    return a;
  };
  for (const auto& table : tts)
    if (!backfilled.count(table)) out.start.add(trigger_action(table));
  for (const auto& b : backfills.actions) {
    const auto& table = b.backfill->table;
    auto names = capture_names(schema, table);
    Action a;
    a.id = "capture:" + table;
    a.description = fmt::format("capture the keys of rows the application writes to {} during its backfill", table);
    a.statements = create_capture_statements(state_schema, schema, table, b.backfill->key,
                                             capture_watched_columns(conn, by_physical_table(old_version, table), b.backfill->set));
    a.lock = LockMode::share_row_exclusive;
    a.lock_target = table;
    a.rollback = fmt::format("DROP TRIGGER {} ON {}; DROP TABLE {}", pg::quote_ident(names.trigger),
                             pg::qualified(schema, table), pg::qualified(state_schema, names.log_table));
    a.verify = fmt::format("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = {}::regclass AND tgname = {})",
                           pg::quote_literal(pg::qualified(schema, table)), pg::quote_literal(names.trigger));
    out.start.add(std::move(a));
  }
  for (const auto& b : backfills.actions) out.start.add(b);
  for (const auto& b : backfills.actions) {
    const auto& table = b.backfill->table;
    auto names = capture_names(schema, table);
    Action sw;
    if (std::find(tts.begin(), tts.end(), table) != tts.end()) sw = trigger_action(table);
    sw.id = "switch:" + table;
    sw.description = fmt::format("switch {} from write capture to the up/down sync trigger (one transaction)", table);
    // Not a DROP: see engine/capture.hpp (no lock upgrade inside the switch).
    for (auto& s : disable_capture_trigger_statements(schema, table)) sw.statements.push_back(std::move(s));
    sw.lock = LockMode::share_row_exclusive;  // reads go on during the switch
    sw.lock_target = table;
    sw.verify = fmt::format("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = {}::regclass AND tgname = {} "
                            "AND tgenabled = 'D')",
                            pg::quote_literal(pg::qualified(schema, table)), pg::quote_literal(names.trigger));
    out.start.add(std::move(sw));

    Action replay = b;
    replay.id = "replay:" + table;
    replay.description = fmt::format("recompute the rows of {} the application wrote during the backfill", table);
    replay.backfill->replay_log = names.log_table;
    out.start.add(std::move(replay));

    Action drop;
    drop.id = "drop_capture_log:" + table;
    drop.description = fmt::format("drop the disabled capture trigger and the change log of {}", table);
    drop.statements = drop_capture_trigger_statements(state_schema, schema, table);
    for (auto& s : drop_capture_log_statements(state_schema, schema, table)) drop.statements.push_back(std::move(s));
    drop.lock = LockMode::access_exclusive;  // DROP TRIGGER: brief, and the transaction's first lock
    drop.lock_target = table;
    drop.verify = fmt::format("SELECT to_regclass({}) IS NULL",
                              pg::quote_literal(pg::qualified(state_schema, names.log_table)));
    out.start.add(std::move(drop));
  }
  for (auto& a : after_backfills.actions) out.start.add(std::move(a));
  {
    Action a;
    a.id = "version_schema";
    a.description = fmt::format("create the version schema {} (one view per table)", out.version_schema);
    a.statements = version_schema_statements(schema, out.version_schema, new_version, conn.server_version() >= 150000);
    a.deferred = true;
    a.lock = LockMode::access_share;
    a.lock_target = "every table of " + schema;
    a.rollback = fmt::format("DROP SCHEMA {} CASCADE", pg::quote_ident(out.version_schema));
    a.verify = fmt::format("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = {})",
                           pg::quote_literal(out.version_schema));
    out.start.add(std::move(a));
  }

  // complete: the previous version goes first (nothing may read the old shape any more), then
  // the sync triggers (nobody writes the old shape any more), then the operations' contract.
  auto drop_triggers = [&](Plan& plan) {
    for (const auto& table : tts) {
      Action a;
      a.id = "drop_triggers:" + table;
      a.description = fmt::format("drop the sync trigger on {}", table);
      a.statements = drop_trigger_statements(schema, table, doc.name);
      a.lock = LockMode::access_exclusive;
      a.lock_target = table;
      a.verify = fmt::format("SELECT NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname IN ({}, {}))",
                             pg::quote_literal(trigger_function_name(table, doc.name, TriggerAssignment::Direction::up)),
                             pg::quote_literal(trigger_function_name(table, doc.name, TriggerAssignment::Direction::down)));
      plan.add(std::move(a));
    }
  };
  if (out.previous_version_schema) {
    Action a;
    a.id = "drop_previous_version";
    a.description = fmt::format("drop the previous version schema {}", *out.previous_version_schema);
    a.statements = {fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", pg::quote_ident(*out.previous_version_schema))};
    a.lock = LockMode::access_exclusive;
    a.lock_target = "views of " + *out.previous_version_schema;
    a.rollback = "(none: recreate by re-running the previous migration's views)";
    a.verify = fmt::format("SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = {})",
                           pg::quote_literal(*out.previous_version_schema));
    out.complete.add(std::move(a));
  }
  drop_triggers(out.complete);
  for (auto& p : completes)
    for (auto& a : p.actions) out.complete.add(std::move(a));
  {
    Action a;
    a.id = "version_schema:refresh";
    a.description = fmt::format("update the views of {} to the completed tables", out.version_schema);
    a.deferred = true;
    a.lock = LockMode::access_exclusive;
    a.lock_target = "changed views of " + out.version_schema;
    a.verify = fmt::format("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = {})",
                           pg::quote_literal(out.version_schema));
    out.complete.add(std::move(a));
  }

  // rollback: the new version goes first, then the triggers, then each operation's undo in
  // reverse order.
  {
    Action a;
    a.id = "drop_version_schema";
    a.description = fmt::format("drop the version schema {}", out.version_schema);
    a.statements = {fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", pg::quote_ident(out.version_schema))};
    a.lock = LockMode::access_exclusive;
    a.lock_target = "views of " + out.version_schema;
    a.verify = fmt::format("SELECT NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = {})",
                           pg::quote_literal(out.version_schema));
    out.rollback.add(std::move(a));
  }
  drop_triggers(out.rollback);
  for (const auto& b : backfills.actions) {
    const auto& table = b.backfill->table;
    Action a;
    a.id = "drop_capture:" + table;
    a.description = fmt::format("drop the write capture of {} and its change log", table);
    a.statements = drop_capture_trigger_statements(state_schema, schema, table);
    for (auto& s : drop_capture_log_statements(state_schema, schema, table)) a.statements.push_back(std::move(s));
    a.lock = LockMode::access_exclusive;
    a.lock_target = table;
    a.verify = fmt::format("SELECT to_regclass({}) IS NULL",
                           pg::quote_literal(pg::qualified(state_schema, capture_names(schema, table).log_table)));
    out.rollback.add(std::move(a));
  }
  for (auto it = rollbacks.rbegin(); it != rollbacks.rend(); ++it)
    for (auto& a : it->actions) out.rollback.add(std::move(a));

  // Action ids must be unique per phase: progress is recorded by id.
  for (Plan* p : {&out.start, &out.complete, &out.rollback}) {
    std::set<std::string> seen;
    for (auto& a : p->actions) {
      std::string id = a.id;
      for (int n = 2; seen.count(a.id); ++n) a.id = fmt::format("{}#{}", id, n);
      seen.insert(a.id);
    }
  }
  return out;
}

}  // namespace slipway::migration
