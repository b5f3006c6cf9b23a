// create_table: a new table, created at start (nothing uses it yet, so no lock concerns beyond
// referenced tables), dropped by rollback. Columns follow pgroll: NOT NULL unless nullable.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "migration/ops/checks.hpp"
#include "migration/ops/column_def.hpp"
#include "migration/ops/column_sql.hpp"
#include "pg/quote.hpp"
#include "pg/sql/catalog_sql.hpp"
#include "util/log.hpp"

namespace slipway::migration {
namespace {

struct TableConstraint {
  std::string name;
  std::string type;  // unique | check | primary_key | foreign_key | exclude
  std::vector<std::string> columns;
  std::string check;
  bool no_inherit = false;
  bool nulls_not_distinct = false;
  bool deferrable = false;
  bool initially_deferred = false;
  std::optional<ForeignKeyDef> references;  // foreign_key
  // exclude
  std::string index_method, elements;
  std::optional<std::string> predicate;
  // index parameters (unique, primary_key, exclude)
  IndexParameters index;
};

// PostgreSQL's own convention for a constraint it names: <table>_<columns>_<kind suffix>.
std::string generated_constraint_name(const std::string& table, const TableConstraint& c) {
  static const std::map<std::string, std::string> suffix{
      {"unique", "key"}, {"primary_key", "pkey"}, {"check", "check"}, {"foreign_key", "fkey"}, {"exclude", "excl"}};
  return pg::generated_constraint_name(table, c.type == "primary_key" ? std::vector<std::string>{} : c.columns,
                                      suffix.at(c.type));
}

TableConstraint parse_constraint(Fields& f, const std::string& table) {
  TableConstraint c;
  auto name = f.optional_string("name");
  c.type = f.required_string("type");
  c.columns = f.string_list("columns");
  c.deferrable = f.optional_bool("deferrable").value_or(false);
  c.initially_deferred = f.optional_bool("initially_deferred").value_or(false);
  c.no_inherit = f.optional_bool("no_inherit").value_or(false);
  c.nulls_not_distinct = f.optional_bool("nulls_not_distinct").value_or(false);
  c.check = f.optional_sql("check", Fields::Sql::expression).value_or("");
  if (auto r = f.optional_object("references")) {
    c.references = parse_foreign_key_def(std::move(*r), ReferenceShape::constraint);
    // Deferrability is the constraint's; given inside `references` it means the same.
    c.deferrable |= c.references->deferrable;
    c.initially_deferred |= c.references->initially_deferred;
    c.references->deferrable = c.references->initially_deferred = false;
  }
  const bool exclude_given = f.has("exclude");
  if (auto e = f.optional_object("exclude")) {
    c.index_method = e->optional_string("index_method").value_or("btree");
    c.elements = e->required_sql("elements", Fields::Sql::exclusion_elements);
    c.predicate = e->optional_sql("predicate", Fields::Sql::expression);
    e->finish();
  }
  if (auto p = f.optional_object("index_parameters")) {
    c.index = parse_index_parameters(std::move(*p));
  }
  static const std::set<std::string> kinds{"unique", "check", "primary_key", "foreign_key", "exclude"};
  if (!kinds.count(c.type)) {
    f.fail("type", fmt::format("unknown constraint type \"{}\"", c.type),
           "use unique, check, primary_key, foreign_key or exclude");
  }
  // Every option is applied or refused, never dropped: each belongs to the kinds that take it
  // (pgroll's schema refuses the same combinations).
  auto only_for = [&](const char* field, bool given, std::initializer_list<std::string_view> takers) {
    if (!given || std::find(takers.begin(), takers.end(), c.type) != takers.end()) return;
    f.fail(field, fmt::format("a {} constraint does not take `{}`", c.type, field),
           fmt::format("`{}` belongs to {} constraints: remove it, or change `type`", field, fmt::join(takers, ", ")));
  };
  only_for("check", !c.check.empty(), {"check"});
  only_for("no_inherit", c.no_inherit, {"check"});
  only_for("nulls_not_distinct", c.nulls_not_distinct, {"unique"});
  only_for("deferrable", c.deferrable, {"unique", "primary_key", "foreign_key", "exclude"});
  only_for("initially_deferred", c.initially_deferred, {"unique", "primary_key", "foreign_key", "exclude"});
  only_for("index_parameters",
           !c.index.empty(),
           {"unique", "primary_key", "exclude"});
  only_for("exclude", exclude_given, {"exclude"});
  only_for("columns", !c.columns.empty(), {"unique", "primary_key", "foreign_key", "check"});
  if ((c.type == "unique" || c.type == "primary_key" || c.type == "foreign_key") && c.columns.empty())
    f.fail("columns", fmt::format("a {} constraint needs columns", c.type));
  if (c.type == "check" && c.check.empty()) f.fail("check", "a check constraint needs `check`");
  if (c.type == "foreign_key" && !c.references) f.fail("references", "a foreign key needs `references`");
  if (c.type != "foreign_key" && c.references) f.fail("references", "only a foreign_key constraint takes `references`");
  if (c.type == "exclude" && c.elements.empty()) f.fail("exclude", "an exclusion constraint needs `exclude`");
  f.finish();
  // pgroll's converter writes constraints without a name: name them as PostgreSQL would, and say so.
  if (name && name->empty()) f.fail("name", "must not be empty", "give a name, or leave the field out");
  c.name = name.value_or(generated_constraint_name(table, c));
  if (!name) log::info("{}: the {} constraint has no name: it is named {}", f.path(), c.type, c.name);
  return c;
}

std::string constraint_sql(const std::string& schema, const TableConstraint& c) {
  std::string out = "CONSTRAINT " + pg::quote_ident(c.name);
  if (c.type == "unique") {
    out += fmt::format(" UNIQUE{} ({}){}", c.nulls_not_distinct ? " NULLS NOT DISTINCT" : "", pg::quote_ident_list(c.columns),
                       c.index.clause());
  } else if (c.type == "primary_key") {
    out += fmt::format(" PRIMARY KEY ({}){}", pg::quote_ident_list(c.columns), c.index.clause());
  } else if (c.type == "check") {
    out += fmt::format(" CHECK ({}){}", c.check, c.no_inherit ? " NO INHERIT" : "");
  } else if (c.type == "foreign_key") {
    out += fmt::format(" FOREIGN KEY ({}) {}", pg::quote_ident_list(c.columns),
                       c.references->references_clause(schema, c.references->table));
  } else if (c.type == "exclude") {
    out += fmt::format(" EXCLUDE USING {} ({}){}", pg::quote_ident(c.index_method), c.elements, c.index.clause());
    if (c.predicate) out += fmt::format(" WHERE ({})", *c.predicate);
  }
  // INITIALLY DEFERRED alone implies DEFERRABLE, as in PostgreSQL.
  if (c.deferrable || c.initially_deferred) out += c.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
  return out;
}

class CreateTable : public Operation {
 public:
  explicit CreateTable(Fields& f) {
    name_ = f.required_relation("name");
    comment_ = f.optional_string("comment");
    for (auto& cf : f.object_list("columns", true)) columns_.push_back(parse_column_def(std::move(cf)));
    for (auto& cf : f.object_list("constraints")) constraints_.push_back(parse_constraint(cf, name_));
  }

