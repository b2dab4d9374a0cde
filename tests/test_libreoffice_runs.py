"""LibreOffice.convert when soffice ends part-way through its files: a fake soffice (a small
Python script) stands in for LibreOffice, converting only some of the files it is given."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from wenshu.office import libreoffice
from wenshu.office.libreoffice import LibreOffice

# The fake converts files in order, writing a one-line "PDF" for each into --outdir, and
# logs each run's file count. It stops after LIMIT files (exit 0, the rest skipped, as
# soffice 7.4.7 does past ~245 files) and dies at once on a document holding the text CRASH.
FAKE_SOFFICE = """\
import os, signal, sys, zipfile
from pathlib import Path
LIMIT = {limit}
args = sys.argv[1:]
out = Path(args[args.index("--outdir") + 1])
files = [a for a in args if a.endswith(".docx")]
with open({log!r}, "a") as log:
    log.write(f"{{len(files)}}\\n")
for n, name in enumerate(files):
    if n == LIMIT:
        sys.exit(0)
    with zipfile.ZipFile(name) as package:
        if b"CRASH" in package.read("word/document.xml"):
            os.kill(os.getpid(), signal.SIGSEGV)
    (out / (Path(name).stem + ".pdf")).write_bytes(b"%PDF-1.4 fake\\n")
"""


def _fake_soffice(folder: Path, limit: int) -> tuple[str, Path]:
    """A fake soffice converting at most ``limit`` files a run; returns it and its run log."""
    log = folder / "runs.log"
    script = folder / "soffice"
    script.write_text(f"#!{sys.executable}\n" + FAKE_SOFFICE.format(limit=limit, log=str(log)))
    script.chmod(0o755)
    return str(script), log


_CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_PACKAGE_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type='
    '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)


def _documents(folder: Path, texts: list[str]) -> list[Path]:
    """A .docx of one paragraph for each text: the smallest package (no styles, settings or
    theme — the fake reads only the text), so that making its offline copy costs little."""
    paths = []
    for i, text in enumerate(texts):
        path = folder / f"{i:02d}.docx"
        with zipfile.ZipFile(path, "w") as package:
            package.writestr("[Content_Types].xml", _CONTENT_TYPES)
            package.writestr("_rels/.rels", _PACKAGE_RELS)
            package.writestr(
                "word/document.xml",
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
            )
        paths.append(path)
    return paths


def test_files_left_when_soffice_stops_early_go_to_a_fresh_one(tmp_path):
    binary, log = _fake_soffice(tmp_path, limit=3)
    sources = _documents(tmp_path, [f"第{i}份" for i in range(8)])
    with LibreOffice(binary, instances=1) as office:
        done = office.convert(sources, tmp_path / "pdf")
        assert office.failed == {}
    assert set(done) == set(sources)
    assert all(done[s] == tmp_path / "pdf" / f"{s.stem}.pdf" for s in sources)
    # 3 of 8, then 3 of the 5 left, then the last 2: each run starts where the last stopped
    assert log.read_text().split() == ["8", "5", "2"]


def test_a_file_that_crashes_soffice_is_given_up_after_two_runs_and_the_rest_convert(tmp_path):
    binary, log = _fake_soffice(tmp_path, limit=100)
    sources = _documents(tmp_path, ["一", "二", "CRASH", "四", "五"])
    with LibreOffice(binary, instances=1) as office:
        done = office.convert(sources, tmp_path / "pdf")
    assert set(done) == {sources[0], sources[1], sources[3], sources[4]}
    # crashed at it, crashed again when it came first, then the files after it
    assert log.read_text().split() == ["5", "3", "2"]


def test_a_share_is_sent_in_runs_of_at_most_max_files_per_run(tmp_path, monkeypatch):
    binary, log = _fake_soffice(tmp_path, limit=100)
    monkeypatch.setattr(libreoffice, "MAX_FILES_PER_RUN", 4)
    sources = _documents(tmp_path, [f"第{i}份" for i in range(10)])
    with LibreOffice(binary, instances=1) as office:
        done = office.convert(sources, tmp_path / "pdf")
    assert set(done) == set(sources)
    assert log.read_text().split() == ["4", "4", "2"]


def test_a_soffice_that_converts_nothing_is_not_run_for_ever(tmp_path):
    binary, log = _fake_soffice(tmp_path, limit=0)
    sources = _documents(tmp_path, [f"第{i}份" for i in range(8)])
    with LibreOffice(binary, instances=1) as office:
        assert office.convert(sources, tmp_path / "pdf") == {}
    # two files given up in turn (each run twice), then the share (not 16 runs, two a file)
    assert log.read_text().split() == ["8", "8", "7", "7"]
