#include "migration/engine/backfill_loop.hpp"

#include <fmt/format.h>

#include "pg/quote.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace slipway::migration {

long long run_backfill_loop(pg::DdlExecutor& ddl, const BackfillSpec& spec, const BackfillLoopOptions& o) {
  if (spec.key.empty()) throw InputError(fmt::format("table {} has no key to backfill by", spec.table));
  auto& conn = ddl.connection();
  std::string table = pg::qualified(o.schema, spec.table);
  // Key column types, so text key values bind back with the right comparison semantics.
  std::vector<std::string> types;
  for (const auto& k : spec.key) {
    auto t = conn.query_value<std::string>(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2",
        table, k);
    if (!t) throw Error(fmt::format("backfill key column {} of {} not found", k, table));
    types.push_back(*t);
  }
  std::string keys = pg::quote_ident_list(spec.key);
  auto tuple = [&](size_t first) {
    std::string out;
    for (size_t i = 0; i < types.size(); ++i) out += fmt::format("{}${}::{}", i ? ", " : "", first + i, types[i]);
    return "(" + out + ")";
  };
  std::string key_text;
  for (size_t i = 0; i < spec.key.size(); ++i) key_text += fmt::format("{}{}::text", i ? ", " : "", pg::quote_ident(spec.key[i]));
  std::string set;
  for (const auto& s : spec.set) set += (set.empty() ? "" : ", ") + s;

  std::optional<std::vector<std::string>> last;
  long long rows = 0;
  for (bool done = false; !done;) {
    long long batch_rows = 0;
    bool finished = false;
    std::vector<std::string> next;
    ddl.run_transaction([&](pqxx::work& tx) {
      next.clear();
      tx.exec("SET LOCAL slipway.backfill = 'on'");
      std::vector<std::string> params;
      std::string lower = "true";
      if (last) {
        lower = fmt::format("({}) > {}", keys, tuple(1));
        params = *last;
      }
      auto hi = tx.exec_params(fmt::format("SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT 1 OFFSET {}", key_text, table,
                                           lower, keys, o.batch_size - 1),
                               pqxx::prepare::make_dynamic_params(params));
      std::string where = lower;
      if (!hi.empty()) {
        for (const auto& f : hi[0]) next.push_back(f.c_str());
        where += fmt::format(" AND ({}) <= {}", keys, tuple(params.size() + 1));
        params.insert(params.end(), next.begin(), next.end());
      }
      auto r = tx.exec_params(fmt::format("UPDATE {} SET {} WHERE {}", table, set, where),
                              pqxx::prepare::make_dynamic_params(params));
      batch_rows = r.affected_rows();
      finished = hi.empty();
    });
    rows += batch_rows;
    done = finished;
    last = next;
  }
  log::verbose("backfilled {} rows of {}", rows, table);
  return rows;
}

}  // namespace slipway::migration
