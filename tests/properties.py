"""Hypothesis profiles for the property tests (files named test_*_properties.py).

The suite runs a modest number of examples per property so it stays fast; ./scripts/fuzz
sets READER_FUZZ_EXAMPLES (10,000 by default) and runs the same properties at length.
No example database is written: a failure prints the example to reproduce it with.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_EXAMPLES = int(os.environ.get("READER_FUZZ_EXAMPLES", "0"))

settings.register_profile(
    "suite",
    max_examples=100,
    deadline=None,  # a loaded 2-core machine; time is measured where it matters
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=max(_EXAMPLES, 1),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile("fuzz" if _EXAMPLES else "suite")
