// The rewriters behind plan_safe (lint/safe/plan.hpp), one per family of hazards. Each returns
// nullopt when the statement is not its business; a plan with `warning` set when it is but
// cannot be made safe. Internal to lint/safe/.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lint/safe/plan.hpp"

namespace slipway::lint::safe {

std::optional<SafePlan> rewrite_index_statement(const Statement& s, const Context& ctx);  // CREATE/DROP INDEX, REINDEX
std::optional<SafePlan> rewrite_constraint(const Statement& s, const Context& ctx);  // FK, CHECK, NOT NULL, UNIQUE, PK
std::optional<SafePlan> rewrite_data_change(const Statement& s, const Context& ctx);  // volatile default, UPDATE, TYPE

// Shared pieces.
SafeStep sql_step(std::string sql, bool own_transaction = false);
SafeStep outside_transaction(std::string sql);
// The SET NOT NULL recipe for one column of `table` (qualified text as written): CHECK NOT VALID,
// VALIDATE in its own transaction, SET NOT NULL and DROP the check together.
std::vector<SafeStep> not_null_steps(const std::string& table, const std::string& column);
// `text` with `word` after the first whole-word `keyword` ("" when it has none); no ';'.
std::string with_word_after(std::string_view text, std::string_view keyword, std::string_view word);
SafePlan as_written_with_warning(const Statement& s, std::string warning);
// A rewrite into one step.
SafePlan one_step_plan(std::string rewrite, SafeStep step);

}  // namespace slipway::lint::safe
