"""LibreOffice (headless) turns .docx into PDF; poppler reads the PDF back.

One :class:`LibreOffice` owns a private user profile and sends every file of a batch
through a single ``soffice --convert-to pdf`` run, so starting the office suite (about a
second) is paid once per batch, not once per file; the profile is kept for the object's
life, so later batches skip creating it. A private profile also keeps wenshu clear of a
LibreOffice the user has open.

The PDF is measured with ``pdftotext -bbox-layout`` (text with positions), ``pdffonts``
(the fonts actually embedded) and drawn with ``pdftoppm``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from lxml import etree

from ..errors import Problem, WenshuError

SOFFICE_ENV = "WENSHU_SOFFICE"
_SOFFICE_PLACES = (
    "soffice",
    "libreoffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
SOFFICE_HINT = (
    "未找到 LibreOffice（soffice），无法生成 PDF 或按实际排版检查。请先安装："
    "Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk；"
    "Fedora：sudo dnf install libreoffice-writer google-noto-sans-cjk-fonts；"
    "macOS：brew install --cask libreoffice；"
    "Windows：从 https://zh-cn.libreoffice.org/download/ 下载安装。"
    f"已安装但不在 PATH 中时，请设置环境变量 {SOFFICE_ENV} 为 soffice 程序的完整路径。"
)
POPPLER_HINT = (
    "未找到 {tool}（poppler-utils），无法读取 PDF 版面。请先安装："
    "Debian/Ubuntu：sudo apt-get install poppler-utils；Fedora：sudo dnf install poppler-utils；"
    "macOS：brew install poppler；Windows：安装 poppler 并把其 bin 文件夹加入 PATH。"
)
# Starting LibreOffice takes a few seconds on a slow machine; each page a fraction of one.
_START_SECONDS = 120
_SECONDS_PER_FILE = 30


def find_soffice() -> str:
    """The soffice program to run, or a :class:`WenshuError` saying how to install it."""
    configured = os.environ.get(SOFFICE_ENV)
    candidates = (configured,) if configured else _SOFFICE_PLACES
    for candidate in candidates:
        found = shutil.which(candidate) if candidate else None
        if found:
            return found
    raise WenshuError(Problem("LibreOffice", SOFFICE_HINT))


def find_poppler(tool: str) -> str:
    """A poppler program (pdftotext, pdffonts, pdftoppm), or an error saying how to install it."""
    found = shutil.which(tool)
    if not found:
        raise WenshuError(Problem(tool, POPPLER_HINT.format(tool=tool)))
    return found


class LibreOffice:
    """A headless LibreOffice with its own profile; use as a context manager."""

    def __init__(self, binary: str | None = None):
        self.binary = binary or find_soffice()
        self._profile: Path | None = None

    def __enter__(self) -> LibreOffice:
        self._profile = Path(tempfile.mkdtemp(prefix="wenshu-lo-profile-"))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def convert(self, sources: Sequence[Path], out_dir: Path) -> dict[Path, Path]:
        """Convert every .docx in ``sources`` to PDF in ``out_dir`` with one LibreOffice run.

        Returns source → PDF for the files that converted; a file LibreOffice could not
        open is simply absent (soffice itself reports success either way).
        """
        if self._profile is None:
            raise RuntimeError("LibreOffice 须在 with 语句中使用")
        if not sources:
            return {}
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="wenshu-lo-") as work:
            # Numbered copies: two inputs may share a name, and odd names stay out of argv.
            staged = []
            for i, source in enumerate(sources):
                target = Path(work) / f"{i:05d}.docx"
                shutil.copyfile(source, target)
                staged.append(target)
            self._run(staged, Path(work))
            done: dict[Path, Path] = {}
            for source, target in zip(sources, staged, strict=True):
                pdf = target.with_suffix(".pdf")
                if pdf.is_file() and pdf.stat().st_size > 0:
                    final = out_dir / f"{source.stem}.pdf"
                    if final in done.values():
                        final = out_dir / f"{target.stem}-{source.stem}.pdf"
                    shutil.move(pdf, final)
                    done[source] = final
            return done

    def convert_bytes(self, documents: dict[str, bytes]) -> dict[str, bytes]:
        """``{name: docx bytes}`` → ``{name: pdf bytes}`` for those that converted."""
        with tempfile.TemporaryDirectory(prefix="wenshu-pdf-") as work:
            paths = {}
            for i, (name, data) in enumerate(documents.items()):
                path = Path(work) / f"{i:05d}.docx"
                path.write_bytes(data)
                paths[path] = name
            converted = self.convert(list(paths), Path(work) / "pdf")
            return {paths[src]: pdf.read_bytes() for src, pdf in converted.items()}

    def _run(self, files: list[Path], out_dir: Path) -> None:
        assert self._profile is not None
        command = [
            self.binary,
            f"-env:UserInstallation={self._profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            *(str(f) for f in files),
        ]
        timeout = _START_SECONDS + _SECONDS_PER_FILE * len(files)
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False, cwd=out_dir)
        except subprocess.TimeoutExpired:
            raise WenshuError(
                Problem("LibreOffice", f"转换超时（超过 {timeout} 秒），LibreOffice 可能已卡住")
            ) from None
        except OSError as exc:
            raise WenshuError(
                Problem("LibreOffice", f"无法启动 {self.binary}：{exc.strerror or exc}")
            ) from None


# ---------------------------------------------------------------------------------------
# Reading the PDF back
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One printed line: its text and box in points, y growing down from the page top."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Page:
    """One PDF page: its size in points and its rows top to bottom."""

    number: int
    width: float
    height: float
    rows: list[Row]

    @property
    def landscape(self) -> bool:
        return self.width > self.height


def read_pages(pdf: Path) -> list[Page]:
    """The rows of text on every page of ``pdf``, from ``pdftotext -bbox-layout``."""
    tool = find_poppler("pdftotext")
    result = subprocess.run(
        [tool, "-bbox-layout", str(pdf), "-"], capture_output=True, timeout=120, check=False
    )
    if result.returncode != 0:
        raise WenshuError(Problem(str(pdf), "pdftotext 无法读取这个 PDF"))
    root = etree.fromstring(
        result.stdout, etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    )
    pages = []
    for number, page in enumerate(root.iter("{*}page"), 1):
        lines = []
        for line in page.iter("{*}line"):
            # pdftotext splits words at spaces (and where CJK meets Latin): keep the gap as a
            # space, so a line is never taken for pure full-width text when it is not.
            words = [w.text or "" for w in line.iter("{*}word")]
            box = [float(line.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")]
            lines.append(Row(" ".join(words), *box))
        pages.append(
            Page(number, float(page.get("width", "0")), float(page.get("height", "0")), _rows(lines))
        )
    return pages


def _rows(lines: list[Row]) -> list[Row]:
    """Merge the pieces pdftotext splits one printed line into (same baseline band)."""
    rows: list[list[Row]] = []
    for line in sorted(lines, key=lambda r: (r.y1, r.x0)):
        if rows and abs(rows[-1][0].y1 - line.y1) < 1.5 and abs(rows[-1][0].y0 - line.y0) < 1.5:
            rows[-1].append(line)
        else:
            rows.append([line])
    merged = []
    for group in rows:
        group.sort(key=lambda r: r.x0)
        merged.append(
            Row(
                " ".join(r.text for r in group),
                min(r.x0 for r in group),
                min(r.y0 for r in group),
                max(r.x1 for r in group),
                max(r.y1 for r in group),
            )
        )
    return sorted(merged, key=lambda r: (r.y0, r.x0))


def pdf_fonts(pdf: Path) -> list[str]:
    """The fonts embedded in ``pdf`` (subset prefixes removed), from ``pdffonts``."""
    tool = find_poppler("pdffonts")
    result = subprocess.run([tool, str(pdf)], capture_output=True, text=True, timeout=60, check=False)
    names = []
    for line in result.stdout.splitlines()[2:]:
        if line.strip():
            name = re.sub(r"^[A-Z]{6}\+", "", line.split()[0])
            if name not in names:
                names.append(name)
    return names


def installed_families() -> set[str] | None:
    """Font families fontconfig knows (None when fc-list is not available)."""
    tool = shutil.which("fc-list")
    if not tool:
        return None
    result = subprocess.run([tool, ":", "family"], capture_output=True, text=True, timeout=60, check=False)
    families: set[str] = set()
    for line in result.stdout.splitlines():
        families.update(name.strip() for name in line.split(","))
    return families


def substitute_for(font: str) -> str | None:
    """The font fontconfig would use for ``font`` (what LibreOffice falls back on here)."""
    tool = shutil.which("fc-match")
    if not tool:
        return None
    result = subprocess.run(
        [tool, "-f", "%{family[0]}", f"{font}:lang=zh-cn"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout.strip() or None


def write_images(pdf: Path, folder: Path, stem: str, dpi: int = 100) -> list[Path]:
    """Every page of ``pdf`` as ``folder/<stem>-<page>.png``; returns the files written."""
    tool = find_poppler("pdftoppm")
    folder.mkdir(parents=True, exist_ok=True)
    prefix = folder / stem
    result = subprocess.run(
        [tool, "-png", "-r", str(dpi), str(pdf), str(prefix)], capture_output=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise WenshuError(Problem(str(folder), "pdftoppm 无法生成页面图片"))
    return sorted(folder.glob(f"{glob_escape(stem)}-*.png"))


def glob_escape(text: str) -> str:
    """``text`` with glob wildcards made literal."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def build_with_pdf(
    paths: Sequence[Path],
    out_dir: Path,
    formats: tuple[str, ...],
    *,
    draft: bool = False,
    paginate: bool = True,
) -> list[tuple[Path, list[Path] | WenshuError]]:
    """Build every spec and a PDF of it, all PDFs through one LibreOffice run.

    Nothing is written for a spec until its PDF exists: its .docx, .md and .pdf then go
    to ``out_dir`` together (atomically), so a failure never leaves half a set behind.
    """
    from ..pipeline import prepare_output_dir, render, write_atomically

    office = LibreOffice()  # no LibreOffice: say so before anything is built or written
    prepare_output_dir(out_dir)
    results: dict[Path, list[Path] | WenshuError] = {}
    rendered = {}
    for path in paths:
        try:
            rendered[path] = render(path, tuple(dict.fromkeys((*formats, "docx"))), draft=draft)
        except WenshuError as exc:
            results[path] = exc
    with office:
        if paginate:  # the pagination pass, all documents in one LibreOffice run a round
            from .paginate import paginate as run_pass
            from .paginate import provably_fits

            docs = {str(p): r.files["docx"] for p, r in rendered.items()}
            done = run_pass({k: d for k, d in docs.items() if not provably_fits(d)}, office)
            for path, r in rendered.items():
                if str(path) in done:
                    r.files["docx"] = done[str(path)].docx
        pdfs = office.convert_bytes({str(path): r.files["docx"] for path, r in rendered.items()})
    for path, r in rendered.items():
        pdf = pdfs.get(str(path))
        if pdf is None:
            results[path] = WenshuError(Problem(str(path), "LibreOffice 未能生成 PDF，未写入任何文件"))
            continue
        stem = Path(path).stem
        files = {f"{stem}.{ext}": data for ext, data in r.files.items() if ext in formats}
        files[f"{stem}.pdf"] = pdf
        try:
            results[path] = write_atomically(out_dir, files)
        except WenshuError as exc:
            results[path] = exc
    return [(path, results[path]) for path in paths]


def pdfs_beside(docx_files: Sequence[Path], office: LibreOffice) -> list[Path]:
    """Write ``X.pdf`` beside every ``X.docx``, all through one run of ``office``.

    Each PDF is moved into place whole (written beside, then renamed), so an interrupted
    run never leaves a truncated PDF under a real name.
    """
    from ..pipeline import write_atomically

    written: list[Path] = []
    with office, tempfile.TemporaryDirectory(prefix="wenshu-pdf-") as work:
        converted = office.convert(list(docx_files), Path(work))
        failed = [str(p) for p in docx_files if p not in converted]
        for source, pdf in converted.items():
            written += write_atomically(source.parent, {f"{source.stem}.pdf": pdf.read_bytes()})
    if failed:
        raise WenshuError([Problem(name, "LibreOffice 未能把它转换为 PDF") for name in failed])
    return written
