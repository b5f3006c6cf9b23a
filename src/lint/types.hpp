// What the linter knows about PostgreSQL types and functions without a database: which type
// changes are binary-coercible (no rewrite), and which built-in functions are volatile.
#pragma once
#include "lint/tree.hpp"

#include <optional>
#include <string>
#include <vector>

namespace slipway::lint {

struct ColumnType {
  std::string name;          // canonical, e.g. "varchar", "int4", "numeric"
  std::vector<int> typmods;  // e.g. {255}, {10, 2}; empty = unconstrained
  bool array = false;
  std::string display() const;  // "varchar(255)", "int4[]"
};

ColumnType column_type(const Json& type_name_node);

// True when ALTER COLUMN ... TYPE from -> to only touches the catalog (PostgreSQL 9.2+):
// varchar widening or dropping the limit, varchar -> text, numeric precision widening at the
// same scale, varbit widening, cidr -> inet, or no change at all.
bool binary_coercible(const ColumnType& from, const ColumnType& to);

// What the session running the statement changes in that verdict.
struct SessionFacts {
  int pg_version = 15;
  bool utc_time_zone = false;  // TimeZone has a zero offset and no daylight saving (UTC, GMT, ...)
};
// binary_coercible, and since PostgreSQL 12 timestamp <-> timestamptz when the session's
// TimeZone is UTC: the stored values are the same (ATColumnChangeRequiresRewrite skips them).
bool type_change_skips_rewrite(const ColumnType& from, const ColumnType& to, const SessionFacts& session);
// True when an ALTER COLUMN ... TYPE's USING only restates the default conversion: the column
// itself or the column cast to the new type (`USING c`, `USING c::timestamptz`, `CAST(c AS t)`).
// PostgreSQL then decides about the rewrite exactly as without USING.
bool using_is_plain_conversion(const Json& expr, const std::string& column, const ColumnType& to);
// True for a TimeZone setting with a zero offset and no daylight saving: 'UTC', 'Etc/UTC',
// 'GMT', 'Z', 'Zulu', '+00:00', 0, ... (case-insensitive).
bool zero_offset_time_zone(std::string zone);

enum class Volatility { immutable_or_stable, volatile_, unknown };
// Volatility of a default expression: volatile if it calls any volatile built-in, unknown if
// it calls a function this list does not know.
struct VolatilityVerdict {
  Volatility volatility = Volatility::immutable_or_stable;
  std::string function;  // the volatile or unknown function that decided it
};
VolatilityVerdict expression_volatility(const Json& expr);

}  // namespace slipway::lint
