// slipway migrate DIR [--complete]: apply, in order, the migrations of DIR not applied yet.
// Stops at the first error. Without --complete the last one stays active (started), the way
// `start` leaves it; the ones before it are completed, since only one can be active.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

#include "cli/backfill_flags.hpp"
#include "cli/commands/migration_support.hpp"
#include "cli/registry.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace slipway::cli {
namespace {

CommandRegistration migrate_command(23, [](CLI::App& app, GlobalOptions& g) {
  auto* cmd = app.add_subcommand("migrate", "apply the migrations of a directory that are not applied yet, in order");
  static std::string dir;
  static bool complete = false;
  static BackfillFlags flags;
  cmd->add_option("dir", dir, "directory of migration files")->required();
  cmd->add_flag("--complete", complete, "also complete the last migration");
  static bool expect_one = false;
  cmd->add_flag("--expect-one", expect_one, "refuse (exit 2, nothing changed) when more than one migration is pending");
  add_backfill_flags(*cmd, flags);
  cmd->callback([&g] {
    auto files = migration::migration_files_in(dir);
    // Parse every file first: a bad file anywhere stops us before anything changes.
    std::vector<migration::MigrationDocument> docs;
    for (const auto& f : files) docs.push_back(migration::read_migration_file(f));
    std::unique_ptr<backfill::ProgressSink> sink;
    auto backfill_options = engine_options(g, flags, sink, /*global_json=*/false);
    Session s(g, Session::Mode::state_changing);
    auto m = make_migrator(s, g, backfill_options);
    std::set<std::string> applied;
    std::optional<state::MigrationRecord> active;
    std::optional<std::string> baseline;  // the latest baseline given a name (`baseline VERSION DIR`)
    if (s.store().initialized()) {
      auto history = s.store().migrations(g.schema);
      for (const auto& r : history.records()) {
        applied.insert(r.name);
        if (r.status == "baseline" && r.migration.value("named", false)) baseline = r.name;
      }
      active = history.active();
    }
    // As pgroll's: the files up to a named baseline stand for the schema it recorded (its own
    // file and every one before it; without its file, those whose names sort before it).
    size_t first = 0;
    if (baseline) {
      auto own = std::find_if(docs.begin(), docs.end(), [&](const auto& d) { return d.name == *baseline; });
      if (own != docs.end()) {
        first = static_cast<size_t>(own - docs.begin()) + 1;
      } else {
        while (first < docs.size() && docs[first].name < *baseline) ++first;
      }
    }
    std::vector<size_t> pending;
    for (size_t i = first; i < docs.size(); ++i) {
      bool is_active = active && active->name == docs[i].name;
      if (!applied.count(docs[i].name) || is_active) pending.push_back(i);
    }
    if (active && (pending.empty() || docs[pending.front()].name != active->name)) {
      throw InputError(fmt::format("migration {} is active and is not the next file of {}", active->name, dir),
                       "complete or roll it back first");
    }
    if (expect_one && pending.size() > 1)
      throw InputError(fmt::format("expected one migration to apply but {} are pending in {}", pending.size(), dir),
                       "apply them one at a time (slipway start FILE), or leave out --expect-one");
    nlohmann::json done = nlohmann::json::array();
    for (size_t k = 0; k < pending.size(); ++k) {
      const auto& doc = docs[pending[k]];
      bool last = k + 1 == pending.size();
      m.start(doc, file_format(files[pending[k]]));
      if (!last || complete) m.complete();
      done.push_back(doc.name);
    }
    if (g.json) {
      std::cout << nlohmann::json{{"applied", done}}.dump() << "\n";
    } else if (done.empty()) {
      std::cout << "nothing to apply: every migration of " << dir << " is applied\n";
    } else {
      std::cout << "applied " << done.size() << " migration(s)" << (complete ? "" : "; the last one is active") << "\n";
    }
  });
});

}  // namespace
}  // namespace slipway::cli
