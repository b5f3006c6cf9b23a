// repack of a bloated table: smaller, same rows, same definition.
#include "rewrite_support.hpp"

namespace slipway::test {
namespace {

class Repack : public RewriteTest {};

TEST_F(Repack, BloatedTableShrinksDataIdentical) {
  seed(6000);
  pg::Connection owner(owner_url_);
  owner.exec("UPDATE accounts SET note = repeat('x', 300) WHERE id % 2 = 0");
  owner.exec("DELETE FROM accounts WHERE id % 10 <> 0");
  owner.exec("DELETE FROM accounts_ref WHERE id NOT IN (SELECT id FROM accounts)");
  owner.exec("UPDATE accounts_ref r SET note = a.note FROM accounts a WHERE a.id = r.id");
  auto size_before = scalar<int64_t>("SELECT pg_relation_size('accounts')");
  auto digest = [&] { return scalar<std::string>("SELECT md5(string_agg(a::text, ',' ORDER BY id)) FROM accounts a"); };
  std::string before = digest();
  std::string def_before = schema_dump({"--table=accounts"});
  auto r = slipway_as_owner({"repack", "--table", "accounts", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["kind"], "repack");
  auto size_after = scalar<int64_t>("SELECT pg_relation_size('accounts')");
  EXPECT_LT(size_after * 3, size_before) << size_before << " -> " << size_after;
  EXPECT_EQ(digest(), before);
  EXPECT_EQ(differences(), 0);
  auto c = slipway_as_owner({"repack", "--table", "accounts", "--cleanup"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(helper_objects().empty()) << helper_objects()[0];
  EXPECT_EQ(schema_dump({"--table=accounts"}), def_before) << "same definition after a repack";
  // A retry (after a kill that landed once the cleanup committed) finds it done: exit 0.
  auto retried = slipway_as_owner({"repack", "--table", "accounts", "--cleanup"});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_NE(retried.out.find("already cleaned up"), std::string::npos) << retried.out;
  // Undoing it is another request, which nothing open satisfies.
  EXPECT_EQ(slipway_as_owner({"repack", "--table", "accounts", "--undo"}).exit_code, 2);
}

TEST_F(Repack, RetriedUndoFindsItDone) {
  seed(500);
  ASSERT_EQ(slipway_as_owner({"repack", "--table", "accounts"}).exit_code, 0);
  ASSERT_EQ(slipway_as_owner({"repack", "--table", "accounts", "--undo"}).exit_code, 0);
  auto retried = slipway_as_owner({"repack", "--table", "accounts", "--undo", "--json"});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(nlohmann::json::parse(retried.out)["action"], "already undone");
}

TEST_F(Repack, AbortBeforeSwapLeavesNothing) {
  seed(1000);
  std::string before = schema_dump({"--exclude-schema=slipway"});
  SlipwayProcess run({"repack", "--table", "accounts", "--chunk-rows", "200"}, owner_env({{"SLIPWAY_TEST_PAUSE_AT", "verify"}}));
  ASSERT_TRUE(run.wait_paused("verify")) << run.err();
  run.kill9();
  auto a = slipway_as_owner({"repack", "--table", "accounts", "--abort"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_TRUE(helper_objects().empty()) << helper_objects()[0];
  EXPECT_EQ(schema_dump({"--exclude-schema=slipway"}), before);
  auto retried = slipway_as_owner({"repack", "--table", "accounts", "--abort"});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_NE(retried.out.find("already aborted"), std::string::npos) << retried.out;
  // After --abort a new repack starts afresh and completes.
  auto again = slipway_as_owner({"repack", "--table", "accounts"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(differences(), 0);
}

}  // namespace
}  // namespace slipway::test
