"""One pipeline: every option of a build on every kind of source either takes effect or is
refused with a Chinese message naming it — never dropped in silence.

Sources: a spec file, a folder of specs, a batch spec. Options: formats, draft, paginate,
pdf, force, jobs, merge, name, data (see the table in wenshu.build.pipeline).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wenshu.build import batch as build_batch
from wenshu.build import lines as build_lines
from wenshu.build import paginate as build_paginate
from wenshu.build.pipeline import BuildRequest, run
from wenshu.cli.main import main
from wenshu.errors import WenshuError

REPO = Path(__file__).resolve().parents[1]
LETTERS = REPO / "examples" / "letters"
SOURCES = ("file", "folder", "batch")
HOLE = "【待补】"
NOTICE = """kind: notice
format: letter
issuer: 示例市知识产权局
doc_number: 示知函〔2023〕10号
title: 示例市知识产权局关于开展试点工作的通知
recipients: 各区县知识产权局
body: [现将有关事项通知如下。]
signature: {signature}
date: 2023-03-02
"""


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    """A spec file, a folder holding one, and a batch spec of three letters, each with
    a 【待补】 in a copy for the draft cases (``<sort>-draft``)."""
    src = tmp_path / "src"
    (src / "folder").mkdir(parents=True)
    shutil.copy(LETTERS / "application.yaml", src / "application.yaml")
    shutil.copy(LETTERS / "application.yaml", src / "folder" / "letter.yaml")
    shutil.copy(LETTERS / "applications.yaml", src / "applications.yaml")
    holed = src / "holed"
    (holed / "folder").mkdir(parents=True)
    letter = (LETTERS / "application.yaml").read_text(encoding="utf-8")
    assert "recipients: 示例省知识产权局" in letter
    letter = letter.replace("recipients: 示例省知识产权局", f"recipients: {HOLE}")
    (holed / "application.yaml").write_text(letter, encoding="utf-8")
    (holed / "folder" / "application.yaml").write_text(letter, encoding="utf-8")
    batch = (LETTERS / "applications.yaml").read_text(encoding="utf-8")
    (holed / "applications.yaml").write_text(
        batch.replace("recipients: 示例省知识产权局", f"recipients: {HOLE}"), encoding="utf-8"
    )
    return {
        "file": src / "application.yaml",
        "folder": src / "folder",
        "batch": src / "applications.yaml",
        "file-draft": holed / "application.yaml",
        "folder-draft": holed / "folder",
        "batch-draft": holed / "applications.yaml",
    }


def _run(source: Path, out: Path, **options) -> tuple[list[Path], list]:
    """Build ``source`` into ``out`` without the pagination pass unless asked; files written
    (under ``out``, whatever the source) and the outcome's problems."""
    options.setdefault("paginate", False)
    result = run(BuildRequest((source,), out, **options))
    (outcome,) = result.outcomes
    return sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")), outcome.problems


@pytest.mark.parametrize("sort", SOURCES)
def test_formats(sources, tmp_path, sort):
    written, problems = _run(sources[sort], tmp_path / "out", formats=("md",))
    assert not problems and written and {p.suffix for p in written} == {".md"}


@pytest.mark.parametrize("sort", SOURCES)
def test_draft(sources, tmp_path, sort):
    holed = sources[f"{sort}-draft"]
    written, problems = _run(holed, tmp_path / "final")
    assert problems and not [p for p in written if p.suffix == ".md"]  # not a draft: refused
    written, problems = _run(holed, tmp_path / "draft", draft=True)
    md = [p for p in written if p.suffix == ".md"]
    assert not problems and md
    assert all(f"<mark>{HOLE}</mark>" in p.read_text(encoding="utf-8") for p in md)


