"""The pagination pass: lay the document out, measure the pages, adjust, lay out again.

Keep rules (keepNext, keepLines, cantSplit, written by :mod:`wenshu.render.docx`) settle
most page breaks in every renderer. What they cannot settle is done here, on pages
LibreOffice has laid out (:mod:`wenshu.office.pages` measures them):

- §7.4.1 the 版记 at the foot of the 版心 on the last even page (封四), on a portrait page:
  laid out first in the flow after the content (:func:`record_in_flow`), it becomes an
  ordinary table after a spacer paragraph of exact height, after a page break or a section
  break where the content ends on an odd or a landscape page; where the content ends on an
  even page without room for it, that page's lines are tightened first (:func:`tighten`),
  or, where a table ends the content there, the table's lines (:func:`tighten_table`);
- §7.5 a blank page before the 版记 page: both go in a last section whose footers are
  empty, so neither carries a page number;
- tables: a table with group labels merged over rows is cut where a page breaks it, the
  rest starting the next page under a copy of the header row, its group's label repeated
  in its first row (the vertical merge restarts there: :func:`repeat_labels`); a note under a table that went
  on to the next page alone takes the table's last rows with it (:func:`keep_notes`; the
  rows keep together with at least two data rows, as :func:`wenshu.render.docx.kept_rows`
  decides).

Word lays the result out the same way because everything the pass relies on is exact:
body paragraphs have exact line spacing on the 579-twip grid (ECMA-376 §17.3.1.33
``w:lineRule="exact"``), the 版记 rows have exact heights (§17.4.81 ``w:hRule="exact"``),
the spacer is one paragraph of exact height, the 发文机关标志's line is exact (wenshu's
frames set it, :func:`wenshu.layout.mark_line_twips`; a frame edited in Word that lost it
gets the height LibreOffice measured, :func:`fix_mark_height`), and page and section breaks
(§17.3.1.23 ``pageBreakBefore``, §17.6.22 ``w:type`` nextPage) are unconditional. Where a
table ends the content before the 版记, its rows are as high as their text
(§17.4.81, no ``trHeight``): the spacer is measured from the table's printed foot. That
holds in Word as far as its fonts set a table line no taller than LibreOffice's stand-ins
(Noto CJK's line is 1.45 em; 仿宋_GB2312's single line is expected to be shorter — not
verified, Word is not at hand): the table then ends at most as low and the 版记 stays on
that page, its last rule at or a little above the 版心's foot. A table whose lines
:func:`tighten_table` set is exact in both.
"""

from __future__ import annotations

import copy
import io
import math
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lxml import etree

