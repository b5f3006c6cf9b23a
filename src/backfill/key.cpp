#include "backfill/key.hpp"

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace slipway::backfill {

std::string key_to_json(const KeyValue& key) { return nlohmann::json(key).dump(); }

KeyValue key_from_json(const std::string& json) {
  auto j = nlohmann::json::parse(json);
  if (!j.is_array()) throw Error("malformed key in backfill checkpoint: " + json);
  return j.get<KeyValue>();
}

}  // namespace slipway::backfill
