"""Lines and rows on the rendered page (LibreOffice → PDF): a body line before a cited 发文字号
keeps its characters' pitch (the number may break after its “〕”), a wrapped attachment name
aligns with its first character, and a table's blank rows, left to be filled in by hand, are a
line of 正文 high."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest

from wenshu import layout as L
from wenshu.build.pipeline import render
from wenshu.office.breaks import BREAK_HINT
from wenshu.office.ink import ink_rows
from wenshu.office.libreoffice import LibreOffice, read_pages
from wenshu.office.pages import compact, content_rows

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """cnipa-2018-city, the contact form, the application and review-request letters, as
    built (no pagination pass), laid out once."""
    work = tmp_path_factory.mktemp("lines")
    sources = {}
    for name in (
        "notices/cnipa-2018-city",
        "annexes/contact-form",
        "letters/application",
        "letters/review-request",
    ):
        path = work / (name.replace("/", "-") + ".docx")
        path.write_bytes(render(EXAMPLES / f"{name}.yaml").files["docx"])
        sources[name] = path
    with LibreOffice() as office:
        converted = office.convert(list(sources.values()), work / "pdf")
    return {name: converted[path] for name, path in sources.items()}


@pytest.mark.render
@pytest.mark.parametrize(
    ("name", "before", "serial"),
    [
        ("notices/cnipa-2018-city", "加快建设知识产权强市的指导意见", "864号）"),
        ("letters/review-request", "强市创建市评定和复核等工作的通知", "666号）"),
    ],
)
def test_a_line_before_a_cited_doc_number_is_not_letter_spaced(pdfs, name, before, serial):
    """“…指导意见》（国知办函管字〔2016〕864号）”: LibreOffice took no break between “〕” and
    “864” and carried “〔2016〕864号” whole to the next line, the 23 characters before it
    stretched over the line's 28 — 3.6 pt between every two characters (cnipa-2018-city p1,
    y = 186 mm; review-request p1, 2.7 pt). With the break hint after “〕” in the copy
    LibreOffice lays out (wenshu.office.breaks), the year stays on the line and its
    characters keep their pitch; the PDF's text carries no hint."""
    (page, *_) = read_pages(pdfs[name])
    rows = content_rows(page)
    (row,) = [r for r in rows if compact(r.text).startswith(before)]
    assert re.search(r"〔\d{4}〕$", compact(row.text)), row.text
    after = rows[rows.index(row) + 1]
    assert compact(after.text).startswith(serial), after.text
    # The line holds its 28 characters' worth (digits half a one) at the characters' pitch.
    units = sum(1 if ord(ch) > 0x2E7F else 0.5 for ch in compact(row.text))
    pitch = (row.x1 - row.x0) / units
    assert pitch < 1.05 * L.CHAR_ADVANCE_TWIPS / L.TWIPS_PER_PT, (pitch, row.text)
    text = subprocess.run(["pdftotext", str(pdfs[name]), "-"], capture_output=True, text=True).stdout
    assert BREAK_HINT not in text and re.search(r"〔\d{4}〕\n?\d+ ?号", text)


@pytest.mark.render
def test_blank_rows_of_a_form_are_a_line_high(pdfs):
    """The 工作联系信息表's five empty rows printed 5.8 mm high (an empty 4号 line), the
    header 7.3 mm: no room to write in. Now each is one line of 正文 (10.2 mm)."""
    pdf = pdfs["annexes/contact-form"]
    (page,) = read_pages(pdf)
    header = next(r for r in content_rows(page) if compact(r.text).startswith("处室姓名"))
    # A strip 2 pt wide just inside the table's left rule, from the header down: only the
    # rules between rows cross it.
    left = header.x0 - 20
    strip = ink_rows(pdf, 1, (left, header.y0 - 5, left + 2, header.y1 + 120 * L.PT_PER_MM))
    rules: list[float] = []
    for y in strip:
        if not rules or y - rules[-1] > 2:
            rules.append(y)
        else:
            rules[-1] = y
    gaps = [(b - a) / L.PT_PER_MM for a, b in itertools.pairwise(rules)]
    line = L.LINE_PITCH_TWIPS / L.TWIPS_PER_PT / L.PT_PER_MM
    assert len(gaps) == 6, gaps  # the header and five blank rows
    assert gaps[0] < line - 2  # the header is as high as its text
    assert all(abs(g - line) < 0.4 for g in gaps[1:]), gaps


def _words(pdf: Path, page: int) -> list[tuple[str, float]]:
    """The words pdftotext finds on ``page``, with their left edges in points."""
    box = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [(w, float(x)) for x, w in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', box)]


@pytest.mark.render
def test_a_wrapped_attachment_name_aligns_with_its_first_character(pdfs):
    """§7.3.7 (with §7.3.4): a name too long for its line wraps under its own first
    character. The hanging indent gave “1.” a whole character, Times prints it in 4.1 mm
    of 5.6: the name began 1.5 mm left of the lines under it (59.9 mm against 61.4). A tab
    to a stop at the indent puts both at the same place (application p2)."""
    words = _words(pdfs["letters/application"], 2)
    texts = [w for w, _ in words]
    first = texts.index("附件：1.")
    name = words[first + 1]
    assert name[0].startswith("示例市国家知识产权强市建设"), words[first : first + 3]
    wrapped = words[first + 2]  # the rest of the name, on the next line
    indent = (
        L.LEFT_MARGIN_MM * L.PT_PER_MM + (L.BODY_INDENT_TWIPS + 4 * L.CHAR_ADVANCE_TWIPS) / L.TWIPS_PER_PT
    )
    assert abs(wrapped[1] - indent) < 0.5, (wrapped, indent)
    assert abs(name[1] - wrapped[1]) < 0.3, (name, wrapped)
    second = words[texts.index("2.") + 1]  # the next name, after its own tab
    assert abs(second[1] - wrapped[1]) < 0.3, second
