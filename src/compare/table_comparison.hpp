// The inspector's role: what one table pair's comparison is, read from both catalogs and
// checked before any row is read — the key, the compared columns with their source
// expressions (a column of the same name, or --map), their value classes, and how keys are
// ordered on both sides. Every problem is an InputError (exit 2) naming the table and column.
#pragma once
#include <string>
#include <vector>

#include "compare/compare_sql.hpp"
#include "compare/options.hpp"
#include "compare/value_class.hpp"
#include "pg/connection.hpp"

namespace slipway::compare {

struct ComparedColumn {
  std::string name;         // the target's column (the name reports use)
  std::string source_expr;  // SQL over the source's row: the quoted column, or the mapped expression
  std::string source_type;  // format_type() of the column or of the expression's result
  std::string target_type;
  ValueClass value_class = ValueClass::other;
  bool mapped = false;
  bool hashed_as_is = false;  // same hashable type on both sides: the fingerprint skips the text
  bool written = true;  // the repair writes it (not a generated column)
};

struct TableComparison {
  TablePair pair;
  std::string source_table, target_table;  // qualified, quoted
  std::vector<pg::sql::KeyColumn> source_key, target_key;
  std::vector<ComparedColumn> columns;
  std::vector<std::string> source_only;  // source columns not compared (not in the target)
  bool key_collated = false;             // keys ordered by "C": the sides' collations differ
  bool target_identity_always = false;   // the repair inserts with OVERRIDING SYSTEM VALUE
  int64_t source_rows_estimate = 0;

  std::vector<std::string> key_names() const;
  SideSql source_side() const;
  SideSql target_side() const;
  // The same comparison again (tables, key, columns and expressions): a checkpoint belongs to it.
  std::string identity() const;
};

// Reads and checks one pair (InputError on any problem; nothing is read from the tables).
TableComparison inspect_pair(pg::Connection& source, pg::Connection& target, const TablePair& pair,
                             const CompareOptions& options);
// The ordinary tables and partitioned tables of `schema` on the source (partitions are read
// through their parent), each paired with the same name in `target_schema`.
std::vector<TablePair> tables_in_schema(pg::Connection& source, const std::string& schema,
                                        const std::string& target_schema);

}  // namespace slipway::compare
