// add_column against a real PostgreSQL: both versions write between start and complete and read
// what `up` and their own writes imply; complete leaves the final definition; rollback restores
// the schema exactly; defaults never rewrite the table.
#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

class AddColumnTest : public OpsTest {
 protected:
  void SetUp() override {
    OpsTest::SetUp();
    sql("CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL)");
    sql("INSERT INTO products (name) SELECT 'p' || g FROM generate_series(1, 300) g");
  }
  std::string description_migration() {
    return migration_file("02_add_description", R"(operations:
  - add_column:
      table: products
      up: upper(name)
      column:
        name: description
        type: text
        nullable: false
        unique: true
        comment: what the product is
        check:
          name: description_not_empty
          constraint: length(description) > 0
)");
  }
};

TEST_F(AddColumnTest, BothVersionsWriteAndReadThenCompleteEnforcesEverything) {
  start(description_migration());
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_add_description");

  // Existing rows were backfilled with up(old).
  EXPECT_EQ(number(new_app, "SELECT count(*) FROM products WHERE description = upper(name)"), 300);

  // The old version writes without knowing the column: up fills it for the new version.
  old_app.exec("INSERT INTO products (name) VALUES ('pear')");
  EXPECT_EQ(text(new_app, "SELECT description FROM products WHERE name = 'pear'"), "PEAR");
  old_app.exec("UPDATE products SET name = 'plum' WHERE name = 'pear'");
  EXPECT_EQ(text(new_app, "SELECT description FROM products WHERE name = 'plum'"), "PLUM");

  // The new version writes its own value; the old version sees the row.
  new_app.exec("INSERT INTO products (name, description) VALUES ('fig', 'a fruit')");
  EXPECT_EQ(text(new_app, "SELECT description FROM products WHERE name = 'fig'"), "a fruit");
  EXPECT_EQ(number(old_app, "SELECT count(*) FROM products WHERE name = 'fig'"), 1);
  new_app.exec("UPDATE products SET description = 'dried fruit' WHERE name = 'fig'");
  EXPECT_EQ(text(new_app, "SELECT description FROM products WHERE name = 'fig'"), "dried fruit");

  // The new version's constraints already hold for its writes.
  EXPECT_THROW(new_app.exec("INSERT INTO products (name, description) VALUES ('x', NULL)"), pg::CheckViolation);
  EXPECT_THROW(new_app.exec("INSERT INTO products (name, description) VALUES ('y', 'dried fruit')"),
               pg::UniqueViolation);
  EXPECT_THROW(new_app.exec("INSERT INTO products (name, description) VALUES ('z', '')"), pg::CheckViolation);
  // The old version's view of the table has no `description`.
  EXPECT_FALSE(has_column("products", "description"));

  complete();
  EXPECT_TRUE(column_not_null("products", "description"));
  EXPECT_EQ(constraint_kind("products", "products_description_key"), "u");
  EXPECT_EQ(constraint_kind("products", "description_not_empty"), "c");
  EXPECT_EQ(slipway_leftovers(), "");
  EXPECT_EQ(scalar<std::string>("SELECT col_description('products'::regclass, "
                                "(SELECT attnum FROM pg_attribute WHERE attrelid = 'products'::regclass "
                                "AND attname = 'description'))"),
            "what the product is");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM products"), 302);
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM products WHERE description = upper(name)"), 301);
  EXPECT_EQ(scalar<std::string>("SELECT description FROM products WHERE name = 'fig'"), "dried fruit");
}

