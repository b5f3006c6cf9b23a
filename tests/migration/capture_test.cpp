// slipway start's write capture and replay (src/migration/engine/capture.hpp) for a table whose
// key is composite and not an integer, with a key column that `up` reads too: the capture logs
// the keys of the rows the application writes during the backfill (the new key when an UPDATE
// changes it), the switch disables the capture, and the replay recomputes the logged rows by their
// key. The start is stopped with the applier's test hook right after the backfill (before
// `switch:orders`), the old application writes, then the same start runs again.
#include "migration/ops_test_support.hpp"
#include "support/slipway_process.hpp"

namespace slipway::test {
namespace {

class CaptureReplay : public OpsTest {
 protected:
  // `table` (id bigint PRIMARY KEY, qty int, note text) with 300 rows, qty = id.
  void make_items(const std::string& table) {
    sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, qty int NOT NULL, note text)");
    sql("INSERT INTO " + table + " SELECT g, g, 'n' FROM generate_series(1, 300) g");
  }
  // A migration operation (YAML list item) adding `column` int to `table`, filled by `up`.
  static std::string add_int_column(const std::string& table, const std::string& column, const std::string& up) {
    return "  - add_column:\n      table: " + table + "\n      up: " + up + "\n      column:\n        name: " + column +
           "\n        type: int\n        nullable: true\n";
  }
};

TEST_F(CaptureReplay, CompositeNonIntegerKeyThatUpReads) {
  sql("CREATE TABLE orders (tenant text, id uuid, qty int NOT NULL, PRIMARY KEY (tenant, id))");
  // 200 rows for each of three tenants; the ids are md5(tenant || n)::uuid, so the test knows
  // every key.
  sql("INSERT INTO orders SELECT t, md5(t || g)::uuid, g FROM unnest(ARRAY['acme', 'globex', 'initech']) t, "
      "generate_series(1, 200) g");
  ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  const auto before = app_schema_dump();
  const auto file = migration_file("01_label", R"(operations:
  - add_column:
      table: orders
      up: tenant || ':' || qty
      column:
        name: label
        type: text
        nullable: true
)");

  // Stop after the backfill: the capture trigger still logs the application's writes.
  ASSERT_NO_FATAL_FAILURE(run_until_step_then_kill(url(), {"start", file}, "switch:orders"));
  auto status = slipway({"status"});
  EXPECT_NE(status.out.find("stopped at:"), std::string::npos) << status.out << status.err;
  const std::string stale =
      "SELECT count(*) FROM orders WHERE _slipway_new_label IS DISTINCT FROM tenant || ':' || qty";
  ASSERT_EQ(scalar<long long>(stale), 0) << "the backfill filled every row";
  ASSERT_EQ(scalar<long long>("SELECT count(*) FROM slipway.capture_public_orders"), 0)
      << "the backfill's own writes are not logged";

  // The old application writes.
  auto old = old_app();
  old.exec("UPDATE orders SET qty = qty + 1000 WHERE tenant = 'acme' AND qty <= 20");
  old.exec("UPDATE orders SET tenant = 'umbrella' WHERE tenant = 'globex' AND qty = 7");  // a key column
  old.exec("UPDATE orders SET qty = 70 WHERE tenant = 'umbrella'");  // the same row again: logged twice
  old.exec("INSERT INTO orders VALUES ('acme', md5('new1')::uuid, 1), ('hooli', md5('new2')::uuid, 2)");
  old.exec("DELETE FROM orders WHERE tenant = 'acme' AND id = md5('acme5')::uuid");  // a logged row
  // Their backfilled values are stale now (or missing); only the log knows the rows: 19 updated
  // and kept, the one whose key changed, the two inserted.
  EXPECT_EQ(scalar<long long>(stale), 22);

  // The log holds exactly the keys written (the new key of the row whose key changed; the
  // deleted row's key stays logged), none of the backfill's.
  const std::string written =
      "(SELECT 'acme'::text AS tenant, md5('acme' || g)::uuid AS id FROM generate_series(1, 20) g "
      "UNION ALL VALUES ('umbrella', md5('globex7')::uuid), ('acme', md5('new1')::uuid), "
      "('hooli', md5('new2')::uuid))";
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM ((SELECT tenant, id FROM slipway.capture_public_orders EXCEPT " +
                              written + ") UNION ALL (" + written +
                              " EXCEPT SELECT tenant, id FROM slipway.capture_public_orders)) d"),
            0);
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM slipway.capture_public_orders"), 24);
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM slipway.capture_public_orders "
                              "WHERE tenant = 'globex' AND id = md5('globex7')::uuid"),
            0)
      << "the old key of the row whose key changed is not logged";

  auto r = slipway({"start", file});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("resuming"), std::string::npos) << r.err;

  // Every row's new column as `up` says, seen through the new version's schema.
  auto neu = new_app("01_label");
  EXPECT_EQ(number(neu, "SELECT count(*) FROM orders"), 601);
  EXPECT_EQ(number(neu, "SELECT count(*) FROM orders WHERE label IS DISTINCT FROM tenant || ':' || qty"), 0);
  EXPECT_EQ(text(neu, "SELECT label FROM orders WHERE id = md5('globex7')::uuid"), "umbrella:70");
  EXPECT_EQ(text(neu, "SELECT label FROM orders WHERE tenant = 'hooli'"), "hooli:2");
  EXPECT_EQ(scalar<std::string>("SELECT status FROM slipway.backfill_jobs WHERE job_id = "
                                "'migration:01_label:replay:orders'"),
            "complete");
  // The capture is gone: trigger, function and log.
  EXPECT_FALSE(scalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '_slipway_capture')"));
  EXPECT_TRUE(scalar<bool>("SELECT to_regproc('slipway.capture_public_orders_fn') IS NULL"));
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('slipway.capture_public_orders') IS NULL"));
  // From the switch on, the sync trigger keeps writes right, key changes included.
  old.exec("UPDATE orders SET tenant = 'acme2', qty = 3 WHERE tenant = 'acme' AND id = md5('acme6')::uuid");
  EXPECT_EQ(text(neu, "SELECT label FROM orders WHERE id = md5('acme6')::uuid"), "acme2:3");

  auto rb = slipway({"rollback"});
  ASSERT_EQ(rb.exit_code, 0) << rb.out << rb.err;
  EXPECT_EQ(app_schema_dump(), before);
}

