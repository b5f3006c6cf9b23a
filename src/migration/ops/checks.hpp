// Validation helpers shared by the operations: existence and naming checks against the schema
// as earlier operations of the migration left it, with messages naming the field.
#pragma once
#include <string>

#include "migration/ops/operation.hpp"

namespace slipway::migration {

// The visible table `name` or InputError naming `field`.
const VirtualTable& require_table(const ValidationContext& ctx, const std::string& field, const std::string& name);
// The visible column or InputError.
const VirtualColumn& require_column(const ValidationContext& ctx, const std::string& field, const VirtualTable& table,
                                    const std::string& column);
// A new relation name in the application schema: valid length, not taken by a table, view,
// index or sequence (physically, or by an earlier operation).
void require_free_relation_name(const ValidationContext& ctx, const std::string& field, const std::string& name);
// A valid identifier (not empty, at most 63 bytes, not slipway's reserved prefix).
void require_identifier(const ValidationContext& ctx, const std::string& field, const std::string& name);
// A type PostgreSQL knows (serial pseudo-types allowed).
void require_type(const ValidationContext& ctx, const std::string& field, const std::string& type);
// Is there a constraint of that name on the physical table?
bool constraint_exists(const ValidationContext& ctx, const std::string& physical_table, const std::string& name);
// Is there an index of that name in the schema?
bool index_exists(const ValidationContext& ctx, const std::string& name);

}  // namespace slipway::migration
