// The inspector against a schema that uses every kind of object it reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "util/error.hpp"

#include "catalog/inspector.hpp"
#include "support/pg_test.hpp"

namespace {

using slipway::catalog::Inspector;

class Catalog : public slipway::test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    sql(R"(
      CREATE TABLE authors (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
      CREATE TABLE books (
        id bigserial PRIMARY KEY,
        author_id bigint NOT NULL REFERENCES authors(id),
        isbn varchar(13) NOT NULL,
        title text COLLATE "C",
        price numeric(10,2) DEFAULT 0 CHECK (price >= 0),
        title_upper text GENERATED ALWAYS AS (upper(title)) STORED,
        UNIQUE (isbn));
      COMMENT ON TABLE books IS 'the catalogue';
      COMMENT ON COLUMN books.isbn IS 'ISBN-13';
      ALTER TABLE books ADD CONSTRAINT title_not_empty CHECK (title <> '') NOT VALID;
      CREATE INDEX books_title_partial ON books (title) WHERE price > 0;
      CREATE VIEW cheap_books AS SELECT id, title FROM books WHERE price < 10;
      CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER books_touch BEFORE UPDATE ON books FOR EACH ROW EXECUTE FUNCTION touch();
      ALTER TABLE books REPLICA IDENTITY FULL;
      CREATE TABLE events (id int NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
      CREATE UNIQUE INDEX events_key ON events (id, at);
      CREATE TABLE keyless (a int, b int);
      INSERT INTO authors (name) VALUES ('a'), ('b');
      ANALYZE authors;
    )");
  }
};

TEST_F(Catalog, ReadsTablesColumnsAndKeys) {
  auto conn = connect();
  Inspector inspector(conn);
  auto tables = inspector.tables("public");
  ASSERT_EQ(tables.size(), 4u);
  const auto& books = tables.at("books");
  EXPECT_EQ(books.primary_key, std::vector<std::string>{"id"});
  ASSERT_EQ(books.unique_keys.size(), 1u);
  EXPECT_EQ(books.unique_keys[0], std::vector<std::string>{"isbn"});
  EXPECT_EQ(books.comment.value_or(""), "the catalogue");
  EXPECT_EQ(books.replica_identity, 'f');

  const auto* isbn = books.column("isbn");
  ASSERT_NE(isbn, nullptr);
  EXPECT_EQ(isbn->type, "character varying(13)");
  EXPECT_TRUE(isbn->not_null);
  EXPECT_EQ(isbn->comment.value_or(""), "ISBN-13");
  EXPECT_EQ(books.column("title")->collation.value_or(""), "C");
  EXPECT_EQ(books.column("price")->default_expr.value_or(""), "0");
  EXPECT_EQ(books.column("title_upper")->generated, 's');
  EXPECT_NE(books.column("title_upper")->generation_expr.value_or("").find("upper"), std::string::npos);
  EXPECT_NE(books.column("id")->default_expr.value_or("").find("nextval"), std::string::npos);

  const auto& authors = tables.at("authors");
  EXPECT_EQ(authors.column("id")->identity, 'a');
  EXPECT_EQ(authors.row_estimate, 2);
  EXPECT_FALSE(authors.owned_sequences.empty());  // the identity's sequence

  EXPECT_EQ(tables.at("events").kind, 'p');
  EXPECT_EQ(tables.at("events").batch_key().value_or(std::vector<std::string>{}),
            (std::vector<std::string>{"id", "at"}));
  EXPECT_FALSE(tables.at("keyless").batch_key().has_value());
}

// Describing a table (pg_get_indexdef, pg_get_constraintdef, pg_get_expr) opens it with ACCESS
// SHARE, so reading the catalog queues behind another session's ACCESS EXCLUSIVE (a long ALTER,
// VACUUM FULL, CLUSTER). The inspector must wait there only in lock_timeout slices: give up
// (exit 3) when its retries run out, and get through once the holder commits.
TEST_F(Catalog, ReadingTheCatalogNeverQueuesBehindATableLock) {
  auto holder = connect();
  std::atomic<bool> locked{false};
  std::thread hold([&] {
    pqxx::work tx(holder.raw());
    tx.exec("LOCK TABLE books IN ACCESS EXCLUSIVE MODE");
    locked = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the long ALTER itself
    tx.commit();
  });
  while (!locked) std::this_thread::yield();
  auto conn = connect();

  slipway::pg::LockPolicy impatient;
  impatient.lock_timeout = std::chrono::milliseconds(50);
  impatient.max_retries = 2;
  impatient.backoff_initial = std::chrono::milliseconds(10);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(Inspector(conn, impatient).tables("public"), slipway::LockGaveUp);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000)) << "it waited for the lock";

  slipway::pg::LockPolicy patient;
  patient.lock_timeout = std::chrono::milliseconds(50);
  patient.backoff_max = std::chrono::milliseconds(100);
  std::map<std::string, slipway::catalog::Table> tables;
  EXPECT_NO_THROW(tables = Inspector(conn, patient).tables("public"));
  EXPECT_EQ(tables.count("books"), 1u);
  EXPECT_FALSE(tables["books"].indexes.empty());
  hold.join();
}

