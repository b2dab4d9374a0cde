"""``wenshu check`` on Word files built the ways other people build them: python-docx with direct
formatting only, spaces typed for 空二字, a 版记 whose rules are paragraph borders or a table's
(LibreOffice writes 0.25 mm as 5/8 pt), headings numbered by Word's lists, the 署名 and 成文日期
placed by a borderless table. Each file is laid out correctly to GB/T 9704 as the page shows
it and checks clean; each with one known defect yields exactly that deviation. The render tests
prove on LibreOffice's page what the checker reads."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from wenshu import layout as L
from wenshu.check import check_docx

from .test_check import codes, show

CHAR_PT = 15.75  # one 三号 character with −0.25 pt spacing (28 a line)


def _el(tag: str, **attrs: object) -> OxmlElement:
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn("w:" + k), str(v))
    return el


class Draft:
    """A 公文 written with python-docx and direct formatting only (no styles of its own)."""

    def __init__(self) -> None:
        self.doc = Document()
        s = self.doc.sections[0]
        s.page_width, s.page_height = Mm(210), Mm(297)
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
        s.footer_distance = Mm(25)

    def run(self, p, text: str, font: str = "仿宋_GB2312", size: float = 16, color: str | None = None):
        r = p.add_run(text)
        r.font.size, r.font.name = Pt(size), "Times New Roman" if font == "仿宋_GB2312" else font
        rpr = r._element.get_or_add_rPr()
        rpr.rFonts.set(qn("w:eastAsia"), font)
        if color:
            rpr.append(_el("w:color", val=color))
        rpr.append(_el("w:spacing", val=-5))
        return r

    def para(self, text: str = "", font: str = "仿宋_GB2312", size: float = 16, align: str = "", first=0.0,
             color: str | None = None, right=0.0):  # fmt: skip
        p = self.doc.add_paragraph()
        f = p.paragraph_format
        f.line_spacing, f.space_before, f.space_after = Pt(28.95), Pt(0), Pt(0)
        if align:
            p.alignment = {"c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if first:
            f.first_line_indent = Pt(first * CHAR_PT)
        if right:
            f.right_indent = Pt(right * CHAR_PT)
        if text:
            self.run(p, text, font, size, color)
        return p

    def border(self, p, *sides: tuple[str, int, str]) -> None:
        bdr = _el("w:pBdr")
        for side, sz, color in sides:
            bdr.append(_el(f"w:{side}", val="single", sz=sz, space=0, color=color))
        p._p.get_or_add_pPr().insert(0, bdr)

    def footers(self, field: str = "PAGE") -> None:
        self.doc.settings.odd_and_even_pages_header_footer = True
        s = self.doc.sections[0]
        for footer, odd in ((s.footer, True), (s.even_page_footer, False)):
            p = footer.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
            setattr(p.paragraph_format, "right_indent" if odd else "left_indent", Pt(14))
            self.page_number(p, field)

    def page_number(self, p, field: str = "PAGE") -> None:
        """“— N —” in 宋体 四号: the number a ``field`` (PAGE, or a variant) in its runs."""
        self.run(p, "— ", "宋体", 14)
        for el in (_el("w:fldChar", fldCharType="begin"), None, _el("w:fldChar", fldCharType="end")):
            r = self.run(p, "", "宋体", 14)
            if el is None:
                el = OxmlElement("w:instrText")
                el.text = field
            r._element.append(el)
        self.run(p, " —", "宋体", 14)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


Change = Callable[[Draft, str], object]


def notice(
    *,
    body: Change | None = None,
    headings: Callable[[Draft], None] | None = None,
    closing: Callable[[Draft], None] | None = None,
    record: Callable[[Draft], None] | None = None,
    page_field: str = "PAGE",
) -> bytes:
    """A 文件格式 通知; each part may be set another way, the footers' page field written
    ``page_field``."""
    d = Draft()
    typed = body or (lambda d, text: d.para(text, first=2))
    mark = d.para("河南省知识产权局文件", "方正小标宋简体", 36, "c", color="FF0000")
    mark.paragraph_format.space_before = Mm(L.DOCUMENT_MARK_OFFSET_MM)  # §7.2.4
    d.para()
    number = d.para("豫知〔2023〕38号", align="c")
    d.border(number, ("bottom", 12, "FF0000"))
    d.para()
    d.para("河南省知识产权局关于开展申报工作的通知", "方正小标宋简体", 22, "c")
    d.para()
    d.para("各省辖市知识产权管理部门：")
    typed(d, "按照国家知识产权局工作部署，结合我省实际，现就有关工作通知如下：")
    if headings:
        headings(d)
    else:
        d.para("一、推荐名额", "黑体", first=2)
        typed(d, "各省辖市可推荐1个城市。")
        d.para("二、工作要求", "黑体", first=2)
    typed(d, "各单位要严格审核把关，确保申报材料真实、准确。")
    d.para()
    if closing:
        closing(d)
    else:
        d.para("河南省知识产权局", align="r", right=2)
        d.para("2023年8月1日", align="r", right=1)  # its first character two right of the 署名's
    d.para()
    if record:
        record(d)
    else:
        spaced_record(d)
    d.footers(page_field)
    return d.save()


def spaced_record(d: Draft, lead: str = "\u3000") -> None:
    """The 版记 as two bordered paragraphs as wide as the 版心, each line typed one full-width
    space in (a 四号 character) — the rules run the 版心's width, the text stands 空一字."""
    cc = d.para(lead + "抄送：国家知识产权局知识产权运用促进司。", size=14)
    d.border(cc, ("top", 8, "000000"), ("bottom", 6, "000000"))
    imprint = d.para(size=14)
    d.run(imprint, lead + "河南省市场监督管理局办公室", size=14)
    d.run(imprint, "\t", size=14)
    d.run(imprint, "2023年8月2日印发" + lead, size=14)
    imprint.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2)
    d.border(imprint, ("bottom", 8, "000000"))


def indented_record(d: Draft) -> None:
    """The 版记 indented one character by the paragraphs' indents: their border rules shrink
    with the indents, a character short of the 版心 at each end."""
    cc = d.para("抄送：国家知识产权局知识产权运用促进司。", size=14)
    imprint = d.para("河南省市场监督管理局办公室 2023年8月2日印发", size=14)
    for p in (cc, imprint):
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)
    d.border(cc, ("top", 8, "000000"), ("bottom", 6, "000000"))
    d.border(imprint, ("bottom", 8, "000000"))


