#include "embedded/process.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "embedded/child_process.hpp"
#include "util/error.hpp"

namespace slipway::embedded {

namespace fs = std::filesystem;

std::string pg_bin_dir() {
  if (const char* env = std::getenv("SLIPWAY_PG_BIN"); env && *env) return env;
  if (fs::exists("/usr/lib/postgresql/15/bin/initdb")) return "/usr/lib/postgresql/15/bin";
  try {
    ChildOptions o;
    o.search_path = true;
    o.out = Stream::capture();
    o.err = Stream::null();
    std::string dir = run({"pg_config", "--bindir"}, o).out;
    dir = dir.substr(0, dir.find('\n'));
    while (!dir.empty() && dir.back() == ' ') dir.pop_back();
    if (!dir.empty() && fs::exists(dir + "/initdb")) return dir;
  } catch (const SpawnError&) {
    // No pg_config on PATH: the error below says what to do.
  }
  throw Error("PostgreSQL server binaries (initdb, pg_ctl) not found",
              "run scripts/setup (installs postgresql-15), or set SLIPWAY_PG_BIN");
}

bool must_drop_root() { return geteuid() == 0; }

namespace {
UserIds server_user() {
  struct passwd* pw = getpwnam("postgres");
  if (!pw) throw Error("running as root, but there is no `postgres` user to run the server as",
                       "install postgresql-15 (it creates the user) or run as an ordinary user");
  return {pw->pw_uid, pw->pw_gid};
}
}  // namespace

void hand_over(const std::string& path) {
  if (!must_drop_root()) return;
  auto u = server_user();
  if (chown(path.c_str(), u.uid, u.gid) != 0) throw Error("cannot chown " + path + " to postgres");
}

int run_server_tool(const std::vector<std::string>& argv, const std::string& log_file) {
  ChildOptions o;
  if (must_drop_root()) o.user = server_user();
  // A process group of its own: Ctrl-C in the terminal reaches the owner (which stops cleanly,
  // e.g. the demo rolls back first), not the server, which would shut down at once.
  o.new_process_group = true;
  o.out = Stream::append(log_file);
  o.err = Stream::like_stdout();
  try {
    Exit e = run(argv, o).exit;
    return e.signaled() ? -1 : e.code;
  } catch (const SpawnError& e) {
    // Where the tool's own complaint would have gone: the callers show the log's tail.
    std::ofstream(log_file, std::ios::app) << e.what() << "\n";
    return -1;
  }
}

}  // namespace slipway::embedded
