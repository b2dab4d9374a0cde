"""Deviations a reader sees on the pages of real offices' files that ``wenshu check`` once let
through (its recall): each built here the way Word and WPS users make it (python-docx, direct
formatting, no wenshu styles) and checked on the real file where it was seen."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from wenshu.check import check_docx, check_files

from .test_check import codes, show
from .test_check_real import CORPUS, VERDICTS

real = pytest.mark.skipif(not VERDICTS.is_file(), reason=f"真实公文语料不在 {CORPUS}")


def a4_page(doc: Document) -> None:
    """The page and the 正文 font a clerk sets: A4, the standard margins, 仿宋_GB2312 三号."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin = Mm(37), Mm(28)
    section.bottom_margin, section.right_margin = Mm(35), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")


def _word_notice(closing_after_attachment: bool) -> Document:
    """A 通知 typed in Word: A4, the standard margins, 仿宋 三号, headed by its title and 主送机关;
    one attachment on a page of its own. ``closing_after_attachment`` puts 特此通知、署名 and
    日期 after the attachment, as a template that appends them at the end of the file does."""
    doc = Document()
    a4_page(doc)

    def para(text: str, align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = True) -> None:
        p = doc.add_paragraph(text)
        p.alignment = align
        if indent and align is None:
            p.paragraph_format.first_line_indent = Pt(32)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("关于开展素材整理工作的通知")
    run.font.size = Pt(22)
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "方正小标宋简体")
    para("各有关单位：", indent=False)
    para("为做好素材整理工作，现将有关事项通知如下。")
    para("附件：素材目录")
    closing = [
        ("特此通知。", None),
        ("示例市知识产权局", WD_ALIGN_PARAGRAPH.RIGHT),
        ("2026年4月4日", WD_ALIGN_PARAGRAPH.RIGHT),
    ]
    if not closing_after_attachment:
        for text, align in closing:
            para(text, align)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    para("附件", indent=False)
    para("素材目录", WD_ALIGN_PARAGRAPH.CENTER)
    para("一是短视频页面，二是梗源说明。")
    if closing_after_attachment:
        for text, align in closing:
            para(text, align)
    return doc


def test_signature_and_date_after_the_attachment(tmp_path: Path) -> None:
    """§7.3.7: the attachment follows the 署名 and 成文日期 on pages of its own; a template that
    adds 特此通知、署名 and 日期 at the end of the file sets the attachment inside the 正文."""
    ordered, misplaced = tmp_path / "ordered.docx", tmp_path / "misplaced.docx"
    _word_notice(False).save(ordered)
    _word_notice(True).save(misplaced)
    assert "attachment-order" not in codes(check_docx(ordered)), show(check_docx(ordered))
    report = check_docx(misplaced)
    (dev,) = [d for d in report.deviations if d.code == "attachment-order"]
    assert dev.clause == "7.3.7" and "“附件”之后" in dev.actual, show(report)
    assert dev.locations[0].excerpt == "示例市知识产权局"


@real
@pytest.mark.parametrize("name", ["zhaohui_notice_offline", "zhaohui_notice_online", "zhaohui_report"])
def test_real_files_with_the_closing_after_the_attachment(name: str) -> None:
    report = check_docx(CORPUS / f"{name}.docx")
    (dev,) = [d for d in report.deviations if d.code == "attachment-order"]
    assert dev.locations[0].excerpt == "[发文单位]", show(report)


def _signed_after(body_lines: int, path: Path) -> Path:
    """A 通知 on the 22-line grid (exact 28.95 pt): title, 主送机关, ``body_lines`` one-line
    paragraphs, an empty line, then 署名 and 日期 set right. With 18 the 署名 takes the last
    line of page one and the 日期 the first of page two."""
    doc = Document()
    a4_page(doc)
    spacing = doc.styles["Normal"].paragraph_format
    spacing.line_spacing_rule, spacing.line_spacing, spacing.space_after = (
        WD_LINE_SPACING.EXACTLY,
        Pt(28.95),
        0,
    )
    doc.add_paragraph("关于规范会议管理的通知").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("各区县、各部门：")
    for i in range(body_lines):
        doc.add_paragraph(f"第{i + 1}项要求照此执行。").paragraph_format.first_line_indent = Pt(32)
    doc.add_paragraph()
    for text in ("市政府办公室", "2026年1月1日"):
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.save(path)
    return path


