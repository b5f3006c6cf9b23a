#include "embedded/temp_cluster.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "embedded/child_process.hpp"
#include "embedded/process.hpp"
#include "util/error.hpp"

namespace slipway::embedded {

namespace fs = std::filesystem;

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error("socket() failed while looking for a free port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw Error("cannot find a free TCP port on 127.0.0.1");
  }
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

namespace {
std::string tail_of(const std::string& path, size_t max_bytes = 2000) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}
}  // namespace

TempCluster::TempCluster(ClusterOptions options) : options_(std::move(options)) {}

TempCluster::~TempCluster() {
  if (!detached_) {
    try {
      stop();
    } catch (...) {
    }
  }
}

std::string TempCluster::conninfo(const std::string& dbname) const {
  return fmt::format("host={} port={} user=postgres dbname={}", dir_, port_, dbname);
}

void TempCluster::start_watchdog() {
  std::string script = fmt::format(
      "while kill -0 {0} 2>/dev/null; do sleep 0.2; done; "
      "pm=$(head -1 '{1}/data/postmaster.pid' 2>/dev/null); "
      "if [ -n \"$pm\" ]; then kill -QUIT \"$pm\" 2>/dev/null; "
      "for i in $(seq 50); do kill -0 \"$pm\" 2>/dev/null || break; sleep 0.1; done; fi; "
      "rm -rf '{1}'",
      options_.watch_pid ? options_.watch_pid : getpid(), dir_);
  // Detached: it must outlive us (that is its point), and it holds none of our descriptors (a
  // pipe someone reads our output from must reach EOF when we end, not when it does).
  spawn_detached({"/bin/sh", "-c", script});
}

void TempCluster::start() {
  std::string parent = options_.parent_dir;
  if (parent.empty()) parent = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  std::string templ = parent + "/slipway-pg-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw Error("cannot create a temp dir under " + parent);
  dir_ = buf.data();
  chmod(dir_.c_str(), 0755);
  hand_over(dir_);
  if (options_.watchdog) start_watchdog();

  std::string bin = pg_bin_dir();
  std::string log = log_file();
  {
    std::ofstream touch(log);
  }
  hand_over(log);
  int rc = run_server_tool({bin + "/initdb", "-D", data_dir(), "-U", "postgres", "-A", "trust",
                            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"},
                           log);
  if (rc != 0) throw Error("initdb failed:\n" + tail_of(log));
  if (!options_.hba_lines.empty()) {
    std::string hba_path = data_dir() + "/pg_hba.conf";
    std::stringstream old;
    old << std::ifstream(hba_path).rdbuf();
    std::ofstream out(hba_path, std::ios::trunc);
    for (const auto& line : options_.hba_lines) out << line << "\n";
    out << old.str();
  }

  std::map<std::string, std::string> conf = {
      {"listen_addresses", "'127.0.0.1'"},
      {"unix_socket_directories", "'" + dir_ + "'"},
      {"max_connections", "200"},
      {"logging_collector", "off"},
  };
  if (!options_.durable) {
    conf["fsync"] = "off";
    conf["synchronous_commit"] = "off";
    conf["full_page_writes"] = "off";
  }
  for (const auto& [k, v] : options_.settings) conf[k] = v;

  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    {
      std::ofstream out(data_dir() + "/postgresql.auto.conf", std::ios::trunc);
      out << "port = " << port_ << "\n";
      for (const auto& [k, v] : conf) out << k << " = " << v << "\n";
    }
    rc = run_server_tool({bin + "/pg_ctl", "-D", data_dir(), "-l", log, "-w", "-t", "60", "start"}, log);
    if (rc == 0) {
      running_ = true;
      return;
    }
    // Most likely the port was taken between free_port() and the server binding it: retry.
  }
  throw Error("the private PostgreSQL cluster did not start:\n" + tail_of(log));
}

void TempCluster::stop() {
  if (dir_.empty()) return;
  if (running_) {
    run_server_tool({pg_bin_dir() + "/pg_ctl", "-D", data_dir(), "-m", "fast", "-w", "stop"},
                    "/dev/null");
    running_ = false;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
  dir_.clear();
}

void TempCluster::restart(const std::string& mode) {
  if (!running_) throw Error("cannot restart the private PostgreSQL cluster: it is not running");
  if (mode != "smart" && mode != "fast" && mode != "immediate") {
    throw Error("pg_ctl shutdown mode must be smart, fast or immediate, not \"" + mode + "\"");
  }
  std::string log = log_file();
  int rc = run_server_tool(
      {pg_bin_dir() + "/pg_ctl", "-D", data_dir(), "-l", log, "-m", mode, "-w", "-t", "60", "restart"}, log);
  if (rc != 0) throw Error("the private PostgreSQL cluster did not restart:\n" + tail_of(log));
}

void TempCluster::stop_dir(const std::string& dir) {
  if (!fs::exists(dir + "/data")) return;
  run_server_tool({pg_bin_dir() + "/pg_ctl", "-D", dir + "/data", "-m", "fast", "-w", "stop"},
                  "/dev/null");
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace slipway::embedded
