#!/usr/bin/env bash
# Backfill benchmark: builds bench/backfill_bench and runs it on a throwaway cluster.
#   bench/backfill.sh [--rows N[,N...]] [--runs R] [--methods a,b,...] [--probe-rate TPS] [--durable]
#                     [--slipway PATH]
# Defaults: 2,000,000 rows, 1 run, every method. Several sizes (--rows 200000,2000000) are seeded
# in turn and get every method each. Results: JSON lines, then one markdown table per size and
# the flatness of slipway's rows/s between the smallest and the largest size.
# The slipway methods run this build's `slipway start`, so the slipway target is built too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SLIPWAY_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-RelWithDebInfo} >/dev/null
cmake --build "$build" -j"$(nproc)" --target slipway backfill_bench >/dev/null
exec "$build/bench/backfill_bench" "$@"
