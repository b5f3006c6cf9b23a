// slipway latest schema|migration|url: the latest version, for deploy scripts. `url` is a
// connection string with the version schema's search_path, ready for the new application
// version. As pgroll's: `--local DIR` reads the latest version from migration files (no
// database); `url` takes the connection string to extend (default: the one slipway uses).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <iostream>

#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"
#include "migration/engine/planner.hpp"
#include "migration/file/migration_file.hpp"
#include "pg/conninfo.hpp"
#include "util/error.hpp"

namespace slipway::cli {
namespace {

// The connection string `base` in its own form (URL or key=value) with the search_path set.
std::string with_search_path(const std::string& base, const std::string& schema) {
  if (base.rfind("postgres://", 0) == 0 || base.rfind("postgresql://", 0) == 0)
    return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
  auto params = pg::parse_conninfo(base);
  params["options"] = "-csearch_path=" + schema;
  return pg::to_keyvalue(params);
}

CommandRegistration latest_command(27, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("latest", "print the latest version schema, migration name, or connection URL");
  static std::string what, base_url, local_dir;
  static bool mask = false;
  cmd->add_option("what", what, "schema | migration | url")->required()->check(CLI::IsMember({"schema", "migration", "url"}));
  cmd->add_option("base-url", base_url, "url: the connection string to extend (default: --postgres-url)");
  cmd->add_option("-l,--local", local_dir, "read the latest version from this directory of migration files (no database)");
  cmd->add_flag("--mask-password", mask, "url: show the password as *** (it is masked anyway when stdout is a terminal)");
  cmd->callback([&g] {
    if (!base_url.empty() && what != "url") throw InputError("a connection string is taken by `latest url` only");
    std::string name, schema;
    if (!local_dir.empty()) {
      auto files = migration::migration_files_in(local_dir);
      if (files.empty()) throw InputError("no migration files in " + local_dir);
      auto doc = migration::read_migration_file(files.back());
      name = doc.name;
      schema = g.use_version_schema ? migration::version_schema_name(g.schema, doc) : g.schema;
    } else {
      Session s(g, Session::Mode::read_only);
      s.store().require_initialized();
      auto latest = s.store().migrations(g.schema).latest();
      if (!latest) throw InputError("no migration has been applied to schema " + g.schema);
      name = latest->name;
      // A baseline, or a migration started with --use-version-schema=false, has no schema of
      // views: the application's own schema is the latest version.
      schema = latest->status == "baseline" || latest->version_schema.empty() ? g.schema : latest->version_schema;
    }
    if (what == "migration") {
      std::cout << name << "\n";
    } else if (what == "schema") {
      std::cout << schema << "\n";
    } else {
      // A string that works when a script captures it; on a terminal (someone looking, maybe
      // sharing a screen) or with --mask-password the password shows as ***.
      std::string out = with_search_path(base_url.empty() ? g.postgres_url : base_url, schema);
      if (mask || isatty(STDOUT_FILENO)) out = pg::mask_password(out);
      std::cout << out << "\n";
    }
  });
});

}  // namespace
}  // namespace slipway::cli
