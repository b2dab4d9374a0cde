"""Catalogues: facts copied from the seed documents into ``data/*.yaml``, read once, typed.

Each data file names its source (the seed and the annex it comes from) and says how the
text was transcribed. Nothing here invents content: the kinds that print these tables
(``evaluation_form``, ``basic_info_form``, ``quota_table``) and the round checks read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP
from functools import cache
from typing import Any

from wenshu import registry
from wenshu.resources import read_data, resource_dir

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


@dataclass(frozen=True)
class Regions:
    """The regions a round's quota tables and letters may name, and how a message cites
    where they are listed (the round's own region file, or wenshu's)."""

    names: tuple[str, ...]
    cited: str


def default_regions() -> Regions:
    """The regions of a round that names no region file of its own: the 2022 quota table's."""
    return Regions(regions(), f"地区名见 data/{REGIONS_FILE}.yaml")


def region_files() -> tuple[str, ...]:
    """The region lists wenshu carries (``data/regions-*.yaml``), by the name a round's
    ``regions`` may give them."""
    return tuple(sorted(p.stem for p in resource_dir("data").glob("regions-*.yaml")))


@cache
def carried_region_names() -> frozenset[str]:
    """Every region name of the region lists wenshu carries (``data/regions-*.yaml``)."""
    return frozenset(name for file in region_files() for name in read_data(file)["regions"])


#: How a category's quotas are set: by the round's quota tables, a fixed number per region,
#: computed from each region's counts (a sum of percentages), or not at all.
QUOTA_RULES = ("table", "per_region", "computed", "none")
#: How a computed quota is rounded — the sum of the terms, to a whole number — and how the
#: table's 注 says so.
ROUNDINGS = {
    "half_up": (ROUND_HALF_UP, "四舍五入取整"),
    "up": (ROUND_CEILING, "向上取整"),
    "down": (ROUND_FLOOR, "向下取整"),
}
#: The 2022 rule's two-key form (``{advantage_percent: 8, little_giant_percent: 2}``), still
#: read: each key is the percent of the count column it names, in this order.
LEGACY_PERCENT_KEYS = {"advantage_percent": "advantage", "little_giant_percent": "little_giant"}
#: Where a problem stands inside a mapping of the data (a category, a quota rule), and what it is.
Located = tuple[tuple[str | int, ...], str]


@dataclass(frozen=True)
class CountColumn:
    """A count per region a quota rule or a share is taken of (优势企业数 …): its name in the
    data, how the notices call it, and the unit it is counted in."""

    name: str
    label: str
    unit: str = "个"


@cache
def count_columns() -> dict[str, CountColumn]:
    """The count columns the catalogue names (``counts:`` of ``data/programmes.yaml``)."""
    raw = read_data(PROGRAMMES_FILE).get("counts") or {}
    return {name: CountColumn(name, c["label"], c.get("unit", "个")) for name, c in raw.items()}


@dataclass(frozen=True)
class Term:
    """One term of a computed quota: ``percent`` % of the region's count ``count``."""

    count: str
    label: str
    percent: float


@dataclass(frozen=True)
class Computed:
    """A computed quota rule: the sum of its terms, rounded as declared (None: not said)."""

    terms: tuple[Term, ...]
    rounding: str | None = None

    @property
    def percents(self) -> dict[str, float]:
        """Each count column's percent."""
        return {t.count: t.percent for t in self.terms}


@dataclass(frozen=True)
class Share:
    """A cap on a region's recommendations: ``percent`` % of its count ``of``."""

    of: str
    label: str
    unit: str
    percent: float


def raw_terms(rule: dict[str, Any]) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """The terms of a computed rule as written, each with where its percent stands in the rule:
    its ``terms`` list, or the 2022 rule's two keys (:data:`LEGACY_PERCENT_KEYS`)."""
    if "terms" in rule:
        terms = rule["terms"] if isinstance(rule["terms"], list) else []
        return [(("terms", i, "percent"), t) for i, t in enumerate(terms) if isinstance(t, dict)]
    return [((k,), {"count": c, "percent": rule[k]}) for k, c in LEGACY_PERCENT_KEYS.items() if k in rule]


def count_label(count: str, *labels: dict[str, str]) -> str | None:
    """The label of the count column ``count``: from the first of ``labels`` that has it, else
    from the catalogue's count columns."""
    for known in labels:
        if count in known:
            return known[count]
    column = count_columns().get(count)
    return column.label if column else None


def _known_counts() -> str:
    return "、".join(f"{c.name}（{c.label}）" for c in count_columns().values())


