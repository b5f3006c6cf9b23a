// An old and a new application write concurrently through their own versions while an
// alter_column with up/down starts (DDL, triggers, backfill) and until it completes. The column
// changes representation (v -> v * 10, and back with v / 10), so any write the triggers or the
// backfill lost or applied twice shows: afterwards every row must hold v = 30 * k (the old app
// writes v = 3k, the new app v = 30k), no row may be missing and neither app may see an error.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

constexpr int kRows = 4000;
constexpr int kWritesPerApp = 3000;  // half inserts, half updates

struct AppRun {
  std::atomic<long> inserts{0};
  std::atomic<long> updates{0};
  std::atomic<long> during_start{0};
  std::atomic<long> max_wait_us{0};  // slowest single statement
  std::mutex m;
  std::vector<std::string> errors;
  void error(const std::string& e) {
    std::lock_guard<std::mutex> l(m);
    if (errors.size() < 10) errors.push_back(e);
  }
};

class ConcurrencyTest : public OpsTest {
 protected:
  // One application: writes v = factor * k through `schema`, alternating inserts and updates of
  // random existing rows, until it has done kWritesPerApp and both `start_done` and `other_done`
  // are set (the old app keeps writing while the new one runs).
  void run_app(const std::string& schema, int factor, AppRun& run, const std::atomic<bool>& start_done,
               const std::atomic<bool>& other_done) {
    try {
      auto c = app(schema);
      std::mt19937 rng(factor);
      std::uniform_int_distribution<long> row(1, kRows);
      const std::string insert = fmt::format("INSERT INTO items (k, v) VALUES ($1, {} * $1)", factor);
      const std::string update = fmt::format("UPDATE items SET k = k + 1, v = {} * (k + 1) WHERE id = $1", factor);
      for (long i = 0; i < kWritesPerApp || !start_done.load() || !other_done.load(); ++i) {
        bool during = !start_done.load();
        auto t0 = std::chrono::steady_clock::now();
        try {
          if (i % 2 == 0) {
            c.exec_params(insert, static_cast<long>(rng() % 100000));
            ++run.inserts;
          } else {
            c.exec_params(update, row(rng));
            ++run.updates;
          }
          if (during) ++run.during_start;
          long us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
          for (long m = run.max_wait_us.load(); us > m && !run.max_wait_us.compare_exchange_weak(m, us);) {
          }
        } catch (const std::exception& e) {
          run.error(e.what());
        }
      }
    } catch (const std::exception& e) {
      run.error(std::string("connection: ") + e.what());
    }
  }
};

TEST_F(ConcurrencyTest, OldAndNewAppsWriteThroughStartBackfillAndComplete) {
  sql("CREATE TABLE items (id bigserial PRIMARY KEY, k integer NOT NULL, v integer NOT NULL)");
  sql(fmt::format("INSERT INTO items (k, v) SELECT g, 3 * g FROM generate_series(1, {}) g", kRows));
  const std::string migration = "02_v_times_ten";
  auto file = migration_file(migration, R"(operations:
  - alter_column:
      table: items
      column: v
      type: bigint
      up: v * 10
      down: v / 10
)");

  std::atomic<bool> start_done{false}, new_done{false}, always{true};
  AppRun old_run, new_run;
  std::thread old_app([&] { run_app("public", 3, old_run, start_done, new_done); });
  // The new version exists once start has created its schema of views (its last step, after the
  // backfill, as in pgroll): the new app begins then and writes alongside the old one until
  // complete.
  std::thread new_app([&] {
    auto c = connect();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    const std::string view = pg::qualified("public_" + migration, "items");
    while (!c.query_value<bool>("SELECT to_regclass($1) IS NOT NULL", view).value_or(false)) {
      if (std::chrono::steady_clock::now() > deadline) {
        new_run.error("the new version's schema never appeared");
        new_done = true;
        return;
      }
      std::this_thread::yield();
    }
    run_app("public_" + migration, 30, new_run, start_done, always);
    new_done = true;
  });

  // Let the old app get going, then start the migration while it writes.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (old_run.inserts.load() < 50 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  auto started = slipway({"start", file});
  start_done = true;
  old_app.join();
  new_app.join();
  ASSERT_EQ(started.exit_code, 0) << started.err;
  EXPECT_TRUE(old_run.errors.empty()) << old_run.errors.front();
  EXPECT_TRUE(new_run.errors.empty()) << new_run.errors.front();
  EXPECT_GT(old_run.during_start.load(), 0) << "the old app did not write while start ran";
  EXPECT_GE(new_run.inserts.load() + new_run.updates.load(), kWritesPerApp);
  // No statement of either app waited long behind slipway's locks: slipway queues for at most
  // its lock_timeout (100 ms) and holds ACCESS EXCLUSIVE only for catalog-only steps. The bound
  // leaves room for a shared, busy test machine.
  EXPECT_LT(old_run.max_wait_us.load(), 2'000'000);
  EXPECT_LT(new_run.max_wait_us.load(), 2'000'000);
  std::printf("old app: %ld writes during start, %ld inserts, %ld updates, slowest %.1f ms; "
              "new app: %ld inserts, %ld updates, slowest %.1f ms\n",
              old_run.during_start.load(), old_run.inserts.load(), old_run.updates.load(),
              old_run.max_wait_us.load() / 1000.0, new_run.inserts.load(), new_run.updates.load(),
              new_run.max_wait_us.load() / 1000.0);

  const long long expected_rows = kRows + old_run.inserts.load() + new_run.inserts.load();
  {
    auto old_view = OpsTest::old_app();
    auto new_view = OpsTest::new_app(migration);
    EXPECT_EQ(number(old_view, "SELECT count(*) FROM items"), expected_rows);
    EXPECT_EQ(number(old_view, "SELECT count(*) FROM items WHERE v IS DISTINCT FROM 3 * k"), 0);
    EXPECT_EQ(number(new_view, "SELECT count(*) FROM items WHERE v IS DISTINCT FROM 30 * k"), 0);
  }

  complete();
  EXPECT_EQ(column_type("items", "v"), "bigint");
  EXPECT_TRUE(column_not_null("items", "v"));
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM items"), expected_rows);
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM items WHERE v IS DISTINCT FROM 30 * k"), 0);
  EXPECT_EQ(slipway_leftovers(), "");
}

}  // namespace
}  // namespace slipway::test
