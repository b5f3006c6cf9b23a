// The one owner of <state>.apply_progress: where a plain SQL script stands while `slipway apply`
// runs it. A script's work is a list of units (apply/script_plan.hpp); each transactional unit
// commits together with `units_done`, so a re-run after kill -9 continues with the next unit and
// never applies one twice. A unit that runs outside a transaction (CONCURRENTLY, batches, the
// online rewrite) is marked started first: a re-run finds it half-done and finishes it
// idempotently. The row is deleted in the transaction that records the script in its tool's
// history.
#pragma once
#include <pqxx/transaction>

#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace slipway::apply {

struct ProgressKey {
  std::string history_table;  // the tool's history table: scripts of different tools never mix
  std::string version;
  std::string direction;  // "up" | "down"
};

struct ProgressRow {
  ProgressKey key;
  std::string script_hash;
  std::string file;
  int units_total = 0;
  int units_done = 0;
  std::string done_hash;  // units_hash(plan, units_done) when they committed
  std::optional<int> unit_started;
  std::string status;  // running | failed
  std::string error;
  std::optional<int> error_line;
  std::string updated_at;
};

class ApplyProgress {
 public:
  ApplyProgress(pg::Connection& conn, std::string state_schema);

  // False before the state schema has the table (a dry run on a database slipway never changed).
  bool exists();
  std::optional<ProgressRow> find(const ProgressKey& key);
  std::vector<ProgressRow> all();
  // Starts (or restarts after a failure) the record of a script.
  void begin(const ProgressKey& key, const std::string& hash, const std::string& file, int units_total);
  // In the unit's own transaction.
  void unit_done(pqxx::work& tx, const ProgressKey& key, int units_done, const std::string& done_hash);
  // Committed at once, before a unit that runs outside a transaction.
  void unit_started(const ProgressKey& key, int unit);
  void unit_done_now(const ProgressKey& key, int units_done, const std::string& done_hash);
  void failed(const ProgressKey& key, const std::string& error, std::optional<int> line);
  // In the transaction that records the script in the history.
  void finish(pqxx::work& tx, const ProgressKey& key);

 private:
  std::string table() const;
  pg::Connection& conn_;
  std::string state_schema_;
};

}  // namespace slipway::apply
