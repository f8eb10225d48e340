"""Differential test of sets and hashes (SADD ... SSCAN, HSET ... HSCAN): random command streams
must get the same replies from the server and from a redis-server that the
`reference` fixture starts (skipped when redis-server is missing). The
families are in differential/sets_hashes.py; the engine is differential/engine.py.
"""

from differential import sets_hashes
from differential.engine import reference_test

test_random_commands_match_reference = reference_test(sets_hashes.FAMILIES)
