// slipway rewrite: an online table rewrite for changes PostgreSQL can only make by rewriting the
// table under ACCESS EXCLUSIVE (int -> bigint, SET TABLESPACE/LOGGED/ACCESS METHOD, volatile
// defaults): shadow table, change capture, chunked throttled copy, verification, a short swap.
#include "cli/registry.hpp"
#include "cli/rewrite_command.hpp"

namespace slipway::cli {
namespace {

CommandRegistration rewrite_command(60, [](CLI::App& app, GlobalOptions& g) {
  add_rewrite_command(app, g,
                      {"rewrite", "rewrite a table online with a new definition (shadow table, short swap)", true});
});

}  // namespace
}  // namespace slipway::cli
