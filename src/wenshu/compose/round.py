"""A round as a set: the rules that hold between the specs of one folder.

``wenshu validate DIR`` validates every spec under ``DIR`` on its own, then checks the
valid ones against each other:

- recommendations per province and programme stay within the round's quota tables;
- no applicant is recommended twice;
- a 示范城市 (示范县) applicant is on the round's 试点城市 (试点县) list;
- a recommended applicant reaches its category's lowest scores (示范企业: A表评分 ≥ 75 and
  B表评分 ≥ 80, as the category's ``score_names`` call them), and a province recommends no
  more of a category with a share cap than its percent of the count it is taken of (示范企业:
  10% of the 优势企业, the counts of a computed quota table);
- a category with a quota per region (优势企业: 100) is not recommended more often than that,
  and a computed quota table has its category's terms (counts and percentages);
- a notice that cites another notice's 发文字号 (a provincial notice relaying the national
  one) sets its deadline before the cited notice's deadline.

The categories of the round, the thresholds, which list a category requires and how its
quotas are set come from the round's own declaration (a ``kind: round`` spec, usually
``round.yaml``: the catalogue's categories of its ``year`` plus those it declares) or, when
the folder has none, from every category of ``data/programmes.yaml``. In a declared round a
recommendation, list or quota for a category the round does not have is an error.
Every message names both files involved: it stands at the offending place and cites the
other file with its line.

What counts as a recommendation: a ``recommendation_letter`` (its ``applicant`` or
``applicants``, with their ``scores``), and any spec with ``recommendations: [{applicant, programme, province,
scores}]`` (``programme`` and ``province`` may stand once at the top of the spec instead);
for a letter without ``province`` the province is the region its issuer's name starts with.
An application is any other spec with top-level ``applicant`` and ``programme`` (a filled
测评表, for instance): it is checked against the pilot list too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenshu.compose.annexes import list_entries
from wenshu.errors import Problem
from wenshu.registry import did_you_mean
from wenshu.rules.categories import round_regions
from wenshu.spec import catalogue
from wenshu.spec import find as spec_find
from wenshu.spec.kinds import CATEGORIES, LIST, NOTICE, QUOTAS, RECOMMENDATIONS, ROLES, Kind
from wenshu.spec.load import Path_, Spec, iter_strings
from wenshu.text.dates import IN_TEXT, format_cn_date

RULE_SOURCE = "data/programmes.yaml"
__all__ = ["ROLES", "Member", "check_round", "find_specs", "main_deadline", "round_folders", "round_warnings"]


@dataclass
class Member:
    """One valid spec of the round."""

    spec: Spec
    kind: Kind
    document: dict[str, Any]

    def where(self, path: Path_) -> str:
        """``file:line`` of ``path`` in this spec, as other files' messages cite it (for a
        batch record: its row in the data file, or its line in the YAML)."""
        located = self.spec.problem(path, "")
        return f"{located.file}:{located.line}" if located.line else located.file


@dataclass
class Entry:
    """A recommendation or an application found in a spec."""

    member: Member
    at: Path_
    applicant: str
    programme: str | None  # short name (示范城市 …), None when not recognised
    province: str | None
    scores: dict[str, float] = field(default_factory=dict)
    named: str | None = None  # the category as the spec writes it
    province_at: Path_ | None = None  # where the province was read (its own field, or the issuer)

    def problem(self, message: str) -> Problem:
        """A problem located at this entry."""
        return self.member.spec.problem(self.at, message)


def find_specs(folder: Path) -> list[Path]:
    """Every spec under ``folder`` by the one rule of :func:`wenshu.spec.find.find_specs`."""
    return spec_find.find_specs(folder)


def round_folders(folder: Path) -> list[Path]:
    """The rounds under ``folder``: the folders holding specs (:func:`wenshu.spec.find.spec_folders`)."""
    return spec_find.spec_folders(folder)


@dataclass
class Categories:
    """The categories a round is checked against, and the spec declaring them (if any)."""

    by_name: dict[str, catalogue.Programme]
    declared_by: Member | None = None
    regions: catalogue.Regions = field(default_factory=catalogue.default_regions)

    def of(self, value: Any) -> str | None:
        """The short name of the category ``value`` names, None when none of this round's."""
        return catalogue.programme_of(value, self.by_name) if isinstance(value, str) else None

    def outside(self, province: str | None) -> bool:
        """Whether ``province`` is none of the round's regions (its own region file's, else the
        2022 list): said once where it is written (:func:`_region_problems`), so not counted
        against quotas and shares (a message per applicant that it has no quota, or that its
        share was not checked, would only repeat it)."""
        return province is not None and province not in self.regions.names

    def unknown(self, named: str) -> str:
        """Why ``named`` is not accepted in a declared round, with a did-you-mean."""
        assert self.declared_by is not None
        where = self.declared_by.where(("kind",))
        hint = catalogue.did_you_mean(named, self.by_name)
        return f"“{named}”不是本轮（{where}）的类别{hint}；本轮类别：{'、'.join(self.by_name)}"


