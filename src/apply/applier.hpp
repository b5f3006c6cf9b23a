// The applier of `slipway apply`: runs a planned script's units (apply/script_plan.hpp) in
// order, each lock-taking statement through pg::DdlExecutor (lock_timeout, retries with
// backoff), the batched steps through the backfill engine, type changes through the online
// rewrite, and checkpoints each unit in apply/progress.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "apply/progress.hpp"
#include "apply/script_plan.hpp"
#include "backfill/engine.hpp"
#include "pg/ddl_executor.hpp"
#include "util/error.hpp"

namespace slipway::apply {

// A statement of a script failed: file, line, the statement and the server's message. Exit 1;
// the script's progress says where it stopped.
class StatementFailed : public Error {
 public:
  using Error::Error;
};

struct ApplierOptions {
  std::string state_schema = "slipway";
  backfill::EngineOptions backfill;  // batch sizing and throttling of batched steps
  std::function<void(const std::string&)> say;  // one line of progress for the user
  // Called once every script is planned and before anything changes (the CLI creates or
  // upgrades slipway's state schema here, so bad input leaves the database untouched).
  std::function<void()> before_first_change;
};

class Applier {
 public:
  Applier(pg::DdlExecutor& ddl, ApplyProgress& progress, ApplierOptions options);

  // Runs plan.units[from...]. `started`: a unit recorded as started outside a transaction when
  // the last run died (finished idempotently). `record` runs in the transaction that ends the
  // script (the tool's history, the progress row removed).
  void run(const ScriptPlan& plan, const ProgressKey& key, int from, std::optional<int> started,
           const std::function<void(pqxx::work&)>& record);

 private:
  void run_transactional(const ScriptPlan& plan, const Unit& unit, const ProgressKey& key, int index, bool last,
                         const std::function<void(pqxx::work&)>& record);
  void run_outside(const ScriptPlan& plan, const Unit& unit, const ProgressKey& key, int index, bool resuming);
  struct Checkpoint {
    const ScriptPlan& plan;
    const ProgressKey& key;
    int index;
  };
  void backfill(const lint::SafeStep& step, const Checkpoint& at);
  void online_rewrite(const lint::SafeStep& step, const Checkpoint& at);
  void as_written_instead(const lint::SafeStep& step, const std::string& why, const Checkpoint& at);
  std::pair<std::string, std::string> schema_and_table(const std::string& written);

  pg::DdlExecutor& ddl_;
  ApplyProgress& progress_;
  std::size_t running_ = 0;  // the statement a failing unit was running
  ApplierOptions options_;
};

}  // namespace slipway::apply
