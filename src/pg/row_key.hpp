// Values read out of a result row: a key value: the columns a keyset query selected with
// KeySql::text_list() (pg/sql/keyset.hpp), as text. The backfill, the rewrite and compare walk
// tables by key and read their bounds back the same way.
#pragma once
#include <pqxx/row>

#include <optional>
#include <string>

#include "pg/sql/keyset.hpp"

namespace slipway::pg {

// Columns [first, first + n) of `r`. Key columns are NOT NULL, so none is null.
sql::KeyValue key_of(const pqxx::row& r, size_t n, size_t first = 0);
// A value's text, or nullopt for NULL.
std::optional<std::string> text_or_null(const pqxx::field& f);

}  // namespace slipway::pg
