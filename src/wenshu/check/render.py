"""``wenshu check --render``: the pages LibreOffice lays out, measured (lines per page, characters
per line, page numbers, page one, title) and examined page by page (:mod:`wenshu.office.pages`).
LibreOffice, poppler and the page model are imported only when a file is rendered."""

from __future__ import annotations

import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wenshu import layout as L
from wenshu.check.findings import Findings, Location
from wenshu.check.reading.ooxml import wtag, wval
from wenshu.check.reading.reader import Para
from wenshu.check.recognise import LABEL, Recogniser
from wenshu.check.registry import RULES
from wenshu.check.report import Report
from wenshu.check.rules.grid import adjusted_pitch
from wenshu.check.rules.head import (
    TABLE_RULE_NOTE,
    mark_place_bound,
    mark_place_expected,
    mark_place_wanted_pt,
)
from wenshu.check.rules.page_numbers import LETTER_PAGES_NOTE, placed_by_word
from wenshu.errors import WenshuError
from wenshu.text.titles import printed_lines, title_problems
from wenshu.text.width import is_wide

RULES.rule(
    "render-lines", "5.2.3", "版心", f"排出的页每面 {L.LINES_PER_PAGE} 行", severity="warning", render=True
)
RULES.rule(
    "render-chars", "5.2.3", "版心", f"排出的行每行 {L.CHARS_PER_LINE} 字", severity="warning", render=True
)
RULES.rule("render-title", "7.3.1", "标题", "排出的标题回行合规", severity="warning", render=True)
RULES.rule(
    "render-rule-place", "7.2.7", "版头分隔线", "排出的分隔线在发文字号之下", severity="warning", render=True
)
RULES.rule(
    "render-mark-place",
    "7.2.4",
    "发文机关标志",
    f"排出的标志上边缘距版心上边缘 {L.DOCUMENT_MARK_OFFSET_MM} mm",
    severity="warning",
    render=True,
)
RULES.rule("render-page-one", "7.3.3", "首页", "版头、标题和正文排在首页", severity="warning", render=True)
RULES.rule("render-page-number", "7.5", "页码", "排出的每页有页码", severity="warning", render=True)
RULES.rule("render-page-number-place", "7.5", "页码", "排出的页码位置", severity="warning", render=True)
RULES.rule(
    "render-record-place", "7.4.1", "版记", "版记排在最后一个偶数页最下方", severity="warning", render=True
)
RULES.rule(
    "render-signature-alone", "7.3.5.5", "发文机关署名", "署名页有正文", severity="warning", render=True
)
RULES.rule("render-date-split", "7.3.5.5", "成文日期", "成文日期与署名同页", severity="warning", render=True)
RULES.rule(
    "render-attachment-note-split", "7.3.5.5", "附件说明", "附件说明不跨页", severity="warning", render=True
)
RULES.rule(
    "render-record-page-number",
    "7.5",
    "页码",
    "版记页及其前的空白页不编页码",
    severity="warning",
    render=True,
)
RULES.rule("render-table-row-split", "8", "表格", "表格行不跨页", severity="warning", render=True)
RULES.rule("render-table-merged-label", "8", "表格", "合并的组名在续页重复", severity="warning", render=True)
RULES.rule("render-table-note-alone", "8", "表格", "表注不单独成页", severity="warning", render=True)
RULES.rule(
    "render-landscape-page-number", "8", "页码", "横排页的页码与竖排页同位", severity="warning", render=True
)


# How far a measured position may stray: PDF text boxes come from the substitute fonts'
# metrics, so they sit a little differently from the licensed fonts the file names.
_X_SLACK_PT = 4.0
_Y_SLACK_MM = 2.0
_GRID_SLACK = 0.2  # of a line pitch
# Adjacent lines further apart than this many standard pitches are not taken for a pitch.
_MAX_PITCHES = 2.5
_HANGING = "，。、；：！？）》」』”’"


_TOP, _BOTTOM, _LEFT, _RIGHT = L.text_area_pt()


