#include "demo/command_line_driver.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

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
}  // namespace

CommandLineDriver::Result CommandLineDriver::run(const std::vector<std::string>& args, bool check) {
  std::vector<std::string> argv{options_.slipway_bin, "--schema", options_.schema, "--lock-timeout",
                                fmt::format("{}ms", options_.lock_timeout.count())};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string shown = "slipway";
  for (const auto& a : args) shown += " " + (a.find('/') != std::string::npos ? fs::path(a).filename().string() : a);
  history_.push_back(shown);

  char out_tmpl[] = "/tmp/slipway-demo-out-XXXXXX";
  char err_tmpl[] = "/tmp/slipway-demo-err-XXXXXX";
  int out_fd = mkstemp(out_tmpl), err_fd = mkstemp(err_tmpl);
  if (out_fd < 0 || err_fd < 0) throw Error("cannot create a temp file for slipway's output");
  pid_t pid = fork();
  if (pid < 0) throw Error("cannot start " + options_.slipway_bin);
  if (pid == 0) {
    // Its own process group: Ctrl-C reaches the demo, which forwards it (cancel()).
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    setenv("SLIPWAY_POSTGRES_URL", options_.conninfo.c_str(), 1);
    unsetenv("SLIPWAY_JSON");
    std::vector<char*> cargs;
    for (auto& a : argv) cargs.push_back(const_cast<char*>(a.c_str()));
    cargs.push_back(nullptr);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  child_ = pid;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  child_ = 0;
  close(out_fd);
  close(err_fd);
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_tmpl);
  r.err = slurp(err_tmpl);
  fs::remove(out_tmpl);
  fs::remove(err_tmpl);
  if (check && r.exit_code != 0) {
    throw Error(fmt::format("`{}` failed (exit {}):\n{}", shown, r.exit_code, tail(r.err.empty() ? r.out : r.err)));
  }
  return r;
}

void CommandLineDriver::init() { run({"init"}); }

std::string CommandLineDriver::start(const std::string& file) {
  run({"start", file});
  auto status = run({"status", "--json"});
  auto j = nlohmann::json::parse(status.out);
  const auto& active = j.at("active");
  if (active.is_null()) throw Error("`slipway start " + file + "` succeeded but no migration is active");
  return active.at("version_schema").get<std::string>();
}

void CommandLineDriver::backfill(const ProgressFn& progress) {
  // `slipway start` fills the new columns before it returns (as pgroll's start does); all that
  // is left is to report the state it recorded.
  auto status = run({"status", "--json"});
  auto j = nlohmann::json::parse(status.out);
  if (progress && j.contains("active") && !j["active"].is_null()) {
    const auto& p = j["active"]["progress"];
    DriverProgress dp{"backfill", 0, 0};
    if (p.is_object() && p.contains("rows_done")) dp.done = dp.total = p["rows_done"].get<int64_t>();
    progress(dp);
  }
}

void CommandLineDriver::complete() { run({"complete"}); }
void CommandLineDriver::rollback() { run({"rollback"}); }

void CommandLineDriver::cancel() {
  pid_t pid = child_;
  if (pid > 0) kill(pid, SIGINT);
}

}  // namespace slipway::demo
