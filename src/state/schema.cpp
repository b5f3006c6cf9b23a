#include <fmt/format.h>

#include "pg/quote.hpp"
#include "state/store.hpp"

namespace slipway::state {

std::vector<std::string> state_schema_ddl(const std::string& s) {
  auto t = [&](const char* name) { return pg::qualified(s, name); };
  return {
      fmt::format("CREATE SCHEMA IF NOT EXISTS {}", pg::quote_ident(s)),
      // The migration history. One row per migration and application schema; `parent` chains
      // them in the order they were applied.
      fmt::format(R"(CREATE TABLE IF NOT EXISTS {} (
          schema          text NOT NULL,
          name            text NOT NULL,
          parent          text,
          migration       jsonb NOT NULL,
          status          text NOT NULL CHECK (status IN ('active','complete','rolled_back','baseline')),
          version_schema  text NOT NULL,
          started_at      timestamptz NOT NULL DEFAULT now(),
          completed_at    timestamptz,
          progress        jsonb NOT NULL DEFAULT '{{}}',
          PRIMARY KEY (schema, name)))",
                  t("migrations")),
      // At most one active migration per application schema.
      fmt::format("CREATE UNIQUE INDEX IF NOT EXISTS migrations_one_active ON {} (schema) "
                  "WHERE status = 'active'",
                  t("migrations")),
      // The migration engine's plans (start/complete/rollback, made once at start) and the
      // format the file was written in (for `slipway pull`).
      fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS plans jsonb NOT NULL DEFAULT '{{}}'", t("migrations")),
      fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS format text NOT NULL DEFAULT 'yaml'", t("migrations")),
  };
}

}  // namespace slipway::state
