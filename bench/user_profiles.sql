-- The seed table of the benchmarks (../shared/seeds: the 200-million-row table of the
-- problem statement, at benchmark size): rewrite_bench.sh and compare_bench.sh load it.
CREATE TABLE user_profiles (
  id BIGSERIAL PRIMARY KEY,
  username VARCHAR(50) NOT NULL UNIQUE,
  email VARCHAR(100) NOT NULL UNIQUE,
  first_name VARCHAR(50),
  last_name VARCHAR(50),
  bio TEXT,
  created_at TIMESTAMPTZ DEFAULT NOW());
CREATE INDEX idx_user_email ON user_profiles (email);
