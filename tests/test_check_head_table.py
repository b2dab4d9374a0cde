"""A 版头 built as a table (as many offices do): the red 发文机关标志 in one cell, the 发文字号 in the
next row or cell, the red 分隔线 drawn as a cell's bottom border. ``wenshu check`` once read
only flowing paragraphs as the 版头, said “看不出是一份完整的公文” and skipped the mark, number
and rule checks; built here with python-docx the way such files are made."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from wenshu import layout as L
from wenshu.check import check_docx, check_files
from wenshu.check.reading.model import read_document
from wenshu.check.recognise import recognise
from wenshu.check.rules.head import TABLE_RULE_NOTE
from wenshu.importing.fix import fix_file, import_docx

from .test_check import codes, show
from .test_check_misses import a4_page

NOT_A_DOCUMENT = "看不出是一份完整的公文"


def _text(cell_or_par, text: str, size: float, font: str, red: bool = False) -> None:
    par = cell_or_par.paragraphs[0] if hasattr(cell_or_par, "paragraphs") else cell_or_par
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = par.add_run(text)
    run.font.size = Pt(size)
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if red:
        run.font.color.rgb = RGBColor(0xFF, 0, 0)


def _border(cell, side: str = "bottom", color: str = "FF0000") -> None:
    cell._tc.get_or_add_tcPr().append(
        parse_xml(
            f'<w:tcBorders {nsdecls("w")}><w:{side} w:val="single" w:sz="12" '
            f'w:color="{color}"/></w:tcBorders>'
        )
    )


def head_table_notice(
    tmp_path: Path,
    *,
    mark_red: bool = True,
    number: str = "示知〔2024〕3号",
    rule_color: str | None = "FF0000",
    rule_under_mark: bool = False,
    signer: bool = False,
    table_text: str | None = None,
    name: str = "head_table",
    width_mm: float | None = None,
    rule_on_next_row: bool = False,
) -> Path:
    """A 通知 on A4 whose 版头 is a table: the mark in row 1, the 发文字号 in row 2 (beside a
    签发人 cell with ``signer``), the rule the bottom border of row 2 (of row 1 with
    ``rule_under_mark``; with ``rule_on_next_row`` the top border of an empty third row).
    ``table_text`` puts an ordinary line in the table instead of the number."""
    doc = Document()
    a4_page(doc)
    table = doc.add_table(rows=3 if rule_on_next_row else 2, cols=2 if signer else 1)
    if signer:
        table.cell(0, 0).merge(table.cell(0, 1))
    _text(table.cell(0, 0), "示例市知识产权局文件", 36, "方正小标宋简体", red=mark_red)
    _text(table.cell(1, 0), table_text or number, 16, "仿宋_GB2312")
    if signer:
        _text(table.cell(1, 1), "签发人：张三", 16, "仿宋_GB2312")
    if rule_color and rule_on_next_row:
        for cell in table.rows[2].cells:
            _border(cell, side="top", color=rule_color)
    elif rule_color:
        for cell in table.rows[0 if rule_under_mark else 1].cells:
            _border(cell, color=rule_color)
    if width_mm is not None:  # the grid says how wide the table (and its borders) are drawn
        table._tbl.tblGrid.gridCol_lst[0].w = Mm(width_mm)
    doc.add_paragraph()
    _text(
        doc.add_paragraph(),
        "关于开展知识产权强县建设试点工作的" + ("请示" if signer else "通知"),
        22,
        "方正小标宋简体",
    )
    doc.add_paragraph("各县（市、区）知识产权局：")
    body = doc.add_paragraph("为深入贯彻落实知识产权强国建设纲要，现就有关事项通知如下。")
    body.paragraph_format.first_line_indent = Pt(32)
    for text in ("示例市知识产权局", "2024年3月1日"):
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path = tmp_path / f"{name}.docx"
    doc.save(path)
    return path


def test_a_head_table_gives_the_mark_and_number_their_roles(tmp_path: Path):
    path = head_table_notice(tmp_path)
    items = recognise(read_document(path)).paragraphs
    roles = {item.text.strip(): item.role for item in items if item.text.strip()}
    assert roles["示例市知识产权局文件"] == "mark"
    assert roles["示知〔2024〕3号"] == "doc-number"
    assert roles["关于开展知识产权强县建设试点工作的通知"] == "title"
    assert roles["各县（市、区）知识产权局："] == "recipients"
    report = check_docx(path)
    assert not any(NOT_A_DOCUMENT in n for n in report.notes), report.notes
    # The red bottom border of the number's cell is the 分隔线; its place is the table's to say.
    assert not codes(report) & {"rule-missing", "rule-color", "rule-width", "rule-place"}, show(report)
    assert TABLE_RULE_NOTE in report.notes


def test_the_head_table_rules_judge_what_they_can(tmp_path: Path):
    report = check_docx(
        head_table_notice(tmp_path, mark_red=False, number="示知[2024]3号", rule_color="000000")
    )
    found = codes(report)
    assert {"mark-color", "doc-number", "rule-color"} <= found, show(report)


def test_a_head_table_rule_narrower_than_the_type_area(tmp_path: Path):
    report = check_docx(head_table_notice(tmp_path, width_mm=100))
    width = [d for d in report.deviations if d.code == "rule-width"]
    assert width and width[0].actual == "100.0 mm", show(report)
    assert "rule-width" not in codes(check_docx(head_table_notice(tmp_path, name="full")))


def test_a_rule_drawn_as_the_next_rows_top_border(tmp_path: Path):
    # The row under the number given a top border draws the same line as the number's bottom
    # border: it was “找不到发文字号下的红色分隔线”.
    report = check_docx(head_table_notice(tmp_path, rule_on_next_row=True))
    assert not codes(report) & {"rule-missing", "rule-color", "rule-width", "rule-place"}, show(report)
    assert TABLE_RULE_NOTE in report.notes
    black = check_docx(head_table_notice(tmp_path, rule_on_next_row=True, rule_color="000000", name="black"))
    assert "rule-color" in codes(black), show(black)


def test_a_red_border_over_the_number_prints_above_it(tmp_path: Path):
    report = check_docx(head_table_notice(tmp_path, rule_under_mark=True))
    rule = [d for d in report.deviations if d.code == "rule-place"]
    assert rule and rule[0].actual == "在发文字号之上", show(report)


def test_a_head_table_without_a_rule_is_told(tmp_path: Path):
    assert "rule-missing" in codes(check_docx(head_table_notice(tmp_path, rule_color=None)))


def test_a_number_beside_its_signer_in_a_two_column_head_table(tmp_path: Path):
    path = head_table_notice(tmp_path, signer=True)
    report = check_docx(path)
    found = codes(report)
    # Each cell places its text by the columns: the number's centring in its cell is no fault,
    # and “签发人：张三” alone in its cell is no malformed 发文字号.
    assert not found & {"doc-number", "doc-number-align", "signer-missing", "head-missing"}, show(report)
    assert recognise(read_document(path)).signer == "张三"


def test_an_ordinary_table_at_the_top_is_no_head(tmp_path: Path):
    path = head_table_notice(tmp_path, table_text="2024年度试点县名单如下")
    roles = {i.text.strip(): i.role for i in recognise(read_document(path)).paragraphs if i.text.strip()}
    assert roles["示例市知识产权局文件"] == "table"


@pytest.mark.render
def test_render_agrees_with_the_page_on_a_head_table(tmp_path: Path):
    good = head_table_notice(tmp_path)
    above = head_table_notice(tmp_path, rule_under_mark=True, name="above")
    good_report, above_report = check_files([good, above], render=True)
    assert good_report.render_error is None, good_report.render_error
    assert "render-rule-place" not in good_report.codes, show(good_report)
    assert TABLE_RULE_NOTE not in good_report.notes  # measured on the page instead
    assert "rule-place" in above_report.codes


def test_import_and_fix_keep_a_head_table(tmp_path: Path):
    source = head_table_notice(tmp_path, signer=True)
    imported = import_docx(source.read_bytes(), source.name)
    found = imported.report.found
    assert found["发文机关标志"] == "示例市知识产权局文件"
    assert found["发文字号"] == "示知〔2024〕3号" and found["签发人"] == "张三"
    assert found["标题"] == "关于开展知识产权强县建设试点工作的请示"
    assert "table:" not in imported.yaml  # the 版头 is not kept as a table of the body
    fix_file(head_table_notice(tmp_path), tmp_path / "out", paginate=False)
    rebuilt = check_docx(tmp_path / "out" / "head_table.docx")
    assert not any(NOT_A_DOCUMENT in n for n in rebuilt.notes), rebuilt.notes
    assert "示知〔2024〕3号" in (tmp_path / "out" / "head_table.md").read_text(encoding="utf-8")


MARK = "示例省知识产权局"


@pytest.mark.parametrize(
    "rows",
    [
        # the mark beside the number, the 密级 beside the 签发人: each cell is a 版头 part of its own
        [[MARK, "示知〔2023〕38号"], ["秘密★1年", "签发人：张三"]],
        # the usual layout: 份号 and 紧急程度 over the mark, the number beside its 签发人
        [["000123", "秘密★1年"], [MARK, ""], ["示知〔2023〕38号", "签发人：张三"]],
    ],
)
def test_import_places_each_cell_of_a_head_table_row(tmp_path: Path, rows: list[list[str]]):
    doc = Document()
    a4_page(doc)
    table = doc.add_table(rows=len(rows), cols=2)
    for cells, row in zip(rows, table.rows, strict=True):
        for text, cell in zip(cells, row.cells, strict=True):
            if text:
                _text(cell, text, 36 if text == MARK else 16, "仿宋_GB2312", red=text == MARK)
    _text(doc.add_paragraph(), "关于开展示例工作的通知", 22, "方正小标宋简体")
    doc.add_paragraph("各市知识产权局：")
    doc.add_paragraph("现将有关事项通知如下。")
    for text in (MARK, "2023年8月1日"):
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path = tmp_path / "head_rows.docx"
    doc.save(path)
    roles: dict[str, str] = {}  # the first paragraph of each text: the mark, not the signature
    for item in recognise(read_document(path)).paragraphs:
        roles.setdefault(item.text.strip(), item.role)
    assert roles[MARK] == "mark" and roles["秘密★1年"] == "head-info", roles
    assert roles["示知〔2023〕38号"] == roles["签发人：张三"] == "doc-number", roles
    imported = import_docx(path.read_bytes(), path.name)
    found = imported.report.found
    assert found["发文机关标志"] == MARK and found["密级"] == "秘密★1年"
    assert found["发文字号"] == "示知〔2023〕38号" and found["签发人"] == "张三"
    assert "未能归位" not in imported.yaml and "kind: notice" in imported.yaml, imported.yaml


def letter_head_table(
    tmp_path: Path,
    *,
    number: str = "示知〔2024〕3号",
    style: str = "thickThinSmallGap",
    width_mm: float = 170,
    name: str = "letter_table",
) -> Path:
    """A 函 in 信函格式 whose 版头 is a table 170 mm wide, centred: the red mark (no “文件”) in row
    1 over a red double bottom border, the 发文字号 flush right in row 2 (§10.1); the lower double
    rule the first page footer's top border."""
    doc = Document()
    a4_page(doc)
    table = doc.add_table(rows=2, cols=1)
    table._tbl.tblGrid.gridCol_lst[0].w = Mm(width_mm)
    table._tbl.tblPr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="center"/>'))
    _text(table.cell(0, 0), "示例市知识产权局", 36, "方正小标宋简体", red=True)
    table.cell(0, 0)._tc.get_or_add_tcPr().append(
        parse_xml(
            f'<w:tcBorders {nsdecls("w")}><w:bottom w:val="{style}" w:sz="24" '
            'w:color="FF0000"/></w:tcBorders>'
        )
    )
    _text(table.cell(1, 0), number, 16, "仿宋_GB2312")
    table.cell(1, 0).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()
    _text(doc.add_paragraph(), "关于商请支持知识产权强县建设试点工作的函", 22, "方正小标宋简体")
    doc.add_paragraph("示例省知识产权局：")
    doc.add_paragraph("为深入贯彻落实知识产权强国建设纲要，现就有关事项函商如下。")
    for text in ("示例市知识产权局", "2024年3月1日"):
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    foot = section.first_page_footer.paragraphs[0]
    overhang = Mm((L.LETTER_RULE_WIDTH_MM - L.TEXT_WIDTH_MM) / 2)
    foot.paragraph_format.left_indent = foot.paragraph_format.right_indent = -overhang
    foot._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:top w:val="thickThinSmallGap" w:sz="24" w:color="FF0000"/></w:pBdr>'
        )
    )
    path = tmp_path / f"{name}.docx"
    doc.save(path)
    return path


