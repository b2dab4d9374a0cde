"""§7.5 页码 (and §10.1 a letter's first page without one): the PAGE field in the footers, its
form, place, font and size, the even-page footer and the setting that enables it."""

from __future__ import annotations

import re

from wenshu import layout as L
from wenshu.check.findings import Findings, Location
from wenshu.check.reading.drawings import box_alignment
from wenshu.check.reading.fields import field_text
from wenshu.check.reading.ooxml import half_points, has_cjk, is_on, to_int, wtag, wval
from wenshu.check.reading.reader import Para, SectionProps
from wenshu.check.reading.styles import first_attr, font_class, font_of
from wenshu.check.recognise import Recogniser
from wenshu.check.registry import RULES
from wenshu.check.rules.common import INDENT_SLACK, align_name, size_name, theme_name

RULES.rule("page-number-missing", "7.5", "页码", "页脚有页码")
RULES.rule("page-number-form", "7.5", "页码", "页码写作“— N —”")
RULES.rule("page-number-place", "7.5", "页码", "单页码居右空一字，双页码居左空一字")
RULES.rule("page-number-gap", "7.5", "页码", f"一字线上距版心下边缘 {L.PAGE_NUMBER_GAP_MM} mm")
RULES.rule("even-footer", "7.5", "页码", "有双页页脚")
RULES.rule("even-odd-setting", "7.5", "页码", "开启奇偶页不同")
RULES.rule("first-page-number", "7.5", "页码", "首页显示页码")
RULES.rule("letter-first-page-number", "10.1", "页码", "信函格式首页不显示页码")


#: Said of a letter without page numbers that is not surely longer than a page: its pages
#: are counted only on the page (``check --render``, which then drops this note).
LETTER_PAGES_NOTE = (
    "信函格式没有页码：只有一页时符合 10.1（首页不显示页码）；多于一页时第二页起应有页码"
    "（加 --render 排版后判断）"
)


def several_pages(doc: Recogniser) -> bool:
    """Is the document surely longer than one page, without laying it out? A page break, or a
    section on a new page, before some text (:meth:`~Recogniser.page_break_before`), or a page
    end where Word last laid it out (``w:lastRenderedPageBreak``, ECMA-376 §17.3.3.13, written
    as Word saves). Letters merged for printing — each a section numbered from 1 with a
    different first page — are judged by the first of them."""
    restarts = [
        k
        for k, s in enumerate(doc.sections)
        if s.title_page and wval(s.el.find(wtag("pgNumType")), "start") == "1"
    ]
    end = restarts[1] if len(restarts) > 1 else len(doc.sections)
    last_rendered = wtag("lastRenderedPageBreak")
    return any(
        para.section < end
        and (
            (i and doc.page_break_before(i) and para.text.strip())
            or next(para.el.iter(last_rendered), None) is not None
        )
        for i, para in enumerate(doc.paragraphs)
    )


def _page_number_paras(doc: Recogniser, part: str, label: str) -> list[tuple[Para, str]]:
    found = []
    for para in doc.part_paragraphs(part, label):
        text, has_page = field_text(para.el, lambda r, para=para: doc.shown(r, para.el))
        if has_page:
            para.role = "page-number"
            found.append((para, text))
    return found


