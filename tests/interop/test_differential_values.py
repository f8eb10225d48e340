"""Differential test of bitmaps and HyperLogLogs (SETBIT ... BITFIELD,
PFADD PFCOUNT PFMERGE): random command streams must get the same replies
from the server and from a redis-server that the `reference` fixture starts (skipped when redis-server is missing). The
families are in differential/values.py; the engine is differential/engine.py.
"""

from differential import values
from differential.engine import reference_test

test_random_commands_match_reference = reference_test(values.FAMILIES)