@pytest.mark.render
def test_a_date_on_the_page_after_the_signature(tmp_path: Path) -> None:
    """§7.3.5.5: 署名 and 成文日期 share a page (with 正文). A 署名 on the last line of a page
    leaves the 日期 alone at the top of the next (mechi_test4_formatted prints so)."""
    paths = [_signed_after(17, tmp_path / "fits.docx"), _signed_after(18, tmp_path / "split.docx")]
    if (CORPUS / "mechi_test4_formatted.docx").is_file():
        paths.append(CORPUS / "mechi_test4_formatted.docx")
    reports = check_files(paths, render=True)
    assert all(r.render_error is None for r in reports)
    fits, split, *real_file = reports
    assert not {"render-date-split", "render-signature-alone"} & set(fits.codes), show(fits)
    (dev,) = [d for d in split.deviations if d.code == "render-date-split"]
    assert dev.actual == "署名在第 1 页，成文日期在第 2 页", show(split)
    assert dev.locations[0].excerpt == "2026年1月1日"
    assert "render-signature-alone" not in split.codes  # the 署名 has 正文 above it
    for report in real_file:
        (dev,) = [d for d in report.deviations if d.code == "render-date-split"]
        assert dev.actual == "署名在第 1 页，成文日期在第 2 页", show(report)


def _titled(title: str, path: Path) -> Path:
    """A 决定 whose title (方正小标宋简体 二号, centred) is typed as ``title``: a “\\n” is a line
    broken by hand (Shift+Enter), as other offices' templates break theirs."""
    doc = Document()
    a4_page(doc)
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for k, line in enumerate(title.split("\n")):
        run = para.add_run(line)
        if k < title.count("\n"):
            run.add_break()
        run.font.size = Pt(22)
        run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "方正小标宋简体")
    doc.add_paragraph("各区县、各部门：")
    doc.add_paragraph("经研究，决定予以表彰。").paragraph_format.first_line_indent = Pt(32)
    doc.save(path)
    return path


def test_a_title_broken_by_hand_inside_a_word(tmp_path: Path) -> None:
    """§7.3.1: 回行时词意完整. Words of any office's titles (传播, 先进个人), not only wenshu's
    own field's, are not to be broken (zhaohui_notice_*: “……“我的刀盾”传／播素材整理……”)."""
    inside = _titled("关于开展“我的刀盾”传\n播素材整理工作的通知", tmp_path / "inside.docx")
    between = _titled("关于开展“我的刀盾”传播\n素材整理工作的通知", tmp_path / "between.docx")
    report = check_docx(inside)
    (dev,) = [d for d in report.deviations if d.code == "title-break"]
    assert "断开了一个词（“传播”）" in dev.actual, show(report)
    assert "title-break" not in codes(check_docx(between)), show(check_docx(between))


@real
@pytest.mark.parametrize("name", ["zhaohui_notice_offline", "zhaohui_notice_online"])
def test_real_titles_broken_inside_a_word(name: str) -> None:
    report = check_docx(CORPUS / f"{name}.docx")
    (dev,) = [d for d in report.deviations if d.code == "title-break"]
    assert "（“传播”）" in dev.actual, show(report)


@pytest.mark.render
def test_a_title_wrapped_inside_a_word_on_the_page(tmp_path: Path) -> None:
    """A one-paragraph title Word wraps where the line is full: after “先进” of “先进个人” (as
    mechi_test2_formatted prints). The static check works out that wrap (the page confirms it:
    test_check_others); with ``--render`` it is said once, not again from the page — as a
    title broken by hand is."""
    by_hand = _titled("关于开展“我的刀盾”传\n播素材整理工作的通知", tmp_path / "by_hand.docx")
    paths = [by_hand, _titled("关于表彰2025年度安全生产先进单位及先进个人的决定", tmp_path / "wrapped.docx")]
    if (CORPUS / "mechi_test2_formatted.docx").is_file():
        paths.append(CORPUS / "mechi_test2_formatted.docx")
    hand, *wrapped = check_files(paths, render=True)
    assert hand.render_error is None
    assert [d.code for d in hand.deviations if d.clause == "7.3.1"] == ["title-break"], show(hand)
    for report in wrapped:
        assert report.render_error is None
        (dev,) = [d for d in report.deviations if d.clause == "7.3.1"]
        assert dev.code == "title-break" and "断开了一个词（“先进个人”）" in dev.actual, show(report)
        assert dev.locations[0].excerpt.startswith("关于表彰2025年度安全生产先进单位及先")


