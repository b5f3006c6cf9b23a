// The operation registry: every operation kind, in the order messages list them.
// Each is defined in ops/<kind>.cpp, with its name. (Static self-registration does not survive
// static-library linking, hence this explicit list.)
#include <fmt/format.h>

#include "migration/ops/operation.hpp"
#include "util/error.hpp"

namespace slipway::migration {

extern const OperationType create_table_type;
extern const OperationType drop_table_type;
extern const OperationType rename_table_type;
extern const OperationType rename_column_type;
extern const OperationType sql_type;
extern const OperationType create_index_type;
extern const OperationType drop_index_type;
extern const OperationType rename_constraint_type;
extern const OperationType set_replica_identity_type;
extern const OperationType add_column_type;
extern const OperationType drop_column_type;
extern const OperationType alter_column_type;
extern const OperationType create_constraint_type;
extern const OperationType drop_constraint_type;
extern const OperationType drop_multicolumn_constraint_type;

namespace {
const OperationType* const kOperations[] = {
    &create_table_type,
    &drop_table_type,
    &rename_table_type,
    &rename_column_type,
    &sql_type,
    &create_index_type,
    &drop_index_type,
    &rename_constraint_type,
    &set_replica_identity_type,
    &add_column_type,
    &drop_column_type,
    &alter_column_type,
    &create_constraint_type,
    &drop_constraint_type,
    &drop_multicolumn_constraint_type,
};
}  // namespace

std::unique_ptr<Operation> make_operation(const std::string& kind, Fields& fields) {
  for (const auto* t : kOperations)
    if (kind == t->kind) return t->make(fields);
  std::string known;
  for (const auto& k : operation_kinds()) known += (known.empty() ? "" : ", ") + k;
  fields.fail("", fmt::format("unknown operation kind \"{}\"", kind), "known operations: " + known);
}

std::vector<std::string> operation_kinds() {
  std::vector<std::string> out;
  for (const auto* t : kOperations) out.push_back(t->kind);
  return out;
}

}  // namespace slipway::migration
