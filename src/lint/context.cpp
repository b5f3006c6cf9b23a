#include "lint/context.hpp"

#include <algorithm>

#include "lint/ast.hpp"
#include "lint/rule.hpp"
#include "pg/quote.hpp"

namespace slipway::lint {

using namespace ast;

std::string table_key(const std::string& relation) {
  auto dot = relation.rfind('.');
  return dot == std::string::npos ? relation : relation.substr(dot + 1);
}

const ColumnType* SchemaFacts::column(const std::string& table, const std::string& col) const {
  auto t = columns.find(table);
  if (t == columns.end()) return nullptr;
  auto c = t->second.find(col);
  return c == t->second.end() ? nullptr : &c->second;
}

bool SchemaFacts::has_index_on(const std::string& table, const std::vector<std::string>& cols) const {
  // An index serves the foreign key's lookups when the key's columns lead it, in any order.
  auto it = indexes.find(table);
  if (it == indexes.end()) return false;
  for (auto& columns : it->second) {
    if (columns.size() < cols.size()) continue;
    std::vector<std::string> lead(columns.begin(), columns.begin() + cols.size());
    auto want = cols;
    std::sort(lead.begin(), lead.end());
    std::sort(want.begin(), want.end());
    if (lead == want) return true;
  }
  return false;
}

std::string default_check_name(const std::string& table, const Json& expr) {
  std::set<std::string> columns;
  walk(expr, [&](std::string_view kind, const Json& n) {
    if (kind != "ColumnRef") return;
    auto fields = strings(list(n, "fields"));
    if (!fields.empty()) columns.insert(fields.back());
  });
  return pg::generated_constraint_name(table_key(table),
                                       columns.size() == 1 ? std::vector<std::string>{*columns.begin()}
                                                           : std::vector<std::string>{},
                                       "check");
}

bool SchemaFacts::has_valid_not_null_check(const std::string& table, const std::string& col) const {
  auto it = not_null_checks.find(table);
  if (it == not_null_checks.end()) return false;
  for (auto& c : it->second)
    if (c.valid && c.column == col) return true;
  return false;
}

Context::Context(const LintOptions& options, SchemaFacts& schema)
    : options_(options),
      schema_(schema),
      in_transaction_(options.assume_in_transaction),
      utc_session_(!options.assume_timezone.empty() && zero_offset_time_zone(options.assume_timezone)) {}

bool Context::is_system_catalog(const Json* rv) const {
  if (!rv) return false;
  std::string schema = str(*rv, "schemaname");
  std::string name = str(*rv, "relname");
  return schema == "pg_catalog" ||
         (schema.empty() && name.rfind("pg_", 0) == 0 && !is_new(name) && !schema_.columns.count(name));
}

SessionFacts Context::session() const { return {options_.pg_version, utc_transaction_.value_or(utc_session_)}; }

bool Context::is_new(const std::string& relation) const { return new_relations_.count(table_key(relation)) > 0; }

namespace {

bool is_timeout_setting(const std::string& name, std::string_view which) { return name == which; }

std::vector<std::string> index_columns(const Json& index_params) {
  std::vector<std::string> cols;
  for (auto& p : index_params)
    if (auto* e = as(p, "IndexElem")) cols.push_back(str(*e, "name"));
  return cols;
}

// The columns a CHECK expression forces to be non-null: `c IS NOT NULL`, alone or as one
// conjunct of an AND (what PostgreSQL's implication test proves for SET NOT NULL).
std::vector<std::string> not_null_columns(const Json& expr) {
  std::vector<std::string> out;
  if (auto* b = as(expr, "BoolExpr")) {
    if (str(*b, "boolop") == "AND_EXPR")
      for (auto& arg : list(*b, "args"))
        for (auto& c : not_null_columns(arg)) out.push_back(c);
  } else if (auto* t = as(expr, "NullTest")) {
    auto* arg = get(*t, "arg");
    auto* ref = arg ? as(*arg, "ColumnRef") : nullptr;
    auto fields = ref ? strings(list(*ref, "fields")) : std::vector<std::string>{};
    if (str(*t, "nulltesttype") == "IS_NOT_NULL" && !fields.empty()) out.push_back(fields.back());
  }
  return out;
}

// A TimeZone value of SET: 'UTC', 0, INTERVAL '+00:00' HOUR TO MINUTE, LOCAL/DEFAULT (unknown).
std::optional<bool> time_zone_is_utc(const Json& set) {
  auto& args = list(set, "args");
  if (args.empty()) return std::nullopt;
  const Json* v = &args[0];
  if (auto* cast = as(*v, "TypeCast")) v = get(*cast, "arg");
  auto* c = v ? as(*v, "A_Const") : nullptr;
  if (!c) return false;
  if (auto* sv = get(*c, "sval")) return zero_offset_time_zone(str(*sv, "sval"));
  if (auto* iv = get(*c, "ival")) return integer(*iv, "ival", 0) == 0;
  if (auto* fv = get(*c, "fval")) {  // "0.0"; never std::stod (1e400 would throw)
    std::string text = str(*fv, "fval");
    return text.find_first_not_of("+-0.") == std::string::npos;
  }
  return false;
}

}  // namespace

void Context::observe_set(const Json& b) {
  std::string kind = str(b, "kind");
  if (str(b, "name") != "timezone" && kind != "VAR_RESET_ALL") return;
  bool utc = false;
  if (kind == "VAR_RESET" || kind == "VAR_SET_DEFAULT" || kind == "VAR_RESET_ALL")
    utc = !options_.assume_timezone.empty() && zero_offset_time_zone(options_.assume_timezone);
  else if (kind == "VAR_SET_VALUE")
    utc = time_zone_is_utc(b).value_or(false);
  else
    return;
  if (flag(b, "is_local")) {
    if (in_transaction_) utc_transaction_ = utc;
  } else {
    utc_session_ = utc;
    utc_transaction_.reset();
  }
}

void Context::observe_not_null_check(const std::string& table, const Json& con) {
  auto* expr = get(con, "raw_expr");
  if (!expr) return;
  std::string name = str(con, "conname");
  if (name.empty()) name = default_check_name(table, *expr);
  for (auto& col : not_null_columns(*expr))
    schema_.not_null_checks[table].push_back({name, col, !flag(con, "skip_validation")});
}

void Context::observe_new_object(const Statement& s) {
  const Json& b = s.body;
  std::vector<std::string> names;
  if (s.kind == "CreateFunctionStmt") names = strings(list(b, "funcname"));
  else if (s.kind == "CreateDomainStmt") names = strings(list(b, "domainname"));
  else if (s.kind == "CreateEnumStmt" || s.kind == "CreateRangeStmt") names = strings(list(b, "typeName"));
  else if (s.kind == "DefineStmt" && str(b, "kind") == "OBJECT_TYPE") names = strings(list(b, "defnames"));
  else if (s.kind == "CompositeTypeStmt") names = {relation(get(b, "typevar"))};
  else if (s.kind == "CreateSeqStmt") new_relations_.insert(table_key(relation(get(b, "sequence"))));
  if (!names.empty()) new_objects_.insert(table_key(names.back()));
}

void Context::add_foreign_key(const std::string& table, std::vector<std::string> cols, const Json& con,
                              const Statement& s) {
  if (cols.empty()) return;
  foreign_keys_.push_back({table_key(table), std::move(cols), relation(get(con, "pktable")), s.span,
                           s.locate(integer(con, "location"))});
}

void Context::observe_create(const Json& b, const Statement& s) {
  std::string table = table_key(relation(get(b, "relation")));
  new_relations_.insert(table);
  schema_.created.insert(table);
  if (get(b, "partspec")) schema_.partitioned.insert(table);
  auto& cols = schema_.columns[table];
  cols.clear();
  auto constraint = [&](const Json& con, const std::vector<std::string>& own_cols) {
    std::string t = str(con, "contype");
    if (t == "CONSTR_PRIMARY" || t == "CONSTR_UNIQUE" || t == "CONSTR_EXCLUSION") {
      auto keys = strings(list(con, "keys"));
      schema_.add_index(table, keys.empty() ? own_cols : keys);
    } else if (t == "CONSTR_FOREIGN") {
      auto fk = strings(list(con, "fk_attrs"));
      add_foreign_key(table, fk.empty() ? own_cols : fk, con, s);
    } else if (t == "CONSTR_CHECK") {
      observe_not_null_check(table, con);
    }
  };
  for (auto& e : list(b, "tableElts")) {
    if (auto* col = as(e, "ColumnDef")) {
      std::string name = str(*col, "colname");
      if (auto* t = get(*col, "typeName")) cols[name] = column_type(*t);
      for (auto& c : list(*col, "constraints"))
        if (auto* con = as(c, "Constraint")) constraint(*con, {name});
    } else if (auto* con = as(e, "Constraint")) {
      constraint(*con, {});
    }
  }
}

void Context::observe_alter(const Json& b, const Statement& s) {
  std::string table = table_key(relation(get(b, "relation")));
  for (auto& item : list(b, "cmds")) {
    auto* cmd = as(item, "AlterTableCmd");
    if (!cmd) continue;
    std::string sub = str(*cmd, "subtype");
    const Json* def = get(*cmd, "def");
    if (sub == "AT_AddColumn" && def && as(*def, "ColumnDef")) {
      auto& col = *as(*def, "ColumnDef");
      std::string name = str(col, "colname");
      if (auto* t = get(col, "typeName")) schema_.columns[table][name] = column_type(*t);
      for (auto& c : list(col, "constraints"))
        if (auto* con = as(c, "Constraint")) {
          std::string t = str(*con, "contype");
          if (t == "CONSTR_FOREIGN") add_foreign_key(table, {name}, *con, s);
          if (t == "CONSTR_PRIMARY" || t == "CONSTR_UNIQUE") schema_.add_index(table, {name});
        }
    } else if (sub == "AT_AlterColumnType" && def && as(*def, "ColumnDef")) {
      if (auto* t = get(*as(*def, "ColumnDef"), "typeName")) schema_.columns[table][str(*cmd, "name")] = column_type(*t);
    } else if (sub == "AT_DropColumn") {
      schema_.columns[table].erase(str(*cmd, "name"));
      auto& checks = schema_.not_null_checks[table];
      checks.erase(std::remove_if(checks.begin(), checks.end(), [&](auto& c) { return c.column == str(*cmd, "name"); }),
                   checks.end());
    } else if (sub == "AT_AddConstraint" && def && as(*def, "Constraint")) {
      auto& con = *as(*def, "Constraint");
      std::string t = str(con, "contype");
      if (t == "CONSTR_FOREIGN") add_foreign_key(table, strings(list(con, "fk_attrs")), con, s);
      if (t == "CONSTR_PRIMARY" || t == "CONSTR_UNIQUE") schema_.add_index(table, strings(list(con, "keys")));
      if (t == "CONSTR_CHECK") observe_not_null_check(table, con);
      if (flag(con, "skip_validation") && in_transaction_)
        not_valid_.push_back({table, str(con, "conname"), s.locate(integer(con, "location"))});
    } else if (sub == "AT_ValidateConstraint") {
      for (auto& c : schema_.not_null_checks[table])
        if (c.name == str(*cmd, "name")) c.valid = true;
    } else if (sub == "AT_DropConstraint") {
      auto& checks = schema_.not_null_checks[table];
      checks.erase(std::remove_if(checks.begin(), checks.end(), [&](auto& c) { return c.name == str(*cmd, "name"); }),
                   checks.end());
    }
  }
}

void Context::observe(const Statement& s) {
  const Json& b = s.body;
  if (s.kind == "TransactionStmt") {
    std::string k = str(b, "kind");
    if (k == "TRANS_STMT_BEGIN" || k == "TRANS_STMT_START") {
      in_transaction_ = true;
      explicit_transaction_ = true;
    } else if (k == "TRANS_STMT_COMMIT" || k == "TRANS_STMT_ROLLBACK" || k == "TRANS_STMT_COMMIT_PREPARED" ||
               k == "TRANS_STMT_PREPARE") {
      in_transaction_ = false;
      explicit_transaction_ = false;
      held_.clear();
      not_valid_.clear();
      utc_transaction_.reset();
      emptied_.clear();
    }
    return;
  }
  if (s.kind == "VariableSetStmt") {
    std::string name = str(b, "name");
    bool reset = str(b, "kind") == "VAR_RESET" || str(b, "kind") == "VAR_SET_DEFAULT";
    if (is_timeout_setting(name, "lock_timeout")) lock_timeout_set_ = !reset;
    if (is_timeout_setting(name, "statement_timeout")) statement_timeout_set_ = !reset;
    observe_set(b);
  } else if (s.kind == "SelectStmt" && s.text.find("set_config") != std::string_view::npos) {
    // SELECT set_config('lock_timeout', ...): only walked when the text mentions it.
    walk(b, [&](std::string_view k, const Json& n) {
      if (k != "FuncCall") return;
      auto fn = strings(list(n, "funcname"));
      if (fn.empty() || fn.back() != "set_config") return;
      auto& args = list(n, "args");
      if (args.empty()) return;
      if (auto* c = as(args[0], "A_Const"))
        if (auto* sv = get(*c, "sval")) {
          std::string setting = str(*sv, "sval");
          if (setting == "lock_timeout") lock_timeout_set_ = true;
          if (setting == "statement_timeout") statement_timeout_set_ = true;
        }
    });
  } else if (s.kind == "CreateStmt") {
    observe_create(b, s);
  } else if (s.kind == "TruncateStmt" && in_transaction_) {
    // Empty for the rest of this transaction only: outside one, the application can write again.
    for (auto& r : list(b, "relations"))
      if (auto* rv = as(r, "RangeVar")) emptied_.insert(table_key(relation(rv)));
  } else if (s.kind == "DeleteStmt" && !get(b, "whereClause") && in_transaction_) {
    emptied_.insert(table_key(relation(get(b, "relation"))));
  } else if (s.kind == "CopyStmt" || s.kind == "MergeStmt") {
    emptied_.erase(table_key(relation(get(b, "relation"))));
  } else if (s.kind == "InsertStmt") {
    std::string target = table_key(relation(get(b, "relation")));
    emptied_.erase(target);
    auto* select = get(b, "selectStmt");
    auto* query = select ? as(*select, "SelectStmt") : nullptr;
    if (query && is_new(target))
      walk(list(*query, "fromClause"), [&](std::string_view k, const Json& n) {
        if (k == "RangeVar" && !is_new(relation(&n))) populated_.insert(target);
      });
  } else if (s.kind == "CreateTableAsStmt") {
    if (auto* into = get(b, "into")) {
      std::string created = table_key(relation(get(*into, "rel")));
      new_relations_.insert(created);
      if (auto* query = get(b, "query"))  // CREATE TABLE ... AS SELECT ... FROM a live table: it has rows
        walk(*query, [&](std::string_view k, const Json& n) {
          if (k == "RangeVar" && !is_new(relation(&n))) populated_.insert(created);
        });
    }
  } else if (s.kind == "ViewStmt") {
    new_relations_.insert(table_key(relation(get(b, "view"))));
  } else if (s.kind == "AlterTableStmt") {
    observe_alter(b, s);
  } else if (s.kind == "CreateFunctionStmt" || s.kind == "CreateDomainStmt" || s.kind == "CreateEnumStmt" ||
             s.kind == "CreateRangeStmt" || s.kind == "DefineStmt" || s.kind == "CompositeTypeStmt" ||
             s.kind == "CreateSeqStmt") {
    observe_new_object(s);
  } else if (s.kind == "IndexStmt") {
    std::string table = table_key(relation(get(b, "relation")));
    schema_.add_index(table, index_columns(list(b, "indexParams")));
    if (!str(b, "idxname").empty()) new_relations_.insert(str(b, "idxname"));
  } else if (s.kind == "RenameStmt" && str(b, "renameType") == "OBJECT_TABLE") {
    std::string from = table_key(relation(get(b, "relation")));
    std::string to = str(b, "newname");
    auto node = schema_.columns.extract(from);
    if (!node.empty()) {
      node.key() = to;
      schema_.columns.insert(std::move(node));
    }
    auto idx = schema_.indexes.extract(from);
    if (!idx.empty()) {
      idx.key() = to;
      schema_.indexes.insert(std::move(idx));
    }
    auto checks = schema_.not_null_checks.extract(from);
    if (!checks.empty()) {
      checks.key() = to;
      schema_.not_null_checks.insert(std::move(checks));
    }
    for (auto* names : {&schema_.created, &schema_.partitioned})
      if (names->erase(from)) names->insert(to);
    // A new table filled from an existing one and renamed into place (copy-and-swap) is the
    // live, populated table from here on: what follows on it is not harmless any more.
    if (new_relations_.erase(from) && !populated_.count(from)) new_relations_.insert(to);
  } else if (s.kind == "RenameStmt" && str(b, "renameType") == "OBJECT_COLUMN") {
    std::string table = table_key(relation(get(b, "relation")));
    auto& cols = schema_.columns[table];
    auto node = cols.extract(str(b, "subname"));
    if (!node.empty()) {
      node.key() = str(b, "newname");
      cols.insert(std::move(node));
    }
  } else if (s.kind == "DropStmt" && str(b, "removeType") == "OBJECT_TABLE") {
    for (auto& o : list(b, "objects"))
      if (auto* l = as(o, "List")) {
        auto parts = strings(list(*l, "items"));
        if (parts.empty()) continue;
        schema_.columns.erase(parts.back());
        schema_.not_null_checks.erase(parts.back());
        schema_.partitioned.erase(parts.back());
        new_relations_.erase(parts.back());
      }
  }
  if (in_transaction_) {
    for (auto& l : s.cls.locks)
      if (!is_new(l.relation) && l.mode >= LockMode::share_update_exclusive) {
        auto it = std::find_if(held_.begin(), held_.end(), [&](auto& h) { return h.relation == l.relation; });
        if (it == held_.end()) held_.push_back({l.relation, l.mode, s.span.start});
        else it->mode = std::max(it->mode, l.mode);
      }
  }
}

}  // namespace slipway::lint
