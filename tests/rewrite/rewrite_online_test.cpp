// int -> bigint on a primary key referenced by another table's foreign key, with the
// application writing throughout; then --undo and --cleanup. Everything runs as the table's
// owner, a role without superuser.
#include "rewrite_support.hpp"

namespace slipway::test {
namespace {

class RewriteOnline : public RewriteTest {};

TEST_F(RewriteOnline, IntToBigintWithConcurrentWriter) {
  seed(3000);
  Writer writer(app_url_);
  writer.start();
  ASSERT_TRUE(writer.advance(50));
  // Pause at every phase before the swap and let the application write meanwhile.
  SlipwayProcess run({"rewrite", "--table", "accounts", "--alter", "ALTER COLUMN id TYPE bigint", "--chunk-rows",
                      "400", "--json"},
                     owner_env({{"SLIPWAY_TEST_PAUSE_AT", "copy,replay,verify"}}));
  for (const char* phase : {"copy", "replay", "verify"}) {
    ASSERT_TRUE(run.wait_paused(phase)) << phase << ": " << run.err();
    ASSERT_TRUE(writer.advance(100)) << phase << (writer.errors().empty() ? "" : writer.errors()[0]);
    run.resume();
  }
  auto r = run.wait();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_TRUE(writer.advance(100));
  writer.stop();
  ASSERT_TRUE(writer.errors().empty()) << writer.errors()[0];

  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["status"], "swapped");
  EXPECT_GT(report["rows_copied"].get<int64_t>(), 2000);
  EXPECT_GT(report["lock_held_ms"].get<double>(), 0.0);
  EXPECT_LT(report["lock_held_ms"].get<double>(), 2000.0);

