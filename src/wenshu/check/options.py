"""Which rules to apply (``--select``/``--ignore``) and a unit's accepted variants (``--profile``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wenshu.check.findings import Deviation
from wenshu.check.registry import RULES
from wenshu.check.report import Report
from wenshu.errors import WenshuError


@dataclass(frozen=True)
class Profile:
    """A unit's accepted variants (``--profile unit.yaml``): per rule code, the values
    (``actual`` of a deviation, matched from its start) the unit uses on purpose."""

    name: str
    accept: dict[str, tuple[str, ...]]

    def accepts(self, dev: Deviation) -> bool:
        """Does the unit accept ``dev``'s actual value (matched from its start)?"""
        return any(dev.actual.startswith(value) for value in self.accept.get(dev.code, ()))


@dataclass(frozen=True)
class CheckOptions:
    """Which rules to apply (``--select``/``--ignore``) and a unit's profile."""

    select: frozenset[str] = frozenset()  # empty: all
    ignore: frozenset[str] = frozenset()
    profile: Profile | None = None

    def apply(self, report: Report) -> None:
        """Drop the deviations not asked for; turn those the profile accepts into notes."""
        kept = []
        for dev in report.deviations:
            if (self.select and dev.code not in self.select) or dev.code in self.ignore:
                continue
            if self.profile is not None and self.profile.accepts(dev):
                report.notes.append(f"按“{self.profile.name}”的惯例不计：{dev}")
                continue
            kept.append(dev)
        report.deviations = kept


def load_profile(path: str | Path) -> Profile:
    """Read a unit profile (YAML: ``name``, ``accept: {code: [value, …]}``), or raise a
    :class:`WenshuError` naming the file, line and field."""
    from wenshu.spec.load import load_spec

    spec = load_spec(path)
    data = spec.data
    problems = [
        spec.problem((key,), "不认识的字段（只有 name 和 accept）", key=True)
        for key in data
        if key not in ("name", "accept")
    ]
    name = data.get("name", Path(path).stem)
    if not isinstance(name, str) or not name.strip():
        problems.append(spec.problem(("name",), "应是单位名称（文字）"))
    accept = data.get("accept")
    table: dict[str, tuple[str, ...]] = {}
    if not isinstance(accept, dict) or not accept:
        problems.append(
            spec.problem(
                ("accept",), "应是“规则代码: [接受的实际值, …]”的映射，如 line-pitch: [固定值 29 磅]"
            )
        )
    else:
        for code, values in accept.items():
            if code not in RULES:
                problems.append(
                    spec.problem(
                        ("accept", code),
                        RULES.no_such_rule(code),
                        key=True,
                    )
                )
                continue
            if isinstance(values, str):
                values = [values]
            if (
                not isinstance(values, list)
                or not values
                or not all(isinstance(v, str) and v.strip() for v in values)
            ):
                problems.append(spec.problem(("accept", code), "应是接受的实际值（文字）或其列表"))
                continue
            table[code] = tuple(v.strip() for v in values)
    if problems:
        raise WenshuError(problems)
    return Profile(str(name).strip(), table)
