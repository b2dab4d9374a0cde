"""The low-level reader: paragraphs, sections, header and footer parts of a .docx, with
properties resolved on demand. :mod:`wenshu.check.reading.model` builds the public document
model from it; the rules read it directly (it keeps every answer, so checking stays linear)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from wenshu import layout as L
from wenshu.check.findings import Location
from wenshu.check.reading.drawings import box_width_mm
from wenshu.check.reading.numbering import AutoNumbering
from wenshu.check.reading.ooxml import (
    A_NS,
    MC_NS,
    R_NS,
    element_text,
    first_child,
    half_points,
    has_cjk,
    in_deleted_cell,
    is_on,
    own_runs,
    to_int,
    tracked_away,
    wtag,
    wval,
)
from wenshu.check.reading.package import MAX_PARAGRAPHS, Package
from wenshu.check.reading.styles import Styles, first_attr, first_flag, first_flag_false, font_class, font_of
from wenshu.errors import Problem, WenshuError

# Word stores lengths in whole twips; a margin written from millimetres may be off by
# this much without anyone having meant a different value.
ROUNDING_MM = 0.5


@dataclass
class Para:
    """One paragraph with what the checker learns about it."""

    el: Any
    number: int
    part: str
    text: str
    in_table: bool
    section: int
    in_box: bool = False  # in a text box: placed by the box, not part of the flow of text
    role: str = ""
    level: int = 0
    zone: int = 0  # 0 = main text, k = attachment k
    numbered: bool = False  # an ordinal before a plain paragraph (not a heading)
    label: str = ""  # drawn by Word's automatic numbering, and put before ``text``
    label_run: Any = field(default=None, repr=False, compare=False)  # see Reader.label_run
    # a page break the paragraph before left behind it when its mark went (see Reader._shown)
    carried_break: bool = False
    # the paragraphs after ``el`` that join it on the page, its mark being gone (Reader._shown)
    joined: list[Any] = field(default_factory=list, repr=False, compare=False)
    runs: list[tuple[Any, str]] | None = field(default=None, repr=False, compare=False)  # text_runs
    indents: tuple[float, float, float] | None = field(default=None, repr=False, compare=False)

    @property
    def flows(self) -> bool:
        """Part of the running text (not in a table, not in a text box)."""
        return not self.in_table and not self.in_box

    @property
    def where(self) -> Location:
        """Where the paragraph is, for a report."""
        # only the excerpt's start is tidied: rules ask it once a run (review15: 2,000 runs
        # of 400 characters took 80 s)
        excerpt = re.sub(r"\s+", " ", self.text.strip()[:200])
        return Location(self.part, self.number, excerpt[:20] + ("…" if len(excerpt) > 20 else ""))


# What Word assumes where a section leaves its page out (ECMA-376 §17.6.13 pgSz, §17.6.11 pgMar
# leave absent values to the application): Word's own defaults, a US Letter page with 1"/1.25"
# margins — not GB/T 9704 figures, which are in wenshu.layout.
WORD_PAGE_WIDTH_TWIPS = 12240
WORD_PAGE_HEIGHT_TWIPS = 15840
WORD_MARGIN_TOP_BOTTOM_TWIPS = 1440
WORD_MARGIN_LEFT_RIGHT_TWIPS = 1800


def read_paragraphs(root: Any, part: str, name: str, *, body: bool = False) -> list[Para]:
    """The paragraphs of a part in document order (the VML copies in ``mc:Fallback`` left
    out); ``body`` counts sections by their ``sectPr``."""
    out: list[Para] = []
    section = 0
    fallback, table = f"{{{MC_NS}}}Fallback", wtag("tbl")
    for p in root.iter(wtag("p")):
        if len(out) >= MAX_PARAGRAPHS:
            too_many = f"{part}段落过多（超过 {MAX_PARAGRAPHS} 段），不像一份公文，未检查"
            raise WenshuError(Problem(name, too_many))
        if next(p.iterancestors(fallback), None) is not None or in_deleted_cell(p):
            continue
        texts = [(r, element_text(r)) for r in own_runs(p)]
        in_table = next(p.iterancestors(table), None) is not None
        in_box = next(p.iterancestors(wtag("txbxContent")), None) is not None
        para = Para(p, len(out) + 1, part, "".join(t for _, t in texts), in_table, section, in_box=in_box)
        para.runs = [(r, t) for r, t in texts if t.strip()]
        out.append(para)
        if body and p.find(f"{wtag('pPr')}/{wtag('sectPr')}") is not None:
            section += 1
    return out


# Spaces typed to move the text along a line: a full-width space takes a character's width;
# an ASCII or no-break space is set in the run's Latin font (w:ascii), where it is half a
# character in a Chinese font and about a quarter in a Latin one (Times New Roman 0.25 em,
# Calibri 0.23 em). A tab goes to a tab stop, not a width of its own: it ends the count.
_SPACES = " \u3000\u00a0"
# Word's default tab stops when w:defaultTabStop is unset: every half inch (ECMA-376 §17.15.1.25).
WORD_DEFAULT_TAB_STOP_TWIPS = 720
_FIRST_LINE_KEYS = ("firstLine", "firstLineChars", "hanging", "hangingChars")
LATIN_SPACE_EM = 0.25
CJK_SPACE_EM = 0.5


def label_run(para: Para, level_rpr: Any) -> Any:
    """A run standing for the label Word draws before a numbered paragraph (not in the tree).

    Word sets the label (一、) not in the font of the paragraph's first run but in that of the
    paragraph mark (``w:pPr/w:rPr``), with the list level's ``w:rPr`` over it; a heading whose
    text is 黑体 三号 can show its 一、 in the default 五号. The run's ``w:rPr`` merges the two,
    attribute by attribute, so that it resolves through the paragraph's styles like any run.
    """
    run, rpr = etree.Element(wtag("r")), etree.Element(wtag("rPr"))
    mark = para.el.find(f"{wtag('pPr')}/{wtag('rPr')}")
    for source in (mark, level_rpr):
        for child in source if source is not None else ():
            if child.tag in (wtag("ins"), wtag("del"), wtag("rPrChange")) or not isinstance(child.tag, str):
                continue
            mine = rpr.find(child.tag)
            if mine is None:
                rpr.append(copy.deepcopy(child))
            else:
                for name, value in child.attrib.items():
                    # a typeface named on the level replaces a theme font on the mark, and back
                    twin = name[:-5] if name.endswith("Theme") else name + "Theme"
                    mine.attrib.pop(twin, None)
                    mine.set(name, value)
    run.append(rpr)
    etree.SubElement(run, wtag("t")).text = para.label
    return run


@dataclass
class SectionProps:
    """A section's page as ``w:sectPr`` sets it, in twips, with its header and footer parts."""

    el: Any
    index: int
    width: int
    height: int
    top: int
    bottom: int
    left: int
    right: int
    gutter: int
    title_page: bool
    refs: dict[tuple[str, str], str]  # (header|footer, default|even|first) → part
    grid_type: str | None
    line_pitch: int | None
    char_space: int
    # Where the gutter (w:pgMar/@w:gutter) goes: "left" (the inside margin: w:left on odd pages,
    # and on even pages too when margins mirror), "top" (w:gutterAtTop, ECMA-376 §17.15.1.50,
    # which mirrored margins override) or "right" (w:rtlGutter, §17.6.16).
    gutter_side: str = "left"
    # w:mirrorMargins (§17.15.1.57): w:left is the inside margin and w:right the outside one, so
    # an even page's left margin is w:right — the 订口 (binding edge) stays w:left on every page.
    mirror: bool = False

    @property
    def inside(self) -> int:
        """The 订口: the binding-side margin with its gutter (the left one on an odd page)."""
        return self.left + (self.gutter if self.gutter_side == "left" else 0)

    @property
    def top_edge(self) -> int:
        """The 天头: the top margin with the gutter when it is at the top."""
        return self.top + (self.gutter if self.gutter_side == "top" else 0)

    @property
    def landscape(self) -> bool:
        """A page turned sideways (§8: a table page may be)."""
        return self.width > self.height

    @property
    def regular(self) -> bool:
        """A4 with the standard 版心 width: widths derived from it can be judged."""
        rounding = L.mm_to_twips(ROUNDING_MM)
        short, long_ = sorted((self.width, self.height))
        width = L.TEXT_HEIGHT_MM if self.landscape else L.TEXT_WIDTH_MM
        return (
            abs(short - L.mm_to_twips(L.PAGE_WIDTH_MM)) <= rounding
            and abs(long_ - L.mm_to_twips(L.PAGE_HEIGHT_MM)) <= rounding
            and abs(self.text_width - L.mm_to_twips(width)) <= rounding
        )

    @property
    def text_width(self) -> int:
        """The 版心's width in twips."""
        return self.width - self.left - self.right - (self.gutter if self.gutter_side != "top" else 0)

    @property
    def text_height(self) -> int:
        """The 版心's height in twips."""
        return self.height - self.top_edge - self.bottom


