// The expression analysis behind the trigger variables and the capture's watched columns.
#include <gtest/gtest.h>

#include "migration/ops/column_sql.hpp"

namespace slipway::migration {
namespace {

using Names = std::set<std::string>;

TEST(NamesReferenced, ColumnsAndVariablesOfTheExpressionAndItsSubqueries) {
  EXPECT_EQ(names_referenced("first_name || ' ' || last_name"), (Names{"first_name", "last_name"}));
  EXPECT_EQ(names_referenced("(SELECT o.total FROM orders o WHERE o.customer = \"Customer Id\")"),
            (Names{"o", "total", "customer", "Customer Id"}));
  EXPECT_EQ(names_referenced("'first_name' || upper(x)"), (Names{"x"})) << "a string literal is no reference";
  EXPECT_EQ(names_referenced("now()"), Names{});
}

TEST(NamesReferenced, UnknownWhenStarOrUnparsable) {
  EXPECT_EQ(names_referenced("(SELECT count(t.*) FROM t)"), std::nullopt);
  EXPECT_EQ(names_referenced("first_name ||"), std::nullopt);
}

}  // namespace
}  // namespace slipway::migration
