// drop_constraint against a real PostgreSQL: the new version may write what the constraint
// forbade, `down` maps such writes to values the old, still constrained column accepts;
// complete leaves the column without the constraint (other constraints and indexes kept).
#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

class DropConstraintTest : public OpsTest {
 protected:
  void SetUp() override {
    OpsTest::SetUp();
    sql("CREATE TABLE users (id serial PRIMARY KEY, name text)");
    sql("INSERT INTO users (name) VALUES ('ann'), ('ben')");
    sql("CREATE TABLE posts (id serial PRIMARY KEY, title varchar(255) NOT NULL CONSTRAINT title_length CHECK "
        "(length(title) > 3), user_id integer CONSTRAINT fk_users_id REFERENCES users (id))");
    sql("CREATE INDEX posts_title_idx ON posts (title)");
    sql("INSERT INTO posts (title, user_id) SELECT 'title ' || g, g % 2 + 1 FROM generate_series(1, 200) g");
  }
};

TEST_F(DropConstraintTest, CheckDroppedDownKeepsTheOldVersionValid) {
  auto before = app_schema_dump();
  const std::string yaml = R"(operations:
  - drop_constraint:
      table: posts
      name: title_length
      up: title
      down: SELECT CASE WHEN length(title) <= 3 THEN LPAD(title, 4, '-') ELSE title END
)";
  start(migration_file("02_drop_check", yaml));
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_drop_check");
  new_app.exec("INSERT INTO posts (title, user_id) VALUES ('ab', 1)");
  EXPECT_EQ(text(new_app, "SELECT title FROM posts WHERE title = 'ab'"), "ab");
  EXPECT_EQ(text(old_app, "SELECT title FROM posts WHERE id = (SELECT max(id) FROM posts)"), "--ab");
  EXPECT_THROW(old_app.exec("INSERT INTO posts (title) VALUES ('xy')"), pg::CheckViolation);
  old_app.exec("INSERT INTO posts (title) VALUES ('long enough')");
  EXPECT_EQ(number(new_app, "SELECT count(*) FROM posts WHERE title = 'long enough'"), 1);
  rollback();
  EXPECT_EQ(app_schema_dump(), before);

  start(migration_file("03_drop_check", yaml));
  OpsTest::new_app("03_drop_check").exec("INSERT INTO posts (title) VALUES ('cd')");
  complete();
  EXPECT_EQ(constraint_kind("posts", "title_length"), "");
  EXPECT_EQ(constraint_kind("posts", "fk_users_id"), "f");  // on another column: untouched
  EXPECT_TRUE(column_not_null("posts", "title"));
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_indexes WHERE indexname = 'posts_title_idx'"), 1);
  EXPECT_EQ(slipway_leftovers(), "");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM posts WHERE title = 'cd'"), 1);
}

TEST_F(DropConstraintTest, ForeignKeyDropped) {
  start(migration_file("02_drop_fk", R"(operations:
  - drop_constraint:
      table: posts
      name: fk_users_id
      up: user_id
      down: SELECT CASE WHEN EXISTS (SELECT 1 FROM users WHERE users.id = user_id) THEN user_id ELSE NULL END
)"));
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_drop_fk");
  new_app.exec("INSERT INTO posts (title, user_id) VALUES ('orphan post', 99)");
  EXPECT_EQ(number(new_app, "SELECT user_id FROM posts WHERE title = 'orphan post'"), 99);
  EXPECT_EQ(text(old_app, "SELECT user_id FROM posts WHERE title = 'orphan post'"), std::nullopt);
  complete();
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_constraint WHERE conrelid = 'posts'::regclass AND contype = 'f'"), 0);
  EXPECT_EQ(constraint_kind("posts", "title_length"), "c");
  EXPECT_EQ(slipway_leftovers(), "");
}

TEST_F(DropConstraintTest, MulticolumnCheckDropped) {
  sql("ALTER TABLE posts ADD COLUMN score integer NOT NULL DEFAULT 1, "
      "ADD CONSTRAINT score_title CHECK (score > 0 OR title LIKE 'zero%')");
  start(migration_file("02_drop_multi", R"(operations:
  - drop_multicolumn_constraint:
      table: posts
      name: score_title
      up:
        score: score
        title: title
      down:
        score: SELECT CASE WHEN score <= 0 AND title NOT LIKE 'zero%' THEN 1 ELSE score END
        title: title
)"));
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_drop_multi");
  new_app.exec("INSERT INTO posts (title, score) VALUES ('negative', -3)");
  EXPECT_EQ(number(new_app, "SELECT score FROM posts WHERE title = 'negative'"), -3);
  EXPECT_EQ(number(old_app, "SELECT score FROM posts WHERE title = 'negative'"), 1);
  // The other constraint of `title` still holds in the new version.
  EXPECT_THROW(new_app.exec("INSERT INTO posts (title, score) VALUES ('ab', 1)"), pg::CheckViolation);
  complete();
  EXPECT_EQ(constraint_kind("posts", "score_title"), "");
  EXPECT_EQ(constraint_kind("posts", "title_length"), "c");
  EXPECT_EQ(slipway_leftovers(), "");
  EXPECT_EQ(scalar<long long>("SELECT score FROM posts WHERE title = 'negative'"), -3);
}

TEST_F(DropConstraintTest, UnknownConstraintIsAnError) {
  auto before = app_schema_dump();
  auto r = slipway({"start", migration_file("02_missing", "operations:\n  - drop_constraint:\n      table: posts\n      name: nope\n")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
  EXPECT_EQ(app_schema_dump(), before);
}

}  // namespace
}  // namespace slipway::test
