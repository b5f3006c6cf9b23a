// Backfill benchmark: one throwaway cluster, one seed table per size, several ways to fill a new
// column while an application probe reads and writes at a fixed rate. See bench/backfill.sh.
//
//   backfill_bench [--rows N[,N...]] [--runs R] [--methods m1,m2,...] [--probe-rate TPS] [--durable]
//                  [--slipway PATH] [--capture-step ID] [--setting k=v]... [--shapes a,b]
//
// Methods: baseline (probe only), update (one UPDATE), do_block (1,000-row id ranges in one DO
// block, COMMIT after each), keyset (client-side keyset batches of 1,000, a commit each),
// pgroll (a reproduction of pgroll's backfill: its state schema, its per-row trigger, its
// batch statement; see method_pgroll), slipway / slipway2 (the real CLI: `slipway start` of an
// add_column with `up`, --workers 1 / 2, timed as a whole), slipway_engine (diagnostic: the
// in-process backfill engine, 1 worker, with a representative trigger), slipway_engine_novac
// (the same without its vacuums), trigger_cost (bulk application UPDATEs without / with each
// trigger), shapes (the batch statement's alternatives at a fixed size).
// With several sizes each is seeded in turn and gets every method. Each run prints one JSON
// object per line; a markdown summary per size follows, then the flatness of slipway's rows/s.
#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <sstream>
#include <thread>

#include "backfill/engine.hpp"
#include "embedded/child_process.hpp"
#include "embedded/temp_cluster.hpp"
#include "pg/connection.hpp"
#include "pg/conninfo.hpp"
#include "pg/quote.hpp"

#ifndef SLIPWAY_BIN_DEFAULT
#define SLIPWAY_BIN_DEFAULT "slipway"
#endif

extern char** environ;

using namespace slipway;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

double secs_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// --- the application probe -----------------------------------------------------------------

// Fixed-rate point reads + point updates by random id on `threads` connections. Latency is
// measured from each transaction's scheduled start, so a stall counts for every transaction it
// delays (no coordinated omission).
class Probe {
 public:
  Probe(std::string conninfo, int64_t max_id, double rate, int threads = 2)
      : conninfo_(std::move(conninfo)), max_id_(max_id), rate_(rate), threads_(threads) {}

  void start() {
    for (int i = 0; i < threads_; ++i) workers_.emplace_back([this, i] { run(i); });
  }
  json stop() {
    stop_ = true;
    for (auto& w : workers_) w.join();
    std::vector<Sample> all;
    for (auto& v : latencies_) all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end(), [](const Sample& a, const Sample& b) { return a.total < b.total; });
    auto pct = [&](double p) {
      return all.empty() ? 0.0 : all[std::min(all.size() - 1, size_t(p * double(all.size())))].total;
    };
    // Where the slowest 1% spent their time (means): late start (the client was not scheduled,
    // or an earlier transaction of the same connection was still running), the point read, the
    // point update (row locks), the commit. Tells CPU contention from row-lock waits.
    json tail = json::object();
    size_t from = all.empty() ? 0 : std::min(all.size() - 1, size_t(0.99 * double(all.size())));
    if (!all.empty()) {
      double n = double(all.size() - from), lag = 0, read = 0, write = 0, commit = 0;
      for (size_t i = from; i < all.size(); ++i) {
        lag += all[i].lag, read += all[i].read, write += all[i].write, commit += all[i].commit;
      }
      tail = {{"n", all.size() - from}, {"lag_ms", lag / n}, {"read_ms", read / n}, {"write_ms", write / n},
              {"commit_ms", commit / n}};
    }
    return {{"tx", all.size()},       {"failed", failed_.load()},
            {"p50_ms", pct(0.50)},    {"p99_ms", pct(0.99)},
            {"max_ms", all.empty() ? 0.0 : all.back().total}, {"tail", tail}};
  }

 private:
  struct Sample {
    double total = 0, lag = 0, read = 0, write = 0, commit = 0;  // ms
  };
  void run(int i) {
    pg::Connection c(pg::with_application_name(conninfo_, "probe"));
    c.exec("SET statement_timeout = '120s'");
    std::mt19937_64 rng(uint64_t(i) * 7919 + 1);
    std::uniform_int_distribution<int64_t> id(1, max_id_);
    auto interval = std::chrono::duration<double>(double(threads_) / rate_);
    auto t0 = Clock::now();
    std::vector<Sample> lat;
    int64_t last_k = -1;
    auto ms = [](Clock::time_point a, Clock::time_point b) {
      return 1000.0 * std::chrono::duration<double>(b - a).count();
    };
    for (int64_t k = 0; !stop_; ++k) {
      auto scheduled = t0 + std::chrono::duration_cast<Clock::duration>(interval * double(k));
      std::this_thread::sleep_until(scheduled);
      if (stop_) break;
      Sample s;
      auto t_start = Clock::now(), t_read = t_start, t_write = t_start;
      try {
        pqxx::work tx(c.raw());
        tx.exec_params("SELECT * FROM user_profiles WHERE id = $1", id(rng));
        t_read = Clock::now();
        tx.exec_params("UPDATE user_profiles SET bio = md5(random()::text) || substr(bio, 33) WHERE id = $1", id(rng));
        t_write = Clock::now();
        tx.commit();
      } catch (const std::exception&) {
        ++failed_;
      }
      auto t_end = Clock::now();
      s.total = ms(scheduled, t_end);
      s.lag = ms(scheduled, t_start);
      s.read = ms(t_start, t_read);
      s.write = t_write > t_read ? ms(t_read, t_write) : 0;
      s.commit = t_write > t_read ? ms(t_write, t_end) : 0;
      lat.push_back(s);
      last_k = k;
    }
    // Transactions that were due but never ran because the probe was stalled count with the
    // time they had waited when the measurement stopped (a lower bound).
    auto end = Clock::now();
    for (int64_t k = last_k + 1;; ++k) {
      auto scheduled = t0 + std::chrono::duration_cast<Clock::duration>(interval * double(k));
      if (scheduled >= end) break;
      double waited = ms(scheduled, end);
      lat.push_back({waited, waited, 0, 0, 0});
    }
    std::lock_guard l(mu_);
    latencies_.push_back(std::move(lat));
  }

  std::string conninfo_;
  int64_t max_id_;
  double rate_;
  int threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> failed_{0};
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::vector<std::vector<Sample>> latencies_;
};

