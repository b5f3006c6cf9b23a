// Whether a DML statement's WHERE limits it to a few rows found through an index, or makes it
// whole-table work: PostgreSQL reads every row to evaluate a condition no index serves, and a
// condition like `flag IS NULL` on a backfill matches most of them.
#pragma once
#include "lint/tree.hpp"

#include <string>

namespace slipway::lint {

struct SchemaFacts;

// True when the conjuncts of `where` pin an indexed column of `table` (known to the run's schema
// facts; `id` for a table the run has not seen) to values that do not come from another row:
// `=`, `IN (...)`, `= ANY(...)`, `BETWEEN`, `IN (SELECT ... LIMIT n)`, or a range closed on both
// sides (`id >= 1 AND id < 1000`). A one-sided range, `NOT IN`, `<> ANY` bound nothing.
// `alias` is the table's alias in the statement ("" when it has none).
bool where_bounds_rows_by_key(const Json* where, const std::string& table, const std::string& alias,
                              const SchemaFacts& schema);

}  // namespace slipway::lint
