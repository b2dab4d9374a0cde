"""A .docx read into what the importer needs: paragraphs and tables in reading order.

The reading itself is wenshu's one reading layer (:func:`wenshu.check.read_document`, shared
with ``wenshu check``): every part through :mod:`wenshu.safezip`, no entities, no DTD, capped
tags and paragraphs, Word's list numbering drawn as labels, text boxes read where they are
anchored. Here its paragraphs are put in the shape the recogniser of :mod:`.reader` wants:
tables in their place among the paragraphs, the lead of a run-in heading, red and large text,
and the pictures a paragraph shows (their bytes read through the same bounded package and
checked by :func:`wenshu.spec.pictures.check_picture`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenshu.check import read_document, recognise
from wenshu.check.reading.ooxml import A_NS, MC_NS, R_NS, V_NS, wtag
from wenshu.check.reading.tables import filled_bar
from wenshu.roles import ROLES, RUN_IN
from wenshu.spec.pictures import Picture, check_picture

#: Colours counted as the red of a 红头 (GB/T 9704 §7.2.4): strong red, little green or blue.
_RED_MIN, _OTHER_MAX = 0xC0, 0x40
# A picture in WordprocessingML: DrawingML's a:blip (ECMA-376 §20.1.8.13, r:embed names the
# image part) or VML's v:imagedata (r:id); its size and alternative text are on the
# wp:inline / wp:anchor holding it (§20.4.2.7 extent, §20.4.2.5 docPr).
_BLIP, _IMAGEDATA = f"{{{A_NS}}}blip", f"{{{V_NS}}}imagedata"
_WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_HOLDERS = (f"{{{_WP_NS}}}inline", f"{{{_WP_NS}}}anchor")
_FALLBACK = f"{{{MC_NS}}}Fallback"
# How a floating picture lets the text flow around it, by the wrap element of its wp:anchor
# (ECMA-376 §20.4.2.15–20.4.2.19) or the type of a VML shape's w10:wrap, named as Word's
# 环绕文字 menu names it; with no wrap (wrapNone) it lies over the text, or under it with
# behindDoc (§20.4.2.3) — in VML, a negative z-index.
_WRAPS = {
    "wrapSquare": "四周型",
    "wrapTight": "紧密型",
    "wrapThrough": "穿越型",
    "wrapTopAndBottom": "上下型",
    "square": "四周型",
    "tight": "紧密型",
    "through": "穿越型",
    "topAndBottom": "上下型",
}
_OVER, _UNDER = "浮于文字上方", "衬于文字下方"
_W10_WRAP = "{urn:schemas-microsoft-com:office:word}wrap"
#: English Metric Units in a centimetre (ECMA-376 §20.1.2.1: 360,000 EMU = 1 cm).
EMU_PER_CM = 360_000


@dataclass
class FoundPicture:
    """A picture a paragraph shows: the checked picture (None when refused, with why), its
    alternative text, the width it is shown at in the file (cm, 0 when unknown) and, when
    it floats (anchored) rather than standing in its line, how the text wraps it, as Word
    names it (四周型, 浮于文字上方 …; "" in its line)."""

    picture: Picture | None
    why: str = ""
    alt: str = ""
    width_cm: float = 0.0
    wrap: str = ""


@dataclass
class Para:
    """One paragraph as read: its text (Word's numbering label first) and the formatting
    the recogniser looks at."""

    text: str
    lines: list[str]  # split at manual line breaks (a title's lines)
    style: str = ""  # the style's name, lower case (公文标题, heading 1 …)
    style_id: str = ""
    align: str = ""  # resolved w:jc
    lead: str = ""  # leading text set apart by bold or its own font (a run-in heading)
    runs: tuple[str, ...] = ()  # the texts of its first runs
    red: bool = False
    size: float = 0.0  # the largest run size, in points
    boxed: bool = False  # read from a text box
    right_indent: float = 0.0  # characters
    section: int = 0  # which section (w:sectPr) it belongs to
    header: bool = False  # read from the first page's header
    role: str = ""  # the shared recogniser's role (wenshu.check.recognise), "" for none
    pictures: list[FoundPicture] = field(default_factory=list)  # in the order they stand


@dataclass
class Cell:
    """One table cell: its text, columns spanned, and its part in a vertical merge."""

    text: str
    span: int = 1
    vmerge: str = ""  # "restart", "continue" or ""


@dataclass
class Table:
    """A table in reading order; ``paras`` are its cells' paragraphs (for 版记 tables)."""

    rows: list[list[Cell]]
    paras: list[Para] = field(default_factory=list)
    section: int = 0
    aligns: list[str] = field(default_factory=list)
    grid: list[int] = field(default_factory=list)  # column widths, twips
    size: float = 0.0  # the largest text size in its cells, points


@dataclass
class MarginPicture:
    """A picture in a page header or footer: where (页眉 or 页脚) and the picture."""

    where: str
    found: FoundPicture


@dataclass
class Source:
    """A Word file read: its blocks in order and each section's orientation."""

    name: str
    blocks: list[Para | Table]
    landscape: dict[int, bool]
    pictures_in_body: int = 0  # all the main document part shows, wherever they stand
    margins: list[MarginPicture] = field(default_factory=list)  # each picture once
    # Every style of wenshu's frame is defined, by its name: wenshu's own file, its style ids
    # perhaps renamed (LibreOffice saves 公文正文 as “Style10”, its name kept).
    own_styles: bool = False
    # Text of the page headers and footers other than the page number and the first page's
    # header (read as blocks): (页眉 or 页脚, the paragraph's text), each text once.
    margin_texts: list[tuple[str, str]] = field(default_factory=list)


def _is_red(color: str | None) -> bool:
    if not color or len(color) != 6:
        return False
    try:
        r, g, b = int(color[:2], 16), int(color[2:4], 16), int(color[4:], 16)
    except ValueError:
        return False
    return r >= _RED_MIN and g <= _OTHER_MAX and b <= _OTHER_MAX


def _lead(looks: list[tuple[str, tuple[bool, str, bool]]]) -> str:
    """The leading text set apart from the rest by bold, by a font of its own or by wenshu's
    run-in heading style (roles.RUN_IN, on a heading of any level) — a run-in heading — or
    the whole text when it is all bold."""
    if not looks:
        return ""
    first = looks[0][1]
    if all(look == first for _, look in looks):
        return "".join(t for t, _ in looks) if first[0] else ""
    lead = ""
    for text, look in looks:
        if look != first:
            break
        lead += text
    return lead if first != looks[-1][1] else ""


_HEAD_ROLES = ("mark", "doc-number", "head-info")


def _head_table(paras: list[Para]) -> bool:
    """Did the recogniser read this table as the 版头 (the mark, the 发文字号 … in its cells)?"""
    texts = [q for q in paras if q.text.strip()]
    return bool(texts) and all(q.role in _HEAD_ROLES for q in texts)


def _head_lines(table: Any, paras: list[Para]) -> list[Para]:
    """A 版头 table's lines as the paragraphs they stand for: the 发文字号 and “签发人：姓名”
    side by side in a row read as one line, where the first of them stands; a mark or a 份号,
    密级 or 紧急程度 cell in the same row stays a line of its own (joined, it would hide them
    all); a picture is kept on its line."""
    out: list[Para] = []
    at = 0
    for row in table.rows:
        count = sum(len(c.paragraphs) for c in row)
        line = [q for q in paras[at : at + count] if q.text.strip() or q.pictures]
        at += count
        numbers = [q for q in line if q.role == "doc-number"]
        for q in line:
            if q.role != "doc-number" or len(numbers) == 1:
                out.append(q)
            elif q is numbers[0]:
                text = " ".join(n.text.strip() for n in numbers)
                pictures = [pic for n in numbers for pic in n.pictures]
                out.append(Para(**{**vars(q), "text": text, "lines": [text], "pictures": pictures}))
    return out


def _para(p: Any, *, header: bool = False, role: Any = None) -> Para:
    """The shared model's paragraph ``p`` as the recogniser reads it."""
    looks = [
        (r.text, (bool(r.bold), r.font or "", r.style_name == RUN_IN.style_name))
        for r in p.runs
        if r.text.strip()
    ]
    lines = p.text.replace("\t", " ").split("\n")
    return Para(
        text="".join(lines),
        lines=lines,
        style=(p.style_name or "").lower(),
        style_id=p.style_id or "",
        align=p.alignment or "",
        lead=_lead(looks),
        runs=tuple(t for t, _ in looks[:2]),
        red=any(_is_red(r.color) for r in p.runs if r.text.strip()),
        size=max((r.size_pt or 0.0 for r in p.runs if r.text.strip()), default=0.0),
        boxed=p.in_box,
        right_indent=p.indents.right if p.indents else 0.0,
        section=p.section or 0,
        header=header,
        role=str(role) if role else "",
    )


def picture_refs(el: Any) -> Iterator[tuple[Any, str]]:
    """The pictures under ``el``: each a:blip or v:imagedata that names an image (a VML
    shape's empty v:imagedata does not), with that relationship id, leaving out the
    fallback copy of a drawing (mc:Fallback, shown only by programs without DrawingML)."""
    for pic in el.iter(_BLIP, _IMAGEDATA):
        rid = pic.get(f"{{{R_NS}}}embed" if pic.tag == _BLIP else f"{{{R_NS}}}id") or ""
        if rid and next(pic.iterancestors(_FALLBACK), None) is None:
            yield pic, rid


def _pictures(el: Any, package: Any, rels: dict[str, tuple[str, str]]) -> list[FoundPicture]:
    """The pictures paragraph ``el`` shows itself (not those of a text box inside it, which
    are its own paragraphs')."""
    return [
        _found(pic, rid, package, rels)
        for pic, rid in picture_refs(el)
        if next(pic.iterancestors(wtag("p")), None) is el
    ]


def _found(pic: Any, rid: str, package: Any, rels: dict[str, tuple[str, str]]) -> FoundPicture:
    """The picture ``pic`` names by ``rid`` in a part whose relationships are ``rels``."""
    holder = next(pic.iterancestors(*_HOLDERS), None)
    alt, width = "", 0.0
    if holder is not None:
        doc_pr = holder.find(f"{{{_WP_NS}}}docPr")
        if doc_pr is not None:
            alt = (doc_pr.get("descr") or doc_pr.get("title") or "").strip()
        extent = holder.find(f"{{{_WP_NS}}}extent")
        cx = extent.get("cx", "") if extent is not None else ""
        width = round(int(cx) / EMU_PER_CM, 1) if cx.isdigit() else 0.0
        wrap = _anchor_wrap(holder) if holder.tag == _HOLDERS[1] else ""
    else:
        wrap = _vml_wrap(pic.getparent())
    part = rels.get(rid, ("", ""))[1]
    if not part:  # an external relationship: rels() leaves those out
        return FoundPicture(None, "图片文件不在 Word 文件中（链接的图片）", alt, width, wrap)
    if not package.has(part):
        return FoundPicture(None, f"Word 文件中缺少图片文件 {part}（文件不完整）", alt, width, wrap)
    picture, why = check_picture(package.zip.read(part))
    return FoundPicture(picture, why, alt, width, wrap)


def _anchor_wrap(anchor: Any) -> str:
    """How the text wraps the floating picture of ``anchor`` (a wp:anchor), as Word names it."""
    for child in anchor:
        name = child.tag.rpartition("}")[2]
        if name in _WRAPS:
            return _WRAPS[name]
    return _UNDER if anchor.get("behindDoc") in ("1", "true", "on") else _OVER


def _vml_wrap(shape: Any) -> str:
    """How the text wraps the VML ``shape`` holding a picture, "" when it stands in its line:
    a shape floats when positioned absolutely (VML 1.0 §2.3.1 “position”), wrapped as its
    w10:wrap says, else over the text or, with a negative z-index, under it."""
    style = (shape.get("style") or "").replace(" ", "") if shape is not None else ""
    if "position:absolute" not in style:
        return ""
    wrap = shape.find(_W10_WRAP)
    if wrap is not None and wrap.get("type") in _WRAPS:
        return _WRAPS[wrap.get("type")]
    return _UNDER if "z-index:-" in style else _OVER


# How far LibreOffice's saved column widths stray from wenshu's (its own rounding), twips.
_WIDTH_SLACK_TWIPS = 4


def _grid(table: Any) -> list[int]:
    """Column widths from the fullest row whose cells span one column each."""
    rows = [row for row in table.rows if all(c.span == 1 for c in row)]
    best = max(rows, key=len, default=[])
    return [c.width_twips or 0 for c in best]


def _rejoined(blocks: list[Para | Table], table: Table, head: int) -> bool:
    """Join ``table`` to the table before it where wenshu's pagination pass cut one table in
    two (:func:`wenshu.build.paginate.repeat_labels`, ``keep_notes``): nothing but empty
    paragraphs between them, the same columns, and a copy of the header row (its ``head``
    paragraphs) opening ``table``. The group labels the pass restarted on its first row
    continue their merge again, as they were written."""
    k = len(blocks)
    while (
        k
        and isinstance(blocks[k - 1], Para)
        and not blocks[k - 1].text.strip()
        and not blocks[k - 1].pictures
    ):
        k -= 1
    before = blocks[k - 1] if k else None
    if not isinstance(before, Table) or k == len(blocks) or len(table.rows) < 2:
        return False
    _respanned(before, table)
    # A part whose every row has a cell over two columns shows no grid (:func:`_grid`): the
    # header row copied over it, compared next, still says the columns are the same.
    if (before.grid and table.grid and before.grid != table.grid) or before.rows[:1] != table.rows[:1]:
        return False
    first = table.rows[1]
    for column, cell in enumerate(first):
        above = [row[column] for row in before.rows[1:] if column < len(row)]
        # LibreOffice saves a merge of one row (a group's label on the last row before the
        # cut, or on the only row after it) as no merge at all: in a column of merged labels
        # such a row may still be the group's
        labels = any(c.vmerge for c in above)
        if not (cell.vmerge == "restart" or (labels and not cell.vmerge and cell.text)):
            continue
        start = next((c for c in reversed(above) if c.vmerge != "continue"), None)
        if start is None or start.text != cell.text:
            continue
        if (start.vmerge == "restart" and above[-1].vmerge) or (start is above[-1] and not start.vmerge):
            start.vmerge = "restart"
            first[column] = Cell("", cell.span, "continue")
    before.grid = before.grid or table.grid
    before.rows.extend(table.rows[1:])
    before.paras.extend(table.paras[head:])
    del blocks[k:]
    return True


def _respanned(before: Table, table: Table) -> None:
    """Give ``table``'s cells the spans of ``before``'s header row where LibreOffice, saving
    the part of a cut table whose every row has a cell over two columns, dropped the grid
    column no cell of the part starts at (that cell then one column as wide as the two): the
    same header texts, one cell a column, each as wide as the columns its header cell spans."""
    head = before.rows[0] if before.rows else []
    spans = [c.span for c in head]
    if (
        not before.grid
        or sum(spans) != len(before.grid)
        or len(table.grid) != len(head)
        or [c.text for c in table.rows[0]] != [c.text for c in head]
        or any(len(row) != len(head) or any(c.span != 1 for c in row) for row in table.rows)
        or spans == [1] * len(head)
    ):
        return
    edges = [sum(spans[:i]) for i in range(len(spans) + 1)]
    wide = [sum(before.grid[edges[i] : edges[i + 1]]) for i in range(len(spans))]
    if any(abs(a - b) > _WIDTH_SLACK_TWIPS for a, b in zip(wide, table.grid, strict=True)):
        return
    for row in table.rows:
        for cell, span in zip(row, spans, strict=True):
            cell.span = span
    table.grid = list(before.grid)


def read_docx(source: str | Path | bytes, name: str | None = None) -> Source:
    """Read the Word file ``source`` (a path or its bytes) called ``name`` in messages;
    an unreadable or hostile file raises :class:`wenshu.errors.WenshuError`."""
    label = name or (str(source) if not isinstance(source, bytes) else "文件")
    doc = read_document(source if isinstance(source, bytes) else Path(source), label)
    recognised = recognise(doc)
    roles = {id(item.paragraph): item.role for item in recognised.paragraphs + recognised.header}
    blocks: list[Para | Table] = []
    header = doc.first_page_header
    for p in header.paragraphs if header is not None else []:
        blocks.append(_para(p, header=True, role=roles.get(id(p))))
    placed: set[int] = set()
    styles = doc.reader.styles
    named = {styles.name(sid) for sid in styles.by_id}
    own = {r.style_name for r in ROLES if r.style.startswith("Ws")} <= named
    # wenshu's own file saved again by LibreOffice, its style ids renamed: its w:cr (a
    # printed line's end) are w:br now, as a line typed apart
    resaved = own and not any(sid.startswith("Ws") for sid in styles.by_id)
    package = doc.reader.package
    rels = package.rels(package.main)
    elements = doc.reader.paragraphs
    for p in doc.paragraphs:
        if p.in_table and p.table is not None:
            if p.table in placed:  # (a nested table follows the one holding it: no text is lost)
                continue
            placed.add(p.table)
            t = doc.tables[p.table]
            paras = [
                _para(doc.paragraphs[i], role=roles.get(id(doc.paragraphs[i])))
                for row in t.rows
                for c in row
                for i in c.paragraphs
            ]
            cells = [i for row in t.rows for c in row for i in c.paragraphs]
            for cell_para, i in zip(paras, cells, strict=True):
                cell_para.pictures = _pictures(elements[doc.paragraphs[i].index].el, package, rels)
            if _head_table(paras):
                blocks.extend(_head_lines(t, paras))
                continue
            if cells and not any(q.text.strip() or q.pictures for q in paras):
                table_el = next(elements[doc.paragraphs[cells[0]].index].el.iterancestors(wtag("tbl")))
                if filled_bar(table_el) is not None:
                    continue  # a bar of colour (a 分隔线 set as a filled table): wenshu draws its own rules
            sizes = {i: q.size for i, q in zip(cells, paras, strict=True)}
            rows = [
                [
                    Cell(
                        _unwrapped(c, sizes, resaved) if resaved else c.text.strip(),
                        max(1, min(c.span or 1, 64)),
                        c.merge or "",
                    )
                    for c in row
                ]
                for row in t.rows
            ]
            first_body = t.rows[1] if len(t.rows) > 1 else []
            aligns = [
                doc.paragraphs[c.paragraphs[0]].alignment or "" if c.paragraphs else "" for c in first_body
            ]
            size = max((q.size for q in paras), default=0.0)
            table = Table(rows, paras, p.section or 0, aligns, _grid(t), size)
            head = sum(len(c.paragraphs) for c in t.rows[0]) if t.rows else 0
            if not _rejoined(blocks, table, head):
                blocks.append(table)
            continue
        para = _para(p, role=roles.get(id(p)))
        para.pictures = _pictures(elements[p.index].el, package, rels)
        blocks.append(para)
    landscape = {s.index: s.landscape for s in doc.sections}
    return Source(
        label,
        blocks,
        landscape,
        _count_pictures(package, package.main),
        _margins(package, rels),
        own,
        _margin_texts(doc),
    )


def _unwrapped(cell: Any, sizes: dict[int, float], resaved: bool) -> str:
    """A cell's text, its line breaks read as the ends of printed lines (nothing) where the
    file is wenshu's own saved again by LibreOffice and wenshu would end the cell's joined
    text's lines exactly there (:func:`wenshu.render.docx.printed_lines`). The shared reader
    keeps breaks between lines that are each a place (“河南省/郑州市”) as a list typed in the
    cell; in such a file that is wenshu's own wrapping of one name, not told apart otherwise."""
    text = cell.text.strip()
    if not resaved or "\n" not in text or len(cell.paragraphs) != 1 or not cell.width_twips:
        return text
    from wenshu.render.docx import printed_lines  # only for such a cell

    lines = [line.strip() for line in text.split("\n")]
    joined = "".join(lines)
    size = sizes.get(cell.paragraphs[0]) or 0.0
    if size and any(
        printed_lines(joined, cell.width_twips + off, size, rows) == lines
        for off in _WIDTH_OFFSETS_TWIPS
        for rows in range(len(lines), len(lines) + _MORE_ROW_LINES)
    ):
        return joined
    return text


# The lines of the tallest cell of a row, beyond a cell's own, tried (the row's other cells
# are not measured): wenshu ends a cell's lines between words only within its row's height.
_MORE_ROW_LINES = 4
# LibreOffice saves the table's columns rescaled to its grid (1050 twips came back as 1031):
# the widths wenshu may have written, tried about the one saved.
_WIDTH_OFFSETS_TWIPS = (0, 20, -20, 40, -40)


# A page number as typed or drawn, in the shapes offices give it: “— 1 —”, “- 1 -”, “1”, “第1页”,
# “第 1 页 共 2 页”, “共2页 第1页”, “1/2”; a number in Chinese numerals too, and none at all
# where a PAGE field kept no result (“— —”, “第 页”). Only these shapes: a footer's phone
# number “0371-65123456” or date “2023-08-01” is text the report names, not a page number.
_PAGE_NO = r"(?:\d+|[〇一二三四五六七八九十百]+)"
_PAGE_NUMBER_MOST = 40
_PAGE_NUMBER_TEXT = re.compile(
    rf"[—–－\-]*\s*{_PAGE_NO}?\s*[—–－\-]*"
    rf"|{_PAGE_NO}\s*/\s*{_PAGE_NO}"
    rf"|(?:共\s*{_PAGE_NO}?\s*页\s*[,，]?\s*)?第\s*{_PAGE_NO}?\s*页(?:\s*[,，]?\s*共\s*{_PAGE_NO}?\s*页)?"
)


def _margin_texts(doc: Any) -> list[tuple[str, str]]:
    """The text of the page headers, then of the footers, each text once, but for page
    numbers and the first page's header (its paragraphs are read as blocks: a 版头 may stand
    there)."""
    first = doc.first_page_header
    seen = {p.text.strip() for p in first.paragraphs} if first is not None else set()
    out: list[tuple[str, str]] = []
    for part in sorted(doc.headers_footers, key=lambda hf: hf.kind == "footer"):
        if part is first:
            continue
        for p in part.paragraphs:
            text = " ".join(p.text.split())
            # a page number is short: a long rule of dashes is not matched (its two dash
            # groups made the match quadratic in the dashes)
            number = len(text) <= _PAGE_NUMBER_MOST and _PAGE_NUMBER_TEXT.fullmatch(text)
            if text and text not in seen and not number:
                seen.add(text)
                out.append(("页脚" if part.kind == "footer" else "页眉", text))
    return out


def _margins(package: Any, rels: dict[str, tuple[str, str]]) -> list[MarginPicture]:
    """The pictures of the page headers, then of the footers, each picture once: a logo
    repeated in the header of every section (or of the first page and the others) is one."""
    out: list[MarginPicture] = []
    seen: set[Any] = set()
    parts = sorted(
        (kind.endswith("/footer"), target)
        for kind, target in rels.values()
        if kind.endswith(("/header", "/footer"))
    )
    for footer, part in dict.fromkeys(parts):
        root = package.xml(part)
        if root is None:
            continue
        part_rels = package.rels(part)
        for pic, rid in picture_refs(root):
            found = _found(pic, rid, package, part_rels)
            key = found.picture.data if found.picture is not None else (found.why, found.alt)
            if key not in seen:
                seen.add(key)
                out.append(MarginPicture("页脚" if footer else "页眉", found))
    return out


def _count_pictures(package: Any, part: str) -> int:
    root = package.xml(part)
    return 0 if root is None else sum(1 for _ in picture_refs(root))