// The up trigger fires only for writes that can change what `up` computes: INSERTs and UPDATEs
// that set a column `up` reads. An old-version UPDATE of another column neither pays for the
// trigger function nor overwrites a value the new version wrote.
TEST_F(AddColumnTest, AnOldVersionUpdateOfAColumnUpDoesNotReadLeavesTheColumnAlone) {
  sql("ALTER TABLE products ADD COLUMN price int NOT NULL DEFAULT 1");
  start(description_migration());
  EXPECT_NE(scalar<std::string>("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = '_slipway_trg_02_add_description'")
                .find("BEFORE INSERT OR UPDATE OF name ON public.products"),
            std::string::npos);
  auto old_app = OpsTest::old_app();
  auto new_app = OpsTest::new_app("02_add_description");
  new_app.exec("UPDATE products SET description = 'hand written' WHERE id = 1");

  old_app.exec("UPDATE products SET price = 2 WHERE id = 1");
  EXPECT_EQ(text(new_app, "SELECT description FROM products WHERE id = 1"), "hand written");
  old_app.exec("UPDATE products SET name = 'renamed' WHERE id = 1");
  EXPECT_EQ(text(new_app, "SELECT description FROM products WHERE id = 1"), "RENAMED");
  old_app.exec("INSERT INTO products (name) VALUES ('pear')");
  EXPECT_EQ(text(new_app, "SELECT description FROM products WHERE name = 'pear'"), "PEAR");
  complete();
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM products WHERE description IS DISTINCT FROM upper(name)"), 0);
}

TEST_F(AddColumnTest, RollbackRestoresTheSchemaExactly) {
  auto before = app_schema_dump();
  start(description_migration());
  auto old_app = OpsTest::old_app();
  old_app.exec("INSERT INTO products (name) VALUES ('pear')");
  rollback();
  EXPECT_EQ(app_schema_dump(), before);
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM products"), 301);
}

