#!/usr/bin/env bash
# Backfill benchmark: builds bench/backfill_bench and runs it on a throwaway cluster.
#   bench/backfill.sh [--rows N] [--runs R] [--methods a,b,...] [--probe-rate TPS] [--durable]
# Defaults: 2,000,000 rows, 1 run, every method. Results: JSON lines, then a markdown table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SLIPWAY_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-RelWithDebInfo} >/dev/null
cmake --build "$build" -j"$(nproc)" --target backfill_bench >/dev/null
exec "$build/bench/backfill_bench" "$@"
