#include "lint/types.hpp"

#include <cctype>
#include <unordered_set>

#include "lint/ast.hpp"

namespace slipway::lint {

std::string ColumnType::display() const {
  std::string out = name;
  if (!typmods.empty()) {
    out += "(";
    for (std::size_t i = 0; i < typmods.size(); ++i) out += (i ? "," : "") + std::to_string(typmods[i]);
    out += ")";
  }
  if (array) out += "[]";
  return out;
}

ColumnType column_type(const Json& t) {
  ColumnType c{ast::canonical_type(ast::type_name(t)), ast::typmods(t), ast::is_array_type(t)};
  // serial types are integers with a sequence default: the column's type is the integer.
  if (c.name == "serial") c.name = "int4";
  else if (c.name == "bigserial") c.name = "int8";
  else if (c.name == "smallserial") c.name = "int2";
  return c;
}

bool binary_coercible(const ColumnType& from, const ColumnType& to) {
  if (from.array != to.array) return false;
  if (from.name == to.name && from.typmods == to.typmods) return true;
  auto widening = [&](std::size_t i) {  // to's limit i is absent or >= from's
    if (to.typmods.size() <= i) return true;
    return from.typmods.size() > i && to.typmods[i] >= from.typmods[i];
  };
  if (from.name == "varchar" && to.name == "varchar") return widening(0);
  if (from.name == "varchar" && to.name == "text") return true;
  if (from.name == "text" && to.name == "varchar") return to.typmods.empty();
  if (from.name == "varbit" && to.name == "varbit") return widening(0);
  if (from.name == "numeric" && to.name == "numeric") {
    if (to.typmods.empty()) return true;
    if (from.typmods.empty()) return false;
    int from_scale = from.typmods.size() > 1 ? from.typmods[1] : 0;
    int to_scale = to.typmods.size() > 1 ? to.typmods[1] : 0;
    return from_scale == to_scale && to.typmods[0] >= from.typmods[0];
  }
  if (from.name == "cidr" && to.name == "inet") return true;
  // Fractional-second precision widening (timestamp(3) -> timestamp): the support function of
  // the length coercion removes it.
  // (Not interval: its modifier is a field mask whose order is not coarseness.)
  if (from.name == to.name && (from.name == "timestamp" || from.name == "timestamptz" || from.name == "time") &&
      from.typmods.size() <= 1 && to.typmods.size() <= 1)
    return widening(0);
  return false;
}

bool type_change_skips_rewrite(const ColumnType& from, const ColumnType& to, const SessionFacts& session) {
  if (binary_coercible(from, to)) return true;
  bool between_timestamps = (from.name == "timestamp" && to.name == "timestamptz") ||
                            (from.name == "timestamptz" && to.name == "timestamp");
  // Arrays convert element by element (an ArrayCoerceExpr: always a rewrite); a precision below
  // the maximum (6) adds a length coercion over the conversion that nothing simplifies away.
  if (!between_timestamps || session.pg_version < 12 || !session.utc_time_zone || from.array || to.array)
    return false;
  return to.typmods.empty() || to.typmods[0] >= 6;
}

bool using_is_plain_conversion(const Json& expr, const std::string& column, const ColumnType& to) {
  auto is_column = [&](const Json& n) {
    auto* ref = ast::as(n, "ColumnRef");
    auto fields = ref ? ast::strings(ast::list(*ref, "fields")) : std::vector<std::string>{};
    return !fields.empty() && fields.back() == column;
  };
  if (is_column(expr)) return true;
  auto* cast = ast::as(expr, "TypeCast");
  if (!cast || !ast::get(*cast, "arg") || !ast::get(*cast, "typeName") || !is_column(*ast::get(*cast, "arg")))
    return false;
  ColumnType t = column_type(*ast::get(*cast, "typeName"));
  return t.name == to.name && t.typmods == to.typmods && t.array == to.array;
}

bool zero_offset_time_zone(std::string zone) {
  for (auto& ch : zone) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (zone.rfind("etc/", 0) == 0) zone = zone.substr(4);
  static const std::unordered_set<std::string> zero = {
      "utc", "uct", "gmt", "gmt0", "gmt+0", "gmt-0", "greenwich", "universal", "zulu", "z", "0",
      "+0", "-0", "00:00", "+00:00", "-00:00", "+00", "utc0", "utc+0", "utc-0"};
  return zero.count(zone) > 0;
}

namespace {

// Built-in functions PostgreSQL marks VOLATILE (pg_proc.provolatile = 'v') that turn up in
// column defaults, plus the common extension ones (uuid-ossp, pgcrypto).
const std::unordered_set<std::string>& volatile_functions() {
  static const std::unordered_set<std::string> fns = {
      "random", "random_normal", "setseed", "gen_random_uuid", "gen_random_bytes", "uuid_generate_v1",
      "uuid_generate_v1mc", "uuid_generate_v4", "clock_timestamp", "timeofday", "nextval", "currval",
      "lastval", "setval", "txid_current", "txid_current_if_assigned", "pg_current_xact_id",
      "pg_current_xact_id_if_assigned", "pg_backend_pid", "inet_client_addr", "gen_salt", "crypt",
      "pg_sleep", "dblink", "lo_import", "lo_create", "uuid_generate_v7", "gen_random_uuid_v7"};
  return fns;
}

// Built-in functions that are IMMUTABLE or STABLE: a default calling only these is evaluated
// once by ALTER TABLE ... ADD COLUMN (PostgreSQL 11+), with no rewrite.
const std::unordered_set<std::string>& non_volatile_functions() {
  static const std::unordered_set<std::string> fns = {
      "now", "transaction_timestamp", "statement_timestamp", "current_timestamp", "localtimestamp",
      "current_date", "lower", "upper", "coalesce", "nullif", "greatest", "least", "concat", "concat_ws",
      "length", "char_length", "substring", "substr", "trim", "btrim", "ltrim", "rtrim", "replace",
      "to_char", "to_date", "to_timestamp", "to_number", "date_trunc", "date_part", "extract", "age",
      "make_date", "make_timestamp", "make_timestamptz", "make_interval", "abs", "round", "floor", "ceil",
      "jsonb_build_object", "json_build_object", "jsonb_build_array", "json_build_array", "to_jsonb",
      "to_json", "array_length", "cardinality", "md5", "sha256", "encode", "decode", "format",
      "current_user", "current_schema", "session_user", "current_setting", "timezone", "uuid_nil",
      "array_fill", "int4", "int8", "text", "numeric", "jsonb", "json", "bool", "date", "timestamptz",
      "timestamp", "interval", "uuid", "pg_catalog.now", "left", "right", "lpad", "rpad", "split_part",
      "string_to_array", "array_to_string", "regexp_replace", "gen_series", "pi", "power", "sqrt",
      "currtid", "ascii", "chr", "initcap", "repeat", "reverse", "strpos", "position", "overlay"};
  return fns;
}

}  // namespace

VolatilityVerdict expression_volatility(const Json& expr) {
  VolatilityVerdict verdict;
  ast::walk(expr, [&](std::string_view kind, const Json& body) {
    if (verdict.volatility == Volatility::volatile_) return;
    if (kind != "FuncCall") return;
    auto names = ast::strings(ast::list(body, "funcname"));
    if (names.empty()) return;
    const std::string& fn = names.back();
    if (volatile_functions().count(fn)) {
      verdict = {Volatility::volatile_, fn};
    } else if (!non_volatile_functions().count(fn) && verdict.volatility != Volatility::unknown) {
      verdict = {Volatility::unknown, fn};
    }
  });
  return verdict;
}

}  // namespace slipway::lint
