// Samples, every few milliseconds, whether some other session holds a lock on a table that
// blocks the application's writes (Share, Share Row Exclusive, Exclusive, Access Exclusive), and
// reports the total and the longest continuous span. An outside view of "how long was the
// table locked", the same for every tool the rewrite benchmark compares.
//   rewrite_lock_sampler CONNINFO TABLE STOP_FILE [INTERVAL_MS]
// Runs until STOP_FILE exists; prints {"blocked_ms": ..., "longest_ms": ..., "samples": ...}.
#include <pqxx/pqxx>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: rewrite_lock_sampler CONNINFO TABLE STOP_FILE [INTERVAL_MS]\n";
    return 2;
  }
  using Clock = std::chrono::steady_clock;
  pqxx::connection c(argv[1]);
  std::string table = argv[2];
  std::string stop = argv[3];
  auto interval = std::chrono::milliseconds(argc > 4 ? std::stoi(argv[4]) : 2);
  c.prepare("held",
            "SELECT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'relation' AND l.granted "
            "AND l.relation = to_regclass($1) AND l.pid <> pg_backend_pid() "
            "AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'))");
  double blocked = 0, longest = 0, span = 0;
  long samples = 0;
  auto last = Clock::now();
  bool was = false;
  while (!std::filesystem::exists(stop)) {
    bool held = false;
    {
      pqxx::nontransaction tx(c);
      held = tx.exec_prepared("held", table)[0][0].as<bool>();
    }
    auto now = Clock::now();
    double dt = std::chrono::duration<double, std::milli>(now - last).count();
    last = now;
    ++samples;
    // The interval that ended in a "held" sample counts as held (the lock was seen at its end).
    if (held) {
      blocked += dt;
      span = was ? span + dt : dt;
    }
    if (span > longest) longest = span;
    was = held;
    std::this_thread::sleep_for(interval);
  }
  std::cout << "{\"blocked_ms\": " << blocked << ", \"longest_ms\": " << longest << ", \"samples\": " << samples
            << "}\n";
}
