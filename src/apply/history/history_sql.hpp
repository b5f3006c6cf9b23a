// What the history adapters share: the table's name as the tool would write it (schema-qualified
// only when --history-schema says so), and the versions of a set that a list of recorded ones
// covers. Internal to apply/history/.
#pragma once
#include <set>
#include <string>

#include "apply/history/tool_history.hpp"
#include "pg/quote.hpp"

namespace slipway::apply::history {

struct TableName {
  std::string schema;  // "" = the session's search_path decides, as the tools do
  std::string name;
  std::string sql() const { return schema.empty() ? pg::quote_ident(name) : pg::qualified(schema, name); }
  std::string text() const { return schema.empty() ? name : schema + "." + name; }
};

inline TableName table_of(const HistoryOptions& o, const std::string& default_name) {
  return {o.schema, o.table.empty() ? default_name : o.table};
}

}  // namespace slipway::apply::history
