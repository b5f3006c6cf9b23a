// Validation helpers shared by the operations: existence and naming checks against the schema
// as earlier operations of the migration left it, with messages naming the field.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "catalog/model.hpp"

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
// Its relkind: 'i' an index, 'I' a partitioned table's index; nullopt when there is none.
std::optional<char> index_kind(const MigrationContext& ctx, const std::string& name);

// Validation of up/down maps (create_constraint, drop_multicolumn_constraint): keys must be
// among `columns`; `up` expressions must compile over the table (cast to the column's type);
// `down` expressions that do not compile produce a warning (they may use names only the new
// version has).
void check_up_down_maps(ValidationContext& ctx, const VirtualTable& table, const std::vector<std::string>& columns,
                        const std::map<std::string, std::string>& up, const std::map<std::string, std::string>& down);

// Warns (does not fail) if `expression` does not compile over `columns`: pgroll accepts a `down`
// that does not compile yet (it may use names only the new version has), and so does slipway.
void warn_if_not_compiling(const ValidationContext& ctx, const std::string& field, const std::string& table,
                           const std::vector<std::pair<std::string, std::string>>& columns,
                           const std::string& expression, const std::string& cast_to);

// The visible columns of `t` as (name, type) for compile checks.
std::vector<std::pair<std::string, std::string>> typed_columns(const VirtualTable& t);

// Fails naming `field` if dropping `columns` of the physical table at complete would fail or
// take other objects with it: foreign keys of other tables referencing them, views of the
// application schema reading them. (Checked at start so complete never stops half way.)
void require_droppable_columns(const ValidationContext& ctx, const std::string& field,
                               const std::string& physical_table, const std::vector<std::string>& columns);

// The table's batch key when a backfill is needed (fails naming `field` otherwise).
std::vector<std::string> require_batch_key(const ValidationContext& ctx, const catalog::Table& table);

}  // namespace slipway::migration
