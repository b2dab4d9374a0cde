"""Periods, dates and figures of work plans, summaries and reports.

A plan runs over whole years (2024—2026年). Its phases, milestones and task deadlines are
written as a day, a month or a year (``2026-06-30``, ``2026年6月``, ``2026年底``); each is read
as the span of days it names, so “2026年12月” lies inside 2024—2026 and “2027年1月” does not.

Figures a summary compares (before and after, target and actual) are computed here, never
typed by the user, in decimal arithmetic: 8.2 → 9.1 is a change of 0.9, not 0.8999999.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

from wenshu.registry import Registry
from wenshu.text.dates import WhenError, parse_when

#: Filters the templates of plans and summaries use, registered in the Markdown environment.
FILTERS: Registry[Callable[..., Any]] = Registry("模板过滤器")

#: How a period is written in titles and tables: 2024—2026年.
PERIOD_DASH = "—"
#: Shown where a figure cannot be computed (a baseline of zero has no growth rate).
NOT_APPLICABLE = "—"


# Deadlines and phase bounds: a day, a month (optionally 底/末) or a year, optionally 前.
@FILTERS.register("when")
def show_when(value: Any) -> Any:
    """Jinja filter: a date of a plan as documents write it; an unreadable value as written.

    Only a draft reaches a template with an unreadable value (a 【待补】 left in place).
    """
    try:
        return parse_when(value).text
    except WhenError:
        return value


@FILTERS.register("when_range")
def when_range(start: Any, end: Any) -> str:
    """Jinja filter: a phase's span, ``2024年1月—2024年6月``."""
    return f"{show_when(start)}{PERIOD_DASH}{show_when(end)}"


@FILTERS.register("period_text")
def period_text(period: Any) -> Any:
    """Jinja filter: ``{start: 2024, end: 2026}`` → ``2024—2026年`` (a draft's 【待补】 as written)."""
    if not isinstance(period, dict):
        return period
    return f"{period.get('start')}{PERIOD_DASH}{period.get('end')}年"


@FILTERS.register("period_years")
def period_years(period: Any) -> list[int]:
    """Every year of a period, or none when its bounds are not both years."""
    if not isinstance(period, dict):
        return []
    start, end = period.get("start"), period.get("end")
    if not _is_int(start) or not _is_int(end):
        return []
    return list(range(start, end + 1))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# -- figures ------------------------------------------------------------------------------
# Figures are worked out exactly: a float has at most 17 significant digits and 309 before or
# 324 after the point, an integer the spec may hold (YAML, Python's limit) at most 4,300
# digits; the default 28-digit context could not write 1e300 or 0.000…1 next to 1e12 (the
# rounding raised InvalidOperation, and the build stopped at a line of the template).
_EXACT = Context(prec=10_000)


def _exact(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` with its decimal arithmetic in :data:`_EXACT`."""

    @functools.wraps(function)
    def exact(*args: Any, **kwargs: Any) -> Any:
        with localcontext(_EXACT):
            return function(*args, **kwargs)

    return exact


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Decimal(str(value))


def _places(*values: Decimal) -> int:
    return max(max(0, -v.as_tuple().exponent) for v in values)


def _fixed(value: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    return "0" if Decimal(text) == 0 else text


def _signed(value: Decimal, places: int) -> str:
    text = _fixed(value, places)
    return text if text.startswith("-") or text == "0" else "+" + text


def _not_numbers(*values: Any) -> Any:
    """What to show when an input is not a number: in a draft, the 【待补】 itself."""
    return next((v for v in values if isinstance(v, str)), NOT_APPLICABLE)


@FILTERS.register("number")
@_exact
def number(value: Any) -> Any:
    """Jinja filter: a figure as written, without a float's spurious ``.0`` or noise."""
    d = _decimal(value)
    return _not_numbers(value) if d is None else _fixed(d, _places(d))


@FILTERS.register("change")
@_exact
def change(before: Any, after: Any, unit: str = "") -> Any:
    """Jinja filter: after − before with its sign; a change of a % is in 个百分点."""
    a, b = _decimal(before), _decimal(after)
    if a is None or b is None:
        return _not_numbers(before, after)
    text = _signed(b - a, _places(a, b))
    return text + "个百分点" if unit.strip() == "%" and text != "0" else text


@FILTERS.register("growth")
@_exact
def growth(before: Any, after: Any) -> Any:
    """Jinja filter: the growth rate (after − before) / before, in % to one decimal place."""
    a, b = _decimal(before), _decimal(after)
    if a is None or b is None:
        return _not_numbers(before, after)
    if a == 0:
        return NOT_APPLICABLE
    return _signed((b - a) / a * 100, 1) + "%"


@FILTERS.register("completion")
@_exact
def completion(target: Any, actual: Any, direction: str = "up") -> Any:
    """Jinja filter: whether a target was met, with the completion rate for ‘higher is better’.

    ``direction: down`` marks an indicator where lower is better (a rate of abnormal
    applications): met when the actual value is at or under the target.
    """
    t, a = _decimal(target), _decimal(actual)
    if t is None or a is None:
        return _not_numbers(target, actual)
    met = a <= t if direction == "down" else a >= t
    verdict = "已完成" if met else "未完成"
    if direction == "down" or t == 0:
        return verdict
    return f"{verdict}（{_fixed(a / t * 100, 1)}%）"


@FILTERS.register("division_rows")
def division_rows(groups: list[dict[str, Any]], group_key: str) -> list[list[Any]]:
    """Jinja filter: the rows of a 任务分工表, one per task, numbered through the plan:
    序号, the group (重点任务 or 工程) it belongs to, 任务, 牵头单位, 配合单位, 完成时限."""
    rows: list[list[Any]] = []
    for group in groups:
        for task in group.get("tasks") or []:
            partners = task.get("partners") or []
            rows.append(
                [
                    len(rows) + 1,
                    group.get(group_key, ""),
                    task.get("name", ""),
                    task.get("lead", ""),
                    "、".join(partners) if isinstance(partners, list) else partners,
                    show_when(task.get("deadline", "")),
                ]
            )
    return rows
