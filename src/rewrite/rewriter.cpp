#include "rewrite/rewriter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <atomic>
#include <mutex>
#include <thread>
#include <iostream>
#include <pqxx/pqxx>

#include "backfill/engine.hpp"
#include "backfill/progress.hpp"
#include "backfill/throttler.hpp"
#include "pg/quote.hpp"
#include "rewrite/capture.hpp"
#include "rewrite/data_sync.hpp"
#include "rewrite/plan.hpp"
#include "rewrite/preflight.hpp"
#include "rewrite/swap.hpp"
#include "rewrite/test_hook.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "state/store.hpp"

namespace slipway::rewrite {

namespace {

using Clock = std::chrono::steady_clock;

const char* kind_name(Kind k) { return k == Kind::repack ? "repack" : "rewrite"; }

// The row of slipway.rewrites for an open rewrite of a table.
struct Record {
  int64_t id = 0;
  std::string kind;
  std::string alter;
  std::string status;
  std::string phase;
  Plan plan;
  nlohmann::json progress;
  std::optional<double> lock_held_ms;
};

struct ColumnInfo {
  std::string name;
  std::string type;
  bool generated = false;
  char identity = 0;
};

std::vector<ColumnInfo> columns_of(pqxx::transaction_base& tx, const std::string& qualified) {
  std::vector<ColumnInfo> out;
  for (const auto& r : tx.exec_params(
           "SELECT attname, format_type(atttypid, atttypmod), attgenerated <> '', attidentity FROM pg_attribute "
           "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
           qualified)) {
    out.push_back({r[0].c_str(), r[1].c_str(), r[2].as<bool>(), r[3].c_str()[0]});
  }
  return out;
}

// target <- source: the target's columns that the source has; a cast where the type changed.
SyncPair make_pair(const std::string& schema, const std::string& source, const std::vector<ColumnInfo>& src,
                   const std::string& target, const std::vector<ColumnInfo>& dst, const std::vector<std::string>& key,
                   const std::string& log_schema, const std::string& log) {
  SyncPair p;
  p.schema = schema;
  p.source = source;
  p.target = target;
  p.log_schema = log_schema;
  p.log = log;
  p.key = key;
  auto find = [](const std::vector<ColumnInfo>& cols, const std::string& n) -> const ColumnInfo* {
    for (const auto& c : cols)
      if (c.name == n) return &c;
    return nullptr;
  };
  for (const auto& k : key) {
    const ColumnInfo* s = find(src, k);
    const ColumnInfo* d = find(dst, k);
    if (!s || !d) {
      throw InputError(fmt::format("the key column \"{}\" of {}.{} would not survive the rewrite", k, schema, source),
                       "a rewrite cannot drop or rename the columns of the key it copies by");
    }
    p.source_key_types.push_back(s->type);
    p.target_key_types.push_back(d->type);
  }
  for (const auto& d : dst) {
    const ColumnInfo* s = find(src, d.name);
    if (d.generated || !s) continue;
    p.target_columns.push_back(d.name);
    std::string e = "s." + pg::quote_ident(d.name);
    p.source_exprs.push_back(s->type == d.type ? e : fmt::format("{}::{}", e, d.type));
    if (d.identity == 'a') p.overriding = true;
  }
  return p;
}

class Run {
 public:
  Run(pg::DdlExecutor& ddl, const Options& o)
      : ddl_(ddl), conn_(ddl.connection()), o_(o), label_(o.schema + "." + o.table) {}

  std::string rewrites() const { return pg::qualified(o_.state_schema, "rewrites"); }
  std::string qualified_table() const { return pg::qualified(o_.schema, o_.table); }

  void prepare_session() {
    // Temp-table notices would clutter stderr; row_security = off makes a FORCE ROW LEVEL
    // SECURITY table fail loudly instead of copying only the rows a policy shows.
    conn_.exec("SET client_min_messages = warning; SET row_security = off");
    if (!state::StateStore(conn_, o_.state_schema).initialized()) {
      throw InputError(fmt::format("slipway's state schema \"{}\" does not exist in this database", o_.state_schema),
                       "run `slipway init` first (or pass --state-schema if you used another name)");
    }
  }

  std::optional<Record> open_record() { return record_where("AND status IN ('in_progress','swapped')"); }
  // The table's latest record, whatever its status.
  std::optional<Record> last_record() { return record_where("ORDER BY id DESC LIMIT 1"); }