  // Every row equals the writer's view of the world.
  EXPECT_EQ(differences(), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM accounts"), scalar<int64_t>("SELECT count(*) FROM accounts_ref"));
  // The new definition, with its indexes, constraints and comment.
  EXPECT_EQ(scalar<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                "WHERE attrelid = 'accounts'::regclass AND attname = 'id'"),
            "bigint");
  EXPECT_EQ(scalar<std::string>("SELECT conname FROM pg_constraint WHERE conrelid = 'accounts'::regclass AND contype = 'p'"),
            "accounts_pkey");
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('accounts_name_idx') IS NOT NULL AND "
                           "(SELECT indrelid = 'accounts'::regclass FROM pg_index WHERE indexrelid = 'accounts_name_idx'::regclass)"));
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM pg_constraint WHERE conrelid = 'accounts'::regclass AND contype = 'c'"), 1);
  EXPECT_EQ(scalar<std::string>("SELECT obj_description('accounts'::regclass, 'pg_class')"), "the accounts");
  EXPECT_EQ(scalar<std::string>("SELECT col_description('accounts'::regclass, 3)"), "in cents");
  // The sequence follows the column, continues, and was widened.
  EXPECT_EQ(scalar<std::string>("SELECT pg_get_serial_sequence('accounts', 'id')"), "public.accounts_id_seq");
  EXPECT_EQ(scalar<std::string>("SELECT seqtypid::regtype::text FROM pg_sequence WHERE seqrelid = 'accounts_id_seq'::regclass"),
            "bigint");
  pg::Connection app(app_url_);
  auto max_before = scalar<int64_t>("SELECT max(id) FROM accounts");
  auto new_id = app.query_value<int64_t>("INSERT INTO accounts (name) VALUES ('after') RETURNING id");
  EXPECT_GT(*new_id, max_before);
  // The foreign key points at the new table and is valid.
  EXPECT_TRUE(scalar<bool>("SELECT convalidated AND confrelid = 'accounts'::regclass FROM pg_constraint "
                           "WHERE conrelid = 'orders'::regclass AND contype = 'f'"));
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM orders o LEFT JOIN accounts a ON a.id = o.account_id WHERE a.id IS NULL"), 0);
  EXPECT_THROW(app.exec("INSERT INTO orders (account_id) VALUES (-5)"), pg::ForeignKeyViolation);
  // The view reads the new table; grants, trigger, policy kept.
  EXPECT_EQ(*app.query_value<int64_t>("SELECT count(*) FROM rich"),
            scalar<int64_t>("SELECT count(*) FROM accounts WHERE balance > 500"));
  EXPECT_EQ(scalar<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                "WHERE attrelid = 'rich'::regclass AND attname = 'id'"),
            "bigint");
  EXPECT_TRUE(scalar<bool>("SELECT has_table_privilege('" + app_ + "', 'accounts', 'INSERT,UPDATE,DELETE,SELECT')"));
  EXPECT_TRUE(scalar<bool>("SELECT has_table_privilege('" + app_ + "', 'rich', 'SELECT')"));
  EXPECT_EQ(scalar<std::string>("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'accounts'::regclass"), owner_);
  EXPECT_TRUE(scalar<bool>("SELECT relrowsecurity FROM pg_class WHERE oid = 'accounts'::regclass"));
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM pg_policy WHERE polrelid = 'accounts'::regclass"), 1);
  auto audit = scalar<int64_t>("SELECT n FROM audit");
  app.exec_params("DELETE FROM accounts WHERE id = $1", *new_id);
  EXPECT_EQ(scalar<int64_t>("SELECT n FROM audit"), audit + 1) << "the trigger must fire once, on the new table only";

  // The old table is kept for the rollback window and kept in sync: --undo swaps it back.
  std::string old_table = report["old_table"];
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('" + old_table + "') IS NOT NULL"));
  app.exec("INSERT INTO accounts_ref (id, name, balance, note) "
           "SELECT id, name, balance, note FROM accounts WHERE name = 'x'");  // nothing: keeps ref honest
  Writer writer2(app_url_);
  writer2.start();
  ASSERT_TRUE(writer2.advance(200));
  auto undo = slipway_as_owner({"rewrite", "--table", "accounts", "--undo", "--json"});
  ASSERT_TRUE(writer2.advance(100));
  writer2.stop();
  ASSERT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  ASSERT_TRUE(writer2.errors().empty()) << writer2.errors()[0];
  EXPECT_EQ(nlohmann::json::parse(undo.out)["status"], "undone");
  EXPECT_EQ(scalar<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                "WHERE attrelid = 'accounts'::regclass AND attname = 'id'"),
            "integer");
  EXPECT_EQ(differences(), 0);
  EXPECT_TRUE(scalar<bool>("SELECT convalidated AND confrelid = 'accounts'::regclass FROM pg_constraint "
                           "WHERE conrelid = 'orders'::regclass AND contype = 'f'"));
  EXPECT_EQ(scalar<std::string>("SELECT conname FROM pg_constraint WHERE conrelid = 'accounts'::regclass AND contype = 'p'"),
            "accounts_pkey");
  EXPECT_EQ(*app.query_value<int64_t>("SELECT count(*) FROM rich"),
            scalar<int64_t>("SELECT count(*) FROM accounts WHERE balance > 500"));
  auto max_now = scalar<int64_t>("SELECT max(id) FROM accounts");
  EXPECT_GT(*app.query_value<int64_t>("INSERT INTO accounts (name) VALUES ('undone') RETURNING id"), max_now);
  EXPECT_TRUE(helper_objects().empty()) << helper_objects()[0];
}

TEST_F(RewriteOnline, CleanupDropsTheOldTable) {
  seed(500);
  auto r = slipway_as_owner({"rewrite", "--table", "accounts", "--alter", "ALTER COLUMN id TYPE bigint, ADD COLUMN flag boolean NOT NULL DEFAULT true"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("exclusive lock held"), std::string::npos) << r.out;
  EXPECT_FALSE(helper_objects().empty());
  // Re-running the same command while swapped does nothing more.
  auto again = slipway_as_owner({"rewrite", "--table", "accounts", "--alter", "ALTER COLUMN id TYPE bigint, ADD COLUMN flag boolean NOT NULL DEFAULT true"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already swapped"), std::string::npos) << again.out;
  // A different rewrite of the same table is refused while this one is open.
  auto other = slipway_as_owner({"repack", "--table", "accounts"});
  EXPECT_EQ(other.exit_code, 2) << other.err;
  auto c = slipway_as_owner({"rewrite", "--table", "accounts", "--cleanup"});
  ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_TRUE(helper_objects().empty()) << helper_objects()[0];
  EXPECT_EQ(differences(), 0);
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM accounts WHERE flag"), 500);
  // The table is an ordinary table again: another rewrite can start.
  auto next = slipway_as_owner({"repack", "--table", "accounts"});
  EXPECT_EQ(next.exit_code, 0) << next.err;
}

}  // namespace
}  // namespace slipway::test
