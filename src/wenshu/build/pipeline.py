"""One spec through the whole pipeline: load → validate → Markdown → Word → files on disk."""

from __future__ import annotations

import errno
import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wenshu.errors import Problem, WenshuError
from wenshu.render.docx import build_docx
from wenshu.render.markdown import render_markdown
from wenshu.rules import advice
from wenshu.spec.kinds import Kind
from wenshu.spec.load import Spec, load_spec
from wenshu.spec.skeleton import mark_placeholders
from wenshu.spec.validate import validate

if TYPE_CHECKING:
    from wenshu.office.libreoffice import LibreOffice

FORMATS = ("docx", "md")


@dataclass
class Rendered:
    """Everything one spec renders to, in memory, before anything touches the disk."""

    spec: Spec
    kind: Kind
    markdown: str
    files: dict[str, bytes]
    warnings: list[Problem] = field(default_factory=list)  # accepted, but to be said (wenshu.rules.advice)


def render(path: str | Path, formats: tuple[str, ...] = FORMATS, *, draft: bool = False) -> Rendered:
    """Load, validate and render one spec; raise :class:`WenshuError` on any problem.

    A ``draft`` renders despite unfilled 【待补】 values and marks each one in both outputs.
    """
    spec = load_spec(path)
    kind, document = validate(spec, draft=draft)
    markdown = render_markdown(kind, document, spec.name)
    if draft:
        markdown = mark_placeholders(markdown)
    files: dict[str, bytes] = {}
    if "md" in formats:
        files["md"] = markdown.encode("utf-8")
    if "docx" in formats:
        files["docx"] = build_docx(markdown)
    return Rendered(spec, kind, markdown, files, advice.warnings(spec, kind, document))


def prepare_output_dir(out_dir: Path) -> None:
    """Create ``out_dir`` or explain in Chinese why it cannot be used."""
    if out_dir.exists() and not out_dir.is_dir():
        raise WenshuError(Problem(str(out_dir), "输出位置已存在且是文件，不是文件夹"))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WenshuError(Problem(str(out_dir), f"无法创建输出文件夹：{_os_reason(exc)}")) from None
    if not os.access(out_dir, os.W_OK):
        raise WenshuError(Problem(str(out_dir), "输出文件夹没有写入权限"))


def write_atomically(out_dir: Path, files: dict[str, bytes], *, sync: bool = True) -> list[Path]:
    """Write ``{name: bytes}`` into ``out_dir`` all or nothing.

    Every file is first written to a hidden temporary file beside its target; only when all
    are complete are they renamed into place, so a failure — or a crash, or a reader looking
    in the meantime — never meets a partial file under a target's name, and a failure
    leaves earlier outputs untouched. ``sync=False`` skips flushing each file to the disk
    before the rename (a batch of thousands of letters, which it can simply rerun after a
    crash).
    """
    prepare_output_dir(out_dir)
    temps: list[tuple[Path, Path]] = []
    renamed = 0
    try:
        for name, data in files.items():
            target = out_dir / name
            fd, tmp = _temporary(target)
            temps.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                if sync:
                    fh.flush()
                    os.fsync(fh.fileno())
        for tmp, target in temps:
            os.replace(tmp, target)
            renamed += 1
    except BaseException as exc:
        for tmp, _ in temps[renamed:]:
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            kept = "原有文件未改动" if not renamed else f"已替换 {renamed} 个文件，其余原有文件未改动"
            raise WenshuError(Problem(str(out_dir), f"写入失败：{_os_reason(exc)}；{kept}")) from None
        raise
    return [target for _, target in temps]


# Create, never open an existing file; binary on Windows; not inherited by child processes.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_TEMPORARY = itertools.count()


def _temporary(target: Path) -> tuple[int, Path]:
    """A new hidden file beside ``target``, open for writing, with the user's usual mode
    (0666 less the umask, as for any new file)."""
    while True:
        tmp = target.with_name(f".{target.name}.{os.getpid()}-{next(_TEMPORARY)}.tmp")
        try:
            return os.open(tmp, _NEW_FILE, 0o666), tmp
        except FileExistsError:
            continue  # left behind by an earlier process with the same number


