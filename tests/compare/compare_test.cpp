// slipway compare on real PostgreSQL: identical tables, every kind of difference (listed with
// their values), keys of any type, NULL vs '' vs a missing row, types that hold the same values,
// a migration's old and new shape through --map, repair, resume after kill -9, and bad input
// refused before a row is read.
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "embedded/temp_cluster.hpp"
#include "pg/conninfo.hpp"
#include "support/pg_test.hpp"
#include "support/slipway_process.hpp"

namespace slipway::test {
namespace {

class Compare : public PgTest {
 protected:
  // src and tgt (id bigint, name text, n int) with `rows` equal rows.
  void equal_tables(int rows) {
    sql("CREATE TABLE src (id bigint PRIMARY KEY, name text, n int)");
    sql("CREATE TABLE tgt (id bigint PRIMARY KEY, name text, n int)");
    sql("INSERT INTO src SELECT g, 'name ' || g, g % 97 FROM generate_series(1, " + std::to_string(rows) + ") g");
    sql("INSERT INTO tgt SELECT * FROM src");
  }
  // `slipway compare --json` with `args`: exit code and the report.
  std::pair<int, nlohmann::json> compare(std::vector<std::string> args) {
    std::vector<std::string> all{"--json", "compare", "--progress", "none", "--recheck-delay", "50ms"};
    all.insert(all.end(), args.begin(), args.end());
    auto r = slipway(all);
    last_err_ = r.err;
    nlohmann::json j;
    if (!r.out.empty()) j = nlohmann::json::parse(r.out, nullptr, false);
    return {r.exit_code, j};
  }
  static const nlohmann::json& only_table(const nlohmann::json& report) { return report.at("tables").at(0); }
  // The reported differences as "kind:key" strings.
  static std::set<std::string> kinds(const nlohmann::json& table) {
    std::set<std::string> out;
    for (const auto& d : table.at("differences")) {
      std::string key;
      for (const auto& [k, v] : d.at("key").items()) key += (key.empty() ? "" : ",") + v.get<std::string>();
      out.insert(d.at("kind").get<std::string>() + ":" + key);
    }
    return out;
  }
  std::string last_err_;
};

TEST_F(Compare, IdenticalTablesExitZeroAndOnlySummariesCrossTheNetwork) {
  equal_tables(20000);
  auto [code, report] = compare({"--table", "src", "--target-table", "tgt", "--chunk-size", "1000"});
  ASSERT_EQ(code, 0) << last_err_;
  EXPECT_TRUE(report.at("identical").get<bool>());
  const auto& t = only_table(report);
  EXPECT_EQ(t.at("source_rows"), 20000);
  EXPECT_EQ(t.at("target_rows"), 20000);
  EXPECT_EQ(t.at("chunks"), 21);  // 20 full, and the open range after the source's last key
  EXPECT_EQ(t.at("rows_fetched"), 0);
  EXPECT_TRUE(t.at("differences").empty());
}

TEST_F(Compare, EveryKindOfDifferenceIsFoundAndListedWithItsValues) {
  equal_tables(20000);
  sql("UPDATE tgt SET name = 'changed' WHERE id = 777");
  sql("UPDATE tgt SET n = n + 1 WHERE id = 15000");
  sql("DELETE FROM tgt WHERE id IN (1, 9999)");
  sql("INSERT INTO tgt VALUES (0, 'before all', 0), (12345678, 'after all', 0)");
  auto [code, report] = compare({"--table", "src", "--target-table", "tgt", "--chunk-size", "1000"});
  ASSERT_EQ(code, 1) << last_err_;
  const auto& t = only_table(report);
  EXPECT_EQ(kinds(t), (std::set<std::string>{"values_differ:777", "values_differ:15000", "missing_in_target:1",
                                             "missing_in_target:9999", "extra_in_target:0",
                                             "extra_in_target:12345678"}));
  for (const auto& d : t.at("differences")) {
    if (d.at("key").at("id") != "777") continue;
    ASSERT_EQ(d.at("columns").size(), 1u);
    EXPECT_EQ(d.at("columns")[0].at("column"), "name");
    EXPECT_EQ(d.at("columns")[0].at("source"), "name 777");
    EXPECT_EQ(d.at("columns")[0].at("target"), "changed");
  }
  // Bisection: a few small ranges cross the network, not the table.
  EXPECT_LE(t.at("rows_fetched").get<int64_t>(), 100 * 6);
  // --redact: the same keys and columns, no values.
  auto [rcode, redacted] = compare({"--table", "src", "--target-table", "tgt", "--redact"});
  EXPECT_EQ(rcode, 1);
  EXPECT_EQ(kinds(only_table(redacted)), kinds(t));
  EXPECT_EQ(only_table(redacted).dump().find("changed"), std::string::npos);
}

TEST_F(Compare, CompositeTextAndUuidKeys) {
  for (const char* t : {"a", "b"})
    sql(std::string("CREATE TABLE ") + t + " (tenant text, id uuid, v int, PRIMARY KEY (tenant, id))");
  sql("INSERT INTO a SELECT 'tenant ' || (g % 7), md5(g::text)::uuid, g FROM generate_series(1, 5000) g");
  sql("INSERT INTO b SELECT * FROM a");
  sql("UPDATE b SET v = -1 WHERE id = md5('42')::uuid");
  auto [code, report] = compare({"--table", "a", "--target-table", "b", "--chunk-size", "300"});
  ASSERT_EQ(code, 1) << last_err_;
  const auto& d = only_table(report).at("differences");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].at("key").at("tenant"), "tenant 0");
  EXPECT_EQ(d[0].at("key").at("id"), scalar<std::string>("SELECT md5('42')::uuid::text"));
}