def _numbered(dashes: str, path: Path) -> Path:
    """One page with the page number typed in the footer as ``dashes`` PAGE ``dashes`` (Word
    turns a typed “--” into “–”, so offices' footers often read “–– 1 ––”)."""
    doc = Document()
    a4_page(doc)
    doc.add_paragraph("关于规范会议管理的通知").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("各区县、各部门：")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run(f"{dashes} ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(f" {dashes}")
    doc.save(path)
    return path


@pytest.mark.render
def test_a_page_number_between_doubled_dashes_is_on_the_page(tmp_path: Path) -> None:
    """“–– 1 ––” prints a page number, of the wrong form: the form is reported (page-number-form),
    not “页面上没有页码” for every page (lawliet_test_notice's two pages were)."""
    paths = [_numbered("——", tmp_path / "em.docx"), _numbered("––", tmp_path / "en.docx")]
    if (CORPUS / "lawliet_test_notice.docx").is_file():
        paths.append(CORPUS / "lawliet_test_notice.docx")
    reports = check_files(paths, render=True)
    for report in reports:
        assert report.render_error is None
        missing = [d for d in report.deviations if d.code == "render-page-number" and d.actual == "无"]
        assert not missing, show(report)
        assert "page-number-form" in report.codes, show(report)
    *_, real_file = reports
    if len(reports) == 3:
        # Its number stands in a frame set outside in a single footer: Word prints it at the
        # right of odd pages and the left of even ones, each with no space (the reading says
        # so, on both sides); LibreOffice sets such a frame at the paragraph's place, so the
        # page's measure is not taken for the side (it said “距版心边 28.6 字”, a place Word
        # never prints).
        sides = {d.actual for d in real_file.deviations if d.code == "page-number-place"}
        assert sides == {"居右，缩进 0.0 字", "居左，缩进 0.0 字"}, show(real_file)
        assert "render-page-number-place" not in real_file.codes, show(real_file)


def _minutes(with_body: bool, path: Path) -> Path:
    """A 纪要 typed in Word — title and 正文, no 主送机关 nor 署名 (§10.3) — with an attachment on
    a page of its own and no 附件说明; without ``with_body`` only the attachment is left, a
    file sent on its own."""
    doc = Document()
    a4_page(doc)
    if with_body:
        doc.add_paragraph("关于研究素材整理工作的专题会议纪要").alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.add_paragraph("会议听取了素材梳理情况汇报。").paragraph_format.first_line_indent = Pt(32)
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("附件1")
    doc.add_paragraph("素材目录").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("一是短视频页面，二是梗源说明。").paragraph_format.first_line_indent = Pt(32)
    doc.save(path)
    return path


def test_minutes_with_an_attachment_and_no_note(tmp_path: Path) -> None:
    """§7.3.4: a document that carries attachments lists them under its 正文 — a 纪要 too, which
    has neither 主送机关 nor 署名 (zhaohui_minutes). An attachment sent on its own needs none."""
    report = check_docx(_minutes(True, tmp_path / "minutes.docx"))
    (dev,) = [d for d in report.deviations if d.code == "attachment-unlisted"]
    assert dev.locations[0].excerpt == "附件1", show(report)
    alone = check_docx(_minutes(False, tmp_path / "alone.docx"))
    assert "attachment-unlisted" not in alone.codes, show(alone)


@real
def test_real_minutes_with_an_attachment_and_no_note() -> None:
    report = check_docx(CORPUS / "zhaohui_minutes.docx")
    assert "attachment-unlisted" in report.codes, show(report)


def _attachment(title: bool, path: Path) -> Path:
    """A 通知 whose attachment, on a page of its own, is a picture's caption and a paragraph —
    with or without a centred title under its label."""
    doc = _word_notice(False)
    body = doc.element.body
    last = body[-2]  # the attachment's paragraph, before the section properties
    if not title:
        body.remove(last.getprevious())  # the centred 素材目录
    doc.add_paragraph("图1：素材主图").paragraph_format.first_line_indent = Pt(32)
    doc.save(path)
    return path


def test_an_attachment_without_a_title(tmp_path: Path) -> None:
    """§7.3.7: under the label 附件 the attachment's title, centred (zhaohui_*: “附件1（可选）”
    and straight after it the caption “图1：……”)."""
    report = check_docx(_attachment(False, tmp_path / "untitled.docx"))
    (dev,) = [d for d in report.deviations if d.code == "attachment-title"]
    assert dev.actual == "标签后即是“一是短视频页面，二是梗源”", show(report)
    titled = check_docx(_attachment(True, tmp_path / "titled.docx"))
    assert "attachment-title" not in titled.codes, show(titled)


@real
@pytest.mark.parametrize(
    "name", ["zhaohui_minutes", "zhaohui_notice_offline", "zhaohui_notice_online", "zhaohui_report"]
)
def test_real_attachments_without_a_title(name: str) -> None:
    report = check_docx(CORPUS / f"{name}.docx")
    (dev,) = [d for d in report.deviations if d.code == "attachment-title"]
    assert dev.locations[0].excerpt == "附件1（可选）", show(report)


def _headed(rule_pt: float, path: Path) -> Path:
    """A 文件格式 head typed in Word: the red mark, the 发文字号, and the rule under it drawn with
    the line tool (VML ``v:line``, red, 1 pt) ``rule_pt`` long."""
    doc = Document()
    a4_page(doc)
    mark = doc.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = mark.add_run("示例市知识产权局文件")
    run.font.size, run.font.color.rgb = Pt(42), RGBColor(0xFF, 0, 0)
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "方正小标宋简体")
    doc.add_paragraph("示知〔2026〕1号").alignment = WD_ALIGN_PARAGRAPH.CENTER
    line = parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
        f'<v:line from="0,0" to="{rule_pt}pt,0" strokecolor="red" strokeweight="1pt"/></w:pict></w:r>'
    )
    doc.add_paragraph()._p.append(line)
    doc.add_paragraph("关于开展素材整理工作的通知").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("各有关单位：")
    doc.save(path)
    return path


