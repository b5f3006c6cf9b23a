#include "rewrite_support.hpp"

#include <random>

#include "pg/conninfo.hpp"
#include "pg/errors.hpp"

namespace slipway::test {

namespace {
std::string as_user(const std::string& url, const std::string& user) {
  auto params = pg::parse_conninfo(url);
  params["user"] = user;
  return pg::to_keyvalue(params);
}
}  // namespace

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

namespace {
// Whether the exception in flight is a lost connection, as the pg layer types it (a broken
// connection, an administrator's or a crash's termination, a commit in doubt).
bool lost_connection_in_flight() {
  try {
    pg::rethrow_typed();
  } catch (const pg::ConnectionLost&) {
    return true;
  } catch (...) {
  }
  return false;
}
}  // namespace

void Writer::loop() {
  while (!stop_) {
    try {
      pqxx::connection c(url_);
      run_until_stopped(c);
    } catch (const std::exception& e) {
      if (!rides_restarts_ || !lost_connection_in_flight()) {
        errors_.push_back(e.what());
        return;
      }
      // The server restarts: connecting fails until it accepts connections again.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

void Writer::run_until_stopped(pqxx::connection& c) {
  std::mt19937 rng(42 + uint32_t(ops_));
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
}

AccountsDatabase create_accounts_database(const std::string& url, const std::string& dbname) {
  AccountsDatabase db;
  db.owner = dbname + "_owner";
  db.app = dbname + "_app";
  pg::Connection admin(url);
  admin.exec("CREATE ROLE \"" + db.owner + "\" LOGIN");
  admin.exec("CREATE ROLE \"" + db.app + "\" LOGIN");
  admin.exec("GRANT CREATE ON DATABASE \"" + dbname + "\" TO \"" + db.owner + "\"");
  admin.exec("GRANT CREATE ON SCHEMA public TO \"" + db.owner + "\"");
  db.owner_url = as_user(url, db.owner);
  db.app_url = as_user(url, db.app);
  pg::Connection owner(db.owner_url);
  std::string app = "\"" + db.app + "\"";
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
  auto r = run_command({slipway_bin(), "init"}, {{"SLIPWAY_POSTGRES_URL", db.owner_url}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return db;
}

void seed_accounts(const std::string& owner_url, int accounts) {
  pg::Connection owner(owner_url);
  owner.exec("INSERT INTO accounts (name, balance, note) SELECT 'a' || g, g % 1000, CASE WHEN g % 3 = 0 THEN NULL "
             "ELSE 'note ' || g END FROM generate_series(1, " + std::to_string(accounts) + ") g");
  owner.exec("INSERT INTO orders (account_id, amount) SELECT id, id % 50 FROM accounts");
  owner.exec("INSERT INTO accounts_ref SELECT id, name, balance, note FROM accounts");
}

int64_t differences_from_reference(pg::Connection& c, const std::string& table) {
  return c.exec("SELECT count(*) FROM ((SELECT id::bigint, name, balance, note FROM " + table +
                " EXCEPT SELECT id, name, balance, note FROM accounts_ref) UNION ALL (SELECT id, name, balance, note "
                "FROM accounts_ref EXCEPT SELECT id::bigint, name, balance, note FROM " + table + ")) d")[0][0]
      .as<int64_t>();
}

void RewriteTest::SetUp() {
  PgTest::SetUp();
  auto db = create_accounts_database(url(), dbname());
  if (HasFailure()) return;
  owner_ = db.owner;
  app_ = db.app;
  owner_url_ = db.owner_url;
  app_url_ = db.app_url;
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

void RewriteTest::seed(int accounts) { seed_accounts(owner_url_, accounts); }

int64_t RewriteTest::differences(const std::string& table) {
  auto c = connect();
  return differences_from_reference(c, table);
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
