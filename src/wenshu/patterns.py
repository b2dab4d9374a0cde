"""Regular expressions compiled when first used, not when their module is imported.

Python compiles a pattern in pure Python: 0.1–1.5 ms each, the CJK character classes the
dearest, paid by every command that imports the module. A module whose patterns only some
commands use (reading other offices' typed dates and 发文字号 is ``wenshu check``'s and
``wenshu import``'s, not ``wenshu build``'s) declares them here instead of compiling them
at its top.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any


def on_first_use(namespace: dict[str, Any], sources: dict[str, str]) -> Callable[[str], re.Pattern[str]]:
    """A getter of ``sources`` (name → pattern) for the module whose globals are ``namespace``.

    Each pattern is compiled the first time it is asked for and kept in ``namespace`` under its
    name, where later uses find it directly. Serve it as the module's ``__getattr__`` (PEP 562)
    so that ``from module import NAME`` works as before; the module's own functions call the
    getter by name (their global lookups do not go through ``__getattr__``).
    """

    def pattern(name: str) -> re.Pattern[str]:
        found = namespace.get(name)
        if found is not None:
            return found
        try:
            source = sources[name]
        except KeyError:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}") from None
        namespace[name] = compiled = re.compile(source)
        return compiled

    return pattern
