// .slipway.toml / slipway.yaml: discovery by walking up, keys, strictness, excludes, globs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lint/config.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;
using namespace slipway::lint;

namespace {

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("slipway-lint-cfg-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel) << text;
  }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

}  // namespace

TEST(LintConfig, TomlIsFoundByWalkingUp) {
  TempDir d;
  d.write(".slipway.toml",
          "[lint]\ndisabled_rules = [\"prefer-bigint\"]\npg_version = 12\nassume_in_transaction = true\n"
          "exclude = [\"legacy/**\"]\n");
  d.write("db/migrations/x/keep.txt", "");
  auto found = find_config(d.path() / "db/migrations/x");
  ASSERT_TRUE(found);
  EXPECT_EQ(fs::canonical(*found), fs::canonical(d.path() / ".slipway.toml"));
  auto cfg = load_config(*found);
  EXPECT_EQ(cfg.disabled_rules, std::set<std::string>{"prefer-bigint"});
  EXPECT_EQ(cfg.pg_version, 12);
  EXPECT_EQ(cfg.assume_in_transaction, true);
  EXPECT_TRUE(cfg.excludes(d.path() / "legacy/old/001.sql"));
  EXPECT_FALSE(cfg.excludes(d.path() / "db/001.sql"));
}

TEST(LintConfig, YamlWorksToo) {
  TempDir d;
  d.write("slipway.yaml", "lint:\n  disabled_rules: [ban-drop-table]\n  pg_version: 11\n  assume_timezone: UTC\n");
  auto found = find_config(d.path());
  ASSERT_TRUE(found);
  auto cfg = load_config(*found);
  EXPECT_EQ(cfg.disabled_rules, std::set<std::string>{"ban-drop-table"});
  EXPECT_EQ(cfg.pg_version, 11);
  EXPECT_FALSE(cfg.assume_in_transaction);
  EXPECT_EQ(cfg.assume_timezone, "UTC");
}

TEST(LintConfig, UnknownRulesAndKeysAreErrors) {
  TempDir d;
  d.write("a/.slipway.toml", "[lint]\ndisabled_rules = [\"no-such-rule\"]\n");
  EXPECT_THROW(load_config(d.path() / "a/.slipway.toml"), slipway::InputError);
  d.write("b/.slipway.toml", "[lint]\npg_versoin = 12\n");
  EXPECT_THROW(load_config(d.path() / "b/.slipway.toml"), slipway::InputError);
  d.write("c/slipway.yaml", "lint:\n  disabled_rules: [nope]\n");
  EXPECT_THROW(load_config(d.path() / "c/slipway.yaml"), slipway::InputError);
  d.write("d/.slipway.toml", "[lint\n");
  EXPECT_THROW(load_config(d.path() / "d/.slipway.toml"), slipway::InputError);
  d.write("e/.slipway.toml", "[lint]\nassume_timezone = 0\n");
  EXPECT_THROW(load_config(d.path() / "e/.slipway.toml"), slipway::InputError);
}

TEST(LintConfig, GlobMatching) {
  EXPECT_TRUE(glob_match("**/*.sql", "a/b/c.sql"));
  EXPECT_TRUE(glob_match("**/*.sql", "c.sql"));
  EXPECT_TRUE(glob_match("a/*.sql", "a/c.sql"));
  EXPECT_FALSE(glob_match("a/*.sql", "a/b/c.sql"));
  EXPECT_TRUE(glob_match("a/**/c.sql", "a/c.sql"));
  EXPECT_TRUE(glob_match("a/**", "a/b/c.sql"));
  EXPECT_FALSE(glob_match("*.sql", "c.yaml"));
}

TEST(LintConfig, GlobArgumentsExpandRecursively) {
  TempDir d;
  d.write("m/1.sql", "");
  d.write("m/sub/2.sql", "");
  d.write("m/sub/3.txt", "");
  auto files = expand_path_argument((d.path() / "m/**/*.sql").string());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(fs::path(files[0]).filename(), "1.sql");
  EXPECT_EQ(fs::path(files[1]).filename(), "2.sql");
  EXPECT_EQ(expand_path_argument((d.path() / "m").string()).size(), 2u);
  EXPECT_TRUE(expand_path_argument((d.path() / "none/*.sql").string()).empty());
}
