// Small helpers for planning table-level actions.
#pragma once
#include <fmt/format.h>

#include <string>

#include "migration/ops/operation.hpp"
#include "pg/quote.hpp"
#include "pg/sql/catalog_sql.hpp"

namespace slipway::migration {

// Physical name of an application table at this point of the migration.
inline std::string physical_table(const VirtualSchema& s, const std::string& name) {
  const auto* t = s.table(name);
  return t ? t->physical : name;
}

// The step that drops index `schema.index` (if it exists) of table `lock_target`: CONCURRENTLY,
// blocking nothing; a partitioned index, which PostgreSQL cannot drop concurrently, with a brief
// DROP INDEX (ACCESS EXCLUSIVE for a catalog change, under lock_timeout) that takes its attached
// partitions' indexes with it.
Action drop_index_action(const std::string& id, const std::string& schema, const std::string& index,
                         const std::string& lock_target, bool partitioned);

}  // namespace slipway::migration
