"""The punctuation mark that ends a full line (“……进行审核确认，”, the “，” the 29th character)
hangs past the 版心's edge, as Word sets it and the line model counts it — and prints.

The .docx says so (``w:kinsoku`` and ``w:overflowPunct`` on, ECMA-376 §17.3.1.16/§17.3.1.21);
the copy LibreOffice lays out inverts ``w:overflowPunct`` (LibreOffice 7.4 reads it inverted)
and gives a nil right indent one twip, without which LibreOffice dropped the mark of every
full justified body line from the PDF (36 marks in 12 example PDFs; :mod:`wenshu.office.breaks`).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from wenshu import layout as L
from wenshu.build.document import render_spec
from wenshu.build.lines import text_lines
from wenshu.build.pipeline import render
from wenshu.office.breaks import RIGHT_NUDGE_TWIPS, for_libreoffice
from wenshu.office.libreoffice import LibreOffice, read_pages
from wenshu.office.pages import compact, content_rows
from wenshu.spec.load import load_spec

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W}"'
MARKS = "，。、；："


def _package(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for name, xml in parts.items():
            z.writestr(name, xml)
    return out.getvalue()


def _xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def test_the_delivered_docx_states_both_settings_on():
    """Word's and WPS's defaults agree with the standard's, but the file says it itself."""
    styles = _xml(render(EXAMPLES / "notices" / "cnipa-2022-497.yaml").files["docx"], "word/styles.xml")
    (ppr,) = styles.findall(f"{{{W}}}docDefaults/{{{W}}}pPrDefault/{{{W}}}pPr")
    for setting in ("kinsoku", "overflowPunct"):
        (flag,) = ppr.findall(f"{{{W}}}{setting}")
        assert flag.get(f"{{{W}}}val") == "1"
    # and no style or paragraph says otherwise
    assert len(list(styles.iter(f"{{{W}}}overflowPunct"))) == 1


def test_the_copy_inverts_overflow_punct_and_nudges_nil_right_indents():
    styles = (
        f'<w:styles {NS}><w:docDefaults><w:pPrDefault><w:pPr><w:overflowPunct w:val="1"/>'
        '<w:spacing w:line="579"/></w:pPr></w:pPrDefault></w:docDefaults>'
        '<w:style w:styleId="A"><w:pPr><w:overflowPunct w:val="off"/>'
        '<w:ind w:firstLine="630"/></w:pPr></w:style>'
        '<w:style w:styleId="B"><w:pPr><w:overflowPunct/></w:pPr></w:style></w:styles>'
    )
    document = (
        f"<w:document {NS}><w:body>"
        '<w:p><w:pPr><w:ind w:right="0" w:rightChars="0"/></w:pPr></w:p>'
        '<w:p><w:pPr><w:ind w:right="630"/></w:pPr></w:p>'
        '<w:p><w:pPr><w:ind w:firstLine="0"/></w:pPr></w:p></w:body></w:document>'
    )
    copy = for_libreoffice(_package({"word/styles.xml": styles, "word/document.xml": document}))
    root = _xml(copy, "word/styles.xml")
    values = [f.get(f"{{{W}}}val") for f in root.iter(f"{{{W}}}overflowPunct")]
    assert values == ["0", "1", "0"]  # LibreOffice reads each as the .docx means it
    (default_ind,) = root.findall(f".//{{{W}}}pPrDefault/{{{W}}}pPr/{{{W}}}ind")
    assert default_ind.getparent()[-1] is default_ind  # after w:spacing, in schema order
    assert dict(default_ind.attrib) == {f"{{{W}}}right": str(RIGHT_NUDGE_TWIPS)}
    style_ind = root.find(f".//{{{W}}}style/{{{W}}}pPr/{{{W}}}ind")
    assert dict(style_ind.attrib) == {f"{{{W}}}firstLine": "630"}  # inherits the defaults' nudge
    inds = [dict(i.attrib) for i in _xml(copy, "word/document.xml").iter(f"{{{W}}}ind")]
    assert inds == [
        {f"{{{W}}}right": str(RIGHT_NUDGE_TWIPS)},  # nil: nudged
        {f"{{{W}}}right": "630"},  # its own: kept
        {f"{{{W}}}firstLine": "0"},  # none: inherited
    ]


