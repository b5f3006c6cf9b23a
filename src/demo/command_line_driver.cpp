#include "demo/command_line_driver.hpp"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "embedded/child_process.hpp"
#include "pg/connection.hpp"
#include "pg/quote.hpp"
#include "state/store.hpp"
#include "util/error.hpp"

namespace slipway::demo {

namespace fs = std::filesystem;

CommandLineDriver::CommandLineDriver(CommandLineDriverOptions options) : options_(std::move(options)) {}

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string tail(const std::string& s, size_t n = 1500) { return s.size() > n ? s.substr(s.size() - n) : s; }

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

CommandLineDriver::Result CommandLineDriver::run(const std::vector<std::string>& args,
                                                 const std::function<void()>& while_running, bool check) {
  std::vector<std::string> argv{options_.slipway_bin, "--schema", options_.schema, "--state-schema",
                                options_.state_schema, "--lock-timeout",
                                fmt::format("{}ms", options_.lock_timeout.count())};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string shown = "slipway";
  for (const auto& a : args) shown += " " + (a.find('/') != std::string::npos ? fs::path(a).filename().string() : a);
  history_.push_back(shown);

  if (cancelled_) throw Error(fmt::format("`{}` not run: interrupted", shown));
  char out_tmpl[] = "/tmp/slipway-demo-out-XXXXXX";
  char err_tmpl[] = "/tmp/slipway-demo-err-XXXXXX";
  int out_fd = mkstemp(out_tmpl), err_fd = mkstemp(err_tmpl);
  if (out_fd >= 0) close(out_fd);
  if (err_fd >= 0) close(err_fd);
  struct RemovedAtEnd {
    const char *out, *err;
    ~RemovedAtEnd() {
      std::error_code ec;
      fs::remove(out, ec);
      fs::remove(err, ec);
    }
  } temp_files{out_fd >= 0 ? out_tmpl : "", err_fd >= 0 ? err_tmpl : ""};
  if (out_fd < 0 || err_fd < 0) throw Error("cannot create a temp file for slipway's output");
  embedded::ChildOptions o;
  // Its own process group: Ctrl-C reaches the demo only, which decides (cancel()).
  o.new_process_group = true;
  o.out = embedded::Stream::file(out_tmpl);
  o.err = embedded::Stream::file(err_tmpl);
  o.env = {{"SLIPWAY_POSTGRES_URL", options_.conninfo}, {"SLIPWAY_JSON", std::nullopt}};
  embedded::ChildProcess child(argv, o);
  child_ = child.pid();
  if (cancelled_) child.kill(SIGINT);  // cancel() came between the start and child_ being set
  std::optional<embedded::Exit> exit;
  while (!(exit = child.try_wait())) {
    if (while_running) {
      try {
        while_running();
      } catch (const std::exception&) {
        // Progress is best effort; the command's own outcome is what counts.
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  child_ = 0;
  Result r;
  r.exit_code = exit->code;
  r.out = slurp(out_tmpl);
  r.err = slurp(err_tmpl);
  if (check && r.exit_code != 0) {
    throw Error(fmt::format("`{}` {} (exit {}):\n{}", shown, cancelled_ ? "was interrupted" : "failed", r.exit_code,
                            tail(r.err.empty() ? r.out : r.err)));
  }
  return r;
}

void CommandLineDriver::init() { run({"init"}); }

std::string CommandLineDriver::start(const std::string& file, const ProgressFn& progress) {
  pg::Connection conn(options_.conninfo);
  state::StateStore store(conn, options_.state_schema);
  const std::string table = pg::qualified(options_.schema, options_.table);
  auto updates = [&] {
    return conn.query_value<int64_t>("SELECT n_tup_upd FROM pg_stat_user_tables WHERE relid = to_regclass($1)", table)
        .value_or(0);
  };
  // The backfill running now, and the table's update counter when it began.
  std::string action_id;
  int64_t updates_before = 0, total = 0;
  auto monitor = [&] {
    if (!progress) return;
    auto active = store.migrations(options_.schema).active();
    if (!active || !active->progress.is_object() || !active->progress.contains("current")) return;
    const auto& current = active->progress["current"];
    std::string id = current.value("id", "");
    if (!ends_with(id, ":backfill")) return;
    if (id != action_id) {
      action_id = id;
      updates_before = updates();
      total = conn.query_value<int64_t>(fmt::format("SELECT count(*) FROM {}", table)).value_or(0);
    }
    DriverProgress p;
    p.stage = DriverProgress::Stage::backfill;
    p.action = current.value("description", id);
    p.total = total;
    // Every row the batches update counts once; the application's own updates add a little
    // noise, hence the clamp.
    p.done = std::clamp<int64_t>(updates() - updates_before, 0, total);
    progress(p);
  };
  run({"start", file}, monitor);
  if (progress && !action_id.empty()) {
    DriverProgress p{DriverProgress::Stage::backfill, action_id, total, total};
    progress(p);
  }
  auto active = store.migrations(options_.schema).active();
  if (!active) throw Error("`slipway start " + file + "` succeeded but no migration is active");
  return active->version_schema;
}

void CommandLineDriver::run_when_free(const std::string& command) {
  cancelled_ = false;
  // After an interrupted command the database's advisory lock stays held until the server
  // notices that command's connection is gone: retry while the answer is "another slipway holds
  // the database" (exit 4).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    auto r = run({command}, {}, false);
    if (r.exit_code == 0) return;
    if (r.exit_code != 4 || std::chrono::steady_clock::now() > deadline)
      throw Error(fmt::format("`slipway {}` failed (exit {}):\n{}", command, r.exit_code, tail(r.err.empty() ? r.out : r.err)));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

void CommandLineDriver::complete() { run_when_free("complete"); }
void CommandLineDriver::rollback() { run_when_free("rollback"); }

bool CommandLineDriver::in_progress() {
  pg::Connection conn(options_.conninfo);
  state::StateStore store(conn, options_.state_schema);
  return store.initialized() && store.migrations(options_.schema).active().has_value();
}

void CommandLineDriver::cancel() {
  cancelled_ = true;
  pid_t pid = child_;
  if (pid > 0) kill(pid, SIGINT);
}

}  // namespace slipway::demo