def table_record(cell_margin: int, inner_rule: int, width: str = "8844") -> Callable[[Draft], None]:
    """The 版记 as a table of two rows whose borders are the rules; the text is placed by the
    cell margin (twips) alone. ``width`` in twips, or in fiftieths of a percent with a “pct”
    after it (LibreOffice writes 5000pct: the 版心's width)."""

    def write(d: Draft) -> None:
        table = d.doc.add_table(rows=2, cols=1)
        pr = table._tbl.tblPr
        for old in pr.findall(qn("w:tblW")):
            pr.remove(old)
        pr.append(_el("w:tblW", w=width.removesuffix("pct"), type="pct" if width.endswith("pct") else "dxa"))
        borders = _el("w:tblBorders")
        for side, sz in (("top", 8), ("bottom", 8), ("insideH", inner_rule)):
            borders.append(_el(f"w:{side}", val="single", sz=sz, space=0, color="000000"))
        pr.append(borders)
        margins = _el("w:tblCellMar")
        margins.append(_el("w:left", w=cell_margin, type="dxa"))
        pr.append(margins)
        lines = ("抄送：国家知识产权局知识产权运用促进司。", "河南省市场监督管理局办公室 2023年8月2日印发")
        for row, text in zip(table.rows, lines, strict=True):
            p = row.cells[0].paragraphs[0]
            p.paragraph_format.line_spacing = Pt(28.95)
            d.run(p, text, size=14)

    return write


def table_closing(date_right: float) -> Callable[[Draft], None]:
    """署名 and 成文日期 in the right cell of a borderless two-column table as wide as the 版心,
    right-aligned with right indents (in characters) inside the cell."""

    def write(d: Draft) -> None:
        table = d.doc.add_table(rows=2, cols=2)
        grid = table._tbl.tblGrid
        for col, width in zip(grid.findall(qn("w:gridCol")), (4535, 4309), strict=True):
            col.set(qn("w:w"), str(width))
        margins = _el("w:tblCellMar")
        margins.append(_el("w:left", w=0, type="dxa"))
        margins.append(_el("w:right", w=0, type="dxa"))
        table._tbl.tblPr.append(margins)
        for row, text, right in zip(
            table.rows, ("河南省知识产权局", "2023年8月1日"), (2, date_right), strict=True
        ):
            p = row.cells[1].paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(right * CHAR_PT)
            p.paragraph_format.line_spacing = Pt(28.95)
            d.run(p, text)

    return write


def tab_closing(date_right: float) -> Callable[[Draft], None]:
    """署名 and 成文日期 each typed after a tab, set at a right-aligned tab stop two characters
    (the 署名) and ``date_right`` characters (the 成文日期) short of the 版心's right edge."""

    def write(d: Draft) -> None:
        for text, right in (("河南省知识产权局", 2), ("2023年8月1日", date_right)):
            p = d.para("\t" + text)
            p.paragraph_format.tab_stops.add_tab_stop(Pt(156 / 25.4 * 72 - right * CHAR_PT), alignment=2)

    return write


def numbered_headings(
    label_font: bool, fmt: str = "chineseCounting", level_indent: str | None = None
) -> Callable[[Draft], None]:
    """一、 二、 drawn by Word's list numbering in format ``fmt``; with ``label_font`` the
    paragraph mark carries 黑体 三号 (as Word sets it when the whole heading is formatted), else
    nothing. ``level_indent`` None: the heading indents itself; else a heading style indents it
    two characters and the list level says ``hanging="0"`` ("none", as LibreOffice writes a
    level without an indent) or ``firstLine`` two characters ("two")."""

    def write(d: Draft) -> None:
        root = d.doc.part.numbering_part.element
        abstract = _el("w:abstractNum", abstractNumId=90)
        level = _el("w:lvl", ilvl=0)
        for child in (
            _el("w:start", val=1),
            _el("w:numFmt", val=fmt),
            _el("w:suff", val="nothing"),
            _el("w:lvlText", val="%1、"),
        ):
            level.append(child)
        if level_indent:
            indent = _el("w:pPr")
            shape = {"none": {"hanging": 0}, "two": {"firstLine": 630}}[level_indent]
            indent.append(_el("w:ind", start=0, **shape))
            level.append(indent)
        abstract.append(level)
        first_num = root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            root.append(abstract)
        num = _el("w:num", numId=90)
        num.append(_el("w:abstractNumId", val=90))
        root.append(num)
        style = None
        if level_indent:
            style = d.doc.styles.add_style("一级标题", WD_STYLE_TYPE.PARAGRAPH)
            style.paragraph_format.first_line_indent = Pt(2 * CHAR_PT)
        for text, after in (("推荐名额", "各省辖市可推荐1个城市。"), ("工作要求", None)):
            p = d.para(text, "黑体", first=0 if level_indent else 2)
            if style is not None:
                p.style = style
            pr = p._p.get_or_add_pPr()
            numbering = _el("w:numPr")
            numbering.append(_el("w:ilvl", val=0))
            numbering.append(_el("w:numId", val=90))
            pr.insert(1 if style is not None else 0, numbering)
            if label_font:
                mark = _el("w:rPr")
                mark.append(_el("w:rFonts", eastAsia="黑体"))
                mark.append(_el("w:sz", val=32))
                pr.append(mark)
            if after:
                d.para(after, first=2)

    return write


def typed_spaces(count: int, space: str = "\u3000") -> Change:
    """Body paragraphs with no indent, 空二字 typed as ``count`` spaces."""
    return lambda d, text: d.para(space * count + text)


def tabbed(default_stop: int | None) -> Change:
    """Body paragraphs with no indent and a tab typed first; the document's default tab stops
    every ``default_stop`` twips (python-docx's template: 720, 2.3 characters)."""

    def write(d: Draft, text: str) -> object:
        if default_stop is not None:
            d.doc.settings.element.find(qn("w:defaultTabStop")).set(qn("w:val"), str(default_stop))
        return d.para("\t" + text)

    return write


def test_a_python_docx_file_with_direct_formatting_checks_clean():
    report = check_docx(notice())
    assert codes(report) == set(), show(report)


