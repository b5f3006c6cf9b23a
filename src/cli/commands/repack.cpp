// slipway repack: reclaims a bloated table's space online, like VACUUM FULL without its
// ACCESS EXCLUSIVE lock for the whole copy: the rewrite machinery with the same definition.
#include "cli/registry.hpp"
#include "cli/rewrite_command.hpp"

namespace slipway::cli {
namespace {

CommandRegistration repack_command(61, [](CLI::App& app, GlobalOptions& g) {
  add_rewrite_command(app, g, {"repack", "rebuild a bloated table online (same definition, bloat gone)", false});
});

}  // namespace
}  // namespace slipway::cli
