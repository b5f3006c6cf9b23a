#include "rewrite/preflight.hpp"

#include <fmt/format.h>

#include "catalog/inspector.hpp"
#include "lint/user_text.hpp"
#include "util/error.hpp"

namespace slipway::rewrite {

namespace {

[[noreturn]] void refuse(const std::string& table, const std::string& why, const std::string& hint) {
  throw InputError(fmt::format("cannot rewrite {} online: {}", table, why), hint);
}

}  // namespace

catalog::Table preflight(pg::Connection& conn, const std::string& schema, const std::string& name,
                         const std::string& alter) {
  std::string label = schema + "." + name;
  // Parsed as the statement the rewrite runs on the shadow table: only this table's ALTER TABLE
  // subcommands get through, never a second statement.
  if (!alter.empty()) {
    if (auto problem = lint::alter_table_problem(schema, name, alter)) {
      refuse(label, fmt::format("--alter \"{}\" {}", alter, problem->what), problem->hint);
    }
  }
  catalog::Inspector inspector(conn);
  auto table = inspector.table(schema, name);
  if (!table) throw InputError(fmt::format("table {} does not exist", label), "check --table and --schema");
  if (table->kind == 'p' || table->is_partition) {
    refuse(label, "it is partitioned or a partition", "rewrite the partitions one by one, detached");
  }
  auto key = table->batch_key();
  if (!key) {
    refuse(label, "it has no primary key and no unique index on NOT NULL columns",
           "add a primary key (or a unique index on NOT NULL columns): change capture needs a row identity");
  }
  auto oid = std::to_string(table->oid);
  if (!conn.query_value<bool>("SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = $1::oid", oid)
           .value_or(false)) {
    refuse(label, "the current role does not own it", "run slipway as the table's owner (no superuser needed)");
  }
  if (conn.query_value<bool>("SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = $1::oid OR inhparent = $1::oid)",
                             oid)
          .value_or(false)) {
    refuse(label, "it takes part in table inheritance", "detach the children or the parent first");
  }
  // Every object that depends on the table and is not moved by the swap.
  auto others = conn.exec_params(
      "SELECT DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid) FROM pg_depend d "
      "WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = $1::oid AND d.deptype IN ('n','a') "
      "  AND d.classid NOT IN ('pg_constraint'::regclass, 'pg_trigger'::regclass, 'pg_attrdef'::regclass, "
      "    'pg_policy'::regclass, 'pg_class'::regclass, 'pg_type'::regclass, 'pg_rewrite'::regclass) "
      "ORDER BY 1",
      oid);
  if (!others.empty()) {
    refuse(label, fmt::format("{} depends on it", others[0][0].c_str()),
           "drop it for the rewrite and create it again afterwards (publications, statistics objects and "
           "SQL-body functions are not moved by the swap)");
  }
  // Rules: only the _RETURN rules of plain views, used by nothing else, owned by us.
  for (const auto& r : conn.exec_params(
           "SELECT DISTINCT v.oid::regclass::text, v.relkind, rw.rulename, pg_has_role(v.relowner, 'USAGE'), "
           "  EXISTS (SELECT 1 FROM pg_depend d2 JOIN pg_rewrite r2 ON r2.oid = d2.objid "
           "          WHERE d2.classid = 'pg_rewrite'::regclass AND d2.refobjid = v.oid AND r2.ev_class <> v.oid), "
           "  EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = v.oid) "
           "  OR EXISTS (SELECT 1 FROM pg_rewrite r3 WHERE r3.ev_class = v.oid AND r3.rulename <> '_RETURN'), "
           "  v.oid = $1::oid "
           "FROM pg_depend d JOIN pg_rewrite rw ON rw.oid = d.objid JOIN pg_class v ON v.oid = rw.ev_class "
           "WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = $1::oid",
           oid)) {
    std::string v = r[0].c_str();
    char kind = r[1].c_str()[0];
    if (r[6].as<bool>() || std::string(r[2].c_str()) != "_RETURN") {
      refuse(label, fmt::format("rule {} is defined on it or uses it", r[2].c_str()), "drop the rule for the rewrite");
    }
    if (kind == 'm') refuse(label, fmt::format("materialized view {} uses it", v), "drop it and create it again after");
    if (!r[3].as<bool>()) refuse(label, fmt::format("view {} is owned by another role", v), "run slipway as its owner");
    if (r[4].as<bool>()) {
      refuse(label, fmt::format("view {} is itself used by other views", v),
             "only views that read the table directly are recreated by the swap");
    }
    if (r[5].as<bool>()) refuse(label, fmt::format("view {} has triggers or rules of its own", v), "drop them for the rewrite");
  }
  // Tables whose foreign keys reference this one: the swap re-points them, which needs ownership.
  for (const auto& r : conn.exec_params(
           "SELECT c.oid::regclass::text FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid "
           "WHERE co.contype = 'f' AND co.confrelid = $1::oid AND co.conrelid <> $1::oid "
           "  AND NOT pg_has_role(c.relowner, 'USAGE')",
           oid)) {
    refuse(label, fmt::format("{} references it and is owned by another role", r[0].c_str()),
           "run slipway as a role that owns both tables");
  }
  return *table;
}

}  // namespace slipway::rewrite