// --- the methods -------------------------------------------------------------------------------

const char* kUp = "first_name || ' ' || last_name";

// A stand-in for slipway's trigger (used by slipway_engine and trigger_cost's `slipway`
// variant): the real ones come from `slipway start` (methods slipway/slipway2, trigger_cost's
// slipway_sync/slipway_capture).
void install_slipway_trigger(pg::Connection& c) {
  c.exec(R"(CREATE FUNCTION up_full_name() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.full_name := NEW.first_name || ' ' || NEW.last_name; RETURN NEW; END $$)");
  c.exec("CREATE TRIGGER up_full_name BEFORE INSERT OR UPDATE ON user_profiles FOR EACH ROW "
         "WHEN (current_setting('slipway.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION up_full_name()");
}

// pgroll's state for schema `public` as it is while the migration 02_full_name is active: the
// migrations table with the previous migration and the new one (whose parent is the previous),
// and latest_version(schema) as pgroll v0.x defines it: STABLE SQL, SECURITY DEFINER with its
// own search_path (so it is never inlined: every call is a real function call), returning the
// migration of the schema that no other migration has as its parent.
void install_pgroll_state(pg::Connection& c) {
  c.exec(R"(
    CREATE SCHEMA pgroll;
    CREATE TABLE pgroll.migrations (
      schema name NOT NULL,
      name text NOT NULL,
      parent text,
      migration jsonb NOT NULL DEFAULT '{}',
      done boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (schema, name),
      FOREIGN KEY (schema, parent) REFERENCES pgroll.migrations (schema, name));
    CREATE UNIQUE INDEX migrations_one_child ON pgroll.migrations (schema, parent);
    INSERT INTO pgroll.migrations (schema, name, parent, done) VALUES
      ('public', '01_user_profiles', NULL, true),
      ('public', '02_full_name', '01_user_profiles', false);
    ANALYZE pgroll.migrations;
    CREATE FUNCTION pgroll.latest_version(schemaname name) RETURNS text
      LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = pgroll, pg_catalog, pg_temp
      AS $fn$
        SELECT m.name
          FROM pgroll.migrations AS m
         WHERE m.schema = schemaname
           AND NOT EXISTS (SELECT 1 FROM pgroll.migrations AS child
                            WHERE child.schema = schemaname AND child.parent = m.name)
      $fn$;)");
}

// pgroll's per-row trigger for an add_column with `up` (see method_pgroll), with the state it
// reads.
void install_pgroll_trigger(pg::Connection& c) {
  install_pgroll_state(c);
  // One local per column of the table as the migration found it, typed from the table and
  // initialised from the new row: the up expression is written over these locals.
  auto cols = c.exec(
      "SELECT attname FROM pg_attribute WHERE attrelid = 'public.user_profiles'::regclass AND attnum > 0 "
      "AND NOT attisdropped AND attname <> 'full_name' ORDER BY attnum");
  std::string locals;
  for (const auto& row : cols) {
    std::string col = pg::quote_ident(row[0].as<std::string>());
    locals += fmt::format("        {0} {1}.{0}%TYPE := NEW.{0};\n", col, pg::qualified("public", "user_profiles"));
  }
  c.exec(fmt::format(R"(CREATE FUNCTION public._pgroll_trigger_user_profiles_full_name() RETURNS trigger
      LANGUAGE plpgsql AS $fn$
      DECLARE
{0}        latest_schema text;
        search_path text;
      BEGIN
        -- Per row: which version schema is the latest, and which one is this session on?
        SELECT 'public' || '_' || latest_version INTO latest_schema
          FROM pgroll.latest_version('public');
        SELECT current_setting INTO search_path FROM current_setting('search_path');
        -- Writers on any other version (the old one, the backfill) get the new column computed.
        IF search_path != latest_schema THEN
          NEW."full_name" := {1};
        END IF;
        RETURN NEW;
      END
      $fn$)",
                     locals, kUp));
  c.exec("CREATE TRIGGER _pgroll_trigger_user_profiles_full_name BEFORE INSERT OR UPDATE ON public.user_profiles "
         "FOR EACH ROW EXECUTE FUNCTION public._pgroll_trigger_user_profiles_full_name()");
}

int64_t method_update(pg::Connection& c, int64_t) {
  return c.exec(fmt::format("UPDATE user_profiles SET full_name = {}", kUp)).affected_rows();
}