@pytest.mark.parametrize(
    ("label", "kwargs", "expected"),
    [
        ("two full-width spaces for 空二字", {"body": typed_spaces(2)}, set()),
        ("one full-width space", {"body": typed_spaces(1)}, {"indent"}),
        # ASCII spaces in Times New Roman are a quarter of a character: four are one character
        ("four ASCII spaces in a Latin font", {"body": typed_spaces(4, " ")}, {"indent"}),
        # a tab goes to the next default stop: 630 twips is two characters, 720 is 2.3
        ("a tab to a default stop of two characters", {"body": tabbed(630)}, set()),
        ("a tab to python-docx's default stop", {"body": tabbed(None)}, {"indent"}),
        ("版记 lines one full-width space in", {"record": spaced_record}, set()),
        ("版记 lines with no space", {"record": lambda d: spaced_record(d, "")}, {"record-indent"}),
        ("版记 rules shortened by indents", {"record": indented_record}, {"record-rule-width"}),
        # a cell margin of one 四号 character (280 twips) is 空一字 for the 四号 版记
        ("版记 table, a 四号 character's cell margin", {"record": table_record(280, 6)}, set()),
        ("版记 table, no cell margin", {"record": table_record(0, 6)}, {"record-indent"}),
        # LibreOffice writes a 0.25 mm rule as 5/8 pt; half a point is no longer 0.25 mm
        ("版记 table, LibreOffice's 0.25 mm", {"record": table_record(280, 5)}, set()),
        ("版记 table, a 0.5 pt inner rule", {"record": table_record(280, 4)}, {"record-rule"}),
        ("版记 table 100% wide", {"record": table_record(280, 6, "5000pct")}, set()),
        ("版记 table 90% wide", {"record": table_record(280, 6, "4500pct")}, {"record-rule-width"}),
        ("署名 and 日期 at right tab stops", {"closing": tab_closing(1)}, set()),
        ("日期 at a tab stop not moved right", {"closing": tab_closing(2)}, {"signature-date"}),
        ("署名 and 日期 in a borderless table", {"closing": table_closing(1)}, set()),
        ("日期 in the table not moved right", {"closing": table_closing(3)}, {"signature-date"}),
        ("Word numbers 一、 in the heading's font", {"headings": numbered_headings(True)}, set()),
        # LibreOffice writes its 一, 二, 三 numbering as taiwaneseCountingThousand
        ("LibreOffice's 一、", {"headings": numbered_headings(True, "taiwaneseCountingThousand")}, set()),
        # the list level's indent overrides the heading style's: hanging="0" puts it flush left
        (
            "list level without an indent",
            {"headings": numbered_headings(True, level_indent="none")},
            {"indent"},
        ),
        ("list level indented 空二字", {"headings": numbered_headings(True, level_indent="two")}, set()),
        (
            "Word numbers 一、 in the default font",
            {"headings": numbered_headings(False)},
            {"size", "theme-font"},
        ),
    ],
)
def test_built_another_way(label, kwargs, expected):
    report = check_docx(notice(**kwargs))
    assert codes(report) == expected, f"{label}: {show(report)}"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (" page ", set()),  # a field's name in any case: the page number all the same
        (" Page  \\* MERGEFORMAT ", set()),
        ("PAGE \\* Arabic", set()),
        ("NUMPAGES", {"page-number-missing"}),  # the count of pages, not the page's number
        ("PAGEREF _Toc1", {"page-number-missing"}),
    ],
)
def test_page_fields_written_other_ways(code, expected):
    report = check_docx(notice(page_field=code))
    assert codes(report) == expected, f"{code}: {show(report)}"


def test_the_unnumbered_label_is_named_and_sized():
    """The label's finding names the heading and the size Word draws it in: 五号 from the
    template's defaults (python-docx: 11 pt), not the 三号 of the heading's text."""
    report = check_docx(notice(headings=numbered_headings(False)))
    (size,) = [d for d in report.deviations if d.code == "size"]
    assert size.element == "一级标题" and size.actual == "11 磅", show(report)
    assert size.locations[0].excerpt.startswith("一、推荐名额"), show(report)


# -- on the page -----------------------------------------------------------------------------


@pytest.mark.render
def test_what_the_checker_reads_is_what_the_page_shows(tmp_path: Path):
    """LibreOffice's page: two full-width spaces, or a tab to a default stop of 630 twips, put
    the text two characters in, as an indent does (a stop of 720 twips 2.3 characters); a
    署名 and 成文日期 at right tab stops or in a table's cell end where the checker reads; an
    一、 numbered without the paragraph mark's font prints in 11 pt, narrower than the 三号
    一、 of a heading whose mark carries its font."""
    from wenshu.office.libreoffice import LibreOffice, read_pages

    files = {
        "indent": notice(),
        "spaces": notice(body=typed_spaces(2)),
        "tab": notice(body=tabbed(630)),
        "tab-720": notice(body=tabbed(None)),
        "tab-closing": notice(closing=tab_closing(1)),
        "table-closing": notice(closing=table_closing(1)),
        "labels": notice(headings=numbered_headings(False)),
        "labels-ok": notice(headings=numbered_headings(True)),
    }
    for name, data in files.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    with LibreOffice() as office:
        pdfs = office.convert([tmp_path / f"{name}.docx" for name in files], tmp_path)
    pages = {name: read_pages(pdfs[tmp_path / f"{name}.docx"])[0] for name in files}
    mm = 72 / 25.4
    left = 28 * mm

    def row(name: str, start: str, whole: bool = False):
        return next(
            r
            for r in pages[name].rows
            if (r.text.replace(" ", "") == start if whole else r.text.replace(" ", "").startswith(start))
        )

    for name in ("indent", "spaces", "tab"):
        body = row(name, "按照国家")
        assert abs(body.x0 - (left + 2 * CHAR_PT)) < 2, (name, body)
    assert abs(row("tab-720", "按照国家").x0 - (left + 36)) < 2  # 720 twips: 2.3 characters in
    # 署名 ending two characters short of the 版心's right edge, 成文日期 one, by tab stops or cells
    right_edge = (28 + 156) * mm
    for name in ("tab-closing", "table-closing"):
        signature, date = row(name, "河南省知识产权局", whole=True), row(name, "2023年8月1日", whole=True)
        assert abs(signature.x1 - (right_edge - 2 * CHAR_PT)) < 3, (name, signature)
        assert abs(date.x1 - (right_edge - CHAR_PT)) < 3, (name, date)
    # “一、” two characters of 11 pt instead of 16 pt: the heading's line is 10 pt shorter
    small, right = row("labels", "一、"), row("labels-ok", "一、")
    assert abs(right.x0 - small.x0) < 1 and (right.x1 - right.x0) - (small.x1 - small.x0) > 7, (small, right)


# -- margins that move: mirrored pages and the gutter ------------------------------------------


def paged(left: float, right: float, *, gutter: float = 0, top: float = 37, mirror: bool = False,
          at_top: bool = False, rtl: bool = False) -> bytes:  # fmt: skip
    """The notice on three pages, its margins (mm) set with mirrored margins (w:left the
    inside one), a gutter, the gutter at the top (settings) or on the right (the section)."""

    def long_body(d: Draft, text: str) -> None:
        if not getattr(d, "paged", False):  # the first body paragraph sets the page up
            d.paged = True
            s = d.doc.sections[0]
            s.left_margin, s.right_margin, s.top_margin, s.gutter = Mm(left), Mm(right), Mm(top), Mm(gutter)
            settings = d.doc.settings.element
            for flag, tag in ((mirror, "w:mirrorMargins"), (at_top, "w:gutterAtTop")):
                if flag:
                    settings.append(_el(tag))
            if rtl:
                s._sectPr.append(_el("w:rtlGutter"))
        for _ in range(5):
            d.para(text * 3, first=2)

    return notice(body=long_body)


@pytest.mark.parametrize(
    ("label", "kwargs", "expected"),
    [
        ("mirrored, 28 mm inside", {"left": 28, "right": 26, "mirror": True}, set()),
        ("mirrored, 26 mm inside", {"left": 26, "right": 28, "mirror": True}, {"margin-left"}),
        ("a 10 mm gutter on the left", {"left": 18, "right": 26, "gutter": 10}, set()),
        # ECMA-376 §17.15.1.50: the gutter adds to the top margin, not the left
        (
            "a 10 mm gutter at the top",
            {"left": 28, "right": 26, "gutter": 10, "top": 27, "at_top": True},
            set(),
        ),
        (
            "a gutter at the top, 天头 short",
            {"left": 28, "right": 26, "gutter": 5, "top": 27, "at_top": True},
            {"margin-top"},
        ),
        # mirrored margins put the gutter inside, whatever gutterAtTop says
        (
            "mirrored with a gutter",
            {"left": 20, "right": 26, "gutter": 8, "mirror": True, "at_top": True},
            set(),
        ),
        # §17.6.16 rtlGutter: the gutter on the right, the 订口 is w:left alone
        ("a gutter on the right", {"left": 28, "right": 16, "gutter": 10, "rtl": True}, set()),
    ],
)
def test_margins_as_the_pages_have_them(label, kwargs, expected):
    report = check_docx(paged(**kwargs))
    assert codes(report) == expected, f"{label}: {show(report)}"
    if expected == {"margin-left"} and kwargs.get("mirror"):
        assert "内侧" in report.deviations[0].message, show(report)


