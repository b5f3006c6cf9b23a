#!/usr/bin/env bash
# The rewrite benchmark: one run compares, on the seed table user_profiles (2,000,000 rows) under
# a fixed-rate probe (pgbench -R, point reads and updates by random id, per-transaction log):
#   alter-direct     ALTER TABLE ... ALTER COLUMN id TYPE bigint   (int -> bigint)
#   vacuum-full      VACUUM FULL
#   pg_repack        pg_repack -t user_profiles   (extension, installed here with apt if missing)
#   slipway-repack   slipway repack, then --cleanup
#   slipway-rewrite  slipway rewrite --alter "ALTER COLUMN id TYPE bigint", then --cleanup
# For the two int -> bigint runs the table is loaded with an integer id (the seed's id is
# already bigint); the three repacks use the seed's definition as is.
# Reports wall time, time the table was locked against writers (sampled from pg_locks every
# 2 ms; slipway also reports its own measurement of the swap), probe p99/max latency and failed
# probe transactions. Starts a private PostgreSQL 15 cluster on a Unix socket; removes it at exit.
#
#   bench/rewrite_bench.sh                 # ROWS=2000000 RATE=200 by default
#   ROWS=200000 bench/rewrite_bench.sh     # a quick run
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SLIPWAY_BUILD_DIR:-$root/build}
source "$root/bench/lib.sh"
rows=${ROWS:-2000000}
rate=${RATE:-200}
clients=${CLIENTS:-4}
lock_timeout=${LOCK_TIMEOUT:-100ms}
out=${OUT:-$root/bench/results/rewrite-$(date -u +%Y%m%dT%H%M%SZ).md}

if [[ ! -x $bin/pg_repack ]]; then
  echo "installing postgresql-15-repack"
  apt-get install -y -qq postgresql-15-repack >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-15-repack >/dev/null; }
fi
bench_build slipway rewrite_lock_sampler
sampler=$build/bench/rewrite_lock_sampler
bench_cluster rewrite "-c shared_buffers=512MB -c max_wal_size=8GB -c checkpoint_timeout=30min \
  -c maintenance_work_mem=256MB -c synchronous_commit=off"

echo "loading $rows rows into the templates (once)"
psql -d postgres -c "CREATE DATABASE tmpl_bigint"
psql -d tmpl_bigint -c "CREATE EXTENSION pg_repack" -f "$root/bench/user_profiles.sql"
psql -d tmpl_bigint <<SQL
INSERT INTO user_profiles (username, email, first_name, last_name, bio)
SELECT 'user_' || i, 'user_' || i || '@example.com', 'First' || i, 'Last' || i, 'Bio text for user ' || i
FROM generate_series(1, $rows) AS i;
VACUUM ANALYZE user_profiles;
SQL
psql -d postgres -c "CREATE DATABASE tmpl_int TEMPLATE tmpl_bigint"
psql -d tmpl_int -c "ALTER TABLE user_profiles ALTER COLUMN id TYPE integer" -c "VACUUM ANALYZE user_profiles"

bench_probe_scripts

now() { date +%s.%N; }
results=()
details=()

