"""§7.2 版头: 发文机关标志 (centred, red), 发文字号 (form and place), 签发人, the red rule under
them; and whether the 版头 is complete at all."""

from __future__ import annotations

import math
import re
from typing import Any

from wenshu import layout as L
from wenshu.check.findings import Findings
from wenshu.check.reading.borders import paragraph_borders, rule_width
from wenshu.check.reading.drawings import DrawnLine, box_place, drawn_lines
from wenshu.check.reading.ooxml import half_points, is_red, to_int, wtag, wval
from wenshu.check.reading.reader import Para
from wenshu.check.reading.styles import first_attr, first_flag_false
from wenshu.check.reading.tables import filled_bar, horizontal_rules
from wenshu.check.recognise import SIGNED, Recogniser
from wenshu.check.registry import RULES
from wenshu.check.rules.common import INDENT_SLACK, align_name, mm_text
from wenshu.check.rules.letter import check_letter_rules
from wenshu.text.docnumber import DocNumberError, parse_doc_number

RULES.rule("mark-align", "7.2.4", "发文机关标志", "发文机关标志居中")
RULES.rule(
    "mark-place",
    "7.2.4",
    "发文机关标志",
    f"发文机关标志上边缘距版心上边缘 {L.DOCUMENT_MARK_OFFSET_MM} mm"
    f"（信函格式距纸张上边缘 {L.LETTER_MARK_TOP_MM} mm）",
)
RULES.rule("doc-number", "7.2.5", "发文字号", "发文字号写作“机关代字〔年份〕序号号”")
RULES.rule("doc-number-align", "7.2.5", "发文字号", "发文字号位置（居中；上行文居左；信函居右）")
RULES.rule("rule-missing", "7.2.7", "版头分隔线", "发文字号下有红色分隔线")
RULES.rule("rule-color", "7.2.7", "版头分隔线", "分隔线为红色")
RULES.rule("rule-width", "7.2.7", "版头分隔线", f"分隔线与版心等宽（信函 {L.LETTER_RULE_WIDTH_MM} mm）")
RULES.rule("rule-place", "7.2.7", "版头分隔线", f"分隔线在发文字号之下 {L.HEAD_RULE_GAP_MM} mm")
RULES.rule("head-missing", "7.2", "版头", "文件格式的版头有发文机关标志和发文字号")
RULES.rule("signer-missing", "7.2.3", "签发人", "上行文（请示、报告）标注签发人")
RULES.rule("head-info-place", "7.2.2", "份号、密级、紧急程度", "顶格编排在版心左上角（版头之首）")

_UPWARD = re.compile(r"(请示|报告)$")


def check_head(doc: Recogniser, out: Findings) -> None:
    """§7.2: the mark centred and red, the 发文字号's form and place, the red rule(s)."""
    marks = doc.mark()
    numbers = doc.role("doc-number")
    fmt = doc.format
    for para in marks:
        # A mark in a text box narrower than the 版心 is placed by the box; a distributed line
        # (w:jc="distribute") spreads across the whole width, so it stands centred too.
        centred = doc.alignment(para) == "center" or doc.ppr(para, "jc") == "distribute"
        if _placed_by_alignment(doc, para) and not centred:
            out.add(
                "mark-align",
                "7.2.4",
                "发文机关标志",
                "发文机关标志未居中",
                "居中",
                align_name(doc.alignment(para)),
                para.where,
            )
    for para in numbers:
        text = para.text.strip()
        number_text = re.split(r"\s*签发人", text)[0].strip()
        # A template's 发文字号 still to be filled in (XXX〔2023〕X号) has no form to judge yet.
        try:
            # A 版头 table may set “签发人：姓名” in a cell of its own, beside the number's.
            if number_text and not re.search(r"[Xx×]{2,}|[Xx×]号$", number_text):
                parse_doc_number(number_text)
        except DocNumberError as exc:
            expected = exc.suggestion or "机关代字〔年份〕序号号，如 国知办函运字〔2023〕582号"
            out.add("doc-number", "7.2.5", "发文字号", str(exc), expected, number_text, para.where)
        signed = SIGNED in text
        want = "right" if fmt == "letter" else "left" if signed else "center"
        if doc.alignment(para) != want and _placed_by_alignment(doc, para):
            clause = "10.1" if fmt == "letter" else "7.2.3" if signed else "7.2.5"
            expected = (
                "居右（信函格式）"
                if fmt == "letter"
                else "上行文居左空一字，签发人居右空一字"
                if signed
                else "居中"
            )
            out.add(
                "doc-number-align",
                clause,
                "发文字号",
                "发文字号位置不符",
                expected,
                align_name(doc.alignment(para)),
                para.where,
            )
    _check_head_info_place(doc, out)
    _check_mark_place(doc, out)
    if not marks and not numbers:
        return  # not a document with a 版头 (e.g. an attachment sent alone)
    if fmt == "letter":
        check_letter_rules(doc, out)
    else:
        _check_head_rule(doc, out, numbers)