// Text keys under collations that order them differently ("C": 'B' < 'a'; ICU: 'a' < 'B'):
// both sides are walked in "C" order, so the chunks hold the same keys.
TEST_F(Compare, TextKeysUnderDifferentCollationsSplitTheSameWay) {
  sql("CREATE TABLE a (k text COLLATE \"C\" PRIMARY KEY, v int)");
  sql("CREATE TABLE b (k text COLLATE \"und-x-icu\" PRIMARY KEY, v int)");
  sql("INSERT INTO a SELECT (CASE WHEN g % 2 = 0 THEN 'Key' ELSE 'key' END) || g, g FROM generate_series(1, 6000) g");
  sql("INSERT INTO b SELECT * FROM a");
  auto [code, report] = compare({"--table", "a", "--target-table", "b", "--chunk-size", "500"});
  EXPECT_EQ(code, 0) << last_err_ << report.dump(2);
  EXPECT_TRUE(only_table(report).at("keys_ordered_by_c_collation").get<bool>());
  sql("UPDATE b SET v = 0 WHERE k = 'Key4000'");
  auto [code2, report2] = compare({"--table", "a", "--target-table", "b", "--chunk-size", "500"});
  EXPECT_EQ(code2, 1);
  EXPECT_EQ(kinds(only_table(report2)), (std::set<std::string>{"values_differ:Key4000"}));
}

TEST_F(Compare, NullEmptyStringAndAMissingRowAreToldApart) {
  sql("CREATE TABLE a (id int PRIMARY KEY, s text)");
  sql("CREATE TABLE b (id int PRIMARY KEY, s text)");
  sql("INSERT INTO a VALUES (1, NULL), (2, ''), (3, NULL), (4, 'x')");
  sql("INSERT INTO b VALUES (1, ''), (2, NULL), (3, NULL)");
  auto [code, report] = compare({"--table", "a", "--target-table", "b"});
  ASSERT_EQ(code, 1) << last_err_;
  const auto& t = only_table(report);
  EXPECT_EQ(kinds(t), (std::set<std::string>{"values_differ:1", "values_differ:2", "missing_in_target:4"}));
  for (const auto& d : t.at("differences")) {
    if (d.at("kind") != "values_differ") continue;
    const auto& c = d.at("columns")[0];
    if (d.at("key").at("id") == "1") {
      EXPECT_TRUE(c.at("source").is_null());
      EXPECT_EQ(c.at("target"), "");
    } else {
      EXPECT_EQ(c.at("source"), "");
      EXPECT_TRUE(c.at("target").is_null());
    }
  }
}

