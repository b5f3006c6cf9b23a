// Small helpers for planning table-level actions.
#pragma once
#include <fmt/format.h>

#include <string>

#include "migration/ops/operation.hpp"
#include "pg/quote.hpp"

namespace slipway::migration {

// Physical name of an application table at this point of the migration.
inline std::string physical_table(const VirtualSchema& s, const std::string& name) {
  const auto* t = s.table(name);
  return t ? t->physical : name;
}

}  // namespace slipway::migration
