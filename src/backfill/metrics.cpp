#include "backfill/metrics.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <thread>

#include "util/error.hpp"
#include "util/thread_name.hpp"

namespace slipway::backfill {

Metrics::Metrics(std::string prefix)
    : prefix_(std::move(prefix) + "_"), bounds_{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}, bucket_counts_(bounds_.size() + 1, 0) {}

void Metrics::set_job(const std::string& job, const std::string& table) {
  std::lock_guard l(mu_);
  job_ = job;
  table_ = table;
}

void Metrics::add_batch(double seconds, int64_t rows) {
  std::lock_guard l(mu_);
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  ++bucket_counts_[i];
  batch_seconds_sum_ += seconds;
  ++batches_;
  rows_ += rows;
}

void Metrics::set_gauges(double rows_per_second, int64_t batch_size, int64_t rows_estimate) {
  std::lock_guard l(mu_);
  rows_per_second_ = rows_per_second;
  batch_size_ = batch_size;
  rows_estimate_ = rows_estimate;
}

void Metrics::set_throttled(const std::map<std::string, double>& by_reason, std::optional<double> lag,
                            int64_t lock_wait_events) {
  std::lock_guard l(mu_);
  throttled_ = by_reason;
  lag_ = lag;
  lock_wait_events_ = lock_wait_events;
}

namespace {
std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

std::string Metrics::render() const {
  std::lock_guard l(mu_);
  std::string lbl = fmt::format("job=\"{}\",table=\"{}\"", escape_label(job_), escape_label(table_));
  std::string out;
  auto gauge = [&](const char* name, const char* help, const char* type, double v) {
    out += fmt::format("# HELP {0}{1} {2}\n# TYPE {0}{1} {3}\n{0}{1}{{{4}}} {5}\n", prefix_, name, help, type, lbl, v);
  };
  gauge("rows_done_total", "Rows processed by this run.", "counter", double(rows_));
  gauge("batches_total", "Batches committed by this run.", "counter", double(batches_));
  gauge("rows_per_second", "Recent processing rate.", "gauge", rows_per_second_);
  gauge("batch_size", "Current batch size (rows).", "gauge", double(batch_size_));
  gauge("rows_estimate", "Estimated rows in the job.", "gauge", double(rows_estimate_));
  gauge("lock_wait_events_total", "Batches cancelled because an application session waited on them.",
        "counter", double(lock_wait_events_));
  out += fmt::format("# HELP {0}batch_seconds Duration of committed batches.\n"
                     "# TYPE {0}batch_seconds histogram\n", prefix_);
  int64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += bucket_counts_[i];
    std::string le = i < bounds_.size() ? fmt::format("{}", bounds_[i]) : "+Inf";
    out += fmt::format("{}batch_seconds_bucket{{{},le=\"{}\"}} {}\n", prefix_, lbl, le, cumulative);
  }
  out += fmt::format("{}batch_seconds_sum{{{}}} {}\n", prefix_, lbl, batch_seconds_sum_);
  out += fmt::format("{}batch_seconds_count{{{}}} {}\n", prefix_, lbl, batches_);
  out += fmt::format("# HELP {0}throttled_seconds_total Time spent throttled, by reason.\n"
                     "# TYPE {0}throttled_seconds_total counter\n", prefix_);
  for (const char* reason : {"max-rate", "max-lag", "throttle-query", "pause-file", "lock-wait"}) {
    auto it = throttled_.find(reason);
    out += fmt::format("{}throttled_seconds_total{{{},reason=\"{}\"}} {}\n", prefix_, lbl, reason,
                       it == throttled_.end() ? 0.0 : it->second);
  }
  if (lag_) {
    gauge("replication_lag_seconds", "Last replication lag measured.", "gauge", *lag_);
  }
  return out;
}

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
};

MetricsServer::MetricsServer(const std::string& addr, const Metrics& metrics) : impl_(std::make_unique<Impl>()) {
  auto colon = addr.rfind(':');
  int port = -1;
  std::string host = colon == std::string::npos ? "" : addr.substr(0, colon);
  if (colon != std::string::npos) {
    try {
      size_t used = 0;
      port = std::stoi(addr.substr(colon + 1), &used);
      if (used != addr.size() - colon - 1) port = -1;
    } catch (const std::exception&) {
      port = -1;
    }
  }
  if (host.empty() || port < 0 || port > 65535) {
    throw InputError("--metrics-addr: expected HOST:PORT, got \"" + addr + "\"", "e.g. 127.0.0.1:9187");
  }
  impl_->server.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.render(), "text/plain; version=0.0.4");
  });
  if (port == 0) {
    impl_->port = impl_->server.bind_to_any_port(host);
  } else {
    impl_->port = impl_->server.bind_to_port(host, port) ? port : -1;
  }
  if (impl_->port < 0) {
    throw InputError("--metrics-addr: cannot listen on " + addr, "is the port already in use?");
  }
  impl_->thread = std::thread([this] {
    name_this_thread("slipway-metrics");
    impl_->server.listen_after_bind();
  });
}

MetricsServer::~MetricsServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int MetricsServer::port() const { return impl_->port; }

}  // namespace slipway::backfill