def check_footers(doc: Recogniser, out: Findings) -> None:
    """§7.5 页码 “— N —” 4号宋体, odd pages right and even pages left (one character in).

    Each footer is judged on the pages that show it: the even-page footer only where “奇偶页不
    同” is on (ECMA-376 §17.10.1 evenAndOddHeaders), else the default footer on every page —
    and a number that alternates by itself (a frame set outside or inside) is judged on both."""
    even_on = is_on(doc.settings.find(wtag("evenAndOddHeaders"))) if doc.settings is not None else False
    checked: set[str] = set()
    any_number = False
    unused_even = missing_even = alternating = False
    for s in doc.sections:
        default = s.refs.get(("footer", "default"))
        even = s.refs.get(("footer", "even"))
        if even and not even_on:
            _page_number_paras(doc, even, "页脚（双页）")  # its number is not read as text, nor printed
            unused_even = True
        shown_even = even if even_on else None
        default_numbers = _page_number_paras(doc, default, "页脚（单页）") if default else []
        alone = not shown_even and bool(default_numbers)
        alone = alone and all(_alternates(p.el) for p, _ in default_numbers)
        alternating |= alone
        parts = [(default, ("right", "left") if alone else ("right",), "页脚（单页）")]
        parts.append((shown_even, ("left",), "页脚（双页）"))
        for part, sides, label in parts:
            if not part or part in checked:
                continue
            checked.add(part)
            numbers = _page_number_paras(doc, part, label)
            any_number |= bool(numbers)
            for para, text in numbers:
                for side in sides:
                    _check_page_number(doc, para, text, side, out)
                _check_gap(doc, s, doc.part_paragraphs(part, label), para, out)
        if default_numbers and not even and not alone:
            missing_even = True
            out.add(
                "even-footer",
                "7.5",
                "页码",
                "没有双页页脚，双页码不能居左",
                "双页页脚：页码居左空一字",
                "无双页页脚",
                Location(f"第 {s.index} 节"),
            )
    if any_number and not even_on and (unused_even or missing_even):
        # A number that alternates by itself needs no even-page footer, nor the setting: only
        # an even-page footer left unused is then said (the page shows the default one).
        out.add(
            "even-odd-setting",
            "7.5",
            "页码",
            "未开启“奇偶页不同”（Word：布局—页面设置—版式），双页页脚不生效，"
            + (
                "双页用单页页脚（其页码在图文框或文本框中，单双页左右交替）"
                if alternating and not missing_even
                else "双页码也会居右"
            ),
            "开启奇偶页不同",
            "未开启",
            Location("页面设置"),
        )
    if not any_number:
        if doc.format != "letter":
            out.add(
                "page-number-missing",
                "7.5",
                "页码",
                "页脚中没有页码（PAGE 域）",
                "“— N —”",
                "无",
                Location("页脚"),
            )
        elif several_pages(doc):
            out.add(
                "page-number-missing",
                "7.5",
                "页码",
                "信函格式多于一页，页脚中没有页码（PAGE 域）：首页不显示（10.1），第二页起每页显示",
                "第二页起“— N —”（首页不同，首页页脚无页码）",
                "无",
                Location("页脚"),
            )
        else:
            # §10.1: a letter's first page shows no number, so a letter of one page has none.
            out.note(LETTER_PAGES_NOTE)
        return
    first = doc.sections[0]
    first_part = first.refs.get(("footer", "first")) if first.title_page else None
    first_has = bool(first_part and _page_number_paras(doc, first_part, "首页页脚"))
    if doc.format == "letter" and (not first.title_page or first_has):
        out.add(
            "letter-first-page-number",
            "10.1",
            "页码",
            "信函格式首页不显示页码",
            "首页页脚无页码（首页不同）",
            "首页有页码",
            Location("第 1 节"),
        )
    elif doc.format == "document" and first.title_page and not first_has:
        out.add(
            "first-page-number",
            "7.5",
            "页码",
            "首页缺少页码",
            "首页显示“— 1 —”",
            "首页无页码",
            Location("首页页脚"),
        )
    if doc.format == "letter":
        return  # letters merged for printing start a section each, its first page unnumbered
    for s in doc.sections[1:]:
        # A later section (an attachment, a turned table page) set to a different first page
        # whose first-page footer has no number leaves that page unnumbered.
        part = s.refs.get(("footer", "first"))
        if s.title_page and not (part and _page_number_paras(doc, part, "首页页脚")):
            out.add(
                "first-page-number",
                "7.5",
                "页码",
                "该节首页缺少页码",
                "每页显示页码",
                "首页无页码",
                Location(f"第 {s.index} 节"),
            )


#: How far the page the reader sees may put the dash off 7 mm (as ``check --render`` allows).
GAP_SLACK_MM = 2.0


