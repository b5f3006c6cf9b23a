// Refusals: what the rewrite cannot do safely is refused before anything changes (exit 2).
#include "support/pg_test.hpp"

namespace slipway::test {
namespace {

class RewriteRefusal : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_EQ(slipway({"init"}).exit_code, 0);
  }
  void expect_refused(const std::vector<std::string>& args, const std::string& message) {
    std::string before = schema_dump();
    auto r = slipway(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(schema_dump(), before) << "a refused rewrite changed the schema";
    EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM slipway.rewrites"), 0);
  }
};

TEST_F(RewriteRefusal, TableWithoutKey) {
  sql("CREATE TABLE nokey (a int, b text)");
  expect_refused({"rewrite", "--table", "nokey", "--alter", "ALTER COLUMN a TYPE bigint"}, "no primary key");
}

TEST_F(RewriteRefusal, MissingTable) {
  expect_refused({"repack", "--table", "nosuch"}, "does not exist");
}

TEST_F(RewriteRefusal, UsingClause) {
  sql("CREATE TABLE t (id int PRIMARY KEY, v text)");
  expect_refused({"rewrite", "--table", "t", "--alter", "ALTER COLUMN v TYPE int USING length(v)"}, "USING");
}

// --alter is ALTER TABLE subcommands of the named table and nothing else: a second statement,
// whatever it does, is refused before anything runs.
TEST_F(RewriteRefusal, AlterCannotRunAnotherStatement) {
  sql("CREATE TABLE t (id int PRIMARY KEY, v text)");
  sql("CREATE TABLE other (id int PRIMARY KEY)");
  expect_refused({"rewrite", "--table", "t", "--alter", "ADD COLUMN x int; DROP TABLE other"}, "2 statements");
  expect_refused({"rewrite", "--table", "t", "--alter", "ADD COLUMN x int; DROP TABLE other; --"}, "--alter");
  expect_refused({"rewrite", "--table", "t", "--alter", "RENAME TO other2"}, "RENAME");
  expect_refused({"rewrite", "--table", "t", "--alter", "OWNER TO CURRENT_USER"}, "OWNER TO");
  sql("INSERT INTO other VALUES (1)");
  expect_refused({"rewrite", "--table", "t", "--alter", "ADD COLUMN x int", "--throttle-query",
                  "WITH d AS (DELETE FROM other RETURNING 1) SELECT false"},
                 "--throttle-query");
  EXPECT_EQ(scalar<int64_t>("SELECT count(*) FROM other"), 1) << "the other table must still exist, unchanged";
}

TEST_F(RewriteRefusal, InvalidAlter) {
  sql("CREATE TABLE t (id int PRIMARY KEY, v text)");
  expect_refused({"rewrite", "--table", "t", "--alter", "ALTER COLUMN nosuch TYPE bigint"}, "is not valid");
}

TEST_F(RewriteRefusal, DroppingTheKey) {
  sql("CREATE TABLE t (id int PRIMARY KEY, v text)");
  expect_refused({"rewrite", "--table", "t", "--alter", "DROP COLUMN id"}, "key column");
}

TEST_F(RewriteRefusal, MaterializedViewAndNestedViews) {
  sql("CREATE TABLE t (id int PRIMARY KEY, v text)");
  sql("CREATE MATERIALIZED VIEW mv AS SELECT id FROM t");
  expect_refused({"repack", "--table", "t"}, "materialized view");
  sql("DROP MATERIALIZED VIEW mv");
  sql("CREATE VIEW v1 AS SELECT id FROM t");
  sql("CREATE VIEW v2 AS SELECT id FROM v1");
  expect_refused({"repack", "--table", "t"}, "used by other views");
}

TEST_F(RewriteRefusal, PublicationAndPartitions) {
  sql("CREATE TABLE t (id int PRIMARY KEY)");
  sql("CREATE PUBLICATION p FOR TABLE t");
  expect_refused({"repack", "--table", "t"}, "publication");
  sql("CREATE TABLE pt (id int, PRIMARY KEY (id)) PARTITION BY RANGE (id)");
  expect_refused({"repack", "--table", "pt"}, "partitioned");
}

TEST_F(RewriteRefusal, AbortOrUndoWithNothingOpen) {
  sql("CREATE TABLE t (id int PRIMARY KEY)");
  expect_refused({"rewrite", "--table", "t", "--abort"}, "nothing to abort");
  expect_refused({"rewrite", "--table", "t", "--undo"}, "nothing to undo");
}

}  // namespace
}  // namespace slipway::test
