"""Paragraph borders (``w:pBdr``) and how long a border is drawn."""

from __future__ import annotations

from typing import Any

from lxml import etree

from wenshu.check.reading.ooxml import to_int, wtag, wval
from wenshu.check.reading.reader import Para, Reader
from wenshu.check.reading.styles import first_attr


def paragraph_borders(doc: Reader, para: Para) -> dict[str, Any]:
    """The borders drawn around ``para`` (side → ``w:top`` … element), the nearest level
    winning; sides switched off left out."""
    out = {}
    for level in doc.styles.ppr_levels(para.el):
        bdr = level.find(wtag("pBdr"))
        if bdr is not None:
            for side in bdr:
                out.setdefault(etree.QName(side).localname, side)
    return {k: v for k, v in out.items() if wval(v) not in (None, "nil", "none")}


def rule_width(doc: Reader, para: Para) -> int | None:
    """A paragraph border's length, or None where the page itself is already irregular."""
    section = doc.section_of(para) if para.part == "正文" else doc.sections[0]
    if not section.regular:
        return None
    levels = doc.styles.ppr_levels(para.el)
    left = to_int(first_attr(levels, "ind", "left") or first_attr(levels, "ind", "start"))
    right = to_int(first_attr(levels, "ind", "right") or first_attr(levels, "ind", "end"))
    return section.text_width - left - right
