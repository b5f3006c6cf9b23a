// ValidationContext: how operations report problems and check user expressions.
#include <fmt/format.h>

#include "migration/engine/triggers.hpp"
#include "migration/ops/column_sql.hpp"
#include "migration/ops/operation.hpp"
#include "pg/connection.hpp"
#include "util/error.hpp"

namespace slipway::migration {

void ValidationContext::fail(const std::string& field, const std::string& problem, const std::string& hint) const {
  std::string p = field.empty() ? path : path + "." + field;
  std::string where = source ? source->where(p) : std::string();
  throw InputError(fmt::format("{}{}: {}", where.empty() ? "" : where + ": ", p, problem), hint);
}

bool ValidationContext::uses_created_objects(const std::string& expression, const std::string& cast_to) const {
  if (!schema_now) return false;
  auto used = lint::used_by_expression(expression);
  if (!cast_to.empty()) used.types.insert(lint::type_base_name(cast_to));
  // A table an earlier create_table of this migration adds is not in the catalog yet either.
  for (const auto& r : used.relations)
    if (const VirtualTable* t = schema_now->table(r); t && !t->catalog) return true;
  return schema_now->created.meets(used);
}

std::optional<std::string> ValidationContext::type_problem(const std::string& type) const {
  if (!conn) return std::nullopt;
  if (schema_now && schema_now->created.types.count(lint::type_base_name(type))) return std::nullopt;
  return type_error(*conn, type);
}

std::optional<std::string> ValidationContext::expression_problem(const std::string& table_alias,
                                                                 const std::vector<TypedColumn>& row,
                                                                 const std::string& expression,
                                                                 const std::string& cast_to) const {
  if (!conn || uses_created_objects(expression, cast_to)) return std::nullopt;
  // A row of a type the migration creates cannot be built yet (parsing each column's type only
  // when the migration creates types at all).
  if (schema_now && !schema_now->created.types.empty())
    for (const auto& [name, type] : row)
      if (schema_now->created.types.count(lint::type_base_name(type))) return std::nullopt;
  return expression_error(*conn, table_alias, row, expression, cast_to);
}

void ValidationContext::check_expression(const std::string& field, const std::string& physical_table,
                                         const std::string& expression, const std::string& cast_to) const {
  // A table this migration creates is not in the catalog: nothing to compile against yet.
  const VirtualTable* t = schema_now ? schema_now->by_physical(physical_table) : nullptr;
  if (!t || !t->catalog) return;
  // Over a row of the physical table's columns, as the catalog has them (the same compile as
  // every other expression check, and no lock on the table).
  std::vector<TypedColumn> row;
  for (const auto& c : t->catalog->columns) row.emplace_back(c.name, c.type);
  if (auto err = expression_problem(physical_table, row, as_expression(expression), cast_to))
    fail(field, fmt::format("the expression `{}` does not compile against table {}: {}", expression, physical_table, *err),
         "expressions see the table's columns by name; fix the expression");
}

}  // namespace slipway::migration
