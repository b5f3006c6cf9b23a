// Conformance: pgroll's 56 example migrations, in order, on a fresh database.
//  - every file starts and completes;
//  - for every file, start followed by rollback leaves `pg_dump --schema-only` identical.
// Both tests run all files and report every failure, not just the first.
#include <filesystem>

#include "migration/ops_test_support.hpp"

namespace slipway::test {
namespace {

std::vector<std::string> conformance_files() {
  std::vector<std::string> out;
  auto dir = std::filesystem::path(shared_dir()) / "conformance" / "pgroll-examples";
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string name_of(const std::string& path) { return std::filesystem::path(path).stem().string(); }

class Conformance : public OpsTest {};

TEST_F(Conformance, EveryExampleStartsAndCompletesInOrder) {
  auto files = conformance_files();
  ASSERT_EQ(files.size(), 56u) << "the conformance set should hold 56 files";
  std::vector<std::string> failures;
  for (const auto& f : files) {
    auto r = slipway({"start", "--complete", f});
    if (r.exit_code != 0) {
      failures.push_back(name_of(f) + ": " + r.err.substr(r.err.rfind("slipway:") == std::string::npos ? 0 : r.err.rfind("slipway:")));
      // Leave the database usable for the files after it.
      if (slipway({"rollback"}).exit_code != 0) {
        failures.push_back(name_of(f) + ": could not be rolled back either; later files not tried");
        break;
      }
    }
  }
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << files.size() << " files failed";
  // The history records the completed files; the last version schema is the only one left.
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM slipway.migrations WHERE status = 'complete'"),
            static_cast<long long>(files.size() - failures.size()));
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'public\\_%'"), 1);
  EXPECT_EQ(scalar<long long>("SELECT count(*) FROM pg_proc WHERE proname LIKE '\\_slipway%'"), 0);
}

TEST_F(Conformance, StartThenRollbackLeavesTheSchemaDumpIdenticalForEveryExample) {
  auto files = conformance_files();
  ASSERT_EQ(files.size(), 56u);
  std::vector<std::string> failures;
  for (const auto& f : files) {
    auto before = schema_dump({"--exclude-schema=slipway"});
    auto started = slipway({"start", f});
    if (started.exit_code != 0) failures.push_back(name_of(f) + ": start failed: " + started.err);
    auto rolled = slipway({"rollback"});
    if (started.exit_code == 0 && rolled.exit_code != 0) failures.push_back(name_of(f) + ": rollback failed: " + rolled.err);
    auto after = schema_dump({"--exclude-schema=slipway"});
    if (before != after) failures.push_back(name_of(f) + ": schema differs after start + rollback");
    // Move on: apply it for real.
    auto applied = slipway({"start", "--complete", f});
    if (applied.exit_code != 0) {
      failures.push_back(name_of(f) + ": start --complete failed: " + applied.err);
      if (slipway({"rollback"}).exit_code != 0) break;
    }
  }
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_TRUE(failures.empty()) << failures.size() << " problems over " << files.size() << " files";
}

}  // namespace
}  // namespace slipway::test