TEST_F(Catalog, ReadsIndexesConstraintsTriggersViewsAndSequences) {
  auto conn = connect();
  Inspector inspector(conn);
  auto books = *inspector.table("public", "books");

  const auto* partial = books.index("books_title_partial");
  ASSERT_NE(partial, nullptr);
  EXPECT_TRUE(partial->partial);
  EXPECT_TRUE(partial->valid);
  EXPECT_EQ(partial->method, "btree");
  EXPECT_NE(partial->definition.find("WHERE"), std::string::npos);

  const auto* check = books.constraint("title_not_empty");
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->type, 'c');
  EXPECT_FALSE(check->validated);
  auto fk = std::find_if(books.constraints.begin(), books.constraints.end(), [](auto& c) { return c.type == 'f'; });
  ASSERT_NE(fk, books.constraints.end());
  EXPECT_EQ(fk->referenced_table.value_or(""), "authors");
  EXPECT_EQ(fk->columns, std::vector<std::string>{"author_id"});
  EXPECT_EQ(fk->referenced_columns, std::vector<std::string>{"id"});
  EXPECT_TRUE(fk->validated);

  ASSERT_EQ(books.triggers.size(), 1u);  // internal FK triggers are not reported
  EXPECT_EQ(books.triggers[0].name, "books_touch");
  EXPECT_EQ(books.dependent_views, std::vector<std::string>{"cheap_books"});
  EXPECT_EQ(books.owned_sequences, std::vector<std::string>{"books_id_seq"});
}

TEST_F(Catalog, SeesInvalidIndexesAndMissingObjects) {
  sql("INSERT INTO books (author_id, isbn, title) SELECT 1, 'dup', 'x' FROM generate_series(1, 1)");
  sql("INSERT INTO keyless VALUES (1, 1), (1, 1)");
  EXPECT_ANY_THROW(sql("CREATE UNIQUE INDEX CONCURRENTLY keyless_a ON keyless (a)"));
  auto conn = connect();
  Inspector inspector(conn);
  auto keyless = *inspector.table("public", "keyless");
  ASSERT_NE(keyless.index("keyless_a"), nullptr);
  EXPECT_FALSE(keyless.index("keyless_a")->valid);
  EXPECT_TRUE(keyless.unique_keys.empty());
  EXPECT_FALSE(inspector.table("public", "nope").has_value());
  EXPECT_TRUE(inspector.relation_exists("public", "cheap_books"));
  EXPECT_FALSE(inspector.schema_exists("nope"));
}

// What complete's refresh of a version schema compares with the columns it wants.
TEST_F(Catalog, ReadsTheColumnsOfASchemasViewsInOrder) {
  sql(R"(CREATE SCHEMA v1; CREATE VIEW v1.books AS SELECT title, id AS "a,b" FROM books;)");
  auto conn = connect();
  Inspector inspector(conn);
  auto views = inspector.view_columns("v1");
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views.at("books"), (std::vector<std::string>{"title", "a,b"}));
  EXPECT_EQ(inspector.view_columns("public").at("cheap_books"), (std::vector<std::string>{"id", "title"}));
  EXPECT_TRUE(inspector.view_columns("nope").empty());
}

TEST(CatalogArrays, TextArrayLiteralsRoundTrip) {
  std::vector<std::string> v{"a", "b c", "quote\"d", "back\\slash", ""};
  auto lit = slipway::catalog::text_array_literal(v);
  EXPECT_EQ(slipway::catalog::parse_text_array(lit), v);
  EXPECT_TRUE(slipway::catalog::parse_text_array("{}").empty());
  EXPECT_EQ(slipway::catalog::parse_text_array("{a,b}"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