@pytest.mark.parametrize("sort", SOURCES)
def test_paginate(sources, tmp_path, monkeypatch, sort):
    """The pass is asked for on every source: with no LibreOffice, each says it once; with
    ``paginate`` off, none does. (Every document is made to need the pass: the batch's
    letters fit one page.)"""
    monkeypatch.setenv("WENSHU_SOFFICE", str(tmp_path / "no-such-soffice"))
    monkeypatch.setattr(build_lines, "provably_fits", lambda docx: False)  # the pass imports it when run
    monkeypatch.setattr(build_batch, "fits_one_page", lambda lines: False)  # judged in the workers
    on = run(BuildRequest((sources[sort],), tmp_path / "on", paginate=True))
    off = run(BuildRequest((sources[sort],), tmp_path / "off", paginate=False))
    assert [h for h in on.hints if "未验证分页" in h] and not on.failed
    assert not off.hints and not off.failed


@pytest.mark.parametrize("sort", SOURCES)
def test_pdf_without_libreoffice_is_said_before_anything_is_written(sources, tmp_path, monkeypatch, sort):
    monkeypatch.setenv("WENSHU_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(WenshuError) as caught:
        run(BuildRequest((sources[sort],), tmp_path / "out", pdf=True, paginate=False))
    assert "未找到 LibreOffice" in str(caught.value.problems[0])
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("sort", ("folder", "batch"))
def test_pdf_without_docx_is_refused_for_folders_and_batches(sources, tmp_path, sort):
    with pytest.raises(WenshuError) as caught:
        run(BuildRequest((sources[sort],), tmp_path / "out", ("md",), pdf=True, paginate=False))
    assert "需要同时生成 docx" in caught.value.problems[0].message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("sort", SOURCES)
def test_force(sources, tmp_path, sort):
    """A second run with ``force`` writes every output again (a folder without it skips).
    Each output is written as a new file renamed into place: a new inode."""
    out = tmp_path / "out"
    first, _ = _run(sources[sort], out)
    inodes = {p: p.stat().st_ino for p in first}
    if sort == "folder":
        again = run(BuildRequest((sources[sort],), out, paginate=False)).outcomes[0]
        assert not again.written and all(p.stat().st_ino == inodes[p] for p in first)  # skipped
    forced = run(BuildRequest((sources[sort],), out, paginate=False, force=True)).outcomes[0]
    assert sorted(forced.written) == sorted(first)
    assert all(p.stat().st_ino != inodes[p] for p in first)


@pytest.mark.parametrize("sort", SOURCES)
def test_jobs(sources, tmp_path, sort):
    one, problems = _run(sources[sort], tmp_path / "one", jobs=1)
    two, problems_two = _run(sources[sort], tmp_path / "two", jobs=2)
    assert not problems and not problems_two
    assert [p.relative_to(tmp_path / "one") for p in one] == [p.relative_to(tmp_path / "two") for p in two]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two, strict=True))


@pytest.mark.parametrize("sort", SOURCES)
def test_merge_and_name(sources, tmp_path, sort):
    request = BuildRequest((sources[sort],), tmp_path / "out", merge=True, name="{n}-函", paginate=False)
    if sort != "batch":
        with pytest.raises(WenshuError) as caught:
            run(request)
        messages = [p.message for p in caught.value.problems]
        assert [p.file for p in caught.value.problems] == ["--merge", "--name"]
        assert all("只用于批量规格" in m for m in messages)
        assert not (tmp_path / "out").exists()
        return
    (outcome,) = run(request).outcomes
    names = sorted(p.name for p in outcome.written)
    assert outcome.merged is not None and outcome.merged.is_file()
    letters = [n for n in names if n.endswith(".docx") and "合并" not in n]
    assert letters == ["1-函.docx", "2-函.docx", "3-函.docx"]


@pytest.mark.parametrize("sort", SOURCES)
def test_data(sources, tmp_path, sort):
    """A data file makes a spec file a batch (``wenshu batch SPEC --data``); a folder has no
    one data file."""
    shutil.copy(LETTERS / "recommendations.yaml", tmp_path / "recommendations.yaml")
    data = LETTERS / "recommendations.csv"
    source = sources[sort] if sort != "batch" else tmp_path / "recommendations.yaml"
    request = BuildRequest((source,), tmp_path / "out", data=data, paginate=False, batch_folder=False)
    if sort == "folder":
        with pytest.raises(WenshuError) as caught:
            run(request)
        assert "只用于批量规格" in caught.value.problems[0].message
        return
    (outcome,) = run(request).outcomes
    rows = len((data.read_text(encoding="utf-8-sig")).strip().splitlines()) - 1
    if sort == "file":  # an application letter takes no recommendation rows: the rows say why
        assert outcome.problems and not outcome.written
        assert all(p.file.startswith(str(data)) for p in outcome.problems), outcome.problems
        return
    assert not outcome.problems and len([p for p in outcome.written if p.suffix == ".docx"]) == rows


