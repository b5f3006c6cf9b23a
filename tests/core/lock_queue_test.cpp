// The lock-queue guarantee: while a long transaction holds a lock that conflicts with slipway's
// DDL, slipway must not sit in PostgreSQL's lock queue (where every later query on the table
// would queue behind it). The same scenario with a plain ALTER proves the probe can see blocking.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "pg/ddl_executor.hpp"
#include "support/pg_test.hpp"

using namespace std::chrono;
using namespace std::chrono_literals;
using slipway::pg::Connection;

namespace {

class LockQueue : public slipway::test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    sql("CREATE TABLE items (id int PRIMARY KEY, v text)");
    sql("INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 1000) g");
  }

  struct Outcome {
    milliseconds probe_max{0};
    int probe_queries = 0;
    steady_clock::time_point holder_commits;  // just before A's COMMIT is sent
    steady_clock::time_point ddl_done;
  };

  // Connection A reads the table in a transaction held for `hold`; connection C runs a point
  // query every 10 ms throughout; `ddl` runs the ALTER on a third connection.
  Outcome run_scenario(milliseconds hold, const std::function<void(Connection&)>& ddl) {
    Outcome out;
    std::atomic<bool> holding{false}, stop{false};
    Connection a = connect();
    std::thread holder([&] {
      pqxx::work tx(a.raw());
      tx.exec("SELECT count(*) FROM items");  // ACCESS SHARE until commit
      holding = true;
      std::this_thread::sleep_for(hold);      // the long transaction itself, not synchronisation
      // Taken before the commit: the server releases the lock before this thread hears back,
      // so the ALTER may finish before a time taken after commit() returns.
      out.holder_commits = steady_clock::now();
      tx.commit();
    });
    auto deadline = steady_clock::now() + 10s;
    while (!holding && steady_clock::now() < deadline) std::this_thread::yield();
    EXPECT_TRUE(holding.load());

    std::atomic<long long> max_ms{0};
    std::atomic<int> count{0};
    std::thread probe([&] {
      Connection c = connect();
      while (!stop) {
        auto t0 = steady_clock::now();
        c.exec("SELECT v FROM items WHERE id = 42");
        long long ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
        if (ms > max_ms) max_ms = ms;
        ++count;
        std::this_thread::sleep_for(10ms);  // the probe's pace
      }
    });

    Connection s = connect();
    ddl(s);
    out.ddl_done = steady_clock::now();
    holder.join();
    stop = true;
    probe.join();
    out.probe_max = milliseconds(max_ms.load());
    out.probe_queries = count;
    return out;
  }
};

TEST_F(LockQueue, DdlExecutorNeverBlocksTheApplication) {
  int retries = 0;
  slipway::pg::LockPolicy policy;
  policy.lock_timeout = 100ms;
  auto out = run_scenario(3s, [&](Connection& s) {
    slipway::pg::DdlExecutor ex(s, policy, [&](const slipway::pg::RetryEvent&) { ++retries; });
    ex.run("ALTER TABLE items ADD COLUMN extra int");
  });
  EXPECT_GE(retries, 1) << "the ALTER should have timed out and retried while A held its lock";
  EXPECT_GE(out.ddl_done, out.holder_commits) << "the ALTER can only succeed after A commits";
  EXPECT_GT(out.probe_queries, 100);
  EXPECT_LE(out.probe_max, policy.lock_timeout + 50ms) << "a probe query waited behind slipway's DDL";
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM information_schema.columns "
                        "WHERE table_name = 'items' AND column_name = 'extra'"),
            1);
}

TEST_F(LockQueue, PlainAlterBlocksTheApplicationForTheWholeWait) {
  auto out = run_scenario(3s, [&](Connection& s) { s.exec("ALTER TABLE items ADD COLUMN extra int"); });
  EXPECT_GE(out.probe_max, 2000ms) << "the harness must see the application blocked behind a queued ALTER";
}

TEST_F(LockQueue, GivesUpWithLockGaveUpAfterTheRetryBudget) {
  Connection a = connect();
  pqxx::work tx(a.raw());
  tx.exec("SELECT count(*) FROM items");
  Connection s = connect();
  slipway::pg::LockPolicy policy;
  policy.lock_timeout = 20ms;
  policy.max_retries = 3;
  policy.backoff_initial = 10ms;
  int retries = 0;
  slipway::pg::DdlExecutor ex(s, policy, [&](const slipway::pg::RetryEvent&) { ++retries; });
  EXPECT_THROW(ex.run("ALTER TABLE items ADD COLUMN extra int"), slipway::LockGaveUp);
  EXPECT_EQ(retries, 3);
  tx.commit();
  EXPECT_NO_THROW(ex.run("ALTER TABLE items ADD COLUMN extra int"));
}

}  // namespace
