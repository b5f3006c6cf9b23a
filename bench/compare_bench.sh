#!/usr/bin/env bash
# The compare benchmark: two private PostgreSQL 15 clusters (source and target, linked by
# logical replication for the live case), the seed table user_profiles on both, and four ways
# to find what differs, side by side in one run:
#   client-fetch  fetch both tables ordered by key and compare in the client (COPY | diff)
#   fdw-except    postgres_fdw on the target, EXCEPT ALL both ways
#   whole-md5     one md5 over each whole table (pgcopydb's way; says only "differs or not")
#   slipway       slipway compare
# Cases: identical; 100 random rows differing (updates, deletes, inserts); 1% of the rows
# differing; identical while ~500 writes/s replicate from source to target.
# Each method runs REPS times per case; the table gives the median and the spread (min-max).
#
#   bench/compare_bench.sh                  # ROWS=2000000 REPS=3
#   ROWS=200000 REPS=1 bench/compare_bench.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SLIPWAY_BUILD_DIR:-$root/build}
rows=${ROWS:-2000000}
reps=${REPS:-3}
bin=/usr/lib/postgresql/15/bin
out=${OUT:-$root/bench/results/compare-$(date -u +%Y%m%dT%H%M%SZ).md}

[[ -f $build/CMakeCache.txt ]] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target slipway -j2 >/dev/null
slipway=$build/slipway

