"""How wide text prints: the one measure of characters for titles, tables, the 发文机关标志
and the checker.

A character takes one cell of the grid (a full-width character of the 仿宋/小标宋 size) or
half of one. Measured on pages LibreOffice printed from wenshu's frames (28 cells to the
line of 版心): CJK characters and full-width forms take a cell; so do the Chinese
punctuation marks that Unicode keeps among the general punctuation — “ ” ‘ ’ — … — and the
symbols after them (№ ※ ① → ─): the 仿宋 glyphs are full-width. Latin letters, digits and
ASCII signs print in the styles' Latin font, Times New Roman (Liberation Serif where it is
missing: the same advances), each at its own advance (:data:`_TIMES_ROMAN`): a capital takes
0.61 to 0.94 of a cell, a digit half of one, ``i`` or ``.`` about a quarter. Other narrow
characters (Latin-1 signs · ° × §, the primes ′ ″) count half a cell.

That holds where the marks are set in the East Asian font. LibreOffice gives these “weak”
characters the script of the Chinese around them. Word picks the font slot by code point
([MS-OI29500] 2.1.88 on ECMA-376 §17.3.2.26): General Punctuation (U+2000–U+206F) takes the
eastAsia font only when the run's rFonts has ``w:hint="eastAsia"``, else the hAnsi font
(Times New Roman, where the marks are narrow) — which is why Chinese input methods write
that hint on such runs.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from wenshu import layout as L

# East Asian “ambiguous” characters from the dashes (U+2010) on — quotation marks, the
# ellipsis, ※, letter-like symbols, arrows, enclosed numbers, box drawing — the CJK font
# draws a cell wide; the primes ′ ″ (U+2032–U+2037) it draws narrow.
_WIDE_FROM = 0x2010
_PRIMES = range(0x2032, 0x2038)


def is_wide(ch: str) -> bool:
    """Does ``ch`` print one full cell wide (else half a cell)?"""
    kind = unicodedata.east_asian_width(ch)
    if kind in ("W", "F"):
        return True
    return kind == "A" and ord(ch) >= _WIDE_FROM and ord(ch) not in _PRIMES


def is_cjk(ch: str) -> bool:
    """Is ``ch`` Chinese script (ideographs, kana, CJK punctuation, full-width forms)? Where
    such a character meets a Latin letter or digit, Word and LibreOffice add a little room
    (autospace)."""
    return ord(ch) >= 0x2E80


# Times New Roman's advances of printable ASCII (U+0020–U+007E), in thousandths of an em —
# of a cell, at the size of the Chinese around them. Measured on a PDF LibreOffice printed
# from table cells of wenshu's template (twelve of a character between two 中, the run's
# width over twelve): they are the advances of the Adobe Times-Roman metrics, which Times New
# Roman and Liberation Serif share. Pairs that kern (“11”, “ff”) print a little narrower.
_TIMES_ROMAN = dict(
    zip(
        (chr(c) for c in range(0x20, 0x7F)),
        (
            *(250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278),  # space–/
            *([500] * 10),  # 0–9
            *(278, 278, 564, 564, 564, 444, 921),  # :;<=>?@
            *(722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889),  # A–M
            *(722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611),  # N–Z
            *(333, 278, 333, 469, 500, 333),  # [\\]^_`
            *(444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778),  # a–m
            *(500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444),  # n–z
            *(480, 200, 480, 541),  # {|}~
        ),
        strict=True,
    )
)


@lru_cache(maxsize=8192)
def _milli_cells(ch: str) -> int:
    """``ch``'s width in thousandths of a cell: integers, so that widths add up exactly in
    any order (a slice's width from prefix sums equals the slice measured alone)."""
    if is_wide(ch):
        return 1000
    return _TIMES_ROMAN.get(ch, 500)


def text_width(text: str) -> float:
    """Width of ``text`` in cells: full-width characters 1, Latin letters, digits and ASCII
    signs their Times New Roman advance, other characters ½."""
    return sum(map(_milli_cells, text)) / 1000


def proof_width(text: str) -> float:
    """Width of ``text`` in cells, no character under half a cell: what the one-page proof
    counts (:mod:`wenshu.text.wrap`), so that a word of narrow letters is never counted
    narrower than it may print (kerning, the autospace around it, the font Word picks)."""
    return sum(map(_proof_milli_cells, text)) / 1000


@lru_cache(maxsize=8192)
def _proof_milli_cells(ch: str) -> int:
    """:func:`_milli_cells`, no less than half a cell."""
    return max(_milli_cells(ch), 500)


def _autospaced(a: str, b: str) -> bool:
    """Do two neighbouring characters get the room Chinese next to a Latin letter or digit gets?"""
    return (is_cjk(a) and b.isascii() and b.isalnum()) or (is_cjk(b) and a.isascii() and a.isalnum())


# Where _autospaced holds for a character and the next (is_cjk: from U+2E80; ASCII letters
# and digits): one match per such pair, found by the regex engine rather than per character.
# The class is written as "not below U+2E80": the same characters, but Python compiles
# [\u2e80-\U0010ffff] a character at a time (~5 ms on every start), the negated one 5× faster.
_AUTOSPACE = re.compile("(?=[^\x00-\u2e7f][0-9A-Za-z]|[0-9A-Za-z][^\x00-\u2e7f])")


def line_width(text: str) -> float:
    """How many cells ``text`` takes on the page: :func:`text_width` (Markdown's escaping
    backslashes left out) plus the room added where Chinese meets Latin letters or digits."""
    text = text.replace("\\", "")
    return text_width(text) + len(_AUTOSPACE.findall(text)) * L.AUTOSPACE_EM


class SliceWidths:
    """:func:`line_width` of any slice of one text, each in constant time (breaking a title
    measures thousands of its slices). Prefix sums of the same thousandths and the same counts:
    ``widths(a, b) == line_width(text[a:b])`` exactly."""

    def __init__(self, text: str):
        kept = [ch for ch in text if ch != "\\"]
        # Characters kept before each position of ``text``; widths and autospaced pairs
        # before each kept character.
        self._kept_before = list(itertools.accumulate((ch != "\\" for ch in text), initial=0))
        self._widths = list(itertools.accumulate(map(_milli_cells, kept), initial=0))
        pairs = (_autospaced(a, b) for a, b in itertools.pairwise(kept))
        self._changes = list(itertools.accumulate(pairs, initial=0))

    def __call__(self, start: int, end: int) -> float:
        """``line_width(text[start:end])``."""
        lo, hi = self._kept_before[start], self._kept_before[end]
        changes = self._changes[hi - 1] - self._changes[lo] if hi - lo >= 2 else 0
        return (self._widths[hi] - self._widths[lo]) / 1000 + changes * L.AUTOSPACE_EM
