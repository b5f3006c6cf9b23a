// Safe rewrites: one statement of a migration in, the steps that do the same change without
// blocking the application out (statement for statement what `slipway apply` runs and what
// `slipway lint --fix` prints). Each hazard's rewrite lives in one file of this folder; the
// lock each step takes comes from the lint model (the same classification the rules report).
//
//   CREATE INDEX                    -> CREATE INDEX CONCURRENTLY (outside a transaction)
//   DROP INDEX, REINDEX             -> ... CONCURRENTLY
//   ADD FOREIGN KEY / CHECK         -> ADD ... NOT VALID; VALIDATE CONSTRAINT (own transaction)
//   SET NOT NULL                    -> CHECK (c IS NOT NULL) NOT VALID; VALIDATE; SET NOT NULL; DROP the check
//   ADD UNIQUE / PRIMARY KEY        -> CREATE UNIQUE INDEX CONCURRENTLY; ADD CONSTRAINT ... USING INDEX
//   ADD COLUMN DEFAULT <volatile>   -> ADD COLUMN; SET DEFAULT; batched backfill (+ the NOT NULL recipe)
//   whole-table UPDATE              -> batched backfill
//   ALTER COLUMN TYPE (rewriting)   -> the online table rewrite
// Objects created earlier in the same file are left alone: nobody uses them yet.
#pragma once
#include <string>
#include <vector>

#include "lint/context.hpp"
#include "lint/model.hpp"
#include "lint/rule.hpp"

namespace slipway::lint {

enum class StepKind {
  sql,             // run `sql` (in a transaction when `transactional`)
  create_index,    // CREATE [UNIQUE] INDEX CONCURRENTLY: an invalid leftover of `index` is dropped first
  drop_index,      // DROP INDEX CONCURRENTLY of `index`: done when the index is gone
  backfill,        // UPDATE `table` SET `assignments` [WHERE `where`] in keyset batches
  online_rewrite,  // ALTER TABLE `table` `alter` through a shadow table
};

struct SafeStep {
  StepKind kind = StepKind::sql;
  std::string sql;             // what runs (backfill, online_rewrite: the equivalent SQL, shown)
  bool transactional = true;   // false: cannot run inside a transaction block
  bool own_transaction = false;  // true: must not share a transaction with the steps around it
  LockMode lock = LockMode::none;  // the strongest lock it takes (backfill: per batch)
  std::string relation;        // on which relation
  std::string table;           // backfill / online_rewrite / create_index: the table, as written
  std::string index;           // create_index / drop_index: the index name (unquoted, as PostgreSQL stores it)
  std::string assignments;     // backfill: the SET list
  std::string where;           // backfill: the condition ("" = every row)
  std::string alter;           // online_rewrite: the ALTER TABLE actions
};

struct SafePlan {
  std::vector<SafeStep> steps;  // as written: one sql step with the statement
  std::string rewrite;          // "" = as written; else what was done ("CREATE INDEX -> CONCURRENTLY")
  std::string warning;          // a hazard left as written (no safe form, or not one slipway knows)
  bool rewritten() const { return !rewrite.empty(); }
};

// The safe form of `s` given what the file did before it. Never fails: what it cannot rewrite
// comes back as written, with `warning` set when it is a hazard.
SafePlan plan_safe(const Statement& s, const Context& ctx);

// The steps' SQL as a script a migration tool can run, statement for statement, with a comment
// before each step that must run outside a transaction or in its own ("-- slipway: ...").
std::string plan_as_sql(const std::vector<SafePlan>& plans);

}  // namespace slipway::lint
