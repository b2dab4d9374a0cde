"""``wenshu batch``: one letter per record — validated, rendered and written in parallel.

The spec holds what every letter shares; the records (its ``records:`` list, its ``data:``
file or ``--data``) hold what differs. Every record is validated on its own and reported
with its row; a bad record does not stop the good ones. A problem every letter has comes from
what they share: it is the batch's, said once, and nothing is written (no folder made).
Files are named from the record (``--name``, by default the kind's ``batch: name:``) and
made safe for every file system: no separators, no ``..``, no names Windows reserves, no
duplicates, bounded length — nothing is ever written outside the output folder.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import re
import signal
import sys
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from wenshu.build.document import render_spec
from wenshu.build.letter_shapes import shapes
from wenshu.build.lines import fits_one_page, lines_needed, provably_fits
from wenshu.cores import usable_cores
from wenshu.errors import Problem, WenshuError
from wenshu.files import FORMATS, is_link, prepare_output_dir, write_atomically
from wenshu.registry import did_you_mean
from wenshu.render.replay import steady_replays
from wenshu.rules.letters import BatchEntry, batch_problems
from wenshu.spec.kinds import Kind
from wenshu.spec.load import BEYOND_ROOT, BIDI_CONTROLS, Spec, beyond_reference_root, bidi_name, load_spec
from wenshu.spec.records import (
    BATCH_KEYS,
    DATA_SUFFIXES,
    Record,
    RecordSpec,
    read_records,
    record_problem,
    schema_fields,
    spec_records,
)
from wenshu.text.dates import format_cn_date
from wenshu.validate import kind_of, validate

# File names: Windows forbids these characters and names (and no file system takes a lone
# surrogate); a leading dot hides a file; a
# name longer than 255 bytes is refused by most file systems (CJK takes 3 bytes in UTF-8,
# and "-12345.docx" must still fit).
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u2028\u2029\ud800-\udfff]')
# … and the invisible: bidirectional controls would show a name reversed or with a false
# extension, zero-width characters make two equal-looking names differ.
_INVISIBLE = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{d}{i}" for d in ("COM", "LPT") for i in "123456789¹²³"
}
MAX_NAME_CHARS = 80
MAX_NAME_BYTES = 180
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MERGED_SUFFIX = "-合并"
# Below this many records a process pool costs more than it saves.
PARALLEL_FROM = 40


# -- names ------------------------------------------------------------------------------------
@lru_cache(maxsize=4096)  # a batch asks twice for each record's name (is it empty? which stem?)
def safe_stem(text: str) -> str:
    """``text`` as a file name stem every common file system accepts ("" if nothing is left)."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\.{2,}", ".", text)  # never "..", not even inside a name
    text = text.strip(" .")  # Windows drops trailing dots and spaces; a leading dot hides
    while len(text) > MAX_NAME_CHARS or len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1]
    text = text.rstrip(" .")
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = "_" + text  # CON, NUL.txt, COM1 … name devices on Windows
    return text


def unique_stems(
    wanted: Sequence[str], fallback: Callable[[int], str], taken: set[str] | None = None
) -> list[str]:
    """Safe, distinct stems for ``wanted`` (case-insensitively distinct, for Windows and macOS).

    An empty result falls back to ``fallback(i)``; a repeated one gets ``-2``, ``-3`` ….
    Each stem remembers the last number it gave, so n repeats of one name cost n steps,
    not n²/2.
    """
    used = {t.casefold() for t in taken or ()}
    last: dict[str, int] = {}  # stem (casefolded) → the last number tried for it
    out = []
    for i, text in enumerate(wanted):
        stem = safe_stem(text) or safe_stem(fallback(i))
        key = candidate = stem.casefold()
        n = last.get(key, 1)
        while candidate in used:
            n += 1
            candidate = f"{key}-{n}"
        last[key] = n
        used.add(candidate)
        out.append(stem if candidate == key else f"{stem}-{n}")
    return out


