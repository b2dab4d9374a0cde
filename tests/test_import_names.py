"""Import: an attachment page without a title, in a file without a 附件说明, is named by its
first line when that reads as a title; else its name is left 【待补】, noted in the spec and said
as to be filled in (“附件” would print “附件：附件” and the label again as the page's title)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_BREAK

from wenshu.extract import docx_blocks
from wenshu.importing.fix import fix_file, import_docx


def word(first: str) -> bytes:
    """A notice with one attachment page: the label 附件, ``first``, one more paragraph."""
    doc = Document()
    doc.add_paragraph("示例市知识产权局关于报送工作台账的通知").alignment = 1
    doc.add_paragraph("各县（市、区）知识产权局：")
    doc.add_paragraph("请按要求报送工作台账，格式见附件。")
    doc.add_paragraph("示例市知识产权局").alignment = 2
    doc.add_paragraph("2024年4月1日").alignment = 2
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("附件")
    doc.add_paragraph(first)
    doc.add_paragraph("台账按季度填写，每季度末报送一次。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_an_untitled_attachment_is_named_by_its_first_line(tmp_path):
    source = tmp_path / "台账.docx"
    source.write_bytes(word("示例县知识产权工作台账"))
    imported = import_docx(source.read_bytes(), source.name)
    assert "  - name: 示例县知识产权工作台账\n    body:\n      - 台账按季度填写" in imported.yaml
    assert any("以其第一行“示例县知识产权工作台账”为名称和标题" in c for c in imported.report.changed)
    fix_file(source, tmp_path / "out", paginate=False)
    rebuilt = docx_blocks((tmp_path / "out" / "台账.docx").read_bytes())
    assert "附件：示例县知识产权工作台账" in rebuilt and "附件：附件" not in rebuilt
    # on the page once, as its title right after its label, no longer also its first paragraph
    assert rebuilt.count("示例县知识产权工作台账") == 1
    title = rebuilt.index("示例县知识产权工作台账")
    assert rebuilt[title - 1] == "附件" and rebuilt[title + 1] == "台账按季度填写，每季度末报送一次。"


def test_an_attachment_whose_first_line_is_a_sentence_has_its_name_to_fill(tmp_path):
    first = "现将有关情况说明如下，请查收。"
    imported = import_docx(word(first), "台账.docx")
    note = "  # 导入：附件没有标题，也没有附件说明，名称待补，请核对\n  - name: 【待补】\n"
    assert note in imported.yaml and f"      - {first}\n" in imported.yaml
    assert any(line.startswith("附件的名称：") for line in imported.report.to_fill)
    # said once, as to fill in: the page itself was read, nothing of it is left unplaced
    assert imported.report.unplaced == []
    lines = imported.report.lines()
    assert sum("附件的名称" in line for line in lines) == 1 and not any("未能归位" in x for x in lines)
    # rebuilt, the label is printed once: not again as the page's title nor as the name
    source = tmp_path / "台账.docx"
    source.write_bytes(word(first))
    fix_file(source, tmp_path / "out", paginate=False)
    rebuilt = docx_blocks((tmp_path / "out" / "台账.docx").read_bytes())
    assert rebuilt.count("附件") == 1 and "附件：附件" not in rebuilt
    assert "附件：【待补】" in rebuilt and rebuilt[rebuilt.index("附件") + 1] == "【待补】"
