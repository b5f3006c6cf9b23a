// The interface every migration operation implements (one operation per file under ops/):
//
//   parse     - read its section of the file strictly (Fields), in the constructor
//   validate  - check it against the live catalog as the schema will be at that point of the
//               migration (earlier operations applied); throw InputError, change nothing
//   apply     - change the virtual schema: what the new version's views show
//   start     - plan the expand actions (and contribute up/down trigger assignments)
//   complete  - plan the contract actions
//   rollback  - plan the actions that undo start
//
// Operations never execute SQL themselves: they plan actions that the applier runs.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "migration/engine/plan.hpp"
#include "migration/engine/triggers.hpp"
#include "migration/engine/virtual_schema.hpp"
#include "migration/file/fields.hpp"

namespace slipway::pg {
class Connection;
}

namespace slipway::migration {

struct MigrationContext {
  std::string schema;          // application schema (physical tables)
  std::string migration;       // migration name
  std::string version_schema;  // the new version's schema of views
  pg::Connection* conn = nullptr;  // for validation queries (read-only)
};

struct ValidationContext : MigrationContext {
  VirtualSchema* schema_now = nullptr;  // the schema as earlier operations left it
  std::string path;                      // "operations[3].alter_column", for messages
  const SourceMap* source = nullptr;

  [[noreturn]] void fail(const std::string& field, const std::string& problem,
                         const std::string& hint = {}) const;
  // Checks that `expression` compiles as a scalar over the physical table (columns by name);
  // throws InputError naming `field` with PostgreSQL's message if not.
  void check_expression(const std::string& field, const std::string& physical_table,
                        const std::string& expression, const std::string& cast_to = {}) const;
  // PostgreSQL's message when `type` is not a type it knows; nullopt when it is, or when an
  // earlier `sql` operation of this migration creates it (the catalog cannot know it yet).
  std::optional<std::string> type_problem(const std::string& type) const;
  // PostgreSQL's message when `expression` does not compile over a row of `row` (see
  // expression_error); nullopt when it does, or when it calls a function or names a type an
  // earlier `sql` operation of this migration creates.
  std::optional<std::string> expression_problem(const std::string& table_alias,
                                                const std::vector<std::pair<std::string, std::string>>& row,
                                                const std::string& expression, const std::string& cast_to = {}) const;
  // Whether `expression` (cast to `cast_to`) uses what earlier operations create.
  bool uses_created_objects(const std::string& expression, const std::string& cast_to = {}) const;
};

// Plans are made once, at `start` (before anything changes), for all three phases, and stored
// with the migration so a resumed start, complete and rollback run exactly what was planned.
struct PlanContext : MigrationContext {
  // The schema just before this operation (earlier operations of the migration applied).
  const VirtualSchema* before = nullptr;
  // The schema just after this operation.
  const VirtualSchema* after = nullptr;
  // The old and the new version of the whole migration: what the old application sees (the
  // catalog before start) and what the new version's views show. Triggers' up expressions see
  // `old_version`'s column names, down expressions `new_version`'s.
  const VirtualSchema* old_version = nullptr;
  const VirtualSchema* new_version = nullptr;
  TriggerSet* triggers = nullptr;         // start only: up/down assignments
};

class Operation {
 public:
  virtual ~Operation() = default;
  virtual std::string kind() const = 0;
  // The tables it touches (application names), for locking order, messages and `plan`.
  virtual std::vector<std::string> tables() const = 0;

  virtual void validate(ValidationContext& ctx) const = 0;
  virtual void apply(VirtualSchema& schema) const = 0;
  virtual void start(const PlanContext& ctx, Plan& plan) const = 0;
  virtual void complete(const PlanContext& ctx, Plan& plan) const = 0;
  virtual void rollback(const PlanContext& ctx, Plan& plan) const = 0;
  // True if start must backfill (the applier then needs a batch key on the table).
  virtual bool needs_backfill() const { return false; }

  // The names the file wrote as schema.name (set by the reader; checked by validation against
  // the schema the migration runs on).
  std::vector<SchemaQualifier> qualifiers;
};

// An operation kind: its name in migration files and how to read one. Each ops/<kind>.cpp
// defines one, `<kind>_type` (the name lives there and nowhere else); ops/registry.cpp lists them.
struct OperationType {
  const char* kind;
  std::unique_ptr<Operation> (*make)(Fields&);
};

// Creates the operation named `kind` from its section; throws InputError for unknown kinds.
std::unique_ptr<Operation> make_operation(const std::string& kind, Fields& fields);
// Every operation kind, for messages and docs.
std::vector<std::string> operation_kinds();

}  // namespace slipway::migration
