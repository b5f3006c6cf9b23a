#include "embedded/child_process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <utility>

extern char** environ;

namespace slipway::embedded {

namespace {

// A file descriptor, closed with its owner.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Every descriptor the parent opens for a child is close-on-exec (a child another thread starts
// meanwhile does not inherit it) and above 2 (the child's dup2 onto 0, 1, 2 cannot overwrite one
// it still needs, even when we run with a standard stream closed).
Fd above_stdio(int fd) {
  if (fd < 0 || fd > 2) return Fd(fd);
  Fd low(fd);
  return Fd(fcntl(fd, F_DUPFD_CLOEXEC, 3));
}

// What the child writes to the report pipe when it fails before exec (then exits 127).
enum class Stage : int { redirect = 1, user = 2, fork = 3, exec = 4 };
struct Failure {
  Stage stage;
  int error;
};

// Everything the child needs, made before fork: between fork and exec the child may only make
// async-signal-safe calls (no allocation), since another thread may hold a lock.
struct Launch {
  std::string program;
  std::vector<std::string> argv_strings, env_strings;
  std::vector<char*> argv, envp;
  Fd stdio[3];  // what the child gets as 0, 1, 2; none: its own (inherited)
  bool err_like_stdout = false;
  Fd capture[3];  // our read ends of the capture pipes (1 and 2)
  bool search_path = false, new_process_group = false;
  std::optional<UserIds> user;
};

std::vector<std::string> child_environment(const std::map<std::string, std::optional<std::string>>& changes) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    if (!changes.count(entry.substr(0, entry.find('=')))) env.push_back(std::move(entry));
  }
  for (const auto& [name, value] : changes) {
    if (value) env.push_back(name + "=" + *value);
  }
  return env;
}

void open_stream(Launch& l, int target, const Stream& s) {
  const char* names[] = {"stdin", "stdout", "stderr"};
  auto misuse = [&] {
    return Error(fmt::format("cannot run {}: {} cannot be redirected that way", l.program, names[target]));
  };
  int flags = target == 0 ? O_RDONLY : O_WRONLY | O_CREAT;
  std::string path = s.path;
  switch (s.kind) {
    case Stream::Kind::inherit:
      return;
    case Stream::Kind::like_stdout:
      if (target != 2) throw misuse();
      l.err_like_stdout = true;
      return;
    case Stream::Kind::capture: {
      if (target == 0) throw misuse();
      int p[2];
      if (pipe2(p, O_CLOEXEC) != 0)
        throw SpawnError(fmt::format("cannot run {}: pipe: {}", l.program, std::strerror(errno)));
      l.capture[target] = above_stdio(p[0]);
      l.stdio[target] = above_stdio(p[1]);
      return;
    }
    case Stream::Kind::null:
      path = "/dev/null";
      break;
    case Stream::Kind::file:
      if (target != 0) flags |= O_TRUNC;
      break;
    case Stream::Kind::append:
      if (target == 0) throw misuse();
      flags |= O_APPEND;
      break;
  }
  l.stdio[target] = above_stdio(open(path.c_str(), flags | O_CLOEXEC, 0644));
  if (l.stdio[target].get() < 0)
    throw SpawnError(fmt::format("cannot run {}: cannot open {}: {}", l.program, path, std::strerror(errno)));
}

Launch prepare(const std::vector<std::string>& argv, const ChildOptions& o, bool detached) {
  if (argv.empty() || argv[0].empty()) throw SpawnError("cannot run a program without a name (empty argv)");
  Launch l;
  l.program = argv[0];
  l.argv_strings = argv;
  for (auto& a : l.argv_strings) l.argv.push_back(a.data());
  l.argv.push_back(nullptr);
  l.env_strings = child_environment(o.env);
  for (auto& e : l.env_strings) l.envp.push_back(e.data());
  l.envp.push_back(nullptr);
  open_stream(l, 0, detached ? Stream::null() : o.in);
  open_stream(l, 1, detached ? Stream::null() : o.out);
  open_stream(l, 2, detached ? Stream::null() : o.err);
  l.search_path = o.search_path;
  l.new_process_group = o.new_process_group;
  l.user = o.user;
  return l;
}

// --- in the child: async-signal-safe calls only -----------------------------------------------

[[noreturn]] void fail(int report_fd, Stage stage) {
  Failure f{stage, errno};
  ssize_t ignored = write(report_fd, &f, sizeof f);
  (void)ignored;
  _exit(127);
}

void redirect(const Launch& l, int report_fd) {
  for (int target = 0; target < 3; ++target) {
    if (l.stdio[target].get() >= 0 && dup2(l.stdio[target].get(), target) < 0) fail(report_fd, Stage::redirect);
  }
  if (l.err_like_stdout && dup2(1, 2) < 0) fail(report_fd, Stage::redirect);
}

[[noreturn]] void become(const Launch& l, int report_fd) {
  if (l.user && (setgroups(0, nullptr) != 0 || setgid(l.user->gid) != 0 || setuid(l.user->uid) != 0))
    fail(report_fd, Stage::user);
  if (l.search_path) execvpe(l.argv[0], l.argv.data(), l.envp.data());
  else execve(l.argv[0], l.argv.data(), l.envp.data());
  fail(report_fd, Stage::exec);
}

