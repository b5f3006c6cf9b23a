#include "demo/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>

namespace slipway::demo {

namespace {
volatile sig_atomic_t g_signals = 0;
struct sigaction g_old_int, g_old_term;

void on_signal(int) {
  g_signals = g_signals + 1;
  if (g_signals >= 2) {
    const char msg[] = "\nslipway demo: second interrupt, exiting now (the cluster's watchdog removes it)\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(130);
  }
}
}  // namespace

Interrupt::Interrupt() {
  g_signals = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
  watcher_ = std::thread([this] { watch(); });
}

Interrupt::~Interrupt() {
  stopping_ = true;
  if (watcher_.joinable()) watcher_.join();
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
}

bool Interrupt::requested() const { return g_signals > 0; }

void Interrupt::check() const {
  if (requested()) throw Interrupted();
}

bool Interrupt::sleep_for(double seconds) const {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (requested()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !requested();
}

Interrupt::Guard Interrupt::on_interrupt(std::function<void()> cancel) {
  std::lock_guard lock(mutex_);
  size_t id = next_id_++;
  if (fired_) cancel();
  cancels_.emplace_back(id, std::move(cancel));
  return Guard(*this, id);
}

Interrupt::Guard::~Guard() {
  std::lock_guard lock(owner_.mutex_);
  std::erase_if(owner_.cancels_, [&](const auto& c) { return c.first == id_; });
}

void Interrupt::watch() {
  // Signal handlers may do almost nothing; this thread turns the flag into cancellations.
  while (!stopping_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!requested()) continue;
    std::lock_guard lock(mutex_);
    if (fired_) continue;
    fired_ = true;
    for (auto& c : cancels_) c.second();
  }
}

}  // namespace slipway::demo
