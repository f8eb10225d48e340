"""Summary tables for the bench/*.sh scripts.

A run records one value per (test, pipeline) and (server, round); the table
shows each server's median and the median (and range) of the per-round
ratios between two servers, in aligned columns.
"""

import csv
import statistics
from collections import defaultdict


def load(path, value):
    """{(test, pipeline): {(server, round): value}} from a raw CSV with
    columns round, server, pipeline, test and `value`."""
    cells = defaultdict(dict)
    for row in csv.DictReader(open(path)):
        key = (row["test"], int(row["pipeline"]))
        cells[key][(row["server"], int(row["round"]))] = float(row[value])
    return cells


def median_of(cell, server):
    """The server's median over rounds, None when it has none."""
    vals = [v for (s, _), v in cell.items() if s == server]
    return statistics.median(vals) if vals else None


def ratio_columns(cell, a, b):
    """[median, "min..max"] of the per-round a/b ratios (dashes without)."""
    rounds = sorted({r for (_, r) in cell})
    ratios = [cell[(a, r)] / cell[(b, r)] for r in rounds
              if (a, r) in cell and (b, r) in cell and cell[(b, r)] > 0]
    if not ratios:
        return ["-", "-"]
    return [f"{statistics.median(ratios):.2f}", f"{min(ratios):.2f}..{max(ratios):.2f}"]


def print_table(header, rows):
    """The first two columns left-aligned, the others right-aligned."""
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]

    def line(r):
        return "  ".join(c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))

    print()
    print(line(header))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))
