// The pieces of pgroll's file format the column-changing operations share: a column definition
// (add_column's `column`), `check`, `references` and `unique` objects. Parsed strictly (Fields)
// into plain values the operations keep (Fields only borrows the document).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "migration/file/fields.hpp"

namespace slipway::migration {

struct CheckDef {
  std::string name;
  std::string constraint;  // boolean SQL expression over the table's columns
  bool no_inherit = false;
};

struct ForeignKeyDef {
  std::string name;  // may be empty: PostgreSQL's <table>_<column>_fkey then
  std::string table;
  std::vector<std::string> columns;
  std::optional<std::string> on_delete;  // canonical spelling ("CASCADE", ...)
  std::optional<std::string> on_update;
  std::optional<std::string> match_type;  // "FULL" / "SIMPLE"
  bool deferrable = false;
  bool initially_deferred = false;

  // "REFERENCES "t" ("c") ON DELETE ... [DEFERRABLE ...]" (physical referenced table given).
  std::string references_clause(const std::string& schema, const std::string& physical_table) const;
};

struct NewColumnDef {
  std::string name;
  std::string type;
  bool nullable = false;  // pgroll: NOT NULL unless `nullable: true`
  bool unique = false;
  bool pk = false;
  std::optional<std::string> default_expr;
  std::optional<std::string> comment;
  std::optional<CheckDef> check;
  std::optional<ForeignKeyDef> references;
};

CheckDef parse_check_def(Fields f);
// `column_list`: create_constraint's `columns: [...]`; otherwise a single `column: x`.
ForeignKeyDef parse_foreign_key_def(Fields f, bool column_list);
NewColumnDef parse_new_column_def(Fields f);

}  // namespace slipway::migration