  std::optional<Record> record_where(const char* condition) {
    auto r = conn_.exec_params(fmt::format("SELECT id, kind, alter_sql, status, phase, plan::text, progress::text, "
                                           "lock_held_ms FROM {} WHERE schema = $1 AND table_name = $2 {}",
                                           rewrites(), condition),
                               o_.schema, o_.table);
    if (r.empty()) return std::nullopt;
    Record rec;
    rec.id = r[0][0].as<int64_t>();
    rec.kind = r[0][1].c_str();
    rec.alter = r[0][2].c_str();
    rec.status = r[0][3].c_str();
    rec.phase = r[0][4].c_str();
    rec.plan = Plan::from_json(nlohmann::json::parse(r[0][5].c_str()));
    rec.progress = nlohmann::json::parse(r[0][6].c_str());
    if (!r[0][7].is_null()) rec.lock_held_ms = r[0][7].as<double>();
    return rec;
  }

  void save(pqxx::transaction_base& tx, const Record& rec) {
    tx.exec_params(fmt::format("UPDATE {} SET phase = $2, progress = $3::jsonb WHERE id = $1", rewrites()), rec.id,
                   rec.phase, rec.progress.dump());
  }
  void save(const Record& rec) {
    pg::typed_errors([&] {
      pqxx::work tx(conn_.raw());
      save(tx, rec);
      tx.commit();
    });
  }

  int64_t table_size(const std::string& name) {
    return conn_.query_value<int64_t>("SELECT pg_total_relation_size(to_regclass($1))", pg::qualified(o_.schema, name))
        .value_or(0);
  }

  // --- start -------------------------------------------------------------------------------

  Record start() {
    auto table = preflight(conn_, o_.schema, o_.table, o_.alter);
    auto key = *table.batch_key();
    log::info("{} {}: starting (key {})", kind_name(o_.kind), label_, fmt::join(key, ", "));
    auto storage = conn_.exec_params(
        "SELECT c.relpersistence, am.amname, array_to_string(c.reloptions, ', '), ts.spcname "
        "FROM pg_class c LEFT JOIN pg_am am ON am.oid = c.relam LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace "
        "WHERE c.oid = $1::oid",
        std::to_string(table.oid));
    Record rec;
    rec.status = "in_progress";
    rec.phase = "copy";
    rec.kind = kind_name(o_.kind);
    rec.alter = o_.alter;
    rec.progress = {{"copied_to", nullptr}, {"rows_copied", 0}, {"chunks", 0}};
    ddl_.run_transaction([&](pqxx::work& tx) {
      rec.id = tx.exec_params(fmt::format("INSERT INTO {} (schema, table_name, kind, alter_sql, status, phase, progress) "
                                          "VALUES ($1, $2, $3, $4, 'in_progress', 'copy', $5::jsonb) RETURNING id",
                                          rewrites()),
                              o_.schema, o_.table, rec.kind, o_.alter, rec.progress.dump())[0][0]
                   .as<int64_t>();
      Plan& p = rec.plan;
      p.id = rec.id;
      p.schema = o_.schema;
      p.table = o_.table;
      p.state_schema = o_.state_schema;
      std::string tag = fmt::format("_slipway_rw{}_", rec.id);
      p.shadow = pg::fit_identifier(tag + o_.table);
      std::string shadow_q = pg::qualified(o_.schema, p.shadow);
      const auto& s = storage[0];
      std::string create = fmt::format(
          "CREATE {}TABLE {} (LIKE {} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS "
          "INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS)",
          std::string(s[0].c_str()) == "u" ? "UNLOGGED " : "", shadow_q, qualified_table());
      if (!s[1].is_null() && std::string(s[1].c_str()) != "heap") create += " USING " + pg::quote_ident(s[1].c_str());
      if (!s[2].is_null() && *s[2].c_str()) create += fmt::format(" WITH ({})", s[2].c_str());
      if (!s[3].is_null()) create += " TABLESPACE " + pg::quote_ident(s[3].c_str());
      tx.exec(create);
      if (!o_.alter.empty()) {
        try {
          pqxx::subtransaction sub(tx, "alter");
          sub.exec(fmt::format("ALTER TABLE {} {}", shadow_q, o_.alter));
          sub.commit();
        } catch (const pqxx::sql_error& e) {
          throw InputError(fmt::format("--alter \"{}\" is not valid for {}: {}", o_.alter, label_, e.what()),
                           "give the actions of an ALTER TABLE statement, e.g. \"ALTER COLUMN id TYPE bigint\"");
        }
      }
      auto src_cols = columns_of(tx, qualified_table());
      auto dst_cols = columns_of(tx, shadow_q);
      p.forward = make_pair(o_.schema, o_.table, src_cols, p.shadow, dst_cols, key, o_.state_schema,
                            fmt::format("rw{}_log", rec.id));
      p.reverse = make_pair(o_.schema, o_.table, dst_cols, p.shadow, src_cols, key, o_.state_schema,
                            fmt::format("rw{}_rlog", rec.id));
      p.forward_capture = {fmt::format("rw{}_capture", rec.id), tag + "c_"};
      p.reverse_capture = {fmt::format("rw{}_rcapture", rec.id), tag + "r_"};
      int n = 0;
      for (const auto& ix : table.indexes) {
        if (!ix.valid || !ix.ready) continue;  // a failed CREATE INDEX CONCURRENTLY's leftover
        IndexPlan ip;
        ip.original = ix.name;
        ip.shadow = fmt::format("{}i{}", tag, n++);
        ip.unique = ix.unique;
        ip.key_index = ix.unique && ix.valid && !ix.partial && !ix.has_expressions && ix.columns == key &&
                       std::none_of(p.indexes.begin(), p.indexes.end(), [](const IndexPlan& i) { return i.key_index; });
        if (ix.constraint) {
          const auto* c = table.constraint(*ix.constraint);
          if (c) {
            ip.constraint_type = c->type;
            ip.constraint_def = c->definition;
          }
        }
        auto using_at = ix.definition.find(" USING ");
        ip.create_tail = using_at == std::string::npos ? "" : ix.definition.substr(using_at + 1);
        p.indexes.push_back(std::move(ip));
      }
      for (const auto& sql : capture_create_sql(p.forward, p.forward_capture)) tx.exec(sql);
      // The rollback window's log and function too (the swap only adds their triggers).
      for (const auto& sql : capture_objects_sql(p.reverse, p.reverse_capture)) tx.exec(sql);
      tx.exec_params(fmt::format("UPDATE {} SET plan = $2::jsonb WHERE id = $1", rewrites()), rec.id, p.to_json().dump());
    });
    log::info("  shadow table {} and change capture created", rec.plan.shadow);
    return rec;
  }

