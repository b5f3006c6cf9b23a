#include "rewrite/swap.hpp"

#include <fmt/format.h>

#include <chrono>
#include <pqxx/pqxx>

#include "pg/quote.hpp"
#include "rewrite/capture.hpp"
#include "rewrite/data_sync.hpp"
#include "util/log.hpp"

namespace slipway::rewrite {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> column0(pqxx::work& tx, const std::string& sql, const std::vector<std::string>& params) {
  std::vector<std::string> out;
  for (const auto& r : tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params))) {
    if (!r[0].is_null()) out.emplace_back(r[0].c_str());
  }
  return out;
}

// Everything read from the catalog about `live` that must follow the table, as ready SQL.
// Read with search_path = pg_catalog so every name in a definition comes out schema-qualified
// and means the same object after the rename. $1 = live oid, $2 = the table's qualified name
// (which, after the exchange, names the standby), $3 = standby oid.
struct Moves {
  std::vector<std::string> drop_before;  // on the old objects, before the renames
  std::vector<std::string> create_after;
  std::vector<ForeignKeyRef> to_validate;
  std::vector<std::string> views;
};

// SQL for a grantee/role oid as it is written in GRANT and CREATE POLICY (0 = PUBLIC).
std::string role_name(const std::string& col) {
  return "CASE WHEN " + col + " = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(" + col + ")) END";
}

