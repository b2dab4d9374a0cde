"""``wenshu build DIR``: every spec under a folder into a mirrored output tree, incrementally.

A spec is rebuilt only when something its outputs depend on has changed, judged by
content hash: the spec itself, its data file (batch specs), its kind's schema and the
shared definitions, its template and every template that template imports, the frame,
the catalogue data, wenshu itself (version and code), whether the .docx went through
the pagination pass and whether it is a draft (a run with either switched rebuilds
everything). What each output was built from is kept in a small manifest in the output
folder (``.wenshu-manifest.json``), so deciding that nothing needs doing reads each spec
once and parses none of them. A run that has nothing to do writes nothing, not even the
manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2.meta

from wenshu import __version__
from wenshu.build.batch import (
    PARALLEL_FROM,
    default_termination,
    is_batch_spec,
    load_batch,
    pool_context,
    remove_stale_temporaries,
    run_batch,
)
from wenshu.build.document import render
from wenshu.build.pdf import RunOffice
from wenshu.cores import usable_cores
from wenshu.errors import Problem, WenshuError
from wenshu.files import FORMATS, write_atomically
from wenshu.render.docx import frame_name, frame_path, parser
from wenshu.render.markdown import environment
from wenshu.resources import files_stamp, resource_dir
from wenshu.spec import load
from wenshu.spec.find import find_specs
from wenshu.spec.kinds import COMMON, Kind
from wenshu.spec.load import load_spec, looks_like_batch, recording_reads

MANIFEST = ".wenshu-manifest.json"
_MANIFEST_FORMAT = 2  # 2: each output's SHA-256 is recorded
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
# No input wenshu reads is larger (data files: 50 MB); a larger one changed or will be refused.
MAX_INPUT_BYTES = 64 * 1024 * 1024
# The digest recorded for an input that changed while its spec was built: matches no file.
_CHANGED = "changed while built"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO under a file's name must not block the open


# -- hashing ----------------------------------------------------------------------------------
def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


class _Hashes:
    """Content hashes of files, each file read at most once per run."""

    def __init__(self) -> None:
        self._seen: dict[str, str | None] = {}

    def of(self, path: Path) -> str | None:
        key = str(path)
        if key not in self._seen:
            # Only a regular file is hashed (a FIFO or device named in a manifest would hang);
            # gone or anything else: whatever depended on it is out of date.
            sha = _file_sha256(path, follow=True, limit=MAX_INPUT_BYTES)
            self._seen[key] = sha[:32] if sha else None
        return self._seen[key]


def _tree_digest(root: Path, pattern: str) -> str:
    """One hash over every file matching ``pattern`` under ``root`` (names and contents)."""
    h = hashlib.sha256()
    for path in sorted(root.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:32]


def global_digest() -> str:
    """What every output depends on: wenshu's version and code, and the catalogue data."""
    package = Path(__file__).resolve().parents[1]
    data = resource_dir("data")
    return _digest(f"{__version__}|{_tree_digest(package, '*.py')}|{_tree_digest(data, '*')}".encode())


def run_digest(paginated: bool, draft: bool = False) -> str:
    """:func:`global_digest`, whether this run's .docx go through the pagination pass and
    whether they are drafts: outputs built with either switched the other way are stale."""
    return _digest(f"{global_digest()}|paginated={paginated}|draft={draft}".encode())


# -- dependencies -----------------------------------------------------------------------------
_CLOSURES: dict[str, tuple[str, ...]] = {}  # per run: templates may change between runs


def _template_closure(name: str) -> tuple[str, ...]:
    """``name`` and every template it imports or includes, recursively."""
    if name in _CLOSURES:
        return _CLOSURES[name]
    env = environment()
    seen: list[str] = []
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        source, _, _ = env.loader.get_source(env, current)  # type: ignore[union-attr]
        todo.extend(t for t in jinja2.meta.find_referenced_templates(env.parse(source)) if t)
    _CLOSURES[name] = tuple(sorted(seen))
    return _CLOSURES[name]


def dependencies(kind: Kind, frame: str | None) -> dict[str, Path]:
    """The resource files a document of ``kind`` in frame ``frame`` is built from."""
    schemas = resource_dir("schemas")
    templates = resource_dir("templates")
    deps = {
        f"schemas/{kind.name}.yaml": schemas / f"{kind.name}.yaml",
        f"schemas/{COMMON}.yaml": schemas / f"{COMMON}.yaml",
    }
    for name in _template_closure(kind.template):
        deps[f"templates/{name}"] = templates / name
    if frame is not None:
        path = frame_path(frame)
        deps[f"templates/frames/{path.name}"] = path
    return deps


