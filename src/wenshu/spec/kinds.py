"""Document kinds are data: each is ``schemas/<kind>.yaml`` naming its template."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from wenshu.errors import Problem, WenshuError
from wenshu.registry import did_you_mean
from wenshu.resources import read_yaml_resource, resource_dir

COMMON = "_common"
#: What a kind's specs are to a round's checks, as its schema says under ``round:``.
CATEGORIES, QUOTAS, LIST, RECOMMENDATIONS, NOTICE = (
    "categories",
    "quotas",
    "list",
    "recommendations",
    "notice",
)
ROLES = (CATEGORIES, QUOTAS, LIST, RECOMMENDATIONS, NOTICE)


@dataclass(frozen=True)
class Kind:
    """A document kind: its name, Chinese label, template and Cerberus schema."""

    name: str
    label: str
    description: str
    template: str
    schema: dict[str, Any]
    compose: str | None = None  # the step building its page (wenshu.compose.annexes.COMPOSERS)
    checks: tuple[tuple[str, Any], ...] = ()
    advice: tuple[tuple[str, Any], ...] = ()  # warnings (wenshu.rules.advice), by name with their argument
    round_role: str | None = None  # what its specs are to a round's checks (one of ROLES)
    batch: dict[str, Any] = field(default_factory=dict)  # the ``batch:`` section, for letters
    reading: dict[str, Any] = field(default_factory=dict)  # the ``import:`` outline (wenshu.importing.kinds)

    @cached_property
    def source(self) -> str:
        """The schema file, as messages about what it says name it."""
        return str(resource_dir("schemas") / f"{self.name}.yaml")


def _read(name: str) -> dict[str, Any]:
    return read_yaml_resource(resource_dir("schemas") / f"{name}.yaml")


@cache
def definitions() -> dict[str, dict[str, Any]]:
    """Shared schema definitions (block, table, attachment …) by name."""
    return _read(COMMON)


def kind_names() -> list[str]:
    """The name of every kind in the schemas folder, without reading any schema."""
    return sorted(p.stem for p in resource_dir("schemas").glob("*.yaml") if p.stem != COMMON)


@cache
def get_kind(name: str) -> Kind | None:
    """The kind called ``name``, reading only its own schema (None if there is none).

    A schema is read from the resource cache when unchanged; still, a build or batch of
    one kind should not pay for all of them.
    """
    if name == COMMON or name not in kind_names():
        return None
    raw = _read(name)
    role = raw.get("round")
    if role is not None and role not in ROLES:
        where = str(resource_dir("schemas") / f"{name}.yaml")
        hint = did_you_mean(str(role), ROLES)
        raise WenshuError(Problem(where, f"未知的一轮中的角色 round: {role}{hint}；可用：{'、'.join(ROLES)}"))
    return Kind(
        name=name,
        label=raw["label"],
        description=raw.get("description", ""),
        template=raw["template"],
        schema=raw["schema"],
        compose=raw.get("compose"),
        checks=tuple((c, a) for item in raw.get("checks", []) for c, a in item.items()),
        advice=tuple((c, a) for item in raw.get("advice", []) for c, a in item.items()),
        round_role=raw.get("round"),
        batch=raw.get("batch") or {},
        reading=raw.get("import") or {},
    )


def all_kinds() -> dict[str, Kind]:
    """Every kind found in the schemas folder, by name."""
    return {name: kind for name in kind_names() if (kind := get_kind(name)) is not None}
