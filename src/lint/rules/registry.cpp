// The rule registry. Each rule lives in its own file and exposes a factory; they are listed
// here, rather than self-registering with static objects, because slipway_lint is a static
// library: the linker drops object files nothing references, and self-registering rules would
// silently vanish from the binary.
#include <algorithm>

#include "lint/rule.hpp"

#define SLIPWAY_LINT_RULES(X) \
  X(adding_exclusion_constraint) \
  X(adding_field_with_volatile_default) \
  X(adding_required_field) \
  X(adding_serial_or_generated_column) \
  X(adding_trigger) \
  X(adding_unique_constraint) \
  X(ban_char_field) \
  X(ban_drop_cascade) \
  X(ban_drop_column) \
  X(ban_drop_database) \
  X(ban_drop_table) \
  X(ban_truncate_cascade) \
  X(changing_column_type) \
  X(concurrently_in_transaction) \
  X(constraint_missing_not_valid) \
  X(detach_partition_without_concurrently) \
  X(disabling_triggers) \
  X(foreign_key_without_index) \
  X(lock_held_during_slow_statement) \
  X(missing_lock_timeout) \
  X(missing_statement_timeout) \
  X(prefer_bigint) \
  X(prefer_identity) \
  X(prefer_robust_stmts) \
  X(prefer_text_field) \
  X(prefer_timestamptz) \
  X(refresh_matview_without_concurrently) \
  X(renaming_column) \
  X(renaming_table) \
  X(require_concurrent_index_creation) \
  X(require_concurrent_index_deletion) \
  X(require_concurrent_reindex) \
  X(rewriting_table) \
  X(setting_not_null) \
  X(unbatched_update_delete) \
  X(validate_in_same_transaction) \
  X(writing_system_catalogs) \

namespace slipway::lint {
namespace rules {
#define SLIPWAY_DECLARE(name) std::unique_ptr<Rule> make_##name();
SLIPWAY_LINT_RULES(SLIPWAY_DECLARE)
#undef SLIPWAY_DECLARE
}  // namespace rules

const std::vector<std::unique_ptr<Rule>>& all_rules() {
  static const std::vector<std::unique_ptr<Rule>> rules = [] {
    std::vector<std::unique_ptr<Rule>> out;
#define SLIPWAY_MAKE(name) out.push_back(rules::make_##name());
    SLIPWAY_LINT_RULES(SLIPWAY_MAKE)
#undef SLIPWAY_MAKE
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a->info().id < b->info().id; });
    return out;
  }();
  return rules;
}

const Rule* find_rule(std::string_view id) {
  for (auto& r : all_rules())
    if (r->info().id == id) return r.get();
  return nullptr;
}

}  // namespace slipway::lint
