#include "migration/engine/plan.hpp"

namespace slipway::migration {

const char* plan_lock_name(LockMode m) {
  return m == LockMode::none ? "none" : pg::lock_mode_name(m).data();  // names are literals
}

const char* lock_blocks(LockMode m) {
  auto b = pg::blocked_by(m);
  return b.reads ? "reads and writes" : b.writes ? "writes" : "nothing";
}

}  // namespace slipway::migration
