"""Hit-ratio benchmark for bench/hitratio.py: traces, simulators, replay, report.

Modules:

- ``traces``: the request traces (seeded synthetic ones and the real ones in
  ``../shared/traces``, read in place, never copied), as lists of int keys.
- ``sim``: exact LRU (sequential and batched as replayed) and Belady's
  offline optimum, in keys.
- ``resp``: a minimal pipelined RESP2 connection (no redis-py on the hot path).
- ``servers``: starts and stops hearth-server / redis-server processes on
  free 127.0.0.1 ports, finds the ``maxmemory-policy`` values a server takes.
- ``replay``: maxmemory calibration and the GET-then-SET-on-miss replay.
- ``report``: the miss-ratio tables, relative improvements and the PNG plot.
"""
