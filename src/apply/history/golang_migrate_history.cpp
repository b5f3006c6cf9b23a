// golang-migrate (database/postgres): `schema_migrations (version bigint not null primary key,
// dirty boolean not null)` holds one row, the current version. SetVersion empties the table and
// inserts (version, dirty) in one transaction; dirty is true while a migration runs, and
// golang-migrate refuses to run until someone forces a dirty version clean.
#include "apply/history/history_sql.hpp"

namespace slipway::apply {
namespace {

class GolangMigrateHistory final : public ToolHistory {
 public:
  explicit GolangMigrateHistory(const HistoryOptions& o) : t_(history::table_of(o, "schema_migrations")) {}
  std::string table_name() const override { return t_.text(); }
  void ensure(pqxx::work& tx) override {
    tx.exec("CREATE TABLE IF NOT EXISTS " + t_.sql() + " (version bigint not null primary key, dirty boolean not null)");
  }
  std::set<std::string> applied(pqxx::work& tx, const MigrationSet& set) override {
    auto r = tx.exec("SELECT version, dirty FROM " + t_.sql() + " LIMIT 1");
    std::set<std::string> out;
    if (r.empty()) return out;
    long long current = r[0][0].as<long long>();
    bool dirty = r[0][1].as<bool>();
    for (auto& s : set.scripts) {
      long long v = std::stoll(s.version);
      if (v < current || (v == current && !dirty)) out.insert(s.version);
    }
    return out;
  }
  std::optional<std::string> dirty_version(pqxx::work& tx) override {
    auto r = tx.exec("SELECT version FROM " + t_.sql() + " WHERE dirty LIMIT 1");
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::string>();
  }
  void record_started(pqxx::work& tx, const MigrationSet&, const Script& s, bool) override {
    set_version(tx, s.version, true);
  }
  void record_applied(pqxx::work& tx, const MigrationSet&, const Script& s, std::chrono::milliseconds) override {
    set_version(tx, s.version, false);
  }
  void record_reverted(pqxx::work& tx, const MigrationSet& set, const Script& s) override {
    // The version before it, or none (golang-migrate's NilVersion: an empty table).
    const Script* previous = nullptr;
    for (auto& other : set.scripts) {
      if (&other == &s || other.version == s.version) break;
      previous = &other;
    }
    if (previous) set_version(tx, previous->version, false);
    else tx.exec("TRUNCATE " + t_.sql());
  }

 private:
  void set_version(pqxx::work& tx, const std::string& version, bool dirty) {
    tx.exec("TRUNCATE " + t_.sql());
    tx.exec_params("INSERT INTO " + t_.sql() + " (version, dirty) VALUES ($1::bigint, $2)", version, dirty);
  }
  history::TableName t_;
};

}  // namespace

std::unique_ptr<ToolHistory> make_golang_migrate_history(const HistoryOptions& o) {
  return std::make_unique<GolangMigrateHistory>(o);
}

}  // namespace slipway::apply