def mark_place_expected(letter: bool) -> str:
    """Where §7.2.4 (§10.1 for a letter) puts the mark's top edge, said for a finding."""
    if letter:
        return f"距纸张上边缘 {L.LETTER_MARK_TOP_MM} mm（±{L.MARK_PLACE_TOLERANCE_MM} mm）"
    return f"距版心上边缘 {L.DOCUMENT_MARK_OFFSET_MM} mm（±{L.MARK_PLACE_TOLERANCE_MM} mm）"


def mark_place_wanted_pt(letter: bool) -> float:
    """Where the mark's top edge belongs, in points from the paper's top (§7.2.4, §10.1)."""
    return L.mm_to_pt(L.LETTER_MARK_TOP_MM if letter else L.DOCUMENT_MARK_TOP_MM)


def mark_place_said(top_pt: float, letter: bool) -> str:
    """A mark's top edge ``top_pt`` points from the paper's top, said as the standard measures it."""
    if letter:
        return f"距纸张上边缘 {top_pt / L.PT_PER_MM:.1f} mm"
    return f"距版心上边缘 {top_pt / L.PT_PER_MM - L.TOP_MARGIN_MM:.1f} mm"


def mark_place_bound(lo: float, hi: float, wanted: float, letter: bool) -> str:
    """A mark's top edge known to lie between ``lo`` and ``hi`` points from the paper's top, said
    as the nearest it may stand to ``wanted``: “至多 …” above it, “至少 …” below."""
    if hi - lo < L.mm_to_pt(1):
        return mark_place_said((lo + hi) / 2, letter)
    head, _, mm = mark_place_said(hi if hi < wanted else lo, letter).partition("缘 ")
    return f"{head}缘{'至多' if hi < wanted else '至少'} {mm}"


def _check_mark_place(doc: Recogniser, out: Findings) -> None:
    """§7.2.4 (§10.1): the mark's top edge 35 mm under the 版心's top (a letter's 30 mm under the
    paper's). Judged from the file where the heights above the mark's line are told by it — in
    the flow of text (:func:`_number_band`), in the first page's header, in a floating text box
    or in the first row of a 版头 table (:func:`_line_top`): said only when every height
    they could take puts it out of place."""
    marks = [p for p in doc.mark() if p.text.strip()]
    if not marks:
        return
    mark = marks[0]
    top = _line_top(doc, mark)
    if top is None:
        return
    top_lo, top_hi = top
    size = _first_line_pt(doc, mark)
    line_lo, line_hi = _line_height(
        doc, mark, size, grid=True if mark.flows and mark.part == "正文" else None
    )
    # The glyphs' top edge lies in the line: under its top, unless an exact line lower than the
    # type lets them rise above it, and above its foot.
    lo, hi = top_lo - max(0.0, size - line_lo), top_hi + line_hi
    letter = doc.format == "letter"
    wanted, slack = mark_place_wanted_pt(letter), L.mm_to_pt(L.MARK_PLACE_TOLERANCE_MM)
    if lo - slack <= wanted <= hi + slack:
        return
    said = mark_place_bound(lo, hi, wanted, letter)
    out.add(
        "mark-place",
        "10.1" if letter else "7.2.4",
        "发文机关标志",
        "发文机关标志的位置不符",
        mark_place_expected(letter),
        said,
        mark.where,
    )


def _placed_by_alignment(doc: Recogniser, para: Para) -> bool:
    """Does ``para``'s alignment place it on the page? In a 版头 table only when its cell fills
    its row (a cell beside another places its text by the columns)."""
    if para.in_table:
        row = next(para.el.iterancestors(wtag("tr")))
        return len(row.findall(wtag("tc"))) == 1
    return doc.placed_by_alignment(para)


