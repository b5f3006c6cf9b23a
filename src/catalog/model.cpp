#include "catalog/model.hpp"

namespace slipway::catalog {

const Column* Table::column(const std::string& n) const {
  for (const auto& c : columns)
    if (c.name == n) return &c;
  return nullptr;
}

const Index* Table::index(const std::string& n) const {
  for (const auto& i : indexes)
    if (i.name == n) return &i;
  return nullptr;
}

const Constraint* Table::constraint(const std::string& n) const {
  for (const auto& c : constraints)
    if (c.name == n) return &c;
  return nullptr;
}

std::optional<std::vector<std::string>> Table::batch_key() const {
  if (!primary_key.empty()) return primary_key;
  if (!unique_keys.empty()) return unique_keys.front();
  return std::nullopt;
}

}  // namespace slipway::catalog
