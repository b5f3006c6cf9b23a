#include "catalog/inspector.hpp"

#include <fmt/format.h>

#include <pqxx/transaction>

#include "pg/ddl_executor.hpp"
#include "pg/row_key.hpp"

namespace slipway::catalog {

namespace {
void append_array_element(std::string& out, const std::string& value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}
}  // namespace

std::string text_array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    append_array_element(out, values[i]);
  }
  return out + "}";
}

std::string nullable_text_array_literal(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    if (values[i]) append_array_element(out, *values[i]);
    else out += "NULL";
  }
  return out + "}";
}

std::vector<std::string> parse_text_array(const std::string& s) {
  std::vector<std::string> out;
  if (s.size() < 2) return out;
  std::string cur;
  bool in_quotes = false, any = false;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    char c = s[i];
    if (in_quotes) {
      if (c == '\\' && i + 2 < s.size()) cur += s[++i];
      else if (c == '"') in_quotes = false;
      else cur += c;
    } else if (c == '"') {
      in_quotes = true;
      any = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any || !out.empty()) out.push_back(cur);
  return out;
}

namespace {

// The tables in scope, shared by every query below.
const char* kTargets = R"(
  WITH t AS (
    SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
      AND ($2 = '{}' OR c.relname = ANY($2::text[]))))";

std::optional<std::string> opt(const pqxx::field& f) { return pg::text_or_null(f); }
char ch(const pqxx::field& f) { return f.is_null() || !*f.c_str() ? 0 : f.c_str()[0]; }

}  // namespace

bool Inspector::schema_exists(const std::string& schema) {
  return conn_.query_value<bool>("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema)
      .value_or(false);
}

bool Inspector::relation_exists(const std::string& schema, const std::string& name) {
  return conn_
      .query_value<bool>(
          "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          "WHERE n.nspname = $1 AND c.relname = $2)",
          schema, name)
      .value_or(false);
}

std::optional<bool> Inspector::index_valid(const std::string& schema, const std::string& index) {
  return conn_.query_value<bool>(
      "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
      schema, index);
}

std::optional<Table> Inspector::table(const std::string& schema, const std::string& name) {
  auto all = tables(schema, {name});
  auto it = all.find(name);
  if (it == all.end()) return std::nullopt;
  return std::move(it->second);
}

namespace {
std::map<std::string, Table> read_tables(pqxx::work& tx, const std::string& schema,
                                         const std::vector<std::string>& only) {
  std::string names = text_array_literal(only);
  std::map<std::string, Table> out;
  std::map<uint32_t, Table*> by_oid;

  for (const auto& r : tx.exec_params(std::string(kTargets) + R"(
      SELECT c.oid, c.relname, c.relkind, c.relispartition, c.relreplident,
             greatest(c.reltuples, 0)::bigint, obj_description(c.oid, 'pg_class'), c.relnatts
      FROM pg_class c JOIN t ON t.oid = c.oid)",
                                         schema, names)) {
    Table tb;
    tb.oid = r[0].as<uint32_t>();
    tb.schema = schema;
    tb.name = r[1].c_str();
    tb.kind = ch(r[2]);
    tb.is_partition = r[3].as<bool>();
    tb.replica_identity = ch(r[4]);
    tb.row_estimate = r[5].as<int64_t>();
    tb.comment = opt(r[6]);
    tb.numbered_columns = r[7].as<int>();
    out[tb.name] = std::move(tb);
  }
  for (auto& [n, tb] : out) by_oid[tb.oid] = &tb;
  if (out.empty()) return out;