def _check_head_info_place(doc: Recogniser, out: Findings) -> None:
    """§7.2.2 份号、密级和保密期限、紧急程度 stand flush left at the top left of the 版心, above
    the mark: not in a page header, not set right or centred, not under the title."""
    in_header = [p for p in doc.first_page_header() if p.role == "head-info"]
    for para in in_header + doc.role("head-info"):
        place = _head_info_misplaced(doc, para)
        if place:
            out.add(
                "head-info-place",
                "7.2.2",
                "份号、密级、紧急程度",
                "份号、密级、紧急程度应顶格编排在版心左上角",
                "版头之首，居左顶格",
                place,
                para.where,
            )


def _head_info_misplaced(doc: Recogniser, para: Para) -> str:
    """Where a 份号/密级/紧急程度 line stands when that is not the 版心's top left; "" when it is."""
    if para.part != "正文":
        # A header prints in the top margin, outside the 版心, and on every page it serves.
        return f"在{para.part}中（版心之外）" if para.text.strip() else ""
    if not para.flows:
        return ""
    titles = [p for p in doc.role("title") if p.flows]
    if titles and para.number > titles[0].number:
        return "在标题之下"
    first, left = doc.first_line_start(para), doc.indents(para)[1]
    if doc.alignment(para) in ("left", "both") and abs(first) <= INDENT_SLACK and abs(left) <= INDENT_SLACK:
        return ""
    return align_name(doc.alignment(para))


def _rule_width(out: Findings, width: str, para: Para) -> None:
    """§7.2.7: the 版头's red rule, bordered or drawn, is not as wide as the 版心."""
    wanted = f"{L.TEXT_WIDTH_MM} mm"
    out.add("rule-width", "7.2.7", "版头分隔线", "分隔线与版心不等宽", wanted, width, para.where)


def _rule_not_red(out: Findings, color: str | None, para: Para) -> None:
    """§7.2.7: the 版头's rule, a paragraph's or a table's border, is not red."""
    said = color if color and color != "auto" else "自动"
    out.add("rule-color", "7.2.7", "版头分隔线", "分隔线不是红色", f"红色（{L.RED}）", said, para.where)


def _check_head_rule(doc: Recogniser, out: Findings, numbers: list[Para]) -> None:
    """§7.2.7 文件格式: a red rule as wide as the 版心 4 mm under the 发文字号."""
    start = numbers[0] if numbers else doc.role("mark")[0]
    titles = doc.role("title")
    end = titles[0].number if titles else start.number + 3
    candidates = [p for p in doc.paragraphs if start.number <= p.number <= end]
    for para in candidates:
        borders = paragraph_borders(doc, para)
        side = borders.get("bottom") if para.number < end else borders.get("top")
        if side is None:
            continue
        if not is_red(wval(side, "color")):
            _rule_not_red(out, wval(side, "color"), para)
        width = rule_width(doc, para)
        if width is not None and abs(width - L.mm_to_twips(L.TEXT_WIDTH_MM)) > L.mm_to_twips(
            L.MARGIN_TOLERANCE_MM
        ):
            _rule_width(out, mm_text(width), para)
        return
    if _check_bar_rule(doc, out, candidates, start):
        return
    drawn = drawn_lines(doc.body) + drawn_lines(doc.first_page_header_xml())
    in_table = [p for p in [*doc.mark(), *numbers] if p.in_table]
    if in_table and _check_table_rule(doc, out, in_table[0], numbers, any(is_red(ln.color) for ln in drawn)):
        return
    if drawn:
        red = [line for line in drawn if is_red(line.color)]
        if not red:
            out.add(
                "rule-color",
                "7.2.7",
                "版头分隔线",
                "分隔线不是红色",
                f"红色（{L.RED}）",
                drawn[0].color or "自动",
            )
        # The first red line drawn is the 版头's (a drawn 版记 rule comes after it, and is black).
        elif red[0].length is not None and abs(red[0].length - L.TEXT_WIDTH_MM) > L.MARGIN_TOLERANCE_MM:
            _rule_width(out, f"{red[0].length:.1f} mm", start)
        if red and numbers:
            _check_drawn_rule_place(doc, out, red[0], numbers[0])
        return
    out.add(
        "rule-missing",
        "7.2.7",
        "版头分隔线",
        "找不到发文字号下的红色分隔线",
        f"红色，与版心等宽（{L.TEXT_WIDTH_MM} mm）",
        "无",
        start.where,
    )