def round_categories(members: list[Member]) -> tuple[Categories, list[Problem]]:
    """The round's categories: from its ``kind: round`` spec, else every catalogue category."""
    declarations = [m for m in members if m.kind.round_role == CATEGORIES]
    if not declarations:
        return Categories(catalogue.programmes()), []
    first = declarations[0]
    problems = [
        m.spec.problem(("kind",), f"一轮只能有一个类别声明（kind: round），已有 {first.where(('kind',))}")
        for m in declarations[1:]
    ]
    doc = first.document
    # A region file that is not sound is the round file's own error (said when it is validated).
    regions = round_regions(first.spec, doc.get("regions"))[0]
    return Categories(
        catalogue.categories_for(doc.get("year"), doc.get("categories")), first, regions
    ), problems


def round_warnings(members: list[Member]) -> list[Problem]:
    """What is accepted but most likely not meant: a spec named ``round.yaml`` that is not
    the round's declaration (``kind: round``), while none is — the round is then checked
    against every catalogue category, not the ones the clerk meant to declare; and a share
    cap that cannot be checked for want of the count it is taken of."""
    found = _unchecked_shares(members)
    if any(m.kind.round_role == CATEGORIES for m in members):
        return found
    return found + [
        m.spec.problem(
            ("kind",),
            f"文件名是 {m.spec.path.name}，却是{m.kind.label}（kind: {m.kind.name}），不是本轮的类别声明"
            f"（kind: round）；本轮没有类别声明，按 {RULE_SOURCE} 中的全部类别核对",
        )
        for m in members
        if m.spec.path.stem.lower() == "round"
    ]


def _unchecked_shares(members: list[Member]) -> list[Problem]:
    """Once per province and category with a share cap (示范企业: 10% of the 优势企业): its
    recommendations were not counted against the cap, since no quota table of the round gives
    that province's count."""
    categories, _ = round_categories(members)
    _, bases, _ = _quotas(members, categories)
    said: set[tuple[str, str]] = set()
    problems = []
    for entry in (e for m in members for e in _recommendations(m, categories)):
        category = categories.by_name.get(entry.programme or "")
        share = category.max_share if category else None
        if share is None or entry.province is None or (entry.province, entry.programme) in said:
            continue
        if categories.outside(entry.province):
            continue
        if (entry.province, share.of) in bases:
            continue
        said.add((entry.province, category.name))
        problems.append(
            entry.problem(
                f"{entry.province}推荐{category.name}不得超过本地区{share.label}数的{share.percent:g}%，"
                f"但本轮没有写明{entry.province}{share.label}数的名额表（quota_table 的 counts 中"
                f"“{share.of}”一栏），这一比例未核对"
            )
        )
    return problems


def check_round(members: list[Member]) -> list[Problem]:
    """Every problem between the specs of a round (each already valid on its own)."""
    categories, problems = round_categories(members)
    recommendations = [e for m in members for e in _recommendations(m, categories)]
    applications = [e for m in members for e in _applications(m, categories)]
    quotas, bases, quota_tables = _quotas(members, categories)
    problems += _unknown_problems(recommendations + applications, categories)
    problems += _region_problems(members, recommendations + applications, categories)
    problems += _rule_kind_problems(members, categories)
    problems += quota_tables
    problems += _quota_problems(quotas, recommendations, categories)
    problems += _duplicate_problems(recommendations)
    problems += _pilot_problems(members, recommendations + applications, categories)
    problems += _enterprise_problems(bases, recommendations, categories)
    problems += _deadline_problems(members)
    return problems


# -- what the specs say -----------------------------------------------------------------------
def _province_of(document: dict[str, Any], regions: catalogue.Regions) -> tuple[str | None, Path_ | None]:
    """A spec's province and where it is read: its ``province``, else the region its issuer's
    name starts with. The issuer is matched against the round's regions and the 2022 list too,
    so that an issuer outside a round's own list is reported (not silently left uncounted)."""
    if isinstance(document.get("province"), str):
        return document["province"], ("province",)
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        names = (*regions.names, *catalogue.regions())
        found = next((r for r in names if issuer.startswith(r)), None)
        return found, ("issuer",) if found else None
    return None, None