@pytest.mark.render
def test_mirrored_margins_on_the_page(tmp_path: Path):
    """LibreOffice moves an even page's 版心 2 mm left under mirrored margins (28 mm inside, 26
    outside) and puts the 天头 of a gutter at the top where the checker reads it (and prints a
    { page } field as the page number); `--render`
    measures each page against its own 版心, so a page number one character in from it is placed
    right (it reported 双页码 0.6 字 before); 26 mm inside is still found, on the page too."""
    from wenshu.check import check_files
    from wenshu.office.libreoffice import LibreOffice, read_pages

    files = {
        "plain": paged(28, 26),
        "mirror": paged(28, 26, mirror=True),
        "top": paged(28, 26, gutter=10, top=27, at_top=True),
        "bad": paged(26, 28, mirror=True),
        "lower": notice(page_field=" page "),
    }
    for name, data in files.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    with LibreOffice() as office:
        pdfs = office.convert([tmp_path / f"{name}.docx" for name in files], tmp_path / "pdf")
    pages = {name: read_pages(pdfs[tmp_path / f"{name}.docx"]) for name in files}
    mm = 72 / 25.4

    def first_row(name: str, number: int):
        return min(pages[name][number - 1].rows, key=lambda r: (r.y0, r.x0))

    assert len(pages["mirror"]) >= 3
    for number in (1, 2, 3):
        plain, mirror = first_row("plain", number), first_row("mirror", number)
        shift = plain.x0 - mirror.x0
        assert abs(shift - (0 if number % 2 else 2 * mm)) < 0.5, (number, plain, mirror)
        assert abs(first_row("top", number).y0 - plain.y0) < 0.5  # 27 + 10 mm is the 天头
    reports = dict(zip(files, check_files([tmp_path / f"{n}.docx" for n in files], render=True), strict=True))
    # a { page } field prints “— 1 —” as { PAGE } does
    assert [r.text for r in pages["lower"][0].rows if r.y0 > 750] == ["— 1 —"]
    for name in ("plain", "mirror", "top", "lower"):
        assert not {c for c in codes(reports[name]) if c.startswith(("margin", "render-page-number"))}, show(
            reports[name]
        )
    assert {"margin-left", "render-page-number-place"} <= codes(reports["bad"]), show(reports["bad"])


# -- a title in a text box -------------------------------------------------------------------

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def boxed_title(align: str = "center", font: str = "方正小标宋简体", width_mm: float = 156,
                floating: bool = True) -> bytes:  # fmt: skip
    """The notice with its title in a text box ``width_mm`` wide, without an outline, set in
    the title's place (floating, text wrapped top and bottom, or inline), aligned ``align``
    inside it."""
    title = "河南省知识产权局关于开展申报工作的通知"
    cx, cy = round(width_mm * 36000), 14 * 36000
    inner = (
        f'<w:p><w:pPr><w:spacing w:line="579" w:lineRule="exact"/><w:jc w:val="{align}"/></w:pPr><w:r><w:rPr>'
        f'<w:rFonts w:ascii="Times New Roman" w:eastAsia="{font}"/><w:spacing w:val="-5"/><w:sz w:val="44"/>'
        f"</w:rPr><w:t>{title}</w:t></w:r></w:p>"
    )
    graphic = (
        f'<a:graphic><a:graphicData uri="{_WPS}"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm>'
        f'<a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>"
        f'<wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx><wps:bodyPr lIns="0" tIns="0" rIns="0" '
        'bIns="0"/></wps:wsp></a:graphicData></a:graphic>'
    )
    frame = f'<wp:extent cx="{cx}" cy="{cy}"/>'
    shape = f'<wp:docPr id="9" name="title"/><wp:cNvGraphicFramePr/>{graphic}'
    drawing = (
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" behindDoc="0" '
        'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'{frame}<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f"<wp:wrapTopAndBottom/>{shape}</wp:anchor>"
        if floating
        else f'<wp:inline distT="0" distB="0" distL="0" distR="0">{frame}{shape}</wp:inline>'
    )
    spaces = f'{nsdecls("w")} xmlns:wp="{_WP}" xmlns:a="{_A}" xmlns:wps="{_WPS}"'
    run = parse_xml(f"<w:r {spaces}><w:drawing>{drawing}</w:drawing></w:r>")
    typed = Draft.para

    def para(self: Draft, text: str = "", *args: object, **kwargs: object):
        if text != title:
            return typed(self, text, *args, **kwargs)
        p = typed(self)
        p._p.append(copy.deepcopy(run))
        return p

    with mock.patch.object(Draft, "para", para):
        return notice()


@pytest.mark.parametrize(
    ("label", "kwargs", "expected"),
    [
        ("centred in a box as wide as the 版心", {}, set()),
        ("inline box", {"floating": False}, set()),
        # the title in a box was no title to the checker: neither its place nor its font was read
        ("set left in a box as wide as the 版心", {"align": "left"}, {"title-align"}),
        ("in 宋体", {"font": "宋体"}, {"font"}),
        # a narrow box is placed by itself: where its text stands inside it is not the page's
        ("set left in a box as wide as the text", {"align": "left", "width_mm": 137}, set()),
    ],
)
def test_a_title_in_a_text_box(label, kwargs, expected):
    report = check_docx(boxed_title(**kwargs))
    assert codes(report) == expected, f"{label}: {show(report)}"
    if expected:
        assert {d.element for d in report.deviations} == {"标题"}, show(report)


def _first_pages(files: dict[str, bytes], folder: Path) -> dict:
    """Page one of each .docx in ``files`` as LibreOffice lays it out (one run for all)."""
    from wenshu.office.libreoffice import LibreOffice, read_pages

    paths = {name: folder / f"{name}.docx" for name in files}
    for name, data in files.items():
        paths[name].write_bytes(data)
    with LibreOffice() as office:
        pdfs = office.convert(list(paths.values()), folder / "pdf")
    return {name: read_pages(pdfs[path])[0] for name, path in paths.items()}


@pytest.mark.render
def test_a_boxed_title_on_the_page(tmp_path: Path):
    """LibreOffice prints the title of a full-width box centred, and set left at the 版心's left
    edge when the box's paragraph says left, as the checker reads it."""
    files = {"centred": boxed_title(), "left": boxed_title(align="left")}
    pages = _first_pages(files, tmp_path)
    mm = 72 / 25.4
    for name in files:
        page = pages[name]
        row = next(r for r in page.rows if r.text.replace(" ", "").startswith("河南省知识产权局关于"))
        middle, centre = (row.x0 + row.x1) / 2, (28 + 78) * mm
        assert (abs(middle - centre) < 3) if name == "centred" else abs(row.x0 - 28 * mm) < 3, (name, row)


