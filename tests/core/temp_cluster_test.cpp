// embedded::TempCluster's watchdog: a cluster whose owner dies without stopping it (kill -9)
// is stopped and removed all the same.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "embedded/child_process.hpp"
#include "embedded/temp_cluster.hpp"

using namespace slipway::embedded;
namespace fs = std::filesystem;

namespace {
// Running, not a zombie waiting for init to reap it (/proc/PID/stat: "pid (comm) state ...").
bool alive(pid_t pid) {
  if (::kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close == std::string::npos || line.substr(close + 2, 1) != "Z";
}
}  // namespace

TEST(TempCluster, TheWatchdogStopsAndRemovesTheClusterWhenItsOwnerDies) {
  ChildOptions o;
  o.search_path = true;
  ChildProcess owner({"sleep", "1000"}, o);
  ClusterOptions options;
  options.watch_pid = owner.pid();
  std::string dir;
  pid_t postmaster = 0;
  {
    TempCluster cluster(options);
    cluster.start();
    cluster.detach();
    dir = cluster.dir();
    std::ifstream(cluster.data_dir() + "/postmaster.pid") >> postmaster;
  }
  ASSERT_TRUE(fs::exists(dir)) << "detached, the cluster outlives its object";
  ASSERT_GT(postmaster, 0);
  ASSERT_TRUE(alive(postmaster)) << "the server runs";
  owner.kill(SIGKILL);
  owner.wait();
  // The watchdog notices within 0.2 s, stops the server (up to 5 s) and removes the directory.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((fs::exists(dir) || alive(postmaster)) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling interval, not synchronisation
  }
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(alive(postmaster)) << "the server still runs";
}
