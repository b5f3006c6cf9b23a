// What lint reads: UTF-8 text without NUL bytes (libpg_query would stop at one unnoticed), and
// at most limits::max_lint_file_bytes, each refused with file:line:column.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "lint/linter.hpp"
#include "support/input_error.hpp"
#include "util/error.hpp"

using namespace slipway;
using slipway::test::input_error_of;
using namespace slipway::lint;

namespace {

TEST(LintInput, NulByteInSqlIsRefusedWithItsLine) {
  Linter linter(LintSettings{});
  const char text[] = "SELECT 1;\nSELECT 2;\0DROP TABLE t;\n";
  auto msg = input_error_of([&] { linter.lint_sql("m.sql", std::string(text, sizeof text - 1)); });
  EXPECT_NE(msg.find("m.sql:2:10: a NUL byte"), std::string::npos) << msg;
}

TEST(LintInput, InvalidUtf8IsRefusedWithItsLine) {
  Linter linter(LintSettings{});
  auto msg = input_error_of([&] { linter.lint_sql("m.sql", "SELECT 1;\nSELECT 'caf\xe9';\n"); });
  EXPECT_NE(msg.find("m.sql:2:12: invalid UTF-8 (byte 0xe9)"), std::string::npos) << msg;
  auto msg2 = input_error_of([&] { linter.lint_pgroll("m.yaml", "operations:\n  - sql: {up: \"SELECT '\xff'\"}\n"); });
  EXPECT_NE(msg2.find("m.yaml:2:24: invalid UTF-8"), std::string::npos) << msg2;
}

TEST(LintInput, TooLargeFileIsRefused) {
  auto path = (std::filesystem::temp_directory_path() / ("slipway-lint-large-" + std::to_string(getpid()) + ".sql")).string();
  {
    std::ofstream out(path, std::ios::binary);
    std::string line(1023, '-');
    line += '\n';
    for (std::size_t written = 0; written <= limits::max_lint_file_bytes; written += line.size()) out << line;
  }
  Linter linter(LintSettings{});
  auto msg = input_error_of([&] { linter.lint_path(path); });
  std::filesystem::remove(path);
  EXPECT_NE(msg.find("larger than 16777216 bytes (16 MiB), the limit for a file to lint"), std::string::npos) << msg;
}

}  // namespace
