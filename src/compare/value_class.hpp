// Equal data must hash equal on both sides even where the column types differ but represent
// the same values: int vs bigint vs numeric(12,2) (1 = 1.00), varchar vs text, json vs jsonb
// (equal as jsonb), timestamp vs timestamptz. Every compared value is turned into text by one
// normalisation per class of type; two columns compare only when their classes match (a
// migration that changed int to text is compared through --map with a cast).
#pragma once
#include <string>

namespace slipway::compare {

enum class ValueClass {
  exact_number,  // smallint, integer, bigint, numeric: trailing zeros of the scale dropped
  float_number,  // real, double precision: as double precision
  text,          // text, varchar, char, name, citext
  json,          // json, jsonb: as jsonb (key order and spacing do not matter)
  timestamp,     // timestamp, timestamptz: as timestamptz in UTC (the session's time zone)
  other,         // anything else: its own text form; compares with the same type only
};

// From format_type(): "integer", "numeric(12,2)", "character varying(40)", "timestamp(3)
// with time zone", "public.mood"...
ValueClass value_class(const std::string& type);
const char* value_class_name(ValueClass c);
// Whether values of these two types can be compared after normalisation.
bool comparable(const std::string& source_type, const std::string& target_type);
// SQL text: `expr` normalised to text (NULL stays NULL).
std::string normalised(const std::string& expr, ValueClass c);
// Whether a value of this type can be hashed as it is, without normalising it to text first,
// when both sides have exactly this type: its hash function agrees with its equality and its
// text form (integers, numeric, text types, uuid, boolean, date, timestamps, bytea, jsonb).
// Several times cheaper than text: the common case of a copy compared with its original.
bool hashes_as_itself(const std::string& type);

}  // namespace slipway::compare
