"""The vocabulary of WordprocessingML the reader needs: namespaces, attribute values, runs and text.

Everything here reads lxml elements; nothing writes. Values a file may give in any form
(numbers, toggles, sizes) are read the forgiving way Word reads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from wenshu.text.width import is_wide

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
V_NS = "urn:schemas-microsoft-com:vml"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def wtag(tag: str) -> str:
    """``w:tag`` in Clark notation (``{namespace}tag``)."""
    return f"{{{W_NS}}}{tag}"


def wval(el: Any, attr: str = "val") -> str | None:
    """The ``w:attr`` of ``el`` (None when ``el`` or the attribute is missing)."""
    return None if el is None else el.get(wtag(attr))


def is_on(el: Any) -> bool:
    """Is the toggle ``el`` (``w:b``, ``w:titlePg`` …) present and not switched off?"""
    return el is not None and wval(el) not in ("0", "false", "off")


def to_int(value: str | None, default: int = 0) -> int:
    """``value`` as an integer the forgiving way Word reads numbers (``default`` when unreadable)."""
    try:
        return int(float(value)) if value is not None else default
    except (ValueError, OverflowError):
        return default


# ECMA-376 §17.18.43 ST_HpsMeasure: font sizes in half-points; Word accepts 1 to 1,638 pt.
_MIN_HALF_POINTS, _MAX_HALF_POINTS = 2, 3276


def half_points(value: str | None) -> float:
    """A ``w:sz`` in points, within what Word accepts (a size of 0 would divide by zero)."""
    return min(max(to_int(value, 20), _MIN_HALF_POINTS), _MAX_HALF_POINTS) / 2


def has_cjk(text: str) -> bool:
    """Does ``text`` hold a full-width character?"""
    return any(is_wide(ch) for ch in text)


def first_child(el: Any, tag: str) -> Any:
    """The first ``w:tag`` child of ``el`` (None when either is missing); faster than find()."""
    return None if el is None else next(el.iterchildren(wtag(tag)), None)


# Tracked changes are read as accepted, the document the author sends: w:del's runs are gone, and
# so are those of w:moveFrom (ECMA-376 §17.13.5.22: the text's old place in a tracked move; its
# copy in w:moveTo stays). A deleted run keeps its text in w:delText, but a moved-from one in w:t.
SKIP_IN_RUNS = {
    wtag("pPr"),
    wtag("rPr"),
    wtag("p"),
    wtag("txbxContent"),
    wtag("del"),
    wtag("moveFrom"),
    f"{{{MC_NS}}}Fallback",
}


def own_runs(p: Any) -> Iterator[Any]:
    """The runs of ``p`` itself (hyperlinks, fields, insertions included; text boxes not)."""
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        if el.tag == wtag("r"):
            yield el
        elif el.tag not in SKIP_IN_RUNS:
            stack.extend(reversed(list(el)))


_TRACKED_AWAY = (wtag("del"), wtag("moveFrom"))


def tracked_away(r: Any) -> bool:
    """Is run ``r`` text a tracked change took away — inside a ``w:del`` (ECMA-376 §17.13.5.14,
    Deleted Run Content) or a ``w:moveFrom`` (§17.13.5.22)? Read as accepted, it is gone.
    Half of what :meth:`wenshu.check.reading.reader.Reader.shown` asks of a run."""
    p = wtag("p")
    for el in r.iterancestors():
        if el.tag in _TRACKED_AWAY:
            return True
        if el.tag == p:
            return False
    return False


def deleted_row_or_cell(el: Any) -> bool:
    """Is table row or cell ``el`` deleted as a tracked change: a row whose ``w:trPr`` holds
    ``w:del`` (ECMA-376 §17.13.5.12, Deleted Table Row), a cell whose ``w:tcPr`` holds
    ``w:cellDel`` (§17.13.5.1)? Read as accepted, the row or cell is gone."""
    row = el.tag == wtag("tr")
    return first_child(first_child(el, "trPr" if row else "tcPr"), "del" if row else "cellDel") is not None


def in_deleted_cell(p: Any) -> bool:
    """Is paragraph ``p`` in a row or cell deleted as a tracked change (:func:`deleted_row_or_cell`)?"""
    return any(deleted_row_or_cell(el) for el in p.iterancestors(wtag("tr"), wtag("tc")))


# mc:Fallback repeats its mc:Choice for older readers, and a text box's paragraphs are
# paragraphs of their own: neither belongs to the text of the run or paragraph holding them;
# nor do a paragraph's properties, whose w:tabs list its tab stops as w:tab elements; nor a
# tracked change's deleted runs or a move's old place (see SKIP_IN_RUNS): a deleted run keeps
# its w:sym, w:tab and w:br, only its text moves to w:delText.
_NOT_OWN_TEXT = (f"{{{MC_NS}}}Fallback", wtag("txbxContent"), wtag("pPr"), *_TRACKED_AWAY)


def symbol_char(sym: Any) -> str:
    """The character a ``w:sym`` draws (ECMA-376 §17.3.3.30: ``w:char``, in hex, from the font
    ``w:font``): Word's 插入符号 writes one, as 〔 (3014) in 宋体. A symbol font's character keeps
    its private-use code (F0xx): some symbol stands there, whatever its shape."""
    code = wval(sym, "char") or ""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    return chr(value) if 0 < value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else ""


def element_text(element: Any, shown: Callable[[Any], bool] | None = None) -> str:
    """The text of a paragraph or run element: tabs as ``\\t``, line breaks as ``\\n`` —
    ``w:br`` and ``w:cr`` alike (ECMA-376 §17.3.3.4: a carriage return “shall behave exactly
    like” a text-wrapping break; LibreOffice saves it as ``w:br``), a symbol (``w:sym``) as its
    character. Text boxes inside it, the fallback copy of a drawing and what tracked changes
    took away are not its text; nor, given ``shown`` (``Reader.shown``), a run it says no to."""
    parts = []
    stack = list(reversed(list(element)))
    t, tab, breaks, sym, run = wtag("t"), wtag("tab"), (wtag("br"), wtag("cr")), wtag("sym"), wtag("r")
    while stack:
        node = stack.pop()
        if node.tag == run and shown is not None and not shown(node):
            continue
        if node.tag == t:
            parts.append(node.text or "")
        elif node.tag == sym:
            parts.append(symbol_char(node))
        elif node.tag == tab:
            parts.append("\t")
        elif node.tag in breaks:
            parts.append("\n")
        elif node.tag not in _NOT_OWN_TEXT:
            stack.extend(reversed(list(node)))
    return "".join(parts)


# A line break beside a Chinese character (wenshu.text.width.is_cjk: “示/范”, “100%/（示例）”),
# not after the end of a sentence or list item (。；！？), after which a line of a cell is an item
# of its own: wenshu never ends a line of its own there (wenshu.text.wrap.cell_breaks).
_CJK_CHAR = "[\u2e80-\U0010ffff]"
_WRAPPED = re.compile(rf"(?<![。；！？])(?:(?<={_CJK_CHAR})\n|\n(?={_CJK_CHAR}))")


# A line that is a place name by its form: two to five Chinese characters ending in the name of
# an administrative division (郑州市, 兰考县, 金水区, 乌鲁木齐市). Longer ones are not taken:
# “知识产权强县/工程示范县” is one category's name in two lines.
_PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{1,4}[省市县区州盟旗]")


def cell_text(paragraphs: list[str], typed: bool = True) -> str:
    """A table cell's text from its paragraphs' texts (:func:`element_text`), joined by
    ``\\n``. In a cell of one paragraph, a line break beside a Chinese character ends a
    printed line of one name or entry (“国家知识产权优势示范/企业数量”: wenshu writes such
    breaks so that a cell's line ends between words, and others type them) and is read as
    nothing: a line of Chinese text gains no space or word boundary from its end. Breaks
    between Latin words or after a sentence's end, and paragraphs, are kept: they part items;
    so are the breaks ``typed`` by hand (``w:br``, :func:`typed_breaks`; wenshu's own are
    ``w:cr``) of a list in one cell whose every line is a whole place name (“北京市/天津市”,
    see :func:`is_list_of_places`)."""
    if len(paragraphs) == 1:
        listed = typed and is_list_of_places(paragraphs[0].split("\n"))
        return paragraphs[0] if listed else _WRAPPED.sub("", paragraphs[0])
    return "\n".join(paragraphs)


def without_own_line_ends(paragraph: Any, text: str) -> str:
    """A 附件说明 paragraph's ``text`` (:func:`element_text`) with the ends of a name's printed
    lines read as nothing, as in a table cell (:func:`cell_text`): they are no part of the
    name. wenshu ends a name's lines between words with ``w:cr`` (``render.docx``: “……县域/
    开展……通知/（国知办函运字……）”); in a paragraph with none of them but a line typed apart
    (``w:br``: typed so, or wenshu's ``w:cr`` after LibreOffice re-saved the file) a break
    beside a Chinese character is such an end too, unless the next line begins the next item
    (“2.”). A break after a sentence's end is kept (``_WRAPPED``)."""
    if "\n" not in text:
        return text
    if next(paragraph.iter(wtag("br")), None) is None:
        return _WRAPPED.sub("", text)
    return _WRAPPED.sub(lambda m: m.group() if _NEXT_ITEM.match(text, m.end()) else "", text)


# A line of a 附件说明 beginning its next item: its number (“2.”, “10、”).
_NEXT_ITEM = re.compile(r"\s*\d{1,2}\s*[.．、]")


def typed_breaks(cell: Any, shown: Callable[[Any], bool] | None = None) -> bool:
    """Whether a table cell (``w:tc``) has a line break typed as ``w:br`` (Shift+Enter in
    Word, or any break after LibreOffice re-saved the file), not only the ``w:cr`` wenshu
    ends a printed line with (``render.docx``): only those may part the items of a list.
    A break in a run tracked changes took away, or that ``shown`` says no to, is none."""
    br = wtag("br")
    return any(
        next(r.iterchildren(br), None) is not None and not tracked_away(r) and (shown is None or shown(r))
        for r in cell.iter(wtag("r"))
    )


def is_list_of_places(lines: list[str]) -> bool:
    """Whether a cell's ``lines`` (two or more) are each a whole place name: a region of
    wenshu's region lists (``data/regions-*.yaml``: 北京市, 新疆生产建设兵团), or a name of
    an administrative division by its form (郑州市, 兰考县; ``_PLACE_NAME``). Asked only of
    typed breaks: wenshu's own ``w:cr`` in a name read as nothing whatever its lines look like.
    A wenshu file re-saved by LibreOffice (its ``w:cr`` now ``w:br``) whose one name was broken
    into lines that are each a place (“河南省/郑州市”) is the case this misreads; ``wenshu
    import`` tells it by where wenshu would end the name's lines (``importing.source``)."""
    from wenshu.spec.catalogue import carried_region_names  # only for a cell with breaks

    names = [line.strip() for line in lines]
    if len(names) < 2:
        return False
    regions = carried_region_names()
    return all(n in regions or _PLACE_NAME.fullmatch(n) for n in names)


def is_red(color: str | None) -> bool:
    """Is ``color`` (``RRGGBB``) a red as 公文 use it for the mark and the rules?"""
    if not color or not re.fullmatch(r"[0-9A-Fa-f]{6}", color):
        return False
    r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return r >= 0xC0 and g <= 0x50 and b <= 0x50
