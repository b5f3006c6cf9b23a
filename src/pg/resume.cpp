#include "pg/resume.hpp"

#include <algorithm>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "pg/errors.hpp"
#include "util/duration.hpp"
#include "util/log.hpp"

namespace slipway::pg {

void resume_after_lost_connection(const std::string& what, const std::function<void()>& unit,
                                  std::chrono::milliseconds patience, std::chrono::milliseconds first_delay) {
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> lost_at;  // set once a run lost its connection
  auto delay = first_delay;
  auto out_of_patience = [&] { return !lost_at || Clock::now() - *lost_at > patience; };
  for (;;) {
    try {
      // typed: a libpqxx error the unit let through untyped (a transaction on the raw
      // connection) is a lost connection like any other, not an internal error.
      typed_errors([&] { unit(); });
      return;
    } catch (const ConnectionLost& e) {
      // Lost midway: whatever committed is recorded; a new run resumes after it.
      if (!lost_at) lost_at = Clock::now();
      if (out_of_patience()) throw;
      log::info("lost the connection to the server during {} ({}); connecting again to resume", what, e.what());
    } catch (const ConnectFailed& e) {
      if (!lost_at) throw;  // a first connection that fails is the caller's error
      if (out_of_patience()) {
        throw ConnectFailed(fmt::format("lost the connection to the server during {} and could not connect again "
                                        "within {}: {}",
                                        what, format_duration(patience), e.what()),
                            kResumeAfterLostConnectionHint);
      }
      log::verbose("server not reachable yet: {}", e.what());
    } catch (const AnotherSlipwayRunning&) {
      if (out_of_patience()) throw;  // the lost session's backend may not have ended yet
    }
    std::this_thread::sleep_for(delay);
    delay = std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds(5));
  }
}

}  // namespace slipway::pg