def test_a_letter_head_table(tmp_path: Path):
    # The 170 mm red double border under the mark's row is the 信函格式's upper rule: the file
    # was read as 文件格式 (“发文字号位置不符：居右，应为居中”, “分隔线在发文字号之上”), or, with
    # 函 in the number, “找不到上红色双线”.
    for number in ("示知〔2024〕3号", "示知函〔2024〕3号"):
        path = letter_head_table(tmp_path, number=number)
        report = check_docx(path)
        assert report.measurements["format"] == "letter", number
        assert not codes(report) & {
            "letter-rule",
            "letter-rule-style",
            "rule-width",
            "rule-place",
            "doc-number-align",
            "rule-missing",
        }, show(report)
    wrong = check_docx(
        letter_head_table(tmp_path, number="示知函〔2024〕3号", style="thinThickSmallGap", width_mm=156)
    )
    assert {"letter-rule-style", "rule-width"} <= codes(wrong), show(wrong)


def _red_filled_table(doc, height_mm: float, width_mm: float = 156, text: str | None = None) -> None:
    """A one-cell table filled red, its row ``height_mm`` high exactly: a bar (no text) or a
    banner with the mark reversed out of it in white."""
    table = doc.add_table(rows=1, cols=1)
    table._tbl.tblGrid.gridCol_lst[0].w = Mm(width_mm)
    cell = table.cell(0, 0)
    cell._tc.get_or_add_tcPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="FF0000"/>')
    )
    table.rows[0]._tr.get_or_add_trPr().append(
        parse_xml(f'<w:trHeight {nsdecls("w")} w:val="{L.mm_to_twips(height_mm)}" w:hRule="exact"/>')
    )
    if text:
        _text(cell, text, 36, "方正小标宋简体")
        cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    else:
        cell.paragraphs[0].paragraph_format.line_spacing = Pt(1)


