#include "support/pg_test.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "embedded/child_process.hpp"
#include "embedded/process.hpp"
#include "embedded/temp_cluster.hpp"
#include "pg/conninfo.hpp"
#include "support/build_paths.hpp"

namespace fs = std::filesystem;

namespace slipway::test {

const std::string& server_conninfo() {
  static const std::string conninfo = [] {
    if (const char* url = std::getenv("SLIPWAY_TEST_PGURL"); url && *url) return std::string(url);
    const char* file = std::getenv("SLIPWAY_TEST_CLUSTER_FILE");
    if (!file) file = build_paths::cluster_file;
    if (fs::exists(file)) {
      std::ifstream in(file);
      std::string line;
      std::getline(in, line);
      try {
        if (!line.empty()) pg::Connection probe(line);  // a leftover file of a finished run?
        if (!line.empty()) return line;
      } catch (const std::exception&) {
      }
    }
    // Run directly (not under ctest): a cluster for this process alone. Static, so it is stopped
    // at exit; the watchdog covers crashes.
    static embedded::TempCluster cluster([] {
      embedded::ClusterOptions o;
      o.hba_lines = {"host all +slipway_password_auth 127.0.0.1/32 scram-sha-256"};
      return o;
    }());
    cluster.start();
    return cluster.conninfo();
  }();
  return conninfo;
}

std::string slipway_bin() {
  const char* b = std::getenv("SLIPWAY_BIN");
  return b ? b : build_paths::slipway_bin;
}

std::string source_dir() {
  const char* s = std::getenv("SLIPWAY_SOURCE_DIR");
  return s ? s : build_paths::source_dir;
}

std::string shared_dir() { return (fs::path(source_dir()) / ".." / "shared").lexically_normal().string(); }

bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  embedded::ChildOptions o;
  o.search_path = true;
  o.out = embedded::Stream::capture();
  o.err = embedded::Stream::capture();
  for (const auto& [k, v] : env) o.env[k] = v;
  CommandResult res;
  auto start = std::chrono::steady_clock::now();
  try {
    auto r = embedded::run(argv, o);
    res.exit_code = r.exit.code;
    res.out = std::move(r.out);
    res.err = std::move(r.err);
  } catch (const embedded::SpawnError& e) {
    res.exit_code = 127;  // what a shell says for a command it cannot run
    res.err = e.what();
  }
  res.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return res;
}

void PgTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (auto& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
  std::mt19937 rng{std::random_device{}()};
  dbname_ = "t_" + name.substr(0, 40) + "_" + std::to_string(rng() % 1000000);
  pg::Connection admin(server_conninfo());
  admin.exec("CREATE DATABASE \"" + dbname_ + "\"");
  url_ = pg::with_database(server_conninfo(), dbname_);
  conn_ = std::make_unique<pg::Connection>(url_);
}

void PgTest::TearDown() {
  conn_.reset();
  if (dbname_.empty()) return;
  if (std::getenv("SLIPWAY_TEST_KEEP_DB")) return;
  try {
    pg::Connection admin(server_conninfo());
    admin.exec("DROP DATABASE IF EXISTS \"" + dbname_ + "\" WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "could not drop test database " << dbname_ << ": " << e.what();
  }
}

pqxx::result PgTest::sql(const std::string& statement) { return conn_->exec(statement); }

CommandResult PgTest::slipway(std::vector<std::string> args, std::map<std::string, std::string> env) {
  std::vector<std::string> argv{slipway_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  if (!env.count("SLIPWAY_POSTGRES_URL")) env["SLIPWAY_POSTGRES_URL"] = url_;
  return run_command(argv, env);
}

std::string PgTest::schema_dump(const std::vector<std::string>& extra_args) {
  return schema_dump_of(url_, extra_args);
}

std::string schema_dump_of(const std::string& url, const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv{embedded::pg_bin_dir() + "/pg_dump", "--schema-only", "--no-owner",
                                "--no-privileges", "-d", url};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  auto r = run_command(argv);
  if (r.exit_code != 0) ADD_FAILURE() << "pg_dump failed: " << r.err;
  // pg_dump >= 15.14 brackets its output with \restrict/\unrestrict and a random key; drop those
  // lines so two dumps of the same schema compare equal.
  std::stringstream in(r.out);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.rfind("\\restrict ", 0) == 0 || line.rfind("\\unrestrict ", 0) == 0) continue;
    out += line + "\n";
  }
  return out;
}

}  // namespace slipway::test
