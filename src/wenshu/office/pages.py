"""What the laid-out pages show: page-level facts of GB/T 9704 measured on a rendered PDF.

The pages come from :func:`wenshu.office.libreoffice.read_pages` (``pdftotext -bbox-layout``); the
document's parts come from an :class:`Outline` — read here from wenshu's own styles
(:func:`outline_of`), or built by the checker from what it recognised in any Word file.
:func:`examine` answers the questions a reader asks of the printed pages:

- which page carries the 署名 and 成文日期, and is there 正文 on it (§7.3.5.5);
- is the 附件说明 on one page (§7.3.5.5);
- where is the 版记: on the last page, an even one (封四), portrait, its last line at the
  foot of the 版心, and no page number on it when a blank page precedes it (§7.4.1, §7.5);
- does a table row run over a page break, and does a merged group label show again on
  the page a group continues on (tables, common practice and §8).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from wenshu import layout as L
from wenshu.office.libreoffice import Page, Row
from wenshu.roles import BY_STYLE, Style

_PITCH_PT = L.LINE_PITCH_TWIPS / L.TWIPS_PER_PT
#: A page number as it prints (§7.5: “— 1 —”), its number the group.
PAGE_NUMBER = re.compile(r"^[—–－-]{1,2}\s*(\d+)\s*[—–－-]{1,2}$")
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Text within this many points of the 版心 edges still counts as inside it (glyph boxes of
# substitute fonts reach a little over the line box).
_EDGE_PT = 3.0


def compact(text: str) -> str:
    """``text`` without white space (pdftotext puts spaces where CJK meets Latin)."""
    return re.sub(r"[\s\u3000]+", "", text)


@dataclass
class Cell:
    """A table cell: its text and whether it continues a vertical merge from above."""

    text: str
    continues: bool = False


@dataclass
class Block:
    """One paragraph of the body outside tables, with its part (the role a reader sees,
    :class:`wenshu.check.roles.Role`'s values), attachment zone and, in a file wenshu wrote,
    its style."""

    role: str
    text: str
    zone: int = 0
    style: str = ""


@dataclass
class Outline:
    """The parts of a document that page-level rules speak of, in reading order."""

    blocks: list[Block] = field(default_factory=list)
    tables: list[list[list[Cell]]] = field(default_factory=list)
    records: list[str] = field(default_factory=list)

    def last(self, role: str, zone: int = 0) -> Block | None:
        """The last block of ``role`` in the main part (zone 0) or attachment ``zone``."""
        return next((b for b in reversed(self.blocks) if b.role == role and b.zone == zone), None)

    def of(self, role: str, zone: int = 0) -> list[Block]:
        """Every block of ``role`` in ``zone``."""
        return [b for b in self.blocks if b.role == role and b.zone == zone]


def run_text(el: Any) -> str:
    """The text of ``el``'s w:t runs, as :func:`wenshu.build.paginate` compares it with a page."""
    return "".join(t.text or "" for t in el.iter(f"{{{_W_NS}}}t"))


def table_cells(tbl: Any) -> list[list[Cell]]:
    """The rows of a ``w:tbl`` element as cells (text, continues a vertical merge)."""
    w = f"{{{_W_NS}}}"
    rows = []
    for tr in tbl.findall(f"{w}tr"):
        cells = []
        for tc in tr.findall(f"{w}tc"):
            merge = tc.find(f"{w}tcPr/{w}vMerge")
            continues = merge is not None and merge.get(f"{w}val", "continue") == "continue"
            cells.append(Cell(run_text(tc), continues))
        rows.append(cells)
    return rows


def outline_of(docx: bytes) -> Outline:
    """The outline of a .docx wenshu wrote, read from its paragraph styles."""
    w = f"{{{_W_NS}}}"
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"), etree.XMLParser(resolve_entities=False))
    body = root.find(f"{w}body")
    out = Outline()
    zone = 0
    for child in body if body is not None else []:
        if child.tag == f"{w}tbl":
            styles = {s.get(f"{w}val") for s in child.iter(f"{w}pStyle")}
            if Style.RECORD in styles:
                out.records += [run_text(p) for p in child.iter(f"{w}p") if run_text(p).strip()]
            else:
                out.tables.append(table_cells(child))
            continue
        if child.tag != f"{w}p":
            continue
        style = child.find(f"{w}pPr/{w}pStyle")
        style_id = style.get(f"{w}val", "") if style is not None else ""
        role = BY_STYLE[style_id].reads_as if style_id in BY_STYLE else "body"
        if role == "attachment-label":
            zone += 1
        text = run_text(child)
        if text.strip():
            out.blocks.append(Block(role, text, zone, style_id))
    return out


# ---------------------------------------------------------------------------------------
# Page geometry
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """The 版心 of one page in PDF points (y down from the top)."""

    top: float
    bottom: float
    left: float
    right: float

    @classmethod
    def of(cls, page: Page) -> Frame:
        """The 版心 where §5.2 puts it on ``page`` (a landscape page turns it a quarter)."""
        return cls(*L.text_area_pt(page.landscape))


def is_page_number(row: Row) -> bool:
    """Whether ``row`` is a page number “— N —”."""
    return bool(PAGE_NUMBER.match(compact(row.text)))


def content_rows(page: Page) -> list[Row]:
    """The rows printed inside the 版心 (page numbers and the letter's head left out)."""
    frame = Frame.of(page)
    return [
        r
        for r in page.rows
        if r.y0 >= frame.top - _EDGE_PT and r.y1 <= frame.bottom + _EDGE_PT and not is_page_number(r)
    ]


def numbered(page: Page) -> bool:
    """Whether a page number prints on ``page``."""
    return any(is_page_number(r) for r in page.rows)


# ---------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One page-level deviation: code, clause, element, message, expected, actual, page."""

    code: str
    clause: str
    element: str
    message: str
    expected: str
    actual: str
    page: int
    excerpt: str = ""


@dataclass
class Facts:
    """What :func:`examine` measured (``None`` where the document has no such part)."""

    pages: int = 0
    signature_page: int | None = None
    body_lines_on_signature_page: int | None = None
    main_end: tuple[int, float] | None = None  # page and y1 of the main part's last line
    block_pages: list[tuple[int, float] | None] = field(default_factory=list)  # per block
    record_page: int | None = None
    record_gap_pt: float | None = None  # from the 版记's last line to the 版心 bottom
    content_end: tuple[int, float] | None = None  # last page with content before the 版记, y1
    split_rows: list[int] = field(default_factory=list)  # pages a row runs on to
    unlabelled: list[tuple[int, int, int, int]] = field(default_factory=list)  # table, row, col, page
    # table, row, page: the rows that open a page inside a table with merged group labels
    merged_breaks: list[tuple[int, int, int]] = field(default_factory=list)
    unnumbered: set[int] = field(default_factory=set)  # a blank page and the 版记 page after it
    lonely_notes: list[str] = field(default_factory=list)  # table notes that open a page
    # per table of the outline: (page, y0, y1) of its printed rows on each page it is on
    table_spans: list[list[tuple[int, float, float]]] = field(default_factory=list)
    # per table of the outline: the page each data row printed on (None: not found)
    table_rows: list[list[int | None]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)


@dataclass(frozen=True)
class _Pos:
    page: int  # index into pages
    row: int  # index into content_rows(page)


class _Reader:
    """The content rows of all pages, searchable in reading order."""

    def __init__(self, pages: Sequence[Page]):
        self.pages = list(pages)
        self.rows = [content_rows(p) for p in self.pages]
        self.texts = [[compact(r.text) for r in rows] for rows in self.rows]

    def positions(self) -> list[_Pos]:
        return [_Pos(p, i) for p, rows in enumerate(self.rows) for i in range(len(rows))]

    def find(self, needle: str, start: _Pos | None = None, *, exact: bool = False) -> _Pos | None:
        """The first row at or after ``start`` holding ``needle`` (the whole row if ``exact``)."""
        if not needle:
            return None
        for pos in self.positions():
            if start is not None and (pos.page, pos.row) < (start.page, start.row):
                continue
            text = self.texts[pos.page][pos.row]
            if (text == needle) if exact else (needle in text):
                return pos
        return None

    def row(self, pos: _Pos) -> Row:
        return self.rows[pos.page][pos.row]


def examine(pages: Sequence[Page], outline: Outline) -> Facts:
    """Measure the page-level rules on ``pages`` of the document ``outline`` describes."""
    facts = Facts(pages=len(pages))
    if not pages:
        return facts
    reader = _Reader(pages)
    _signature(reader, outline, facts)
    _record(reader, outline, facts)
    for index, table in enumerate(outline.tables):
        _table(reader, index, table, facts)
    facts.table_spans = _table_spans(reader, outline)
    facts.table_rows = _table_rows(reader, outline)
    _table_notes(reader, outline, facts)
    _landscape_numbers(reader, facts)
    return facts


def _landscape_numbers(reader: _Reader, facts: Facts) -> None:
    """§8: a landscape page's number prints where the portrait pages have it — at the
    sheet's foot, which is the landscape page's left edge (the page read turned left)."""
    for index, page in enumerate(reader.pages):
        if not page.landscape:
            continue
        numbers = [r for r in page.rows if is_page_number(r)]
        if numbers and numbers[-1].x1 > Frame.of(page).left:
            facts.faults.append(
                Fault(
                    "render-landscape-page-number",
                    "8",
                    "页码",
                    "横排页的页码不在其他页页码的位置",
                    "与竖排页一致：排在横排页左侧（纸张的下边）",
                    "排在横排页下边",
                    index + 1,
                )
            )


def _table_notes(reader: _Reader, outline: Outline, facts: Facts) -> None:
    """A note under a table stays with the table: it never opens a page."""
    start = None
    for note in (b for b in outline.blocks if b.style == Style.TABLE_NOTE):
        pos = reader.find(compact(note.text)[:10], start)
        if pos is None:
            continue
        start = _Pos(pos.page, pos.row + 1)
        if pos.row == 0 and pos.page > 0:
            facts.lonely_notes.append(note.text)
            facts.faults.append(
                Fault(
                    "render-table-note-alone",
                    "8",
                    "表格",
                    "表注与表格不在同一页",
                    "表注紧随表格",
                    "表注排在下一页页首",
                    pos.page + 1,
                    compact(note.text)[:12],
                )
            )


def _signature(reader: _Reader, outline: Outline, facts: Facts) -> None:
    """§7.3.5.5: the 署名 and 成文日期 share a page with 正文; the 附件说明 stays on one page."""
    signature, date = outline.last("signature"), outline.last("date")
    if date is None:
        return
    date_pos = None
    sig_pos = None
    # The signature line followed by the date line (a date may also occur in the 正文).
    start = None
    while True:
        pos = reader.find(compact(date.text), start, exact=True)
        if pos is None:
            break
        date_pos = pos
        start = _Pos(pos.page, pos.row + 1)
        if signature is None:
            break
        before = _previous(reader, pos)
        if before is not None and compact(signature.text) in reader.texts[before.page][before.row]:
            sig_pos = before
            break
    if date_pos is None:
        return
    sig_pos = sig_pos or date_pos
    page = sig_pos.page
    end = date_pos
    after_date = outline.blocks[outline.blocks.index(date) + 1 :]
    for block in after_date:
        if block.zone or block.role not in ("note", "contact"):
            break
        found = reader.find(compact(block.text)[:8], _Pos(end.page, end.row + 1))
        end = found or end
    facts.main_end = (end.page + 1, reader.row(end).y1)
    facts.block_pages = _block_pages(reader, outline)
    notes = outline.of("attachment-note")
    note_start = None
    if notes:
        head = compact(notes[0].text)[:6]
        for pos in reversed([p for p in reader.positions() if (p.page, p.row) < (sig_pos.page, sig_pos.row)]):
            if reader.texts[pos.page][pos.row].startswith(head):
                note_start = pos
                break
    first_tail = note_start if note_start is not None and note_start.page == page else sig_pos
    if note_start is not None and note_start.page < page:
        first_tail = _Pos(page, 0)  # the 附件说明 runs on to this page
    body_lines = first_tail.row
    facts.signature_page = page + 1
    facts.body_lines_on_signature_page = body_lines
    excerpt = compact(signature.text if signature else date.text)[:12]
    if body_lines == 0:
        facts.faults.append(
            Fault(
                "render-signature-alone",
                "7.3.5.5",
                "发文机关署名",
                "署名和成文日期所在页没有正文（不得以“此页无正文”处理）",
                "与正文同处一页",
                "该页无正文",
                page + 1,
                excerpt,
            )
        )
    if date_pos.page != sig_pos.page:
        facts.faults.append(
            Fault(
                "render-date-split",
                "7.3.5.5",
                "成文日期",
                "成文日期与发文机关署名不在同一页",
                "署名和成文日期排在同一页（调整行距、字距使之容下）",
                f"署名在第 {sig_pos.page + 1} 页，成文日期在第 {date_pos.page + 1} 页",
                date_pos.page + 1,
                compact(date.text)[:12],
            )
        )
    if note_start is not None:
        before_sig = _previous(reader, sig_pos)
        if before_sig is not None and before_sig.page != note_start.page:
            facts.faults.append(
                Fault(
                    "render-attachment-note-split",
                    "7.3.5.5",
                    "附件说明",
                    "附件说明被分在两页",
                    "附件说明排在同一页",
                    f"第 {note_start.page + 1} 页至第 {before_sig.page + 1} 页",
                    note_start.page + 1,
                    compact(notes[0].text)[:12],
                )
            )


def _block_pages(reader: _Reader, outline: Outline) -> list[tuple[int, float] | None]:
    """Page and y1 of the first line of every block (the attachments' too), matched in
    reading order."""
    out: list[tuple[int, float] | None] = []
    cursor = _Pos(0, 0)
    for block in outline.blocks:
        head = compact(block.text)[:8]
        pos = None
        if head:
            for candidate in reader.positions():
                if (candidate.page, candidate.row) < (cursor.page, cursor.row):
                    continue
                if reader.texts[candidate.page][candidate.row].startswith(head):
                    pos = candidate
                    break
        if pos is not None:
            cursor = _Pos(pos.page, pos.row + 1)
            out.append((pos.page + 1, reader.row(pos).y1))
        else:
            out.append(None)
    return out


def _previous(reader: _Reader, pos: _Pos) -> _Pos | None:
    if pos.row > 0:
        return _Pos(pos.page, pos.row - 1)
    for page in range(pos.page - 1, -1, -1):
        if reader.rows[page]:
            return _Pos(page, len(reader.rows[page]) - 1)
    return None


def _record(reader: _Reader, outline: Outline, facts: Facts) -> None:
    """§7.4.1, §7.5: the 版记 at the foot of the last, even, portrait page."""
    if not outline.records:
        return
    # The 版记 prints after the main part (its date, 附注, contacts) and any attachments, and
    # is looked for there only: its lines often start as the signature does (“示例省知识产权局
    # 办公室” under “示例省知识产权局”). Its last line (印发机关 and 印发日期) prints as one row,
    # matched whole; a 版记 printed in part is found by any of its lines' starts.
    last = compact(outline.records[-1])
    needle = last[:8]
    heads = [compact(r)[:8] for r in outline.records if compact(r)]
    after = _after_main(reader, facts)
    found = (
        [p for p in after if reader.texts[p.page][p.row] == last]
        or [p for p in after if needle in reader.texts[p.page][p.row]]
        or [p for p in after if reader.texts[p.page][p.row].startswith(tuple(heads))]
    )
    pos = found[-1] if found else None
    total = len(reader.pages)
    where = needle
    if pos is None:
        facts.faults.append(
            Fault(
                "render-record-place",
                "7.4.1",
                "版记",
                "版面上找不到版记",
                "位于最后一页",
                "未找到",
                total,
                where,
            )
        )
        return
    page = reader.pages[pos.page]
    number = pos.page + 1
    facts.record_page = number
    frame = Frame.of(page)
    row = reader.row(pos)
    facts.record_gap_pt = round(frame.bottom - row.y1, 1)
    # Where the content before the 版记 ends: the last row that is not part of the 版记 (its
    # first line looked for back from the last, on its page or the one before).
    head = compact(outline.records[0])[:8]
    first_record = pos
    if len(outline.records) > 1:
        earlier = [p for p in after if pos.page - 1 <= p.page and (p.page, p.row) < (pos.page, pos.row)]
        starts = (p for p in reversed(earlier) if reader.texts[p.page][p.row].startswith(head))
        first_record = next(starts, pos)
    before = _previous(reader, first_record)
    if before is not None:
        facts.content_end = (before.page + 1, reader.row(before).y1)

    def fault(message: str, expected: str, actual: str) -> None:
        facts.faults.append(
            Fault("render-record-place", "7.4.1", "版记", message, expected, actual, number, where)
        )

    if number != total:
        fault("版记不在最后一页", "位于公文最后一页（封四）", f"第 {number} 页，共 {total} 页")
    if page.landscape:
        fault("版记排在横排页上", "竖排页，分隔线与版心等宽", "横排页")
    if number % 2:
        fault("版记不在偶数页（封四）", "双面印刷时位于最后一个偶数页", f"第 {number} 页（奇数页）")
    if not (-_EDGE_PT <= facts.record_gap_pt <= _PITCH_PT):
        fault(
            "版记末条分隔线应与版心下边缘重合",
            "位于版心底部",
            f"距版心底边 {facts.record_gap_pt / L.PT_PER_MM:.1f} mm",
        )
    if pos.page > 0 and not reader.rows[pos.page - 1]:
        facts.unnumbered = {pos.page, pos.page + 1}
        for blank in (pos.page - 1, pos.page):
            if numbered(reader.pages[blank]):
                facts.faults.append(
                    Fault(
                        "render-record-page-number",
                        "7.5",
                        "页码",
                        "版记页前有空白页时，空白页和版记页不编排页码",
                        "不显示页码",
                        "显示页码",
                        blank + 1,
                    )
                )


def _after_main(reader: _Reader, facts: Facts) -> list[_Pos]:
    """The rows below the main part's last line (all rows where it was not found)."""
    if facts.main_end is None:
        return reader.positions()
    page, y1 = facts.main_end
    return [p for p in reader.positions() if (p.page + 1, reader.row(p).y0) > (page, y1 - 1)]


def _table(reader: _Reader, index: int, table: list[list[Cell]], facts: Facts) -> None:
    """Rows split over a page break; merged labels missing on the page a group goes on to."""
    if len(table) < 2:
        return
    header = [compact(c.text) for c in table[0]]
    body = [[compact(c.text) for c in row] for row in table[1:]]
    for p in range(1, len(reader.pages)):
        rows = reader.texts[p]
        if not rows or not any(_word_of(r.text, body) for r in reader.rows[p][:6]):
            continue
        # Skip the header row repeated at the top of the page.
        k = 0
        while k < len(rows) and _all_in(reader.rows[p][k].text, header):
            k += 1
        if k == len(rows):
            continue
        # The first word of two characters or more: a one-digit 序号 (“9”) is in many rows.
        words = [compact(x) for x in reader.rows[p][k].text.split(" ")[:3]]
        first_word = next((x for x in words if len(x) >= 2), "")
        if not first_word:
            continue
        starts = [r for r, row in enumerate(body) if any(cell.startswith(first_word) for cell in row)]
        inside = [r for r, row in enumerate(body) if any(first_word in cell[1:] for cell in row)]
        if inside and not starts:
            facts.split_rows.append(p + 1)
            facts.faults.append(
                Fault(
                    "render-table-row-split",
                    "8",
                    "表格",
                    "表格的一行被分在两页",
                    "表格行不跨页（高于一页的行除外）",
                    f"第 {p} 页与第 {p + 1} 页之间",
                    p + 1,
                    first_word[:12],
                )
            )
            continue
        if len(starts) != 1:
            continue
        r = starts[0] + 1  # index into table (row 0 the header)
        if r > 1 and any(cell.continues for row in table for cell in row):
            facts.merged_breaks.append((index, r, p + 1))
        for c, cell in enumerate(table[r]):
            if cell.continues and not cell.text.strip():
                facts.unlabelled.append((index, r, c, p + 1))
                facts.faults.append(
                    Fault(
                        "render-table-merged-label",
                        "8",
                        "表格",
                        "合并单元格跨页后，续页上不再显示该组的名称",
                        "续页重复显示合并的组名",
                        "续页该列为空",
                        p + 1,
                        first_word[:12],
                    )
                )


def _table_spans(reader: _Reader, outline: Outline) -> list[list[tuple[int, float, float]]]:
    """Where each table printed: per page, the top of its first and the foot of its last row.

    A table starts at a row of its header's words and runs while the rows hold only words
    of its cells (a header repeated on the next page included). The boxes are the text's,
    a little inside the rows' borders.
    """
    out: list[list[tuple[int, float, float]]] = []
    cursor = _Pos(0, 0)
    for table in outline.tables:
        header = [compact(c.text) for c in table[0]] if table else []
        cells = [compact(c.text) for row in table for c in row if compact(c.text)]
        spans: dict[int, list[float]] = {}
        started = False
        for pos in reader.positions():
            if (pos.page, pos.row) < (cursor.page, cursor.row):
                continue
            text = reader.row(pos).text
            if not started and not _all_in(text, header):
                continue
            if started and not _all_in(text, cells):
                break
            started = True
            row = reader.row(pos)
            span = spans.setdefault(pos.page + 1, [row.y0, row.y1])
            span[0], span[1] = min(span[0], row.y0), max(span[1], row.y1)
            cursor = _Pos(pos.page, pos.row + 1)
        out.append([(page, y0, y1) for page, (y0, y1) in sorted(spans.items())])
    return out


# A table row prints within this many lines of the one before (two pages' worth): a row not
# found there is not looked for further (a blank form's empty rows print nothing to find).
_ROW_WINDOW = 100


def _table_rows(reader: _Reader, outline: Outline) -> list[list[int | None]]:
    """The page each data row of each table printed on.

    A table starts at a row of its header's words. A row's cells print side by side, so a
    printed line of the row is, column by column, the starts of some of its cells (a merged
    cell's label counting in every row it covers); rows are looked for in order, each on
    or after the line of the one before. Rows never split (``cantSplit``): any of its lines
    gives its page.
    """
    lines = [(pos, reader.texts[pos.page][pos.row]) for pos in reader.positions()]
    cursor, out = 0, []
    for table in outline.tables:
        header = [compact(c.text) for c in table[0]] if table else []
        start = next(
            (i for i in range(cursor, len(lines)) if _all_in(reader.row(lines[i][0]).text, header)), None
        )
        if start is None:
            out.append([None] * (len(table) - 1))
            continue
        cursor = start + 1
        labels: dict[int, str] = {}
        found: list[int | None] = []
        for row in table[1:]:
            cells = []
            for c, cell in enumerate(row):
                if not cell.continues:
                    labels[c] = compact(cell.text)
                cells.append(labels.get(c, "") if cell.continues else compact(cell.text))
            window = range(cursor, min(cursor + _ROW_WINDOW, len(lines)))
            hit = next((i for i in window if _starts_of(lines[i][1], cells)), None)
            found.append(lines[hit][0].page + 1 if hit is not None else None)
            cursor = hit + 1 if hit is not None else cursor
        out.append(found)
    return out


def _starts_of(line: str, cells: list[str]) -> bool:
    """Whether ``line`` is, left to right, the starts of some of ``cells`` (two characters
    at least in all)."""

    def fits(rest: str, i: int) -> bool:
        if not rest:
            return True
        if i == len(cells):
            return False
        cell, n = cells[i], 0
        while n < min(len(rest), len(cell)) and rest[n] == cell[n]:
            n += 1
        return (n > 0 and fits(rest[n:], i + 1)) or fits(rest, i + 1)

    return len(line) >= 2 and fits(line, 0)


def _word_of(text: str, body: list[list[str]]) -> bool:
    """Whether the printed row ``text`` begins with words of the table's ``body`` cells: its
    first four characters, or (where its first cell is shorter, a 序号 “10” before a name)
    its first word of two characters or more."""
    start, first = compact(text)[:4], compact(text.split(" ")[0])[:4]
    heads = {start} | ({first} if len(first) >= 2 else set())
    return any(h and h in cell for h in heads for row in body for cell in row)


def _all_in(text: str, cells: list[str]) -> bool:
    words = [compact(w) for w in text.split(" ") if compact(w)]
    return bool(words) and all(any(w in cell for cell in cells) for w in words)
