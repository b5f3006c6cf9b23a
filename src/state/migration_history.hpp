// The migration history: slipway.migrations (the state schema's table), one row per migration
// and application schema. Every read and write of that table is here; the migration engine
// records its plans and progress through it, the commands read it.
// Progress is written in the same transaction as the step it records, so a resumed phase never
// re-runs a committed step.
#pragma once
#include <nlohmann/json.hpp>
#include <pqxx/transaction>

#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace slipway::state {

// A step of a recorded plan, as `status` shows it.
struct StepSummary {
  std::string id;
  std::string description;
};

struct MigrationRecord {
  std::string schema;          // the application schema the migration applies to
  std::string name;
  std::optional<std::string> parent;
  nlohmann::json migration;    // the migration document as read from its file
  std::string status;          // active | complete | rolled_back | baseline
  std::string version_schema;  // e.g. public_02_add_column
  std::string format;          // yaml | json: how its file was written (for `slipway pull`)
  // The plans (start/complete/rollback, made once at start) are read on their own, by plans():
  // a 20,000-operation migration's are tens of megabytes, and most readers need none of it.
  size_t start_steps = 0;      // the start plan's steps
  std::string started_at;
  std::optional<std::string> completed_at;
  nlohmann::json progress;     // where an interrupted step stopped (resume information)
};

class MigrationHistory {
 public:
  MigrationHistory(pg::Connection& conn, std::string state_schema, std::string app_schema);

  // Every migration not rolled back, in the order they were applied.
  std::vector<MigrationRecord> records();
  std::optional<MigrationRecord> active();
  // The last of records().
  std::optional<MigrationRecord> latest();
  // The migration that ended last (completed or rolled back), baselines aside.
  std::optional<MigrationRecord> last_ended();
  // Whether records() would return any.
  bool any();
  // The plans recorded for `name` ({} when there is no such record, or for a baseline).
  nlohmann::json plans(const std::string& name);
  // The steps of one phase's plan ("start", "complete", "rollback"), in order, without parsing
  // the plans here.
  std::vector<StepSummary> steps(const std::string& name, const std::string& phase);
  // The progress recorded for `name` ({} when there is no such record).
  nlohmann::json progress(const std::string& name);

  // Inserts (or replaces a rolled-back record of the same name with) an active migration.
  // `document` and `plans` are JSON text.
  void insert_active(const std::string& name, const std::optional<std::string>& parent,
                     const std::string& document, const std::string& version_schema, const std::string& format,
                     const std::string& plans);
  // `parent`: the latest migration, when the baseline restarts an existing history.
  void insert_baseline(const std::string& name, const std::optional<std::string>& parent,
                       const nlohmann::json& document);
  void set_progress(pqxx::work& tx, const std::string& name, const nlohmann::json& progress);
  void set_progress(const std::string& name, const nlohmann::json& progress);
  // status: complete | rolled_back
  void finish(const std::string& name, const std::string& status);

 private:
  std::vector<MigrationRecord> select(const std::string& where_and_order);

  pg::Connection& conn_;
  std::string table_;  // "slipway"."migrations"
  std::string app_schema_;
};

}  // namespace slipway::state