  static constexpr const char* kKind = "create_table";
  std::string kind() const override { return kKind; }
  std::vector<std::string> tables() const override { return {name_}; }

  void validate(ValidationContext& ctx) const override {
    require_free_relation_name(ctx, "name", name_);
    std::set<std::string> names;
    for (size_t i = 0; i < columns_.size(); ++i) {
      const auto& c = columns_[i];
      std::string field = fmt::format("columns[{}]", i);
      require_identifier(ctx, field + ".name", c.name);
      if (!names.insert(c.name).second) ctx.fail(field + ".name", fmt::format("column \"{}\" appears twice", c.name));
      require_type(ctx, field + ".type", c.type);
      if (c.references) {
        if (c.references->table != name_) {
          const auto& t = require_table(ctx, field + ".references.table", c.references->table);
          require_column(ctx, field + ".references.column", t, c.references->columns[0]);
        }
      }
    }
    std::set<std::string> constraint_names;
    for (size_t i = 0; i < constraints_.size(); ++i) {
      const auto& c = constraints_[i];
      std::string field = fmt::format("constraints[{}]", i);
      require_identifier(ctx, field + ".name", c.name);
      if (!constraint_names.insert(c.name).second) ctx.fail(field + ".name", fmt::format("constraint \"{}\" appears twice", c.name));
      for (const auto& col : c.columns)
        if (!names.count(col)) ctx.fail(field + ".columns", fmt::format("column \"{}\" is not a column of {}", col, name_));
      if (c.references && c.references->table != name_) {
        const auto& t = require_table(ctx, field + ".references.table", c.references->table);
        for (const auto& rc : c.references->columns) require_column(ctx, field + ".references.columns", t, rc);
      }
      if (c.type == "primary_key" && std::any_of(columns_.begin(), columns_.end(), [](auto& col) { return col.pk; })) {
        ctx.fail(field, "the table has `pk: true` columns and a primary_key constraint; use one of them");
      }
    }
    check_expressions(ctx);
  }

