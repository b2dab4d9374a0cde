"""Dates as official documents write them: 2023年7月18日 (GB/T 9704 §7.3.5)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from wenshu.patterns import on_first_use
from wenshu.text.numbering import NUMERALS

_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_CN_DAY = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(前)?$")
_CN_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月([底末])?(前)?$")
_CN_YEAR = re.compile(r"^(\d{4})年([底末])?(前)?$")
#: A date inside running text, with an optional 前 (a deadline).
IN_TEXT = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(\s*前)?")
# Dates as other offices type them, read by `wenshu check` and `wenshu import`: compiled on
# first use (their numeral classes cost ~1 ms each to compile), not by every build.
_READING = on_first_use(
    globals(),
    {
        # A line that is a date and nothing else, as other offices type them too: Arabic or
        # Chinese numerals (二〇二三年七月十八日), a short year, spaces anywhere.
        "WRITTEN_DATE": rf"^\s*(\d{{2,4}}|[{NUMERALS}]{{2,4}})\s*年\s*([\d{NUMERALS}]{{1,3}})\s*月"
        rf"\s*([\d{NUMERALS}]{{1,3}})\s*日\s*$",
        # The end of a 版记's 印发 line (§7.4.3): the date, in either numerals, then 印发.
        "IMPRINT": rf"(?P<date>(\d{{4}}|[{NUMERALS}]{{4}})\s*年\s*[\d{NUMERALS}]{{1,3}}\s*月"
        rf"\s*[\d{NUMERALS}]{{1,3}}\s*日)\s*印发\s*$",
        # A day in Chinese numerals, the year digit by digit (〇 typed as 零, ○, Ｏ or O).
        "_TYPED_CN_DAY": r"^\s*([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月"
        r"([一二三四五六七八九十]{1,3})日\s*$",
    },
)


def __getattr__(name: str) -> re.Pattern[str]:
    """``WRITTEN_DATE`` and ``IMPRINT``, compiled when first imported or used."""
    return _READING(name)


def imprint_parts(line: str) -> tuple[str, str] | None:
    """The 印发机关 and the written 印发日期 of a 版记's 印发 line (“国家知识产权局办公室
    2023年7月18日印发”): the office, then space, then the date; spaces typed inside 印 发 allowed."""
    text = re.sub(r"印\s+发(\s*)$", r"印发\1", line.replace("\u3000", " "))
    m = _READING("IMPRINT").search(text)
    if m is None:
        return None
    printer = text[: m.start()]
    if not printer.strip() or printer == printer.rstrip():
        return None
    return printer.strip(), m["date"]


# A 成文日期 as typed in other offices' files: 2023年7月18日, or in Chinese numerals with
# the year digit by digit (二〇二三年七月十八日; 〇 typed as 零, ○, Ｏ or O).
#: A day written in figures and nothing else on the line (spaces allowed).
TYPED_DAY = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}


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


def read_written_date(text: str) -> dt.date | None:
    """The day a line written 2023年7月18日 or 二〇二三年七月十八日 names (None if it is
    neither, or names no day)."""
    m = TYPED_DAY.match(text)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _READING("_TYPED_CN_DAY").match(text)
        if m:
            year = int("".join(str(_CN_DIGIT[c]) for c in m[1]))
            return dt.date(year, _cn_small(m[2]), _cn_small(m[3]))
    except (ValueError, KeyError):
        return None
    return None


def _cn_small(text: str) -> int:
    """一 … 三十一 as a number (a month or a day)."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)
    return _CN_DIGIT[text]


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
