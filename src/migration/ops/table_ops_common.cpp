#include "migration/ops/table_ops_common.hpp"

namespace slipway::migration {

Action drop_index_action(const std::string& id, const std::string& schema, const std::string& index,
                         const std::string& lock_target, bool partitioned) {
  Action a;
  a.id = id;
  if (partitioned) {
    a.description = fmt::format("drop partitioned index {} with its partitions' indexes", index);
    a.statements = {fmt::format("DROP INDEX IF EXISTS {}", pg::qualified(schema, index))};
    a.lock = LockMode::access_exclusive;
  } else {
    a.kind = Action::Kind::concurrent;
    a.description = fmt::format("drop index {} concurrently", index);
    a.statements = {fmt::format("DROP INDEX CONCURRENTLY IF EXISTS {}", pg::qualified(schema, index))};
    a.lock = LockMode::share_update_exclusive;
  }
  a.lock_target = lock_target;
  a.verify = pg::sql::select(pg::sql::relation_missing(schema, index));
  return a;
}

}  // namespace slipway::migration
