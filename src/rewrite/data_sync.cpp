#include "rewrite/data_sync.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "catalog/inspector.hpp"
#include "pg/quote.hpp"
#include "pg/row_key.hpp"

namespace slipway::rewrite {

namespace {

using pg::sql::column_list;
using pg::sql::KeySql;

// The key over one side's alias, with that side's column types: the shadow's may differ from the
// table's (an ALTER of a key column's type).
KeySql source_key(const SyncPair& p, std::string alias = "s") {
  return KeySql(pg::sql::key_columns(p.key, p.source_key_types), std::move(alias));
}
KeySql target_key(const SyncPair& p, std::string alias = "t") {
  return KeySql(pg::sql::key_columns(p.key, p.target_key_types), std::move(alias));
}

std::string insert_head(const SyncPair& p) {
  return fmt::format("INSERT INTO {} ({}){} SELECT {}", p.qualified_target(), column_list(p.target_columns),
                     p.overriding ? " OVERRIDING SYSTEM VALUE" : "", fmt::join(p.source_exprs, ", "));
}

pqxx::result exec(pqxx::transaction_base& tx, const std::string& sql, const std::vector<std::string>& params) {
  return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
}

std::string temp_keys_table(const SyncPair& p) { return pg::quote_ident("_slipway_keys_" + p.log); }

}  // namespace

std::string copy_sql(const SyncPair& p) {
  return fmt::format("{} FROM ONLY {} s", insert_head(p), p.qualified_source());
}

std::optional<KeyValue> next_chunk_end(pqxx::transaction_base& tx, const SyncPair& p,
                                       const std::optional<KeyValue>& lo, int64_t rows) {
  std::vector<std::string> params;
  KeySql key = source_key(p);
  std::string where = key.range_predicate({lo, std::nullopt}, 1, params);
  auto r = exec(tx,
                fmt::format("SELECT {} FROM ONLY {} s WHERE {} ORDER BY {} OFFSET {} LIMIT 1", key.text_list(),
                            p.qualified_source(), where, key.list(), std::max<int64_t>(rows - 1, 0)),
                params);
  if (r.empty()) return std::nullopt;
  return pg::key_of(r[0], p.key.size());
}

int64_t copy_range(pqxx::transaction_base& tx, const SyncPair& p, const KeyRange& range, bool replace) {
  if (replace) {
    std::vector<std::string> params;
    std::string where = target_key(p).range_predicate(range, 1, params);
    exec(tx, fmt::format("DELETE FROM {} t WHERE {}", p.qualified_target(), where), params);
  }
  std::vector<std::string> params;
  std::string where = source_key(p).range_predicate(range, 1, params);
  auto r = exec(tx, fmt::format("{} FROM ONLY {} s WHERE {}", insert_head(p), p.qualified_source(), where), params);
  return r.affected_rows();
}

int64_t replay_batch(pqxx::transaction_base& tx, const SyncPair& p, int64_t limit) {
  std::string keys = temp_keys_table(p);
  KeySql key = source_key(p, "");
  std::string key_cols = key.list();
  tx.exec(fmt::format("CREATE TEMP TABLE IF NOT EXISTS {} ({}) ON COMMIT DELETE ROWS", keys, key.definitions()));
  tx.exec(fmt::format("DELETE FROM {}", keys));
  // Claim the entries first (their statement's snapshot), then read the source in later
  // statements: every change whose entry was claimed is visible to those reads, and any change
  // committed later has an entry of its own that a later batch replays.
  std::string pick = limit > 0 ? fmt::format("WHERE _slipway_log_id IN (SELECT _slipway_log_id FROM {} ORDER BY _slipway_log_id LIMIT {})",
                                             p.qualified_log(), limit)
                               : "";
  auto claimed = tx.exec(fmt::format(
      "WITH c AS (DELETE FROM {log} {pick} RETURNING {k}), d AS (INSERT INTO {keys} SELECT DISTINCT {k} FROM c) "
      "SELECT count(*) FROM c",
      fmt::arg("log", p.qualified_log()), fmt::arg("pick", pick), fmt::arg("k", key_cols), fmt::arg("keys", keys)));
  int64_t n = claimed[0][0].as<int64_t>();
  if (n == 0) return 0;
  tx.exec(fmt::format("DELETE FROM {} t USING {} k WHERE {}", p.qualified_target(), keys, target_key(p).equals("k")));
  tx.exec(fmt::format("{} FROM ONLY {} s JOIN {} k ON {}", insert_head(p), p.qualified_source(), keys,
                      source_key(p).equals("k")));
  return n;
}

int64_t log_backlog(pqxx::transaction_base& tx, const SyncPair& p) {
  return tx.exec(fmt::format("SELECT count(*) FROM {}", p.qualified_log()))[0][0].as<int64_t>();
}

bool typed_hash_possible(pqxx::dbtransaction& tx, const SyncPair& p) {
  // A row of NULLs of the target's column types: hash_record_extended looks up every column's
  // hash function even for NULL fields, so it fails here exactly when it would fail later.
  auto r = tx.exec_params(
      "SELECT string_agg(format('NULL::%s', format_type(atttypid, atttypmod)), ', ' ORDER BY array_position($2::text[], "
      "attname::text)) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = ANY($2::text[])",
      p.qualified_target(), catalog::text_array_literal(p.target_columns));
  if (r.empty() || r[0][0].is_null()) return false;
  try {
    pqxx::subtransaction probe(tx, "hash_probe");
    probe.exec(fmt::format("SELECT hash_record_extended(ROW({}), 0)", r[0][0].c_str()));
    probe.commit();
    return true;
  } catch (const pqxx::sql_error&) {
    return false;
  }
}

RangeChecksum range_checksum(pqxx::transaction_base& tx, const SyncPair& p, const KeyRange& range, Side side,
                             bool typed_hash) {
  bool src = side == Side::source;
  const char* alias = src ? "s" : "t";
  std::string row_expr = src ? fmt::format("ROW({})", fmt::join(p.source_exprs, ", "))
                             : fmt::format("ROW({})", column_list(p.target_columns, "t"));
  KeySql key = src ? source_key(p) : target_key(p);
  std::vector<std::string> params;
  std::string where = key.range_predicate(range, 1, params);
  auto r = exec(tx,
                fmt::format("SELECT count(*), coalesce(sum({}), 0)::text FROM ONLY {} {} WHERE {} AND NOT EXISTS "
                            "(SELECT 1 FROM {} l WHERE {})",
                            pg::sql::row_hash(row_expr, typed_hash), src ? p.qualified_source() : p.qualified_target(),
                            alias, where, p.qualified_log(), key.equals("l")),
                params);
  return RangeChecksum{r[0][0].as<int64_t>(), r[0][1].c_str()};
}

RangeComparison compare_range(pqxx::transaction_base& tx, const SyncPair& p, const KeyRange& range, bool typed_hash) {
  return {range_checksum(tx, p, range, Side::source, typed_hash), range_checksum(tx, p, range, Side::target, typed_hash)};
}

}  // namespace slipway::rewrite
