#include "state/store.hpp"

#include <fmt/format.h>

#include <pqxx/transaction>

#include "pg/ddl_executor.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"
#include "catalog/inspector.hpp"

namespace slipway::state {

StateStore::StateStore(pg::Connection& conn, std::string state_schema)
    : conn_(conn), schema_(std::move(state_schema)) {}

std::string StateStore::table(std::string_view name) const { return pg::qualified(schema_, name); }

void StateStore::init() {
  // The DDL runs only when the schema's version (its comment) differs: `ALTER TABLE ... IF NOT
  // EXISTS` takes ACCESS EXCLUSIVE even when there is nothing to do, so every run would have
  // queued behind anyone reading the state tables (a DBA's open psql transaction), and a role
  // with only DML grants on them could not run slipway at all.
  auto version = conn_.query_value<std::string>("SELECT obj_description(to_regnamespace($1), 'pg_namespace')",
                                                schema_);
  if (version == state_schema_version()) return;
  auto statements = state_schema_ddl(schema_);
  statements.push_back(
      fmt::format("COMMENT ON SCHEMA {} IS {}", pg::quote_ident(schema_), pg::quote_literal(state_schema_version())));
  pg::DdlExecutor(conn_, pg::LockPolicy{}).run_transaction(statements);
}

bool StateStore::initialized() {
  return catalog::Inspector(conn_).relation_exists(schema_, "migrations");
}

void StateStore::require_initialized() {
  if (!initialized()) {
    throw InputError(fmt::format("slipway's state schema \"{}\" does not exist in this database", schema_),
                     "run `slipway init` first (or pass --state-schema if you used another name)");
  }
}

}  // namespace slipway::state
