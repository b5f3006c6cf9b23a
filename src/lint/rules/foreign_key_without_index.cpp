// foreign-key-without-index: without an index on the referencing columns, every DELETE or key
// UPDATE on the referenced table scans the referencing table (and ON DELETE CASCADE does so
// while holding locks). Checked at the end of the file, so an index created later in the same
// migration (or earlier in the run) counts.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

class ForeignKeyWithoutIndex final : public Rule {
 public:
  RuleInfo info() const override {
    return {"foreign-key-without-index", Severity::warning, "foreign key whose referencing columns have no index"};
  }
  void check(const Statement&, const Context&, std::vector<Hit>&) const override {}
  void finish(const Context& ctx, std::vector<Hit>& out) const override {
    for (auto& fk : ctx.foreign_keys()) {
      if (ctx.schema().has_index_on(fk.table, fk.columns)) continue;
      std::string cols;
      for (auto& c : fk.columns) cols += (cols.empty() ? "" : ", ") + ident(c);
      Hit h;
      h.message = "no index on " + fk.table + " (" + join(fk.columns, ", ") + ") was seen for the foreign key to " +
                  fk.referenced + ": deletes and key updates on " + fk.referenced + " scan " + fk.table;
      h.recipe = "index the referencing columns (CONCURRENTLY on an existing table); ignore this if such an "
                 "index already exists";
      std::string name = fk.table + "_" + join(fk.columns, "_") + "_idx";
      h.fix = std::string("CREATE INDEX ") + (ctx.is_new(fk.table) ? "" : "CONCURRENTLY ") + ident(name) + " ON " +
              ident(fk.table) + " (" + cols + ");";
      h.span = fk.statement;
      h.at = fk.at;
      out.push_back(std::move(h));
    }
  }
};

}  // namespace
std::unique_ptr<Rule> make_foreign_key_without_index() { return std::make_unique<ForeignKeyWithoutIndex>(); }
}  // namespace slipway::lint::rules
