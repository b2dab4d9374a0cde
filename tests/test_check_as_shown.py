"""The checker reads Word files others built as the page shows them. What the reader does not
see is not read: hidden text (``w:vanish``), a tracked move's old place (``w:moveFrom``), an
empty paragraph whose mark was deleted as a tracked change. What the reader does see is: a
heading typed in one run with the text after it shows that text in the heading's font; the
一、 Word draws for headings numbered through a list style (``w:numStyleLink``) or a list's own
redefined level. Each case was found by making files the way offices do (LibreOffice re-saves,
Word's list styles, hand edits of Word's markup) and comparing the static report with the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wenshu.check import check_docx, read_document

from .test_check import DOC, STYLES, codes, document, foreign, mutate, part_with, replace_once, show  # noqa: F401

HIDDEN_RUN = "<w:r><w:rPr><w:vanish/></w:rPr><w:t>{}</w:t></w:r>"
# a heading left in the file but hidden, as an editor hides a passage instead of deleting it
HIDDEN_HEADING = (
    "<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr>" + HIDDEN_RUN.format("二、旧的标题") + "</w:p>"
)
AFTER_HEADING_2 = "<w:t>二、工作要求</w:t></w:r></w:p>"


def _hide_a_heading(docx: bytes) -> bytes:
    return mutate(docx, DOC, replace_once(AFTER_HEADING_2, AFTER_HEADING_2 + HIDDEN_HEADING))


def _texts(docx: bytes) -> list[str]:
    return [p.text for p in read_document(docx).paragraphs]


def test_a_hidden_paragraph_is_not_read(document):  # noqa: F811
    # Was: 一级标题 字体不符, 段首应左空二字, 序号不连续 (二、 again) — of a paragraph the page
    # does not show (test_a_hidden_paragraph_is_not_on_the_page).
    hidden = _hide_a_heading(foreign(document))
    report = check_docx(hidden)
    assert report.ok, show(report)
    texts = _texts(hidden)
    assert "二、旧的标题" not in texts and texts == _texts(foreign(document))


def test_hidden_runs_are_left_out_by_the_run_or_its_style(document):  # noqa: F811
    # 征求意见稿 hidden on the run itself; a date hidden by a character style (w:rStyle) whose
    # form is wrong (08): neither is on the page, neither is read.
    style = (
        '<w:style w:type="character" w:customStyle="1" w:styleId="Draft"><w:name w:val="draft"/>'
        "<w:rPr><w:vanish/></w:rPr></w:style></w:styles>"
    )
    data = mutate(document, STYLES, replace_once("</w:styles>", style))
    data = mutate(
        data,
        DOC,
        replace_once(
            "<w:t>申报材料清单</w:t></w:r>",
            "<w:t>申报材料清单</w:t></w:r>" + HIDDEN_RUN.format("（征求意见稿）"),
        ),
    )
    old_date = '<w:r><w:rPr><w:rStyle w:val="Draft"/></w:rPr><w:t>2023年08月01日</w:t></w:r>'
    data = mutate(
        data,
        DOC,
        replace_once("<w:r><w:t>2023年8月1日</w:t></w:r>", old_date + "<w:r><w:t>2023年8月1日</w:t></w:r>"),
    )
    report = check_docx(foreign(data))
    assert report.ok, show(report)
    texts = _texts(data)
    assert "申报材料清单" in texts and "2023年8月1日" in texts
    assert not any("征求意见稿" in t or "08" in t for t in texts)


def test_a_tracked_move_is_read_at_its_new_place(document):  # noqa: F811
    # Tracked changes are read as accepted (w:del's runs already were): a moved-from run keeps its
    # text in w:t, and the date read “2023年08月01日2023年8月1日” — 日期 not in the standard's form.
    moved = (
        '<w:moveFrom w:id="1" w:author="审核人"><w:r><w:t>2023年08月01日</w:t></w:r></w:moveFrom>'
        '<w:moveTo w:id="2" w:author="审核人"><w:r><w:t>2023年8月1日</w:t></w:r></w:moveTo>'
    )
    data = mutate(document, DOC, replace_once("<w:r><w:t>2023年8月1日</w:t></w:r>", moved))
    report = check_docx(data)
    assert report.ok, show(report)
    assert "2023年8月1日" in _texts(data)


def test_an_empty_paragraph_deleted_or_hidden_is_no_line(document):  # noqa: F811
    # Accepted, a deleted paragraph mark joins its paragraph to the next (ECMA-376 §17.13.5.15);
    # an empty paragraph whose mark is hidden draws no line. Neither is a 空行 on the page.
    base = _texts(document)
    deleted = mutate(
        document,
        DOC,
        lambda t: re.sub(
            r'(申报工作的通知</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="WsBody"/>)(</w:pPr>)',
            r'\1<w:rPr><w:del w:id="5" w:author="审核人"/></w:rPr>\2',
            t,
            count=1,
        ),
    )
    hidden = mutate(
        document,
        DOC,
        replace_once(
            "2023年8月1日</w:t></w:r></w:p>",
            "2023年8月1日</w:t></w:r></w:p><w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr></w:p>",
        ),
    )
    assert _texts(hidden) == base
    texts = _texts(deleted)
    title = next(i for i, t in enumerate(texts) if t.endswith("申报工作的通知"))
    assert len(texts) == len(base) - 1 and texts[title + 1].startswith("各省辖市")
    # the paragraphs are numbered as the reader counts them: rules that index by the number (the
    # 署名 before the date) found the wrong one, “正文：段首应左空二字” of 河南省知识产权局
    for data in (deleted, hidden):
        report = check_docx(foreign(data))
        assert report.ok, show(report)


def test_a_heading_and_its_text_in_one_run_show_the_text_in_the_headings_font(document):  # noqa: F811
    # zhaohui_notice_offline types “一、总体要求。坚持……” in one 黑体 run: the whole paragraph
    # prints in 黑体 (check --render's page 1). Only once LibreOffice re-saved the file, splitting
    # the run, was the text after the heading reported; now it is in the file as it came.
    one_run = mutate(
        document,
        DOC,
        replace_once("<w:t>一、推荐名额</w:t>", "<w:t>一、推荐名额。各省辖市可推荐1个城市。</w:t>"),
    )
    report = check_docx(foreign(one_run))
    assert codes(report) == {"font"}, show(report)
    (found,) = report.deviations
    assert found.element == "一级标题后的正文" and found.actual.startswith("黑体"), show(report)
    # a heading ending in its own 。 has no text after it: the 。 is the heading's
    assert check_docx(
        foreign(mutate(document, DOC, replace_once("<w:t>一、推荐名额</w:t>", "<w:t>一、推荐名额。</w:t>")))
    ).ok


@pytest.mark.render
def test_a_hidden_paragraph_is_not_on_the_page(document, tmp_path: Path):  # noqa: F811
    """LibreOffice lays out no hidden text: the page has 二、工作要求 but not the hidden 二、旧的标题."""
    from wenshu.office.libreoffice import LibreOffice, read_pages
    from wenshu.office.pages import compact

    path = tmp_path / "hidden.docx"
    path.write_bytes(_hide_a_heading(document))
    with LibreOffice() as office:
        pdf = office.convert([path], tmp_path / "pdf")[path]
    page = compact("".join(row.text for p in read_pages(pdf) for row in p.rows))
    assert "二、工作要求" in page and "旧的标题" not in page


# Word's 列表样式: the heading style numbers through list 10, whose definition only names the
# numbering style 公文标题 (w:numStyleLink); the levels are in the definition that style links
# (w:styleLink). The headings' text has no 一、 of its own.
_LINKED_LISTS = (
    '<w:abstractNum w:abstractNumId="10"><w:multiLevelType w:val="multilevel"/>'
    '<w:numStyleLink w:val="GwList"/></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="11"><w:multiLevelType w:val="multilevel"/><w:styleLink w:val="GwList"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
    '<w:lvlJc w:val="left"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'
    # Chinese numerals as Word 2010 and later write them: its own custom format, with the
    # standard one as the fallback
    '<w:abstractNum w:abstractNumId="12"><w:lvl w:ilvl="0"><w:start w:val="1"/><mc:AlternateContent>'
    '<mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="一, 二, 三, ..."/></mc:Choice>'
    '<mc:Fallback><w:numFmt w:val="chineseCounting"/></mc:Fallback></mc:AlternateContent>'
    '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'
)
_LINKED_NUMS = (
    '<w:num w:numId="10"><w:abstractNumId w:val="10"/></w:num>'
    '<w:num w:numId="11"><w:abstractNumId w:val="11"/></w:num>'
    # list 12 redefines level 0 of the decimal “%1.” definition 0 for itself alone
    '<w:num w:numId="12"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0">'
    '<w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    "</w:lvlOverride></w:num>"
    '<w:num w:numId="13"><w:abstractNumId w:val="12"/></w:num>'
)


def _numbered_by_a_list_style(document: bytes, num_id: str) -> bytes:  # noqa: F811
    def numbering(text: str) -> str:
        at = text.index("<w:num ")
        text = text[:at] + _LINKED_LISTS + text[at:]
        return text.replace("</w:numbering>", _LINKED_NUMS + "</w:numbering>")

    style = (
        '<w:style w:type="numbering" w:customStyle="1" w:styleId="GwList"><w:name w:val="公文标题"/>'
        '<w:pPr><w:numPr><w:numId w:val="11"/></w:numPr></w:pPr></w:style></w:styles>'
    )
    numbered = f'<w:numPr><w:numId w:val="{num_id}"/></w:numPr><w:outlineLvl w:val="0"/>'
    data = mutate(document, "word/numbering.xml", numbering)
    data = mutate(
        data,
        STYLES,
        lambda t: t.replace("</w:styles>", style).replace('<w:outlineLvl w:val="0"/>', numbered, 1),
    )
    return mutate(
        data,
        DOC,
        lambda t: t.replace("<w:t>一、推荐名额</w:t>", "<w:t>推荐名额</w:t>").replace(
            "<w:t>二、工作要求</w:t>", "<w:t>工作要求</w:t>"
        ),
    )


@pytest.mark.parametrize("num_id", ["10", "12", "13"], ids=["numStyleLink", "lvlOverride", "custom-format"])
def test_headings_numbered_through_a_list_style_read_their_labels(document, num_id):  # noqa: F811
    # Was: 推荐名额 read without its 一、 — a body paragraph in 黑体 (层级标题：字体不符).
    data = _numbered_by_a_list_style(document, num_id)
    texts = _texts(data)
    assert "一、推荐名额" in texts and "二、工作要求" in texts
    report = check_docx(data)
    assert report.ok, show(report)


@pytest.mark.render
def test_a_list_styles_labels_are_on_the_page(document, tmp_path: Path):  # noqa: F811
    """LibreOffice draws 一、 and 二、 before the headings numbered through the list style. (Not
    for Word 2010's custom “一, 二, 三, ...” format, list 13: LibreOffice 7.4 takes the
    mc:Choice it cannot draw and shows no label at all, where Word shows 一、 — measured; with
    a choice it does not know it takes the fallback and draws 一、.)"""
    from wenshu.office.libreoffice import LibreOffice, read_pages
    from wenshu.office.pages import compact

    path = tmp_path / "linked.docx"
    path.write_bytes(_numbered_by_a_list_style(document, "10"))
    with LibreOffice() as office:
        pdf = office.convert([path], tmp_path / "pdf")[path]
    page = compact("".join(row.text for p in read_pages(pdf) for row in p.rows))
    assert "一、推荐名额" in page and "二、工作要求" in page


def test_a_symbol_inserted_by_word_is_read(document):  # noqa: F811
    # Word's 插入符号 writes 〔〕 as w:sym (the character's code in w:char): the page shows
    # 豫知〔2023〕38号 (LibreOffice's PDF, pdftotext), the checker read 豫知202338号 and said the
    # 发文字号 was not in the form 机关代字〔年份〕序号号.
    typed = '<w:r><w:t xml:space="preserve">豫知〔2023〕38号</w:t></w:r>'
    inserted = (
        '<w:r><w:t xml:space="preserve">豫知</w:t></w:r><w:r><w:sym w:font="宋体" w:char="3014"/></w:r>'
        '<w:r><w:t>2023</w:t></w:r><w:r><w:sym w:font="宋体" w:char="3015"/></w:r><w:r><w:t>38号</w:t></w:r>'
    )
    data = mutate(document, DOC, replace_once(typed, inserted))
    report = check_docx(data)
    assert report.ok, show(report)
    assert "豫知〔2023〕38号" in _texts(data)


def test_hidden_text_in_a_footer_is_not_read(document):  # noqa: F811
    # A hidden 第 before the page number's dash was read as “第— 1 —” (页码两侧应各放一条一字线).
    footer = part_with(document, "PAGE")
    hidden = HIDDEN_RUN.format("第") + '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
    data = mutate(document, footer, replace_once('<w:r><w:t xml:space="preserve">— </w:t></w:r>', hidden))
    report = check_docx(data)
    assert report.ok, show(report)


# -- what tracked changes and hidden text leave on the page (review13) -----------------------
LABEL = '<w:p><w:pPr><w:pStyle w:val="WsAttachmentLabel"/></w:pPr><w:r><w:t>附件</w:t></w:r></w:p>'
PAGE_BREAK = '<w:r><w:br w:type="page"/></w:r>'
DELETED_MARK = '<w:pPr><w:rPr><w:del w:id="9" w:author="审核人"/></w:rPr></w:pPr>'


def _attachment_after(document: bytes, before_label: str) -> bytes:  # noqa: F811
    """``document`` whose 附件 label starts no page of itself (its style's pageBreakBefore
    gone), ``before_label`` put before it."""
    data = mutate(
        document,
        STYLES,
        lambda t: re.sub(
            r'(w:styleId="WsAttachmentLabel".*?)<w:pageBreakBefore/>', r"\1", t, count=1, flags=re.S
        ),
    )
    return mutate(data, DOC, replace_once(LABEL, before_label + LABEL)) if before_label else data


@pytest.mark.parametrize(
    "mark",
    [DELETED_MARK, "<w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr>"],
    ids=["mark-deleted", "mark-hidden"],
)
def test_a_page_break_stays_when_its_paragraphs_mark_goes(document, mark):  # noqa: F811
    # Was: the paragraph holding only the break was dropped with its break — 附件应另面编排. In
    # Word the run is still shown; accepted, the deleted mark joins it to the next paragraph,
    # whose text still starts on a new page.
    assert "attachment-page" in codes(check_docx(_attachment_after(document, "")))
    data = _attachment_after(document, f"<w:p>{mark}{PAGE_BREAK}</w:p>")
    report = check_docx(data)
    assert report.ok, show(report)
    doc = read_document(data)
    label = next(i for i, p in enumerate(doc.paragraphs) if p.text == "附件")
    assert doc.paragraphs[label - 1].text != "" and doc.paragraphs[label].page_break_before


@pytest.mark.parametrize(
    "run",
    [
        f'<w:del w:id="8" w:author="审核人">{PAGE_BREAK}</w:del>',
        f'<w:moveFrom w:id="8" w:author="审核人">{PAGE_BREAK}</w:moveFrom>',
        '<w:r><w:rPr><w:vanish/></w:rPr><w:br w:type="page"/></w:r>',
    ],
    ids=["deleted", "moved-away", "hidden"],
)
def test_a_page_break_that_is_not_on_the_page_breaks_none(document, run):  # noqa: F811
    # Was: any w:br of type page in the paragraph counted, and the 附件 was read as on a page
    # of its own.
    data = _attachment_after(document, f'<w:p><w:pPr><w:pStyle w:val="WsBody"/></w:pPr>{run}</w:p>')
    assert "attachment-page" in codes(check_docx(data))


def test_a_paragraph_hidden_by_its_style_is_not_read(document):  # noqa: F811
    # The mark's w:vanish resolved through the paragraph style, as a run's is: was read as two
    # empty paragraphs (the runs hidden, the mark not), where direct hiding left none.
    style = (
        '<w:style w:type="paragraph" w:customStyle="1" w:styleId="HiddenNote"><w:name w:val="hidden note"/>'
        "<w:rPr><w:vanish/></w:rPr></w:style></w:styles>"
    )
    note = '<w:p><w:pPr><w:pStyle w:val="HiddenNote"/></w:pPr><w:r><w:t>内部备注：不公开</w:t></w:r></w:p>'
    data = mutate(document, STYLES, replace_once("</w:styles>", style))
    data = mutate(data, DOC, replace_once(AFTER_HEADING_2, AFTER_HEADING_2 + note * 2))
    assert _texts(data) == _texts(document)
    report = check_docx(foreign(data))
    assert report.ok, show(report)


CC = '<w:r><w:t xml:space="preserve">抄送：国家知识产权局知识产权运用促进司。</w:t></w:r>'


def test_a_deleted_table_row_is_not_read(document):  # noqa: F811
    # Was: the deleted row's 抄送 read as a second 版记 line (“抄送”后应标全角冒号).
    row = (
        '<w:tr><w:trPr><w:del w:id="7" w:author="审核人"/></w:trPr><w:tc><w:p><w:r><w:delText>抄送国家局'
        "</w:delText></w:r></w:p></w:tc></w:tr>"
    )
    cell = (
        '<w:tc><w:tcPr><w:cellDel w:id="6" w:author="审核人"/></w:tcPr>'
        "<w:p><w:r><w:t>抄送国家局</w:t></w:r></w:p></w:tc>"
    )
    data = mutate(
        document,
        DOC,
        replace_once(
            "<w:tr>", row.replace("<w:delText>", "<w:t>").replace("</w:delText>", "</w:t>") + "<w:tr>"
        ),
    )
    data = mutate(data, DOC, replace_once("</w:tc></w:tr>", "</w:tc>" + cell + "</w:tr>"))
    report = check_docx(data)
    assert report.ok, show(report)
    doc = read_document(data)
    assert not any("国家局" in p.text and "运用" not in p.text for p in doc.paragraphs)
    (table,) = doc.tables
    assert len(table.rows) == 2 and len(table.rows[0]) == 1


def test_a_deleted_symbol_before_the_cc_line_is_not_read(document):  # noqa: F811
    # A deleted run keeps its w:sym (only text moves to w:delText): the 版记 row read
    # “〔抄送：……”, was no 版记, and its missing 。 went unreported.
    deleted_sym = '<w:del w:id="5" w:author="审核人"><w:r><w:sym w:font="宋体" w:char="3014"/></w:r></w:del>'
    data = mutate(document, DOC, replace_once(CC, deleted_sym + CC.replace("司。", "司")))
    assert codes(check_docx(foreign(data))) == {"cc-period"}


def test_hidden_spaces_before_the_text_are_no_indent(document):  # noqa: F811
    # Hidden “　　” before a paragraph's text was measured as indent: 段首应左空二字 (4 字).
    hidden_spaces = '<w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve">\u3000\u3000</w:t></w:r>'
    data = mutate(
        document, DOC, replace_once("<w:r><w:t>各单位要严格", hidden_spaces + "<w:r><w:t>各单位要严格")
    )
    report = check_docx(foreign(data))
    assert report.ok, show(report)


def test_a_deleted_or_hidden_break_in_a_cell_is_no_typed_break():
    from lxml import etree

    from wenshu.check.reading.ooxml import W_NS, element_text, typed_breaks

    def cell(runs: str) -> etree._Element:
        return etree.fromstring(f'<w:tc xmlns:w="{W_NS}"><w:p>{runs}</w:p></w:tc>')

    typed = "<w:r><w:t>北京市</w:t><w:br/><w:t>天津市</w:t></w:r>"
    assert typed_breaks(cell(typed))
    deleted = cell(
        '<w:r><w:t>北京市</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:br/><w:tab/></w:r></w:del>'
    )
    assert not typed_breaks(deleted) and element_text(deleted) == "北京市"
    assert not typed_breaks(cell(typed), shown=lambda r: False)


@pytest.mark.parametrize(
    "mark",
    ['<w:del w:id="4" w:author="审核人"/>', "<w:specVanish/>", "<w:vanish/>"],
    ids=["deleted", "style-separator", "hidden"],
)
def test_a_paragraph_whose_mark_is_gone_runs_on_into_the_next(document, mark):  # noqa: F811
    # Accepted, a deleted mark joins its paragraph to the next (ECMA-376 §17.13.5.15); Word's
    # style separator (w:specVanish, §17.3.2.36) and a hidden mark never end a paragraph on the
    # page. Was read as two paragraphs.
    first = (
        f'<w:p><w:pPr><w:pStyle w:val="WsBody"/><w:rPr>{mark}</w:rPr></w:pPr>'
        "<w:r><w:t>各地要按时报送。</w:t></w:r></w:p>"
    )
    body = '<w:p><w:pPr><w:pStyle w:val="WsBody"/><w:keepNext/></w:pPr><w:r><w:t>各单位要严格'
    data = mutate(document, DOC, replace_once(body, first + body))
    texts = _texts(data)
    assert len(texts) == len(_texts(document))
    assert any(t.startswith("各地要按时报送。各单位要严格审核把关") for t in texts), texts
    report = check_docx(foreign(data))
    assert report.ok, show(report)


def test_a_run_in_heading_keeps_its_font_and_the_text_after_it_its_own(document):  # noqa: F811
    # Word's 标题 run in with its text through a style separator: the heading's runs in the
    # heading style (黑体), the text's in the body's (仿宋) — each run through its own
    # paragraph's style, one paragraph on the page.
    heading = '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>一、推荐名额</w:t></w:r></w:p>'
    run_in = heading.replace("</w:pPr>", "<w:rPr><w:specVanish/></w:rPr></w:pPr>").replace("名额<", "名额。<")
    data = mutate(document, DOC, replace_once(heading, run_in))
    texts = _texts(data)
    assert "一、推荐名额。各省辖市可推荐1个城市。" in texts, texts
    report = check_docx(foreign(data))
    assert report.ok, show(report)
