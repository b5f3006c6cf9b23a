#include "demo/scenario.hpp"

#include <fmt/format.h>

#include "pg/quote.hpp"

namespace slipway::demo {

void load_scenario(pg::Connection& conn, const std::string& schema, int64_t rows) {
  const std::string table = pg::qualified(schema, kTable);
  conn.exec("CREATE SCHEMA IF NOT EXISTS " + pg::quote_ident(schema));
  // The seed's table (user_profiles of the zero-downtime lab), plus the three columns the
  // migration set needs: tier (the seed adds it in its expand step), login_count (an int that
  // outgrows int) and referred_by (a reference without a foreign key yet). email has the seed's
  // plain index; uniqueness is what 04_unique_email adds.
  conn.exec(fmt::format(R"(CREATE TABLE {0} (
  id bigserial PRIMARY KEY,
  username varchar(50) NOT NULL UNIQUE,
  email varchar(100) NOT NULL,
  first_name varchar(50),
  last_name varchar(50),
  bio text,
  tier varchar(20) DEFAULT 'bronze',
  login_count integer NOT NULL DEFAULT 0,
  referred_by bigint,
  created_at timestamptz DEFAULT now()
))",
                        table));
  conn.exec(fmt::format("CREATE INDEX {} ON {} (email)", pg::quote_ident("idx_user_email"), table));
  conn.exec_params(fmt::format(R"(INSERT INTO {} (username, email, first_name, last_name, bio, tier,
                                   login_count, referred_by)
SELECT 'user_' || i, 'user_' || i || '@example.com', 'First' || i, 'Last' || i,
       'Bio text for user ' || i, (ARRAY['bronze', 'silver', 'gold', 'platinum'])[1 + i % 4],
       i % 1000, CASE WHEN i % 7 = 0 THEN i / 2 END
FROM generate_series(1, $1::bigint) AS i)",
                               table),
                   rows);
  conn.exec(fmt::format("VACUUM ANALYZE {}", table));
}

namespace {
const char* kTiers = "('bronze', 'silver', 'gold', 'platinum')";
}

const std::vector<ScenarioStep>& scenario_steps() {
  static const std::vector<ScenarioStep> steps = {
      {"01_combine_full_name.yaml", "01_combine_full_name",
       "combine first_name/last_name into full_name", AppShape::full_name,
       "SELECT count(*), count(*) FILTER (WHERE n.full_name IS DISTINCT FROM "
       "o.first_name || ' ' || o.last_name) "
       "FROM {old}.user_profiles o JOIN {new}.user_profiles n USING (id)",
       {{"ADD COLUMN", "ALTER TABLE {table} ADD COLUMN full_name varchar(101)"},
        {"UPDATE all rows", "UPDATE {table} SET full_name = first_name || ' ' || last_name"}}},
      {"02_add_status.yaml", "02_add_status", "add a NOT NULL status with a default",
       AppShape::full_name,
       "SELECT count(*), count(*) FILTER (WHERE n.status IS DISTINCT FROM 'active') "
       "FROM {new}.user_profiles n",
       {{"ADD COLUMN NOT NULL", "ALTER TABLE {table} ADD COLUMN status varchar(20) NOT NULL DEFAULT 'active'"}}},
      {"03_check_tier.yaml", "03_check_tier", "a CHECK on tier", AppShape::full_name,
       fmt::format("SELECT count(*), count(*) FILTER (WHERE n.tier IS NULL OR n.tier NOT IN {0} "
                   "OR (o.tier IN {0} AND n.tier <> o.tier)) "
                   "FROM {{old}}.user_profiles o JOIN {{new}}.user_profiles n USING (id)",
                   kTiers),
       {{"ADD CHECK", fmt::format("ALTER TABLE {{table}} ADD CONSTRAINT user_profiles_tier_check CHECK (tier IN {})",
                                  kTiers)}}},
      {"04_unique_email.yaml", "04_unique_email", "a unique index on email, built concurrently",
       AppShape::full_name,
       "SELECT count(*), count(*) - count(DISTINCT email) FROM {new}.user_profiles",
       {{"CREATE UNIQUE INDEX", "CREATE UNIQUE INDEX user_profiles_email_unique ON {table} (email)"}}},
      {"05_referrer_fk.yaml", "05_referrer_fk", "a foreign key, added NOT VALID then validated",
       AppShape::full_name,
       "SELECT count(*), count(*) FILTER (WHERE n.referred_by IS DISTINCT FROM o.referred_by OR "
       "(n.referred_by IS NOT NULL AND NOT EXISTS "
       "(SELECT 1 FROM {new}.user_profiles p WHERE p.id = n.referred_by))) "
       "FROM {old}.user_profiles o JOIN {new}.user_profiles n USING (id)",
       {{"ADD FOREIGN KEY", "ALTER TABLE {table} ADD CONSTRAINT user_profiles_referred_by_fk FOREIGN KEY (referred_by) "
                            "REFERENCES {table} (id) ON DELETE SET NULL"}}},
      {"06_login_count_bigint.yaml", "06_login_count_bigint", "login_count int -> bigint",
       AppShape::full_name,
       "SELECT count(*), count(*) FILTER (WHERE n.login_count IS DISTINCT FROM o.login_count) "
       "FROM {old}.user_profiles o JOIN {new}.user_profiles n USING (id)",
       {{"ALTER COLUMN TYPE", "ALTER TABLE {table} ALTER COLUMN login_count TYPE bigint"}}},
  };
  return steps;
}