@dataclass
class _Geometry:
    """The 版心 in PDF points (y down from the top), as the standard places it."""

    left: float = _LEFT
    top: float = _TOP
    right: float = _RIGHT
    bottom: float = _BOTTOM
    pitch: float = L.LINE_PITCH_TWIPS / L.TWIPS_PER_PT
    char: float = L.CHAR_ADVANCE_TWIPS / L.TWIPS_PER_PT

    def on_page(self, doc: Recogniser, number: int) -> _Geometry:
        """The 版心 of page ``number``: with mirrored margins (ECMA-376 §17.15.1.57) an even
        page is the back of a sheet bound on its right, so its 订口 and 版心 move across (the
        two sides then print one over the other, §6.2's 套正)."""
        if number % 2 or not doc.sections or not doc.sections[0].mirror:
            return self
        width = L.PAGE_WIDTH_MM * L.PT_PER_MM
        return _Geometry(width - self.right, self.top, width - self.left, self.bottom, self.pitch, self.char)


def _page_one_texts(doc: Recogniser) -> list[tuple[str, str, str]]:
    """(clause, element, text) of what must print on page one."""
    out = []
    marks = doc.mark()
    if marks:
        out.append(("7.2.4", "发文机关标志", marks[0].text))
    titles = doc.role("title")
    if titles:
        out.append(("7.3.1", "标题", "".join(p.text for p in titles)))
    first_body = next(
        (
            p
            for p in doc.paragraphs
            if p.role in ("body", "heading") and p.zone == 0 and not p.in_table and p.text.strip()
        ),
        None,
    )
    if first_body is not None:
        out.append(("7.3.3", "正文", first_body.text))
    return out