def _banner_notice(tmp_path: Path, name: str, *, bar_mm: float | None = None, banner: bool = False) -> Path:
    doc = Document()
    a4_page(doc)
    if banner:
        _red_filled_table(doc, 20, text="示例市知识产权局文件")
    else:
        _text(doc.add_paragraph(), "示例市知识产权局文件", 36, "方正小标宋简体", red=True)
    doc.add_paragraph()
    _text(doc.add_paragraph(), "示知〔2024〕3号", 16, "仿宋_GB2312")
    if bar_mm is not None:
        _red_filled_table(doc, 1, width_mm=bar_mm)
    doc.add_paragraph()
    _text(doc.add_paragraph(), "关于开展知识产权强县建设试点工作的通知", 22, "方正小标宋简体")
    doc.add_paragraph("各县（市、区）知识产权局：")
    doc.add_paragraph("为深入贯彻落实知识产权强国建设纲要，现就有关事项通知如下。")
    for text in ("示例市知识产权局", "2024年3月1日"):
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path = tmp_path / f"{name}.docx"
    doc.save(path)
    return path


def test_a_red_bar_table_under_the_number_is_the_rule(tmp_path: Path):
    # A one-cell table filled red, 1 mm high, prints as the red 分隔线 under the number: it was
    # “找不到发文字号下的红色分隔线”.
    report = check_docx(_banner_notice(tmp_path, "bar", bar_mm=156))
    assert not codes(report) & {"rule-missing", "rule-color", "rule-width"}, show(report)
    narrow = check_docx(_banner_notice(tmp_path, "narrow", bar_mm=120))
    width = [d for d in narrow.deviations if d.code == "rule-width"]
    assert width and width[0].actual == "120.0 mm", show(narrow)


