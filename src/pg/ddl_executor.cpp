#include "pg/ddl_executor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <thread>

#include "util/duration.hpp"

namespace slipway::pg {

std::chrono::milliseconds backoff_delay(const LockPolicy& p, int attempt, double jitter01) {
  double base = double(p.backoff_initial.count());
  for (int i = 1; i < attempt && base < double(p.backoff_max.count()); ++i) base *= 2;
  base = std::min(base, double(p.backoff_max.count()));
  return std::chrono::milliseconds(static_cast<long long>(base * (0.5 + 0.5 * jitter01)));
}

DdlExecutor::DdlExecutor(Connection& conn, LockPolicy policy, RetryReporter reporter)
    : conn_(conn), policy_(policy), reporter_(std::move(reporter)) {}

namespace {
std::string first_line(const std::string& sql) {
  auto s = sql.substr(0, sql.find('\n'));
  if (s.size() > 160) {
    s.resize(157);
    s += "...";
  }
  return s;
}
std::string set_lock_timeout_sql(std::chrono::milliseconds t, bool local) {
  return fmt::format("SET {}lock_timeout = '{}ms'", local ? "LOCAL " : "", t.count());
}
}  // namespace

void DdlExecutor::with_retries(const std::string& label, const std::function<void()>& attempt) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  auto start = std::chrono::steady_clock::now();
  for (int retry = 0;; ++retry) {
    std::string reason;
    try {
      attempt();
      return;
    } catch (const LockTimeout&) {
      reason = "lock timeout";
    } catch (const Deadlock&) {
      reason = "deadlock";
    }
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    auto delay = backoff_delay(policy_, retry + 1, jitter(rng));
    if (retry >= policy_.max_retries || elapsed + delay > policy_.max_total) {
      throw LockGaveUp(
          fmt::format("gave up waiting for a lock after {} attempts over {}: {}", retry + 1,
                      format_duration(elapsed), label),
          "a long transaction holds a conflicting lock; find it in pg_stat_activity / pg_locks, "
          "or raise --lock-retries / --lock-timeout");
    }
    ++total_retries_;
    if (reporter_) reporter_({label, retry + 1, elapsed, delay, reason});
    std::this_thread::sleep_for(delay);
  }
}

void DdlExecutor::run(const std::string& sql) { run_transaction(std::vector<std::string>{sql}); }

void DdlExecutor::run_transaction(const std::vector<std::string>& statements) {
  std::string label = statements.empty() ? "" : first_line(statements.front());
  if (statements.size() > 1) label += fmt::format(" (+{} more in the same transaction)", statements.size() - 1);
  with_retries(label, [&] {
    typed_errors([&] {
      pqxx::work tx(conn_.raw());
      tx.exec(set_lock_timeout_sql(policy_.lock_timeout, true));
      for (const auto& s : statements) tx.exec(s);
      tx.commit();
    });
  });
}

void DdlExecutor::run_transaction(const std::function<void(pqxx::work&)>& body, const std::string& label) {
  with_retries(label, [&] {
    typed_errors([&] {
      pqxx::work tx(conn_.raw());
      tx.exec(set_lock_timeout_sql(policy_.lock_timeout, true));
      body(tx);
      tx.commit();
    });
  });
}

void DdlExecutor::run_outside_transaction(const std::string& sql,
                                          std::optional<std::chrono::milliseconds> lock_timeout) {
  with_retries(first_line(sql), [&] {
    conn_.exec(set_lock_timeout_sql(lock_timeout.value_or(policy_.lock_timeout), false));
    try {
      conn_.exec(sql);
    } catch (...) {
      try { conn_.exec("RESET lock_timeout"); } catch (...) {}
      throw;
    }
    conn_.exec("RESET lock_timeout");
  });
}

}  // namespace slipway::pg
