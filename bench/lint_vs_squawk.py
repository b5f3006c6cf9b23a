#!/usr/bin/env python3
"""Runner and aggregation for bench/lint_vs_squawk.sh (stdlib only; run through that script).

Runs `slipway lint --format json` and `squawk --reporter json` over the same sorted file list,
one process at a time, measuring each process's CPU time (user+sys, from wait4's rusage), then
compares the findings statement by statement and writes a markdown report and a TSV of every
disagreement.

Statements are slipway's: `slipway lint --format json --explain` (one extra, untimed run) gives
the start and end of every statement in every file, and each squawk finding is placed in the
statement whose range holds its start position (squawk's line and column are 0-based).
"""
import argparse
import bisect
import collections
import datetime
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time

# squawk 2.66.0's rules (its Rule enum; the same names appear in the binary's rule table).
# require-table-schema is opt-in; require-timeout-settings is an opt-in alias for
# require-lock-timeout + require-statement-timeout, which are on by default.
SQUAWK_RULES = [
    "require-concurrent-index-creation", "require-concurrent-index-deletion",
    "constraint-missing-not-valid", "adding-field-with-default", "adding-foreign-key-constraint",
    "changing-column-type", "adding-not-nullable-field", "adding-serial-primary-key-field",
    "renaming-column", "renaming-table", "disallowed-unique-constraint", "ban-drop-database",
    "prefer-bigint-over-int", "prefer-bigint-over-smallint", "prefer-identity", "prefer-repack",
    "prefer-robust-stmts", "prefer-text-field", "prefer-timestamp-tz", "ban-char-field",
    "ban-drop-column", "ban-drop-table", "ban-drop-not-null", "transaction-nesting",
    "adding-required-field", "ban-concurrent-index-creation-in-transaction", "unused-ignore",
    "ban-create-domain-with-constraint", "ban-alter-domain-with-add-constraint",
    "ban-truncate-cascade", "require-timeout-settings", "ban-uncommitted-transaction",
    "require-enum-value-ordering", "require-table-schema", "identifier-too-long",
    "require-concurrent-partition-detach", "require-concurrent-reindex", "require-lock-timeout",
    "require-statement-timeout", "ban-duplicate-column-assignments",
]
SQUAWK_OPT_IN = {"require-table-schema", "require-timeout-settings"}

# squawk rule -> the slipway rules that report the same hazard on the same statement. Read
# from squawk's rule sources: constraint-missing-not-valid also fires on ADD UNIQUE / PRIMARY
# KEY without USING INDEX, on EXCLUDE, and on VALIDATE in the transaction that added the
# constraint NOT VALID; adding-field-with-default fires on volatile defaults and on generated
# columns; adding-not-nullable-field is squawk's SET NOT NULL rule; adding-serial-primary-key-
# field is ADD PRIMARY KEY without USING INDEX; prefer-repack is VACUUM FULL / CLUSTER.
MAPPING = {
    "require-concurrent-index-creation": ["require-concurrent-index-creation"],
    "require-concurrent-index-deletion": ["require-concurrent-index-deletion"],
    "constraint-missing-not-valid": ["constraint-missing-not-valid", "adding-unique-constraint",
                                     "adding-exclusion-constraint", "validate-in-same-transaction"],
    "adding-foreign-key-constraint": ["constraint-missing-not-valid"],
    "adding-field-with-default": ["adding-field-with-volatile-default",
                                  "adding-serial-or-generated-column"],
    "changing-column-type": ["changing-column-type"],
    "adding-not-nullable-field": ["setting-not-null"],
    "adding-serial-primary-key-field": ["adding-unique-constraint"],
    "disallowed-unique-constraint": ["adding-unique-constraint"],
    "renaming-column": ["renaming-column"],
    "renaming-table": ["renaming-table"],
    "ban-drop-database": ["ban-drop-database"],
    "prefer-bigint-over-int": ["prefer-bigint"],
    "prefer-bigint-over-smallint": ["prefer-bigint"],
    "prefer-identity": ["prefer-identity"],
    "prefer-repack": ["rewriting-table"],
    "prefer-robust-stmts": ["prefer-robust-stmts"],
    "prefer-text-field": ["prefer-text-field"],
    "prefer-timestamp-tz": ["prefer-timestamptz"],
    "ban-char-field": ["ban-char-field"],
    "ban-drop-column": ["ban-drop-column"],
    "ban-drop-table": ["ban-drop-table"],
    "adding-required-field": ["adding-required-field"],
    "ban-concurrent-index-creation-in-transaction": ["concurrently-in-transaction"],
    "ban-truncate-cascade": ["ban-truncate-cascade"],
    "require-concurrent-partition-detach": ["detach-partition-without-concurrently"],
    "require-concurrent-reindex": ["require-concurrent-reindex"],
    "require-lock-timeout": ["missing-lock-timeout"],
    "require-statement-timeout": ["missing-statement-timeout"],
    "syntax-error": ["syntax-error"],
}


