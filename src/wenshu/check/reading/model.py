"""The public document model: what a reader of the page sees in a .docx, as plain dataclasses.

:func:`read_document` opens a Word file (any source, read defensively through
:mod:`wenshu.safezip`) and gives a :class:`Document`: paragraphs in reading order with their
text as shown (Word's list labels included), runs with resolved font, size, bold and colour
and the name of their character style, alignment, indents, spacing, place in a table or a text
box; tables with rows, cells and merges; sections with their page geometry; header and footer
parts with their paragraphs.
Every property is resolved the way Word resolves it (direct formatting → character style →
paragraph style chain → document defaults).

:func:`wenshu.check.recognise.recognise` then says which paragraph is which element.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenshu import layout as L
from wenshu.check.reading.fields import field_text
from wenshu.check.reading.ooxml import (
    cell_text,
    deleted_row_or_cell,
    element_text,
    first_child,
    half_points,
    to_int,
    typed_breaks,
    wtag,
    wval,
)
from wenshu.check.reading.reader import Para, Reader, SectionProps
from wenshu.check.reading.styles import first_attr, first_flag, font_of


@dataclass(frozen=True)
class Run:
    """A run of text with its resolved character properties."""

    text: str  # tabs as "\t", line breaks as "\n"
    font: str | None  # the East Asian font (w:eastAsia), None when the file names none
    latin_font: str | None  # the font of Latin letters and digits (w:ascii)
    theme_font: str | None  # the East Asian theme font (minorEastAsia …) when one stands for the font
    size_pt: float
    bold: bool
    italic: bool
    underline: bool
    color: str | None  # "RRGGBB" in upper case; None for automatic (black)
    highlight: str | None  # w:highlight (yellow …), None without
    theme_typeface: str | None = None  # what ``theme_font`` stands for in this file's theme
    style_name: str = ""  # the name of its character style (w:rStyle), "" without one


@dataclass(frozen=True)
class Indents:
    """Indents in characters of the paragraph's own text (as §7.3.3's “空二字” counts them)."""

    first_line: float  # where the first line starts
    left: float  # where the other lines start
    right: float


@dataclass(frozen=True)
class Spacing:
    """Paragraph spacing: ``line`` in twips for exact/atLeast, in 240ths of a line for auto."""

    line: int
    line_rule: str  # auto, exact, atLeast
    before: int  # twips
    after: int  # twips


@dataclass
class Paragraph:
    """One paragraph, as the page shows it."""

    index: int  # position in its list (Document.paragraphs or HeaderFooter.paragraphs), from 0
    part: str  # 正文, or the header/footer label (首页页眉 …) reports use
    text: str  # as a reader sees it: Word's list label, then the runs' text
    label: str  # the label Word's automatic numbering draws (一、 …), "" without one
    style_id: str | None
    style_name: str
    alignment: str  # left, center, right, both
    indents: Indents
    spacing: Spacing
    runs: list[Run]
    section: int  # index into Document.sections
    in_table: bool
    in_box: bool  # in a text box (placed by the box, not in the flow of text)
    table: int | None = None  # index into Document.tables (the innermost table)
    row: int | None = None
    cell: int | None = None
    page_break_before: bool = False  # starts a new page (a break, a section, pageBreakBefore)

    @property
    def number(self) -> int:
        """Its number as reports count paragraphs (from 1)."""
        return self.index + 1


@dataclass
class Cell:
    """A table cell: its text, its paragraphs and how it merges."""

    text: str  # paragraphs joined by "\n" (ooxml.cell_text: a wrapped name's breaks read as nothing)
    paragraphs: list[int]  # indices into Document.paragraphs
    span: int = 1  # grid columns it spans (w:gridSpan)
    merge: str | None = None  # vertical merge: "restart", "continue" or None
    width_twips: int | None = None


@dataclass
class Table:
    """A table in reading order (nested tables are tables of their own)."""

    index: int
    rows: list[list[Cell]]
    nested: bool = False


@dataclass(frozen=True)
class Section:
    """A section's page: size, margins and the 版心 in millimetres, grid and header/footer parts."""

    index: int
    page_width_mm: float
    page_height_mm: float
    margin_top_mm: float
    margin_bottom_mm: float
    margin_left_mm: float
    margin_right_mm: float
    gutter_mm: float
    text_width_mm: float
    text_height_mm: float
    landscape: bool
    title_page: bool  # a different first page
    grid_type: str | None  # lines, linesAndChars, snapToChars or None
    line_pitch_twips: int | None
    char_space: int
    headers: dict[str, str]  # default/even/first → part
    footers: dict[str, str]
    gutter_side: str = "left"  # left (the inside margin), top (w:gutterAtTop) or right (w:rtlGutter)
    mirror_margins: bool = False  # margin_left_mm is the inside margin, margin_right_mm the outside


