// What can still be read from a statement the PostgreSQL 15 grammar did not parse (newer
// syntax, a typo further on): the relation it creates, from its first words only, where those
// words are unambiguous — so later statements on that relation are not mistaken for changes to
// an existing, busy table.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace slipway::lint {

// The relation `CREATE [OR REPLACE] [TEMP|UNLOGGED] TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE
// [IF NOT EXISTS] name` or `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name` creates,
// as the parser would name it (unquoted words lower-cased, "schema.name" when qualified).
std::optional<std::string> relation_created_by_unparsed(std::string_view statement);

// True when the text starts like SQL (a keyword) and holds no template placeholder ({{ }}, ${ }).
bool starts_like_sql(std::string_view statement);

}  // namespace slipway::lint
