// Older pgroll file formats rewritten to the current one (pgroll's `update`): what changed in
// pgroll's format, each as one step on the raw document. Today: create_index `columns` as a list
// of names (before pgroll 0.10) or a map of name -> settings, now a list of {column, ...}.
#pragma once
#include <nlohmann/json.hpp>

namespace slipway::migration {

// Rewrites `document` in place; true when anything changed.
bool update_to_current_format(nlohmann::json& document);

}  // namespace slipway::migration
