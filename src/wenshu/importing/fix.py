"""``wenshu import`` (Word → spec) and ``wenshu fix`` (Word → spec → Word laid out right).

Nothing is written until everything for a file is ready: the spec, the .docx and the .md go
to disk together through :func:`wenshu.build.pipeline.write_atomically`, and an input is never
overwritten by its own output.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenshu.errors import Problem, WenshuError, excerpt
from wenshu.importing.outline import ordinal_of
from wenshu.importing.reader import PICTURE_NAME, pictures_folder, read_spec
from wenshu.importing.report import ImportReport
from wenshu.importing.source import Para, Source, Table, read_docx
from wenshu.importing.writer import dump_spec
from wenshu.word_files import CONVERTIBLE, DOCX

# Where ``fix`` writes when no folder is named: beside the Word file.
FIXED_FOLDER = "fixed"


@dataclass
class Imported:
    """One Word file imported: the spec's YAML text and what was found; the pictures to
    write beside the spec are in ``report.files``."""

    yaml: str
    report: ImportReport


def import_docx(source: Path | bytes, name: str, spec_stem: str | None = None) -> Imported:
    """Read the .docx ``source`` (called ``name`` in messages) into spec YAML; its pictures
    are named under ``<spec_stem>.files`` (the stem of ``name`` by default)."""
    read, spec, comments, report = _read(source, name, spec_stem)
    return Imported(_dumped(read, spec, comments, report), report)


def _dumped(read: Source, spec: dict[str, Any], comments: dict[int, str], report: ImportReport) -> str:
    """The spec's YAML text; refused when it is longer than a spec may be (a file of that
    much text): wenshu could not read it back, so it is not written at all."""
    from wenshu.spec.load import MAX_FILE_BYTES, size_text

    yaml = dump_spec(spec, comments, report)
    size = len(yaml.encode("utf-8"))
    if size <= MAX_FILE_BYTES:
        return yaml
    paragraphs = [b.text for b in read.blocks if isinstance(b, Para)]
    longest = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i]), default=None)
    where = (
        f"；最长的是第 {longest + 1} 段（{len(paragraphs[longest])} 字，“{excerpt(paragraphs[longest])}”）"
        if longest is not None
        else ""
    )
    raise WenshuError(
        Problem(
            report.file,
            f"文字过多，无法导入：读成的规格有 {size_text(size)}，"
            f"超过规格文件的上限 {size_text(MAX_FILE_BYTES)}（wenshu 无法再读入）{where}。"
            "请把文件分成几份分别导入；未写入任何文件",
        )
    )


def _read(
    source: Path | bytes, name: str, spec_stem: str | None = None
) -> tuple[Source, dict[str, Any], dict[int, str], ImportReport]:
    """The file read, its spec, the spec's comments and the report of what was found."""
    read = read_docx(source, name)
    if not read.pictures_in_body and not any(
        (isinstance(b, Para) and (b.text.strip() or b.pictures)) or (isinstance(b, Table) and b.rows)
        for b in read.blocks
    ):
        # a spec of nothing but 【待补】 would be written and built: say so instead
        raise WenshuError(Problem(name, "文件中没有文字、表格或图片（空白文档），没有可导入的内容"))
    spec, comments, report = read_spec(read, spec_stem or Path(name).stem)
    # every picture of the main text is carried, set aside or named as refused by the reader;
    # one it did not reach (in a part it keeps no picture of) is still said, never dropped
    left = read.pictures_in_body - report.pictures_seen
    if left > 0:
        report.unplaced.append(f"（{left} 张图片未导入，请在生成的 Word 中重新插入）")
    return read, spec, comments, report


def write_with_files(out_dir: Path, files: dict[str, bytes], replace: str | None = None) -> list[Path]:
    """Write ``files`` (names relative to ``out_dir``; a picture's in a folder of its own,
    ``通知.files/图1.png``) all or nothing; a folder that leads outside ``out_dir`` (a
    symbolic link) is refused before anything is written.

    ``replace`` names a spec written again (``import --force``, every ``fix``): once
    ``files`` are written, the pictures its earlier import left beside it that ``files``
    does not have are removed (:func:`stale_pictures`); when writing fails, nothing is.
    """
    from wenshu.files import is_link, prepare_output_dir, write_atomically

    prepare_output_dir(out_dir)
    base = out_dir.resolve()
    stale = stale_pictures(out_dir, replace, files) if replace is not None else []
    for folder in {Path(name).parent for name in files} - {Path(".")}:
        target = out_dir / folder
        if is_link(target) or (target.exists() and not target.resolve().is_relative_to(base)):
            raise WenshuError(Problem(str(target), "图片文件夹是指向别处的链接，未写入"))
        if target.exists() and not target.is_dir():
            raise WenshuError(Problem(str(target), "图片文件夹的位置已有同名文件，未写入"))
        prepare_output_dir(target)
    written = write_atomically(out_dir, files, prepared=True)
    for path in stale:
        path.unlink(missing_ok=True)
    return written


