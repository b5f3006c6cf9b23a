// Keys, key ranges and the SQL that walks a table in key order (the backfill's batches, the
// rewrite's chunk copy, replay and verification). A key is a primary key or a unique NOT NULL
// key, one or more columns of any btree-orderable type. Key values travel as text (the columns'
// output form) and go back to the server as bound parameters cast to the column's type, so any
// type works (bigint, uuid, text, timestamptz, composite keys). Pure functions: identifiers,
// aliases included, are quoted inside; values are never in the text.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::pg::sql {

struct KeyColumn {
  std::string name;
  std::string type;  // format_type(), e.g. "bigint", "uuid", "character varying(40)"
  // Order by this collation instead of the column's ("C"): two databases whose collations
  // differ then order and split their keys the same way (compare). Empty: the column's own,
  // which its index serves.
  std::string collation = {};
};

// One key value: one text value per key column, in key order. Key columns are NOT NULL.
using KeyValue = std::vector<std::string>;

// The keys in (after, upto]: key > after AND key <= upto; an absent bound is open (a backfill
// batch always has an upper bound; a rewrite's last chunk runs to the end of the table).
struct KeyRange {
  std::optional<KeyValue> after;
  std::optional<KeyValue> upto;
};

// Key columns from a list of names and the list of their types, in the same order (throws
// std::invalid_argument when the lengths differ).
std::vector<KeyColumn> key_columns(const std::vector<std::string>& names, const std::vector<std::string>& types);
// Key columns by name alone, for SQL that binds no value (row(), list(), equals()).
std::vector<KeyColumn> key_columns(const std::vector<std::string>& names);

// SQL pieces for keyset predicates over `columns`, qualified by `alias` when it is not empty.
// A KeySql is one side's key: where two tables' key types differ, each gets its own.
class KeySql {
 public:
  explicit KeySql(std::vector<KeyColumn> columns, std::string alias = {});

  const std::vector<KeyColumn>& columns() const { return columns_; }
  // "k1" or ("k1", "k2"): the row value compared by btree row comparison (an index range scan).
  std::string row() const;
  // "k1", "k2" (for ORDER BY lists and row comparisons), with COLLATE where a column has one;
  // `desc` appends DESC to each.
  std::string list(bool desc = false) const;
  // "k1"::text, "k2"::text: the key read in its text form.
  std::string text_list() const;
  // $n::t1 or ($n::t1, $n+1::t2): a key value as parameters starting at $first.
  std::string params_row(int first) const;
  // "<row> > (...) AND <row> <= (...)" with parameters from $first; `params` receives the values
  // in order. An open bound is left out; with both open the predicate is "true".
  std::string range_predicate(const KeyRange& range, int first, std::vector<std::string>& params) const;
  // <row> = <the same row over other_alias>: the rows of two tables with the same key.
  std::string equals(std::string_view other_alias) const;
  // "k1" t1, "k2" t2: the key's column definitions (CREATE TABLE).
  std::string definitions() const;

 private:
  std::vector<KeyColumn> columns_;
  std::string alias_;
};

// "a", "b" or "s"."a", "s"."b": a column list, qualified by `alias` when it is not empty.
std::string column_list(const std::vector<std::string>& columns, std::string_view alias = {});

// A row's 64-bit fingerprint: a hash of the row's text form.
// `typed`: hash_record_extended, the columns' own hash functions (no conversion to text, several
// times faster); only when every column type has an extended hash function.
std::string row_hash(const std::string& row_expr, bool typed);

}  // namespace slipway::pg::sql
