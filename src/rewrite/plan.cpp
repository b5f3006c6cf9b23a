#include "rewrite/plan.hpp"

#include "pg/quote.hpp"

namespace slipway::rewrite {

std::string SyncPair::qualified_source() const { return pg::qualified(schema, source); }
std::string SyncPair::qualified_target() const { return pg::qualified(schema, target); }
std::string SyncPair::qualified_log() const { return pg::qualified(log_schema, log); }

namespace {

nlohmann::json pair_json(const SyncPair& p) {
  return {{"schema", p.schema},
          {"source", p.source},
          {"target", p.target},
          {"log_schema", p.log_schema},
          {"log", p.log},
          {"key", p.key},
          {"source_key_types", p.source_key_types},
          {"target_key_types", p.target_key_types},
          {"target_columns", p.target_columns},
          {"source_exprs", p.source_exprs},
          {"overriding", p.overriding}};
}

SyncPair pair_from(const nlohmann::json& j) {
  SyncPair p;
  p.schema = j.at("schema");
  p.source = j.at("source");
  p.target = j.at("target");
  p.log_schema = j.at("log_schema");
  p.log = j.at("log");
  p.key = j.at("key").get<std::vector<std::string>>();
  p.source_key_types = j.at("source_key_types").get<std::vector<std::string>>();
  p.target_key_types = j.at("target_key_types").get<std::vector<std::string>>();
  p.target_columns = j.at("target_columns").get<std::vector<std::string>>();
  p.source_exprs = j.at("source_exprs").get<std::vector<std::string>>();
  p.overriding = j.at("overriding");
  return p;
}

}  // namespace

nlohmann::json Plan::to_json() const {
  nlohmann::json ix = nlohmann::json::array();
  for (const auto& i : indexes) {
    ix.push_back({{"original", i.original},
                  {"shadow", i.shadow},
                  {"create_tail", i.create_tail},
                  {"unique", i.unique},
                  {"key_index", i.key_index},
                  {"constraint_type", std::string(i.constraint_type ? 1 : 0, i.constraint_type)},
                  {"constraint_def", i.constraint_def}});
  }
  return {{"id", id},
          {"schema", schema},
          {"table", table},
          {"shadow", shadow},
          {"state_schema", state_schema},
          {"forward", pair_json(forward)},
          {"reverse", pair_json(reverse)},
          {"forward_capture", {{"function", forward_capture.function}, {"trigger_prefix", forward_capture.trigger_prefix}}},
          {"reverse_capture", {{"function", reverse_capture.function}, {"trigger_prefix", reverse_capture.trigger_prefix}}},
          {"indexes", ix}};
}

Plan Plan::from_json(const nlohmann::json& j) {
  Plan p;
  p.id = j.at("id");
  p.schema = j.at("schema");
  p.table = j.at("table");
  p.shadow = j.at("shadow");
  p.state_schema = j.at("state_schema");
  p.forward = pair_from(j.at("forward"));
  p.reverse = pair_from(j.at("reverse"));
  p.forward_capture = {j.at("forward_capture").at("function"), j.at("forward_capture").at("trigger_prefix")};
  p.reverse_capture = {j.at("reverse_capture").at("function"), j.at("reverse_capture").at("trigger_prefix")};
  for (const auto& i : j.at("indexes")) {
    IndexPlan ip;
    ip.original = i.at("original");
    ip.shadow = i.at("shadow");
    ip.create_tail = i.at("create_tail");
    ip.unique = i.at("unique");
    ip.key_index = i.value("key_index", false);
    std::string ct = i.at("constraint_type");
    ip.constraint_type = ct.empty() ? 0 : ct[0];
    ip.constraint_def = i.at("constraint_def");
    p.indexes.push_back(std::move(ip));
  }
  return p;
}

}  // namespace slipway::rewrite
