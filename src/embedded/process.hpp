// Running the PostgreSQL server binaries. PostgreSQL refuses to run as root, so when slipway
// runs as root the binaries run as the `postgres` user.
#pragma once
#include <string>
#include <vector>

namespace slipway::embedded {

// Directory with initdb/pg_ctl/postgres: $SLIPWAY_PG_BIN, else /usr/lib/postgresql/15/bin,
// else `pg_config --bindir`. Throws Error with an install hint when none has initdb.
std::string pg_bin_dir();

// True when the server binaries must run as another user (we are root).
bool must_drop_root();

// Runs argv (argv[0] a path) to completion, as `postgres` when we are root, in a process group
// of its own, stdin /dev/null. stdout and stderr go to `log_file` (appended). Returns the exit
// status; -1 if a signal ended it or it could not run (why is appended to `log_file`).
int run_server_tool(const std::vector<std::string>& argv, const std::string& log_file);

// Makes `path` owned by the user the server runs as (no-op unless root).
void hand_over(const std::string& path);

}  // namespace slipway::embedded
