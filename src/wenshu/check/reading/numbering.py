"""Word's automatic numbering, as a reader of the page sees it.

A heading numbered by Word (``w:numPr`` on the paragraph or its style, levels defined in
``word/numbering.xml``) carries no 一、 in its text: Word draws the label. The checker must
read that label to know the heading's level and check its sequence, or it would take a
correct heading for body text. :class:`AutoNumbering` follows the paragraphs in document
order and gives each numbered one its label — ``一、``, ``（二）``, ``3.`` — as Word shows it.

What it follows: abstract numbering levels (start, format, label text with ``%1``…``%9``,
legal numbering), list instances sharing an abstract definition (they continue one
sequence) and a list instance's start overrides (which restart it) and redefined levels; a
list defined through a numbering style (``w:numStyleLink``) reads the levels of the definition
that style links (``w:styleLink``). Deeper levels restart
when a shallower one is numbered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wenshu.check.reading.ooxml import MC_NS, W_NS
from wenshu.text.numbering import chinese_number

_DIGITS = "〇一二三四五六七八九"


def _qn(name: str) -> str:
    """``w:tag`` in Clark notation."""
    return f"{{{W_NS}}}{name.removeprefix('w:')}"


def _val(el: Any, attr: str = "val") -> str | None:
    return el.get(_qn(attr)) if el is not None else None


# Word's 起始编号 (w:start, w:startOverride) goes from 0 to 32,767; a file may say anything,
# and a start of 10^12 drawn in letters would be a string of 4 × 10^10 characters.
MAX_START = 32767
# Levels are numbered 0–8 (ECMA-376 §17.9.3 w:ilvl); the label text holds %1 … %9.
_LEVELS = 9


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _start(text: str | None, default: int) -> int:
    return min(max(_int(text, default), 0), MAX_START)


def _roman(n: int) -> str:
    out = []
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: a … z, aa … zz, aaa …; 0 and below draw nothing.
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def _chinese(n: int) -> str:
    return chinese_number(n) if 1 <= n <= 99 else str(n)


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalFullWidth2": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalHalfWidth": str,
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    # LibreOffice writes its “一, 二, 三, ...” numbering as taiwaneseCountingThousand: the
    # same numerals below a hundred.
    "taiwaneseCounting": _chinese,
    "taiwaneseCountingThousand": _chinese,
    "japaneseCounting": _chinese,
    "ideographDigital": lambda n: "".join(_DIGITS[int(d)] for d in str(n)),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letters,
    "lowerLetter": lambda n: _letters(n).lower(),
    "none": lambda n: "",
}


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    legal: bool = False  # isLgl: every level's number shown in decimal
    rpr: Any = None  # the level's own w:rPr: how its label is set, over the paragraph mark's
    ppr: Any = None  # the level's w:pPr: its indents, over the paragraph style's


def _number_format(lvl: Any) -> str:
    """A level's number format. Word 2010 and later write a Chinese format as a choice between
    its own ``custom`` format (“一, 二, 三, ...”) for readers that know it and the standard one
    in ``mc:Fallback`` (chineseCounting) for the others (ECMA-376 Part 3 §10.2): the fallback
    names the same numerals in a format every reader knows."""
    own = lvl.find(_qn("w:numFmt"))
    if own is None:
        own = lvl.find(f"{{{MC_NS}}}AlternateContent/{{{MC_NS}}}Fallback/{_qn('w:numFmt')}")
    return _val(own) or "decimal"


def _read_level(lvl: Any) -> _Level:
    return _Level(
        start=_start(_val(lvl.find(_qn("w:start"))), 1),
        fmt=_number_format(lvl),
        text=_val(lvl.find(_qn("w:lvlText"))) or "",
        legal=lvl.find(_qn("w:isLgl")) is not None and _val(lvl.find(_qn("w:isLgl"))) != "0",
        rpr=lvl.find(_qn("w:rPr")),
        ppr=lvl.find(_qn("w:pPr")),
    )


@dataclass
class _List:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # lvlOverride/startOverride
    levels: dict[int, _Level] = field(default_factory=dict)  # lvlOverride/lvl
    used: bool = False


class AutoNumbering:
    """Labels of automatically numbered paragraphs, read from ``numbering.xml``."""

    def __init__(self, root: Any):
        self.levels: dict[str, dict[int, _Level]] = {}
        self.lists: dict[str, _List] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        # A list defined through a numbering style (Word's 列表样式, ECMA-376 §17.9.21
        # numStyleLink) holds no levels: they are in the abstract definition that names the
        # same style in w:styleLink (§17.9.27), and its lists continue one sequence with it.
        defined_by: dict[str, str] = {}  # numbering style → the abstract definition holding it
        linked: dict[str, str] = {}  # abstract definition → the numbering style it refers to
        for abstract in root.iter(_qn("w:abstractNum")):
            aid = _val(abstract, "abstractNumId") or ""
            self.levels[aid] = {
                _int(_val(lvl, "ilvl"), 0): _read_level(lvl) for lvl in abstract.iter(_qn("w:lvl"))
            }
            if (style := _val(abstract.find(_qn("w:styleLink")))) is not None:
                defined_by.setdefault(style, aid)
            if (style := _val(abstract.find(_qn("w:numStyleLink")))) is not None:
                linked[aid] = style
        for num in root.iter(_qn("w:num")):
            abstract = _val(num.find(_qn("w:abstractNumId"))) or ""
            instance = _List(defined_by.get(linked.get(abstract, ""), abstract))
            for override in num.iter(_qn("w:lvlOverride")):
                at = _int(_val(override, "ilvl"), 0)
                start = override.find(_qn("w:startOverride"))
                if start is not None:
                    instance.starts[at] = _start(_val(start), 1)
                # a level redefined for this list alone (§17.9.8 w:lvl in w:lvlOverride)
                lvl = override.find(_qn("w:lvl"))
                if lvl is not None:
                    instance.levels[at] = _read_level(lvl)
            self.lists[_val(num, "numId") or ""] = instance

    def level(self, num_id: str | None, ilvl: int) -> _Level | None:
        """Level ``ilvl`` of list ``num_id`` (None for an unknown list or level)."""
        instance = self.lists.get(num_id or "")
        return self._levels(instance).get(ilvl) if instance is not None else None

    def _levels(self, instance: _List) -> dict[int, _Level]:
        levels = self.levels.get(instance.abstract, {})
        return {**levels, **instance.levels} if instance.levels else levels

    def label(self, num_id: str | None, ilvl: int) -> str:
        """The label Word draws before the next paragraph numbered ``num_id`` at ``ilvl``
        ("" for an unnumbered paragraph, a bullet, or an unknown list)."""
        instance = self.lists.get(num_id or "")
        if instance is None or num_id == "0":
            return ""
        levels = self._levels(instance)
        level = levels.get(ilvl)
        if level is None or level.fmt == "bullet":
            return ""
        counters = self.counters.setdefault(instance.abstract, {})
        if not instance.used:
            # A list instance with start overrides begins its sequence afresh.
            instance.used = True
            for at, start in instance.starts.items():
                counters[at] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = level.text
        for at in range(_LEVELS):
            placeholder = f"%{at + 1}"
            if placeholder not in text:
                continue
            shown = levels.get(at, _Level())
            value = max(counters.get(at, shown.start), 0)  # a start override of 0 leaves -1 here
            fmt = "decimal" if level.legal else shown.fmt
            text = text.replace(placeholder, _FORMATS.get(fmt, str)(value))
        return text
