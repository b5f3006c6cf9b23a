// A private, throwaway PostgreSQL cluster: initdb into a temp dir, a free port on 127.0.0.1, a
// unix socket dir of its own. Used by the test harness, the demo and the benchmarks.
//
// Removal is guaranteed three ways: the destructor; stop(); and a watchdog process that stops
// the server and deletes the directory as soon as the owning process is gone (crash, kill -9,
// Ctrl-C), so an interrupted run never leaves a server behind.
#pragma once
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace slipway::embedded {

struct ClusterOptions {
  std::string parent_dir;          // where to create the temp dir; default $TMPDIR or /tmp
  bool durable = false;            // false: fsync, full_page_writes, synchronous_commit off
  std::map<std::string, std::string> settings;  // extra postgresql.conf settings
  // pg_hba.conf lines placed before initdb's own (which trust every local connection).
  std::vector<std::string> hba_lines;
  pid_t watch_pid = 0;             // watchdog stops the cluster when this pid exits; 0 = us
  bool watchdog = true;
};

class TempCluster {
 public:
  explicit TempCluster(ClusterOptions options = {});
  ~TempCluster();  // stops and removes unless detach() was called
  TempCluster(const TempCluster&) = delete;
  TempCluster& operator=(const TempCluster&) = delete;

  void start();  // initdb + start; throws Error with the server log's tail on failure
  void stop();   // fast shutdown and removal of the directory; idempotent
  // Restarts the server in place (same data dir, port and socket): `pg_ctl restart -m <mode>`,
  // waiting until it accepts connections again. "fast" shuts down cleanly; "immediate" does not
  // (the start then runs crash recovery). Every open connection is lost.
  void restart(const std::string& mode = "fast");

  // Leaves the cluster running after this object dies (the watchdog still guards it).
  void detach() { detached_ = true; }

  // key=value conninfo for `dbname` as the superuser, over the unix socket.
  std::string conninfo(const std::string& dbname = "postgres") const;
  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string data_dir() const { return dir_ + "/data"; }
  std::string log_file() const { return dir_ + "/server.log"; }

  // Stops a cluster started by another process (the ctest cleanup fixture).
  static void stop_dir(const std::string& dir);

 private:
  void start_watchdog();
  ClusterOptions options_;
  std::string dir_;
  int port_ = 0;
  bool running_ = false;
  bool detached_ = false;
  pid_t watchdog_pid_ = 0;
};

// A TCP port that was free a moment ago on 127.0.0.1.
int free_port();

}  // namespace slipway::embedded
