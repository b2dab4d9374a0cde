"""Dates as official documents write them: 2023年7月18日 (GB/T 9704 §7.3.5)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_CN_DAY = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(前)?$")
_CN_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月([底末])?(前)?$")
_CN_YEAR = re.compile(r"^(\d{4})年([底末])?(前)?$")
#: A date inside running text, with an optional 前 (a deadline).
IN_TEXT = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(\s*前)?")


class DateError(ValueError):
    """A date that cannot be read or does not exist."""


def format_cn_date(date: dt.date) -> str:
    """``2023年7月18日``: Arabic numerals, full year, no zero padding."""
    return f"{date.year}年{date.month}月{date.day}日"


def parse_date(value: object) -> dt.date:
    """Read a YAML date, ``2023-07-18`` or ``2023年7月18日``; impossible dates are errors."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise DateError("日期应写作 2023-07-18 或 2023年7月18日")
    text = re.sub(r"\s+", "", value)
    m = _ISO_DAY.match(text) or _CN_DAY.match(text)
    if not m or m.re is _CN_DAY and m[4]:
        raise DateError("日期应写作 2023-07-18 或 2023年7月18日")
    return _day(int(m[1]), int(m[2]), int(m[3]))


# -- the dates of plans: a day, a month or a year, and deadlines (…前, …底) ------------------


WHEN_FORMS = "2026-06-30、2026年6月30日、2026年6月、2026年6月底、2026年底 或 2026年"


class WhenError(DateError):
    """A date of a plan that cannot be read or does not exist."""


@dataclass(frozen=True)
class When:
    """A day, month or year a plan names: the days it covers and how it is written."""

    first: dt.date
    last: dt.date
    text: str


def parse_when(value: Any) -> When:
    """Read a phase bound, milestone or deadline; raise :class:`WhenError` in Chinese."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return When(value, value, format_cn_date(value))
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value}年"
    if not isinstance(value, str):
        raise WhenError(f"应写作 {WHEN_FORMS}")
    text = re.sub(r"\s+", "", value)
    if m := _ISO_DAY.match(text) or _CN_DAY.match(text):
        day = _day(int(m[1]), int(m[2]), int(m[3]))
        before = "前" if m.re is _CN_DAY and m[4] else ""
        return When(day, day, format_cn_date(day) + before)
    if m := _ISO_MONTH.match(text) or _CN_MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise WhenError(f"月份不存在：{year}年{month}月")
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        tail = (m[3] or "") + (m[4] or "") if m.re is _CN_MONTH else ""
        return When(dt.date(year, month, 1), last, f"{year}年{month}月{tail}")
    if m := _CN_YEAR.match(text):
        year = int(m[1])
        # 年底 is the year's last month: a deadline “2026年底” is met by December 2026.
        first = dt.date(year, 12, 1) if m[2] else dt.date(year, 1, 1)
        return When(first, dt.date(year, 12, 31), f"{year}年{m[2] or ''}{m[3] or ''}")
    raise WhenError(f"应写作 {WHEN_FORMS}，而不是“{value}”")


def _day(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise WhenError(f"日期不存在：{year}年{month}月{day}日") from None
