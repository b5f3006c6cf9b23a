// PostgreSQL numbers every column a table ever had, dropped ones included, and refuses the
// 1601st ("tables can have at most 1600 columns"). A migration's start adds physical columns
// (new columns, the twins of altered ones) that the application never sees: counted here, while
// the operations are validated, so a migration that would pass the limit is refused before its
// first change instead of failing half way through start.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "migration/engine/virtual_schema.hpp"

namespace slipway::migration {

class ColumnLimit {
 public:
  static constexpr int max_columns = 1600;  // MaxHeapAttributeNumber

  // After an operation changed `t`: the columns its physical table will number at start, when
  // that passes the limit. Every physical column a migration adds is one more entry in
  // VirtualTable::columns (add_column appends one; a twin keeps the column's old mapping as a
  // hidden entry, see replace_physical; nothing is ever removed), so the count is the entries
  // beyond those read from the catalog: no scan of the columns per operation.
  std::optional<int> exceeded_after(const VirtualTable& t);

 private:
  struct Count {
    int numbered = 0;    // the catalog's, dropped columns included
    size_t read = 0;     // the entries VirtualSchema::from_catalog made for the table
  };
  std::map<std::string, Count> tables_;  // by physical table
};

}  // namespace slipway::migration
