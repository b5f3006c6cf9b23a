#include "pg/advisory_lock.hpp"

#include <fmt/format.h>

#include <thread>
#include <vector>

namespace slipway::pg {

namespace {

// A LEFT JOIN: an exiting backend has left pg_stat_activity while pg_locks still shows its pid.
// The int4 keys cast to oid as pg_locks shows them (binary: a negative key is a large oid).
constexpr const char* kHolderQuery =
    "SELECT l.pid, a.pid IS NULL, coalesce(a.application_name, ''), "
    "       CASE WHEN a.client_addr IS NOT NULL THEN host(a.client_addr) "
    "            WHEN a.backend_start IS NOT NULL THEN 'local socket' ELSE '' END, "
    "       coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), ''), coalesce(a.state, ''), "
    "       coalesce(a.query_start::text, '') "
    "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int4::oid AND l.objid = $2::int4::oid "
    "  AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "LIMIT 1";

bool try_once(Connection& c, AdvisoryKey key) {
  return c.query_value<bool>("SELECT pg_try_advisory_lock($1::int4, $2::int4)", key.first, key.second).value_or(false);
}

}  // namespace

std::string AdvisoryHolder::describe() const {
  if (pid == 0) return "a session that released it as slipway looked";
  std::vector<std::string> parts{fmt::format("pid {}", pid)};
  if (ending) {
    parts.push_back("whose session is ending");
  } else {
    if (!application_name.empty()) parts.push_back(fmt::format("application '{}'", application_name));
    if (!client.empty()) parts.push_back("from " + client);
    if (!backend_start.empty()) parts.push_back("connected since " + backend_start);
    if (!state.empty()) parts.push_back(state);
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::optional<AdvisoryHolder> advisory_lock_holder(Connection& c, AdvisoryKey key) {
  auto r = c.exec_params(kHolderQuery, key.first, key.second);
  if (r.empty()) return std::nullopt;
  AdvisoryHolder h;
  h.pid = r[0][0].as<int>();
  h.ending = r[0][1].as<bool>();
  h.application_name = r[0][2].c_str();
  h.client = r[0][3].c_str();
  h.backend_start = r[0][4].c_str();
  h.state = r[0][5].c_str();
  h.query_start = r[0][6].c_str();
  return h;
}

std::optional<AdvisoryHolder> try_advisory_lock(Connection& c, AdvisoryKey key, std::chrono::milliseconds wait) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + wait;
  std::optional<AdvisoryHolder> first_seen;  // the holder whose end we wait for
  for (;;) {
    if (try_once(c, key)) return std::nullopt;
    auto holder = advisory_lock_holder(c, key);
    bool out_of_time = Clock::now() >= deadline;
    if (!holder) {
      // Released between the try and the look: try again at once.
      if (out_of_time) return first_seen ? *first_seen : AdvisoryHolder{};
      continue;
    }
    // A statement started since we first looked: its client is alive, no point waiting.
    bool alive = first_seen && first_seen->pid == holder->pid && !holder->query_start.empty() &&
                 holder->query_start != first_seen->query_start;
    if (alive || out_of_time) return holder;
    if (!first_seen || first_seen->pid != holder->pid) first_seen = holder;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void advisory_unlock(Connection& c, AdvisoryKey key) {
  c.exec_params("SELECT pg_advisory_unlock($1::int4, $2::int4)", key.first, key.second);
}

}  // namespace slipway::pg
