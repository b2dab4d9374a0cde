"""The checker's public reading layer: ``read_document`` gives the page's text and formatting,
``recognise`` says which paragraph is which element of a 公文, for wenshu's own files and for
files whose styles say nothing (recognised by content). ``import wenshu.check`` reads XML only."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from wenshu import layout as L
from wenshu.build.pipeline import render
from wenshu.check import Role, check_docx, head_info_kind, read_document, recognise, record_kind

from .test_check import DOC, DOCUMENT, LETTER, STYLES, foreign, mutate


def _build(tmp: Path, name: str, text: str) -> bytes:
    path = tmp / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return render(path).files["docx"]


@pytest.fixture(scope="module")
def letter(tmp_path_factory) -> bytes:
    return _build(tmp_path_factory.mktemp("reading"), "letter", LETTER)


@pytest.fixture(scope="module")
def document(tmp_path_factory) -> bytes:
    return _build(tmp_path_factory.mktemp("reading"), "document", DOCUMENT)


def test_import_reads_xml_only():
    """The checker (and so ``wenshu import``) loads no writer: no docxtpl, Jinja2, markdown-it,
    ruamel, python-docx or Cerberus on ``import wenshu.check``."""
    heavy = ("docxtpl", "jinja2", "markdown_it", "ruamel", "docx", "cerberus")
    code = (
        f"import sys, wenshu.check\nprint(sorted({{m.split('.')[0] for m in sys.modules}} & {set(heavy)!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
    # and the probe itself can see such a module when one is loaded
    probe = code.replace("import sys, wenshu.check", "import sys, wenshu.check, jinja2")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "jinja2" in out.stdout


def test_read_document_gives_text_formatting_and_page(letter):
    doc = read_document(letter, "letter.docx")
    section = doc.sections[0]
    assert (section.page_width_mm, section.page_height_mm) == (L.PAGE_WIDTH_MM, L.PAGE_HEIGHT_MM)
    assert (section.margin_top_mm, section.margin_left_mm) == (L.TOP_MARGIN_MM, L.LEFT_MARGIN_MM)
    assert (section.text_width_mm, section.text_height_mm) == (L.TEXT_WIDTH_MM, L.TEXT_HEIGHT_MM)
    assert section.title_page and section.line_pitch_twips == L.LINE_PITCH_TWIPS
    title = next(p for p in doc.paragraphs if p.text.startswith("国家知识产权局办公室关于"))
    assert title.alignment == "center" and not title.in_table
    assert {(r.font, r.size_pt) for r in title.runs} == {(L.FONT_TITLE, L.TITLE_SIZE_PT)}
    body = next(p for p in doc.paragraphs if p.text.startswith("为贯彻落实"))
    assert round(body.indents.first_line, 2) == 2 and body.indents.left == 0
    assert (body.spacing.line_rule, body.spacing.line) == ("exact", L.LINE_PITCH_TWIPS)
    heading = next(p for p in doc.paragraphs if p.text == "一、工作思路")
    assert {r.font for r in heading.runs} == {L.FONT_HEADING_1}
    # the letter's mark is in the first page's header, red
    header = doc.first_page_header
    assert header is not None and header.kind == "header" and "first" in header.types
    mark = next(p for p in header.paragraphs if p.text.strip())
    assert mark.text.strip() == "国家知识产权局办公室" and mark.runs[0].color == L.RED.upper()
    assert all(
        hf.page_number for hf in doc.headers_footers if hf.kind == "footer" and "first" not in hf.types
    )
    # the table of attachment 1: rows and cells, each cell's paragraphs pointing back
    (table,) = doc.tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["序号", "地区", "推荐名额"],
        ["1", "北京市", "2"],
        ["2", "天津市", "1"],
    ]
    cell = table.rows[1][1]
    (index,) = cell.paragraphs
    assert doc.paragraphs[index].text == "北京市"
    assert (doc.paragraphs[index].table, doc.paragraphs[index].row, doc.paragraphs[index].cell) == (0, 1, 1)
    label = next(p for p in doc.paragraphs if p.text == "附件2")
    assert label.page_break_before


@pytest.mark.parametrize("by_content", [False, True], ids=["wenshu-styles", "foreign"])
def test_recognise_a_letter(letter, by_content):
    doc = read_document(foreign(letter) if by_content else letter)
    result = recognise(doc)
    assert result.wenshu_styles is not by_content
    assert result.format == "letter"
    assert [i.text.strip() for i in result.of(Role.MARK)] == ["国家知识产权局办公室"]
    assert result.text(Role.DOC_NUMBER) == "国知办函运字〔2023〕582号"
    title = "国家知识产权局办公室关于开展知识产权强国建设试点示范评定工作的通知"
    assert result.text(Role.TITLE).replace("\n", "") == title
    assert result.text(Role.RECIPIENTS) == "各省、自治区、直辖市知识产权局："
    headings = [i for i in result.of(Role.HEADING, zone=0) if i.level < 3]
    assert [(i.level, i.text.strip()) for i in headings[:3]] == [
        (1, "一、工作思路"),
        (1, "二、申报条件"),
        (2, "（一）试点城市"),
    ]
    assert headings[0].run_in is None
    rest = "已被确定为国家知识产权强市建设试点城市，且工作成效显著。"
    assert headings[3].run_in == ("（二）示范城市。", rest)
    notes = [i.text.strip() for i in result.of(Role.ATTACHMENT_NOTE)]
    assert notes == ["附件：1.\t试点城市推荐名额分配表", "2.\t联系人回执"]  # a tab to the hanging indent
    assert result.attachments == ["试点城市推荐名额分配表", "联系人回执"]
    assert result.doc_number == "国知办函运字〔2023〕582号" and result.signer is None
    assert not result.minutes
    assert result.text(Role.SIGNATURE) == "国家知识产权局办公室"
    assert result.text(Role.DATE) == "2023年7月18日"
    assert result.text(Role.NOTE) == "（此件公开发布）"
    labels = [(i.zone, i.text.strip()) for i in result.of(Role.ATTACHMENT_LABEL)]
    assert labels == [(1, "附件1"), (2, "附件2")]
    # 附件2 is a label page (label_page: a document bound behind it): a label, no title
    assert [(i.zone, i.text.strip()) for i in result.of(Role.ATTACHMENT_TITLE)] == [
        (1, "试点城市推荐名额分配表"),
    ]
    cells = [i for i in result.paragraphs if i.paragraph.in_table]
    assert cells and {i.role for i in cells} == {Role.TABLE} and {i.zone for i in cells} == {1}
    assert [i.paragraph.part for i in result.footers] and {i.role for i in result.footers} == {
        Role.PAGE_NUMBER
    }


@pytest.mark.parametrize("by_content", [False, True], ids=["wenshu-styles", "foreign"])
def test_recognise_a_document_with_its_record(document, by_content):
    result = recognise(read_document(foreign(document) if by_content else document))
    assert result.format == "document"
    assert result.text(Role.MARK).startswith("河南省知识产权局")
    assert result.text(Role.DOC_NUMBER) == "豫知〔2023〕38号"
    records = [i.text.strip() for i in result.of(Role.RECORD, zone=None) if i.text.strip()]
    kinds = {record_kind(text) for text in records}
    assert {"cc", "imprint"} <= kinds, records
    assert any(text.startswith("抄送：国家知识产权局知识产权运用促进司") for text in records)


def test_head_info_and_signer_words():
    assert [head_info_kind(t) for t in ("000123", "机密★1年", "秘密", "特急", "正文")] == [
        "copy-number",
        "secrecy",
        "secrecy",
        "urgency",
        None,
    ]
    assert [head_info_kind(t) for t in ("密级：机密", "紧急程度：特急", "份号：000123")] == [
        "secrecy",
        "urgency",
        "copy-number",
    ]
    assert record_kind("河南省市场监督管理局办公室        2023年8月2日印发") == "imprint"


def test_secrecy_typed_under_the_title_belongs_to_the_head(document):
    """A 密级 typed as a line under the title (as lawliet_master_template does) is the 版头's
    密级, checked as one (§7.2.2), not body text held to the 2-character indent: what is said
    is its place (版心左上角, 居左顶格), nothing else."""
    line = (
        '<w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr>'
        "<w:t>密级：秘密</w:t></w:r></w:p>"
    )
    recipients = re.compile(r"<w:p>(?:(?!<w:p>).)*?各省辖市、济源示范区知识产权管理部门", re.S)
    data = mutate(foreign(document), DOC, lambda t: recipients.sub(lambda m: line + m.group(0), t, count=1))
    result = recognise(read_document(data))
    (item,) = [i for i in result.paragraphs if i.text == "密级：秘密"]
    assert item.role == Role.HEAD_INFO and head_info_kind(item.text) == "secrecy"
    assert result.text(Role.RECIPIENTS) == "各省辖市、济源示范区知识产权管理部门："
    assert check_docx(foreign(document)).ok
    report = check_docx(data)
    assert [d.code for d in report.deviations] == ["head-info-place"], "\n".join(map(str, report.deviations))


def test_contact_lines_are_recognised_by_content(document):
    """联系人 and 联系电话 typed under the body, as other offices (and wenshu) set them."""
    lines = "".join(
        f'<w:p><w:pPr><w:ind w:firstLine="640"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
        for text in ("联系人：张三", "联系电话：0371-65928665")
    )
    after = re.compile(r"确保申报材料真实、准确。</w:t></w:r></w:p>")
    data = mutate(foreign(document), DOC, lambda t: after.sub(lambda m: m.group(0) + lines, t, count=1))
    result = recognise(read_document(data))
    assert [i.text for i in result.of(Role.CONTACT)] == ["联系人：张三", "联系电话：0371-65928665"]
    assert result.text(Role.SIGNATURE) == "河南省知识产权局"


def test_a_theme_font_is_read_with_what_it_stands_for(letter):
    """A run in the theme's East Asian font names no font of its own: the model gives the theme
    font and the typeface the file's theme (zh-CN script) resolves it to."""
    themed = mutate(
        letter,
        STYLES,
        lambda t: re.sub(
            r'(w:styleId="WsBody".*?)<w:rFonts [^>]*/>',
            r'\1<w:rFonts w:eastAsiaTheme="minorEastAsia"/>',
            t,
            count=1,
            flags=re.S,
        ),
    )
    body = next(p for p in read_document(themed).paragraphs if p.text.startswith("为贯彻落实"))
    assert {(r.font, r.theme_font, r.theme_typeface) for r in body.runs} == {(None, "minorEastAsia", "宋体")}


