// Plans and virtual schemas as JSON: they are stored with the migration at start so resumed and
// later phases run exactly what was planned, and `slipway plan --json` prints them.
#pragma once
#include <nlohmann/json.hpp>

#include "migration/engine/plan.hpp"
#include "migration/engine/virtual_schema.hpp"

namespace slipway::migration {

nlohmann::json to_json(const Action& a);
Action action_from_json(const nlohmann::json& j);
nlohmann::json to_json(const Plan& p);
Plan plan_from_json(const nlohmann::json& j);
// Names and mapping only (no catalog snapshot): what view generation needs.
nlohmann::json to_json(const VirtualSchema& s);
VirtualSchema virtual_schema_from_json(const nlohmann::json& j);

}  // namespace slipway::migration
