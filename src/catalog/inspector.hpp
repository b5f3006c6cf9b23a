// The inspector reads the catalog; it never writes. One query per kind of object for a whole
// schema (tables, columns, indexes, constraints, triggers, views, sequences), not one per table.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "pg/connection.hpp"
#include "pg/lock_policy.hpp"

namespace slipway::catalog {

class Inspector {
 public:
  // `policy`: the lock_timeout and retries of the catalog reads (see tables()).
  explicit Inspector(pg::Connection& conn, pg::LockPolicy policy = {}) : conn_(conn), policy_(policy) {}

  // Every ordinary and partitioned table of `schema`, by name. `only` restricts to those names.
  // Never waits in a table's lock queue longer than the policy's lock_timeout: retries with
  // backoff, then throws LockGaveUp.
  std::map<std::string, Table> tables(const std::string& schema, const std::vector<std::string>& only = {});
  std::optional<Table> table(const std::string& schema, const std::string& name);

  // The views of `schema` (a version schema), by name: their columns in order. Read like
  // tables(): one transaction under the policy's lock_timeout.
  std::map<std::string, std::vector<std::string>> view_columns(const std::string& schema);

  bool schema_exists(const std::string& schema);
  // Any relation (table, view, index, sequence, ...) of that name in the schema.
  bool relation_exists(const std::string& schema, const std::string& name);
  // Whether the index is valid: false for one an interrupted CREATE INDEX CONCURRENTLY left
  // behind, nullopt when there is no index of that name.
  std::optional<bool> index_valid(const std::string& schema, const std::string& index);

 private:
  pg::Connection& conn_;
  pg::LockPolicy policy_;
};

// Builds a PostgreSQL text[] literal ('{"a","b"}') for a bound parameter.
std::string text_array_literal(const std::vector<std::string>& values);
// The same with NULL elements (absent values): a row's values as one text[] parameter.
std::string nullable_text_array_literal(const std::vector<std::optional<std::string>>& values);
// Parses a text[] value as returned by the server.
std::vector<std::string> parse_text_array(const std::string& literal);

}  // namespace slipway::catalog
