#include "migration/file/fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "lint/user_text.hpp"
#include "pg/quote.hpp"
#include "util/error.hpp"

namespace slipway::migration {

namespace {
const char* type_name(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "a list";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    case nlohmann::json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}
const nlohmann::json kNull;

// Within two edits (insert, delete, substitute, case ignored) of each other.
bool nearly_equal(const std::string& a, const std::string& b) {
  if (a.size() > b.size() + 2 || b.size() > a.size() + 2) return false;
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()] <= 2;
}
}  // namespace

Fields::Fields(const nlohmann::json& object, std::string path, const SourceMap& source,
               std::vector<SchemaQualifier>* qualifiers)
    : object_(object), path_(std::move(path)), source_(source), qualifiers_(qualifiers) {
  if (!object_.is_object()) {
    throw InputError(fmt::format("{}: {}: expected an object, found {}", source_.where(path_), path_,
                                 type_name(object_)));
  }
}

std::string Fields::child_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

bool Fields::has(const char* key) const {
  read_.insert(key);
  return object_.contains(key);
}

bool Fields::has_list(const char* key) const { return has(key) && object_.at(key).is_array(); }

const nlohmann::json& Fields::get(const char* key) const {
  read_.insert(key);
  auto it = object_.find(key);
  return it == object_.end() ? kNull : *it;
}

void Fields::fail(const std::string& key, const std::string& problem, const std::string& hint) const {
  std::string path = key.empty() ? path_ : child_path(key);
  std::string h = hint;
  if (h.empty() && problem == "required field is missing") {
    // A missing field next to one spelt nearly like it is usually a misspelling: say so. Fields
    // not read yet are not unknown (the missing one stopped the reading): only near names count.
    std::string near;
    for (const auto& [k, v] : object_.items()) {
      if (!read_.count(k) && nearly_equal(k, key))
        near += fmt::format("{}`{}` ({})", near.empty() ? "" : ", ", k, source_.where(child_path(k)));
    }
    if (!near.empty()) h = "this object has " + near + " - a misspelling of `" + key + "`?";
  }
  throw InputError(fmt::format("{}: {}: {}", source_.where(path), path, problem), h);
}

std::string Fields::required_string(const char* key) {
  if (!object_.contains(key)) fail(key, "required field is missing");
  auto v = optional_string(key);
  if (!v || v->empty()) fail(key, "must not be empty");
  return *v;
}

std::string Fields::required_relation(const char* key) {
  if (!object_.contains(key)) fail(key, "required field is missing");
  auto v = optional_relation(key);
  if (!v) fail(key, "must not be empty");
  return *v;
}

std::optional<std::string> Fields::optional_relation(const char* key) {
  auto text = optional_string(key);
  if (!text) return std::nullopt;
  auto q = pg::split_qualified(*text);
  if (!q)
    fail(key, fmt::format("\"{}\" is not a name or schema.name", *text),
         "write name or schema.name; double-quote a part that holds a dot: \"my.table\"");
  if (!q->schema.empty() && qualifiers_) qualifiers_->push_back({child_path(key), q->schema});
  return q->name;
}

std::optional<std::string> Fields::optional_string(const char* key) {
  const auto& v = get(key);
  if (!object_.contains(key) || v.is_null()) return std::nullopt;
  if (!v.is_string()) fail(key, fmt::format("expected a string, found {}", type_name(v)));
  return v.get<std::string>();
}

std::optional<std::optional<std::string>> Fields::nullable_string(const char* key) {
  const auto& v = get(key);
  if (!object_.contains(key)) return std::nullopt;
  if (v.is_null()) return std::optional<std::string>{};
  if (!v.is_string()) fail(key, fmt::format("expected a string or null, found {}", type_name(v)));
  return std::optional<std::string>{v.get<std::string>()};
}

std::optional<bool> Fields::optional_bool(const char* key) {
  const auto& v = get(key);
  if (!object_.contains(key) || v.is_null()) return std::nullopt;
  if (!v.is_boolean()) fail(key, fmt::format("expected true or false, found {}", type_name(v)));
  return v.get<bool>();
}

std::optional<long long> Fields::optional_int(const char* key) {
  const auto& v = get(key);
  if (!object_.contains(key) || v.is_null()) return std::nullopt;
  if (!v.is_number_integer()) fail(key, fmt::format("expected an integer, found {}", type_name(v)));
  return v.get<long long>();
}

