# What the benchmark scripts share (sourced, not run): building slipway, a work directory that
# the postgres user can use when run as root, and a private PostgreSQL 15 cluster on a Unix
# socket in it, stopped and removed at exit.
bin=/usr/lib/postgresql/15/bin

# bench_build TARGET...: configures $build if needed and builds the targets; sets $slipway.
bench_build() {
  [[ -f $build/CMakeCache.txt ]] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" --target "$@" -j2 >/dev/null
  slipway=$build/slipway
}

# bench_cluster NAME [server options]: $work (a fresh directory), $port, the cluster in
# $work/data started with the options, PGHOST/PGPORT/PGUSER exported, a psql() that stops on
# the first error, and an EXIT trap that removes it all.
bench_cluster() {
  local name=$1; shift
  work=$(mktemp -d "/tmp/slipway-$name-bench.XXXXXX")
  port=$((20000 + RANDOM % 20000))
  pg_as_root=()
  trap '"${pg_as_root[@]}" "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres: "$work"  # initdb refuses to run as root
    pg_as_root=(runuser -u postgres --)
  fi
  "${pg_as_root[@]}" "$bin/initdb" -D "$work/data" -U postgres -A trust >/dev/null
  "${pg_as_root[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w start \
    -o "-p $port -k $work -c listen_addresses='' $*" >/dev/null
  export PGHOST=$work PGPORT=$port PGUSER=postgres
}
psql() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

# bench_probe_scripts: the application probe's pgbench scripts in $work (read.sql, update.sql):
# a point read and a point update of user_profiles by random id (pgbench -D maxid=ROWS).
bench_probe_scripts() {
  cat > "$work/read.sql" <<'SQL'
\set id random(1, :maxid)
SELECT * FROM user_profiles WHERE id = :id;
SQL
  cat > "$work/update.sql" <<'SQL'
\set id random(1, :maxid)
UPDATE user_profiles SET bio = 'probe ' || :id WHERE id = :id;
SQL
}
