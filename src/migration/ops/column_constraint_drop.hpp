// Shared by drop_constraint and drop_multicolumn_constraint: duplicate the constrained columns
// without the constraint (keeping every other constraint and index on them), sync them with
// up/down, and swap at complete. The two operations differ only in how they read up/down.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "migration/ops/column_sync.hpp"

namespace slipway::migration {

class ConstraintDrop : public Operation {
 public:
  std::vector<std::string> tables() const override { return {table_}; }
  bool needs_backfill() const override { return true; }
  void validate(ValidationContext& ctx) const override;
  void apply(VirtualSchema& schema) const override;
  void start(const PlanContext& ctx, Plan& plan) const override;
  void complete(const PlanContext& ctx, Plan& plan) const override;
  void rollback(const PlanContext& ctx, Plan& plan) const override;

 protected:
  virtual bool single_column() const = 0;
  virtual std::optional<std::string> named_column() const = 0;
  virtual std::map<std::string, std::string> up_for(const std::vector<std::string>& columns) const = 0;
  virtual std::map<std::string, std::string> down_for(const std::vector<std::string>& columns) const = 0;

  std::string table_, name_;

 private:
  std::string id() const { return kind() + ":" + table_ + "." + name_; }
  SyncPlan sync_plan(const PlanContext& ctx) const;
  bool constraint_present(const PlanContext& ctx) const;
};

}  // namespace slipway::migration
