// Plain SQL files have no tool of their own: slipway keeps their history in its state schema
// (<state>.apply_history, DDL in state/schema.cpp), one row per file with a checksum of its text.
#include <fmt/format.h>

#include "apply/history/history_sql.hpp"
#include "util/stable_hash.hpp"

namespace slipway::apply {
namespace {

class PlainHistory final : public ToolHistory {
 public:
  explicit PlainHistory(const HistoryOptions& o) : table_(pg::qualified(o.state_schema, "apply_history")),
                                                    text_(o.state_schema + ".apply_history") {}
  std::string table_name() const override { return text_; }
  void ensure(pqxx::work&) override {}  // created with the state schema
  std::set<std::string> applied(pqxx::work& tx, const MigrationSet&) override {
    std::set<std::string> out;
    for (const auto& r : tx.exec("SELECT version FROM " + table_)) out.insert(r[0].as<std::string>());
    return out;
  }
  void record_applied(pqxx::work& tx, const MigrationSet&, const Script& s, std::chrono::milliseconds took) override {
    tx.exec_params("INSERT INTO " + table_ + " (version, description, file, checksum, execution_ms) "
                   "VALUES ($1, $2, $3, $4, $5)",
                   s.version, s.description, s.up.file.string(), fmt::format("{:08x}", stable_hash(s.up.sql)),
                   static_cast<long long>(took.count()));
  }
  void record_reverted(pqxx::work& tx, const MigrationSet&, const Script& s) override {
    tx.exec_params("DELETE FROM " + table_ + " WHERE version = $1", s.version);
  }

 private:
  std::string table_, text_;
};

}  // namespace

std::unique_ptr<ToolHistory> make_plain_history(const HistoryOptions& o) { return std::make_unique<PlainHistory>(o); }

}  // namespace slipway::apply
