#include "lint/sql_objects.hpp"

#include <fmt/format.h>

#include "lint/ast.hpp"
#include "lint/parser.hpp"

namespace slipway::lint {
namespace {

std::string last_name(const Json& names) {
  auto parts = ast::strings(names);
  return parts.empty() ? std::string() : parts.back();
}

// Calls f(kind, body) for every node of every statement of `sql` that parses.
template <typename F>
void walk_sql(std::string_view sql, F&& f) {
  ParseOutput out = parse_sql(sql);
  for (const auto& st : out.statements)
    if (st.tree) ast::walk(*st.tree, f);
}

}  // namespace

bool ObjectNames::meets(const ObjectNames& other) const {
  for (const auto& t : other.types)
    if (types.count(t)) return true;
  for (const auto& f : other.functions)
    if (functions.count(f)) return true;
  return false;
}

void ObjectNames::add(const ObjectNames& other) {
  types.insert(other.types.begin(), other.types.end());
  functions.insert(other.functions.begin(), other.functions.end());
}

ObjectNames created_by(std::string_view statements) {
  ObjectNames out;
  walk_sql(statements, [&](std::string_view kind, const Json& body) {
    if (kind == "CreateEnumStmt" || kind == "CreateRangeStmt") out.types.insert(last_name(ast::list(body, "typeName")));
    else if (kind == "CompositeTypeStmt") out.types.insert(ast::str(*ast::get(body, "typevar"), "relname"));
    else if (kind == "CreateDomainStmt") out.types.insert(last_name(ast::list(body, "domainname")));
    else if (kind == "DefineStmt" && ast::str(body, "kind") == "OBJECT_TYPE") out.types.insert(last_name(ast::list(body, "defnames")));
    else if (kind == "CreateFunctionStmt") out.functions.insert(last_name(ast::list(body, "funcname")));
  });
  out.types.erase("");
  out.functions.erase("");
  return out;
}

ObjectNames used_by_expression(std::string_view expression) {
  ObjectNames out;
  walk_sql(fmt::format("SELECT ({})", expression), [&](std::string_view kind, const Json& body) {
    if (kind == "FuncCall") out.functions.insert(last_name(ast::list(body, "funcname")));
    else if (const Json* type = kind == "TypeCast" ? ast::get(body, "typeName") : nullptr)
      out.types.insert(last_name(ast::list(*type, "names")));
  });
  return out;
}

std::string type_base_name(std::string_view type) {
  std::string name;
  walk_sql(fmt::format("SELECT NULL::{}", type), [&](std::string_view kind, const Json& body) {
    if (const Json* t = kind == "TypeCast" && name.empty() ? ast::get(body, "typeName") : nullptr)
      name = last_name(ast::list(*t, "names"));
  });
  return name;
}

}  // namespace slipway::lint