def test_a_table_cells_paragraphs_keep_a_nil_right_indent():
    """A column is sized to whole characters: the nudge carried a cell's last character down
    (luoyang-city-evaluation p1), so a cell's paragraph states the nil it had."""
    styles = (
        f"<w:styles {NS}><w:docDefaults/>"
        '<w:style w:styleId="R"><w:pPr><w:ind w:right="280"/></w:pPr></w:style>'
        '<w:style w:styleId="S"><w:basedOn w:val="R"/></w:style></w:styles>'
    )
    cell = "<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>"
    paragraphs = [
        "<w:p><w:r><w:t>甲</w:t></w:r></w:p>",
        '<w:p><w:pPr><w:pStyle w:val="S"/></w:pPr></w:p>',  # its style's right indent
        '<w:p><w:pPr><w:jc w:val="both"/></w:pPr></w:p>',
    ]
    document = f"<w:document {NS}><w:body>{cell.format(''.join(paragraphs))}<w:p/></w:body></w:document>"
    copy = for_libreoffice(_package({"word/styles.xml": styles, "word/document.xml": document}))
    body = _xml(copy, "word/document.xml")
    inds = [p.find(f"{{{W}}}pPr/{{{W}}}ind") for p in body.iter(f"{{{W}}}p")]
    assert [None if i is None else i.get(f"{{{W}}}right") for i in inds] == ["0", None, "0", None]
    assert body.find(f".//{{{W}}}tc/{{{W}}}p/{{{W}}}pPr")[0].tag == f"{{{W}}}ind"


def _one_line_per_mark() -> dict:
    """A notice whose paragraphs each fill a line with 28 characters and end it with a mark."""
    spec = yaml.safe_load((EXAMPLES / "notices" / "cnipa-2022-497.yaml").read_text("utf-8"))
    for key in ("attachments", "note", "contacts"):
        spec.pop(key, None)
    # 26 characters after the two-character indent fill the first line, 28 the second.
    full = "进行审核确认" * 4 + "审核确认"
    spec["body"] = [
        f"各地方知识产权局组织辖区参加申报和复核的企业在线填报{full}{mark}经公示无异议后发文。"
        for mark in MARKS
    ]
    return spec


@pytest.mark.render
def test_a_mark_after_a_full_line_hangs_and_prints(tmp_path):
    """The reviewer's cnipa-2022-497 p3 “……进行审核确认 / 经公示无异议后”: the comma was in the
    .docx and missing from the PDF. Each mark now prints at the end of its line, hung past the
    版心's right edge, and each paragraph takes the lines the line model counts."""
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or poppler-utils not installed")
    path = tmp_path / "marks.yaml"
    path.write_text(yaml.safe_dump(_one_line_per_mark(), allow_unicode=True), "utf-8")
    docx = tmp_path / "marks.docx"
    docx.write_bytes(render_spec(load_spec(path), ("docx",)).files["docx"])
    with LibreOffice() as office:
        pdf = office.convert([docx], tmp_path / "pdf")[docx]
    rows = [r for page in read_pages(pdf) for r in content_rows(page)]
    right = L.text_area_pt()[3]
    char = L.CHAR_ADVANCE_TWIPS / L.TWIPS_PER_PT
    full = "进行审核确认" * 4 + "审核确认"
    for mark, paragraph in zip(MARKS, _one_line_per_mark()["body"], strict=True):
        row = next(r for r in rows if compact(r.text).startswith(full))  # in the paragraphs' order
        assert compact(row.text) == full + mark, row.text  # the mark on its line, none lost
        assert row.x1 > right + char / 2, (mark, row.x1, right)  # past the edge: hung
        following = rows[rows.index(row) + 1]
        assert compact(following.text).startswith("经公示无异议后发文。")
        first = rows[rows.index(row) - 1]
        assert compact(first.text).startswith("各地方知识产权局")
        assert text_lines(False, paragraph) == 3  # the model's count: the lines printed
        rows.remove(row)