def _measure(
    doc: Recogniser, report: Report, pages: list[Any], out: Findings, pdf: Path | None = None
) -> None:
    """Lines per full page, characters per full line, page numbers, page one, title, 版记."""
    g = _Geometry()
    portrait = [p for p in pages if not p.landscape]

    def body_rows(page: Any) -> list[Any]:
        return [r for r in page.rows if r.y0 >= g.top - 3 and r.y1 <= g.bottom + 3]

    from wenshu.office.pages import compact

    heights = [round(r.height, 1) for page in portrait for r in body_rows(page)]
    body_height = statistics.mode(heights) if heights else 0.0
    # A table's rows stand closer or further apart than lines: the pitch is measured on lines
    # that are not a table's (whose every word is a cell's), nor its note's (“注：……” straight
    # under it, set like the table's text, not on the body's grid).
    paragraphs = doc.paragraphs
    notes = [
        p
        for before, p in zip(paragraphs, paragraphs[1:], strict=False)
        if before.in_table and not p.in_table and p.text.lstrip().startswith(("注：", "注:"))
    ]
    cells = "\n".join(compact(p.text) for p in [*(p for p in paragraphs if p.in_table), *notes])

    def in_table(row: Any) -> bool:
        return all(w in cells for w in (compact(w) for w in row.text.split(" ")))

    deltas = []
    for page in portrait:
        # Lines of Latin letters only sit on their font's boxes, a point or two off the CJK lines'.
        rows = [
            r
            for r in body_rows(page)
            if abs(r.height - body_height) < 0.5 and any(is_wide(ch) for ch in r.text) and not in_table(r)
        ]
        deltas += [
            b.y1 - a.y1
            for a, b in zip(rows, rows[1:], strict=False)
            if body_height / 2 < b.y1 - a.y1 < _MAX_PITCHES * g.pitch
        ]
    # The pitch is the distance of adjacent lines (exact spacing may set them closer than their
    # glyph boxes are high): an empty line or a paragraph's spacing puts some lines further
    # apart, and averaging those in would double it (see _usual).
    pitch = _usual(deltas) if deltas else g.pitch
    report.measurements["pages"] = len(pages)
    if deltas:
        report.measurements["line_pitch_pt"] = round(pitch, 2)
    else:  # the nominal pitch is no measurement (a form's table rows give no line pitch either)
        report.notes.append("没有上下相邻、字高相同的正文行，未测行距")

    # Lines per full page: a page whose last line runs on to the next page's first line. A
    # page whose lines stand at the pitch §7.3.5.5 allows (the pages before the signature
    # tightened to keep it with the 正文) is measured at that pitch: it holds 22 lines or more.
    adjusted = adjusted_pitch(doc)
    tight_pt = adjusted / L.TWIPS_PER_PT if adjusted else None
    # Where the tightened pages outnumber the others' measured lines (henan-2023-38: the rest
    # are tables), the usual pitch is theirs: the other pages are counted at the grid's.
    standard = g.pitch if tight_pt and abs(pitch - tight_pt) < 0.5 else pitch
    lines_per_page: dict[int, int] = {}
    tightened: dict[int, int] = {}
    unmeasured: list[int] = []  # tightened pages of 正文 going on overleaf, whose last line does not run on
    for page, nxt in zip(pages[1:], pages[2:], strict=False):
        if page.landscape or nxt.landscape:
            continue
        rows, next_rows = body_rows(page), body_rows(nxt)
        if not rows or not next_rows:
            continue
        own = _usual([b.y1 - a.y1 for a, b in zip(rows, rows[1:], strict=False)]) if len(rows) > 1 else None
        tight = tight_pt is not None and own is not None and abs(own - tight_pt) < 0.5
        step = tight_pt if tight_pt is not None and tight else standard
        on_grid = all(abs((r.y1 - g.top) / step - round((r.y1 - g.top) / step)) < _GRID_SLACK for r in rows)
        last, first = rows[-1], next_rows[0]
        runs_on = (
            last.x1 >= g.on_page(doc, page.number).right - g.char / 2
            and abs(first.x0 - g.on_page(doc, nxt.number).left) < 2
            and not LABEL.match(first.text)
        )
        if tight and not (on_grid and runs_on) and not LABEL.match(first.text):
            unmeasured.append(page.number)  # the 正文 goes on overleaf (not an attachment)
        elif on_grid and runs_on:
            (tightened if tight else lines_per_page)[page.number] = round((last.y1 - g.top) / step)
    report.measurements["lines_per_full_page"] = lines_per_page
    if tightened:
        report.measurements["lines_per_tightened_page"] = tightened
    for number, lines in lines_per_page.items():
        if lines != L.LINES_PER_PAGE:
            out.add(
                "render-lines",
                "5.2.3",
                "版面",
                f"排满的页不是 {L.LINES_PER_PAGE} 行",
                f"每面 {L.LINES_PER_PAGE} 行",
                f"{lines} 行",
                Location(f"第 {number} 页"),
            )
    for number, lines in tightened.items():
        if lines < L.LINES_PER_PAGE:
            out.add(
                "render-lines",
                "5.2.3",
                "版面",
                f"收紧行距的页少于 {L.LINES_PER_PAGE} 行",
                f"收紧行距（§7.3.5.5）后每面不少于 {L.LINES_PER_PAGE} 行",
                f"{lines} 行",
                Location(f"第 {number} 页"),
            )
    if unmeasured:
        pages_named = "、".join(f"第 {n} 页" for n in unmeasured)
        report.notes.append(
            f"{pages_named}收紧了行距（§7.3.5.5）而末行不接下页（段落在页末结束），无法判断是否排满，未测行数"
        )
    if not lines_per_page and not tightened:
        report.notes.append("没有排满后续页的正文页，未测每页行数")

    # Characters per full line: lines of full-width characters from margin to margin.
    counts: dict[int, int] = {}
    doubled = _two_cells(doc, [r for page in portrait for r in body_rows(page)], g)
    if doubled is not None:
        cell, size, cells = doubled
        report.notes.append(
            f"LibreOffice 把文档网格中比格宽的字排成两格（网格字距 {cell:.2f} 磅，字号 {size:g} 磅），"
            f"每行只排出约 {cells // 2} 字；Word 按网格每格一字，每行 {cells} 字；未按排出的页测每行字数"
        )
    else:
        for page in portrait:
            here = g.on_page(doc, page.number)
            for r in body_rows(page):
                margin_to_margin = abs(r.x0 - here.left) < 2 and r.x1 >= here.right - _X_SLACK_PT
                if abs(r.height - body_height) >= 0.5 or not margin_to_margin:
                    continue
                text = r.text
                if r.x1 > here.right + 2 and text and text[-1] in _HANGING:
                    text = text[:-1]  # punctuation hung into the margin is not counted
                if text and all(is_wide(ch) for ch in text):
                    counts[len(text)] = counts.get(len(text), 0) + 1
        if counts:
            # The usual full line counts: one may hold a character less where a break is not
            # allowed (before ， or inside a number), but none may hold more.
            usual = max(counts, key=lambda n: (counts[n], n))
            measured = max(counts) if max(counts) > L.CHARS_PER_LINE else usual
            report.measurements["chars_per_full_line"] = measured
            if measured != L.CHARS_PER_LINE:
                out.add(
                    "render-chars",
                    "5.2.3",
                    "版面",
                    f"排满的行不是 {L.CHARS_PER_LINE} 字",
                    f"每行 {L.CHARS_PER_LINE} 字",
                    f"{measured} 字",
                    Location("全文"),
                )
        else:
            report.notes.append("没有排满一行的全角文字行，未测每行字数")

    facts = _page_facts(doc, pages, out)
    _measure_page_numbers(doc, [p for p in pages if p.number not in facts.unnumbered], g, out, pdf)
    if LETTER_PAGES_NOTE in report.notes:
        report.notes.remove(LETTER_PAGES_NOTE)  # the letter's pages were counted and judged here
    _measure_page_one(doc, pages, out)
    _measure_title(doc, pages, out)
    if pdf is not None:
        _measure_mark_place(doc, pages, out, pdf)
        if _measure_head_rule(doc, pages, out, pdf) and TABLE_RULE_NOTE in report.notes:
            report.notes.remove(TABLE_RULE_NOTE)  # the rule of a 版头 table was looked for on the page


