#include "migration/ops/sql_inverse.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pg_query.h>

#include <vector>

#include "pg/quote.hpp"

namespace slipway::migration {

namespace {

std::string string_node(const nlohmann::json& n) {
  if (!n.contains("String")) return {};
  const auto& s = n["String"];
  if (s.contains("sval")) return s["sval"].get<std::string>();
  if (s.contains("str")) return s["str"].get<std::string>();
  return {};
}

// ["schema", "name"] list of String nodes -> "schema"."name"
std::string qualified_list(const nlohmann::json& list) {
  std::string out;
  for (const auto& n : list) {
    auto s = string_node(n);
    if (s.empty()) return {};
    out += (out.empty() ? "" : ".") + pg::quote_ident(s);
  }
  return out;
}

std::string range_var(const nlohmann::json& rv) {
  if (!rv.contains("relname")) return {};
  std::string name = pg::quote_ident(rv["relname"].get<std::string>());
  if (rv.contains("schemaname")) name = pg::quote_ident(rv["schemaname"].get<std::string>()) + "." + name;
  return name;
}

std::optional<std::string> inverse(const nlohmann::json& stmt) {
  if (!stmt.is_object() || stmt.size() != 1) return std::nullopt;
  const std::string kind = stmt.begin().key();
  const auto& s = stmt.begin().value();
  std::string target;
  if (kind == "CreateStmt" || kind == "CreateTableAsStmt") {
    const auto& rel = kind == "CreateStmt" ? s.value("relation", nlohmann::json()) : s["into"].value("rel", nlohmann::json());
    target = range_var(rel);
    bool is_view = kind == "CreateTableAsStmt" && s.value("objtype", "") == "OBJECT_MATVIEW";
    if (!target.empty()) return fmt::format("DROP {} IF EXISTS {}", is_view ? "MATERIALIZED VIEW" : "TABLE", target);
  } else if (kind == "CreateEnumStmt" || kind == "CreateRangeStmt") {
    target = qualified_list(s.value("typeName", nlohmann::json::array()));
    if (!target.empty()) return "DROP TYPE IF EXISTS " + target;
  } else if (kind == "CompositeTypeStmt") {
    target = range_var(s.value("typevar", nlohmann::json()));
    if (!target.empty()) return "DROP TYPE IF EXISTS " + target;
  } else if (kind == "CreateDomainStmt") {
    target = qualified_list(s.value("domainname", nlohmann::json::array()));
    if (!target.empty()) return "DROP DOMAIN IF EXISTS " + target;
  } else if (kind == "IndexStmt") {
    if (!s.contains("idxname")) return std::nullopt;
    std::string name = pg::quote_ident(s["idxname"].get<std::string>());
    const auto& rel = s.value("relation", nlohmann::json());
    if (rel.contains("schemaname")) name = pg::quote_ident(rel["schemaname"].get<std::string>()) + "." + name;
    return "DROP INDEX IF EXISTS " + name;
  } else if (kind == "CreateSeqStmt") {
    target = range_var(s.value("sequence", nlohmann::json()));
    if (!target.empty()) return "DROP SEQUENCE IF EXISTS " + target;
  } else if (kind == "ViewStmt") {
    target = range_var(s.value("view", nlohmann::json()));
    if (!target.empty()) return "DROP VIEW IF EXISTS " + target;
  } else if (kind == "CreateSchemaStmt") {
    if (s.contains("schemaname") && !s.contains("schemaElts"))
      return "DROP SCHEMA IF EXISTS " + pg::quote_ident(s["schemaname"].get<std::string>());
  } else if (kind == "CreateExtensionStmt") {
    if (s.contains("extname")) return "DROP EXTENSION IF EXISTS " + pg::quote_ident(s["extname"].get<std::string>());
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> inverse_of_creates(const std::string& sql) {
  PgQueryParseResult r = pg_query_parse(sql.c_str());
  struct Free {
    PgQueryParseResult& r;
    ~Free() { pg_query_free_parse_result(r); }
  } guard{r};
  if (r.error || !r.parse_tree) return std::nullopt;
  auto tree = nlohmann::json::parse(r.parse_tree, nullptr, false);
  if (tree.is_discarded() || !tree.contains("stmts")) return std::nullopt;
  std::vector<std::string> drops;
  for (const auto& st : tree["stmts"]) {
    auto inv = inverse(st.value("stmt", nlohmann::json()));
    if (!inv) return std::nullopt;
    drops.push_back(*inv);
  }
  if (drops.empty()) return std::nullopt;
  std::string out;
  for (auto it = drops.rbegin(); it != drops.rend(); ++it) out += (out.empty() ? "" : ";\n") + *it;
  return out;
}

}  // namespace slipway::migration
