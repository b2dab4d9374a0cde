"""Tables: a row read as one line, cell margins, the borders drawn along a table's edges."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wenshu.check.reading.ooxml import element_text, in_deleted_cell, to_int, wtag, wval
from wenshu.check.reading.reader import Para
from wenshu.check.reading.styles import Styles


def row_paragraphs(para: Para) -> list[Any]:
    """The paragraph elements of the table row holding ``para`` (none outside a table), those
    of cells deleted as tracked changes left out (:func:`in_deleted_cell`)."""
    row = next(para.el.iterancestors(wtag("tr")), None)
    return [] if row is None else [p for p in row.iter(wtag("p")) if not in_deleted_cell(p)]


def row_text(para: Para, shown: Callable[[Any], bool]) -> str:
    """A 版记 written as a table may put 抄送： and the offices, or the printer and the date,
    in cells side by side: the row reads as one line — of the runs ``shown`` (``Reader.shown``)
    says are on the page."""
    if not para.in_table:
        return para.text.strip()
    return "".join(element_text(p, shown) for p in row_paragraphs(para)).strip()


def cell_margin(para: Para, char_twips: int) -> float:
    """The left margin of ``para``'s cell (its own ``w:tcMar``, else its table's
    ``w:tblCellMar``), in characters of ``char_twips`` — the paragraph's own characters: a
    版记 in 四号 set one 四号 character in by its cell margin is 空一字 (0 when not set)."""
    found = None
    cell = next(para.el.iterancestors(wtag("tc")), None)
    table = next(para.el.iterancestors(wtag("tbl")), None)
    places = (
        (cell, f"{wtag('tcPr')}/{wtag('tcMar')}"),
        (table, f"{wtag('tblPr')}/{wtag('tblCellMar')}"),
    )
    for holder, path in places:
        if holder is None:
            continue
        found = holder.find(f"{path}/{wtag('left')}")
        if found is None:
            found = holder.find(f"{path}/{wtag('start')}")
        if found is not None:
            break
    return to_int(wval(found, "w")) / max(1, char_twips) if found is not None else 0.0


# Word's default cell margins (the built-in "Normal Table" style): 0.19 cm left and right.
WORD_CELL_MARGIN_TWIPS = 108


def cell_text_box(para: Para, styles: Styles, text_width: int) -> tuple[int, int]:
    """Where the text of ``para``'s cell may run: (left, right) in twips from the 版心's left
    edge. A table used for layout (a 署名 and 成文日期 set in a borderless table) places its
    text by its columns, its indent or alignment, and its cell margins, not by the page's."""
    cell = next(para.el.iterancestors(wtag("tc")), None)
    row = cell.getparent() if cell is not None else None
    table = row.getparent() if row is not None else None
    if table is None or table.tag != wtag("tbl"):
        return 0, text_width
    columns = [to_int(wval(c, "w")) for c in table.iterfind(f"{wtag('tblGrid')}/{wtag('gridCol')}")]
    start = to_int(wval(row.find(f"{wtag('trPr')}/{wtag('gridBefore')}")))
    for other in row.iterchildren(wtag("tc")):
        span = max(1, to_int(wval(other.find(f"{wtag('tcPr')}/{wtag('gridSpan')}")), 1))
        if other is cell:
            break
        start += span
    if not columns or start + span > len(columns):
        return 0, text_width
    tbl_pr = table.find(wtag("tblPr"))
    total = sum(columns)
    jc = wval(tbl_pr.find(wtag("jc"))) if tbl_pr is not None else None
    if jc == "center":
        origin = (text_width - total) // 2
    elif jc in ("right", "end"):
        origin = text_width - total
    else:
        origin = to_int(wval(tbl_pr.find(wtag("tblInd")) if tbl_pr is not None else None, "w"))
    left = origin + sum(columns[:start])
    right = origin + sum(columns[: start + span])
    style = styles.by_id.get(wval(tbl_pr.find(wtag("tblStyle")) if tbl_pr is not None else None) or "")
    holders = [
        (cell, f"{wtag('tcPr')}/{wtag('tcMar')}"),
        (table, f"{wtag('tblPr')}/{wtag('tblCellMar')}"),
        (style, f"{wtag('tblPr')}/{wtag('tblCellMar')}"),
    ]

    def margin(*sides: str) -> int:
        for holder, path in holders:
            for side in sides:
                found = holder.find(f"{path}/{wtag(side)}") if holder is not None else None
                if found is not None:
                    return to_int(wval(found, "w"))
        return WORD_CELL_MARGIN_TWIPS

    return left + margin("left", "start"), right - margin("right", "end")


