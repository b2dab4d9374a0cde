"""The one way from specs to files: :func:`run` takes a :class:`BuildRequest`, returns a :class:`BuildResult`.

A request names its sources — spec files, folders of specs (built incrementally), batch
specs (one letter per record) — and every option once. :func:`run` checks that each
option given applies to the sources given (or says, in Chinese, that it does not: no
option is dropped in silence), then builds each source the same way: a document is
rendered by :mod:`wenshu.build.document`, written by :mod:`wenshu.files`, laid out
by the pagination pass and converted to PDF by one :class:`~wenshu.build.pdf.RunOffice`
for the whole run. The result lists, by source, the files written, the problems (which
failed it), the warnings about it (accepted, but to be said) and the summary lines; the
command line and the workbench only print or show them.

Which option applies where:

============  ========  ===========  ==========================================
option        file      folder       batch spec
============  ========  ===========  ==========================================
formats       yes       yes          yes
draft         yes       yes (1)      yes
paginate      yes       yes (1)      yes (before ``merge``)
pdf           yes       needs docx   needs docx
force         always    yes          always (every letter is written each run)
jobs          (2)       yes          yes
merge, name   no        no           yes
data          no        no           yes (one batch spec only)
============  ========  ===========  ==========================================

(1) switching it rebuilds the whole folder (the manifest records it). (2) spec files are
built in this one process, which any ``jobs`` allows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from wenshu.build.document import Rendered, kept_checks, render
from wenshu.build.pdf import RunOffice
from wenshu.errors import Problem, WenshuError
from wenshu.files import FORMATS, prepare_output_dir, write_atomically
from wenshu.spec.load import looks_like_batch

__all__ = [
    "FORMATS",
    "BuildRequest",
    "BuildResult",
    "Outcome",
    "Progress",
    "Rendered",
    "build",
    "parse_formats",
    "prepare_output_dir",
    "render",
    "run",
    "write_atomically",
]

Source = Literal["file", "folder", "batch"]


class Progress(Protocol):
    """Told how much a folder or batch has to do and how far it got (a progress bar), and
    what a long step after it is doing (``note``: the pagination pass, the PDFs)."""

    def start(self, total: int) -> None: ...  # noqa: D102
    def advance(self, n: int) -> None: ...  # noqa: D102
    def finish(self) -> None: ...  # noqa: D102
    def note(self, text: str) -> None: ...  # noqa: D102


@dataclass(frozen=True)
class BuildRequest:
    """What to build, where, and how (see the module's table for which option applies where)."""

    sources: tuple[Path, ...]
    out_dir: Path = Path("out")
    formats: tuple[str, ...] = FORMATS
    draft: bool = False  # build despite unfilled 【待补】, each one marked
    paginate: bool = True  # the pagination pass (LibreOffice) over every .docx that needs it
    pdf: bool = False  # a PDF beside every .docx (LibreOffice)
    force: bool = False  # folders: rebuild specs whose inputs have not changed too
    jobs: int | None = None  # processes for folders and batches (default: every core)
    merge: bool = False  # batches: one more file of every letter, for printing
    name: str | None = None  # batches: the file name pattern, e.g. "{applicant}-{n}"
    data: Path | None = None  # batches: the data file, in place of the spec's own
    batch: bool = False  # every spec file is a batch spec, records or not (``wenshu batch``)
    batch_folder: bool = True  # a batch's letters go to out_dir/<spec stem> (else to out_dir itself)


@dataclass
class Outcome:
    """What became of one source."""

    source: Path
    sort: Source
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # it failed, wholly or in part
    warnings: list[Problem] = field(default_factory=list)  # about specs built: accepted, to be said
    hints: list[str] = field(default_factory=list)  # about the run of this source: not failing
    summary: list[str] = field(default_factory=list)  # counts, for folders and batches
    merged: Path | None = None  # a batch's merged print file

    @property
    def ok(self) -> bool:
        """Was everything of this source built?"""
        return not self.problems


@dataclass
class BuildResult:
    """What :func:`run` did, source by source, and what it has to say once for the run."""

    request: BuildRequest
    outcomes: list[Outcome] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)  # said once: pagination unverified, font stand-ins

    @property
    def failed(self) -> list[Outcome]:
        """The sources that failed, wholly or in part."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def written(self) -> list[Path]:
        """Every file written, in order."""
        return [p for o in self.outcomes for p in o.written]


def parse_formats(text: str) -> tuple[str, ...]:
    """``"docx,md"`` → ``("docx", "md")``; a :class:`WenshuError` naming any unknown one."""
    wanted = tuple(dict.fromkeys(f.strip() for f in text.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        pdf = "；PDF 不是 --format 的值，加 --pdf 另外生成" if "pdf" in (f.lower() for f in unknown) else ""
        raise WenshuError(
            Problem("--format", f"未知格式 {'、'.join(unknown) or '（空）'}；可选：{'、'.join(FORMATS)}{pdf}")
        )
    return wanted


def sort_of(path: Path, request: BuildRequest) -> Source:
    """Is ``path`` a folder, a batch spec or a spec file? A batch spec has ``records:`` or
    ``data:``, or is asked to be one (``batch``, or a data file given)."""
    if request.batch:
        return "batch"  # whatever it is: loading it as one says what is wrong
    if path.is_dir():
        return "folder"
    return "batch" if request.data is not None or looks_like_batch(path) else "file"


def check_request(request: BuildRequest, sorts: dict[Path, Source]) -> None:
    """Refuse, in Chinese, any option given that does not apply to the sources given."""
    parse_formats(",".join(request.formats))
    batches = [p for p, s in sorts.items() if s == "batch"]
    others = [p for p, s in sorts.items() if s != "batch"]
    problems = []
    for option, given in (("--merge", request.merge), ("--name", request.name), ("--data", request.data)):
        if given and others:
            names = "、".join(str(p) for p in others)
            problems.append(Problem(option, f"只用于批量规格（含 records 或 data），不用于 {names}"))
    if request.data is not None and len(batches) > 1:
        problems.append(Problem("--data", "只能与一个批量规格同用（每个批量规格有自己的数据）"))
    if request.pdf and "docx" not in request.formats:
        wholesale = [p for p, s in sorts.items() if s != "file"]
        if wholesale:
            names = "、".join(str(p) for p in wholesale)
            problems.append(Problem("--pdf", f"文件夹或批量规格生成 PDF 需要同时生成 docx（{names}）"))
    if problems:
        raise WenshuError(problems)


def run(request: BuildRequest, progress: Progress | None = None) -> BuildResult:
    """Build every source of ``request``; each source's outcome in the result, in the order
    folders, batch specs, spec files (spec files share one pagination pass and one PDF
    conversion). Raises :class:`WenshuError` only for the request itself (an option that
    does not apply, a PDF without LibreOffice): then nothing has been written."""
    sorts = {path: sort_of(path, request) for path in dict.fromkeys(request.sources)}
    check_request(request, sorts)
    result = BuildResult(request)
    paginate = request.paginate and "docx" in request.formats
    status = progress.note if progress is not None else None
    with RunOffice(paginate=paginate, pdf=request.pdf, status=status) as office:
        for path in (p for p, s in sorts.items() if s == "folder"):
            result.outcomes.append(_folder(path, request, office, progress))
        for path in (p for p, s in sorts.items() if s == "batch"):
            result.outcomes.append(_batch(path, request, office, progress))
        files = [p for p, s in sorts.items() if s == "file"]
        if files:
            result.outcomes += _files(files, request, office, progress if len(files) > 1 else None)
    result.hints += office.hints
    return result


def build(
    path: str | Path,
    out_dir: str | Path,
    formats: tuple[str, ...] = FORMATS,
    *,
    draft: bool = False,
    paginate: bool = False,
) -> list[Path]:
    """:func:`run` for one spec file: the files written, or its problems raised."""
    request = BuildRequest((Path(path),), Path(out_dir), formats, draft=draft, paginate=paginate)
    (outcome,) = run(request).outcomes
    if outcome.problems:
        raise WenshuError(outcome.problems)
    return outcome.written


# -- spec files -------------------------------------------------------------------------------
def _files(
    paths: list[Path], request: BuildRequest, office: RunOffice, progress: Progress | None = None
) -> list[Outcome]:
    """Spec files into ``out_dir``: all rendered (``progress`` told of each), then one
    pagination pass and one PDF conversion for all; a spec's files are written together
    only when all of them exist."""
    outcomes = {path: Outcome(path, "file") for path in paths}
    rendered: dict[Path, Rendered] = {}
    # A PDF is made from the .docx, written or not.
    formats = tuple(dict.fromkeys((*request.formats, "docx"))) if request.pdf else request.formats
    kept = kept_checks()  # spec files checked by an earlier run: not checked again
    with _progress(progress) as bar:
        if bar:
            bar.start(len(paths))
        for path in paths:
            try:
                rendered[path] = render(path, formats, draft=request.draft, kept=kept)
            except WenshuError as exc:
                outcomes[path].problems = exc.problems
                continue
            finally:
                if bar:
                    bar.advance(1)
            outcomes[path].warnings = rendered[path].warnings
    docx = {str(p): r.files["docx"] for p, r in rendered.items() if "docx" in r.files}
    for name, data in office.paginated(docx).items():
        rendered[Path(name)].files["docx"] = data
    pdfs = office.pdfs({str(p): r.files["docx"] for p, r in rendered.items()}) if request.pdf else {}
    for path, r in rendered.items():
        stem = path.stem
        files = {f"{stem}.{ext}": data for ext, data in r.files.items() if ext in request.formats}
        if request.pdf:
            if str(path) not in pdfs:
                outcomes[path].problems = [Problem(str(path), "LibreOffice 未能生成 PDF，未写入任何文件")]
                continue
            files[f"{stem}.pdf"] = pdfs[str(path)]
        try:
            outcomes[path].written = write_atomically(request.out_dir, files)
        except WenshuError as exc:
            outcomes[path].problems = exc.problems
    return [outcomes[path] for path in paths]


# -- folders ----------------------------------------------------------------------------------
@contextmanager
def _progress(progress: Progress | None) -> Iterator[Progress | None]:
    try:
        yield progress
    finally:
        if progress is not None:
            progress.finish()


def _folder(folder: Path, request: BuildRequest, office: RunOffice, progress: Progress | None) -> Outcome:
    """A folder into ``out_dir``, incrementally (:mod:`wenshu.build.tree`); with ``pdf``,
    every .docx of the output tree without an up-to-date PDF gets one."""
    from wenshu.build.tree import build_tree, tree_summary

    outcome = Outcome(folder, "folder")
    out = request.out_dir
    try:
        with _progress(progress) as bar:
            report = build_tree(
                folder,
                out,
                force=request.force,
                jobs=request.jobs,
                formats=request.formats,
                draft=request.draft,
                planned=bar.start if bar else None,
                progress=bar.advance if bar else None,
                office=office,
            )
    except WenshuError as exc:
        outcome.problems = exc.problems
        return outcome
    outcome.hints = [f"提示 {note}" for note in report.notes]
    outcome.problems = [p for problems in report.failed.values() for p in problems] + report.errors
    outcome.warnings = report.warnings
    outcome.written = list(report.written)
    outcome.summary = tree_summary(report, folder, out)
    if request.pdf:
        # Skipped specs keep their .docx; their PDF is made again only when missing or older.
        stale = sorted(
            p
            for p in out.rglob("*.docx")
            if not p.name.startswith((".", "~$"))
            and (
                not p.with_suffix(".pdf").exists()
                or p.with_suffix(".pdf").stat().st_mtime < p.stat().st_mtime
            )
        )
        _pdfs_beside(stale, office, outcome, out)
    return outcome


def _pdfs_beside(
    docx: list[Path], office: RunOffice, outcome: Outcome, where: Path, *, letters: bool = False
) -> None:
    if not docx:
        return
    started = time.perf_counter()
    try:
        made, failed = office.pdfs_beside(docx, letters=letters)
    except WenshuError as exc:
        outcome.problems += exc.problems
        return
    outcome.written += made
    outcome.problems += failed
    if outcome.merged is not None and docx == [outcome.merged]:
        if made:
            outcome.summary.append(f"合并文件 PDF　{made[0]}")  # under the batch's 合并文件 line
    else:
        # The batch's 用时 line is the letters' own; LibreOffice takes seconds more, said here.
        seconds = time.perf_counter() - started
        outcome.summary.append(f"已生成 {len(made)} 个 PDF（{where}；用时 {seconds:.1f} 秒）")
    if failed:  # counted where the clerk looks, not only among the errors above
        outcome.summary.append(f"PDF 未能生成 {len(failed)} 个（见上方错误；其 .docx 已生成）")


# -- batches ----------------------------------------------------------------------------------
def _batch(spec: Path, request: BuildRequest, office: RunOffice, progress: Progress | None) -> Outcome:
    """A batch spec's letters (:mod:`wenshu.build.batch`): the pagination pass over them before
    they are merged, so the merged print file has the letters' pages; with ``pdf``, a PDF
    beside each letter and the merged file."""
    from wenshu.build.batch import load_batch, run_batch, summary

    outcome = Outcome(spec, "batch")
    out = request.out_dir / spec.stem if request.batch_folder else request.out_dir
    try:
        batch = load_batch(spec, request.data)
        with _progress(progress) as bar:
            if bar:
                bar.start(len(batch.records))
            done = run_batch(
                batch,
                out,
                jobs=request.jobs,
                merge=request.merge,
                name=request.name,
                formats=request.formats,
                progress=bar.advance if bar else None,
                paginate=office.paginate_files,
                draft=request.draft,
            )
    except WenshuError as exc:
        outcome.problems = exc.problems
        return outcome
    outcome.problems = done.problems()
    outcome.written = list(done.written) + ([done.merged] if done.merged else [])
    outcome.merged = done.merged
    outcome.summary = summary(done, out)
    if request.pdf:
        # The letters merged for LibreOffice (one run for them all); the print file on its own,
        # its pages would send every letter of its share file by file.
        letters = [p for p in done.written if p.suffix == ".docx"]
        _pdfs_beside(letters, office, outcome, out, letters=True)
        if done.merged and done.merged.suffix == ".docx":
            _pdfs_beside([done.merged], office, outcome, out)
    return outcome
