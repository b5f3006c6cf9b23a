#include "lint/ast.hpp"

#include <unordered_map>

namespace slipway::lint::ast {

std::vector<int> typmods(const Json& t) {
  std::vector<int> out;
  for (auto& m : list(t, "typmods")) {
    if (auto* c = as(m, "A_Const")) {
      if (auto* iv = get(*c, "ival")) out.push_back(integer(*iv, "ival", 0));
    }
  }
  return out;
}

bool is_array_type(const Json& t) { return !list(t, "arrayBounds").empty(); }

std::string canonical_type(std::string name) {
  static const std::unordered_map<std::string, std::string> aliases = {
      {"integer", "int4"},     {"int", "int4"},          {"smallint", "int2"},
      {"bigint", "int8"},      {"character varying", "varchar"},
      {"character", "bpchar"}, {"real", "float4"},
      {"double precision", "float8"}, {"float", "float8"}, {"boolean", "bool"},
      {"decimal", "numeric"},  {"timestamp without time zone", "timestamp"},
      {"timestamp with time zone", "timestamptz"},       {"time without time zone", "time"},
      {"serial4", "serial"},   {"serial8", "bigserial"}, {"serial2", "smallserial"},
      {"varbit", "varbit"},    {"bit varying", "varbit"}};
  auto it = aliases.find(name);
  return it == aliases.end() ? name : it->second;
}

}  // namespace slipway::lint::ast