  for (const auto& r : tx.exec_params(std::string(kTargets) + R"(
      SELECT a.attrelid, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), tn.nspname,
             a.attnotnull, CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
             a.attidentity, a.attgenerated,
             CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
             col_description(a.attrelid, a.attnum),
             CASE WHEN a.attcollation <> ty.typcollation THEN co.collname END
      FROM pg_attribute a JOIN t ON t.oid = a.attrelid
      JOIN pg_type ty ON ty.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = ty.typnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      LEFT JOIN pg_collation co ON co.oid = a.attcollation
      WHERE a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum)",
                                         schema, names)) {
    Column c;
    c.name = r[1].c_str();
    c.attnum = r[2].as<int>();
    c.type = r[3].c_str();
    c.type_schema = r[4].c_str();
    c.not_null = r[5].as<bool>();
    c.default_expr = opt(r[6]);
    c.identity = ch(r[7]);
    c.generated = ch(r[8]);
    c.generation_expr = opt(r[9]);
    c.comment = opt(r[10]);
    c.collation = opt(r[11]);
    by_oid[r[0].as<uint32_t>()]->columns.push_back(std::move(c));
  }

  for (const auto& r : tx.exec_params(std::string(kTargets) + R"(
      SELECT i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid), i.indisunique, i.indisprimary,
             i.indisvalid, i.indisready, i.indpred IS NOT NULL, i.indexprs IS NOT NULL, am.amname,
             (SELECT array_agg(coalesce(a.attname, '') ORDER BY k.ord)
                FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
               WHERE k.ord <= i.indnkeyatts),
             (SELECT conname FROM pg_constraint WHERE conindid = i.indexrelid AND contype IN ('p','u','x') LIMIT 1),
             (SELECT bool_and(a.attnotnull) FROM unnest(i.indkey::int2[]) k(attnum)
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)
      FROM pg_index i JOIN t ON t.oid = i.indrelid
      JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
      ORDER BY i.indrelid, ic.relname)",
                                         schema, names)) {
    Index ix;
    ix.name = r[1].c_str();
    ix.definition = r[2].c_str();
    ix.unique = r[3].as<bool>();
    ix.primary = r[4].as<bool>();
    ix.valid = r[5].as<bool>();
    ix.ready = r[6].as<bool>();
    ix.partial = r[7].as<bool>();
    ix.has_expressions = r[8].as<bool>();
    ix.method = r[9].c_str();
    ix.columns = parse_text_array(r[10].c_str());
    ix.constraint = opt(r[11]);
    bool all_not_null = !r[12].is_null() && r[12].as<bool>();
    Table& tb = *by_oid[r[0].as<uint32_t>()];
    if (ix.primary) tb.primary_key = ix.columns;
    else if (ix.unique && ix.valid && !ix.partial && !ix.has_expressions && all_not_null)
      tb.unique_keys.push_back(ix.columns);
    tb.indexes.push_back(std::move(ix));
  }

  for (const auto& r : tx.exec_params(std::string(kTargets) + R"(
      SELECT t.oid, n.nspname, c.relname, c.relkind, pn.nspname, pc.relname
      FROM t JOIN pg_class tc ON tc.oid = t.oid AND tc.relkind = 'p'
      CROSS JOIN LATERAL pg_partition_tree(t.oid) tree
      JOIN pg_class c ON c.oid = tree.relid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_class pc ON pc.oid = tree.parentrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
      WHERE tree.level > 0
      ORDER BY t.oid, tree.level, c.relname)",
                                         schema, names)) {
    by_oid[r[0].as<uint32_t>()]->partitions.push_back(
        Partition{r[1].c_str(), r[2].c_str(), r[5].c_str(), r[4].c_str(), ch(r[3])});
  }
  for (const auto& r : tx.exec_params(std::string(kTargets) + R"(
      SELECT pt.partrelid,
             (SELECT array_agg(coalesce(a.attname, '') ORDER BY k.ord)
                FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY k(attnum, ord)
                LEFT JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = k.attnum)
      FROM pg_partitioned_table pt JOIN t ON t.oid = pt.partrelid)",
                                         schema, names)) {
    by_oid[r[0].as<uint32_t>()]->partition_key = parse_text_array(r[1].c_str());
  }

  for (const auto& r : tx.exec_params(std::string(kTargets) + R"(
      SELECT co.conrelid, co.conname, co.contype, pg_get_constraintdef(co.oid), co.convalidated,
             co.condeferrable,
             (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(co.conkey) WITH ORDINALITY k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum),
             fn.nspname, fc.relname,
             (SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(co.confkey) WITH ORDINALITY k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.attnum),
             CASE WHEN co.conindid <> 0 THEN (SELECT relname FROM pg_class WHERE oid = co.conindid) END
      FROM pg_constraint co JOIN t ON t.oid = co.conrelid
      LEFT JOIN pg_class fc ON fc.oid = co.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
      ORDER BY co.conrelid, co.conname)",
                                         schema, names)) {
    Constraint c;
    c.name = r[1].c_str();
    c.type = ch(r[2]);
    c.definition = r[3].c_str();
    c.validated = r[4].as<bool>();
    c.deferrable = r[5].as<bool>();
    if (!r[6].is_null()) c.columns = parse_text_array(r[6].c_str());
    c.referenced_schema = opt(r[7]);
    c.referenced_table = opt(r[8]);
    if (!r[9].is_null()) c.referenced_columns = parse_text_array(r[9].c_str());
    c.index = c.type == 'f' ? std::nullopt : opt(r[10]);
    by_oid[r[0].as<uint32_t>()]->constraints.push_back(std::move(c));
  }

  for (const auto& r : tx.exec_params(std::string(kTargets) + R"(
      SELECT tg.tgrelid, tg.tgname, pg_get_triggerdef(tg.oid), tg.tgfoid::regproc::text, tg.tgenabled
      FROM pg_trigger tg JOIN t ON t.oid = tg.tgrelid
      WHERE NOT tg.tgisinternal ORDER BY tg.tgrelid, tg.tgname)",
                                         schema, names)) {
    by_oid[r[0].as<uint32_t>()]->triggers.push_back({r[1].c_str(), r[2].c_str(), r[3].c_str(), ch(r[4])});
  }

  for (const auto& r : tx.exec_params(std::string(kTargets) + R"(
      SELECT DISTINCT d.refobjid, v.oid::regclass::text
      FROM pg_depend d JOIN t ON t.oid = d.refobjid
      JOIN pg_rewrite rw ON rw.oid = d.objid JOIN pg_class v ON v.oid = rw.ev_class
      WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
        AND v.oid <> d.refobjid ORDER BY 2)",
                                         schema, names)) {
    by_oid[r[0].as<uint32_t>()]->dependent_views.push_back(r[1].c_str());
  }

  for (const auto& r : tx.exec_params(std::string(kTargets) + R"(
      SELECT d.refobjid, s.oid::regclass::text
      FROM pg_depend d JOIN t ON t.oid = d.refobjid JOIN pg_class s ON s.oid = d.objid
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
        AND s.relkind = 'S' AND d.deptype IN ('a', 'i') ORDER BY 2)",
                                         schema, names)) {
    by_oid[r[0].as<uint32_t>()]->owned_sequences.push_back(r[1].c_str());
  }
  return out;
}
}  // namespace

