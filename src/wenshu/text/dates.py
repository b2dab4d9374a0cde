"""Dates as official documents write them: 2023年7月18日 (GB/T 9704 §7.3.5)."""

from __future__ import annotations

import datetime as dt
import re

_CN = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
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
    m = _CN.match(value) or _ISO.match(value)
    if not m:
        raise DateError("日期应写作 2023-07-18 或 2023年7月18日")
    year, month, day = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(f"日期不存在：{year}年{month}月{day}日") from None
