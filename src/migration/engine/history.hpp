// The migration engine's view of the history table (state schema): records, plans and progress.
// Progress is written in the same transaction as the step it records, so a resumed phase never
// re-runs a committed step.
#pragma once
#include <nlohmann/json.hpp>
#include <pqxx/transaction>

#include <optional>
#include <string>

#include "pg/connection.hpp"

namespace slipway::migration {

class History {
 public:
  History(pg::Connection& conn, std::string state_schema, std::string app_schema);

  // Inserts (or replaces a rolled-back record of the same name with) an active migration.
  void insert_active(const std::string& name, const std::optional<std::string>& parent,
                     const nlohmann::json& document, const std::string& version_schema, const std::string& format,
                     const nlohmann::json& plans);
  void insert_baseline(const std::string& name, const nlohmann::json& document);
  nlohmann::json plans(const std::string& name);
  nlohmann::json progress(const std::string& name);
  std::string format(const std::string& name);

  void set_progress(pqxx::work& tx, const std::string& name, const nlohmann::json& progress);
  void set_progress(const std::string& name, const nlohmann::json& progress);
  // status: complete | rolled_back
  void finish(const std::string& name, const std::string& status);

  bool any_record();
  const std::string& state_schema() const { return state_schema_; }

 private:
  std::string table() const;
  pg::Connection& conn_;
  std::string state_schema_;
  std::string app_schema_;
};

}  // namespace slipway::migration