// The key is part of each row's fingerprint: the same values under another key are another row.
TEST_F(Compare, TheSameValuesUnderAnotherKeyAreAnotherRow) {
  sql("CREATE TABLE a (id int PRIMARY KEY, s text)");
  sql("CREATE TABLE b (id int PRIMARY KEY, s text)");
  sql("INSERT INTO a VALUES (1, 'x'), (2, 'y')");
  sql("INSERT INTO b VALUES (1, 'x'), (3, 'y')");
  auto [code, report] = compare({"--table", "a", "--target-table", "b"});
  ASSERT_EQ(code, 1) << last_err_;
  EXPECT_EQ(kinds(only_table(report)), (std::set<std::string>{"missing_in_target:2", "extra_in_target:3"}));
}

TEST_F(Compare, TypesThatHoldTheSameValuesAreEqual) {
  sql("CREATE TABLE a (id int PRIMARY KEY, n int, s varchar(20), amount numeric(10,2), doc json, at timestamp)");
  sql("CREATE TABLE b (id bigint PRIMARY KEY, n bigint, s text, amount numeric(14,4), doc jsonb, at timestamptz)");
  sql("INSERT INTO a SELECT g, g * 3, 's' || g, g / 4.0, ('{\"b\": 1,  \"a\": ' || g || '}')::json, "
      "'2024-01-01'::timestamp + g * interval '1 minute' FROM generate_series(1, 3000) g");
  sql("INSERT INTO b SELECT id, n, s, amount, doc::jsonb, at AT TIME ZONE 'UTC' FROM a");
  auto [code, report] = compare({"--table", "a", "--target-table", "b"});
  EXPECT_EQ(code, 0) << last_err_ << report.dump(2);
  sql("UPDATE b SET amount = amount + 0.0001 WHERE id = 10");
  auto [code2, report2] = compare({"--table", "a", "--target-table", "b"});
  EXPECT_EQ(code2, 1);
  EXPECT_EQ(kinds(only_table(report2)), (std::set<std::string>{"values_differ:10"}));
}

// The old shape (first, last) against the new (full_name): the result of a migration.
TEST_F(Compare, AMappedComparisonVerifiesAMigrationsNewShape) {
  sql("CREATE TABLE people (id int PRIMARY KEY, first text, last text, age int)");
  sql("INSERT INTO people SELECT g, 'f' || g, 'l' || g, g % 90 FROM generate_series(1, 4000) g");
  sql("CREATE TABLE people_new (id int PRIMARY KEY, full_name text, age bigint)");
  sql("INSERT INTO people_new SELECT id, first || ' ' || last, age FROM people");
  std::vector<std::string> args{"--table", "people", "--target-table", "people_new", "--map",
                                "full_name = first || ' ' || last"};
  auto [code, report] = compare(args);
  EXPECT_EQ(code, 0) << last_err_;
  EXPECT_EQ(only_table(report).at("not_compared"), nlohmann::json({"first", "last"}));
  sql("UPDATE people_new SET full_name = 'wrong' WHERE id = 3999");
  auto [code2, report2] = compare(args);
  EXPECT_EQ(code2, 1);
  const auto& d = only_table(report2).at("differences");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].at("columns")[0].at("source"), "f3999 l3999");
}

TEST_F(Compare, RepairMakesTheTargetEqualAndDryRunChangesNothing) {
  equal_tables(5000);
  sql("ALTER TABLE tgt ADD COLUMN extra int GENERATED ALWAYS AS (n * 2) STORED");
  sql("UPDATE tgt SET name = NULL WHERE id = 10");
  sql("DELETE FROM tgt WHERE id = 20");
  sql("INSERT INTO tgt (id, name, n) VALUES (999999, 'extra', 1)");
  std::vector<std::string> base{"--table", "src", "--target-table", "tgt", "--exclude", "extra"};
  auto before = scalar<std::string>("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM tgt t");
  auto dry = base;
  dry.insert(dry.end(), {"--repair", "--dry-run"});
  auto [dcode, dreport] = compare(dry);
  EXPECT_EQ(dcode, 1) << last_err_;
  EXPECT_EQ(only_table(dreport).at("repair").at("statements").size(), 3u);
  EXPECT_EQ(scalar<std::string>("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM tgt t"), before);
  auto rep = base;
  rep.push_back("--repair");
  auto [rcode, rreport] = compare(rep);
  EXPECT_EQ(rcode, 0) << last_err_ << rreport.dump(2);
  EXPECT_EQ(only_table(rreport).at("repair").at("rows"), 3);
  auto [code, report] = compare(base);
  EXPECT_EQ(code, 0) << report.dump(2);
  EXPECT_EQ(scalar<std::string>("SELECT name FROM tgt WHERE id = 10"), "name 10");
  EXPECT_EQ(scalar<int>("SELECT extra FROM tgt WHERE id = 20"), 2 * (20 % 97));
}

