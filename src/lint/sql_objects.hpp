// Names of database objects in SQL text, read from the parse tree: the types and functions a
// script creates, and the ones an expression or a type name uses. Migration validation reads
// them so a column of a type (or an `up` calling a function) created by an earlier `sql`
// operation of the same migration is not refused because the catalog does not hold it yet.
//
// Names are as PostgreSQL folds them (unquoted identifiers lowercased by the parser), without
// their schema: "color" for `CREATE TYPE public.color ...` and for `'red'::Color`.
#pragma once
#include <set>
#include <string>
#include <string_view>

namespace slipway::lint {

struct ObjectNames {
  std::set<std::string> types;      // enum, composite, range, shell types and domains
  std::set<std::string> functions;  // functions and procedures
  std::set<std::string> relations;  // tables, views, materialized views, sequences
  bool empty() const { return types.empty() && functions.empty() && relations.empty(); }
  bool meets(const ObjectNames& other) const;  // a name in common
  void add(const ObjectNames& other);
};

// What `statements` create (CREATE TYPE / DOMAIN / FUNCTION / PROCEDURE / TABLE / VIEW /
// SEQUENCE); nothing for text that does not parse.
ObjectNames created_by(std::string_view statements);
// The functions an expression calls, the types it casts to and the relations it reads (in a
// subquery, or by name in a string: nextval('seq'), 'seq'::regclass); nothing when it does not
// parse.
ObjectNames used_by_expression(std::string_view expression);
// The type a type name names: "color" for `public.color[]`; empty when it does not parse.
std::string type_base_name(std::string_view type);

}  // namespace slipway::lint