def _check_bar_rule(doc: Recogniser, out: Findings, candidates: list[Para], start: Para) -> bool:
    """§7.2.7: a rule set as a bar of colour between the 发文字号 and the title — a table with
    no text whose cells are filled, or an empty paragraph shaded (底纹, ``w:shd``): on the page a
    reader sees the 分隔线. Its colour and width are judged; True when there is one."""
    for para in candidates:
        if para.text.strip():
            continue
        if para.in_table:
            bar = filled_bar(list(para.el.iterancestors(wtag("tbl")))[-1])
        else:
            fill = doc.ppr(para, "shd", "fill")
            shaded = fill and fill.lower() not in ("auto", "ffffff")
            bar = (fill, rule_width(doc, para) or L.mm_to_twips(L.TEXT_WIDTH_MM)) if shaded else None
        if bar is None:
            continue
        fill, width = bar
        if not is_red(fill):
            _rule_not_red(out, fill, start)
        if doc.sections[0].regular and abs(width - L.mm_to_twips(L.TEXT_WIDTH_MM)) > L.mm_to_twips(
            L.MARGIN_TOLERANCE_MM
        ):
            _rule_width(out, mm_text(width), start)
        return True
    return False


#: Said when the 版头's rule is a table's border: where it prints is the table's to say.
TABLE_RULE_NOTE = (
    f"版头排在表格中，分隔线是表格的边框：它距发文字号多远（应为 {L.HEAD_RULE_GAP_MM} mm）"
    "取决于单元格边距、行高和字体，"
    "未按文件检查；加 --render 用 LibreOffice 实际排版后检查分隔线是否排在发文字号之下"
)


def _check_table_rule(
    doc: Recogniser, out: Findings, head: Para, numbers: list[Para], drawn_red: bool
) -> bool:
    """§7.2.7 for a 版头 set in a table (``head`` a line of it): the rule as a red border under
    the 发文字号's row (or under the mark's, without a number), as wide as the 版心. A red
    border only above the number's row prints above it. True when the table said what the
    rule is; False to look for a drawn line."""
    table = list(head.el.iterancestors(wtag("tbl")))[-1]
    rows = table.findall(wtag("tr"))

    def row_of(para: Para) -> int:
        if table not in para.el.iterancestors(wtag("tbl")):
            return len(rows)  # a 发文字号 after the table: every line of it is above
        return next(i for i, r in enumerate(rows) if r in para.el.iterancestors(wtag("tr")))

    anchor = numbers[0] if numbers else head
    under = row_of(anchor)
    lines = horizontal_rules(table, doc.styles)
    red = [ln for ln in lines if ln.under >= under and is_red(wval(ln.border, "color"))]
    if red:
        section = doc.sections[0]
        width = red[0].width_twips
        if section.regular and abs(width - L.mm_to_twips(L.TEXT_WIDTH_MM)) > L.mm_to_twips(
            L.MARGIN_TOLERANCE_MM
        ):
            _rule_width(out, mm_text(width), anchor)
        out.note(TABLE_RULE_NOTE)
        return True
    if drawn_red:
        return False
    if numbers and any(ln.under < under and is_red(wval(ln.border, "color")) for ln in lines):
        _rule_above(out, numbers[0], through=False)
        return True
    other = [ln for ln in lines if ln.under >= under]
    if other:
        _rule_not_red(out, wval(other[0].border, "color"), anchor)
        return True
    return False


# A single line of CJK text is set between 1.0 and 1.5 times its size high, by font (Word and
# LibreOffice read the font's ascent and descent): the range a paragraph's height is judged in.
_SINGLE_LINE = (1.0, 1.5)
# Anchors measured from the top of the page (ECMA-376 §20.4.3.5 ST_RelFromV; VML's names are
# read to these in wenshu.check.reading.drawings): the page, its margin (the 版心's top), the top
# margin area.
_PAGE_ANCHORS = ("page", "margin", "topMargin")


def _check_drawn_rule_place(doc: Recogniser, out: Findings, line: DrawnLine, number: Para) -> None:
    """§7.2.7: a drawn rule placed above the 发文字号 instead of under it. A line floating down
    from the top of a paragraph P (``positionV relativeFrom="paragraph"``) by less than P's first
    line's height lies within that line: when P comes before the 发文字号, the rule prints above
    it; when P is the 发文字号's own paragraph, text wrapped top and bottom is pushed below the
    line (the rule prints above the number) and text not wrapped is struck through. A line placed
    from the page's top (or its margin's) is set against where the 发文字号's line stands on
    page one, counted down from the 天头 through the paragraphs before it."""
    anchor = line.anchor
    if anchor is None or anchor.offset_pt is None:
        return
    if anchor.relative_from in _PAGE_ANCHORS:
        _check_page_rule_place(doc, out, anchor, number)
        return
    if anchor.relative_from not in ("paragraph", "line"):
        return
    para = next((p for p in doc.paragraphs if p.el is anchor.paragraph), None)
    if para is None or para.part != number.part or para.number > number.number:
        return
    if anchor.offset_pt >= _first_line_pt(doc, para):
        return
    through = para is number and anchor.wrap == "wrapNone" and anchor.offset_pt >= 0
    _rule_above(out, number, through)


