#include "rewrite/capture.hpp"

#include <fmt/format.h>

#include "pg/quote.hpp"
#include "pg/sql/catalog_sql.hpp"
#include "pg/sql/keyset.hpp"

namespace slipway::rewrite {

namespace {
const char* kEvents[][2] = {{"ins", "INSERT"}, {"upd", "UPDATE"}, {"del", "DELETE"}, {"trunc", "TRUNCATE"}};
}

std::vector<std::string> capture_objects_sql(const SyncPair& p, const CaptureNames& n) {
  std::string log = p.qualified_log();
  std::string fn = pg::qualified(p.log_schema, n.function);
  pg::sql::KeySql key(pg::sql::key_columns(p.key, p.source_key_types));
  std::string keys = key.list();
  std::vector<std::string> out;
  out.push_back(fmt::format("CREATE TABLE {} (_slipway_log_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, {})", log,
                            key.definitions()));
  // Verification skips keys with pending log entries: it looks them up by key.
  out.push_back(fmt::format("CREATE INDEX ON {} ({})", log, keys));
  // SECURITY DEFINER: the application's roles write the table but need no privilege on
  // slipway's log or the shadow; the function runs as the table owner who runs slipway.
  out.push_back(fmt::format(R"(CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
{search_path} AS $slipway$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {log} ({keys}) SELECT {keys} FROM new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO {log} ({keys}) SELECT {keys} FROM new_rows UNION SELECT {keys} FROM old_rows;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO {log} ({keys}) SELECT {keys} FROM old_rows;
  ELSIF TG_OP = 'TRUNCATE' THEN
    TRUNCATE {target};
  END IF;
  RETURN NULL;
END $slipway$)",
                            fmt::arg("fn", fn), fmt::arg("search_path", pg::sql::pinned_search_path()), fmt::arg("log", log), fmt::arg("keys", keys),
                            fmt::arg("target", p.qualified_target())));
  out.push_back(fmt::format("REVOKE ALL ON FUNCTION {}() FROM PUBLIC", fn));
  return out;
}

std::vector<std::string> capture_triggers_sql(const SyncPair& p, const CaptureNames& n) {
  std::vector<std::string> out;
  std::string fn = pg::qualified(p.log_schema, n.function);
  std::string table = p.qualified_source();
  auto trig = [&](const char* suffix) { return pg::quote_ident(n.trigger_prefix + suffix); };
  out.push_back(fmt::format("CREATE TRIGGER {} AFTER INSERT ON {} REFERENCING NEW TABLE AS new_rows "
                            "FOR EACH STATEMENT EXECUTE FUNCTION {}()",
                            trig("ins"), table, fn));
  out.push_back(fmt::format("CREATE TRIGGER {} AFTER UPDATE ON {} REFERENCING OLD TABLE AS old_rows NEW TABLE "
                            "AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {}()",
                            trig("upd"), table, fn));
  out.push_back(fmt::format("CREATE TRIGGER {} AFTER DELETE ON {} REFERENCING OLD TABLE AS old_rows "
                            "FOR EACH STATEMENT EXECUTE FUNCTION {}()",
                            trig("del"), table, fn));
  out.push_back(fmt::format("CREATE TRIGGER {} AFTER TRUNCATE ON {} FOR EACH STATEMENT EXECUTE FUNCTION {}()",
                            trig("trunc"), table, fn));
  // The application may run with session_replication_role = replica (logical replication
  // apply, some ETL): capture must fire then too.
  for (const auto& e : kEvents) {
    out.push_back(fmt::format("ALTER TABLE {} ENABLE ALWAYS TRIGGER {}", table, trig(e[0])));
  }
  return out;
}

std::vector<std::string> capture_drop_triggers_sql(const SyncPair& p, const CaptureNames& n) {
  std::vector<std::string> out;
  for (const auto& e : kEvents) {
    out.push_back(fmt::format("DROP TRIGGER IF EXISTS {} ON {}", pg::quote_ident(n.trigger_prefix + e[0]),
                              p.qualified_source()));
  }
  return out;
}

std::vector<std::string> capture_create_sql(const SyncPair& p, const CaptureNames& n) {
  auto out = capture_objects_sql(p, n);
  for (auto& s : capture_triggers_sql(p, n)) out.push_back(std::move(s));
  return out;
}

std::vector<std::string> capture_drop_sql(const SyncPair& p, const CaptureNames& n) {
  auto out = capture_drop_triggers_sql(p, n);
  for (auto& s : capture_drop_objects_sql(p, n)) out.push_back(std::move(s));
  return out;
}

std::vector<std::string> capture_drop_objects_sql(const SyncPair& p, const CaptureNames& n) {
  std::vector<std::string> out;
  out.push_back(fmt::format("DROP FUNCTION IF EXISTS {}()", pg::qualified(p.log_schema, n.function)));
  out.push_back(fmt::format("DROP TABLE IF EXISTS {}", p.qualified_log()));
  return out;
}

}  // namespace slipway::rewrite
