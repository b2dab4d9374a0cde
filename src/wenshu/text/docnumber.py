"""发文字号: 机关代字〔年份〕序号号 (GB/T 9704 §7.2.5)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from wenshu.patterns import on_first_use

# The year may come in any bracket a keyboard offers; only 〔〕 is correct.
_OPEN = "[〔\\[(（【［]"
_CLOSE = "[〕\\])）】］]"
_CODE = "[^\\s〔〕\\[\\]()（）【】［］]"
_BLANK = "[Xx×]"
_LOOSE = re.compile(
    rf"^\s*(?P<code>{_CODE}+?)\s*(?P<open>{_OPEN})\s*(?P<year>\d{{4}})\s*(?P<close>{_CLOSE})\s*"
    r"(?P<first>第)?\s*(?P<serial>\d+)\s*号\s*$"
)
# 发文字号 as other offices type them, read by `wenshu check` and `wenshu import`: compiled on
# first use (~1 ms each), not by every build.
_READING = on_first_use(
    globals(),
    {
        # A line that is a 发文字号 as other offices type it — any bracket, 第, spaces — and
        # perhaps the 签发人 of an 上行文 after it (§7.2.5–7.2.6): groups ``code``, ``year``,
        # ``serial``, ``signer``.
        "TYPED_LINE": rf"^\s*(?P<code>{_CODE}{{1,30}}?)\s*{_OPEN}\s*(?P<year>\d{{4}})\s*{_CLOSE}\s*"
        r"第?\s*(?P<serial>\d{1,6})\s*号\s*(?:(?:签发人|签 发 人)\s*[:：]\s*(?P<signer>\S.*))?$",
        # The year-and-number part of a 发文字号 anywhere in a line; templates write the digits
        # as X or × until they are filled in.
        "IN_TEXT": rf"{_OPEN}\s*[\dXx×]{{4}}\s*{_CLOSE}\s*第?\s*[\dXx×]+\s*号",
        # A line that is a template's 发文字号 still to be filled in: the form of ``TYPED_LINE``
        # with X or × standing for some digits of the year or of the serial (XXX〔2023〕X号,
        # 〔20××〕×号), perhaps with its 签发人 after it (group ``signer``).
        "TEMPLATE_LINE": rf"^\s*{_CODE}{{0,30}}?\s*{_OPEN}\s*"
        rf"(?=\d*{_BLANK}|[\dXx×]{{4}}\s*{_CLOSE}\s*第?\s*\d*{_BLANK})"
        rf"[\dXx×]{{4}}\s*{_CLOSE}\s*第?\s*[\dXx×]{{1,6}}\s*号"
        r"\s*(?:(?:签发人|签 发 人)\s*[:：]\s*(?P<signer>\S.*))?$",
        # A line that is only the 签发人 (§7.2.6): a 版头 table may set it in a row of its own,
        # under the 发文字号 (group ``signer``).
        "SIGNER_LINE": r"^\s*(?:签发人|签 发 人)\s*[:：]\s*(?P<signer>\S.*)$",
    },
)


def __getattr__(name: str) -> re.Pattern[str]:
    """``TYPED_LINE``, ``IN_TEXT``, ``TEMPLATE_LINE`` and ``SIGNER_LINE``, compiled when first
    imported or used."""
    return _READING(name)


@dataclass(frozen=True)
class DocNumber:
    """A parsed 发文字号."""

    code: str
    year: int
    serial: int

    def __str__(self) -> str:
        return format_doc_number(self.code, self.year, self.serial)


def format_doc_number(code: str, year: int, serial: int) -> str:
    """Write a 发文字号 the standard's way: 〔〕 around the year, no leading zeros, no 第."""
    return f"{code}〔{year}〕{serial}号"


class DocNumberError(ValueError):
    """A 发文字号 that is wrong; ``suggestion`` holds the corrected form when there is one."""

    def __init__(self, message: str, suggestion: str | None = None):
        super().__init__(message)
        self.suggestion = suggestion


def parse_doc_number(text: str) -> DocNumber:
    """Parse a 发文字号, rejecting wrong brackets, leading zeros and 第 with a correction."""
    m = _LOOSE.match(text)
    if not m:
        raise DocNumberError("发文字号应写作“机关代字〔年份〕序号号”，如 国知办函运字〔2023〕582号")
    number = DocNumber(m["code"], int(m["year"]), int(m["serial"]))
    if number.serial == 0:
        raise DocNumberError("发文字号的序号不能为 0")
    problems = []
    if m["open"] != "〔" or m["close"] != "〕":
        problems.append(f"年份应括以六角括号〔〕，不用 {m['open']}{m['close']}")
    if m["serial"].startswith("0"):
        problems.append("序号不编虚位（不加前导 0）")
    if m["first"]:
        problems.append("序号前不加“第”")
    if str(number) != text:
        if not problems:
            problems.append("多余的空格")
        raise DocNumberError("；".join(problems), suggestion=str(number))
    return number
