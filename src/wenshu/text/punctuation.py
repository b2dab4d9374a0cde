"""Punctuation as wenshu writes it (GB/T 15834): what validation refuses in a spec's text
(:func:`punctuation_problem`), and what import puts right in text typed elsewhere
(:func:`tidy_punctuation`, and what a kind's computed text is compared with after the same
fixes)."""

from __future__ import annotations

import re

from wenshu.errors import excerpt
from wenshu.patterns import on_first_use
from wenshu.text.numbering import NUMERALS

# GB/T 15834: Chinese text takes full-width punctuation. A half-width mark right after a
# Chinese character (“部署, 现将”, “条件.”), or half-width brackets around Chinese text, is
# a slip of the input method; a mark typed twice (“。。”, “：：”) is a slip of the hand.
# Chinese characters are those of the CJK Unified Ideographs with extension A and the
# compatibility ideographs: text typed elsewhere (a Word file imported) may hold them too.
_CJK_RANGES = (("\u3400", "\u9fff"), ("\uf900", "\ufaff"))
#: The Chinese characters, for a regular expression's class.
CJK = "".join(f"{low}-{high}" for low, high in _CJK_RANGES)
#: Each half-width mark and the full-width one Chinese text takes in its place.
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}
_FULL = str.maketrans(FULL_WIDTH)
_HALF_MARK = re.compile(r"[,;:?!.]")
# A half-width mark after a Chinese character; a full stop only where a sentence ends (“3.5”,
# “附件1.docx” and “www.gov.cn” are not Chinese text).
_AFTER_CHINESE = rf"(?<=[{CJK}])([,;:?!]|\.(?=\s|$|[{CJK}]))"
# Half-width brackets are matched whatever they hold, and what they hold is then looked at for
# Chinese: ``\(([^()]*[CJK][^()]*)\)`` backtracks in time quadratic in the text after an
# unclosed “(” (a 450 KB spec's paragraph took minutes to validate).
_HALF_PARENS = re.compile(r"\(([^()]*)\)")
# Compiled when first needed: the Chinese ranges cost milliseconds to compile, most specs hold
# no half-width mark at all, and only import tidies.
_PATTERN = on_first_use(
    globals(),
    {
        "_HALF_AFTER_CHINESE": _AFTER_CHINESE,
        "_TYPED_TWICE": r"([。，、；：！？])\1+",
        # Import also puts right a mark after a closing quote or bracket of Chinese text, and
        # straight quotes in it (which validation lets pass).
        "_HALF_AFTER_CLOSING": r"(?<=[”’）])([,;:?!])",
        "_ASCII_QUOTES": r'"([^"]*)"',
        # A heading's ordinal typed “一.”: import reads it as one (wenshu.importing.outline)
        # and writes the level instead, so its full stop is left for that.
        "_ORDINAL": rf"\s*[{NUMERALS}]+",
    },
)


def _chinese(char: str) -> bool:
    return any(low <= char <= high for low, high in _CJK_RANGES)


def _around_chinese(m: re.Match[str]) -> bool:
    return any(_chinese(char) for char in m.group(1))


def punctuation_problem(text: str) -> str | None:
    """What is wrong with the punctuation of Chinese ``text``, if anything."""
    # Most text has no half-width mark after a Chinese character: nothing compiled for it.
    marks = _HALF_MARK.finditer(text)
    suspect = any(m.start() and _chinese(text[m.start() - 1]) for m in marks)
    mark = _PATTERN("_HALF_AFTER_CHINESE").search(text) if suspect else None
    parens = _HALF_PARENS.finditer(text) if "(" in text else ()
    brackets = next((m for m in parens if _around_chinese(m)), None)
    if brackets and (mark is None or brackets.start() < mark.start()):  # the first slip is said
        inside = excerpt(brackets.group(1), 10)
        return f"中文用了半角括号“({inside})”，应为全角“（{inside}）”"
    if mark:
        around = text[max(0, mark.start() - 7) : mark.end() + 6]  # from six characters before the Chinese one
        return f"中文后用了半角标点“{mark.group(1)}”，应为全角“{FULL_WIDTH[mark.group(1)]}”（“{around}”）"
    m = _PATTERN("_TYPED_TWICE").search(text)
    if m:
        return f"标点“{m.group(1)}”重复了（“{m.group(1) * 2}”）"
    return None


def tidy_punctuation(text: str) -> str:
    """``text`` with the punctuation :func:`punctuation_problem` refuses put right (half-width
    marks after Chinese, half-width brackets around Chinese, doubled marks), and half-width
    marks after a closing quote or bracket and straight quotes in Chinese text."""

    def full_width(m: re.Match[str]) -> str:
        if m.group(1) == "." and _PATTERN("_ORDINAL").fullmatch(text, 0, m.start()):
            return "."
        return m.group(1).translate(_FULL)

    fixed = _PATTERN("_HALF_AFTER_CHINESE").sub(full_width, text)
    fixed = _PATTERN("_HALF_AFTER_CLOSING").sub(lambda m: m.group(1).translate(_FULL), fixed)

    def full_brackets(m: re.Match[str]) -> str:
        return f"（{m.group(1)}）" if _around_chinese(m) else m.group(0)

    while (inside := _HALF_PARENS.sub(full_brackets, fixed)) != fixed:
        fixed = inside  # the innermost first: “((注))” in full
    fixed = _PATTERN("_TYPED_TWICE").sub(lambda m: m.group(1), fixed)
    if not re.search(f"[{CJK}]", fixed):
        return fixed
    return _PATTERN("_ASCII_QUOTES").sub(lambda m: f"“{m.group(1)}”", fixed)