def _entry(
    member: Member,
    at: Path_,
    applicant: str,
    named: Any,
    province: tuple[str | None, Path_ | None],
    categories: Categories,
    scores: dict[str, float] | None = None,
) -> Entry:
    named = named if isinstance(named, str) else None
    found, province_at = province
    scores = dict(scores or {})
    return Entry(member, at, applicant, categories.of(named), found, scores, named, province_at)


def _recommendations(member: Member, categories: Categories) -> Iterator[Entry]:
    doc = member.document
    province = _province_of(doc, categories.regions)
    if isinstance(doc.get("recommendations"), list):
        for i, item in enumerate(doc["recommendations"]):
            named = item.get("programme") or doc.get("programme")
            at: Path_ = ("recommendations", i, "applicant")
            own = item.get("province")
            yield _entry(
                member,
                at,
                item["applicant"],
                named,
                (own, ("recommendations", i, "province")) if own else province,
                categories,
                item.get("scores"),
            )
    elif member.kind.round_role == RECOMMENDATIONS:
        if "applicant" in doc:
            named, scores = doc.get("programme"), doc.get("scores")
            yield _entry(member, ("applicant",), doc["applicant"], named, province, categories, scores)
        for i, item in enumerate(doc.get("applicants") or []):
            named = item.get("programme") or doc.get("programme")
            at = ("applicants", i, "name")
            yield _entry(member, at, item["name"], named, province, categories, item.get("scores"))


def _applications(member: Member, categories: Categories) -> Iterator[Entry]:
    doc = member.document
    if member.kind.round_role == RECOMMENDATIONS or "recommendations" in doc:
        return
    if isinstance(doc.get("applicant"), str) and isinstance(doc.get("programme"), str):
        yield _entry(
            member,
            ("applicant",),
            doc["applicant"],
            doc["programme"],
            _province_of(doc, categories.regions),
            categories,
        )


def _unknown_problems(entries: list[Entry], categories: Categories) -> list[Problem]:
    """In a declared round, a category it does not have is an error (elsewhere a warning of
    the spec itself)."""
    if categories.declared_by is None:
        return []
    return [e.problem(categories.unknown(e.named)) for e in entries if e.named and e.programme is None]


def _region_problems(members: list[Member], entries: list[Entry], categories: Categories) -> list[Problem]:
    """A recommendation's province is one of the round's regions (its own region file's, else
    the 2022 list, as its quota tables'); so is a name list's group's in a round naming its own
    region file (a list of another round, or an example's 示例省, is not counted by province)."""
    names = categories.regions.names  # the provinces :meth:`Categories.outside` leaves uncounted

    def why(province: str) -> str:
        return f"“{province}”不是本轮的地区{did_you_mean(province, names)}（{categories.regions.cited}）"

    problems = []
    said: set[tuple[int, Path_]] = set()
    for e in entries:
        if e.province is None or e.province in names or e.province_at is None:
            continue
        if (id(e.member), e.province_at) in said:
            continue  # once per place the province is written, not once per applicant
        said.add((id(e.member), e.province_at))
        issuer = e.member.document.get("issuer") if e.province_at == ("issuer",) else None
        problems.append(
            e.member.spec.problem(
                e.province_at, f"发文机关“{issuer}”所在的{why(e.province)}" if issuer else why(e.province)
            )
        )
    own = categories.declared_by is not None and "regions" in categories.declared_by.document
    for member in members:
        if member.kind.round_role != LIST or not own:
            continue
        for g, group in enumerate(member.document.get("groups") or []):
            province = group.get("province") if isinstance(group, dict) else None
            if isinstance(province, str) and province not in names:
                problems.append(member.spec.problem(("groups", g, "province"), why(province)))
    return problems


