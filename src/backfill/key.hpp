// The batch engine's keys. The key model and its SQL are pg/sql/keyset.hpp's (the rewrite walks
// tables by key too); the engine's own part is how its checkpoints store a key.
#pragma once
#include <string>

#include "pg/sql/keyset.hpp"

namespace slipway::backfill {

using pg::sql::KeyColumn;
using pg::sql::KeyRange;
using pg::sql::KeySql;
using pg::sql::KeyValue;

// JSON array of text <-> key value (how checkpoints store keys).
std::string key_to_json(const KeyValue& key);
KeyValue key_from_json(const std::string& json);

}  // namespace slipway::backfill
