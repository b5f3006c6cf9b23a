// writing-system-catalogs: INSERT / UPDATE / DELETE on a system catalog (`UPDATE pg_index SET
// indisvalid = ...`, `UPDATE pg_attribute ...`) bypasses everything the equivalent DDL does:
// it takes no lock on the table the rows describe (running queries see the change mid-flight),
// checks no dependency, needs superuser, and is not what pg_dump will reproduce.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class WritingSystemCatalogs final : public Rule {
 public:
  RuleInfo info() const override {
    return {"writing-system-catalogs", Severity::warning, "INSERT, UPDATE or DELETE on a system catalog"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (s.kind != "UpdateStmt" && s.kind != "DeleteStmt" && s.kind != "InsertStmt") return;
    auto* rv = get(s.body, "relation");
    if (!ctx.is_system_catalog(rv)) return;
    std::string name = str(*rv, "relname");
    out.push_back({"writes the system catalog " + name +
                       " directly: no lock on the table the rows describe (running queries see the change "
                       "mid-flight), no dependency checks, superuser only, and not reproduced by pg_dump",
                   "use the DDL that makes this change (ALTER TABLE / ALTER INDEX / REINDEX CONCURRENTLY ...), "
                   "under lock_timeout",
                   ""});
  }
};

}  // namespace
std::unique_ptr<Rule> make_writing_system_catalogs() { return std::make_unique<WritingSystemCatalogs>(); }
}  // namespace slipway::lint::rules
