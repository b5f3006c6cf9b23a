// CREATE INDEX, DROP INDEX and REINDEX -> CONCURRENTLY: the build or drop takes SHARE UPDATE
// EXCLUSIVE (reads and writes continue) instead of SHARE / ACCESS EXCLUSIVE, and has to run
// outside a transaction block.
#include "lint/rules/common.hpp"
#include "lint/safe/rewriters.hpp"

namespace slipway::lint::safe {
namespace {

using namespace ast;

// The name PostgreSQL would choose for an unnamed index (ChooseIndexName): table, the key
// columns ("expr" for an expression), "idx" — before its de-duplication, which slipway names
// explicitly so that a retry can find the index it left behind.
std::string default_index_name(const std::string& table, const Json& body) {
  std::vector<std::string> cols;
  for (auto& p : list(body, "indexParams"))
    if (auto* e = as(p, "IndexElem")) cols.push_back(str(*e, "name").empty() ? "expr" : str(*e, "name"));
  return pg::generated_constraint_name(table_key(table), cols, "idx");
}

std::optional<SafePlan> create_index(const Statement& s, const Context& ctx) {
  if (flag(s.body, "concurrent")) return std::nullopt;
  std::string table = relation(get(s.body, "relation"));
  if (ctx.is_new(table)) return std::nullopt;
  if (ctx.schema().partitioned.count(table_key(table)))
    return as_written_with_warning(s, "CREATE INDEX on partitioned table " + table +
                                          " cannot be CONCURRENTLY: create it ON ONLY the parent, CONCURRENTLY on "
                                          "each partition, then ATTACH each");
  std::string name = str(s.body, "idxname");
  bool unnamed = name.empty();
  if (unnamed) name = default_index_name(table, s.body);
  std::string sql = with_word_after(s.text, "INDEX", unnamed ? "CONCURRENTLY " + rules::ident(name) : "CONCURRENTLY");
  if (sql.empty()) return std::nullopt;
  SafeStep st = outside_transaction(sql);
  st.kind = StepKind::create_index;
  st.table = table;
  st.index = name;
  return one_step_plan("CREATE INDEX -> CREATE INDEX CONCURRENTLY", std::move(st));
}

std::optional<SafePlan> drop_index(const Statement& s, const Context& ctx) {
  if (str(s.body, "removeType") != "OBJECT_INDEX" || flag(s.body, "concurrent")) return std::nullopt;
  auto& objects = list(s.body, "objects");
  if (objects.size() != 1) return std::nullopt;
  auto* names = as(objects[0], "List");
  std::string name = names ? join(strings(list(*names, "items"))) : std::string();
  if (name.empty() || ctx.is_new(name)) return std::nullopt;
  if (str(s.body, "behavior") == "DROP_CASCADE")
    return as_written_with_warning(s, "DROP INDEX ... CASCADE cannot be CONCURRENTLY");
  std::string sql = with_word_after(s.text, "INDEX", "CONCURRENTLY");
  if (sql.empty()) return std::nullopt;
  SafeStep st = outside_transaction(sql);
  st.kind = StepKind::drop_index;
  st.index = name;
  return one_step_plan("DROP INDEX -> DROP INDEX CONCURRENTLY", std::move(st));
}

std::optional<SafePlan> reindex(const Statement& s, const Context& ctx) {
  for (auto& p : list(s.body, "params"))
    if (auto* d = as(p, "DefElem"))
      if (str(*d, "defname") == "concurrently") return std::nullopt;
  std::string kind = str(s.body, "kind");
  std::string keyword = kind == "REINDEX_OBJECT_INDEX" ? "INDEX" : kind == "REINDEX_OBJECT_TABLE" ? "TABLE" : "";
  if (keyword.empty()) return std::nullopt;  // SCHEMA / DATABASE / SYSTEM: not one relation
  std::string rel = relation(get(s.body, "relation"));
  if (ctx.is_new(rel)) return std::nullopt;
  std::string sql = with_word_after(s.text, keyword, "CONCURRENTLY");
  if (sql.empty()) return std::nullopt;
  return one_step_plan("REINDEX -> REINDEX CONCURRENTLY", outside_transaction(sql));
}

}  // namespace

std::optional<SafePlan> rewrite_index_statement(const Statement& s, const Context& ctx) {
  if (s.kind == "IndexStmt") return create_index(s, ctx);
  if (s.kind == "DropStmt") return drop_index(s, ctx);
  if (s.kind == "ReindexStmt") return reindex(s, ctx);
  return std::nullopt;
}

}  // namespace slipway::lint::safe
