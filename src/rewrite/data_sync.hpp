// Moving rows between a SyncPair's tables: keyset chunk copy, log replay, chunk checksums.
// Every function runs inside the caller's transaction, so the caller decides what commits
// together (a chunk and its checkpoint; a replay batch and the log entries it consumed).
#pragma once
#include <pqxx/dbtransaction>
#include <pqxx/transaction_base>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg/sql/keyset.hpp"
#include "rewrite/plan.hpp"

namespace slipway::rewrite {

using pg::sql::KeyRange;  // (after, upto]; an absent bound is open
using pg::sql::KeyValue;  // one key, each column in its text form

// The upper bound of the next chunk of at most `rows` rows after `lo`, or nullopt when fewer
// rows remain (the chunk then runs to the end of the table).
std::optional<KeyValue> next_chunk_end(pqxx::transaction_base& tx, const SyncPair& p,
                                       const std::optional<KeyValue>& lo, int64_t rows);

// "INSERT INTO target (cols) SELECT exprs FROM ONLY source s": append " WHERE <predicate>".
std::string copy_sql(const SyncPair& p);

// INSERT INTO target SELECT ... FROM source for the range; returns the rows copied. With
// `replace`, the target's rows in the range are deleted first (re-copy after a mismatch).
int64_t copy_range(pqxx::transaction_base& tx, const SyncPair& p, const KeyRange& range, bool replace);

// Consumes up to `limit` log entries (all when limit <= 0) and makes the target's row for each
// of their keys equal to the source's current row (or absent). Returns the entries consumed.
int64_t replay_batch(pqxx::transaction_base& tx, const SyncPair& p, int64_t limit);

int64_t log_backlog(pqxx::transaction_base& tx, const SyncPair& p);

struct RangeChecksum {
  int64_t rows = 0;
  std::string sum;  // numeric, as text
  bool operator==(const RangeChecksum&) const = default;
};
struct RangeComparison {
  RangeChecksum source;
  RangeChecksum target;
  bool matches() const { return source == target; }
};
// Checksums of the range on both sides, computed server-side in the caller's transaction (run it
// REPEATABLE READ so both sides see one snapshot). Keys with log entries not yet replayed are
// left out on both sides: they are known to differ and replay will make them equal.
RangeComparison compare_range(pqxx::transaction_base& tx, const SyncPair& p, const KeyRange& range,
                              bool typed_hash);
// One side's checksum; with the other side's computed on another connection that imported
// the same snapshot (pg_export_snapshot), the two run in parallel.
enum class Side { source, target };
RangeChecksum range_checksum(pqxx::transaction_base& tx, const SyncPair& p, const KeyRange& range, Side side,
                             bool typed_hash);

// True when every copied column's type has an extended hash function (hash_record_extended).
bool typed_hash_possible(pqxx::dbtransaction& tx, const SyncPair& p);

}  // namespace slipway::rewrite