// The switch takes only SHARE ROW EXCLUSIVE: an application transaction that has read the table
// and keeps its ACCESS SHARE neither blocks the switch nor deadlocks with it when it then writes.
// (A DROP of the capture trigger in the switch would wait for that reader with ACCESS EXCLUSIVE
// while holding the weaker lock its write needs: the benchmark's probe hit exactly that deadlock.)
TEST_F(CaptureReplay, SwitchLetsAnOpenReaderGoOnAndWrite) {
  make_items("items");
  ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  const auto file = migration_file("01_double", "operations:\n" + add_int_column("items", "double_qty", "qty * 2"));
  ASSERT_NO_FATAL_FAILURE(run_until_step_then_kill(url(), {"start", file}, "switch:items"));

  auto reader = old_app();
  reader.exec("BEGIN");
  EXPECT_EQ(number(reader, "SELECT count(*) FROM items"), 300);  // holds ACCESS SHARE from here on

  // No retries: a switch that needed a lock the reader holds would exit 3 instead of pausing.
  SlipwayProcess p({"--lock-timeout", "300ms", "--lock-retries", "0", "start", file},
                   {{"SLIPWAY_POSTGRES_URL", url()}, {"SLIPWAY_TEST_PAUSE_AT", "replay:items"}});
  bool paused = p.wait_paused("", std::chrono::seconds(60));
  p.kill9();
  ASSERT_TRUE(paused) << "the switch did not get past the open reader\n" << p.output();
  EXPECT_TRUE(scalar<bool>("SELECT tgenabled = 'D' FROM pg_trigger WHERE tgname = '_slipway_capture'"));

  // The reader writes now (the capture is disabled and the sync trigger is on) and commits.
  reader.exec("UPDATE items SET qty = 1000 WHERE id = 7");
  reader.exec("COMMIT");

  auto r = slipway({"start", file});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto neu = new_app("01_double");
  EXPECT_EQ(number(neu, "SELECT count(*) FROM items WHERE double_qty IS DISTINCT FROM qty * 2"), 0);
  EXPECT_EQ(number(neu, "SELECT double_qty FROM items WHERE id = 7"), 2000);
  EXPECT_FALSE(scalar<bool>("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '_slipway_capture')"));
  EXPECT_TRUE(scalar<bool>("SELECT to_regclass('slipway.capture_public_items') IS NULL"));
}

