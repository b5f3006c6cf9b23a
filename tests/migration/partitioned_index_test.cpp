// create_index and drop_index on a partitioned table: built online (ON ONLY the parent, each
// leaf CONCURRENTLY, then ATTACH PARTITION), valid at the end, rolled back without leftovers.
#include <nlohmann/json.hpp>

#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

class PartitionedIndex : public OpsTest {
 protected:
  void SetUp() override {
    OpsTest::SetUp();
    // Two levels: events_2 is partitioned itself.
    sql("CREATE TABLE events (id int NOT NULL, day int NOT NULL, body text) PARTITION BY RANGE (day)");
    sql("CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (100)");
    sql("CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (100) TO (200) PARTITION BY LIST (id)");
    sql("CREATE TABLE events_2a PARTITION OF events_2 FOR VALUES IN (1, 2, 3)");
    sql("CREATE TABLE events_2b PARTITION OF events_2 DEFAULT");
    sql("INSERT INTO events SELECT g, g % 200, 'b' || g FROM generate_series(1, 2000) g");
  }
  long long indexes_like(const std::string& pattern) {
    return scalar<long long>("SELECT count(*) FROM pg_class WHERE relkind IN ('i', 'I') AND relname LIKE " +
                             pg::quote_literal(pattern));
  }
};

const char* kCreate = R"(operations:
  - create_index:
      name: events_body_idx
      table: events
      columns:
        - column: body
        - column: day
)";

TEST_F(PartitionedIndex, IsBuiltWithoutBlockingWritesAndIsValidOnEveryLevel) {
  auto f = migration_file("01_index", kCreate);
  auto plan = nlohmann::json::parse(run_ok({"--json", "plan", f}).out);
  for (const auto& step : plan["start"]) {
    // What reads the data holds only SHARE UPDATE EXCLUSIVE; what holds more reads nothing.
    if (step["scans"].get<bool>()) EXPECT_EQ(step["lock"], "SHARE UPDATE EXCLUSIVE") << step.dump();
    for (const auto& s : step["statements"])
      if (s.get<std::string>().find("CREATE INDEX") != std::string::npos && step["lock"] != "SHARE UPDATE EXCLUSIVE")
        EXPECT_NE(s.get<std::string>().find(" ON ONLY "), std::string::npos) << s;
  }
  start(f);
  EXPECT_TRUE(scalar<bool>("SELECT bool_and(i.indisvalid) AND count(*) = 5 FROM pg_index i JOIN pg_class c "
                           "ON c.oid = i.indexrelid WHERE c.relname LIKE 'events_body_idx%'"));
  // Every partition's index is attached: the parent's covers the whole tree.
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_partition_tree('events_body_idx')"), 5);
  // A partition created later gets its index from the parent, as with any partitioned index.
  sql("CREATE TABLE events_3 PARTITION OF events FOR VALUES FROM (200) TO (300)");
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_partition_tree('events_body_idx')"), 6);
  complete();
  EXPECT_TRUE(scalar<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_body_idx'::regclass"));
}

TEST_F(PartitionedIndex, RollbackLeavesNoIndexOnAnyPartition) {
  auto f = migration_file("01_index", kCreate);
  auto before = schema_dump({"--exclude-schema=slipway"});
  start(f);
  rollback();
  EXPECT_EQ(indexes_like("events_body_idx%"), 0);
  EXPECT_EQ(schema_dump({"--exclude-schema=slipway"}), before);
}

TEST_F(PartitionedIndex, AUniqueIndexWithoutThePartitionKeyIsRefusedBeforeAnyChange) {
  auto f = migration_file("01_unique", R"(operations:
  - create_index:
      name: events_id_key
      table: events
      unique: true
      columns:
        - column: id
)");
  auto r = slipway({"validate", f});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("must include its partition key (day)"), std::string::npos) << r.err;
  EXPECT_EQ(slipway({"start", f}).exit_code, 2);
  EXPECT_EQ(indexes_like("events_id_key%"), 0);
}

TEST_F(PartitionedIndex, DropIndexOfAPartitionedIndexAtComplete) {
  sql("CREATE INDEX events_day_idx ON events (day)");
  auto f = migration_file("02_drop", "operations:\n  - drop_index:\n      name: events_day_idx\n");
  start(f);
  EXPECT_GT(indexes_like("events%day%idx"), 0);  // kept while the old version runs
  complete();
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                              "WHERE c.relname LIKE 'events%' AND i.indkey::text = '2'"),
            0);
}

}  // namespace
}  // namespace slipway::test
