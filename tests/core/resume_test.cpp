// pg::resume_after_lost_connection: which failures make it run the unit again, and when it
// gives up. No database needed: the unit throws the typed errors the pg layer would.
#include <gtest/gtest.h>

#include <pqxx/except>

#include "pg/errors.hpp"
#include "pg/resume.hpp"

namespace slipway::pg {
namespace {

using namespace std::chrono_literals;

ConnectionLost lost() { return ConnectionLost("terminating connection due to administrator command", "57P01"); }

TEST(ResumeAfterLostConnection, RunsTheUnitAgainAfterALostConnection) {
  int runs = 0;
  resume_after_lost_connection("test", [&] {
    if (++runs == 1) throw lost();
  }, 10s, 1ms);
  EXPECT_EQ(runs, 2);
}

TEST(ResumeAfterLostConnection, WaitsForTheServerAndTheLostSessionsLock) {
  int runs = 0;
  resume_after_lost_connection("test", [&] {
    ++runs;
    if (runs == 1) throw lost();
    if (runs == 2) throw ConnectFailed("connection refused");
    if (runs == 3) throw AnotherSlipwayRunning("held by pid 42");
  }, 10s, 1ms);
  EXPECT_EQ(runs, 4);
}

TEST(ResumeAfterLostConnection, AFirstConnectionThatFailsIsNotRetried) {
  int runs = 0;
  EXPECT_THROW(resume_after_lost_connection("test", [&] {
    ++runs;
    throw ConnectFailed("password authentication failed");
  }, 10s, 1ms), ConnectFailed);
  EXPECT_EQ(runs, 1);
  runs = 0;
  EXPECT_THROW(resume_after_lost_connection("test", [&] {
    ++runs;
    throw AnotherSlipwayRunning("held by pid 42");
  }, 10s, 1ms), AnotherSlipwayRunning);
  EXPECT_EQ(runs, 1);
}

TEST(ResumeAfterLostConnection, OtherErrorsAreNotRetried) {
  int runs = 0;
  EXPECT_THROW(resume_after_lost_connection("test", [&] {
    if (++runs == 1) throw lost();
    throw LockTimeout("canceling statement due to lock timeout", "55P03");
  }, 10s, 1ms), LockTimeout);
  EXPECT_EQ(runs, 2);
}

TEST(ResumeAfterLostConnection, GivesUpAfterItsPatience) {
  int runs = 0;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(resume_after_lost_connection("test", [&] {
    if (++runs == 1) throw lost();
    throw ConnectFailed("connection refused");
  }, 50ms, 1ms), ConnectFailed);
  EXPECT_GT(runs, 2);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 50ms);
}

// A transaction on the raw connection lets libpqxx's own exception through: still a lost
// connection, run again, never an "internal error".
TEST(ResumeAfterLostConnection, AnUntypedBrokenConnectionIsALostConnection) {
  int runs = 0;
  resume_after_lost_connection("test", [&] {
    if (++runs == 1) throw pqxx::broken_connection("Could not obtain client encoding: not connected.");
  }, 10s, 1ms);
  EXPECT_EQ(runs, 2);
}

// Given up, the error says what happened and what to do.
TEST(ResumeAfterLostConnection, GivingUpSaysToRunTheSameCommandAgain) {
  try {
    resume_after_lost_connection("rewrite", [&] {
      static int runs = 0;
      if (++runs == 1) throw lost();
      throw ConnectFailed("cannot connect to db: connection refused");
    }, 20ms, 1ms);
    FAIL() << "did not give up";
  } catch (const ConnectFailed& e) {
    EXPECT_NE(std::string(e.what()).find("lost the connection to the server during rewrite"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("connection refused"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("run the same command to resume"), std::string::npos) << e.hint();
  }
  try {
    resume_after_lost_connection("rewrite", [&] { throw lost(); }, 20ms, 1ms);
    FAIL() << "did not give up";
  } catch (const ConnectionLost& e) {
    EXPECT_NE(e.hint().find("run the same command to resume"), std::string::npos) << e.hint();
  }
}

}  // namespace
}  // namespace slipway::pg
