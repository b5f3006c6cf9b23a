// ctest fixture: `start DIR` starts the private cluster shared by the whole test run and writes
// its conninfo to DIR/url; `stop DIR` stops and removes it. If ctest dies first, the cluster's
// watchdog (watching ctest's pid) removes it.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "embedded/temp_cluster.hpp"

namespace fs = std::filesystem;
using slipway::embedded::TempCluster;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: slipway-test-cluster start|stop DIR\n";
    return 2;
  }
  std::string cmd = argv[1], dir = argv[2];
  try {
    if (cmd == "start") {
      if (const char* url = std::getenv("SLIPWAY_TEST_PGURL"); url && *url) {
        std::cout << "using SLIPWAY_TEST_PGURL\n";
        fs::remove_all(dir);
        return 0;
      }
      if (fs::exists(dir + "/cluster_dir")) {  // a leftover from an interrupted run
        std::ifstream in(dir + "/cluster_dir");
        std::string old;
        std::getline(in, old);
        TempCluster::stop_dir(old);
      }
      fs::create_directories(dir);
      slipway::embedded::ClusterOptions opts;
      opts.watch_pid = getppid();
      // Members of this role must give a password over TCP: lets tests see a real
      // authentication failure while everything else trusts local connections.
      opts.hba_lines = {"host all +slipway_password_auth 127.0.0.1/32 scram-sha-256"};
      TempCluster cluster(opts);
      cluster.start();
      cluster.detach();
      std::ofstream(dir + "/cluster_dir") << cluster.dir() << "\n";
      std::ofstream(dir + "/url.tmp") << cluster.conninfo() << "\n";
      fs::rename(dir + "/url.tmp", dir + "/url");
      std::cout << "started PostgreSQL at " << cluster.conninfo() << "\n";
      return 0;
    }
    if (cmd == "stop") {
      if (fs::exists(dir + "/cluster_dir")) {
        std::ifstream in(dir + "/cluster_dir");
        std::string cdir;
        std::getline(in, cdir);
        TempCluster::stop_dir(cdir);
      }
      fs::remove_all(dir);
      std::cout << "stopped\n";
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "slipway-test-cluster: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "unknown command " << cmd << "\n";
  return 2;
}