def _resolve_dep(key: str, src: Path) -> Path:
    """The file behind a manifest dependency key."""
    area, _, rest = key.partition("/")
    if area == "file":
        return Path(rest) if Path(rest).is_absolute() else src / rest
    return resource_dir(area) / rest


def _file_key(path: Path, src: Path) -> str:
    """``file/…`` for an input outside the resources: relative to ``src`` when inside it.
    Neither is resolved: an input named through a link is checked through it next time."""
    path, root = path.absolute(), src.absolute()
    return f"file/{path.relative_to(root).as_posix() if root in path.parents else path}"


# -- the manifest -----------------------------------------------------------------------------
# The manifest lies in the output folder, where anyone may have put or edited it (a folder
# shared with its old manifest is enough), so nothing in it is trusted: one that does not
# validate in every detail is ignored, and an output it lists is deleted only when it is a
# plain file inside OUT whose content is still exactly what wenshu wrote (its SHA-256).
_HEX64 = re.compile(r"[0-9a-f]{64}")
_DIGEST = re.compile(r"[0-9a-f]{32}")


def _safe_rel(rel: Any) -> bool:
    """Is ``rel`` a relative POSIX path that stays inside the folder it is relative to?"""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\0" in rel:
        return False
    parts = rel.split("/")
    return not rel.startswith("/") and ":" not in parts[0] and all(p not in ("", ".", "..") for p in parts)


def _entry_problem(rel: Any, entry: Any) -> str | None:
    """What is wrong with one manifest entry, or None."""
    if not _safe_rel(rel) or not isinstance(entry, dict):
        return f"条目“{rel}”格式不对"
    if not isinstance(entry.get("spec"), str):
        return f"条目“{rel}”缺少规格的哈希"
    deps = entry.get("deps")
    if not isinstance(deps, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in deps.items()
    ):
        return f"条目“{rel}”的依赖格式不对"
    outputs = entry.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        return f"条目“{rel}”的输出格式不对"
    for name, record in outputs.items():
        if not _safe_rel(name):
            return f"条目“{rel}”的输出“{name}”不在输出文件夹之内"
        if not (
            isinstance(record, list)
            and len(record) == 3
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in record[:2])
            and isinstance(record[2], str)
            and _HEX64.fullmatch(record[2])
        ):
            return f"条目“{rel}”的输出“{name}”记录格式不对"
    return None


def _manifest_problem(manifest: Any) -> str | None:
    """What makes ``manifest`` unusable, or None for one that validates in every detail."""
    if not isinstance(manifest, dict):
        return "不是 JSON 对象"
    if manifest.get("format") == 1:
        return "是旧版 wenshu 的格式，未记录各文件的哈希"
    if manifest.get("format") != _MANIFEST_FORMAT:
        return f"格式版本为 {manifest.get('format')!r}，应为 {_MANIFEST_FORMAT}"
    if not isinstance(manifest.get("source"), str) or not isinstance(manifest.get("global"), str):
        return "缺少来源文件夹或版本哈希"
    if not _DIGEST.fullmatch(manifest["global"]):
        return "版本哈希格式不对"
    entries = manifest.get("entries")
    if not isinstance(entries, dict):
        return "entries 不是 JSON 对象"
    for rel, entry in entries.items():
        problem = _entry_problem(rel, entry)
        if problem:
            return problem
    return None


def _load_manifest(out: Path, src: Path, digest: str, report: TreeReport) -> dict[str, Any]:
    """The manifest of ``out``, or an empty one when there is none or it cannot be trusted
    (which ``report`` notes: everything is rebuilt and nothing deleted)."""
    empty = {"format": _MANIFEST_FORMAT, "source": str(src.resolve()), "global": digest, "entries": {}}
    path = out / MANIFEST
    if not path.exists() and not path.is_symlink():
        return empty
    try:
        raw = load.read_bounded(path, MAX_MANIFEST_BYTES, "清单文件")
        manifest = json.loads(raw.decode("utf-8"))
        problem = _manifest_problem(manifest)
    except WenshuError as exc:
        problem = exc.problems[0].message
    except (ValueError, RecursionError):
        problem = "不是有效的 JSON"
    if problem:
        message = f"清单无效（{problem}），已忽略：全部重新生成，不删除任何旧文件"
        report.notes.append(Problem(str(path), message))
        return empty
    if manifest["source"] != empty["source"]:
        return empty  # built from another folder: nothing in it concerns this one
    if manifest["global"] != digest:
        manifest["entries"] = {}  # wenshu or its catalogue changed: everything is stale
        manifest["global"] = digest
    return manifest


