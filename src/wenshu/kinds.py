"""Document kinds are data: each is ``schemas/<kind>.yaml`` naming its template."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ruamel.yaml import YAML

from .resources import resource_dir

COMMON = "_common"


@dataclass(frozen=True)
class Kind:
    """A document kind: its name, Chinese label, template and Cerberus schema."""

    name: str
    label: str
    description: str
    template: str
    schema: dict[str, Any]
    checks: tuple[tuple[str, Any], ...] = ()
    batch: dict[str, Any] = field(default_factory=dict)  # the ``batch:`` section, for letters


def _read(name: str) -> dict[str, Any]:
    with open(resource_dir("schemas") / f"{name}.yaml", encoding="utf-8") as fh:
        return YAML(typ="safe", pure=True).load(fh)


@cache
def definitions() -> dict[str, dict[str, Any]]:
    """Shared schema definitions (block, table, attachment …) by name."""
    return _read(COMMON)


@cache
def all_kinds() -> dict[str, Kind]:
    """Every kind found in the schemas folder, by name."""
    kinds = {}
    for path in sorted(resource_dir("schemas").glob("*.yaml")):
        if path.stem == COMMON:
            continue
        raw = _read(path.stem)
        kinds[path.stem] = Kind(
            name=path.stem,
            label=raw["label"],
            description=raw.get("description", ""),
            template=raw["template"],
            schema=raw["schema"],
            checks=tuple((c, a) for item in raw.get("checks", []) for c, a in item.items()),
            batch=raw.get("batch") or {},
        )
    return kinds
