"""The checker's rules by code, in the manner of a linter's: each module of
:mod:`wenshu.check.rules` (and :mod:`wenshu.check.render`) registers the rules it applies.

The registry is a :class:`wenshu.registry.Registry`, so a code no rule has gets the same
did-you-mean as every other name wenshu looks up."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from wenshu.registry import Registry, did_you_mean


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


class RuleRegistry(Registry[Rule]):
    """The checker's rules by code, in the manner of a linter's."""

    def __init__(self) -> None:
        super().__init__("检查规则")

    def rule(self, code: str, clause: str, element: str, title: str, **kw: Any) -> None:
        """Add a rule; a code is registered once."""
        self.add(code, Rule(code, clause, element, title, **kw))

    def __iter__(self) -> Iterator[Rule]:
        """The rules in the standard's order: static ones by clause, then the ``--render`` ones
        (each module registers its own, so the order they were registered in says nothing)."""

        def key(rule: Rule) -> tuple[bool, tuple[int, ...]]:
            return rule.render, tuple(int(part) for part in rule.clause.split("."))

        return iter(sorted((rule for _, rule in self.items()), key=key))

    def no_such_rule(self, code: str) -> str:
        """Why ``code`` is not accepted, with the closest code (the list is long: point to it)."""
        return f"没有这条规则：{code}{did_you_mean(code, self.names())}（wenshu check --list-rules 列出全部）"


RULES = RuleRegistry()
