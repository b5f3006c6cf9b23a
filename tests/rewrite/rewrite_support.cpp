#include "rewrite_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "pg/conninfo.hpp"

namespace fs = std::filesystem;

namespace slipway::test {

namespace {
std::string slurp(const std::string& f) {
  std::ifstream in(f);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string as_user(const std::string& url, const std::string& user) {
  auto params = pg::parse_conninfo(url);
  params["user"] = user;
  return pg::to_keyvalue(params);
}
}  // namespace

AsyncSlipway::AsyncSlipway(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  static std::atomic<int> counter{0};
  std::string base = (fs::temp_directory_path() / ("slipway-rw-" + std::to_string(getpid()) + "-" +
                                                   std::to_string(counter++)))
                         .string();
  out_file_ = base + ".out";
  err_file_ = base + ".err";
  pause_file_ = base + ".pause";
  fs::remove(pause_file_);
  pid_ = fork();
  if (pid_ == 0) {
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    setenv("SLIPWAY_TEST_PAUSE_FILE", pause_file_.c_str(), 1);
    std::vector<std::string> argv{slipway_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargs;
    for (auto& a : argv) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    execvp(cargs[0], cargs.data());
    _exit(127);
  }
}

AsyncSlipway::~AsyncSlipway() {
  if (!reaped_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  fs::remove(out_file_);
  fs::remove(err_file_);
  fs::remove(pause_file_);
}

bool AsyncSlipway::wait_paused(const std::string& phase, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(pause_file_)) {
      std::string got = slurp(pause_file_);
      if (got == phase + "\n") return true;
    }
    if (!reaped_ && waitpid(pid_, &status_, WNOHANG) == pid_) {
      reaped_ = true;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::string AsyncSlipway::err_so_far() const { return slurp(err_file_); }

void AsyncSlipway::resume() { fs::remove(pause_file_); }

void AsyncSlipway::kill9() {
  if (reaped_) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, &status_, 0);
  reaped_ = true;
}

CommandResult AsyncSlipway::wait() {
  if (!reaped_) {
    waitpid(pid_, &status_, 0);
    reaped_ = true;
  }
  CommandResult r;
  r.exit_code = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  r.out = slurp(out_file_);
  r.err = slurp(err_file_);
  return r;
}

void Writer::start() { thread_ = std::thread([this] { loop(); }); }

void Writer::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool Writer::advance(int64_t n, std::chrono::seconds timeout) {
  int64_t target = ops_ + n;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (ops_ < target) {
    if (std::chrono::steady_clock::now() > deadline || !errors_.empty()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void Writer::loop() {
  try {
    pqxx::connection c(url_);
    std::mt19937 rng(42);
    while (!stop_) {
      auto t0 = std::chrono::steady_clock::now();
      pqxx::work tx(c);
      int op = int(rng() % 10);
      int64_t max_id = tx.exec("SELECT coalesce(max(id), 1) FROM accounts_ref")[0][0].as<int64_t>();
      int64_t id = 1 + int64_t(rng() % uint64_t(max_id));
      if (op < 4) {
        auto r = tx.exec_params("INSERT INTO accounts (name, balance, note) VALUES ($1, $2, $3) RETURNING id",
                                "n" + std::to_string(rng() % 100000), int(rng() % 1000), "w");
        tx.exec_params("INSERT INTO accounts_ref (id, name, balance, note) SELECT id, name, balance, note FROM accounts "
                       "WHERE id = $1",
                       r[0][0].as<int64_t>());
      } else if (op < 8) {
        tx.exec_params("UPDATE accounts SET balance = balance + 1, note = 'u' || $2 WHERE id = $1", id, int(rng() % 100));
        tx.exec_params("UPDATE accounts_ref r SET balance = a.balance, note = a.note FROM accounts a "
                       "WHERE r.id = $1 AND a.id = $1",
                       id);
      } else if (op < 9) {
        tx.exec_params("DELETE FROM accounts WHERE id = $1", id);
        tx.exec_params("DELETE FROM accounts_ref WHERE id = $1", id);
      } else {
        tx.exec_params("INSERT INTO orders (account_id, amount) SELECT id, 5 FROM accounts WHERE id = $1", id);
      }
      tx.commit();
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
      if (ms > max_latency_ms_) max_latency_ms_ = ms;
      ++ops_;
    }
  } catch (const std::exception& e) {
    errors_.push_back(e.what());
  }
}

void RewriteTest::SetUp() {
  PgTest::SetUp();
  owner_ = dbname() + "_owner";
  app_ = dbname() + "_app";
  sql("CREATE ROLE \"" + owner_ + "\" LOGIN");
  sql("CREATE ROLE \"" + app_ + "\" LOGIN");
  sql("GRANT CREATE ON DATABASE \"" + dbname() + "\" TO \"" + owner_ + "\"");
  sql("GRANT CREATE ON SCHEMA public TO \"" + owner_ + "\"");
  owner_url_ = as_user(url(), owner_);
  app_url_ = as_user(url(), app_);
  pg::Connection owner(owner_url_);
  std::string app = "\"" + app_ + "\"";
  owner.exec(R"(
    CREATE TABLE accounts (id serial PRIMARY KEY, name text NOT NULL, balance int NOT NULL DEFAULT 0,
                           note text, CHECK (balance >= -1000));
    CREATE INDEX accounts_name_idx ON accounts (name);
    COMMENT ON TABLE accounts IS 'the accounts';
    COMMENT ON COLUMN accounts.balance IS 'in cents';
    CREATE TABLE orders (id serial PRIMARY KEY, account_id int NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                         amount int);
    CREATE TABLE accounts_ref (id bigint PRIMARY KEY, name text, balance int, note text);
    CREATE VIEW rich AS SELECT id, name, balance FROM accounts WHERE balance > 500;
    CREATE TABLE audit (n bigint NOT NULL);
    INSERT INTO audit VALUES (0);
    CREATE FUNCTION count_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE audit SET n = n + 1; RETURN OLD; END $$;
    CREATE TRIGGER accounts_audit AFTER DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION count_deletes();
    ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
    CREATE POLICY app_all ON accounts FOR ALL USING (balance >= -1000);
  )");
  owner.exec("GRANT SELECT, INSERT, UPDATE, DELETE ON accounts, accounts_ref, orders, audit TO " + app);
  owner.exec("GRANT USAGE ON SEQUENCE accounts_id_seq, orders_id_seq TO " + app);
  owner.exec("GRANT SELECT ON rich TO " + app);
  auto r = slipway_as_owner({"init"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

void RewriteTest::TearDown() {
  PgTest::TearDown();  // drops the database (WITH FORCE) first: then the roles own nothing
  try {
    pg::Connection admin(server_conninfo());
    admin.exec("DROP ROLE IF EXISTS \"" + owner_ + "\"");
    admin.exec("DROP ROLE IF EXISTS \"" + app_ + "\"");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "could not drop roles: " << e.what();
  }
}

std::map<std::string, std::string> RewriteTest::owner_env(std::map<std::string, std::string> env) const {
  env["SLIPWAY_POSTGRES_URL"] = owner_url_;
  return env;
}

CommandResult RewriteTest::slipway_as_owner(std::vector<std::string> args, std::map<std::string, std::string> env) {
  return slipway(std::move(args), owner_env(std::move(env)));
}

void RewriteTest::seed(int accounts) {
  pg::Connection owner(owner_url_);
  owner.exec("INSERT INTO accounts (name, balance, note) SELECT 'a' || g, g % 1000, CASE WHEN g % 3 = 0 THEN NULL "
             "ELSE 'note ' || g END FROM generate_series(1, " + std::to_string(accounts) + ") g");
  owner.exec("INSERT INTO orders (account_id, amount) SELECT id, id % 50 FROM accounts");
  owner.exec("INSERT INTO accounts_ref SELECT id, name, balance, note FROM accounts");
}

int64_t RewriteTest::differences(const std::string& table) {
  return scalar<int64_t>(
      "SELECT count(*) FROM ((SELECT id::bigint, name, balance, note FROM " + table +
      " EXCEPT SELECT id, name, balance, note FROM accounts_ref) UNION ALL (SELECT id, name, balance, note FROM "
      "accounts_ref EXCEPT SELECT id::bigint, name, balance, note FROM " + table + ")) d");
}

std::vector<std::string> RewriteTest::helper_objects() {
  std::vector<std::string> out;
  for (const auto& r : sql("SELECT relname FROM pg_class WHERE relname LIKE '\\_slipway%' OR relname ~ '^rw[0-9]+_' "
                           "UNION ALL SELECT proname FROM pg_proc WHERE proname ~ '^rw[0-9]+_' "
                           "UNION ALL SELECT tgname FROM pg_trigger WHERE tgname LIKE '\\_slipway%'")) {
    out.emplace_back(r[0].c_str());
  }
  return out;
}

}  // namespace slipway::test