def read_sections(body: Any, rels: dict[str, tuple[str, str]], settings: Any = None) -> list[SectionProps]:
    """The sections of ``body``, each with the header and footer parts it uses (inherited
    from the section before when it names none), and the page settings (``settings.xml``) that
    move margins: mirrored margins and the gutter's side."""
    mirror = settings is not None and is_on(settings.find(wtag("mirrorMargins")))
    at_top = settings is not None and is_on(settings.find(wtag("gutterAtTop")))
    elements = [p.find(f"{wtag('pPr')}/{wtag('sectPr')}") for p in body.iter(wtag("p"))]
    elements = [e for e in elements if e is not None]
    final = body.find(wtag("sectPr"))
    if final is not None:
        elements.append(final)
    out: list[SectionProps] = []
    inherited: dict[tuple[str, str], str] = {}
    for i, el in enumerate(elements):
        size, mar, grid = el.find(wtag("pgSz")), el.find(wtag("pgMar")), el.find(wtag("docGrid"))
        refs = dict(inherited)
        for kind in ("header", "footer"):
            for ref in el.findall(wtag(f"{kind}Reference")):
                target = rels.get(ref.get(f"{{{R_NS}}}id") or "")
                if target:
                    refs[(kind, wval(ref, "type") or "default")] = target[1]
        inherited = refs
        out.append(
            SectionProps(
                el=el,
                index=i + 1,
                width=to_int(wval(size, "w"), WORD_PAGE_WIDTH_TWIPS),
                height=to_int(wval(size, "h"), WORD_PAGE_HEIGHT_TWIPS),
                top=abs(to_int(wval(mar, "top"), WORD_MARGIN_TOP_BOTTOM_TWIPS)),
                bottom=abs(to_int(wval(mar, "bottom"), WORD_MARGIN_TOP_BOTTOM_TWIPS)),
                left=to_int(wval(mar, "left"), WORD_MARGIN_LEFT_RIGHT_TWIPS),
                right=to_int(wval(mar, "right"), WORD_MARGIN_LEFT_RIGHT_TWIPS),
                gutter=to_int(wval(mar, "gutter")),
                title_page=is_on(el.find(wtag("titlePg"))),
                refs=refs,
                grid_type=wval(grid, "type"),
                line_pitch=to_int(wval(grid, "linePitch")) if grid is not None else None,
                char_space=to_int(wval(grid, "charSpace")),
                gutter_side=_gutter_side(el, mirror, at_top),
                mirror=mirror,
            )
        )
    if not out:  # a body without sectPr: Word's defaults (Letter, 1 inch / 1.25 inch)
        page = (WORD_PAGE_WIDTH_TWIPS, WORD_PAGE_HEIGHT_TWIPS)
        margins = (WORD_MARGIN_TOP_BOTTOM_TWIPS,) * 2 + (WORD_MARGIN_LEFT_RIGHT_TWIPS,) * 2
        out.append(SectionProps(None, 1, *page, *margins, 0, False, {}, None, None, 0, mirror=mirror))
    return out