def computed_problems(raw: dict[str, Any], labels: dict[str, str] | None = None) -> list[Located]:
    """What the schema cannot say about a computed quota rule ``raw`` (``{terms: [{count,
    label, percent}], rounding}`` or the 2022 two-key form), each at its place inside ``raw``:
    the two forms are not mixed, the old one is written whole, there is a term, each count
    is taken once and has a name — from its ``label``, ``labels`` (known besides the
    catalogue's) or the catalogue. Its shape (fields, types, ranges, roundings) is the
    schema's: ``quota_term`` in schemas/_common.yaml, the round's and the quota table's rule."""
    problems: list[Located] = []
    legacy = [k for k in LEGACY_PERCENT_KEYS if k in raw]
    if "terms" in raw and legacy:
        problems.append(((legacy[0],), f"{legacy[0]} 是旧写法，不能与 terms 同时写：请都写在 terms 中"))
    elif "terms" not in raw and len(legacy) == 1:
        other = next(k for k in LEGACY_PERCENT_KEYS if k not in raw)
        problems.append(((legacy[0],), f"旧写法须同时写 {other}；或改用 terms 列出各计算项"))
    elif "terms" not in raw and not legacy:
        problems.append(
            ((), "缺少计算项 terms：如 [{count: advantage, percent: 8}]（各地区该计数的百分比之和）")
        )
    seen: set[str] = set()
    for at, term in raw_terms(raw):
        where = at[:-1] + ("count",) if len(at) > 1 else at  # the term's count (legacy: its key)
        count = term["count"]
        if count in seen:
            problems.append((where, f"计数栏“{count}”重复：每个计数只能计算一次"))
        seen.add(count)
        if term.get("label") is None and count_label(count, labels or {}) is None:
            problems.append(
                (
                    where,
                    f"计数栏“{count}”没有名称：请写 label（如 label: 高价值发明专利），"
                    f"或用已有名称的计数栏：{_known_counts()}",
                )
            )
    return problems


def make_computed(raw: dict[str, Any], labels: dict[str, str] | None = None) -> Computed:
    """A computed quota rule from its YAML mapping (checked by :func:`computed_problems`)."""
    terms = []
    for _, term in raw_terms(raw):
        label = term.get("label") or count_label(term["count"], labels or {})
        if label is None:
            raise ValueError(f"计数栏“{term['count']}”没有名称")
        terms.append(Term(term["count"], label, term["percent"]))
    return Computed(tuple(terms), raw.get("rounding"))


def quota_problems(quota: Any) -> list[Located]:
    """What the schema cannot say about a category's quota rule (``table``, ``none``,
    ``{per_region: N}``, ``{computed: {…}}``: its shape is the round schema's), each at its
    place inside the rule: a computed rule's terms (:func:`computed_problems`)."""
    if isinstance(quota, dict) and isinstance(quota.get("computed"), dict):
        return [(("computed", *at), message) for at, message in computed_problems(quota["computed"])]
    return []


def share_problems(share: Any, computed: Computed | None) -> list[Located]:
    """What is wrong with a category's ``max_share`` (``{of: 计数栏, percent}``): its count
    column needs a name, from ``label``, the category's computed rule or the catalogue."""
    if (
        share is None
        or not isinstance(share, dict)
        or share.get("label")
        or not isinstance(share.get("of"), str)
    ):
        return []  # absent, or the schema has said what is wrong
    if share_label(share, computed) is None:
        return [
            (
                ("of",),
                f"计数栏“{share['of']}”没有名称：请写 label（如 label: 高价值发明专利），"
                f"或用已有名称的计数栏：{_known_counts()}",
            )
        ]
    return []


def share_label(share: dict[str, Any], computed: Computed | None) -> str | None:
    """The name of the count a ``max_share`` is taken of."""
    labels = {t.count: t.label for t in computed.terms} if computed else {}
    return share.get("label") or count_label(share["of"], labels)


@dataclass(frozen=True)
class Programme:
    """A category of a round (示范城市, 试点县, 示范企业 …): its names, who may apply, and how
    its quotas are set, as ``data/programmes.yaml`` or a round's ``round.yaml`` declares."""

    name: str
    full: str
    requires: str | None = None  # the list an applicant must already be on
    min_scores: dict[str, float] = field(default_factory=dict)  # table → lowest passing score
    max_share: Share | None = None  # of a count of the region (its 优势企业 …)
    level: str | None = None
    quota: str = "none"  # one of QUOTA_RULES
    per_region: int | None = None
    computed: Computed | None = None
    aliases: tuple[str, ...] = ()  # other full names it had in other rounds
    score_names: dict[str, str] = field(default_factory=dict)  # table → its wording (A: A表评分)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that denotes this category: short, full and former full names."""
        return (self.name, self.full, *self.aliases)

    def score_name(self, table: str) -> str:
        """How the documents call a score of ``table``: as the category's ``score_names``
        says, else “A表评分” (the 示范企业 cultivation plan's wording)."""
        return score_name(table, [self])


def score_name(table: str, categories: Iterable[Programme]) -> str:
    """How a score of ``table`` is called: as the first of ``categories`` naming it in its
    ``score_names`` says (测评: 测评得分), else “{table}表评分”."""
    for category in categories:
        if table in category.score_names:
            return category.score_names[table]
    return f"{table}表评分"


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
    if "score_names" in raw:
        values["score_names"] = dict(raw["score_names"] or {})
    if "quota" in raw:
        quota = raw["quota"]
        values.update(quota="none", per_region=None, computed=None)
        if isinstance(quota, str):
            values["quota"] = quota
        elif isinstance(quota, dict) and "per_region" in quota:
            values.update(quota="per_region", per_region=int(quota["per_region"]))
        elif isinstance(quota, dict) and "computed" in quota:
            values.update(quota="computed", computed=make_computed(quota["computed"]))
    if "max_share" in raw:
        values["max_share"] = None
        share = raw["max_share"]
        if share:
            computed = values["computed"] if "computed" in values else base.computed if base else None
            label = share_label(share, computed)
            if label is None:
                raise ValueError(f"计数栏“{share['of']}”没有名称")
            column = count_columns().get(share["of"])
            unit = share.get("unit") or (column.unit if column else "个")
            values["max_share"] = Share(share["of"], label, unit, share["percent"])
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