def test_import_reads_past_a_red_bar_table(tmp_path: Path):
    # The bar cut the 版头 from the title: imported as a 通用文书 with the mark and number kept as
    # lines, an empty table in the body and the title 【待补】.
    source = _banner_notice(tmp_path, "bar", bar_mm=156)
    imported = import_docx(source.read_bytes(), source.name)
    found = imported.report.found
    assert found["发文机关标志"] == "示例市知识产权局文件" and found["发文字号"] == "示知〔2024〕3号"
    assert found["标题"] == "关于开展知识产权强县建设试点工作的通知"
    assert "table:" not in imported.yaml and "kind: notice" in imported.yaml, imported.yaml


def test_a_red_shaded_empty_paragraph_under_the_number_is_the_rule(tmp_path: Path):
    # WPS's and Word's 底纹 on an empty paragraph 2 pt high prints a red band across the 版心
    # under the number (seen on LibreOffice's page): it was “找不到发文字号下的红色分隔线”.
    doc = Document()
    a4_page(doc)
    _text(doc.add_paragraph(), "示例市知识产权局文件", 36, "方正小标宋简体", red=True)
    _text(doc.add_paragraph(), "示知〔2024〕3号", 16, "仿宋_GB2312")
    bar = doc.add_paragraph()
    bar._p.get_or_add_pPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="FF0000"/>')
    )
    bar.paragraph_format.line_spacing = Pt(2)
    _text(doc.add_paragraph(), "关于开展知识产权强县建设试点工作的通知", 22, "方正小标宋简体")
    path = tmp_path / "shaded.docx"
    doc.save(path)
    report = check_docx(path)
    assert not codes(report) & {"rule-missing", "rule-color", "rule-width"}, show(report)