std::vector<std::string> Fields::string_list(const char* key, bool required) {
  const auto& v = get(key);
  if (!object_.contains(key) || v.is_null()) {
    if (required) fail(key, "required field is missing");
    return {};
  }
  if (!v.is_array()) fail(key, fmt::format("expected a list of strings, found {}", type_name(v)));
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      fail(fmt::format("{}[{}]", key, i), fmt::format("expected a string, found {}", type_name(v[i])));
    }
    out.push_back(v[i].get<std::string>());
  }
  if (required && out.empty()) fail(key, "must not be an empty list");
  return out;
}

std::map<std::string, std::string> Fields::string_map(const char* key) {
  const auto& v = get(key);
  std::map<std::string, std::string> out;
  if (!object_.contains(key) || v.is_null()) return out;
  if (!v.is_object()) fail(key, fmt::format("expected an object of strings, found {}", type_name(v)));
  for (const auto& [k, item] : v.items()) {
    if (!item.is_string()) {
      fail(std::string(key) + "." + k, fmt::format("expected a string, found {}", type_name(item)));
    }
    out[k] = item.get<std::string>();
  }
  return out;
}

void Fields::check_sql(const std::string& key, const std::string& value, Sql shape) const {
  // An empty expression or type means "none" to some callers; an empty clause list is refused.
  if (value.empty() && (shape == Sql::expression || shape == Sql::type)) return;
  auto problem = [&] {
    switch (shape) {
      case Sql::type: return lint::type_problem(value);
      case Sql::statements: return lint::statements_problem(value);
      case Sql::storage_parameters: return lint::storage_parameters_problem(value);
      case Sql::opclass: return lint::opclass_problem(value);
      case Sql::exclusion_elements: return lint::exclusion_elements_problem(value);
      case Sql::sequence_options: return lint::sequence_options_problem(value);
      case Sql::expression: break;
    }
    return lint::expression_problem(value);
  }();
  if (problem) fail(key, fmt::format("`{}` {}", value, problem->what), problem->hint);
}

std::string Fields::required_sql(const char* key, Sql shape) {
  std::string v = required_string(key);
  check_sql(key, v, shape);
  return v;
}

std::optional<std::string> Fields::optional_sql(const char* key, Sql shape) {
  auto v = optional_string(key);
  if (v) check_sql(key, *v, shape);
  return v;
}

std::optional<std::optional<std::string>> Fields::nullable_sql(const char* key, Sql shape) {
  auto v = nullable_string(key);
  if (v && *v) check_sql(key, **v, shape);
  return v;
}

std::map<std::string, std::string> Fields::sql_map(const char* key, Sql shape) {
  auto m = string_map(key);
  for (const auto& [k, v] : m) check_sql(std::string(key) + "." + k, v, shape);
  return m;
}

Fields Fields::required_object(const char* key) {
  if (!object_.contains(key) || get(key).is_null()) fail(key, "required field is missing");
  auto o = optional_object(key);
  return std::move(*o);
}

std::optional<Fields> Fields::optional_object(const char* key) {
  const auto& v = get(key);
  if (!object_.contains(key) || v.is_null()) return std::nullopt;
  if (!v.is_object()) fail(key, fmt::format("expected an object, found {}", type_name(v)));
  return Fields(v, child_path(key), source_, qualifiers_);
}

std::vector<Fields> Fields::object_list(const char* key, bool required) {
  const auto& v = get(key);
  if (!object_.contains(key) || v.is_null()) {
    if (required) fail(key, "required field is missing");
    return {};
  }
  if (!v.is_array()) fail(key, fmt::format("expected a list, found {}", type_name(v)));
  std::vector<Fields> out;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string p = fmt::format("{}[{}]", child_path(key), i);
    if (!v[i].is_object()) {
      throw InputError(fmt::format("{}: {}: expected an object, found {}", source_.where(p), p, type_name(v[i])));
    }
    out.emplace_back(v[i], p, source_, qualifiers_);
  }
  if (required && out.empty()) fail(key, "must not be an empty list");
  return out;
}

void Fields::finish() const {
  for (const auto& [k, v] : object_.items()) {
    if (!read_.count(k)) {
      std::string known;
      for (const auto& r : read_) known += (known.empty() ? "" : ", ") + r;
      fail(k, "unknown field", known.empty() ? std::string() : "known fields here: " + known);
    }
  }
}

}  // namespace slipway::migration
