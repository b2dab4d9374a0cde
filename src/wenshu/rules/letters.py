"""Domain rules of the letter kinds (推荐函, 申报函), registered under the names schemas use.

Per letter: the letter is dated between the notice it answers and that notice's deadline,
and a recommendation list neither repeats an applicant or a rank nor exceeds the quota.
Across a batch (one letter per record): :func:`batch_problems` runs the checks a kind's
``batch: checks:`` names, so a province cannot send two letters ranked 1 for one programme,
or more letters than its quota allows.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from wenshu.errors import Problem
from wenshu.registry import Registry
from wenshu.rules.checks import rule
from wenshu.rules.context import Context
from wenshu.text.dates import format_cn_date


@rule("basis_dates")
def basis_dates(field: str, context: Context) -> list[Problem]:
    """The letter is dated no earlier than the notice it answers and no later than the
    notice's deadline; the deadline itself falls after the notice."""
    spec, document = context.spec, context.document
    basis = document.get(field) or {}
    issued, deadline, date = basis.get("date"), basis.get("deadline"), document.get("date")
    problems = []
    if isinstance(issued, dt.date) and isinstance(deadline, dt.date) and deadline <= issued:
        problems.append(
            spec.problem(
                (field, "deadline"),
                f"报送截止日期 {format_cn_date(deadline)} 应晚于通知成文日期 {format_cn_date(issued)}",
            )
        )
    if isinstance(date, dt.date):
        if isinstance(issued, dt.date) and date < issued:
            problems.append(
                spec.problem(
                    ("date",),
                    f"成文日期 {format_cn_date(date)} 早于所依据通知的成文日期 {format_cn_date(issued)}",
                )
            )
        if isinstance(deadline, dt.date) and date > deadline:
            problems.append(
                spec.problem(
                    ("date",),
                    f"成文日期 {format_cn_date(date)} 晚于通知规定的报送截止日期 {format_cn_date(deadline)}",
                )
            )
    return problems


@rule("letter_recommendations")
def letter_recommendations(quota_field: str, context: Context) -> list[Problem]:
    """A recommended applicant, or each one of a list, stays within the quota of its
    programme; a list names no applicant twice and repeats no rank within a programme."""
    spec, document = context.spec, context.document
    quota: dict[str, int] | None = document.get(quota_field)
    common = document.get("programme")
    if "applicant" in document:
        entries = [(("applicant",), document["applicant"], common, document.get("rank"), ("rank",))]
    else:
        entries = [
            (
                ("applicants", i, "name"),
                a["name"],
                a.get("programme", common),
                a.get("rank"),
                ("applicants", i, "rank"),
            )
            for i, a in enumerate(document.get("applicants") or [])
        ]
    problems: list[Problem] = []
    names: dict[str, int] = {}
    ranks: dict[tuple[str | None, int], int] = {}
    counts: dict[str | None, int] = {}
    for n, (name_path, name, programme, rank, rank_path) in enumerate(entries, 1):
        if name in names:
            problems.append(spec.problem(name_path, f"“{name}”在推荐名单中重复（第{names[name]}项已推荐）"))
        names.setdefault(name, n)
        if rank is not None:
            if (programme, rank) in ranks:
                problems.append(
                    spec.problem(
                        rank_path, f"推荐排序第{rank}位与第{ranks[programme, rank]}项重复（同一申报类别）"
                    )
                )
            ranks.setdefault((programme, rank), n)
        counts[programme] = counts.get(programme, 0) + 1
        if quota is None:
            continue
        if programme is None:
            # Point at where the 申报类别 is missing: the letter's own, or the list entry's.
            where = ("programme",) if name_path == ("applicant",) else name_path[:-1] + ("programme",)
            problems.append(spec.problem(where, "填写了推荐名额时，须写明申报类别"))
        elif programme not in quota:
            problems.append(spec.problem(name_path, f"“{programme}”没有分配推荐名额（quota 中没有此类别）"))
        elif rank is not None and rank > quota[programme]:
            problems.append(
                spec.problem(rank_path, f"推荐排序第{rank}位超出{programme}的推荐名额 {quota[programme]} 个")
            )
    for programme, count in counts.items():
        if quota is not None and programme in quota and count > quota[programme]:
            where = ("applicants",) if "applicants" in document else ("applicant",)
            problems.append(
                spec.problem(where, f"推荐{programme} {count} 个，超出推荐名额 {quota[programme]} 个")
            )
    return problems


