// Resuming a unit of work after the connection to the server was lost midway (a server restart,
// a failover, a terminated backend).
#pragma once
#include <chrono>
#include <functional>
#include <string>

namespace slipway::pg {

// Runs `unit`, which opens its own connection (and takes its own locks) and resumes from what it
// recorded, so running it again does exactly what is left. When it throws ConnectionLost, it is
// run again; while the server is unreachable (ConnectFailed) or the lost session still holds the
// advisory lock (AnotherSlipwayRunning), it is retried with backoff (`first_delay` doubling to
// 5 s). After `patience` from the first loss the last error is rethrown, with a hint to run the
// same command again (a server still unreachable says so: ConnectFailed, "lost the connection
// ... and could not connect again within 1m"). Errors before any connection was lost (bad URL,
// wrong password, another slipway) and all other errors are not retried. libpqxx errors the
// unit lets through untyped are typed first (pg/errors.hpp), so a broken connection is always
// ConnectionLost here.
void resume_after_lost_connection(const std::string& what, const std::function<void()>& unit,
                                  std::chrono::milliseconds patience = std::chrono::seconds(60),
                                  std::chrono::milliseconds first_delay = std::chrono::milliseconds(200));

}  // namespace slipway::pg
