// The simplest history: one row per applied version, inserted on up and deleted on down. dbmate
// (`schema_migrations (version varchar(128) primary key)`, its PostgreSQL driver) and diesel
// (`__diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT
// NULL DEFAULT CURRENT_TIMESTAMP)`, diesel_migrations) keep theirs so; only the table differs.
#include "apply/history/history_sql.hpp"

namespace slipway::apply {
namespace {

class VersionRowsHistory final : public ToolHistory {
 public:
  VersionRowsHistory(history::TableName table, std::string columns) : t_(std::move(table)), columns_(std::move(columns)) {}
  std::string table_name() const override { return t_.text(); }
  void ensure(pqxx::work& tx) override { tx.exec("CREATE TABLE IF NOT EXISTS " + t_.sql() + " (" + columns_ + ")"); }
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
  std::string columns_;
};

}  // namespace

std::unique_ptr<ToolHistory> make_dbmate_history(const HistoryOptions& o) {
  return std::make_unique<VersionRowsHistory>(history::table_of(o, "schema_migrations"),
                                              "version varchar(128) primary key");
}

std::unique_ptr<ToolHistory> make_diesel_history(const HistoryOptions& o) {
  return std::make_unique<VersionRowsHistory>(
      history::table_of(o, "__diesel_schema_migrations"),
      "version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP");
}

}  // namespace slipway::apply