def _usual(deltas: list[float]) -> float:
    """The line pitch among distances of adjacent lines: the mean of those within half a point
    of the smallest distance seen twice or more (of the smallest, where none is). Lines with an
    empty line or a paragraph's spacing between them stand further apart, however many they are."""
    counts: dict[float, int] = {}
    for d in deltas:
        key = round(d * 2) / 2
        counts[key] = counts.get(key, 0) + 1
    usual = min((k for k, n in counts.items() if n >= 2), default=min(counts))
    return statistics.fmean(d for d in deltas if abs(d - usual) <= 0.5)


def _two_cells(doc: Recogniser, rows: list[Any], g: _Geometry) -> tuple[float, float, int] | None:
    """(cell, character size) in points and the cells a line holds, when LibreOffice has set the
    body's characters two grid cells apart: the body snaps to a character grid (ECMA-376 §17.6.5
    linesAndChars) whose cell is narrower than its characters, and a full printed line shows one
    character every two cells. Word fits such a character in one cell: a grid of 28 cells a line
    with 三号 text is the usual way offices set up a 公文 in Word."""
    para = next(
        (p for p in doc.paragraphs if p.role in ("body", "heading") and p.flows and p.text.strip()), None
    )
    grid = doc.grid_pitch(para) if para is not None else None
    if para is None or grid is None:
        return None
    cell, size = grid / L.TWIPS_PER_PT, doc.paragraph_size(para)
    if size <= cell:
        return None
    for r in rows:
        chars = [ch for ch in r.text if not ch.isspace()]
        full = r.x1 - r.x0 >= g.right - g.left - 2 * cell
        if len(chars) < 4 or not full or not all(is_wide(ch) for ch in chars):
            continue
        if 1.6 < (r.x1 - r.x0) / (len(chars) * cell) < 2.4:
            return cell, size, int(doc.section_of(para).text_width // grid)
    return None


def _page_facts(doc: Recogniser, pages: list[Any], out: Findings) -> Any:
    """Page-level rules measured by :mod:`wenshu.office.pages` (§7.3.5.5, §7.4.1, §7.5, §8)."""
    from wenshu.office.pages import Block, Outline, examine, table_cells

    outline = Outline(
        [Block(p.role, p.text, p.zone) for p in doc.paragraphs if not p.in_table and p.text.strip()],
        [
            table_cells(t)
            for t in doc.body.iter(wtag("tbl"))
            if not any(p.role == "record" for p in _in(doc, t))
        ],
        [p.text for p in doc.paragraphs if p.role == "record" and p.text.strip()],
    )
    facts = examine(pages, outline)
    for f in facts.faults:
        out.add(
            f.code,
            f.clause,
            f.element,
            f.message,
            f.expected,
            f.actual,
            Location(f"第 {f.page} 页", None, f.excerpt),
        )
    return facts


def _in(doc: Recogniser, table: Any) -> list[Para]:
    inside = set(table.iter(wtag("p")))
    return [p for p in doc.paragraphs if p.el in inside]


def _measure_page_numbers(
    doc: Recogniser, pages: list[Any], g: _Geometry, out: Findings, pdf: Path | None = None
) -> None:
    """§7.5 on paper: “— N —” on every page (not page one of a letter), odd right, even left,
    the dash's top 7 mm under the 版心 (where the dash is drawn is read off the page image
    once; every page number has the same style)."""
    from wenshu.office.pages import PAGE_NUMBER, compact

    indent = L.PAGE_NUMBER_INDENT_TWIPS / L.TWIPS_PER_PT
    dash_drop: float | None = None
    # Letters merged for printing (wenshu batch --merge): each starts a section of its own
    # with its first page unnumbered and the count starting again at 1.
    restarts = (
        doc.format == "letter"
        and sum(
            1 for s in doc.sections if s.title_page and wval(s.el.find(wtag("pgNumType")), "start") == "1"
        )
        > 1
    )
    # A number placed by a frame or a ptab: the static check says where Word sets it, and that
    # the page measured here is not it.
    judge_sides = not placed_by_word(doc)
    number = 0
    for page in pages:
        number += 1
        found = [(r, m) for r in page.rows if (m := PAGE_NUMBER.match(compact(r.text)))]
        # In the footer: the row's foot under the 版心 (a number lifted close to it, by lines under
        # it in the footer, still counts — it was taken for no number at all).
        found = [(r, m) for r, m in found if page.landscape or r.y1 > g.bottom + 2]
        where = Location(f"第 {page.number} 页")
        if restarts and not found and page.number > 1:
            number = 1  # the first page of the next letter
            continue
        if doc.format == "letter" and page.number == 1:
            if found:
                out.add(
                    "render-page-number",
                    "10.1",
                    "页码",
                    "信函格式首页不显示页码",
                    "首页无页码",
                    f"“{found[0][0].text}”",
                    where,
                )
            continue
        if not found:
            out.add("render-page-number", "7.5", "页码", "页面上没有页码", f"— {number} —", "无", where)
            continue
        row, m = found[-1]
        if int(m.group(1)) != number:
            out.add("render-page-number", "7.5", "页码", "页码与页序不符", f"— {number} —", row.text, where)
        if page.landscape:
            continue
        odd = number % 2 == 1
        here = g.on_page(doc, number)
        offset = (here.right - row.x1) if odd else (row.x0 - here.left)
        if judge_sides and abs(offset - indent) > _X_SLACK_PT:
            expected = "单页码居右空一字" if odd else "双页码居左空一字"
            out.add(
                "render-page-number-place",
                "7.5",
                "页码",
                "页码位置不符",
                expected,
                f"距版心边 {offset / indent:.1f} 字",
                where,
            )
        out.drop("page-number-gap")  # the estimate without the pages: measured here instead
        if dash_drop is None:
            from wenshu.office.ink import dash_below_box_top

            dash_drop = dash_below_box_top(pdf, page.number, row) if pdf else 0.0
        gap_mm = (row.y0 + dash_drop - g.bottom) / L.PT_PER_MM
        if abs(gap_mm - L.PAGE_NUMBER_GAP_MM) > _Y_SLACK_MM:
            out.add(
                "render-page-number-place",
                "7.5",
                "页码",
                "页码距版心下边缘不符",
                f"{L.PAGE_NUMBER_GAP_MM} mm（±{_Y_SLACK_MM:g} mm）",
                f"{gap_mm:.1f} mm",
                where,
            )


def _measure_head_rule(doc: Recogniser, pages: list[Any], out: Findings, pdf: Path) -> bool:
    """§7.2.7 on paper: the 版头's red rule prints 4 mm under the 发文字号. The rule's row is read
    off the page image (red ink across the 版心), so a border, a drawn line and a table's
    border are measured alike, wherever the file's anchors and wrapping put them. True when
    the page was looked at."""
    from wenshu.office.ink import red_rule_rows
    from wenshu.office.pages import compact

    numbers = [p for p in doc.role("doc-number") if p.text.strip()]
    if doc.format == "letter" or not numbers or not pages:
        return False  # a letter's rules stand under the mark (§10.1), its 发文字号 under them
    if any(d.code == "rule-place" for d in out.items()):
        return False  # said without the pages already
    needle = compact(numbers[0].text)[:6]
    row = next((r for r in pages[0].rows if needle and needle in compact(r.text)), None)
    if row is None:
        return False
    g = _Geometry()
    # Red ink across the 版心 from the page's top down to the foot of the 发文字号's line: none
    # when the rule is under the number. How far under is not judged: the line's box comes
    # from the substitute font's metrics (one file measured 3.0 and 1.8 mm with two fonts).
    rows = _lines_not_bands(red_rule_rows(pdf, 1, (g.left, 0.0, g.right, row.y1)))
    if not rows:
        return True
    actual = "在发文字号之上" if rows[0] < row.y0 else "压在发文字号上"
    out.add(
        "render-rule-place",
        "7.2.7",
        "版头分隔线",
        "排出的分隔线不在发文字号之下",
        f"发文字号之下 {L.HEAD_RULE_GAP_MM} mm",
        actual,
        Location("第 1 页", None, row.text),
    )
    return True


def _measure_mark_place(doc: Recogniser, pages: list[Any], out: Findings, pdf: Path) -> None:
    """§7.2.4 (§10.1) on paper: the mark's top edge 35 mm under the 版心's top (a letter's 30 mm
    under the paper's). Where the glyphs' top prints depends on the font: the stand-in's ascent
    is larger than its em box, so its ink starts lower in the line than the licensed face's may
    (wenshu's own mark, its line 35 mm down, inks 4.5 mm lower). The top edge is taken to lie
    between the line's top (the em box's top less the stand-in's extra ascent) and the first row
    of ink in it, and is said out of place only when all of that range is."""
    from wenshu.office.ink import ink_rows
    from wenshu.office.pages import compact

    marks = [p for p in doc.mark() if p.text.strip()]
    if not marks or not pages or any(d.code == "mark-place" for d in out.items()):
        return
    needle = compact(marks[0].text)[:4]
    row = next((r for r in pages[0].rows if needle and needle in compact(r.text)), None)
    if row is None:
        return
    ink = ink_rows(pdf, 1, (row.x0, row.y0, row.x1, row.y1))
    if not ink:
        return
    letter = doc.format == "letter"
    wanted, slack = mark_place_wanted_pt(letter), L.mm_to_pt(L.MARK_PLACE_TOLERANCE_MM)
    lo, hi = min(row.y0, ink[0]) - L.STANDIN_LINE_OVER_EM * doc.paragraph_size(marks[0]), ink[0]
    if lo - slack <= wanted <= hi + slack:
        return
    out.add(
        "render-mark-place",
        "10.1" if letter else "7.2.4",
        "发文机关标志",
        "排出的发文机关标志位置不符",
        mark_place_expected(letter),
        mark_place_bound(lo, hi, wanted, letter),
        Location("第 1 页", None, row.text),
    )


# Red ink deeper than this across the 版心 is a filled band (a banner the mark is reversed out
# of), not a rule: the thickest rule of GB/T 9704, the 信函格式's thick line, is under 1 mm.
_BAND_MM = 3.0


def _lines_not_bands(rows: list[float]) -> list[float]:
    """The pixel rows of ``rows`` (points, top down) that belong to runs thinner than a band."""
    runs: list[list[float]] = []
    for y in rows:
        if runs and y - runs[-1][-1] <= 1.0:
            runs[-1].append(y)
        else:
            runs.append([y])
    band = L.mm_to_pt(_BAND_MM)
    return [y for run in runs if run[-1] - run[0] < band for y in run]


def _measure_title(doc: Recogniser, pages: list[Any], out: Findings) -> None:
    """§7.3.1 on paper: title lines that fit the 版心, broken between words."""
    titles = [p.text for p in doc.role("title") if p.text.strip()]
    if not titles or not pages:
        return
    lines = printed_lines("".join(titles), [r.text for r in pages[0].rows])
    # A line broken by hand is judged without the pages already (title-break): said once.
    said = {d.actual for d in out.items() if d.code == "title-break"}
    for problem in title_problems(lines or []):
        if problem.message in said:
            continue
        out.add(
            "render-title",
            "7.3.1",
            "标题",
            "标题回行不合规定",
            "在词与词之间回行，每行不超出版心，排成梯形或菱形",
            problem.message,
            Location("第 1 页", None, lines[problem.line - 1] if lines else ""),
        )


def _measure_page_one(doc: Recogniser, pages: list[Any], out: Findings) -> None:
    """The mark, the title and the start of the body print on page one (§7.3.3: 公文首页必须显示正文)."""
    from wenshu.office.pages import compact

    if not pages:
        return
    first = compact("".join(r.text for r in pages[0].rows))
    for clause, element, text in _page_one_texts(doc):
        needle = compact(text)[:8]
        if needle and needle not in first:
            out.add(
                "render-page-one",
                clause,
                element,
                f"{element}不在首页",
                "排在首页",
                "不在首页",
                Location("第 1 页", None, needle),
            )


def _font_notes(doc: Recogniser, pdf: Path, report: Report) -> None:
    """Which of the fonts the file names are missing here, and what LibreOffice used instead."""
    from wenshu.office.libreoffice import installed_families, pdf_fonts, substitute_for

    used = pdf_fonts(pdf)
    report.measurements["pdf_fonts"] = used
    installed = installed_families()
    if installed is None:
        return
    for font in sorted(doc.fonts_used()):
        if font not in installed:
            instead = substitute_for(font)
            report.notes.append(
                f"字体“{font}”未安装，排版时以“{instead or '未知字体'}”代替"
                "（只影响此处的 PDF，不影响 Word 文件）"
            )


def render_all(items: list[tuple[Path, Report, Recogniser]], png_dir: Path | None) -> None:
    """Lay every file out in one LibreOffice run and add what the pages show to its report.

    A file that cannot be laid out keeps its static findings; its report says why it was not
    measured (``render_error``)."""
    from wenshu.office.libreoffice import LibreOffice, find_poppler, read_pages, write_images

    for tool in ("pdftotext", "pdffonts", "pdftoppm" if png_dir else "pdftotext"):
        find_poppler(tool)
    with LibreOffice() as office, tempfile.TemporaryDirectory(prefix="wenshu-check-") as work:
        pdfs = office.convert([path for path, _, _ in items], Path(work))
        for path, report, doc in items:
            pdf = pdfs.get(path)
            if pdf is None:
                report.render_error = office.failed.get(path, "LibreOffice 无法打开这个文件")
                continue
            try:
                findings = Findings(report.deviations)
                _measure(doc, report, read_pages(pdf), findings, pdf)
                report.deviations = findings.items()
                _font_notes(doc, pdf, report)
                if png_dir is not None:
                    images = write_images(pdf, png_dir, path.stem)
                    report.notes.append(f"已写出 {len(images)} 张页面图片到 {png_dir}")
            except WenshuError as exc:
                report.render_error = "；".join(p.message for p in exc.problems)
