// alter_column against a real PostgreSQL: the old version keeps its column, the new version
// sees the duplicate; up and down keep both in sync for writes from either side; complete swaps;
// rollback restores; changes that need no duplicate create none.
#include <nlohmann/json.hpp>

#include "migration/ops_test_support.hpp"
#include "support/slipway_process.hpp"

namespace slipway::test {
namespace {

class AlterColumnTest : public OpsTest {
 protected:
  void SetUp() override {
    OpsTest::SetUp();
    sql("CREATE TABLE reviews (id serial PRIMARY KEY, product text NOT NULL, review text, rating text DEFAULT '0')");
    sql("CREATE INDEX reviews_rating_idx ON reviews (rating)");
    sql("INSERT INTO reviews (product, review, rating) SELECT 'p' || g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'r' || g END, "
        "(g % 5)::text FROM generate_series(1, 300) g");
  }
};

TEST_F(AlterColumnTest, TypeChangeSyncsBothWays) {
  start(migration_file("02_rating_integer", R"(operations:
  - alter_column:
      table: reviews
      column: rating
      type: integer
      up: CAST(rating AS integer)
      down: CAST(rating AS text)
)"));
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_rating_integer");
  EXPECT_EQ(text(new_app, "SELECT pg_typeof(rating)::text FROM reviews LIMIT 1"), "integer");
  EXPECT_EQ(text(old_app, "SELECT pg_typeof(rating)::text FROM reviews LIMIT 1"), "text");
  EXPECT_EQ(number(new_app, "SELECT sum(rating) FROM reviews"), 600);

  old_app.exec("INSERT INTO reviews (product, rating) VALUES ('old', '7')");
  EXPECT_EQ(number(new_app, "SELECT rating FROM reviews WHERE product = 'old'"), 7);
  new_app.exec("INSERT INTO reviews (product, rating) VALUES ('new', 9)");
  EXPECT_EQ(text(old_app, "SELECT rating FROM reviews WHERE product = 'new'"), "9");
  old_app.exec("UPDATE reviews SET rating = '3' WHERE product = 'new'");
  EXPECT_EQ(number(new_app, "SELECT rating FROM reviews WHERE product = 'new'"), 3);
  new_app.exec("UPDATE reviews SET rating = 4 WHERE product = 'old'");
  EXPECT_EQ(text(old_app, "SELECT rating FROM reviews WHERE product = 'old'"), "4");
  // The new version's default is the old one's, converted by the view.
  new_app.exec("INSERT INTO reviews (product) VALUES ('default')");
  EXPECT_EQ(text(old_app, "SELECT rating FROM reviews WHERE product = 'default'"), "0");

  complete();
  EXPECT_EQ(column_type("reviews", "rating"), "integer");
  EXPECT_EQ(slipway_leftovers(), "");
  // The plain index on the column was carried over under its own name.
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_indexes WHERE indexname = 'reviews_rating_idx' AND indexdef LIKE '%(rating)%'"), 1);
  EXPECT_EQ(scalar<long long>("SELECT sum(rating) FROM reviews"), 600 + 4 + 3 + 0);
}

TEST_F(AlterColumnTest, SetNotNullFillsWithUpAndEnforcesForTheNewVersion) {
  start(migration_file("02_review_not_null", R"(operations:
  - alter_column:
      table: reviews
      column: review
      nullable: false
      up: SELECT CASE WHEN review IS NULL THEN product || ' is good' ELSE review END
      down: review
)"));
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_review_not_null");
  EXPECT_EQ(number(new_app, "SELECT count(*) FROM reviews WHERE review IS NULL"), 0);
  EXPECT_EQ(text(new_app, "SELECT review FROM reviews WHERE product = 'p3'"), "p3 is good");
  EXPECT_EQ(number(old_app, "SELECT count(*) FROM reviews WHERE review IS NULL"), 100);

  old_app.exec("INSERT INTO reviews (product) VALUES ('quiet')");
  EXPECT_EQ(text(new_app, "SELECT review FROM reviews WHERE product = 'quiet'"), "quiet is good");
  EXPECT_THROW(new_app.exec("INSERT INTO reviews (product, review) VALUES ('loud', NULL)"), pg::CheckViolation);
  new_app.exec("INSERT INTO reviews (product, review) VALUES ('loud', 'great')");
  EXPECT_EQ(text(old_app, "SELECT review FROM reviews WHERE product = 'loud'"), "great");

  complete();
  EXPECT_TRUE(column_not_null("reviews", "review"));
  EXPECT_EQ(slipway_leftovers(), "");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM reviews WHERE review IS NULL"), 0);
}

TEST_F(AlterColumnTest, SeveralChangesAtOnceThenRollbackRestores) {
  auto before = app_schema_dump();
  const std::string yaml = R"(operations:
  - alter_column:
      table: reviews
      column: review
      type: varchar(100)
      default: '''unknown'''
      nullable: false
      comment: the review text
      unique:
        name: reviews_review_unique
      check:
        name: review_length
        constraint: length(review) > 3
      up: SELECT CASE WHEN review IS NULL OR length(review) <= 3 THEN 'placeholder-' || id ELSE review END
      down: review
)";
  start(migration_file("02_review_many", yaml));
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_review_many");
  EXPECT_EQ(text(new_app, "SELECT review FROM reviews WHERE product = 'p3'"), "placeholder-3");
  new_app.exec("INSERT INTO reviews (product) VALUES ('defaulted')");
  EXPECT_EQ(text(new_app, "SELECT review FROM reviews WHERE product = 'defaulted'"), "unknown");
  EXPECT_EQ(text(old_app, "SELECT review FROM reviews WHERE product = 'defaulted'"), "unknown");
  EXPECT_THROW(new_app.exec("INSERT INTO reviews (product, review) VALUES ('dup', 'unknown')"), pg::UniqueViolation);
  EXPECT_THROW(new_app.exec("INSERT INTO reviews (product, review) VALUES ('short', 'abc')"), pg::CheckViolation);
  old_app.exec("INSERT INTO reviews (product, review) VALUES ('old', 'ok')");
  EXPECT_EQ(text(new_app, "SELECT review FROM reviews WHERE product = 'old'"),
            "placeholder-" + *text(old_app, "SELECT id FROM reviews WHERE product = 'old'"));

  rollback();
  EXPECT_EQ(app_schema_dump(), before);
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM reviews"), 302);

  // The same migration again, this time completed.
  start(migration_file("03_review_many", yaml));
  complete();
  EXPECT_EQ(column_type("reviews", "review"), "character varying(100)");
  EXPECT_TRUE(column_not_null("reviews", "review"));
  EXPECT_EQ(constraint_kind("reviews", "reviews_review_unique"), "u");
  EXPECT_EQ(constraint_kind("reviews", "review_length"), "c");
  EXPECT_EQ(scalar<std::string>("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'reviews'::regclass "
                                "AND adnum = (SELECT attnum FROM pg_attribute WHERE attrelid = 'reviews'::regclass "
                                "AND attname = 'review')"),
            "'unknown'::character varying");
  EXPECT_EQ(slipway_leftovers(), "");
}

TEST_F(AlterColumnTest, RenameDefaultAndCommentNeedNoDuplicate) {
  start(migration_file("02_rename", R"(operations:
  - alter_column:
      table: reviews
      column: rating
      name: stars
      default: '''5'''
      comment: how many stars
)"));
  EXPECT_EQ(count_temporaries("reviews"), 0);
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'reviews'::regclass"), 0);
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_rename");
  new_app.exec("INSERT INTO reviews (product) VALUES ('new')");
  EXPECT_EQ(text(new_app, "SELECT stars FROM reviews WHERE product = 'new'"), "5");
  old_app.exec("INSERT INTO reviews (product) VALUES ('old')");
  EXPECT_EQ(text(new_app, "SELECT stars FROM reviews WHERE product = 'old'"), "0");
  complete();
  EXPECT_TRUE(has_column("reviews", "stars"));
  EXPECT_FALSE(has_column("reviews", "rating"));
  EXPECT_EQ(scalar<std::string>("SELECT col_description('reviews'::regclass, 4)"), "how many stars");
}

TEST_F(AlterColumnTest, BadUpIsAnErrorAndDownOnlyAWarning) {
  auto before = app_schema_dump();
  auto r = slipway({"start", migration_file("02_bad_up", R"(operations:
  - alter_column:
      table: reviews
      column: rating
      type: integer
      up: CAST(no_such_column AS integer)
      down: CAST(rating AS text)
)")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("up"), std::string::npos) << r.err;
  EXPECT_EQ(app_schema_dump(), before);

  r = start(migration_file("03_bad_down", R"(operations:
  - alter_column:
      table: reviews
      column: rating
      type: integer
      up: CAST(rating AS integer)
      down: no_such_column
)"));
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
  rollback();
  EXPECT_EQ(app_schema_dump(), before);
}

TEST_F(AlterColumnTest, SerialPrimaryKeyToBigintKeepsKeyAndSequence) {
  start(migration_file("02_id_bigint", R"(operations:
  - alter_column:
      table: reviews
      column: id
      type: bigint
      up: id
      down: id
)"));
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_id_bigint");
  old_app.exec("INSERT INTO reviews (product) VALUES ('old')");
  new_app.exec("INSERT INTO reviews (product) VALUES ('new')");
  EXPECT_EQ(text(new_app, "SELECT id::text FROM reviews WHERE product = 'old'"),
            text(old_app, "SELECT id::text FROM reviews WHERE product = 'old'"));
  EXPECT_EQ(text(old_app, "SELECT id::text FROM reviews WHERE product = 'new'"),
            text(new_app, "SELECT id::text FROM reviews WHERE product = 'new'"));
  EXPECT_THROW(new_app.exec("INSERT INTO reviews (id, product) VALUES (1, 'dup')"), pg::UniqueViolation);
  complete();
  EXPECT_EQ(column_type("reviews", "id"), "bigint");
  EXPECT_EQ(constraint_kind("reviews", "reviews_pkey"), "p");
  EXPECT_EQ(slipway_leftovers(), "");
  // The sequence moved with the column: it still exists and still feeds new rows.
  EXPECT_EQ(scalar<std::string>("SELECT pg_get_serial_sequence('reviews', 'id')"), "public.reviews_id_seq");
  sql("INSERT INTO reviews (product) VALUES ('after')");
  EXPECT_EQ(scalar<long long>("SELECT count(DISTINCT id) FROM reviews"), 303);
}

TEST_F(AlterColumnTest, TypeAndNameTogether) {
  start(migration_file("02_rating_stars", R"(operations:
  - alter_column:
      table: reviews
      column: rating
      name: stars
      type: smallint
      up: CAST(rating AS smallint)
      down: CAST(stars AS text)
)"));
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_rating_stars");
  new_app.exec("INSERT INTO reviews (product, stars) VALUES ('new', 4)");
  EXPECT_EQ(text(old_app, "SELECT rating FROM reviews WHERE product = 'new'"), "4");
  old_app.exec("INSERT INTO reviews (product, rating) VALUES ('old', '2')");
  EXPECT_EQ(number(new_app, "SELECT stars FROM reviews WHERE product = 'old'"), 2);
  complete();
  EXPECT_EQ(column_type("reviews", "stars"), "smallint");
  EXPECT_FALSE(has_column("reviews", "rating"));
  EXPECT_EQ(slipway_leftovers(), "");
}

TEST_F(AlterColumnTest, ReferencedColumnOrViewBlocksTheChangeUpFront) {
  sql("CREATE TABLE replies (id serial PRIMARY KEY, review_id integer REFERENCES reviews (id))");
  sql("CREATE VIEW review_products AS SELECT product FROM reviews");
  auto before = app_schema_dump();
  auto r = slipway({"start", migration_file("02_id", R"(operations:
  - alter_column:
      table: reviews
      column: id
      type: bigint
)")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("replies_review_id_fkey"), std::string::npos) << r.err;
  r = slipway({"start", migration_file("03_product", R"(operations:
  - alter_column:
      table: reviews
      column: product
      type: varchar(100)
)")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("review_products"), std::string::npos) << r.err;
  EXPECT_EQ(app_schema_dump(), before);
}

// kill -9 before every step of start (then rollback, or start again), and before the validation
// and the swap of complete (then complete again): the duplicate, its checks, index, trigger and
// backfill are all re-runnable, and the data ends right. Uses the applier's test hook
// (SLIPWAY_TEST_PAUSE_AT): slipway announces the step in a file and waits to be killed.
class AlterColumnKillTest : public AlterColumnTest {
 protected:
  void kill_at(const std::string& command, const std::string& file, const std::string& step) {
    std::vector<std::string> args{command};
    if (command == "start") args.push_back(file);
    run_until_step_then_kill(url(), args, step);
  }

  std::vector<std::string> step_ids(const std::string& file, const std::string& phase) {
    auto r = slipway({"plan", "--json", file});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> ids;
    auto plan = nlohmann::json::parse(r.out);
    for (const auto& a : plan[phase]) ids.push_back(a["id"]);
    return ids;
  }

  void expect_new_version_right(const std::string& migration) {
    auto neu = new_app(migration);
    EXPECT_EQ(number(neu, "SELECT count(*) FROM reviews WHERE review IS NULL OR length(review) <= 3"), 0);
    EXPECT_EQ(text(neu, "SELECT review FROM reviews WHERE product = 'p3'"), "placeholder-3");
  }
};

TEST_F(AlterColumnKillTest, KilledBeforeEveryStepRecovers) {
  ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  auto before = app_schema_dump();
  auto file = migration_file("02_review", R"(operations:
  - alter_column:
      table: reviews
      column: review
      type: varchar(100)
      nullable: false
      unique:
        name: reviews_review_unique
      check:
        name: review_length
        constraint: length(review) > 3
      up: SELECT CASE WHEN review IS NULL OR length(review) <= 3 THEN 'placeholder-' || id ELSE review END
      down: review
)");
  auto start_ids = step_ids(file, "start");
  auto complete_ids = step_ids(file, "complete");
  ASSERT_GE(start_ids.size(), 6u);
  for (const auto& id : start_ids) {
    SCOPED_TRACE("start killed before " + id);
    kill_at("start", file, id);
    ASSERT_EQ(slipway({"rollback"}).exit_code, 0);
    EXPECT_EQ(app_schema_dump(), before);
    kill_at("start", file, id);
    auto r = slipway({"start", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_new_version_right("02_review");
    ASSERT_EQ(slipway({"rollback"}).exit_code, 0);
    EXPECT_EQ(app_schema_dump(), before);
  }

  start(file);
  for (const auto& id : complete_ids) {
    if (id.find("alter_column:") != 0) continue;  // the engine's own steps are tested elsewhere
    SCOPED_TRACE("complete killed before " + id);
    kill_at("complete", file, id);
  }
  complete();
  EXPECT_EQ(column_type("reviews", "review"), "character varying(100)");
  EXPECT_TRUE(column_not_null("reviews", "review"));
  EXPECT_EQ(constraint_kind("reviews", "reviews_review_unique"), "u");
  EXPECT_EQ(constraint_kind("reviews", "review_length"), "c");
  EXPECT_EQ(slipway_leftovers(), "");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM reviews WHERE length(review) <= 3"), 0);
}

}  // namespace
}  // namespace slipway::test
