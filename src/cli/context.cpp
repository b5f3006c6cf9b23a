#include "cli/context.hpp"

#include "util/duration.hpp"
#include "util/log.hpp"

namespace slipway::cli {

pg::LockPolicy GlobalOptions::lock_policy() const {
  pg::LockPolicy p;
  p.lock_timeout = lock_timeout;
  p.max_retries = lock_retries;
  p.max_total = lock_max_wait;
  return p;
}

Session::Session(const GlobalOptions& globals, Mode mode) : globals_(globals) {
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