def attachment_section(first_page: bool) -> bytes:
    """The notice followed by an attachment in a section of its own (a new page) that takes the
    footers of the section before; with ``first_page`` that section has a different first page
    whose footer is empty, as Word leaves it when the box is ticked for the attachment."""
    typed = Draft.footers

    def footers(self: Draft, field: str = "PAGE") -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self.para("附件", "黑体")
        self.para("附件标题", "方正小标宋简体", 22, "c")
        self.para("附件正文。", first=2)
        typed(self, field)
        if first_page:
            section.different_first_page_header_footer = True
            section.first_page_footer.is_linked_to_previous = False

    Draft.footers = footers  # type: ignore[method-assign]
    try:
        return notice()
    finally:
        Draft.footers = typed  # type: ignore[method-assign]


def test_a_later_section_without_a_number_on_its_first_page():
    """LibreOffice prints no number on the attachment's first page of the second file (measured:
    page 2 bare, “— 2 —” without the different first page); the checker read only section 1's."""
    plain = codes(check_docx(attachment_section(False)))
    bare = check_docx(attachment_section(True))
    assert "first-page-number" not in plain
    assert codes(bare) - plain == {"first-page-number"}, show(bare)
    (dev,) = [d for d in bare.deviations if d.code == "first-page-number"]
    assert dev.locations[0].part == "第 2 节"


@pytest.mark.render
def test_the_bare_first_page_of_a_later_section_on_the_page(tmp_path: Path):
    """LibreOffice leaves the attachment's first page unnumbered when its section has a
    different first page with an empty footer, and numbers it (“— 2 —”) without."""
    from wenshu.office.libreoffice import LibreOffice, read_pages
    from wenshu.office.pages import PAGE_NUMBER, compact

    files = {"plain": attachment_section(False), "bare": attachment_section(True)}
    for name, data in files.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    with LibreOffice() as office:
        pdfs = office.convert([tmp_path / f"{name}.docx" for name in files], tmp_path / "pdf")
    numbers, first = {}, {}
    for name in files:
        pages = read_pages(pdfs[tmp_path / f"{name}.docx"])
        # the attachment's first page (the notice, its mark 35 mm down, may take two)
        first[name] = next(i for i, p in enumerate(pages) if any("附件标题" in r.text for r in p.rows))
        rows = pages[first[name]].rows
        numbers[name] = [r.text for r in rows if PAGE_NUMBER.match(compact(r.text))]
    assert numbers == {"plain": [f"— {first['plain'] + 1} —"], "bare": []}, numbers


# -- a mark in a frame ---------------------------------------------------------------------------


def framed_mark(**frame: object) -> bytes:
    """The notice with its mark in a frame (``w:framePr``, old Word's and WPS's way of placing
    a red header), the paragraph itself not aligned (left)."""
    typed = Draft.para

    def para(self: Draft, text: str = "", *args: object, **kwargs: object):
        p = typed(self, text, *args, **kwargs)
        if text == "河南省知识产权局文件":
            p.alignment = None
            p._p.get_or_add_pPr().insert(
                0, _el("w:framePr", wrap="around", vAnchor="text", hAnchor="margin", y=1, **frame)
            )
        return p

    with mock.patch.object(Draft, "para", para):
        return notice()


@pytest.mark.parametrize(
    ("label", "frame", "expected"),
    [
        # a frame as wide as its text stands where xAlign puts it (was read as 居左)
        ("a frame centred", {"xAlign": "center"}, set()),
        ("a frame set left", {"xAlign": "left"}, {"mark-align"}),
        # a frame as wide as the 版心: the paragraph's own alignment places the text in it
        ("a frame as wide as the 版心", {"xAlign": "center", "w": 8844}, {"mark-align"}),
    ],
)
def test_a_mark_in_a_frame(label, frame, expected):
    report = check_docx(framed_mark(**frame))
    assert codes(report) == expected, f"{label}: {show(report)}"


@pytest.mark.render
def test_a_framed_mark_on_the_page(tmp_path: Path):
    """LibreOffice centres the mark of a centred frame as wide as its text on the 版心, and sets
    it at the 版心's left edge in a frame set left or in a centred frame as wide as the 版心."""
    files = {
        "centred": framed_mark(xAlign="center"),
        "left": framed_mark(xAlign="left"),
        "wide": framed_mark(xAlign="center", w=8844),
    }
    pages = _first_pages(files, tmp_path)
    mm = 72 / 25.4
    for name in files:
        row = next(r for r in pages[name].rows if "知识产权局文件" in r.text)
        if name == "centred":
            assert abs((row.x0 + row.x1) / 2 - (28 + 78) * mm) < 2, (name, row)
        else:
            assert abs(row.x0 - 28 * mm) < 2, (name, row)


# -- page numbers placed by a positional tab or a frame -------------------------------------------


def placed_numbers(how: str, base: str, hidden: bool = False) -> bytes:
    """The three-page notice whose odd footer places its number another way: ``ptab`` a
    right-aligned absolute position tab (``w:ptab``) relative to the ``base`` (margin or
    indent) in a paragraph set left (in a ``hidden`` run: not on the page); ``frame`` a frame
    (``w:framePr``) set ``outside`` on the ``base`` (margin or page) in both footers. One
    character in: a 14 pt indent."""

    def footers(self: Draft, field: str = "PAGE") -> None:
        self.doc.settings.odd_and_even_pages_header_footer = True
        s = self.doc.sections[0]
        for footer, odd in ((s.footer, True), (s.even_page_footer, False)):
            p = footer.paragraphs[0]
            setattr(p.paragraph_format, "right_indent" if odd else "left_indent", Pt(14))
            if how == "frame":
                frame = _el("w:framePr", wrap="around", vAnchor="text", hAnchor=base, xAlign="outside", y=1)
                p._p.get_or_add_pPr().insert(0, frame)
            elif odd:
                tab = self.run(p, "", "宋体", 14)
                tab._element.append(_el("w:ptab", relativeTo=base, alignment="right", leader="none"))
                if hidden:
                    tab._element.get_or_add_rPr().append(_el("w:vanish"))
            self.page_number(p, field)

    with mock.patch.object(Draft, "footers", footers):
        return paged(28, 26)


@pytest.mark.parametrize(
    ("how", "base", "expected", "note"),
    [
        # §17.3.3.23: the number after a right ptab stands at the right (was read as 居左)
        ("ptab", "indent", set(), "位置制表符"),
        # relative to the margin the indent does not count: the number sits on the 版心's edge
        ("ptab", "margin", {"page-number-place"}, "位置制表符"),
        ("frame", "margin", set(), "图文框"),
        # a frame aligned on the paper's edge is not one character inside the 版心 (was passed)
        ("frame", "page", {"page-number-place"}, "图文框"),
    ],
)
def test_page_numbers_placed_by_a_tab_or_a_frame(how, base, expected, note):
    report = check_docx(placed_numbers(how, base))
    assert codes(report) == expected, f"{how} {base}: {show(report)}"
    assert any(note in n and "LibreOffice" in n for n in report.notes), report.notes