def test_a_mark_reversed_out_of_a_red_banner(tmp_path: Path):
    # The organ's name in white on a red-filled cell is the 发文机关标志 a reader sees (it was
    # “版头缺少发文机关标志”); it is not red itself, and no rule stands under the number.
    path = _banner_notice(tmp_path, "banner", banner=True)
    roles = {i.text.strip(): i.role for i in recognise(read_document(path)).paragraphs if i.text.strip()}
    assert roles["示例市知识产权局文件"] == "mark"
    report = check_docx(path)
    assert "head-missing" not in codes(report), show(report)
    color = [d for d in report.deviations if d.code == "mark-color"]
    assert color and color[0].actual == "FFFFFF 字，FF0000 底", show(report)
    assert "rule-missing" in codes(report)


@pytest.mark.render
def test_render_reads_a_banner_as_no_rule(tmp_path: Path):
    # The 20 mm red banner crosses the 版心 above the number: on the page it is the mark's ground,
    # not a 分隔线 “在发文字号之上”; the thin red bar under the number is the rule.
    banner, bar = check_files(
        [_banner_notice(tmp_path, "banner", banner=True), _banner_notice(tmp_path, "bar", bar_mm=156)],
        render=True,
    )
    assert banner.render_error is None and bar.render_error is None
    assert "render-rule-place" not in banner.codes, show(banner)
    assert "rule-missing" in banner.codes
    assert not set(bar.codes) & {"render-rule-place", "rule-missing"}, show(bar)


def _marked_notice(tmp_path: Path, name: str, before_mm: float) -> Path:
    """A 通知 whose mark is its first paragraph, ``before_mm`` of space before it, lines exact."""
    doc = Document()
    a4_page(doc)
    mark = doc.add_paragraph()
    _text(mark, "示例市知识产权局文件", 36, "方正小标宋简体", red=True)
    mark.paragraph_format.space_before = Mm(before_mm)
    mark.paragraph_format.line_spacing = Pt(40)
    doc.add_paragraph()
    _text(doc.add_paragraph(), "示知〔2024〕3号", 16, "仿宋_GB2312")
    _text(doc.add_paragraph(), "关于开展知识产权强县建设试点工作的通知", 22, "方正小标宋简体")
    doc.add_paragraph("各县（市、区）知识产权局：")
    path = tmp_path / f"{name}.docx"
    doc.save(path)
    return path


def test_the_marks_distance_from_the_type_area_top(tmp_path: Path):
    # §7.2.4: the mark's top edge 35 mm under the 版心's top; a mark set at the 版心's top
    # (no space before it) stands 0–14 mm down, which the checker never judged.
    high = check_docx(_marked_notice(tmp_path, "high", 0))
    place = [d for d in high.deviations if d.code == "mark-place"]
    assert place and place[0].actual == "距版心上边缘至多 14.1 mm", show(high)
    assert "mark-place" not in codes(
        check_docx(_marked_notice(tmp_path, "placed", L.DOCUMENT_MARK_OFFSET_MM))
    )


