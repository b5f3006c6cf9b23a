#include "embedded/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "util/error.hpp"

namespace slipway::embedded {

namespace fs = std::filesystem;

std::string pg_bin_dir() {
  if (const char* env = std::getenv("SLIPWAY_PG_BIN"); env && *env) return env;
  if (fs::exists("/usr/lib/postgresql/15/bin/initdb")) return "/usr/lib/postgresql/15/bin";
  if (FILE* p = popen("pg_config --bindir 2>/dev/null", "r")) {
    char buf[4096] = {};
    std::string dir = fgets(buf, sizeof buf, p) ? buf : "";
    pclose(p);
    while (!dir.empty() && (dir.back() == '\n' || dir.back() == ' ')) dir.pop_back();
    if (!dir.empty() && fs::exists(dir + "/initdb")) return dir;
  }
  throw Error("PostgreSQL server binaries (initdb, pg_ctl) not found",
              "run scripts/setup (installs postgresql-15), or set SLIPWAY_PG_BIN");
}

bool must_drop_root() { return geteuid() == 0; }

namespace {
struct ServerUser {
  uid_t uid;
  gid_t gid;
};
ServerUser server_user() {
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
  std::optional<ServerUser> user;
  if (must_drop_root()) user = server_user();
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    // A process group of its own: Ctrl-C in the terminal reaches the owner (which stops cleanly,
    // e.g. the demo rolls back first), not the server, which would shut down at once.
    setpgid(0, 0);
    int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    if (user) {
      if (setgroups(0, nullptr) != 0 || setgid(user->gid) != 0 || setuid(user->uid) != 0) _exit(126);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace slipway::embedded
