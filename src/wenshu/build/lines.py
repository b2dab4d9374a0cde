"""The one-page proof: the lines a document's body takes on the 22-line grid, counted from
its text, and whether that leaves it provably on one page — so that it needs no pagination
pass (:mod:`wenshu.build.paginate`), no LibreOffice, and a batch of one-page letters loads
neither.
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache

from wenshu import layout as L
from wenshu.roles import Style
from wenshu.text.wrap import lines_at_most

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# The names lines_needed looks for, made once (it runs on every letter of a batch).
_BODY, _TBL, _P, _PPR, _SECTPR, _PSTYLE, _VAL, _T, _BR = (
    f"{{{_W}}}{tag}" for tag in ("body", "tbl", "p", "pPr", "sectPr", "pStyle", "val", "t", "br")
)


def lines_needed(docx: bytes) -> int | None:
    """Lines the body takes on the 22-line grid, or None when that cannot be counted.

    Counted from the text, as an upper bound (:func:`text_lines`): a paragraph takes as many
    lines as its characters (plus the two-character indent) need at 28 cells a line (20 for
    a 2号 title), with the room lost where a Latin word or number wraps whole. Tables, sections and a
    版记 make the count uncertain: None.
    """
    paragraphs = body_paragraphs(docx)
    return None if paragraphs is None else sum(paragraph_lines(*p) for p in paragraphs)


def body_paragraphs(docx: bytes) -> list[tuple[bool, str, int]] | None:
    """What :func:`lines_needed` counts, paragraph by paragraph: (is the title, its text, its
    line breaks); None where it cannot count (a table, a section break)."""
    # lxml is imported here: a batch whose letters all fill a kept shape never reads a .docx.
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"), etree.XMLParser(resolve_entities=False))
    body = root.find(_BODY)
    out = []
    for child in body if body is not None else []:
        if child.tag == _TBL:
            return None
        if child.tag != _P:
            continue
        ppr = child.find(_PPR)
        style = None
        if ppr is not None:
            if ppr.find(_SECTPR) is not None:
                return None
            style = ppr.find(_PSTYLE)
        title = style is not None and style.get(_VAL) == Style.TITLE
        text = "".join(t.text or "" for t in child.iter(_T))
        out.append((title, text, sum(1 for _ in child.iter(_BR))))
    return out


def paragraph_lines(title: bool, text: str, breaks: int = 0) -> int:
    """Lines one body paragraph takes at most: its text at 28 cells a line (20 for the
    title), the first line indented two, plus one for each line break."""
    return text_lines(title, text) + breaks


@lru_cache(maxsize=4096)
def text_lines(title: bool, text: str) -> int:
    """At most how many lines one paragraph's text takes (:func:`~wenshu.text.wrap.lines_at_most`:
    an ASCII advance counted no narrower than half a cell, a Latin word or number that does
    not fit the rest of a line wrapping whole). Kept per text: a batch's letters repeat most
    of their paragraphs word for word, and measuring each character is most of the count."""
    per_line = L.TITLE_CHARS_PER_LINE if title else L.CHARS_PER_LINE
    return lines_at_most(text, per_line - 2, per_line)  # the first line's two-character indent


def fits_one_page(lines: int | None) -> bool:
    """Does a body of ``lines`` (see :func:`lines_needed`) provably fit one page? Only with a
    line to spare."""
    return lines is not None and lines <= L.LINES_PER_PAGE - 1


def provably_fits(docx: bytes) -> bool:
    """A one-page letter whose line count leaves a line to spare needs no laying out."""
    return fits_one_page(lines_needed(docx))
