// Identifier and literal quoting for SQL that cannot take bound parameters (DDL). Values in
// DML always go through bound parameters instead.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::pg {

// Always quotes: "name", with embedded quotes doubled. Never depends on case or keywords.
std::string quote_ident(std::string_view name);
// "schema"."name"
std::string qualified(std::string_view schema, std::string_view name);
// A name as migration files and flags write it: `name` or `schema.name`, either part in double
// quotes when it holds a dot or a quote (`"my.schema"."t"`, `""` for a quote inside). Parts are
// taken as written, or with `fold_unquoted` as SQL reads them (regclass input, nextval's
// argument): unquoted parts in lower case. nullopt for an empty part, a third part, or a quote
// left open.
struct QualifiedName {
  std::string schema;  // empty when not qualified
  std::string name;
};
std::optional<QualifiedName> split_qualified(std::string_view text, bool fold_unquoted = false);
// 'text' with quotes doubled (standard_conforming_strings, on since PostgreSQL 9.1).
std::string quote_literal(std::string_view value);
// $_slipway_$body$_slipway_$ for a function or DO body: the tag gets a number
// ($_slipway_1$, ...) when the body holds it, so no text inside (a user's expression with a
// dollar-quoted string) can end the body early.
std::string dollar_quote(std::string_view body);
// `name` when it fits PostgreSQL's 63-byte identifiers, else its first 54 bytes and a hash of
// the whole: stable, and distinct long names stay distinct (PostgreSQL would silently cut them).
std::string fit_identifier(std::string name);
// The name PostgreSQL gives a constraint or index it names itself: <table>_<col>..._<suffix>
// ("key", "pkey", "fkey", "check", "excl"), fitted to 63 bytes by fit_identifier.
std::string generated_constraint_name(std::string_view table, const std::vector<std::string>& columns,
                                      std::string_view suffix);
// `name` as is when PostgreSQL reads it back unchanged (lower-case letters, digits, '_', not a
// reserved keyword), else quote_ident(name): for SQL shown to people (lint's fixes).
std::string quote_ident_if_needed(std::string_view name);
// "a", "b", "c"
std::string quote_ident_list(const std::vector<std::string>& names);

}  // namespace slipway::pg
