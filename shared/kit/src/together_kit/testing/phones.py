"""Mobile numbers for tests: Ofcom's range for drama (07700 900000-900999), never a real one.

`drama_mobile()` hands each number out once per process, so a test's two people never share a
number by chance (one number is one person to notifications), and never one of `NAMED`, the
numbers tests and examples write out in full.
"""

import random
from dataclasses import dataclass

NAMED = frozenset({0, 111, 123, 222, 333, 444, 456, 461, 555, 666, 734, 777, 982, 983, 999})
"""The last three digits of the drama numbers written out in tests, examples and docs."""

_ENDINGS = iter(random.sample(sorted(set(range(1000)) - NAMED), 1000 - len(NAMED)))


@dataclass(frozen=True)
class DramaMobile:
    national: str
    """As staff or a volunteer would type it: `07700 900123`."""
    e164: str
    """As the services keep it: `+447700900123`."""


def drama_mobile() -> DramaMobile:
    """A drama mobile not handed out before in this process (StopIteration after 985)."""
    ending = next(_ENDINGS)
    return DramaMobile(f"07700 900{ending:03d}", f"+447700900{ending:03d}")