# -- across the records of a batch ------------------------------------------------------------
@dataclass
class BatchEntry:
    """What a batch check sees of one record: its merged values and how to point at it."""

    values: dict[str, Any]
    locate: Callable[[str, str], Problem]  # (field, message) → a Problem at this record's row
    label: str  # e.g. “第5行”: how messages about other records refer to this one


# Format characters (zero-width space and joiners, BOM, soft hyphen, bidi controls) and
# spaces show nothing or look alike: two names that differ only in them name the same body.
_INVISIBLE = re.compile(r"[\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+")


def identity(value: Any) -> Any:
    """What makes two values the same applicant: text after NFKC (full-width letters and
    digits become plain ones), without invisible characters or spaces, case-folded."""
    if not isinstance(value, str):
        return value
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", value)).casefold()


BatchCheck = Callable[[Any, Sequence[BatchEntry]], dict[int, list[Problem]]]
#: The checks across records a kind's ``batch: checks:`` names.
BATCH_CHECKS: Registry[BatchCheck] = Registry("批量检查")


@BATCH_CHECKS.register("unique")
def unique(fields: Sequence[str], entries: Sequence[BatchEntry]) -> dict[int, list[Problem]]:
    """No two records share the values of ``fields`` (e.g. programme and rank), compared
    as :func:`identity` sees them."""
    seen: dict[tuple[Any, ...], BatchEntry] = {}
    problems: dict[int, list[Problem]] = {}
    for i, entry in enumerate(entries):
        values = tuple(map(entry.values.get, fields))
        if any(v is None for v in values):
            continue
        key = tuple(map(identity, values))
        if key in seen:
            shown = "、".join(str(v) for v in values)
            problems.setdefault(i, []).append(
                entry.locate(fields[-1], f"与{seen[key].label}重复（{shown}），同一批中只能出现一次")
            )
        else:
            seen[key] = entry
    return problems


@BATCH_CHECKS.register("quota")
def quota(arg: dict[str, str], entries: Sequence[BatchEntry]) -> dict[int, list[Problem]]:
    """Records per value of ``arg["count"]`` (a programme) stay within the number the
    mapping in field ``arg["limits"]`` (the quota) allows for it."""
    field, limits = arg["count"], arg["limits"]
    counts: dict[Any, int] = {}
    problems: dict[int, list[Problem]] = {}
    for i, entry in enumerate(entries):
        quota = entry.values.get(limits)
        value = entry.values.get(field)
        if not isinstance(quota, dict) or value not in quota:
            continue  # the letter's own validation says what is missing
        counts[value] = counts.get(value, 0) + 1
        if counts[value] > quota[value]:
            problems.setdefault(i, []).append(
                entry.locate(field, f"{value}已推荐 {counts[value]} 个，超出推荐名额 {quota[value]} 个")
            )
    return problems


def batch_problems(
    checks: Sequence[dict[str, Any]], entries: Sequence[BatchEntry], source: str = "schemas"
) -> dict[int, list[Problem]]:
    """Problems across records, by record index, for the checks a kind's ``batch:`` names
    (``source``: the schema naming them)."""
    found: dict[int, list[Problem]] = {}
    for item in checks:
        for name, arg in item.items():
            for index, problems in BATCH_CHECKS.get(name, source)(arg, entries).items():
                found.setdefault(index, []).extend(problems)
    return found