def _gutter_side(sect_pr: Any, mirror: bool, at_top: bool) -> str:
    """Where a section's gutter goes (see :attr:`SectionProps.gutter_side`)."""
    if mirror:
        return "left"
    if at_top:
        return "top"
    return "right" if is_on(sect_pr.find(wtag("rtlGutter"))) else "left"


class Reader:
    """A parsed .docx: its paragraphs, sections, styles and parts, with every property
    resolved on demand (and kept, so that checking stays linear in the paragraphs)."""

    def __init__(self, source: Path | bytes, name: str):
        self.name = name
        self.package = Package(source, name)
        main = self.package.main
        root = self.package.xml(main)
        body = root.find(wtag("body")) if root is not None else None
        if body is None:
            raise WenshuError(Problem(name, "不是有效的 Word 文件：正文部分没有 w:body"))
        self.body = body
        rels = self.package.rels(main)
        by_type = {t.rsplit("/", 1)[-1]: target for t, target in rels.values()}
        styles = self.package.xml(by_type["styles"]) if "styles" in by_type else None
        self.styles = Styles(styles)
        # Does anything hide text (see shown)? Only a file that does pays for looking up
        # each run's styles; a header or footer part read later may say so too.
        vanish = wtag("vanish")
        self._hides = any(x is not None and next(x.iter(vanish), None) is not None for x in (styles, body))
        self.settings = self.package.xml(by_type["settings"]) if "settings" in by_type else None
        self.sections = read_sections(body, rels, self.settings)
        self.paragraphs = self._shown(read_paragraphs(body, "正文", name, body=True))
        self._label(AutoNumbering(self.package.xml(by_type["numbering"]) if "numbering" in by_type else None))
        self._parts: dict[str, list[Para]] = {}
        self._breaks: list[bool] | None = None  # see page_break_before
        self.wenshu_styles = any(sid.startswith("Ws") for sid in self.styles.by_id)

    def hidden(self, para: Para, r: Any) -> bool:
        """Is run ``r`` hidden text (``w:vanish`` on the run or its styles, ECMA-376 §17.3.2.41)?
        Word neither shows nor prints it unless asked to, and LibreOffice does not lay it out: a
        reader never sees it."""
        return first_flag(self.styles.rpr_levels(para.el, r), "vanish")

    def shown(self, r: Any, p: Any = None) -> bool:
        """Is run ``r`` (of paragraph element ``p``, found when not given) on the page: neither
        taken away by a tracked change read as accepted (:func:`tracked_away`) nor hidden
        (:meth:`hidden`)? Every reading of a paragraph's text, breaks and spaces asks this."""
        if tracked_away(r):
            return False
        if not self._hides:
            return True
        if p is None:
            p = next(r.iterancestors(wtag("p")), None)
        return not first_flag(self.styles.rpr_levels(p, r), "vanish")

    def runs(self, para: Para) -> Iterator[Any]:
        """The runs of ``para`` (:func:`own_runs`), those of the paragraphs joining it too."""
        for el in (para.el, *para.joined):
            yield from own_runs(el)

    def _mark_gone(self, para: Para) -> bool:
        """Is ``para``'s mark (the ¶ ending it) not on the page: deleted or moved away as a
        tracked change (ECMA-376 §17.13.5.15, §17.13.5.21 on ``w:pPr/w:rPr``), Word's style
        separator (``w:specVanish``, §17.3.2.36: the mark never ends a paragraph on the page),
        or hidden — by ``w:vanish`` on the mark's own ``w:rPr`` or on its styles and the
        defaults, resolved as a run's are (§17.3.1.29: the mark's formatting; §17.7.2 the style
        hierarchy)?"""
        ppr = first_child(para.el, "pPr")
        mark = first_child(ppr, "rPr")
        if any(first_child(mark, tag) is not None for tag in ("del", "moveFrom")):
            return True
        if is_on(first_child(mark, "specVanish")):
            return True
        # the paragraph's w:pPr stands as the run holding the mark's w:rPr (its w:rStyle too)
        return self._hides and first_flag(self.styles.rpr_levels(para.el, ppr), "vanish")

    def _holds(self, para: Para, tags: tuple[str, ...], page_break: bool = False) -> bool:
        """Does a run of ``para`` on the page hold a ``tags`` child (a page break only: a
        ``w:br`` of type page)?"""
        if all(next(el.iter(*tags), None) is None for el in (para.el, *para.joined)):
            return False  # most paragraphs: no run asked about
        return any(
            (not page_break or wval(child, "type") == "page")
            for r in self.runs(para)
            if self.shown(r, para.el)
            for child in r.iterchildren(*tags)
        )

    def _shown(self, paras: list[Para]) -> list[Para]:
        """``paras`` as the page shows them: hidden runs taken out of their text, and left out
        altogether a paragraph with nothing shown whose mark is hidden too (Word draws no line
        for it) or deleted as a tracked change (ECMA-376 §17.13.5.15: accepted, the paragraph
        joins the next one; empty, it simply goes). One that ends a section stays, empty: its
        w:sectPr still breaks the page; so does one in a table, whose cell keeps its line, and
        one holding a drawing, which joins the next paragraph with it. A page break in one that
        goes is carried to the next paragraph (:attr:`Para.carried_break`): joined to it, the
        break still stands before its text.

        One with text whose mark is gone (a style separator's too) is read as one paragraph
        with the next in the same place (:attr:`Para.joined`): the line runs on through the
        mark. Its own properties stand for the whole, as the line starts with its text; each
        run keeps its own paragraph's style (``Styles.rpr_levels``). A paragraph ending a
        section joins none: its w:sectPr ends the page there."""
        out = []
        carried = False
        joining: Para | None = None  # the paragraph the next one joins
        pieces: list[str] = []  # the joined paragraphs' texts
        drawing = (wtag("drawing"), wtag("pict"), f"{{{MC_NS}}}AlternateContent")
        for para in paras:
            if self._hides:
                runs = list(own_runs(para.el))
                hide = {r for r in runs if not self.shown(r, para.el)}
                if hide:
                    para.text = "".join(element_text(r) for r in runs if r not in hide)
                    para.runs = [(r, t) for r, t in para.runs or [] if r not in hide]
            ends_section = para.el.find(f"{wtag('pPr')}/{wtag('sectPr')}") is not None
            gone = not ends_section and self._mark_gone(para)
            if joining is not None and not ends_section and para.el.getparent() is joining.el.getparent():
                joining.joined.append(para.el)
                pieces.append(para.text)
                joining.runs.extend(para.runs or [])
                if not gone:
                    joining.text, joining = "".join(pieces), None
                continue
            if joining is not None:
                joining.text, joining = "".join(pieces), None
            # a table cell keeps its last paragraph, shown or not
            if gone and not para.text.strip() and not para.in_table and not self._holds(para, drawing):
                carried = carried or self._holds(para, (wtag("br"),), page_break=True)
                continue
            para.carried_break, carried = carried, False
            para.number = len(out) + 1  # counted as the reader counts them; rules index by it
            out.append(para)
            if gone:
                # its text and runs are gathered and joined once: a join of thousands of
                # paragraphs copied all before it at each one
                joining, pieces, para.runs = para, [para.text], list(para.runs or [])
        if joining is not None:
            joining.text = "".join(pieces)
        return out

    def _label(self, numbering: AutoNumbering) -> None:
        """Put the label Word's automatic numbering draws before each numbered paragraph's
        text, so 一、 set by Word reads as 一、 typed."""
        for para in self.paragraphs:
            num_id = ilvl = None
            for level in self.styles.ppr_levels(para.el):
                num_pr = level.find(wtag("numPr"))
                if num_pr is None:
                    continue
                num_id = num_id or wval(num_pr.find(wtag("numId")))
                ilvl = ilvl or wval(num_pr.find(wtag("ilvl")))
            if num_id is not None:
                para.label = numbering.label(num_id, to_int(ilvl))
                para.text = para.label + para.text
                level = numbering.level(num_id, to_int(ilvl))
                if para.label:
                    para.label_run = label_run(para, level.rpr if level is not None else None)
                if level is not None and level.ppr is not None:
                    # Word indents a numbered paragraph by its list level unless the paragraph
                    # itself says otherwise: the level's w:ind overrides the paragraph style's.
                    self.styles.add_numbering_level(para.el, level.ppr)

    # -- parts ------------------------------------------------------------------------
    def part_paragraphs(self, part: str, label: str) -> list[Para]:
        """The paragraphs of a header or footer part (read once), labelled ``label`` in reports."""
        if part not in self._parts:
            root = self.package.xml(part)
            vanish = root is not None and next(root.iter(wtag("vanish")), None) is not None
            self._hides = self._hides or vanish
            self._parts[part] = (
                self._shown(read_paragraphs(root, label, self.name)) if root is not None else []
            )
        return self._parts[part]

    def section_of(self, para: Para) -> SectionProps:
        """The section ``para`` belongs to."""
        return self.sections[min(para.section, len(self.sections) - 1)]

    def _first_page_header_part(self) -> str | None:
        first = self.sections[0]
        part = first.refs.get(("header", "first")) if first.title_page else None
        return part or first.refs.get(("header", "default"))

    def first_page_header(self) -> list[Para]:
        """The paragraphs of the header printed on page one."""
        part = self._first_page_header_part()
        return self.part_paragraphs(part, "首页页眉") if part else []

    def theme_typeface(self, theme: str) -> str | None:
        """The typeface a theme font (``minorEastAsia`` …) stands for in this file's theme, for
        the script of its East Asian language (ECMA-376 §20.1.4.1.16–17: a:ea, else the
        a:font of the script); None when the theme does not say."""
        rels = self.package.rels(self.package.main)
        part = next((t for kind, t in rels.values() if kind.endswith("/theme")), None)
        root = self.package.xml(part) if part else None
        if root is None:
            return None
        group = root.find(f".//{{{A_NS}}}{'major' if theme.startswith('major') else 'minor'}Font")
        if group is None:
            return None
        if "EastAsia" not in theme:
            latin = group.find(f"{{{A_NS}}}{'cs' if 'Bidi' in theme else 'latin'}")
            return (latin.get("typeface") or None) if latin is not None else None
        ea = group.find(f"{{{A_NS}}}ea")
        if ea is not None and ea.get("typeface"):
            return ea.get("typeface")
        lang = self.settings.find(wtag("themeFontLang")) if self.settings is not None else None
        code = (wval(lang, "eastAsia") or "zh-CN") if lang is not None else "zh-CN"
        script = {"zh-TW": "Hant", "zh-HK": "Hant", "zh-MO": "Hant", "ja-JP": "Jpan", "ko-KR": "Hang"}.get(
            code, "Hans"
        )
        font = group.find(f"{{{A_NS}}}font[@script='{script}']")
        return (font.get("typeface") or None) if font is not None else None

    def first_page_header_xml(self) -> Any:
        """The first page's header part (None without one)."""
        part = self._first_page_header_part()
        return self.package.xml(part) if part else None

    # -- properties -------------------------------------------------------------------
    def ppr(self, para: Para, child: str, attr: str = "val") -> str | None:
        """A paragraph property's value, resolved through its styles and the defaults."""
        return first_attr(self.styles.ppr_levels(para.el), child, attr)

    def text_runs(self, para: Para) -> list[tuple[Any, str]]:
        """The runs of ``para`` that hold visible text, with their text."""
        if para.runs is None:
            para.runs = [
                (r, t) for r in self.runs(para) if (t := element_text(r)).strip() and self.shown(r, para.el)
            ]
        return para.runs

    def run_size(self, para: Para, r: Any) -> float:
        """The font size of run ``r`` in points."""
        return half_points(first_attr(self.styles.rpr_levels(para.el, r), "sz"))

    def run_spacing(self, para: Para, r: Any) -> int:
        """The character spacing of run ``r`` in twips (``w:spacing`` in ``w:rPr``)."""
        return to_int(first_attr(self.styles.rpr_levels(para.el, r), "spacing"))

    def paragraph_size(self, para: Para) -> float:
        """The font size of ``para``'s text (its first run) in points."""
        runs = self.text_runs(para)
        if runs:
            return self.run_size(para, runs[0][0])
        return half_points(first_attr(self.styles.rpr_levels(para.el, None), "sz"))

    def char_twips(self, para: Para) -> int:
        """The advance of one full-width character in ``para`` (size plus character spacing)."""
        runs = self.text_runs(para)
        r = runs[0][0] if runs else None
        size = self.run_size(para, r) if r is not None else self.paragraph_size(para)
        spacing = self.run_spacing(para, r) if r is not None else 0
        return max(1, round(size * L.TWIPS_PER_PT) + spacing)  # spacing may be negative

    def grid_pitch(self, para: Para) -> float | None:
        """The character pitch in twips a ``linesAndChars`` document grid imposes on ``para``
        (None without such a grid, or when the paragraph does not snap to it)."""
        section = self.section_of(para)
        if section.grid_type != "linesAndChars" or first_flag_false(
            self.styles.ppr_levels(para.el), "snapToGrid"
        ):
            return None
        # ECMA-376 §17.6.5 (DocGrid.CharacterSpace): charSpace is added, in 4096ths of a point,
        # to the pitch of the Normal style's font size, not to the document defaults'.
        normal = [s.find(wtag("rPr")) for s in self.styles.chain(self.styles.default.get("paragraph"))]
        levels = [lv for lv in (*normal, self.styles.rpr_default) if lv is not None]
        base = to_int(first_attr(levels, "sz"), 20)
        return base / 2 * L.TWIPS_PER_PT + section.char_space * L.TWIPS_PER_PT / 4096

    def indents(self, para: Para) -> tuple[float, float, float]:
        """(first line start, other lines start, right) in characters of ``para``'s text."""
        if para.indents is None:
            para.indents = self._indents(para)
        return para.indents

    def first_line_start(self, para: Para) -> float:
        """Where the first line's text starts, in characters from the indent's origin: the
        first-line indent plus the spaces typed before the text. Many hand-made documents
        indent 空二字 with two full-width spaces rather than an indent; a reader sees the same
        page either way (§7.3.3 counts characters on the page)."""
        start = self.indents(para)[0]
        if para.label:
            return start  # Word's label comes first: the text's own spaces follow it
        char = self.char_twips(para)
        for r in self.runs(para):
            if not self.shown(r, para.el):
                continue
            text = element_text(r)
            kept = text.lstrip(_SPACES + "\t")
            # counted between tabs, the run's space width looked up once: a paragraph opening
            # with 60,000 spaces took 13 s looking up its style at each
            spaces = text[: len(text) - len(kept)].split("\t")
            for i, between in enumerate(spaces):
                if i:
                    start = self.tab_stop(para, start * char)[0] / char
                wide = between.count("\u3000")
                narrow = len(between) - wide
                start += wide + (self._space_em(para, r) * narrow if narrow else 0)
            if kept:
                break
        return start

    def _space_em(self, para: Para, r: Any) -> float:
        """How much of a character an ASCII space of run ``r`` takes (see LATIN_SPACE_EM)."""
        font, theme = font_of(self.styles.rpr_levels(para.el, r), "ascii")
        font = font or (self.theme_typeface(theme) if theme else None) or ""
        return CJK_SPACE_EM if font_class(font) or has_cjk(font) else LATIN_SPACE_EM

    def tab_stop(self, para: Para, x: float) -> tuple[float, str]:
        """Where a tab typed at ``x`` (twips from the 版心's left edge) sends the text, and how
        the text stands at that stop (left, right, center …): the next of the paragraph's tab
        stops (a nearer level's ``clear`` removes a farther one's), else the next of the
        document's default stops (w:defaultTabStop, Word's 720 twips when unset), left-aligned;
        measured from the margin as Word and LibreOffice measure them."""
        stops: dict[int, str] = {}
        cleared = set()
        for level in self.styles.ppr_levels(para.el):
            for tab in level.iterfind(f"{wtag('tabs')}/{wtag('tab')}"):
                pos, kind = to_int(wval(tab, "pos")), wval(tab) or "left"
                if kind == "clear":
                    cleared.add(pos)
                elif kind != "bar" and pos not in cleared:
                    stops.setdefault(pos, {"start": "left", "end": "right"}.get(kind, kind))
        ahead = [pos for pos in stops if pos > x + 1]
        if ahead:
            return float(min(ahead)), stops[min(ahead)]
        setting = self.settings.find(wtag("defaultTabStop")) if self.settings is not None else None
        step = to_int(wval(setting), WORD_DEFAULT_TAB_STOP_TWIPS) or WORD_DEFAULT_TAB_STOP_TWIPS
        return float((int(x) // step + 1) * step), "left"

    def trailing_space_width(self, para: Para) -> float:
        """The width, in characters, of the spaces ``para`` ends with (see :data:`LATIN_SPACE_EM`):
        a line set right is pushed in from the right edge by them."""
        width = 0.0
        for r in reversed(list(self.runs(para))):
            if not self.shown(r, para.el):
                continue
            text = element_text(r)
            kept = text.rstrip(_SPACES)
            spaces = text[len(kept) :]
            if spaces.strip("\u3000"):
                width += (len(spaces) - spaces.count("\u3000")) * self._space_em(para, r)
            width += spaces.count("\u3000")
            if kept:
                break
        return width

    def _indents(self, para: Para) -> tuple[float, float, float]:
        levels = self.styles.ppr_levels(para.el)
        char = self.char_twips(para) or 1

        def get(name: str) -> float:
            chars = first_attr(levels, "ind", name + "Chars")
            if chars is not None and to_int(chars):
                return to_int(chars) / 100
            value = first_attr(levels, "ind", name)
            if value is None and name in ("left", "right"):
                value = first_attr(levels, "ind", {"left": "start", "right": "end"}[name])
            return to_int(value) / char

        def first_line() -> float:
            # firstLine and hanging are one setting (Word's 特殊格式: 首行缩进 or 悬挂缩进): the
            # nearest level naming either says both, as a list level's hanging="0" undoes a
            # style's first-line indent.
            for level in levels:
                ind = level.find(wtag("ind"))
                if ind is None or not any(ind.get(wtag(k)) is not None for k in _FIRST_LINE_KEYS):
                    continue
                out = 0.0
                for name, sign in (("firstLine", 1), ("hanging", -1)):
                    chars = to_int(ind.get(wtag(name + "Chars")))
                    out += sign * (chars / 100 if chars else to_int(ind.get(wtag(name))) / char)
                return out
            return 0.0

        left, right = get("left"), get("right")
        return left + first_line(), left, right

    def placed_by_alignment(self, para: Para) -> bool:
        """Does ``para``'s alignment place its text on the page? Yes in the flow of text and
        in a text box as wide as the 版心 (Word's red-header and title boxes span it); a
        narrower box is placed by the box, wherever its text stands inside it."""
        if not para.in_box:
            return True
        width = box_width_mm(para.el)
        span = self.section_of(para).text_width / L.TWIPS_PER_MM
        return width is not None and width >= span - L.MARGIN_TOLERANCE_MM

    def alignment(self, para: Para) -> str:
        """``left``, ``center``, ``right`` or ``both`` (``start``/``end``/``distribute`` folded in)
        as the text stands on the page: a paragraph in a frame as wide as its text (``w:framePr``
        without ``w:w``, as old Word and WPS set a red-header mark) stands where the frame's
        ``xAlign`` puts it, whatever its own alignment (an odd page's outside is its right:
        ECMA-376 §22.9.2.18 ST_XAlign names only the anchor's inside and outside, Word reads
        them by odd and even page; LibreOffice 7.4 sets both at the left, on every page)."""
        x_align = self.ppr(para, "framePr", "xAlign")
        if x_align and not to_int(self.ppr(para, "framePr", "w")):
            return {"inside": "left", "outside": "right"}.get(x_align, x_align)
        jc = self.ppr(para, "jc") or "left"
        return {"start": "left", "end": "right", "distribute": "both"}.get(jc, jc)

    def page_break_before(self, index: int) -> bool:
        """Does body paragraph ``index`` (0-based) start a new page?"""
        if self._breaks is None:
            self._breaks = self._page_breaks()
        return self._breaks[index]

    def _page_breaks(self) -> list[bool]:
        """Whether each body paragraph starts a new page, in one pass (asked of every paragraph,
        a walk back from each would be quadratic): the first does; one with pageBreakBefore
        does; else what stands before it says, empty paragraphs passed over: a page break or a
        section starting on a new page yes, text or a table no."""
        out = []
        carried = False  # what the paragraphs so far say of the next one
        for i, para in enumerate(self.paragraphs):
            own = para.carried_break or first_flag(self.styles.ppr_levels(para.el), "pageBreakBefore")
            out.append(own or i == 0 or carried)
            if para.in_table:
                carried = False
            elif para.el.find(f"{wtag('pPr')}/{wtag('sectPr')}") is not None:
                # How a section starts is said by its own sectPr: the one after this break.
                sect = self.sections[min(para.section + 1, len(self.sections) - 1)].el
                kind = wval(sect.find(wtag("type"))) if sect is not None else None
                carried = kind in (None, "nextPage", "oddPage", "evenPage")
            elif self._holds(para, (wtag("br"),), page_break=True):
                carried = True
            elif para.text.strip():
                carried = False
        return out

    def fonts_used(self) -> set[str]:
        """Every font the text of the file names (east-Asian and Latin slots)."""
        fonts: set[str] = set()
        paras = self.paragraphs + self.first_page_header()
        for s in self.sections:
            for part in set(s.refs.values()):
                paras += self.part_paragraphs(part, "页眉页脚")
        for para in paras:
            for r, text in self.text_runs(para):
                levels = self.styles.rpr_levels(para.el, r)
                slots = ["eastAsia"] if has_cjk(text) else []
                slots += ["ascii"] if any(ord(ch) < 0x2E80 and not ch.isspace() for ch in text) else []
                for slot in slots:
                    font, _ = font_of(levels, slot)
                    if font:
                        fonts.add(font)
        return fonts
