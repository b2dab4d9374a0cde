"""The checker's rules by code, in the manner of a linter's: each module of
:mod:`wenshu.check.rules` (and :mod:`wenshu.check.render`) registers the rules it applies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    """One check: its code (as reports and ``--select``/``--ignore`` name it), the clause of
    GB/T 9704 it applies, the element, a one-line title and its severity (``error``: the
    standard says so; ``warning``: the standard recommends, or a measurement on pages
    LibreOffice laid out, which Word may lay out a little differently)."""

    code: str
    clause: str
    element: str
    title: str
    severity: str = "error"
    render: bool = False  # found only by ``--render``


class RuleRegistry:
    """The checker's rules by code, in the manner of a linter's."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, code: str, clause: str, element: str, title: str, **kw: Any) -> None:
        """Add a rule; a code is registered once."""
        if code in self._rules:
            raise ValueError(f"rule {code} registered twice")
        self._rules[code] = Rule(code, clause, element, title, **kw)

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def __iter__(self) -> Iterator[Rule]:
        """The rules in the standard's order: static ones by clause, then the ``--render`` ones
        (each module registers its own, so the order they were registered in says nothing)."""

        def key(rule: Rule) -> tuple[bool, tuple[int, ...]]:
            return rule.render, tuple(int(part) for part in rule.clause.split("."))

        return iter(sorted(self._rules.values(), key=key))

    def get(self, code: str) -> Rule:
        """The rule of ``code`` (KeyError for an unknown one)."""
        return self._rules[code]

    def unknown(self, codes: list[str]) -> list[str]:
        """Those of ``codes`` that name no rule."""
        return [c for c in codes if c not in self._rules]


RULES = RuleRegistry()