def test_a_hidden_positional_tab_places_no_page_number():
    # A ptab in a hidden run is not on the page (Reader.shown): the odd page's number stands at
    # the left where its paragraph is set. Was read as placed right by the tab, and passed.
    report = check_docx(placed_numbers("ptab", "indent", hidden=True))
    assert codes(report) == {"page-number-place"}, show(report)


@pytest.mark.render
def test_libreoffice_lays_a_ptab_and_a_footer_frame_its_own_way(tmp_path: Path):
    """What the notes say, on LibreOffice's pages: the right ptab is taken for a plain tab
    (the odd page's number at a default tab stop, mid-page, not at the 版心's right edge),
    and a footer's frame is not laid out (the number at the paragraph's own place, the left
    margin, though the frame says outside). Word places both as the checker reads them."""
    from wenshu.office.libreoffice import LibreOffice, read_pages

    paths = {}
    for how, base in (("ptab", "indent"), ("frame", "margin")):
        paths[how] = tmp_path / f"{how}.docx"
        paths[how].write_bytes(placed_numbers(how, base))
    with LibreOffice() as office:
        pdfs = office.convert(list(paths.values()), tmp_path / "pdf")
    mm = 72 / 25.4
    right_edge = (210 - 26) * mm
    for how, path in paths.items():
        pages = read_pages(pdfs[path])
        assert len(pages) >= 2
        number = next(r for r in pages[0].rows if r.text.replace(" ", "") == "—1—")
        if how == "ptab":
            assert 40 * mm < number.x0 and number.x1 < right_edge - 20 * mm, number
        else:
            assert abs(number.x0 - 28 * mm) < 2, number


def one_footer(x_align: str = "outside", base: str = "margin") -> bytes:
    """The three-page notice with a single footer (no even-page footer, “奇偶页不同” off) whose
    number stands in a frame set ``x_align`` on the ``base``, one character in on both sides
    (14 pt indents): Word's 页码—外侧 puts it at the right of odd pages and the left of even ones."""

    def footers(self: Draft, field: str = "PAGE") -> None:
        p = self.doc.sections[0].footer.paragraphs[0]
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)
        frame = _el("w:framePr", wrap="around", vAnchor="text", hAnchor=base, xAlign=x_align, y=1)
        p._p.get_or_add_pPr().insert(0, frame)
        self.page_number(p, field)

    with mock.patch.object(Draft, "footers", footers):
        return paged(28, 26)


@pytest.mark.parametrize(
    ("x_align", "base", "expected"),
    [
        # one footer alternates by itself: no even footer nor setting is needed (was “没有双页页脚”)
        ("outside", "margin", set()),
        # inside: odd pages' number at the left, even pages' at the right — both wrong
        ("inside", "margin", {"page-number-place"}),
        # set right, it does not alternate: the even pages need their own footer
        ("right", "margin", {"even-footer", "even-odd-setting"}),
    ],
)
def test_one_footer_whose_number_alternates(x_align, base, expected):
    report = check_docx(one_footer(x_align, base))
    assert codes(report) == expected, f"{x_align}: {show(report)}"
    places = [d for d in report.deviations if d.code == "page-number-place"]
    if x_align == "inside":
        assert {d.expected for d in places} == {"单页码居右空一字", "双页码居左空一字"}, show(report)


def test_an_unused_even_footer_beside_one_that_alternates():
    """An even-page footer with “奇偶页不同” off is not printed: the default footer's number in
    an outside frame is what even pages show, and the setting is said without the false claim
    that the even pages' number stands right."""
    docx = one_footer()
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    document = parts["word/document.xml"].decode()
    default = re.search(r'<w:footerReference [^>]*w:type="default"[^>]*/>', document).group(0)
    document = document.replace(default, default + default.replace('"default"', '"even"'))
    parts["word/document.xml"] = document.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    report = check_docx(out.getvalue())
    assert codes(report) == {"even-odd-setting"}, show(report)
    setting = next(d for d in report.deviations if d.code == "even-odd-setting")
    assert "居右" not in setting.message and "左右交替" in setting.message, setting.message


@pytest.mark.render
def test_one_outside_footer_on_the_page(tmp_path: Path):
    """LibreOffice does not lay the footer's frame out: every page's number stands at the
    paragraph's own place (the left margin plus its indent), where Word puts odd pages' at the
    right. ``check --render`` then leaves the side to the reading of the file (it said
    “距版心边 28.6 字” on page 1 of lawliet_test_notice, a place Word never shows) and still
    measures the number on every page and its height."""
    from wenshu.check import check_files
    from wenshu.office.libreoffice import LibreOffice, read_pages

    path = tmp_path / "outside.docx"
    path.write_bytes(one_footer())
    with LibreOffice() as office:
        pdf = office.convert([path], tmp_path / "pdf")[path]
    pages = read_pages(pdf)
    assert len(pages) >= 3
    mm = 72 / 25.4
    for page in pages:
        number = next(r for r in page.rows if re.fullmatch(r"—\d+—", r.text.replace(" ", "")))
        assert abs(number.x0 - (28 * mm + 14)) < 2, (page.number, number)
    report = check_files([path], render=True)[0]
    assert not {c for c in codes(report) if "page-number" in c}, show(report)
    assert report.measurements["pages"] == len(pages)
    assert any("check --render 不按排出的页判断页码左右位置" in n for n in report.notes), report.notes


def boxed_number(align: str = "outside", inset_pt: float = 14) -> bytes:
    """The three-page notice with a single footer whose number (a centred paragraph) stands in a
    DrawingML text box fitting its text (WPS's and Word's way), aligned ``align`` on the margin,
    its inner margins ``inset_pt`` on both sides."""

    def footers(self: Draft, field: str = "PAGE") -> None:
        p = self.doc.sections[0].footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.page_number(p, field)
        inset = round(inset_pt * 12700)
        box = parse_xml(
            f"<w:p {nsdecls('w', 'wp', 'a')} "
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:r><w:drawing>'
            '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
            'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="margin"><wp:align>{align}</wp:align></wp:positionH>'
            '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
            '<wp:extent cx="900000" cy="400000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
            '<wp:docPr id="9" name="文本框 1"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData '
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
            '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="900000" cy="400000"/>'
            '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
            "</wps:spPr><wps:txbx><w:txbxContent/></wps:txbx>"
            f'<wps:bodyPr wrap="none" lIns="{inset}" tIns="0" rIns="{inset}" bIns="0">'
            "<a:spAutoFit/></wps:bodyPr>"
            "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r></w:p>"
        )
        p._p.addprevious(box)
        next(box.iter(qn("w:txbxContent"))).append(p._p)

    with mock.patch.object(Draft, "footers", footers):
        return paged(28, 26)


@pytest.mark.parametrize(
    ("align", "inset", "expected"),
    [
        # aligned outside, one character in by its inner margins: right on odd pages, left on
        # even ones (was “没有双页页脚” and the centred paragraph read as 居中)
        ("outside", 14, set()),
        ("outside", 0, {"page-number-place"}),
        ("right", 14, {"even-footer", "even-odd-setting"}),
    ],
)
def test_a_number_in_a_text_box_aligned_outside(align, inset, expected):
    report = check_docx(boxed_number(align, inset))
    assert codes(report) == expected, f"{align} {inset}: {show(report)}"


