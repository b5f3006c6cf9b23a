#include "lint/model.hpp"

#include <algorithm>

#include "lint/ast.hpp"
#include "lint/context.hpp"
#include "lint/row_bounds.hpp"
#include "lint/types.hpp"

namespace slipway::lint {

std::string_view work_name(Work w) {
  switch (w) {
    case Work::none: return "no table work";
    case Work::catalog_only: return "catalog only";
    case Work::scan: return "scans the table";
    case Work::rewrite: return "rewrites the table";
  }
  return "?";
}

LockMode Classification::strongest() const {
  LockMode m = LockMode::none;
  for (auto& l : locks) m = std::max(m, l.mode);
  return m;
}

const RelationLock* Classification::lock_on(std::string_view relation) const {
  for (auto& l : locks)
    if (l.relation == relation) return &l;
  return nullptr;
}

void Classification::take(const std::string& relation, LockMode mode) {
  if (relation.empty() || mode == LockMode::none) return;
  for (auto& l : locks)
    if (l.relation == relation) {
      l.mode = std::max(l.mode, mode);
      return;
    }
  locks.push_back({relation, mode});
}

void Classification::at_least(Work w) { work = std::max(work, w); }

std::string Classification::summary() const {
  std::string out;
  for (auto& l : locks) {
    if (!out.empty()) out += "; ";
    out += std::string(lock_name(l.mode)) + " on " + l.relation + " (blocks " + blocked_text(l.mode) + ")";
  }
  if (out.empty()) out = "no lock on existing relations";
  out += "; " + std::string(work_name(work));
  if (!transactional) out += "; cannot run inside a transaction";
  for (auto& n : notes) out += "; " + n;
  return out;
}

namespace {

using namespace ast;

bool has_option(const Json& params, std::string_view name) {
  for (auto& p : params)
    if (auto* d = as(p, "DefElem"))
      if (str(*d, "defname") == name) return true;
  return false;
}

// ADD COLUMN: what the new column costs.
void classify_add_column(const Json& col, Classification& c, const std::string& table, int pg) {
  c.take(table, LockMode::access_exclusive);
  c.at_least(Work::catalog_only);
  std::string type = canonical_type(type_name(*get(col, "typeName")));
  if (type == "serial" || type == "bigserial" || type == "smallserial") {
    c.at_least(Work::rewrite);
    c.notes.push_back("serial default nextval() is volatile: every row is written");
  }
  bool not_null = false, has_default = false, references = false;
  for (auto& con : list(col, "constraints")) {
    auto* k = as(con, "Constraint");
    if (!k) continue;
    std::string t = str(*k, "contype");
    if (t == "CONSTR_DEFAULT") {
      has_default = true;
      auto* expr = get(*k, "raw_expr");
      auto v = expr ? expression_volatility(*expr) : VolatilityVerdict{};
      if (pg < 11) {
        c.at_least(Work::rewrite);
        c.notes.push_back("before PostgreSQL 11 any default rewrites the table");
      } else if (v.volatility != Volatility::immutable_or_stable) {
        c.at_least(Work::rewrite);
        c.notes.push_back("default calls " + v.function + "()" +
                          (v.volatility == Volatility::volatile_ ? ", a volatile function"
                                                                 : ", of unknown volatility"));
      }
    } else if (t == "CONSTR_IDENTITY" || t == "CONSTR_GENERATED") {
      c.at_least(Work::rewrite);
      c.notes.push_back(t == "CONSTR_IDENTITY" ? "identity column fills every row"
                                               : "stored generated column computes every row");
    } else if (t == "CONSTR_NOTNULL" || t == "CONSTR_PRIMARY") {
      not_null = true;
      if (t == "CONSTR_PRIMARY") {
        c.at_least(Work::scan);
        c.notes.push_back("builds an index while holding the lock");
      }
    } else if (t == "CONSTR_UNIQUE" || t == "CONSTR_CHECK") {
      c.at_least(Work::scan);
      if (t == "CONSTR_UNIQUE") c.notes.push_back("builds an index while holding the lock");
    } else if (t == "CONSTR_FOREIGN") {
      c.take(relation(get(*k, "pktable")), LockMode::share_row_exclusive);
      references = true;
    }
  }
  if (references && column_has_value_expression(col)) {
    c.at_least(Work::scan);
    c.notes.push_back("the new foreign key is validated with a scan while the lock is held (the column has a DEFAULT "
                      "or generated value)");
  }
  if (not_null && !has_default) c.notes.push_back("NOT NULL without a default fails on a non-empty table");
}

void classify_alter_type(const Json& cmd, Classification& c, const std::string& table, const Context& ctx) {
  c.take(table, LockMode::access_exclusive);
  TypeChange t = judge_type_change(cmd, table, ctx);
  c.at_least(t.rewrites ? Work::rewrite : Work::catalog_only);
  if (!t.why.empty()) c.notes.push_back(t.why);
}

void classify_add_constraint(const Json& con, Classification& c, const std::string& table, const Context& ctx) {
  std::string t = str(con, "contype");
  bool not_valid = flag(con, "skip_validation");
  if (t == "CONSTR_FOREIGN") {
    c.take(table, LockMode::share_row_exclusive);
    c.take(relation(get(con, "pktable")), LockMode::share_row_exclusive);
    // The validation scans the referencing table: nothing to read in one created empty here.
    c.at_least(not_valid || ctx.is_new_and_empty(table) ? Work::catalog_only : Work::scan);
  } else if (t == "CONSTR_CHECK") {
    c.take(table, LockMode::access_exclusive);
    c.at_least(not_valid ? Work::catalog_only : Work::scan);
  } else if (t == "CONSTR_PRIMARY" || t == "CONSTR_UNIQUE" || t == "CONSTR_EXCLUSION") {
    c.take(table, LockMode::access_exclusive);
    bool using_index = !str(con, "indexname").empty();
    c.at_least(using_index ? Work::catalog_only : Work::scan);
    if (!using_index) c.notes.push_back("builds an index while holding the lock");
  } else {
    c.take(table, LockMode::access_exclusive);
    c.at_least(Work::catalog_only);
  }
}

void classify_alter_table(const Json& body, Classification& c, const Context& ctx) {
  std::string table = relation(get(body, "relation"));
  int pg = ctx.pg_version();
  if (str(body, "objtype") == "OBJECT_INDEX") {  // ALTER INDEX ... SET (...), SET TABLESPACE ...
    c.take(table, LockMode::share_update_exclusive);
  }
  for (auto& item : list(body, "cmds")) {
    auto* cmd = as(item, "AlterTableCmd");
    if (!cmd) continue;
    std::string sub = str(*cmd, "subtype");
    const Json* def = get(*cmd, "def");
    if (sub == "AT_AddColumn" && def && as(*def, "ColumnDef")) {
      classify_add_column(*as(*def, "ColumnDef"), c, table, pg);
    } else if (sub == "AT_AlterColumnType") {
      classify_alter_type(*cmd, c, table, ctx);
    } else if (sub == "AT_AddConstraint" && def && as(*def, "Constraint")) {
      classify_add_constraint(*as(*def, "Constraint"), c, table, ctx);
    } else if (sub == "AT_ValidateConstraint") {
      c.take(table, LockMode::share_update_exclusive);
      c.at_least(Work::scan);
    } else if (sub == "AT_SetNotNull") {
      c.take(table, LockMode::access_exclusive);
      if (pg >= 12 && ctx.schema().has_valid_not_null_check(table_key(table), str(*cmd, "name"))) {
        c.at_least(Work::catalog_only);
        c.notes.push_back("a valid CHECK (" + str(*cmd, "name") + " IS NOT NULL) proves it: no scan");
      } else {
        c.at_least(Work::scan);
        c.notes.push_back(pg >= 12 ? "scan skipped when a valid CHECK (col IS NOT NULL) exists"
                                   : "always scans before PostgreSQL 12");
      }
    } else if (sub == "AT_SetLogged" || sub == "AT_SetUnLogged" || sub == "AT_SetTableSpace" ||
               sub == "AT_SetAccessMethod") {
      c.take(table, LockMode::access_exclusive);
      c.at_least(Work::rewrite);
      if (sub == "AT_SetAccessMethod" && pg < 15) c.notes.push_back("SET ACCESS METHOD needs PostgreSQL 15");
    } else if (sub == "AT_SetStatistics" || sub == "AT_SetOptions" || sub == "AT_ResetOptions" ||
               sub == "AT_SetRelOptions" || sub == "AT_ResetRelOptions" || sub == "AT_ClusterOn" ||
               sub == "AT_DropCluster") {
      c.take(table, LockMode::share_update_exclusive);
      c.at_least(Work::catalog_only);
    } else if (sub.rfind("AT_EnableTrig", 0) == 0 || sub.rfind("AT_DisableTrig", 0) == 0 ||
               sub == "AT_EnableAlwaysTrig" || sub == "AT_EnableReplicaTrig") {
      c.take(table, LockMode::share_row_exclusive);
      c.at_least(Work::catalog_only);
    } else if (sub == "AT_AttachPartition") {
      c.take(table, pg >= 12 ? LockMode::share_update_exclusive : LockMode::access_exclusive);
      if (def)
        if (auto* pc = as(*def, "PartitionCmd")) c.take(relation(get(*pc, "name")), LockMode::access_exclusive);
      c.at_least(Work::scan);
      c.notes.push_back("scans the partition unless a valid CHECK implies the bound");
    } else if (sub == "AT_DetachPartition") {
      auto* pc = def ? as(*def, "PartitionCmd") : nullptr;
      bool concurrent = pc && flag(*pc, "concurrent");
      LockMode m = concurrent ? LockMode::share_update_exclusive : LockMode::access_exclusive;
      c.take(table, m);
      if (pc) c.take(relation(get(*pc, "name")), m);
      c.at_least(Work::catalog_only);
      if (concurrent) c.transactional = false;
    } else {
      c.take(table, LockMode::access_exclusive);
      c.at_least(Work::catalog_only);
    }
  }
}

std::string index_table_for(const Json& body) { return relation(get(body, "relation")); }

// The first existing table a SELECT reads without bounds ("" when none): every branch of a
// UNION / INTERSECT / EXCEPT, joins included; a branch is bounded when its WHERE bounds one of
// its tables by an indexed key (the join then follows from those rows).
std::string unbounded_source(const Json& query, const Context& ctx) {
  if (str(query, "op") != "" && str(query, "op") != "SETOP_NONE") {
    for (auto* side : {get(query, "larg"), get(query, "rarg")})
      if (side) {
        std::string s = unbounded_source(*side, ctx);
        if (!s.empty()) return s;
      }
    return {};
  }
  std::string unbounded;
  bool bounded = false;
  walk(list(query, "fromClause"), [&](std::string_view kind, const Json& rv) {
    if (kind != "RangeVar" || bounded) return;
    std::string source = relation(&rv);
    if (ctx.is_new(source)) return;
    auto* alias = get(rv, "alias");
    if (where_bounds_rows_by_key(get(query, "whereClause"), source, alias ? str(*alias, "aliasname") : "",
                                 ctx.schema()))
      bounded = true;
    else if (unbounded.empty())
      unbounded = source;
  });
  return bounded ? std::string() : unbounded;
}

// UPDATE / DELETE / INSERT ... SELECT / MERGE: whole-table work unless the rows are bounded by
// an indexed key (see row_bounds.hpp).
void classify_dml(std::string_view k, const Json& b, Classification& c, const Context& ctx) {
  std::string table = relation(get(b, "relation"));
  c.take(table, LockMode::row_exclusive);
  // System catalogs are small and indexed on their oid columns: not a long scan.
  if (ctx.is_system_catalog(get(b, "relation"))) return;
  if (k == "InsertStmt") {
    auto* select = get(b, "selectStmt");
    auto* query = select ? as(*select, "SelectStmt") : nullptr;
    if (!query) return;
    std::string unbounded = unbounded_source(*query, ctx);
    if (unbounded.empty()) return;
    c.at_least(Work::scan);
    c.notes.push_back("INSERT ... SELECT reads every row of " + unbounded + " and writes them in one transaction");
    return;
  }
  if (k == "MergeStmt") {  // joins the whole source to the table
    std::string source;
    if (auto* src = get(b, "sourceRelation"))
      walk(*src, [&](std::string_view kind, const Json& rv) {
        if (kind == "RangeVar" && source.empty() && !ctx.is_new(relation(&rv))) source = relation(&rv);
      });
    if (source.empty()) return;
    c.at_least(Work::scan);
    c.notes.push_back("MERGE joins every row of " + source + " to " + table + " in one transaction");
    return;
  }
  auto* where = get(b, "whereClause");
  if (!where) {
    c.at_least(Work::scan);
    c.notes.push_back("every row is written and row-locked until commit");
    return;
  }
  auto* rv = get(b, "relation");
  auto* alias = rv ? get(*rv, "alias") : nullptr;
  if (where_bounds_rows_by_key(where, table, alias ? str(*alias, "aliasname") : "", ctx.schema())) return;
  c.at_least(Work::scan);
  c.notes.push_back("the WHERE does not bound the rows by an indexed key: every row is read, the matching "
                    "ones written and row-locked until commit");
}

}  // namespace

TypeChange judge_type_change(const Json& cmd, const std::string& table, const Context& ctx) {
  TypeChange t;
  auto* def = get(cmd, "def");
  auto* col = def ? as(*def, "ColumnDef") : nullptr;
  if (!col || !get(*col, "typeName")) return t;
  t.valid = true;
  t.to = column_type(*get(*col, "typeName"));
  t.from = ctx.schema().column(table_key(table), str(cmd, "name"));
  auto* using_expr = get(*col, "raw_default");
  t.using_expression = using_expr && !using_is_plain_conversion(*using_expr, str(cmd, "name"), t.to);
  if (t.using_expression) {
    t.why = "USING rewrites every row";
  } else if (t.from && type_change_skips_rewrite(*t.from, t.to, ctx.session())) {
    t.rewrites = false;
    t.why = t.from->display() + " -> " + t.to.display() +
            (binary_coercible(*t.from, t.to) ? " is binary-coercible: no rewrite"
                                             : " keeps the stored values while TimeZone is UTC: no rewrite");
  } else {
    t.why = t.from ? t.from->display() + " -> " + t.to.display() + " rewrites the table and its indexes"
                   : "old type unknown to this run: assumed to rewrite";
  }
  return t;
}

Classification classify(const Json& stmt, const Context& ctx) {
  Classification c;
  std::string_view k = kind(stmt);
  if (k.empty()) return c;
  const Json& b = body(stmt);
  int pg = ctx.pg_version();

  if (k == "AlterTableStmt") {
    classify_alter_table(b, c, ctx);
  } else if (k == "IndexStmt") {
    bool conc = flag(b, "concurrent");
    c.take(index_table_for(b), conc ? LockMode::share_update_exclusive : LockMode::share);
    c.at_least(Work::scan);
    if (conc) c.transactional = false;
  } else if (k == "ReindexStmt") {
    bool conc = has_option(list(b, "params"), "concurrently");
    c.take(relation(get(b, "relation")), conc ? LockMode::share_update_exclusive : LockMode::access_exclusive);
    c.at_least(Work::rewrite);
    if (conc) c.transactional = false;
    if (!conc) c.notes.push_back("SHARE on the table, ACCESS EXCLUSIVE on each index being rebuilt");
    if (conc && pg < 12) c.notes.push_back("REINDEX CONCURRENTLY needs PostgreSQL 12");
  } else if (k == "DropStmt") {
    std::string type = str(b, "removeType");
    bool conc = flag(b, "concurrent");
    for (auto& o : list(b, "objects")) {
      auto* l = as(o, "List");
      std::string name = l ? join(strings(list(*l, "items"))) : std::string();
      if (type == "OBJECT_TABLE" || type == "OBJECT_INDEX" || type == "OBJECT_VIEW" ||
          type == "OBJECT_MATVIEW" || type == "OBJECT_SEQUENCE" || type == "OBJECT_FOREIGN_TABLE")
        c.take(name, conc ? LockMode::share_update_exclusive : LockMode::access_exclusive);
    }
    if (type == "OBJECT_TRIGGER" || type == "OBJECT_RULE" || type == "OBJECT_POLICY") {
      for (auto& o : list(b, "objects"))
        if (auto* l = as(o, "List")) {
          auto parts = strings(list(*l, "items"));
          if (parts.size() >= 2) {
            parts.pop_back();
            c.take(join(parts), LockMode::access_exclusive);
          }
        }
    }
    c.at_least(Work::catalog_only);
    if (conc) c.transactional = false;
  } else if (k == "RenameStmt") {
    std::string type = str(b, "renameType");
    LockMode m = (type == "OBJECT_INDEX" && pg >= 12) ? LockMode::share_update_exclusive : LockMode::access_exclusive;
    if (get(b, "relation")) c.take(relation(get(b, "relation")), m);
    c.at_least(Work::catalog_only);
  } else if (k == "CreateStmt") {
    if (get(b, "partbound"))
      for (auto& p : list(b, "inhRelations"))
        if (auto* rv = as(p, "RangeVar")) c.take(relation(rv), LockMode::access_exclusive);
    std::string created = table_key(relation(get(b, "relation")));
    for (auto& e : list(b, "tableElts")) {
      walk(e, [&](std::string_view kk, const Json& n) {
        if (kk != "Constraint" || str(n, "contype") != "CONSTR_FOREIGN") return;
        std::string referenced = relation(get(n, "pktable"));
        if (table_key(referenced) != created) c.take(referenced, LockMode::share_row_exclusive);  // not itself
      });
    }
    c.at_least(Work::catalog_only);
  } else if (k == "TruncateStmt") {
    for (auto& r : list(b, "relations"))
      if (auto* rv = as(r, "RangeVar")) c.take(relation(rv), LockMode::access_exclusive);
    c.at_least(Work::catalog_only);
  } else if (k == "UpdateStmt" || k == "DeleteStmt" || k == "InsertStmt" || k == "MergeStmt") {
    classify_dml(k, b, c, ctx);
  } else if (k == "VacuumStmt") {
    bool full = has_option(list(b, "options"), "full");
    bool vacuum = flag(b, "is_vacuumcmd");
    for (auto& r : list(b, "rels"))
      if (auto* vr = as(r, "VacuumRelation"))
        c.take(relation(get(*vr, "relation")), full ? LockMode::access_exclusive : LockMode::share_update_exclusive);
    c.at_least(full ? Work::rewrite : Work::scan);
    if (vacuum) c.transactional = false;
  } else if (k == "ClusterStmt") {
    c.take(relation(get(b, "relation")), LockMode::access_exclusive);
    c.at_least(Work::rewrite);
  } else if (k == "RefreshMatViewStmt") {
    bool conc = flag(b, "concurrent");
    c.take(relation(get(b, "relation")), conc ? LockMode::exclusive : LockMode::access_exclusive);
    c.at_least(Work::rewrite);
  } else if (k == "CreateTrigStmt") {
    c.take(relation(get(b, "relation")), LockMode::share_row_exclusive);
    c.at_least(Work::catalog_only);
  } else if (k == "RuleStmt" || k == "CreatePolicyStmt" || k == "AlterPolicyStmt") {
    c.take(relation(get(b, k == "RuleStmt" ? "relation" : "table")), LockMode::access_exclusive);
    c.at_least(Work::catalog_only);
  } else if (k == "LockStmt") {
    static const LockMode modes[] = {LockMode::none, LockMode::access_share, LockMode::row_share,
                                     LockMode::row_exclusive, LockMode::share_update_exclusive, LockMode::share,
                                     LockMode::share_row_exclusive, LockMode::exclusive,
                                     LockMode::access_exclusive};
    int mode = integer(b, "mode", 8);
    for (auto& r : list(b, "relations"))
      if (auto* rv = as(r, "RangeVar")) c.take(relation(rv), modes[std::clamp(mode, 0, 8)]);
  } else if (k == "CommentStmt") {
    c.at_least(Work::catalog_only);
  } else if (k == "DropdbStmt" || k == "CreatedbStmt") {
    c.transactional = false;
    c.at_least(Work::catalog_only);
  } else if (k == "AlterEnumStmt" || k == "CreateEnumStmt" || k == "CompositeTypeStmt" ||
             k == "CreateFunctionStmt" || k == "ViewStmt" || k == "CreateSeqStmt" || k == "AlterSeqStmt" ||
             k == "CreateExtensionStmt" || k == "CreateSchemaStmt" || k == "GrantStmt" ||
             k == "CreateTableAsStmt" || k == "CreateDomainStmt" || k == "DefineStmt") {
    c.at_least(Work::catalog_only);
    if (k == "AlterEnumStmt" && pg < 12) {
      c.transactional = false;
      c.notes.push_back("ALTER TYPE ... ADD VALUE cannot run in a transaction before PostgreSQL 12");
    }
  }
  // Relations created earlier in the file have no traffic: their locks are harmless.
  return c;
}

}  // namespace slipway::lint
