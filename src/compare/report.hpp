// What compare found, as text (one line per table, then one per difference) or as one JSON
// object (--json). --redact leaves values out: keys and column names only.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "compare/comparer.hpp"

namespace slipway::compare {

struct Report {
  std::vector<TableResult> tables;
  bool redact = false;
  bool repair = false;
  bool dry_run = false;

  // No confirmed difference left (after the repair, when there was one).
  bool identical() const;
  nlohmann::json to_json() const;
  std::string to_text() const;
};

}  // namespace slipway::compare
