"""Request traces as lists of int keys: seeded synthetic ones and the real ones.

Real traces are read in place from the shared traces directory (formats in
its README.md) and never copied; each is truncated to its first ``limit``
accesses. Synthetic traces are generated from a seed, so every run replays
the same sequence against every server and simulator.
"""

import gzip
import io
import lzma
import os
import random
import shutil
import subprocess
import sys
from array import array
from dataclasses import dataclass


@dataclass
class Trace:
    """One trace: its name, where it came from, and the keys in access order."""

    name: str
    source: str
    keys: list

    @property
    def distinct(self):
        return len(set(self.keys))


# Real traces: name -> (relative path, format). The default set is the one
# issue 7 asks for; the others can be named in TRACES.
REAL = {
    "cache2k/orm-busy": ("cache2k/orm-busy.trace.xz", ">i4"),
    "cache2k/orm-night": ("cache2k/orm-night.trace.xz", ">i4"),
    "cache2k/web07": ("cache2k/web07.trace.xz", ">i4"),
    "cache2k/web12": ("cache2k/web12.trace.xz", ">i4"),
    "scarab/scarab-recs": ("scarab/scarab-recs.trace.xz", ">i8"),
    "cloud_physics/w106": ("cloud_physics/w106.trace.xz", ">u4"),
    "arc/OLTP": ("arc/OLTP.lis.zst", "arc"),
    "arc/P3": ("arc/P3.lis.zst", "arc"),
    "arc/P6": ("arc/P6.lis.zst", "arc"),
    "arc/P12": ("arc/P12.lis.zst", "arc"),
}
for _name in ("2_pools", "loop", "multi1", "multi2", "multi3", "sprite", "zigzag"):
    REAL[f"lirs/{_name}"] = (f"lirs/{_name}.trace.gz", "lirs")

SYNTHETIC = ["synthetic/zipf-0.8", "synthetic/zipf-1.2", "synthetic/scan", "synthetic/shift"]

DEFAULT = SYNTHETIC + [
    "cache2k/orm-busy",
    "cache2k/web12",
    "scarab/scarab-recs",
    "arc/OLTP",
] + [f"lirs/{n}" for n in ("2_pools", "loop", "multi1", "multi2", "multi3", "sprite", "zigzag")]


def load(name, traces_dir, limit, synth_accesses, seed):
    """Loads the trace called ``name`` (see REAL and SYNTHETIC)."""
    if name in SYNTHETIC:
        return synthetic(name, synth_accesses, seed)
    if name not in REAL:
        raise SystemExit(f"unknown trace {name}; known: {', '.join(SYNTHETIC + sorted(REAL))}")
    rel, fmt = REAL[name]
    path = os.path.join(traces_dir, rel)
    if not os.path.exists(path):
        raise SystemExit(f"trace file {path} not found (set TRACES_DIR to the shared traces directory)")
    if fmt == "arc":
        keys = _arc(path, limit)
    elif fmt == "lirs":
        keys = _lirs(path, limit)
    else:
        keys = _binary(path, fmt, limit)
    return Trace(name, f"{rel}, first {len(keys):,} accesses", keys)


def _binary(path, fmt, limit):
    """xz-compressed big-endian integers, one per access."""
    code = {">i4": "i", ">u4": "I", ">i8": "q"}[fmt]
    width = array(code).itemsize
    with lzma.open(path) as f:
        raw = f.read(limit * width)
    raw = raw[: len(raw) - len(raw) % width]
    a = array(code)
    a.frombytes(raw)
    if sys.byteorder == "little":
        a.byteswap()
    return a.tolist()


def _lirs(path, limit):
    """gzip text, one integer a line; lines that are `*` are skipped."""
    keys = []
    with gzip.open(path, "rt") as f:
        for line in f:
            line = line.strip()
            if not line or line == "*":
                continue
            keys.append(int(line))
            if len(keys) >= limit:
                break
    return keys


def _arc_lines(path):
    """The text of an ARC .lis.zst file: zstandard if importable, else the zstd CLI."""
    try:
        import zstandard
    except ImportError:
        zstandard = None
    if zstandard is not None:
        with open(path, "rb") as fh:
            reader = zstandard.ZstdDecompressor().stream_reader(fh)
            yield from io.TextIOWrapper(reader, encoding="ascii")
        return
    if shutil.which("zstd") is None:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "zstandard"])
        yield from _arc_lines(path)
        return
    proc = subprocess.Popen(["zstd", "-dc", path], stdout=subprocess.PIPE, text=True)
    try:
        yield from proc.stdout
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()


def _arc(path, limit):
    """Each line `start count ...` is the accesses start .. start+count-1."""
    keys = []
    for line in _arc_lines(path):
        parts = line.split()
        if len(parts) < 2:
            continue
        start, count = int(parts[0]), int(parts[1])
        keys.extend(range(start, start + min(count, limit - len(keys))))
        if len(keys) >= limit:
            break
    return keys


def _zipf_ranks(rng, n_keys, s, count):
    """`count` ranks in [0, n_keys) drawn with P(rank r) proportional to 1/(r+1)^s."""
    cum, total = [], 0.0
    for r in range(1, n_keys + 1):
        total += r ** -s
        cum.append(total)
    return rng.choices(range(n_keys), cum_weights=cum, k=count)


def synthetic(name, accesses, seed):
    """The seeded synthetic traces (descriptions are printed with the results)."""
    rng = random.Random(f"{seed}:{name}")
    if name.startswith("synthetic/zipf-"):
        s = float(name.rsplit("-", 1)[1])
        n_keys = 100_000
        perm = list(range(n_keys))
        rng.shuffle(perm)
        keys = [perm[r] for r in _zipf_ranks(rng, n_keys, s, accesses)]
        return Trace(name, f"Zipf s={s} over {n_keys:,} keys, {accesses:,} accesses, seed {seed}", keys)
    if name == "synthetic/scan":
        # A Zipf-1.0 hot set, polluted by a batch job: after every 10,000 hot
        # accesses, a sequential scan of the next 5,000 keys of a 60,000-key
        # cold table (each cold key comes back only after 12 scans).
        hot_keys, cold_keys, burst, scan = 20_000, 60_000, 10_000, 5_000
        keys, cold_pos = [], 0
        while len(keys) < accesses:
            keys.extend(_zipf_ranks(rng, hot_keys, 1.0, burst))
            keys.extend(hot_keys + (cold_pos + i) % cold_keys for i in range(scan))
            cold_pos += scan
        return Trace(name, f"Zipf s=1.0 over {hot_keys:,} hot keys; after every {burst:,} hot accesses a "
                     f"scan of {scan:,} keys of a {cold_keys:,}-key cold table; {accesses:,} accesses, seed {seed}",
                     keys[:accesses])
    if name == "synthetic/shift":
        # Zipf 1.0 over 50,000 keys whose popularity ranking moves by 2,000
        # keys in each of 6 phases: the hottest keys of a phase turn cold in
        # the next, keys just below them become the hottest.
        n_keys, phases, step = 50_000, 6, 2_000
        ranks = _zipf_ranks(rng, n_keys, 1.0, accesses)
        per_phase = -(-accesses // phases)
        keys = [(r + (i // per_phase) * step) % n_keys for i, r in enumerate(ranks)]
        return Trace(name, f"Zipf s=1.0 over {n_keys:,} keys, ranking shifted by {step:,} keys in each of "
                     f"{phases} phases; {accesses:,} accesses, seed {seed}", keys)
    raise SystemExit(f"unknown synthetic trace {name}")
