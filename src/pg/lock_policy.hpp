// How slipway takes locks: never wait in PostgreSQL's lock queue longer than lock_timeout
// (while waiting, every later query on the table queues behind us), and retry with
// exponential backoff and jitter instead.
#pragma once
#include <chrono>
#include <functional>
#include <string>

namespace slipway::pg {

struct LockPolicy {
  std::chrono::milliseconds lock_timeout{100};
  int max_retries = 60;                        // attempts after the first
  std::chrono::milliseconds max_total{600000};  // give up after this much time overall
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{5000};
};

struct RetryEvent {
  std::string statement;  // first line of the statement, for the report
  int attempt = 0;         // 1 = first retry
  std::chrono::milliseconds waited{0};    // total elapsed so far
  std::chrono::milliseconds backoff{0};   // sleep before the next attempt
  std::string reason;      // "lock timeout", "deadlock", ...
};

using RetryReporter = std::function<void(const RetryEvent&)>;

// Backoff before retry `attempt` (1-based): exponential, capped, with full jitter in
// [delay/2, delay] so several waiting clients do not retry in lockstep.
std::chrono::milliseconds backoff_delay(const LockPolicy& policy, int attempt, double jitter01);

}  // namespace slipway::pg