  // --- copy --------------------------------------------------------------------------------
  // The backfill engine walks the table in keyset batches, each its own short transaction with
  // its checkpoint, adaptive in size and throttled; the batch action copies the range into the
  // shadow. Its key space ends at the largest key when the copy starts: later rows are in the
  // change log already.

  backfill::ThrottleOptions throttle_options() const {
    backfill::ThrottleOptions t;
    t.max_rate = o_.max_rate;
    t.max_lag = o_.max_lag;
    t.throttle_query = o_.throttle_query;
    t.pause_file = o_.pause_file;
    return t;
  }

  // Replay and verification wait between their transactions like the copy's batches do.
  std::unique_ptr<backfill::Throttler> make_throttler() const {
    auto t = throttle_options();
    t.lock_wait_detection = false;  // they lock only the shadow's rows
    auto throttler = std::make_unique<backfill::Throttler>(conn_.conninfo(), t);
    throttler->start();
    return throttler;
  }

  std::string copy_job_id(const Record& rec) const { return fmt::format("rewrite-{}-copy", rec.id); }

  void copy(Record& rec, Report& rep) {
    const SyncPair& fwd = rec.plan.forward;
    backfill::JobSpec job;
    job.job_id = copy_job_id(rec);
    job.schema = o_.schema;
    job.table = o_.table;
    job.key_columns = fwd.key;
    std::string head = copy_sql(fwd) + " WHERE ";
    job.action = [head](backfill::BatchContext& c) {
      // Test phase "copy": in the second batch's transaction, once the first one committed (the
      // engine's up-front validation runs the action over an empty range: after == upto).
      if (c.bounds.after && *c.bounds.after != c.bounds.upto) pause_point("copy");
      std::vector<std::string> params;
      std::string predicate = c.key.range_predicate(c.bounds, 1, params);
      return c.exec(head + predicate, params);
    };
    job.action_description = fmt::format("copy into {} ({})", fwd.qualified_target(), fmt::join(fwd.target_columns, ", "));
    job.label = fmt::format("{} {}: copy", rec.kind, label_);
    auto progress = backfill::make_progress_sink(std::cerr);
    backfill::EngineOptions eo;
    eo.state_schema = o_.state_schema;
    eo.batch_time = o_.chunk_time;
    eo.initial_batch_size = o_.initial_chunk_rows;
    eo.max_batch_size = o_.max_chunk_rows;
    eo.workers = std::max(1, o_.copy_workers);
    eo.throttle = throttle_options();
    eo.vacuum_every_fraction = 0;  // the batches only read the table: nothing to vacuum
    eo.lock_timeout = ddl_.policy().lock_timeout;
    eo.progress = progress.get();
    backfill::Engine engine(conn_.conninfo(), job, eo);
    auto res = engine.run();
    rep.rows_copied += res.rows_this_run;
    rep.chunks += res.batches_this_run;
    for (const auto& [reason, secs] : res.throttled_seconds) rep.throttled_seconds += secs;
    rec.phase = "index";
    rec.progress["rows_copied"] = res.rows_done;
    save(rec);
    // The checkpoint served its purpose (the phase is recorded): not a job to list any more.
    backfill::forget_job(conn_.conninfo(), o_.state_schema, job.job_id);
  }