@pytest.mark.render
def test_render_measures_the_marks_place(tmp_path: Path):
    # On the page: the letter's mark in its 版头 table, under a paragraph spaced in lines (a
    # height the file does not give, so only the page tells), prints 40.8 mm from the paper's
    # top, its line at least 36 mm (§10.1 wants 30 mm); the mark given 35 mm of space before it
    # prints where §7.2.4 wants it. (The table alone at the top is judged without the page:
    # test_the_marks_place_in_a_header_a_text_box_and_a_table.)
    path = letter_head_table(tmp_path)
    doc = Document(str(path))
    doc.tables[0]._tbl.addprevious(
        parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:beforeLines="20"/></w:pPr></w:p>')
    )
    doc.save(path)
    assert "mark-place" not in codes(check_docx(path))
    letter, placed = check_files(
        [path, _marked_notice(tmp_path, "placed", L.DOCUMENT_MARK_OFFSET_MM)],
        render=True,
    )
    assert letter.render_error is None and placed.render_error is None
    measured = [d for d in letter.deviations if d.code == "render-mark-place"]
    assert measured and measured[0].actual.startswith("距纸张上边缘至少 "), show(letter)
    assert float(measured[0].actual.split()[1]) > L.LETTER_MARK_TOP_MM + 5, show(letter)
    assert not set(placed.codes) & {"mark-place", "render-mark-place"}, show(placed)


# -- the mark's place where it is not in the flow of text -------------------------------------
# A mark in the first page's header, in a floating text box or in a 版头 table was judged only on
# the rendered page (render-mark-place); the file tells where each stands too.

_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def _letter_saved(doc, tmp_path: Path, name: str) -> Path:
    """``doc``, its mark placed, with a letter's 发文字号, title and 主送 after it, saved as
    ``name``.docx in ``tmp_path``."""
    number = doc.add_paragraph()
    _text(number, "示知函〔2024〕3号", 16, "仿宋_GB2312")
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _text(doc.add_paragraph(), "关于商请支持知识产权强县建设试点工作的函", 22, "方正小标宋简体")
    doc.add_paragraph("示例省知识产权局：")
    path = tmp_path / f"{name}.docx"
    doc.save(path)
    return path


def _header_mark_letter(tmp_path: Path, name: str, header_mm: float, before_mm: float) -> Path:
    """A 函 whose red mark is the first page's header, the header ``header_mm`` from the paper's
    top and ``before_mm`` of space before the mark, its line exact 40 pt."""
    doc = Document()
    a4_page(doc)
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.header_distance = Mm(header_mm)
    mark = section.first_page_header.paragraphs[0]
    _text(mark, "示例市知识产权局", 36, "方正小标宋简体", red=True)
    mark.paragraph_format.space_before = Mm(before_mm)
    mark.paragraph_format.line_spacing = Pt(40)
    return _letter_saved(doc, tmp_path, name)


_WPG = "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"