def test_warnings_are_carried_in_the_result_on_every_path(tmp_path):
    """A spec that builds with a warning (its signature is not its issuer): the file path
    and the folder path both return it, and the command line prints it once from the result."""
    folder = tmp_path / "specs"
    folder.mkdir()
    spec = folder / "notice.yaml"
    spec.write_text(NOTICE.format(signature="示例市某局"), encoding="utf-8")
    by_file = run(BuildRequest((spec,), tmp_path / "a", paginate=False)).outcomes[0]
    by_folder = run(BuildRequest((folder,), tmp_path / "b", paginate=False)).outcomes[0]
    assert by_file.ok and by_folder.ok
    assert len(by_file.warnings) == 1 and by_folder.warnings == by_file.warnings
    assert "示例市某局" in by_file.warnings[0].message and by_file.warnings[0].field == "signature"
    for source in (spec, folder):
        shown = CliRunner().invoke(main, ["build", str(source), "-o", str(tmp_path / "c"), "--force"])
        assert shown.exit_code == 0 and shown.output.count("警告") == 1, shown.output


def test_cli_batch_has_the_build_options(tmp_path):
    """`wenshu batch --draft` is the same option as `wenshu build --draft`."""
    holed = tmp_path / "applications.yaml"
    batch = (LETTERS / "applications.yaml").read_text(encoding="utf-8")
    holed.write_text(batch.replace("recipients: 示例省知识产权局", f"recipients: {HOLE}"), encoding="utf-8")
    refused = CliRunner().invoke(main, ["batch", str(holed), "-o", str(tmp_path / "final"), "--no-paginate"])
    assert refused.exit_code == 1 and HOLE in refused.output
    drafted = CliRunner().invoke(
        main, ["batch", str(holed), "-o", str(tmp_path / "draft"), "--draft", "--no-paginate"]
    )
    assert drafted.exit_code == 0, drafted.output
    assert len(list((tmp_path / "draft").glob("*.md"))) == 3


@pytest.mark.render
def test_one_run_makes_pdfs_for_every_kind_of_source(sources, tmp_path):
    """File, folder and batch in one request: every .docx gets its PDF beside it, all
    through one LibreOffice."""
    request = BuildRequest(
        (sources["file"], sources["folder"], sources["batch"]), tmp_path / "out", pdf=True, paginate=False
    )
    result = run(request)
    assert not result.failed, [str(p) for o in result.failed for p in o.problems]
    docx = sorted(p for p in (tmp_path / "out").rglob("*.docx"))
    assert len(docx) == 1 + 1 + 3
    assert all(p.with_suffix(".pdf").stat().st_size > 1000 for p in docx)


def test_build_validate_and_the_workbench_find_the_same_specs(tmp_path):
    """One rule: *.yaml and *.yml; nothing under a name starting with . or _; for a build,
    nothing in its output folder."""
    from wenshu.serve.app import Workbench
    from wenshu.spec.find import find_specs

    folder = tmp_path / "specs"
    for rel in ("a.yaml", "b.YML", "_c.yaml", ".d.yaml", "_sub/e.yaml", "sub/f.yml", "notes.txt"):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(NOTICE.format(signature="示例市知识产权局"), encoding="utf-8")
    expected = ["a.yaml", "b.YML", "sub/f.yml"]
    checked = CliRunner().invoke(main, ["validate", str(folder)])
    assert checked.exit_code == 0, checked.output
    lines = checked.output.splitlines()
    passed = [line.split()[1].split("（")[0] for line in lines if line.startswith("通过") and "（" in line]
    assert sorted(Path(p).relative_to(folder).as_posix() for p in passed) == expected
    out = folder / "out"
    built = run(BuildRequest((folder,), out, ("md",), paginate=False)).outcomes[0]
    assert sorted(p.relative_to(out).as_posix() for p in built.written) == ["a.md", "b.md", "sub/f.md"]
    (out / "g.yaml").write_text(NOTICE.format(signature="示例市知识产权局"), encoding="utf-8")
    assert [p.relative_to(folder).as_posix() for p in find_specs(folder, skip=out)] == expected
    bench = Workbench(folder, pages=False)
    assert [bench.rel(p) for p in bench.specs()] == expected