# scenario NAME TEMPLATE COMMAND...: a fresh copy of the template, the probe, the lock sampler,
# then COMMAND; statistics over the probe transactions that completed while it ran.
scenario() {
  local name=$1 tmpl=$2; shift 2
  local db="run_${name//-/_}"
  psql -d postgres -c "CREATE DATABASE $db TEMPLATE $tmpl"
  export PGDATABASE=$db
  rm -f "$work/stop"
  "$sampler" "host=$work port=$port user=postgres dbname=$db" user_profiles "$work/stop" 2 >"$work/$name.locks" &
  local sampler_pid=$!
  "$bin/pgbench" -n -c "$clients" -j 2 -R "$rate" -T 3600 -D maxid="$rows" \
    -f "$work/read.sql@8" -f "$work/update.sql@2" -l --log-prefix="$work/$name.probe" \
    >"$work/$name.pgbench.out" 2>"$work/$name.pgbench.err" &
  local pgbench_pid=$!
  sleep 3  # probe warm-up (timing, not synchronisation: the statistics window starts at t0)
  echo "== $name: $*"
  local t0 t1
  t0=$(now)
  "$@" >"$work/$name.out" 2>"$work/$name.err" || { echo "$name failed:"; cat "$work/$name.err"; exit 1; }
  t1=$(now)
  sleep 3
  touch "$work/stop"
  kill -TERM "$pgbench_pid" 2>/dev/null || true
  wait "$pgbench_pid" 2>/dev/null || true
  wait "$sampler_pid"
  local wall lock stats failed aborted own_lock count
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  lock=$(sed -E 's/.*"blocked_ms": ([0-9.e+-]+).*/\1/' "$work/$name.locks")
  # Per-transaction log: client txn time_us script epoch_s epoch_us [schedule_lag]; "failed" in
  # the time column marks a failed transaction.
  stats=$(cat "$work/$name".probe.* | awk -v a="$t0" -v b="$t1" -v lat="$work/$name.lat" '
    { done = $5 + $6 / 1e6; if (done < a || done > b + 1) next;
      if ($3 == "failed") { failed++; next }
      n++; ms = $3 / 1000; print ms > lat }
    END { printf "%d %d", n, failed + 0 }')
  count=${stats% *}
  failed=${stats#* }
  aborted=$(grep -c "aborted" "$work/$name.pgbench.err" || true)
  local p99 max
  p99=$(sort -n "$work/$name.lat" | awk '{ v[NR] = $1 } END { i = int(NR * 0.99 + 0.5); if (i < 1) i = 1; if (NR) printf "%.1f", v[i]; else print "-" }')
  max=$(sort -n "$work/$name.lat" | tail -1 | awk '{ printf "%.1f", $1 }')
  own_lock=$(grep -ho '"lock_held_ms": [0-9.]*' "$work/$name.out" | head -1 | awk '{ printf "%.1f ms", $2 }' || true)
  [[ -n $own_lock ]] || own_lock="-"
  local phases
  phases=$(grep -h -A12 '"phase_seconds"' "$work/$name.out" 2>/dev/null | tr -d ' \n' | sed -E 's/.*"phase_seconds":\{([^}]*)\}.*/\1/' || true)
  [[ -n $phases ]] && details+=("- $name phases (s): $phases")
  local rowcount
  rowcount=$(psql -At -c "SELECT count(*) FROM user_profiles")
  results+=("| $name | $wall | $(awk -v l="$lock" 'BEGIN { printf "%.0f", l }') | $own_lock | $p99 | $max | $count | $((failed + aborted)) | $rowcount |")
  echo "   wall ${wall}s, locked ${lock} ms (sampled), slipway swap ${own_lock}, probe p99 ${p99} ms max ${max} ms, $count probes, $((failed + aborted)) failed"
  unset PGDATABASE
  psql -d postgres -c "DROP DATABASE $db WITH (FORCE)"
}

url_of() { echo "host=$work port=$port user=postgres dbname=run_${1//-/_}"; }
slipway_pair() {  # run, then end the rollback window: both count in the wall time
  local db=$1; shift
  "$slipway" --postgres-url "$(url_of "$db")" --lock-timeout "$lock_timeout" init >/dev/null
  "$slipway" --postgres-url "$(url_of "$db")" --lock-timeout "$lock_timeout" --json "$@"
  "$slipway" --postgres-url "$(url_of "$db")" --lock-timeout "$lock_timeout" --json "$1" --table user_profiles --cleanup >/dev/null
}

scenario alter-direct tmpl_int psql -c "ALTER TABLE user_profiles ALTER COLUMN id TYPE bigint"
scenario vacuum-full tmpl_bigint psql -c "VACUUM FULL user_profiles"
scenario pg_repack tmpl_bigint "$bin/pg_repack" --no-order -t user_profiles
scenario slipway-repack tmpl_bigint slipway_pair slipway-repack repack --table user_profiles
scenario slipway-rewrite tmpl_int slipway_pair slipway-rewrite rewrite --table user_profiles --alter "ALTER COLUMN id TYPE bigint"

mkdir -p "$(dirname "$out")"
{
  echo "rows=$rows, probe: pgbench -R $rate -c $clients (80% point reads, 20% point updates by random id), slipway --lock-timeout $lock_timeout, $(nproc) cores"
  echo
  echo "| run | wall s | writers blocked ms (sampled) | slipway swap lock | probe p99 ms | probe max ms | probes | failed | rows after |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${results[@]}"
  echo
  printf '%s\n' "${details[@]}"
} | tee "$out"
echo "written to $out"
