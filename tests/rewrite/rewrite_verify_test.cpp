// Verification before the swap: a range whose checksum differs is re-copied and re-checked; a
// difference that persists stops the rewrite before the swap.
#include "rewrite_support.hpp"

namespace slipway::test {
namespace {

class RewriteVerify : public RewriteTest {
 protected:
  std::string shadow() {
    return scalar<std::string>("SELECT relname FROM pg_class WHERE relname LIKE '\\_slipway\\_rw%accounts'");
  }
};

TEST_F(RewriteVerify, MismatchedRangeIsRecopied) {
  seed(3000);
  std::vector<std::string> cmd{"rewrite", "--table", "accounts", "--alter", "ALTER COLUMN balance TYPE bigint", "--json"};
  SlipwayProcess run(cmd, owner_env({{"SLIPWAY_TEST_PAUSE_AT", "replay"}}));
  ASSERT_TRUE(run.wait_paused("replay")) << run.err();
  // Damage the shadow behind slipway's back (a bug, a stray session): verification must see it.
  pg::Connection owner(owner_url_);
  owner.exec("UPDATE \"" + shadow() + "\" SET balance = balance + 7 WHERE id % 100 = 0");
  owner.exec("DELETE FROM \"" + shadow() + "\" WHERE id = 1500");
  run.resume();
  auto r = run.wait();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto report = nlohmann::json::parse(r.out);
  EXPECT_GE(report["ranges_recopied"].get<int64_t>(), 1);
  EXPECT_EQ(differences(), 0);
}

TEST_F(RewriteVerify, PersistentMismatchNeverSwaps) {
  seed(1000);
  std::vector<std::string> cmd{"rewrite", "--table", "accounts", "--alter", "ALTER COLUMN balance TYPE bigint"};
  SlipwayProcess run(cmd, owner_env({{"SLIPWAY_TEST_PAUSE_AT", "replay"}}));
  ASSERT_TRUE(run.wait_paused("replay")) << run.err();
  // Every row written into the shadow from now on is altered: re-copies cannot fix it.
  pg::Connection owner(owner_url_);
  owner.exec("CREATE FUNCTION corrupt() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.balance := NEW.balance + 1; "
             "RETURN NEW; END $$");
  owner.exec("CREATE TRIGGER corrupt BEFORE INSERT ON \"" + shadow() + "\" FOR EACH ROW EXECUTE FUNCTION corrupt()");
  owner.exec("UPDATE \"" + shadow() + "\" SET balance = balance + 1 WHERE id = 10");
  run.resume();
  auto r = run.wait();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("verification failed"), std::string::npos) << r.err;
  EXPECT_EQ(scalar<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                "WHERE attrelid = 'accounts'::regclass AND attname = 'balance'"),
            "integer");
  EXPECT_EQ(scalar<std::string>("SELECT status FROM slipway.rewrites"), "in_progress");
  EXPECT_EQ(differences(), 0);
}

}  // namespace
}  // namespace slipway::test
