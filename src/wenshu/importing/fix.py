"""``wenshu import`` (Word → spec) and ``wenshu fix`` (Word → spec → Word laid out right).

Nothing is written until everything for a file is ready: the spec, the .docx and the .md go
to disk together through :func:`wenshu.pipeline.write_atomically`, and an input is never
overwritten by its own output.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from wenshu.errors import Problem, WenshuError
from wenshu.importing.outline import ordinal_of
from wenshu.importing.reader import read_spec
from wenshu.importing.report import ImportReport
from wenshu.importing.source import Para, read_docx
from wenshu.importing.writer import dump_spec

#: Word files wenshu reads itself; the others are converted by LibreOffice first.
DOCX = ".docx"
CONVERTIBLE = (".doc", ".wps", ".odt", ".rtf")


@dataclass
class Imported:
    """One Word file imported: the spec's YAML text and what was found."""

    yaml: str
    report: ImportReport


def import_docx(source: Path | bytes, name: str) -> Imported:
    """Read the .docx ``source`` (called ``name`` in messages) into spec YAML."""
    read = read_docx(source, name)
    spec, comments, report = read_spec(read)
    return Imported(dump_spec(spec, comments, report), report)


def docx_bytes(path: Path) -> bytes:
    """The .docx content of ``path``: read as is, or converted by LibreOffice for .doc/.wps/.odt."""
    from wenshu.safezip import read_input

    suffix = path.suffix.lower()
    if suffix in CONVERTIBLE:
        return _convert(path)
    if suffix != DOCX:
        raise WenshuError(
            Problem(str(path), "不是 Word 文件（.docx；装有 LibreOffice 时也可以是 .doc、.wps、.odt）")
        )
    return read_input(path, str(path))


def _convert(path: Path) -> bytes:
    from wenshu.render.pdf import LibreOffice, find_soffice

    try:
        find_soffice()
    except WenshuError:
        raise WenshuError(
            Problem(
                str(path),
                f"{path.suffix} 文件需要 LibreOffice 先转换为 .docx，但没有找到 LibreOffice；"
                "请在 Word 中另存为 .docx",
            )
        ) from None
    with LibreOffice() as office:
        return office.convert_to_docx(path)


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


def _check_summary(before: bytes, after: bytes, name: str) -> list[str]:
    """Which GB/T 9704 findings of ``wenshu check`` the rebuilt file no longer has."""
    from wenshu.check import check_docx

    old = check_docx(before, name)
    new = check_docx(after, name)
    if old.error:
        return []
    kept = {(d.code, d.element) for d in new.deviations}
    gone: dict[str, list[str]] = {}
    for d in old.deviations:
        if (d.code, d.element) not in kept:
            gone.setdefault(d.element, []).append(d.message)
    lines = [f"{element}：{'；'.join(dict.fromkeys(msgs))}（已按标准重排）" for element, msgs in gone.items()]
    if new.deviations:
        lines.append("重排后仍有：" + "；".join(str(d) for d in new.deviations[:5]))
    return lines


def fix_file(path: Path, out_dir: Path, *, paginate: bool = True) -> Fixed:
    """Import ``path``, build it again, and write ``<stem>.docx``, ``.md`` and ``.yaml`` to ``out_dir``."""
    from wenshu.extract import docx_blocks
    from wenshu.pipeline import render, write_atomically

    result = Fixed(path)
    data = docx_bytes(path)
    read = read_docx(data, str(path))
    spec, comments, report = read_spec(read)
    imported = Imported(dump_spec(spec, comments, report), report)
    result.report = imported.report
    stem = path.stem
    targets = {f"{stem}.yaml", f"{stem}.docx", f"{stem}.md"}
    for target in targets:
        if (out_dir / target).resolve() == path.resolve():
            raise WenshuError(
                Problem(str(path), f"输出会覆盖原文件 {out_dir / target}，请用 -o 另指一个文件夹")
            )
    with tempfile.TemporaryDirectory(prefix="wenshu-fix-") as work:
        spec_path = Path(work) / f"{stem}.yaml"
        spec_path.write_text(imported.yaml, encoding="utf-8")
        try:
            rendered = render(spec_path)
        except WenshuError as exc:
            problems = [
                Problem(str(path), f"导入的规格无法生成：{p.message}", field=p.field) for p in exc.problems
            ]
            raise WenshuError(problems) from None
    docx = rendered.files["docx"]
    if paginate:
        docx = _paginated(docx)
    files = {
        f"{stem}.yaml": imported.yaml.encode("utf-8"),
        f"{stem}.docx": docx,
        f"{stem}.md": rendered.files["md"],
    }
    result.changes = list(imported.report.changed)
    original = [b.text.strip() for b in read.blocks if isinstance(b, Para)]
    rebuilt = docx_blocks(docx)
    result.changes += _ordinal_changes(original, rebuilt)
    result.changes += _check_summary(data, docx, str(path))
    result.written = write_atomically(out_dir, files)
    return result


def _paginated(docx: bytes) -> bytes:
    """``docx`` through the pagination pass when LibreOffice is there (as ``build`` does)."""
    from wenshu.pipeline import paginate_one
    from wenshu.render.paginate import provably_fits
    from wenshu.render.pdf import LibreOffice, find_soffice

    if provably_fits(docx):
        return docx
    try:
        find_soffice()
    except WenshuError:
        return docx
    with LibreOffice() as office:
        return paginate_one(docx, office)


def word_files(paths: list[Path]) -> list[Path]:
    """The Word files named, a folder standing for the Word files in it (sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.suffix.lower() in (DOCX, *CONVERTIBLE) and not p.name.startswith(("~$", "."))
                )
            )
        else:
            out.append(path)
    return out