def _draft(tmp_path: Path, lines: list[str]) -> Path:
    """An unformatted draft as typed into Word: every line a plain paragraph, nothing centred."""
    from docx import Document as WordDocument

    word = WordDocument()
    for line in lines:
        word.add_paragraph(line)
    path = tmp_path / "draft.docx"
    word.save(str(path))
    return path


DRAFT = [
    "关于进一步规范会议管理的通知",
    "各区县、各部门：",
    "为进一步转变会风，现就有关要求明确如下：",
    "一、压缩会议数量",
    "能合并召开的合并，能不开的不开。",
    "（一）全市性会议不超过90分钟。",
    "特此通知。",
    "市政府办公室",
    "2026年1月1日",
]


def test_an_unformatted_draft_is_read_as_a_document(tmp_path):
    """No centred title, no 版头: the first line saying what the document is (关于……的通知) is
    its title, and the rest is read as the main text (headings, 署名, 成文日期)."""
    result = recognise(read_document(_draft(tmp_path, DRAFT)))
    roles = [(i.role, i.level) for i in result.paragraphs if i.text.strip()]
    assert roles == [
        (Role.TITLE, 0),
        (Role.RECIPIENTS, 0),
        (Role.BODY, 0),
        (Role.HEADING, 1),
        (Role.BODY, 0),
        (Role.HEADING, 2),
        (Role.BODY, 0),
        (Role.SIGNATURE, 0),
        (Role.DATE, 0),
    ]
    report = check_docx(_draft(tmp_path, DRAFT))
    assert "title-align" in report.codes  # typed flush left, not centred
    # without a line naming the document there is no title, and the text is still read
    result = recognise(read_document(_draft(tmp_path, ["会议要点", *DRAFT[1:]])))
    assert not result.of(Role.TITLE)
    assert [i.text for i in result.of(Role.HEADING)] == ["一、压缩会议数量", "（一）全市性会议不超过90分钟。"]
    assert result.text(Role.DATE) == "2026年1月1日"


def test_a_minutes_and_a_signed_doc_number(tmp_path):
    """A 纪要 is said so; a 签发人 on the 发文字号's line is split from the number."""
    draft = _draft(tmp_path, ["关于研究会议管理的专题会议纪要", "会议认为，应当进一步规范会议管理。"])
    assert recognise(read_document(draft)).minutes
    lines = [
        "市政府办公室文件",
        "江政办〔2026〕3号                签发人：张三",
        "关于申请会议经费的请示",
        "市政府：",
    ]
    result = recognise(read_document(_draft(tmp_path, lines)))
    assert (result.doc_number, result.signer) == ("江政办〔2026〕3号", "张三")
    assert result.text(Role.TITLE) == "关于申请会议经费的请示"
