#include "cli/context.hpp"

#include "pg/conninfo.hpp"
#include "util/duration.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace slipway::cli {

pg::LockPolicy GlobalOptions::lock_policy() const {
  pg::LockPolicy p;
  p.lock_timeout = lock_timeout;
  p.max_retries = lock_retries;
  p.max_total = lock_max_wait;
  return p;
}

void GlobalOptions::check_postgres_url() const {
  if (postgres_url.empty()) return;  // libpq's PG* variables: libpq reads them when connecting
  try {
    pg::check_conninfo(postgres_url);
  } catch (const InputError& e) {
    throw InputError("--postgres-url: " + std::string(e.what()), e.hint());
  }
}

Session::Session(const GlobalOptions& globals, Mode mode) : globals_(globals) {
  globals.check_postgres_url();
  auto policy = globals.lock_policy();
  conn_ = std::make_unique<pg::Connection>(globals.postgres_url);
  store_ = std::make_unique<state::StateStore>(*conn_, globals.state_schema);
  if (mode == Mode::state_changing) lock_ = std::make_unique<state::SessionLock>(*conn_, globals.state_schema);
  ddl_ = std::make_unique<pg::DdlExecutor>(*conn_, policy, [](const pg::RetryEvent& e) {
    log::info("  {} on `{}`: retry {} in {} (waited {} so far)", e.reason, e.statement, e.attempt,
              format_duration(e.backoff), format_duration(e.waited));
  });
}

}  // namespace slipway::cli
