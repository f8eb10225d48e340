"""The differential test's generators (differential/) are deterministic: the
same seed gives the same command stream, which is what makes a failing
HEARTH_DIFF_SEED reproducible.
"""

import random

from differential.engine import FAMILIES


def test_generators_are_deterministic():
    for family, gen in FAMILIES.items():
        rng_a, rng_b = random.Random(7), random.Random(7)
        a = [gen(rng_a) for _ in range(200)]
        b = [gen(rng_b) for _ in range(200)]
        assert a == b, family
