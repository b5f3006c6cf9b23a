#include "migration/engine/capture.hpp"

#include <fmt/format.h>

#include "migration/engine/triggers.hpp"
#include "pg/quote.hpp"
#include "pg/sql/catalog_sql.hpp"

namespace slipway::migration {

CaptureNames capture_names(const std::string& schema, const std::string& physical_table) {
  std::string base = pg::fit_identifier("capture_" + schema + "_" + physical_table);
  return {base, pg::fit_identifier(base + "_fn"), "_slipway_capture"};
}

std::vector<std::string> create_capture_statements(const std::string& state_schema, const std::string& schema,
                                                   const std::string& physical_table,
                                                   const std::vector<std::string>& key,
                                                   const std::optional<std::set<std::string>>& watched) {
  auto n = capture_names(schema, physical_table);
  std::optional<std::set<std::string>> of = watched;
  if (of) of->insert(key.begin(), key.end());  // never empty: the key is watched too
  std::string events = trigger_events(of);
  std::string table = pg::qualified(schema, physical_table);
  std::string log = pg::qualified(state_schema, n.log_table);
  std::string cols, news;
  for (const auto& k : key) {
    cols += (cols.empty() ? "" : ", ") + pg::quote_ident(k);
    news += (news.empty() ? "" : ", ") + ("NEW." + pg::quote_ident(k));
  }
  return {
      // The key columns with exactly the table's types and collations.
      fmt::format("CREATE TABLE IF NOT EXISTS {} AS SELECT {} FROM {} WITH NO DATA", log, cols, table),
      fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", log,
                  pg::quote_ident(kCaptureSeqColumn)),
      // Every name in the body is schema-qualified, and the search_path pinned as well: a
      // SECURITY DEFINER function must not resolve anything through its caller's path.
      fmt::format("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER {} AS "
                  "$_slipway_$ BEGIN INSERT INTO {} ({}) VALUES ({}); RETURN NULL; END $_slipway_$",
                  pg::qualified(state_schema, n.function), pg::sql::pinned_search_path(), log, cols, news),
      fmt::format("CREATE TRIGGER {} AFTER {} ON {} FOR EACH ROW "
                  "WHEN (current_setting('slipway.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION {}()",
                  pg::quote_ident(n.trigger), events, table, pg::qualified(state_schema, n.function)),
  };
}

std::vector<std::string> disable_capture_trigger_statements(const std::string& schema, const std::string& physical_table) {
  return {fmt::format("ALTER TABLE {} DISABLE TRIGGER {}", pg::qualified(schema, physical_table),
                      pg::quote_ident(capture_names(schema, physical_table).trigger))};
}

std::vector<std::string> drop_capture_trigger_statements(const std::string& state_schema, const std::string& schema,
                                                         const std::string& physical_table) {
  auto n = capture_names(schema, physical_table);
  return {
      drop_trigger_if_exists_sql(schema, physical_table, n.trigger),
      fmt::format("DROP FUNCTION IF EXISTS {}()", pg::qualified(state_schema, n.function)),
  };
}

std::vector<std::string> drop_capture_log_statements(const std::string& state_schema, const std::string& schema,
                                                     const std::string& physical_table) {
  return {fmt::format("DROP TABLE IF EXISTS {}",
                      pg::qualified(state_schema, capture_names(schema, physical_table).log_table))};
}

}  // namespace slipway::migration
