// The expand/contract mechanism shared by every operation that changes columns' data or
// constraints (add_column, alter_column, create_constraint, drop_constraint,
// drop_multicolumn_constraint): each changed column gets a temporary twin
// `_slipway_new_<col>` with the new definition, kept in sync by up/down triggers and filled by
// a backfill; complete swaps it in, rollback drops it.
//
//   start:    ADD COLUMN temporaries (nullable, non-volatile default only: catalog-only)
//             backfill temp = up(old)                               [after the triggers]
//             NOT NULL as CHECK (temp IS NOT NULL) NOT VALID, checks NOT VALID,
//             foreign keys NOT VALID, unique/PK/plain indexes CONCURRENTLY
//                                           [after the backfill: rows already in sync]
//   complete: VALIDATE each NOT VALID constraint (SHARE UPDATE EXCLUSIVE, writes go on)
//             one short transaction: SET NOT NULL (no scan: validated check), DROP old
//             columns, RENAME temporaries, attach unique/PK USING INDEX, rename carried-over
//             constraints and indexes to their original names
//   rollback: DROP the temporaries (their constraints and indexes go with them)
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "migration/ops/operation.hpp"

namespace slipway::migration {

struct SyncedColumn {
  std::optional<std::string> old_column;  // physical column it replaces (none for add_column)
  std::string temp;                       // physical temporary, _slipway_new_<col>
  std::string final_name;                 // physical name after complete
  std::string type;
  std::optional<std::string> collation;
  bool not_null = false;
  std::optional<std::string> default_expr;
  std::optional<std::string> comment;
  std::optional<std::string> up;    // old -> new, over the old version's names; none: nothing to fill
  std::optional<std::string> down;  // new -> old column, over the new version's names
};

struct SyncedConstraint {
  enum class Kind { check, foreign_key, unique, primary_key, index };
  Kind kind = Kind::check;
  std::string final_name;  // after complete
  std::string build_name;  // while the migration runs (== final_name for new constraints)
  // check: boolean expression over physical columns (temporaries already substituted);
  // foreign_key: the REFERENCES clause; unique/primary_key/index: unused.
  std::string definition;
  std::vector<std::string> columns;  // physical columns (temporaries substituted)
  std::string method = "btree";      // index
  bool unique_index = false;         // index
  std::string index_parameters;      // unique/primary_key: " INCLUDE (..) WITH (..) TABLESPACE .." of its index
  bool no_inherit = false;           // check
  bool validate = true;              // check/foreign_key: validated at complete (false: it was NOT VALID before)
  std::string referenced_table;      // foreign_key: physical, locked too
};

struct SyncPlan {
  std::string id;     // action id prefix, e.g. "alter_column:posts.title"
  std::string table;  // physical table
  std::vector<std::string> batch_key;
  std::vector<SyncedColumn> columns;
  std::vector<SyncedConstraint> constraints;

  bool needs_backfill() const;
  // old physical column -> temporary, for rewriting expressions.
  std::map<std::string, std::string> renames() const;
};

// Adds to `plan` a copy on the temporaries of every existing constraint and index of `table`
// that covers a column `plan` replaces (unless named in `dropped`): without it, dropping the old
// column at complete would silently drop them. Throws InputError for what cannot be carried
// over (expression or partial indexes, exclusion constraints, foreign keys pointing at the
// replaced column from the same table).
void carry_over_constraints(const catalog::Table& table, SyncPlan& plan, const std::set<std::string>& dropped = {});

// The temporary column a replaced column gets: same definition as the old one.
SyncedColumn duplicate_of(const catalog::Column& column);

// The table `name` as the plan sees it (the new version's, else the old version's); throws if
// neither has it (validation rules that out).
const VirtualTable& planned_table(const PlanContext& ctx, const std::string& name);

// A plan that duplicates `columns` (application names of `table`) unchanged, with `up`/`down`
// expressions per column (absent: the value itself), and carries over their constraints and
// indexes except those named in `dropped`.
SyncPlan duplicate_columns(const std::string& id, const VirtualTable& table, const std::vector<std::string>& columns,
                           const std::map<std::string, std::string>& up,
                           const std::map<std::string, std::string>& down,
                           const std::set<std::string>& dropped = {});

// Points the visible column `name` of `t` at `temp` and keeps the old physical column in the
// table as hidden (the new version does not show it, but it is still known, not an unmapped
// extra column). Returns the column (re-fetched: the vector may have grown).
VirtualColumn* replace_physical(VirtualTable& t, const std::string& name, const std::string& temp);

void plan_sync_start(const PlanContext& ctx, const SyncPlan& p, Plan& plan);
void plan_sync_complete(const PlanContext& ctx, const SyncPlan& p, Plan& plan);
void plan_sync_rollback(const PlanContext& ctx, const SyncPlan& p, Plan& plan);

// An operation that changes an existing table through the sync mechanism above, and acts
// directly on a table the same migration creates (nobody reads that one yet): add_column,
// create_constraint. The phases dispatch here; the operation says what each case does.
class SyncedOperation : public Operation {
 public:
  void start(const PlanContext& ctx, Plan& plan) const final;
  void complete(const PlanContext& ctx, Plan& plan) const final;
  void rollback(const PlanContext& ctx, Plan& plan) const final;

 protected:
  virtual const std::string& table_name() const = 0;
  virtual SyncPlan sync_plan(const PlanContext& ctx, const VirtualTable& t) const = 0;
  // The table is new in this migration: the change itself, and its undo.
  virtual Action add_to_new_table(const PlanContext& ctx, const VirtualTable& t) const = 0;
  virtual Action drop_from_new_table(const PlanContext& ctx, const VirtualTable& t) const = 0;
};

}  // namespace slipway::migration