def _check_gap(doc: Recogniser, section: SectionProps, paras: list[Para], para: Para, out: Findings) -> None:
    """§7.5 the dash's top 7 mm under the 版心: where the footer distance (w:pgMar/@w:footer,
    the paper's bottom edge to the footer's foot, ECMA-376 §17.6.11) and what stands under the
    dash put it — the footer grows up from its foot, so the lines below the number's (empty
    paragraphs, a second line) and every space after lift it, and the dash stands above its own
    line's foot by a share of its size (:func:`dash_above_footer_foot_mm`)."""
    if section.landscape:  # a turned page's number stands where the upright pages' does (§8)
        return
    if _placed_apart(para.el):  # a text box or frame puts it by its own offset, not the footer's foot
        return
    margins = section.el.find(wtag("pgMar")) if section.el is not None else None
    footer = to_int(wval(margins, "footer"), 720) if margins is not None else 720
    dash = footer / L.TWIPS_PER_MM + dash_above_footer_foot_mm(doc, paras, para)
    gap = section.bottom / L.TWIPS_PER_MM - dash
    if abs(gap - L.PAGE_NUMBER_GAP_MM) > GAP_SLACK_MM:
        out.add(
            "page-number-gap",
            "7.5",
            "页码",
            "页码一字线距版心下边缘不符",
            f"{L.PAGE_NUMBER_GAP_MM} mm",
            f"约 {gap:.1f} mm（页脚距纸边 {footer / L.TWIPS_PER_MM:.1f} mm）",
            para.where,
        )


def dash_above_footer_foot_mm(doc: Recogniser, paras: list[Para], para: Para) -> float:
    """How far above the footer's foot the page number's dash stands, in mm: the paragraphs
    under the number's (each its spacing and its line, one line each — a footer's lines are
    short), the number's space after, and the dash above its line's foot in ems of its size."""
    size = doc.paragraph_size(para)
    height_pt = _spacing(doc, para, "after")
    line, rule = _line_rule(doc, para)
    if rule == "auto" and line > 240:
        height_pt += (line / 240 - 1) * L.FOOTER_MULTIPLE_RISE_EM * size
    for below in paras[paras.index(para) + 1 :]:
        if _placed_apart(below.el):
            continue  # a framed paragraph takes no line of the footer's
        height_pt += _spacing(doc, below, "before") + _line_height(doc, below) + _spacing(doc, below, "after")
    return height_pt / L.PT_PER_MM + L.PAGE_NUMBER_DASH_ABOVE_FOOT_EM * size / L.PT_PER_MM


def _spacing(doc: Recogniser, para: Para, side: str) -> float:
    """The paragraph's space ``before`` or ``after`` in points."""
    return to_int(first_attr(doc.styles.ppr_levels(para.el), "spacing", side), 0) / L.TWIPS_PER_PT


def _line_rule(doc: Recogniser, para: Para) -> tuple[int, str]:
    """The paragraph's ``w:spacing/@w:line`` and ``@w:lineRule`` (240ths of a line for auto)."""
    levels = doc.styles.ppr_levels(para.el)
    return to_int(first_attr(levels, "spacing", "line"), 240), first_attr(
        levels, "spacing", "lineRule"
    ) or "auto"


def _line_height(doc: Recogniser, para: Para) -> float:
    """The height in points of one line of ``para``: an exact height as set, else its size's
    single line (by its fonts, :func:`_set_in_chinese`) times the multiple, at least the
    at-least height. An empty paragraph's line takes the size of its mark (ECMA-376 §17.3.1.29)."""
    mark = para.el.find(f"{wtag('pPr')}/{wtag('rPr')}")
    sz = mark.find(wtag("sz")) if mark is not None and not para.text.strip() else None
    size = half_points(wval(sz, "val")) if sz is not None else doc.paragraph_size(para)
    em = L.FOOTER_LINE_EM if _set_in_chinese(doc, para, mark) else L.FOOTER_LATIN_LINE_EM
    line, rule = _line_rule(doc, para)
    if rule == "exact":
        return line / L.TWIPS_PER_PT
    if rule == "atLeast":
        return max(line / L.TWIPS_PER_PT, size * em)
    return size * em * line / 240


