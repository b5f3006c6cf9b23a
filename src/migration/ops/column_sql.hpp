// SQL helpers shared by the column-changing operations (add_column, alter_column, drop_column,
// create_constraint, drop_constraint, drop_multicolumn_constraint): rewriting column references
// in expressions, volatility of defaults, names of slipway's helper objects, compile checks.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace slipway::pg {
class Connection;
}

namespace slipway::migration {

// `expression` with every reference to a column in `renames` (by its exact name, bare or
// quoted) replaced by the quoted new name. Uses PostgreSQL's own parser (libpg_query), so
// string literals, function names and other tables' columns are left alone. Throws InputError
// if the expression does not parse.
std::string rename_columns_in_expression(const std::string& expression,
                                         const std::map<std::string, std::string>& renames);

// True if the default expression calls a volatile function (random(), nextval(),
// clock_timestamp(), ...). Such a default in ADD COLUMN rewrites the table under ACCESS
// EXCLUSIVE; non-volatile ones are catalog-only since PostgreSQL 11. Conservative: if any
// overload of a called function is volatile, the answer is true.
bool expression_is_volatile(pg::Connection& conn, const std::string& expression);

// The columns that `"col" = (expr)` assignments read, or nullopt when the text cannot tell: a
// subquery, a qualified or whole-row reference, a name that is not one of `table_columns`, or a
// volatile function (its result can change while no column does). Uses libpg_query.
std::optional<std::set<std::string>> columns_read_by_assignments(pg::Connection& conn,
                                                                 const std::vector<std::string>& assignments,
                                                                 const std::set<std::string>& table_columns);

// Every name an expression uses as a column or variable (each field of its column references,
// subqueries included), or nullopt when it does not parse or has a `*` reference. For
// declaring only the trigger variables an expression can read.
std::optional<std::set<std::string>> names_referenced(const std::string& expression);

// A name for a slipway helper object: "<prefix><name>", cut to PostgreSQL's 63 bytes with a
// short hash of the full name so distinct long names stay distinct.
std::string helper_name(const std::string& prefix, const std::string& name);
// The NOT NULL helper check on a temporary column: _slipway_nn_<column>.
std::string not_null_check_name(const std::string& physical_column);
// A copy of an existing constraint or index carried onto duplicated columns: _slipway_dup_<name>.
std::string duplicate_name(const std::string& name);

// A column of a row the expression is checked against: (name, type).
using TypedColumn = std::pair<std::string, std::string>;
// PostgreSQL's error message if `expression` does not compile over a row with `columns`,
// visible under `table_alias` (so `table.col` works too); nullopt if it compiles. With
// `cast_to`, the value must also be castable to that type. Never evaluates the expression.
std::optional<std::string> expression_error(pg::Connection& conn, const std::string& table_alias,
                                            const std::vector<TypedColumn>& columns,
                                            const std::string& expression,
                                            const std::string& cast_to = {});
// PostgreSQL's error message if `type` is not a type name it knows; nullopt if it is.
std::optional<std::string> type_error(pg::Connection& conn, const std::string& type);

// ON DELETE / ON UPDATE action in canonical spelling ("CASCADE", "SET NULL", ...), or nullopt if
// it is not one PostgreSQL accepts.
std::optional<std::string> referential_action_keyword(const std::string& value);

}  // namespace slipway::migration
