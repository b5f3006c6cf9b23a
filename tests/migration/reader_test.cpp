// The strict reader: YAML and JSON, positions in messages, unknown fields, wrong types.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "migration/file/migration_file.hpp"
#include "util/error.hpp"

namespace slipway::migration {
namespace {

class Reader : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    auto dir = std::filesystem::temp_directory_path() / ("slipway-reader-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    auto p = (dir / name).string();
    std::ofstream(p) << text;
    return p;
  }
  // The InputError message reading `text` produces (fails the test if it reads fine).
  std::string error_of(const std::string& name, const std::string& text) {
    auto path = write(name, text);
    try {
      read_migration_file(path);
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected an InputError for " << text;
    return {};
  }
};

TEST_F(Reader, ReadsYamlWithNameFromTheFileAndOperationsInOrder) {
  auto m = read_migration_file(write("07_two.yaml", R"(version_schema: v7
operations:
  - create_table:
      name: a
      columns:
        - name: id
          type: int
          pk: true
  - drop_table:
      name: b
)"));
  EXPECT_EQ(m.name, "07_two");
  ASSERT_TRUE(m.version_schema);
  EXPECT_EQ(*m.version_schema, "v7");
  ASSERT_EQ(m.operations.size(), 2u);
  EXPECT_EQ(m.operations[0]->kind(), "create_table");
  EXPECT_EQ(m.operations[1]->kind(), "drop_table");
  EXPECT_EQ(m.document["operations"][0]["create_table"]["columns"][0]["pk"], true);
}

TEST_F(Reader, ReadsJsonTheSameWay) {
  auto m = read_migration_file(write("08_json.json", R"({"operations": [{"rename_table": {"from": "a", "to": "b"}}]})"));
  EXPECT_EQ(m.name, "08_json");
  ASSERT_EQ(m.operations.size(), 1u);
  EXPECT_EQ(m.operations[0]->kind(), "rename_table");
}

TEST_F(Reader, QuotedScalarsStayStringsAndPlainOnesAreTyped) {
  auto m = read_migration_file(write("09_types.yaml", R"(operations:
  - create_table:
      name: t
      columns:
        - name: price
          type: decimal(10,2)
          default: "0.00"
          nullable: true
)"));
  const auto& col = m.document["operations"][0]["create_table"]["columns"][0];
  EXPECT_TRUE(col["default"].is_string());
  EXPECT_TRUE(col["nullable"].is_boolean());
}

TEST_F(Reader, UnknownFieldNamesFileLineColumnAndPath) {
  auto msg = error_of("10_unknown.yaml", R"(operations:
  - create_table:
      name: t
      commment: hello
      columns:
        - name: id
          type: int
)");
  EXPECT_NE(msg.find("10_unknown.yaml:4:7"), std::string::npos) << msg;
  EXPECT_NE(msg.find("operations[0].create_table.commment"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown field"), std::string::npos) << msg;
}

TEST_F(Reader, MisspelledRequiredFieldIsPointedOut) {
  auto path = write("10_typo.yaml", "operations:\n  - create_table:\n      name: t\n      colums: []\n");
  try {
    read_migration_file(path);
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("operations[0].create_table.columns: required field is missing"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("`colums` (" + path + ":4:7)"), std::string::npos) << e.hint();
  }
}

TEST_F(Reader, UnknownNestedFieldIsReportedWithItsPath) {
  auto msg = error_of("11_nested.yaml", R"(operations:
  - create_table:
      name: t
      columns:
        - name: id
          type: int
          primary: true
)");
  EXPECT_NE(msg.find("11_nested.yaml:7:11"), std::string::npos) << msg;
  EXPECT_NE(msg.find("operations[0].create_table.columns[0].primary"), std::string::npos) << msg;
}

TEST_F(Reader, WrongTypeIsAnError) {
  auto msg = error_of("12_type.yaml", R"(operations:
  - create_table:
      name: [a, b]
      columns: []
)");
  EXPECT_NE(msg.find("operations[0].create_table.name"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected a string, found a list"), std::string::npos) << msg;
  auto msg2 = error_of("13_bool.yaml", R"(operations:
  - create_table:
      name: t
      columns:
        - name: id
          type: int
          pk: "yes"
)");
  EXPECT_NE(msg2.find("columns[0].pk: expected true or false"), std::string::npos) << msg2;
}

TEST_F(Reader, OperationsMustBeAList) {
  auto msg = error_of("14_notlist.yaml", "operations:\n  create_table:\n    name: t\n");
  EXPECT_NE(msg.find("14_notlist.yaml:1:1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("operations: must be a list"), std::string::npos) << msg;
}

TEST_F(Reader, UnknownOperationKindListsTheKnownOnes) {
  auto path = write("15_kind.yaml", "operations:\n  - create_tabel:\n      name: t\n");
  try {
    read_migration_file(path);
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("15_kind.yaml:2:5"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unknown operation kind \"create_tabel\""), std::string::npos) << msg;
    EXPECT_NE(e.hint().find("create_table"), std::string::npos) << e.hint();
    EXPECT_EQ(e.exit_code(), ExitCode::usage);
  }
}

TEST_F(Reader, InvalidYamlSaysWhere) {
  auto msg = error_of("16_bad.yaml", "operations:\n  - create_table: {name: t\n");
  EXPECT_NE(msg.find("16_bad.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not valid YAML"), std::string::npos) << msg;
}

TEST_F(Reader, MissingRequiredFieldAndEmptyMigration) {
  auto msg = error_of("17_missing.yaml", "operations:\n  - drop_table: {}\n");
  EXPECT_NE(msg.find("operations[0].drop_table.name: required field is missing"), std::string::npos) << msg;
  auto msg2 = error_of("18_noops.yaml", "version_schema: x\n");
  EXPECT_NE(msg2.find("operations: required field is missing"), std::string::npos) << msg2;
}

TEST(MigrationFiles, DirectoryListingIsSortedAndOnlyMigrationFiles) {
  auto dir = std::filesystem::temp_directory_path() / ("slipway-dir-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  for (auto n : {"02_b.yaml", "01_a.json", "03_c.yml", "README.md"}) std::ofstream(dir / n) << "x";
  auto files = migration_files_in(dir.string());
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(std::filesystem::path(files[0]).filename(), "01_a.json");
  EXPECT_EQ(std::filesystem::path(files[2]).filename(), "03_c.yml");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace slipway::migration
