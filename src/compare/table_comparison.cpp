#include "compare/table_comparison.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "catalog/inspector.hpp"
#include "lint/user_text.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"

namespace slipway::compare {

std::string TablePair::label() const {
  std::string source = source_schema + "." + source_table;
  std::string target = target_schema + "." + target_table;
  return source == target ? source : source + " -> " + target;
}

std::vector<std::string> TableComparison::key_names() const {
  std::vector<std::string> out;
  for (const auto& k : target_key) out.push_back(k.name);
  return out;
}

namespace {
// A key column or a value as the fingerprint hashes it: itself when both sides have the same
// hashable type, else normalised.
std::string hashed(const std::string& expr, const std::string& type, const std::string& other_type) {
  if (type == other_type && hashes_as_itself(type)) return expr;
  return normalised(expr, value_class(type));
}

SideSql side_sql(const TableComparison& tc, bool source) {
  const auto& key = source ? tc.source_key : tc.target_key;
  const auto& other = source ? tc.target_key : tc.source_key;
  SideSql s{source ? tc.source_table : tc.target_table, KeySql(key, "t"), {}, {}};
  for (size_t i = 0; i < key.size(); ++i)
    s.hashed.push_back(hashed("t." + pg::quote_ident(key[i].name), key[i].type, other[i].type));
  for (const auto& c : tc.columns) {
    std::string expr = source ? c.source_expr : pg::quote_ident(c.name);
    s.values.push_back(normalised(expr, c.value_class));
    s.hashed.push_back(c.hashed_as_is ? expr : s.values.back());
  }
  return s;
}
}  // namespace

SideSql TableComparison::source_side() const { return side_sql(*this, true); }

SideSql TableComparison::target_side() const { return side_sql(*this, false); }

std::string TableComparison::identity() const {
  std::string out = source_table + "|" + target_table + "|";
  for (const auto& k : source_key) out += k.name + ":" + k.type + ":" + k.collation + ",";
  out += "|";
  for (const auto& c : columns) out += c.name + "=" + c.source_expr + ",";
  return out;
}

namespace {

[[noreturn]] void fail(const TablePair& pair, const std::string& problem, const std::string& hint) {
  throw InputError(fmt::format("compare {}: {}", pair.label(), problem), hint);
}

const catalog::Column* column_named(const catalog::Table& t, const std::string& name) {
  for (const auto& c : t.columns)
    if (c.name == name) return &c;
  return nullptr;
}

catalog::Table read_table(pg::Connection& conn, const std::string& schema, const std::string& name,
                          const char* side, const TablePair& pair) {
  catalog::Inspector inspector(conn);
  auto t = inspector.table(schema, name);
  if (!t) {
    fail(pair, fmt::format("the {} has no table {}.{}", side, schema, name),
         fmt::format("check the name{}", std::string(side) == "target" ? " (--target-table, --target-schema)" : ""));
  }
  return *t;
}

// How a key column orders on one side: its collation's provider and locale ("" when the type
// is not collatable). Equal on both sides: both order alike and each side's index serves.
std::vector<std::string> key_orderings(pg::Connection& conn, const std::string& table,
                                       const std::vector<std::string>& key) {
  std::vector<std::string> out;
  for (const auto& k : key) {
    auto v = conn.query_value<std::string>(
        "SELECT CASE WHEN a.attcollation = 0 THEN '' "
        "WHEN co.collname = 'default' THEN (SELECT 'db:' || datlocprovider::text || ':' || coalesce(daticulocale, datcollate) "
        "  FROM pg_database WHERE datname = current_database()) "
        "ELSE co.collprovider::text || ':' || coalesce(co.colliculocale, co.collcollate, co.collname) END "
        "FROM pg_attribute a LEFT JOIN pg_collation co ON co.oid = a.attcollation "
        "WHERE a.attrelid = $1::regclass AND a.attname = $2",
        table, k);
    out.push_back(v.value_or(""));
  }
  return out;
}

// The type of a mapped expression over the source's row, compiled without reading a row.
std::string expression_type(pg::Connection& source, const std::string& table, const ColumnMapping& m,
                            const TablePair& pair) {
  if (auto p = lint::expression_problem(m.source_expression)) {
    fail(pair, fmt::format("--map \"{} = {}\": {}", m.target_column, m.source_expression, p->what),
         p->hint.empty() ? "the right side is one SQL expression over the source's columns" : p->hint);
  }
  try {
    // WHERE false: planned and typed, never scanned.
    auto r = source.exec(fmt::format("SELECT ({}) FROM {} WHERE false", m.source_expression, table));
    return source.query_value<std::string>("SELECT format_type($1::oid, NULL)", std::to_string(r.column_type(0)))
        .value_or("unknown");
  } catch (const pg::ConnectionLost&) {
    throw;
  } catch (const pg::PgError& e) {
    fail(pair, fmt::format("--map \"{} = {}\" does not compile on the source: {}", m.target_column,
                           m.source_expression, e.what()),
         "the expression is evaluated over the source table's row");
  }
}

}  // namespace

TableComparison inspect_pair(pg::Connection& source, pg::Connection& target, const TablePair& pair,
                             const CompareOptions& options) {
  TableComparison tc;
  tc.pair = pair;
  tc.source_table = pg::qualified(pair.source_schema, pair.source_table);
  tc.target_table = pg::qualified(pair.target_schema, pair.target_table);
  auto src = read_table(source, pair.source_schema, pair.source_table, "source", pair);
  auto tgt = read_table(target, pair.target_schema, pair.target_table, "target", pair);
  tc.source_rows_estimate = src.row_estimate;

  auto key = src.batch_key();
  if (!key) {
    fail(pair, "the source table has no primary key or unique index on NOT NULL columns",
         "compare walks both tables in key order: add a primary key (or a unique NOT NULL index)");
  }
  auto source_order = key_orderings(source, tc.source_table, *key);
  std::vector<std::string> target_order;
  for (const auto& k : *key) {
    const auto* s = column_named(src, k);
    const auto* t = column_named(tgt, k);
    if (!t) {
      fail(pair, fmt::format("key column \"{}\" is not in the target table", k),
           "both sides need the source's key columns under the same names");
    }
    if (!comparable(s->type, t->type)) {
      fail(pair, fmt::format("key column \"{}\" is {} on the source but {} on the target", k, s->type, t->type),
           "keys must be of comparable types (int/bigint/numeric, varchar/text...)");
    }
    tc.source_key.push_back({k, s->type});
    tc.target_key.push_back({k, t->type});
  }
  target_order = key_orderings(target, tc.target_table, *key);
  if (source_order != target_order) {
    // Text keys ordered differently would split the chunks at different rows: both in "C".
    tc.key_collated = true;
    for (size_t i = 0; i < key->size(); ++i) {
      if (source_order[i].empty()) continue;
      tc.source_key[i].collation = "C";
      tc.target_key[i].collation = "C";
    }
  }

  std::set<std::string> key_set(key->begin(), key->end());
  std::set<std::string> excluded(options.exclude.begin(), options.exclude.end());
  for (const auto& e : options.exclude) {
    if (!column_named(tgt, e) && !column_named(src, e))
      fail(pair, fmt::format("--exclude {}: no such column on either side", e), "check the column name");
    if (key_set.count(e)) fail(pair, fmt::format("--exclude {}: a key column is always compared", e), "leave it out");
  }
  std::vector<std::string> names;
  if (!options.columns.empty()) {
    for (const auto& c : options.columns) {
      if (!column_named(tgt, c)) fail(pair, fmt::format("--columns {}: the target has no such column", c), "check the name");
      if (!key_set.count(c)) names.push_back(c);
    }
  } else {
    for (const auto& c : tgt.columns)
      if (!key_set.count(c.name)) names.push_back(c.name);
  }
  std::map<std::string, const ColumnMapping*> maps;
  for (const auto& m : options.maps) {
    if (!column_named(tgt, m.target_column))
      fail(pair, fmt::format("--map {}: the target has no such column", m.target_column), "the left side names a target column");
    if (key_set.count(m.target_column))
      fail(pair, fmt::format("--map {}: key columns are compared as they are", m.target_column), "map other columns only");
    maps[m.target_column] = &m;
  }

  std::set<std::string> used;
  for (const auto& name : names) {
    if (excluded.count(name)) continue;
    const auto* t = column_named(tgt, name);
    ComparedColumn c;
    c.name = name;
    c.target_type = t->type;
    c.written = t->generated == 0;
    if (t->identity == 'a') tc.target_identity_always = true;
    if (auto m = maps.find(name); m != maps.end()) {
      c.mapped = true;
      c.source_expr = m->second->source_expression;
      c.source_type = expression_type(source, tc.source_table, *m->second, pair);
    } else {
      const auto* s = column_named(src, name);
      if (!s) {
        fail(pair, fmt::format("target column \"{}\" has no column of that name in the source", name),
             fmt::format("map it (--map \"{} = <expression over the source's columns>\") or --exclude {}", name, name));
      }
      c.source_expr = pg::quote_ident(name);
      c.source_type = s->type;
      used.insert(name);
    }
    if (!comparable(c.source_type, c.target_type)) {
      fail(pair, fmt::format("column \"{}\" is {} on the source but {} on the target: they compare as different "
                             "kinds of value ({} vs {})", name, c.source_type, c.target_type,
                             value_class_name(value_class(c.source_type)), value_class_name(value_class(c.target_type))),
           fmt::format("compare it through a cast (--map \"{} = {}::{}\") or --exclude {}", name,
                       pg::quote_ident(name), c.target_type, name));
    }
    c.value_class = value_class(c.target_type);
    c.hashed_as_is = c.source_type == c.target_type && hashes_as_itself(c.target_type);
    tc.columns.push_back(std::move(c));
  }
  for (const auto& s : src.columns)
    if (!key_set.count(s.name) && !used.count(s.name) && !excluded.count(s.name) && !column_named(tgt, s.name))
      tc.source_only.push_back(s.name);
  return tc;
}

std::vector<TablePair> tables_in_schema(pg::Connection& source, const std::string& schema,
                                        const std::string& target_schema) {
  std::vector<TablePair> out;
  auto rows = source.exec_params(
      "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname",
      schema);
  for (const auto& r : rows) out.push_back({schema, r[0].c_str(), target_schema, r[0].c_str()});
  if (out.empty()) throw InputError(fmt::format("the source schema \"{}\" has no tables", schema), "check --schema");
  return out;
}

}  // namespace slipway::compare