TEST_F(AddColumnTest, DefaultsNeverRewriteTheTable) {
  const auto file_before = relfilenode("products");
  // Non-volatile default: catalog-only ADD COLUMN, old rows read it at once.
  // Volatile default: added without it, set separately, old rows filled by `up`.
  start(migration_file("03_defaults", R"(operations:
  - add_column:
      table: products
      column:
        name: stock
        type: int
        nullable: false
        default: "100"
  - add_column:
      table: products
      up: (random() * 1000)::int
      column:
        name: lucky
        type: int
        default: (random() * 1000)::int
)"));
  EXPECT_EQ(relfilenode("products"), file_before);
  auto new_app = OpsTest::new_app("03_defaults");
  EXPECT_EQ(number(new_app, "SELECT count(*) FROM products WHERE stock = 100"), 300);
  EXPECT_EQ(number(new_app, "SELECT count(*) FROM products WHERE lucky IS NULL"), 0);
  EXPECT_GT(number(new_app, "SELECT count(DISTINCT lucky) FROM products"), 10);
  // Both versions' inserts get the defaults.
  auto old_app = OpsTest::old_app();
  old_app.exec("INSERT INTO products (name) VALUES ('old')");
  new_app.exec("INSERT INTO products (name) VALUES ('new')");
  EXPECT_EQ(number(new_app, "SELECT count(*) FROM products WHERE name IN ('old', 'new') AND stock = 100 AND lucky IS NOT NULL"), 2);
  // A volatile `up` can change on any write: its trigger has no column list.
  EXPECT_NE(scalar<std::string>("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = '_slipway_trg_03_defaults'")
                .find("BEFORE INSERT OR UPDATE ON public.products"),
            std::string::npos);
  complete();
  EXPECT_EQ(relfilenode("products"), file_before);
  EXPECT_TRUE(column_not_null("products", "stock"));
  EXPECT_TRUE(column_not_null("products", "lucky"));  // pgroll: NOT NULL unless nullable: true
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM products WHERE stock = 100 AND lucky IS NOT NULL"), 302);
}

TEST_F(AddColumnTest, BadInputChangesNothing) {
  sql("CREATE TABLE measurements (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)");
  auto before = app_schema_dump();
  struct Case {
    const char* name;
    const char* yaml;
    const char* expect;  // in the message
  } cases[] = {
      {"10_missing_table", "operations:\n  - add_column:\n      table: nope\n      column: {name: a, type: int, nullable: true}\n",
       "nope"},
      {"11_existing_column", "operations:\n  - add_column:\n      table: products\n      column: {name: name, type: text, nullable: true}\n",
       "already exists"},
      {"12_bad_up", "operations:\n  - add_column:\n      table: products\n      up: no_such_column + 1\n      column: {name: a, type: int}\n",
       "up"},
      {"13_not_null_without_up", "operations:\n  - add_column:\n      table: products\n      column: {name: a, type: int}\n",
       "up"},
      {"14_bad_type", "operations:\n  - add_column:\n      table: products\n      column: {name: a, type: no_such_type, nullable: true}\n",
       "type"},
      {"16_partitioned", "operations:\n  - add_column:\n      table: measurements\n      up: '1'\n      column: {name: a, type: int}\n",
       "partitioned"},
      {"15_unknown_field", "operations:\n  - add_column:\n      table: products\n      column: {name: a, type: int, nullable: true, colour: red}\n",
       "colour"},
      // pgroll refuses these too: PostgreSQL would compute every existing row under ACCESS EXCLUSIVE.
      {"17_generated_on_existing", "operations:\n  - add_column:\n      table: products\n      column: {name: a, type: int, generated: {expression: 'id * 2'}}\n",
       "column.generated"},
      {"18_identity_on_existing", "operations:\n  - add_column:\n      table: products\n      column: {name: a, type: int, generated: {identity: {}}}\n",
       "column.generated"},
      // One parser for every column object: the same mistake, the same message.
      {"19_bad_action", "operations:\n  - add_column:\n      table: products\n      column: {name: a, type: int, nullable: true, references: {table: products, column: id, on_delete: EXPLODE}}\n",
       "\"EXPLODE\" is not a referential action"},
      {"20_set_columns_without_set_action", "operations:\n  - add_column:\n      table: products\n      column: {name: a, type: int, nullable: true, references: {table: products, column: id, on_delete_set_columns: [a]}}\n",
       "on_delete_set_columns"},
  };
  for (const auto& c : cases) {
    auto r = slipway({"start", migration_file(c.name, c.yaml)});
    EXPECT_EQ(r.exit_code, 2) << c.name << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << c.name << ": " << r.err;
    EXPECT_EQ(app_schema_dump(), before) << c.name;
  }
}

// `generated` and `on_delete_set_columns` are read by the one column parser for add_column as for
// create_table: on a table this migration creates, add_column gives the column its full
// definition.
TEST_F(AddColumnTest, OnATableCreatedByTheSameMigrationAGeneratedColumnIsAddedWhole) {
  start(migration_file("03_new_table", R"(operations:
  - create_table:
      name: stock
      columns:
        - {name: id, type: bigint, pk: true}
        - {name: qty, type: int, nullable: true}
  - add_column:
      table: stock
      column:
        name: serial_no
        type: bigint
        generated: {identity: {user_specified_values: ALWAYS}}
  - add_column:
      table: stock
      column:
        name: double_qty
        type: int
        nullable: true
        generated: {expression: qty * 2}
)"));
  complete();
  sql("INSERT INTO stock (id, qty) VALUES (1, 21)");
  EXPECT_EQ(scalar<long long>("SELECT double_qty FROM stock"), 42);
  EXPECT_EQ(scalar<long long>("SELECT serial_no FROM stock"), 1);
  EXPECT_EQ(scalar<std::string>("SELECT attidentity::text FROM pg_attribute WHERE attrelid = 'stock'::regclass "
                                "AND attname = 'serial_no'"),
            "a");
}

// ON DELETE SET NULL (columns) names the constrained column; during the expand the foreign key is
// built on the temporary twin, so the list must name the twin there and the column afterwards.
TEST_F(AddColumnTest, AForeignKeysSetColumnsFollowTheColumnThroughTheExpand) {
  sql("CREATE TABLE suppliers (id int PRIMARY KEY)");
  sql("INSERT INTO suppliers VALUES (1), (2)");
  start(migration_file("04_supplier", R"(operations:
  - add_column:
      table: products
      up: "CASE WHEN id % 2 = 0 THEN 1 ELSE 2 END"
      column:
        name: supplier_id
        type: int
        nullable: true
        references:
          name: products_supplier_fk
          table: suppliers
          column: id
          on_delete: set null
          on_delete_set_columns: [supplier_id]
)"));
  complete();
  EXPECT_EQ(scalar<std::string>("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                                "'products_supplier_fk'"),
            "FOREIGN KEY (supplier_id) REFERENCES suppliers(id) ON DELETE SET NULL (supplier_id)");
  sql("DELETE FROM suppliers WHERE id = 1");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM products WHERE supplier_id IS NULL"), 150);
  EXPECT_EQ(slipway_leftovers(), "");
}

}  // namespace
}  // namespace slipway::test