class _Notes:
    """A progress bar that keeps what it is told."""

    def __init__(self):
        self.notes: list[str] = []
        self.totals: list[int] = []
        self.done = 0

    def start(self, total):
        self.totals.append(total)

    def advance(self, n):
        self.done += n

    def finish(self):
        pass

    def note(self, text):
        self.notes.append(text)


@pytest.mark.parametrize("sort", SOURCES)
def test_the_libreoffice_step_is_said_before_it_runs(sources, tmp_path, monkeypatch, sort):
    """The pass runs after the bar of the documents is full and takes seconds to minutes:
    the clerk is told what it is doing, for every sort of source. (LibreOffice itself is
    stood in for: the words are the point here.)"""
    from wenshu.office import libreoffice

    class Office:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

    monkeypatch.setattr(libreoffice, "find_poppler", lambda name: name)
    monkeypatch.setattr(libreoffice, "LibreOffice", Office)
    monkeypatch.setattr(build_lines, "provably_fits", lambda docx: False)
    monkeypatch.setattr(build_batch, "fits_one_page", lambda lines: False)
    monkeypatch.setattr(build_paginate, "paginate", lambda documents, office: {})
    bar = _Notes()
    result = run(BuildRequest((sources[sort],), tmp_path / "out", paginate=True), bar)
    assert not result.failed
    assert [n for n in bar.notes if n.startswith("排版 ") and "LibreOffice" in n], bar.notes


def test_on_a_terminal_the_bar_ends_before_the_note(monkeypatch):
    """``wenshu build DIR`` on a terminal: the full bar is closed and the LibreOffice step
    said on a line of its own; redirected, neither is written."""
    import io
    import sys

    from wenshu.cli.output import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for terminal, shown in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", terminal)
        bar = Progress("生成")
        bar.start(2)
        bar.advance(2)
        bar.note("排版 2 份文件（LibreOffice 实际排版、量页、调整分页）……")
        assert bar.bar is None
        text = terminal.getvalue()
        assert (text.rstrip().endswith("排版 2 份文件（LibreOffice 实际排版、量页、调整分页）……")) is shown
        assert ("生成" in text) is shown


def test_a_batch_summary_names_the_merged_files_pdf(sources, tmp_path, monkeypatch):
    """``wenshu batch --merge --pdf``: the letters' PDFs are counted, the print file's PDF is
    named as the print file (not a second “已生成 1 个 PDF” beside the first)."""
    from wenshu.build.pdf import RunOffice
    from wenshu.office import libreoffice

    def pdfs_beside(self, docx_files, *, letters=False):
        made = [p.with_suffix(".pdf") for p in docx_files]
        for pdf in made:
            pdf.write_bytes(b"%PDF-1.4\n")
        return made, []

    monkeypatch.setattr(libreoffice, "LibreOffice", lambda: object())
    monkeypatch.setattr(RunOffice, "pdfs_beside", pdfs_beside)
    request = BuildRequest((sources["batch"],), tmp_path / "out", pdf=True, merge=True, paginate=False)
    (outcome,) = run(request).outcomes
    assert not outcome.problems and outcome.merged is not None
    lines = [line for line in outcome.summary if "PDF" in line]
    assert lines[0].startswith("已生成 3 个 PDF（"), outcome.summary
    assert lines[1] == f"合并文件 PDF　{outcome.merged.with_suffix('.pdf')}", outcome.summary


