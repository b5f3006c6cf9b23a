#include "cli/commands/migration_support.hpp"

#include <algorithm>
#include <thread>

#include "pg/errors.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace slipway::cli {

void resume_after_lost_connection(const std::string& what, const std::function<void()>& phase,
                                  std::chrono::seconds patience) {
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> lost_at;  // set once a run lost its connection
  std::chrono::milliseconds delay{200};
  for (;;) {
    try {
      phase();
      return;
    } catch (const pg::ConnectionLost& e) {
      // Lost midway: whatever committed is recorded; a new run resumes after it.
      if (!lost_at) lost_at = Clock::now();
      if (Clock::now() - *lost_at > patience) throw;
      log::info("lost the connection to the server during {} ({}); connecting again to resume", what, e.what());
    } catch (const pg::ConnectFailed& e) {
      // The server is not back yet (only after a lost connection: a first connection that
      // fails is the caller's error).
      if (!lost_at || Clock::now() - *lost_at > patience) throw;
      log::verbose("server not reachable yet: {}", e.what());
    } catch (const AnotherSlipwayRunning&) {
      // The lost session's backend may not have ended yet, and it held the advisory lock.
      if (!lost_at || Clock::now() - *lost_at > patience) throw;
    }
    std::this_thread::sleep_for(delay);
    delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(5));
  }
}

}  // namespace slipway::cli