def _rule_above(out: Findings, number: Para, through: bool) -> None:
    out.add(
        "rule-place",
        "7.2.7",
        "版头分隔线",
        "分隔线不在发文字号之下",
        f"发文字号之下 {L.HEAD_RULE_GAP_MM} mm",
        "压在发文字号上" if through else "在发文字号之上",
        number.where,
    )


def _check_page_rule_place(doc: Recogniser, out: Findings, anchor: Any, number: Para) -> None:
    """A rule placed from the page: above the 发文字号's line (or, wrapped top and bottom, over
    it, pushing it down), or across it when not wrapped. Said only when every height the
    paragraphs before could have puts it there."""
    band = _number_band(doc, number)
    if band is None:
        return
    (top_lo, top_hi), bottom_lo = band
    section = doc.sections[0]
    y = anchor.offset_pt + (section.top_edge / L.TWIPS_PER_PT if anchor.relative_from == "margin" else 0.0)
    in_body = any(p.el is anchor.paragraph for p in doc.paragraphs)
    pushes = in_body and anchor.wrap in ("wrapTopAndBottom", "wrapSquare", "wrapTight", "wrapThrough")
    if y < top_lo or (pushes and y < bottom_lo):
        _rule_above(out, number, through=False)
    elif anchor.wrap in ("wrapNone", "") and top_hi <= y <= bottom_lo:
        _rule_above(out, number, through=True)


def _number_band(doc: Recogniser, number: Para) -> tuple[tuple[float, float], float] | None:
    """Where the 发文字号's first line stands on page one, in points from the page's top: the
    range its top may be in, and the least its foot may be at — from the 天头 and the heights
    the paragraphs before it take (exact line spacing is exact; single or multiple spacing
    ranges over fonts, snapped to a line grid). None when that cannot be told from the file:
    a table, a page break or spacing in lines before it, or a paragraph that may wrap."""
    if not number.flows or number.part != "正文" or number.section != 0:
        return None
    flow = _flow_before(doc, number)
    if flow is None:
        return None
    section = doc.sections[0]
    top = section.top_edge / L.TWIPS_PER_PT
    stacked = _stacked(doc, [*flow, number], (top, top), section.text_width / L.TWIPS_PER_PT)
    if stacked is None:
        return None
    (lo, hi), _ = stacked
    return (lo, hi), lo + _line_height(doc, number, _first_line_pt(doc, number))[0]


def _flow_before(doc: Recogniser, para: Para) -> list[Para] | None:
    """The body paragraphs in the flow of text before ``para`` on page one (text boxes float
    apart), or None when a table, a page break or another section comes before it."""
    flow = []
    for p in doc.paragraphs:
        if p.number >= para.number:
            return flow
        if p.section != 0 or p.in_table or (p.number > 1 and doc.page_break_before(p.number - 1)):
            return None
        if not p.in_box:
            flow.append(p)
    return None