def stale_pictures(out_dir: Path, spec_name: str, keep: Collection[str]) -> list[Path]:
    """The pictures an earlier import (or fix) of the spec ``spec_name`` in ``out_dir`` wrote
    into its folder (:func:`wenshu.importing.reader.pictures_folder`) that ``keep`` (names
    relative to ``out_dir``) does not have. Only wenshu's own: a file named as import names
    them (图1.png …) that the spec now in ``out_dir`` — the one being replaced — names,
    as a picture block or in the comment on a picture set aside. Whatever else the folder
    holds (a user's own files, whatever their names) is not touched; nor anything behind a
    symbolic link."""
    from wenshu.files import is_link
    from wenshu.spec.load import MAX_FILE_BYTES

    spec = out_dir / spec_name
    folder_name = pictures_folder(Path(spec_name).stem)
    folder = out_dir / folder_name
    if not (spec.is_file() and not spec.is_symlink() and folder.is_dir() and not is_link(folder)):
        return []
    if not folder.resolve().is_relative_to(out_dir.resolve()):
        return []
    with spec.open("rb") as handle:  # a spec is at most MAX_FILE_BYTES: a larger one is no import's
        text = handle.read(MAX_FILE_BYTES + 1).decode("utf-8", errors="replace")
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        return []
    return [
        path
        for path in sorted(folder.iterdir())
        if PICTURE_NAME.fullmatch(path.name)
        and f"{folder_name}/{path.name}" in text
        and f"{folder_name}/{path.name}" not in keep
        and path.is_file()
        and not path.is_symlink()
    ]


def spec_problems(yaml: str, name: str, files: dict[str, bytes] | None = None) -> list[Problem]:
    """What stops the imported spec ``yaml`` (to be saved as ``name``) from building as it
    is — a placeholder left 【待补】, a field the file did not have — said so the user knows
    what to fill in; empty when it builds. ``files`` are the pictures written beside it
    (the report's), there too when it is judged: else each picture reads as missing."""
    from wenshu.spec.load import load_spec
    from wenshu.validate import validate

    with tempfile.TemporaryDirectory(prefix="wenshu-import-") as work:
        path = Path(work) / Path(name).name
        path.write_text(yaml, encoding="utf-8")
        for relative, data in (files or {}).items():
            (Path(work) / relative).parent.mkdir(parents=True, exist_ok=True)
            (Path(work) / relative).write_bytes(data)
        try:
            validate(load_spec(path))
        except WenshuError as exc:
            return [Problem(name, p.message, p.line, p.column, p.field) for p in exc.problems]
    return []


class Office:
    """One LibreOffice for a whole run of ``fix``, started when first needed (a .doc to
    convert, a document to paginate) and only if installed; use as a context manager."""

    def __init__(self) -> None:
        self._office: Any = None
        self.missing = False

    def get(self) -> Any:
        """The running LibreOffice, or None when it is not installed."""
        if self._office is None and not self.missing:
            from wenshu.office.libreoffice import LibreOffice, find_soffice

            try:
                find_soffice()
            except WenshuError:
                self.missing = True
                return None
            self._office = LibreOffice().__enter__()
        return self._office

    def __enter__(self) -> Office:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._office is not None:
            self._office.__exit__(None, None, None)
            self._office = None


def docx_bytes(path: Path, office: Office | None = None) -> bytes:
    """The .docx content of ``path``: read as is, or converted by LibreOffice for .doc/.wps/.odt."""
    from wenshu.safezip import read_input

    suffix = path.suffix.lower()
    if suffix in CONVERTIBLE:
        with Office() if office is None else contextlib.nullcontext(office) as run:
            lo = run.get()
            if lo is None:
                raise WenshuError(
                    Problem(
                        str(path),
                        f"{path.suffix} 文件需要 LibreOffice 先转换为 .docx，但没有找到 LibreOffice；"
                        "请在 Word 中另存为 .docx",
                    )
                )
            return lo.convert_to_docx(path)
    if suffix != DOCX:
        raise WenshuError(
            Problem(str(path), "不是 Word 文件（.docx；装有 LibreOffice 时也可以是 .doc、.wps、.odt）")
        )
    return read_input(path, str(path))


@dataclass
class Fixed:
    """One file through ``wenshu fix``: what was written and what was said about it."""

    source: Path
    written: list[Path] = field(default_factory=list)
    report: ImportReport | None = None
    changes: list[str] = field(default_factory=list)
    error: WenshuError | None = None


