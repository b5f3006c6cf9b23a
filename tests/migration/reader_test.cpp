// The strict reader: YAML and JSON, positions in messages, unknown fields, wrong types.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "migration/file/migration_file.hpp"
#include "support/input_error.hpp"
#include "util/error.hpp"

namespace slipway::migration {
namespace {

using test::input_error_of;

class Reader : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    auto dir = std::filesystem::temp_directory_path() / ("slipway-reader-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    auto p = (dir / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  // The InputError message reading `text` produces (fails the test if it reads fine).
  std::string error_of(const std::string& name, const std::string& text) {
    auto path = write(name, text);
    SCOPED_TRACE(text);
    return input_error_of([&] { read_migration_file(path); });
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
  EXPECT_EQ(m.document()["operations"][0]["create_table"]["columns"][0]["pk"], true);
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
  const auto col = m.document()["operations"][0]["create_table"]["columns"][0];
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

// Each constraint option belongs to the kinds that take it; given to another kind it is refused
// at its field (it used to be dropped without a word), as pgroll's schema refuses it.
TEST_F(Reader, ConstraintOptionsTheKindDoesNotTakeAreRefused) {
  struct Case {
    const char* constraint;
    const char* field;
  };
  for (const auto& c : std::vector<Case>{
           {"{name: k, type: primary_key, columns: [id], check: \"id > 0\"}", "check"},
           {"{name: k, type: unique, columns: [id], check: \"id > 0\"}", "check"},
           {"{name: k, type: unique, columns: [id], no_inherit: true}", "no_inherit"},
           {"{name: k, type: check, check: \"id > 0\", deferrable: true}", "deferrable"},
           {"{name: k, type: check, check: \"id > 0\", initially_deferred: true}", "initially_deferred"},
           {"{name: k, type: check, check: \"id > 0\", nulls_not_distinct: true}", "nulls_not_distinct"},
           {"{name: k, type: primary_key, columns: [id], nulls_not_distinct: true}", "nulls_not_distinct"},
           {"{name: k, type: check, check: \"id > 0\", index_parameters: {storage_parameters: \"fillfactor = 70\"}}",
            "index_parameters"},
           {"{name: k, type: unique, columns: [id], exclude: {elements: \"id WITH =\"}}", "exclude"},
           {"{name: k, type: exclude, columns: [id], exclude: {elements: \"id WITH =\"}}", "columns"},
       }) {
    auto msg = error_of("20_option.yaml", std::string("operations:\n  - create_table: {name: t, columns: [{name: id, "
                                                      "type: int}], constraints: [") +
                                              c.constraint + "]}\n");
    EXPECT_NE(msg.find(std::string("operations[0].create_table.constraints[0].") + c.field + ": a "), std::string::npos)
        << c.constraint << "\n" << msg;
    EXPECT_NE(msg.find("does not take"), std::string::npos) << msg;
  }
  // The same options where they belong, and `false` / empty values anywhere, read fine.
  read_migration_file(write("21_fine.yaml", R"(operations:
  - create_table:
      name: t
      columns: [{name: id, type: int}, {name: r, type: int4range, nullable: true}]
      constraints:
        - {name: u, type: unique, columns: [id], nulls_not_distinct: true, initially_deferred: true, check: ""}
        - {name: c, type: check, check: "id > 0", no_inherit: true, deferrable: false}
        - {name: x, type: exclude, exclude: {index_method: gist, elements: "r WITH &&"}, deferrable: true}
)"));
}

// Nested anchors: each line repeats the previous one nine times, 9^9 values in 330 bytes.
std::string billion_laughs() {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (std::string name : {"b", "c", "d", "e", "f", "g", "h", "i"}) {
    text += name + ": &" + name + " [";
    for (int i = 0; i < 9; ++i) text += (i ? ", *" : "*") + prev;
    text += "]\n";
    prev = name;
  }
  return text + "operations: [*i]\n";
}

TEST_F(Reader, NestedAliasesAreRefusedBeforeTheyExpand) {
  auto started = std::chrono::steady_clock::now();
  auto msg = error_of("19_laughs.yaml", billion_laughs());
  EXPECT_NE(msg.find("19_laughs.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("the document has more than"), std::string::npos) << msg;
  EXPECT_NE(msg.find("alias"), std::string::npos) << msg;
  // Refused after a few thousand values, not after billions (generous for a loaded machine).
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(Reader, AnchorsWithinTheBudgetStillWork) {
  auto m = read_migration_file(write("20_anchor.yaml", R"(operations:
  - create_table: {name: a, columns: [&id {name: id, type: int, pk: true}]}
  - create_table: {name: b, columns: [*id]}
)"));
  ASSERT_EQ(m.operations.size(), 2u);
  EXPECT_EQ(m.document()["operations"][1]["create_table"]["columns"][0]["pk"], true);
}

TEST_F(Reader, TooLargeFileIsRefused) {
  std::string text = "operations:\n  - drop_table: {name: t}\n";
  text += "# " + std::string(limits::max_migration_file_bytes, 'x') + "\n";
  auto msg = error_of("21_large.yaml", text);
  EXPECT_NE(msg.find("21_large.yaml: larger than 16777216 bytes (16 MiB), the limit for a migration file"),
            std::string::npos)
      << msg;
}

TEST_F(Reader, TooManyOperationsAreRefused) {
  std::string text = "operations:\n";
  for (std::size_t i = 0; i <= limits::max_migration_operations; ++i) text += "  - drop_table: {name: t}\n";
  auto msg = error_of("22_many.yaml", text);
  EXPECT_NE(msg.find("22_many.yaml:1:1: operations: 20001 operations; a migration holds at most 20000"),
            std::string::npos)
      << msg;
}

TEST_F(Reader, ASecondDocumentIsRefusedWithItsLine) {
  auto msg = error_of("23_two.yaml", "operations:\n  - drop_table: {name: a}\n---\noperations:\n  - drop_table: {name: b}\n");
  EXPECT_NE(msg.find("23_two.yaml:3: a second YAML document"), std::string::npos) << msg;
  auto msg2 = error_of("24_two.yaml", "operations:\n  - drop_table: {name: a}\n---\n");
  EXPECT_NE(msg2.find("24_two.yaml:3: a second YAML document"), std::string::npos) << msg2;
}

TEST_F(Reader, InvalidUtf8IsReportedWithItsLine) {
  auto msg = error_of("25_latin1.yaml", "operations:\n  - drop_table:\n      name: caf\xe9\n");
  EXPECT_NE(msg.find("25_latin1.yaml:3:16: invalid UTF-8 (byte 0xe9)"), std::string::npos) << msg;
  auto msg2 = error_of("26_latin1.json", "{\"operations\": [{\"drop_table\": {\"name\": \"caf\xe9\"}}]}");
  EXPECT_NE(msg2.find("26_latin1.json:1:45: invalid UTF-8"), std::string::npos) << msg2;
}

TEST_F(Reader, NulBytesAreRefusedWithTheirLine) {
  const char nul[] = "operations:\n  - drop_table:\n      name: a\0b\n";
  auto msg = error_of("27_nul.yaml", std::string(nul, sizeof nul - 1));
  EXPECT_NE(msg.find("27_nul.yaml:3:14: a NUL byte"), std::string::npos) << msg;
  // Escapes decode to a NUL too, in YAML and in JSON.
  auto msg2 = error_of("28_nul.yaml", "operations:\n  - drop_table:\n      name: \"a\\0b\"\n");
  EXPECT_NE(msg2.find("28_nul.yaml:3:13: operations[0].drop_table.name: the value holds a NUL byte"), std::string::npos)
      << msg2;
  auto msg3 = error_of("29_nul.json", R"({"operations": [{"drop_table": {"name": "a\u0000b"}}]})");
  EXPECT_NE(msg3.find("29_nul.json:1:41: operations[0].drop_table.name: the value holds a NUL byte"), std::string::npos)
      << msg3;
  auto msg4 = error_of("30_bell.yaml", "operations:\n  - drop_table:\n      name: \"a\\ab\"\n");
  EXPECT_NE(msg4.find("the value holds a control character (0x07)"), std::string::npos) << msg4;
}

TEST_F(Reader, TextInMemoryReadsLikeTheFile) {
  std::string text = "operations:\n  - rename_table: {from: a, to: b}\n";
  auto from_file = read_migration_file(write("31_text.yaml", text));
  auto from_text = read_migration_text(text, from_file.source.file);
  EXPECT_EQ(from_text.name, "31_text");
  EXPECT_EQ(from_text.document_text, from_file.document_text);
  EXPECT_EQ(from_text.source.positions, from_file.source.positions);
}

// A number YAML cannot hold as a 64-bit integer or a double stays the text it is (std::stod threw
// out_of_range past the reader's error handling), and a long run of digits is scanned, not
// matched by std::regex (which recursed per digit: a 1 MB name overflowed the stack).
TEST_F(Reader, NumbersBeyondRangeAndLongDigitRunsAreReadAsText) {
  auto name_of = [](const std::string& value) {
    auto m = read_migration_text("operations:\n  - rename_column:\n      table: t\n      to: x\n      from: " + value + "\n",
                                 "32_numbers.yaml");
    return m.document()["operations"][0]["rename_column"]["from"];
  };
  EXPECT_EQ(name_of("1e999"), "1e999");
  EXPECT_EQ(name_of("-1e999"), "-1e999");
  EXPECT_EQ(name_of("99999999999999999999"), "99999999999999999999");
  EXPECT_EQ(name_of("1.2.3"), "1.2.3");
  EXPECT_EQ(name_of("0x1F"), "0x1F");
  for (std::string typed : {"12", "+12", "-0", "1.", ".5", "2.5e-3"}) {
    try {
      name_of(typed);
      ADD_FAILURE() << typed << " was read as a string";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("expected a string, found"), std::string::npos) << typed << ": " << e.what();
    }
  }
  std::string digits(1 << 20, '7');
  EXPECT_EQ(name_of(digits), digits);  // read as text; validate refuses a name beyond 63 bytes
}

// A missing required field stops the reading: its siblings were not read yet, so they are not
// "unknown"; only a field spelt nearly like the missing one is named, as a likely misspelling.
TEST_F(Reader, AMissingFieldDoesNotMakeItsSiblingsUnknown) {
  auto e = error_of("40_missing.yaml", "operations:\n  - create_table:\n      columns:\n        - {name: id, type: int}\n");
  EXPECT_NE(e.find("operations[0].create_table.name: required field is missing"), std::string::npos) << e;
  EXPECT_EQ(e.find("columns"), std::string::npos) << e;
  auto path = write("41_typo.yaml", "operations:\n  - create_table:\n      nmae: t\n      columns:\n        - {name: id, type: int}\n");
  try {
    read_migration_file(path);
    ADD_FAILURE() << "read without the name";
  } catch (const InputError& err) {
    std::string hint = err.hint();
    EXPECT_NE(hint.find("41_typo.yaml:3:7) - a misspelling of `name`?"), std::string::npos) << hint;
    EXPECT_EQ(hint.find("`columns`"), std::string::npos) << hint;
  }
}

// pgroll's formats: an operator class's params as a list of "name=value"; a create_table
// constraint without a name (pgroll's converter writes them) named as PostgreSQL would;
// create_constraint's index_parameters.
TEST_F(Reader, PgrollShapesAreRead) {
  auto p = write("42_shapes.yaml", R"(operations:
  - create_index:
      name: i
      table: t
      method: gist
      columns:
        - column: doc
          opclass: {name: tsvector_ops, params: ["siglen=32"]}
  - create_table:
      name: accounts
      columns: [{name: id, type: int}, {name: email, type: text}]
      constraints:
        - {type: unique, columns: [email]}
        - {type: primary_key, columns: [id]}
  - create_constraint:
      table: t
      name: t_a_key
      type: unique
      columns: [a]
      index_parameters: {include_columns: [b], storage_parameters: fillfactor=70}
)");
  EXPECT_NO_THROW(read_migration_file(p));
  auto bad = error_of("43_check_params.yaml", "operations:\n  - create_constraint:\n      table: t\n      name: c\n"
                      "      type: check\n      check: a > 0\n      columns: [a]\n      index_parameters: {tablespace: x}\n");
  EXPECT_NE(bad.find("a check constraint has no index to take `index_parameters`"), std::string::npos) << bad;
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
