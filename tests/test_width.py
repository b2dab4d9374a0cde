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
