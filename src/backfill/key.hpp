// Keys and key ranges of the batch engine. A table is walked in the order of a key: its primary
// key or a unique NOT NULL key, one or more columns of any btree-orderable type. Key values
// travel as text (the columns' output form) and go back to the server as bound parameters cast
// to the column's type, so any type works (bigint, uuid, text, timestamptz, composite keys).
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace slipway::backfill {

struct KeyColumn {
  std::string name;
  std::string type;  // format_type(), e.g. "bigint", "uuid", "character varying(40)"
};

// One key value: one text value per key column, in key order. Key columns are NOT NULL.
using KeyValue = std::vector<std::string>;

// The rows of one batch: key > after (exclusive; none = from the start) and key <= upto.
struct KeyBounds {
  std::optional<KeyValue> after;
  KeyValue upto;
};

// SQL pieces for keyset predicates over `columns` (quoted, optionally alias-qualified).
class KeySql {
 public:
  KeySql(std::vector<KeyColumn> columns, std::string alias = {});

  const std::vector<KeyColumn>& columns() const { return columns_; }
  // "k1" or ("k1", "k2"): the row value compared by btree row comparison (an index range scan).
  std::string row() const;
  // "k1", "k2" (for ORDER BY / SELECT lists); `desc` appends DESC to each.
  std::string list(bool desc = false) const;
  // ($n::t1, $n+1::t2): a key value as parameters starting at $first.
  std::string params_row(int first) const;
  // "<row> > (...) AND <row> <= (...)" with parameters from $first; `params` receives the values
  // in order. Omits the lower bound when bounds.after is empty.
  std::string range_predicate(const KeyBounds& bounds, int first, std::vector<std::string>& params) const;

 private:
  std::vector<KeyColumn> columns_;
  std::string alias_;
};

// JSON array of text <-> key value (how checkpoints store keys).
std::string key_to_json(const KeyValue& key);
KeyValue key_from_json(const std::string& json);

}  // namespace slipway::backfill
