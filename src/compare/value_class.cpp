#include "compare/value_class.hpp"

#include <fmt/format.h>

namespace slipway::compare {

namespace {
bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
// Arrays keep their element's text form but compare as their own type.
bool is_array(const std::string& type) { return type.size() > 2 && type.compare(type.size() - 2, 2, "[]") == 0; }
}  // namespace

ValueClass value_class(const std::string& type) {
  if (is_array(type)) return ValueClass::other;
  if (type == "smallint" || type == "integer" || type == "bigint" || starts_with(type, "numeric"))
    return ValueClass::exact_number;
  if (type == "real" || type == "double precision") return ValueClass::float_number;
  if (type == "text" || type == "name" || type == "citext" || starts_with(type, "character varying") ||
      starts_with(type, "character(") || type == "character" || type == "\"char\"")
    return ValueClass::text;
  if (type == "json" || type == "jsonb") return ValueClass::json;
  if (starts_with(type, "timestamp")) return ValueClass::timestamp;
  return ValueClass::other;
}

const char* value_class_name(ValueClass c) {
  switch (c) {
    case ValueClass::exact_number: return "exact number";
    case ValueClass::float_number: return "floating point number";
    case ValueClass::text: return "text";
    case ValueClass::json: return "json";
    case ValueClass::timestamp: return "timestamp";
    case ValueClass::other: return "other";
  }
  return "other";
}

bool comparable(const std::string& source_type, const std::string& target_type) {
  ValueClass s = value_class(source_type), t = value_class(target_type);
  if (s != t) return false;
  return s != ValueClass::other || source_type == target_type;
}

std::string normalised(const std::string& expr, ValueClass c) {
  switch (c) {
    case ValueClass::exact_number: return fmt::format("trim_scale(({})::numeric)::text", expr);
    case ValueClass::float_number: return fmt::format("(({})::double precision)::text", expr);
    case ValueClass::text: return fmt::format("({})::text", expr);
    case ValueClass::json: return fmt::format("(({})::jsonb)::text", expr);
    case ValueClass::timestamp: return fmt::format("(({})::timestamptz)::text", expr);
    case ValueClass::other: return fmt::format("({})::text", expr);
  }
  return fmt::format("({})::text", expr);
}

bool hashes_as_itself(const std::string& type) {
  if (is_array(type)) return false;
  static const char* exact[] = {"smallint", "integer", "bigint", "text", "name", "uuid", "boolean", "date", "bytea",
                                "jsonb", "timestamp without time zone", "timestamp with time zone"};
  for (const char* e : exact)
    if (type == e) return true;
  return starts_with(type, "numeric") || starts_with(type, "character varying") || starts_with(type, "character(") ||
         (starts_with(type, "timestamp(") && (type.find("with time zone") != std::string::npos ||
                                             type.find("without time zone") != std::string::npos));
}

}  // namespace slipway::compare
