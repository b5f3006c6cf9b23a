// slipway latest schema|migration|url: the latest version, for deploy scripts. `url` is the
// connection URL with the version schema's search_path, ready for the new application version.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"
#include "pg/conninfo.hpp"
#include "util/error.hpp"

namespace slipway::cli {
namespace {

CommandRegistration latest_command(27, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("latest", "print the latest version schema, migration name, or connection URL");
  static std::string what;
  cmd->add_option("what", what, "schema | migration | url")->required()->check(CLI::IsMember({"schema", "migration", "url"}));
  cmd->callback([&g] {
    Session s(g, Session::Mode::read_only);
    s.store().require_initialized();
    auto latest = s.store().migrations(g.schema).latest();
    if (!latest) throw InputError("no migration has been applied to schema " + g.schema);
    std::string schema = latest->status == "baseline" ? g.schema : latest->version_schema;
    if (what == "migration") {
      std::cout << latest->name << "\n";
    } else if (what == "schema") {
      std::cout << schema << "\n";
    } else {
      // The connection the user gave us with the version's search_path, in the same form (URL or
      // key=value). slipway never prints passwords: a password shows as ***.
      const std::string& url = g.postgres_url;
      std::string out;
      if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
        out = url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
      } else {
        auto params = pg::parse_conninfo(url);
        params["options"] = "-csearch_path=" + schema;
        out = pg::to_keyvalue(params);
      }
      std::cout << pg::mask_password(out) << "\n";
    }
  });
});

}  // namespace
}  // namespace slipway::cli
