// ban-drop-cascade: DROP ... CASCADE also drops whatever depends on the object, on tables the
// statement never names: a function takes its triggers with it, a type or domain the columns of
// that type (and their data), a sequence the defaults that call it, a table the foreign keys and
// views of others. Each of those tables gets ACCESS EXCLUSIVE, and which ones they are depends
// on the live schema, not on the migration.
#include <algorithm>

#include "lint/rules/common.hpp"

namespace slipway::lint::rules {
namespace {

// Unqualified names of a DROP's objects (tables, functions, types, schemas, ...).
std::vector<std::string> dropped_names(const Json& body) {
  std::vector<std::string> out;
  for (auto& o : list(body, "objects")) {
    std::vector<std::string> parts;
    if (auto* l = as(o, "List")) parts = strings(list(*l, "items"));
    else if (auto* f = as(o, "ObjectWithArgs")) parts = strings(list(*f, "objname"));
    else if (auto* t = as(o, "TypeName")) parts = strings(list(*t, "names"));
    else if (auto* sv = as(o, "String")) parts = {str(*sv, "sval")};
    if (!parts.empty()) out.push_back(parts.back());
  }
  return out;
}

std::string what_cascades(const std::string& type) {
  if (type == "OBJECT_FUNCTION" || type == "OBJECT_PROCEDURE" || type == "OBJECT_ROUTINE")
    return "every trigger that calls it, and the defaults, constraints and views that use it";
  if (type == "OBJECT_TYPE" || type == "OBJECT_DOMAIN")
    return "every column of that type (with its data), and the functions and views that use it";
  if (type == "OBJECT_SEQUENCE") return "the column defaults that call nextval() on it";
  if (type == "OBJECT_TABLE" || type == "OBJECT_FOREIGN_TABLE")
    return "the foreign keys of other tables that reference it, and the views over it";
  if (type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW") return "the views and functions built on it";
  if (type == "OBJECT_SCHEMA" || type == "OBJECT_EXTENSION") return "everything in it and everything that uses that";
  return "every object that depends on it";
}

// Tables this run knows to depend on the dropped type (columns of it).
std::vector<std::string> known_type_users(const Context& ctx, const std::string& type) {
  std::vector<std::string> tables;
  for (auto& [table, columns] : ctx.schema().columns)
    for (auto& [name, t] : columns)
      if (t.name == type) {
        tables.push_back(table + "." + name);
        break;
      }
  std::sort(tables.begin(), tables.end());
  return tables;
}

class BanDropCascade final : public Rule {
 public:
  RuleInfo info() const override {
    return {"ban-drop-cascade", Severity::warning, "DROP ... CASCADE reaches tables the statement does not name"};
  }
  void check(const Statement& s, const Context& ctx, std::vector<Hit>& out) const override {
    if (s.kind == "DropStmt" && str(s.body, "behavior") == "DROP_CASCADE") {
      std::string type = str(s.body, "removeType");
      for (auto& name : dropped_names(s.body)) {
        if (ctx.is_new(name) || ctx.is_new_object(name)) continue;
        std::string message = "DROP ... CASCADE of " + name + " also drops " + what_cascades(type) +
                              ": ACCESS EXCLUSIVE on each table that holds one, tables this statement never names";
        if (type == "OBJECT_TYPE" || type == "OBJECT_DOMAIN") {
          auto users = known_type_users(ctx, name);
          if (!users.empty()) message += " (seen in this run: " + join(users, ", ") + ")";
        }
        out.push_back({message,
                       "drop the dependents explicitly first (each under lock_timeout), then drop " + name +
                           " without CASCADE: RESTRICT fails instead of locking tables nobody named",
                       ""});
      }
      return;
    }
    std::string table = altered_table(s);
    if (table.empty() || ctx.is_new(table)) return;
    each_alter_cmd(s, [&](const std::string& sub, const Json& cmd) {
      if ((sub != "AT_DropColumn" && sub != "AT_DropConstraint") || str(cmd, "behavior") != "DROP_CASCADE") return;
      std::string what = sub == "AT_DropColumn" ? "column " : "constraint ";
      out.push_back({"DROP " + what + str(cmd, "name") + " ... CASCADE also drops what depends on it: " +
                         (sub == "AT_DropColumn" ? "views, foreign keys of other tables that reference it, indexes"
                                                 : "foreign keys of other tables that rely on its unique index") +
                         " — ACCESS EXCLUSIVE on those tables too",
                     "drop the dependents explicitly first, then this without CASCADE", ""});
    });
  }
};

}  // namespace
std::unique_ptr<Rule> make_ban_drop_cascade() { return std::make_unique<BanDropCascade>(); }
}  // namespace slipway::lint::rules
