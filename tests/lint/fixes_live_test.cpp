// The fixes lint prints run on a real PostgreSQL 15 and end where the hazardous statement would
// have: each fix is executed statement by statement (autocommit, as CONCURRENTLY needs) on a
// table with rows, and the catalog is checked afterwards. The type-change fix's two commands
// (`slipway rewrite`, and the alter_column migration) are run too.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lint_helpers.hpp"
#include "support/pg_test.hpp"

namespace fs = std::filesystem;
using slipway::lint::test::by_rule;
using slipway::lint::test::lint;

namespace {

class LintFixesLive : public slipway::test::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    sql("CREATE TABLE customers (id bigint PRIMARY KEY)");
    sql("INSERT INTO customers SELECT g FROM generate_series(1, 5) g");
    sql("CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL, customer_id bigint, email text, "
        "amount int)");
    sql("INSERT INTO orders SELECT g, g, 1 + g % 5, 'u' || g, g FROM generate_series(1, 2000) g");
  }

  // The fix of the one finding of `rule` on `statement`.
  std::string fix_of(const std::string& statement, const std::string& rule) {
    auto f = by_rule(lint(statement), rule);
    EXPECT_EQ(f.size(), 1u) << statement;
    if (f.empty()) return {};
    EXPECT_FALSE(f[0].fix.empty()) << statement;
    return f[0].fix;
  }

  // Runs each ';\n'-separated statement of a fix on its own (comments skipped).
  void run_fix(const std::string& fix) {
    std::size_t pos = 0;
    while (pos < fix.size()) {
      std::size_t end = fix.find(";\n", pos);
      std::string stmt = fix.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      pos = end == std::string::npos ? fix.size() : end + 2;
      if (!stmt.empty() && stmt.back() == ';') stmt.pop_back();
      if (stmt.empty() || stmt.rfind("--", 0) == 0) continue;
      sql(stmt);
    }
  }

  bool constraint_valid(const std::string& name) {
    return scalar<bool>("SELECT convalidated FROM pg_constraint WHERE conname = '" + name + "'");
  }

  // The shell words of the "--   slipway ..." line of a type-change fix (single quotes honoured).
  static std::vector<std::string> rewrite_command(const std::string& fix) {
    auto at = fix.find("--   slipway ");
    EXPECT_NE(at, std::string::npos) << fix;
    if (at == std::string::npos) return {};
    std::string line = fix.substr(at + 13, fix.find('\n', at) - at - 13);
    std::vector<std::string> words;
    std::string word;
    bool quoted = false, any = false;
    for (char c : line) {
      if (c == '\'') {
        quoted = !quoted;
        any = true;
      } else if (c == ' ' && !quoted) {
        if (any) words.push_back(word);
        word.clear();
        any = false;
      } else {
        word += c;
        any = true;
      }
    }
    if (any) words.push_back(word);
    return words;
  }
};

TEST_F(LintFixesLive, AddColumnReferencesWithADefaultIsValidatedAndTheFixKeepsThatCheck) {
  // The validation is real: a default no customer has fails the statement itself...
  EXPECT_THROW(sql("ALTER TABLE orders ADD COLUMN shop_id bigint DEFAULT 99 REFERENCES customers (id)"),
               std::exception);
  // ...and without a default there is nothing to validate: it succeeds, marked valid.
  sql("ALTER TABLE orders ADD COLUMN plain_ref bigint REFERENCES customers (id)");
  EXPECT_TRUE(constraint_valid("orders_plain_ref_fkey"));
  // The fix: the column, the key NOT VALID, VALIDATE — ending valid.
  run_fix(fix_of("ALTER TABLE orders ADD COLUMN shop_id bigint DEFAULT 1 REFERENCES customers (id) ON DELETE SET NULL",
                 "constraint-missing-not-valid"));
  EXPECT_TRUE(constraint_valid("orders_shop_id_fkey"));
  EXPECT_EQ(scalar<std::string>("SELECT confdeltype FROM pg_constraint WHERE conname = 'orders_shop_id_fkey'"), "n");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM orders WHERE shop_id = 1"), 2000);
}

