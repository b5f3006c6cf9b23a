#include <gtest/gtest.h>

#include "pg/conninfo.hpp"
#include "pg/lock_policy.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"

using namespace slipway;

TEST(Quote, IdentifiersAreAlwaysQuotedAndEscaped) {
  EXPECT_EQ(pg::quote_ident("users"), "\"users\"");
  EXPECT_EQ(pg::quote_ident("Mixed Case"), "\"Mixed Case\"");
  EXPECT_EQ(pg::quote_ident("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(pg::qualified("public", "select"), "\"public\".\"select\"");
}

TEST(Quote, LiteralsEscapeQuotesAndBackslashes) {
  EXPECT_EQ(pg::quote_literal("it's"), "'it''s'");
  EXPECT_EQ(pg::quote_literal("a\\b"), "E'a\\\\b'");
}

// A body cannot end its own dollar quote: a user's expression inside may hold the usual tag.
TEST(Quote, DollarQuotesPickATagTheBodyDoesNotHold) {
  EXPECT_EQ(pg::dollar_quote("BEGIN END"), "$_slipway_$BEGIN END$_slipway_$");
  EXPECT_EQ(pg::dollar_quote("x := $_slipway_$; DROP TABLE t; $_slipway_$;"),
            "$_slipway_1$x := $_slipway_$; DROP TABLE t; $_slipway_$;$_slipway_1$");
  EXPECT_EQ(pg::dollar_quote("$_slipway_$ $_slipway_1$"), "$_slipway_2$$_slipway_$ $_slipway_1$$_slipway_2$");
}

TEST(Conninfo, PasswordsAreMaskedInEveryForm) {
  EXPECT_EQ(pg::mask_password("postgresql://alice:s3cret@db:5432/app"), "postgresql://alice:***@db:5432/app");
  EXPECT_EQ(pg::mask_password("postgres://alice:s3cret@db/app?sslmode=require"),
            "postgres://alice:***@db/app?sslmode=require");
  EXPECT_EQ(pg::mask_password("host=db password=s3cret user=alice"), "host=db password=*** user=alice");
  EXPECT_EQ(pg::mask_password("host=db password='s3 cret' user=alice"), "host=db password=*** user=alice");
  EXPECT_EQ(pg::mask_password("postgresql://db/app?password=s3cret&sslmode=disable"),
            "postgresql://db/app?password=***&sslmode=disable");
  EXPECT_EQ(pg::mask_password("postgresql://alice@db/app"), "postgresql://alice@db/app");
}

// The masking is a scanner: std::regex recursed per character and a long quoted password (or
// a long URL) overflowed the stack.
TEST(Conninfo, LongValuesAreMaskedWithoutRecursion) {
  std::string secret(200000, 'x');
  EXPECT_EQ(pg::mask_password("host=db password='" + secret + "' user=a"), "host=db password=*** user=a");
  EXPECT_EQ(pg::mask_password("postgresql://a:" + secret + "@db/app"), "postgresql://a:***@db/app");
  EXPECT_EQ(pg::mask_password("password = 'it\\'s' dbname=x"), "password = *** dbname=x");
  EXPECT_EQ(pg::mask_password("password='unterminated x"), "password=*** x");
  EXPECT_EQ(pg::mask_password("postgresql://a:b/c@db"), "postgresql://a:b/c@db");  // a path, no password
  // libpq's userinfo runs to the first '@' before a '/': a '?' in the user or password is theirs
  // (found by fuzz/flag_values: the password was printed).
  EXPECT_EQ(pg::mask_password("postgresql://ali?e:s3cret@db/app"), "postgresql://ali?e:***@db/app");
  EXPECT_EQ(pg::mask_password("postgresql://alice:s3?cr#et@db/app"), "postgresql://alice:***@db/app");
}

TEST(Conninfo, ApplicationNameIsAddedUnlessGiven) {
  EXPECT_EQ(pg::with_application_name("postgresql://db/app"), "postgresql://db/app?application_name=slipway");
  EXPECT_EQ(pg::with_application_name("postgresql://db/app?sslmode=disable"),
            "postgresql://db/app?sslmode=disable&application_name=slipway");
  EXPECT_EQ(pg::with_application_name("host=db"), "host=db application_name=slipway");
  EXPECT_EQ(pg::with_application_name(""), "application_name=slipway");
  EXPECT_EQ(pg::with_application_name("host=db application_name=mine"), "host=db application_name=mine");
}

TEST(Conninfo, WithDatabaseKeepsTheRestOfTheTarget) {
  auto params = pg::parse_conninfo(pg::with_database("postgresql://u@h:6543/old?sslmode=disable", "new"));
  EXPECT_EQ(params["dbname"], "new");
  EXPECT_EQ(params["host"], "h");
  EXPECT_EQ(params["port"], "6543");
  EXPECT_EQ(params["sslmode"], "disable");
  EXPECT_THROW(pg::parse_conninfo("postgresql://h:notaport:/x?bogus"), InputError);
}

TEST(Backoff, GrowsExponentiallyWithJitterAndACap) {
  pg::LockPolicy p;
  p.backoff_initial = std::chrono::milliseconds(100);
  p.backoff_max = std::chrono::milliseconds(1000);
  EXPECT_EQ(pg::backoff_delay(p, 1, 1.0).count(), 100);
  EXPECT_EQ(pg::backoff_delay(p, 2, 1.0).count(), 200);
  EXPECT_EQ(pg::backoff_delay(p, 3, 1.0).count(), 400);
  EXPECT_EQ(pg::backoff_delay(p, 10, 1.0).count(), 1000);
  EXPECT_EQ(pg::backoff_delay(p, 2, 0.0).count(), 100);  // jitter: never below half
}

TEST(Quote, LongIdentifiersKeepAStableDistinctHashWithinSixtyThreeBytes) {
  EXPECT_EQ(pg::fit_identifier("short_name"), "short_name");
  std::string a(70, 'a'), b = std::string(69, 'a') + "b";
  EXPECT_EQ(pg::fit_identifier(a).size(), 63u);
  EXPECT_NE(pg::fit_identifier(a), pg::fit_identifier(b));  // PostgreSQL's cut would make them equal
  EXPECT_EQ(pg::fit_identifier(a), pg::fit_identifier(std::string(70, 'a')));
  // Never half a UTF-8 character: 53 ASCII bytes then "é" (2 bytes) crosses byte 54.
  std::string utf = std::string(53, 'x') + "\xc3\xa9" + std::string(20, 'y');
  auto cut = pg::fit_identifier(utf);
  EXPECT_LE(cut.size(), 63u);
  EXPECT_EQ(cut.substr(0, 54), std::string(53, 'x') + "_");
}

TEST(Quote, QualifiedNamesSplitAtTheDotOutsideQuotes) {
  auto split = [](const char* text) {
    auto q = pg::split_qualified(text);
    return q ? q->schema + "|" + q->name : std::string("(invalid)");
  };
  EXPECT_EQ(split("users"), "|users");
  EXPECT_EQ(split("app.users"), "app|users");
  EXPECT_EQ(split("\"my.schema\".\"Users\""), "my.schema|Users");
  EXPECT_EQ(split("\"a.b\""), "|a.b");
  EXPECT_EQ(split("\"say \"\"hi\"\"\""), "|say \"hi\"");
  EXPECT_EQ(split("Mixed.Case"), "Mixed|Case");
  for (const char* bad : {"", ".users", "app.", "a.b.c", "\"open", "\"x\"y", "a..b"}) EXPECT_EQ(split(bad), "(invalid)") << bad;
}

// As regclass input and nextval's argument read a name: unquoted parts in lower case.
TEST(Quote, QualifiedNamesFoldUnquotedPartsAsSqlReadsThem) {
  auto fold = [](const char* text) {
    auto q = pg::split_qualified(text, /*fold_unquoted=*/true);
    return q ? q->schema + "|" + q->name : std::string("(invalid)");
  };
  EXPECT_EQ(fold("App.Users_Seq"), "app|users_seq");
  EXPECT_EQ(fold("\"App\".\"Users.Seq\""), "App|Users.Seq");
  EXPECT_EQ(fold("app.\"Users\""), "app|Users");
  EXPECT_EQ(fold("a.b.c"), "(invalid)");
}

TEST(Quote, OnlyWhenNeededForPeopleAndGeneratedNamesFit) {
  EXPECT_EQ(pg::quote_ident_if_needed("orders"), "orders");
  EXPECT_EQ(pg::quote_ident_if_needed("add"), "add");  // not reserved
  EXPECT_EQ(pg::quote_ident_if_needed("user"), "\"user\"");
  EXPECT_EQ(pg::quote_ident_if_needed("Orders"), "\"Orders\"");
  EXPECT_EQ(pg::quote_ident_if_needed("my\"t"), "\"my\"\"t\"");
  EXPECT_EQ(pg::quote_ident_if_needed("1st"), "\"1st\"");
  EXPECT_EQ(pg::generated_constraint_name("orders", {"customer_id"}, "fkey"), "orders_customer_id_fkey");
  EXPECT_EQ(pg::generated_constraint_name("orders", {}, "check"), "orders_check");
  EXPECT_LE(pg::generated_constraint_name(std::string(60, 'a'), {"b"}, "key").size(), 63u);
}