  // --- indexes, constraints, statistics ----------------------------------------------------

  // Builds the shadow's indexes that do not exist yet (plain CREATE INDEX: nobody else uses the
  // shadow). `key_only`: just the key's index, which replay and verification need; the others
  // are built on a connection of their own while the verification runs.
  static int build_shadow_indexes(pg::DdlExecutor& ddl, const Plan& p, bool key_only) {
    std::string shadow_q = pg::qualified(p.schema, p.shadow);
    int built = 0;
    for (const auto& ix : p.indexes) {
      if (key_only && !ix.key_index) continue;
      if (ddl.connection()
              .query_value<bool>("SELECT to_regclass($1) IS NOT NULL", pg::qualified(p.schema, ix.shadow))
              .value_or(false))
        continue;  // built before an interruption
      auto t0 = Clock::now();
      if (ix.constraint_type == 'p' || ix.constraint_type == 'u' || ix.constraint_type == 'x') {
        ddl.run(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}", shadow_q, pg::quote_ident(ix.shadow),
                            ix.constraint_def));
      } else {
        ddl.run(fmt::format("CREATE {}INDEX {} ON {} {}", ix.unique ? "UNIQUE " : "", pg::quote_ident(ix.shadow),
                            shadow_q, ix.create_tail));
      }
      ++built;
      log::info("  index {} built on the shadow ({:.1f}s)", ix.original,
                std::chrono::duration<double>(Clock::now() - t0).count());
    }
    return built;
  }

  void build_key_index(Record& rec) {
    build_shadow_indexes(ddl_, rec.plan, true);
    rec.phase = "replay";
    save(rec);
  }

  // The other indexes, built by two connections of their own while `work` (the verification)
  // runs here; then the statistics.
  void with_indexes_built_meanwhile(const Plan& plan, const std::function<void()>& work) {
    std::vector<const IndexPlan*> todo;
    for (const auto& ix : plan.indexes)
      if (!ix.key_index) todo.push_back(&ix);
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::exception_ptr failed;
    auto builder = [&] {
      try {
        pg::Connection c(conn_.conninfo());
        c.exec("SET client_min_messages = warning");
        pg::DdlExecutor ddl(c, ddl_.policy());
        for (size_t i; (i = next++) < todo.size();) {
          Plan one = plan;
          one.indexes = {*todo[i]};
          build_shadow_indexes(ddl, one, false);
        }
      } catch (...) {
        std::lock_guard l(mu);
        if (!failed) failed = std::current_exception();
        next = todo.size();  // the other builder stops after its current index
      }
    };
    std::vector<std::thread> builders;
    for (int i = 0; i < 2 && size_t(i) < todo.size(); ++i) builders.emplace_back(builder);
    auto join = [&] {
      for (auto& b : builders) b.join();
    };
    try {
      work();
    } catch (...) {
      join();
      throw;
    }
    join();
    if (failed) std::rethrow_exception(failed);
    ddl_.run_outside_transaction("ANALYZE " + pg::qualified(plan.schema, plan.shadow));
  }

  // --- replay ------------------------------------------------------------------------------

