"""A round as a set: the rules that hold between the specs of one folder.

``wenshu validate DIR`` validates every spec under ``DIR`` on its own, then checks the
valid ones against each other:

- recommendations per province and programme stay within the round's quota tables;
- no applicant is recommended twice;
- a 示范城市 (示范县) applicant is on the round's 试点城市 (试点县) list;
- a recommended 示范企业 has A表 ≥ 75 and B表 ≥ 80, and a province recommends no more than
  10% of its 优势企业 (the counts of a computed quota table);
- a notice that cites another notice's 发文字号 (a provincial notice relaying the national
  one) sets its deadline before the cited notice's deadline.

The thresholds and which list a programme requires come from ``data/programmes.yaml``.
Every message names both files involved: it stands at the offending place and cites the
other file with its line.

What counts as a recommendation: a ``recommendation_letter`` (its ``applicant`` or
``applicants``), and any spec with ``recommendations: [{applicant, programme, province,
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

from . import catalogue
from .annexes import list_entries
from .dates import IN_TEXT, format_cn_date
from .errors import Problem
from .kinds import Kind
from .load import Path_, Spec, iter_strings

RULE_SOURCE = "data/programmes.yaml"


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

    def problem(self, message: str) -> Problem:
        """A problem located at this entry."""
        return self.member.spec.problem(self.at, message)


def find_specs(folder: Path) -> list[Path]:
    """Every ``*.yaml`` under ``folder`` (hidden folders skipped), in a stable order."""
    return sorted(
        p
        for p in folder.rglob("*.yaml")
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def round_folders(folder: Path) -> list[Path]:
    """The rounds under ``folder``: itself if it holds specs, else each subfolder's rounds.

    So ``wenshu validate examples`` checks examples/letters and examples/rounds/henan-2023
    each as a round of its own, not all of them as one.
    """
    if any(folder.glob("*.yaml")):
        return [folder]
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    return [r for sub in subfolders for r in round_folders(sub)]


def check_round(members: list[Member]) -> list[Problem]:
    """Every problem between the specs of a round (each already valid on its own)."""
    recommendations = [e for m in members for e in _recommendations(m)]
    applications = [e for m in members for e in _applications(m)]
    problems = _quota_problems(members, recommendations)
    problems += _duplicate_problems(recommendations)
    problems += _pilot_problems(members, recommendations + applications)
    problems += _enterprise_problems(members, recommendations)
    problems += _deadline_problems(members)
    return problems


# -- what the specs say -----------------------------------------------------------------------
def _province_of(document: dict[str, Any]) -> str | None:
    if isinstance(document.get("province"), str):
        return document["province"]
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return next((r for r in catalogue.regions() if issuer.startswith(r)), None)
    return None


def _programme(value: Any) -> str | None:
    return catalogue.programme_of(value) if isinstance(value, str) else None


def _recommendations(member: Member) -> Iterator[Entry]:
    doc = member.document
    province = _province_of(doc)
    if isinstance(doc.get("recommendations"), list):
        for i, item in enumerate(doc["recommendations"]):
            yield Entry(
                member,
                ("recommendations", i, "applicant"),
                item["applicant"],
                _programme(item.get("programme") or doc.get("programme")),
                item.get("province") or province,
                dict(item.get("scores") or {}),
            )
    elif member.kind.name == "recommendation_letter":
        if "applicant" in doc:
            yield Entry(member, ("applicant",), doc["applicant"], _programme(doc.get("programme")), province)
        for i, item in enumerate(doc.get("applicants") or []):
            programme = _programme(item.get("programme") or doc.get("programme"))
            yield Entry(member, ("applicants", i, "name"), item["name"], programme, province)


def _applications(member: Member) -> Iterator[Entry]:
    doc = member.document
    if member.kind.name == "recommendation_letter" or "recommendations" in doc:
        return
    if isinstance(doc.get("applicant"), str) and isinstance(doc.get("programme"), str):
        yield Entry(member, ("applicant",), doc["applicant"], _programme(doc["programme"]), _province_of(doc))


@dataclass
class _Quota:
    member: Member
    at: Path_
    quota: int
    advantage: int | None


def _quotas(members: list[Member]) -> tuple[dict[tuple[str, str], _Quota], list[Problem]]:
    """Quotas by (region, programme) from every quota table; two tables disagreeing is wrong."""
    found: dict[tuple[str, str], _Quota] = {}
    problems: list[Problem] = []
    for member in members:
        if member.kind.name != "quota_table":
            continue
        for item in member.document["allocation"]:
            key = (item["region"], item["programme"])
            quota = _Quota(member, item["at"], item["quota"], item.get("advantage"))
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
    return found, problems


# -- the rules ------------------------------------------------------------------------------------
def _quota_problems(members: list[Member], entries: list[Entry]) -> list[Problem]:
    quotas, problems = _quotas(members)
    allocated = {programme for _, programme in quotas}
    counted: dict[tuple[str, str], int] = {}
    for entry in entries:
        if entry.programme not in allocated:
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


def _pilot_problems(members: list[Member], entries: list[Entry]) -> list[Problem]:
    lists: dict[str, list[tuple[Member, dict[str, Path_]]]] = {}
    for member in members:
        if member.kind.name == "name_list" and _programme(member.document.get("programme")):
            names = {name: path for path, name in list_entries(member.document)}
            lists.setdefault(_programme(member.document["programme"]), []).append((member, names))
    programmes = catalogue.programmes()
    problems = []
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


def _enterprise_problems(members: list[Member], entries: list[Entry]) -> list[Problem]:
    programmes = catalogue.programmes()
    quotas, _ = _quotas(members)
    problems: list[Problem] = []
    counted: dict[tuple[str, str], int] = {}
    for entry in entries:
        if entry.programme is None:
            continue
        programme = programmes[entry.programme]
        for table, minimum in programme.min_scores.items():
            score = entry.scores.get(table)
            if score is None:
                problems.append(
                    entry.problem(
                        f"推荐{entry.programme}“{entry.applicant}”缺少{table}表评分"
                        f"（须{_thresholds(programme)}，见 {RULE_SOURCE}）"
                    )
                )
            elif score < minimum:
                problems.append(
                    entry.problem(
                        f"“{entry.applicant}”{table}表评分 {score:g} 分，低于 {minimum} 分"
                        f"（{entry.programme}须{_thresholds(programme)}，见 {RULE_SOURCE}）"
                    )
                )
        if programme.max_share_percent is None or entry.province is None:
            continue
        key = (entry.province, entry.programme)
        counted[key] = counted.get(key, 0) + 1
        # The region's 优势企业 count comes from a computed quota table of the round.
        base = next(
            (q for (region, _), q in quotas.items() if region == entry.province and q.advantage is not None),
            None,
        )
        if base is None or base.advantage is None:
            continue
        if counted[key] * 100 > programme.max_share_percent * base.advantage:
            problems.append(
                entry.problem(
                    f"{entry.province}推荐{entry.programme}已达 {counted[key]} 个（“{entry.applicant}”），"
                    f"超过本地区优势企业 {base.advantage} 家（{base.member.where(base.at)}）的"
                    f"{programme.max_share_percent:g}%"
                )
            )
    return problems


def _thresholds(programme: catalogue.Programme) -> str:
    return "、".join(f"{table}表≥{minimum}" for table, minimum in programme.min_scores.items())


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
    notices = [m for m in members if m.kind.name == "notice"]
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
