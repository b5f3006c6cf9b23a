#include "migration/ops/checks.hpp"

#include <fmt/format.h>

#include "migration/ops/column_def.hpp"
#include "pg/connection.hpp"
#include "pg/quote.hpp"

namespace slipway::migration {

const VirtualTable& require_table(const ValidationContext& ctx, const std::string& field, const std::string& name) {
  const auto* t = ctx.schema_now->table(name);
  if (!t) {
    ctx.fail(field, fmt::format("table \"{}\" does not exist in schema \"{}\"", name, ctx.schema),
             "check the name (at this point of the migration, earlier operations applied)");
  }
  return *t;
}

const VirtualColumn& require_column(const ValidationContext& ctx, const std::string& field, const VirtualTable& table,
                                    const std::string& column) {
  const auto* c = table.column(column);
  if (!c) ctx.fail(field, fmt::format("column \"{}\" does not exist in table \"{}\"", column, table.name));
  return *c;
}

void require_identifier(const ValidationContext& ctx, const std::string& field, const std::string& name) {
  if (name.empty()) ctx.fail(field, "must not be empty");
  if (name.size() > 63) ctx.fail(field, fmt::format("\"{}\" is longer than PostgreSQL's 63 bytes", name));
  if (name.rfind("_slipway", 0) == 0) ctx.fail(field, "names starting with _slipway are reserved for slipway");
}

void require_free_relation_name(const ValidationContext& ctx, const std::string& field, const std::string& name) {
  require_identifier(ctx, field, name);
  if (ctx.schema_now->table(name)) ctx.fail(field, fmt::format("table \"{}\" already exists", name), "choose another name");
  for (const auto& t : ctx.schema_now->all_tables()) {
    if (t.physical == name) ctx.fail(field, fmt::format("table \"{}\" already exists", name), "choose another name");
  }
  if (ctx.conn) {
    auto kind = ctx.conn->query_value<std::string>(
        "SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relname = $2",
        ctx.schema, name);
    if (kind) {
      ctx.fail(field, fmt::format("a relation named \"{}\" already exists in schema \"{}\"", name, ctx.schema),
               "choose another name");
    }
  }
}

void require_type(const ValidationContext& ctx, const std::string& field, const std::string& type) {
  if (is_serial_type(type) || !ctx.conn) return;
  bool known = false;
  try {
    known = ctx.conn->query_value<bool>("SELECT to_regtype($1) IS NOT NULL", type).value_or(false);
  } catch (const pg::PgError&) {
    known = false;  // a syntax error in the type name
  }
  if (!known) ctx.fail(field, fmt::format("type \"{}\" does not exist", type));
}

bool constraint_exists(const ValidationContext& ctx, const std::string& physical_table, const std::string& name) {
  if (!ctx.conn) return false;
  return ctx.conn
      ->query_value<bool>("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2)",
                          pg::qualified(ctx.schema, physical_table), name)
      .value_or(false);
}

bool index_exists(const ValidationContext& ctx, const std::string& name) {
  if (!ctx.conn) return false;
  return ctx.conn
      ->query_value<bool>("SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('i', 'I'))",
                          ctx.schema, name)
      .value_or(false);
}

}  // namespace slipway::migration
