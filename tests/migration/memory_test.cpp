// Memory of `slipway validate` grows linearly with the migration file: peak RSS of the child
// process (getrusage(RUSAGE_CHILDREN): the largest child reaped so far) minus that of a one
// operation migration. Keeping the virtual schema before every operation made it quadratic
// (2,000 operations: 385 MB, 4,000: 1.5 GB).
#include <sys/resource.h>

#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

class Memory : public OpsTest {
 protected:
  // A migration of `n` add_column operations (about 90 bytes each), spread over ten tables:
  // PostgreSQL numbers at most 1600 columns per table.
  std::string add_columns(const std::string& name, int n) {
    std::string text = "operations:\n";
    for (int i = 0; i < n; ++i)
      text += "  - add_column:\n      table: base" + std::to_string(i % 10) + "\n      column: {name: c" +
              std::to_string(i) + ", type: int, nullable: true}\n";
    return migration_file(name, text);
  }
  // Peak RSS in bytes of the largest child so far, after `slipway validate file` succeeded.
  long validate_peak(const std::string& file) {
    auto r = slipway({"validate", file});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return u.ru_maxrss * 1024L;
  }
};

TEST_F(Memory, ValidateGrowsLinearlyWithTheFile) {
  for (int t = 0; t < 10; ++t) sql("CREATE TABLE base" + std::to_string(t) + " (id int PRIMARY KEY)");
  long baseline = validate_peak(add_columns("m1", 1));
  auto small = add_columns("m2000", 2000);
  auto large = add_columns("m4000", 4000);
  long small_delta = validate_peak(small) - baseline;
  long large_delta = validate_peak(large) - baseline;
  auto large_bytes = static_cast<long>(std::filesystem::file_size(large));
  // Twice the operations, about twice the memory (quadratic was four times).
  EXPECT_LT(large_delta, 5 * small_delta / 2) << small_delta << " then " << large_delta << " bytes";
  // Measured about 80x (the plans' SQL text is most of it); docs/migrations.md, "Limits".
  EXPECT_LT(large_delta, 100 * large_bytes) << large_delta << " bytes for a file of " << large_bytes;
}

}  // namespace
}  // namespace slipway::test