@dataclass
class HeaderFooter:
    """A header or footer part with the sections and pages (default/even/first) it serves."""

    part: str
    kind: str  # header or footer
    types: list[str]
    sections: list[int]
    paragraphs: list[Paragraph]
    page_number: bool  # holds a PAGE field


@dataclass
class Document:
    """A .docx as a reader sees it. ``reader`` is the low-level reader the checker uses."""

    name: str
    paragraphs: list[Paragraph]  # the body's, in reading order: table cells and text boxes included
    tables: list[Table]
    sections: list[Section]
    headers_footers: list[HeaderFooter]
    even_and_odd_headers: bool
    reader: Reader = field(repr=False, compare=False)

    def part(self, kind: str, type_: str = "default", section: int = 0) -> HeaderFooter | None:
        """The header or footer ``kind`` of ``type_`` (default, even, first) of a section."""
        return next(
            (
                hf
                for hf in self.headers_footers
                if hf.kind == kind and type_ in hf.types and section in hf.sections
            ),
            None,
        )

    @property
    def first_page_header(self) -> HeaderFooter | None:
        """The header printed on page one (the first-page header when the section has one)."""
        first = self.sections[0]
        return (self.part("header", "first") if first.title_page else None) or self.part("header")


def read_document(source: str | Path | bytes, name: str | None = None) -> Document:
    """Read a .docx (a path or its bytes) into a :class:`Document`; a file that cannot be read
    raises :class:`wenshu.errors.WenshuError` with a Chinese message naming it."""
    label = name or (str(source) if not isinstance(source, bytes) else "文档")
    reader = Reader(source if isinstance(source, bytes) else Path(source), label)
    return document_of(reader)


def document_of(reader: Reader) -> Document:
    """The public model of a file ``reader`` has read."""
    cells: dict[Any, tuple[int, int, int]] = {}
    typed: set[tuple[int, int, int]] = set()  # cells with a break typed as w:br (see ooxml.cell_text)
    tables: list[Table] = []
    tbl = wtag("tbl")
    for t, table in enumerate(reader.body.iter(tbl)):
        rows = []
        # rows and cells deleted as tracked changes are gone (ooxml.in_deleted_cell)
        kept = [tr for tr in table.iterchildren(wtag("tr")) if not deleted_row_or_cell(tr)]
        for r, tr in enumerate(kept):
            row = []
            for c, tc in enumerate(tc for tc in tr.iterchildren(wtag("tc")) if not deleted_row_or_cell(tc)):
                cells[tc] = (t, r, c)
                if typed_breaks(tc, reader.shown):
                    typed.add((t, r, c))
                tc_pr = first_child(tc, "tcPr")
                merge = first_child(tc_pr, "vMerge")
                width = first_child(tc_pr, "tcW")
                row.append(
                    Cell(
                        "",
                        [],
                        span=max(1, to_int(wval(first_child(tc_pr, "gridSpan")), 1)),
                        merge=None if merge is None else (wval(merge) or "continue"),
                        width_twips=to_int(wval(width, "w"))
                        if width is not None and wval(width, "type") == "dxa"
                        else None,
                    )
                )
            rows.append(row)
        tables.append(Table(t, rows, nested=next(table.iterancestors(tbl), None) is not None))
    paragraphs = []
    for i, para in enumerate(reader.paragraphs):
        model = _paragraph(reader, para, i)
        if para.in_table:
            tc = next(para.el.iterancestors(wtag("tc")), None)
            if tc in cells:
                model.table, model.row, model.cell = cells[tc]
                cell = tables[model.table].rows[model.row][model.cell]
                cell.paragraphs.append(i)
        model.page_break_before = reader.page_break_before(i)
        paragraphs.append(model)
    for t, table in enumerate(tables):
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row):
                cell.text = cell_text([paragraphs[i].text for i in cell.paragraphs], (t, r, c) in typed)
    sections = [_section(s) for s in reader.sections]
    parts: dict[str, HeaderFooter] = {}
    for s in reader.sections:
        for (kind, type_), part in s.refs.items():
            hf = parts.get(part)
            if hf is None:
                label = {"header": "页眉", "footer": "页脚"}[kind]
                paras = reader.part_paragraphs(part, label)
                hf = parts[part] = HeaderFooter(
                    part,
                    kind,
                    [],
                    [],
                    [_paragraph(reader, p, k) for k, p in enumerate(paras)],
                    any(field_text(p.el)[1] for p in paras),
                )
            if type_ not in hf.types:
                hf.types.append(type_)
            if s.index - 1 not in hf.sections:
                hf.sections.append(s.index - 1)
    settings = reader.settings
    even_odd = settings is not None and first_child(settings, "evenAndOddHeaders") is not None
    if even_odd:
        even_odd = wval(first_child(settings, "evenAndOddHeaders")) not in ("0", "false", "off")
    return Document(reader.name, paragraphs, tables, sections, list(parts.values()), even_odd, reader)