def _outputs_intact(out: Path, outputs: dict[str, list[Any]]) -> bool:
    for rel, (size, mtime, _) in outputs.items():
        try:
            stat = (out / rel).lstat()
        except OSError:
            return False
        if stat.st_size != size or stat.st_mtime_ns != mtime:
            return False  # replaced or edited by hand: rebuild it
    return bool(outputs)


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _file_sha256(path: Path, *, follow: bool = False, limit: int | None = None) -> str | None:
    """SHA-256 of a regular file of at most ``limit`` bytes (following a link only if
    ``follow``), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | (0 if follow else _NOFOLLOW))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or (limit is not None and info.st_size > limit):
            return None
        h = hashlib.sha256()
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _remove_outputs(out: Path, outputs: dict[str, list[Any]], keep: set[str], report: TreeReport) -> None:
    """Delete the recorded outputs not in ``keep`` — only files inside ``out`` whose content
    is exactly what wenshu wrote: a file edited since is left in place and listed as kept."""
    root = out.resolve()
    for rel, (_, _, sha) in sorted(outputs.items()):
        if rel in keep or not _safe_rel(rel):
            continue
        path = out / rel
        if not path.exists() and not path.is_symlink():
            continue
        # A linked subfolder may lead out of OUT: the folder the file is really in must be inside.
        if _within(path.parent.resolve(), root) and _file_sha256(path) == sha:
            path.unlink()
            report.removed.append(rel)
        else:
            report.kept.append(rel)


def _record_outputs(out: Path, paths: Iterable[Path]) -> dict[str, list[Any]]:
    recorded = {}
    for path in paths:
        stat_ = path.lstat()
        # Relative as written (``out / sub / name``), not resolved: a linked subfolder stays put.
        recorded[path.relative_to(out).as_posix()] = [stat_.st_size, stat_.st_mtime_ns, _file_sha256(path)]
    return recorded


# -- building ---------------------------------------------------------------------------------
@dataclass
class TreeReport:
    """What ``build DIR`` did, by spec (paths relative to the source folder)."""

    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, list[Problem]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # in the manifest, no longer in the folder
    written: list[Path] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # old outputs no spec makes any more
    kept: list[str] = field(default_factory=list)  # … of which these were edited since: left alone
    notes: list[Problem] = field(default_factory=list)  # about the folder itself: shown, not failing
    errors: list[Problem] = field(default_factory=list)  # about the folder itself: failing
    warnings: list[Problem] = field(default_factory=list)  # about specs built: accepted, to be said


@dataclass
class _Built:
    """One spec's outcome, as a worker sends it back."""

    rel: str
    problems: list[Problem]
    written: list[Path]
    deps: dict[str, str]
    warnings: list[Problem] = field(default_factory=list)


def _build_single(
    spec_path: Path, out_dir: Path, formats: tuple[str, ...], draft: bool
) -> tuple[list[Path], dict[str, Path], list[Problem]]:
    """A spec file's outputs, what they depend on, and the warnings about it."""
    rendered = render(spec_path, formats, draft=draft)
    files = {f"{spec_path.stem}.{ext}": data for ext, data in rendered.files.items()}
    return write_atomically(out_dir, files), dependencies(rendered.kind, rendered.frame), rendered.warnings


def _build_batch(
    spec_path: Path, src: Path, out_dir: Path, formats: tuple[str, ...], jobs: int, draft: bool
) -> tuple[list[Path], dict[str, Path], list[Problem]]:
    batch = load_batch(spec_path)
    result = run_batch(batch, out_dir, jobs=jobs, formats=formats, draft=draft)
    # Every letter of a batch has the same frame; any one written .md names it.
    md = next((p for p in result.written if p.suffix == ".md"), None)
    frame = frame_name(parser().parse(md.read_text(encoding="utf-8"))) if md else None
    deps = dependencies(batch.kind, frame)
    if batch.data_path is not None:
        deps[_file_key(batch.data_path, src)] = batch.data_path
    return result.written, deps, result.problems()


def _inside_out(folder: Path, out: Path) -> None:
    """Refuse to write into ``folder`` when a link takes it out of ``out``."""
    if not _within(folder.resolve(), out.resolve()):
        raise WenshuError(Problem(str(folder), f"是指向输出文件夹 {out} 之外的链接，已拒绝写入"))


