"""The one-page proof (wenshu.build.lines) on printed pages: a letter it calls one page prints
on one page without the pagination pass, Latin words, URLs and long numbers included, and a
letter it cannot prove gets the pass and prints on one page after it."""

from __future__ import annotations

import itertools
import shutil

import pytest
import yaml

from wenshu.build.document import render_spec
from wenshu.build.lines import lines_needed, provably_fits
from wenshu.build.paginate import paginate
from wenshu.office.libreoffice import LibreOffice, page_count
from wenshu.spec.load import load_spec

pytestmark = pytest.mark.render

# Unbreakable runs that wrap whole: Latin words, a URL, a long number.
RUNS = {
    "word": lambda n: ("abcdefghij" * 10)[:n],
    "url": lambda n: ("https://www.example.com/" + "path/" * 20)[:n],
    "number": lambda n: ("1234567890" * 10)[:n],
}


def letter(before: int, run: str, length: int, times: int) -> dict:
    """A 推荐函 whose review repeats ``times`` a paragraph with an unbreakable run in it."""
    para = "中" * before + RUNS[run](length) + "中" * 11 + "。"
    return {
        "kind": "recommendation_letter",
        "issuer": "河南省知识产权局",
        "doc_number": "豫知函〔2027〕3号",
        "basis": {"title": "关于开展2027年试点示范工作的通知", "doc_number": "国知办函运字〔2027〕100号"},
        "applicant": "示例甲公司",
        "programme": "国家知识产权示范企业",
        "review": para * times,
        "date": "2027-09-08",
    }


# The reviewer's letters: counted one page before the proof bounded each run's wrap, printed on two.
REVIEWED = [("word", 14, 50, 2), ("word", 18, 50, 2), ("word", 14, 60, 2)]
CASES = sorted(
    set(REVIEWED)
    | {
        (run, before, length, times)
        for run, before, length, times in itertools.product(RUNS, (6, 14, 22), (20, 40, 55), (1, 2, 3))
    }
)


@pytest.fixture(autouse=True)
def _needs_office():
    if not shutil.which("soffice") or not shutil.which("pdfinfo"):
        pytest.skip("LibreOffice or poppler-utils not installed")


def test_what_the_proof_calls_one_page_prints_on_one_page(tmp_path):
    documents = {}
    for run, before, length, times in CASES:
        spec = tmp_path / f"{run}_{before}_{length}_{times}.yaml"
        spec.write_text(yaml.safe_dump(letter(before, run, length, times), allow_unicode=True), "utf-8")
        documents[spec.stem] = render_spec(load_spec(spec), ("docx",)).files["docx"]
    proven = {name for name, data in documents.items() if provably_fits(data)}
    # Not vacuous: letters on either side of the limit.
    assert 10 <= len(proven) <= len(documents) - 10, {n: lines_needed(d) for n, d in documents.items()}
    for case in REVIEWED:
        assert "_".join(map(str, case)) not in proven
    with LibreOffice() as office:
        laid = paginate({n: d for n, d in documents.items() if n not in proven}, office)
        sources = []
        for name, data in documents.items():
            sources.append(tmp_path / "docx" / f"{name}.docx")
            sources[-1].parent.mkdir(exist_ok=True)
            sources[-1].write_bytes(data if name in proven else laid[name].docx)
        pdfs = office.convert(sources, tmp_path / "pdf")
    pages = {source.stem: page_count(pdf) for source, pdf in pdfs.items()}
    assert len(pages) == len(documents)
    assert not [name for name in proven if pages[name] != 1], pages  # proven: one page, no pass
    for case in REVIEWED:  # the pass keeps them on one page
        assert pages["_".join(map(str, case))] == 1, pages
