// What every command shares: the global flags, and the connection/lock/executor they imply.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "pg/connection.hpp"
#include "pg/ddl_executor.hpp"
#include "state/session_lock.hpp"
#include "state/store.hpp"
#include "util/error.hpp"

namespace slipway::cli {

struct GlobalOptions {
  std::string postgres_url;      // empty: libpq's PG* environment variables
  std::string schema = "public";
  std::string state_schema = "slipway";
  std::chrono::milliseconds lock_timeout{100};
  int lock_retries = 60;
  std::chrono::milliseconds lock_max_wait = std::chrono::minutes(10);
  bool json = false;
  bool verbose = false;
  std::string role;  // --role: every session runs as this role (SET ROLE at connection start)
  bool use_version_schema = true;  // --use-version-schema=false: migrations create no schema of views

  pg::LockPolicy lock_policy() const;
  // InputError (exit 2) naming --postgres-url when libpq could not read it; before connecting.
  void check_postgres_url() const;
};

// A failure the command's own output already reports (lint's findings, a backfill's result with
// "complete": false): the exit code and the message on stderr as for any Error, but no --json
// error object after that output.
class ReportedFailure : public Error {
 public:
  using Error::Error;
};

// An open session for a command: connection, state store, and for state-changing commands the
// database's advisory lock (held until the session ends).
class Session {
 public:
  enum class Mode { read_only, state_changing };
  Session(const GlobalOptions& globals, Mode mode);

  pg::Connection& conn() { return *conn_; }
  state::StateStore& store() { return *store_; }
  // A DDL executor that reports each retry on stderr.
  pg::DdlExecutor& ddl() { return *ddl_; }
  const GlobalOptions& globals() const { return globals_; }

 private:
  const GlobalOptions& globals_;
  std::unique_ptr<pg::Connection> conn_;
  std::unique_ptr<state::StateStore> store_;
  std::unique_ptr<state::SessionLock> lock_;
  std::unique_ptr<pg::DdlExecutor> ddl_;
};

}  // namespace slipway::cli
