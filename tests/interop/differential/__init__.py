"""The differential test's machinery: the same random command stream is sent
to the server under test and to a real redis-server, and the replies must be
the same (test_differential_*.py, one test module per group of families).

Streams are generated from a seed over a small key space per family, so
commands collide often: overwrites, WRONGTYPE, expiry options against
existing TTLs, RENAME onto existing keys, MOVE/COPY across databases,
transactions with WATCH dirtied by a second client. Replies are compared as
exact RESP frames (type and value), over raw sockets, in RESP2 and RESP3.

Modules:
    engine      the run: two clients on both servers, seeds, the test factory
    compare     what legitimately differs between the two servers' replies
    core, lists, sets_hashes, zsets, values, sort
                the command families (generators), each with its own keys

Environment: HEARTH_DIFF_SEED (default 20240607) and HEARTH_DIFF_OPS
(operations per stream, default 1500) reproduce or lengthen a run.
"""
