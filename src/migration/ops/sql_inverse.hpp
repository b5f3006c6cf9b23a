// The inverse of raw SQL that only creates named objects (CREATE TABLE/TYPE/INDEX/SEQUENCE/VIEW/
// FUNCTION/SCHEMA/EXTENSION ...), so a `sql` operation without `down` still rolls back cleanly.
// Parsed with libpg_query (PostgreSQL's own grammar); anything else: no inverse.
#pragma once
#include <optional>
#include <string>

namespace slipway::migration {

// DROP ... IF EXISTS statements in reverse order, or nullopt if any statement is not a plain
// CREATE of a named object.
std::optional<std::string> inverse_of_creates(const std::string& sql);

}  // namespace slipway::migration