def test_a_drawn_head_rule_wider_than_the_text_block(tmp_path: Path) -> None:
    """§7.2.7: the red rule is as wide as the 版心 (156 mm), drawn or a border alike
    (lawliet_master_template draws one 166.7 mm long, its left end out in the margin)."""
    report = check_docx(_headed(472.5, tmp_path / "wide.docx"))  # 166.7 mm
    (dev,) = [d for d in report.deviations if d.code == "rule-width"]
    assert dev.actual == "166.7 mm", show(report)
    fits = check_docx(_headed(442.2, tmp_path / "fits.docx"))  # 156 mm
    assert not {"rule-width", "rule-missing"} & set(fits.codes), show(fits)


@real
def test_real_drawn_head_rule_wider_than_the_text_block() -> None:
    report = check_docx(CORPUS / "lawliet_master_template.docx")
    (dev,) = [d for d in report.deviations if d.code == "rule-width"]
    assert dev.actual == "166.7 mm", show(report)


def _secret(under_title: bool, path: Path) -> Path:
    """A 文件格式 file marked 密级：秘密 — flush left above the mark, or set right under the title."""
    doc = Document()
    a4_page(doc)
    if not under_title:
        doc.add_paragraph("密级：秘密")
    mark = doc.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = mark.add_run("示例市知识产权局文件")
    run.font.size, run.font.color.rgb = Pt(42), RGBColor(0xFF, 0, 0)
    doc.add_paragraph("示知〔2026〕1号").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("关于开展素材整理工作的通知").alignment = WD_ALIGN_PARAGRAPH.CENTER
    if under_title:
        doc.add_paragraph("密级：秘密").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("各有关单位：")
    doc.save(path)
    return path


def test_a_secrecy_line_under_the_title(tmp_path: Path) -> None:
    """§7.2.2: 密级 stands flush left at the top left of the 版心, not set right under the title
    (lawliet_master_template)."""
    report = check_docx(_secret(True, tmp_path / "under.docx"))
    (dev,) = [d for d in report.deviations if d.code == "head-info-place"]
    assert dev.actual == "在标题之下" and dev.locations[0].excerpt == "密级：秘密", show(report)
    top = check_docx(_secret(False, tmp_path / "top.docx"))
    assert "head-info-place" not in top.codes, show(top)


@real
def test_real_secrecy_line_under_the_title() -> None:
    report = check_docx(CORPUS / "lawliet_master_template.docx")
    places = {d.actual: d for d in report.deviations if d.code == "head-info-place"}
    assert places["在标题之下"].locations[0].excerpt == "密级：秘密", show(report)
    # 份号, 密级 and 紧急程度 typed in the page header stand above the 版心, in the margin.
    in_header = places["在首页页眉中（版心之外）"]
    assert [loc.excerpt for loc in in_header.locations] == ["001012", "机密★5年", "特急"]