// The name PostgreSQL itself gives the unnamed constraint `statement` adds (run and rolled back).
std::string name_postgres_gives(slipway::pg::Connection& c, const std::string& statement) {
  pqxx::work tx(c.raw());
  auto before = tx.exec("SELECT coalesce(max(oid::int8), 0) FROM pg_constraint")[0][0].as<long long>();
  tx.exec(statement);
  auto name = tx.exec("SELECT conname FROM pg_constraint WHERE oid::int8 > " + std::to_string(before) +
                      " AND conrelid = 'orders'::regclass")[0][0].as<std::string>();
  tx.abort();
  return name;
}

TEST_F(LintFixesLive, UnnamedConstraintsGetTheNamePostgresWouldGiveWrittenOut) {
  auto c = connect();
  for (std::string statement : {"ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id)",
                                "ALTER TABLE orders ADD CHECK (total > 0)", "ALTER TABLE orders ADD CHECK (total >= amount)"}) {
    std::string expected = name_postgres_gives(c, statement);
    run_fix(fix_of(statement, "constraint-missing-not-valid"));
    EXPECT_TRUE(constraint_valid(expected)) << statement << " -> PostgreSQL names it " << expected;
  }
}

TEST_F(LintFixesLive, AddColumnUniqueBecomesAConcurrentIndexAttachedWithUsingIndex) {
  run_fix(fix_of("ALTER TABLE orders ADD COLUMN handle text UNIQUE", "adding-unique-constraint"));
  EXPECT_EQ(scalar<std::string>("SELECT contype FROM pg_constraint WHERE conname = 'orders_handle_key'"), "u");
  EXPECT_TRUE(scalar<bool>("SELECT indisvalid AND indisunique FROM pg_index WHERE indexrelid = "
                           "'orders_handle_key'::regclass"));
}

TEST_F(LintFixesLive, SetNotNullRecipeEndsNotNullWithoutItsCheck) {
  std::string fix = fix_of("ALTER TABLE orders ALTER COLUMN email SET NOT NULL", "setting-not-null");
  EXPECT_EQ(by_rule(lint(fix), "setting-not-null").size(), 0u) << "lint must accept its own recipe:\n" << fix;
  run_fix(fix);
  EXPECT_TRUE(scalar<bool>("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'orders'::regclass AND "
                           "attname = 'email'"));
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_constraint WHERE conrelid = 'orders'::regclass AND "
                              "contype = 'c'"),
            0);
}

TEST_F(LintFixesLive, TypeChangeFixRunsAsASlipwayRewrite) {
  auto words = rewrite_command(fix_of("ALTER TABLE orders ALTER COLUMN amount TYPE bigint", "changing-column-type"));
  ASSERT_EQ(words.size(), 5u);
  EXPECT_EQ(words[0], "rewrite");
  ASSERT_EQ(slipway({"init"}).exit_code, 0);
  auto r = slipway(words);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(scalar<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                                "'orders'::regclass AND attname = 'amount'"),
            "bigint");
  EXPECT_EQ(scalar<long long>("SELECT sum(amount) FROM orders"), 2000LL * 2001 / 2);
}

TEST_F(LintFixesLive, TypeChangeFixRunsAsAnAlterColumnMigration) {
  std::string fix = fix_of("ALTER TABLE orders ALTER COLUMN amount TYPE bigint USING amount * 10", "changing-column-type");
  auto at = fix.rfind("--   {");
  ASSERT_NE(at, std::string::npos) << fix;
  fs::path dir = fs::temp_directory_path() / ("slipway_lintfix_" + dbname());
  fs::create_directories(dir);
  {
    std::ofstream(dir / "01_amount.json") << fix.substr(at + 5);
  }
  ASSERT_EQ(slipway({"init"}).exit_code, 0);
  auto r = slipway({"migrate", dir.string(), "--complete"});
  fs::remove_all(dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(scalar<std::string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                                "'orders'::regclass AND attname = 'amount' AND NOT attisdropped"),
            "bigint");
  EXPECT_EQ(scalar<long long>("SELECT sum(amount) FROM orders"), 10LL * 2000 * 2001 / 2);
}

}  // namespace
