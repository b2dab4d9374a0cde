"""LibreOffice.convert_letters: a batch's one-page letters laid out in merged runs, one
LibreOffice per share side by side, give the PDFs that converting file by file gives."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from wenshu.build.batch import load_batch, run_batch
from wenshu.office import libreoffice
from wenshu.office.libreoffice import LibreOffice, page_count, read_pages

pytestmark = pytest.mark.render

LETTERS = REPO / "examples" / "letters"
SPEC = LETTERS / "recommendations.yaml"


@pytest.fixture(autouse=True)
def _needs_office():
    if not shutil.which("soffice") or not shutil.which("pdfseparate") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or poppler-utils not installed")


def _letters(folder: Path, rows: list[dict[str, str]] | None = None) -> list[Path]:
    """The example batch's letters (or the example spec with ``rows``) as .docx in ``folder``."""
    spec = SPEC
    if rows is not None:
        spec = folder / SPEC.name
        shutil.copy(SPEC, spec)
        with open(folder / "recommendations.csv", "w", encoding="utf-8", newline="") as fh:
            out = csv.DictWriter(fh, fieldnames=list(rows[0]))
            out.writeheader()
            out.writerows(rows)
    result = run_batch(load_batch(spec), folder / "out", jobs=1, formats=("docx",))
    assert not result.failed, [str(p) for p in result.problems()]
    return [folder / "out" / f"{name}.docx" for name in result.names]


def test_merged_shares_give_the_pages_of_file_by_file(tmp_path, monkeypatch):
    docx = _letters(tmp_path)
    monkeypatch.setattr(libreoffice, "MIN_SHARE", len(docx) // 2)  # two shares, side by side
    with LibreOffice(instances=2) as office:
        merged = office.convert_letters(docx, tmp_path / "merged")
        assert not office.failed
    with LibreOffice(instances=1) as office:
        alone = office.convert(docx, tmp_path / "alone")
    assert list(merged) == docx and set(alone) == set(docx)
    for source in docx:
        assert merged[source].name == f"{source.stem}.pdf"
        ours, theirs = read_pages(merged[source]), read_pages(alone[source])
        assert len(ours) == len(theirs) == 1, source
        # The same lines at the same places: the letter printed as it prints alone.
        assert [(r.text, round(r.x0), round(r.y0)) for r in ours[0].rows] == [
            (r.text, round(r.x0), round(r.y0)) for r in theirs[0].rows
        ], source
        assert any(source.stem in r.text.replace(" ", "") for r in ours[0].rows), source


def test_a_letter_over_one_page_sends_its_share_file_by_file(tmp_path):
    with open(LETTERS / "recommendations.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[:3]
    rows[1]["审核情况"] = "经审核，该市申报材料完整、真实、准确，符合申报条件。" * 40
    docx = _letters(tmp_path, rows)
    with LibreOffice(instances=1) as office:
        pdfs = office.convert_letters(docx, tmp_path / "pdf")
    # Merged, the second letter's second page would have been taken for the third letter.
    first, second, third_pages = (page_count(pdfs[source]) for source in docx)
    assert first == third_pages == 1 and second is not None and second > 1
    third = read_pages(pdfs[docx[2]])[0].rows
    assert any(rows[2]["推荐对象"] in r.text.replace(" ", "") for r in third)