  int64_t replay(const SyncPair& pair, Report& rep, backfill::Throttler& throttle, int64_t until_below) {
    int64_t total = 0;
    for (;;) {
      throttle.wait_until_clear();
      const auto started = std::chrono::steady_clock::now();
      int64_t n = 0, backlog = 0;
      ddl_.run_transaction([&](pqxx::work& tx) {
        n = replay_batch(tx, pair, o_.replay_batch_rows);
        backlog = log_backlog(tx, pair);
      });
      total += n;
      rep.replayed += n;
      throttle.account_rows(n, started);
      pause_point("replay");
      if (backlog < until_below) break;
      log::verbose("  replay: {} entries replayed, {} pending", total, backlog);
    }
    if (total) log::info("  replay: {} log entries replayed", total);
    return total;
  }

  // --- verification ------------------------------------------------------------------------

  void verify(Record& rec, Report& rep, backfill::Throttler& throttle) {
    const SyncPair& fwd = rec.plan.forward;
    std::optional<KeyValue> lo;
    int64_t src_rows = 0;
    pg::Connection second(conn_.conninfo());
    second.exec("SET row_security = off");
    bool typed_hash = false;
    ddl_.run_transaction([&](pqxx::work& tx) { typed_hash = typed_hash_possible(tx, fwd); });
    for (bool done = false; !done;) {
      throttle.wait_until_clear();
      const auto started = std::chrono::steady_clock::now();
      std::optional<KeyValue> hi;
      RangeComparison cmp;
      for (int attempt = 0;; ++attempt) {
        ddl_.run_transaction([&](pqxx::work& tx) {
          // One snapshot for both sides (nothing has been read in this transaction yet): the
          // table's side here, the shadow's on a second connection that imports the snapshot.
          tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
          std::string snapshot = tx.exec("SELECT pg_export_snapshot()")[0][0].c_str();
          if (attempt == 0) hi = next_chunk_end(tx, fwd, lo, o_.verify_chunk_rows);
          std::exception_ptr failed;
          std::thread other([&] {
            try {
              pg::typed_errors([&] {
                pqxx::work tx2(second.raw());
                tx2.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                tx2.exec("SET TRANSACTION SNAPSHOT " + tx2.quote(snapshot));
                cmp.target = range_checksum(tx2, fwd, {lo, hi}, Side::target, typed_hash);
              });
            } catch (...) {
              failed = std::current_exception();
            }
          });
          try {
            cmp.source = range_checksum(tx, fwd, {lo, hi}, Side::source, typed_hash);
          } catch (...) {
            other.join();
            throw;
          }
          other.join();
          if (failed) std::rethrow_exception(failed);
        });
        if (cmp.matches()) break;
        if (attempt >= o_.verify_attempts) {
          throw Error(fmt::format("verification failed for {}: key range after {} up to {} differs "
                                  "({} rows / checksum {} in the table, {} rows / checksum {} in the shadow) "
                                  "after {} re-copies; nothing was swapped",
                                  label_, lo ? fmt::format("({})", fmt::join(*lo, ", ")) : "the start",
                                  hi ? fmt::format("({})", fmt::join(*hi, ", ")) : "the end", cmp.source.rows,
                                  cmp.source.sum, cmp.target.rows, cmp.target.sum, attempt),
                      "re-run the same command to try again, or --abort");
        }
        log::info("  verify: range after {} differs ({} vs {} rows): re-copying it", lo ? fmt::format("({})", fmt::join(*lo, ", ")) : "the start",
                  cmp.source.rows, cmp.target.rows);
        ++rep.ranges_recopied;
        ddl_.run_transaction([&](pqxx::work& tx) {
          tx.exec("SET LOCAL slipway.backfill = 'on'");
          copy_range(tx, fwd, {lo, hi}, true);
        });
      }
      ++rep.ranges_verified;
      rep.rows_verified += cmp.source.rows;
      src_rows += cmp.source.rows;
      throttle.account_rows(cmp.source.rows, started);
      pause_point("verify");
      lo = hi;
      done = !hi;
    }
    log::info("  verify: {} rows in {} key ranges identical in table and shadow ({} re-copied)", src_rows,
              rep.ranges_verified, rep.ranges_recopied);
    rec.phase = "swap";
    save(rec);
  }

  // --- swap --------------------------------------------------------------------------------

