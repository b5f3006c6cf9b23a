#include "compare/repairer.hpp"

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "catalog/inspector.hpp"
#include "pg/quote.hpp"
#include "pg/row_key.hpp"

namespace slipway::compare {

namespace {

// Rows per repair transaction: short, so the target's row locks are held briefly.
constexpr size_t kRowsPerTransaction = 100;

struct Statement {
  std::string sql;
  std::vector<std::string> params;
};

// The statement as it would run, its parameters after it, for --dry-run.
std::string printable(const Statement& s) {
  std::string out = s.sql + ";";
  for (size_t i = 0; i < s.params.size(); ++i)
    out += fmt::format("{} ${} = {}", i ? "," : "  --", i + 1, pg::quote_literal(s.params[i]));
  return out;
}

}  // namespace

void Repairer::repair(TableResult& result) {
  const auto& t = result.table;
  // The rows as they are now: since the compare (or a repair cut short by a lost connection)
  // some may have been made equal, or changed again.
  {
    std::vector<KeyValue> keys;
    for (const auto& d : result.differences) keys.push_back(d.key);
    result.differences = comparer_.differing(t, keys, result);
  }
  KeySql source_key(t.source_key), target_key(t.target_key);
  std::vector<WrittenColumn> key_columns, value_columns;
  std::vector<std::string> source_exprs;
  for (const auto& k : t.target_key) key_columns.push_back({k.name, k.type});
  for (const auto& c : t.columns) {
    if (!c.written) continue;
    value_columns.push_back({c.name, c.target_type});
    source_exprs.push_back(c.source_expr);
  }
  std::vector<WrittenColumn> insert_columns = key_columns;
  insert_columns.insert(insert_columns.end(), value_columns.begin(), value_columns.end());
  const std::string insert = insert_sql(t.target_table, insert_columns, t.target_identity_always);
  const std::string update = update_sql(t.target_table, target_key, value_columns);
  const std::string remove = delete_sql(t.target_table, target_key);

  std::vector<KeyValue> repaired_keys;
  for (size_t i = 0; i < result.differences.size(); i += kRowsPerTransaction) {
    std::vector<const Difference*> batch;
    for (size_t j = i; j < std::min(result.differences.size(), i + kRowsPerTransaction); ++j)
      batch.push_back(&result.differences[j]);
    // The source's values now (the key, then the written columns), as text, cast to the
    // target's types in the statements.
    std::vector<KeyValue> keys;
    for (const auto* d : batch)
      if (d->kind != DifferenceKind::extra_in_target) keys.push_back(d->key);
    std::map<KeyValue, std::vector<std::optional<std::string>>> source_rows;
    if (!keys.empty()) {
      std::vector<std::string> params;
      auto sql = select_with_keys_sql(t.source_table, source_key, source_exprs, keys, params);
      auto r = source_.exec_list(sql, params);
      for (const auto& row : r) {
        std::vector<std::optional<std::string>> values;
        for (size_t c = key_columns.size(); c < size_t(row.size()); ++c) values.push_back(pg::text_or_null(row[int(c)]));
        source_rows[pg::key_of(row, key_columns.size())] = std::move(values);
      }
    }
    std::vector<Statement> statements;
    for (const auto* d : batch) {
      auto it = source_rows.find(d->key);
      if (d->kind == DifferenceKind::extra_in_target || it == source_rows.end()) {
        Statement s{remove, d->key};
        statements.push_back(std::move(s));
      } else if (d->kind == DifferenceKind::missing_in_target) {
        std::vector<std::optional<std::string>> row(d->key.begin(), d->key.end());
        row.insert(row.end(), it->second.begin(), it->second.end());
        statements.push_back({insert, {catalog::nullable_text_array_literal(row)}});
      } else {
        Statement s{update, {catalog::nullable_text_array_literal(it->second)}};
        s.params.insert(s.params.end(), d->key.begin(), d->key.end());
        statements.push_back(std::move(s));
      }
      repaired_keys.push_back(d->key);
    }
    if (dry_run_) {
      for (const auto& s : statements) result.repair_statements.push_back(printable(s));
      continue;
    }
    target_.run_transaction(
        [&](pqxx::work& tx) {
          for (const auto& s : statements) tx.exec_params(s.sql, pqxx::prepare::make_dynamic_params(s.params));
        },
        fmt::format("repair of {} rows of {}", statements.size(), t.target_table));
    result.repaired += int64_t(statements.size());
  }
  if (!dry_run_) result.after_repair = comparer_.differing(t, repaired_keys, result);
}

}  // namespace slipway::compare
