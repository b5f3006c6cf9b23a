#include "migration/engine/plan_json.hpp"

namespace slipway::migration {

namespace {
const char* kind_name(Action::Kind k) {
  switch (k) {
    case Action::Kind::sql: return "sql";
    case Action::Kind::concurrent: return "concurrent";
    case Action::Kind::backfill: return "backfill";
  }
  return "sql";
}
Action::Kind kind_from(const std::string& s) {
  if (s == "concurrent") return Action::Kind::concurrent;
  if (s == "backfill") return Action::Kind::backfill;
  return Action::Kind::sql;
}
}  // namespace

nlohmann::json to_json(const Action& a) {
  nlohmann::json j{{"kind", kind_name(a.kind)},
                   {"id", a.id},
                   {"description", a.description},
                   {"statements", a.statements},
                   {"lock", plan_lock_name(a.lock)},
                   {"lock_code", static_cast<int>(a.lock)},
                   {"blocks", lock_blocks(a.lock)},
                   {"lock_target", a.lock_target},
                   {"scans", a.scans},
                   {"rewrites", a.rewrites},
                   {"rollback", a.rollback},
                   {"verify", a.verify},
                   {"deferred", a.deferred}};
  if (a.creates_index) j["creates_index"] = *a.creates_index;
  if (a.operation) j["operation"] = {{"index", a.operation->index}, {"kind", a.operation->kind}};
  if (!a.user_sql.empty()) j["user_sql"] = a.user_sql;
  if (!a.undoes.empty()) j["undoes"] = a.undoes;
  if (a.backfill) {
    j["backfill"] = {{"table", a.backfill->table}, {"key", a.backfill->key}, {"set", a.backfill->set}};
    if (!a.backfill->replay_log.empty()) j["backfill"]["replay_log"] = a.backfill->replay_log;
  }
  return j;
}

Action action_from_json(const nlohmann::json& j) {
  Action a;
  a.kind = kind_from(j.value("kind", "sql"));
  a.id = j.value("id", "");
  a.description = j.value("description", "");
  a.statements = j.value("statements", std::vector<std::string>{});
  a.lock = static_cast<LockMode>(j.value("lock_code", static_cast<int>(LockMode::access_exclusive)));
  a.lock_target = j.value("lock_target", "");
  a.scans = j.value("scans", false);
  a.rewrites = j.value("rewrites", false);
  a.rollback = j.value("rollback", "");
  a.verify = j.value("verify", "");
  a.deferred = j.value("deferred", false);
  if (j.contains("creates_index")) a.creates_index = j["creates_index"].get<std::string>();
  if (j.contains("operation"))
    a.operation = OperationRef{j["operation"].value("index", size_t{0}), j["operation"].value("kind", "")};
  a.user_sql = j.value("user_sql", "");
  a.undoes = j.value("undoes", std::vector<std::string>{});
  if (j.contains("backfill")) {
    const auto& b = j["backfill"];
    a.backfill = BackfillSpec{b.value("table", ""), b.value("key", std::vector<std::string>{}),
                              b.value("set", std::vector<std::string>{}), b.value("replay_log", "")};
  }
  return a;
}

nlohmann::json to_json(const Plan& p) {
  auto arr = nlohmann::json::array();
  for (const auto& a : p.actions) arr.push_back(to_json(a));
  return arr;
}

Plan plan_from_json(const nlohmann::json& j) {
  Plan p;
  if (j.is_array())
    for (const auto& a : j) p.actions.push_back(action_from_json(a));
  return p;
}

nlohmann::json to_json(const VirtualSchema& s) {
  auto tables = nlohmann::json::array();
  for (const auto& t : s.all_tables()) {
    auto cols = nlohmann::json::array();
    for (const auto& c : t.columns) {
      nlohmann::json cj{{"name", c.name}, {"physical", c.physical}, {"type", c.type},
                        {"not_null", c.not_null}, {"hidden", c.hidden}};
      if (c.default_expr) cj["default"] = *c.default_expr;
      cols.push_back(cj);
    }
    tables.push_back({{"name", t.name}, {"physical", t.physical}, {"hidden", t.hidden}, {"columns", cols}});
  }
  return {{"schema", s.schema()}, {"tables", tables}};
}

VirtualSchema virtual_schema_from_json(const nlohmann::json& j) {
  auto s = VirtualSchema::from_catalog(j.value("schema", ""), {});
  for (const auto& tj : j.value("tables", nlohmann::json::array())) {
    VirtualTable t;
    t.name = tj.value("name", "");
    t.physical = tj.value("physical", "");
    t.hidden = tj.value("hidden", false);
    for (const auto& cj : tj.value("columns", nlohmann::json::array())) {
      VirtualColumn c;
      c.name = cj.value("name", "");
      c.physical = cj.value("physical", "");
      c.type = cj.value("type", "");
      c.not_null = cj.value("not_null", false);
      c.hidden = cj.value("hidden", false);
      if (cj.contains("default")) c.default_expr = cj["default"].get<std::string>();
      t.columns.push_back(std::move(c));
    }
    s.add_table(std::move(t));
  }
  return s;
}

}  // namespace slipway::migration
