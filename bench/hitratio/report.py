"""Printing the results: miss-ratio tables, relative improvements, CSV, PNG.

Every result is a row dict with at least ``trace``, ``pct``, ``column``
(``redis:allkeys-lru``, ``hearth:allkeys-lfu``, ``sim:lru``, ...) and
``miss_ratio``; servers' rows also carry ``held`` (DBSIZE at the end).
"""

import csv
import os
import statistics
import subprocess
import sys

SIM_LABELS = {"sim:lru": "LRU", "sim:lru-batched": "LRU-b", "sim:opt": "OPT"}


def label(column):
    """Short column header: R:lru for redis:allkeys-lru, H:v-ttl for hearth:volatile-ttl."""
    if column in SIM_LABELS:
        return SIM_LABELS[column]
    server, policy = column.split(":", 1)
    short = policy.replace("allkeys-", "").replace("volatile-", "v-").replace("noeviction", "noevict")
    return f"{server[0].upper()}:{short}"


def table(header, rows, left=1):
    """Prints an aligned table; the first ``left`` columns are left-aligned."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]

    def line(r):
        return "  ".join(str(c).ljust(w) if i < left else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    print(line(header))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))


def by_cell(results, pct):
    """{trace: {column: row}} for one cache size."""
    cells = {}
    for r in results:
        if r["pct"] == pct:
            cells.setdefault(r["trace"], {})[r["column"]] = r
    return cells


def miss_tables(results, traces, columns, pct, meta):
    traces = [t for t in traces if (t, pct) in meta]
    cells = by_cell(results, pct)
    header = ["trace", "accesses", "distinct", "cache keys", "value B"] + [label(c) for c in columns]
    rows = []
    for t in traces:
        c = cells.get(t, {})
        m = meta[(t, pct)]
        rows.append([t, f"{m['accesses']:,}", f"{m['distinct']:,}", f"{m['capacity']:,}", str(m["value"])]
                    + [f"{100 * c[col]['miss_ratio']:.2f}" if col in c else "-" for col in columns])
    print(f"\nMiss ratio (%) at a cache of {pct}% of each trace's distinct keys (lower is better)\n")
    table(header, rows)
    server_cols = [c for c in columns if not c.startswith("sim:")]
    header = ["trace", "cache keys"] + [label(c) for c in server_cols]
    rows = [[t, f"{meta[(t, pct)]['capacity']:,}"]
            + [f"{cells[t][col]['held']:,}" if col in cells.get(t, {}) else "-" for col in server_cols]
            for t in traces]
    print(f"\nKeys held at the end of the replay (DBSIZE), same runs\n")
    table(header, rows)


def relative(results, traces, hearth_cols, baselines, pct):
    """Relative improvement of each Hearth policy vs each Redis baseline:
    (miss_redis - miss_hearth) / miss_redis; positive means fewer misses."""
    cells = by_cell(results, pct)
    summary = []
    for base in baselines:
        print(f"\nRelative improvement vs {base} (% fewer misses; negative = more misses)\n")
        header = ["trace"] + [label(c) for c in hearth_cols]
        rows = []
        per_col = {c: [] for c in hearth_cols}
        for t in traces:
            row = [t]
            for col in hearth_cols:
                c = cells.get(t, {})
                if col in c and base in c and c[base]["miss_ratio"] > 0:
                    imp = (c[base]["miss_ratio"] - c[col]["miss_ratio"]) / c[base]["miss_ratio"]
                    per_col[col].append(imp)
                    row.append(f"{100 * imp:+.1f}")
                else:
                    row.append("-")
            rows.append(row)
        rows.append(["mean"] + [f"{100 * statistics.mean(v):+.1f}" if v else "-" for v in per_col.values()])
        rows.append(["traces better"] + [f"{sum(1 for x in v if x > 0)}/{len(v)}" for v in per_col.values()])
        table(header, rows)
        summary.append((base, per_col))
    return summary


def verdict(summary):
    """Issue 7's bar for Hearth's own policy, checked for every Hearth policy."""
    if len(summary) < 2:
        return
    (lru_name, lru), (lfu_name, lfu) = summary[0], summary[1]
    print("\nIssue 7 bar: fewer misses than Redis allkeys-lru on every trace, than allkeys-lfu on most,"
          " >= 5% relative on average\n")
    rows = []
    for col in lru:
        a, b = lru[col], lfu.get(col, [])
        if not a or not b:
            continue
        every = all(x > 0 for x in a)
        most = sum(1 for x in b if x > 0) > len(b) / 2
        avg = statistics.mean(a) >= 0.05 and statistics.mean(b) >= 0.05
        rows.append([label(col), f"{sum(1 for x in a if x > 0)}/{len(a)}", f"{sum(1 for x in b if x > 0)}/{len(b)}",
                     f"{100 * statistics.mean(a):+.1f}", f"{100 * statistics.mean(b):+.1f}",
                     "yes" if every and most and avg else "no"])
    table(["policy", f"< {label(lru_name)}", f"< {label(lfu_name)}", "mean vs lru %", "mean vs lfu %", "meets bar"], rows)


def write_csv(results, path):
    keys = ["trace", "pct", "capacity", "column", "miss_ratio", "misses", "accesses", "held", "evicted",
            "set_errors", "used_memory", "maxmemory", "seconds", "batch", "value"]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        w.writeheader()
        for r in results:
            w.writerow(r)


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        print("+ pip install matplotlib (for the plot)", flush=True)
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "matplotlib"])
        import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot(results, traces, columns, pcts, path, subtitle):
    """Miss ratio against cache size, one panel per trace that has results;
    returns False when none has."""
    traces = [t for t in traces if any(r["trace"] == t for r in results)]
    if not traces:
        return False
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(traces), figsize=(6.5 * len(traces), 5), squeeze=False)
    for ax, t in zip(axes[0], traces):
        for col in columns:
            pts = sorted((r["pct"], r["miss_ratio"]) for r in results if r["trace"] == t and r["column"] == col
                         and r["pct"] in pcts)
            if not pts:
                continue
            style = {"sim:lru": "k--", "sim:opt": "k:", "sim:lru-batched": "k-."}.get(col, "o-")
            ax.plot([p for p, _ in pts], [100 * m for _, m in pts], style, label=label(col), markersize=4)
        ax.set_xscale("log")
        ax.set_xticks(pcts)
        ax.set_xticklabels([f"{p:g}%" for p in pcts])
        ax.set_xlabel("cache size (% of distinct keys)")
        ax.set_ylabel("miss ratio (%)")
        ax.set_title(t)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"GET-then-SET-on-miss replay; {subtitle}", fontsize=9)
    fig.tight_layout()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