@pytest.mark.render
def test_a_number_in_a_text_box_aligned_outside_on_the_page(tmp_path: Path):
    """LibreOffice sets a box aligned outside on the same side of every page (Word alternates
    it): ``check --render`` leaves its side to the reading of the file."""
    from wenshu.check import check_files
    from wenshu.office.libreoffice import LibreOffice, read_pages

    path = tmp_path / "boxed.docx"
    path.write_bytes(boxed_number())
    with LibreOffice() as office:
        pdf = office.convert([path], tmp_path / "pdf")[path]
    pages = read_pages(pdf)
    numbers = [next(r for r in p.rows if re.fullmatch(r"—\d+—", r.text.replace(" ", ""))) for p in pages]
    assert len(numbers) >= 3 and max(n.x0 for n in numbers) - min(n.x0 for n in numbers) < 1, numbers
    report = check_files([path], render=True)[0]
    assert not {c for c in codes(report) if "page-number" in c}, show(report)


# -- the page number's height: the footer distance -------------------------------------------------


def footer_at(distance_mm: float, blank_below: bool = False) -> bytes:
    """The notice with its footers ``distance_mm`` from the paper's edge (35 mm bottom
    margin): 25 mm puts the dash 7 mm under the 版心, Word's default 12.7 mm about 19 mm."""
    typed = Draft.footers

    def footers(self: Draft, field: str = "PAGE") -> None:
        typed(self, field)
        self.doc.sections[0].footer_distance = Mm(distance_mm)
        if blank_below:
            self.doc.sections[0].footer.add_paragraph()
            self.doc.sections[0].even_page_footer.add_paragraph()

    with mock.patch.object(Draft, "footers", footers):
        return notice()


@pytest.mark.parametrize(
    ("label", "distance", "blank", "expected"),
    [
        ("25 mm", 25, False, set()),
        # Word's default footer distance leaves the number ~19 mm under the 版心 (was passed)
        ("12.7 mm", 12.7, False, {"page-number-gap"}),
        ("30 mm", 30, False, {"page-number-gap"}),
        # an empty paragraph under the number (python-docx's Normal: 11 pt Calibri at 1.15 lines
        # and 10 pt after) lifts it 8.7 mm: 10.7 mm under the 版心 (was not estimated)
        ("12.7 mm, a blank line under it", 12.7, True, {"page-number-gap"}),
        ("16.4 mm, a blank line under it", 16.4, True, set()),
        ("25 mm, a blank line under it", 25, True, {"page-number-gap"}),
    ],
)
def test_the_footer_distance_places_the_page_number(label, distance, blank, expected):
    report = check_docx(footer_at(distance, blank))
    assert codes(report) == expected, f"{label}: {show(report)}"


def test_a_page_number_in_a_text_box_is_not_estimated_from_the_footer():
    """WPS puts the number in a text box anchored in the footer: the box's offset places it,
    not the footer distance, so the estimate would contradict the page (``--render`` measures it)."""
    docx = footer_at(30)
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    for name in [n for n in parts if n.startswith("word/footer") and b"PAGE" in parts[n]]:
        xml = parts[name].decode()
        start, end = re.search(r"<w:p[ >]", xml).start(), xml.rindex("</w:p>") + 6
        box = (
            '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
            'style="width:100pt;height:20pt">'
            f"<v:textbox><w:txbxContent>{xml[start:end]}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
        )
        parts[name] = (xml[:start] + box + xml[end:]).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    assert "page-number-gap" in codes(check_docx(docx))
    assert "page-number-gap" not in codes(check_docx(out.getvalue()))


@pytest.mark.render
def test_the_page_number_height_on_the_page(tmp_path: Path):
    """The estimate from the footer distance is what LibreOffice's page shows, within 1 mm:
    the dash's top edge under the 版心, as ``check --render`` measures it — and said once,
    from the page (the estimate, made without it, is dropped)."""
    from wenshu.check import check_files

    paths = []
    for distance in (12.7, 20.0, 25.0):
        paths.append(tmp_path / f"footer-{distance}.docx")
        paths[-1].write_bytes(footer_at(distance))
    reports = check_files(paths, render=True)
    for distance, report in zip((12.7, 20.0, 25.0), reports, strict=True):
        estimate = 35 - distance - 2.9
        measured = [
            d for d in report.deviations if d.code == "render-page-number-place" and "下边缘" in d.message
        ]
        if abs(estimate - 7) <= 2:
            assert not measured and "page-number-gap" not in report.codes, show(report)
        else:
            assert measured and "page-number-gap" not in report.codes, show(report)
            assert "page-number-gap" in check_docx(footer_at(distance)).codes
            value = float(re.search(r"[\d.]+", measured[0].actual).group())
            assert abs(value - estimate) < 1, (distance, value, estimate)


def footer_of(size: float = 14, multiple: float = 1, after: float = 0, below: tuple = ()) -> bytes:
    """The notice with its footers 12.7 mm from the paper's edge holding a ``size`` pt number on
    lines ``multiple`` times single, ``after`` pt after it, and under it one paragraph for each
    ``(text, font, size)`` of ``below`` (an empty one marked in that font and size when no text)."""

    def footers(self: Draft, field: str = "PAGE") -> None:
        self.doc.settings.odd_and_even_pages_header_footer = True
        s = self.doc.sections[0]
        s.footer_distance = Mm(12.7)
        for footer in (s.footer, s.even_page_footer):
            p = footer.paragraphs[0]
            self.run(p, "— ", "宋体", size)
            for el in (_el("w:fldChar", fldCharType="begin"), None, _el("w:fldChar", fldCharType="end")):
                r = self.run(p, "", "宋体", size)
                if el is None:
                    el = OxmlElement("w:instrText")
                    el.text = "PAGE"
                r._element.append(el)
            self.run(p, " —", "宋体", size)
            p.paragraph_format.line_spacing = multiple
            p.paragraph_format.space_after = Pt(after)
            for text, font, mark_size in below:
                q = footer.add_paragraph(style=p.style)
                if text:
                    self.run(q, text, font, mark_size)
                else:
                    mark = _el("w:rPr")
                    mark.append(_el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font))
                    mark.append(_el("w:sz", val=round(mark_size * 2)))
                    q._p.get_or_add_pPr().append(mark)

    with mock.patch.object(Draft, "footers", footers):
        return notice()


#: Footers other offices write, and the gap LibreOffice prints (mm, 12.7 mm footer distance).
MADE_UP_FOOTERS = {
    "小四": {"size": 12},
    "三号": {"size": 16},
    "1.5 倍行距": {"multiple": 1.5},
    "双倍行距, 三号": {"size": 16, "multiple": 2},
    "段后 10 磅": {"after": 10},
    "下有宋体空行": {"below": (("", "宋体", 14),)},
    "下有两个仿宋空行": {"below": (("", "仿宋_GB2312", 16), ("", "仿宋_GB2312", 16))},
    "下有 Times New Roman 空行": {"below": (("", "Times New Roman", 16),)},
    "下有一行小四文字": {"below": (("（内部资料）", "宋体", 12),)},
    "下有三个 Times New Roman 空行": {"below": (("", "Times New Roman", 16),) * 3},
}