  // Defaults, generated columns, checks and exclusion predicates compile over the new table's
  // row (planned against the catalog, never run), so a misspelt function or column is exit 2 at
  // validate instead of CREATE TABLE failing in start.
  void check_expressions(const ValidationContext& ctx) const {
    if (!ctx.conn) return;
    std::vector<TypedColumn> row;
    for (const auto& c : columns_) row.emplace_back(c.name, storage_type(c.type));
    auto check = [&](const std::string& field, const std::vector<TypedColumn>& over, const std::string& expr,
                     const std::string& cast_to) {
      if (auto err = ctx.expression_problem(name_, over, expr, cast_to)) ctx.fail(field, *err);
    };
    for (size_t i = 0; i < columns_.size(); ++i) {
      const auto& c = columns_[i];
      std::string field = fmt::format("columns[{}]", i);
      // A default sees no columns; a generated expression and a check see the row.
      if (c.default_expr) check(field + ".default", {}, *c.default_expr, storage_type(c.type));
      if (c.generated_expression) check(field + ".generated.expression", row, *c.generated_expression, storage_type(c.type));
      if (c.check) check(field + ".check.constraint", row, c.check->constraint, "boolean");
    }
    for (size_t i = 0; i < constraints_.size(); ++i) {
      const auto& c = constraints_[i];
      std::string field = fmt::format("constraints[{}]", i);
      if (!c.check.empty()) check(field + ".check", row, c.check, "boolean");
      if (c.predicate) check(field + ".exclude.predicate", row, *c.predicate, "boolean");
    }
  }

  void apply(VirtualSchema& schema) const override {
    VirtualTable t;
    t.name = t.physical = name_;
    for (const auto& c : columns_) {
      VirtualColumn vc;
      vc.name = vc.physical = c.name;
      vc.type = storage_type(c.type);
      vc.not_null = !c.nullable || c.pk;
      vc.default_expr = c.default_expr;
      t.columns.push_back(std::move(vc));
    }
    schema.add_table(std::move(t));
  }

  void start(const PlanContext& ctx, Plan& plan) const override {
    std::string table = pg::qualified(ctx.schema, name_);
    std::vector<std::string> defs, pk;
    bool references_other = false;
    for (const auto& c : columns_) {
      std::string d = column_definition(c, !c.nullable || c.pk);
      if (c.unique) d += " UNIQUE";
      if (c.check) d += " " + c.check->clause();
      if (c.references) {
        if (!c.references->name.empty()) d += " CONSTRAINT " + pg::quote_ident(c.references->name);
        d += " " + c.references->references_clause(ctx.schema, c.references->table);
        references_other |= c.references->table != name_;
      }
      defs.push_back(d);
      if (c.pk) pk.push_back(c.name);
    }
    if (!pk.empty()) defs.push_back("PRIMARY KEY (" + pg::quote_ident_list(pk) + ")");
    for (const auto& c : constraints_) {
      defs.push_back(constraint_sql(ctx.schema, c));
      references_other |= c.references && c.references->table != name_;
    }
    std::string body;
    for (size_t i = 0; i < defs.size(); ++i) body += (i ? ",\n  " : "\n  ") + defs[i];
    Action a;
    a.id = "create_table:" + name_;
    a.description = fmt::format("create table {}", name_);
    a.statements.push_back(fmt::format("CREATE TABLE {} ({}\n)", table, body));
    if (comment_) a.statements.push_back(fmt::format("COMMENT ON TABLE {} IS {}", table, pg::quote_literal(*comment_)));
    for (const auto& c : columns_) {
      if (c.comment) {
        a.statements.push_back(fmt::format("COMMENT ON COLUMN {}.{} IS {}", table, pg::quote_ident(c.name),
                                           pg::quote_literal(*c.comment)));
      }
    }
    // A new table blocks nobody; foreign keys briefly take SHARE ROW EXCLUSIVE on the tables they
    // reference (blocks their writes), under lock_timeout.
    a.lock = references_other ? LockMode::share_row_exclusive : LockMode::none;
    a.lock_target = references_other ? "referenced tables" : name_;
    a.rollback = fmt::format("DROP TABLE {}", table);
    a.verify = pg::sql::select(pg::sql::relation_exists(ctx.schema, name_));
    plan.add(std::move(a));
  }

  void complete(const PlanContext&, Plan&) const override {}

  void rollback(const PlanContext& ctx, Plan& plan) const override {
    std::string table = pg::qualified(ctx.schema, name_);
    Action a;
    a.id = "drop_table:" + name_;
    a.description = fmt::format("drop the new table {}", name_);
    a.statements = {fmt::format("DROP TABLE IF EXISTS {}", table)};
    a.lock = LockMode::access_exclusive;
    a.lock_target = name_;
    a.verify = pg::sql::select(pg::sql::relation_missing(ctx.schema, name_));
    plan.add(std::move(a));
  }

 private:
  std::string name_;
  std::optional<std::string> comment_;
  std::vector<ColumnDef> columns_;
  std::vector<TableConstraint> constraints_;
};

}  // namespace

extern const OperationType create_table_type{CreateTable::kKind, [](Fields& f) -> std::unique_ptr<Operation> {
  return std::make_unique<CreateTable>(f);
}};

}  // namespace slipway::migration
