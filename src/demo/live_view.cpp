#include "demo/live_view.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "demo/format.hpp"
#include "demo/traffic.hpp"

namespace slipway::demo {

std::string progress_bar(int64_t done, int64_t total, int width) {
  if (total <= 0) return {};
  double f = std::clamp(double(done) / double(total), 0.0, 1.0);
  int full = static_cast<int>(f * width + 0.5);
  return "[" + std::string(full, '#') + std::string(width - full, '-') + "]";
}

LiveView::LiveView(std::FILE* out, bool tty, bool quiet) : out_(out), tty_(tty), quiet_(quiet) {
  if (!quiet_) thread_ = std::thread([this] { loop(); });
}

LiveView::~LiveView() { stop(); }

void LiveView::stop() {
  if (stopping_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  clear_block();
  std::fflush(out_);
}

void LiveView::attach(const TrafficGenerator* traffic) {
  std::lock_guard lock(mutex_);
  traffic_ = traffic;
}

void LiveView::set_phase(std::string run, std::string migration, std::string step, double phase_start_s) {
  std::lock_guard lock(mutex_);
  run_ = std::move(run);
  migration_ = std::move(migration);
  step_ = std::move(step);
  phase_start_s_ = phase_start_s;
  done_ = total_ = 0;
}

void LiveView::set_progress(int64_t done, int64_t total) {
  std::lock_guard lock(mutex_);
  done_ = done;
  total_ = total;
}

void LiveView::log(const std::string& line) {
  std::lock_guard lock(mutex_);
  clear_block();
  std::fprintf(out_, "%s\n", line.c_str());
  if (tty_ && !stopping_) draw();
  std::fflush(out_);
}

void LiveView::clear_block() {
  if (!tty_) return;
  for (int i = 0; i < drawn_lines_; ++i) std::fputs("\x1b[1A\x1b[2K", out_);
  drawn_lines_ = 0;
}

std::string LiveView::status_lines() {
  std::string where = run_.empty() ? "starting" : fmt::format("{} {} > {}", run_, migration_, step_);
  std::string line1 = where;
  if (total_ > 0) {
    line1 += fmt::format("  {} {:3.0f}%  {} / {} rows", progress_bar(done_, total_, 30),
                         100.0 * double(done_) / double(total_), thousands(done_), thousands(total_));
  }
  std::string line2;
  if (traffic_) {
    double now = traffic_->seconds_since_epoch();
    auto window = traffic_->samples_since(std::min(now - 2.0, std::max(phase_start_s_, now - 600)));
    // Rate over the last two seconds; latency percentiles over the same window; max over the
    // whole phase so far (a stall must stay visible after it ends).
    std::vector<Sample> recent;
    for (const auto& s : window)
      if (s.start_s >= now - 2.0) recent.push_back(s);
    auto st = stats_of(recent);
    auto phase = stats_between(window, phase_start_s_, 1e300);
    line2 = fmt::format("  app: {:5.0f} q/s   p50 {}  p99 {}  phase max {}   errors so far {}",
                        double(st.queries) / std::clamp(now, 0.1, 2.0), ms(st.p50_ms), ms(st.p99_ms), ms(phase.max_ms),
                        traffic_->total_errors());
  }
  return line2.empty() ? line1 : line1 + "\n" + line2;
}

void LiveView::draw() {
  if (run_.empty()) return;  // nothing to report before the first phase
  std::string text = status_lines();
  std::fputs(text.c_str(), out_);
  std::fputs("\n", out_);
  drawn_lines_ = int(std::count(text.begin(), text.end(), '\n')) + 1;
}

void LiveView::loop() {
  using namespace std::chrono;
  auto period = tty_ ? milliseconds(200) : milliseconds(2000);
  auto next = steady_clock::now() + period;
  while (!stopping_) {
    std::this_thread::sleep_for(milliseconds(50));
    if (steady_clock::now() < next) continue;
    next += period;
    std::lock_guard lock(mutex_);
    if (stopping_) break;
    if (tty_) {
      clear_block();
      draw();
    } else if (!run_.empty()) {
      std::string text = status_lines();
      std::replace(text.begin(), text.end(), '\n', ' ');
      std::fprintf(out_, "  .. %s\n", text.c_str());
    }
    std::fflush(out_);
  }
}

}  // namespace slipway::demo