def _rule_kind_problems(members: list[Member], categories: Categories) -> list[Problem]:
    """A quota table giving quotas row by row is for a category whose rule is a table: one
    with a number per region or no quota (``per_region``, ``none``) would have its rule left
    unchecked, the table's numbers counting instead."""
    problems = []
    for member in members:
        if member.kind.round_role != QUOTAS or "rows" not in member.document:
            continue
        named = member.document["programme"]
        for k, name in enumerate([named] if isinstance(named, str) else named):
            category = categories.by_name.get(categories.of(name) or "")
            if category is None or category.quota not in ("per_region", "none"):
                continue
            if category.quota == "per_region":
                said = f"每个地区不超过{category.per_region}个"
            else:
                said = "不分配名额（none）"
            at: Path_ = ("programme",) if isinstance(named, str) else ("programme", k)
            source = _rule_source(categories, category.name, "quota")
            problems.append(
                member.spec.problem(
                    at,
                    f"{category.name}的名额规则是{said}（{source}），名额表却给它分配名额："
                    "按名额表分配时把本轮类别的 quota 改为 table，否则从名额表中删去这一类别",
                )
            )
    return problems


@dataclass
class _Quota:
    member: Member
    at: Path_
    quota: int
    counts: dict[str, int]  # the region's counts a computed table was given (优势企业数 …)


#: Quotas by (region, category), and the quota items giving each (region, count column).
Quotas = dict[tuple[str, str], _Quota]


def _quotas(members: list[Member], categories: Categories) -> tuple[Quotas, Quotas, list[Problem]]:
    """Quotas by (region, category) from every quota table, and by (region, count column) the
    first computed table giving that count; two tables disagreeing on a quota or a count is
    wrong, and so is a computed table whose terms are not its category's."""
    found: Quotas = {}
    bases: Quotas = {}
    problems: list[Problem] = []
    for member in members:
        if member.kind.round_role != QUOTAS:
            continue
        for item in member.document["allocation"]:
            programme = categories.of(item["named"])
            if programme is None:
                if categories.declared_by is not None:
                    problems.append(member.spec.problem(("programme",), categories.unknown(item["named"])))
                    break
                continue
            key = (item["region"], programme)
            quota = _Quota(member, item["at"], item["quota"], item.get("counts") or {})
            other = found.get(key)
            if other and other.quota != quota.quota:
                problems.append(
                    member.spec.problem(
                        item["at"],
                        f"{key[0]}的{key[1]}名额 {quota.quota} 个与 {other.member.where(other.at)} 的 "
                        f"{other.quota} 个不一致",
                    )
                )
            found.setdefault(key, quota)
            for count, value in quota.counts.items():
                base = bases.setdefault((item["region"], count), quota)
                if base.counts[count] != value:
                    problems.append(
                        member.spec.problem(
                            item["at"] + (count,),
                            f"{item['region']}的 {count} 数 {value} 与 {base.member.where(base.at)} 的 "
                            f"{base.counts[count]} 不一致",
                        )
                    )
        problems += _rule_problems(member, categories)
    return found, bases, problems


def _rule_problems(member: Member, categories: Categories) -> list[Problem]:
    """A computed table's terms against those its category declares: the same counts, each
    at the same percent, and the same rounding when the category states one."""
    rule_ = member.document.get("rule")
    named = member.document["programme"]
    category = categories.by_name.get(categories.of(named) or "") if isinstance(named, str) else None
    if not rule_ or category is None or category.quota != "computed" or not category.computed:
        return []
    wanted, source = category.computed, _rule_source(categories, category.name, "quota")
    written = {term["count"]: (at, term["percent"]) for at, term in catalogue.raw_terms(rule_)}
    problems = []
    for term in wanted.terms:
        if term.count not in written:
            problems.append(
                member.spec.problem(
                    ("rule",),
                    f"{category.name}名额的计算规则缺少{term.label}数（{term.count}）的 {term.percent:g}%"
                    f"（{source}）",
                )
            )
        elif float(written[term.count][1]) != float(term.percent):
            at, percent = written[term.count]
            problems.append(
                member.spec.problem(
                    ("rule", *at),
                    f"{category.name}名额的计算比例应为 {term.percent:g}%（{term.label}数，{source}），"
                    f"此处写了 {percent:g}%",
                )
            )
    problems += [
        member.spec.problem(
            ("rule", *at[:-1], "count") if at[0] == "terms" else ("rule", *at),
            f"{category.name}名额的计算规则（{source}）没有“{count}”这一项："
            f"{'、'.join(f'{t.label}数的{t.percent:g}%' for t in wanted.terms)}",
        )
        for count, (at, _) in written.items()
        if count not in wanted.percents
    ]
    if wanted.rounding and rule_.get("rounding") != wanted.rounding:
        problems.append(
            member.spec.problem(
                ("rule", "rounding"),
                f"{category.name}名额的取整方式应为 {wanted.rounding}（{source}），"
                f"此处写了 {rule_.get('rounding')}",
            )
        )
    return problems


