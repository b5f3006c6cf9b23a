#!/usr/bin/env bash
# slipway lint against squawk (squawk-cli 2.66.0, the peer linter) on the corpus of real
# migrations in shared/corpus: CPU time of each tool over the same files, findings per rule,
# a rule mapping between the two, and every statement where one tool reports a mapped rule and
# the other does not report its counterpart (full list in a TSV next to the markdown).
#
#   bench/lint_vs_squawk.sh [--slipway PATH] [--runs N] [--corpus DIR] [--out FILE.md]
#
# Defaults (relative to the repo root): --slipway ./build/slipway, --runs 5, --corpus
# ../shared/corpus; the markdown goes to stdout and the TSV to the working directory as
# lint_vs_squawk-disagreements.tsv (with --out X.md: X.disagreements.tsv beside it). squawk is installed with npm (no global install) into
# ${SLIPWAY_TOOLS_DIR:-$HOME/.cache/slipway-tools}/squawk, once. Both tools run with their
# defaults (PostgreSQL 15, no assume-in-transaction, default rule set, an explicit empty config
# file so that no .squawk.toml / .slipway.toml found by walking up from the working directory
# changes anything), sequentially, one process at a time. The aggregation is
# bench/lint_vs_squawk.py (python3, stdlib only).
#
# LINT_VS_SQUAWK_BATCH_BYTES=N caps the bytes of file names per invocation (to test batching).
# Exit codes: 0 done, 1 a tool failed (crashed, exit code other than 0/1, output not JSON),
# 2 bad usage or missing prerequisite (npm, python3, slipway binary, corpus).
set -euo pipefail

SQUAWK_VERSION=2.66.0
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

slipway=$root/build/slipway        # ./build/slipway from the repo root
runs=5
corpus=$root/../shared/corpus     # ../shared/corpus from the repo root
out=
usage() { sed -n '7p' "$0" | sed 's/^#  *//'; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --slipway) slipway=${2:?--slipway needs a path}; shift 2 ;;
    --slipway=*) slipway=${1#*=}; shift ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --corpus) corpus=${2:?--corpus needs a directory}; shift 2 ;;
    --corpus=*) corpus=${1#*=}; shift ;;
    --out) out=${2:?--out needs a file}; shift 2 ;;
    --out=*) out=${1#*=}; shift ;;
    -h|--help) echo "usage: $(usage)"; exit 0 ;;
    *) echo "lint_vs_squawk: unknown argument '$1'" >&2; echo "usage: $(usage)" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "lint_vs_squawk: --runs must be a positive integer, got '$runs'" >&2; exit 2; }
command -v python3 >/dev/null || { echo "lint_vs_squawk: python3 is required" >&2; exit 2; }
[[ -x $slipway && ! -d $slipway ]] || { echo "lint_vs_squawk: slipway binary not found or not executable: $slipway (build it, or pass --slipway PATH)" >&2; exit 2; }
[[ -d $corpus ]] || { echo "lint_vs_squawk: corpus directory not found: $corpus" >&2; exit 2; }
slipway=$(cd "$(dirname "$slipway")" && pwd)/$(basename "$slipway")
corpus=$(cd "$corpus" && pwd)
if [[ -n $out ]]; then
  mkdir -p "$(dirname "$out")"
  out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
  tsv=${out%.md}.disagreements.tsv
else
  tsv=$PWD/lint_vs_squawk-disagreements.tsv
fi

# --- squawk, installed once into the tools cache -------------------------------------------
log() { echo "lint_vs_squawk: $*" >&2; }
if ! command -v npm >/dev/null; then
  log "npm is not installed; it is needed to install squawk-cli@$SQUAWK_VERSION (apt-get install npm)"
  exit 2
fi
tools=${SLIPWAY_TOOLS_DIR:-$HOME/.cache/slipway-tools}
prefix=$tools/squawk
platform=$(node -p 'process.platform + "-" + process.arch' 2>/dev/null || echo unknown)
native=$prefix/node_modules/@squawk-cli/$platform/bin/squawk   # the binary the package ships
wrapper=$prefix/node_modules/.bin/squawk                       # node launcher that execs it
installed_version() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
    "$prefix/node_modules/squawk-cli/package.json" 2>/dev/null || true
}
if [[ $(installed_version) != "$SQUAWK_VERSION" || ! -x $wrapper ]]; then
  log "installing squawk-cli@$SQUAWK_VERSION into $prefix"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "squawk-cli@$SQUAWK_VERSION" >&2
  [[ $(installed_version) == "$SQUAWK_VERSION" ]] || { log "npm did not install squawk-cli@$SQUAWK_VERSION"; exit 2; }
fi
# Time the shipped binary itself: the node launcher adds a node start-up per call that is not
# the linter's work. Fall back to the launcher where the platform package is missing.
if [[ -x $native ]]; then squawk=$native; squawk_how="native binary of @squawk-cli/$platform"
else squawk=$wrapper; squawk_how="npm launcher (node + binary; no native package for $platform)"; fi
squawk_version=$("$squawk" --version 2>&1 | head -1)
slipway_version=$("$slipway" --version 2>&1 | head -1)
[[ $squawk_version == *"$SQUAWK_VERSION"* ]] || { log "unexpected squawk version: $squawk_version"; exit 2; }
log "squawk: $squawk_version ($squawk)"
log "slipway: $slipway_version ($slipway)"

# --- the run ----------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/lint-vs-squawk.XXXXXX")
trap 'rm -rf "$work"' EXIT
find "$corpus" -type f -name '*.sql' -print | LC_ALL=C sort >"$work/files.txt"
[[ -s $work/files.txt ]] || { log "no *.sql files under $corpus"; exit 2; }
log "$(wc -l <"$work/files.txt") files under $corpus, $runs timed run(s) per tool"

# Both tools look for a config file by walking up from the working directory; run them from
# the empty work directory and hand each an explicit empty config so that defaults apply.
: >"$work/empty.slipway.toml"
: >"$work/empty.squawk.toml"
cd "$work"
python3 "$here/lint_vs_squawk.py" \
  --work "$work" --files "$work/files.txt" --corpus "$corpus" --runs "$runs" \
  --slipway "$slipway" --slipway-version "$slipway_version" \
  --squawk "$squawk" --squawk-version "$squawk_version" --squawk-how "$squawk_how" \
  --tsv "$tsv" --out "${out:--}"
[[ -n $out ]] && log "wrote $out"
log "wrote $tsv"
