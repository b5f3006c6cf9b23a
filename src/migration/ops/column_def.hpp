// pgroll's column object (create_table's `columns`, add_column's `column`) and the constraint
// objects the column-changing operations share (`check`, `references`): one parser, one set of
// messages, one clause builder. Parsed strictly (Fields) into plain values the operations keep
// (Fields only borrows the document).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "migration/file/fields.hpp"

namespace slipway::migration {

struct CheckDef {
  std::string name;
  std::string constraint;  // boolean SQL expression over the table's columns
  bool no_inherit = false;

  // `CONSTRAINT "name" CHECK (<constraint>)[ NO INHERIT]`
  std::string clause() const;
};

struct ForeignKeyDef {
  std::string name;  // may be empty: PostgreSQL's <table>_<column>_fkey then
  std::string table;
  std::vector<std::string> columns;      // referenced columns
  std::optional<std::string> on_delete;  // canonical spelling ("CASCADE", "SET NULL", ...)
  std::optional<std::string> on_update;
  std::optional<std::string> match_type;  // "FULL" / "SIMPLE"
  std::vector<std::string> on_delete_set_columns;  // ON DELETE SET NULL/DEFAULT (these columns)
  bool deferrable = false;
  bool initially_deferred = false;

  // `REFERENCES "schema"."physical_table" ("c") [MATCH ..] [ON DELETE .. [(..)]] [ON UPDATE ..]
  // [DEFERRABLE [INITIALLY DEFERRED]]`. `renames` maps the constrained columns named by
  // on_delete_set_columns to the names they have where the constraint is built (a temporary
  // duplicate during the expand).
  std::string references_clause(const std::string& schema, const std::string& physical_table,
                                const std::map<std::string, std::string>& renames = {}) const;
};

struct ColumnDef {
  std::string name;
  std::string type;
  bool nullable = false;  // pgroll: NOT NULL unless `nullable: true`
  bool unique = false;
  bool pk = false;
  std::optional<std::string> default_expr;
  std::optional<std::string> comment;
  std::optional<CheckDef> check;
  std::optional<ForeignKeyDef> references;
  std::optional<std::string> generated_expression;  // GENERATED ALWAYS AS (...) STORED
  std::optional<std::string> identity;              // "ALWAYS" | "BY DEFAULT"
  std::optional<std::string> identity_sequence_options;

  bool generated() const { return generated_expression || identity; }
};

// pgroll's `index_parameters` of a unique, primary key or exclusion constraint.
struct IndexParameters {
  std::vector<std::string> include_columns;
  std::optional<std::string> storage_parameters, tablespace;

  bool empty() const { return include_columns.empty() && !storage_parameters && !tablespace; }
  // ` INCLUDE (..) WITH (..) USING INDEX TABLESPACE ..` as a constraint spells it, or
  // ` ... TABLESPACE ..` as CREATE INDEX does (`for_index`).
  std::string clause(bool for_index = false) const;
};

CheckDef parse_check_def(Fields f);
IndexParameters parse_index_parameters(Fields f);
// The shape of a `references` object: a column's (`column: x` and the constraint's `name`, as
// pgroll's ForeignKeyReference) or a constraint's (`columns: [...]`, as TableForeignKeyReference:
// the constraint names itself).
enum class ReferenceShape { column, constraint };
ForeignKeyDef parse_foreign_key_def(Fields f, ReferenceShape shape);
ColumnDef parse_column_def(Fields f);

// `"name" type [GENERATED ...] [DEFAULT ...] [NOT NULL]`: the column without its constraints.
std::string column_definition(const ColumnDef& c, bool not_null);
// The type a serial pseudo-type stands for ("serial" -> "integer"); others unchanged.
std::string storage_type(const std::string& type);
bool is_serial_type(const std::string& type);

}  // namespace slipway::migration
