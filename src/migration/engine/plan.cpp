#include "migration/engine/plan.hpp"

namespace slipway::migration {

const char* lock_mode_name(LockMode m) {
  switch (m) {
    case LockMode::none: return "none";
    case LockMode::access_share: return "ACCESS SHARE";
    case LockMode::row_share: return "ROW SHARE";
    case LockMode::row_exclusive: return "ROW EXCLUSIVE";
    case LockMode::share_update_exclusive: return "SHARE UPDATE EXCLUSIVE";
    case LockMode::share: return "SHARE";
    case LockMode::share_row_exclusive: return "SHARE ROW EXCLUSIVE";
    case LockMode::exclusive: return "EXCLUSIVE";
    case LockMode::access_exclusive: return "ACCESS EXCLUSIVE";
  }
  return "?";
}

const char* lock_blocks(LockMode m) {
  switch (m) {
    case LockMode::none:
    case LockMode::access_share:
    case LockMode::row_share:
    case LockMode::row_exclusive:
    case LockMode::share_update_exclusive: return "nothing";
    case LockMode::share:
    case LockMode::share_row_exclusive:
    case LockMode::exclusive: return "writes";
    case LockMode::access_exclusive: return "reads and writes";
  }
  return "?";
}

}  // namespace slipway::migration
