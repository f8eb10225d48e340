"""Differential test of lists (LPUSH ... LMPOP): random command streams
must get the same replies from the server and from a redis-server that the
`reference` fixture starts (skipped when redis-server is missing). The
families are in differential/lists.py; the engine is differential/engine.py.
"""

from differential import lists
from differential.engine import reference_test

test_random_commands_match_reference = reference_test(lists.FAMILIES)
