"""Tables: a row read as one line, cell margins, the borders drawn along a table's edges."""

from __future__ import annotations

from typing import Any

from wenshu import layout as L
from wenshu.check.reading.ooxml import element_text, to_int, wtag, wval
from wenshu.check.reading.reader import Para


def row_text(para: Para) -> str:
    """A 版记 written as a table may put 抄送： and the offices, or the printer and the date,
    in cells side by side: the row reads as one line."""
    row = next(para.el.iterancestors(wtag("tr")), None)
    if row is None:
        return para.text.strip()
    return "".join(element_text(p) for p in row.iter(wtag("p"))).strip()


def cell_margin(para: Para) -> float:
    """The left cell margin of ``para``'s table, in characters of 三号 (0 when not set)."""
    table = next(para.el.iterancestors(wtag("tbl")), None)
    mar = table.find(f"{wtag('tblPr')}/{wtag('tblCellMar')}/{wtag('left')}") if table is not None else None
    if mar is None:
        mar = (
            table.find(f"{wtag('tblPr')}/{wtag('tblCellMar')}/{wtag('start')}") if table is not None else None
        )
    return to_int(wval(mar, "w")) / (L.BODY_SIZE_PT * L.TWIPS_PER_PT) if mar is not None else 0.0


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
