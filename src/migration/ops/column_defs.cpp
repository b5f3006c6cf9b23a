#include "migration/ops/column_defs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "migration/ops/column_sql.hpp"
#include "pg/quote.hpp"

namespace slipway::migration {
namespace {

std::optional<std::string> action_field(Fields& f, const char* key) {
  auto v = f.optional_string(key);
  if (!v) return std::nullopt;
  auto canonical = referential_action_keyword(*v);
  if (!canonical) f.fail(key, fmt::format("unknown referential action '{}'", *v),
                         "use one of NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT");
  return canonical;
}

}  // namespace

CheckDef parse_check_def(Fields f) {
  CheckDef c;
  c.name = f.required_string("name");
  c.constraint = f.required_string("constraint");
  c.no_inherit = f.optional_bool("no_inherit").value_or(false);
  f.finish();
  return c;
}

ForeignKeyDef parse_foreign_key_def(Fields f, bool column_list) {
  ForeignKeyDef r;
  r.name = f.optional_string("name").value_or("");
  r.table = f.required_string("table");
  if (column_list) {
    r.columns = f.string_list("columns", true);
  } else {
    r.columns = {f.required_string("column")};
  }
  r.on_delete = action_field(f, "on_delete");
  r.on_update = action_field(f, "on_update");
  if (auto m = f.optional_string("match_type")) {
    std::string v;
    for (char ch : *m) v += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (v != "FULL" && v != "SIMPLE") f.fail("match_type", fmt::format("unknown match type '{}'", *m), "use FULL or SIMPLE");
    r.match_type = v;
  }
  r.deferrable = f.optional_bool("deferrable").value_or(false);
  r.initially_deferred = f.optional_bool("initially_deferred").value_or(false);
  f.finish();
  return r;
}

std::string ForeignKeyDef::references_clause(const std::string& schema, const std::string& physical_table) const {
  std::string out = fmt::format("REFERENCES {} ({})", pg::qualified(schema, physical_table), pg::quote_ident_list(columns));
  if (match_type) out += " MATCH " + *match_type;
  if (on_delete) out += " ON DELETE " + *on_delete;
  if (on_update) out += " ON UPDATE " + *on_update;
  if (deferrable) out += initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
  return out;
}

NewColumnDef parse_new_column_def(Fields f) {
  NewColumnDef c;
  c.name = f.required_string("name");
  c.type = f.required_string("type");
  c.nullable = f.optional_bool("nullable").value_or(false);
  c.unique = f.optional_bool("unique").value_or(false);
  c.pk = f.optional_bool("pk").value_or(false);
  c.default_expr = f.optional_string("default");
  c.comment = f.optional_string("comment");
  if (auto check = f.optional_object("check")) c.check = parse_check_def(std::move(*check));
  if (auto refs = f.optional_object("references")) c.references = parse_foreign_key_def(std::move(*refs), false);
  f.finish();
  return c;
}

}  // namespace slipway::migration
