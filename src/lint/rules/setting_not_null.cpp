// setting-not-null: ALTER COLUMN ... SET NOT NULL scans the whole table under ACCESS EXCLUSIVE.
// Since PostgreSQL 12 the scan is skipped when a validated CHECK (col IS NOT NULL) exists, so
// the safe recipe is CHECK NOT VALID -> VALIDATE (SHARE UPDATE EXCLUSIVE) -> SET NOT NULL.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class SettingNotNull final : public Rule {
 public:
  RuleInfo info() const override {
    return {"setting-not-null", Severity::error, "SET NOT NULL on an existing column scans under ACCESS EXCLUSIVE"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string& sub, const Json& cmd) {
      if (sub != "AT_SetNotNull") return;
      std::string c = str(cmd, "name");
      // PostgreSQL 12+ proves NOT NULL from a valid CHECK (c IS NOT NULL): the recipe's last step.
      if (ctx.pg_version() >= 12 && ctx.schema().has_valid_not_null_check(table_key(table), c)) return;
      std::string check = table_key(table) + "_" + c + "_not_null";
      std::string t = qualified(table);
      Hit h;
      h.message = "SET NOT NULL on " + c + " scans all of " + table + " while holding ACCESS EXCLUSIVE";
      if (ctx.pg_version() >= 12) {
        h.recipe = "add CHECK (" + c + " IS NOT NULL) NOT VALID, VALIDATE it (no blocking lock), then SET NOT "
                   "NULL uses the constraint instead of scanning; drop the CHECK afterwards";
        h.fix = "ALTER TABLE " + t + " ADD CONSTRAINT " + ident(check) + " CHECK (" + ident(c) +
                " IS NOT NULL) NOT VALID;\nALTER TABLE " + t + " VALIDATE CONSTRAINT " + ident(check) +
                ";\nALTER TABLE " + t + " ALTER COLUMN " + ident(c) + " SET NOT NULL;\nALTER TABLE " + t +
                " DROP CONSTRAINT " + ident(check) + ";";
      } else {
        h.recipe = "before PostgreSQL 12 SET NOT NULL always scans: use a validated CHECK (" + c +
                   " IS NOT NULL) constraint instead of NOT NULL";
      }
      out.push_back(std::move(h));
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_setting_not_null() { return std::make_unique<SettingNotNull>(); }
}  // namespace slipway::lint::rules
