// The comparer (the migrator's counterpart for compare): walks one table pair in key chunks,
// compares each chunk's server-side summary on both sides, splits a differing chunk 16 ways
// (recursively) down to small ranges whose rows it fetches, then fetches the differing keys again (`--recheck`) so a
// row still in flight is not reported: a key whose rows moved between looks, or whose source
// row was written after the compare began (its xmin), is "changing", not a difference. Chunks adapt to a time target like the backfill's
// batches; the throttler is asked before each chunk.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "backfill/metrics.hpp"
#include "backfill/progress.hpp"
#include "backfill/throttler.hpp"
#include "compare/checkpoint.hpp"
#include "compare/differences.hpp"
#include "compare/options.hpp"
#include "compare/table_comparison.hpp"
#include "pg/connection.hpp"

namespace slipway::compare {

struct TableResult {
  TableComparison table;
  int64_t source_rows = 0, target_rows = 0;
  int64_t chunks = 0;          // top-level chunks compared
  int64_t summaries = 0;       // summary queries (both sides, bisection included)
  int64_t rows_fetched = 0;    // rows that crossed the network (both sides)
  std::vector<Difference> differences;  // confirmed
  std::vector<KeyValue> changing;       // still moving at the last recheck
  bool resumed = false;
  double seconds = 0;
  // Filled by the repairer.
  int64_t repaired = 0;
  std::vector<std::string> repair_statements;  // --dry-run
  std::vector<Difference> after_repair;        // differences left after the repair's recheck
};

class Comparer {
 public:
  // `throttler`, `progress`, `metrics`: optional (null).
  Comparer(pg::Connection& source, pg::Connection& target, const CompareOptions& options,
           backfill::Throttler* throttler, backfill::ProgressSink* progress, Checkpoint& checkpoint,
           backfill::Metrics* metrics = nullptr);
  TableResult run(const TableComparison& table);
  // The current rows of `keys` on both sides and what differs between them (the repairer's
  // recheck too).
  // `written`: the keys whose source row was written since this table's compare began.
  std::vector<Difference> differing(const TableComparison& table, const std::vector<KeyValue>& keys,
                                    TableResult& result, std::map<KeyValue, std::string>* observations = nullptr,
                                    std::set<KeyValue>* written = nullptr);

 private:
  struct Summary {
    int64_t count = 0;
    std::string sum;
    bool operator==(const Summary& o) const { return count == o.count && sum == o.sum; }
  };
  // With `next`: the source also finds the key `next_offset` rows after range.upto (the next
  // chunk's bound) in the same statement.
  std::pair<Summary, Summary> summaries(const TableComparison& t, const KeyRange& range, TableResult& result,
                                        std::optional<KeyValue>* next = nullptr, int64_t next_offset = 0);
  // Both sides' summaries of every part, one statement per side, at the same time.
  std::pair<std::vector<Summary>, std::vector<Summary>> part_summaries(const TableComparison& t,
                                                                       const std::vector<KeyRange>& parts,
                                                                       TableResult& result);
  void bisect(const TableComparison& t, const KeyRange& range, const Summary& s, const Summary& g, int depth,
              TableResult& result, std::set<KeyValue>& candidates);
  void confirm(const TableComparison& t, const std::set<KeyValue>& candidates, TableResult& result);

  pg::Connection& source_;
  pg::Connection& target_;
  const CompareOptions& options_;
  backfill::Throttler* throttler_;
  backfill::ProgressSink* progress_;
  Checkpoint& checkpoint_;
  backfill::Metrics* metrics_;
  std::string start_xid_;  // the source's next transaction id when the table's compare began
};

}  // namespace slipway::compare