// The repair writes through the lock-timeout executor: a row an application holds locked is
// waited for only as long as --lock-timeout, retried, then given up (exit 3) — never a queue.
TEST_F(Compare, ARepairGivesUpOnALockedRowInsteadOfQueueing) {
  equal_tables(100);
  sql("UPDATE tgt SET name = 'wrong' WHERE id = 5");
  pg::Connection app = connect();
  app.exec("BEGIN");
  app.exec("SELECT * FROM tgt WHERE id = 5 FOR UPDATE");
  auto r = slipway({"--lock-timeout", "100ms", "--lock-retries", "2", "compare", "--table", "src", "--target-table",
                    "tgt", "--repair", "--recheck", "0", "--progress", "none"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_LT(r.elapsed, std::chrono::seconds(10));
  app.exec("ROLLBACK");
  EXPECT_EQ(scalar<std::string>("SELECT name FROM tgt WHERE id = 5"), "wrong");  // nothing half-done
}

TEST_F(Compare, KilledThenRunAgainResumesFromItsCheckpoint) {
  equal_tables(60000);
  sql("UPDATE tgt SET name = 'early' WHERE id = 1500");
  sql("UPDATE tgt SET name = 'late' WHERE id = 59000");
  auto checkpoint = std::filesystem::temp_directory_path() / ("compare-" + dbname() + ".json");
  std::filesystem::remove(checkpoint);
  std::vector<std::string> args{"compare", "--table", "src", "--target-table", "tgt", "--chunk-size", "1000",
                                "--max-rate", "15000", "--checkpoint", checkpoint.string(), "--progress", "none",
                                "--recheck", "0"};
  {
    SlipwayProcess p(args, {{"SLIPWAY_POSTGRES_URL", url()}});
    ASSERT_TRUE(eventually([&] {
      std::ifstream in(checkpoint);
      auto j = nlohmann::json::parse(in, nullptr, false);
      return !j.is_discarded() && j["tables"]["public.src -> public.tgt"]["chunks"].get<int>() >= 5;
    }));
    p.kill9();
    EXPECT_TRUE(p.signaled());
  }
  auto saved = nlohmann::json::parse(std::ifstream(checkpoint))["tables"]["public.src -> public.tgt"];
  EXPECT_LT(saved["chunks"].get<int>(), 60) << "killed too late to show a resume";
  args.insert(args.begin(), "--json");
  auto r = slipway(args);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto report = nlohmann::json::parse(r.out);
  const auto& t = only_table(report);
  EXPECT_TRUE(t.at("resumed").get<bool>());
  EXPECT_EQ(t.at("source_rows"), 60000);
  EXPECT_EQ(t.at("chunks"), 61);  // every chunk once: none compared twice, none skipped
  EXPECT_EQ(kinds(t), (std::set<std::string>{"values_differ:1500", "values_differ:59000"}));
  std::filesystem::remove(checkpoint);
}

// Throttled like the backfill, and watched like it: paused by --pause-file, with the pause
// in its Prometheus metrics; it finishes once the file is gone.
TEST_F(Compare, PausedByAFileWithItsMetricsServed) {
  equal_tables(2000);
  auto file = std::filesystem::temp_directory_path() / ("compare-pause-" + dbname());
  std::ofstream(file) << "paused\n";
  int port = embedded::free_port();
  SlipwayProcess p({"--json", "compare", "--table", "src", "--target-table", "tgt", "--pause-file", file.string(),
                    "--metrics-addr", "127.0.0.1:" + std::to_string(port), "--progress", "none"},
                   {{"SLIPWAY_POSTGRES_URL", url()}});
  httplib::Client client("127.0.0.1", port);
  const std::string series = R"(slipway_compare_throttled_seconds_total{job="compare",table="public.src -> public.tgt",reason="pause-file"} )";
  EXPECT_TRUE(eventually([&] {
    auto r = client.Get("/metrics");
    if (!r || r->status != 200) return false;
    auto pos = r->body.find(series);
    return pos != std::string::npos && std::stod(r->body.substr(pos + series.size())) > 0.0;
  }));
  EXPECT_FALSE(p.exited()) << "it should wait while the pause file exists";
  std::filesystem::remove(file);
  auto r = p.wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["identical"].get<bool>());
}

// Bad input is exit 2 before any row is read: the compare runs as a role that may read the
// catalog but not the tables, so reading a row would fail with "permission denied" instead.
TEST_F(Compare, BadInputIsRefusedBeforeAnyRowIsRead) {
  equal_tables(10);
  sql("CREATE TABLE nokey (a int, b text)");
  sql("CREATE TABLE other (id bigint PRIMARY KEY, name int, n int)");
  sql("CREATE TABLE wider (id bigint PRIMARY KEY, name text, n int, added int)");
  sql("DROP ROLE IF EXISTS compare_no_select_" + dbname());
  sql("CREATE ROLE compare_no_select_" + dbname() + " LOGIN");
  auto params = pg::parse_conninfo(url());
  params["user"] = "compare_no_select_" + dbname();
  params.erase("password");
  std::string url_as = pg::to_keyvalue(params);
  auto refused = [&](std::vector<std::string> args, const std::string& expected) {
    std::vector<std::string> all{"compare", "--progress", "none"};
    all.insert(all.end(), args.begin(), args.end());
    auto r = slipway(all, {{"SLIPWAY_POSTGRES_URL", url_as}});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("permission denied"), std::string::npos) << r.err;
  };
  refused({"--table", "missing"}, "the source has no table public.missing");
  refused({"--table", "src", "--target-table", "missing"}, "the target has no table public.missing");
  refused({"--table", "nokey"}, "no primary key or unique index");
  refused({"--table", "src", "--target-table", "other"}, "column \"name\" is text on the source but integer on the target");
  refused({"--table", "src", "--target-table", "wider"}, "target column \"added\" has no column of that name in the source");
  refused({"--table", "src", "--target-table", "tgt", "--exclude", "nope"}, "--exclude nope: no such column");
  refused({"--table", "src", "--target-table", "tgt", "--map", "name = n +"}, "--map \"name = n +\"");
  refused({"--table", "src", "--target-table", "tgt", "--map", "name = 1; DROP TABLE src"}, "--map");
  refused({}, "say what to compare");
  refused({"--table", "src", "--target", "postgresql://db:99999999/app"}, "--target");
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM src"), 10);
  sql("DROP OWNED BY compare_no_select_" + dbname());
  sql("DROP ROLE compare_no_select_" + dbname());
}

