// Where each field of a migration file came from, so errors can say "file:line:col, field
// operations[2].add_column.column.type: ...". Paths use the JSON-pointer-like form below.
#pragma once
#include <map>
#include <string>
#include <utility>

namespace slipway::migration {

struct SourceMap {
  std::string file;  // path as given by the user; empty for documents read from the state schema
  // "operations[0].add_column.column.name" -> (line, column), both 1-based.
  std::map<std::string, std::pair<int, int>> positions;

  // "file:line:col" for the path, falling back to the nearest enclosing path with a position.
  std::string where(const std::string& path) const;
};

}  // namespace slipway::migration
