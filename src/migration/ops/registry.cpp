// The operation registry: one line per operation kind. (Static self-registration does not
// survive static-library linking, hence this explicit table.)
#include <fmt/format.h>

#include "migration/ops/operation.hpp"
#include "util/error.hpp"

namespace slipway::migration {

using Factory = std::unique_ptr<Operation> (*)(Fields&);

// Each defined in ops/<kind>.cpp.
std::unique_ptr<Operation> make_create_table(Fields&);
std::unique_ptr<Operation> make_drop_table(Fields&);
std::unique_ptr<Operation> make_rename_table(Fields&);
std::unique_ptr<Operation> make_rename_column(Fields&);
std::unique_ptr<Operation> make_sql(Fields&);
std::unique_ptr<Operation> make_create_index(Fields&);
std::unique_ptr<Operation> make_drop_index(Fields&);
std::unique_ptr<Operation> make_rename_constraint(Fields&);
std::unique_ptr<Operation> make_set_replica_identity(Fields&);

// Column-changing operations (ops/add_column.cpp, ...): declarations below this line.
std::unique_ptr<Operation> make_add_column(Fields&);
std::unique_ptr<Operation> make_drop_column(Fields&);
std::unique_ptr<Operation> make_alter_column(Fields&);
std::unique_ptr<Operation> make_create_constraint(Fields&);
std::unique_ptr<Operation> make_drop_constraint(Fields&);
std::unique_ptr<Operation> make_drop_multicolumn_constraint(Fields&);

namespace {
struct Entry {
  const char* kind;
  Factory make;
};
const Entry kOperations[] = {
    {"create_table", make_create_table},
    {"drop_table", make_drop_table},
    {"rename_table", make_rename_table},
    {"rename_column", make_rename_column},
    {"sql", make_sql},
    {"create_index", make_create_index},
    {"drop_index", make_drop_index},
    {"rename_constraint", make_rename_constraint},
    {"set_replica_identity", make_set_replica_identity},

    // Column-changing operations: entries below this line.
    {"add_column", make_add_column},
    {"drop_column", make_drop_column},
    {"alter_column", make_alter_column},
    {"create_constraint", make_create_constraint},
    {"drop_constraint", make_drop_constraint},
    {"drop_multicolumn_constraint", make_drop_multicolumn_constraint},
};
}  // namespace

std::unique_ptr<Operation> make_operation(const std::string& kind, Fields& fields) {
  for (const auto& e : kOperations)
    if (kind == e.kind) return e.make(fields);
  std::string known;
  for (const auto& k : operation_kinds()) known += (known.empty() ? "" : ", ") + k;
  fields.fail("", fmt::format("unknown operation kind \"{}\"", kind), "known operations: " + known);
}

std::vector<std::string> operation_kinds() {
  std::vector<std::string> out;
  for (const auto& e : kOperations) out.push_back(e.kind);
  return out;
}

}  // namespace slipway::migration
