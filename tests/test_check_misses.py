"""Deviations a reader sees on the pages of real offices' files that ``wenshu check`` once let
through (its recall): each built here the way Word and WPS users make it (python-docx, direct
formatting, no wenshu styles) and checked on the real file where it was seen."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from wenshu.check import check_docx

from .test_check import codes, show
from .test_check_real import CORPUS, VERDICTS

real = pytest.mark.skipif(not VERDICTS.is_file(), reason=f"真实公文语料不在 {CORPUS}")


def _word_notice(closing_after_attachment: bool) -> Document:
    """A 通知 typed in Word: A4, the standard margins, 仿宋 三号, headed by its title and 主送机关;
    one attachment on a page of its own. ``closing_after_attachment`` puts 特此通知、署名 and
    日期 after the attachment, as a template that appends them at the end of the file does."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin = Mm(37), Mm(28)
    section.bottom_margin, section.right_margin = Mm(35), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")

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