def _rule_source(categories: Categories, name: str, key: str) -> str:
    """Where the rule ``key`` (``min_scores``, ``quota`` …) of the category ``name`` is written:
    its line in the round file when that declares it (the category's line when the rule is
    kept from the catalogue), else the catalogue — a clerk looks there, not at the file's top."""
    declared = categories.declared_by
    written = (declared.document.get("categories") or {}) if declared is not None else {}
    if declared is None or name not in written:
        return RULE_SOURCE
    return declared.where(("categories", name, key) if key in (written[name] or {}) else ("categories", name))


# -- the rules ------------------------------------------------------------------------------------
def _quota_problems(quotas: Quotas, entries: list[Entry], categories: Categories) -> list[Problem]:
    problems: list[Problem] = []
    allocated = {programme for _, programme in quotas}
    counted: dict[tuple[str, str], int] = {}
    for entry in entries:
        if categories.outside(entry.province):
            continue
        if entry.programme not in allocated:
            problems += _per_region_problem(entry, categories, counted)
            continue  # no quota table of this round allocates the programme
        tables = sorted({q.member.spec.name for (_, p), q in quotas.items() if p == entry.programme})
        if entry.province is None:
            problems.append(
                entry.problem(
                    f"无法确定“{entry.applicant}”由哪个省份推荐，不能与名额表 {'、'.join(tables)} 核对"
                    "（写 province，或发文机关名称以省份开头）"
                )
            )
            continue
        key = (entry.province, entry.programme)
        counted[key] = counted.get(key, 0) + 1
        quota = quotas.get(key)
        if quota is None:
            problems.append(
                entry.problem(
                    f"名额表 {'、'.join(tables)} 没有给{entry.province}分配{entry.programme}名额，"
                    f"不能推荐“{entry.applicant}”"
                )
            )
        elif counted[key] > quota.quota:
            problems.append(
                entry.problem(
                    f"{entry.province}推荐{entry.programme}已达 {counted[key]} 个（“{entry.applicant}”），"
                    f"超出名额表 {quota.member.where(quota.at)} 的 {quota.quota} 个"
                )
            )
    return problems


def _per_region_problem(
    entry: Entry, categories: Categories, counted: dict[tuple[str, str], int]
) -> list[Problem]:
    """A category with a fixed number per region (优势企业: 100), counted per province."""
    category = categories.by_name.get(entry.programme or "")
    if category is None or category.quota != "per_region" or entry.province is None:
        return []
    key = (entry.province, category.name)
    counted[key] = counted.get(key, 0) + 1
    if counted[key] != (category.per_region or 0) + 1:
        return []  # said once, at the first recommendation over the limit
    source = _rule_source(categories, category.name, "quota")
    return [
        entry.problem(
            f"{entry.province}推荐{category.name}已达 {counted[key]} 个（“{entry.applicant}”），"
            f"超过每个地区 {category.per_region} 个的上限（{source}）"
        )
    ]


def _duplicate_problems(entries: list[Entry]) -> list[Problem]:
    first: dict[str, Entry] = {}
    problems = []
    for entry in entries:
        name = entry.applicant.strip()
        if name in first:
            earlier = first[name]
            problems.append(
                entry.problem(
                    f"“{name}”已在 {earlier.member.where(earlier.at)} 推荐过，同一申报对象只能推荐一次"
                )
            )
        else:
            first[name] = entry
    return problems


def _pilot_problems(members: list[Member], entries: list[Entry], categories: Categories) -> list[Problem]:
    lists: dict[str, list[tuple[Member, dict[str, Path_]]]] = {}
    problems = []
    for member in members:
        named = member.document.get("programme")
        if member.kind.round_role != LIST or not named:
            continue
        programme = categories.of(named)
        if programme is None:
            if categories.declared_by is not None:
                problems.append(member.spec.problem(("programme",), categories.unknown(named)))
            continue
        names = {name: path for path, name in list_entries(member.document)}
        lists.setdefault(programme, []).append((member, names))
    programmes = categories.by_name
    for entry in entries:
        required = programmes[entry.programme].requires if entry.programme else None
        if required is None:
            continue
        candidates = lists.get(required, [])
        if not candidates:
            problems.append(
                entry.problem(
                    f"本轮文件中没有{required}名单（kind: name_list，programme: {required}），"
                    f"无法核对“{entry.applicant}”申报{entry.programme}的资格"
                )
            )
        elif not any(entry.applicant in names for _, names in candidates):
            cited = "、".join(m.spec.name for m, _ in candidates)
            problems.append(
                entry.problem(f"“{entry.applicant}”不在{required}名单 {cited} 上，不能申报{entry.programme}")
            )
    return problems