work=$(mktemp -d /tmp/slipway-compare-bench.XXXXXX)
src_port=$((20000 + RANDOM % 20000))
tgt_port=$((src_port + 1))
as_pg=()
writer_pid=
cleanup() {
  [[ -n $writer_pid ]] && kill "$writer_pid" 2>/dev/null || true
  for side in src tgt; do "${as_pg[@]}" "$bin/pg_ctl" -D "$work/$side" -m immediate stop >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
if [[ $(id -u) -eq 0 ]]; then
  chown -R postgres: "$work"   # initdb refuses to run as root
  as_pg=(runuser -u postgres --)
fi
for side in src tgt; do
  port=$src_port; [[ $side == tgt ]] && port=$tgt_port
  "${as_pg[@]}" "$bin/initdb" -D "$work/$side" -U postgres -A trust >/dev/null
  "${as_pg[@]}" "$bin/pg_ctl" -D "$work/$side" -l "$work/$side.log" -w start \
    -o "-p $port -k $work -c listen_addresses='' -c shared_buffers=256MB -c max_wal_size=4GB \
        -c wal_level=logical -c synchronous_commit=off -c work_mem=64MB" >/dev/null
done
src="host=$work port=$src_port user=postgres dbname=bench"
tgt="host=$work port=$tgt_port user=postgres dbname=bench"
psql() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
for c in "$src" "$tgt"; do psql "${c/dbname=bench/dbname=postgres}" -c "CREATE DATABASE bench"; done
psql "$src" -f "$root/bench/user_profiles.sql"
psql "$tgt" -f "$root/bench/user_profiles.sql"
echo "loading $rows rows"
psql "$src" -c "INSERT INTO user_profiles (username, email, first_name, last_name, bio)
  SELECT 'user_' || i, 'user_' || i || '@example.com', 'First' || i, 'Last' || i, 'Bio text for user ' || i
  FROM generate_series(1, $rows) AS i" -c "VACUUM ANALYZE user_profiles"
# The target: a copy by the replication itself (initial sync), kept for the live case.
psql "$src" -c "CREATE PUBLICATION bench FOR TABLE user_profiles"
psql "$tgt" -c "CREATE SUBSCRIPTION bench CONNECTION '$src' PUBLICATION bench"
until [[ $(psql "$tgt" -Atc "SELECT count(*) FROM user_profiles") == "$rows" ]]; do sleep 1; done
psql "$tgt" -c "VACUUM ANALYZE user_profiles"
psql "$tgt" -c "CREATE EXTENSION postgres_fdw" \
  -c "CREATE SERVER source FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$work', port '$src_port', dbname 'bench', fetch_size '10000')" \
  -c "CREATE USER MAPPING FOR postgres SERVER source OPTIONS (user 'postgres')" \
  -c "CREATE SCHEMA src" -c "IMPORT FOREIGN SCHEMA public LIMIT TO (user_profiles) FROM SERVER source INTO src"

now() { date +%s.%N; }
# Each method prints "<differences found> <rows transferred>" on its last line.
client_fetch() {
  local copy="COPY (SELECT * FROM user_profiles ORDER BY id) TO STDOUT"
  psql "$src" -c "$copy" >"$work/a.tsv"
  psql "$tgt" -c "$copy" >"$work/b.tsv"
  local n; n=$(diff "$work/a.tsv" "$work/b.tsv" | grep -c '^[<>]' || true)
  echo "$n $(( $(wc -l <"$work/a.tsv") + $(wc -l <"$work/b.tsv") ))"
  rm -f "$work/a.tsv" "$work/b.tsv"
}
fdw_except() {
  local n; n=$(psql "$tgt" -Atc "SELECT count(*) FROM ((SELECT * FROM src.user_profiles EXCEPT ALL SELECT * FROM public.user_profiles)
    UNION ALL (SELECT * FROM public.user_profiles EXCEPT ALL SELECT * FROM src.user_profiles)) d")
  echo "$n $(psql "$src" -Atc "SELECT count(*) FROM user_profiles")"
}
whole_md5() {
  local q="SELECT md5(string_agg(t::text, E'\n' ORDER BY id)) FROM user_profiles t"
  local a b; a=$(psql "$src" -Atc "$q"); b=$(psql "$tgt" -Atc "$q")
  [[ $a == "$b" ]] && echo "0 2" || echo "1 2"
}
slipway_compare() {
  local rc=0
  /usr/bin/time -f %M -o "$work/rss" "$slipway" --json compare --source "$src" --target "$tgt" --table user_profiles \
    --progress none --recheck-delay 500ms >"$work/report.json" 2>"$work/report.err" || rc=$?
  echo "$(cat "$work/rss") KB" >>"$work/rss.all"
  [[ $rc -le 1 ]] || { cat "$work/report.err" >&2; exit 1; }
  python3 -c "import json,sys; t=json.load(open('$work/report.json'))['tables'][0]; print(len(t['differences']), t['rows_fetched'])"
}

declare -A median spread found moved
run_case() {
  local case=$1
  for method in client_fetch fdw_except whole_md5 slipway_compare; do
    local times=() last
    for ((r = 1; r <= reps; r++)); do
      local t0 t1; t0=$(now)
      last=$($method | tail -1)
      t1=$(now)
      times+=("$(echo "$t1 - $t0" | bc)")
    done
    sorted=$(printf '%s\n' "${times[@]}" | sort -g)
    median[$case,$method]=$(echo "$sorted" | sed -n "$(( (reps + 1) / 2 ))p")
    spread[$case,$method]="$(echo "$sorted" | head -1 | xargs printf '%.2f')-$(echo "$sorted" | tail -1 | xargs printf '%.2f')"
    found[$case,$method]=${last%% *}
    moved[$case,$method]=${last##* }
    printf '%-10s %-16s median %6.2f s  spread %s  found %s  rows moved %s\n' "$case" "$method" \
      "${median[$case,$method]}" "${spread[$case,$method]}" "${found[$case,$method]}" "${moved[$case,$method]}"
  done
}

cases=()
wait_caught_up() {
  until [[ $(psql "$src" -Atc "SELECT coalesce(bool_and(confirmed_flush_lsn >= pg_current_wal_lsn()), true) FROM pg_replication_slots") == t ]]; do sleep 0.2; done
}
# The differences are planted on the target only (logical replication does not send them back);
# the subscription is disabled meanwhile so later source writes cannot hide them.
plant() {
  local n=$1
  psql "$tgt" -c "ALTER SUBSCRIPTION bench DISABLE"
  psql "$tgt" -c "WITH r AS (SELECT id FROM user_profiles ORDER BY md5(id::text || 'u') LIMIT $((n * 2 / 5)))
      UPDATE user_profiles p SET bio = 'planted' FROM r WHERE p.id = r.id" \
    -c "WITH r AS (SELECT id FROM user_profiles ORDER BY md5(id::text || 'd') LIMIT $((n * 2 / 5)))
      DELETE FROM user_profiles p USING r WHERE p.id = r.id" \
    -c "INSERT INTO user_profiles (id, username, email) SELECT $rows + g, 'x' || g, 'x' || g || '@x' FROM generate_series(1, $((n - 4 * n / 5))) g"
}
unplant() {
  psql "$tgt" -c "TRUNCATE user_profiles" -c "INSERT INTO user_profiles SELECT * FROM src.user_profiles" -c "VACUUM ANALYZE user_profiles"
  psql "$tgt" -c "ALTER SUBSCRIPTION bench ENABLE"
}

wait_caught_up
echo "== identical"; run_case identical; cases+=(identical)
plant 100; echo "== 100 rows differ"; run_case 100-rows; cases+=(100-rows); unplant
plant $((rows / 100)); echo "== 1% differ"; run_case 1-percent; cases+=(1-percent); unplant
wait_caught_up
echo "== identical, 500 writes/s replicating"
printf '\\set id random(1, %d)\nUPDATE user_profiles SET bio = md5(random()::text) WHERE id = :id;\n' "$rows" >"$work/writer.sql"
"$bin/pgbench" -n -c 2 -R 500 -T 100000 -f "$work/writer.sql" "$src" >"$work/writer.out" 2>&1 &
writer_pid=$!
run_case live; cases+=(live)
kill "$writer_pid"; writer_pid=

{
  echo "# compare: $rows rows, $reps runs per method and case ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "| case | method | median s | spread s | rows/s | vs client-fetch | vs fdw-except | found | rows moved |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for c in "${cases[@]}"; do
    for m in client_fetch fdw_except whole_md5 slipway_compare; do
      printf '| %s | %s | %.2f | %s | %.0f | %.2fx | %.2fx | %s | %s |\n' "$c" "$m" "${median[$c,$m]}" "${spread[$c,$m]}" \
        "$(echo "$rows / ${median[$c,$m]}" | bc -l)" "$(echo "${median[$c,client_fetch]} / ${median[$c,$m]}" | bc -l)" \
        "$(echo "${median[$c,fdw_except]} / ${median[$c,$m]}" | bc -l)" "${found[$c,$m]}" "${moved[$c,$m]}"
    done
  done
  echo
  echo "slipway's peak RSS over all its runs: $(sort -n "$work/rss.all" | tail -1) (with ROWS=$rows)."
  echo
  echo "found: differing rows reported (diff/EXCEPT count a changed row twice: once per side; whole-md5 says 1 for"
  echo "\"differs\"); rows moved: rows that crossed the network to the comparing process."
} | tee "$out"