def _ordinal_changes(original: list[str], rebuilt: list[str]) -> list[str]:
    """Ordinals the rebuilt file writes differently, matched by the text after them."""
    after = {}
    for text in rebuilt:
        found = ordinal_of(text)
        if found:
            after.setdefault(found.rest, found.typed)
    out = []
    for text in original:
        found = ordinal_of(text)
        if found and found.rest in after and after[found.rest] != found.typed:
            out.append(f"序号“{found.typed}”改为“{after[found.rest]}”：{found.rest[:16]}")
    return out


def _check_summary(before: bytes, after: bytes, name: str, changes: list[str]) -> list[str]:
    """``changes`` and which GB/T 9704 findings of ``wenshu check`` the rebuilt file no
    longer has; the findings of a part the import kept as a plain line join the change that
    says so, so that the part is named once."""
    from wenshu.check import analyse

    old, old_doc = analyse(before, name)
    new, new_doc = analyse(after, name)
    if old.error:
        return changes
    kept = {(d.code, d.element) for d in new.deviations}
    gone: dict[str, list[str]] = {}
    for d in old.deviations:
        if (d.code, d.element) not in kept:
            gone.setdefault(d.element, []).append(d.message)
    # an element the rebuilt file no longer shows as such (a mark the import kept as a plain
    # line) was not laid out to the standard: its findings left with it
    lost = _shown(old_doc) - _shown(new_doc)
    out = list(changes)
    for element, msgs in gone.items():
        found = "；".join(dict.fromkeys(msgs))
        if element not in lost:
            out.append(f"{element}：{found}（已按标准重排）")
            continue
        said = next(
            (
                k
                for k, c in enumerate(out)
                if c.startswith(element) and c[len(element) : len(element) + 1] in "“（"
            ),
            None,
        )
        if said is not None:
            out[said] += f"；现按普通段落排（原文中：{found}），请核对"
        else:
            out.append(f"{element}：重排后不再作为{element}排出（按普通段落保留，请核对）；原有：{found}")
    if new.deviations:
        out.append("重排后仍有：" + "；".join(str(d) for d in new.deviations[:5]))
    return out


def _shown(doc: Any) -> set[str]:
    """The elements (as GB/T 9704 names them) a recognised document shows in its body or its
    first page's header."""
    from wenshu.roles import ROLES

    if doc is None:
        return set()
    present = {p.role for p in doc.paragraphs} | {p.role for p in doc.first_page_header()}
    return {r.element for r in ROLES if r.reads_as and r.reads_as in present}


@dataclass
class _Prepared:
    """A file imported, its spec waiting in a work folder to be built by the pipeline."""

    fixed: Fixed
    out_dir: Path
    data: bytes
    original: list[str]
    yaml: str
    spec_path: Path


# The last line of a spec `fix` writes: the digest of the text above it, so that a later fix
# can tell a spec it wrote from one the user has edited since (which it does not overwrite).
_STAMP = re.compile(r"# wenshu fix 写出；校验 ([0-9a-f]{16})（改动后再次 fix 不会覆盖）\n\Z")


def _stamped(yaml: str) -> str:
    """``yaml`` with the stamp line that says it is as ``fix`` wrote it."""
    digest = hashlib.sha256(yaml.encode("utf-8")).hexdigest()[:16]
    return f"{yaml}# wenshu fix 写出；校验 {digest}（改动后再次 fix 不会覆盖）\n"


def _edited_since_fix(target: Path) -> bool:
    """Is there a spec at ``target`` that ``fix`` did not write as it is now (edited by the
    user since, or not fix's at all)? A symbolic link, a folder or an unreadable file counts."""
    from wenshu.spec.load import MAX_FILE_BYTES

    if not (target.exists() or target.is_symlink()):
        return False
    if target.is_symlink() or not target.is_file():
        return True
    try:
        with target.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return True
    m = _STAMP.search(text)
    if len(raw) > MAX_FILE_BYTES or m is None:
        return True
    return hashlib.sha256(text[: m.start()].encode("utf-8")).hexdigest()[:16] != m[1]