std::map<std::string, Table> Inspector::tables(const std::string& schema, const std::vector<std::string>& only) {
  // Deparsing (pg_get_indexdef, pg_get_constraintdef, pg_get_expr) opens each table it describes
  // with ACCESS SHARE. Behind another session's ACCESS EXCLUSIVE (a long ALTER, VACUUM FULL,
  // CLUSTER) that would wait in the table's lock queue, holding the tables already read, where
  // a DDL of someone else on those would queue behind us and the application behind that DDL.
  // So the reads run as one transaction (one snapshot of the catalog) under lock_timeout, retried
  // with backoff like slipway's DDL.
  std::map<std::string, Table> out;
  pg::DdlExecutor reader(conn_, policy_);
  reader.run_transaction([&](pqxx::work& tx) { out = read_tables(tx, schema, only); },
                         "reading the catalog of schema " + schema);
  return out;
}

std::map<std::string, std::vector<std::string>> Inspector::view_columns(const std::string& schema) {
  std::map<std::string, std::vector<std::string>> out;
  pg::DdlExecutor reader(conn_, policy_);
  reader.run_transaction(
      [&](pqxx::work& tx) {
        out.clear();
        for (const auto& r : tx.exec_params(
                 "SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                 "WHERE n.nspname = $1 AND c.relkind = 'v' ORDER BY c.relname, a.attnum",
                 schema))
          out[r[0].c_str()].push_back(r[1].c_str());
      },
      "reading the views of schema " + schema);
  return out;
}

}  // namespace slipway::catalog
