// Backfill benchmark: one throwaway cluster, one seed table, five ways to fill a new column
// while an application probe reads and writes at a fixed rate. See bench/backfill.sh.
//
//   backfill_bench [--rows N] [--runs R] [--methods m1,m2,...] [--probe-rate TPS] [--durable]
//
// Methods: baseline (probe only), update (one UPDATE), do_block (1,000-row id ranges in one DO
// block, COMMIT after each), keyset (client-side keyset batches of 1,000, a commit each),
// pgroll (lock 1,000 keys FOR NO KEY UPDATE, update the key to itself, a trigger computes the
// value), slipway (the engine, 1 worker, trigger installed), slipway2 (2 workers),
// trigger_cost (bulk application UPDATEs without / with slipway's trigger / pgroll-style trigger),
// shapes (the batch statement's alternatives at a fixed size).
// Each run prints one JSON object per line; a markdown summary follows.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>
#include <sstream>
#include <thread>

#include "backfill/engine.hpp"
#include "embedded/temp_cluster.hpp"
#include "pg/connection.hpp"
#include "pg/conninfo.hpp"

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
    std::vector<double> all;
    for (auto& v : latencies_) all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, size_t(p * double(all.size())))]; };
    return {{"tx", all.size()}, {"failed", failed_.load()}, {"p50_ms", pct(0.50)}, {"p99_ms", pct(0.99)},
            {"max_ms", all.empty() ? 0.0 : all.back()}};
  }

 private:
  void run(int i) {
    pg::Connection c(pg::with_application_name(conninfo_, "probe"));
    c.exec("SET statement_timeout = '120s'");
    std::mt19937_64 rng(uint64_t(i) * 7919 + 1);
    std::uniform_int_distribution<int64_t> id(1, max_id_);
    auto interval = std::chrono::duration<double>(double(threads_) / rate_);
    auto t0 = Clock::now();
    std::vector<double> lat;
    int64_t last_k = -1;
    for (int64_t k = 0; !stop_; ++k) {
      auto scheduled = t0 + std::chrono::duration_cast<Clock::duration>(interval * double(k));
      std::this_thread::sleep_until(scheduled);
      if (stop_) break;
      try {
        pqxx::work tx(c.raw());
        tx.exec_params("SELECT * FROM user_profiles WHERE id = $1", id(rng));
        tx.exec_params("UPDATE user_profiles SET bio = md5(random()::text) || substr(bio, 33) WHERE id = $1", id(rng));
        tx.commit();
      } catch (const std::exception&) {
        ++failed_;
      }
      lat.push_back(1000.0 * std::chrono::duration<double>(Clock::now() - scheduled).count());
      last_k = k;
    }
    // Transactions that were due but never ran because the probe was stalled count with the
    // time they had waited when the measurement stopped (a lower bound).
    auto end = Clock::now();
    for (int64_t k = last_k + 1;; ++k) {
      auto scheduled = t0 + std::chrono::duration_cast<Clock::duration>(interval * double(k));
      if (scheduled >= end) break;
      lat.push_back(1000.0 * std::chrono::duration<double>(end - scheduled).count());
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
  std::vector<std::vector<double>> latencies_;
};

// --- the methods -------------------------------------------------------------------------------

const char* kUp = "first_name || ' ' || last_name";

void install_slipway_trigger(pg::Connection& c) {
  c.exec(R"(CREATE FUNCTION up_full_name() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.full_name := NEW.first_name || ' ' || NEW.last_name; RETURN NEW; END $$)");
  c.exec("CREATE TRIGGER up_full_name BEFORE INSERT OR UPDATE ON user_profiles FOR EACH ROW "
         "WHEN (current_setting('slipway.backfill', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION up_full_name()");
}

// pgroll's trigger shape: no WHEN clause; the function decides by the session's search_path.
void install_pgroll_trigger(pg::Connection& c) {
  c.exec(R"(CREATE FUNCTION pgroll_like_up() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      latest_schema text;
      search_path text;
    BEGIN
      SELECT 'public_02_full_name' INTO latest_schema;
      SELECT current_setting INTO search_path FROM current_setting('search_path');
      IF search_path <> latest_schema THEN
        NEW.full_name := NEW.first_name || ' ' || NEW.last_name;
      END IF;
      RETURN NEW;
    END $$)");
  c.exec("CREATE TRIGGER pgroll_like_up BEFORE INSERT OR UPDATE ON user_profiles FOR EACH ROW "
         "EXECUTE FUNCTION pgroll_like_up()");
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

int64_t method_pgroll(pg::Connection& c, int64_t) {
  install_pgroll_trigger(c);
  int64_t last = 0, rows = 0;
  for (;;) {
    auto r = c.exec_params(
        "WITH batch AS (SELECT id FROM user_profiles WHERE id > $1 ORDER BY id LIMIT 1000 FOR NO KEY UPDATE), "
        "upd AS (UPDATE user_profiles SET id = user_profiles.id FROM batch WHERE user_profiles.id = batch.id "
        "RETURNING user_profiles.id) SELECT max(id), count(*) FROM upd",
        last);
    if (r[0][1].as<int64_t>() == 0) break;
    last = r[0][0].as<int64_t>();
    rows += r[0][1].as<int64_t>();
  }
  return rows;
}

int64_t method_slipway(const std::string& url, pg::Connection& c, int workers, json& extra, bool vacuum = true) {
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

// --- driver -----------------------------------------------------------------------------------

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) out.push_back(part);
  return out;
}

struct Bench {
  embedded::TempCluster& cluster;
  int64_t rows;
  double probe_rate;
  std::string shape_list = "range_after_bound,in_subquery,from_join,range_offset_bound";

  void seed() {
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

  // A fresh copy of the seed database (a file copy: seconds, not a reload).
  std::string fresh_db(const std::string& name) {
    pg::Connection admin(cluster.conninfo());
    admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    admin.exec("CHECKPOINT");
    admin.exec("CREATE DATABASE " + name + " TEMPLATE seed STRATEGY FILE_COPY");
    pg::Connection c(cluster.conninfo(name));
    c.exec("ALTER TABLE user_profiles ADD COLUMN full_name text");
    return cluster.conninfo(name);
  }

  json run_method(const std::string& method, int run) {
    std::string db = "m_" + method;
    std::string url = fresh_db(db);
    pg::Connection c(url);
    int64_t size_before = c.query_value<int64_t>("SELECT pg_table_size('user_profiles')").value_or(0);
    warm(c);
    json extra = json::object();
    Probe probe(url, rows, probe_rate);
    probe.start();
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the probe at its steady rate first
    auto t0 = Clock::now();
    int64_t done = 0;
    if (method == "baseline") {
      std::this_thread::sleep_for(std::chrono::seconds(rows >= 1000000 ? 10 : 5));
    } else if (method == "update") {
      done = method_update(c, rows);
    } else if (method == "do_block") {
      done = method_do_block(c, rows);
    } else if (method == "keyset") {
      done = method_keyset(c, rows);
    } else if (method == "pgroll") {
      done = method_pgroll(c, rows);
    } else if (method == "slipway") {
      done = method_slipway(url, c, 1, extra);
    } else if (method == "slipway2") {
      done = method_slipway(url, c, 2, extra);
    } else if (method == "slipway_novac") {  // diagnostics: the cost of the vacuums
      done = method_slipway(url, c, 1, extra, false);
    } else {
      throw std::runtime_error("unknown method " + method);
    }
    double wall = secs_since(t0);
    auto p = probe.stop();
    json out{{"method", method}, {"run", run}, {"rows", rows}, {"wall_s", wall},
             {"rows_per_s", method == "baseline" ? 0.0 : double(done) / wall},
             {"size_before_mb", double(size_before) / 1048576.0},
             {"size_after_mb", double(c.query_value<int64_t>("SELECT pg_table_size('user_profiles')").value_or(0)) / 1048576.0},
             {"probe", p}, {"extra", extra}};
    out["growth"] = out["size_after_mb"].get<double>() / out["size_before_mb"].get<double>();
    if (method != "baseline") {
      out["wrong_rows"] = c.query_value<int64_t>(
                               fmt::format("SELECT count(*) FROM user_profiles WHERE full_name IS DISTINCT FROM {}", kUp))
                               .value_or(-1);
    }
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
    return out;
  }

  // Application bulk updates (set-based, 200k rows at most) without/with the triggers.
  json trigger_cost(int run) {
    int64_t n = std::min<int64_t>(rows, 200000);
    json out{{"method", "trigger_cost"}, {"run", run}, {"rows", n}};
    for (std::string variant : {"none", "slipway", "pgroll"}) {
      std::string url = fresh_db("m_trig");
      pg::Connection c(url);
      warm(c);
      if (variant == "slipway") install_slipway_trigger(c);
      if (variant == "pgroll") install_pgroll_trigger(c);
      auto t0 = Clock::now();
      c.exec(fmt::format("UPDATE user_profiles SET bio = 'x' || substr(bio, 2) WHERE id <= {}", n));
      out[variant + "_s"] = secs_since(t0);
    }
    out["slipway_ratio"] = out["slipway_s"].get<double>() / out["none_s"].get<double>();
    out["pgroll_ratio"] = out["pgroll_s"].get<double>() / out["none_s"].get<double>();
    return out;
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 2000000;
  int runs = 1;
  double probe_rate = 100;
  bool durable = false;
  std::map<std::string, std::string> settings{
      {"shared_buffers", "512MB"}, {"max_wal_size", "8GB"}, {"checkpoint_timeout", "30min"}};
  std::string shapes = "range_after_bound,in_subquery,from_join,range_offset_bound";
  std::string methods = "baseline,update,do_block,keyset,pgroll,slipway,slipway2,trigger_cost";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--rows") rows = std::stoll(next());
    else if (a == "--runs") runs = std::stoi(next());
    else if (a == "--methods") methods = next();
    else if (a == "--probe-rate") probe_rate = std::stod(next());
    else if (a == "--durable") durable = true;
    else if (a == "--setting") {  // extra postgresql.conf setting, k=v (repeatable)
      auto kv = next();
      settings[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    } else if (a == "--shapes") shapes = next();
    else {
      std::cerr << "usage: backfill_bench [--rows N] [--runs R] [--methods a,b] [--probe-rate TPS] [--durable] "
                   "[--setting k=v]... [--shapes a,b]\n";
      return 2;
    }
  }
  embedded::ClusterOptions co;
  co.durable = durable;
  co.settings = settings;
  embedded::TempCluster cluster(co);
  cluster.start();
  Bench b{cluster, rows, probe_rate, shapes};
  auto t0 = Clock::now();
  b.seed();
  std::cerr << fmt::format("seeded {} rows in {:.1f}s\n", rows, secs_since(t0));

  std::map<std::string, std::vector<json>> results;
  for (int run = 1; run <= runs; ++run) {
    for (const auto& m : split(methods)) {
      json r = m == "trigger_cost" ? b.trigger_cost(run) : m == "shapes" ? b.shapes(run) : b.run_method(m, run);
      std::cout << r.dump() << std::endl;
      results[m].push_back(r);
    }
  }

  // Summary: medians over runs, ratios against the single UPDATE.
  auto med = [&](const std::string& m, const std::function<double(const json&)>& f) {
    std::vector<double> v;
    for (const auto& r : results[m]) v.push_back(f(r));
    return median(v);
  };
  double ref = results.count("update") ? med("update", [](const json& r) { return r["rows_per_s"].get<double>(); }) : 0;
  std::cout << fmt::format("\n{} rows, {} run(s), probe {} tx/s (read + update by random id), durable={}\n\n", rows,
                           runs, probe_rate, durable);
  std::cout << "| method | wall s | rows/s | vs UPDATE | table MB before → after | growth | probe p50 / p99 / max ms | probe failed | wrong rows |\n";
  std::cout << "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& m : split(methods)) {
    if (m == "trigger_cost" || m == "shapes" || !results.count(m)) continue;
    auto g = [&](const char* k) { return med(m, [k](const json& r) { return r[k].get<double>(); }); };
    auto gp = [&](const char* k) { return med(m, [k](const json& r) { return r["probe"][k].get<double>(); }); };
    double rps = g("rows_per_s");
    std::cout << fmt::format("| {} | {:.1f} | {:.0f} | {} | {:.0f} → {:.0f} | {:.2f}x | {:.1f} / {:.1f} / {:.0f} | {:.0f} | {} |\n", m,
                             g("wall_s"), rps, ref > 0 && m != "baseline" ? fmt::format("{:.2f}x", rps / ref) : "-",
                             g("size_before_mb"), g("size_after_mb"), g("growth"), gp("p50_ms"), gp("p99_ms"),
                             gp("max_ms"), gp("failed"),
                             m == "baseline" ? "-" : std::to_string(int64_t(g("wrong_rows"))));
  }
  if (results.count("trigger_cost")) {
    auto g = [&](const char* k) { return med("trigger_cost", [k](const json& r) { return r[k].get<double>(); }); };
    std::cout << fmt::format(
        "\napplication bulk UPDATE of {} rows: no trigger {:.2f}s, slipway trigger {:.2f}s ({:.2f}x), pgroll-style "
        "trigger {:.2f}s ({:.2f}x)\n",
        std::min<int64_t>(rows, 200000), g("none_s"), g("slipway_s"), g("slipway_ratio"), g("pgroll_s"), g("pgroll_ratio"));
  }
  if (results.count("shapes")) {
    std::cout << "\nstatement shapes, batches of 5,000 (rows/s, median):";
    for (const auto& shape : split(b.shape_list)) {
      std::cout << fmt::format(" {} {:.0f};", shape,
                               med("shapes", [&](const json& r) { return r[shape + "_rows_per_s"].get<double>(); }));
    }
    std::cout << "\n";
  }
  return 0;
}
