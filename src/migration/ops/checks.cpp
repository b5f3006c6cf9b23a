#include "migration/ops/checks.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "migration/ops/column_def.hpp"
#include "util/log.hpp"
#include "migration/ops/column_sql.hpp"
#include "catalog/inspector.hpp"
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
  if (is_slipway_name(name)) ctx.fail(field, "names starting with _slipway are reserved for slipway");
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
  if (is_serial_type(type)) return;
  if (auto err = ctx.type_problem(type)) ctx.fail(field, *err);
}

bool constraint_exists(const ValidationContext& ctx, const std::string& physical_table, const std::string& name) {
  if (!ctx.conn) return false;
  return ctx.conn
      ->query_value<bool>("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2)",
                          pg::qualified(ctx.schema, physical_table), name)
      .value_or(false);
}

std::optional<char> index_kind(const MigrationContext& ctx, const std::string& name) {
  if (!ctx.conn) return std::nullopt;
  auto kind = ctx.conn->query_value<std::string>(
      "SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('i', 'I')",
      ctx.schema, name);
  if (!kind || kind->empty()) return std::nullopt;
  return (*kind)[0];
}

bool index_exists(const ValidationContext& ctx, const std::string& name) { return index_kind(ctx, name).has_value(); }

void require_droppable_columns(const ValidationContext& ctx, const std::string& field,
                               const std::string& physical_table, const std::vector<std::string>& columns) {
  if (!ctx.conn || columns.empty()) return;
  const std::string table = pg::qualified(ctx.schema, physical_table);
  const std::string names = catalog::text_array_literal(columns);
  auto fks = ctx.conn->exec_params(
      "SELECT c.conname, c.conrelid::regclass::text FROM pg_constraint c WHERE c.contype = 'f' "
      "AND c.confrelid = to_regclass($1) AND c.conrelid <> c.confrelid AND EXISTS (SELECT 1 FROM pg_attribute a "
      "WHERE a.attrelid = c.confrelid AND a.attnum = ANY (c.confkey) AND a.attname = ANY ($2::text[])) ORDER BY 1",
      table, names);
  if (!fks.empty())
    ctx.fail(field,
             fmt::format("foreign key {} of table {} references {}; replacing the column at complete would break it",
                         fks[0][0].c_str(), fks[0][1].c_str(), physical_table),
             "drop that foreign key first (drop_constraint) and create it again after this migration");
  auto views = ctx.conn->exec_params(
      "SELECT DISTINCT v.oid::regclass::text FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
      "JOIN pg_class v ON v.oid = r.ev_class JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
      "WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = to_regclass($1) AND v.oid <> d.refobjid "
      "AND v.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = to_regclass($1)) "
      "AND a.attname = ANY ($2::text[]) ORDER BY 1",
      table, names);
  if (!views.empty())
    ctx.fail(field, fmt::format("view {} reads a column of {} that this migration replaces or drops", views[0][0].c_str(),
                                physical_table),
             "drop the view first and create it again after this migration (e.g. with a sql operation)");
}

std::vector<std::string> require_batch_key(const ValidationContext& ctx, const catalog::Table& table) {
  // Partitioned tables take neither CREATE INDEX CONCURRENTLY nor NOT VALID foreign keys.
  if (table.kind == 'p')
    ctx.fail("table", fmt::format("table {} is partitioned; slipway cannot add temporary columns to it online", table.name),
             "change each partition's data with a sql migration, or the parent outside slipway");
  auto key = table.batch_key();
  if (!key || key->empty()) {
    ctx.fail("table",
             fmt::format("table {} has no primary key or unique NOT NULL key to backfill it in batches", table.name),
             "add a primary key first (create_constraint type: primary_key on a new table, or a sql migration)");
  }
  return *key;
}

std::vector<std::pair<std::string, std::string>> typed_columns(const VirtualTable& t) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : t.columns)
    if (!c.hidden) out.emplace_back(c.name, c.type);
  return out;
}

void warn_if_not_compiling(const ValidationContext& ctx, const std::string& field, const std::string& table,
                           const std::vector<std::pair<std::string, std::string>>& columns,
                           const std::string& expression, const std::string& cast_to) {
  if (!ctx.conn) return;
  if (auto err = ctx.expression_problem(table, columns, as_expression(expression), cast_to)) {
    log::warn("{}: {}.{}: `{}` does not compile against the new version of {} ({}); slipway accepts it as pgroll "
              "does, but writes from the new version will fail until it does",
              ctx.source ? ctx.source->where(ctx.path + "." + field) : ctx.path, ctx.path, field, expression, table,
              *err);
  }
}

void check_up_down_maps(ValidationContext& ctx, const VirtualTable& table, const std::vector<std::string>& columns,
                        const std::map<std::string, std::string>& up, const std::map<std::string, std::string>& down) {
  auto listed = [&](const std::string& c) { return std::find(columns.begin(), columns.end(), c) != columns.end(); };
  for (const auto& [col, expr] : up) {
    if (!listed(col)) ctx.fail("up." + col, fmt::format("column {} is not among the constraint's columns", col));
    const VirtualColumn* vc = table.column(col);
    ctx.check_expression("up." + col, table.physical, as_expression(expr), vc ? vc->type : std::string());
  }
  for (const auto& [col, expr] : down) {
    if (!listed(col)) ctx.fail("down." + col, fmt::format("column {} is not among the constraint's columns", col));
    const VirtualColumn* vc = table.column(col);
    warn_if_not_compiling(ctx, "down." + col, table.name, typed_columns(table), expr, vc ? vc->type : std::string());
  }
}

}  // namespace slipway::migration