def _paragraph(reader: Reader, para: Para, index: int) -> Paragraph:
    levels = reader.styles.ppr_levels(para.el)
    first, left, right = reader.indents(para)
    sid = reader.styles.paragraph_style(para.el)
    runs = []
    for r in reader.runs(para):
        text = element_text(r)
        if not text or not reader.shown(r, para.el):
            continue
        rpr = reader.styles.rpr_levels(para.el, r)
        font, theme = font_of(rpr)
        color = first_attr(rpr, "color")
        underline = first_attr(rpr, "u")
        runs.append(
            Run(
                text=text,
                font=font,
                latin_font=font_of(rpr, "ascii")[0],
                theme_font=theme,
                size_pt=half_points(first_attr(rpr, "sz")),
                bold=first_flag(rpr, "b"),
                italic=first_flag(rpr, "i"),
                underline=underline not in (None, "none"),
                color=None if color in (None, "auto") else color.upper(),
                highlight=first_attr(rpr, "highlight"),
                theme_typeface=reader.theme_typeface(theme) if theme else None,
                style_name=reader.styles.name(rsid) if (rsid := reader.styles.run_style(r)) else "",
            )
        )
    return Paragraph(
        index=index,
        part=para.part,
        text=para.text,
        label=para.label,
        style_id=sid,
        style_name=reader.styles.name(sid),
        alignment=reader.alignment(para),
        indents=Indents(first, left, right),
        spacing=Spacing(
            line=to_int(first_attr(levels, "spacing", "line"), 240),
            line_rule=first_attr(levels, "spacing", "lineRule") or "auto",
            before=to_int(first_attr(levels, "spacing", "before")),
            after=to_int(first_attr(levels, "spacing", "after")),
        ),
        runs=runs,
        section=para.section,
        in_table=para.in_table,
        in_box=para.in_box,
    )


def _mm(twips: int) -> float:
    return round(twips / L.TWIPS_PER_MM, 1)


def _section(s: SectionProps) -> Section:
    return Section(
        index=s.index - 1,
        page_width_mm=_mm(s.width),
        page_height_mm=_mm(s.height),
        margin_top_mm=_mm(s.top),
        margin_bottom_mm=_mm(s.bottom),
        margin_left_mm=_mm(s.left),
        margin_right_mm=_mm(s.right),
        gutter_mm=_mm(s.gutter),
        text_width_mm=_mm(s.text_width),
        text_height_mm=_mm(s.text_height),
        landscape=s.landscape,
        title_page=s.title_page,
        grid_type=s.grid_type,
        line_pitch_twips=s.line_pitch,
        char_space=s.char_space,
        headers={t: p for (k, t), p in s.refs.items() if k == "header"},
        footers={t: p for (k, t), p in s.refs.items() if k == "footer"},
        gutter_side=s.gutter_side,
        mirror_margins=s.mirror,
    )
