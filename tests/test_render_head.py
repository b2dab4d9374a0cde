"""The 版头 on the printed page: where the red 发文机关标志 and the red rules print.

GB/T 9704-2012 §7.2.4 puts the 文件格式 mark's top edge 35 mm below the top of the 版心 (37 +
35 = 72 mm from the paper's top), §10.1 the 信函格式 mark's top edge 30 mm from the paper's top
and its red double rule 4 mm under the mark; §7.2.7 the 分隔线 4 mm under the 发文字号. The
examples are built, laid out by LibreOffice and the red ink read off the page image (the mark's
ink lies a little inside its em box, which is what wenshu places: up to 1 mm is allowed).
Marked ``render``: they need LibreOffice, poppler-utils and fonts-noto-cjk.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from wenshu import layout as L
from wenshu.build.pipeline import build
from wenshu.office.libreoffice import LibreOffice, read_pages

pytestmark = pytest.mark.render

DOCUMENT = REPO / "examples" / "notices" / "henan-2023-38.yaml"  # 河南省知识产权局文件, 42 pt
LETTER = REPO / "examples" / "letters" / "review-request.yaml"  # 示例市人民政府, 42 pt
# A longer organ name sets a smaller mark (29 pt): the place must not hang on one size.
LONG_ISSUER = "示例市知识产权强市建设领导小组"

_DPI = 300
_INK_INSIDE_EM_MM = 1.0  # how far inside its em box a mark's ink may begin or end
_SLACK_MM = 0.3  # pixel rows, twip and point rounding


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """name → page-laid PDF of the document example, the letter example and the letter
    with a long issuer, from one LibreOffice run."""
    if not shutil.which("soffice") or not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or poppler-utils not installed")
    work = tmp_path_factory.mktemp("head")
    long_spec = work / "long-issuer.yaml"
    text = LETTER.read_text(encoding="utf-8").replace("issuer: 示例市人民政府", f"issuer: {LONG_ISSUER}")
    assert LONG_ISSUER in text
    long_spec.write_text(text, encoding="utf-8")
    # 份号, 密级和保密期限, 紧急程度 above the mark: three lines of the 35 mm (§7.2.4). The copy
    # sits beside a copy of the annexes its attachments name.
    headed = work / "notices" / "headed.yaml"
    headed.parent.mkdir()
    shutil.copytree(DOCUMENT.parent.parent / "annexes", work / "annexes")
    text = DOCUMENT.read_text(encoding="utf-8")
    head = "copy_number: '000123'\nsecrecy: 秘密★1年\nurgency: 特急\ndoc_number:"
    headed.write_text(text.replace("doc_number:", head, 1), encoding="utf-8")
    sources = {}
    specs = (("document", DOCUMENT), ("letter", LETTER), ("long", long_spec), ("headed", headed))
    for name, spec in specs:
        (docx,) = build(spec, work / name, formats=("docx",))
        sources[name] = docx
    with LibreOffice(instances=1) as office:
        converted = office.convert(list(sources.values()), work / "pdf")
    return {name: converted[docx] for name, docx in sources.items()}


def _red_bands(pdf: Path) -> list[tuple[float, float, float]]:
    """Runs of pixel rows on page 1 carrying red ink across the 版心 and a little beyond (the
    letter's rules are 170 mm wide), from the paper's top down to 150 mm: (top mm, foot mm,
    widest share of the sampled width that is red)."""
    scale = _DPI / L.MM_PER_INCH
    left, width, height = int(15 * scale), int(180 * scale), int(150 * scale)
    command = ["pdftoppm", "-r", str(_DPI), "-f", "1", "-l", "1", "-x", str(left), "-y", "0"]
    command += ["-W", str(width), "-H", str(height), str(pdf)]
    data = subprocess.run(command, capture_output=True, check=True).stdout
    fields = data.split(maxsplit=4)  # P6, width, height, maxval, pixels
    w, h, pixels = int(fields[1]), int(fields[2]), fields[4]
    bands: list[list[float]] = []
    for r in range(h):
        row = pixels[r * w * 3 : (r + 1) * w * 3]
        red = sum(
            1 for c in range(0, w, 2) if row[3 * c] >= 160 and row[3 * c + 1] <= 100 and row[3 * c + 2] <= 100
        )
        if not red:
            continue
        share = red / len(range(0, w, 2))
        if bands and bands[-1][1] == r:
            bands[-1][1], bands[-1][2] = r + 1, max(bands[-1][2], share)
        else:
            bands.append([r, r + 1, share])
    return [(top / scale, foot / scale, share) for top, foot, share in bands]


def _mark_and_rules(pdf: Path) -> tuple[tuple[float, float], list[tuple[float, float]]]:
    """The mark's ink (top, foot) in mm from the paper's top, and the red rules' (top, foot):
    a rule is red across most of the width, the mark's strokes break between characters."""
    bands = _red_bands(pdf)
    mark = [b for b in bands if b[2] < 0.5]
    rules = [(top, foot) for top, foot, share in bands if share >= 0.5]
    assert mark and rules, bands
    return (mark[0][0], mark[-1][1]), rules


def _doc_number_box(pdf: Path) -> tuple[float, float]:
    """The 发文字号's line box on page 1, (top, foot) in mm from the paper's top."""
    row = next(r for r in read_pages(pdf)[0].rows if "〔" in r.text and r.text.rstrip().endswith("号"))
    return row.y0 / L.PT_PER_MM, row.y1 / L.PT_PER_MM


@pytest.mark.parametrize("name", ["document", "headed"])
def test_document_mark_top_edge_35_mm_under_the_text_area(pdfs, name):
    # "headed": three head-info lines above the mark once pushed it 30.6 mm lower.
    (top, _), _ = _mark_and_rules(pdfs[name])
    target = L.TOP_MARGIN_MM + L.DOCUMENT_MARK_OFFSET_MM  # §7.2.4: 72 mm
    # The old head set the 42 pt mark at single spacing: its ink began 4.45 mm low.
    assert target - _SLACK_MM <= top <= target + _INK_INSIDE_EM_MM, top


@pytest.mark.parametrize("name", ["letter", "long"])
def test_letter_mark_top_edge_30_mm_from_the_paper_top(pdfs, name):
    (top, _), _ = _mark_and_rules(pdfs[name])
    # The old head: 34.46 mm (42 pt), 33.02 mm (29 pt).
    assert L.LETTER_MARK_TOP_MM - _SLACK_MM <= top <= L.LETTER_MARK_TOP_MM + _INK_INSIDE_EM_MM, top


@pytest.mark.parametrize("name", ["letter", "long"])
def test_letter_double_rule_4_mm_under_the_mark(pdfs, name):
    (_, foot), rules = _mark_and_rules(pdfs[name])
    gap = rules[0][0] - foot
    # §10.1; the old head: 6.9 mm under the 42 pt mark's ink, 6.0 mm under the 29 pt one.
    assert L.HEAD_RULE_GAP_MM - _SLACK_MM <= gap <= L.HEAD_RULE_GAP_MM + _INK_INSIDE_EM_MM, gap
    # The 发文字号 prints under the double rule (§10.1), not on it.
    number_top, _ = _doc_number_box(pdfs[name])
    assert number_top > rules[1][1], (number_top, rules)


def test_document_rule_4_mm_under_the_doc_number(pdfs):
    (_, mark_foot), rules = _mark_and_rules(pdfs["document"])
    number_top, number_foot = _doc_number_box(pdfs["document"])
    # §7.2.4 the 发文字号 two lines under the mark; §7.2.7 the rule 4 mm under its line.
    assert number_top - mark_foot >= 2 * L.LINE_PITCH_TWIPS / L.TWIPS_PER_PT / L.PT_PER_MM
    assert len(rules) == 1 and abs(rules[0][0] - number_foot - L.HEAD_RULE_GAP_MM) <= _SLACK_MM, (
        rules,
        number_foot,
    )
