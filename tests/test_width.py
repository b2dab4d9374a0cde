"""One measure of printed width (wenshu.text.width), proven against LibreOffice's lines."""

from __future__ import annotations

import shutil

import pytest

from wenshu import layout as L
from wenshu.build.pipeline import render
from wenshu.office.libreoffice import LibreOffice, read_pages
from wenshu.text.width import is_wide, line_width, text_width


def test_chinese_punctuation_takes_a_cell() -> None:
    for ch in "，。“”‘’——……《》（）※①→":
        assert is_wide(ch), ch
    for ch in "a1,.·°×§′″":
        assert not is_wide(ch), ch
    assert text_width("“十四五”") == 5
    assert text_width("2021—2035年") == 6
    assert line_width("2023年") == pytest.approx(3 + L.AUTOSPACE_EM)


# 28 cells to a line of the 版心; a body paragraph starts two cells in, so its first line
# holds 26 cells: with the marks a cell wide, it ends after “五”.
MIXED = "一“二”三——四……五一二三四五六七八九十一二三四五六七八九十一二三四五"


@pytest.mark.render
def test_a_line_of_chinese_punctuation_wraps_where_the_widths_say(tmp_path) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    spec = tmp_path / "w.yaml"
    spec.write_text(f"kind: document\ntitle: 测试\nbody:\n  - {MIXED}\n", encoding="utf-8")
    with LibreOffice() as office:
        (pdf,) = office.convert_bytes({"w": render(spec, ("docx",)).files["docx"]}).values()
    (tmp_path / "w.pdf").write_bytes(pdf)
    rows = [r.text.replace(" ", "") for r in read_pages(tmp_path / "w.pdf")[0].rows]
    first = next(r for r in rows if r.startswith("一“"))
    fits = max(n for n in range(len(MIXED) + 1) if text_width(MIXED[:n]) <= L.CHARS_PER_LINE - 2)
    assert first == MIXED[:fits]
    assert fits == 26  # counted as half a cell each, the marks would leave room for 29


# Runs of Latin letters, digits and ASCII signs (no pair among them kerns) between two 中, in a
# table cell (table text keeps its characters' own advance): each prints as wide as text_width
# says — a capital 0.6–0.9 of a cell, not half of one (“PCT国际专利申请量（2023/年）” broke in the
# enterprise plan where the capitals were counted half a cell each).
LATIN_RUNS = [
    "中MMMMHHHHBBBB中",
    "中PCTPCTPCTPCT中",
    "中iiiilllljjjj中",
    "中2023.5%,;:()中",
    "中abcdefghxyz中",
]


@pytest.mark.render
def test_latin_letters_print_as_wide_as_the_widths_say(tmp_path) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    from wenshu.render.docx import build_docx

    rows = "\n".join(f"| {text} |" for text in LATIN_RUNS[1:])
    markdown = (
        '<!-- wenshu:frame {"name": "document"} -->\n\n# 测试\n\n'
        f'<!-- wenshu:table {{"size": "小四"}} -->\n| {LATIN_RUNS[0]} |\n| :-: |\n{rows}\n'
    )
    with LibreOffice() as office:
        (pdf,) = office.convert_bytes({"w": build_docx(markdown)}).values()
    (tmp_path / "w.pdf").write_bytes(pdf)
    printed = {r.text.replace(" ", ""): r.x1 - r.x0 for r in read_pages(tmp_path / "w.pdf")[0].rows}
    size = L.TABLE_SIZES_PT["小四"]
    for text in LATIN_RUNS:
        print(text, printed[text] / size, line_width(text))
        assert printed[text] / size == pytest.approx(line_width(text), abs=0.05), text
    assert line_width("中MMMMHHHHBBBB中") > line_width("中" * 8) + 1  # wider than half a cell each