int64_t method_do_block(pg::Connection& c, int64_t max_id) {
  c.exec(fmt::format(R"(DO $$
    DECLARE lo bigint := 0;
    BEGIN
      WHILE lo < {0} LOOP
        UPDATE user_profiles SET full_name = {1} WHERE id > lo AND id <= lo + 1000;
        lo := lo + 1000;
        COMMIT;
      END LOOP;
    END $$)", max_id, kUp));
  return max_id;
}

// Plain client-side keyset batches without a trigger, in the cheapest shape measured (`shapes`):
// the batch's upper id from the index, then one range UPDATE; a commit each.
int64_t method_keyset(pg::Connection& c, int64_t) {
  int64_t last = 0, rows = 0;
  for (;;) {
    pqxx::work tx(c.raw());
    auto b = tx.exec_params("SELECT id, count(*) OVER () FROM (SELECT id FROM user_profiles WHERE id > $1 "
                            "ORDER BY id LIMIT 1000) s ORDER BY id DESC LIMIT 1",
                            last);
    if (b.empty()) break;
    int64_t hi = b[0][0].as<int64_t>();
    rows += tx.exec_params(fmt::format("UPDATE user_profiles SET full_name = {} WHERE id > $1 AND id <= $2", kUp),
                           last, hi)
                .affected_rows();
    tx.commit();
    last = hi;
  }
  return rows;
}

// pgroll's strategy, reproduced after pgroll v0.x (github.com/xataio/pgroll: the state schema in
// pkg/state, the trigger function template in pkg/migrations/templates/function.go, the batches
// in pkg/migrations/backfill.go) for an add_column with `up`:
//  - state: schema `pgroll` with the `migrations` table holding public's history (the previous
//    migration and the active one) and `pgroll.latest_version(schema)` (install_pgroll_state);
//  - trigger: PL/pgSQL, BEFORE INSERT OR UPDATE FOR EACH ROW, no WHEN clause
//    (install_pgroll_trigger). Its function declares a local per column of the table (typed
//    `public.user_profiles.col%TYPE`, initialised from NEW.col) plus latest_schema and
//    search_path; for every row it selects 'public_' || latest_version from
//    pgroll.latest_version('public'), reads current_setting('search_path'), and when they
//    differ (the old version's writers and the backfill) sets the new column to the up
//    expression written over the locals;
//  - backfill: batches of 1,000, each in a transaction of its own. One statement per batch: a
//    CTE locks the next 1,000 primary keys after the last one FOR NO KEY UPDATE (in key
//    order), a second CTE updates those rows setting the key to itself (the trigger computes
//    the column) and returns their keys, and the statement selects LAST_VALUE(key) OVER ()
//    over them. The client reads the first row's value as text and puts it, as a quoted
//    literal, in the next batch's `WHERE key > '...'`; the first batch has no WHERE; no row
//    back ends the backfill. pgroll's session lock_timeout (500ms default) is set, and a batch
//    that hits it is retried after a pause (pgroll retries its transactions with backoff).
// The one deliberate difference: pgroll's physical column would be `_pgroll_new_full_name`;
// here it is `full_name`, the column every other method fills, so the check is the same.
int64_t method_pgroll(pg::Connection& c, json& extra) {
  install_pgroll_trigger(c);
  c.exec("SET lock_timeout = '500ms'");
  std::optional<std::string> last;
  int64_t rows = 0, batches = 0, retries = 0;
  for (;;) {
    std::string after = last ? fmt::format("WHERE id > {} ", pg::quote_literal(*last)) : "";
    std::string sql = fmt::format(
        "WITH batch AS (SELECT id FROM user_profiles {}ORDER BY id LIMIT 1000 FOR NO KEY UPDATE), "
        "update AS (UPDATE user_profiles SET id = user_profiles.id FROM batch WHERE user_profiles.id = batch.id "
        "RETURNING user_profiles.id) "
        "SELECT LAST_VALUE(id) OVER () FROM update",
        after);
    pqxx::result r;
    for (int attempt = 0;; ++attempt) {
      try {
        pqxx::work tx(c.raw());
        r = tx.exec(sql);
        tx.commit();
        break;
      } catch (const pqxx::sql_error& e) {
        if (e.sqlstate() != "55P03" || attempt >= 20) throw;  // lock_not_available: retry
        ++retries;
        std::this_thread::sleep_for(std::chrono::milliseconds(50 << std::min(attempt, 5)));
      }
    }
    if (r.empty()) break;
    ++batches;
    rows += int64_t(r.size());
    last = r[0][0].as<std::string>();
  }
  extra["batches"] = batches;
  extra["lock_retries"] = retries;
  return rows;
}

// Diagnostic: the backfill engine in process (no CLI, no migration), with the stand-in trigger.
int64_t method_slipway_engine(const std::string& url, pg::Connection& c, int workers, json& extra,
                              bool vacuum = true) {
  install_slipway_trigger(c);
  backfill::JobSpec spec;
  spec.job_id = "bench";
  spec.schema = "public";
  spec.table = "user_profiles";
  spec.action = backfill::update_action(fmt::format("\"full_name\" = ({})", kUp));
  spec.action_description = "full_name";
  backfill::EngineOptions opt;
  opt.workers = workers;
  if (!vacuum) opt.vacuum_every_fraction = 0;
  auto res = backfill::Engine(url, spec, opt).run();
  extra["vacuums"] = res.vacuums;
  extra["batches"] = res.batches_this_run;
  extra["lock_wait_events"] = res.lock_wait_events;
  return res.rows_this_run;
}

// Statement shapes for one batch of `n` keys after `last` (no trigger, no probe, one commit per
// batch). Returns the batch's last key, or 0 when the table is exhausted.
int64_t shape_batch(pg::Connection& c, const std::string& shape, int64_t last, int64_t n) {
  std::string set = fmt::format("full_name = {}", kUp);
  pqxx::result r;
  if (shape == "range_after_bound") {  // slipway's: bound from the index, then one range UPDATE
    pqxx::work tx(c.raw());
    auto b = tx.exec_params("SELECT id, count(*) OVER () FROM (SELECT id FROM user_profiles WHERE id > $1 "
                            "ORDER BY id LIMIT $2) s ORDER BY id DESC LIMIT 1",
                            last, n);
    if (b.empty()) return 0;
    int64_t hi = b[0][0].as<int64_t>();
    tx.exec_params(fmt::format("UPDATE user_profiles SET {} WHERE id > $1 AND id <= $2", set), last, hi);
    tx.commit();
    return hi;
  }
  if (shape == "in_subquery") {
    r = c.exec_params(fmt::format("WITH u AS (UPDATE user_profiles SET {} WHERE id IN (SELECT id FROM user_profiles "
                                  "WHERE id > $1 ORDER BY id LIMIT $2) RETURNING id) SELECT max(id) FROM u",
                                  set),
                      last, n);
  } else if (shape == "from_join") {
    r = c.exec_params(fmt::format("WITH u AS (UPDATE user_profiles t SET {} FROM (SELECT id FROM user_profiles "
                                  "WHERE id > $1 ORDER BY id LIMIT $2) b WHERE t.id = b.id RETURNING t.id) "
                                  "SELECT max(id) FROM u",
                                  set),
                      last, n);
  } else if (shape == "range_offset_bound") {  // bound with OFFSET n-1 in the same statement
    r = c.exec_params(fmt::format("WITH hi AS (SELECT coalesce((SELECT id FROM user_profiles WHERE id > $1 ORDER BY id "
                                  "OFFSET $2 - 1 LIMIT 1), (SELECT max(id) FROM user_profiles)) AS hi), "
                                  "u AS (UPDATE user_profiles SET {} FROM hi WHERE id > $1 AND id <= hi.hi "
                                  "RETURNING id) SELECT max(id) FROM u",
                                  set),
                      last, n);
  } else {
    throw std::runtime_error("unknown shape " + shape);
  }
  return r[0][0].is_null() ? 0 : r[0][0].as<int64_t>();
}

// --- the slipway CLI as a child process ----------------------------------------------------------

// Starts argv (argv[0] a path) with our environment plus `extra_env`, stdin from /dev/null,
// stdout and stderr into files (the same file when the paths are equal). The test hook's
// variables are passed only when `extra_env` sets them.
embedded::ChildProcess spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env,
                             const std::string& out_file, const std::string& err_file) {
  embedded::ChildOptions o;
  o.out = embedded::Stream::file(out_file);
  o.err = err_file == out_file ? embedded::Stream::like_stdout() : embedded::Stream::file(err_file);
  for (char** e = environ; *e; ++e) {
    std::string_view v(*e);
    if (v.starts_with("SLIPWAY_TEST_PAUSE_")) o.env[std::string(v.substr(0, v.find('=')))] = std::nullopt;
  }
  for (const auto& [k, v] : extra_env) o.env[k] = v;
  return embedded::ChildProcess(argv, o);
}

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string tail(std::string s, size_t n = 600) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

