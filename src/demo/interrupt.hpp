// Ctrl-C (SIGINT) and SIGTERM during the demo: the first one asks the demo to stop cleanly (the
// running statement is cancelled, the migration rolled back, the cluster removed); a second one
// exits at once (the cluster's watchdog still removes it).
#pragma once
#include <functional>
#include <mutex>
#include <thread>
#include <atomic>
#include <vector>

namespace slipway::demo {

class Interrupt {
 public:
  Interrupt();   // installs the handlers
  ~Interrupt();  // restores the previous ones
  Interrupt(const Interrupt&) = delete;
  Interrupt& operator=(const Interrupt&) = delete;

  bool requested() const;
  // Runs `cancel` (from a watcher thread) when an interrupt arrives while the returned guard
  // lives; runs it at once if one already arrived. For cancelling a running query.
  class Guard {
   public:
    Guard(Interrupt& owner, size_t id) : owner_(owner), id_(id) {}
    ~Guard();
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    Interrupt& owner_;
    size_t id_;
  };
  [[nodiscard]] Guard on_interrupt(std::function<void()> cancel);

  // Sleeps up to `seconds`, returning early (false) on an interrupt.
  bool sleep_for(double seconds) const;

  // Throws Interrupted when an interrupt arrived.
  void check() const;

 private:
  void watch();
  std::mutex mutex_;
  std::vector<std::pair<size_t, std::function<void()>>> cancels_;
  size_t next_id_ = 0;
  bool fired_ = false;
  std::atomic<bool> stopping_{false};
  std::thread watcher_;
};

// Thrown at a checkpoint of the demo after Ctrl-C.
struct Interrupted : std::exception {
  const char* what() const noexcept override { return "interrupted"; }
};

}  // namespace slipway::demo
