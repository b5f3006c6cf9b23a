// The gate for user text put into slipway's SQL: accepted shapes and refused ones, on the text
// alone (no database).
#include <gtest/gtest.h>

#include "lint/user_text.hpp"

using namespace slipway::lint;

namespace {

TEST(UserText, ExpressionsAreOneExpression) {
  for (const char* ok : {"lower(email)", "price * 100", "CAST(a AS integer) + 1", "'a;b' || $$)$$",
                         "SELECT max(id) FROM other", "CASE WHEN a THEN 1 ELSE 2 END", "a /* note */ + 1",
                         "x -- note\n + 1", "now()", "'{}'::jsonb",
                         "(a) OR (b)", "ARRAY[1, 2]", "(SELECT 1) + 1", "WITH x AS (SELECT 1 AS n) SELECT n FROM x",
                         "VALUES (1)", "f(a, b)"}) {
    EXPECT_FALSE(expression_problem(ok)) << ok;
  }
  for (const char* bad : {"1; DROP TABLE accounts", "1); DROP TABLE accounts; SELECT (1", "1) FROM accounts WHERE (true",
                          "1), (2", "1) UNION SELECT (2", "true) OR (true", "a) OR (b", "SELECT 1) OR (SELECT 2",
                          "1, 2", "1) ORDER BY (1", "1 -- hides the rest", "1) --", "",
                          "lower(x) lower(y)"}) {
    EXPECT_TRUE(expression_problem(bad)) << bad;
  }
  EXPECT_NE(expression_problem("1; DROP TABLE accounts")->what.find("is not one SQL expression"), std::string::npos);
  EXPECT_NE(expression_problem("1 -- x")->what.find("comment"), std::string::npos);
}

TEST(UserText, TypesAreOneTypeName) {
  for (const char* ok : {"bigint", "varchar(20)", "numeric(10,2)[]", "timestamp with time zone", "double precision",
                         "\"My Type\"", "public.mood", "serial", "int ARRAY", "interval day to second", "bit varying(3)"}) {
    EXPECT_FALSE(type_problem(ok)) << ok;
  }
  for (const char* bad : {"int; DROP TABLE accounts", "int) + (1", "int DEFAULT 1", "int NOT NULL", "int --",
                          "int) --", "int COLLATE \"C\"", "", "int, b text"}) {
    EXPECT_TRUE(type_problem(bad)) << bad;
  }
}

TEST(UserText, AssignmentsAreTheSetListOnly) {
  for (const char* ok : {"full_name = first_name || ' ' || last_name", "a = 1, b = lower(c)", "\"Odd\" = 1",
                         "(a, b) = (1, 2)", "tags[1] = 'x'", "a = (SELECT 1)"}) {
    EXPECT_FALSE(assignments_problem(ok)) << ok;
  }
  for (const char* bad : {"a = 1; DROP TABLE accounts", "a = 1 WHERE true", "a = 1 WHERE", "a = 1 --",
                          "a = 1 FROM accounts", "a = 1 RETURNING *", "a = 1,", "", "1", "a = 1 WHERE x OR",
                          "a = 1, _slipway_end = NULL --"}) {
    EXPECT_TRUE(assignments_problem(bad)) << bad;
  }
}

TEST(UserText, QueriesAreOneReadOnlySelect) {
  for (const char* ok : {"SELECT true", "SELECT count(*) > 10 FROM pg_stat_activity", "VALUES (false)",
                         "WITH x AS (SELECT 1 AS n) SELECT n > 0 FROM x", "SELECT true -- comment"}) {
    EXPECT_FALSE(query_problem(ok)) << ok;
  }
  for (const char* bad : {"SELECT true; DROP TABLE accounts", "DROP TABLE accounts",
                          "WITH d AS (DELETE FROM accounts RETURNING 1) SELECT true",
                          "SELECT true INTO newtable", "SELECT true FROM accounts FOR UPDATE",
                          "UPDATE accounts SET a = 1 RETURNING true", "", "SELEC true"}) {
    EXPECT_TRUE(query_problem(bad)) << bad;
  }
}

TEST(UserText, AlterIsSubcommandsOfTheNamedTable) {
  for (const char* ok : {"ALTER COLUMN id TYPE bigint", "ALTER COLUMN id TYPE bigint, ADD COLUMN flag boolean NOT NULL DEFAULT true",
                         "ADD COLUMN x int;", "DROP COLUMN v", "ADD CONSTRAINT c CHECK (a > 0) -- why",
                         "ALTER COLUMN balance TYPE numeric(12,2)", "SET (fillfactor = 70)"}) {
    EXPECT_FALSE(alter_table_problem("public", "accounts", ok)) << ok;
  }
  for (const char* bad : {"ADD COLUMN x int; DROP TABLE accounts", "ADD COLUMN x int; DROP TABLE other",
                          "ALTER COLUMN v TYPE int USING length(v)", "RENAME TO x", "RENAME COLUMN a TO b",
                          "OWNER TO postgres", "SET SCHEMA other", "", ";DROP TABLE other", "ADD COLUMN x int /*"}) {
    EXPECT_TRUE(alter_table_problem("public", "accounts", bad)) << bad;
  }
  EXPECT_NE(alter_table_problem("public", "t", "ALTER COLUMN v TYPE int USING length(v)")->what.find("USING"),
            std::string::npos);
  EXPECT_NE(alter_table_problem("public", "t", "ADD COLUMN x int; DROP TABLE accounts")->what.find("2 statements"),
            std::string::npos);
  // Names that need quoting are quoted in the statement the text is parsed in.
  EXPECT_FALSE(alter_table_problem("My Schema", "odd\"name", "ADD COLUMN x int"));
}

TEST(UserText, StatementsAreWhatTheGrammarAccepts) {
  for (const char* ok : {"CREATE TABLE t (id int)", "CREATE TABLE a (id int); CREATE TABLE b (id int);",
                         "DO $$ BEGIN RAISE NOTICE 'x;'; END $$", "-- note\nSELECT 1"}) {
    EXPECT_FALSE(statements_problem(ok)) << ok;
  }
  for (const char* bad : {"CREATE TABLEE t (id int)", "", "-- only a comment", "SELECT 1; SELEC 2"}) {
    EXPECT_TRUE(statements_problem(bad)) << bad;
  }
  EXPECT_NE(statements_problem("SELECT 1;\n  SELEC 2")->what.find("line 2, column 3"), std::string::npos)
      << statements_problem("SELECT 1;\n  SELEC 2")->what;
}

// pgroll's clause fields: storage_parameters, an index column's opclass, exclusion elements and
// identity sequence options reach slipway's DDL inside a clause of it, never past it.
TEST(UserText, StorageParametersAreTheWithListOnly) {
  for (const char* ok : {"fillfactor = 70", "fillfactor=70, deduplicate_items = off", "toast.autovacuum_enabled = false",
                         "pages_per_range = 32", "buffering = 'auto'"}) {
    EXPECT_FALSE(storage_parameters_problem(ok)) << ok;
  }
  for (const char* bad : {"fillfactor = 70) WHERE (true", "fillfactor = 70); DROP TABLE accounts; CREATE INDEX x ON y (z",
                          "fillfactor = 70) TABLESPACE pg_default --", "fillfactor = 70 --", "", "fillfactor = 70,",
                          "70"}) {
    EXPECT_TRUE(storage_parameters_problem(bad)) << bad;
  }
}

TEST(UserText, OpclassIsOneColumnsOperatorClass) {
  for (const char* ok : {"text_pattern_ops", "public.my_ops", "gist_trgm_ops (siglen = 32)", "\"Odd Ops\""}) {
    EXPECT_FALSE(opclass_problem(ok)) << ok;
  }
  for (const char* bad : {"text_pattern_ops DESC", "text_pattern_ops, other", "text_pattern_ops); DROP TABLE accounts; SELECT (1",
                          "text_pattern_ops) WHERE (true", "ops --", "", "ops (siglen = 32", "ops NULLS FIRST",
                          "ops) INCLUDE (x"}) {
    EXPECT_TRUE(opclass_problem(bad)) << bad;
  }
}

TEST(UserText, ExclusionElementsAreTheElementsOnly) {
  for (const char* ok : {"room WITH =, during WITH &&", "lower(name) WITH =", "c gist_trgm_ops WITH OPERATOR(pg_catalog.=)"}) {
    EXPECT_FALSE(exclusion_elements_problem(ok)) << ok;
  }
  for (const char* bad : {"room WITH =) WHERE (true", "room WITH =), CONSTRAINT d CHECK (false", "room WITH =)); DROP TABLE accounts; --",
                          "room WITH = --", "", "room", "room WITH =) INCLUDE (x"}) {
    EXPECT_TRUE(exclusion_elements_problem(bad)) << bad;
  }
}

TEST(UserText, SequenceOptionsAreTheIdentityOptionsOnly) {
  for (const char* ok : {"START WITH 10 INCREMENT BY 2", "START 1 CACHE 20", "MINVALUE 1 MAXVALUE 100 CYCLE", "AS bigint"}) {
    EXPECT_FALSE(sequence_options_problem(ok)) << ok;
  }
  for (const char* bad : {"START 1) NOT NULL, d int CHECK (false", "START 1)); DROP TABLE accounts; --", "START 1 --",
                          "", "START 1) DEFAULT (1", "START"}) {
    EXPECT_TRUE(sequence_options_problem(bad)) << bad;
  }
}

// Found by fuzz/user_text: invalid UTF-8 ended in nlohmann's parse_error out of the parse tree
// (an internal error from `--where`), and a NUL would end the text for the parser and libpq.
TEST(UserText, TextThatIsNotUtf8IsRefusedNotThrown) {
  std::string invalid = "lower(email) || (SELECT \xea" "1)";
  std::string nul("1\0; DROP TABLE t", 16);
  for (const auto& text : {invalid, nul, std::string("a \x01 b")}) {
    auto p = expression_problem(text);
    ASSERT_TRUE(p);
    EXPECT_NE(p->what.find("at byte"), std::string::npos) << p->what;
    EXPECT_TRUE(type_problem(text));
    EXPECT_TRUE(assignments_problem("x = " + text));
    EXPECT_TRUE(query_problem("SELECT " + text));
    EXPECT_TRUE(alter_table_problem("public", "t", "ADD COLUMN x int DEFAULT " + text));
    EXPECT_TRUE(check_expression(text));
  }
  EXPECT_NE(expression_problem(invalid)->what.find("invalid UTF-8 (byte 0xea) at byte 25"), std::string::npos)
      << expression_problem(invalid)->what;
}

}  // namespace