// "what: <the output's tail>", or just "what" when there was no output.
std::string with_output(const std::string& what, const std::string& output) {
  std::string t = tail(output);
  return t.empty() ? what : what + ": " + t;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// The bench's migration for the real CLI: 02_full_name.json (the file's base name is the
// migration's name) adds the nullable user_profiles.full_name with `up`.
struct SlipwayCli {
  std::string bin;
  std::string dir;  // the migration file and the children's output
  int seq = 0;

  struct Result {
    int exit_code;
    std::string output;
  };

  std::string file() const { return dir + "/02_full_name.json"; }

  void write_migration() const {
    json column{{"name", "full_name"}, {"type", "text"}, {"nullable", true}};
    json op{{"add_column", {{"table", "user_profiles"}, {"column", column}, {"up", kUp}}}};
    std::ofstream(file()) << json{{"operations", json::array({op})}}.dump(2) << "\n";
  }

  std::string output_path(const std::string& what) { return fmt::format("{}/{:03}_{}.out", dir, ++seq, what); }

  std::vector<std::string> start_argv(const std::string& url, int workers) const {
    return {bin, "--postgres-url", url, "start", file(), "--workers", std::to_string(workers), "--progress", "none"};
  }

  // `slipway start` to its end.
  Result start(const std::string& url, int workers) {
    auto out = output_path("start");
    int code = spawn(start_argv(url, workers), {}, out, out).wait().code;
    return {code, read_text(out)};
  }

  // `slipway plan --json`: the runbook (start/complete/rollback steps with their ids).
  json plan(const std::string& url) {
    auto out = output_path("plan"), err = output_path("plan_err");
    int code = spawn({bin, "--postgres-url", url, "--json", "plan", file()}, {}, out, err).wait().code;
    if (code != 0) throw std::runtime_error(with_output(fmt::format("slipway plan exited {}", code), read_text(err)));
    return json::parse(read_text(out));
  }

  // `slipway start` stopped just before step `step` by the applier's test hook
  // (SLIPWAY_TEST_PAUSE_AT/_FILE: it writes the marker file, then waits to be killed), killed
  // there with SIGKILL. Returns "" when it paused, else why it did not.
  std::string start_paused_before(const std::string& url, const std::string& step, std::chrono::seconds limit) {
    std::string marker = dir + "/paused";
    std::filesystem::remove(marker);
    auto out = output_path("start_paused");
    auto child = spawn(start_argv(url, 1), {{"SLIPWAY_TEST_PAUSE_AT", step}, {"SLIPWAY_TEST_PAUSE_FILE", marker}}, out, out);
    auto deadline = Clock::now() + limit;
    bool paused = false;
    std::optional<embedded::Exit> exit;
    while (Clock::now() < deadline) {
      if (std::filesystem::exists(marker)) {
        paused = true;
        break;
      }
      if ((exit = child.try_wait())) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling interval
    }
    if (!exit) {
      child.kill(SIGKILL);
      child.wait();
    }
    std::filesystem::remove(marker);
    if (paused) return "";
    if (exit) {
      return with_output(fmt::format("slipway start never paused at step {}: it ran to the end (exit {})", step,
                                     exit->code),
                         exit->code == 0 ? "" : read_text(out));
    }
    return fmt::format("slipway start did not reach step {} within {}s", step, limit.count());
  }
};

// The column slipway fills while the migration is active: the column of user_profiles whose name
// ends with full_name and is not full_name (its temporary physical column), else full_name.
std::string filled_column(pg::Connection& c) {
  auto r = c.exec(
      "SELECT attname FROM pg_attribute WHERE attrelid = 'public.user_profiles'::regclass AND attnum > 0 "
      "AND NOT attisdropped AND attname LIKE '%full\\_name' ORDER BY attname = 'full_name', attnum");
  return r.empty() ? "full_name" : r[0][0].as<std::string>();
}

std::vector<std::string> table_triggers(pg::Connection& c) {
  std::vector<std::string> out;
  for (const auto& row : c.exec("SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.user_profiles'::regclass "
                                "AND NOT tgisinternal ORDER BY tgname")) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

// --- driver -----------------------------------------------------------------------------------

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) out.push_back(part);
  return out;
}

