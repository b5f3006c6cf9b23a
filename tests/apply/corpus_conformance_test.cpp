// Conformance on real migrations (../shared/corpus): every chain that psql applies to an empty
// PostgreSQL 15 gives, through `slipway apply`, the same schema (pg_dump -s) as `psql -f` of the
// same files in order. What the rewrites change by design would show here as a difference;
// none is allowed (an unnamed index slipway names gets PostgreSQL's own name).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "pg/conninfo.hpp"
#include "support/pg_test.hpp"

namespace slipway::test {
namespace {

namespace fs = std::filesystem;

struct Chain {
  std::string name;     // test name
  std::string folder;   // under corpus/
  std::string pattern;  // "up": *.up.sql; "top": top-level .sql/.sql.postgres; else a subfolder's *.sql
  std::string setup;    // SQL run on both databases first
};

std::vector<std::string> chain_files(const Chain& c) {
  fs::path root = fs::path(shared_dir()) / "corpus" / c.folder;
  std::vector<std::string> out;
  if (!fs::is_directory(root)) return out;
  fs::path dir = (c.pattern == "up" || c.pattern == "top") ? root : root / c.pattern;
  for (auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::string n = e.path().filename().string();
    bool take = c.pattern == "up" ? n.size() > 7 && n.compare(n.size() - 7, 7, ".up.sql") == 0
                                  : (e.path().extension() == ".sql" || n.find(".sql.postgres") != std::string::npos);
    if (take) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class CorpusApply : public PgTest, public ::testing::WithParamInterface<Chain> {
 protected:
  // The dump, without the lines that name the server build or slipway's own schema.
  static std::string normalised(std::string dump) {
    std::string out;
    std::size_t at = 0;
    while (at < dump.size()) {
      auto nl = dump.find('\n', at);
      std::string line = dump.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
      at = nl == std::string::npos ? dump.size() : nl + 1;
      if (line.rfind("-- Dumped", 0) == 0) continue;
      out += line + "\n";
    }
    return out;
  }
};

TEST_P(CorpusApply, SameSchemaAsPsql) {
  const Chain& c = GetParam();
  auto files = chain_files(c);
  if (files.empty()) GTEST_SKIP() << "no corpus chain " << c.folder << " under " << shared_dir();
  std::string other = dbname() + "_psql";
  sql("DROP DATABASE IF EXISTS " + other);
  sql("CREATE DATABASE " + other);
  std::string psql_url = pg::with_database(server_conninfo(), other);
  if (!c.setup.empty()) {
    sql(c.setup);
    pg::Connection(psql_url).exec(c.setup);
  }
  for (auto& f : files) {
    auto r = run_command({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", psql_url, "-f", f});
    ASSERT_EQ(r.exit_code, 0) << "psql failed on " << f << ": " << r.err;
  }
  std::vector<std::string> args{"apply", "--layout", "plain"};
  args.insert(args.end(), files.begin(), files.end());
  auto r = slipway(args, {{"SLIPWAY_POSTGRES_URL", url()}});
  ASSERT_EQ(r.exit_code, 0) << r.out.substr(r.out.size() > 4000 ? r.out.size() - 4000 : 0) << r.err;
  std::string by_psql = normalised(schema_dump_of(psql_url, {"--exclude-schema=slipway"}));
  std::string by_slipway = normalised(schema_dump({"--exclude-schema=slipway"}));
  EXPECT_EQ(by_slipway, by_psql);
  EXPECT_EQ(scalar<int>("SELECT count(*) FROM slipway.apply_history"), static_cast<int>(files.size()));
  sql("DROP DATABASE " + other + " WITH (FORCE)");
}

INSTANTIATE_TEST_SUITE_P(
    Chains, CorpusApply,
    ::testing::Values(Chain{"authelia", "authelia__authelia", "up", ""},
                      Chain{"harbor", "goharbor__harbor", "up",
                            "CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)"},
                      Chain{"hydra", "ory__hydra", "up", ""}, Chain{"kratos", "ory__kratos", "up", ""},
                      Chain{"synapse", "matrix-org__synapse", "top", ""},
                      Chain{"temporal", "temporalio__temporal", "temporal", ""},
                      Chain{"temporal_visibility", "temporalio__temporal", "visibility", ""}),
    [](const ::testing::TestParamInfo<Chain>& info) { return info.param.name; });

}  // namespace
}  // namespace slipway::test
