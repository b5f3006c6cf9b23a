#!/usr/bin/env python3
"""Pick the judged sample of 30 disagreements from a lint_vs_squawk.sh disagreement TSV (default: bench/results/lint-vs-squawk.disagreements.tsv).

Strata: (tool, rule) of the disagreement row. Each stratum gets one row; the remaining rows
(30 - number of strata) go to the strata in proportion to their size (largest remainder).
Within a stratum rows are drawn with random.Random(SEED).sample over the rows in TSV order.
"""
import csv, collections, random, sys
SEED, N = 21, 30
path = sys.argv[1] if len(sys.argv) > 1 else "bench/results/lint-vs-squawk.disagreements.tsv"
rows = list(csv.DictReader(open(path), delimiter="\t"))
strata = collections.defaultdict(list)
for r in rows:
    strata[(r["tool"], r["rule"])].append(r)
keys = sorted(strata, key=lambda k: (-len(strata[k]), k))
alloc = {k: 1 for k in keys}
extra = N - len(keys)
total = sum(len(v) for v in strata.values())
share = {k: extra * len(strata[k]) / total for k in keys}
for k in keys:
    alloc[k] += int(share[k])
left = N - sum(alloc.values())
for k in sorted(keys, key=lambda k: (-(share[k] - int(share[k])), k))[:left]:
    alloc[k] += 1
rng = random.Random(SEED)
n = 0
for k in keys:
    pick = rng.sample(strata[k], min(alloc[k], len(strata[k])))
    for r in pick:
        n += 1
        print("\t".join([str(n), r["tool"], r["rule"], f'{r["file"]}:{r["line"]}', r["sql"][:120],
                         r["same_file"]]))
print(f"# strata={len(keys)} allocation=" + ", ".join(f"{k[0]}/{k[1]}={alloc[k]}/{len(strata[k])}" for k in keys), file=sys.stderr)