def _os_reason(exc: OSError) -> str:
    reasons = {
        errno.ENOSPC: "磁盘空间不足",
        errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限",
        errno.EROFS: "文件系统只读",
        errno.ENOTDIR: "路径中有一段不是文件夹",
        errno.EDQUOT: "超出磁盘配额",
        errno.EISDIR: "同名的文件夹已存在",
    }
    return reasons.get(exc.errno, exc.strerror or str(exc))


def build(
    path: str | Path,
    out_dir: str | Path,
    formats: tuple[str, ...] = FORMATS,
    *,
    draft: bool = False,
    warn: Callable[[Problem], None] | None = None,
    office: LibreOffice | None = None,
) -> list[Path]:
    """Build one spec into ``out_dir`` as ``<stem>.docx`` and ``<stem>.md`` (see :func:`render`);
    ``warn`` is told each warning about the spec.

    With ``office`` (a LibreOffice opened as a context manager) the .docx goes through the
    pagination pass (:mod:`wenshu.build.paginate`) unless it provably fits on one page.
    """
    rendered = render(path, formats, draft=draft)
    for warning in rendered.warnings if warn else ():
        warn(warning)
    if office is not None and "docx" in rendered.files:
        rendered.files["docx"] = paginate_one(rendered.files["docx"], office)
    stem = Path(path).stem
    return write_atomically(Path(out_dir), {f"{stem}.{ext}": data for ext, data in rendered.files.items()})


def build_all(
    paths: list[Path],
    out_dir: str | Path,
    formats: tuple[str, ...] = FORMATS,
    *,
    draft: bool = False,
    warn: Callable[[Problem], None] | None = None,
    office: LibreOffice | None = None,
) -> list[tuple[Path, list[Path] | WenshuError]]:
    """:func:`build` for several specs, the pagination pass run on all of them at once
    (one LibreOffice run a round, not one per file); each spec's outcome in order."""
    results: dict[Path, list[Path] | WenshuError] = {}
    rendered: dict[Path, Rendered] = {}
    for path in paths:
        try:
            rendered[path] = render(path, formats, draft=draft)
        except WenshuError as exc:
            results[path] = exc
            continue
        for warning in rendered[path].warnings if warn else ():
            warn(warning)
    if office is not None:
        from wenshu.build.paginate import paginate, provably_fits  # a build without the pass skips it

        docs = {str(p): r.files["docx"] for p, r in rendered.items() if "docx" in r.files}
        try:
            done = paginate({k: d for k, d in docs.items() if not provably_fits(d)}, office)
        except WenshuError as exc:  # the documents are still written, their pages unverified
            done = {}
            reason = "；".join(p.message for p in exc.problems)
            for path in rendered:
                if warn:
                    warn(Problem(str(path), f"未能分页（{reason}），按未分页生成"))
        for path, r in rendered.items():
            if str(path) in done:
                r.files["docx"] = done[str(path)].docx
    for path, r in rendered.items():
        files = {f"{Path(path).stem}.{ext}": data for ext, data in r.files.items()}
        try:
            results[path] = write_atomically(Path(out_dir), files)
        except WenshuError as exc:
            results[path] = exc
    return [(path, results[path]) for path in paths]


def needs_pagination(paths: list[Path]) -> list[Path]:
    """The .docx files among ``paths`` that do not provably fit on one page."""
    from wenshu.build.paginate import provably_fits

    return [p for p in paths if not provably_fits(p.read_bytes())]


def paginate_files(paths: list[Path], office: LibreOffice) -> list[Path]:
    """Run the pagination pass on written .docx files (one LibreOffice run a round for all)
    and replace each one that changed, atomically; returns the files replaced."""
    from wenshu.build.paginate import paginate

    done = paginate({str(p): p.read_bytes() for p in paths}, office)
    replaced = []
    for path in paths:
        result = done[str(path)]
        if result.docx != path.read_bytes():
            replaced += write_atomically(path.parent, {path.name: result.docx}, sync=False)
    return replaced


def paginate_one(docx: bytes, office: LibreOffice) -> bytes:
    """``docx`` after the pagination pass; a one-page letter that provably fits is left as is."""
    from wenshu.build.paginate import paginate, provably_fits

    if provably_fits(docx):
        return docx
    return paginate({"docx": docx}, office)["docx"].docx