  void swap(Record& rec, Report& rep) {
    const Plan& p = rec.plan;
    SwapSpec spec;
    spec.schema = p.schema;
    spec.live = p.table;
    spec.standby = p.shadow;
    spec.incoming = p.forward;
    spec.incoming_capture = p.forward_capture;
    spec.outgoing = p.reverse;
    spec.outgoing_capture = p.reverse_capture;
    for (const auto& ix : p.indexes) spec.index_names.emplace_back(ix.original, ix.shadow);
    spec.record = [&](pqxx::work& tx, const SwapResult& r) {
      nlohmann::json fks = nlohmann::json::array();
      for (const auto& fk : r.to_validate) fks.push_back({{"table", fk.table}, {"constraint", fk.constraint}});
      nlohmann::json progress = rec.progress;
      progress["to_validate"] = fks;
      tx.exec_params(fmt::format("UPDATE {} SET status = 'swapped', phase = 'validate', swapped_at = now(), "
                                 "progress = $2::jsonb WHERE id = $1",
                                 rewrites()),
                     rec.id, progress.dump());
    };
    spec.before_commit = [] { pause_point("swap"); };
    auto r = swap_tables(ddl_, spec);
    rep.lock_held_ms = r.lock_held_ms;
    rep.swap_attempts = r.attempts;
    rep.views_recreated = r.views_recreated;
    rep.replayed += r.final_replayed;
    conn_.exec_params(fmt::format("UPDATE {} SET lock_held_ms = $2 WHERE id = $1", rewrites()), rec.id, r.lock_held_ms);
    log::info("  swapped: exclusive lock held {:.1f} ms ({} attempt{}, {} final log entries)", r.lock_held_ms,
              r.attempts, r.attempts == 1 ? "" : "s", r.final_replayed);
    rec.status = "swapped";
    rec.phase = "validate";
    rec.lock_held_ms = r.lock_held_ms;
    nlohmann::json fks = nlohmann::json::array();
    for (const auto& fk : r.to_validate) fks.push_back({{"table", fk.table}, {"constraint", fk.constraint}});
    rec.progress["to_validate"] = fks;
  }

  void validate(Record& rec, Report& rep) {
    std::vector<ForeignKeyRef> fks;
    for (const auto& j : rec.progress.value("to_validate", nlohmann::json::array())) {
      fks.push_back({j.at("table"), j.at("constraint")});
    }
    for (const auto& fk : fks) {
      validate_foreign_keys(ddl_, {fk});
      rep.foreign_keys_validated.push_back(fk.table + "." + fk.constraint);
      log::info("  foreign key {} on {} validated", fk.constraint, fk.table);
    }
    rec.progress["to_validate"] = nlohmann::json::array();
    rec.phase = "swapped";
    save(rec);
  }

  Report report_for(const Record& rec) {
    Report r;
    r.id = rec.id;
    r.table = label_;
    r.kind = rec.kind;
    r.status = rec.status;
    r.old_table = rec.status == "swapped" ? o_.schema + "." + rec.plan.shadow : "";
    r.lock_held_ms = rec.lock_held_ms;
    return r;
  }

  Report run() {
    auto started = Clock::now();
    prepare_session();
    auto throttle = make_throttler();
    auto existing = open_record();
    Record rec;
    std::string action;
    if (existing) {
      rec = *existing;
      if (rec.kind != kind_name(o_.kind) || rec.alter != o_.alter) {
        throw InputError(
            fmt::format("another {} of {} is open (id {}, {}{}); it is not the one asked for now", rec.kind, label_,
                        rec.id, rec.status, rec.alter.empty() ? "" : ", --alter \"" + rec.alter + "\""),
            rec.status == "swapped" ? "end it with --cleanup (keep the new table) or --undo first"
                                    : "re-run it with its own options to finish it, or --abort it");
      }
      action = rec.status == "swapped" ? "already swapped" : fmt::format("resumed at phase {}", rec.phase);
      log::info("{} {}: {} (id {})", rec.kind, label_, action, rec.id);
    }
    int64_t size_before = table_size(o_.table);
    if (!existing) rec = start();
    Report rep = report_for(rec);
    rep.size_before = size_before;
    auto timed = [&](const char* phase, const std::function<void()>& f) {
      auto t0 = Clock::now();
      f();
      rep.phase_seconds.emplace_back(phase, std::chrono::duration<double>(Clock::now() - t0).count());
    };
    if (rec.status == "in_progress") {
      if (rec.phase == "copy") timed("copy", [&] { copy(rec, rep); });
      if (rec.phase == "index") timed("key index", [&] { build_key_index(rec); });
      if (rec.phase == "replay") {
        timed("replay", [&] { replay(rec.plan.forward, rep, *throttle, o_.swap_backlog); });
        rec.phase = "verify";
        save(rec);
      }
      if (rec.phase == "verify") {
        timed("verify + indexes", [&] { with_indexes_built_meanwhile(rec.plan, [&] { verify(rec, rep, *throttle); }); });
      }
      if (rec.phase == "swap") {
        timed("swap", [&] {
          // Resumed straight at the swap: every index must be there.
          bool never_analyzed =
              conn_.query_value<bool>("SELECT last_analyze IS NULL AND last_autoanalyze IS NULL FROM pg_stat_user_tables "
                                      "WHERE relid = to_regclass($1)",
                                      pg::qualified(rec.plan.schema, rec.plan.shadow))
                  .value_or(true);
          if (build_shadow_indexes(ddl_, rec.plan, false) > 0 || never_analyzed) {
            ddl_.run_outside_transaction("ANALYZE " + pg::qualified(rec.plan.schema, rec.plan.shadow));
          }
          replay(rec.plan.forward, rep, *throttle, o_.swap_backlog);
          swap(rec, rep);
        });
      }
      action = existing ? action + ", swapped" : "swapped";
    }
    if (rec.status == "swapped" && rec.phase == "validate") timed("validate", [&] { validate(rec, rep); });
    rep.status = rec.status;
    rep.old_table = o_.schema + "." + rec.plan.shadow;
    rep.action = action;
    rep.size_after = table_size(o_.table);
    rep.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    for (const auto& [reason, secs] : throttle->throttled_seconds()) rep.throttled_seconds += secs;
    return rep;
  }