// The capture trigger watches only what can change the backfilled values: UPDATEs that set a
// column `up` reads or a key column (a row whose key changes may move behind the backfill).
// An `up` whose inputs cannot be told from its text (here: a volatile function) watches every
// UPDATE.
TEST_F(CaptureReplay, OnlyWritesThatCanChangeUpAreLogged) {
  make_items("items");
  make_items("stock");
  ASSERT_EQ(slipway({"baseline"}).exit_code, 0);
  const auto file = migration_file("01_watch", "operations:\n" + add_int_column("items", "double_qty", "qty * 2") +
                                                   add_int_column("stock", "qty_copy", "qty + (random() * 0)::int"));
  ASSERT_NO_FATAL_FAILURE(run_until_step_then_kill(url(), {"start", file}, "switch:items"));
  auto triggerdef = [&](const std::string& table) {
    return scalar<std::string>("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = '_slipway_capture' "
                               "AND tgrelid = '" + table + "'::regclass");
  };
  EXPECT_NE(triggerdef("items").find("AFTER INSERT OR UPDATE OF id, qty ON"), std::string::npos) << triggerdef("items");
  EXPECT_NE(triggerdef("stock").find("AFTER INSERT OR UPDATE ON"), std::string::npos) << triggerdef("stock");

  auto old = old_app();
  const std::string logged = "SELECT count(*) FROM slipway.capture_public_items";
  old.exec("UPDATE items SET note = 'changed' WHERE id <= 50");
  EXPECT_EQ(scalar<long long>(logged), 0) << "a write that cannot change `up` is not captured";
  old.exec("UPDATE items SET qty = qty + 1000 WHERE id <= 10");
  EXPECT_EQ(scalar<long long>(logged), 10);
  old.exec("UPDATE items SET id = 1000 WHERE id = 299");
  old.exec("INSERT INTO items VALUES (2000, 5, 'new')");
  EXPECT_EQ(scalar<long long>(logged), 12);
  old.exec("UPDATE stock SET note = 'changed' WHERE id <= 50");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM slipway.capture_public_stock"), 50);

  auto r = slipway({"start", file});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto neu = new_app("01_watch");
  EXPECT_EQ(number(neu, "SELECT count(*) FROM items WHERE double_qty IS DISTINCT FROM qty * 2"), 0);
  EXPECT_EQ(number(neu, "SELECT count(*) FROM items"), 301);
  EXPECT_EQ(number(neu, "SELECT count(*) FROM stock WHERE qty_copy IS DISTINCT FROM qty"), 0);
  // The sync trigger declares only the variables `up` reads; the new version's branch, with
  // no `down`, declares none.
  auto fn = scalar<std::string>("SELECT pg_get_functiondef('public._slipway_trg_items_01_watch'::regproc)");
  EXPECT_NE(fn.find("\"qty\" \"public\".\"items\".\"qty\"%TYPE := NEW.\"qty\""), std::string::npos) << fn;
  EXPECT_EQ(fn.find("\"note\" \"public\""), std::string::npos) << fn;
  EXPECT_EQ(fn.find("\"double_qty\" \"public\""), std::string::npos) << fn;
}

}  // namespace
}  // namespace slipway::test