def _set_in_chinese(doc: Recogniser, para: Para, mark) -> bool:
    """Is the line set in a Chinese font (taller lines than a Latin one)? Its text is Chinese,
    or an empty paragraph's mark (else its style) names a Chinese font for Latin text
    (``w:ascii``): LibreOffice sizes a line without text by that font alone (an empty line marked
    Times New Roman and 仿宋_GB2312 stands 1.15 em high, one marked 仿宋_GB2312 in both 1.44)."""
    if para.text.strip():
        return has_cjk(para.text)
    levels = doc.styles.rpr_levels(para.el, None)
    font, theme = font_of([mark, *levels] if mark is not None else levels, "ascii")
    name = font or (doc.theme_typeface(theme) if theme else None) or ""
    return bool(font_class(name)) or any(ord(ch) > 0x2E80 for ch in name)


def _alternates(el) -> bool:
    """Does the number change sides from odd to even pages by itself? A frame set ``outside`` or
    ``inside`` (ECMA-376 §17.3.1.11 framePr, §17.18.104 ST_XAlign: “outside of the anchor
    object”) stands, as Word lays it out (and its 页码—外侧 button writes it), at the right of an
    odd page and the left of an even one — in a single footer, without mirrored margins; so does
    a text box aligned outside or inside."""
    frame = el.find(f"{wtag('pPr')}/{wtag('framePr')}")
    box = box_alignment(el)  # a text box aligned so (ST_AlignH, §20.4.3.1), WPS's way
    return frame is not None and wval(frame, "xAlign") in _MIRRORED or bool(box and box[0] in _MIRRORED)


_MIRRORED = ("outside", "inside")


def placed_by_word(doc: Recogniser) -> bool:
    """Is a footer's page number placed sideways by what LibreOffice does not lay out as Word
    does — a frame with an alignment (LibreOffice sets a footer frame's text where its paragraph
    would stand) or an absolute position tab (taken for a plain tab)? The page ``check --render``
    measures then does not show Word's place; the reading of the file judges it."""
    parts = {part for s in doc.sections for (kind, _), part in s.refs.items() if kind == "footer"}
    for para, _ in (n for part in parts for n in _page_number_paras(doc, part, "页脚")):
        frame = para.el.find(f"{wtag('pPr')}/{wtag('framePr')}")
        box = box_alignment(para.el)
        if frame is not None and wval(frame, "xAlign") or _positional_tab(doc, para) is not None:
            return True
        if box is not None and box[0] in _MIRRORED:
            return True  # LibreOffice sets it on one side on every page
    return False


def _placed_apart(el) -> bool:
    """Is the paragraph inside a text box (``w:txbxContent``, WPS's way) or a frame
    (``w:framePr``)? Its place is then the box's or frame's, not the footer's last line."""
    if el.find(f"{wtag('pPr')}/{wtag('framePr')}") is not None:
        return True
    return any(a.tag == wtag("txbxContent") for a in el.iterancestors())


def _positional_tab(doc: Recogniser, para: Para) -> tuple[str, str] | None:
    """The alignment (left, center, right) and base (margin, indent) of the absolute position
    tab (``w:ptab``) the page number follows, when one stands before all its text — of the runs
    on the page (``Reader.shown``)."""
    tab = None
    runs = (r for r in doc.runs(para) if doc.shown(r, para.el))
    for el in (el for r in runs for el in r.iter(wtag("ptab"), wtag("t"))):
        if el.tag == wtag("t") and (el.text or "").strip():
            break
        if el.tag == wtag("ptab"):
            tab = el
    if tab is None:
        return None
    return wval(tab, "alignment") or "left", wval(tab, "relativeTo") or "margin"


