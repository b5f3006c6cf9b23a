// slipway status: where the database stands — the active migration (and where an interrupted
// step stopped), the latest completed one, and the connection it used.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/registry.hpp"

namespace slipway::cli {
namespace {

nlohmann::json record_json(const state::MigrationRecord& m) {
  return {{"name", m.name},
          {"parent", m.parent ? nlohmann::json(*m.parent) : nlohmann::json()},
          {"status", m.status},
          {"version_schema", m.version_schema},
          {"started_at", m.started_at},
          {"completed_at", m.completed_at ? nlohmann::json(*m.completed_at) : nlohmann::json()},
          {"progress", m.progress}};
}

CommandRegistration reg(90, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("status", "show the active migration and the migration history");
  cmd->callback([&g] {
    Session s(g, Session::Mode::read_only);
    nlohmann::json out{{"database", s.conn().describe()},
                       {"server_version", s.conn().server_version()},
                       {"schema", g.schema},
                       {"state_schema", g.state_schema},
                       {"initialized", s.store().initialized()}};
    std::optional<state::MigrationRecord> active, latest;
    size_t count = 0;
    if (out["initialized"]) {
      active = s.store().active_migration(g.schema);
      auto history = s.store().history(g.schema);
      count = history.size();
      if (!history.empty()) latest = history.back();
    }
    out["active"] = active ? record_json(*active) : nlohmann::json();
    out["latest"] = latest ? record_json(*latest) : nlohmann::json();
    out["migrations"] = count;
    out["status"] = !out["initialized"] ? "not initialized"
                    : active            ? "in progress"
                    : latest            ? "complete"
                                        : "no migrations";
    if (g.json) {
      std::cout << out.dump(2) << "\n";
      return;
    }
    std::cout << "database:      " << out["database"].get<std::string>() << " (PostgreSQL "
              << s.conn().server_version() / 10000 << ")\n";
    std::cout << "schema:        " << g.schema << " (state in \"" << g.state_schema << "\")\n";
    std::cout << "status:        " << out["status"].get<std::string>() << "\n";
    if (latest) std::cout << "latest:        " << latest->name << " (" << latest->status << ")\n";
    if (active) {
      std::cout << "active:        " << active->name << ", started " << active->started_at
                << ", version schema " << active->version_schema << "\n";
      if (!active->progress.empty()) std::cout << "progress:      " << active->progress.dump() << "\n";
    }
    std::cout << "migrations:    " << count << "\n";
  });
});

}  // namespace
}  // namespace slipway::cli
