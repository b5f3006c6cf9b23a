#include "support/slipway_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace slipway::test {

namespace {

std::string slurp(const std::string& f) {
  std::ifstream in(f);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr std::chrono::milliseconds kPollInterval{10};

}  // namespace

SlipwayProcess::SlipwayProcess(std::vector<std::string> args, const std::map<std::string, std::string>& env) {
  static std::atomic<int> counter{0};
  std::string base = (fs::temp_directory_path() /
                      ("slipway-proc-" + std::to_string(getpid()) + "-" + std::to_string(counter++)))
                         .string();
  out_file_ = base + ".out";
  err_file_ = base + ".err";
  if (env.count("SLIPWAY_TEST_PAUSE_AT")) {
    pause_file_ = base + ".pause";
    fs::remove(pause_file_);
  }
  std::vector<std::string> argv{slipway_bin()};
  argv.insert(argv.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  std::vector<char*> cargs;
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  started_ = std::chrono::steady_clock::now();
  pid_ = fork();
  if (pid_ == 0) {
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    if (!pause_file_.empty()) setenv("SLIPWAY_TEST_PAUSE_FILE", pause_file_.c_str(), 1);
    execvp(cargs[0], cargs.data());
    _exit(127);
  }
  if (pid_ < 0) {
    ADD_FAILURE() << "fork failed";
    reaped_ = true;
    status_ = 127 << 8;
  }
}

SlipwayProcess::~SlipwayProcess() {
  kill9();
  std::error_code ec;
  fs::remove(out_file_, ec);
  fs::remove(err_file_, ec);
  if (!pause_file_.empty()) {
    fs::remove(pause_file_, ec);
    fs::remove(pause_file_ + ".tmp", ec);
  }
}

void SlipwayProcess::reaped(int status) {
  reaped_ = true;
  status_ = status;
  elapsed_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
}

bool SlipwayProcess::exited() {
  if (reaped_) return true;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
  reaped(status);
  return true;
}

CommandResult SlipwayProcess::wait() {
  if (!reaped_) {
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped(status);
  }
  return result();
}

std::optional<CommandResult> SlipwayProcess::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exited()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);  // polling interval, not synchronisation
  }
  return result();
}

void SlipwayProcess::kill9() {
  if (reaped_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  reaped(status);
}

bool SlipwayProcess::signaled() const { return reaped_ && WIFSIGNALED(status_); }

CommandResult SlipwayProcess::result() const {
  CommandResult r;
  r.exit_code = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  r.out = out();
  r.err = err();
  r.elapsed = elapsed_;
  return r;
}

std::string SlipwayProcess::out() const { return slurp(out_file_); }
std::string SlipwayProcess::err() const { return slurp(err_file_); }
std::string SlipwayProcess::output() const { return "stdout:\n" + out() + "\nstderr:\n" + err(); }

bool SlipwayProcess::wait_paused(const std::string& phase, std::chrono::milliseconds timeout) {
  if (pause_file_.empty()) {
    ADD_FAILURE() << "wait_paused without SLIPWAY_TEST_PAUSE_AT in the environment";
    return false;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(pause_file_) && (phase.empty() || slurp(pause_file_) == phase + "\n")) return true;
    if (exited()) return false;
    std::this_thread::sleep_for(kPollInterval);  // polling interval, not synchronisation
  }
  return false;
}

void SlipwayProcess::resume() {
  if (!pause_file_.empty()) fs::remove(pause_file_);
}

void run_until_step_then_kill(const std::string& url, std::vector<std::string> args, const std::string& step) {
  std::string command;
  for (const auto& a : args) command += " " + a;
  SlipwayProcess p(std::move(args), {{"SLIPWAY_POSTGRES_URL", url}, {"SLIPWAY_TEST_PAUSE_AT", step}});
  bool paused = p.wait_paused("", std::chrono::seconds(60));
  if (!paused && p.exited()) {
    ADD_FAILURE() << "slipway" << command << " exited before reaching step " << step << "\n" << p.output();
    return;
  }
  p.kill9();
  ASSERT_TRUE(paused) << "slipway" << command << " never reached step " << step << "\n" << p.output();
  ASSERT_TRUE(p.signaled()) << "slipway" << command << " was not ended by SIGKILL\n" << p.output();
}

}  // namespace slipway::test
