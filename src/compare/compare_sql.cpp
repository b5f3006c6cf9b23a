#include "compare/compare_sql.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pg/quote.hpp"

namespace slipway::compare {

namespace {

std::string values_list(const SideSql& side) {
  std::string out;
  for (const auto& v : side.values) out += ", " + v;
  return out;
}

// <key row> IN (<params row>, ...): the listed keys, parameters appended.
std::string keys_in(const KeySql& key, const std::vector<KeyValue>& keys, std::vector<std::string>& params) {
  if (keys.empty()) return "false";
  std::string list;
  for (const auto& k : keys) {
    if (!list.empty()) list += ", ";
    list += key.params_row(int(params.size()) + 1);
    params.insert(params.end(), k.begin(), k.end());
  }
  return fmt::format("{} IN ({})", key.row(), list);
}

}  // namespace

std::string row_fingerprint(const SideSql& side) {
  std::string row;
  for (const auto& v : side.hashed) row += (row.empty() ? "" : ", ") + v;
  return pg::sql::row_hash("ROW(" + row + ")", true);
}

std::string summary_sql(const SideSql& side, const KeyRange& range, std::vector<std::string>& params) {
  std::string where = side.key.range_predicate(range, int(params.size()) + 1, params);
  return fmt::format("SELECT count(*), coalesce(sum({}), 0)::text FROM {} t WHERE {}", row_fingerprint(side), side.table,
                     where);
}

std::string key_at_sql(const SideSql& side, const KeyRange& range, int64_t offset, std::vector<std::string>& params) {
  std::string where = side.key.range_predicate(range, int(params.size()) + 1, params);
  return fmt::format("SELECT {} FROM {} t WHERE {} ORDER BY {} OFFSET {} LIMIT 1", side.key.text_list(), side.table,
                     where, side.key.list(), std::max<int64_t>(offset, 0));
}

std::string summary_then_key_sql(const SideSql& side, const KeyRange& range, int64_t next_offset,
                                 std::vector<std::string>& params) {
  std::string summary = summary_sql(side, range, params);
  std::string next = key_at_sql(side, {range.upto, std::nullopt}, next_offset, params);
  return fmt::format("SELECT s.*, n.* FROM ({}) s LEFT JOIN LATERAL ({}) n ON true", summary, next);
}

std::string keys_every_sql(const SideSql& side, const KeyRange& range, int64_t step, std::vector<std::string>& params) {
  std::string where = side.key.range_predicate(range, int(params.size()) + 1, params);
  std::vector<std::string> names;
  for (size_t i = 0; i < side.key.columns().size(); ++i) names.push_back(fmt::format("k{}", i));
  return fmt::format(
      "SELECT {} FROM (SELECT {}, row_number() OVER (ORDER BY {}) AS n FROM {} t WHERE {}) s WHERE s.n % {} = 0 "
      "ORDER BY s.n",
      fmt::join(names, ", "), [&] {
        std::string cols;
        for (size_t i = 0; i < names.size(); ++i)
          cols += fmt::format("{}{}::text AS {}", i ? ", " : "", "t." + pg::quote_ident(side.key.columns()[i].name), names[i]);
        return cols;
      }(),
      side.key.list(), side.table, where, std::max<int64_t>(step, 1));
}

std::string summaries_sql(const SideSql& side, const std::vector<KeyRange>& ranges, std::vector<std::string>& params) {
  std::string out;
  for (size_t i = 0; i < ranges.size(); ++i) {
    std::string where = side.key.range_predicate(ranges[i], int(params.size()) + 1, params);
    out += fmt::format("{}SELECT {} AS part, count(*) AS n, coalesce(sum({}), 0)::text AS h FROM {} t WHERE {}",
                       i ? " UNION ALL " : "", i, row_fingerprint(side), side.table, where);
  }
  return "SELECT n, h FROM (" + out + ") p ORDER BY part";
}

std::string rows_sql(const SideSql& side, const KeyRange& range, std::vector<std::string>& params) {
  std::string where = side.key.range_predicate(range, int(params.size()) + 1, params);
  return fmt::format("SELECT {}{}, {} FROM {} t WHERE {}", side.key.text_list(), values_list(side),
                     row_fingerprint(side), side.table, where);
}

std::string rows_with_keys_sql(const SideSql& side, const std::vector<KeyValue>& keys, std::vector<std::string>& params,
                               const std::string& extra) {
  std::string where = keys_in(side.key, keys, params);
  return fmt::format("SELECT {}{}, {}{} FROM {} t WHERE {}", side.key.text_list(), values_list(side),
                     row_fingerprint(side), extra.empty() ? "" : ", " + extra, side.table, where);
}

// age(xmin) counts the transactions from the row's writer to the next id (frozen rows are
// infinitely old): the row is newer than `$n` when its age is at most next - $n.
std::string written_since_sql(int n) {
  return fmt::format("age(t.xmin) <= pg_snapshot_xmax(pg_current_snapshot())::text::bigint - ${}::bigint", n);
}

std::string next_xid_sql() { return "SELECT pg_snapshot_xmax(pg_current_snapshot())::text"; }

std::string select_with_keys_sql(const std::string& table, const KeySql& key, const std::vector<std::string>& exprs,
                                 const std::vector<KeyValue>& keys, std::vector<std::string>& params) {
  std::string list;
  for (const auto& e : exprs) list += fmt::format(", ({})::text", e);
  return fmt::format("SELECT {}{} FROM {} t WHERE {}", key.text_list(), list, table, keys_in(key, keys, params));
}

std::string insert_sql(const std::string& table, const std::vector<WrittenColumn>& columns, bool overriding_system_value) {
  std::string names, values;
  for (size_t i = 0; i < columns.size(); ++i) {
    names += (i ? ", " : "") + pg::quote_ident(columns[i].name);
    values += fmt::format("{}($1::text[])[{}]::{}", i ? ", " : "", i + 1, columns[i].type);
  }
  return fmt::format("INSERT INTO {} ({}){} SELECT {}", table, names,
                     overriding_system_value ? " OVERRIDING SYSTEM VALUE" : "", values);
}

std::string update_sql(const std::string& table, const KeySql& key, const std::vector<WrittenColumn>& columns) {
  std::string set;
  for (size_t i = 0; i < columns.size(); ++i)
    set += fmt::format("{}{} = ($1::text[])[{}]::{}", i ? ", " : "", pg::quote_ident(columns[i].name), i + 1,
                       columns[i].type);
  return fmt::format("UPDATE {} SET {} WHERE {} = {}", table, set, key.row(), key.params_row(2));
}

std::string delete_sql(const std::string& table, const KeySql& key) {
  return fmt::format("DELETE FROM {} t WHERE {} = {}", table, key.row(), key.params_row(1));
}

}  // namespace slipway::compare
