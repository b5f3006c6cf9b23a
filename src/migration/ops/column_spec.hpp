// A column as pgroll's files describe it (create_table's columns, add_column's column): parsing
// and the SQL column definition. Shared by the operations that create columns.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "migration/file/fields.hpp"

namespace slipway::migration {

struct ReferenceSpec {
  std::string name;  // constraint name (may be empty: PostgreSQL names it)
  std::string table;
  std::string column;
  std::optional<std::string> on_delete, on_update, match_type;  // validated keywords
  std::vector<std::string> on_delete_set_columns;
  bool deferrable = false;
  bool initially_deferred = false;
};

struct CheckSpec {
  std::string name;
  std::string constraint;  // the boolean expression
  bool no_inherit = false;
};

struct ColumnSpec {
  std::string name;
  std::string type;
  std::optional<std::string> comment;
  std::optional<std::string> default_expr;
  bool nullable = false;  // pgroll's default: NOT NULL unless `nullable: true`
  bool pk = false;
  bool unique = false;
  std::optional<CheckSpec> check;
  std::optional<ReferenceSpec> references;
  std::optional<std::string> generated_expression;  // GENERATED ALWAYS AS (...) STORED
  std::optional<std::string> identity;              // "ALWAYS" | "BY DEFAULT"
  std::optional<std::string> identity_sequence_options;
};

// Reads one column object strictly (finish() included).
ColumnSpec parse_column(Fields& f);

// `"name" type [GENERATED ...] [DEFAULT ...] [NOT NULL]` — no constraints.
std::string column_definition(const ColumnSpec& c, bool not_null);
// ` CONSTRAINT ... CHECK (...)`, ` REFERENCES ...` clauses for an inline column definition.
std::string check_clause(const CheckSpec& c);
std::string references_clause(const std::string& schema, const ReferenceSpec& r);
// The type a serial pseudo-type stands for ("serial" -> "integer"); others unchanged.
std::string storage_type(const std::string& type);
bool is_serial_type(const std::string& type);

// Upper-cased referential action, or InputError via `f` for anything else.
std::string referential_action(Fields& f, const char* key, const std::string& value);

}  // namespace slipway::migration