def inside(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing a name that is not one plain file name.

    One name without separators cannot lead out of the folder; a link already there under
    that name is replaced by the new file, never written through (see write_atomically).
    """
    return out_dir / plain_name(out_dir, name)


def plain_name(out_dir: Path, name: str) -> str:
    """``name``, refused as :func:`inside` refuses it (a batch checks every letter's names
    before writing any: by text, with no path made)."""
    if name in ("", ".", "..") or os.path.basename(name) != name or any(c in name for c in "/\\\0"):
        raise WenshuError(Problem(name, f"文件名会写到输出文件夹 {out_dir} 之外，已拒绝"))
    return name


class NamePattern:
    """``--name``: text with ``{field}`` placeholders (``{applicant}``, ``{contact.name}``,
    a Chinese label, ``{n}`` for the record's number or ``{row}`` for its row)."""

    def __init__(self, pattern: str, kind: Kind):
        self.pattern = pattern
        spellings = {spelling: path for spelling, path, _ in schema_fields(kind.schema)}
        self.fields: list[tuple[str, Any]] = []
        problems = []
        for m in _PLACEHOLDER.finditer(pattern):
            name = m.group(1).strip()
            if name in ("n", "row"):
                self.fields.append((m.group(0), name))
            elif name in spellings:
                self.fields.append((m.group(0), spellings[name]))
            else:
                hint = did_you_mean(name, [*spellings, "n", "row"], shown="“{{{}}}”")
                problems.append(Problem("--name", f"“{{{name}}}”不是{kind.label}的字段{hint}"))
        bidi = BIDI_CONTROLS.search(pattern)
        if bidi:
            problems.append(Problem("--name", f"“{pattern}”含有{bidi_name(bidi.group())}，文件名会显示颠倒"))
        if "{" in _PLACEHOLDER.sub("", pattern) or "}" in _PLACEHOLDER.sub("", pattern):
            problems.append(Problem("--name", f"“{pattern}”中的花括号没有配对：字段写作 {{applicant}} 这样"))
        if problems:
            raise WenshuError(problems)

    def format(self, values: dict[str, Any], n: int, row: int) -> str:
        """The name for one record (placeholders with no value become empty)."""
        text = self.pattern
        for placeholder, where in self.fields:
            if where == "n":
                value: Any = n
            elif where == "row":
                value = row
            else:
                value = values
                for part in where:
                    value = value.get(part) if isinstance(value, dict) else None
            if isinstance(value, dt.date):
                value = format_cn_date(value)
            text = text.replace(placeholder, "" if value is None else str(value), 1)
        # “{applicant}.docx”: the extension is wenshu's to add (.docx and .md alike).
        for suffix in (".docx", ".md"):
            if text.lower().endswith(suffix):
                text = text[: -len(suffix)]
        return text


# -- temporary files a killed run left behind -----------------------------------------------
# The hidden name files.write_atomically gives a file while writing it: .<name>.<pid>-<n>.tmp
_TEMPORARY = re.compile(r"\..+\.(\d+)-\d+\.tmp")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process, or no way to tell: leave its files alone
    return True


def remove_stale_temporaries(out_dir: Path, *, recursive: bool = False) -> list[Path]:
    """Delete the temporary files of wenshu runs that were killed while writing into
    ``out_dir`` (and, with ``recursive``, its subfolders, not following links): only
    regular files of wenshu's own pattern whose process is gone."""
    removed = []
    for folder, dirs, names in os.walk(out_dir) if recursive else [(str(out_dir), [], _names(out_dir))]:
        dirs[:] = [d for d in dirs if not is_link(Path(folder, d))]
        for name in names:
            m = _TEMPORARY.fullmatch(name)
            path = Path(folder, name)
            if m and not _alive(int(m.group(1))) and path.is_file() and not path.is_symlink():
                try:
                    path.unlink()
                except OSError:
                    continue
                removed.append(path)
    return removed


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


# -- loading a batch --------------------------------------------------------------------------
@dataclass
class Batch:
    """A batch spec, its kind and its records."""

    spec: Spec
    kind: Kind
    records: list[Record]
    data_path: Path | None
    settings: dict[str, Any]


def data_file(spec: Spec, override: Path | None) -> Path | None:
    """The data file of a batch: ``--data``, else the spec's ``data:`` (relative to the spec)."""
    if override is not None:
        return override
    value = spec.data.get("data")
    if value is None:
        return None
    if not isinstance(value, str) or not value.lower().endswith(DATA_SUFFIXES):
        raise WenshuError(spec.problem(("data",), "data 应为 .csv 或 .xlsx 文件的路径（相对于本规格文件）"))
    if "records" in spec.data:
        raise WenshuError(spec.problem(("records",), "records 与 data 只能用其一"))
    path = spec.path.parent / value
    if beyond_reference_root(path):
        raise WenshuError(spec.problem(("data",), f"数据文件“{value}”{BEYOND_ROOT}"))
    if not path.exists():  # said at the spec's line, where the clerk wrote the name
        raise WenshuError(spec.problem(("data",), f"数据文件“{value}”不存在（相对于本规格文件所在的文件夹）"))
    return path


def is_batch_spec(spec: Spec) -> bool:
    """Does the spec describe many letters (a ``records:`` list or a ``data:`` file)?"""
    return "records" in spec.data or "data" in spec.data


def load_batch(spec_path: Path, data: Path | None = None) -> Batch:
    """Load a batch spec and its records; raise on anything that stops the whole batch."""
    spec = load_spec(spec_path)
    kind = kind_of(spec)
    path = data_file(spec, data)
    if path is not None:
        records = read_records(path, kind, str(path))
    elif "records" in spec.data:
        records = spec_records(spec)
    else:
        raise WenshuError(
            Problem(spec.name, "没有记录：在规格中写 records: 列表或 data: 数据文件，或用 --data 指定", 1, 1)
        )
    if not records:
        raise WenshuError(Problem(str(path or spec.name), "没有任何记录"))
    return Batch(spec, kind, records, path, kind.batch)


# -- running it -------------------------------------------------------------------------------
@dataclass
class BatchResult:
    """What a batch did: names by record, problems of the failed ones, files written."""

    total: int
    names: list[str]
    failed: dict[int, list[Problem]] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    merged: Path | None = None
    seconds: float = 0.0
    fallbacks: int = 0  # letters through build_docx
    shared: int = 0  # letters filled into a shape other letters share (wenshu.build.letter_shapes)
    unnamed: list[int] = field(default_factory=list)  # records named by number: their name was empty

    @property
    def succeeded(self) -> int:
        return self.total - len(self.failed)

    def problems(self) -> list[Problem]:
        """Every problem by record, each once: one in the spec itself, which every record
        shares, is not repeated for each."""
        seen: set[Problem] = set()
        out = []
        for index in sorted(self.failed):
            for problem in self.failed[index]:
                if problem not in seen:
                    seen.add(problem)
                    out.append(problem)
        return out


@dataclass(frozen=True)
class Counts:
    """How many letters were made which way."""

    fallbacks: int = 0  # through build_docx, not the fast writer
    shared: int = 0  # filled into a shared shape

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.fallbacks + other.fallbacks, self.shared + other.shared)

    def __sub__(self, other: Counts) -> Counts:
        return Counts(self.fallbacks - other.fallbacks, self.shared - other.shared)


@dataclass
class _Job:
    """What every worker needs; sent once per worker process."""

    spec: Spec
    kind: Kind
    records: list[Record]
    names: list[str]
    out_dir: Path
    formats: tuple[str, ...]
    draft: bool = False


_JOB: _Job | None = None


def _init(job: _Job) -> None:
    global _JOB
    _JOB = job
    steady_replays()  # templates edited since the last batch of a resident process count


def _init_worker(job: _Job) -> None:
    default_termination()
    _init(job)


def default_termination() -> None:
    """In a worker process: SIGTERM ends it at once, as by default. A pool ends its workers
    so after every run, a batch its helpers after a failure or an interruption; a file a
    killed worker was writing is removed by the next run (:func:`remove_stale_temporaries`)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _make(job: _Job, index: int) -> tuple[list[Problem], dict[str, bytes], bool]:
    """Validate and render one record's letter in memory: its problems, or its files by name
    and True when its .docx provably fits one page (judged here, in parallel, from the letter
    at hand: no pagination pass for it)."""
    record = job.records[index]
    if record.problems:
        return record.problems, {}, False
    try:
        spec = RecordSpec(job.spec, record)
        if job.draft:  # a draft marks its gaps: built the full way, as drafts are one by one
            rendered = render_spec(spec, job.formats, draft=True, advise=False).files
            lines = lines_needed(rendered["docx"]) if "docx" in rendered else None
        else:
            letter = shapes().letter(spec, job.formats)
            rendered, lines = letter.files, letter.lines
    except WenshuError as exc:
        return exc.problems, {}, False
    stem = job.names[index]
    files = {f"{stem}.{ext}": rendered[ext] for ext in job.formats}
    return [], files, "docx" in job.formats and fits_one_page(lines)


def _write(
    job: _Job, made: tuple[list[Problem], dict[str, bytes], bool]
) -> tuple[list[Problem], list[Path], bool]:
    """Write a letter :func:`_make` made (a failed one is only passed on)."""
    problems, files, fits = made
    if problems:
        return problems, [], False
    try:
        return [], write_atomically(job.out_dir, files, sync=False, prepared=True), fits
    except WenshuError as exc:
        return exc.problems, [], False


def _one(job: _Job, index: int) -> tuple[list[Problem], list[Path], bool]:
    """Make and write one record's letter."""
    return _write(job, _make(job, index))


def _counts() -> Counts:
    """This process's letters so far: through build_docx, and filled into a shared shape."""
    # The Word writer is imported only when a letter or a shape is built; until then no
    # letter can have gone through build_docx.
    package = sys.modules.get("wenshu.render.package")
    return Counts(package.factory().fallbacks if package is not None else 0, shapes().filled)


def _chunk(indices: list[int]) -> tuple[list[tuple[int, list[Problem], bool, bool]], Counts]:
    """A worker's share: by index its problems, whether its files were written and whether
    it fits one page (the parent knows the files' names: no paths are sent back); and how
    its letters were made."""
    assert _JOB is not None, "worker started without its job"
    before = _counts()
    out = []
    for i in indices:
        problems, paths, fits = _one(_JOB, i)
        out.append((i, problems, bool(paths), fits))
    return out, _counts() - before


def _files_of(job: _Job, index: int) -> list[Path]:
    """The files a letter made by :func:`_one` was written to."""
    return [job.out_dir / f"{job.names[index]}.{ext}" for ext in job.formats]


def pool_context() -> multiprocessing.context.BaseContext:
    # fork starts workers in milliseconds with every cache already warm; elsewhere spawn.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_in_parallel(
    job: _Job, indices: list[int], jobs: int, progress: Callable[[int], None] | None
) -> tuple[dict[int, tuple[list[Problem], list[Path], bool]], Counts]:
    """Every index through :func:`_one`, in ``jobs`` processes; outcomes by index."""
    outcomes: dict[int, tuple[list[Problem], list[Path], bool]] = {}
    _init(job)
    before = _counts()
    if jobs <= 1 or len(indices) < PARALLEL_FROM:
        for i in indices:
            outcomes[i] = _one(job, i)
            if progress:
                progress(1)
        return outcomes, _counts() - before
    # Chunks shrink with the work left (a quarter of each process's share, 4 to 64 letters),
    # so the processes finish together instead of one waiting for the other's last long chunk.
    chunks, start = deque(), 0
    while start < len(indices):
        size = max(4, min(64, (len(indices) - start) // (jobs * 4)))
        chunks.append(indices[start : start + size])
        start += size
    counts = Counts()

    def take(done: tuple[list[tuple[int, list[Problem], bool, bool]], Counts]) -> None:
        nonlocal counts
        results, made = done
        counts += made
        for i, problems, written, fits in results:
            outcomes[i] = (problems, _files_of(job, i) if written else [], fits)
        if progress:
            progress(len(results))

    # This process makes letters too, with jobs - 1 helpers forked beside it, and hands them
    # chunks itself between its own: a process pool's helper threads would spend a tenth of
    # a core passing results on. Forked helpers inherit the caches warm (run_batch's first
    # letters, made here, rendered the frame and compiled the template and schema). Frozen,
    # this process's objects are left out of every garbage collection, which would
    # otherwise walk all of them and copy every page they touch.
    gc.freeze()
    helpers: list[_Helper] = []
    try:
        helpers = [_Helper(job) for _ in range(jobs - 1)]
        for helper in helpers:  # one chunk to work on and one waiting: never idle
            helper.feed(chunks, 2)
        while chunks or any(h.busy for h in helpers):
            busy = [h.conn for h in helpers if h.busy]
            # Between chunks of its own, take what is ready; with none left, wait for it.
            for conn in wait(busy, timeout=0 if chunks else None):
                helper = next(h for h in helpers if h.conn is conn)
                take(helper.result())
                helper.feed(chunks, 1)
            if chunks:
                take(_chunk(chunks.popleft()))
    finally:
        for helper in helpers:
            helper.stop()
        gc.unfreeze()
    return outcomes, counts


class _Helper:
    """A forked process making chunks of letters that :func:`run_in_parallel` sends it."""

    def __init__(self, job: _Job) -> None:
        context = pool_context()
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(job, theirs), daemon=True)
        self.process.start()
        theirs.close()
        self.busy = 0  # chunks sent and not yet answered

    def feed(self, chunks: deque[list[int]], n: int) -> None:
        """Send up to ``n`` chunks from the front of ``chunks``."""
        for _ in range(min(n, len(chunks))):
            self.conn.send(chunks.popleft())
            self.busy += 1

    def result(self) -> tuple[list[tuple[int, list[Problem], bool, bool]], Counts]:
        """The answer to the oldest chunk sent (an error the chunk met is raised here)."""
        try:
            done = self.conn.recv()
        except EOFError:
            raise RuntimeError("并行生成的子进程意外退出") from None
        self.busy -= 1
        if isinstance(done, BaseException):
            raise done
        return done

    def stop(self) -> None:
        """End the process: asked to after a run, at once (SIGTERM) after a failure or an
        interruption; a file it was writing then is removed by the next run."""
        if self.busy or not self.process.is_alive():
            self.process.terminate()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.terminate()
        self.process.join()
        self.conn.close()


def _serve(job: _Job, conn: Connection) -> None:
    """A helper's loop: chunks of indices in, :func:`_chunk`'s answers out, until told to stop."""
    _init_worker(job)
    try:
        while (indices := conn.recv()) is not None:
            try:
                done: object = _chunk(indices)
            except Exception as exc:  # raised again in the parent, as a pool does
                done = exc
            conn.send(done)
    except (KeyboardInterrupt, EOFError):
        pass  # Ctrl-C reaches every process of the group: the parent ends the run and says so


def _first_letter(
    job: _Job, todo: list[int], others_failed: bool
) -> tuple[tuple[list[Problem], dict[str, bytes], bool] | None, Counts]:
    """The first letter to make, made in memory before anything is written (the caches it
    warms are inherited by forked workers), and how it was made.

    When it fails, and every other letter fails too, with a problem all of them have, that
    comes from what the letters share — the spec's own fields, its pictures, its template:
    the problems are raised as the batch's, each once, before the output folder is made
    (unless ``others_failed``: letters that failed for problems of their own are reported
    with them).
    """
    if not todo:
        return None, Counts()
    before = _counts()
    made = _make(job, todo[0])
    counts = _counts() - before
    problems = made[0]
    if problems and not others_failed:
        common, found = set(problems), dict.fromkeys(problems)
        for i in todo[1:]:
            theirs = _make(job, i)[0]
            common &= set(theirs)
            if not common:
                break
            found.update(dict.fromkeys(theirs))
        else:
            raise WenshuError(list(found))
    return made, counts


def _missing_folders(out_dir: Path) -> list[Path]:
    """The folders making ``out_dir`` will create, deepest first."""
    missing = []
    for folder in (out_dir, *out_dir.parents):
        if folder.exists() or folder.is_symlink():
            break
        missing.append(folder)
    return missing


def _cross_record_problems(batch: Batch) -> dict[int, list[Problem]]:
    common = {k: v for k, v in batch.spec.data.items() if k not in BATCH_KEYS}
    entries = [
        BatchEntry(
            {**common, **record.values},
            lambda name, message, record=record: record_problem(batch.spec, record, (name,), message),
            record.label,
        )
        for record in batch.records
    ]
    return batch_problems(batch.settings.get("checks") or [], entries, batch.kind.source)


def validate_records(
    batch: Batch, progress: Callable[[int], None] | None = None
) -> tuple[list[tuple[RecordSpec, Kind, dict[str, Any]]], dict[int, list[Problem]]]:
    """Every record checked, nothing rendered: the valid ones (spec, kind, document) and the
    problems of the others by record index (``wenshu validate`` on a batch spec);
    ``progress`` is told as each record is done."""
    failed = _cross_record_problems(batch)
    valid = []
    for i, record in enumerate(batch.records):
        if progress:
            progress(1)
        if i in failed or record.problems:
            failed.setdefault(i, []).extend(record.problems)
            continue
        spec = RecordSpec(batch.spec, record)
        try:
            kind, document = validate(spec)
        except WenshuError as exc:
            failed[i] = exc.problems
            continue
        valid.append((spec, kind, document))
    return valid, failed


def record_names(batch: Batch, pattern: str | None, reserved: set[str]) -> tuple[list[str], list[int]]:
    """Safe distinct file stems for every record, by ``pattern`` or the kind's default, and
    the records whose name by ``pattern`` came out empty (nothing left of it but dots and
    spaces, say): they are named by their number, as the default pattern ``{n}`` names them."""
    names = NamePattern(pattern or batch.settings.get("name") or batch.kind.label + "{n}", batch.kind)
    if not names.fields and len(batch.records) > 1:
        raise WenshuError(
            Problem("--name", f"“{names.pattern}”中没有字段，每份函会同名；请加上如 {{applicant}} 或 {{n}}")
        )
    common = {k: v for k, v in batch.spec.data.items() if k not in BATCH_KEYS}
    wanted = [
        names.format({**common, **record.values}, n, record.row) for n, record in enumerate(batch.records, 1)
    ]
    unnamed = [i for i, text in enumerate(wanted) if not safe_stem(text)]
    return unique_stems(wanted, lambda i: f"{batch.kind.label}{i + 1}", reserved), unnamed


def page_counts(letters: list[bytes], fits: list[bool], *, lay_out: bool) -> list[int | None]:
    """Each letter's page count for the merged print file (:func:`wenshu.render.merge.merge_docx`
    starts each letter on a front page): 1 for one that provably fits a page (``fits``, as the
    batch judged it while writing, or judged here from the file); the others laid out by
    LibreOffice where ``lay_out`` (the batch uses it), else None (not known)."""
    counts: list[int | None] = [
        1 if fit or provably_fits(letter) else None for fit, letter in zip(fits, letters, strict=True)
    ]
    unknown = {str(k): letter for k, letter in enumerate(letters) if counts[k] is None}
    if not unknown or not lay_out:
        return counts
    from wenshu.office.libreoffice import LibreOffice, read_pages

    try:
        with LibreOffice() as office, office.converted(unknown) as pdfs:
            for name, pdf in pdfs.items():
                counts[int(name)] = len(read_pages(pdf))
    except WenshuError:
        pass  # not known: the merged file has no blank page after those letters
    return counts


def run_batch(
    batch: Batch,
    out_dir: Path,
    *,
    jobs: int | None = None,
    merge: bool = False,
    name: str | None = None,
    formats: tuple[str, ...] = FORMATS,
    progress: Callable[[int], None] | None = None,
    paginate: Callable[[list[Path]], object] | None = None,
    draft: bool = False,
) -> BatchResult:
    """Write every good record's letter into ``out_dir``; collect the bad ones' problems.

    A ``draft`` writes letters with unfilled 【待补】 values too, each one marked.

    ``paginate`` (the pagination pass over written files) is run on the letters that do
    not provably fit one page, before they are merged, so the merged print file has the same
    pages as the letters.
    """
    started = time.perf_counter()
    merged_stem = safe_stem(batch.spec.path.stem + MERGED_SUFFIX)
    names, unnamed = record_names(batch, name, {merged_stem} if merge else set())
    for stem in names:
        for ext in formats:
            plain_name(out_dir, f"{stem}.{ext}")
    result = BatchResult(len(batch.records), names, unnamed=unnamed)
    result.failed.update(_cross_record_problems(batch))
    todo = [i for i in range(len(batch.records)) if i not in result.failed]
    job = _Job(batch.spec, batch.kind, batch.records, names, out_dir, formats, draft)
    _init(job)
    first, counts = _first_letter(job, todo, bool(result.failed))
    created = _missing_folders(out_dir)
    prepare_output_dir(out_dir)
    remove_stale_temporaries(out_dir)
    if progress and result.failed:
        progress(len(result.failed))
    outcomes: dict[int, tuple[list[Problem], list[Path], bool]] = {}
    if first is not None:
        outcomes[todo.pop(0)] = _write(job, first)
        if progress:
            progress(1)
    jobs = jobs or usable_cores()
    if jobs > 1 and len(todo) >= PARALLEL_FROM:
        # The second letter makes the shape the letters share (wenshu.build.letter_shapes) unless
        # an earlier run kept it: made here, before the workers fork, it is made once, not
        # once in each worker.
        before = _counts()
        second = todo.pop(0)
        outcomes[second] = _one(job, second)
        counts += _counts() - before
        if progress:
            progress(1)
    made, more = run_in_parallel(job, todo, jobs, progress)
    outcomes.update(made)
    counts += more
    result.fallbacks, result.shared = counts.fallbacks, counts.shared
    unproven = []
    for i in sorted(outcomes):
        problems, paths, fits = outcomes[i]
        if problems:
            result.failed[i] = problems
        result.written.extend(paths)
        unproven += [] if fits else paths
    if paginate is not None and "docx" in formats:
        paginate([p for p in unproven if p.suffix == ".docx"])
    if merge and "docx" in formats:
        kept = [i for i in range(len(names)) if i not in result.failed]
        good = [inside(out_dir, f"{names[i]}.docx") for i in kept]
        if good:
            from wenshu.render.merge import merge_docx  # lxml, only for --merge

            letters = [p.read_bytes() for p in good]
            fits = [i in outcomes and outcomes[i][2] for i in kept]
            combined = merge_docx(letters, page_counts(letters, fits, lay_out=paginate is not None))
            result.merged = write_atomically(out_dir, {f"{merged_stem}.docx": combined})[0]
    if not result.written:  # every letter failed: no empty folder left behind
        for folder in created:
            try:
                folder.rmdir()
            except OSError:
                break
    result.seconds = time.perf_counter() - started
    return result


def summary(result: BatchResult, out_dir: Path) -> list[str]:
    """The counts table ``wenshu batch`` prints at the end."""
    files = len(result.written)
    rate = result.succeeded / result.seconds if result.seconds else 0.0
    failed = len(result.failed)
    rest = "（见上方错误，其余已生成）" if result.succeeded else "（见上方错误）"
    rows = [
        ("记录", f"{result.total} 条"),
        (
            "已生成",
            f"{result.succeeded} 份（{files} 个文件，在 {out_dir}）" if files else "0 份（未写出任何文件）",
        ),
        ("有错误", f"{failed} 份" + (rest if failed else "")),
    ]
    if result.merged is not None:
        rows.append(("合并文件", str(result.merged)))
    # Letters an earlier run left (other data, other names) are not this batch's: said, not removed.
    mine = {p.name for p in result.written} | ({result.merged.name} if result.merged else set())
    others = sorted(n for n in _names(out_dir) if n.endswith(".docx") and n not in mine) if files else []
    if others:
        rows.append(
            (
                "另有",
                f"{len(others)} 份 .docx 不是本次生成的（如 {others[0]}），未改动；"
                "只要本次的函请换一个输出文件夹",
            )
        )
    if result.unnamed:
        first = result.unnamed[0]
        rows.append(
            (
                "文件名",
                f"{len(result.unnamed)} 份按名称规则得到的文件名为空，已按序号命名"
                f"（如第 {first + 1} 条记录：{result.names[first]}）",
            )
        )
    # A rate says something only over many letters, and only of letters made.
    speed = f"（每秒 {rate:.0f} 份）" if result.succeeded >= 100 else ""
    rows.append(("用时", f"{result.seconds:.1f} 秒{speed}"))
    # Labels padded with 全角空格 to four characters, then one more before the value.
    return [f"{label:\u3000<4}\u3000{value}" for label, value in rows]
