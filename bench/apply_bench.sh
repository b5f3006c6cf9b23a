#!/usr/bin/env bash
# The apply benchmark: one migration file of the seeds' naive statements on the seed table
# user_profiles (1,000,000 rows by default), run side by side under the same application probe
# (pgbench -R: point reads and point updates by random id, per-transaction log):
#   psql      psql -f migration.sql (each statement as written, autocommit)
#   slipway   slipway apply --layout plain migration.sql (each hazard rewritten)
# Reports wall time, probe p50/p99/max latency and failed probe transactions, and checks that
# both runs end with the same schema (pg_dump -s) and the same data (a digest of every row's
# columns the probe does not write). Repeats RUNS times (default 3) for the spread. Starts a
# private PostgreSQL 15 cluster on a Unix socket; removes it at exit.
#
#   bench/apply_bench.sh                    # ROWS=1000000 RATE=200 RUNS=3
#   ROWS=100000 RUNS=1 bench/apply_bench.sh # a quick run
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SLIPWAY_BUILD_DIR:-$root/build}
source "$root/bench/lib.sh"
rows=${ROWS:-1000000}
rate=${RATE:-200}
runs=${RUNS:-3}
clients=${CLIENTS:-4}
lock_timeout=${LOCK_TIMEOUT:-100ms}
out=${OUT:-$root/bench/results/apply-$(date -u +%Y%m%dT%H%M%SZ).md}

bench_build slipway
bench_cluster apply "-c shared_buffers=512MB -c max_wal_size=8GB -c checkpoint_timeout=30min \
  -c maintenance_work_mem=256MB -c synchronous_commit=off"

echo "loading $rows rows into the template (once)"
psql -d postgres -c "CREATE DATABASE tmpl"
psql -d tmpl -f "$root/bench/user_profiles.sql"
psql -d tmpl <<SQL
CREATE TABLE accounts (id bigint PRIMARY KEY, name text);
INSERT INTO accounts SELECT g, 'account ' || g FROM generate_series(1, 1000) g;
ALTER TABLE user_profiles ADD COLUMN account_id bigint, ADD COLUMN login_count integer;
INSERT INTO user_profiles (username, email, first_name, last_name, bio, account_id, login_count)
SELECT 'user_' || i, 'user_' || i || '@example.com', 'First' || i, 'Last' || i, 'Bio text for user ' || i,
       1 + i % 1000, i % 50
FROM generate_series(1, $rows) AS i;
VACUUM ANALYZE;
SQL

# The seeds' naive statements, as a team would write them.
cat > "$work/0001_naive.sql" <<'SQL'
ALTER TABLE user_profiles ADD COLUMN verified_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX user_profiles_created_at_idx ON user_profiles (created_at);
ALTER TABLE user_profiles ADD CONSTRAINT user_profiles_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);
ALTER TABLE user_profiles ALTER COLUMN first_name SET NOT NULL;
ALTER TABLE user_profiles ALTER COLUMN login_count TYPE bigint;
UPDATE user_profiles SET last_name = upper(last_name);
SQL

bench_probe_scripts

now() { date +%s.%N; }
results=()

# What both methods must end with: the schema, and every row's columns the probe leaves alone.
digest() {
  psql -At -c "SELECT md5(string_agg(concat_ws('|', id, username, email, first_name, last_name, account_id,
                 login_count, verified_at IS NOT NULL), ',' ORDER BY id)) FROM user_profiles"
}

scenario() {  # scenario NAME RUN COMMAND...
  local name=$1 run=$2; shift 2
  local db="run_${name}_$run"
  psql -d postgres -c "CREATE DATABASE $db TEMPLATE tmpl"
  export PGDATABASE=$db
  "$bin/pgbench" -n -c "$clients" -j 2 -R "$rate" -T 3600 -D maxid="$rows" \
    -f "$work/read.sql@8" -f "$work/update.sql@2" -l --log-prefix="$work/$db.probe" \
    >"$work/$db.pgbench.out" 2>"$work/$db.pgbench.err" &
  local pgbench_pid=$!
  sleep 3  # probe warm-up (timing, not synchronisation: the statistics window starts at t0)
  local t0 t1
  t0=$(now)
  "$@" >"$work/$db.out" 2>"$work/$db.err" || { echo "$name failed:"; cat "$work/$db.err"; exit 1; }
  t1=$(now)
  sleep 2
  kill -TERM "$pgbench_pid" 2>/dev/null || true
  wait "$pgbench_pid" 2>/dev/null || true
  local stats count failed aborted p50 p99 max wall
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  stats=$(cat "$work/$db".probe.* | awk -v a="$t0" -v b="$t1" -v lat="$work/$db.lat" '
    { done = $5 + $6 / 1e6; if (done < a || done > b + 1) next;
      if ($3 == "failed") { failed++; next }
      n++; print $3 / 1000 > lat }
    END { printf "%d %d", n, failed + 0 }')
  count=${stats% *}
  failed=${stats#* }
  aborted=$(grep -c "aborted" "$work/$db.pgbench.err" || true)
  p50=$(sort -n "$work/$db.lat" | awk '{ v[NR] = $1 } END { i = int(NR * 0.5 + 0.5); if (i < 1) i = 1; printf "%.1f", v[i] }')
  p99=$(sort -n "$work/$db.lat" | awk '{ v[NR] = $1 } END { i = int(NR * 0.99 + 0.5); if (i < 1) i = 1; printf "%.1f", v[i] }')
  max=$(sort -n "$work/$db.lat" | tail -1 | awk '{ printf "%.1f", $1 }')
  "$bin/pg_dump" -s --exclude-schema=slipway -d "$db" | grep -v -e '^-- Dumped' -e '^\\restrict' -e '^\\unrestrict' >"$work/$name.$run.schema"
  digest >"$work/$name.$run.digest"
  results+=("| $name | $run | $wall | $p50 | $p99 | $max | $count | $((failed + aborted)) |")
  echo "== $name run $run: wall ${wall}s, probe p50 $p50 p99 $p99 max $max ms, $count probes, $((failed + aborted)) failed"
  unset PGDATABASE
  psql -d postgres -c "DROP DATABASE $db WITH (FORCE)"
}

for run in $(seq 1 "$runs"); do
  scenario psql "$run" psql -f "$work/0001_naive.sql"
  scenario slipway "$run" "$slipway" --postgres-url "host=$work port=$port user=postgres dbname=run_slipway_$run" \
    --lock-timeout "$lock_timeout" apply --layout plain "$work/0001_naive.sql"
done

same_schema=yes
same_data=yes
cmp -s "$work/psql.1.schema" "$work/slipway.1.schema" || same_schema="NO (diff below)"
cmp -s "$work/psql.1.digest" "$work/slipway.1.digest" || same_data=NO

mkdir -p "$(dirname "$out")"
{
  echo "rows=$rows, probe: pgbench -R $rate -c $clients (80% point reads, 20% point updates by random id), slipway --lock-timeout $lock_timeout, $(nproc) cores, $runs run(s) each"
  echo
  echo "| method | run | wall s | probe p50 ms | probe p99 ms | probe max ms | probes | failed |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${results[@]}"
  echo
  echo "same final schema (pg_dump -s): $same_schema; same data (digest of the columns the probe does not write): $same_data"
  [[ $same_schema == yes ]] || diff "$work/psql.1.schema" "$work/slipway.1.schema" | head -40
} | tee "$out"
echo "written to $out"
