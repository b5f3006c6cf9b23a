// Child processes: the one place slipway forks and execs (the server binaries, the CLI run by the
// demo, the tests and the benchmarks). A ChildProcess owns its child: it is waited for, or
// killed and reaped, never left a zombie or an orphan by accident.
//
// The child does only async-signal-safe work between fork and exec (dup2, setpgid, the user
// switch): argv, the environment and the redirection files are prepared by the parent, so a
// multi-threaded owner (the demo's traffic) is safe. A program that cannot be run (missing, not
// executable, the user switch refused) is a SpawnError from the constructor, with the reason.
#pragma once
#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace slipway::embedded {

// The program could not be started; what() names it and says why.
class SpawnError : public Error {
 public:
  using Error::Error;
};

// Where one of the child's standard streams goes.
struct Stream {
  enum class Kind { inherit, null, file, append, capture, like_stdout };
  Kind kind = Kind::inherit;
  std::string path;

  static Stream inherit() { return {Kind::inherit, {}}; }  // the parent's own
  static Stream null() { return {Kind::null, {}}; }        // /dev/null
  // The file at `path`: stdin reads it; an output stream creates or truncates it (0644).
  static Stream file(std::string path) { return {Kind::file, std::move(path)}; }
  static Stream append(std::string path) { return {Kind::append, std::move(path)}; }  // output only
  // A pipe read into a string (ChildProcess::read_stdout, wait, run). Output streams only.
  static Stream capture() { return {Kind::capture, {}}; }
  static Stream like_stdout() { return {Kind::like_stdout, {}}; }  // stderr only: 2>&1
};

struct UserIds {
  uid_t uid;
  gid_t gid;
};

struct ChildOptions {
  Stream in = Stream::null();
  Stream out = Stream::inherit();
  Stream err = Stream::inherit();
  // Changes to our environment for the child: a value sets the variable, nullopt removes it.
  std::map<std::string, std::optional<std::string>> env;
  // argv[0] is looked up on PATH (as a shell does) unless it contains a '/'; else it is a path.
  bool search_path = false;
  // A process group of its own: Ctrl-C in the terminal reaches the owner only, which decides
  // what the child gets (kill()).
  bool new_process_group = false;
  // Runs as this user (supplementary groups dropped): needs root.
  std::optional<UserIds> user;
};

// How a child ended.
struct Exit {
  int code = 0;    // its exit code, or 128 + the signal that ended it (as a shell reports it)
  int signal = 0;  // the signal that ended it; 0 when it exited
  bool signaled() const { return signal != 0; }
};

class ChildProcess {
 public:
  // Starts argv (argv[0] the program). Throws SpawnError if it cannot be run.
  explicit ChildProcess(const std::vector<std::string>& argv, const ChildOptions& options = {});
  // A child still running is killed (SIGKILL) and reaped: an owner that gives up on its child
  // (an exception, a failed test) never leaves it running. Call wait() to let it finish.
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // How it ended, reaping it if it has; nullopt while it runs. Never blocks. A child whose
  // captured output nobody reads can block on a full pipe: read it (read_stdout) or wait().
  std::optional<Exit> try_wait();
  bool running() { return !try_wait(); }
  // Reads captured output to its end (see capture), then waits for the end (EINTR is retried).
  // Once reaped, returns the same Exit again.
  Exit wait();
  // Sends `signal` to the child (not its group). Nothing once it has been reaped.
  void kill(int signal);

  // Captured stdout: blocks until the child writes some, and returns it; "" once the child has
  // closed its stdout (usually: it ended). What this returns is not in out() later.
  std::string read_stdout();
  // Captured output read so far (all of it after wait()). A captured pipe is read until every
  // process holding it has closed it, so a child that leaves a daemon with its stdout makes
  // wait() wait for the daemon too.
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  void read_captured(bool until_stdout_data);
  void reaped(int status);

  pid_t pid_ = -1;
  std::optional<Exit> exit_;
  int out_fd_ = -1, err_fd_ = -1;  // read ends of the capture pipes, -1 when none or closed
  std::string out_, err_;
};

struct RunResult {
  Exit exit;
  std::string out;  // when options.out (or err, like_stdout) is Stream::capture()
  std::string err;  // when options.err is Stream::capture()
};

// Runs argv to its end. Throws SpawnError if it cannot be run.
RunResult run(const std::vector<std::string>& argv, const ChildOptions& options = {});

// Starts argv fully detached: a new session, stdin, stdout and stderr on /dev/null, every other
// descriptor closed, and reparented to init at once (double fork) so nobody has to reap it and
// it outlives us. For watchdogs (TempCluster's). options.in/out/err are ignored. Throws
// SpawnError if it cannot be run.
void spawn_detached(const std::vector<std::string>& argv, const ChildOptions& options = {});

}  // namespace slipway::embedded
