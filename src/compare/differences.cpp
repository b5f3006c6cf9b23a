#include "compare/differences.hpp"

#include "pg/row_key.hpp"

namespace slipway::compare {

void add_observed_rows(const pqxx::result& r, size_t key_columns, size_t values, ObservedRows& into,
                       bool written_column) {
  for (const auto& row : r) {
    ObservedRow o;
    o.values.reserve(values);
    for (size_t i = 0; i < values; ++i) o.values.push_back(pg::text_or_null(row[int(key_columns + i)]));
    o.fingerprint = row[int(key_columns + values)].c_str();
    if (written_column) o.written_during_compare = row[int(key_columns + values + 1)].as<bool>();
    into[pg::key_of(row, key_columns)] = std::move(o);
  }
}

const char* difference_kind_name(DifferenceKind k) {
  switch (k) {
    case DifferenceKind::missing_in_target: return "missing_in_target";
    case DifferenceKind::extra_in_target: return "extra_in_target";
    case DifferenceKind::values_differ: return "values_differ";
  }
  return "values_differ";
}

std::vector<Difference> differences_of(const ObservedRows& source, const ObservedRows& target,
                                       const std::vector<ComparedColumn>& columns) {
  std::vector<Difference> out;
  for (const auto& [key, s] : source) {
    auto t = target.find(key);
    if (t == target.end()) {
      out.push_back({key, DifferenceKind::missing_in_target, {}});
      continue;
    }
    if (s.fingerprint == t->second.fingerprint && s.values == t->second.values) continue;
    Difference d{key, DifferenceKind::values_differ, {}};
    for (size_t i = 0; i < columns.size() && i < s.values.size(); ++i)
      if (s.values[i] != t->second.values[i]) d.columns.push_back({columns[i].name, s.values[i], t->second.values[i]});
    if (!d.columns.empty()) out.push_back(std::move(d));
  }
  for (const auto& [key, t] : target)
    if (!source.count(key)) out.push_back({key, DifferenceKind::extra_in_target, {}});
  return out;
}

std::string observation_of(const ObservedRows& source, const ObservedRows& target, const KeyValue& key) {
  auto s = source.find(key);
  auto t = target.find(key);
  return (s == source.end() ? std::string("-") : s->second.fingerprint) + "/" +
         (t == target.end() ? std::string("-") : t->second.fingerprint);
}

}  // namespace slipway::compare
