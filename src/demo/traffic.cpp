#include "demo/traffic.hpp"

#include <fmt/format.h>

#include <condition_variable>
#include <random>

#include "pg/conninfo.hpp"
#include "pg/connection.hpp"
#include "pg/quote.hpp"

namespace slipway::demo {

struct TrafficGenerator::AppState {
  std::mutex mutex;
  std::condition_variable changed;
  uint64_t generation = 0;
  bool active = false;
  AppTarget target;
  std::vector<std::atomic<uint64_t>> acked;  // per thread: the generation it now runs
  Clock::time_point next_due{};
  explicit AppState(int threads) : acked(threads) {}
};

TrafficGenerator::TrafficGenerator(TrafficOptions options, Clock::time_point epoch)
    : options_(std::move(options)), epoch_(epoch) {
  for (auto app : {AppId::old_app, AppId::new_app}) {
    apps_[int(app)] = std::make_unique<AppState>(options_.threads_per_app);
  }
  for (auto app : {AppId::old_app, AppId::new_app}) {
    for (int i = 0; i < options_.threads_per_app; ++i) threads_.emplace_back([this, app, i] { worker(app, i); });
  }
}

TrafficGenerator::~TrafficGenerator() { stop(); }

void TrafficGenerator::stop() {
  stopping_ = true;
  for (auto& a : apps_) {
    std::lock_guard lock(a->mutex);
    a->changed.notify_all();
  }
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

double TrafficGenerator::seconds_since_epoch() const {
  return std::chrono::duration<double>(Clock::now() - epoch_).count();
}

bool TrafficGenerator::deploy(AppId app, const AppTarget& target, std::chrono::milliseconds timeout) {
  auto& st = *apps_[int(app)];
  uint64_t gen;
  {
    std::lock_guard lock(st.mutex);
    if (!st.active) st.next_due = Clock::now();
    st.active = true;
    st.target = target;
    gen = ++st.generation;
    st.changed.notify_all();
  }
  return wait_switched(st, gen, timeout);
}

bool TrafficGenerator::retire(AppId app, std::chrono::milliseconds timeout) {
  auto& st = *apps_[int(app)];
  uint64_t gen;
  {
    std::lock_guard lock(st.mutex);
    st.active = false;
    gen = ++st.generation;
    st.changed.notify_all();
  }
  return wait_switched(st, gen, timeout);
}

bool TrafficGenerator::running(AppId app) const {
  auto& st = *apps_[int(app)];
  std::lock_guard lock(st.mutex);
  return st.active;
}

bool TrafficGenerator::wait_switched(AppState& st, uint64_t generation, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    bool all = true;
    for (auto& a : st.acked) all = all && a.load() >= generation;
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

TrafficGenerator::Clock::time_point TrafficGenerator::next_slot(AppState& st) {
  // Token bucket: one slot every 1/rate seconds; at most one second of missed slots is kept,
  // so after a stall the application catches up with a burst, as a queue of requests would.
  auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / options_.rate_per_app));
  std::lock_guard lock(st.mutex);
  auto now = Clock::now();
  if (st.next_due < now - std::chrono::seconds(1)) st.next_due = now - std::chrono::seconds(1);
  auto due = st.next_due;
  st.next_due += interval;
  return due;
}

void TrafficGenerator::record(const Sample& s, const std::string& error) {
  ++total_queries_;
  if (!s.ok) ++total_errors_;
  std::lock_guard lock(samples_mutex_);
  samples_.push_back(s);
  if (!s.ok) {
    if (errors_.size() < 40 || errors_.count(error)) ++errors_[error];
  }
}

std::vector<Sample> TrafficGenerator::samples() const {
  std::lock_guard lock(samples_mutex_);
  return samples_;
}

std::vector<Sample> TrafficGenerator::samples_since(double from_s) const {
  std::lock_guard lock(samples_mutex_);
  // Samples are appended roughly in start order; a slow query lands late, so scan back a bit
  // further than the first sample that is too old.
  std::vector<Sample> out;
  size_t i = samples_.size();
  size_t older_seen = 0;
  while (i > 0 && older_seen < 5000) {
    const auto& s = samples_[--i];
    if (s.start_s >= from_s) out.push_back(s);
    else ++older_seen;
  }
  return out;
}

std::map<std::string, int64_t> TrafficGenerator::error_messages() const {
  std::lock_guard lock(samples_mutex_);
  return errors_;
}

namespace {

std::string random_token(std::mt19937_64& rng) { return fmt::format("{:016x}", rng()); }

// One application request: a read by id (70%), an update of the name (20%) or a sign-up (10%).
void run_request(pg::Connection& conn, AppShape shape, std::mt19937_64& rng, int64_t id_range) {
  const auto& sql = app_statements(shape);
  std::uniform_int_distribution<int64_t> id_dist(1, std::max<int64_t>(1, id_range));
  std::uniform_int_distribution<int> pct(0, 99);
  std::uniform_int_distribution<int> num(1, 999999);
  static const char* tiers[] = {"bronze", "silver", "gold", "platinum"};
  int p = pct(rng);
  int64_t id = id_dist(rng);
  std::string first = fmt::format("Fn{}", num(rng)), last = fmt::format("Ln{}", num(rng));
  if (p < 70) {
    conn.exec_params(sql.read, id);
  } else if (p < 90) {
    if (shape == AppShape::split_name) conn.exec_params(sql.update, id, first, last);
    else conn.exec_params(sql.update, id, first + " " + last);
  } else {
    std::string token = random_token(rng);
    std::string username = "app_" + token, email = token + "@app.example.com";
    std::string bio = "signed up during the demo";
    std::string tier = tiers[pct(rng) % 4];
    std::optional<int64_t> referrer;
    if (pct(rng) < 30) referrer = id_dist(rng);
    if (shape == AppShape::split_name)
      conn.exec_params(sql.insert, username, email, first, last, bio, tier, referrer);
    else
      conn.exec_params(sql.insert, username, email, first + " " + last, bio, tier, referrer);
  }
}

}  // namespace

void TrafficGenerator::worker(AppId app, int index) {
  auto& st = *apps_[int(app)];
  std::mt19937_64 rng{std::random_device{}() ^ (uint64_t(index) << 32) ^ uint64_t(app)};
  std::unique_ptr<pg::Connection> conn;
  uint64_t my_gen = 0;
  bool active = false;
  AppTarget target;
  const std::string app_label = fmt::format("slipway-demo-{}", app == AppId::old_app ? "old-app" : "new-app");

  while (!stopping_) {
    {
      std::unique_lock lock(st.mutex);
      if (st.generation != my_gen) {
        my_gen = st.generation;
        active = st.active;
        target = st.target;
        if (active && conn) {
          // A new deployment: the next query goes through the new search_path. Sessions of
          // the previous deployment's queries have finished by now (we are between queries).
          lock.unlock();
          try {
            conn->exec("SET search_path TO " + pg::quote_ident(target.search_path));
          } catch (const std::exception&) {
            conn.reset();  // reconnect below, with the new search_path
          }
          lock.lock();
        }
        st.acked[index] = my_gen;
      }
      if (!active) {
        st.changed.wait_for(lock, std::chrono::milliseconds(50));
        continue;
      }
    }
    if (!conn) {
      try {
        conn = std::make_unique<pg::Connection>(
            pg::with_application_name(options_.conninfo, app_label));
        conn->exec(fmt::format("SET statement_timeout = '{}ms'", options_.statement_timeout.count()));
        conn->exec("SET search_path TO " + pg::quote_ident(target.search_path));
      } catch (const std::exception& e) {
        conn.reset();
        Sample s{seconds_since_epoch(), 0, app, false};
        record(s, std::string("connect: ") + e.what());
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
    }
    std::this_thread::sleep_until(next_slot(st));
    {
      std::lock_guard lock(st.mutex);
      if (st.generation != my_gen || stopping_) continue;  // redeployed while we waited
    }
    auto t0 = Clock::now();
    Sample s;
    s.start_s = std::chrono::duration<double>(t0 - epoch_).count();
    s.app = app;
    std::string error;
    try {
      run_request(*conn, target.shape, rng, options_.id_range);
    } catch (const pg::ConnectionLost& e) {
      s.ok = false;
      error = e.what();
      conn.reset();
    } catch (const std::exception& e) {
      s.ok = false;
      error = e.what();
    }
    s.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    record(s, error);
  }
}

}  // namespace slipway::demo