def test_the_gap_estimate_follows_the_footer():
    """The number's size, its line spacing, its space after and every line under it move the
    dash (one 四号 line at 12.7 mm was the only case the estimate knew: 19.4 mm for all)."""
    gaps = {}
    for label, kwargs in MADE_UP_FOOTERS.items():
        report = check_docx(footer_of(**kwargs))
        found = [d.actual for d in report.deviations if d.code == "page-number-gap"]
        gaps[label] = float(re.search(r"[\d.]+", found[0]).group()) if found else None
    assert gaps == {
        "小四": 19.8,
        "三号": 19.0,
        "1.5 倍行距": 17.2,
        "双倍行距, 三号": 14.0,
        "段后 10 磅": 15.9,
        "下有宋体空行": 12.3,
        "下有两个仿宋空行": 3.1,
        "下有 Times New Roman 空行": 12.8,
        "下有一行小四文字": 13.3,
        "下有三个 Times New Roman 空行": 0.2,
    }, gaps


@pytest.mark.render
def test_the_gap_estimate_against_the_page(tmp_path: Path):
    """Each made-up footer's estimate is what LibreOffice prints within 1 mm: the dash's top
    edge under the 版心 read off the page image, as ``check --render`` measures it. A number
    lifted to the 版心's foot is measured there (it was taken for no number at all)."""
    from wenshu.check import analyse, check_files
    from wenshu.check.rules.page_numbers import dash_above_footer_foot_mm

    paths = {}
    for n, (label, kwargs) in enumerate(MADE_UP_FOOTERS.items()):
        paths[label] = tmp_path / f"footer-{n}.docx"
        paths[label].write_bytes(footer_of(**kwargs))
    reports = check_files(list(paths.values()), render=True)
    for (label, path), report in zip(paths.items(), reports, strict=True):
        _, doc = analyse(path)
        part = doc.sections[0].refs[("footer", "default")]
        paras = doc.part_paragraphs(part, "页脚（单页）")
        estimate = 35 - 12.7 - dash_above_footer_foot_mm(doc, paras, paras[0])
        assert "render-page-number" not in report.codes, (label, show(report))
        measured = [
            float(re.search(r"[\d.]+", d.actual).group())
            for d in report.deviations
            if d.code == "render-page-number-place" and "下边缘" in d.message
        ]
        if abs(estimate - 7) > 2 + 1:  # off by more than the slack: the page says how far
            assert measured and abs(measured[0] - estimate) < 1, (label, measured, estimate)
        elif not measured:
            assert abs(estimate - 7) < 2 + 1, (label, estimate)


# -- a title typed as one line, wider than the 版心 ----------------------------------------------


def one_line_title(title: str) -> bytes:
    """The notice with ``title`` typed as one paragraph, no line break of its own."""
    typed = Draft.para

    def para(self: Draft, text: str = "", *args: object, **kwargs: object):
        if text == "河南省知识产权局关于开展申报工作的通知":
            text = title
        return typed(self, text, *args, **kwargs)

    with mock.patch.object(Draft, "para", para):
        return notice()


LONG_TITLE = "河南省知识产权局关于开展示范县建设试点申报工作的通知"
DIGITS_TITLE = "关于表彰全市安全生产先进单位和个人的2025年度工作决定"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("河南省知识产权局关于开展申报工作的通知", set()),
        # 27 二号 characters: the page wraps it after the 20th, inside 申报 (was passed: only
        # titles broken by hand were judged)
        (LONG_TITLE, {"title-break"}),
        # a number goes down whole: “…个人的 / 2025年度工作决定” breaks between words (was “025年”)
        (DIGITS_TITLE, set()),
    ],
)
def test_a_title_too_long_for_one_line_wraps_where_its_width_says(title, expected):
    report = check_docx(one_line_title(title))
    assert codes(report) == expected, show(report)
    if expected:
        assert "“申报”" in report.deviations[0].actual, show(report)


def test_a_title_in_two_columns_is_not_wrapped_at_the_full_width():
    """A section in two columns wraps the title at its column, not the 版心: the estimate at
    the full width named another word than the page broke (said twice under --render); the
    columns are reported (§5.2.3) and the wrap left to the page."""
    with zipfile.ZipFile(io.BytesIO(one_line_title(LONG_TITLE))) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["word/document.xml"].decode()
    assert "<w:cols " in xml or "<w:cols/>" in xml
    parts["word/document.xml"] = re.sub(r"<w:cols[^>]*/>", '<w:cols w:num="2" w:space="425"/>', xml).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    found = codes(check_docx(out.getvalue()))
    assert "columns" in found and "title-break" not in found


@pytest.mark.render
def test_the_wrapped_title_on_the_page(tmp_path: Path):
    """LibreOffice wraps the one-line title where the checker says: its first printed line
    is the first 20 characters."""
    pages = _first_pages(
        {"long": one_line_title(LONG_TITLE), "digits": one_line_title(DIGITS_TITLE)}, tmp_path
    )
    rows = [r.text.replace(" ", "") for r in pages["long"].rows]
    assert LONG_TITLE[:20] in rows and LONG_TITLE[20:] in rows, rows[:8]
    rows = [r.text.replace(" ", "") for r in pages["digits"].rows]
    cut = DIGITS_TITLE.index("2025")
    assert DIGITS_TITLE[:cut] in rows and DIGITS_TITLE[cut:] in rows, rows[:8]


@pytest.mark.parametrize(("inset", "said"), [("0,0,0,0", False), ("14pt,0,14pt,0", True)])
def test_a_vml_text_box_with_no_inner_margin_is_read_so(inset, said):
    """A page number in a VML text box set outside, “　— N —　” (one character in): an inset
    of 0 is no margin — it was read as VML's default 0.1 in and said “缩进 1.5 字” — while a
    margin of 14 pt moves the number off its place."""

    def footers(self, field="PAGE"):
        p = self.doc.sections[0].footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.page_number(p, field)
        space = p.add_run("\u3000")._r
        p._p.remove(space)
        p._p.insert(1 if p._p.pPr is not None else 0, space)
        p.add_run("\u3000")
        box = parse_xml(
            f'<w:p {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:pict>'
            '<v:shape id="b" type="#_x0000_t202" stroked="f" filled="f" style="position:absolute;'
            "margin-top:0;width:70pt;height:30pt;z-index:1;mso-position-horizontal:outside;"
            'mso-position-horizontal-relative:margin">'
            f'<v:textbox style="mso-fit-shape-to-text:t" inset="{inset}"><w:txbxContent/></v:textbox>'
            "</v:shape></w:pict></w:r></w:p>"
        )
        p._p.addprevious(box)
        next(box.iter(qn("w:txbxContent"))).append(p._p)

    with mock.patch.object(Draft, "footers", footers):
        report = check_docx(paged(28, 26))
    assert ("page-number-place" in codes(report)) is said, show(report)