def _prepare(
    path: Path, out_dir: Path, office: Office | None, work: Path, n: int, force: bool = False
) -> _Prepared:
    spec_target = out_dir / f"{path.stem}.yaml"
    if not force and _edited_since_fix(spec_target):
        raise WenshuError(
            Problem(
                str(spec_target),
                "规格文件已存在，且已有改动（或不是 wenshu fix 写出的），未覆盖，此文件未处理："
                "请先另存你的改动，或加 --force 覆盖",
            )
        )
    data = docx_bytes(path, office)
    read, spec, comments, report = _read(data, str(path))
    yaml = _dumped(read, spec, comments, report)
    stem = path.stem
    for target in (f"{stem}.yaml", f"{stem}.docx", f"{stem}.md"):
        if (out_dir / target).resolve() == path.resolve():
            raise WenshuError(
                Problem(str(path), f"输出会覆盖原文件 {out_dir / target}，请用 -o 另指一个文件夹")
            )
    # numbered: two inputs may share a stem, their outputs may not; a folder each, for its pictures
    spec_path = work / str(n) / f"{n}.yaml"
    spec_path.parent.mkdir()
    spec_path.write_text(yaml, encoding="utf-8")
    for name, picture in report.files.items():
        (spec_path.parent / name).parent.mkdir(exist_ok=True)
        (spec_path.parent / name).write_bytes(picture)
    original = [b.text.strip() for b in read.blocks if isinstance(b, Para)]
    return _Prepared(Fixed(path, report=report), out_dir, data, original, yaml, spec_path)


def _finish(item: _Prepared, docx: bytes, markdown: bytes) -> Fixed:
    from wenshu.extract import docx_blocks

    fixed = item.fixed
    assert fixed.report is not None
    fixed.changes = list(fixed.report.changed)
    fixed.changes += _ordinal_changes(item.original, docx_blocks(docx))
    fixed.changes = _check_summary(item.data, docx, str(fixed.source), fixed.changes)
    stem = fixed.source.stem
    spec = _stamped(item.yaml).encode("utf-8")
    files = {f"{stem}.yaml": spec, f"{stem}.docx": docx, f"{stem}.md": markdown}
    fixed.written = write_with_files(item.out_dir, {**files, **fixed.report.files}, replace=f"{stem}.yaml")
    return fixed


def default_fix_dir(source: Path) -> Path:
    """The folder ``fix`` writes ``source``'s outputs to when none is named: ``fixed`` beside
    it — unless that is a symbolic link (:func:`wenshu.files.default_output_dir`)."""
    from wenshu.files import default_output_dir

    return default_output_dir(source.parent, FIXED_FOLDER)


def fix_files(
    paths: list[Path], out_dir: Callable[[Path], Path], *, paginate: bool = True, force: bool = False
) -> list[Fixed]:
    """:func:`fix_file` for several files: each imported into a spec, then all of them built by
    the one pipeline (:func:`wenshu.build.pipeline.run`, one LibreOffice for the pagination
    pass of all), then written with their spec. Each file's outcome in order; a file that
    fails has :attr:`Fixed.error` and nothing written. A spec the user has edited since an
    earlier fix wrote it is not overwritten (that file fails) unless ``force``."""
    from wenshu.build.pipeline import BuildRequest, run

    results: list[Fixed] = []
    prepared: list[_Prepared] = []
    with tempfile.TemporaryDirectory(prefix="wenshu-fix-") as work, Office() as office:
        for n, path in enumerate(paths):
            try:
                prepared.append(_prepare(path, out_dir(path), office, Path(work), n, force))
                results.append(prepared[-1].fixed)
            except WenshuError as exc:
                results.append(Fixed(path, error=exc))
        if not prepared:
            return results
        built = Path(work) / "built"
        # a draft: a part the file held only a placeholder for ([日期]) is 【待补】 in the spec
        # and is built marked, at its place, for the user to fill in (the report says so); a
        # spec without one builds as it would otherwise
        request = BuildRequest(
            sources=tuple(item.spec_path for item in prepared), out_dir=built, paginate=paginate, draft=True
        )
        outcomes = {outcome.source: outcome for outcome in run(request).outcomes}
        for item in prepared:
            outcome = outcomes[item.spec_path]
            source = str(item.fixed.source)
            if not outcome.ok:
                item.fixed.error = WenshuError(
                    [
                        Problem(source, f"导入的规格无法生成：{p.message}", field=p.field)
                        for p in outcome.problems
                    ]
                )
                continue
            stem = item.spec_path.stem
            try:
                _finish(item, (built / f"{stem}.docx").read_bytes(), (built / f"{stem}.md").read_bytes())
            except WenshuError as exc:
                item.fixed.error = exc
    return results


def fix_file(path: Path, out_dir: Path, *, paginate: bool = True) -> Fixed:
    """Import ``path``, build it again, and write ``<stem>.docx``, ``.md`` and ``.yaml`` to
    ``out_dir``; raise :class:`WenshuError` when it cannot be done (nothing is written then)."""
    (fixed,) = fix_files([path], lambda _: out_dir, paginate=paginate)
    if fixed.error is not None:
        raise fixed.error
    return fixed
