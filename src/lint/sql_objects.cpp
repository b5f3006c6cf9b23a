#include "lint/sql_objects.hpp"

#include <fmt/format.h>

#include "lint/ast.hpp"
#include "lint/parser.hpp"
#include "pg/quote.hpp"

namespace slipway::lint {
namespace {

std::string last_name(const Json& names) {
  auto parts = ast::strings(names);
  return parts.empty() ? std::string() : parts.back();
}

// The relation named in a string, as regclass input reads it ("" when it names none).
std::string regclass_name(std::string_view text) {
  auto name = pg::split_qualified(text, /*fold_unquoted=*/true);
  return name ? name->name : std::string();
}

// The string of an A_Const node holding one ("" otherwise).
std::string string_constant(const Json& node) {
  const Json* c = ast::as(node, "A_Const");
  const Json* s = c ? ast::get(*c, "sval") : nullptr;
  return s ? ast::str(*s, "sval") : std::string();
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
  for (const auto& r : other.relations)
    if (relations.count(r)) return true;
  return false;
}

void ObjectNames::add(const ObjectNames& other) {
  types.insert(other.types.begin(), other.types.end());
  functions.insert(other.functions.begin(), other.functions.end());
  relations.insert(other.relations.begin(), other.relations.end());
}

ObjectNames created_by(std::string_view statements) {
  ObjectNames out;
  walk_sql(statements, [&](std::string_view kind, const Json& body) {
    if (kind == "CreateEnumStmt" || kind == "CreateRangeStmt") out.types.insert(last_name(ast::list(body, "typeName")));
    else if (kind == "CompositeTypeStmt") out.types.insert(ast::str(*ast::get(body, "typevar"), "relname"));
    else if (kind == "CreateDomainStmt") out.types.insert(last_name(ast::list(body, "domainname")));
    else if (kind == "DefineStmt" && ast::str(body, "kind") == "OBJECT_TYPE") out.types.insert(last_name(ast::list(body, "defnames")));
    else if (kind == "CreateFunctionStmt") out.functions.insert(last_name(ast::list(body, "funcname")));
    else if (kind == "CreateStmt") out.relations.insert(ast::str(*ast::get(body, "relation"), "relname"));
    else if (kind == "CreateSeqStmt") out.relations.insert(ast::str(*ast::get(body, "sequence"), "relname"));
    else if (kind == "ViewStmt") out.relations.insert(ast::str(*ast::get(body, "view"), "relname"));
    else if (kind == "CreateTableAsStmt") {
      if (const Json* into = ast::get(body, "into"); into && ast::get(*into, "rel"))
        out.relations.insert(ast::str(*ast::get(*into, "rel"), "relname"));
    }
  });
  out.types.erase("");
  out.functions.erase("");
  out.relations.erase("");
  return out;
}

ObjectNames used_by_expression(std::string_view expression) {
  ObjectNames out;
  walk_sql(fmt::format("SELECT ({})", expression), [&](std::string_view kind, const Json& body) {
    if (kind == "FuncCall") {
      std::string fn = last_name(ast::list(body, "funcname"));
      out.functions.insert(fn);
      const Json& args = ast::list(body, "args");
      if ((fn == "nextval" || fn == "currval" || fn == "setval") && !args.empty())
        if (auto s = string_constant(args[0]); !s.empty()) out.relations.insert(regclass_name(s));
    } else if (kind == "RangeVar") {
      out.relations.insert(ast::str(body, "relname"));
    } else if (const Json* type = kind == "TypeCast" ? ast::get(body, "typeName") : nullptr) {
      std::string t = last_name(ast::list(*type, "names"));
      out.types.insert(t);
      if (const Json* arg = t == "regclass" ? ast::get(body, "arg") : nullptr)
        if (auto s = string_constant(*arg); !s.empty()) out.relations.insert(regclass_name(s));
    }
  });
  out.relations.erase("");
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