Moves read_moves(pqxx::work& tx, const std::string& live_oid, const std::string& standby_oid,
                 const std::string& qualified, const std::string& capture_prefix_a,
                 const std::string& capture_prefix_b) {
  Moves m;
  auto add = [&](std::vector<std::string>& to, const std::string& sql, const std::string& p3 = {}) {
    for (auto& s : column0(tx, sql, {live_oid, qualified, p3.empty() ? standby_oid : p3})) to.push_back(std::move(s));
  };
  auto& after = m.create_after;
  auto& before = m.drop_before;

  // Dependent views: dropped and created again over the new table (their column types may
  // change with it), with their options, owner, grants and comment.
  for (const auto& r : tx.exec_params(
           "SELECT DISTINCT v.oid, format('%I.%I', n.nspname, v.relname), pg_get_viewdef(v.oid), "
           "  array_to_string(v.reloptions, ', '), pg_get_userbyid(v.relowner), "
           "  obj_description(v.oid, 'pg_class') "
           "FROM pg_depend d JOIN pg_rewrite rw ON rw.oid = d.objid JOIN pg_class v ON v.oid = rw.ev_class "
           "JOIN pg_namespace n ON n.oid = v.relnamespace "
           "WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass "
           "  AND d.refobjid = $1::oid AND v.oid <> $1::oid AND v.relkind = 'v'",
           live_oid)) {
    std::string name = r[1].c_str();
    m.views.push_back(name);
    before.push_back("DROP VIEW " + name);
    std::string opts = r[3].is_null() || !*r[3].c_str() ? "" : fmt::format(" WITH ({})", r[3].c_str());
    after.push_back(fmt::format("CREATE VIEW {}{} AS {}", name, opts, r[2].c_str()));
    after.push_back(fmt::format("ALTER VIEW {} OWNER TO {}", name, pg::quote_ident(r[4].c_str())));
    if (!r[5].is_null()) after.push_back(fmt::format("COMMENT ON VIEW {} IS {}", name, pg::quote_literal(r[5].c_str())));
    for (const auto& g : tx.exec_params(
             "SELECT format('GRANT %s ON TABLE %s TO %s%s', a.privilege_type, $2::text, " + role_name("a.grantee") +
                 ", CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) "
                 "FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = $1::oid AND a.grantee <> c.relowner",
             r[0].c_str(), name)) {
      after.push_back(g[0].c_str());
    }
  }

  // Foreign keys, both directions (a self-reference is one of each: listed once). Dropped
  // before the exchange; added after as NOT VALID (no scan under the lock), validated after
  // the commit. Outgoing ones move too: on a table that no longer takes the application's
  // writes they would only make its parent-side deletes fail.
  for (const auto& r : tx.exec_params(
           "SELECT co.conrelid::regclass::text, co.conname, pg_get_constraintdef(co.oid), co.convalidated, "
           "  co.conrelid = $1::oid "
           "FROM pg_constraint co WHERE co.contype = 'f' AND (co.conrelid = $1::oid OR co.confrelid = $1::oid) "
           "ORDER BY co.conrelid = $1::oid, co.conname",
           live_oid)) {
    std::string table = r[0].c_str();
    bool outgoing = r[4].as<bool>();
    std::string on = outgoing ? qualified : table;
    std::string def = r[2].c_str();
    bool validated = r[3].as<bool>();
    before.push_back(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", table, pg::quote_ident(r[1].c_str())));
    after.push_back(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}{}", on, pg::quote_ident(r[1].c_str()), def,
                                validated ? " NOT VALID" : ""));
    if (validated) m.to_validate.push_back({on, r[1].c_str()});
  }

  // User triggers (not slipway's capture triggers): moved, with their enabled state.
  for (const auto& r : tx.exec_params(
           "SELECT tg.tgname, pg_get_triggerdef(tg.oid), tg.tgenabled, tg.tgrelid = $1::oid "
           "FROM pg_trigger tg WHERE tg.tgrelid IN ($1::oid, $2::oid) AND NOT tg.tgisinternal "
           "  AND left(tg.tgname, length($3)) <> $3 AND left(tg.tgname, length($4)) <> $4 ORDER BY tg.tgname",
           live_oid, standby_oid, capture_prefix_a, capture_prefix_b)) {
    std::string name = pg::quote_ident(r[0].c_str());
    bool on_live = r[3].as<bool>();
    before.push_back(fmt::format("DROP TRIGGER {} ON {}", name,
                                 on_live ? "$live$" : "$standby$"));  // placeholders, resolved by caller
    if (!on_live) continue;
    after.push_back(r[1].c_str());
    char en = r[2].c_str()[0];
    if (en == 'D') after.push_back(fmt::format("ALTER TABLE {} DISABLE TRIGGER {}", qualified, name));
    if (en == 'R') after.push_back(fmt::format("ALTER TABLE {} ENABLE REPLICA TRIGGER {}", qualified, name));
    if (en == 'A') after.push_back(fmt::format("ALTER TABLE {} ENABLE ALWAYS TRIGGER {}", qualified, name));
  }

  // Row-level security: the standby's policies are replaced by the live table's.
  for (const auto& r : tx.exec_params("SELECT polname, polrelid = $1::oid FROM pg_policy WHERE polrelid IN ($1::oid, $2::oid)",
                                      live_oid, standby_oid)) {
    if (!r[1].as<bool>())
      before.push_back(fmt::format("DROP POLICY {} ON $standby$", pg::quote_ident(r[0].c_str())));
  }
  add(after,
      "SELECT format('CREATE POLICY %I ON %s AS %s FOR %s TO %s%s%s', p.polname, $2::text, "
      "  CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END, "
      "  CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' "
      "    WHEN 'd' THEN 'DELETE' ELSE 'ALL' END, "
      "  (SELECT string_agg(" + role_name("r") + ", ', ') FROM unnest(p.polroles) r), "
      "  CASE WHEN p.polqual IS NOT NULL THEN ' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')' ELSE '' END, "
      "  CASE WHEN p.polwithcheck IS NOT NULL THEN ' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')' "
      "    ELSE '' END) "
      "FROM pg_policy p WHERE p.polrelid = $1::oid AND $3::text IS NOT NULL ORDER BY p.polname");
  add(after,
      "SELECT format('ALTER TABLE %s %s ROW LEVEL SECURITY, %s ROW LEVEL SECURITY', $2::text, "
      "  CASE WHEN relrowsecurity THEN 'ENABLE' ELSE 'DISABLE' END, "
      "  CASE WHEN relforcerowsecurity THEN 'FORCE' ELSE 'NO FORCE' END) FROM pg_class "
      "WHERE oid = $1::oid AND $3::text IS NOT NULL");

  // Grants, table and column level (only columns the standby has), comment, owner.
  add(after, "SELECT format('GRANT %s ON TABLE %s TO %s%s', a.privilege_type, $2::text, " + role_name("a.grantee") +
                 ", CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) "
                 "FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = $1::oid AND a.grantee <> c.relowner "
                 "AND $3::text IS NOT NULL");
  add(after, "SELECT format('GRANT %s (%I) ON TABLE %s TO %s%s', a.privilege_type, att.attname, $2::text, " +
                 role_name("a.grantee") +
                 ", CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) "
                 "FROM pg_attribute att CROSS JOIN LATERAL aclexplode(att.attacl) a "
                 "JOIN pg_attribute sa ON sa.attrelid = $3::oid AND sa.attname = att.attname AND NOT sa.attisdropped "
                 "WHERE att.attrelid = $1::oid AND att.attacl IS NOT NULL AND NOT att.attisdropped");
  add(after, "SELECT format('COMMENT ON TABLE %s IS %L', $2::text, obj_description($1::oid, 'pg_class')) "
             "WHERE $3::text IS NOT NULL");
  add(after, "SELECT format('ALTER TABLE %s OWNER TO %I', $2::text, pg_get_userbyid(l.relowner)) "
             "FROM pg_class l, pg_class s WHERE l.oid = $1::oid AND s.oid = $3::oid AND l.relowner <> s.relowner");

  // Replica identity (an index keeps its name across the exchange).
  add(after, "SELECT format('ALTER TABLE %s REPLICA IDENTITY %s', $2::text, CASE c.relreplident "
             "  WHEN 'n' THEN 'NOTHING' WHEN 'f' THEN 'FULL' WHEN 'i' THEN 'USING INDEX ' || quote_ident("
             "    (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
             "     WHERE i.indrelid = c.oid AND i.indisreplident)) ELSE 'DEFAULT' END) "
             "FROM pg_class c WHERE c.oid = $1::oid AND $3::text IS NOT NULL");

  // Sequences owned by a column (serial, bigserial): ownership follows the column; widened to
  // bigint when the column became bigint (the point of int -> bigint). Values are shared.
  add(after, "SELECT format('ALTER SEQUENCE %s OWNED BY %s.%I', s.oid::regclass, $2::text, a.attname) "
             "FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
             "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
             "JOIN pg_attribute sa ON sa.attrelid = $3::oid AND sa.attname = a.attname AND NOT sa.attisdropped "
             "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass "
             "  AND d.refobjid = $1::oid AND d.deptype = 'a'");
  return m;
}

}  // namespace