def _boxed_mark_notice(
    tmp_path: Path, name: str, top_mm: float, *, aligned: str = "", group_dy_mm: float | None = None
) -> Path:
    """A 通知 whose red mark is in a text box floating ``top_mm`` from the paper's top (DrawingML
    ``positionV relativeFrom="page"``, the box's default inner margin of 0.05 inch), wrapped top
    and bottom, anchored in the first paragraph. ``aligned`` (top, center, bottom): the box is
    aligned so on the 版心 (``relativeFrom="margin"``) instead. ``group_dy_mm``: the box is a
    shape of a group (``wpg:wgp``, as a 红头 drawn as the mark's box and a red line), the group
    at ``top_mm`` and the box ``group_dy_mm`` down in it, the line 10 mm under the box."""
    doc = Document()
    a4_page(doc)
    inner = Document()
    _text(inner.add_paragraph(), "示例市知识产权局文件", 36, "方正小标宋简体", red=True)
    mark_xml = inner.paragraphs[-1]._p.xml
    cx, cy, y = round(156 * 36000), round(20 * 36000), round(top_mm * 36000)
    position = (
        f'<wp:positionV relativeFrom="margin"><wp:align>{aligned}</wp:align></wp:positionV>'
        if aligned
        else f'<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
    )
    box = (
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="{x}" y="{y}"/>'
        f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f"<a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx><w:txbxContent>{mark_xml}</w:txbxContent></wps:txbx>"
        "<wps:bodyPr/></wps:wsp>"
    )
    extent_cy, uri = cy, _WPS
    if group_dy_mm is None:
        graphic = box.format(x=0, y=0)
    else:
        # the group's child coordinates start elsewhere than 0 (Word keeps the shapes' own)
        ox, oy, dy = 500000, 3000000, round(group_dy_mm * 36000)
        extent_cy, uri = dy + cy + 10 * 36000, _WPG
        line = (
            f'<wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="{ox}" y="{oy + dy + cy + 10 * 36000}"/>'
            f'<a:ext cx="{cx}" cy="0"/></a:xfrm><a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
            '<a:ln w="19050"><a:solidFill><a:srgbClr val="FF0000"/></a:solidFill></a:ln></wps:spPr>'
            "<wps:bodyPr/></wps:wsp>"
        )
        graphic = (
            f'<wpg:wgp><wpg:cNvGrpSpPr/><wpg:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" '
            f'cy="{extent_cy}"/><a:chOff x="{ox}" y="{oy}"/><a:chExt cx="{cx}" cy="{extent_cy}"/></a:xfrm>'
            f"</wpg:grpSpPr>{box.format(x=ox, y=oy + dy)}{line}</wpg:wgp>"
        )
    anchor = parse_xml(
        f'<w:r {nsdecls("w", "wp", "a")} xmlns:wps="{_WPS}" xmlns:wpg="{_WPG}"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" '
        'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="margin"><wp:posOffset>0</wp:posOffset></wp:positionH>{position}'
        f'<wp:extent cx="{cx}" cy="{extent_cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        "<wp:wrapTopAndBottom/>"
        '<wp:docPr id="1" name="mark"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData '
        f'uri="{uri}">{graphic}</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>'
    )
    doc.add_paragraph()._p.append(anchor)
    _text(doc.add_paragraph(), "示知〔2024〕3号", 16, "仿宋_GB2312")
    _text(doc.add_paragraph(), "关于开展知识产权强县建设试点工作的通知", 22, "方正小标宋简体")
    doc.add_paragraph("各县（市、区）知识产权局：")
    path = tmp_path / f"{name}.docx"
    doc.save(path)
    return path


def _floating_table_letter(tmp_path: Path, name: str, top_mm: float) -> Path:
    """:func:`letter_head_table` with its table floating ``top_mm`` from the paper's top
    (``w:tblpPr``, vertAnchor page, centred on the margins). 150 mm wide: LibreOffice 7.4 lets
    a floating table float only when it is narrower than the 版心 (one as wide or wider stays in
    the flow of text, where Word floats it: measured, 170 mm at 5 mm printed 36.7 mm down)."""
    path = letter_head_table(tmp_path, name=name, width_mm=150)
    doc = Document(str(path))
    place = parse_xml(
        f'<w:tblpPr {nsdecls("w")} w:vertAnchor="page" w:horzAnchor="margin" w:tblpXSpec="center" '
        f'w:tblpY="{round(top_mm * L.TWIPS_PER_MM)}"/>'
    )
    doc.tables[0]._tbl.tblPr.insert(0, place)
    doc.save(path)
    return path


def _header_table_letter(tmp_path: Path, name: str, header_mm: float) -> Path:
    """A 函 whose 版头 table (the red mark in its one row) is the first page's header, the header
    ``header_mm`` from the paper's top; the body starts with the 发文字号."""
    doc = Document()
    a4_page(doc)
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.header_distance = Mm(header_mm)
    header = section.first_page_header
    table = header.add_table(rows=1, cols=1, width=Mm(156))
    _text(table.cell(0, 0), "示例市知识产权局", 36, "方正小标宋简体", red=True)
    header.paragraphs[0]._p.getparent().remove(header.paragraphs[0]._p)
    header._element.append(parse_xml(f"<w:p {nsdecls('w')}/>"))  # a header ends with a paragraph
    return _letter_saved(doc, tmp_path, name)


def _inset_mm() -> float:
    return 0.05 * L.MM_PER_INCH


