#include "backfill/key.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "pg/quote.hpp"
#include "util/error.hpp"

namespace slipway::backfill {

KeySql::KeySql(std::vector<KeyColumn> columns, std::string alias)
    : columns_(std::move(columns)), alias_(std::move(alias)) {}

std::string KeySql::list(bool desc) const {
  std::string out;
  for (const auto& c : columns_) {
    if (!out.empty()) out += ", ";
    if (!alias_.empty()) out += pg::quote_ident(alias_) + ".";
    out += pg::quote_ident(c.name);
    if (desc) out += " DESC";
  }
  return out;
}

std::string KeySql::row() const {
  // A single column is compared as a scalar; several as a row value, which btree indexes
  // support as one range condition over the whole key.
  return columns_.size() == 1 ? list() : "(" + list() + ")";
}

std::string KeySql::params_row(int first) const {
  std::string out;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!out.empty()) out += ", ";
    out += fmt::format("${}::{}", first + int(i), columns_[i].type);
  }
  return columns_.size() == 1 ? out : "(" + out + ")";
}

std::string KeySql::range_predicate(const KeyBounds& bounds, int first, std::vector<std::string>& params) const {
  std::string out;
  if (bounds.after) {
    out = fmt::format("{} > {} AND ", row(), params_row(first));
    params.insert(params.end(), bounds.after->begin(), bounds.after->end());
    first += int(columns_.size());
  }
  out += fmt::format("{} <= {}", row(), params_row(first));
  params.insert(params.end(), bounds.upto.begin(), bounds.upto.end());
  return out;
}

std::string key_to_json(const KeyValue& key) { return nlohmann::json(key).dump(); }

KeyValue key_from_json(const std::string& json) {
  auto j = nlohmann::json::parse(json);
  if (!j.is_array()) throw Error("malformed key in backfill checkpoint: " + json);
  return j.get<KeyValue>();
}

}  // namespace slipway::backfill
