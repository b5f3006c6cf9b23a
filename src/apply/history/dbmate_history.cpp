// dbmate (PostgreSQL driver): `schema_migrations (version varchar(128) primary key)`, a row per
// applied version, deleted on rollback.
#include "apply/history/history_sql.hpp"

namespace slipway::apply {
namespace {

class DbmateHistory final : public ToolHistory {
 public:
  explicit DbmateHistory(const HistoryOptions& o) : t_(history::table_of(o, "schema_migrations")) {}
  std::string table_name() const override { return t_.text(); }
  void ensure(pqxx::work& tx) override {
    tx.exec("CREATE TABLE IF NOT EXISTS " + t_.sql() + " (version varchar(128) primary key)");
  }
  std::set<std::string> applied(pqxx::work& tx, const MigrationSet&) override {
    std::set<std::string> out;
    for (const auto& r : tx.exec("SELECT version FROM " + t_.sql())) out.insert(r[0].as<std::string>());
    return out;
  }
  void record_applied(pqxx::work& tx, const MigrationSet&, const Script& s, std::chrono::milliseconds) override {
    tx.exec_params("INSERT INTO " + t_.sql() + " (version) VALUES ($1)", s.version);
  }
  void record_reverted(pqxx::work& tx, const MigrationSet&, const Script& s) override {
    tx.exec_params("DELETE FROM " + t_.sql() + " WHERE version = $1", s.version);
  }

 private:
  history::TableName t_;
};

}  // namespace

std::unique_ptr<ToolHistory> make_dbmate_history(const HistoryOptions& o) { return std::make_unique<DbmateHistory>(o); }

}  // namespace slipway::apply