FinalCheck check_final_state(pg::Connection& conn, const std::string& schema, bool naive) {
  FinalCheck out;
  const std::string table = pg::qualified(schema, kTable);
  auto regclass = pg::quote_literal(table);
  auto flag = [&](const std::string& sql) {
    auto v = conn.query_value<bool>(sql);
    return v.value_or(false);
  };
  auto expect = [&](bool ok, const std::string& what) {
    if (!ok) out.failures.push_back(what);
  };
  auto column_type = [&](const char* column) {
    return conn
        .query_value<std::string>(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = $1::regclass AND attname = $2 AND NOT attisdropped",
            table, std::string(column))
        .value_or("");
  };
  expect(!column_type("full_name").empty(), "column full_name is missing");
  expect(naive || column_type("first_name").empty(), "column first_name was not dropped");
  expect(naive || column_type("last_name").empty(), "column last_name was not dropped");
  expect(column_type("login_count") == "bigint",
         "login_count is " + column_type("login_count") + ", not bigint");
  expect(flag(fmt::format("SELECT attnotnull FROM pg_attribute WHERE attrelid = {}::regclass "
                          "AND attname = 'status'",
                          regclass)),
         "status is not NOT NULL");
  expect(flag(fmt::format("SELECT bool_and(convalidated) FROM pg_constraint WHERE conrelid = "
                          "{}::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%tier%'",
                          regclass)),
         "no validated CHECK constraint on tier");
  expect(flag(fmt::format("SELECT bool_or(i.indisunique AND i.indisvalid) FROM pg_index i "
                          "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
                          "WHERE i.indrelid = {}::regclass AND i.indnatts = 1 AND a.attname = 'email'",
                          regclass)),
         "no valid unique index on email");
  expect(flag(fmt::format("SELECT bool_and(convalidated) FROM pg_constraint WHERE conrelid = "
                          "{}::regclass AND contype = 'f'",
                          regclass)),
         "no validated foreign key on referred_by");

  // Row invariants, computed by the server over every row. The naive copy still has the old
  // columns, so its full_name is checked against them.
  std::string name_ok = naive ? "full_name IS NOT DISTINCT FROM first_name || ' ' || last_name"
                              : "full_name IS NOT NULL";
  auto r = conn.exec(fmt::format(
      "SELECT count(*), count(*) FILTER (WHERE {1} AND status IS NOT NULL AND tier IN {2} AND "
      "(referred_by IS NULL OR EXISTS (SELECT 1 FROM {0} p WHERE p.id = t.referred_by))) "
      "FROM {0} t",
      table, name_ok, kTiers));
  out.rows = r[0][0].as<int64_t>();
  out.rows_ok = r[0][1].as<int64_t>();
  if (out.rows_ok != out.rows)
    out.failures.push_back(fmt::format("{} of {} rows violate the migrations' invariants",
                                       out.rows - out.rows_ok, out.rows));
  return out;
}

const AppStatements& app_statements(AppShape shape) {
  static const AppStatements split{
      "SELECT id, username, email, first_name, last_name, tier, login_count FROM user_profiles "
      "WHERE id = $1",
      "UPDATE user_profiles SET first_name = $2, last_name = $3, login_count = login_count + 1 "
      "WHERE id = $1",
      "INSERT INTO user_profiles (username, email, first_name, last_name, bio, tier, referred_by) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)"};
  static const AppStatements full{
      "SELECT id, username, email, full_name, tier, login_count FROM user_profiles WHERE id = $1",
      "UPDATE user_profiles SET full_name = $2, login_count = login_count + 1 WHERE id = $1",
      "INSERT INTO user_profiles (username, email, full_name, bio, tier, referred_by) "
      "VALUES ($1, $2, $3, $4, $5, $6)"};
  return shape == AppShape::split_name ? split : full;
}

}  // namespace slipway::demo
