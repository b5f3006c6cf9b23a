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
      // Backfill jobs (backfill/engine.hpp): one row per job, found again by its id after a
      // crash. `end_key` fixes the key space when the job starts; rows beyond it are written
      // through the migration's triggers.
      fmt::format(R"(CREATE TABLE IF NOT EXISTS {} (
          job_id          text PRIMARY KEY,
          schema          text NOT NULL,
          table_name      text NOT NULL,
          key_columns     text[] NOT NULL,
          action          text NOT NULL,
          end_key         jsonb,
          rows_estimate   bigint NOT NULL DEFAULT 0,
          status          text NOT NULL CHECK (status IN ('running','complete','failed')),
          error           text,
          started_at      timestamptz NOT NULL DEFAULT now(),
          updated_at      timestamptz NOT NULL DEFAULT now(),
          completed_at    timestamptz))",
                  t("backfill_jobs")),
      // The key ranges of a job (one per worker it started with); `last_key` is the checkpoint,
      // updated in the same transaction as each batch.
      fmt::format(R"(CREATE TABLE IF NOT EXISTS {} (
          job_id          text NOT NULL REFERENCES {} ON DELETE CASCADE,
          range_no        int NOT NULL,
          lo_key          jsonb,
          hi_key          jsonb NOT NULL,
          last_key        jsonb,
          rows_done       bigint NOT NULL DEFAULT 0,
          batches         bigint NOT NULL DEFAULT 0,
          done            boolean NOT NULL DEFAULT false,
          updated_at      timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (job_id, range_no)))",
                  t("backfill_ranges"), t("backfill_jobs")),
  };
}

}  // namespace slipway::state
