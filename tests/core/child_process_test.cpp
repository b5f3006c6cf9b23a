// embedded::ChildProcess: exit codes, signals, redirections, capture, environment, the user
// switch and detached children. Every wait here is on the child itself (its exit, its output, a
// FIFO it opens), never a sleep.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "embedded/child_process.hpp"

using namespace slipway::embedded;
namespace fs = std::filesystem;

namespace {

ChildOptions captured() {
  ChildOptions o;
  o.out = Stream::capture();
  o.err = Stream::capture();
  return o;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh directory for one test's files, removed with it.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "slipway-child-XXXXXX").string();
    path = mkdtemp(templ.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(ChildProcess, ExitCodeIsTheChildsOwn) {
  EXPECT_EQ(run({"/bin/sh", "-c", "exit 0"}).exit.code, 0);
  auto r = run({"/bin/sh", "-c", "exit 3"});
  EXPECT_EQ(r.exit.code, 3);
  EXPECT_FALSE(r.exit.signaled());
}

TEST(ChildProcess, CapturesStdoutAndStderrApart) {
  auto r = run({"/bin/sh", "-c", "echo out; echo err >&2"}, captured());
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(ChildProcess, CapturesMoreThanAPipeHoldsOnBothStreams) {
  // Far beyond a pipe's buffer on both streams at once: a reader of only one would deadlock.
  auto r = run({"/bin/sh", "-c", "head -c 1000000 /dev/zero; head -c 700000 /dev/zero >&2; exit 5"}, captured());
  EXPECT_EQ(r.out.size(), 1000000u);
  EXPECT_EQ(r.err.size(), 700000u);
  EXPECT_EQ(r.exit.code, 5);
}

TEST(ChildProcess, StderrCanGoWhereStdoutGoes) {
  ChildOptions o;
  o.out = Stream::capture();
  o.err = Stream::like_stdout();
  EXPECT_EQ(run({"/bin/sh", "-c", "echo a; echo b >&2"}, o).out, "a\nb\n");
}

TEST(ChildProcess, FileRedirectionTruncatesAndAppendAppends) {
  TempDir dir;
  auto log = dir.path / "log";
  std::ofstream(log) << "old contents\n";
  ChildOptions o;
  o.out = Stream::file(log.string());
  o.err = Stream::like_stdout();
  run({"/bin/sh", "-c", "echo first; echo to-err >&2"}, o);
  EXPECT_EQ(read_file(log), "first\nto-err\n");
  o.out = Stream::append(log.string());
  run({"/bin/sh", "-c", "echo second"}, o);
  EXPECT_EQ(read_file(log), "first\nto-err\nsecond\n");
}

TEST(ChildProcess, StdinIsDevNullUnlessGivenAFile) {
  TempDir dir;
  auto input = dir.path / "input";
  std::ofstream(input) << "some input\n";
  ChildOptions o = captured();
  o.search_path = true;
  EXPECT_EQ(run({"cat"}, o).out, "");
  o.in = Stream::file(input.string());
  EXPECT_EQ(run({"cat"}, o).out, "some input\n");
  o.in = Stream::capture();
  EXPECT_THROW(run({"cat"}, o), slipway::Error);
}

TEST(ChildProcess, EnvironmentChangesSetAndRemoveVariables) {
  setenv("SLIPWAY_CHILD_TEST_INHERITED", "kept", 1);
  setenv("SLIPWAY_CHILD_TEST_REMOVED", "present", 1);
  ChildOptions o = captured();
  o.env = {{"SLIPWAY_CHILD_TEST_SET", "set"}, {"SLIPWAY_CHILD_TEST_REMOVED", std::nullopt}};
  auto r = run({"/bin/sh", "-c",
                "echo \"$SLIPWAY_CHILD_TEST_INHERITED $SLIPWAY_CHILD_TEST_SET ${SLIPWAY_CHILD_TEST_REMOVED-unset}\""},
               o);
  EXPECT_EQ(r.out, "kept set unset\n");
  unsetenv("SLIPWAY_CHILD_TEST_INHERITED");
  unsetenv("SLIPWAY_CHILD_TEST_REMOVED");
}

TEST(ChildProcess, AMissingProgramIsAClearError) {
  try {
    run({"/nonexistent/slipway-no-such-program", "x"});
    FAIL() << "no SpawnError";
  } catch (const SpawnError& e) {
    EXPECT_STREQ(e.what(), "cannot run /nonexistent/slipway-no-such-program: No such file or directory");
  }
  // Without search_path a bare name is a path (relative to the working directory), not looked up.
  EXPECT_THROW(run({"sh", "-c", "exit 0"}), SpawnError);
  ChildOptions o;
  o.search_path = true;
  EXPECT_EQ(run({"sh", "-c", "exit 0"}, o).exit.code, 0);
  EXPECT_THROW(run({}), SpawnError);
}

TEST(ChildProcess, AnUnopenableRedirectionIsAClearError) {
  ChildOptions o;
  o.out = Stream::file("/nonexistent-dir/out");
  try {
    run({"/bin/sh", "-c", "exit 0"}, o);
    FAIL() << "no SpawnError";
  } catch (const SpawnError& e) {
    EXPECT_STREQ(e.what(), "cannot run /bin/sh: cannot open /nonexistent-dir/out: No such file or directory");
  }
}

TEST(ChildProcess, KillEndsItWithTheSignal) {
  ChildOptions o;
  o.search_path = true;
  ChildProcess child({"sleep", "1000"}, o);
  EXPECT_TRUE(child.running());
  EXPECT_FALSE(child.try_wait());
  child.kill(SIGTERM);
  auto exit = child.wait();
  EXPECT_TRUE(exit.signaled());
  EXPECT_EQ(exit.signal, SIGTERM);
  EXPECT_EQ(exit.code, 128 + SIGTERM);
  EXPECT_FALSE(child.running());
  ASSERT_TRUE(child.try_wait());
  EXPECT_EQ(child.try_wait()->signal, SIGTERM);
  child.kill(SIGKILL);  // reaped: nothing to signal, and no other process gets it
  EXPECT_EQ(child.wait().signal, SIGTERM);
}

TEST(ChildProcess, TheDestructorKillsAndReapsAChildStillRunning) {
  pid_t pid = 0;
  {
    ChildOptions o;
    o.search_path = true;
    ChildProcess child({"sleep", "1000"}, o);
    pid = child.pid();
  }
  // Reaped, not a zombie: the pid is gone.
  EXPECT_NE(::kill(pid, 0), 0);
  EXPECT_EQ(errno, ESRCH);
}

TEST(ChildProcess, ReadStdoutReturnsOutputWhileTheChildRuns) {
  ChildOptions o;
  o.out = Stream::capture();
  ChildProcess child({"/bin/sh", "-c", "echo ready; exec sleep 1000"}, o);
  EXPECT_EQ(child.read_stdout(), "ready\n");
  EXPECT_TRUE(child.running());
  child.kill(SIGKILL);
  EXPECT_EQ(child.read_stdout(), "");  // its end: the pipe is closed
  EXPECT_EQ(child.wait().signal, SIGKILL);
}

TEST(ChildProcess, ANewProcessGroupIsItsOwn) {
  // Field 5 of /proc/PID/stat is the process group.
  std::vector<std::string> argv{"/bin/sh", "-c", "echo $$ $(cut -d' ' -f5 /proc/$$/stat)"};
  ChildOptions o;
  o.out = Stream::capture();
  std::istringstream inherited(run(argv, o).out);
  pid_t pid = 0, pgid = 0;
  inherited >> pid >> pgid;
  EXPECT_EQ(pgid, getpgrp());
  o.new_process_group = true;
  std::istringstream own(run(argv, o).out);
  own >> pid >> pgid;
  EXPECT_EQ(pgid, pid);
}

TEST(ChildProcess, RunsAsAnotherUserOnlyWhenRoot) {
  ChildOptions o;
  o.search_path = true;
  o.out = Stream::capture();
  o.user = UserIds{65534, 65534};  // nobody
  if (geteuid() == 0) {
    EXPECT_EQ(run({"id", "-u"}, o).out, "65534\n");
    EXPECT_EQ(run({"id", "-G"}, o).out, "65534\n");  // root's supplementary groups are dropped
  } else {
    try {
      run({"id", "-u"}, o);
      FAIL() << "no SpawnError";
    } catch (const SpawnError& e) {
      EXPECT_STREQ(e.what(), "cannot run id as uid 65534: Operation not permitted");
    }
  }
}

TEST(ChildProcess, ADetachedChildIsNotOursAndHoldsNoneOfOurDescriptors) {
  TempDir dir;
  auto fifo = dir.path / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  int p[2];
  ASSERT_EQ(pipe(p), 0);  // inheritable, as a careless owner's descriptor would be
  spawn_detached({"/bin/sh", "-c", "exec >'" + fifo.string() + "'; echo $$ $PPID; exec sleep 1000"});
  pid_t pid = 0, ppid = 0;
  std::ifstream from_child(fifo);  // blocks until the child opens the FIFO
  from_child >> pid >> ppid;
  ASSERT_GT(pid, 0);
  EXPECT_NE(ppid, getpid());  // reparented: nobody here has to reap it
  EXPECT_NE(getsid(pid), getsid(0));
  // It does not hold the pipe's write end: with ours closed, the read end is at its end.
  close(p[1]);
  pollfd pfd{p[0], POLLIN, 0};
  ASSERT_EQ(poll(&pfd, 1, 0), 1);
  EXPECT_TRUE(pfd.revents & POLLHUP);
  close(p[0]);
  ::kill(pid, SIGKILL);
}

TEST(ChildProcess, ADetachedChildThatCannotRunIsAClearError) {
  EXPECT_THROW(spawn_detached({"/nonexistent/slipway-no-such-watchdog"}), SpawnError);
}