def _enterprise_problems(bases: Quotas, entries: list[Entry], categories: Categories) -> list[Problem]:
    """Each recommendation reaches its category's lowest scores; a province's recommendations
    of a category with a share cap stay within its percent of the province's count (from
    ``bases``, the computed quota tables)."""
    programmes = categories.by_name
    problems: list[Problem] = []
    counted: dict[tuple[str, str], int] = {}
    for entry in entries:
        if entry.programme is None:
            continue
        programme = programmes[entry.programme]
        source = _rule_source(categories, programme.name, "min_scores")
        for table, minimum in programme.min_scores.items():
            score = entry.scores.get(table)
            if score is None:
                problems.append(
                    entry.problem(
                        f"推荐{entry.programme}“{entry.applicant}”缺少{programme.score_name(table)}"
                        f"（须{_thresholds(programme)}，见 {source}）"
                    )
                )
            elif score < minimum:
                problems.append(
                    entry.problem(
                        f"“{entry.applicant}”{programme.score_name(table)} {score:g} 分，低于 {minimum} 分"
                        f"（{entry.programme}须{_thresholds(programme)}，见 {source}）"
                    )
                )
        share = programme.max_share
        if share is None or entry.province is None or categories.outside(entry.province):
            continue
        key = (entry.province, entry.programme)
        counted[key] = counted.get(key, 0) + 1
        # The region's count the share is taken of comes from a computed quota table of the round.
        base = bases.get((entry.province, share.of))
        if base is None:
            continue
        if counted[key] * 100 > share.percent * base.counts[share.of]:
            problems.append(
                entry.problem(
                    f"{entry.province}推荐{entry.programme}已达 {counted[key]} 个（“{entry.applicant}”），"
                    f"超过本地区{share.label} {base.counts[share.of]} {share.unit}"
                    f"（{base.member.where(base.at)}）的{share.percent:g}%"
                )
            )
    return problems


def _thresholds(programme: catalogue.Programme) -> str:
    return "、".join(f"{programme.score_name(t)}≥{minimum}" for t, minimum in programme.min_scores.items())


# -- deadlines of relayed notices -------------------------------------------------------------
_SPACE = re.compile(r"\s+")
_CLAUSE = re.compile(r"[，。；]")


def main_deadline(document: dict[str, Any]) -> tuple[Path_, dt.date] | None:
    """The latest “…前” deadline in a notice's body that is not a 回执's, with its path."""
    best: tuple[Path_, dt.date] | None = None
    for path, text in iter_strings(document.get("body"), ("body",)):
        for m in IN_TEXT.finditer(text):
            if not m.group(4):
                continue
            # The clause around the date says what is due: “将联系人回执报送” is not the main one.
            clause = _CLAUSE.split(text[: m.start()])[-1] + _CLAUSE.split(text[m.end() :])[0]
            if "回执" in clause:
                continue
            try:
                when = dt.date(*(int(g) for g in m.groups()[:3]))
            except ValueError:
                continue  # reported by the notice's own date check
            if best is None or when > best[1]:
                best = (path, when)
    return best


def _cites(document: dict[str, Any], doc_number: str) -> bool:
    wanted = _SPACE.sub("", doc_number)
    texts = [t for _, t in iter_strings(document.get("body"))]
    texts += [a.get("name", "") for a in document.get("attachments") or [] if isinstance(a, dict)]
    return any(wanted in _SPACE.sub("", t) for t in texts)


def _deadline_problems(members: list[Member]) -> list[Problem]:
    notices = [m for m in members if m.kind.round_role == NOTICE]
    problems = []
    for relaying in notices:
        own = main_deadline(relaying.document)
        for relayed in notices:
            if relayed is relaying or not _cites(relaying.document, relayed.document["doc_number"]):
                continue
            theirs = main_deadline(relayed.document)
            if own is None or theirs is None or own[1] < theirs[1]:
                continue
            problems.append(
                relaying.spec.problem(
                    own[0],
                    f"截止日期 {format_cn_date(own[1])} 应早于所转发通知 {relayed.document['doc_number']}"
                    f"（{relayed.where(theirs[0])}）的截止日期 {format_cn_date(theirs[1])}",
                )
            )
    return problems
