// What the inspector reads from pg_catalog, as plain typed structs.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace slipway::catalog {

struct Column {
  std::string name;
  int attnum = 0;
  std::string type;  // format_type(), e.g. "character varying(50)", "bigint"
  std::string type_schema;
  bool not_null = false;
  std::optional<std::string> default_expr;  // pg_get_expr(adbin); absent for identity/generated
  char identity = 0;   // 'a' ALWAYS, 'd' BY DEFAULT, 0 none
  char generated = 0;  // 's' stored, 0 none
  std::optional<std::string> generation_expr;
  std::optional<std::string> comment;
  std::optional<std::string> collation;  // only when not the type's default
};

struct Index {
  std::string name;
  std::string definition;  // pg_get_indexdef
  std::vector<std::string> columns;  // key columns; empty names for expressions
  bool unique = false;
  bool primary = false;
  bool valid = true;
  bool ready = true;
  bool partial = false;
  bool has_expressions = false;
  std::string method;  // btree, hash, gin, ...
  std::optional<std::string> constraint;  // name of the constraint it backs, if any
};

struct Constraint {
  std::string name;
  char type = 0;  // 'c' check, 'f' foreign key, 'u' unique, 'p' primary key, 'x' exclusion, 't' trigger
  std::string definition;  // pg_get_constraintdef
  std::vector<std::string> columns;
  bool validated = true;
  bool deferrable = false;
  std::optional<std::string> referenced_schema;  // for 'f'
  std::optional<std::string> referenced_table;
  std::vector<std::string> referenced_columns;
  std::optional<std::string> index;  // backing index for u/p/x
};

struct Trigger {
  std::string name;
  std::string definition;  // pg_get_triggerdef
  std::string function;    // schema-qualified function name
  char enabled = 'O';
};

// A table below a partitioned table, with the partitioned table it is attached to.
struct Partition {
  std::string schema, name;
  std::string parent, parent_schema;  // the partitioned table it is a partition of
  char kind = 'r';                    // 'r' leaf, 'p' partitioned itself, 'f' foreign table
};

struct Table {
  uint32_t oid = 0;
  std::string schema;
  std::string name;
  char kind = 'r';  // 'r' table, 'p' partitioned table
  bool is_partition = false;
  // Partitioned tables: every table below, parents before their children; the partition key's
  // columns ("" for an expression).
  std::vector<Partition> partitions;
  std::vector<std::string> partition_key;
  std::vector<Column> columns;
  std::vector<std::string> primary_key;
  // Unique indexes usable as a row identity: valid, not partial, no expressions, all columns NOT NULL.
  std::vector<std::vector<std::string>> unique_keys;
  std::vector<Index> indexes;
  std::vector<Constraint> constraints;
  std::vector<Trigger> triggers;  // user triggers only (not internal FK triggers)
  std::vector<std::string> dependent_views;  // schema-qualified, quoted
  std::vector<std::string> owned_sequences;  // schema-qualified, quoted
  char replica_identity = 'd';  // d default, n nothing, f full, i index
  int64_t row_estimate = 0;     // reltuples (-1 never analyzed -> 0)
  // pg_class.relnatts: the columns ever numbered, dropped ones included. PostgreSQL numbers at
  // most 1600 (MaxHeapAttributeNumber), so a dropped column still takes a number.
  int numbered_columns = 0;
  std::optional<std::string> comment;

  const Column* column(const std::string& name) const;
  const Index* index(const std::string& name) const;
  const Constraint* constraint(const std::string& name) const;
  // The best key to walk the table in batches by: the primary key, else the first usable unique key.
  std::optional<std::vector<std::string>> batch_key() const;
};

}  // namespace slipway::catalog