from wenshu import layout as L
from wenshu.office.libreoffice import LibreOffice, Page, read_pages
from wenshu.office.pages import Facts, Outline, compact, content_rows, examine, outline_of, run_text
from wenshu.roles import Style
from wenshu.text.numbering import written_ordinal

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_TEXT_HEIGHT_TWIPS = L.mm_to_twips(L.TEXT_HEIGHT_MM)
# Room left under the 版记's last rule: its borders are drawn outside the exact row
# heights in LibreOffice, and a table that overshoots the 版心 by a hair moves to the
# next page.
_RECORD_SAFETY_TWIPS = 3 * L.TWIPS_PER_PT
_BLANK_FOOTER = "word/footer-wenshu-blank.xml"
_BLANK_FOOTER_ID = "rIdWenshuBlankFooter"
_MAX_ROUNDS = 3


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element."""
    return f"{{{_W}}}{tag}"


@dataclass
class Paginated:
    """A document after the pass: its bytes, its final pages and what they showed."""

    docx: bytes
    facts: Facts | None
    pages: list[Page] | None = None


# ---------------------------------------------------------------------------------------
# The pass
# ---------------------------------------------------------------------------------------


def paginate(documents: dict[str, bytes], office: LibreOffice) -> dict[str, Paginated]:
    """Run the pass on every document (one LibreOffice run per round for all of them)."""
    done: dict[str, Paginated] = {}
    plain = {name: landscape_page_numbers(data) for name, data in documents.items()}
    current = {name: record_in_flow(data) for name, data in plain.items()}
    placed: set[str] = set()
    # name → (the document before tightening, the page its signature should come back to,
    # the page its 版记 should come to where the tightening made room for it, the pages it
    # had); tightening is tried once per document
    tightened: dict[str, tuple[bytes, int, int | None, list[Page]]] = {}
    tried: set[str] = set()
    rounds, extra = 0, False
    while current and rounds < _MAX_ROUNDS + 1 + extra:
        rounds += 1
        pages = _lay_out(current, office)
        changed: dict[str, bytes] = {}
        for name, data in current.items():
            if name not in pages:
                # Not laid out: a 版记 not yet placed stays where the writer floated it.
                done[name] = Paginated(data if name in placed else plain[name], None)
                continue
            laid_out = pages[name]
            outline = outline_of(data)
            facts = examine(laid_out, outline)
            check = None
            if name in tightened:
                check = tightened.pop(name)
                backup, wanted, room, backup_pages = check
                if not _won(facts, wanted, room):
                    # Tightening did not win the page back: keep the layout before.
                    data, laid_out, check = backup, backup_pages, None
                    outline = outline_of(data)
                    facts = examine(laid_out, outline)
            orphans = lone_heading_lines(data, laid_out)
            if orphans:
                # Before any tightening (which measures the pages as they will stay).
                changed[name] = keep_heading_lines(data, orphans)
                if check is not None:
                    # Found on the tightened lines: the next round checks again that the
                    # signature stayed on its page, and that round is one more than planned
                    # (the labels and the 版记 still have theirs).
                    tightened[name] = check
                    extra = True
                continue
            fixed = data
            tight = None
            if name not in tried:
                tight = tighten(data, facts, laid_out, outline)
                tight = tight or tighten_table(data, facts, laid_out, outline)
            tried.add(name)
            if tight is not None:
                # the page the signature block should be on (and a 版记 wanting room, its page)
                signature = facts.signature_page or 0
                if record_wants_room(data, facts, outline, laid_out) and facts.content_end is not None:
                    tightened[name] = (data, signature, facts.content_end[0], laid_out)
                else:
                    tightened[name] = (data, signature - 1, None, laid_out)
                changed[name] = tight
                continue
            if facts.merged_breaks or facts.lonely_notes:
                # Rows may grow or move: the 版记 is placed on the pages that result.
                fixed = repeat_labels(fixed, facts) if facts.merged_breaks else fixed
                fixed = keep_notes(fixed, facts) if facts.lonely_notes else fixed
            elif outline.records and name not in placed:
                fixed = place_record(fixed, facts, laid_out, outline)
                placed.add(name)
            if fixed != data:
                changed[name] = fixed
            else:
                done[name] = Paginated(data, facts, laid_out)
        current = changed
    if current:
        pages = _lay_out(current, office)
        for name, data in current.items():
            final = pages.get(name)
            facts = examine(final, outline_of(data)) if final is not None else None
            if name in tightened and (facts is None or not _won(facts, *tightened[name][1:3])):
                data, _, _, final = tightened[name]
                facts = examine(final, outline_of(data))
            done[name] = Paginated(data, facts, final)
    return done


# Faults the later rounds settle after tightening, on the pages that result: the placing of the
# 版记, and a table's merged label or note on the page its rows went on to (repeat_labels,
# keep_notes — an attachment's table, after the pages tightened).
_LATER_FAULTS = {
    "render-record-place",
    "render-record-page-number",
    "render-table-merged-label",
    "render-table-note-alone",
}


def _won(facts: Facts, wanted: int, record: int | None) -> bool:
    """Whether tightened pages have the signature on page ``wanted`` without a fault (and,
    where room was made for it, the 版记 on page ``record``)."""
    return (
        facts.signature_page == wanted
        and (record is None or facts.record_page == record)
        and all(f.code in _LATER_FAULTS for f in facts.faults)
    )


def record_in_flow(docx: bytes) -> bytes:
    """The document as the pass first lays it out: its 版记 an ordinary table in the text
    flow after the content, not kept with it.

    The writer floats the 版记 at the foot of the page (ECMA-376 §17.4.57 tblpPr) and keeps
    the date with it (§17.3.1.15 keepNext), so that without the pass it prints on the
    signature's page. Laid out that way, a signature block in the last two lines of a page
    is pushed on to the next one by the floating 版记 — and comes back as soon as
    :func:`place_record` moves the 版记 away, leaving it placed for pages that no longer
    are (on an odd page after the signature's even one). In the flow, the content lies
    where it will lie once the 版记 is placed, and the 版记 is measured after it.
    """
    parts, root, body = _opened(docx)
    record = _record_table(body) if body is not None else None
    if record is None:
        return docx
    _unfloat(record)
    last = record.getprevious()
    keep = last.find(f"{w('pPr')}/{w('keepNext')}") if last is not None and last.tag == w("p") else None
    if keep is not None:
        keep.getparent().remove(keep)
    if last is not None and last.tag == w("tbl"):
        # Adjacent tables are laid out as one, the rows above shifted by a point or two: a
        # paragraph 1 pt high keeps them apart until place_record puts its spacer there.
        record.addprevious(_spacer(20, page_break=False))
    return _saved(parts, root)


def _separator(p: etree._Element | None) -> bool:
    """Whether ``p`` is the 1 pt paragraph :func:`record_in_flow` put between a table and the 版记."""
    if p is None or p.tag != w("p") or _style_of(p) != Style.RECORD or "".join(p.itertext()):
        return False
    ppr = p.find(w("pPr"))
    spacing = ppr.find(w("spacing")) if ppr is not None else None
    plain = ppr is not None and ppr.find(w("pageBreakBefore")) is None and ppr.find(w("sectPr")) is None
    return plain and spacing is not None and spacing.get(w("line")) == "20"


def record_wants_room(docx: bytes, facts: Facts, outline: Outline, pages: Sequence[Page]) -> bool:
    """Whether the content — the signature block, or the last attachment after it — ends
    on an even portrait page with no room under it for the 版记 (:func:`place_record` would
    put it past a blank page). Measured from where the content ends, as place_record
    measures it."""
    if not outline.records or facts.content_end is None:
        return False
    page, y1 = facts.content_end
    attachments = any(b.zone for b in outline.blocks)
    if page % 2 or pages[page - 1].landscape or (page != facts.signature_page and not attachments):
        return False
    body = _opened(docx)[2]
    record = _record_table(body) if body is not None else None
    if record is None:
        return False
    foot = math.ceil((y1 - L.TOP_MARGIN_MM * L.PT_PER_MM) * L.TWIPS_PER_PT)
    return foot + _record_height(record) + _RECORD_SAFETY_TWIPS > _TEXT_HEIGHT_TWIPS


def tighten(docx: bytes, facts: Facts, pages: Sequence, outline: Outline) -> bytes | None:
    """§7.3.5.5: win back the page the signature block was carried to by tightening lines.

    When the main part's last page holds only a few lines (the last 正文 line kept with the
    署名 and 成文日期), or only the block kept whole — 附件说明, 署名, 成文日期, 附注 — and
    the last lines of 正文 the keep rules took with it (a page of “特此通知。” and the block
    after a page left half empty: the page before had room for all the 正文 lines that went
    over), the lines of the page before — from its first line of text, or on page one from
    the line under the 发文字号 — are given one exact pitch small enough for those lines to
    come back, never below :data:`~wenshu.layout.MIN_ADJUSTED_LINE_PITCH_TWIPS`: what a
    clerk does in Word by setting the page's line spacing to a smaller 固定值. Where one page
    would need a tighter pitch than that (a long 附件说明 or a contact block went over, the
    page before left seven to fifteen lines empty), the two pages before take the lines at
    one pitch, as a clerk sets the last pages' 固定值 — when no table stands on them. Tables
    on the page keep their rows; their height is taken as LibreOffice printed it. The
    paragraphs keep ``lineRule="exact"`` (ECMA-376 §17.3.1.33: the line is exactly that high
    whatever the font), so Word fits the same lines; the table rows are as high as their
    text (§17.4.81 ``trHeight`` absent), as for the 版记 after a table (see the module's
    note).

    The same is done on the last page when the document ends there, on an even page, and
    only the 版记 finds no room under its last lines (:func:`record_wants_room`) — under the
    signature block, or under the last attachment, whose format is the 正文's (§7.3.7):
    tightened, the page takes the 版记 at its foot, where it would otherwise go on past a
    blank page to a page of its own — two pages more. None when nothing is to be won.
    """
    if not facts.signature_page or facts.main_end is None:
        return None
    end_page, end_y = facts.main_end
    pitch_pt = L.LINE_PITCH_TWIPS / L.TWIPS_PER_PT
    top = L.TOP_MARGIN_MM * L.PT_PER_MM
    bottom = top + _TEXT_HEIGHT_TWIPS / L.TWIPS_PER_PT
    room = record_wants_room(docx, facts, outline, pages)
    attachments = any(b.zone for b in outline.blocks)
    if room and facts.content_end is not None:
        before, used = facts.content_end[0], 0  # the page's own lines make room for the 版记
    else:
        if facts.signature_page < 2 or end_page != facts.signature_page or pages[end_page - 1].landscape:
            return None
        used = round((end_y - top) / pitch_pt)
        kept = facts.body_lines_on_signature_page or 0
        before = end_page - 1
        rows = content_rows(pages[before - 1])
        empty = (bottom - rows[-1].y1) / pitch_pt if rows else 0.0  # the page before's empty foot
        if used > L.MAX_LINES_WON_BACK and kept > L.MAX_KEPT_BODY_LINES and empty < kept:
            return None
        if any(page == end_page and y0 < end_y for spans in facts.table_spans for page, y0, _ in spans):
            return None  # a table among the lines to win back
    parts, root, body = _opened(docx)
    record = _record_table(body) if body is not None else None
    if body is None:
        return None
    paragraphs = [c for c in body if c.tag == w("p") and run_text(c).strip()]
    children = list(body)
    records = [compact(r)[:8] for r in outline.records if compact(r)]

    def region(number: int) -> tuple[float, int] | None:
        """Where the tightened lines of page ``number`` start: their top and first child."""
        start = next(
            (
                k
                for k, place in enumerate(facts.block_pages)
                if place and place[0] == number and (room or outline.blocks[k].zone == 0)
            ),
            None,
        )
        if start is None or start >= len(paragraphs):
            return None
        head = start
        while head < len(paragraphs) and _style_of(paragraphs[head]) in _HEAD_STYLES:
            head += 1
        if head > start:
            # Page one: the head (mark, 发文字号 and the lines between) stays where §7.2 and
            # §10.1 place it; the lines start under its last line.
            place = facts.block_pages[head - 1] if head - 1 < len(facts.block_pages) else None
            if place is None or place[0] != number:
                return None
            return place[1], children.index(paragraphs[head - 1]) + 1
        # page one without a 版头, or an attachment's first page: the label and the title keep
        # their lines (§7.3.1, §7.3.7); the tightened run starts under them, after lines at the
        # standard pitch, as check reads a §7.3.5.5 adjustment
        opening = {Style.TITLE} if number == 1 else set()
        if _style_of(paragraphs[start]) == Style.ATTACHMENT_LABEL:
            opening = {Style.ATTACHMENT_LABEL, Style.TITLE, Style.SUBTITLE}
        while start + 1 < len(paragraphs) and _style_of(paragraphs[start]) in opening:
            start += 1
        place = facts.block_pages[start] if start < len(facts.block_pages) else None
        if place is None or place[0] != number:
            return None
        return place[1] - pitch_pt, children.index(paragraphs[start])

    def lines_on(number: int, region_top: float) -> tuple[int, float]:
        """Page ``number``'s lines of text under ``region_top`` (a 版记 floating at its foot
        not among them) and the height its tables take there."""
        rows = [
            r
            for r in content_rows(pages[number - 1])
            if r.y0 >= region_top - 1 and not any(compact(r.text).startswith(x) for x in records)
        ]
        spans = [
            (y0, y1) for table in facts.table_spans for p, y0, y1 in table if p == number and y0 >= region_top
        ]
        fixed = sum(y1 - y0 + 2 * _TABLE_PAD_PT for y0, y1 in spans)
        last = max([r.y1 for r in rows] + [y1 + _TABLE_PAD_PT for _, y1 in spans], default=region_top)
        return round((last - region_top - fixed) / pitch_pt), fixed

    found = region(before)
    if found is None:
        return None
    region_top, first = found
    count, fixed = lines_on(before, region_top)
    lines = count + used
    if lines <= 0:
        return None
    if record is not None and (room or not attachments):
        # A page is won only when the 版记 comes to the foot of the same page (§7.4.1): an
        # even page with room for it under the lines. Else it would stand after a blank page.
        # (After attachments the 版记 follows them, not the signature.)
        if before % 2:
            return None
        fixed += (_record_height(record) + _RECORD_SAFETY_TWIPS) / L.TWIPS_PER_PT
    pitch = math.floor((bottom - region_top - fixed - _TIGHTEN_SAFETY_PT) / lines * L.TWIPS_PER_PT)
    if pitch < L.MIN_ADJUSTED_LINE_PITCH_TWIPS and not room and before > 1 and not fixed:
        spread = _two_pages(before, region(before - 1), used, pages, facts, lines_on)
        if spread is not None:
            pitch, first = spread
            before -= 1
    if pitch < L.MIN_ADJUSTED_LINE_PITCH_TWIPS or pitch >= L.LINE_PITCH_TWIPS:
        return None
    if before == 1:
        fix_mark_height(body, pages[0])  # a frame edited in Word may set the mark at auto height
        if any(_style_of(c) == Style.MARK and not _exact_mark(c) for c in children[:first]):
            return None
    tightened = []
    for child in children[first:]:
        if child.tag == w("tbl"):
            if _is_record(child):
                break
            continue  # its rows keep their own height
        if child.tag != w("p"):
            break
        style = _style_of(child)
        if style == Style.ATTACHMENT_LABEL:
            break
        if style != Style.MARK:
            tightened.append(child)
        if child.find(f"{w('pPr')}/{w('sectPr')}") is not None:
            break  # the date ending a section (a landscape attachment follows) is the run's last line
    if any(_holds_picture(p) for p in tightened):
        return None  # an exact pitch would cut a picture to one line's height (Word and LibreOffice alike)
    for child in tightened:
        _set_exact_pitch(child, pitch)
    return _saved(parts, root)


def _holds_picture(paragraph: etree._Element) -> bool:
    """Does ``paragraph`` hold a picture or object (a drawing, VML picture or OLE object)?"""
    return next(paragraph.iter(w("drawing"), w("pict"), w("object")), None) is not None


def _two_pages(
    before: int,
    found: tuple[float, int] | None,
    used: int,
    pages: Sequence[Page],
    facts: Facts,
    lines_on: Callable[[int, float], tuple[int, float]],
) -> tuple[int, int] | None:
    """The pitch (twips) and first child for the lines of pages ``before − 1`` (from
    ``found``, where its tightened lines start) and ``before`` (all of it, the lines a
    paragraph of the page before runs on with too) with the ``used`` lines to win back: the
    widest pitch at which the two pages hold them and a line more (a paragraph's last lines
    or a heading kept with the next may leave a line empty at the first page's foot), or
    None where a table stands on those pages or page ``before − 1`` is landscape."""
    if found is None or pages[before - 2].landscape:
        return None
    if any(page in (before - 1, before) for table in facts.table_spans for page, _, _ in table):
        return None
    region_top, first = found
    top = L.TOP_MARGIN_MM * L.PT_PER_MM
    bottom = top + _TEXT_HEIGHT_TWIPS / L.TWIPS_PER_PT
    lines = lines_on(before - 1, region_top)[0] + lines_on(before, top)[0] + used
    rooms = [bottom - region_top - _TIGHTEN_SAFETY_PT, bottom - top - _TIGHTEN_SAFETY_PT]
    for pitch in range(L.LINE_PITCH_TWIPS - 1, L.MIN_ADJUSTED_LINE_PITCH_TWIPS - 1, -1):
        if sum(math.floor(r * L.TWIPS_PER_PT / pitch) for r in rooms) >= lines + 1:
            return pitch, first
    return None


def _set_exact_pitch(paragraph: etree._Element, pitch: int) -> None:
    """Give ``paragraph`` an exact line pitch of ``pitch`` twips (ECMA-376 §17.3.1.33)."""
    ppr = paragraph.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        paragraph.insert(0, ppr)
    spacing = ppr.find(w("spacing"))
    if spacing is None:
        spacing = etree.Element(w("spacing"))
        _insert_in_order(ppr, spacing)
    spacing.set(w("line"), str(pitch))
    spacing.set(w("lineRule"), "exact")


def tighten_table(docx: bytes, facts: Facts, pages: Sequence[Page], outline: Outline) -> bytes | None:
    """§7.3.5.5 with §7.3.7 on a table: make room for the 版记 under a table that ends the
    content on an even page.

    An attachment is laid out as the 正文 (§7.3.7), so its last page may be tightened to take
    the 版记 (§7.4.1) as :func:`tighten` does for lines of text; where that page is a table
    (a form, a list of names) there are no lines of text to tighten, and the 版记 went on
    past a blank page to a page of its own. The table's lines are given one exact pitch
    (ECMA-376 §17.3.1.33 ``lineRule="exact"``) small enough for the 版记 to come under it,
    never below :data:`~wenshu.layout.MIN_TABLE_LINE_PITCH_EM` of the table's type size:
    what a clerk does by setting the table's line spacing to a 固定值. The whole table is
    set alike, so that its rows look the same on every page; rows on its earlier pages that
    come back only make more room. Its rows then are as high in Word as here (their lines
    exact, whatever the font). None when the content does not end in a table on such a
    page, or the pitch would be too tight.
    """
    if facts.content_end is None or not record_wants_room(docx, facts, outline, pages):
        return None
    page, foot = facts.content_end
    printed = [(k, y0, y1) for k, spans in enumerate(facts.table_spans) for p, y0, y1 in spans if p == page]
    if not printed:
        return None
    index, y0, y1 = max(printed, key=lambda t: t[2])
    if index != len(outline.tables) - 1 or foot - y1 > _TABLE_TAIL_PT:
        return None  # text follows the table: tighten's part
    lines = [r for r in content_rows(pages[page - 1]) if r.y0 >= y0 - 1 and r.y1 <= y1 + 1]
    parts, root, body = _opened(docx)
    record = _record_table(body) if body is not None else None
    tables = [t for t in body.findall(w("tbl")) if t is not record] if body is not None else []
    if record is None or len(tables) != len(outline.tables) or len(lines) < 2:
        return None
    table = tables[index]
    size = max((int(sz.get(w("val"), "0")) for sz in table.iter(w("sz"))), default=0) / 2
    if not size:
        return None
    top = L.TOP_MARGIN_MM * L.PT_PER_MM
    room = _TEXT_HEIGHT_TWIPS - math.ceil((foot - top) * L.TWIPS_PER_PT)
    wanted = (_record_height(record) + _RECORD_SAFETY_TWIPS - room) / L.TWIPS_PER_PT
    # A printed line is its row's line and (a single-line row's) rules: only the line shrinks.
    line = (y1 - y0 + 2 * _TABLE_PAD_PT) / len(lines) - _TABLE_LINE_OVERHEAD_PT
    pitch = math.floor((line - wanted / len(lines)) * L.TWIPS_PER_PT)
    if pitch < math.ceil(L.MIN_TABLE_LINE_PITCH_EM * size * L.TWIPS_PER_PT) or pitch >= line * L.TWIPS_PER_PT:
        return None
    if any(_holds_picture(p) for p in table.iter(w("p"))):
        return None  # a picture in a cell would be cut to one line's height
    for p in table.iter(w("p")):
        _set_exact_pitch(p, pitch)
    return _saved(parts, root)


# Below a table that ends the content, room for its note (two lines) at most.
_TABLE_LINE_OVERHEAD_PT = 1.0  # a row's rules and rounding over its line (0.77 pt measured, 4号)
_TABLE_TAIL_PT = 2 * L.LINE_PITCH_TWIPS / L.TWIPS_PER_PT


# The head of page one (§7.2, §10.1): the lines under it are tightened, not these.
_HEAD_STYLES = {Style.DOC_NUMBER, Style.HEAD_INFO, Style.MARK}
# Room between a table's printed text and its borders (cell margins, rules), each side.
_TABLE_PAD_PT = 1.5 * L.PT_PER_MM
# Room kept under the tightened lines: the measured positions are rounded.
_TIGHTEN_SAFETY_PT = 2.0


def _exact_mark(p: etree._Element) -> bool:
    spacing = p.find(f"{w('pPr')}/{w('spacing')}")
    return spacing is not None and spacing.get(w("lineRule")) == "exact"


# CT_PPr children that come before w:spacing (ECMA-376 §17.3.1.26), in schema order.
_BEFORE_SPACING = {
    w(t)
    for t in (
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
        "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
        "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
    )
}  # fmt: skip


def _insert_in_order(ppr: etree._Element, spacing: etree._Element) -> None:
    at = 0
    for k, child in enumerate(ppr):
        if child.tag in _BEFORE_SPACING:
            at = k + 1
    ppr.insert(at, spacing)


def _style_of(p: etree._Element) -> str:
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    return style.get(w("val"), "") if style is not None else ""


def _lay_out(documents: dict[str, bytes], office: LibreOffice) -> dict[str, list]:
    with office.converted(documents) as pdfs:
        return {name: read_pages(pdf) for name, pdf in pdfs.items()}


# ---------------------------------------------------------------------------------------
# Editing the package
# ---------------------------------------------------------------------------------------


# A .docx as its zip members, in order: each one's entry and bytes.
_Parts = list[tuple[zipfile.ZipInfo, bytes]]


def _opened(docx: bytes) -> tuple[_Parts, etree._Element, etree._Element | None]:
    """The parts of ``docx``, its document parsed, and the document's body (None: it has none)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    data = next(d for i, d in parts if i.filename == "word/document.xml")
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
    return parts, root, root.find(w("body"))


def _saved(parts: _Parts, root: etree._Element) -> bytes:
    """``parts`` as a .docx again, with the document ``root`` as edited."""
    _replace(parts, "word/document.xml", _xml(root))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            zf.writestr(info, data)
    return out.getvalue()


def _replace(parts: _Parts, name: str, data: bytes) -> None:
    for k, (info, _) in enumerate(parts):
        if info.filename == name:
            parts[k] = (info, data)
            return
    parts.append((zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data))


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _is_record(tbl: etree._Element) -> bool:
    return any(s.get(w("val")) == Style.RECORD for s in tbl.iter(w("pStyle")))


def _record_height(record: etree._Element) -> int:
    """The 版记's height in twips: its rows are of exact height (§17.4.81 hRule exact)."""
    return sum(int(h.get(w("val"), "0")) for h in record.iter(w("trHeight")))


def _unfloat(tbl: etree._Element) -> None:
    """Make a floating table (ECMA-376 §17.4.57 tblpPr) an ordinary one in the text flow."""
    tbl_pr = tbl.find(w("tblPr"))
    for floating in tbl_pr.findall(w("tblpPr")) if tbl_pr is not None else []:
        tbl_pr.remove(floating)


def _record_table(body: etree._Element) -> etree._Element | None:
    return next((tbl for tbl in body.findall(w("tbl")) if _is_record(tbl)), None)


def _spacer(height: int, *, page_break: bool) -> etree._Element:
    """An empty paragraph exactly ``height`` twips high (tiny text, so the line is all space)."""
    p = etree.Element(w("p"))
    ppr = etree.SubElement(p, w("pPr"))
    etree.SubElement(ppr, w("pStyle")).set(w("val"), Style.RECORD)
    if page_break:
        etree.SubElement(ppr, w("pageBreakBefore"))
    spacing = etree.SubElement(ppr, w("spacing"))
    for key, value in (
        ("before", "0"),
        ("after", "0"),
        ("line", str(max(height, 20))),
        ("lineRule", "exact"),
    ):
        spacing.set(w(key), value)
    rpr = etree.SubElement(ppr, w("rPr"))
    etree.SubElement(rpr, w("sz")).set(w("val"), "2")
    return p


def _portrait(sect_pr: etree._Element, body: etree._Element) -> etree._Element:
    """A copy of ``sect_pr`` as a portrait page with the standard margins (§5.2) and the
    footers of the document's first portrait section."""
    out = copy.deepcopy(sect_pr)
    model = next((s for s in body.iter(w("sectPr")) if not _is_landscape(s)), None)
    if model is not None and model is not sect_pr:
        ids = {ref.get(w("type")): ref.get(f"{{{_R}}}id") for ref in model.findall(w("footerReference"))}
        for ref in out.findall(w("footerReference")):
            if ids.get(ref.get(w("type"))):
                ref.set(f"{{{_R}}}id", ids[ref.get(w("type"))])
    for title_pg in out.findall(w("titlePg")):
        out.remove(title_pg)
    size, mar = out.find(w("pgSz")), out.find(w("pgMar"))
    if size is not None:
        size.attrib.pop(w("orient"), None)
    for name, twips in L.page_setup_twips().items():
        holder = size if name in ("w", "h") else mar
        if holder is not None:
            holder.set(w(name), str(twips))
    return out


def _tightened_lines(body: etree._Element, record: etree._Element) -> bool:
    """Whether :func:`tighten` gave lines before the 版记 a pitch off the grid."""
    for el in list(body)[: list(body).index(record)]:
        spacing = el.find(f"{w('pPr')}/{w('spacing')}") if el.tag == w("p") else None
        line = spacing.get(w("line")) if spacing is not None else None
        if line and spacing.get(w("lineRule")) == "exact" and _style_of(el) != Style.RECORD:
            if L.MIN_ADJUSTED_LINE_PITCH_TWIPS <= int(line) < L.LINE_PITCH_TWIPS:
                return True
    return False


def _above_record(body: etree._Element, record: etree._Element) -> str | None:
    """What stands between the last page break and the 版记: "grid" when every line is of
    exact height (on the line grid, or a mark whose line :func:`fix_mark_height` made
    exact), "measured" when tables or table notes are among them (their height is the
    printed one), None when the page cannot be told (page one without a mark, or a mark of
    auto height)."""
    kind = "grid"
    for el in reversed(list(body)[: list(body).index(record)]):
        style_id = _style_of(el) if el.tag == w("p") else ""
        if el.tag == w("tbl") or style_id == Style.TABLE_NOTE:
            kind = "measured"
            continue
        if style_id == Style.MARK:
            rule = el.find(f"{w('pPr')}/{w('spacing')}")
            return kind if rule is not None and rule.get(w("lineRule")) == "exact" else None
        if style_id == Style.ATTACHMENT_LABEL or el.find(f"{w('pPr')}/{w('sectPr')}") is not None:
            return kind
    return None  # page one without a mark: not a page wenshu lays out


def fix_mark_height(body: etree._Element, first_page: Page) -> None:
    """Give the 发文机关标志's line the exact height LibreOffice gave it from the font.

    wenshu's frames give the mark an exact line (:func:`wenshu.layout.mark_line_twips`); a
    frame edited in Word may not. Then the mark is the one line of page one whose height
    comes from the font (auto line spacing, ECMA-376 §17.3.1.33 ``lineRule="auto"``), which
    Word and LibreOffice need not measure alike; everything under it down to the 正文 is
    exact. The mark's height is
    measured on the laid-out page as what is left of the distance from the top of the 版心
    to the foot of the first text line under the mark once the exact lines between are
    taken off; written back as ``lineRule="exact"``, page one — and so every page after
    it — holds the same lines in every renderer, and the 版记 can share the last page.
    Nothing is changed where the head is not plain one-line paragraphs (a table, a signer
    block) or the page does not show it as expected.
    """
    children = list(body)
    mark = next((c for c in children if c.tag == w("p") and _style_of(c) == Style.MARK), None)
    if mark is None:
        return
    at = children.index(mark)
    ppr = mark.find(w("pPr"))
    spacing = ppr.find(w("spacing")) if ppr is not None else None
    if spacing is None or spacing.get(w("lineRule")) is not None:
        return
    above = children[:at]
    nxt = next(
        (k for k in range(at + 1, len(children)) if run_text(children[k])),
        None,
    )
    if nxt is None:
        return
    between = children[at + 1 : nxt + 1]
    if any(c.tag != w("p") or c.find(f".//{w('br')}") is not None for c in above + between):
        return
    if any(c.find(f"{w('pPr')}/{w('spacing')}") is not None for c in above + between):
        return  # only paragraphs of the style's exact pitch, no spacing of their own
    text = run_text(children[nxt])
    row = next((r for r in first_page.rows if "".join(r.text.split()) == "".join(text.split())), None)
    if row is None:
        return
    before = int(spacing.get(w("before"), "0"))
    exact = (len(above) + len(between)) * L.LINE_PITCH_TWIPS
    top = L.TOP_MARGIN_MM * L.PT_PER_MM
    height = round((row.y1 - top) * L.TWIPS_PER_PT) - before - exact
    size = max((int(sz.get(w("val"), "0")) for sz in mark.iter(w("sz"))), default=0) * L.TWIPS_PER_PT // 2
    if not size <= height <= 2 * size:
        return  # not a line of the mark's size: measured something else
    spacing.set(w("line"), str(height))
    spacing.set(w("lineRule"), "exact")


def place_record(docx: bytes, facts: Facts, pages: Sequence, outline: Outline) -> bytes:
    """Put the 版记 at the foot of the last even portrait page (§7.4.1, §7.5)."""
    if facts.content_end is None:
        return docx
    parts, root, body = _opened(docx)
    record = _record_table(body) if body is not None else None
    final = body.find(w("sectPr")) if body is not None else None
    if record is None or final is None:
        return docx
    if _separator(record.getprevious()):
        body.remove(record.getprevious())  # the spacer put there now keeps the tables apart
    height = _record_height(record)
    page, y1 = facts.content_end
    landscape = pages[page - 1].landscape
    full = _TEXT_HEIGHT_TWIPS - height - _RECORD_SAFETY_TWIPS
    same_page = None
    if page % 2 == 0 and not landscape:
        fix_mark_height(body, pages[0])
        top = L.TOP_MARGIN_MM * L.PT_PER_MM
        above = _above_record(body, record)
        if above == "grid" and not _tightened_lines(body, record):
            used = round((y1 - top) / (L.LINE_PITCH_TWIPS / L.TWIPS_PER_PT))
            room = _TEXT_HEIGHT_TWIPS - used * L.LINE_PITCH_TWIPS - height - _RECORD_SAFETY_TWIPS
        elif above is not None:
            # Lines tightened off the grid (§7.3.5.5), or a table (or its note) ending the
            # content, whose rows are as high as their text (§17.4.81 no trHeight): the
            # foot is where LibreOffice printed it — the foot of the last line's text, which
            # reaches the line's (and a table row's) foot on its pages.
            foot = math.ceil((y1 - top) * L.TWIPS_PER_PT)
            room = _TEXT_HEIGHT_TWIPS - foot - height - _RECORD_SAFETY_TWIPS
        else:
            room = -1
        if room >= 0:
            same_page = room
    if same_page is not None:
        record.addprevious(_spacer(same_page, page_break=False))
        return _saved(parts, root)
    blank_page = page % 2 == 0  # the 版记 goes two pages on, past a blank page
    if not blank_page and not landscape:
        record.addprevious(_spacer(full, page_break=True))
        return _saved(parts, root)
    # A new section: portrait, and without page numbers when a blank page comes first.
    carrier = etree.Element(w("p"))
    ppr = etree.SubElement(carrier, w("pPr"))
    etree.SubElement(ppr, w("pStyle")).set(w("val"), Style.RECORD)
    spacing = etree.SubElement(ppr, w("spacing"))
    for key, value in (("before", "0"), ("after", "0"), ("line", "20"), ("lineRule", "exact")):
        spacing.set(w(key), value)
    ppr.append(copy.deepcopy(final))
    record.addprevious(carrier)
    portrait = _portrait(final, body)
    if blank_page:
        _blank_footers(parts, portrait)
        record.addprevious(_spacer(20, page_break=False))  # the blank page
        record.addprevious(_spacer(full, page_break=True))
    else:
        record.addprevious(_spacer(full, page_break=False))
    body.replace(final, portrait)
    return _saved(parts, root)


def _blank_footers(parts: _Parts, sect_pr: etree._Element) -> None:
    """Point ``sect_pr``'s footers at an empty footer part (added to the package once)."""
    if _BLANK_FOOTER not in {i.filename for i, _ in parts}:
        footer = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr xmlns:w="{_W}"><w:p/></w:ftr>'
        )
        _add_footer_part(parts, _BLANK_FOOTER, _BLANK_FOOTER_ID, footer)
    for ref in sect_pr.findall(w("footerReference")):
        ref.set(f"{{{_R}}}id", _BLANK_FOOTER_ID)


