// concurrently-in-transaction: CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DETACH
// PARTITION CONCURRENTLY (and VACUUM) cannot run inside a transaction block: the migration fails.
#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

// A string_view: returning std::string from these literals trips a false GCC 12 -Warray-bounds.
std::string_view label(std::string_view kind) {
  if (kind == "VacuumStmt") return "VACUUM";
  if (kind == "DropdbStmt") return "DROP DATABASE";
  if (kind == "CreatedbStmt") return "CREATE DATABASE";
  if (kind == "AlterEnumStmt") return "ALTER TYPE ... ADD VALUE";
  return "this CONCURRENTLY statement";
}

class ConcurrentlyInTransaction final : public Rule {
 public:
  RuleInfo info() const override {
    return {"concurrently-in-transaction", Severity::error, "statement that cannot run in a transaction, inside one"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (!ctx.in_transaction() || s.cls.transactional) return;
    std::string why = "the file is assumed to run in a transaction";
    if (ctx.explicit_transaction()) why = "after BEGIN";
    std::string message = std::string(label(s.kind)) + " cannot run inside a transaction block (" + why + "): the migration fails";
    out.push_back({std::move(message),
                   "run it in its own migration outside a transaction (e.g. goose `-- +goose NO TRANSACTION`, "
                   "or COMMIT before it)",
                   ""});
  }
};

}  // namespace
std::unique_ptr<Rule> make_concurrently_in_transaction() { return std::make_unique<ConcurrentlyInTransaction>(); }
}  // namespace slipway::lint::rules