def _one_spec(
    src: Path, out: Path, spec_path: Path, formats: tuple[str, ...], jobs: int, draft: bool
) -> _Built:
    rel = spec_path.relative_to(src)
    out_dir = out / rel.parent
    hashes = _Hashes()
    try:
        _inside_out(out_dir, out)
        warnings: list[Problem] = []
        with recording_reads() as reads:
            spec = load_spec(spec_path)
            if is_batch_spec(spec):
                _inside_out(out_dir / spec_path.stem, out)
                written, deps, problems = _build_batch(
                    spec_path, src, out_dir / spec_path.stem, formats, jobs, draft
                )
            else:
                written, deps, warnings = _build_single(spec_path, out_dir, formats, draft)
                problems = []
    except WenshuError as exc:
        return _Built(rel.as_posix(), exc.problems, [], {})
    except RecursionError:
        # Specs that include one another in a loop no check caught: this spec fails, not the run.
        problem = Problem(str(spec_path), "引用层级过深（附件或工作方案互相引用？），已停止")
        return _Built(rel.as_posix(), [problem], [], {})
    others = set(reads) - {spec_path.absolute()}
    for path in others:
        deps[_file_key(path, src)] = path
    if any(path.exists() for path in others):  # an absent round file has no kind
        # Which kinds those files are is not recorded: any schema change rebuilds this spec.
        for schema in sorted(resource_dir("schemas").glob("*.yaml")):
            deps[f"schemas/{schema.name}"] = schema
    digests = {key: hashes.of(path) or "" for key, path in deps.items()}
    for path in others:
        if _changed_since(path, reads[path]):
            # Changed since it was read (or not stampable): its hash now is not what was
            # built from, so none is recorded and the next run builds the spec again.
            digests[_file_key(path, src)] = _CHANGED
    return _Built(rel.as_posix(), problems, written, digests, warnings)


def _changed_since(path: Path, stamp: str | None) -> bool:
    """Whether ``path`` no longer carries ``stamp``, taken when it was read (None: none was)."""
    try:
        return stamp is None or files_stamp([str(path)])[0] != stamp
    except OSError:
        return True


_TREE: tuple[Path, Path, tuple[str, ...], bool] | None = None


def _init_tree(src: Path, out: Path, formats: tuple[str, ...], draft: bool) -> None:
    global _TREE
    default_termination()
    _TREE = (src, out, formats, draft)


def _pooled(spec_path: Path) -> _Built:
    assert _TREE is not None, "worker started without its job"
    src, out, formats, draft = _TREE
    return _one_spec(src, out, spec_path, formats, 1, draft)