def _stacked(
    doc: Recogniser, flow: list[Para], top: tuple[float, float], width: float, grid: bool | None = True
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """``flow``'s paragraphs set one under another from ``top`` (the range, in points, the first
    one's top may be at), in a column ``width`` points wide: the range the last one's first
    line's top may be at, and the range its foot (after its spacing) may be at. None when a
    height is not told: spacing in lines, or a paragraph that may take more lines than one.
    ``grid`` as for :func:`_line_height`."""
    lo, hi = top
    for para in flow:
        levels = doc.styles.ppr_levels(para.el)
        if any(first_attr(levels, "spacing", k) for k in ("beforeLines", "afterLines")):
            return None
        before = to_int(first_attr(levels, "spacing", "before")) / L.TWIPS_PER_PT
        after = to_int(first_attr(levels, "spacing", "after")) / L.TWIPS_PER_PT
        size = _first_line_pt(doc, para)
        if len(para.text) * size > width:
            return None  # it may take more lines than one
        line_lo, line_hi = _line_height(doc, para, size, grid)
        first = (lo + before, hi + before)
        lo, hi = lo + before + line_lo + after, hi + before + line_hi + after
        if para is flow[-1]:
            return first, (lo, hi)
    return None


def _line_top(doc: Recogniser, para: Para) -> tuple[float, float] | None:
    """The range (points from the paper's top) the top of the first line of ``para`` (the
    发文机关标志, or the paragraph a box is anchored in) may be at on page one, wherever it is
    set: in the flow of text, in the first page's header (from the header's distance), in a
    floating text box (from its anchor and inner margin), or in the first row of a table at
    the top of the body or of the header, or in a floating table. None where the file does not
    tell: a box placed by alignment or in a group, a table row under another."""
    if para.in_box:
        return _box_line_top(doc, para)
    if para.in_table:
        return _cell_line_top(doc, para)
    if para.part != "正文":
        return _header_line_top(doc, para)
    band = _number_band(doc, para)
    return band[0] if band else None


def _header_line_top(doc: Recogniser, para: Para) -> tuple[float, float] | None:
    """The range the top of a first-page header paragraph's first line may be at: the header is
    set from its distance from the paper's top (``w:pgMar/@w:header``, Word's default 720
    twips), its paragraphs one under another; whether Word snaps them to the line grid is not
    relied on (both heights are allowed). None after a table in the header."""
    paras = doc.first_page_header()
    if any(p.in_table for p in paras if p.number <= para.number):
        return None
    flow = [p for p in paras if p.number <= para.number and not p.in_box]
    section = doc.sections[0]
    start = to_int(wval(section.el.find(wtag("pgMar")), "header"), 720) / L.TWIPS_PER_PT
    stacked = _stacked(doc, flow, (start, start), section.text_width / L.TWIPS_PER_PT, grid=None)
    return stacked[0] if stacked else None


def _box_line_top(doc: Recogniser, mark: Para) -> tuple[float, float] | None:
    """:func:`_line_top` for a mark in a floating text box: the box's top — its offset
    (``wp:positionV``) from the page, from its margin (the 天头) or from its anchor paragraph's
    top — plus the box's inner margin and the box's paragraphs before the mark. A box placed
    from the page belongs to its anchor paragraph's page: that must be page one."""
    placed = box_place(mark.el)
    if placed is None:
        return None
    anchor = placed.anchor
    section = doc.sections[0]
    offset = anchor.offset_pt if anchor.offset_pt is not None else _aligned_offset(anchor, section)
    if offset is None:
        return None
    paras = doc.paragraphs if mark.part == "正文" else doc.first_page_header()
    holder = next((p for p in paras if p.el is anchor.paragraph), None)
    if holder is None or not holder.flows:
        return None
    if anchor.relative_from in _PAGE_ANCHORS:
        if holder.part == "正文" and _flow_before(doc, holder) is None:
            return None  # the box may be on another page than the first
        edge = section.top_edge / L.TWIPS_PER_PT if anchor.relative_from == "margin" else 0.0
        base = (edge, edge)
    elif anchor.relative_from in ("paragraph", "line"):
        top = _line_top(doc, holder)
        if top is None:
            return None
        lo, hi = top
        # Whether the paragraph's top counts its space before is not relied on.
        before = to_int(first_attr(doc.styles.ppr_levels(holder.el), "spacing", "before")) / L.TWIPS_PER_PT
        base = (lo - before, hi)
    else:
        return None
    box = _txbx(mark.el)
    inside = [p for p in paras if p.number <= mark.number and _txbx(p.el) is box]
    down = offset + placed.top_inset_pt
    width = placed.inner_width_pt or section.text_width / L.TWIPS_PER_PT
    # Text in a box is not set on the page's line grid: both heights are allowed.
    stacked = _stacked(doc, inside, (base[0] + down, base[1] + down), width, grid=None)
    return stacked[0] if stacked else None


def _aligned_offset(anchor: Any, section: Any) -> float | None:
    """How far down (points) a box aligned top, centre or bottom (``wp:positionV/wp:align``)
    stands from the top of its area — the page, the 版心 (``margin``) or the 天头 (``topMargin``):
    ECMA-376 §20.4.3.2. None for another area or alignment, or a box whose height is not told."""
    areas = {
        "page": section.height,
        "margin": section.text_height,
        "topMargin": section.top_edge,
    }
    area = areas.get(anchor.relative_from)
    if area is None or anchor.height_pt is None:
        return None
    room = area / L.TWIPS_PER_PT - anchor.height_pt
    return {"top": 0.0, "center": room / 2, "bottom": room}.get(anchor.align)


def _txbx(p: Any) -> Any:
    return next(p.iterancestors(wtag("txbxContent")), None)


def _cell_line_top(doc: Recogniser, mark: Para) -> tuple[float, float] | None:
    """:func:`_line_top` for a mark in the first row of a table (not nested) on page one, in the
    body or the first page's header: the row's top — under the paragraphs before the table, or
    where a floating table is placed (:func:`_floating_top`) — plus the cell's top margin, its
    top border and the cell's paragraphs before the mark."""
    tc = next(mark.el.iterancestors(wtag("tc")))
    tr = tc.getparent()
    tbl = tr.getparent()
    in_body = mark.part == "正文"
    part = doc.body if in_body else tbl.getparent()
    if tbl.getparent() is not part or part.tag != (wtag("body") if in_body else wtag("hdr")):
        return None
    if tbl.find(wtag("tr")) is not tr:
        return None
    paras = doc.paragraphs if in_body else doc.first_page_header()
    first = next(p for p in paras if tbl in p.el.iterancestors())
    if in_body:
        flow = _flow_before(doc, first)
    else:  # the header's paragraphs before the table, none of them in another table
        before = [p for p in paras if p.number < first.number]
        flow = None if any(p.in_table for p in before) else [p for p in before if not p.in_box]
    section = doc.sections[0]
    if in_body:
        top = section.top_edge / L.TWIPS_PER_PT
    else:  # a header stands its distance from the paper's top (Word's default 720 twips)
        top = to_int(wval(section.el.find(wtag("pgMar")), "header"), 720) / L.TWIPS_PER_PT
    floating = _floating_top(tbl, section)
    if flow is None or floating is None:
        return None
    offset, anchor = floating
    lo, hi = top, top
    if flow and anchor == "text":
        # the header's paragraphs are not snapped to the line grid (see _header_line_top)
        stacked = _stacked(
            doc, flow, (top, top), section.text_width / L.TWIPS_PER_PT, True if in_body else None
        )
        if stacked is None:
            return None
        _, (lo, hi) = stacked
    if anchor != "text":
        lo = hi = 0.0
    lo, hi = lo + offset, hi + offset
    margin = _cell_side(tc, tbl, "tcMar", "tblCellMar", "top")
    border = _cell_side(tc, tbl, "tcBorders", "tblBorders", "top", attr="sz") / 8  # eighths of a point
    inside = [p for p in paras if tc in p.el.iterancestors() and p.number <= mark.number]
    if any(p.el.getparent() is not tc for p in inside):
        return None  # a table or box inside the cell
    cell_width = to_int(wval(tc.find(f"{wtag('tcPr')}/{wtag('tcW')}"), "w"))
    units = wval(tc.find(f"{wtag('tcPr')}/{wtag('tcW')}"), "type")
    width = (
        cell_width / L.TWIPS_PER_PT if units == "dxa" and cell_width else section.text_width / L.TWIPS_PER_PT
    )
    start = (lo + margin / L.TWIPS_PER_PT, hi + margin / L.TWIPS_PER_PT + border)
    # Whether a cell's text is snapped to the line grid is not relied on.
    stacked = _stacked(doc, inside, start, width, grid=None)
    return stacked[0] if stacked else None


def _floating_top(tbl: Any, section: Any) -> tuple[float, str] | None:
    """How a table's top is placed: (points down, from what) — (0, "text") for a table in the
    flow of text; for a floating one (``w:tblpPr``, ECMA-376 §17.4.58) its ``tblpY`` (or the top
    by ``tblpYSpec="top"``) from the paper's top ("page") or from the 天头's edge (Word's
    default anchor, MS-OI29500 §2.1.162 c: "margin", given here as points from the paper's top,
    anchor "page"), or from where it stands in the text ("text"). Word lets a table float only
    when tblpPr says something other than “at 0, 0 of the text column” (§2.1.162 b). None for a
    table placed by another alignment (centre, bottom …)."""
    place = tbl.find(f"{wtag('tblPr')}/{wtag('tblpPr')}")
    if place is None or not place.attrib:
        return 0.0, "text"
    vert = wval(place, "vertAnchor") or "margin"
    y = to_int(wval(place, "tblpY"))
    if (
        not to_int(wval(place, "tblpX"))
        and not y
        and (wval(place, "horzAnchor") or "text") == "text"
        and vert != "text"
    ):
        return 0.0, "text"  # Word ignores it: the table stays in the flow
    spec = wval(place, "tblpYSpec")
    if spec not in (None, "top"):
        return None
    offset = 0.0 if spec else y / L.TWIPS_PER_PT
    if vert == "text":
        return offset, "text"
    if vert == "margin":
        return section.top_edge / L.TWIPS_PER_PT + offset, "page"
    return (offset, "page") if vert == "page" else None


def _cell_side(tc: Any, tbl: Any, own: str, table: str, side: str, attr: str = "w") -> float:
    """A cell's top margin (twips, ``w:w`` of type dxa) or border width (``w:sz``): the cell's
    own setting, else the table's, else 0."""
    for el in (
        tc.find(f"{wtag('tcPr')}/{wtag(own)}/{wtag(side)}"),
        tbl.find(f"{wtag('tblPr')}/{wtag(table)}/{wtag(side)}"),
    ):
        if el is not None:
            if attr == "sz" and wval(el) in ("nil", "none"):
                return 0.0
            if attr == "w" and wval(el, "type") not in (None, "dxa"):
                return 0.0
            return float(to_int(wval(el, attr)))
    return 0.0


def _line_height(doc: Recogniser, para: Para, size: float, grid: bool | None = True) -> tuple[float, float]:
    """The least and most height one line of ``para`` takes, in points. ``grid``: snapped to the
    section's line grid (as body text is), or None where that is not known (the range spans both)."""
    levels = doc.styles.ppr_levels(para.el)
    line = to_int(first_attr(levels, "spacing", "line"), 240)
    rule = first_attr(levels, "spacing", "lineRule") or "auto"
    natural = (size * _SINGLE_LINE[0], size * _SINGLE_LINE[1])
    if rule == "exact":
        return line / L.TWIPS_PER_PT, line / L.TWIPS_PER_PT
    if rule == "atLeast":
        return tuple(max(line / L.TWIPS_PER_PT, n) for n in natural)  # type: ignore[return-value]
    heights = [n * line / 240 for n in natural]
    section = doc.section_of(para)
    if grid is not False and section.grid_type in ("lines", "linesAndChars") and section.line_pitch:
        if not first_flag_false(levels, "snapToGrid"):
            pitch = section.line_pitch / L.TWIPS_PER_PT
            snapped = [math.ceil(h / pitch - 0.01) * pitch for h in heights]
            # snapping only ever adds height: unknown, the least is the natural line's
            heights = snapped if grid else [heights[0], snapped[1]]
    return heights[0], heights[1]


def _first_line_pt(doc: Recogniser, para: Para) -> float:
    """How high ``para``'s first line is at least: its text's size, or for an empty paragraph
    the size of its paragraph mark (``w:pPr/w:rPr/w:sz``), which Word gives the empty line."""
    mark = para.el.find(f"{wtag('pPr')}/{wtag('rPr')}/{wtag('sz')}")
    mark_size = half_points(wval(mark, "val")) if mark is not None and not para.text.strip() else 0.0
    return max(doc.paragraph_size(para), mark_size)


def check_completeness(doc: Recogniser, out: Findings) -> None:
    """Is it a 公文 at all, are the 版头's elements there, does an upward document name its
    签发人 (§7.2.3)."""
    marks = [p for p in doc.mark() if p.text.strip()]
    numbers = [p for p in doc.role("doc-number") if p.text.strip()]
    titles = [p for p in doc.role("title") if p.text.strip()]
    if not marks and not numbers:
        # A draft, an attachment sent alone, a plan: said once, as a note, and the text is
        # still checked as a 公文's would be.
        out.note("看不出是一份完整的公文：没有发文机关标志，也没有发文字号（草稿或单独的附件可不理会）")
    elif not marks or not numbers:
        missing = "发文机关标志" if not marks else "发文字号"
        present = (numbers or marks)[0]
        out.add("head-missing", "7.2", "版头", f"版头缺少{missing}", f"有{missing}", "缺少", present.where)
    title_text = "".join(p.text for p in titles).replace("\n", "").strip()
    if numbers and titles and _UPWARD.search(title_text) and not any(SIGNED in p.text for p in numbers):
        out.add(
            "signer-missing",
            "7.2.3",
            "签发人",
            "上行文（请示、报告）应标注签发人",
            "发文字号同一行右空一字标“签发人：姓名”",
            "无签发人",
            numbers[0].where,
        )
