// The swap: one short transaction, under lock_timeout with retries (pg::DdlExecutor), that puts
// `standby` in place of `live`. It locks both tables, replays the last log entries, moves every
// dependent object across (triggers, policies, grants, comment, owner, replica identity, sequence
// ownership and values, dependent views, foreign keys in both directions), exchanges the names
// of the tables, their indexes and identity sequences, and installs change capture from the new
// live table back to the old one (the rollback window). The same function swaps back on --undo.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "pg/ddl_executor.hpp"
#include "rewrite/plan.hpp"

namespace slipway::rewrite {

struct SwapSpec {
  std::string schema;
  std::string live;     // the table the application uses now
  std::string standby;  // the table taking its place; the two exchange names
  SyncPair incoming;        // live -> standby: drained under the lock, then dropped
  CaptureNames incoming_capture;
  SyncPair outgoing;        // new live -> old (names after the swap): installed
  CaptureNames outgoing_capture;
  bool install_outgoing = true;
  std::vector<std::pair<std::string, std::string>> index_names;  // (on live, on standby): exchanged
  // Sequences owned by a column that became bigint are widened to bigint (int -> bigint).
  bool widen_sequences = true;
  // Runs inside the swap transaction (state bookkeeping commits with the swap).
  std::function<void(pqxx::work&, const struct SwapResult&)> record;
  // Called with the locks held, right before commit (test hook: "swap").
  std::function<void()> before_commit;
};

struct ForeignKeyRef {
  std::string table;       // qualified
  std::string constraint;  // name
};

struct SwapResult {
  double lock_held_ms = 0;  // from the moment both locks were granted to the commit
  int64_t final_replayed = 0;
  int attempts = 0;
  std::vector<ForeignKeyRef> to_validate;  // re-created NOT VALID: validate after the swap
  std::vector<std::string> views_recreated;
};

SwapResult swap_tables(pg::DdlExecutor& ddl, const SwapSpec& spec);

// VALIDATE CONSTRAINT for each (SHARE UPDATE EXCLUSIVE: reads and writes go on meanwhile).
void validate_foreign_keys(pg::DdlExecutor& ddl, const std::vector<ForeignKeyRef>& fks);

}  // namespace slipway::rewrite
