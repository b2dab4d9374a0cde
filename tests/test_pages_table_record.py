"""The 版记 under a table that ends the last attachment on an even page (GB/T 9704 §7.4.1,
§7.3.5.5 with §7.3.7), measured on pages LibreOffice laid out.

A 文件格式 notice with a 版记 whose one attachment, starting on page four (even), is a table
of 21 to 24 rows under its title: from 22 rows the table left no room for the 版记 at the
page's foot, and the notice went on to a blank page five and a page six holding only the
版记. The pass now gives the table's lines one exact pitch, as a clerk sets a table's line
spacing to a 固定值, and the 版记 comes to page four. All documents go through one pass
(one LibreOffice run per round for all of them).
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest

from wenshu import layout as L
from wenshu.build.paginate import paginate
from wenshu.check import check_docx
from wenshu.office.libreoffice import LibreOffice
from wenshu.render.docx import build_docx

LINE = "这是一行正文用于逐行增加篇幅以检查分页是否正确处理了"  # 26 characters + 2 indent = 1 line


def table_attachment_notice(rows: int) -> str:
    """The Markdown of a sealed 文件格式 notice with a 版记: 30 lines of 正文 (the signature on
    page three), then one attachment, a table of ``rows`` rows in 4号, on page four."""
    table = [
        '<!-- wenshu:table {"widths": [1, 3, 4], "size": "四号"} -->',
        "| 序号 | 名称 | 说明 |",
        "| :-: | :-: | :-: |",
        *(f"| {i} | 示例单位{i} | 示例说明文字{i} |" for i in range(1, rows + 1)),
    ]
    parts = [
        '<!-- wenshu:frame {"name": "document"} -->',
        "<!-- wenshu:mark -->\n示例省知识产权局文件",
        "<!-- wenshu:doc-number -->\n示知发〔2024〕1号",
        "# 关于分页测试的通知",
        "<!-- wenshu:recipients -->\n各有关单位：",
        *([LINE] * 30),
        '<!-- wenshu:attachment-note {"first": true} -->\n附件：第一个附件',
        '<!-- wenshu:signature {"sealed": true} -->\n示例省知识产权局',
        '<!-- wenshu:date {"sealed": true} -->\n2024年1月15日',
        "<!-- wenshu:attachment -->\n附件",
        "# 第一个附件",
        "\n".join(table),
        "<!-- wenshu:cc -->\n抄送：示例单位一，示例单位二。",
        "<!-- wenshu:imprint -->\n示例省知识产权局办公室　2024年1月15日印发",
    ]
    return "\n\n".join(parts) + "\n"


# 21 rows leave the 版记 room as they are; 22–24 rows did not (the page's foot 1.6, 0.9 and
# 0.2 lines under the table, measured).
ROWS = (21, 22, 23, 24)


@pytest.fixture(scope="module")
def paginated():
    documents = {f"table/{rows}": build_docx(table_attachment_notice(rows)) for rows in ROWS}
    with LibreOffice() as office:
        return paginate(documents, office)


def _table_pitches(docx: bytes) -> set[int]:
    """The exact line pitches (twips) of the table paragraphs outside the 版记."""
    with zipfile.ZipFile(BytesIO(docx)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    tables = [t for t in re.findall(r"<w:tbl>.*?</w:tbl>", xml) if "WsRecord" not in t]
    return {int(v) for t in tables for v in re.findall(r'w:line="(\d+)" w:lineRule="exact"', t)}


@pytest.mark.render
def test_record_comes_under_a_full_page_table_on_the_even_last_page(paginated):
    """§7.4.1, §7.5: the 版记 stands at the foot of page four under the table — four pages,
    every one numbered — where it went past a blank page five to a page six of its own. The
    table's lines are exact and no tighter than 1.2 times its 4号 size (§7.3.5.5 with §7.3.7);
    a table that leaves the 版记 room keeps its single spacing. ``check`` finds nothing
    (no line-pitch fault on the tightened page)."""
    floor = L.MIN_TABLE_LINE_PITCH_EM * L.TABLE_SIZE_PT * L.TWIPS_PER_PT
    for rows in ROWS:
        result = paginated[f"table/{rows}"]
        facts, pitches = result.facts, _table_pitches(result.docx)
        print(
            f"table/{rows}: {facts.pages} pages, content ends {facts.content_end}, 版记 on page "
            f"{facts.record_page} ({facts.record_gap_pt} pt above the foot), unnumbered {facts.unnumbered}, "
            f"table pitch {pitches}"
        )
        assert not facts.faults, [str(f) for f in facts.faults]
        assert (facts.pages, facts.record_page, facts.content_end[0]) == (4, 4, 4), rows
        assert not facts.unnumbered and 0 <= facts.record_gap_pt <= 5
        if rows == 21:
            assert not pitches
        else:
            assert len(pitches) == 1 and floor <= min(pitches) < 1.45 * L.TABLE_SIZE_PT * L.TWIPS_PER_PT
        assert not [d.code for d in check_docx(result.docx).deviations]
