// What the linter knows while walking a file: the transaction state, timeouts set so far,
// objects created earlier in the file (not hazards), locks held in the open transaction, and
// the schema facts (column types, indexes) gathered across the whole run.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "lint/finding.hpp"
#include "lint/model.hpp"
#include "lint/types.hpp"

namespace slipway::lint {

struct Statement;

// Unqualified name, the key for "same table" (schemas are rarely mixed within a migration).
std::string table_key(const std::string& relation);
// The name PostgreSQL gives an unnamed CHECK of `table`: <table>_<col>_check when the expression
// uses one column, <table>_check otherwise.
std::string default_check_name(const std::string& table, const Json& expr);

// Schema knowledge accumulated over every file of a run, in order.
// A CHECK constraint that implies `column IS NOT NULL` (SET NOT NULL uses a valid one instead
// of scanning, PostgreSQL 12+).
struct NotNullCheck {
  std::string name;
  std::string column;
  bool valid = false;
};

struct SchemaFacts {
  std::unordered_map<std::string, std::map<std::string, ColumnType>> columns;  // table -> col -> type
  std::unordered_map<std::string, std::vector<std::vector<std::string>>> indexes;  // table -> column lists
  std::unordered_map<std::string, std::vector<NotNullCheck>> not_null_checks;    // table -> checks
  std::set<std::string> created;  // tables whose CREATE TABLE the run has seen (their keys are known)
  std::set<std::string> partitioned;  // CREATE TABLE ... PARTITION BY seen in the run

  void add_index(const std::string& table, std::vector<std::string> cols) { indexes[table].push_back(std::move(cols)); }

  const ColumnType* column(const std::string& table, const std::string& col) const;
  bool has_index_on(const std::string& table, const std::vector<std::string>& cols) const;
  bool has_valid_not_null_check(const std::string& table, const std::string& col) const;
};

struct HeldLock {
  std::string relation;
  LockMode mode;
  Position since;
};

struct NotValidConstraint {
  std::string table;
  std::string name;
  Position at;
};

struct ForeignKeyAdded {
  std::string table;
  std::vector<std::string> columns;
  std::string referenced;
  Span statement;
  Position at;
};

struct LintOptions {
  int pg_version = 15;
  bool assume_in_transaction = false;
  std::string assume_timezone;  // the session's TimeZone before the file sets one ("" = unknown)
};

class Context {
 public:
  Context(const LintOptions& options, SchemaFacts& schema);

  int pg_version() const { return options_.pg_version; }
  bool in_transaction() const { return in_transaction_; }
  bool explicit_transaction() const { return explicit_transaction_; }
  bool lock_timeout_set() const { return lock_timeout_set_; }
  bool statement_timeout_set() const { return statement_timeout_set_; }
  // What the session's settings so far change in the rules' verdicts (TimeZone).
  SessionFacts session() const;
  // Created earlier in this file: no one else can be using it yet.
  bool is_new(const std::string& relation) const;
  // Created earlier in this file and not filled from an existing table since: it has no rows
  // worth scanning.
  bool is_new_and_empty(const std::string& relation) const {
    return is_new(relation) && !populated_.count(table_key(relation));
  }
  // Emptied earlier in this file (TRUNCATE, DELETE without WHERE) and not written since.
  bool is_emptied(const std::string& relation) const { return emptied_.count(table_key(relation)) > 0; }
  // A system catalog (pg_catalog.*, or pg_* that this run did not create).
  bool is_system_catalog(const Json* rangevar) const;
  // A function, type, domain or sequence created earlier in this file (unqualified name).
  bool is_new_object(const std::string& name) const { return new_objects_.count(table_key(name)) > 0; }
  // What a statement the parser could not read creates, recovered from its first words.
  void observe_unparsed_create(const std::string& relation) { new_relations_.insert(table_key(relation)); }
  const SchemaFacts& schema() const { return schema_; }
  const std::vector<HeldLock>& held_locks() const { return held_; }
  const std::vector<NotValidConstraint>& not_valid_in_transaction() const { return not_valid_; }
  const std::vector<ForeignKeyAdded>& foreign_keys() const { return foreign_keys_; }

  // Per-file memory for rules that report once per file.
  bool first_time(const std::string& key) const { return once_.insert(key).second; }

  // The file is known to run outside a transaction (goose NO TRANSACTION, .autocommit.).
  void force_autocommit() { in_transaction_ = false; autocommit_ = true; }

  // Updates the state after `s` ran.
  void observe(const Statement& s);

 private:
  void observe_create(const Json& body, const Statement& s);
  void observe_alter(const Json& body, const Statement& s);
  void observe_set(const Json& body);
  void observe_new_object(const Statement& s);
  void observe_not_null_check(const std::string& table, const Json& con);
  void add_foreign_key(const std::string& table, std::vector<std::string> cols, const Json& con,
                       const Statement& s);

  LintOptions options_;
  SchemaFacts& schema_;
  bool in_transaction_;
  bool explicit_transaction_ = false;
  bool autocommit_ = false;
  bool lock_timeout_set_ = false;
  bool statement_timeout_set_ = false;
  bool utc_session_ = false;           // SET timezone (or the assumed one)
  std::optional<bool> utc_transaction_;  // SET LOCAL timezone, until the transaction ends
  std::set<std::string> new_relations_;
  std::set<std::string> new_objects_;
  std::set<std::string> populated_;  // new relations filled from existing tables (INSERT ... SELECT)
  std::set<std::string> emptied_;    // TRUNCATE / DELETE without WHERE, until the next INSERT
  std::vector<HeldLock> held_;
  std::vector<NotValidConstraint> not_valid_;
  std::vector<ForeignKeyAdded> foreign_keys_;
  mutable std::set<std::string> once_;
};

}  // namespace slipway::lint
