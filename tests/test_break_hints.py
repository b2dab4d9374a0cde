"""The break hint after a cited 发文字号's “〕” goes only into the copy LibreOffice lays out
(:mod:`wenshu.office.breaks`): never into the .docx or .md delivered, nor the PDF's text."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from wenshu.build.pipeline import render
from wenshu.cli.main import main
from wenshu.office.breaks import BREAK_HINT, for_libreoffice

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HINT = BREAK_HINT.encode()
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(body: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")
    return out.getvalue()


def _texts(docx: bytes) -> list[str]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return [t.text for t in root.iter("{*}t")]


def test_the_hint_follows_the_bracket_of_a_cited_number_only():
    texts = ("（国知办函管字〔2016〕864号）、", "〔2016〕", "87号；（2023）12个")
    runs = "".join(f"<w:r><w:t>{t}</w:t></w:r>" for t in texts)
    texts = _texts(for_libreoffice(_docx(f"<w:p>{runs}</w:p>")))
    # within a run, and across runs (the serial in the next run: the hint ends the first);
    # a year in other brackets, or 〕 before no digit, is left alone
    assert texts == ["（国知办函管字〔2016〕\u200b864号）、", "〔2016〕\u200b", "87号；（2023）12个"]


def test_a_package_citing_no_number_is_returned_as_it_was():
    first = "<w:p><w:r><w:t>国知办函管字〔2023〕号、〔2016〕</w:t></w:r></w:p>"
    data = _docx(first + "<w:p><w:r><w:t>864号</w:t></w:r></w:p>")
    assert for_libreoffice(data) is data  # a serial in the next paragraph is not its serial


def test_built_docx_and_markdown_hold_no_hint():
    """The hint was once written into the .docx (flow8, reverted): python-docx, Word's Find
    and a clerk copying “〔2016〕864号” all saw the hidden character."""
    built = render(EXAMPLES / "notices" / "cnipa-2018-city.yaml").files
    with zipfile.ZipFile(io.BytesIO(built["docx"])) as z:
        assert not [n for n in z.namelist() if HINT in z.read(n)]
    assert HINT not in built["md"]


@pytest.mark.render
def test_build_pdf_keeps_the_docx_free_of_the_hint_and_the_pdf_text_too(tmp_path):
    """``build --pdf`` paginates and lays out hinted copies: the .docx and .md it writes,
    and the PDF's text, hold no U+200B — while the PDF shows the number broken after “〕”."""
    out = tmp_path / "out"
    spec = EXAMPLES / "notices" / "cnipa-2018-city.yaml"
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out / "cnipa-2018-city.docx") as z:
        assert not [n for n in z.namelist() if HINT in z.read(n)]
        assert "〔2016〕864号" in z.read("word/document.xml").decode()
    assert HINT not in (out / "cnipa-2018-city.md").read_bytes()
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(out / "cnipa-2018-city.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert BREAK_HINT not in text
    assert "（国知办函管字〔2016〕\n864 号）" in text  # LibreOffice broke where the hint let it
