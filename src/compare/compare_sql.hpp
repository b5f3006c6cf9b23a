// The SQL of `slipway compare`, on text alone (tests/core/compare_sql_test.cpp): per side, the
// summary of a key range (row count and the sum of the rows' 64-bit fingerprints, computed on
// the server so identical data crosses the network as a few bytes per chunk), the key at an
// offset (chunk bounds and bisection), the rows of a small range or of listed keys, and the
// repair statements. Identifiers are quoted by the caller's KeySql/names; values are parameters.
#pragma once
#include <string>
#include <vector>

#include "pg/sql/keyset.hpp"

namespace slipway::compare {

using pg::sql::KeyRange;
using pg::sql::KeySql;
using pg::sql::KeyValue;

// One side of a comparison: its table, its key (its own key types; a collation when the two
// sides order text differently), the compared values normalised to text in the same order on
// both sides (compare/value_class.hpp), and what the fingerprint hashes: the key and the
// values, each as it is where both sides have the same hashable type, else normalised.
struct SideSql {
  std::string table;  // schema-qualified, quoted; read as alias "t"
  KeySql key;         // with alias "t": ORDER BY "t"."id" is the column, never the text output "id"
  std::vector<std::string> values;
  std::vector<std::string> hashed;
};

// The row's fingerprint: hash_record_extended over the row of `hashed` (each element with its
// type's own hash; NULL, '' and a missing row differ).
std::string row_fingerprint(const SideSql& side);
// One row: count(*), and the fingerprints' sum as text (0 for no rows).
std::string summary_sql(const SideSql& side, const KeyRange& range, std::vector<std::string>& params);
// summary_sql's row, then the key `next_offset` rows after range.upto (key_at_sql's columns,
// NULL past the end): the next chunk's bound found in the same statement, while the other side
// summarises, instead of in a statement of its own before both. `range.upto` must be set.
std::string summary_then_key_sql(const SideSql& side, const KeyRange& range, int64_t next_offset,
                                 std::vector<std::string>& params);
// The keys of every `step`-th row of `range` in key order (the `step`-th, the 2*`step`-th...), as
// text columns: the bounds that split the range into parts of `step` rows, in one scan.
std::string keys_every_sql(const SideSql& side, const KeyRange& range, int64_t step, std::vector<std::string>& params);
// One row per range of `ranges`, in order: summary_sql's two columns for each, in one statement.
std::string summaries_sql(const SideSql& side, const std::vector<KeyRange>& ranges, std::vector<std::string>& params);
// The key of the row `offset` rows into `range` in key order (0: the first), as text columns.
std::string key_at_sql(const SideSql& side, const KeyRange& range, int64_t offset, std::vector<std::string>& params);
// The rows of `range`: the key as text, the normalised values, the fingerprint.
std::string rows_sql(const SideSql& side, const KeyRange& range, std::vector<std::string>& params);
// The same columns for the rows whose keys are listed (keys not found return no row), and
// `extra` (SQL over the row "t") after them when it is not empty.
std::string rows_with_keys_sql(const SideSql& side, const std::vector<KeyValue>& keys, std::vector<std::string>& params,
                               const std::string& extra = {});
// Whether the row was written since the server's next transaction id was `$n` (a bound
// parameter): its xmin is at least that id. PostgreSQL tables only.
std::string written_since_sql(int n);
// The server's next transaction id now (a compare records it when it starts).
std::string next_xid_sql();
// The key as text, then `exprs` as text, for the listed keys (the repair reads the source's
// values this way).
std::string select_with_keys_sql(const std::string& table, const KeySql& key, const std::vector<std::string>& exprs,
                                 const std::vector<KeyValue>& keys, std::vector<std::string>& params);

// A column the repair writes: its name and type on the target.
struct WrittenColumn {
  std::string name;
  std::string type;
};
// The repair's statements take a row's values as one text[] parameter, $1 (NULL elements for
// NULL values), each element cast to its column's type: values never in the text, NULLs kept.
// INSERT of one row; OVERRIDING SYSTEM VALUE where the target has GENERATED ALWAYS identity
// columns (the source's value is the truth).
std::string insert_sql(const std::string& table, const std::vector<WrittenColumn>& columns, bool overriding_system_value);
// UPDATE of one row: the columns from $1's elements, the key from $2...
std::string update_sql(const std::string& table, const KeySql& key, const std::vector<WrittenColumn>& columns);
// DELETE of one row by key ($1...).
std::string delete_sql(const std::string& table, const KeySql& key);

}  // namespace slipway::compare
