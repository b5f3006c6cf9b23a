// slipway plan FILE [--json]: the runbook of a migration, without changing anything — every step
// of start, complete and rollback in order with the lock it takes (and what that blocks), whether
// it scans or rewrites the table, how to undo it, and the query that verifies it.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"
#include "migration/engine/plan_json.hpp"

namespace slipway::cli {
namespace {

void print_phase(const std::string& title, const migration::Plan& plan) {
  std::cout << "\n" << title << " (" << plan.actions.size() << " steps)\n";
  int i = 0;
  for (const auto& a : plan.actions) {
    std::cout << "  " << ++i << ". " << a.description << "\n";
    std::cout << "     lock:     " << migration::plan_lock_name(a.lock);
    if (!a.lock_target.empty() && a.lock != migration::LockMode::none) std::cout << " on " << a.lock_target;
    std::cout << " (blocks " << migration::lock_blocks(a.lock) << ")";
    if (a.kind == migration::Action::Kind::concurrent) std::cout << ", outside a transaction";
    if (a.kind == migration::Action::Kind::backfill) std::cout << ", in short batches";
    std::cout << "\n";
    std::cout << "     scans:    " << (a.scans ? "yes" : "no") << ", rewrites: " << (a.rewrites ? "yes" : "no") << "\n";
    for (const auto& s : a.statements) std::cout << "     sql:      " << s << "\n";
    if (a.backfill) {
      std::string set;
      for (const auto& x : a.backfill->set) set += (set.empty() ? "" : ", ") + x;
      std::cout << "     sql:      UPDATE " << a.backfill->table << " SET " << set << " (per key range)\n";
    }
    if (!a.rollback.empty()) std::cout << "     undo:     " << a.rollback << "\n";
    if (!a.verify.empty()) std::cout << "     verify:   " << a.verify << "\n";
  }
}

CommandRegistration plan_command(24, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("plan", "print the runbook of a migration (changes nothing)");
  static std::string file;
  cmd->add_option("file", file, "migration file")->required();
  cmd->callback([&g] {
    auto doc = migration::read_migration_file(file);
    Session s(g, Session::Mode::read_only);
    auto plans = make_migrator(s, g).validate(doc);
    if (g.json) {
      std::cout << nlohmann::json{{"migration", doc.name},
                                  {"version_schema", version_schema_json(plans)},
                                  {"start", migration::to_json(plans.start)},
                                  {"complete", migration::to_json(plans.complete)},
                                  {"rollback", migration::to_json(plans.rollback)}}
                       .dump(2)
                << "\n";
      return;
    }
    std::cout << "migration " << doc.name << " -> " << version_schema_text(plans) << "\n";
    print_phase("slipway start", plans.start);
    print_phase("slipway complete", plans.complete);
    print_phase("slipway rollback (instead of complete)", plans.rollback);
  });
});

}  // namespace
}  // namespace slipway::cli
