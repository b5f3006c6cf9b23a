// What differs between two sets of fetched rows, key by key: missing on one side, or which
// columns differ with both values (normalised text; NULL stays distinct from '').
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/result>

#include "compare/table_comparison.hpp"

namespace slipway::compare {

struct ObservedRow {
  std::vector<std::optional<std::string>> values;  // normalised, in TableComparison::columns order
  std::string fingerprint;
  bool written_during_compare = false;  // source rows: written since the compare began
};
using ObservedRows = std::map<KeyValue, ObservedRow>;

// Rows of rows_sql / rows_with_keys_sql (key columns, values, fingerprint, and with
// `written_column` the boolean of written_since_sql) by key.
void add_observed_rows(const pqxx::result& r, size_t key_columns, size_t values, ObservedRows& into,
                       bool written_column = false);

enum class DifferenceKind {
  missing_in_target,  // the source has the key, the target not
  extra_in_target,    // the target has the key, the source not
  values_differ,
};
const char* difference_kind_name(DifferenceKind k);

struct ColumnDifference {
  std::string column;
  std::optional<std::string> source, target;
};

struct Difference {
  KeyValue key;
  DifferenceKind kind = DifferenceKind::values_differ;
  std::vector<ColumnDifference> columns;  // values_differ only
};

// Every key present on one side only, or whose fingerprints differ, in key order of the map.
std::vector<Difference> differences_of(const ObservedRows& source, const ObservedRows& target,
                                       const std::vector<ComparedColumn>& columns);

// What one key looked like on both sides ("-" for absent): a recheck tells a key still being
// written (its observation moved) from one that stays different.
std::string observation_of(const ObservedRows& source, const ObservedRows& target, const KeyValue& key);

}  // namespace slipway::compare