def _placed(tmp_path: Path) -> dict[str, tuple[Path, str | None]]:
    """Each way of setting the mark, out of place and in place, with what the static check says
    (None: in place)."""
    wanted_box = L.DOCUMENT_MARK_TOP_MM - _inset_mm()
    return {
        "header-high": (_header_mark_letter(tmp_path, "header-high", 10, 0), "距纸张上边缘至多 "),
        "header-placed": (
            _header_mark_letter(tmp_path, "header-placed", 20, L.LETTER_MARK_TOP_MM - 20),
            None,
        ),
        "box-high": (_boxed_mark_notice(tmp_path, "box-high", 40), "距版心上边缘至多 "),
        "box-placed": (_boxed_mark_notice(tmp_path, "box-placed", wanted_box), None),
        "box-aligned-high": (
            _boxed_mark_notice(tmp_path, "box-aligned", 0, aligned="top"),
            "距版心上边缘至多 ",
        ),
        "box-aligned-low": (
            _boxed_mark_notice(tmp_path, "box-aligned-low", 0, aligned="center"),
            "距版心上边缘至少 ",
        ),
        "group-high": (_boxed_mark_notice(tmp_path, "group-high", 40, group_dy_mm=5), "距版心上边缘至多 "),
        "group-placed": (
            _boxed_mark_notice(tmp_path, "group-placed", wanted_box - 15, group_dy_mm=15),
            None,
        ),
        "table-low": (letter_head_table(tmp_path), "距纸张上边缘至少 37.0 mm"),
        # 150 mm wide, the table's red border is no 信函 rule: a 文件格式 mark (35 mm under the 版心's top)
        "floating-table-high": (_floating_table_letter(tmp_path, "floating-high", 5), "距版心上边缘至多 "),
        "floating-table-placed": (
            _floating_table_letter(tmp_path, "floating-placed", L.DOCUMENT_MARK_TOP_MM),
            None,
        ),
        "header-table-high": (_header_table_letter(tmp_path, "header-table-high", 5), "距纸张上边缘至多 "),
        "header-table-placed": (
            _header_table_letter(tmp_path, "header-table-placed", L.LETTER_MARK_TOP_MM),
            None,
        ),
    }


def test_the_marks_place_in_a_header_a_text_box_and_a_table(tmp_path: Path):
    """§7.2.4, §10.1 without laying the page out: a header stands its distance from the paper's
    top (w:pgMar/@w:header), a box floating from the page its offset plus its inner margin, a
    table at the top of the body at the 天头 plus the cell's top margin."""
    for label, (path, said) in _placed(tmp_path).items():
        report = check_docx(path)
        found = [d for d in report.deviations if d.code == "mark-place"]
        if said is None:
            assert not found, f"{label}: {show(report)}"
        else:
            assert found and found[0].actual.startswith(said), f"{label}: {show(report)}"


@pytest.mark.render
def test_the_marks_place_out_of_the_flow_agrees_with_the_page(tmp_path: Path):
    """On the page (the band ``check --render`` takes: from the line's top less the stand-in
    font's extra ascent to the first row of ink): each mark the static check placed wrong prints
    out of place on the same side, and each it passed prints in place."""
    from wenshu.office.ink import ink_rows
    from wenshu.office.libreoffice import LibreOffice, read_pages
    from wenshu.office.pages import compact

    placed = _placed(tmp_path)
    with LibreOffice() as office:
        pdfs = office.convert([path for path, _ in placed.values()], tmp_path / "pdf")
    slack = L.mm_to_pt(L.MARK_PLACE_TOLERANCE_MM)
    for label, (path, said) in placed.items():
        letter = label.startswith(("header", "table"))
        wanted = L.mm_to_pt(L.LETTER_MARK_TOP_MM if letter else L.DOCUMENT_MARK_TOP_MM)
        page = read_pages(pdfs[path])[0]
        row = next(r for r in page.rows if "示例市知识产权局" in compact(r.text))
        ink = ink_rows(pdfs[path], 1, (row.x0, row.y0, row.x1, row.y1))
        lo, hi = min(row.y0, ink[0]) - L.STANDIN_LINE_OVER_EM * 36, ink[0]
        measured = f"{lo / L.PT_PER_MM:.1f}–{hi / L.PT_PER_MM:.1f} mm"
        if said is None:
            assert lo - slack <= wanted <= hi + slack, (label, measured)
        elif "至多" in said:
            assert hi + slack < wanted, (label, measured)
        else:
            assert lo - slack > wanted, (label, measured)
