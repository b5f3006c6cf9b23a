// flyway (PostgreSQL): `flyway_schema_history` as flyway's createMetaDataTable.sql makes it,
// one row per run script (installed_rank increasing): versioned scripts as type 'SQL', undo
// scripts (U) as 'UNDO_SQL'. `checksum` is flyway's: CRC32 over the script's lines without
// their line terminators (a leading BOM dropped), as a signed 32-bit integer — what `flyway
// validate` compares against the files.
#include <zlib.h>

#include "apply/history/history_sql.hpp"

namespace slipway::apply {

int flyway_checksum(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  uLong crc = crc32(0L, Z_NULL, 0);
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find_first_of("\r\n", at);
    std::string_view line = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(line.data()), static_cast<uInt>(line.size()));
    if (end == std::string_view::npos) break;
    at = end + (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1);
  }
  return static_cast<int>(static_cast<uint32_t>(crc));
}

namespace {

class FlywayHistory final : public ToolHistory {
 public:
  explicit FlywayHistory(const HistoryOptions& o)
      : t_(history::table_of(o, "flyway_schema_history")), installed_by_(o.installed_by) {}
  std::string table_name() const override { return t_.text(); }
  void ensure(pqxx::work& tx) override {
    auto exists = tx.exec_params("SELECT to_regclass($1) IS NOT NULL", t_.sql());
    if (exists[0][0].as<bool>()) return;
    std::string pk = pg::quote_ident(t_.name + "_pk"), idx = pg::quote_ident(t_.name + "_s_idx");
    tx.exec("CREATE TABLE " + t_.sql() +
            " (installed_rank INT NOT NULL, version VARCHAR(50), description VARCHAR(200) NOT NULL, "
            "type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INTEGER, "
            "installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(), "
            "execution_time INTEGER NOT NULL, success BOOLEAN NOT NULL)");
    tx.exec("ALTER TABLE " + t_.sql() + " ADD CONSTRAINT " + pk + " PRIMARY KEY (installed_rank)");
    tx.exec("CREATE INDEX " + idx + " ON " + t_.sql() + " (success)");
  }
  std::set<std::string> applied(pqxx::work& tx, const MigrationSet&) override {
    // The latest successful row of each version decides: SQL applied, UNDO_SQL undone.
    std::set<std::string> out;
    for (const auto& r : tx.exec("SELECT DISTINCT ON (version) version, type FROM " + t_.sql() +
                                 " WHERE success AND version IS NOT NULL AND type IN ('SQL', 'UNDO_SQL') "
                                 "ORDER BY version, installed_rank DESC"))
      if (r[1].as<std::string>() == "SQL") out.insert(r[0].as<std::string>());
    return out;
  }
  void record_applied(pqxx::work& tx, const MigrationSet& set, const Script& s, std::chrono::milliseconds took) override {
    insert(tx, set, s, s.up, "SQL", took);
  }
  void record_reverted(pqxx::work& tx, const MigrationSet& set, const Script& s) override {
    insert(tx, set, s, s.down, "UNDO_SQL", std::chrono::milliseconds(0));
  }

 private:
  void insert(pqxx::work& tx, const MigrationSet& set, const Script& s, const Section& section, const char* type,
              std::chrono::milliseconds took) {
    std::string script = std::filesystem::relative(section.file, set.root).generic_string();
    tx.exec("LOCK TABLE " + t_.sql() + " IN EXCLUSIVE MODE");  // installed_rank: one writer at a time
    tx.exec_params("INSERT INTO " + t_.sql() +
                       " (installed_rank, version, description, type, script, checksum, installed_by, "
                       "execution_time, success) "
                       "SELECT coalesce(max(installed_rank), 0) + 1, $1, $2, $3, $4, $5, "
                       "coalesce(nullif($6, ''), current_user), $7, true FROM " + t_.sql(),
                   s.version, s.description, std::string(type), script, flyway_checksum(section.sql), installed_by_,
                   static_cast<int>(took.count()));
  }
  history::TableName t_;
  std::string installed_by_;
};

}  // namespace

std::unique_ptr<ToolHistory> make_flyway_history(const HistoryOptions& o) { return std::make_unique<FlywayHistory>(o); }

}  // namespace slipway::apply