def _check_page_number(doc: Recogniser, para: Para, text: str, side: str, out: Findings) -> None:
    compact = re.sub(r"[\s\u3000]", "", text)
    dash = L.PAGE_NUMBER_DASH
    if compact != f"{dash}N{dash}":
        out.add(
            "page-number-form",
            "7.5",
            "页码",
            "页码两侧应各放一条一字线",
            f"{dash} N {dash}",
            text.replace("N", "1").strip(),
            para.where,
        )
    jc = doc.alignment(para)
    first, left, right = doc.indents(para)
    frame = para.el.find(f"{wtag('pPr')}/{wtag('framePr')}")
    at_paper = False
    if frame is not None and wval(frame, "xAlign"):
        # ECMA-376 Part 1 §22.9.2.18 ST_XAlign says only "inside/outside of the anchor";
        # Word reads them as its book layout: an odd page's outside is its right, an even
        # page's its left. §17.3.1.11 framePr: hAnchor="page" aligns the frame on the
        # paper's edge, not the 版心's (margin).
        jc = {"outside": side, "inside": "left" if side == "right" else "right"}.get(
            wval(frame, "xAlign") or "", wval(frame, "xAlign") or jc
        )
        at_paper = wval(frame, "hAnchor") == "page"
        out.note(
            "页码放在图文框中（w:framePr）：Word 按图文框的位置排；LibreOffice 不排页脚中的图文框"
            "（页码排在段落本身的位置），check --render 不按排出的页判断页码左右位置"
        )
    box = box_alignment(para.el)
    box_inset = 0.0
    if box is not None and box[0] in ("left", "right", *_MIRRORED):
        # A text box fitting its number, aligned on the 版心's (margin) or the paper's edge: the
        # number stands the box's inner margin in from that edge.
        align, base, left_in, right_in = box
        box_inset = right_in if side == "right" else left_in
        jc = {"outside": side, "inside": "left" if side == "right" else "right"}.get(align, align)
        at_paper = base == "page"
    tab = _positional_tab(doc, para)
    if tab is not None:
        # §17.3.3.23 ptab: the text after an absolute position tab stands left, centred or
        # right at the margin (relativeTo="margin": the paragraph's indents do not count) or
        # at the paragraph's indent, whatever the paragraph's own alignment.
        alignment, base = tab
        jc = alignment
        if base == "margin":
            first = right = 0
        out.note(
            f"页码前有位置制表符（w:ptab）：Word 按它把页码排到版心的{align_name(alignment)}处；"
            "LibreOffice 把它当普通制表符，check --render 不按排出的页判断页码左右位置"
        )
    size_twips = doc.run_size(para, doc.text_runs(para)[0][0]) * L.TWIPS_PER_PT if doc.text_runs(para) else 1
    char = doc.char_twips(para) or 1
    # One character in: by indent, or by a full-width space written into the footer.
    inset = (right if side == "right" else first) * char / size_twips
    inset += box_inset * L.TWIPS_PER_PT / size_twips
    if side == "right" and text.endswith("\u3000") or side == "left" and text.startswith("\u3000"):
        inset += 1
    place = "单页码居右空一字" if side == "right" else "双页码居左空一字"
    if jc != side or abs(inset - L.PAGE_NUMBER_INDENT_CHARS) > INDENT_SLACK or at_paper:
        found = f"{align_name(jc)}，缩进 {inset:.1f} 字" + (
            "（图文框对齐纸边，不是版心边）" if at_paper else ""
        )
        out.add("page-number-place", "7.5", "页码", "页码位置不符", place, found, para.where)
    for r, _ in doc.text_runs(para):
        levels = doc.styles.rpr_levels(para.el, r)
        font, theme = font_of(levels, "ascii")
        resolved = doc.theme_typeface(theme) if theme else None
        if theme and resolved and font_class(resolved) == "宋体":
            # Word shows 宋体 here; only another machine's theme could change it.
            out.note(
                f"页码用了{theme_name(theme)}（本文件的主题中为“{resolved}”），换用其他主题的电脑上字体会变"
            )
        elif theme:
            out.add(
                "theme-font",
                "7.5",
                "页码",
                "页码用了主题字体",
                L.FONT_PAGE_NUMBER,
                theme_name(theme),
                para.where,
            )
        elif font is None or font_class(font) != "宋体":
            out.add("font", "7.5", "页码", "页码字体不符", L.FONT_PAGE_NUMBER, font or "未指定", para.where)
        size = doc.run_size(para, r)
        if size != L.PAGE_NUMBER_SIZE_PT:
            out.add(
                "size",
                "7.5",
                "页码",
                "页码字号不符",
                size_name(L.PAGE_NUMBER_SIZE_PT),
                size_name(size),
                para.where,
            )