  // The open record; or the last one when it ended as `done` already (a retry after a kill that
  // landed once the work had committed: the caller reports it done, exit 0).
  Record require_open(const char* verb, const char* done) {
    if (auto rec = open_record()) return *rec;
    auto last = last_record();
    if (last && last->status == done) {
      log::info("{} {}: already {} (id {}): nothing to do", last->kind, label_, verb_done(done), last->id);
      return *last;
    }
    throw InputError(fmt::format("no rewrite or repack of {} is open: nothing to {}{}", label_, verb,
                                 last ? fmt::format(" (the last one, id {}, is {})", last->id, last->status) : ""),
                     "`slipway rewrite --table T --alter ...` or `slipway repack --table T` starts one");
  }
  static std::string verb_done(const std::string& status) {
    return status == "cleaned_up" ? "cleaned up" : status;
  }
  Report already_done(const Record& rec) {
    Report rep = report_for(rec);
    rep.action = "already " + verb_done(rec.status);
    return rep;
  }

  Report undo() {
    auto started = Clock::now();
    prepare_session();
    auto throttle = make_throttler();
    Record rec = require_open("undo", "undone");
    if (rec.status == "undone") return already_done(rec);
    if (rec.status != "swapped") {
      throw InputError(fmt::format("the {} of {} has not swapped yet: there is nothing to undo", rec.kind, label_),
                       "use --abort to stop it and remove its helper objects");
    }
    const Plan& p = rec.plan;
    Report rep = report_for(rec);
    rep.size_before = table_size(p.table);
    if (rec.phase == "validate") validate(rec, rep);
    log::info("{} {}: undo (id {}): bringing the old table up to date", rec.kind, label_, rec.id);
    try {
      replay(p.reverse, rep, *throttle, o_.swap_backlog);
    } catch (const pg::PgError& e) {
      throw Error(fmt::format("cannot undo: a row written since the swap does not fit the old table: {}", e.what()),
                  "the rewritten table stays in place; --cleanup ends the rollback window");
    }
    SwapSpec spec;
    spec.schema = p.schema;
    spec.live = p.table;
    spec.standby = p.shadow;
    spec.incoming = p.reverse;
    spec.incoming_capture = p.reverse_capture;
    spec.outgoing = p.forward;
    spec.outgoing_capture = p.forward_capture;
    spec.install_outgoing = false;
    spec.widen_sequences = false;
    for (const auto& ix : p.indexes) spec.index_names.emplace_back(ix.original, ix.shadow);
    std::string rewritten = pg::qualified(p.schema, p.shadow);  // its name after the exchange
    spec.record = [&](pqxx::work& tx, const SwapResult&) {
      tx.exec("DROP TABLE " + rewritten);
      tx.exec_params(fmt::format("UPDATE {} SET status = 'undone', phase = 'undone', finished_at = now() WHERE id = $1",
                                 rewrites()),
                     rec.id);
    };
    spec.before_commit = [] { pause_point("undo"); };
    auto r = swap_tables(ddl_, spec);
    validate_foreign_keys(ddl_, r.to_validate);
    for (const auto& fk : r.to_validate) rep.foreign_keys_validated.push_back(fk.table + "." + fk.constraint);
    rep.lock_held_ms = r.lock_held_ms;
    rep.swap_attempts = r.attempts;
    rep.views_recreated = r.views_recreated;
    rep.status = "undone";
    rep.action = "undone";
    rep.old_table.clear();
    rep.size_after = table_size(p.table);
    rep.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    log::info("  swapped back: exclusive lock held {:.1f} ms; the rewritten table was dropped", r.lock_held_ms);
    return rep;
  }

