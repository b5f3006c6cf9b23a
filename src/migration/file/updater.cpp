#include "migration/file/updater.hpp"

namespace slipway::migration {
namespace {

// create_index.columns: ["a", "b"] or {"a": {}, "b": {"sort": "DESC"}} -> [{"column": "a"}, ...].
bool update_create_index_columns(nlohmann::json& op) {
  auto* columns = op.is_object() && op.contains("columns") ? &op["columns"] : nullptr;
  if (!columns) return false;
  nlohmann::json out = nlohmann::json::array();
  if (columns->is_array()) {
    bool old = false;
    for (const auto& c : *columns) {
      if (!c.is_string()) {
        out.push_back(c);
        continue;
      }
      old = true;
      out.push_back({{"column", c}});
    }
    if (!old) return false;
  } else if (columns->is_object()) {
    for (const auto& [name, settings] : columns->items()) {
      nlohmann::json entry = settings.is_object() ? settings : nlohmann::json::object();
      entry["column"] = name;
      out.push_back(std::move(entry));
    }
  } else {
    return false;
  }
  *columns = std::move(out);
  return true;
}

}  // namespace

bool update_to_current_format(nlohmann::json& document) {
  if (!document.is_object() || !document.contains("operations") || !document["operations"].is_array()) return false;
  bool changed = false;
  for (auto& item : document["operations"]) {
    if (!item.is_object()) continue;
    if (auto it = item.find("create_index"); it != item.end()) changed |= update_create_index_columns(*it);
  }
  return changed;
}

}  // namespace slipway::migration