[[noreturn]] void child(const Launch& l, int report_fd, bool detached) {
  if (l.new_process_group && !detached) setpgid(0, 0);
  if (detached) setsid();
  redirect(l, report_fd);
  if (detached) {
    for (int fd = 3; fd < 1024; ++fd) {
      if (fd != report_fd) close(fd);
    }
    // Reparented to init at once: the process that started it never has to reap it.
    pid_t pid = fork();
    if (pid < 0) fail(report_fd, Stage::fork);
    if (pid > 0) _exit(0);
  }
  become(l, report_fd);
}

// --- in the parent -----------------------------------------------------------------------------

int wait_status(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

std::string describe(const Launch& l, const Failure& f) {
  const char* why = std::strerror(f.error);
  switch (f.stage) {
    case Stage::redirect:
      return fmt::format("cannot run {}: cannot redirect its standard streams: {}", l.program, why);
    case Stage::user:
      return fmt::format("cannot run {} as uid {}: {}", l.program, l.user ? l.user->uid : 0, why);
    case Stage::fork:
      return fmt::format("cannot run {}: fork: {}", l.program, why);
    case Stage::exec:
      break;
  }
  return fmt::format("cannot run {}: {}", l.program, why);
}

// Forks the child and returns once it has exec'd (the report pipe, close-on-exec, reads EOF) or
// throws what it reported. A detached child's intermediate process is reaped here.
pid_t start(Launch& l, bool detached) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) throw SpawnError(fmt::format("cannot run {}: pipe: {}", l.program, std::strerror(errno)));
  Fd report_read = above_stdio(p[0]), report_write = above_stdio(p[1]);
  pid_t pid = fork();
  if (pid < 0) throw SpawnError(fmt::format("cannot run {}: fork: {}", l.program, std::strerror(errno)));
  if (pid == 0) child(l, report_write.get(), detached);
  report_write.reset();
  for (auto& fd : l.stdio) fd.reset();  // the child's ends
  Failure f{};
  ssize_t n;
  do n = read(report_read.get(), &f, sizeof f);
  while (n < 0 && errno == EINTR);
  if (detached || n == ssize_t(sizeof f)) wait_status(pid);
  if (n == ssize_t(sizeof f)) throw SpawnError(describe(l, f));
  return pid;
}

Exit exit_of(int status) {
  if (status == -1) return {-1, 0};
  if (WIFSIGNALED(status)) return {128 + WTERMSIG(status), WTERMSIG(status)};
  return {WEXITSTATUS(status), 0};
}

// Reads what is there from `fd` into `into`; closes fd (sets it to -1) at its end.
void read_some(int& fd, std::string& into) {
  char buf[65536];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n > 0) into.append(buf, size_t(n));
  else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    close(fd);
    fd = -1;
  }
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const ChildOptions& options) {
  Launch l = prepare(argv, options, false);
  pid_ = start(l, false);
  out_fd_ = l.capture[1].release();
  err_fd_ = l.capture[2].release();
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      exit_(std::exchange(other.exit_, std::nullopt)),
      out_fd_(std::exchange(other.out_fd_, -1)),
      err_fd_(std::exchange(other.err_fd_, -1)),
      out_(std::move(other.out_)),
      err_(std::move(other.err_)) {}

ChildProcess::~ChildProcess() {
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  if (pid_ > 0 && !exit_) {
    ::kill(pid_, SIGKILL);
    wait_status(pid_);
  }
}

void ChildProcess::reaped(int status) { exit_ = exit_of(status); }

std::optional<Exit> ChildProcess::try_wait() {
  if (exit_) return exit_;
  int status = 0;
  pid_t w = waitpid(pid_, &status, WNOHANG);
  if (w == pid_) reaped(status);
  else if (w < 0 && errno == ECHILD) reaped(-1);  // reaped by someone else: nothing to wait for
  return exit_;
}

Exit ChildProcess::wait() {
  if (!exit_) {
    read_captured(false);
    reaped(wait_status(pid_));
  }
  return *exit_;
}

void ChildProcess::kill(int signal) {
  if (!exit_) ::kill(pid_, signal);
}

std::string ChildProcess::read_stdout() {
  if (out_.empty()) read_captured(true);
  return std::exchange(out_, {});
}

void ChildProcess::read_captured(bool until_stdout_data) {
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    if (until_stdout_data && (!out_.empty() || out_fd_ < 0)) return;
    pollfd fds[2];
    nfds_t n = 0;
    if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
    if (poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      throw Error(fmt::format("cannot read the output of process {}: {}", pid_, std::strerror(errno)));
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == out_fd_) read_some(out_fd_, out_);
      else read_some(err_fd_, err_);
    }
  }
}

RunResult run(const std::vector<std::string>& argv, const ChildOptions& options) {
  ChildProcess child(argv, options);
  Exit exit = child.wait();
  return {exit, child.out(), child.err()};
}

void spawn_detached(const std::vector<std::string>& argv, const ChildOptions& options) {
  Launch l = prepare(argv, options, true);
  start(l, true);
}

}  // namespace slipway::embedded
