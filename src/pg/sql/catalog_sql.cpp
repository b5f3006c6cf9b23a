#include "pg/sql/catalog_sql.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pg/quote.hpp"

namespace slipway::pg::sql {

std::string regclass_literal(const std::string& schema, const std::string& name) {
  return quote_literal(qualified(schema, name));
}

std::string relation_exists(const std::string& schema, const std::string& name) {
  return fmt::format("to_regclass({}) IS NOT NULL", regclass_literal(schema, name));
}

std::string relation_missing(const std::string& schema, const std::string& name) {
  return fmt::format("to_regclass({}) IS NULL", regclass_literal(schema, name));
}

std::string column_exists(const std::string& schema, const std::string& table, const std::string& column) {
  return column_exists_in(fmt::format("to_regclass({})", regclass_literal(schema, table)), column);
}

std::string column_exists_in(const std::string& relation_expr, const std::string& column) {
  return fmt::format("EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = {} AND attname = {} AND NOT attisdropped)",
                     relation_expr, quote_literal(column));
}

std::string constraint_exists(const std::string& schema, const std::string& table, const std::string& name) {
  return fmt::format("EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass({}) AND conname = {})",
                     regclass_literal(schema, table), quote_literal(name));
}

std::string constraint_not_validated(const std::string& schema, const std::string& table, const std::string& name) {
  return fmt::format(
      "EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass({}) AND conname = {} AND NOT convalidated)",
      regclass_literal(schema, table), quote_literal(name));
}

std::string trigger_exists(const std::string& schema, const std::string& table, const std::string& name) {
  return fmt::format("EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass({}) AND tgname = {})",
                     regclass_literal(schema, table), quote_literal(name));
}

std::string trigger_disabled(const std::string& schema, const std::string& table, const std::string& name) {
  return fmt::format(
      "EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass({}) AND tgname = {} AND tgenabled = 'D')",
      regclass_literal(schema, table), quote_literal(name));
}

std::string triggers_exist(const std::string& schema, const std::string& table, const std::vector<std::string>& names) {
  std::vector<std::string> literals;
  for (const auto& n : names) literals.push_back(quote_literal(n));
  // tgname is unique per table, so the count is the number of names found.
  return fmt::format("(SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass({}) AND tgname IN ({})) = {}",
                     regclass_literal(schema, table), fmt::join(literals, ", "), names.size());
}

std::string schema_exists(const std::string& name) {
  return fmt::format("EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = {})", quote_literal(name));
}

std::string function_named(const std::vector<std::string>& names) {
  std::vector<std::string> literals;
  for (const auto& n : names) literals.push_back(quote_literal(n));
  return fmt::format("EXISTS (SELECT 1 FROM pg_proc WHERE proname IN ({}))", fmt::join(literals, ", "));
}

std::string index_is_valid(const std::string& schema, const std::string& index) {
  return fmt::format("coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass({})), false)",
                     regclass_literal(schema, index));
}

std::string select(const std::string& condition) { return "SELECT " + condition; }

std::string negate(const std::string& condition) { return "NOT (" + condition + ")"; }

std::string pinned_search_path(const std::string& schema) {
  return "SET search_path = pg_catalog, " + (schema.empty() ? "" : quote_ident(schema) + ", ") + "pg_temp";
}

std::string guarded(const std::string& condition, const std::vector<std::string>& statements) {
  std::string body;
  for (const auto& s : statements) body += "  " + s + ";\n";
  return "DO " + dollar_quote(fmt::format("\nBEGIN\n IF {} THEN\n{} END IF;\nEND\n", condition, body));
}

}  // namespace slipway::pg::sql
