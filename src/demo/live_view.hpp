// The demo's live terminal view: the phase and step, a progress bar for the backfill, and what
// the application sees right now (queries/s, p50/p99/max latency, errors so far). On a
// terminal it redraws a small block in place; otherwise it prints a plain line every couple of
// seconds. Log lines (phase changes) are printed above the block.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace slipway::demo {

class TrafficGenerator;

class LiveView {
 public:
  // `out`: where to draw (stdout, or stderr when stdout carries JSON). `tty` picks the redraw
  // mode. `quiet`: log lines only, no periodic status (tests).
  LiveView(std::FILE* out, bool tty, bool quiet = false);
  ~LiveView();
  LiveView(const LiveView&) = delete;
  LiveView& operator=(const LiveView&) = delete;

  // The traffic the view reports on (nullptr: none). The generator must outlive the view's use
  // of it: detach (nullptr) before destroying it.
  void attach(const TrafficGenerator* traffic);
  // "slipway" / "naive", the migration (or change), and its step.
  void set_phase(std::string run, std::string migration, std::string step, double phase_start_s);
  // Backfill progress; total <= 0 hides the bar.
  void set_progress(int64_t done, int64_t total);
  // A line printed above the live block.
  void log(const std::string& line);
  void stop();  // stops redrawing and clears the block (idempotent)

 private:
  void loop();
  std::string status_lines();  // called with mutex_ held
  void clear_block();          // called with mutex_ held
  void draw();                 // called with mutex_ held

  std::FILE* out_;
  bool tty_;
  bool quiet_;
  std::mutex mutex_;
  const TrafficGenerator* traffic_ = nullptr;
  std::string run_, migration_, step_;
  double phase_start_s_ = 0;
  int64_t done_ = 0, total_ = 0;
  int drawn_lines_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// A text progress bar of `width` cells.
std::string progress_bar(int64_t done, int64_t total, int width);

}  // namespace slipway::demo