  Report cleanup() {
    auto started = Clock::now();
    prepare_session();
    Record rec = require_open("clean up", "cleaned_up");
    if (rec.status == "cleaned_up") return already_done(rec);
    if (rec.status != "swapped") {
      throw InputError(fmt::format("the {} of {} has not swapped yet: nothing to clean up", rec.kind, label_),
                       "finish it by re-running the same command, or --abort it");
    }
    Report rep = report_for(rec);
    if (rec.phase == "validate") validate(rec, rep);
    const Plan& p = rec.plan;
    std::vector<std::string> stmts = capture_drop_sql(p.reverse, p.reverse_capture);
    // Left behind if slipway died right after the swap's commit.
    for (auto& s : capture_drop_objects_sql(p.forward, p.forward_capture)) stmts.push_back(std::move(s));
    stmts.push_back("DROP TABLE IF EXISTS " + pg::qualified(p.schema, p.shadow));
    stmts.push_back(fmt::format("UPDATE {} SET status = 'cleaned_up', phase = 'cleaned_up', finished_at = now() "
                                "WHERE id = {}",
                                rewrites(), rec.id));
    ddl_.run_transaction(stmts);
    log::info("{} {}: old table {} dropped, change capture removed", rec.kind, label_, p.shadow);
    rep.status = "cleaned_up";
    rep.action = "cleaned up";
    rep.old_table.clear();
    rep.size_after = table_size(p.table);
    rep.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return rep;
  }

  Report abort() {
    auto started = Clock::now();
    prepare_session();
    Record rec = require_open("abort", "aborted");
    if (rec.status == "aborted") return already_done(rec);
    if (rec.status != "in_progress") {
      throw InputError(fmt::format("the {} of {} has already swapped: it cannot be aborted", rec.kind, label_),
                       "--undo swaps the old table back; --cleanup keeps the new one");
    }
    const Plan& p = rec.plan;
    std::vector<std::string> stmts;
    if (!p.forward.log.empty()) {
      stmts = capture_drop_sql(p.forward, p.forward_capture);
      for (auto& s : capture_drop_objects_sql(p.reverse, p.reverse_capture)) stmts.push_back(std::move(s));
      stmts.push_back("DROP TABLE IF EXISTS " + pg::qualified(p.schema, p.shadow));
    }
    stmts.push_back(fmt::format(
        "UPDATE {} SET status = 'aborted', phase = 'aborted', finished_at = now() WHERE id = {}", rewrites(), rec.id));
    ddl_.run_transaction(stmts);
    backfill::forget_job(conn_.conninfo(), o_.state_schema, copy_job_id(rec));
    log::info("{} {}: aborted; shadow table and change capture removed, {} untouched", rec.kind, label_, label_);
    Report rep = report_for(rec);
    rep.status = "aborted";
    rep.action = "aborted";
    rep.old_table.clear();
    rep.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return rep;
  }

 private:
  pg::DdlExecutor& ddl_;
  pg::Connection& conn_;
  const Options& o_;
  std::string label_;
};

}  // namespace

Rewriter::Rewriter(pg::DdlExecutor& ddl) : ddl_(ddl) {}

Report Rewriter::run(const Options& o) { return Run(ddl_, o).run(); }
Report Rewriter::undo(const Options& o) { return Run(ddl_, o).undo(); }
Report Rewriter::cleanup(const Options& o) { return Run(ddl_, o).cleanup(); }
Report Rewriter::abort(const Options& o) { return Run(ddl_, o).abort(); }
Report Rewriter::perform(Action a, const Options& o) {
  switch (a) {
    case Action::undo: return undo(o);
    case Action::cleanup: return cleanup(o);
    case Action::abort: return abort(o);
    case Action::run: break;
  }
  return run(o);
}

}  // namespace slipway::rewrite
