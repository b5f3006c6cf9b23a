// The backfill job's lock (backfill::JobLock): a holder that is going away is waited for, a live
// one is named. The holder here is a session of the test that holds the lock through one
// statement and then disconnects, as a killed slipway's backend does once its statement ends.
#include <thread>

#include "backfill/checkpoint.hpp"
#include "backfill/fixture.hpp"
#include "pg/conninfo.hpp"

namespace slipway::test {
namespace {

class JobLockTest : public PgTest {
 protected:
  // Whether a session other than `except` holds an advisory lock of this database.
  bool held_by_another(int except) {
    return scalar<int64_t>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> " +
                           std::to_string(except) +
                           " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") > 0;
  }
};

TEST_F(JobLockTest, WaitsForAHolderThatIsGoingAway) {
  auto probe = connect();
  // One statement takes the lock and runs on: what pg_stat_activity shows does not change
  // until the holder disconnects, like a killed client's backend finishing its statement.
  std::thread holder([&] {
    pg::Connection c(url());
    c.exec("SELECT pg_advisory_lock(hashtext('slipway.backfill'), hashtext('slipway:job-a')), pg_sleep(0.5)");
  });
  bool locked = eventually([&] { return held_by_another(probe.backend_pid()); });
  if (!locked) holder.join();
  ASSERT_TRUE(locked);
  backfill::JobLock lock(url(), "slipway", "job-a");
  EXPECT_NO_THROW(lock.hold());
  holder.join();
  lock.release();
}

TEST_F(JobLockTest, ALiveHolderIsNamed) {
  pg::Connection holder(pg::with_application_name(url(), "job-holder-of-this-test"));
  holder.exec("SELECT pg_advisory_lock(hashtext('slipway.backfill'), hashtext('slipway:job-b'))");
  backfill::JobLock lock(url(), "slipway", "job-b");
  try {
    lock.hold();
    FAIL() << "took a lock another session holds";
  } catch (const AnotherSlipwayRunning& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("is being run by another process (pid " + std::to_string(holder.backend_pid()) +
                     ", application 'job-holder-of-this-test'"),
              std::string::npos)
        << m;
  }
}

}  // namespace
}  // namespace slipway::test
