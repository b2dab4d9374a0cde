"""Heading ordinals by depth (GB/T 9704 §7.3.3): 一、 → （一） → 1. → （1）."""

from __future__ import annotations

import re
from functools import cache

_DIGITS = "零一二三四五六七八九"

#: The four ordinal forms, one per heading depth, as users name them in ``numbering:``.
FORMS = ("一、", "（一）", "1.", "（1）")
MAX_DEPTH = len(FORMS)
#: The largest number :func:`chinese_number` writes (九十九).
MAX_CHINESE_NUMBER = 99
#: Where a run-in heading ends (§7.3.3: a heading with text after it on its line): its own
#: final mark of these, else an added 。 (the writer adds it, the checker finds the end by it).
RUNIN_END = "。！？；："


#: Chinese numerals as people type them in ordinals (〇, 零, 两 and 百 included).
NUMERALS = "一二三四五六七八九十〇零两百"


@cache
def _ordinals(spaced: bool) -> tuple[tuple[int, re.Pattern[str]], ...]:
    """The four ordinal forms by depth, with spaces allowed between their parts if ``spaced``.

    Compiled when first asked for (~1 ms a set), not at import: ``spaced`` is for other
    offices' files (``wenshu check``, ``wenshu import``), which a build never reads.
    """
    s = r"\s*" if spaced else ""
    num, close, punct = rf"(?P<num>[{NUMERALS}]+)", r"(?P<close>[）)])", r"(?P<punct>[、，,．.]?)"
    return (
        (1, re.compile(rf"^{s}{num}{s}(?P<punct>[、，,．.]){s}")),
        (2, re.compile(rf"^{s}(?P<open>[（(]){s}{num}{s}{close}{s}{punct}{s}")),
        (3, re.compile(rf"^{s}(?P<num>\d{{1,2}}){s}(?P<punct>[.．、，,])(?!\d){s}")),
        (4, re.compile(rf"^{s}(?P<open>[（(]){s}(?P<num>\d{{1,2}}){s}{close}{s}{punct}{s}")),
    )


def written_ordinal(text: str, *, spaced: bool = False) -> tuple[int, re.Match[str]] | None:
    """The depth and match of the ordinal ``text`` starts with, if it starts with one, in every
    form people type (§7.3.3): full- or half-width marks, a bracketed ordinal with or without a
    、 after it (the form wenshu writes at depth d is ``FORMS[d - 1]``). ``spaced``: as other
    offices' files have them typed, spaces around and inside (“ （ 一 ） ”), the spaces after
    the ordinal included in the match (``wenshu import``)."""
    for depth, pattern in _ordinals(spaced):
        m = pattern.match(text)
        if m:
            return depth, m
    return None


def chinese_number(n: int) -> str:
    """Write 1–99 in Chinese numerals: 十一, 二十, 二十一 (never 一〇)."""
    if not 1 <= n <= MAX_CHINESE_NUMBER:
        raise ValueError(f"序号超出范围（1–{MAX_CHINESE_NUMBER}）：{n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "")


def chinese_value(text: str) -> int | None:
    """The number 1–99 that ``text`` writes as :func:`chinese_number` would (十一 → 11), else None."""
    return _CHINESE_VALUES.get(text)


def ordinal(n: int, form: str) -> str:
    """The ordinal for the n-th item written in ``form`` (one of :data:`FORMS`)."""
    if form == "一、":
        return chinese_number(n) + "、"
    if form == "（一）":
        return "（" + chinese_number(n) + "）"
    if form == "1.":
        return f"{n}."
    if form == "（1）":
        return f"（{n}）"
    raise ValueError(f"未知的序号形式：{form}")


_CHINESE_VALUES = {chinese_number(n): n for n in range(1, MAX_CHINESE_NUMBER + 1)}


def form_for_depth(depth: int) -> str:
    """The ordinal form for heading depth 1–4."""
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"标题层级只能是 1–{MAX_DEPTH}：{depth}")
    return FORMS[depth - 1]


def attachment_label(n: int, total: int) -> str:
    """The label at the top of an attachment page: 附件 alone, or 附件N of several."""
    return "附件" if total == 1 else f"附件{n}"
