// The one gate for user text that slipway puts into SQL it builds: an expression (`--where`, a
// migration's `up`/`down`, `default`, `check`, `predicate`, a generated column), a type name, a
// `--set` assignment list, a throttle query, `--alter`'s ALTER TABLE actions. Each is parsed
// with PostgreSQL's grammar (lint's parser) inside the statement it will be part of, and
// accepted only when it is exactly that shape: never text that closes a parenthesis, ends the
// statement, starts another or comments out what slipway writes after it.
//
// Pure functions of the text (no database), for the callers' InputError and for fuzzing.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "lint/parser.hpp"

namespace slipway::lint {

// What is wrong with a piece of user text, and what to do instead.
struct UserTextProblem {
  std::string what;
  std::string hint;
};

// One scalar SQL expression (a bare `SELECT ...` is read as a scalar subquery, as slipway
// parenthesises expressions).
std::optional<UserTextProblem> expression_problem(std::string_view expression);
// One type name as a column definition takes it: `bigint`, `varchar(20)`, `numeric(10,2)[]`.
std::optional<UserTextProblem> type_problem(std::string_view type);
// `col = expr[, col2 = expr ...]`: the SET list of one UPDATE and nothing else (no FROM,
// WHERE, RETURNING).
std::optional<UserTextProblem> assignments_problem(std::string_view assignments);
// One read-only query (a SELECT or VALUES; no data-modifying WITH, no SELECT INTO, no FOR
// UPDATE), as a throttle or lag check runs it.
std::optional<UserTextProblem> query_problem(std::string_view query);
// The subcommands of one `ALTER TABLE "schema"."table" <alter>` for that table, without what
// an online rewrite refuses (USING, RENAME, OWNER TO, SET SCHEMA).
std::optional<UserTextProblem> alter_table_problem(std::string_view schema, std::string_view table,
                                               std::string_view alter);

// SQL statements the user wrote to run as they are (a `sql` operation's `up` and `down`): at
// least one statement, each one PostgreSQL's grammar accepts.
std::optional<UserTextProblem> statements_problem(std::string_view statements);
// `name = value[, ...]`: the storage parameters of `WITH (...)` of an index or a constraint's
// index, e.g. `fillfactor = 70, deduplicate_items = off`.
std::optional<UserTextProblem> storage_parameters_problem(std::string_view parameters);
// An operator class after an index column: `text_pattern_ops`, `public.my_ops (siglen = 32)`.
std::optional<UserTextProblem> opclass_problem(std::string_view opclass);
// The elements of `EXCLUDE USING method (...)`: `room WITH =, during WITH &&`.
std::optional<UserTextProblem> exclusion_elements_problem(std::string_view elements);
// The sequence options of `GENERATED ... AS IDENTITY (...)`: `START WITH 10 INCREMENT BY 2`.
std::optional<UserTextProblem> sequence_options_problem(std::string_view options);

// The expression check with the position of a syntax error (offset relative to `expression`),
// for lint findings; a shape problem is reported at offset 0.
std::optional<SyntaxError> check_expression(std::string_view expression);

}  // namespace slipway::lint
