// sqitch keeps its registry in a schema of its own (changes, tags, dependencies, events, with
// change ids that are SHA-1 hashes of each change's plan entry). Writing it exactly as sqitch
// does is not done yet: refused before anything runs, so no sqitch project is left with a
// registry that sqitch would not recognise.
#include "apply/history/history_sql.hpp"
#include "util/error.hpp"

namespace slipway::apply {

std::unique_ptr<ToolHistory> make_sqitch_history(const HistoryOptions&) {
  throw InputError("slipway apply cannot record sqitch deployments in sqitch's registry yet",
                   "deploy this project with sqitch (slipway lint --fix prints the safe SQL for its deploy scripts)");
}

}  // namespace slipway::apply
