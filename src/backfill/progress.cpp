#include "backfill/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace slipway::backfill {

namespace {

using Clock = std::chrono::steady_clock;

std::string human_count(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string human_seconds(double s) {
  auto t = static_cast<int64_t>(s + 0.5);
  if (t >= 3600) return fmt::format("{}h{:02}m", t / 3600, (t % 3600) / 60);
  if (t >= 60) return fmt::format("{}m{:02}s", t / 60, t % 60);
  return fmt::format("{}s", t);
}

double percent(const ProgressSnapshot& s) {
  if (s.finished) return 100.0;
  if (s.rows_estimate <= 0) return 0.0;
  return std::min(99.9, 100.0 * double(s.rows_done) / double(s.rows_estimate));
}

// Everything but the bar itself: shared by the bar and the plain lines.
std::string details(const ProgressSnapshot& s) {
  std::string out = human_count(s.rows_done);
  // "~": an estimate (reltuples); once finished, the count of rows walked, which is exact.
  if (s.rows_estimate > 0) out += (s.finished ? "/" : "/~") + human_count(s.rows_estimate);
  out += fmt::format(" rows, {} rows/s", human_count(int64_t(s.rows_per_second)));
  if (s.finished) {
    out += fmt::format(", done in {}", human_seconds(s.elapsed_seconds));
  } else if (s.eta_seconds) {
    out += ", ETA " + human_seconds(*s.eta_seconds);
  }
  if (!s.finished) out += fmt::format(", batch {}", human_count(s.batch_size));
  if (s.workers > 1) out += fmt::format(", {} workers", s.workers);
  if (!s.throttle_reason.empty() && !s.finished) out += ", throttled: " + s.throttle_reason;
  return out;
}

class RateLimitedSink : public ProgressSink {
 public:
  RateLimitedSink(std::ostream& out, std::chrono::milliseconds interval) : out_(out), interval_(interval) {}

  void update(const ProgressSnapshot& s) override {
    std::lock_guard lock(mu_);
    auto now = Clock::now();
    bool reason_changed = s.throttle_reason != last_reason_;
    if (!drawn_once_ || now - last_draw_ >= interval_ || (reason_changed && redraw_on_reason_change())) {
      last_draw_ = now;
      drawn_once_ = true;
      last_reason_ = s.throttle_reason;
      draw(s);
    }
  }
  void finish(const ProgressSnapshot& s) override {
    std::lock_guard lock(mu_);
    draw_final(s);
  }
  void note(const std::string& message) override {
    std::lock_guard lock(mu_);
    draw_note(message);
  }

 protected:
  virtual bool redraw_on_reason_change() const { return true; }
  virtual void draw(const ProgressSnapshot& s) = 0;
  virtual void draw_final(const ProgressSnapshot& s) = 0;
  virtual void draw_note(const std::string& m) = 0;
  std::ostream& out_;

 private:
  std::mutex mu_;
  std::chrono::milliseconds interval_;
  Clock::time_point last_draw_{};
  bool drawn_once_ = false;
  std::string last_reason_;
};

class BarSink : public RateLimitedSink {
 public:
  using RateLimitedSink::RateLimitedSink;

 protected:
  void draw(const ProgressSnapshot& s) override {
    constexpr int width = 24;
    double pct = percent(s);
    int filled = static_cast<int>(pct / 100.0 * width);
    std::string bar(filled, '#');
    bar.resize(width, '.');
    // \r and "erase to end of line": the bar redraws in place.
    out_ << "\r\x1b[K" << s.label << " [" << bar << "] " << fmt::format("{:5.1f}% ", pct) << details(s)
         << std::flush;
    open_ = true;
  }
  void draw_final(const ProgressSnapshot& s) override {
    draw(s);
    out_ << "\n" << std::flush;
    open_ = false;
  }
  void draw_note(const std::string& m) override {
    out_ << (open_ ? "\r\x1b[K" : "") << m << "\n" << std::flush;
    open_ = false;
  }

 private:
  bool open_ = false;
};

class LinesSink : public RateLimitedSink {
 public:
  using RateLimitedSink::RateLimitedSink;

 protected:
  void draw(const ProgressSnapshot& s) override {
    out_ << s.label << ": " << fmt::format("{:.1f}% ", percent(s)) << details(s) << "\n" << std::flush;
  }
  void draw_final(const ProgressSnapshot& s) override { draw(s); }
  void draw_note(const std::string& m) override { out_ << m << "\n" << std::flush; }
};

class JsonSink : public RateLimitedSink {
 public:
  using RateLimitedSink::RateLimitedSink;

 protected:
  void draw(const ProgressSnapshot& s) override { emit(s, "progress"); }
  void draw_final(const ProgressSnapshot& s) override { emit(s, "done"); }
  void draw_note(const std::string& m) override {
    out_ << nlohmann::json{{"event", "note"}, {"message", m}}.dump() << "\n" << std::flush;
  }

 private:
  void emit(const ProgressSnapshot& s, const char* event) {
    nlohmann::json j{{"event", event},
                     {"job", s.job},
                     {"label", s.label},
                     {"rows_done", s.rows_done},
                     {"rows_estimate", s.rows_estimate},
                     {"percent", std::round(percent(s) * 10) / 10},
                     {"rows_per_second", std::round(s.rows_per_second)},
                     {"eta_seconds", s.eta_seconds ? nlohmann::json(std::round(*s.eta_seconds)) : nlohmann::json()},
                     {"batch_size", s.batch_size},
                     {"workers", s.workers},
                     {"throttled", s.throttle_reason.empty() ? nlohmann::json() : nlohmann::json(s.throttle_reason)},
                     {"elapsed_seconds", std::round(s.elapsed_seconds * 1000) / 1000},
                     {"finished", s.finished}};
    out_ << j.dump() << "\n" << std::flush;
  }
};

class NoSink : public ProgressSink {
 public:
  void update(const ProgressSnapshot&) override {}
  void finish(const ProgressSnapshot&) override {}
  void note(const std::string&) override {}
};

bool is_terminal(std::ostream& out) {
  if (&out == &std::cerr || &out == &std::clog) return isatty(STDERR_FILENO);
  if (&out == &std::cout) return isatty(STDOUT_FILENO);
  return false;
}

}  // namespace

std::unique_ptr<ProgressSink> make_progress_sink(std::ostream& out, ProgressConfig config) {
  auto style = config.style;
  if (style == ProgressStyle::automatic) style = is_terminal(out) ? ProgressStyle::bar : ProgressStyle::lines;
  switch (style) {
    case ProgressStyle::bar:
      return std::make_unique<BarSink>(out, config.bar_interval);
    case ProgressStyle::lines:
      return std::make_unique<LinesSink>(out, config.line_interval);
    case ProgressStyle::json:
      return std::make_unique<JsonSink>(out, config.line_interval);
    default:
      return std::make_unique<NoSink>();
  }
}

ProgressStyle parse_progress_style(const std::string& text) {
  if (text == "auto") return ProgressStyle::automatic;
  if (text == "bar") return ProgressStyle::bar;
  if (text == "lines") return ProgressStyle::lines;
  if (text == "json") return ProgressStyle::json;
  if (text == "none") return ProgressStyle::none;
  throw InputError("--progress: unknown style \"" + text + "\"", "use auto, bar, lines, json or none");
}

}  // namespace slipway::backfill
