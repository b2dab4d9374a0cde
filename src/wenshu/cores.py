"""How many cores this process may run on: the one answer for every layer that sizes a pool
(``build``'s worker processes, ``office``'s LibreOffice instances)."""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container or ``taskset``
    may narrow below the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
