"""Differential test of SORT and SORT_RO: random command streams
must get the same replies from the server and from a redis-server that the
`reference` fixture starts (skipped when redis-server is missing). The
families are in differential/sort.py; the engine is differential/engine.py.
"""

from differential import sort
from differential.engine import reference_test

test_random_commands_match_reference = reference_test(sort.FAMILIES)
