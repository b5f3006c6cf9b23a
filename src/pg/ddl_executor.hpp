// Runs lock-taking statements under lock_timeout, retrying on lock timeouts and deadlocks with
// backoff. The point: slipway never sits in the lock queue where it would block the application.
#pragma once
#include <pqxx/transaction>

#include <functional>
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "pg/lock_policy.hpp"

namespace slipway::pg {

class DdlExecutor {
 public:
  DdlExecutor(Connection& conn, LockPolicy policy, RetryReporter reporter = {});

  // One statement in its own transaction with SET LOCAL lock_timeout.
  void run(const std::string& sql);

  // Several statements in one transaction: all or nothing, retried as a whole.
  void run_transaction(const std::vector<std::string>& statements);

  // A custom transaction body (reads and writes), retried as a whole on lock timeouts. The body
  // must be safe to run again: nothing it did survives a retry.
  // `label` names it in the LockGaveUp message.
  void run_transaction(const std::function<void(pqxx::work&)>& body, const std::string& label = "transaction");

  // A statement that cannot run in a transaction block (CREATE INDEX CONCURRENTLY, VACUUM,
  // ALTER TYPE ... ADD VALUE). lock_timeout is set for the session around it.
  // `lock_timeout` overrides the policy's, e.g. 0 (wait) for statements whose lock never
  // conflicts with the application's reads and writes.
  void run_outside_transaction(const std::string& sql,
                               std::optional<std::chrono::milliseconds> lock_timeout = {});

  const LockPolicy& policy() const { return policy_; }
  Connection& connection() { return conn_; }
  int retries_so_far() const { return total_retries_; }

 private:
  void with_retries(const std::string& label, const std::function<void()>& attempt);

  Connection& conn_;
  LockPolicy policy_;
  RetryReporter reporter_;
  int total_retries_ = 0;
};

}  // namespace slipway::pg
