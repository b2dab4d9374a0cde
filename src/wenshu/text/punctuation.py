"""Punctuation as wenshu writes it: what import puts right in text typed elsewhere (and what a
kind's computed text is compared with after the same fixes)."""

from __future__ import annotations

import re

_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！"})
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_HALF_AFTER_CJK = re.compile(rf"(?<=[{_CJK}”’）])([,;:?!])")
_HALF_PARENS = re.compile(rf"\(([^()]*[{_CJK}][^()]*)\)")
_DOUBLED = re.compile(r"([。，、；：！？])\1+")
_ASCII_QUOTES = re.compile(r'"([^"]*)"')


def tidy_punctuation(text: str) -> str:
    """``text`` with the punctuation wenshu refuses put right: half-width marks after Chinese,
    half-width brackets around Chinese, doubled marks, straight quotes in Chinese text."""
    fixed = _HALF_AFTER_CJK.sub(lambda m: m.group(1).translate(_FULL), text)
    fixed = _HALF_PARENS.sub(lambda m: f"（{m.group(1)}）", fixed)
    fixed = _DOUBLED.sub(lambda m: m.group(1), fixed)
    return _ASCII_QUOTES.sub(lambda m: f"“{m.group(1)}”", fixed) if re.search(f"[{_CJK}]", fixed) else fixed
