// slipway status: where the database stands — the active migration (and where an interrupted
// step stopped), the latest completed one, and the connection it used.
#include <CLI/CLI.hpp>

#include <iostream>
#include <set>

#include "cli/context.hpp"
#include "cli/registry.hpp"
#include "apply/progress.hpp"
#include "migration/engine/migrator.hpp"

namespace slipway::cli {
namespace {

// Where the active migration's current phase stands: steps done, and the step a re-run starts
// with (the one an interrupted run stopped at).
nlohmann::json phase_position(state::MigrationHistory& history, const state::MigrationRecord& m) {
  std::string phase = m.progress.value("phase", "start");
  auto steps = history.steps(m.name, phase);
  std::set<std::string> done;
  if (m.progress.contains("done") && m.progress["done"].contains(phase))
    for (const auto& id : m.progress["done"][phase]) done.insert(id.get<std::string>());
  nlohmann::json out{{"phase", phase}, {"steps", steps.size()}, {"done", done.size()}};
  for (size_t i = 0; i < steps.size(); ++i) {
    if (done.count(steps[i].id)) continue;
    out["next_step"] = {{"number", i + 1}, {"id", steps[i].id}, {"description", steps[i].description}};
    break;
  }
  if (m.progress.contains("current")) out["interrupted_in"] = m.progress["current"];
  auto next = migration::next_commands(m);
  out["next_command"] = next.resume;
  out["or"] = next.instead ? nlohmann::json(*next.instead) : nlohmann::json();
  return out;
}

nlohmann::json record_json(const state::MigrationRecord& m) {
  return {{"name", m.name},
          {"parent", m.parent ? nlohmann::json(*m.parent) : nlohmann::json()},
          {"status", m.status},
          {"version_schema", m.version_schema.empty() ? nlohmann::json() : nlohmann::json(m.version_schema)},
          {"started_at", m.started_at},
          {"completed_at", m.completed_at ? nlohmann::json(*m.completed_at) : nlohmann::json()},
          {"progress", m.progress}};
}

CommandRegistration status_command(90, [](CLI::App& app, GlobalOptions& g) {
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
      auto migrations = s.store().migrations(g.schema);
      active = migrations.active();
      auto history = migrations.records();
      count = history.size();
      if (!history.empty()) latest = history.back();
      out["active"] = active ? record_json(*active) : nlohmann::json();
      if (active) out["active"]["position"] = phase_position(migrations, *active);
    } else {
      out["active"] = nullptr;
    }
    // Plain SQL scripts `slipway apply` stopped in (killed, or a statement failed).
    out["apply"] = nlohmann::json::array();
    apply::ApplyProgress apply_progress(s.conn(), g.state_schema);
    if (out["initialized"])
      for (auto& p : apply_progress.all())
        out["apply"].push_back({{"history_table", p.key.history_table}, {"version", p.key.version},
                                {"direction", p.key.direction}, {"file", p.file}, {"status", p.status},
                                {"units_done", p.units_done}, {"units_total", p.units_total},
                                {"error", p.error.empty() ? nlohmann::json() : nlohmann::json(p.error)},
                                {"error_line", p.error_line ? nlohmann::json(*p.error_line) : nlohmann::json()},
                                {"updated_at", p.updated_at}});
    out["latest"] = latest ? record_json(*latest) : nlohmann::json();
    out["migrations"] = count;
    // pgroll's shape and values (schema, version: the latest migration, status), so scripts
    // written for `pgroll status` read slipway's; the fields above and below are slipway's own.
    out["version"] = latest ? latest->name : std::string();
    out["status"] = !out["initialized"] ? "Not initialized"
                    : active            ? "In progress"
                    : latest            ? "Complete"
                                        : "No migrations";
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
                << (active->version_schema.empty() ? std::string(", no version schema")
                                                   : ", version schema " + active->version_schema)
                << "\n";
      const auto& pos = out["active"]["position"];
      std::cout << "phase:         " << pos["phase"].get<std::string>() << ", " << pos["done"].get<size_t>() << " of "
                << pos["steps"].get<size_t>() << " steps done\n";
      if (pos.contains("next_step")) {
        std::cout << "stopped at:    step " << pos["next_step"]["number"].get<size_t>() << ": "
                  << pos["next_step"]["description"].get<std::string>();
        if (pos.contains("interrupted_in")) std::cout << " (interrupted while running)";
        std::cout << "\n";
      }
      auto command = [](const nlohmann::json& c) {
        return "`slipway " + c.get<std::string>() + (c == "start" ? " FILE`" : "`");
      };
      const bool resumes = pos.contains("next_step") || pos["phase"] != "start";
      std::cout << "next:          run " << command(pos["next_command"]) << (resumes ? " to resume" : "");
      if (!pos["or"].is_null()) std::cout << ", or " << command(pos["or"]);
      std::cout << "\n";
    }
    std::cout << "migrations:    " << count << "\n";
    for (auto& a : out["apply"]) {
      std::cout << "apply:         " << a["file"].get<std::string>() << " (" << a["direction"].get<std::string>()
                << ") " << (a["status"] == "failed" ? "failed" : "stopped") << " after " << a["units_done"].get<int>()
                << " of " << a["units_total"].get<int>() << " units";
      if (!a["error_line"].is_null()) std::cout << ", at line " << a["error_line"].get<int>();
      if (!a["error"].is_null()) std::cout << ": " << a["error"].get<std::string>();
      std::cout << "\n               run `slipway apply` on it again to continue\n";
    }
  });
});

}  // namespace
}  // namespace slipway::cli