bool via_cli(const std::string& method) { return method == "slipway" || method == "slipway2"; }

struct Bench {
  embedded::TempCluster& cluster;
  int64_t rows;
  double probe_rate;
  std::string shape_list;
  SlipwayCli& cli;
  std::string capture_step = "backfill:user_profiles";

  void drop_db(const std::string& name) {
    pg::Connection admin(cluster.conninfo());
    admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  // The seed database for the current size (the previous size's is dropped first).
  void seed() {
    drop_db("seed");
    pg::Connection admin(cluster.conninfo());
    admin.exec("CREATE DATABASE seed");
    pg::Connection c(cluster.conninfo("seed"));
    c.exec(R"(CREATE TABLE user_profiles (
        id bigserial PRIMARY KEY, username text NOT NULL, email text NOT NULL, first_name text NOT NULL,
        last_name text NOT NULL, bio text, created_at timestamptz NOT NULL DEFAULT now()))");
    c.exec(fmt::format(
        "INSERT INTO user_profiles (username, email, first_name, last_name, bio, created_at) "
        "SELECT 'user' || g, 'user' || g || '@example.com', 'First' || (g % 1000), 'Last' || (g % 5000), "
        "repeat(md5(g::text), 6), now() - g * interval '1 second' FROM generate_series(1, {}) g",
        rows));
    c.exec("VACUUM (ANALYZE, FREEZE) user_profiles");
    c.exec("CHECKPOINT");
  }

  // Every method starts with the table read once (in shared buffers / the OS cache).
  static void warm(pg::Connection& c) { c.exec("SELECT sum(length(bio)) FROM user_profiles"); }

  // A fresh copy of the seed database (a file copy: seconds, not a reload). `add_column`: with
  // the nullable full_name every method but the CLI's fills; `slipway start` adds its own.
  std::string fresh_db(const std::string& name, bool add_column = true) {
    drop_db(name);
    pg::Connection admin(cluster.conninfo());
    admin.exec("CHECKPOINT");
    admin.exec("CREATE DATABASE " + name + " TEMPLATE seed STRATEGY FILE_COPY");
    pg::Connection c(cluster.conninfo(name));
    if (add_column) c.exec("ALTER TABLE user_profiles ADD COLUMN full_name text");
    return cluster.conninfo(name);
  }