def build_tree(
    src: Path,
    out: Path,
    *,
    force: bool = False,
    jobs: int | None = None,
    formats: tuple[str, ...] = FORMATS,
    progress: Callable[[int], None] | None = None,
    planned: Callable[[int], None] | None = None,
    draft: bool = False,
    office: RunOffice | None = None,
) -> TreeReport:
    """Build every spec under ``src`` into ``out``, skipping those whose inputs are unchanged.

    ``planned`` is told how many specs need building before any is built (for a progress
    bar); ``progress`` is told as each finishes. A ``draft`` builds specs with unfilled
    【待补】 too, marked. With ``office`` every .docx built goes through its pagination pass
    (:meth:`RunOffice.paginate_files`) before the manifest records it.
    """
    if not src.is_dir():
        raise WenshuError(Problem(str(src), "不是文件夹"))
    _check_out(src, out)
    jobs = jobs or usable_cores()
    _CLOSURES.clear()
    digest = run_digest(office is not None and office.paginating, draft)
    report = TreeReport()
    if out.is_dir():
        remove_stale_temporaries(out, recursive=True)
    manifest = _load_manifest(out, src, digest, report)
    before = json.dumps(manifest, sort_keys=True)
    entries: dict[str, Any] = manifest["entries"]
    hashes = _Hashes()
    stale: list[Path] = []
    specs = find_specs(src, skip=out)
    if not specs and not entries:
        # Most likely the wrong folder: say so rather than report "0 built" with exit code 0.
        raise WenshuError(
            Problem(str(src), "文件夹中没有 YAML 规格文件（.yaml、.yml；以 . 或 _ 开头的不算）")
        )
    present = set()
    for spec_path in specs:
        rel = spec_path.relative_to(src).as_posix()
        present.add(rel)
        entry = entries.get(rel)
        fresh = (
            not force
            and entry is not None
            and entry.get("spec") == hashes.of(spec_path)
            # A dep recorded absent ("", a round file not written) is fresh while still absent.
            and all((hashes.of(_resolve_dep(k, src)) or "") == v for k, v in entry.get("deps", {}).items())
            and _outputs_intact(out, entry.get("outputs", {}))
        )
        if fresh:
            report.skipped.append(rel)
        else:
            stale.append(spec_path)
    for rel in sorted(set(entries) - present):
        report.dropped.append(rel)
        _remove_outputs(out, entries.pop(rel).get("outputs", {}), set(), report)
    if planned:
        planned(len(stale))

    singles = [p for p in stale if not looks_like_batch(p)]
    batches = [p for p in stale if looks_like_batch(p)]
    outcomes: list[_Built] = []
    if len(singles) >= PARALLEL_FROM and jobs > 1:
        with pool_context().Pool(jobs, initializer=_init_tree, initargs=(src, out, formats, draft)) as pool:
            for built in pool.imap_unordered(_pooled, singles, chunksize=8):
                outcomes.append(built)
                if progress:
                    progress(1)
    else:
        for spec_path in singles:
            outcomes.append(_one_spec(src, out, spec_path, formats, jobs, draft))
            if progress:
                progress(1)
    for spec_path in batches:
        outcomes.append(_one_spec(src, out, spec_path, formats, jobs, draft))
        if progress:
            progress(1)

    if office is not None:
        # The manifest then records the paginated files (their hashes are what wenshu wrote).
        office.paginate_files([p for built in outcomes for p in built.written])
    for built in sorted(outcomes, key=lambda b: b.rel):
        report.written.extend(built.written)
        if built.problems:
            report.failed[built.rel] = built.problems
            entries.pop(built.rel, None)  # try again next time
            continue
        report.built.append(built.rel)
        report.warnings.extend(built.warnings)
        outputs = _record_outputs(out, built.written)
        # A batch with a record fewer no longer makes that letter: its old file goes.
        previous = entries.get(built.rel, {}).get("outputs", {})
        _remove_outputs(out, previous, set(outputs), report)
        entries[built.rel] = {"spec": hashes.of(src / built.rel), "deps": built.deps, "outputs": outputs}
    if json.dumps(manifest, sort_keys=True) != before:
        text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
        try:
            write_atomically(out, {MANIFEST: text.encode("utf-8")})
        except WenshuError as exc:
            report.errors.append(_manifest_not_written(out, exc, report))
    return report


def _check_out(src: Path, out: Path) -> None:
    """Refuse, once and before anything is written, an output folder that cannot hold the
    build: an existing file, or ``src`` itself or a folder around it (whose specs would all
    be taken for outputs and skipped, and the folder said to have none)."""
    if out.exists() and not out.is_dir():
        raise WenshuError(Problem(str(out), "输出位置已存在且是文件，不是文件夹"))
    inside = out.resolve()
    if inside == src.resolve() or inside in src.resolve().parents:
        where = "就是" if inside == src.resolve() else "包含了"
        raise WenshuError(
            Problem(
                str(out),
                f"输出文件夹{where}要生成的文件夹 {src}，生成的文件会与规格混在一起；"
                f"请用 -o 指定另一个文件夹（如 {src / 'out'}）",
            )
        )


def _manifest_not_written(out: Path, exc: WenshuError, report: TreeReport) -> Problem:
    """The outputs are on disk, only the manifest is not: say exactly that."""
    reason = exc.problems[0].message.split("；", 1)[0]  # “写入失败：磁盘空间不足”, without its own summary
    done = f"本次已写入 {len(report.written)} 个文件（同名旧文件已被替换）"
    if report.removed:
        done += f"，已删除 {len(report.removed)} 个不再生成的旧文件"
    return Problem(
        str(out / MANIFEST),
        f"清单{reason}；{done}；旧清单未改动，下次运行将重新生成这些规格",
    )


def tree_summary(report: TreeReport, src: Path, out: Path) -> list[str]:
    """The counts ``wenshu build DIR`` prints at the end."""
    lines = [
        f"{src} → {out}：生成 {len(report.built)} 个规格（{len(report.written)} 个文件），"
        f"未改动跳过 {len(report.skipped)} 个，出错 {len(report.failed)} 个"
    ]
    if report.dropped:
        lines.append(f"已删除的规格 {len(report.dropped)} 个：{'、'.join(report.dropped[:5])}")
    if report.removed:
        lines.append(f"删除了不再生成的旧文件 {len(report.removed)} 个：{'、'.join(report.removed[:5])}")
    if report.kept:
        lines.append(
            f"不再生成、但生成后被改动过的文件 {len(report.kept)} 个，已保留：{'、'.join(report.kept[:5])}"
        )
    return lines
