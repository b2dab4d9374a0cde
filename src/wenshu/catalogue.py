"""Catalogues: facts copied from the seed documents into ``data/*.yaml``, read once, typed.

Each data file names its source (the seed and the annex it comes from) and says how the
text was transcribed. Nothing here invents content: the kinds that print these tables
(``evaluation_form``, ``basic_info_form``, ``quota_table``) and the round checks read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .resources import read_yaml_resource, resource_dir

EVALUATION_FILES = {"city": "evaluation-city-2023", "county": "evaluation-county-2023"}
BASIC_INFO_FILE = "basic-info-2018"
REGIONS_FILE = "regions-2022"
PROGRAMMES_FILE = "programmes"


@cache
def read(name: str) -> dict[str, Any]:
    """The data file ``data/<name>.yaml`` as plain data."""
    return read_yaml_resource(resource_dir("data") / f"{name}.yaml")


@dataclass(frozen=True)
class Column:
    """One column of a catalogue table: its header and which field of an indicator it shows."""

    header: str
    field: str  # number, group1, group2, name, description or result
    width: float
    align: str


@dataclass(frozen=True)
class Indicator:
    """One indicator of an evaluation form, with the headings it sits under (一级, 二级)."""

    number: int
    groups: tuple[str, ...]
    name: str
    description: str


@dataclass(frozen=True)
class Evaluation:
    """An evaluation form's catalogue: title, columns, indicators and the 备注 under it."""

    title: str
    columns: tuple[Column, ...]
    indicators: tuple[Indicator, ...]
    note: str
    source: str

    @property
    def numbers(self) -> tuple[int, ...]:
        """The indicator numbers in table order."""
        return tuple(i.number for i in self.indicators)


def _indicators(groups: list[dict[str, Any]], above: tuple[str, ...]) -> list[Indicator]:
    out: list[Indicator] = []
    for group in groups:
        path = above + (group["name"],)
        out += _indicators(group.get("groups", []), path)
        for item in group.get("indicators", []):
            out.append(Indicator(item["number"], path, item["name"], item.get("description", "")))
    return out


@cache
def evaluation(level: str) -> Evaluation:
    """The 客观工作成效测评表 catalogue for ``level`` (``city`` or ``county``)."""
    raw = read(EVALUATION_FILES[level])
    columns = tuple(
        Column(c["header"], c["field"], float(c["width"]), c.get("align", "center")) for c in raw["columns"]
    )
    return Evaluation(
        raw["title"], columns, tuple(_indicators(raw["groups"], ())), raw["note"], raw["source"]["document"]
    )


def basic_info() -> dict[str, Any]:
    """The 基本情况表 catalogue (cover fields, sections, rows with units and sub-rows)."""
    return read(BASIC_INFO_FILE)


@cache
def regions() -> tuple[str, ...]:
    """The regions of the 2022 quota table, in its order."""
    return tuple(read(REGIONS_FILE)["regions"])


@dataclass(frozen=True)
class Programme:
    """A programme (示范城市, 试点县, 示范企业 …) and the eligibility rules the seeds state."""

    name: str
    full: str
    requires: str | None  # the list an applicant must already be on
    min_scores: dict[str, float]  # 评价指标体系 table → lowest passing score
    max_share_percent: float | None  # of the region's 优势企业


@cache
def programmes() -> dict[str, Programme]:
    """Every programme by its short name."""
    out = {}
    for name, raw in read(PROGRAMMES_FILE)["programmes"].items():
        share = raw.get("max_share")
        out[name] = Programme(
            name,
            raw["full"],
            raw.get("requires"),
            dict(raw.get("min_scores", {})),
            share and share["percent"],
        )
    return out


def programme_of(text: str) -> str | None:
    """The short programme name ``text`` denotes (its short or full name), or None."""
    text = text.strip()
    # Longest first, so 示范县 is not mistaken for a name that merely ends alike.
    for name in sorted(programmes(), key=len, reverse=True):
        if text.endswith(name):
            return name
    return None
