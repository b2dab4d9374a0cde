"""Punctuation as wenshu writes it (GB/T 15834): what validation refuses in a spec's text
(:func:`punctuation_problem`), and what import puts right in text typed elsewhere
(:func:`tidy_punctuation`, and what a kind's computed text is compared with after the same
fixes)."""

from __future__ import annotations

import re
from functools import cache

from wenshu.errors import excerpt
from wenshu.patterns import on_first_use

# GB/T 15834: Chinese text takes full-width punctuation. A half-width mark right after a
# Chinese character (“部署, 现将”, “条件.”), or half-width brackets around Chinese text, is
# a slip of the input method; a mark typed twice (“。。”, “：：”) is a slip of the hand.
#: The Chinese characters (CJK Unified Ideographs), for a regular expression's class.
CJK = "\u4e00-\u9fff"
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}
_DOUBLED = re.compile(r"([。，、；：！？])\1")
_HALF_MARK = re.compile(r"[,;:?!.]")


# Half-width brackets are matched whatever they hold, and what they hold is then looked at for
# Chinese: ``\(([^()]*[CJK][^()]*)\)`` backtracks in time quadratic in the text after an
# unclosed “(” (a 450 KB spec's paragraph took minutes to validate).
_HALF_PARENS = re.compile(r"\(([^()]*)\)")


@cache
def _half_width() -> re.Pattern[str]:
    # Compiled when first needed: its Chinese ranges cost milliseconds to compile, and most
    # specs hold no half-width mark at all.
    return re.compile(rf"[{CJK}]([,;:?!]|\.(?=\s|$|[{CJK}]))")


@cache
def _has_cjk() -> re.Pattern[str]:
    return re.compile(f"[{CJK}]")


def punctuation_problem(text: str) -> str | None:
    """What is wrong with the punctuation of Chinese ``text``, if anything."""
    suspect = any(
        m.start() and "\u4e00" <= text[m.start() - 1] <= "\u9fff" for m in _HALF_MARK.finditer(text)
    )
    mark = _half_width().search(text) if suspect else None
    parens = _HALF_PARENS.finditer(text) if "(" in text else ()
    brackets = next((m for m in parens if _has_cjk().search(m.group(1))), None)
    if brackets and (mark is None or brackets.start() < mark.start()):  # the first slip is said
        inside = excerpt(brackets.group(1), 10)
        return f"中文用了半角括号“({inside})”，应为全角“（{inside}）”"
    if mark:
        around = text[max(0, mark.start() - 6) : mark.end() + 6]
        return f"中文后用了半角标点“{mark.group(1)}”，应为全角“{_FULL_WIDTH[mark.group(1)]}”（“{around}”）"
    m = _DOUBLED.search(text)
    if m:
        return f"标点“{m.group(1)}”重复了（“{m.group(0)}”）"
    return None


# What import puts right: over a wider range of Chinese characters (extension A and the
# compatibility ideographs too), as text typed elsewhere may hold them. Compiled on first use:
# every build imports this module for :func:`punctuation_problem`, only import tidies.
_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！"})
_ANY_CJK = "\u3400-\u9fff\uf900-\ufaff"
_TIDYING = on_first_use(
    globals(),
    {
        "_HALF_AFTER_CJK": rf"(?<=[{_ANY_CJK}”’）])([,;:?!])",
        "_ANY_CJK_CHAR": rf"[{_ANY_CJK}]",
        "_TYPED_TWICE": r"([。，、；：！？])\1+",
        "_ASCII_QUOTES": r'"([^"]*)"',
    },
)


def tidy_punctuation(text: str) -> str:
    """``text`` with the punctuation wenshu refuses put right: half-width marks after Chinese,
    half-width brackets around Chinese, doubled marks, straight quotes in Chinese text."""
    fixed = _TIDYING("_HALF_AFTER_CJK").sub(lambda m: m.group(1).translate(_FULL), text)
    fixed = _HALF_PARENS.sub(
        lambda m: f"（{m.group(1)}）" if _TIDYING("_ANY_CJK_CHAR").search(m.group(1)) else m.group(0), fixed
    )
    fixed = _TIDYING("_TYPED_TWICE").sub(lambda m: m.group(1), fixed)
    if not re.search(f"[{_ANY_CJK}]", fixed):
        return fixed
    return _TIDYING("_ASCII_QUOTES").sub(lambda m: f"“{m.group(1)}”", fixed)
