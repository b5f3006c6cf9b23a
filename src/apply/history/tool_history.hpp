// The migration tool's own history table, read and written exactly as the tool does, so a team
// can switch to slipway and back at any version: golang-migrate's and dbmate's
// schema_migrations, goose_db_version, flyway_schema_history, __diesel_schema_migrations,
// sqitch's registry; for plain files, slipway's own record. One class per tool in this folder.
#pragma once
#include <pqxx/transaction>

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "apply/migration_set.hpp"
#include "pg/connection.hpp"

namespace slipway::apply {

class ToolHistory {
 public:
  virtual ~ToolHistory() = default;

  // "public.schema_migrations", for messages.
  virtual std::string table_name() const = 0;
  // Creates the tool's table(s) with the tool's exact DDL when missing. Idempotent.
  virtual void ensure(pqxx::work& tx) = 0;
  // The versions of `set` that the history says are applied (golang-migrate keeps only the
  // latest version: every script up to it counts). Throws Error when the history says a
  // version failed halfway in a way slipway cannot resume (golang-migrate's dirty flag for a
  // version slipway has no checkpoint of is reported by the caller, not here).
  virtual std::set<std::string> applied(pqxx::work& tx, const MigrationSet& set) = 0;
  // Called in its own committed transaction before a script starts, for tools that record a
  // run in progress (golang-migrate: version = V, dirty = true). Default: nothing.
  virtual void record_started(pqxx::work& tx, const MigrationSet& set, const Script& script, bool up);
  // Records the script as applied (up) or reverted (down), in the transaction of its last step,
  // the way the tool itself would have recorded it.
  virtual void record_applied(pqxx::work& tx, const MigrationSet& set, const Script& script,
                              std::chrono::milliseconds took) = 0;
  virtual void record_reverted(pqxx::work& tx, const MigrationSet& set, const Script& script) = 0;
  // golang-migrate: the dirty version, if any (the tool refuses to run until it is fixed).
  virtual std::optional<std::string> dirty_version(pqxx::work&) { return std::nullopt; }
};

struct HistoryOptions {
  std::string table;          // override the tool's table name ("" = the tool's default)
  std::string schema;         // where the table lives ("" = the tool's default: public / search_path)
  std::string installed_by;   // flyway installed_by, sqitch committer ("" = current_user)
  std::string committer_email;
  std::string state_schema = "slipway";  // for Layout::plain
};

std::unique_ptr<ToolHistory> make_history(Layout layout, const HistoryOptions& options);

}  // namespace slipway::apply
