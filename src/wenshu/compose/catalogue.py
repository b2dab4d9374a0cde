"""Catalogues: facts copied from the seed documents into ``data/*.yaml``, read once, typed.

Each data file names its source (the seed and the annex it comes from) and says how the
text was transcribed. Nothing here invents content: the kinds that print these tables
(``evaluation_form``, ``basic_info_form``, ``quota_table``) and the round checks read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from wenshu import registry
from wenshu.resources import read_data

EVALUATION_FILES = {"city": "evaluation-city-2023", "county": "evaluation-county-2023"}
BASIC_INFO_FILE = "basic-info-2018"
REGIONS_FILE = "regions-2022"
PROGRAMMES_FILE = "programmes"


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
    raw = read_data(EVALUATION_FILES[level])
    columns = tuple(
        Column(c["header"], c["field"], float(c["width"]), c.get("align", "center")) for c in raw["columns"]
    )
    return Evaluation(
        raw["title"], columns, tuple(_indicators(raw["groups"], ())), raw["note"], raw["source"]["document"]
    )


def basic_info() -> dict[str, Any]:
    """The 基本情况表 catalogue (cover fields, sections, rows with units and sub-rows)."""
    return read_data(BASIC_INFO_FILE)


@cache
def regions() -> tuple[str, ...]:
    """The regions of the 2022 quota table, in its order."""
    return tuple(read_data(REGIONS_FILE)["regions"])


def did_you_mean_region(text: str) -> str:
    """“，是否想写“…”？” with the closest region name, or an empty string."""
    return registry.did_you_mean(text, regions())


#: How a category's quotas are set: by the round's quota tables, a fixed number per region,
#: computed from each region's enterprise counts, or not at all.
QUOTA_RULES = ("table", "per_region", "computed", "none")


@dataclass(frozen=True)
class Programme:
    """A category of a round (示范城市, 试点县, 示范企业 …): its names, who may apply, and how
    its quotas are set, as ``data/programmes.yaml`` or a round's ``round.yaml`` declares."""

    name: str
    full: str
    requires: str | None = None  # the list an applicant must already be on
    min_scores: dict[str, float] = field(default_factory=dict)  # table → lowest passing score
    max_share_percent: float | None = None  # of the region's 优势企业
    level: str | None = None
    quota: str = "none"  # one of QUOTA_RULES
    per_region: int | None = None
    computed: dict[str, float] | None = None  # advantage_percent, little_giant_percent
    aliases: tuple[str, ...] = ()  # other full names it had in other rounds

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that denotes this category: short, full and former full names."""
        return (self.name, self.full, *self.aliases)


def make_programme(name: str, raw: dict[str, Any], base: Programme | None = None) -> Programme:
    """A category from its YAML mapping, over ``base`` (the catalogue's facts) when given."""
    values: dict[str, Any] = {}
    if "full" in raw:
        values["full"] = raw["full"]
    for key in ("requires", "level"):
        if key in raw:
            values[key] = raw[key]
    if "min_scores" in raw:
        values["min_scores"] = dict(raw["min_scores"] or {})
    if "max_share" in raw:
        values["max_share_percent"] = raw["max_share"]["percent"] if raw["max_share"] else None
    if "quota" in raw:
        quota = raw["quota"]
        values.update(quota="none", per_region=None, computed=None)
        if isinstance(quota, str):
            values["quota"] = quota
        elif isinstance(quota, dict) and "per_region" in quota:
            values.update(quota="per_region", per_region=int(quota["per_region"]))
        elif isinstance(quota, dict) and "computed" in quota:
            values.update(quota="computed", computed=dict(quota["computed"]))
    if base is None:
        return Programme(name, values.pop("full", name), **values)
    return replace(base, **values)


@cache
def catalogue_categories() -> dict[str, Programme]:
    """The catalogue's categories by short name, as its ``categories`` section states them."""
    return {name: make_programme(name, raw) for name, raw in read_data(PROGRAMMES_FILE)["categories"].items()}


def round_years() -> tuple[int, ...]:
    """The rounds (years) the catalogue knows."""
    return tuple(sorted(int(y) for y in read_data(PROGRAMMES_FILE)["rounds"]))


@cache
def round_categories(year: int) -> dict[str, Programme]:
    """The categories of the catalogue's round ``year``, with that round's full names."""
    base = catalogue_categories()
    raw = read_data(PROGRAMMES_FILE)["rounds"][year]["categories"]
    return {name: make_programme(name, over or {}, base[name]) for name, over in raw.items()}


@cache
def programmes() -> dict[str, Programme]:
    """Every category of every round by its short name (what a spec outside a declared
    round is checked against); a full name a category had in an earlier round still denotes it."""
    out = dict(catalogue_categories())
    for year in round_years():
        for name, category in round_categories(year).items():
            if category.full not in out[name].names:
                out[name] = replace(out[name], aliases=out[name].aliases + (category.full,))
    return out


def programme_of(text: str, categories: dict[str, Programme] | None = None) -> str | None:
    """The short name of the category ``text`` denotes among ``categories`` (default: all
    the catalogue knows), or None.

    A name denotes a category when it is, or ends with, one of the category's names; the
    longest such name wins, so 国家知识产权强县建设示范县 is 示范县 (its full name) and not
    强县建设示范县, which it merely ends with.
    """
    text = text.strip()
    best: tuple[int, str] | None = None
    for category in (categories if categories is not None else programmes()).values():
        for name in category.names:
            if text.endswith(name) and (best is None or len(name) > best[0]):
                best = (len(name), category.name)
    return best[1] if best else None


def did_you_mean(text: str, categories: dict[str, Programme] | None = None) -> str:
    """“，是否想写“…”？” with the closest category name, or an empty string."""
    names = [n for c in (categories if categories is not None else programmes()).values() for n in c.names]
    return registry.did_you_mean(text, names)


def categories_for(year: int | None, declared: dict[str, Any] | None) -> dict[str, Programme]:
    """A round's categories: the catalogue's round ``year`` (none when not given or not a
    year the catalogue has — a new year's round), with the ``declared`` ones added or changed
    (over the catalogue's facts for a name it knows)."""
    out = dict(round_categories(year)) if year in round_years() else {}
    known = catalogue_categories()
    for name, raw in (declared or {}).items():
        out[name] = make_programme(name, raw or {}, out.get(name) or known.get(name))
    return out