SwapResult swap_tables(pg::DdlExecutor& ddl, const SwapSpec& spec) {
  SwapResult result;
  std::string live_q = pg::qualified(spec.schema, spec.live);
  std::string standby_q = pg::qualified(spec.schema, spec.standby);
  Clock::time_point locked_at;
  ddl.run_transaction([&](pqxx::work& tx) {
    ++result.attempts;
    // First the catalog, under SHARE UPDATE EXCLUSIVE on the live table: no DDL can change what
    // we read, while the application's reads and writes go on. Only then the exclusive lock.
    tx.exec(fmt::format("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", standby_q));
    tx.exec(fmt::format("LOCK TABLE {} IN SHARE UPDATE EXCLUSIVE MODE", live_q));
    std::string live_oid = tx.exec_params("SELECT $1::regclass::oid::text", live_q)[0][0].c_str();
    std::string standby_oid = tx.exec_params("SELECT $1::regclass::oid::text", standby_q)[0][0].c_str();
    tx.exec("SET LOCAL search_path = pg_catalog, pg_temp");
    Moves moves = read_moves(tx, live_oid, standby_oid, live_q, spec.incoming_capture.trigger_prefix,
                             spec.outgoing_capture.trigger_prefix);
    std::vector<std::string> ddl_sql;
    auto resolve = [&](std::string s) {
      for (auto [ph, v] : {std::pair{std::string("$live$"), live_q}, std::pair{std::string("$standby$"), standby_q}}) {
        if (auto p = s.find(ph); p != std::string::npos) s.replace(p, ph.size(), v);
      }
      return s;
    };
    for (const auto& s : moves.drop_before) ddl_sql.push_back(resolve(s));
    for (auto& s : capture_drop_triggers_sql(spec.incoming, spec.incoming_capture)) ddl_sql.push_back(std::move(s));

    // Exchange names: tables, indexes (and so their constraints), identity sequences.
    const std::string tmp = pg::quote_ident("_slipway_swap_tmp");
    auto exchange = [&](const std::string& kind, const std::string& schema, const std::string& a,
                        const std::string& b) {
      ddl_sql.push_back(fmt::format("ALTER {} {} RENAME TO {}", kind, pg::qualified(schema, a), tmp));
      ddl_sql.push_back(fmt::format("ALTER {} {} RENAME TO {}", kind, pg::qualified(schema, b), pg::quote_ident(a)));
      ddl_sql.push_back(
          fmt::format("ALTER {} {}.{} RENAME TO {}", kind, pg::quote_ident(schema), tmp, pg::quote_ident(b)));
    };
    exchange("TABLE", spec.schema, spec.live, spec.standby);
    for (const auto& [on_live, on_standby] : spec.index_names) exchange("INDEX", spec.schema, on_live, on_standby);
    // Identity sequences: each table keeps its own; the new one continues from the old one's
    // value (read under the exclusive lock, below) and the two exchange names.
    std::vector<std::pair<std::string, std::string>> identity;  // (live seq, standby seq), qualified
    for (const auto& r : tx.exec_params(
             "SELECT format('%I.%I', ln.nspname, ls.relname), format('%I.%I', sn.nspname, ss.relname), "
             "  ln.nspname, ls.relname, ss.relname "
             "FROM pg_attribute a JOIN pg_attribute sa ON sa.attrelid = $2::oid AND sa.attname = a.attname "
             "JOIN pg_class ls ON ls.oid = pg_get_serial_sequence($3, a.attname)::regclass "
             "JOIN pg_namespace ln ON ln.oid = ls.relnamespace "
             "JOIN pg_class ss ON ss.oid = pg_get_serial_sequence($4, a.attname)::regclass "
             "JOIN pg_namespace sn ON sn.oid = ss.relnamespace "
             "WHERE a.attrelid = $1::oid AND a.attidentity <> '' AND sa.attidentity <> '' "
             "  AND NOT a.attisdropped AND NOT sa.attisdropped",
             live_oid, standby_oid, live_q, standby_q)) {
      identity.emplace_back(r[0].c_str(), r[1].c_str());
      exchange("SEQUENCE", r[2].c_str(), r[3].c_str(), r[4].c_str());
    }
    if (spec.widen_sequences) {
      for (auto& s : column0(tx,
                             "SELECT format('ALTER SEQUENCE %s AS bigint', s.oid::regclass) "
                             "FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
                             "JOIN pg_sequence q ON q.seqrelid = s.oid "
                             "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                             "JOIN pg_attribute sa ON sa.attrelid = $2::oid AND sa.attname = a.attname "
                             "WHERE d.classid = 'pg_class'::regclass AND d.refobjid = $1::oid "
                             "  AND d.deptype IN ('a','i') AND q.seqtypid IN ('int2'::regtype, 'int4'::regtype) "
                             "  AND sa.atttypid = 'int8'::regtype",
                             {live_oid, standby_oid})) {
        ddl_sql.push_back(std::move(s));
      }
    }
    for (auto& s : moves.create_after) ddl_sql.push_back(std::move(s));
    if (spec.install_outgoing) {
      for (auto& s : capture_triggers_sql(spec.outgoing, spec.outgoing_capture)) ddl_sql.push_back(std::move(s));
    }
    tx.exec("SET LOCAL search_path TO DEFAULT");

    tx.exec(fmt::format("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", live_q));
    locked_at = Clock::now();
    auto step = [&](const char* what) {
      log::verbose("swap: {} at +{:.1f} ms", what,
                   std::chrono::duration<double, std::milli>(Clock::now() - locked_at).count());
    };
    result.final_replayed = replay_batch(tx, spec.incoming, 0);
    step("final replay done");
    for (const auto& [live_seq, standby_seq] : identity) {
      tx.exec(fmt::format("SELECT setval({}::regclass, last_value, is_called) FROM {}", pg::quote_literal(standby_seq),
                          live_seq));
    }
    // One round trip for every statement of the swap.
    std::string batch;
    for (const auto& s : ddl_sql) batch += s + ";\n";
    tx.exec(batch);
    step("objects moved, names exchanged");
    result.to_validate = moves.to_validate;
    result.views_recreated = moves.views;
    if (spec.record) spec.record(tx, result);
    if (spec.before_commit) spec.before_commit();
  });
  result.lock_held_ms = std::chrono::duration<double, std::milli>(Clock::now() - locked_at).count();
  // Not needed any more, and harmless until dropped: outside the lock.
  ddl.run_transaction(capture_drop_objects_sql(spec.incoming, spec.incoming_capture));
  return result;
}

void validate_foreign_keys(pg::DdlExecutor& ddl, const std::vector<ForeignKeyRef>& fks) {
  for (const auto& fk : fks) {
    ddl.run(fmt::format("ALTER TABLE {} VALIDATE CONSTRAINT {}", fk.table, pg::quote_ident(fk.constraint)));
  }
}

}  // namespace slipway::rewrite