def _add_footer_part(parts: _Parts, name: str, rel_id: str, xml: str) -> None:
    """Add the footer part ``name`` with relationship ``rel_id`` from the main document."""
    _replace(parts, name, xml.encode("utf-8"))
    rels_name = "word/_rels/document.xml.rels"
    rels = etree.fromstring(next(d for i, d in parts if i.filename == rels_name))
    rel = etree.SubElement(rels, f"{{{_REL}}}Relationship")
    rel.set("Id", rel_id)
    rel.set("Type", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer")
    rel.set("Target", name.removeprefix("word/"))
    _replace(parts, rels_name, _xml(rels))
    types = etree.fromstring(next(d for i, d in parts if i.filename == "[Content_Types].xml"))
    override = etree.SubElement(types, f"{{{_CT}}}Override")
    override.set("PartName", "/" + name)
    override.set("ContentType", "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml")
    _replace(parts, "[Content_Types].xml", _xml(types))


_LANDSCAPE_FOOTERS = {
    "default": ("word/footer-wenshu-landscape-odd.xml", "rIdWenshuLandscapeOdd"),
    "even": ("word/footer-wenshu-landscape-even.xml", "rIdWenshuLandscapeEven"),
}


def _landscape_footer(even: bool) -> str:
    """A footer that prints the page number where the portrait pages have it (§8).

    The landscape page is read turned a quarter counter-clockwise (its top — the table
    head — on the left of the sheet: the binding side of an odd page, the cut side of an
    even one, as §8 wants). The sheet's foot is then the page's left edge: the number
    sits there in a one-cell table floating at a fixed place on the page, its text turned
    a quarter clockwise (ECMA-376 §17.4.72 textDirection ``tbRl``) so that it reads like
    the number on a portrait page: 7 mm under the 版心, one character in from its right
    (odd pages) or left (even pages) edge (§7.5).
    """
    x_mm = L.LANDSCAPE_LEFT_MARGIN_MM - L.PAGE_NUMBER_GAP_MM - L.LANDSCAPE_NUMBER_BOX_DEPTH_MM
    # The box ends at the 版心's edge; the number keeps the portrait footer's one-character
    # indent inside it.
    if even:
        y_mm, jc = L.LEFT_MARGIN_MM, "left"
    else:
        y_mm, jc = L.LEFT_MARGIN_MM + L.TEXT_WIDTH_MM - L.LANDSCAPE_NUMBER_BOX_LENGTH_MM, "right"
    depth, length = (
        L.mm_to_twips(L.LANDSCAPE_NUMBER_BOX_DEPTH_MM),
        L.mm_to_twips(L.LANDSCAPE_NUMBER_BOX_LENGTH_MM),
    )
    dash = L.PAGE_NUMBER_DASH
    run = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'
    number = (
        run.format(dash + " ") + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>' + run.format(" " + dash)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr xmlns:w="{_W}">'
        "<w:tbl><w:tblPr>"
        '<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:vertAnchor="page" w:horzAnchor="page" '
        f'w:tblpX="{L.mm_to_twips(x_mm)}" w:tblpY="{L.mm_to_twips(y_mm)}"/>'
        f'<w:tblW w:w="{depth}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
        f'</w:tblPr><w:tblGrid><w:gridCol w:w="{depth}"/></w:tblGrid>'
        f'<w:tr><w:trPr><w:trHeight w:val="{length}" w:hRule="exact"/></w:trPr>'
        f'<w:tc><w:tcPr><w:tcW w:w="{depth}" w:type="dxa"/><w:textDirection w:val="tbRl"/>'
        '<w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{Style.PAGE_NUMBER}"/><w:ind w:{jc}="{L.PAGE_NUMBER_INDENT_TWIPS}"/>'
        f'<w:jc w:val="{jc}"/></w:pPr>{number}</w:p>'
        "</w:tc></w:tr></w:tbl>"
        f'<w:p><w:pPr><w:pStyle w:val="{Style.PAGE_NUMBER}"/></w:pPr></w:p></w:ftr>'
    )


def _is_landscape(sect_pr: etree._Element) -> bool:
    size = sect_pr.find(w("pgSz"))
    return size is not None and size.get(w("orient")) == "landscape"


def landscape_page_numbers(docx: bytes) -> bytes:
    """Give every landscape section the footers of :func:`_landscape_footer` (§8)."""
    parts, root, _ = _opened(docx)
    landscape = [s for s in root.iter(w("sectPr")) if _is_landscape(s)]
    if not landscape:
        return docx
    names = {i.filename for i, _ in parts}
    for kind, (name, rel_id) in _LANDSCAPE_FOOTERS.items():
        if name not in names:
            _add_footer_part(parts, name, rel_id, _landscape_footer(even=kind == "even"))
    for sect_pr in landscape:
        for ref in sect_pr.findall(w("footerReference")):
            kind = ref.get(w("type"))
            if kind in _LANDSCAPE_FOOTERS:
                ref.set(f"{{{_R}}}id", _LANDSCAPE_FOOTERS[kind][1])
    return _saved(parts, root)


def repeat_labels(docx: bytes, facts: Facts) -> bytes:
    """Make each page a table with merged group labels goes on to start with the row that
    opens it here, its group's label restarted on it.

    Restarting the merge (ECMA-376 §17.4.85 ``w:vMerge``) on the row that opens the page in
    LibreOffice with wenshu's stand-in fonts is not enough: with other fonts the row may still
    fit on the page before (the label then printed twice there, reading as two groups), or a
    group starting on the page may start at the foot of the one before (its label there, its
    other rows overleaf under an empty cell). Neither renderer starts a row on a new page for
    ``pageBreakBefore`` in its cells (LibreOffice 7.4 ignores it there), so the table is cut
    before that row: the rest becomes a table of its own, headed by a copy of the header row,
    after an empty paragraph 1 pt high that starts a new page (§17.3.1.23 ``pageBreakBefore``,
    unconditional in both) — which reads as the header row repeated over the rest of the
    table. The last row before the cut cannot split (§17.4.6 ``w:cantSplit``).
    """
    parts, root, body = _opened(docx)
    tables = [t for t in body.findall(w("tbl")) if t is not _record_table(body)] if body is not None else []
    cuts: dict[int, set[int]] = {}
    for index, row, _page in facts.merged_breaks:
        if index < len(tables):
            cuts.setdefault(index, set()).add(row)
    for index, at in cuts.items():
        table = tables[index]
        # From the foot up: each cut leaves the rows above it in ``table``.
        for cut in sorted(at, reverse=True):
            rows = table.findall(w("tr"))
            if not 1 < cut < len(rows):
                continue
            _restart_merges(rows, cut)
            _no_split(rows[cut - 1])
            _split_table(table, cut, page_break=True)
    return _saved(parts, root)


def _restart_merges(rows: list, cut: int) -> None:
    """Restart, with its label, every vertical merge ``rows[cut]`` continues."""
    for column, cell in enumerate(rows[cut].findall(w("tc"))):
        merge = cell.find(f"{w('tcPr')}/{w('vMerge')}")
        source = _merge_start(rows, cut, column)
        if merge is not None and merge.get(w("val")) != "restart" and source is not None:
            merge.set(w("val"), "restart")
            _copy_label(source, cell)


def _no_split(row: etree._Element) -> None:
    """Give ``row`` w:cantSplit (ECMA-376 §17.4.6), first in its w:trPr as the schema orders it."""
    trpr = row.find(w("trPr"))
    if trpr is None:
        trpr = etree.Element(w("trPr"))
        row.insert(1 if row.find(w("tblPrEx")) is not None else 0, trpr)
    if trpr.find(w("cantSplit")) is None:
        trpr.insert(0, etree.Element(w("cantSplit")))


def _split_table(table: etree._Element, cut: int, *, page_break: bool) -> etree._Element:
    """Move ``table``'s rows from ``cut`` on into a table of their own after it, headed by a copy
    of the header row, with an empty paragraph 1 pt high between the two (adjacent tables
    would be joined into one) that starts a new page where ``page_break``; the new table."""
    rows = table.findall(w("tr"))
    small = etree.Element(w("tbl"))
    for part in (table.find(w("tblPr")), table.find(w("tblGrid"))):
        if part is not None:
            small.append(copy.deepcopy(part))
    small.append(copy.deepcopy(rows[0]))
    small.extend(rows[cut:])
    table.addnext(small)
    table.addnext(_spacer(20, page_break=page_break))
    return small


def _keeps(p: etree._Element) -> bool:
    return p.find(f"{w('pPr')}/{w('keepNext')}") is not None


def _keep(p: etree._Element) -> None:
    """Give ``p`` keepNext (ECMA-376 §17.3.1.15), after its style as the schema orders it."""
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        p.insert(0, ppr)
    if ppr.find(w("keepNext")) is None:
        ppr.insert(1 if ppr.find(w("pStyle")) is not None else 0, etree.Element(w("keepNext")))


def _copy_label(source: etree._Element, cell: etree._Element) -> None:
    """Put the paragraphs of the merged cell ``source`` into ``cell``, which continued it.

    The copies keep with the next row as ``cell``'s own paragraph did: the row keeps its
    place in the table's keep rules (:func:`wenshu.render.docx.kept_rows`).
    """
    old = cell.findall(w("p"))
    kept = bool(old) and _keeps(old[0])
    for p in old:
        cell.remove(p)
    for p in source.findall(w("p")):
        new = copy.deepcopy(p)
        keep = new.find(f"{w('pPr')}/{w('keepNext')}")
        if kept:
            _keep(new)
        elif keep is not None:
            keep.getparent().remove(keep)
        cell.append(new)


def _run_in_paragraphs(body: etree._Element) -> list[tuple[etree._Element, str]]:
    """The body's paragraphs (outside tables) that open with a heading's ordinal (“（三）扎实稳妥
    推进。按照……”: a run-in heading, §7.3.3) and carry no widow/orphan control yet, with their
    text."""
    out = []
    for p in body.iter(w("p")):
        text = compact(run_text(p))
        if written_ordinal(text) and p.find(f"{w('pPr')}/{w('widowControl')}") is None:
            if next(p.iterancestors(w("tbl")), None) is None:
                out.append((p, text))
    return out


def lone_heading_lines(docx: bytes, pages: Sequence[Page]) -> list[str]:
    """The texts of the paragraphs opening with a run-in heading whose first line, the
    heading's, is printed alone as the last line of a page, the paragraph going on overleaf."""
    body = _opened(docx)[2]
    if body is None:
        return []
    candidates = _run_in_paragraphs(body)
    found = []
    for page in pages[:-1]:
        rows = content_rows(page)
        last = compact(rows[-1].text) if rows else ""
        if len(last) < 2:
            continue
        found += [text for _, text in candidates if text.startswith(last) and len(text) > len(last)]
    return found


def keep_heading_lines(docx: bytes, texts: list[str]) -> bytes:
    """Widow/orphan control (ECMA-376 §17.3.1.44) on the paragraphs of ``texts``: wenshu's
    defaults switch it off, so that every full page holds 22 lines (§5.2.3) — on for a
    paragraph opening with a run-in heading whose first line would end a page, it takes that
    line over with the rest, as a heading of its own keeps with its text (keepNext). Only
    there: on every such paragraph it would also pull a line over to keep company with a
    last line at a page's top, leaving pages of 21 lines."""
    parts, root, body = _opened(docx)
    wanted = set(texts)
    for p, text in _run_in_paragraphs(body) if body is not None else []:
        if text in wanted:
            ppr = p.find(w("pPr"))
            if ppr is None:
                ppr = etree.Element(w("pPr"))
                p.insert(0, ppr)
            control = etree.Element(w("widowControl"))
            at = 0
            for k, child in enumerate(ppr):
                if child.tag in _BEFORE_WIDOW_CONTROL:
                    at = k + 1
            ppr.insert(at, control)
    return _saved(parts, root)


# CT_PPr children that come before w:widowControl (ECMA-376 §17.3.1.26), in schema order.
_BEFORE_WIDOW_CONTROL = {w(t) for t in ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr")}


def keep_notes(docx: bytes, facts: Facts) -> bytes:
    """Take a table's last rows over to the page its note went on to.

    LibreOffice does not keep a table's last row with the paragraph after it (Word does,
    §17.3.1.15 on the row's paragraphs). The last row, with the rows kept with it
    (:func:`wenshu.render.docx.kept_rows`: two data rows at least), moves into a table of
    its own, headed by a copy of the header row: with every paragraph of that small table
    on keepNext, both renderers keep it whole and on the page of the note — which reads as
    the header row repeated over the rest of the table. An empty paragraph 1 pt high
    separates the two tables (adjacent tables would be joined into one). A table too
    short to leave two data rows above the cut is kept whole with its note instead.
    """
    parts, root, body = _opened(docx)
    if body is None:
        return docx
    wanted = {note[:20] for note in facts.lonely_notes}
    for p in list(body.findall(w("p"))):
        style = p.find(f"{w('pPr')}/{w('pStyle')}")
        text = run_text(p)
        if style is None or style.get(w("val")) != Style.TABLE_NOTE or text[:20] not in wanted:
            continue
        table = p.getprevious()
        rows = table.findall(w("tr")) if table is not None and table.tag == w("tbl") else []
        if len(rows) < 2:
            continue
        cut = len(rows) - 1
        while cut > 1 and all(_keeps(q) for q in rows[cut - 1].iter(w("p"))):
            cut -= 1
        if cut < 3:
            for para in table.iter(w("p")):
                _keep(para)
            continue
        _restart_merges(rows, cut)
        small = _split_table(table, cut, page_break=False)
        for para in small.iter(w("p")):
            _keep(para)
    return _saved(parts, root)


def _merge_start(rows: list, row: int, column: int) -> etree._Element | None:
    """The cell that starts the vertical merge ``rows[row]``'s cell ``column`` continues."""
    for r in range(row - 1, -1, -1):
        cells = rows[r].findall(w("tc"))
        if column >= len(cells):
            return None
        merge = cells[column].find(f"{w('tcPr')}/{w('vMerge')}")
        if merge is None:
            return None
        if merge.get(w("val")) == "restart":
            return cells[column]
    return None
