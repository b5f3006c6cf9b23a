// SQL text about the catalog that plans carry: boolean conditions ("does this relation, column,
// constraint, trigger, schema exist", "is this index valid") for verify queries and guards, and
// the guard itself (a DO block that runs statements only when a condition holds, which makes a
// resumed step idempotent). Pure functions: names go in as quoted literals, nothing runs here.
// Plans are stored as text, so these are literals, not parameters.
#pragma once
#include <string>
#include <vector>

namespace slipway::pg::sql {

// '"schema"."name"': a relation's name as a literal for to_regclass().
std::string regclass_literal(const std::string& schema, const std::string& name);

// Boolean SQL expressions.
std::string relation_exists(const std::string& schema, const std::string& name);   // to_regclass(...) IS NOT NULL
std::string relation_missing(const std::string& schema, const std::string& name);  // to_regclass(...) IS NULL
std::string column_exists(const std::string& schema, const std::string& table, const std::string& column);
// The same for a relation given as an SQL expression of type regclass or oid (e.g. "16384::oid",
// which names a table whatever it is renamed to).
std::string column_exists_in(const std::string& relation_expr, const std::string& column);
std::string constraint_exists(const std::string& schema, const std::string& table, const std::string& name);
// The constraint exists and is still NOT VALID.
std::string constraint_not_validated(const std::string& schema, const std::string& table, const std::string& name);
std::string trigger_exists(const std::string& schema, const std::string& table, const std::string& name);
// The trigger exists and is disabled (ALTER TABLE ... DISABLE TRIGGER).
std::string trigger_disabled(const std::string& schema, const std::string& table, const std::string& name);
// Every one of `names` is a trigger of the table.
std::string triggers_exist(const std::string& schema, const std::string& table, const std::vector<std::string>& names);
std::string schema_exists(const std::string& name);
// A function of any schema has one of `names` (trigger functions carry names unique to a migration).
std::string function_named(const std::vector<std::string>& names);
// True when the index exists and is valid (a failed CREATE INDEX CONCURRENTLY leaves it invalid).
std::string index_is_valid(const std::string& schema, const std::string& index);

// "SELECT <condition>": a verify query.
std::string select(const std::string& condition);
// "NOT (<condition>)"
std::string negate(const std::string& condition);

// The SET clause of every function slipway creates: names resolve the same whoever calls it —
// pg_catalog first (a caller's schema cannot shadow a built-in), then `schema` when the body
// holds the user's expressions (their types, functions, domains and sequences live there), and
// pg_temp last (a temporary table or type cannot stand in for a real one).
std::string pinned_search_path(const std::string& schema = {});

// A `DO` block running `statements` only when `condition` (SQL boolean) holds.
std::string guarded(const std::string& condition, const std::vector<std::string>& statements);

}  // namespace slipway::pg::sql