# Rules that both tools report at most once per file, at the first statement that qualifies:
# the tools may pick different statements of the same file, so for these the report also says
# whether the other tool flags the same file elsewhere.
ONCE_PER_FILE = {"require-lock-timeout", "require-statement-timeout", "missing-lock-timeout",
                 "missing-statement-timeout"}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    for a in ("work", "files", "corpus", "slipway", "slipway-version", "squawk", "squawk-version",
              "squawk-how", "tsv", "out"):
        p.add_argument("--" + a, required=True)
    p.add_argument("--runs", type=int, required=True)
    return p.parse_args()


def die(msg):
    print("lint_vs_squawk: " + msg, file=sys.stderr)
    sys.exit(1)


def batches(files, cmd_len):
    """Split files so that one command line stays well inside ARG_MAX (same split for both)."""
    arg_max = os.sysconf("SC_ARG_MAX")
    env_bytes = sum(len(k) + len(v) + 2 for k, v in os.environ.items())
    budget = min(arg_max // 2, 1 << 20) - env_bytes - cmd_len - 4096
    if os.environ.get("LINT_VS_SQUAWK_BATCH_BYTES"):  # for testing the batching
        budget = int(os.environ["LINT_VS_SQUAWK_BATCH_BYTES"])
    out, cur, size = [], [], 0
    for f in files:
        n = len(f.encode()) + 1 + 8  # the string, its NUL, its argv pointer
        if cur and size + n > budget:
            out.append(cur)
            cur, size = [], 0
        cur.append(f)
        size += n
    if cur:
        out.append(cur)
    return out


def run_once(cmd, stdout_path, stderr_path):
    """Run one process; return (cpu seconds user+sys, wall seconds, exit code)."""
    with open(stdout_path, "wb") as so, open(stderr_path, "wb") as se:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=so, stderr=se, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return ru.ru_utime + ru.ru_stime, wall, proc.returncode


def run_tool(name, base_cmd, file_batches, work, tag, ok_codes=(0, 1)):
    """Run the tool over all batches (sequentially); return cpu, wall, list of output paths."""
    cpu = wall = 0.0
    outs = []
    for i, b in enumerate(file_batches):
        o = os.path.join(work, f"{name}.{tag}.{i}.json")
        e = os.path.join(work, f"{name}.{tag}.{i}.err")
        c, w, rc = run_once(base_cmd + b, o, e)
        if rc not in ok_codes:
            with open(e, errors="replace") as fh:
                err = fh.read()[-2000:]
            die(f"{name} exited {rc} (batch {i + 1}/{len(file_batches)}, run {tag}):\n{err}")
        cpu += c
        wall += w
        outs.append(o)
    return cpu, wall, outs


def digest(paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def load_json(path, name):
    try:
        with open(path) as fh:
            return json.load(fh)
    except ValueError as e:
        die(f"{name} output {path} is not JSON: {e}")


def merge_slipway(paths):
    files, findings, summary = [], [], collections.Counter()
    for p in paths:
        d = load_json(p, "slipway")
        files += d["files"]
        findings += d["findings"]
        summary.update(d["summary"])
    return {"files": files, "findings": findings, "summary": dict(summary)}


def merge_squawk(paths):
    out = []
    for p in paths:
        d = load_json(p, "squawk")
        if not isinstance(d, list):
            die(f"squawk output {p}: expected a JSON array")
        out += d
    return out


def fmt_s(x):
    return f"{x:.3f}"


def md_table(header, rows, align=None):
    align = align or ["---"] * len(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(lines)


def main():
    a = parse_args()
    with open(a.files) as fh:
        files = [l.rstrip("\n") for l in fh if l.strip()]
    corpus = a.corpus.rstrip("/") + "/"

    def rel(p):
        return p[len(corpus):] if p.startswith(corpus) else p

    sl_cmd = [a.slipway, "lint", "--format", "json", "--config",
              os.path.join(a.work, "empty.slipway.toml")]
    sq_cmd = [a.squawk, "--reporter", "json", "--config",
              os.path.join(a.work, "empty.squawk.toml")]
    cmd_len = max(sum(len(x) + 9 for x in c) for c in (sl_cmd, sq_cmd))
    fb = batches(files, cmd_len)
    log = lambda m: print("lint_vs_squawk: " + m, file=sys.stderr, flush=True)
    log(f"{len(files)} files in {len(fb)} batch(es) per tool invocation")

    # Warm-up run of each (untimed; its output is the one analysed), then the statement map.
    _, _, sl_out = run_tool("slipway", sl_cmd, fb, a.work, "warm")
    _, _, sq_out = run_tool("squawk", sq_cmd, fb, a.work, "warm")
    sl_digest, sq_digest = digest(sl_out), digest(sq_out)
    _, _, ex_out = run_tool("slipway-explain", sl_cmd[:4] + ["--explain"] + sl_cmd[4:], fb,
                            a.work, "explain")
    slip = merge_slipway(sl_out)
    expl = merge_slipway(ex_out)
    squawk = merge_squawk(sq_out)
    if expl["findings"] != slip["findings"]:
        log("warning: slipway --explain reported different findings than the plain run")

    # Timed runs: alternate the tools so that drift on the machine hits both alike.
    times = {"slipway": [], "squawk": []}
    for r in range(a.runs):
        for name, cmd, ref in (("slipway", sl_cmd, sl_digest), ("squawk", sq_cmd, sq_digest)):
            cpu, wall, outs = run_tool(name, cmd, fb, a.work, f"run{r}")
            if digest(outs) != ref:
                log(f"warning: {name} output differs between runs (run {r + 1})")
            times[name].append((cpu, wall))
            for o in outs:
                os.unlink(o)
        log(f"run {r + 1}/{a.runs}: slipway {fmt_s(times['slipway'][-1][0])} s CPU, "
            f"squawk {fmt_s(times['squawk'][-1][0])} s CPU")

    # ---- statements (slipway's split) ----
    stmts = {}  # file -> sorted list of (start(line,col), end(line,col), kind)
    for f in expl["files"]:
        lst = []
        for c in f.get("classification", []):
            lst.append(((c["start"]["line"], c["start"]["column"]),
                        (c["end"]["line"], c["end"]["column"]), c.get("kind", "")))
        lst.sort()
        stmts[f["path"]] = lst
    n_statements = slip["summary"].get("statements", sum(len(v) for v in stmts.values()))

    def place(path, line, col):
        """Statement key (start line, start col) holding position (1-based line, col)."""
        lst = stmts.get(path) or []
        starts = [s for s, _, _ in lst]
        i = bisect.bisect_right(starts, (line, col)) - 1
        if i >= 0 and (line, col) <= lst[i][1]:
            return lst[i][0], True
        return (line, 0), False

    # ---- findings keyed by statement ----
    # (file, stmt) -> tool -> rule -> [messages]
    by_stmt = collections.defaultdict(lambda: {"slipway": collections.defaultdict(list),
                                               "squawk": collections.defaultdict(list)})
    sl_count, sq_count = collections.Counter(), collections.Counter()
    unplaced = 0
    for x in slip["findings"]:
        st = x.get("statement")
        key = (st["start"]["line"], st["start"]["column"]) if st else (x["line"], 0)
        by_stmt[(x["file"], key)]["slipway"][x["rule"]].append(x["message"])
        sl_count[x["rule"]] += 1
    for x in squawk:
        key, ok = place(x["file"], x["line"] + 1, x["column"] + 1)
        unplaced += not ok
        by_stmt[(x["file"], key)]["squawk"][x["rule_name"]].append(x["message"])
        sq_count[x["rule_name"]] += 1

    rev = collections.defaultdict(set)
    for q, rs in MAPPING.items():
        for r in rs:
            rev[r].add(q)

    sl_rules = []
    try:
        lr = subprocess.run([a.slipway, "lint", "--list-rules"], capture_output=True, text=True,
                            check=True).stdout
        sl_rules = [l.split()[0] for l in lr.splitlines() if l.strip()]
    except (subprocess.CalledProcessError, OSError):
        pass
    sl_known = sorted(set(sl_rules) | set(sl_count))
    sq_known = sorted(set(SQUAWK_RULES) | set(sq_count) - {"syntax-error"})

    # ---- disagreements ----
    line_cache = {}

    def sql_first_line(path, key):
        if path not in line_cache:
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    line_cache[path] = fh.read().splitlines()
            except OSError:
                line_cache[path] = []
        lines = line_cache[path]
        ln, col = key
        if not 1 <= ln <= len(lines):
            return ""
        text = lines[ln - 1][max(col - 1, 0):].strip()
        return text.replace("\t", " ")[:200]

    # file -> tool -> rule -> statement lines (for the once-per-file rules)
    in_file = collections.defaultdict(lambda: {"slipway": collections.defaultdict(list),
                                               "squawk": collections.defaultdict(list)})
    for (path, key), tools in by_stmt.items():
        for tool in tools:
            for rule in tools[tool]:
                in_file[path][tool][rule].append(key)
    elsewhere = {"slipway": collections.Counter(), "squawk": collections.Counter()}
    stmt_flag = {"slipway": collections.Counter(), "squawk": collections.Counter()}
    agree = {"slipway": collections.Counter(), "squawk": collections.Counter()}
    only = {"slipway": collections.Counter(), "squawk": collections.Counter()}
    only_by_project = collections.Counter()
    rows = []
    for (path, key), tools in sorted(by_stmt.items()):
        sq_rules, sl_rules_here = set(tools["squawk"]), set(tools["slipway"])
        for tool, mine, theirs, cmap in (("squawk", sq_rules, sl_rules_here, MAPPING),
                                         ("slipway", sl_rules_here, sq_rules, rev)):
            for rule in sorted(mine):
                stmt_flag[tool][rule] += 1
                cps = set(cmap.get(rule, ()))
                if not cps:
                    continue  # no counterpart: not a disagreement, only a coverage difference
                if cps & theirs:
                    agree[tool][rule] += 1
                    continue
                only[tool][rule] += 1
                only_by_project[(rel(path).split("/")[0], tool)] += 1
                msgs = tools[tool][rule]
                msg = msgs[0] + (f" (+{len(msgs) - 1} more)" if len(msgs) > 1 else "")
                other = "squawk" if tool == "slipway" else "slipway"
                other_lines = ""
                if rule in ONCE_PER_FILE:
                    ls = sorted({k for c in cps for k in in_file[path][other].get(c, ())})
                    if ls:
                        elsewhere[tool][rule] += 1
                        other_lines = f"{other} reports it on the statement at " + ", ".join(
                            f"{l}:{c}" for l, c in ls)
                rows.append((rel(path), key[0], tool, rule, msg.replace("\t", " ").replace("\n", " "),
                             sql_first_line(path, key), ",".join(sorted(cps)), other_lines))
    with open(a.tsv, "w") as fh:
        fh.write("file\tline\ttool\trule\tmessage\tsql\tcounterpart_rules\tsame_file\n")
        for r in rows:
            fh.write("\t".join(str(c) for c in r) + "\n")

    # ---- markdown ----
    md = []
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cpu_model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu_model = next((l.split(":", 1)[1].strip() for l in fh if l.startswith("model name")), "")
    except OSError:
        pass
    try:
        load = "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load = "?"
    md.append("# slipway lint vs squawk on the migration corpus\n")
    md.append(f"{now}; {platform.node()}, {os.cpu_count()} CPUs ({cpu_model}), load average "
              f"at the end {load}. Generated by `bench/lint_vs_squawk.sh`.\n")
    md.append("## Settings\n")
    md.append(md_table(
        ["", "slipway", "squawk"],
        [["version", a.slipway_version, a.squawk_version],
         ["binary", f"`{a.slipway}`", f"`{a.squawk}` ({a.squawk_how})"],
         ["command", "`slipway lint --format json --config EMPTY FILES...`",
          "`squawk --reporter json --config EMPTY FILES...`"],
         ["PostgreSQL version", "15 (default of `--pg-version`; flag not passed)",
          "15.0 (default of `--pg-version`; flag not passed)"],
         ["assume in transaction", "no (default; `--assume-in-transaction` not passed)",
          "no (default; `--assume-in-transaction` not passed)"],
         ["rules", "all (default)",
          "default set: all but the opt-in require-table-schema / require-timeout-settings"],
         ["config", "explicit empty `.toml` (no `.slipway.toml` lookup)",
          "explicit empty `.squawk.toml` (no lookup)"]]))
    md.append("")
    projects = collections.Counter(rel(f).split("/")[0] for f in files)
    md.append(f"Corpus: `{a.corpus}`, {len(files)} `*.sql` files "
              f"({', '.join(f'{k} {v}' for k, v in sorted(projects.items()))}), "
              f"{n_statements} statements as slipway splits them; every tool invocation gets "
              f"{len(fb)} batch(es) of files, sorted, the same for both.\n")
    n_down = sum(1 for f in files if f.endswith(".down.sql"))
    if n_down:
        md.append(f"**Caveat:** slipway reads the files of one invocation in order and carries "
                  f"schema facts (column types, indexes, NOT NULL checks) from file to file; squawk "
                  f"lints each file on its own. In this sorted list each of the {n_down} "
                  f"`NNNN_*.down.sql` files comes right before its `NNNN_*.up.sql`, so slipway "
                  f"judges a down migration against the schema as it was before the matching up "
                  f"migration (e.g. a type change that undoes the up can look like a no-op).\n")
    if len(fb) > 1:
        md.append("**Caveat:** the file list did not fit one command line. slipway carries schema "
                  "facts (column types, indexes) from file to file within one invocation, so "
                  "its findings near a batch boundary can differ from a single run.\n")

    md.append("## CPU time\n")
    md.append(f"User+sys CPU of the tool's process (wait4 rusage, children included), summed over "
              f"the batches; {a.runs} timed run(s) per tool after one untimed warm-up, the tools "
              f"alternating, one process at a time. Statements/s uses slipway's statement count "
              f"({n_statements}) for both tools.\n")
    trow = []
    for name in ("slipway", "squawk"):
        cpus = [c for c, _ in times[name]]
        walls = [w for _, w in times[name]]
        med = statistics.median(cpus)
        trow.append([name, fmt_s(med), f"{fmt_s(min(cpus))}–{fmt_s(max(cpus))}",
                     fmt_s(statistics.median(walls)),
                     f"{n_statements / med:,.0f}" if med > 0 else "n/a",
                     f"{len(files) / med:,.0f}" if med > 0 else "n/a"])
    md.append(md_table(["tool", "CPU median (s)", "CPU min–max (s)", "wall median (s)",
                        "statements/s (CPU)", "files/s (CPU)"], trow,
                       ["---", "---:", "---:", "---:", "---:", "---:"]))
    sm = statistics.median(c for c, _ in times["slipway"])
    qm = statistics.median(c for c, _ in times["squawk"])
    if sm > 0 and qm > 0:
        md.append(f"\nCPU ratio slipway/squawk (medians): {sm / qm:.2f}.")
    md.append("\nAll runs (CPU s): " + "; ".join(
        f"{n} " + ", ".join(fmt_s(c) for c, _ in times[n]) for n in ("slipway", "squawk")) + "\n")

    md.append("## Findings per rule\n")
    md.append(f"slipway: {sum(sl_count.values())} findings "
              f"({slip['summary'].get('errors', '?')} errors, "
              f"{slip['summary'].get('warnings', '?')} warnings); squawk: "
              f"{sum(sq_count.values())} findings. \"statements\" counts distinct statements "
              f"with at least one finding of the rule; \"agree\" those where the other tool "
              f"reports a counterpart rule on the same statement.\n")
    md.append("### squawk\n")
    r = []
    for q in sorted(set(sq_known) | {"syntax-error"}, key=lambda q: (-sq_count[q], q)):
        cps = MAPPING.get(q, [])
        note = "opt-in, off" if q in SQUAWK_OPT_IN else ""
        r.append([q, sq_count[q], stmt_flag["squawk"][q], agree["squawk"][q] if cps else "",
                  only["squawk"][q] if cps else "", ", ".join(cps) or "— (none)" +
                  (f"; {note}" if note else "")])
    md.append(md_table(["squawk rule", "findings", "statements", "agree", "squawk only",
                        "slipway counterpart"], r, ["---", "---:", "---:", "---:", "---:", "---"]))
    md.append("\n### slipway\n")
    r = []
    for s in sorted(set(sl_known) | {"syntax-error"}, key=lambda s: (-sl_count[s], s)):
        cps = sorted(rev.get(s, ()))
        r.append([s, sl_count[s], stmt_flag["slipway"][s], agree["slipway"][s] if cps else "",
                  only["slipway"][s] if cps else "", ", ".join(cps) or "— (none)"])
    md.append(md_table(["slipway rule", "findings", "statements", "agree", "slipway only",
                        "squawk counterpart"], r, ["---", "---:", "---:", "---:", "---:", "---"]))

    md.append("\n## Rule mapping\n")
    md.append("A squawk rule and a slipway rule are counterparts when they report the same "
              "hazard on the same statement (read from both tools' rule definitions). The "
              "mapping is many-to-many where one tool splits what the other lumps together.\n")
    md.append(md_table(["squawk rule", "slipway rule(s)"],
                       [[q, ", ".join(MAPPING[q])] for q in MAPPING if q != "syntax-error"]))
    sq_none = [q for q in sq_known if q not in MAPPING]
    sl_none = [s for s in sl_known if s not in rev]
    md.append(f"\nsquawk rules without a slipway counterpart: {', '.join(sq_none) or 'none'}.\n")
    md.append(f"slipway rules without a squawk counterpart: {', '.join(sl_none) or 'none'}.\n")
    md.append("Both tools report parse failures as `syntax-error` (counterparts of each other).\n")

    md.append("## Disagreements\n")
    md.append("Per statement: a tool reports a rule that has a counterpart and the other tool "
              "reports none of its counterparts on that statement. Rules without a counterpart "
              "never count. One row per (file, statement, tool, rule) in "
              f"`{os.path.basename(a.tsv)}` (columns: file, line of the statement's start, "
              "tool, rule, message, the statement's first line, counterpart rules, and for the "
              "once-per-file timeout rules where in the file the other tool reports it).\n")
    pair_rows = []
    for tool, cmap in (("squawk", MAPPING), ("slipway", rev)):
        for rule, n in sorted(only[tool].items(), key=lambda kv: (-kv[1], kv[0])):
            pair_rows.append([f"{tool} only", rule, ", ".join(sorted(cmap[rule])), n,
                              elsewhere[tool][rule] if rule in ONCE_PER_FILE else ""])
    md.append(md_table(["reported by", "rule", "missing counterpart", "statements",
                        "of which the other tool flags the file elsewhere"], pair_rows,
                       ["---", "---", "---", "---:", "---:"]))
    md.append(f"\nTotal: {sum(only['squawk'].values())} squawk-only, "
              f"{sum(only['slipway'].values())} slipway-only.\n")
    md.append("\nThe timeout rules are reported once per file by both tools (at the first statement "
              "each considers risky), so a statement-level disagreement on them is often the two "
              "tools picking different statements; the last column counts those. Per file:\n")
    frows = []
    for q, sl in (("require-lock-timeout", "missing-lock-timeout"),
                  ("require-statement-timeout", "missing-statement-timeout")):
        fq = {p for p, t in in_file.items() if t["squawk"].get(q)}
        fs = {p for p, t in in_file.items() if t["slipway"].get(sl)}
        frows.append([f"{q} / {sl}", len(fq), len(fs), len(fq & fs), len(fq - fs), len(fs - fq)])
    md.append(md_table(["squawk / slipway rule", "files squawk", "files slipway", "both",
                        "squawk only", "slipway only"], frows,
                       ["---", "---:", "---:", "---:", "---:", "---:"]))
    md.append("")
    md.append(md_table(["project", "squawk only", "slipway only"],
                       [[p, only_by_project[(p, "squawk")], only_by_project[(p, "slipway")]]
                        for p in sorted(projects)], ["---", "---:", "---:"]))
    sq_syntax_files = sorted({rel(x["file"]) for x in squawk if x["rule_name"] == "syntax-error"})
    sl_syntax_files = sorted({rel(x["file"]) for x in slip["findings"] if x["rule"] == "syntax-error"})
    sq_quiet = [f for f in sq_syntax_files
                if all(x["rule_name"] == "syntax-error" for x in squawk if rel(x["file"]) == f)]
    in_bad = collections.Counter(r[2] for r in rows if r[0] in set(sq_syntax_files) | set(sl_syntax_files))
    md.append(f"\nFiles with a syntax error: squawk {len(sq_syntax_files)}, slipway "
              f"{len(sl_syntax_files)}. In {len(sq_quiet)} of squawk's it reports nothing but the "
              "syntax errors (no rule runs on the file), while slipway skips only the statements "
              "it cannot parse and lints the rest (and, not knowing the tables those statements "
              "create, can flag later statements on them). Disagreement rows in files with a "
              f"syntax error: {in_bad['slipway']} slipway-only, {in_bad['squawk']} squawk-only.")
    skipped = []
    for d, _, names in os.walk(a.corpus):
        skipped += [n for n in names if ".sql." in n]
    if skipped:
        exts = collections.Counter(n[n.index(".sql."):] for n in skipped)
        md.append(f"\nNot in the file list (only `*.sql` is): {len(skipped)} files named "
                  + ", ".join(f"`*{e}` ({c})" for e, c in sorted(exts.items())) + ".")
    if unplaced:
        md.append(f"\n{unplaced} squawk finding(s) fell outside every slipway statement and are "
                  "keyed by their own line.")
    md.append("")
    text = "\n".join(md) + "\n"
    if a.out == "-":
        sys.stdout.write(text)
    else:
        with open(a.out, "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