def table_rule(table: Any, side: str) -> Any:
    """The border drawn along ``side`` (top, bottom, insideH) of a table.

    A cell's own border wins over the table's: Word and LibreOffice write the same rule
    either way (LibreOffice saves table borders on the cells).
    """
    rows = table.findall(wtag("tr"))
    edge = {"top": rows[:1], "bottom": rows[-1:], "insideH": rows[:-1]}[side]
    cell_side = "bottom" if side == "insideH" else side
    for row in edge:
        for cell in row.findall(wtag("tc")):
            found = cell.find(f"{wtag('tcPr')}/{wtag('tcBorders')}/{wtag(cell_side)}")
            if found is not None:
                return found
    borders = table.find(f"{wtag('tblPr')}/{wtag('tblBorders')}")
    return borders.find(wtag(side)) if borders is not None else None


@dataclass(frozen=True)
class TableRule:
    """A line a table's borders draw across it: under row ``under`` (-1: along its top)."""

    under: int
    border: Any  # the w:bottom (w:top, w:insideH) element that draws it
    width_twips: int  # how long it is drawn: the cells it runs under


def _cell_widths(table: Any, row: Any) -> list[tuple[Any, int]]:
    """Each cell of ``row`` with its width in twips, from the table's grid (its spans counted)."""
    columns = [to_int(wval(c, "w")) for c in table.iterfind(f"{wtag('tblGrid')}/{wtag('gridCol')}")]
    start = to_int(wval(row.find(f"{wtag('trPr')}/{wtag('gridBefore')}")))
    out = []
    for cell in row.iterchildren(wtag("tc")):
        span = max(1, to_int(wval(cell.find(f"{wtag('tcPr')}/{wtag('gridSpan')}")), 1))
        out.append((cell, sum(columns[start : start + span])))
        start += span
    return out


def _top_borders(table: Any, row: Any) -> list[tuple[Any, int]]:
    """The top borders ``row``'s own cells draw, each with its cell's width."""
    drawn = []
    for cell, width in _cell_widths(table, row):
        found = cell.find(f"{wtag('tcPr')}/{wtag('tcBorders')}/{wtag('top')}")
        if found is not None and wval(found) not in (None, "nil", "none"):
            drawn.append((found, width))
    return drawn


def horizontal_rules(table: Any, styles: Styles) -> list[TableRule]:
    """The lines drawn across ``table`` by its borders, top to bottom: a cell's own border
    (``w:tcBorders``) wins over the table's (``w:tblBorders``), which wins over its style's;
    a border switched off (nil, none) draws nothing. Between two rows one line is drawn, the
    upper row's bottom border or the lower row's top one (ECMA-376 §17.4.66: adjacent cells
    share the edge; a clerk who selects the row under the 发文字号 and gives it a top border
    draws the same line as a bottom border on the number's row). Each line is as long as the
    cells that draw it with the first one's colour."""
    tbl_pr = table.find(wtag("tblPr"))
    style = styles.by_id.get(wval(tbl_pr.find(wtag("tblStyle")) if tbl_pr is not None else None) or "")
    levels = [
        b
        for b in (
            tbl_pr.find(wtag("tblBorders")) if tbl_pr is not None else None,
            style.find(f"{wtag('tblPr')}/{wtag('tblBorders')}") if style is not None else None,
        )
        if b is not None
    ]

    def table_side(side: str) -> Any:
        return next((b.find(wtag(side)) for b in levels if b.find(wtag(side)) is not None), None)

    rows = table.findall(wtag("tr"))
    out = []
    for index in range(-1, len(rows)):
        row = rows[max(index, 0)]
        cell_side = "top" if index < 0 else "bottom"
        side = "top" if index < 0 else "bottom" if index == len(rows) - 1 else "insideH"
        drawn = []
        for cell, width in _cell_widths(table, row):
            found = cell.find(f"{wtag('tcPr')}/{wtag('tcBorders')}/{wtag(cell_side)}")
            border = found if found is not None else table_side(side)
            if border is not None and wval(border) not in (None, "nil", "none"):
                drawn.append((border, width))
        if not drawn and 0 <= index < len(rows) - 1:
            drawn = _top_borders(table, rows[index + 1])
        if drawn:
            color = wval(drawn[0][0], "color")
            width = sum(w for b, w in drawn if wval(b, "color") == color)
            out.append(TableRule(index, drawn[0][0], width))
    return out


def cell_fill(cell: Any) -> str | None:
    """The colour a cell is filled with (``w:tcPr/w:shd/@w:fill``), None when not filled."""
    shd = cell.find(f"{wtag('tcPr')}/{wtag('shd')}") if cell is not None else None
    fill = wval(shd, "fill")
    return fill if fill and fill.lower() not in ("auto", "ffffff") else None


def filled_bar(table: Any) -> tuple[str, int] | None:
    """A table a clerk uses as a bar of colour (a red 分隔线 as a one-row table filled red):
    no text in it and every cell filled alike. Its fill and its width in twips (the first
    row's cells); None for any other table."""
    rows = table.findall(wtag("tr"))
    if not rows or element_text(table).strip():
        return None
    cells = list(table.iter(wtag("tc")))
    fills = {cell_fill(c) for c in cells}
    if len(fills) != 1 or None in fills:
        return None
    return fills.pop() or "", sum(w for _, w in _cell_widths(table, rows[0]))
