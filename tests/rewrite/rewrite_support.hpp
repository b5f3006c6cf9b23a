// Support for the rewrite tests: an application writer that mirrors every change into a reference
// table, and a non-superuser owner role. slipway itself runs as a SlipwayProcess
// (support/slipway_process.hpp), paused at a named phase, then resumed or killed with SIGKILL.
#pragma once
#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/pg_test.hpp"
#include "support/slipway_process.hpp"

namespace slipway::test {

// Inserts, updates and deletes rows of `accounts` (and `orders`) as the application role, each
// change mirrored in the same transaction into `accounts_ref`: the writer's view of the world.
// With `rides_restarts`, a lost connection (a server restart) is not an error: it connects
// again and goes on; the transaction in flight then committed whole or not at all, reference
// copy included.
class Writer {
 public:
  explicit Writer(std::string url, bool rides_restarts = false) : url_(std::move(url)), rides_restarts_(rides_restarts) {}
  ~Writer() { stop(); }
  void start();
  void stop();
  int64_t ops() const { return ops_; }
  // Waits until at least `n` more operations have committed.
  bool advance(int64_t n, std::chrono::seconds timeout = std::chrono::seconds(30));
  const std::vector<std::string>& errors() const { return errors_; }
  std::chrono::milliseconds max_latency() const { return std::chrono::milliseconds(max_latency_ms_.load()); }

 private:
  void loop();
  void run_until_stopped(pqxx::connection& c);
  std::string url_;
  bool rides_restarts_ = false;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> ops_{0};
  std::atomic<int64_t> max_latency_ms_{0};
  std::vector<std::string> errors_;
};

// The roles `<dbname>_owner` and `<dbname>_app` and what RewriteTest describes below, made by a
// superuser session on the database `url` names (a test's own database, or one on a private
// cluster). Then `slipway init` as the owner.
struct AccountsDatabase {
  std::string owner, app;
  std::string owner_url, app_url;
};
AccountsDatabase create_accounts_database(const std::string& url, const std::string& dbname);
// `accounts` rows (with their `orders` and the reference copy).
void seed_accounts(const std::string& owner_url, int accounts);
// Rows of `table` that differ from the reference copy (either direction).
int64_t differences_from_reference(pg::Connection& c, const std::string& table = "accounts");

// A database with an owner role and an application role (neither superuser), the `accounts`
// table (serial int key, referenced by `orders`), a view, grants, a trigger, a policy, and the
// reference copy. Every test in this suite starts from it.
class RewriteTest : public PgTest {
 protected:
  void SetUp() override;
  void TearDown() override;
  // slipway run as the owner role.
  CommandResult slipway_as_owner(std::vector<std::string> args, std::map<std::string, std::string> env = {});
  std::map<std::string, std::string> owner_env(std::map<std::string, std::string> env = {}) const;
  // Rows of accounts that differ from the reference copy (either direction).
  int64_t differences(const std::string& table = "accounts");
  // Names of leftover helper objects (shadow, logs, capture functions and triggers).
  std::vector<std::string> helper_objects();
  void seed(int accounts);

  std::string owner_, app_;
  std::string owner_url_, app_url_;
};

}  // namespace slipway::test
