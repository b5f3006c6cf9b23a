// What the rewrite cannot do safely is refused here, before anything changes (InputError,
// exit 2), with the reason and what to do instead.
#pragma once
#include <string>

#include "catalog/model.hpp"
#include "pg/connection.hpp"

namespace slipway::rewrite {

// Returns the table's definition (catalog::Inspector) when it can be rewritten online.
catalog::Table preflight(pg::Connection& conn, const std::string& schema, const std::string& table,
                         const std::string& alter);

}  // namespace slipway::rewrite