def test_pdfs_libreoffice_did_not_make_are_counted_in_the_summary(sources, tmp_path, monkeypatch):
    """A folder build with --pdf whose conversion fails for some files: the PDFs made are
    written and counted, the others are errors and counted in the summary too (not a
    summary that says nothing failed)."""
    from wenshu.build.pdf import RunOffice
    from wenshu.office import libreoffice

    class Office:
        """LibreOffice converting every other file."""

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            pass

        def convert(self, sources, out_dir):
            done = {}
            for source in sources[::2]:
                done[source] = out_dir / f"{source.stem}.pdf"
                done[source].write_bytes(b"%PDF-1.4\n")
            return done

    monkeypatch.setattr(libreoffice, "LibreOffice", Office)
    monkeypatch.setattr(RunOffice, "_started", lambda self: Office())
    folder = tmp_path / "specs"
    folder.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(sources["file"], folder / f"{name}.yaml")
    request = BuildRequest((folder,), tmp_path / "out", pdf=True, paginate=False)
    (outcome,) = run(request).outcomes
    assert [p.message for p in outcome.problems] == ["LibreOffice 未能把它转换为 PDF"], outcome.problems
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["a.pdf", "c.pdf"]
    assert any(re.fullmatch(r"已生成 2 个 PDF（.*；用时 \d+\.\d 秒）", line) for line in outcome.summary), (
        outcome.summary
    )
    assert "PDF 未能生成 1 个（见上方错误；其 .docx 已生成）" in outcome.summary, outcome.summary


def test_many_spec_files_have_a_bar_and_one_has_none(sources, tmp_path):
    """``wenshu build *.yaml``: the files are counted as they are rendered, as a folder's
    are; a single file builds without a bar."""
    second = sources["file"].with_name("second.yaml")
    shutil.copy(sources["file"], second)
    bar = _Notes()
    result = run(BuildRequest((sources["file"], second), tmp_path / "many", paginate=False), bar)
    assert not result.failed and bar.totals == [2] and bar.done == 2
    bar = _Notes()
    run(BuildRequest((sources["file"],), tmp_path / "one", paginate=False), bar)
    assert bar.totals == [] and bar.done == 0


def test_title_line_ending_inside_a_word_is_warned(tmp_path):
    """§7.3.1 词意完整: hand-written title lines broken inside a word of the title word list
    (cnipa-2018-city's source broke “强市创建市” after “强市”) build with a warning naming the
    file, line and field; the example's own lines, broken after the word, give none."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")  # the attachments it names
    example = tmp_path / "examples" / "notices" / "cnipa-2018-city.yaml"
    text = example.read_text(encoding="utf-8")
    fixed = "  - 国家知识产权试点示范城市、强市创建市\n  - 评定和复核等工作的通知\n"
    assert fixed in text
    spec = example.with_name("city.yaml")
    broken = "  - 国家知识产权试点示范城市、强市\n  - 创建市评定和复核等工作的通知\n"
    spec.write_text(text.replace(fixed, broken), "utf-8")
    (outcome,) = run(BuildRequest((spec,), tmp_path / "out", paginate=False)).outcomes
    assert outcome.ok
    (warning,) = [w for w in outcome.warnings if "强市创建市" in w.message]
    line = text.splitlines().index("  - 国家知识产权试点示范城市、强市创建市") + 1
    assert (warning.file, warning.line, warning.field) == (str(spec), line, "title_lines[2]")
    shown = CliRunner().invoke(main, ["validate", str(spec)])
    assert shown.exit_code == 0 and f"{spec}:{line}:" in shown.output and "词意完整" in shown.output
    (clean,) = run(BuildRequest((example,), tmp_path / "clean", paginate=False)).outcomes
    assert clean.ok and not [w for w in clean.warnings if "title_lines" in w.field]
    # wenshu check reports the break in the built file too (in wenshu's own files, only a
    # break inside a word: the lines' shape is the spec's choice).
    from wenshu.check import check_files

    built, sound = check_files([tmp_path / "out" / "city.docx", tmp_path / "clean" / "cnipa-2018-city.docx"])
    assert "title-break" in built.codes and "强市创建市" in str(built.deviations)
    assert "title-break" not in sound.codes
