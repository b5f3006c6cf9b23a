// What `slipway compare` compares and how: the table pairs, the columns and their mapping, how
// differences are confirmed on moving data, and whether to repair. Filled by the CLI
// (cli/commands/compare.cpp); read by the inspector (what to compare), the comparer (how) and
// the repairer.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backfill/throttler.hpp"
#include "pg/lock_policy.hpp"

namespace slipway::compare {

// One table on each side (the target's name defaults to the source's).
struct TablePair {
  std::string source_schema = "public", source_table;
  std::string target_schema = "public", target_table;
  std::string label() const;  // "public.users" or "public.users -> public.users_new"
};

// --map "target_column = expression over the source's columns".
struct ColumnMapping {
  std::string target_column;
  std::string source_expression;
};

struct CompareOptions {
  std::vector<TablePair> tables;
  std::vector<std::string> columns;  // --columns: only these (target names); empty: every column
  std::vector<std::string> exclude;  // --exclude: never these
  std::vector<ColumnMapping> maps;

  // Live data: a differing key is fetched again `recheck` times, `recheck_delay` apart, and
  // reported only if it still differs; one whose rows moved between checks is "changing".
  int recheck = 3;
  std::chrono::milliseconds recheck_delay{1000};
  bool snapshot = false;  // one database: both sides read one snapshot (no recheck needed)
  bool redact = false;    // report keys and column names, never values

  // Chunks adapt to take `chunk_time` each (on the slower side), unless `chunk_size` is fixed.
  std::chrono::milliseconds chunk_time{500};
  std::optional<int64_t> chunk_size;
  // Bisection stops at ranges of at most this many rows (on either side): those are fetched
  // and compared row by row.
  int64_t leaf_rows = 16;

  bool repair = false;   // make the target's confirmed differing rows equal to the source's
  bool dry_run = false;  // with repair: print the statements, change nothing
  pg::LockPolicy lock_policy;

  backfill::ThrottleOptions throttle;  // on the source's connection
  // Progress after every chunk, so a re-run with the same file and flags resumes there.
  std::string checkpoint_file;
  std::string metrics_addr;  // HOST:PORT: Prometheus metrics (slipway_compare_*) while running
};

}  // namespace slipway::compare