  json run_method(const std::string& method, int run) {
    std::string db = "m_" + method;
    std::string url = fresh_db(db, !via_cli(method));
    json out{{"method", method}, {"run", run}, {"rows", rows}};
    {
      pg::Connection c(url);
      int64_t size_before = c.query_value<int64_t>("SELECT pg_table_size('user_profiles')").value_or(0);
      warm(c);
      // The file copy just dirtied ~600 MB of page cache (and the previous method more): left
      // alone, the kernel writes it back in the middle of this method and the probe stalls on
      // the disk for reasons that are not the method's.
      ::sync();
      json extra = json::object();
      std::string error;
      Probe probe(url, rows, probe_rate);
      probe.start();
      std::this_thread::sleep_for(std::chrono::seconds(1));  // the probe at its steady rate first
      auto t0 = Clock::now();
      int64_t done = 0;
      try {
        if (method == "baseline") {
          std::this_thread::sleep_for(std::chrono::seconds(rows >= 1000000 ? 10 : 5));
        } else if (method == "update") {
          done = method_update(c, rows);
        } else if (method == "do_block") {
          done = method_do_block(c, rows);
        } else if (method == "keyset") {
          done = method_keyset(c, rows);
        } else if (method == "pgroll") {
          done = method_pgroll(c, extra);
        } else if (via_cli(method)) {
          // The whole command: validation, DDL, triggers, backfill, the version's views.
          auto r = cli.start(url, method == "slipway" ? 1 : 2);
          extra["exit_code"] = r.exit_code;
          if (r.exit_code != 0) error = with_output(fmt::format("slipway start exited {}", r.exit_code), r.output);
          done = rows;
        } else if (method == "slipway_engine") {
          done = method_slipway_engine(url, c, 1, extra);
        } else if (method == "slipway_engine_novac") {  // the cost of the vacuums
          done = method_slipway_engine(url, c, 1, extra, false);
        } else {
          throw std::runtime_error("unknown method " + method);
        }
      } catch (const std::exception& e) {
        error = e.what();
      }
      double wall = secs_since(t0);
      auto p = probe.stop();
      int64_t size_after = c.query_value<int64_t>("SELECT pg_table_size('user_profiles')").value_or(0);
      out.update({{"wall_s", wall},
                  {"rows_per_s", method == "baseline" ? 0.0 : double(done) / wall},
                  {"size_before_mb", double(size_before) / 1048576.0},
                  {"size_after_mb", double(size_after) / 1048576.0},
                  {"growth", double(size_after) / double(std::max<int64_t>(size_before, 1))},
                  {"probe", p},
                  {"extra", extra}});
      if (!error.empty()) {
        out["failed"] = true;
        out["error"] = error;
        std::cerr << fmt::format("{} ({} rows) FAILED: {}\n", method, rows, error);
      } else if (method != "baseline") {
        std::string col = via_cli(method) ? filled_column(c) : "full_name";
        out["checked_column"] = col;
        out["wrong_rows"] = c.query_value<int64_t>(fmt::format("SELECT count(*) FROM user_profiles WHERE {} IS "
                                                               "DISTINCT FROM {}",
                                                               pg::quote_ident(col), kUp))
                                .value_or(-1);
      }
    }
    drop_db(db);
    return out;
  }

  // Cost of the statement shapes at a fixed batch size (no probe, no trigger, no vacuum).
  json shapes(int run) {
    json out{{"method", "shapes"}, {"run", run}, {"rows", rows}, {"batch", 5000}};
    for (const auto& shape : split(shape_list)) {
      std::string url = fresh_db("m_shape");
      pg::Connection c(url);
      warm(c);
      auto t0 = Clock::now();
      for (int64_t last = 0;;) {
        last = shape_batch(c, shape, last, 5000);
        if (last == 0) break;
      }
      out[shape + "_rows_per_s"] = double(rows) / secs_since(t0);
    }
    drop_db("m_shape");
    return out;
  }

  // The trigger slipway keeps on the table while its backfill runs: `slipway start` stopped just
  // before the backfill step. Returns "" when the database is in that state, else why not.
  std::string stop_before_backfill(const std::string& url) {
    try {
      std::vector<std::string> ids;
      std::string backfill_step;
      json plan = cli.plan(url);
      for (const auto& a : plan["start"]) {
        ids.push_back(a.value("id", ""));
        if (a.value("kind", "") == "backfill") backfill_step = a.value("id", "");
      }
      std::cerr << fmt::format("slipway plan, start steps: {}\n", join(ids));
      std::string why = cli.start_paused_before(url, capture_step, std::chrono::seconds(60));
      if (!why.empty() && !backfill_step.empty() && backfill_step != capture_step) {
        why += fmt::format(" (the plan's backfill step is {}; --capture-step selects it)", backfill_step);
      }
      return why;
    } catch (const std::exception& e) {
      return e.what();
    }
  }

