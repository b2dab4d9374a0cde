"""What the rules share: tolerances and how sizes and lengths are written in a report."""

from __future__ import annotations

from wenshu import layout as L
from wenshu.check.reading.ooxml import to_int, wtag, wval
from wenshu.check.reading.reader import SectionProps

TWIPS_PER_MM = L.TWIPS_PER_MM
# An indent counts as "n characters" within a quarter of a character.
INDENT_SLACK = 0.25

_SIZE_NAMES = {
    L.TITLE_SIZE_PT: "二号",
    L.BODY_SIZE_PT: "三号",
    L.RECORD_SIZE_PT: "四号",
}


def size_name(pt: float) -> str:
    """A size as the standard names it: 三号（16 磅）, or in points."""
    name = _SIZE_NAMES.get(pt)
    return f"{name}（{pt:g} 磅）" if name else f"{pt:g} 磅"


_ALIGN_NAMES = {"left": "居左", "right": "居右", "center": "居中", "both": "两端对齐"}


def align_name(jc: str) -> str:
    """An alignment as Word's paragraph dialog names it (居中), for a report."""
    return _ALIGN_NAMES.get(jc, jc)


# Theme fonts as Word's font box lists them (ECMA-376 §22.1.2.x: minor = body, major = headings).
_THEME_NAMES = {
    "minorEastAsia": "+中文正文",
    "majorEastAsia": "+中文标题",
    "minorHAnsi": "+西文正文",
    "majorHAnsi": "+西文标题",
    "minorAscii": "+西文正文",
    "majorAscii": "+西文标题",
}


def theme_name(theme: str) -> str:
    """A theme font as a report names it: 主题字体“+中文正文”, as Word's font box shows it."""
    return f"主题字体“{_THEME_NAMES.get(theme, theme)}”"


def mm_text(twips: float) -> str:
    """A length in twips as millimetres, for a report."""
    return f"{twips / TWIPS_PER_MM:.1f} mm"


def column_count(section: SectionProps) -> int:
    """How many columns the section sets its text in (``w:cols``, ECMA-376 §17.6.4: ``num``
    equal columns, or one ``w:col`` each when ``equalWidth`` is off)."""
    cols = section.el.find(wtag("cols")) if section.el is not None else None
    if cols is None:
        return 1
    if wval(cols, "equalWidth") in ("0", "false", "off"):
        return max(len(cols.findall(wtag("col"))), 1)
    return max(to_int(wval(cols, "num"), 1), 1)
