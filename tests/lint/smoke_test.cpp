#include <gtest/gtest.h>

#include "lint_helpers.hpp"

using namespace slipway::lint;

TEST(LintSmoke, CreateIndexOnExistingTableIsFlagged) {
  EXPECT_EQ(test::count("CREATE INDEX i ON t (a);", "require-concurrent-index-creation"), 1u);
}