  // Application bulk updates (set-based, 200k rows at most) without / with each trigger:
  //  none             no trigger (full_name added, empty);
  //  slipway          the stand-in trigger of slipway_engine;
  //  pgroll           pgroll's trigger and state (method_pgroll);
  //  slipway_sync     what `slipway start` leaves on the table while the migration is active
  //                   (the start run to its end);
  //  slipway_capture  what slipway keeps on the table while its backfill runs (the start
  //                   stopped just before the backfill step; unavailable when it never gets
  //                   there).
  // Every variant's table is vacuumed, analyzed and read once before the timed UPDATE.
  json trigger_cost(int run) {
    int64_t n = std::min<int64_t>(rows, 200000);
    json out{{"method", "trigger_cost"}, {"run", run}, {"rows", rows}, {"updated_rows", n}};
    const std::vector<std::string> variants{"none", "slipway", "pgroll", "slipway_sync", "slipway_capture"};
    for (const auto& variant : variants) {
      bool real_slipway = variant == "slipway_sync" || variant == "slipway_capture";
      std::string url = fresh_db("m_trig", !real_slipway);
      std::string unavailable;
      if (variant == "slipway_sync") {
        try {
          auto r = cli.start(url, 1);
          if (r.exit_code != 0) unavailable = with_output(fmt::format("slipway start exited {}", r.exit_code), r.output);
        } catch (const std::exception& e) {
          unavailable = e.what();
        }
      } else if (variant == "slipway_capture") {
        unavailable = stop_before_backfill(url);
      }
      if (!unavailable.empty()) {
        out[variant + "_unavailable"] = unavailable;
        std::cerr << fmt::format("trigger_cost {}: unavailable: {}\n", variant, unavailable);
        continue;
      }
      pg::Connection c(url);
      if (variant == "slipway") install_slipway_trigger(c);
      if (variant == "pgroll") install_pgroll_trigger(c);
      out[variant + "_triggers"] = table_triggers(c);
      c.exec("VACUUM (ANALYZE) user_profiles");
      warm(c);
      auto t0 = Clock::now();
      c.exec(fmt::format("UPDATE user_profiles SET bio = 'x' || substr(bio, 2) WHERE id <= {}", n));
      out[variant + "_s"] = secs_since(t0);
      // The same rows again, now setting a column that `up` reads (slipway's capture trigger
      // watches only such columns and the key; the first UPDATE sets neither).
      c.exec("VACUUM user_profiles");
      t0 = Clock::now();
      c.exec(fmt::format("UPDATE user_profiles SET last_name = last_name || 'x' WHERE id <= {}", n));
      out[variant + "_upcol_s"] = secs_since(t0);
    }
    for (const auto& variant : variants) {
      if (variant != "none" && out.contains(variant + "_s")) {
        out[variant + "_ratio"] = out[variant + "_s"].get<double>() / out["none_s"].get<double>();
        out[variant + "_upcol_ratio"] = out[variant + "_upcol_s"].get<double>() / out["none_upcol_s"].get<double>();
      }
    }
    drop_db("m_trig");
    return out;
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

using Results = std::map<std::string, std::vector<json>>;  // method -> runs

bool ok(const json& r) { return !r.value("failed", false); }

// Median over the runs that did not fail; nullopt when none succeeded.
std::optional<double> med(const Results& res, const std::string& m, const std::function<double(const json&)>& f) {
  std::vector<double> v;
  if (auto it = res.find(m); it != res.end()) {
    for (const auto& r : it->second) {
      if (ok(r)) v.push_back(f(r));
    }
  }
  if (v.empty()) return std::nullopt;
  return median(v);
}

std::optional<double> med_key(const Results& res, const std::string& m, const std::string& k) {
  return med(res, m, [&](const json& r) { return r[k].get<double>(); });
}

void print_summary(int64_t rows, const Results& results, const std::vector<std::string>& methods, int runs,
                   double probe_rate, bool durable, const std::string& shape_list) {
  double ref = med_key(results, "update", "rows_per_s").value_or(0);
  std::cout << fmt::format("\n{} rows, {} run(s), probe {} tx/s (read + update by random id), durable={}\n\n", rows,
                           runs, probe_rate, durable);
  bool header = false;
  for (const auto& m : methods) {
    if (m == "trigger_cost" || m == "shapes" || !results.count(m)) continue;
    if (!header) {
      std::cout << "| method | wall s | rows/s | vs UPDATE | table MB before → after | growth | probe p50 / p99 / max ms "
                   "| probe failed | wrong rows |\n";
      std::cout << "|---|---|---|---|---|---|---|---|---|\n";
      header = true;
    }
    if (!med_key(results, m, "wall_s")) {
      std::cout << fmt::format("| {} | FAILED: {} |||||||\n", m, tail(results.at(m).front().value("error", ""), 200));
      continue;
    }
    auto g = [&](const char* k) { return *med_key(results, m, k); };
    auto gp = [&](const char* k) { return *med(results, m, [k](const json& r) { return r["probe"][k].get<double>(); }); };
    double rps = g("rows_per_s");
    size_t failed_runs = 0;
    for (const auto& r : results.at(m)) failed_runs += ok(r) ? 0 : 1;
    std::string name = failed_runs ? fmt::format("{} ({} run(s) failed)", m, failed_runs) : m;
    std::cout << fmt::format(
        "| {} | {:.1f} | {:.0f} | {} | {:.0f} → {:.0f} | {:.2f}x | {:.1f} / {:.1f} / {:.0f} | {:.0f} | {} |\n", name,
        g("wall_s"), rps, ref > 0 && m != "baseline" ? fmt::format("{:.2f}x", rps / ref) : "-", g("size_before_mb"),
        g("size_after_mb"), g("growth"), gp("p50_ms"), gp("p99_ms"), gp("max_ms"), gp("failed"),
        m == "baseline" ? "-" : std::to_string(int64_t(g("wrong_rows"))));
  }
  // The probe's slowest 1%: where their time went (medians over runs of the per-run means).
  bool tail_header = false;
  for (const auto& m : methods) {
    if (m == "trigger_cost" || m == "shapes" || !med_key(results, m, "wall_s")) continue;
    auto gt = [&](const char* k) {
      return med(results, m, [k](const json& r) {
        const auto& t = r["probe"].value("tail", json::object());
        return t.contains(k) ? t[k].get<double>() : 0.0;
      });
    };
    if (!tail_header) {
      std::cout << "\nprobe's slowest 1%, mean ms per transaction: late start (client not scheduled or "
                   "queued behind its previous transaction) / read / update (row locks) / commit\n\n"
                   "| method | late start | read | update | commit |\n|---|---|---|---|---|\n";
      tail_header = true;
    }
    std::cout << fmt::format("| {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} |\n", m, *gt("lag_ms"), *gt("read_ms"),
                             *gt("write_ms"), *gt("commit_ms"));
  }
  if (results.count("trigger_cost")) {
    const auto& runs_tc = results.at("trigger_cost");
    for (const std::string suffix : {"", "_upcol"}) {
      std::string line = fmt::format("\napplication bulk UPDATE of {} rows{}:", std::min<int64_t>(rows, 200000),
                                     suffix.empty() ? " (SET bio)" : " (SET last_name, which `up` reads)");
      for (const char* v : {"none", "slipway", "pgroll", "slipway_sync", "slipway_capture"}) {
        std::string k = std::string(v) + suffix + "_s";
        std::vector<json> have;  // the runs in which this variant was available
        for (const auto& r : runs_tc) {
          if (r.contains(k)) have.push_back(r);
        }
        if (have.empty()) {
          line += fmt::format(" {} unavailable;", v);
          continue;
        }
        Results sub{{"tc", have}};
        line += std::string(v) == "none" ? fmt::format(" none {:.2f}s;", *med_key(sub, "tc", k))
                                         : fmt::format(" {} {:.2f}s ({:.2f}x);", v, *med_key(sub, "tc", k),
                                                       *med_key(sub, "tc", std::string(v) + suffix + "_ratio"));
      }
      line.pop_back();
      std::cout << line << "\n";
    }
    for (const auto& r : runs_tc) {
      for (const char* v : {"slipway_sync", "slipway_capture"}) {
        if (r.contains(std::string(v) + "_unavailable")) {
          std::cout << fmt::format("  {} (run {}): {}\n", v, r["run"].get<int>(),
                                   r[std::string(v) + "_unavailable"].get<std::string>());
        }
      }
    }
  }
  if (results.count("shapes")) {
    std::cout << "\nstatement shapes, batches of 5,000 (rows/s, median):";
    for (const auto& shape : split(shape_list)) {
      std::cout << fmt::format(" {} {:.0f};", shape, med_key(results, "shapes", shape + "_rows_per_s").value_or(0));
    }
    std::cout << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int64_t> sizes{2000000};
  int runs = 1;
  double probe_rate = 100;
  bool durable = false;
  std::string slipway_bin = SLIPWAY_BIN_DEFAULT;
  std::string capture_step = "backfill:user_profiles";
  std::map<std::string, std::string> settings{
      {"shared_buffers", "512MB"}, {"max_wal_size", "8GB"}, {"checkpoint_timeout", "30min"}};
  std::string shapes = "range_after_bound,in_subquery,from_join,range_offset_bound";
  std::string methods = "baseline,update,do_block,keyset,pgroll,slipway,slipway2,trigger_cost";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--rows") {
      sizes.clear();
      for (const auto& s : split(next())) sizes.push_back(std::stoll(s));
    } else if (a == "--runs") runs = std::stoi(next());
    else if (a == "--methods") methods = next();
    else if (a == "--probe-rate") probe_rate = std::stod(next());
    else if (a == "--durable") durable = true;
    else if (a == "--slipway") slipway_bin = next();
    else if (a == "--capture-step") capture_step = next();  // trigger_cost's slipway_capture pause point
    else if (a == "--setting") {  // extra postgresql.conf setting, k=v (repeatable)
      auto kv = next();
      settings[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    } else if (a == "--shapes") shapes = next();
    else {
      std::cerr << "usage: backfill_bench [--rows N[,N...]] [--runs R] [--methods a,b] [--probe-rate TPS] [--durable] "
                   "[--slipway PATH] [--capture-step ID] [--setting k=v]... [--shapes a,b]\n";
      return 2;
    }
  }
  if (sizes.empty()) {
    std::cerr << "--rows: no size given\n";
    return 2;
  }
  auto method_list = split(methods);
  bool needs_cli = std::any_of(method_list.begin(), method_list.end(),
                               [](const std::string& m) { return via_cli(m) || m == "trigger_cost"; });
  if (needs_cli && access(slipway_bin.c_str(), X_OK) != 0) {
    std::cerr << fmt::format("slipway binary not found at {} (build the slipway target or pass --slipway PATH)\n",
                             slipway_bin);
    return 2;
  }

  std::string tmpl = (std::filesystem::temp_directory_path() / "slipway-backfill-bench-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    std::cerr << "cannot create a temporary directory\n";
    return 1;
  }
  SlipwayCli cli{slipway_bin, tmpl};
  cli.write_migration();

  embedded::ClusterOptions co;
  co.durable = durable;
  co.settings = settings;
  embedded::TempCluster cluster(co);
  cluster.start();
  Bench b{cluster, sizes.front(), probe_rate, shapes, cli, capture_step};

  std::map<int64_t, Results> results;  // size -> method -> runs
  for (int64_t size : sizes) {
    b.rows = size;
    auto t0 = Clock::now();
    b.seed();
    std::cerr << fmt::format("seeded {} rows in {:.1f}s\n", size, secs_since(t0));
    for (int run = 1; run <= runs; ++run) {
      for (const auto& m : method_list) {
        json r = m == "trigger_cost" ? b.trigger_cost(run) : m == "shapes" ? b.shapes(run) : b.run_method(m, run);
        std::cout << r.dump() << std::endl;
        results[size][m].push_back(r);
      }
    }
  }

  // Summary: medians over the runs, ratios against the single UPDATE of the same size.
  for (int64_t size : sizes) print_summary(size, results[size], method_list, runs, probe_rate, durable, shapes);

  // Flatness: rows/s at the largest size over rows/s at the smallest (1.00x = flat).
  int64_t lo = *std::min_element(sizes.begin(), sizes.end()), hi = *std::max_element(sizes.begin(), sizes.end());
  if (lo != hi) {
    std::vector<std::string> mine, others;
    for (const auto& m : method_list) {
      if (m == "baseline" || m == "trigger_cost" || m == "shapes") continue;
      auto a = med_key(results[hi], m, "rows_per_s"), z = med_key(results[lo], m, "rows_per_s");
      std::string cell = a && z && *z > 0 ? fmt::format("{} {:.2f}x", m, *a / *z) : m + " n/a";
      (m.starts_with("slipway") ? mine : others).push_back(cell);
    }
    std::cout << fmt::format("\nflatness, rows/s at {} rows / at {} rows: {}", hi, lo, join(mine));
    if (!others.empty()) std::cout << fmt::format(" (others: {})", join(others));
    std::cout << "\n";
  }
  std::filesystem::remove_all(tmpl);
  return 0;
}
