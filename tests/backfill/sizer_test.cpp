#include <gtest/gtest.h>

#include "backfill/key.hpp"
#include "backfill/sizer.hpp"

using namespace slipway::backfill;
using namespace std::chrono_literals;

TEST(BatchSizer, GrowsSmoothlyTowardTheTargetTime) {
  BatchSizer s(100ms, 1000, 10, 100000, std::nullopt);
  // 1000 rows in 10 ms: the ideal is 10,000 rows, reached in steps of at most 2x.
  s.observe(1000, 0.010);
  EXPECT_EQ(s.size(), 2000);
  for (int i = 0; i < 10; ++i) s.observe(s.size(), 0.010 * double(s.size()) / 1000.0);
  EXPECT_NEAR(double(s.size()), 10000.0, 200.0);
}

TEST(BatchSizer, ShrinksOnSlowBatchesAndContentionWithinBounds) {
  BatchSizer s(100ms, 1000, 10, 5000, std::nullopt);
  s.observe(1000, 1.0);  // 10x too slow: at most halves
  EXPECT_EQ(s.size(), 500);
  s.shrink();
  EXPECT_EQ(s.size(), 125);
  for (int i = 0; i < 10; ++i) s.shrink();
  EXPECT_EQ(s.size(), 10);
  for (int i = 0; i < 40; ++i) s.observe(s.size(), 0.0001);
  EXPECT_EQ(s.size(), 5000);
}

TEST(BatchSizer, ContentionLowersTheTargetTimeThenItRecovers) {
  BatchSizer s(100ms, 10000, 10, 100000, std::nullopt, /*hold=*/100ms);
  s.contended(0.025);
  EXPECT_EQ(s.size(), 2500);
  EXPECT_DOUBLE_EQ(s.current_target(), 0.025);
  // 1 row per 10 us: 25 ms is 2,500 rows, and the size stays there while the target is low:
  // the first 100 ms of batches after the contention hold the short target.
  for (int i = 0; i < 3; ++i) s.observe(2500, 0.025);
  EXPECT_EQ(s.size(), 2500);
  EXPECT_DOUBLE_EQ(s.current_target(), 0.025);
  // Then each batch without contention raises the target by 5%, up to the full 100 ms.
  for (int i = 0; i < 100; ++i) s.observe(s.size(), 0.00001 * double(s.size()));
  EXPECT_DOUBLE_EQ(s.current_target(), 0.1);
  EXPECT_NEAR(double(s.size()), 10000.0, 200.0);
}

TEST(BatchSizer, ABriefWaitShortensTheNextBatchesAndRestartsTheHold) {
  BatchSizer s(100ms, 10000, 10, 100000, std::nullopt, /*hold=*/1s);
  s.waited_on(0.020);  // 100 ms of rows scaled to 20 ms, not quartered
  EXPECT_EQ(s.size(), 2000);
  EXPECT_DOUBLE_EQ(s.current_target(), 0.020);
  for (int i = 0; i < 45; ++i) s.observe(2000, 0.020);  // 0.9 s: still held
  EXPECT_DOUBLE_EQ(s.current_target(), 0.020);
  s.waited_on(0.020);  // another wait restarts the hold, and the size is already right
  EXPECT_EQ(s.size(), 2000);
  for (int i = 0; i < 45; ++i) s.observe(2000, 0.020);
  EXPECT_DOUBLE_EQ(s.current_target(), 0.020);
  for (int i = 0; i < 10; ++i) s.observe(s.size(), 0.00001 * double(s.size()));
  EXPECT_GT(s.current_target(), 0.020);
}

TEST(BatchSizer, SlowStartHoldsTheShortTargetForItsOwnHoldOnly) {
  BatchSizer s(100ms, 1000, 10, 100000, std::nullopt, /*hold=*/10s);
  s.start_short(0.015, 0.5);
  EXPECT_DOUBLE_EQ(s.current_target(), 0.015);
  EXPECT_EQ(s.size(), 1000);  // the first batch's size is the initial one
  for (int i = 0; i < 33; ++i) s.observe(1500, 0.015);  // 0.495 s
  EXPECT_DOUBLE_EQ(s.current_target(), 0.015);
  s.observe(1500, 0.015);  // 0.51 s without contention: recovery begins
  EXPECT_GT(s.current_target(), 0.015);
  for (int i = 0; i < 100; ++i) s.observe(s.size(), 0.00001 * double(s.size()));
  EXPECT_DOUBLE_EQ(s.current_target(), 0.1);
}

TEST(BatchSizer, FixedSizeIsPinned) {
  BatchSizer s(100ms, 1000, 10, 5000, 77);
  s.observe(77, 5.0);
  s.shrink();
  EXPECT_EQ(s.size(), 77);
}

TEST(KeyJson, RoundTripsAKeyWithQuotes) {
  EXPECT_EQ(key_from_json(key_to_json({"x\"y", "2"})), (KeyValue{"x\"y", "2"}));
}