// Two databases: the target is another database of the cluster; compare reads both sides and
// the output names the tables, not the connections' passwords.
TEST_F(Compare, TwoDatabasesAndEveryTableOfASchema) {
  equal_tables(3000);
  sql("CREATE TABLE more (id int PRIMARY KEY, v text)");
  sql("INSERT INTO more SELECT g, g::text FROM generate_series(1, 100) g");
  std::string other = dbname() + "_target";
  sql("DROP DATABASE IF EXISTS " + other);
  sql("CREATE DATABASE " + other);
  std::string target_url = pg::with_database(server_conninfo(), other);
  {
    pg::Connection t(target_url);
    t.exec("CREATE TABLE src (id bigint PRIMARY KEY, name text, n int)");
    t.exec("INSERT INTO src SELECT g, 'name ' || g, g % 97 FROM generate_series(1, 3000) g");
    t.exec("CREATE TABLE more (id int PRIMARY KEY, v text)");
    t.exec("INSERT INTO more SELECT g, g::text FROM generate_series(1, 100) g");
    t.exec("CREATE TABLE tgt (id bigint PRIMARY KEY, name text, n int)");
    t.exec("INSERT INTO tgt SELECT * FROM src");
    t.exec("UPDATE more SET v = 'x' WHERE id = 50");
  }
  auto [code, report] = compare({"--target", target_url, "--schema", "public"});
  EXPECT_EQ(code, 1) << last_err_;
  ASSERT_EQ(report.at("tables").size(), 3u);
  for (const auto& t : report.at("tables")) {
    if (t.at("table") == "public.more") EXPECT_EQ(kinds(t), (std::set<std::string>{"values_differ:50"}));
    else EXPECT_TRUE(t.at("differences").empty()) << t.dump(2);
  }
  sql("DROP DATABASE " + other + " WITH (FORCE)");
}

}  // namespace
}  // namespace slipway::test
