#include "support/slipway_process.hpp"

#include <signal.h>
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
  embedded::ChildOptions o;
  o.search_path = true;
  o.out = embedded::Stream::file(out_file_);
  o.err = embedded::Stream::file(err_file_);
  for (const auto& [k, v] : env) o.env[k] = v;
  if (!pause_file_.empty()) o.env["SLIPWAY_TEST_PAUSE_FILE"] = pause_file_;
  started_ = std::chrono::steady_clock::now();
  try {
    child_.emplace(argv, o);
  } catch (const embedded::SpawnError& e) {
    ADD_FAILURE() << e.what();
    ended({127, 0});
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

void SlipwayProcess::ended(embedded::Exit exit) {
  exit_ = exit;
  elapsed_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
}

bool SlipwayProcess::exited() {
  if (exit_) return true;
  auto exit = child_->try_wait();
  if (exit) ended(*exit);
  return exit.has_value();
}

CommandResult SlipwayProcess::wait() {
  if (!exit_) ended(child_->wait());
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
  if (exit_) return;
  child_->kill(SIGKILL);
  ended(child_->wait());
}

bool SlipwayProcess::signaled() const { return exit_ && exit_->signaled(); }

CommandResult SlipwayProcess::result() const {
  CommandResult r;
  r.exit_code = exit_->code;
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
