"""LibreOffice (headless) turns .docx into PDF; poppler reads the PDF back.

One :class:`LibreOffice` owns private user profiles and sends every file of a batch
through ``soffice --convert-to pdf`` runs of many files each, so starting the office suite
(about a second) is paid once per batch, not once per file; the profiles are kept for the
object's life, so later batches skip creating them. A batch large enough is split between
several LibreOffice processes, one per core, each with its own profile (LibreOffice converts
on one thread). Private profiles also keep wenshu clear of a LibreOffice the user has open.

LibreOffice renders offline: it is given a copy of each file from which every external
resource it could fetch (linked images, attached templates, linked OLE objects, frames,
sub-documents, INCLUDEPICTURE/INCLUDETEXT/LINK fields; an .odt's XForms models and references
outside it; a web page's links, pictures, style sheets and frames — a page or a flat
OpenDocument file saved as .doc is known by its content) has been removed, and its profile
forbids updating links and loading from untrusted referers and sends every network address
to a proxy that is not there (for what no copy can rewrite: a binary .doc or .wps converted
for import). Its process group is ended after
each run, on a timeout too, and its temporary files go with the run's own folder. Should wenshu
itself be killed outright, a watchdog (:mod:`wenshu.office.watchdog`) kills the group and
removes the profiles and folders in its place.

The PDF is measured with ``pdftotext -bbox-layout`` (text with positions), ``pdffonts``
(the fonts actually embedded) and drawn with ``pdftoppm``.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import html
import html.parser
import io
import os
import posixpath
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import urllib.parse
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any

from lxml import etree

from wenshu import layout as L
from wenshu.errors import Problem, WenshuError
from wenshu.office.breaks import for_libreoffice
from wenshu.office.watchdog import Watchdog
from wenshu.safezip import DOCX_MAX_MEMBER_BYTES, DOCX_MAX_TOTAL_BYTES, open_package, read_input

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
# wenshu's stand-ins for the licensed fonts (fontconfig rules), and the system configuration
# that a FONTCONFIG_FILE of wenshu's own must include first to keep every other font.
FONTS_CONF = Path(__file__).with_name("fonts.conf")
_SYSTEM_FONTS_CONF = "/etc/fonts/fonts.conf"
# The typefaces documents name, as the stand-in report lists them.
OFFICIAL_FONTS = (L.FONT_BODY, L.FONT_TITLE, L.FONT_HEADING_1, L.FONT_HEADING_2, L.FONT_PAGE_NUMBER)
# Starting LibreOffice takes a few seconds on a slow machine; each page a fraction of one.
START_SECONDS = 120
SECONDS_PER_FILE = 30
# LibreOffice converts on one thread: a batch is shared among up to one process per core
# (each takes ~200 MB), but only in shares of at least MIN_SHARE files, as starting one more
# process costs about as much as converting that many one-page letters.
MAX_INSTANCES = 4
MIN_SHARE = 16
# soffice given many files converts the first ~245 and exits normally, silently skipping the
# rest (measured with LibreOffice 7.4.7 only, loaded or not: 300 files gave 243 PDFs, and 247
# for 300 copies of one letter; others report ~247 arguments): a share is sent in runs of at
# most this many files.
MAX_FILES_PER_RUN = 200

# The profile LibreOffice starts with (registrymodifications.xcu): never update links (Writer
# Content/Update/Link 0 = never; the default 2 asks, which headless means yes for some
# kinds), and refuse to load anything a document refers to from a place not trusted
# (Security/Scripting/BlockUntrustedRefererLinks; no place is trusted in a fresh profile).
# Neither stops everything: LibreOffice 7.4 still loads an .odt's XForms instance and probes
# (OPTIONS, HEAD) a picture a .doc links by an INCLUDEPICTURE field. So every address on the
# network also goes through a proxy that is not there — 127.0.0.1 port 9 (discard), excepting
# no host — and fails before a byte leaves the machine.
_NO_PROXY_PORT = 9
# The programs LibreOffice 7.4 runs on an EPS picture's PostScript (filter/…/ieps): pstoedit,
# Ghostscript (as gs, or gswin32c/gswin64c on Windows) and ImageMagick's convert (see
# _stand_in_tools); magick is ImageMagick 7's name for convert.
_EPS_TOOLS = ("gs", "gswin32c", "gswin64c", "pstoedit", "convert", "magick")
_PROFILE_ITEMS = (
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "0"),
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "0"),
    ("/org.openoffice.Inet/Settings", "ooInetProxyType", "2"),  # 2 = manual
    *(
        ("/org.openoffice.Inet/Settings", f"ooInet{scheme}Proxy{key}", value)
        for scheme in ("HTTP", "HTTPS", "FTP")
        for key, value in (("Name", "127.0.0.1"), ("Port", str(_NO_PROXY_PORT)))
    ),
    ("/org.openoffice.Inet/Settings", "ooInetNoProxy", ""),
)
PROFILE_SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">\n'
    + "".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>\n"
        for path, name, value in _PROFILE_ITEMS
    )
    + "</oor:items>\n"
)


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


def write_fontconfig(folder: Path) -> Path:
    """A fontconfig file in ``folder``: the system's configuration, then wenshu's stand-ins.

    Only wenshu's own LibreOffice runs and font look-ups use it (through FONTCONFIG_FILE in
    their environment); the user's desktop is untouched. A FONTCONFIG_FILE the user set is
    included in place of the system file.
    """
    base = os.environ.get("FONTCONFIG_FILE") or _SYSTEM_FONTS_CONF
    path = folder / "wenshu-fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{html.escape(base, quote=False)}</include>\n'
        f"  <include>{html.escape(str(FONTS_CONF), quote=False)}</include>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return path


@cache
def _fontconfig_dir() -> tempfile.TemporaryDirectory[str]:
    """A folder holding the fontconfig file for font look-ups outside a LibreOffice run
    (kept, and removed, with the process)."""
    folder = tempfile.TemporaryDirectory(prefix="wenshu-fc-")
    write_fontconfig(Path(folder.name))
    return folder


def fontconfig_env() -> dict[str, str]:
    """The environment for a program that should see wenshu's font stand-ins."""
    return {**os.environ, "FONTCONFIG_FILE": str(Path(_fontconfig_dir().name) / "wenshu-fonts.conf")}


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class LibreOffice:
    """Headless LibreOffice with profiles of its own; use as a context manager.

    ``instances`` caps how many LibreOffice processes one :meth:`convert` runs side by
    side (default: one per core, at most :data:`MAX_INSTANCES`); each has its own profile,
    made when first needed and kept until the ``with`` block ends.

    ``failed`` maps each source of the last :meth:`convert` that gave no PDF for a known
    reason (damaged, timed out) to that reason, in Chinese.
    """

    def __init__(self, binary: str | None = None, *, instances: int | None = None):
        self.binary = binary or find_soffice()
        self.instances = max(1, instances if instances is not None else min(usable_cores(), MAX_INSTANCES))
        self._profiles: list[Path] | None = None
        self._running: set[subprocess.Popen[bytes]] = set()  # LibreOffice processes now converting
        self._folders: set[Path] = set()  # temporary folders in use (removed by a run's watchdog too)
        self._lock = threading.Lock()
        self.failed: dict[Path, str] = {}

    def __enter__(self) -> LibreOffice:
        self._profiles = []
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for profile in self._profiles or ():
            shutil.rmtree(profile, ignore_errors=True)
        self._profiles = None

    def _profile(self, i: int) -> Path:
        """The ``i``-th profile, made on first use."""
        assert self._profiles is not None
        while len(self._profiles) <= i:
            profile = Path(tempfile.mkdtemp(prefix="wenshu-lo-profile-"))
            user = profile / "user"
            user.mkdir()
            (user / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
            self._profiles.append(profile)
        return self._profiles[i]

    @contextlib.contextmanager
    def _work(self, prefix: str) -> Iterator[Path]:
        """A temporary folder for the ``with`` block, known to the watchdog of each run meanwhile."""
        with tempfile.TemporaryDirectory(prefix=prefix) as work:
            self._folders.add(Path(work))
            try:
                yield Path(work)
            finally:
                self._folders.discard(Path(work))

    def convert(self, sources: Sequence[Path], out_dir: Path) -> dict[Path, Path]:
        """Convert every .docx in ``sources`` to PDF in ``out_dir``, offline, in one LibreOffice
        run, or in runs side by side for a batch large enough (see :data:`MIN_SHARE`), each of
        at most :data:`MAX_FILES_PER_RUN` files (see :meth:`_convert_share`).

        Returns source → PDF for the files that converted; a file LibreOffice could not
        open is simply absent (soffice itself reports success either way), and one that is
        refused or hangs is named in :attr:`failed` with the reason.
        """
        if self._profiles is None:
            raise RuntimeError("LibreOffice 须在 with 语句中使用")
        self.failed = {}
        if not sources:
            return {}
        out_dir.mkdir(parents=True, exist_ok=True)
        with self._work("wenshu-lo-") as work:
            # Numbered offline copies: two inputs may share a name, odd names stay out of argv,
            # and nothing the document links to is fetched; a cited 发文字号 may break after
            # its “〕”, and a line-end mark hangs printed, in the copy only (wenshu.office.breaks).
            staged: dict[Path, Path] = {}
            for i, source in enumerate(sources):
                target = work / f"{i:05d}.docx"
                try:
                    copy = offline_copy(read_input(source, str(source)), str(source))
                    target.write_bytes(for_libreoffice(copy))
                except WenshuError as exc:
                    self.failed[source] = "；".join(p.message for p in exc.problems)
                    continue
                staged[source] = target
            shares = _shares(list(staged), min(self.instances, len(staged) // MIN_SHARE) or 1)
            profiles = [self._profile(i) for i in range(len(shares))]
            if len(shares) == 1:
                self._convert_share(shares[0], staged, profiles[0], work)
            else:
                # Each share in a LibreOffice of its own; the threads only wait for them.
                with ThreadPoolExecutor(len(shares)) as pool:
                    self._results(
                        [
                            pool.submit(self._convert_share, share, staged, profile, work)
                            for share, profile in zip(shares, profiles, strict=True)
                        ]
                    )
            done: dict[Path, Path] = {}
            for source, target in staged.items():
                if source not in self.failed and _has_pdf(target):
                    done[source] = _move_pdf(target.with_suffix(".pdf"), out_dir, source, done, target.stem)
            return done

    def convert_letters(self, sources: Sequence[Path], out_dir: Path) -> dict[Path, Path]:
        """:meth:`convert` for one-page letters of one batch (one frame), many times faster.

        LibreOffice spends ~0.2 s opening and exporting each document however short, and
        ~10 ms on each further page of one document. So the letters are merged into one
        document per LibreOffice (:func:`wenshu.render.merge.merge_docx`: each letter a
        section group from a new page, numbered from 1, with its own headers, printing as it
        does alone), made offline (:func:`offline_copy`) and given its break hints and hung
        punctuation (:mod:`wenshu.office.breaks`), converted once, and cut into pages with
        ``pdfseparate``. Only when that PDF has exactly one page per letter — every letter
        starts a page, so then each took one — do its pages stand for the letters; a share
        that cannot be merged, or has a letter running over a page, is converted file by
        file with :meth:`convert`.
        """
        if self._profiles is None:
            raise RuntimeError("LibreOffice 须在 with 语句中使用")
        from wenshu.render.merge import merge_docx  # only a batch's PDFs need the merger

        self.failed = {}
        copies: dict[Path, bytes] = {}
        for source in sources:
            try:
                data = read_input(source, str(source))
                # Judged as any package is before it is read; made offline once merged.
                open_package(
                    data, str(source), max_member=DOCX_MAX_MEMBER_BYTES, max_total=DOCX_MAX_TOTAL_BYTES
                ).close()
            except WenshuError as exc:
                self.failed[source] = "；".join(p.message for p in exc.problems)
                continue
            copies[source] = data
        failed = dict(self.failed)
        shares = _shares(list(copies), min(self.instances, len(copies) // MIN_SHARE) or 1) if copies else []
        profiles = [self._profile(i) for i in range(len(shares))]
        out_dir.mkdir(parents=True, exist_ok=True)
        done: dict[Path, Path] = {}
        left: list[Path] = []
        with self._work("wenshu-lo-") as work:

            def one(i: int) -> list[Path] | None:
                """The PDF pages of share ``i``, in order (None: convert it file by file)."""
                folder = work / f"{i}"
                folder.mkdir()
                merged = folder / "letters.docx"
                pdf = merged.with_suffix(".pdf")
                try:
                    copy = offline_copy(merge_docx([copies[s] for s in shares[i]]), "letters")
                    merged.write_bytes(for_libreoffice(copy))
                    self._run([merged], folder, profiles[i], pages=len(shares[i]))
                    if not _has_pdf(merged) or page_count(pdf) != len(shares[i]):
                        return None
                    cut = subprocess.run(
                        [find_poppler("pdfseparate"), str(pdf), str(folder / "page-%d.pdf")],
                        capture_output=True,
                        timeout=SECONDS_PER_FILE * len(shares[i]),
                        check=False,
                    )
                except (WenshuError, _Timeout, subprocess.TimeoutExpired):
                    return None  # (no poppler, say: file by file needs none)
                pages = [folder / f"page-{n}.pdf" for n in range(1, len(shares[i]) + 1)]
                return pages if cut.returncode == 0 and all(p.is_file() for p in pages) else None

            with ThreadPoolExecutor(len(shares) or 1) as pool:
                outcomes = self._results([pool.submit(one, i) for i in range(len(shares))])
            for share, pages in zip(shares, outcomes, strict=True):
                if pages is None:
                    left += share
                    continue
                for source, page in zip(share, pages, strict=True):
                    done[source] = _move_pdf(page, out_dir, source, done, page.stem)
            if left:
                for source, pdf in self.convert(left, work / "left").items():
                    done[source] = _move_pdf(pdf, out_dir, source, done, f"{len(done):05d}")
                failed.update(self.failed)
        self.failed = failed
        return {source: done[source] for source in sources if source in done}

    def _results(self, runs: list[Future[Any]]) -> list[Any]:
        """The results of LibreOffice runs going on side by side, in order. Interrupted, or
        one run failing to start, the others are ended at once rather than waited for (each
        ends its own group again as it returns)."""
        try:
            return [run.result() for run in runs]
        except BaseException:
            with self._lock:
                for process in self._running:
                    _kill_group(process)
            raise

    def _convert_share(self, share: list[Path], staged: dict[Path, Path], profile: Path, work: Path) -> None:
        """Convert the staged copies of ``share`` in LibreOffice runs with ``profile``, at most
        :data:`MAX_FILES_PER_RUN` files a run.

        LibreOffice converts the files in order and goes on past one it cannot open, so a
        file without a PDF before the last PDF made is one it could not open (left absent),
        while those after it were never reached: the run hung (the first of them is given up
        as timed out) or ended early — it crashed, or skipped the rest — and they go to a
        fresh LibreOffice. The first of them is given up when it was first unreached twice
        (it may be what crashes LibreOffice), and the rest of the share when two files in a
        row were given up so with no PDF made in between (LibreOffice converts nothing).
        """
        pending = share
        strikes: dict[Path, int] = {}
        idle = 0  # runs in a row that made no PDF
        while pending:
            run, pending = pending[:MAX_FILES_PER_RUN], pending[MAX_FILES_PER_RUN:]
            timeout = None
            try:
                self._run([staged[s] for s in run], work, profile)
            except _Timeout as exc:
                timeout = exc
            made = [i for i, s in enumerate(run) if _has_pdf(staged[s])]
            unreached = run[made[-1] + 1 :] if made else run
            if not unreached:
                idle = 0
                continue
            first = unreached[0]
            if timeout is not None:
                self.failed[first] = f"LibreOffice 排版超时（超过 {timeout.seconds} 秒），已放弃"
                pending = unreached[1:] + pending
                continue
            strikes[first] = strikes.get(first, 0) + 1
            idle = 0 if made else idle + 1
            if idle >= 4:
                return
            pending = (unreached[1:] if strikes[first] >= 2 else unreached) + pending

    @contextlib.contextmanager
    def converted(self, documents: dict[str, bytes]) -> Iterator[dict[str, Path]]:
        """Lay out ``{name: docx bytes}`` in one run; yields ``{name: PDF file}`` for those
        that converted, the files removed afterwards."""
        with self._work("wenshu-pdf-") as work:
            paths = {}
            for i, (name, data) in enumerate(documents.items()):
                path = work / f"{i:05d}.docx"
                path.write_bytes(data)
                paths[path] = name
            converted = self.convert(list(paths), work / "pdf")
            yield {paths[src]: pdf for src, pdf in converted.items()}

    def convert_bytes(self, documents: dict[str, bytes]) -> dict[str, bytes]:
        """``{name: docx bytes}`` → ``{name: pdf bytes}`` for those that converted."""
        with self.converted(documents) as pdfs:
            return {name: pdf.read_bytes() for name, pdf in pdfs.items()}

    def convert_to_docx(self, source: Path) -> bytes:
        """``source`` (.doc, .wps, .odt, .rtf) as .docx bytes, converted offline by this
        LibreOffice: a zip, an RTF file or a web page is first made offline
        (:func:`offline_package`, :func:`offline_rtf`, :func:`offline_html`); what cannot be
        rewritten (a binary .doc or .wps) is left to the profile, which updates no link, loads
        nothing from an untrusted place and reaches no address (see :data:`_PROFILE_ITEMS`).

        The result is a package like any other: its reader bounds it (:mod:`wenshu.safezip`).
        """
        if self._profiles is None:
            raise RuntimeError("LibreOffice 须在 with 语句中使用")
        data, suffix = read_input(source, str(source)), source.suffix.lower()
        if data.startswith(b"PK"):  # a zip (.odt, or a .docx by another name) is made offline
            data, suffix = offline_package(data, str(source))
        elif data[:64].lstrip().startswith(b"{\\rtf"):  # LibreOffice reads an RTF whatever it is called
            _refuse_deep_rtf(data, str(source))
            data, suffix = offline_rtf(data), ".rtf"
        elif is_html(data):  # a web page saved as .doc: LibreOffice goes by the content
            data = offline_html(data, str(source))
        elif is_xml(data):  # a flat OpenDocument (or Word 2003 XML) file: the same, in one file
            data = offline_xml(data, str(source))
        elif _holds_svg(data):  # a binary .doc or .wps, which cannot be rewritten
            raise WenshuError(Problem(str(source), _SVG_IN_BINARY))
        elif _EPS_TAG.search(data):
            raise WenshuError(Problem(str(source), _EPS_IN_BINARY))
        else:
            data = offline_binary_fields(data)
        with self._work("wenshu-lo-in-") as work:
            staged = work / f"input{suffix}"  # no odd names in argv
            staged.write_bytes(data)
            try:
                self._run([staged], work, self._profile(0), target="docx:MS Word 2007 XML")
            except _Timeout as exc:
                raise WenshuError(
                    Problem(str(source), f"LibreOffice 转换超时（超过 {exc.seconds} 秒），已放弃")
                ) from None
            result = staged.with_suffix(".docx")
            if not result.is_file():
                raise WenshuError(
                    Problem(str(source), "LibreOffice 无法打开这个文件，可能已损坏或不是 Word 文件")
                )
            return read_input(result, str(source))

    def _run(
        self,
        files: list[Path],
        out_dir: Path,
        profile: Path,
        *,
        pages: int = 0,
        target: str = "pdf:writer_pdf_Export",
    ) -> None:
        """Convert ``files`` (holding ``pages`` pages in all, if known) to ``target`` in one LibreOffice."""
        command = [
            self.binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            *(str(f) for f in files),
        ]
        timeout = START_SECONDS + SECONDS_PER_FILE * max(len(files), pages)
        # LibreOffice's own temporary files (lu*.tmp) go to a folder removed with the run.
        scratch = Path(tempfile.mkdtemp(prefix="wenshu-lo-tmp-"))
        env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
        env["PATH"] = os.pathsep.join((str(_stand_in_tools(scratch)), env.get("PATH", os.defpath)))
        # The licensed fonts are rarely installed: without the stand-ins every typeface
        # falls back to one sans face and title, headings and body look alike.
        env["FONTCONFIG_FILE"] = str(write_fontconfig(profile))
        try:
            # A session of its own: soffice starts soffice.bin, and only the group ends both.
            process = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
                cwd=out_dir,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            raise WenshuError(
                Problem("LibreOffice", f"无法启动 {self.binary}：{exc.strerror or exc}")
            ) from None
        # wenshu killed outright (SIGKILL, a second Ctrl-C during this clean-up) ends no group:
        # the watchdog then kills it and removes what this object keeps in temporary folders.
        folders = [scratch, *(self._profiles or ()), *self._folders]
        watchdog = Watchdog(
            f"kill -9 -{process.pid} 2>/dev/null; rm -rf -- {' '.join(shlex.quote(str(f)) for f in folders)}"
        )
        self._running.add(process)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise _Timeout(timeout) from None
        finally:
            with self._lock:  # never killed by convert() once reaped (its pid may be reused)
                _kill_group(process)
                self._running.discard(process)
            watchdog.dismiss()  # as soon as the group is ended: its id may be reused after
            process.wait()
            shutil.rmtree(scratch, ignore_errors=True)


def _stand_in_tools(folder: Path) -> Path:
    """A folder in ``folder`` of programs that do nothing, named as those LibreOffice runs
    to draw an EPS picture (PostScript, a program in its own right): Ghostscript, pstoedit,
    ImageMagick. It looks them up on PATH while loading a document, and a document's EPS
    picture is anyone's code; found first, these stand-ins make it draw the picture's
    preview (or an empty frame) instead: a render measures the page, not the picture.
    The copies LibreOffice is given hold no EPS picture it would know (:data:`_EPS_TAG`), on
    every system; these shell scripts are a second guard where they run (not on Windows)."""
    tools = folder / "no-tools"
    tools.mkdir()
    for name in _EPS_TOOLS:
        stub = tools / name
        stub.write_text("#!/bin/sh\nexit 1\n", encoding="ascii")
        stub.chmod(0o700)
    return tools


def _move_pdf(pdf: Path, out_dir: Path, source: Path, done: dict[Path, Path], tag: str) -> Path:
    """Move ``pdf`` to ``out_dir`` as ``<source's stem>.pdf``, or ``<tag>-<stem>.pdf`` when an
    earlier source of the same name (in ``done``) has that name."""
    final = out_dir / f"{source.stem}.pdf"
    if final in done.values():
        final = out_dir / f"{tag}-{source.stem}.pdf"
    shutil.move(pdf, final)
    return final


def page_count(pdf: Path) -> int | None:
    """The number of pages of ``pdf`` (``pdfinfo``), or None when it cannot be read."""
    info = subprocess.run([find_poppler("pdfinfo"), str(pdf)], capture_output=True, timeout=120, check=False)
    for line in info.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[-1])
    return None


def _shares(files: list[Path], n: int) -> list[list[Path]]:
    """``files`` in ``n`` runs of consecutive files, as equal in number as can be."""
    size, extra = divmod(len(files), n)
    starts = [i * size + min(i, extra) for i in range(n + 1)]
    return [files[starts[i] : starts[i + 1]] for i in range(n)]


class _Timeout(Exception):
    """LibreOffice did not finish within ``seconds``."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def _has_pdf(docx: Path) -> bool:
    pdf = docx.with_suffix(".pdf")
    return pdf.is_file() and pdf.stat().st_size > 0


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and everything it started (its session's process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is already gone


# ---------------------------------------------------------------------------------------
# The offline copy
# ---------------------------------------------------------------------------------------

_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Relationship types an external target may keep: a hyperlink is only followed on a click.
_KEEP_EXTERNAL = ("/hyperlink",)
# The elements that name a hyperlink's relationship (WordprocessingML, DrawingML); an external
# hyperlink's id used anywhere else loads what it names.
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_HYPERLINKS = frozenset(
    (f"{{{_W}}}hyperlink", f"{{{_A}}}hlinkClick", f"{{{_A}}}hlinkHover", f"{{{_A}}}hlinkMouseOver")
)
# The namespaces of attributes naming a relationship by its id (transitional and strict OOXML).
_RELATIONSHIP_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
# Fields whose instruction makes Word or LibreOffice load another file or address (ECMA-376
# §17.16.5): INCLUDEPICTURE, INCLUDETEXT, LINK, IMPORT (an old INCLUDEPICTURE), DDE, DDEAUTO.
_FETCHING_FIELDS = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|IMPORT|DDE|DDEAUTO)\b", re.IGNORECASE)
# Attributes that name a place to fetch from by themselves, without a relationship: VML's
# src and o:href/o:althref (v:imagedata, v:fill, v:stroke …). Emptied when they hold a URL of
# a scheme LibreOffice can load, a UNC path or a drive path. Other attributes hold URIs that
# only name things (a:graphicData/@uri names the picture schema) and stay.
_FETCHING_ATTRIBUTES = ("src", "href", "althref")
_FETCHABLE = re.compile(
    r"^\s*((https?|ftps?|sftp|file|smb|davs?|webdav|vnd\.sun\.star\.[a-z.]+|macro|private):|\\\\|//|[a-z]:[\\/])",
    re.IGNORECASE,
)
_INERT_FIELD = 'QUOTE ""'
# Letters merged for printing (wenshu batch --merge) carry a header part (and its relationships)
# per letter: far more parts than a document a user hands to the checker (which has checked
# those against safezip.MAX_MEMBERS before rendering).
_MAX_PARTS = 100_000
# SVG pictures (see _is_svg): how far LibreOffice looks for the svg element, gzip's signature,
# and the attributes naming what to load (xlink:href, href, src, xml:base).
_SVG_SNIFF_BYTES = 2048
_GZIP = b"\x1f\x8b"
_SVG_REFERENCES = frozenset(("href", "src", "base"))
_SVG_TAG = re.compile(rb"<svg", re.IGNORECASE)
# EPS pictures (PostScript, a program in its own right): LibreOffice hands one to Ghostscript,
# pstoedit or ImageMagick found on PATH to draw it (see _EPS_TOOLS). It knows one by the DOS
# EPS signature (C5 D0 D3 C6) or "%!PS-Adobe" at its start; a part with either, or "%!PS"
# anywhere in its first bytes, is replaced in the copy by a blank picture of the same size on
# the page (every system, where the stand-ins of _stand_in_tools work only where a shell
# script runs), and a binary file holding one anywhere is refused.
_EPS_TAG = re.compile(rb"%!PS|\xc5\xd0\xd3\xc6")
# An embedded object's document (a zip: .docx, .xlsx, .odt …; an OLE storage: .bin, .doc):
# LibreOffice opens it to lay it out, with whatever it links or holds (an SVG picture reading
# a local file). The page shows the object by its picture (v:imagedata, an EMF), which stays.
_EMBEDDED = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
# Where a gzip stream (1f 8b, deflate) or a zlib stream (78 01/5e/9c/da) may begin, and how
# many of them a binary file is looked into (a 20 MB file of random bytes has ~1,300).
_PACKED = re.compile(rb"\x1f\x8b\x08|\x78[\x01\x5e\x9c\xda]")
_MAX_PACKED_TRIES = 100_000
_SVG_IN_BINARY = (
    "文件中有 SVG 图片（旧版 .doc、.wps 文件本不会有）：LibreOffice 打开时会读取它所指的本机文件，"
    "已拒绝；请在 Word 或 WPS 中另存为 .docx 后再导入"
)
_EPS_IN_BINARY = (
    "文件中有 EPS（PostScript）图片：LibreOffice 打开时会把它交给 Ghostscript 等程序运行，"
    "已拒绝；请在 Word 或 WPS 中另存为 .docx 后再导入"
)
# A transparent 1×1 PNG: what an SVG that cannot be made safe is replaced by.
_BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b4944415478da636000020000050001e9fadcd80000000049454e44ae426082"
)
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def offline_copy(data: bytes, label: str) -> bytes:
    """``data`` (a .docx) with nothing left that would make LibreOffice fetch a resource.

    External relationships other than hyperlinks are removed (linked pictures, attached
    templates, linked OLE objects, frames, sub-documents, mail-merge sources), and so is a
    hyperlink's that something other than a hyperlink uses (LibreOffice loads a picture by
    the id, whatever the type says); fetching fields are turned into plain text fields, and
    attribute values naming a URL or a path are emptied. An SVG picture's references are
    emptied (:func:`_offline_svg`), and an embedded object's document is emptied (its picture
    shows it); no embedded font is named (:data:`_EMBEDDED_FONTS`). What prints is unchanged
    except where the document would have fetched or used a font of its own.
    """
    package = open_package(
        data, label, max_member=DOCX_MAX_MEMBER_BYTES, max_total=DOCX_MAX_TOTAL_BYTES, max_members=_MAX_PARTS
    )
    out = io.BytesIO()
    # the relationship ids each part names outside hyperlinks: those it loads
    used: dict[str, set[str]] = {}
    names = package.namelist()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        # the parts before their relationships, which are judged by what the parts use
        for name in [n for n in names if not n.endswith(".rels")] + [n for n in names if n.endswith(".rels")]:
            content = package.read(name)
            if name.endswith(".rels"):
                content = _without_external(content, label, name, used.get(_rels_source(name)))
                zout.writestr(name, content)
                continue
            if content.startswith(_EMBEDDED):
                content = b""  # an embedded document: drawn by its picture, never opened
            elif not (name.startswith("word/") and name.endswith(".xml")):
                offline = _offline_picture(content)  # an SVG's references emptied, an EPS blank
                content = content if offline is None else offline
            # Every part named .xml, in whatever encoding (LibreOffice reads UTF-16 or -32 without
            # a byte-order mark too); by content besides: a relationship may name any part as
            # the document, and an SVG picture made offline may still be taken for one.
            if name.endswith(".xml"):
                used[name] = set()
                content = _without_fetching(content, label, name, used[name])
            elif _looks_xml(content):
                used[name] = set()
                try:
                    content = _without_fetching(content, label, name, used[name])
                except WenshuError:
                    # Not XML read safely: an HTML part a w:altChunk brings in (afchunk.htm,
                    # which may load pictures), or anything else that only starts with "<".
                    # Blanked as an embedded document is: the file is laid out without it.
                    content = b""
            zout.writestr(name, content)
    package.close()
    return out.getvalue()


def _offline_picture(content: bytes) -> bytes | None:
    """What an SVG picture (its references emptied) or an EPS picture (a blank one) becomes in
    the offline copy; None for anything else, which is copied as it is."""
    if _is_svg(content):
        return _offline_svg(content)
    if _is_eps(content):
        return _BLANK_PNG
    return None


def _is_eps(content: bytes) -> bool:
    """Whether LibreOffice could take the part ``content`` for an EPS picture (see :data:`_EPS_TAG`)."""
    return _EPS_TAG.search(content, 0, _SVG_SNIFF_BYTES) is not None


def _is_svg(content: bytes) -> bool:
    """Whether LibreOffice takes the part ``content`` for an SVG picture, as its format
    detection does (vcl's GraphicFormatDetector): ``<svg`` in the first 2 KB, or a DOCTYPE
    naming svg in the first 256 bytes, gzip-compressed (.svgz) or not; whatever the part's
    name, type or first bytes (its detection tries other formats first, and goes on when
    they do not match)."""
    head = _gunzipped(content, _SVG_SNIFF_BYTES) if content.startswith(_GZIP) else content[:_SVG_SNIFF_BYTES]
    if head is None:
        return False
    head = head.lower()
    return b"<svg" in head or (b"doctype" in head[:256] and b"svg" in head[:256])


def _holds_svg(data: bytes) -> bool:
    """Whether the binary file ``data`` (a .doc, .wps) holds a picture LibreOffice would take
    for an SVG: ``<svg`` anywhere (a picture is stored as it is), or a gzip or zlib stream
    (an .svgz, a packed metafile) that unpacks to one. Word and WPS never write SVG into
    these formats (Word saving as .doc turns an SVG into a PNG), so only a made-up file does."""
    if _SVG_TAG.search(data):
        return True
    view = memoryview(data)
    for tries, found in enumerate(_PACKED.finditer(data)):
        if tries >= _MAX_PACKED_TRIES:
            return True  # more packed streams than any real document: not judged, not opened
        start = found.start()
        wbits = 16 + zlib.MAX_WBITS if data[start] == 0x1F else zlib.MAX_WBITS
        try:
            head = zlib.decompressobj(wbits).decompress(view[start : start + 65536], _SVG_SNIFF_BYTES)
        except zlib.error:
            continue
        if _SVG_TAG.search(head):
            return True
    return False


def _gunzipped(content: bytes, limit: int) -> bytes | None:
    """At most ``limit`` bytes of the gzip stream ``content`` unpacked, or None when it is
    not one (a gzip bomb unpacks no further than ``limit``)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(content, limit)
    except zlib.error:
        return None


def _offline_svg(content: bytes) -> bytes:
    """The SVG picture ``content`` without what LibreOffice would load with it: it reads the
    ``file:`` URL an ``<image>`` names (a local picture drawn onto the page, or a file probed).
    Every reference but one inside the picture (``#id``) or carrying its data (``data:``)
    is emptied; an SVG that cannot be read safely (a DTD, entities, broken XML, packed past
    the part's limit) becomes a transparent pixel, laid out at the size the document gives
    the picture: the render measures the page, not the picture."""
    text = _gunzipped(content, DOCX_MAX_MEMBER_BYTES + 1) if content.startswith(_GZIP) else content
    if text is None or len(text) > DOCX_MAX_MEMBER_BYTES or b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        return _BLANK_PNG
    try:
        root = etree.fromstring(text, _SAFE_XML)
    except (etree.XMLSyntaxError, ValueError):
        return _BLANK_PNG
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for key, value in el.attrib.items():
            inside = value.strip().lower().startswith(("#", "data:"))
            if key.rpartition("}")[2] in _SVG_REFERENCES and not inside:
                el.set(key, "")
    return _xml_bytes(root)


# The encodings an XML parser tells from a document's first bytes (XML 1.0 appendix F), with
# or without a byte-order mark; and the first bytes of "<?xm" in the others libxml2 knows
# (UCS-4 in the unusual byte orders 2143 and 3412, EBCDIC).
_XML_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_XML_ODD_STARTS = (b"\x00\x00<\x00", b"\x00<\x00\x00", b"\x4c\x6f\xa7\x94")


def _looks_xml(content: bytes) -> bool:
    """Whether a part may be XML LibreOffice reads: whatever its name (a relationship may name
    ``main/body.bin`` as the document), text starting with ``<`` after a byte-order mark and
    white space, in any encoding told from the first bytes (UTF-16BE without a mark starts
    ``\\x00<``)."""
    head = content[:256]
    if head.startswith(_XML_ODD_STARTS):
        return True
    for encoding in _XML_ENCODINGS:
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if text.lstrip("\ufeff \t\r\n")[:1] == "<":
            return True
    return False


def _rels_source(rels: str) -> str:
    """The part whose relationships the part ``rels`` holds (``word/_rels/document.xml.rels``
    → ``word/document.xml``; ``_rels/.rels`` → the package, ``""``)."""
    folder, base = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), base.removesuffix(".rels"))


def _parse(content: bytes, label: str, name: str, undone: str = "未排版") -> Any:
    """The XML part ``name`` parsed without DTD or entities, or an error saying it was ``undone``."""
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise WenshuError(Problem(label, f"文件中的 {name} 部分含有 DTD 或实体声明，{undone}"))
    try:
        return etree.fromstring(content, _SAFE_XML)
    except (etree.XMLSyntaxError, ValueError):
        raise WenshuError(Problem(label, f"文件中的 {name} 部分已损坏，{undone}")) from None


def _xml_bytes(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _without_external(content: bytes, label: str, name: str, used: set[str] | None) -> bytes:
    """The relationships part ``content`` without the external targets LibreOffice would
    load; ``used`` holds the ids its part names outside hyperlinks (None: not read, so no
    external target of it is kept)."""
    root = _parse(content, label, name)
    changed = False
    for rel in list(root.iter(f"{{{_PKG_RELS}}}Relationship")):
        # LibreOffice trims the mode: " External" is external to it
        external = (rel.get("TargetMode") or "").strip().lower() == "external"
        hyperlink = (rel.get("Type") or "").endswith(_KEEP_EXTERNAL)
        if external and not (hyperlink and used is not None and rel.get("Id") not in used):
            rel.getparent().remove(rel)
            changed = True
    return _xml_bytes(root) if changed else content


def _without_fetching(content: bytes, label: str, name: str, used: set[str]) -> bytes:
    """The XML part ``content`` with its fetching fields made inert and its fetching
    attributes emptied; adds to ``used`` the relationship ids it names outside hyperlinks
    (r:embed, r:link, r:id …, VML's o:relid)."""
    root = _parse(content, label, name)
    changed = _inert_fields(root)
    for font in list(root.iter(*_EMBEDDED_FONTS)):
        font.getparent().remove(font)  # its part is then no font LibreOffice knows
        changed = True
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        hyperlink = el.tag in _HYPERLINKS
        for key, value in el.attrib.items():
            namespace, _, local = key.rpartition("}")
            if local in _FETCHING_ATTRIBUTES and _FETCHABLE.match(value):
                el.set(key, "")
                changed = True
            elif not hyperlink and (namespace[1:] in _RELATIONSHIP_NS or local == "relid"):
                used.add(value)
    return _xml_bytes(root) if changed else content


# A font a .docx embeds (fontTable's w:embedRegular …, an obfuscated .odttf part) or an .odt
# does (style:font-face's svg:font-face-src naming Fonts/…): LibreOffice writes it out and
# activates it for the rest of its run (strace: user/temp/embeddedfonts/fromdocs/<name>.ttf),
# so one file's font — FreeType parsing anyone's bytes — would stand for a font of the same
# name in every file laid out after it by the same LibreOffice (``check --render a b``, ``fix
# DIR``), and measure their pages. The copies hold none: the page uses the installed font or
# its stand-in (fonts.conf), as for any file that embeds nothing.
_EMBEDDED_FONTS = tuple(f"{{{_W}}}embed{style}" for style in ("Regular", "Bold", "Italic", "BoldItalic"))
_ODF_FONT_SOURCE = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}font-face-src"


def _inert_fields(root: Any) -> bool:
    """Turn fetching fields into ``QUOTE ""``; a complex field's instruction may be split over
    several w:instrText (and runs), so it is read whole between its w:fldChar marks."""
    changed = False
    instr_attr, char_type = f"{{{_W}}}instr", f"{{{_W}}}fldCharType"
    for el in root.iter(f"{{{_W}}}fldSimple"):
        if _FETCHING_FIELDS.match(el.get(instr_attr) or ""):
            el.set(instr_attr, _INERT_FIELD)
            changed = True
    open_fields: list[list[Any]] = []  # the w:instrText of each field begun and not yet ended
    for el in root.iter(f"{{{_W}}}fldChar", f"{{{_W}}}instrText"):
        if el.tag == f"{{{_W}}}instrText":
            if open_fields:
                open_fields[-1].append(el)
            elif _FETCHING_FIELDS.match(el.text or ""):
                el.text = _INERT_FIELD
                changed = True
            continue
        kind = el.get(char_type)
        if kind == "begin":
            open_fields.append([])
        elif kind == "end" and open_fields:
            pieces = open_fields.pop()
            if pieces and _FETCHING_FIELDS.match("".join(p.text or "" for p in pieces)):
                for piece in pieces:
                    piece.text = ""
                pieces[0].text = _INERT_FIELD
                changed = True
    return changed


# OpenDocument (an .odt converted for import): LibreOffice 7.4 loads an XForms model's
# instance with the document whatever its profile says, from the network or a local file;
# and a reference (xlink:href, src) may name a file outside the package or an address.
_XFORMS = "http://www.w3.org/2002/xforms"
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
# Elements whose reference is followed only on a click: text and drawing hyperlinks.
_ODF_CLICKED = frozenset((f"{{{_ODF_TEXT}}}a", f"{{{_ODF_DRAW}}}a"))
# Attributes naming what to load: xlink:href (pictures, objects, linked sections, templates,
# event scripts …), src (an XForms instance), action (a form's or submission's address).
_ODF_REFERENCES = ("href", "src", "action")
# A DDE link (a section's office:dde-source, a field's text:dde-connection-decl, a table's
# table:dde-link): with the application "soffice", LibreOffice opens the file its topic names —
# read-write, leaving its lock file (.~lock.<name>#) beside it — and loads what that file
# links in turn; a fresh profile hung there (seen with strace). Only the profile's "never
# update links" held it: the copy empties the application, topic and item.
_ODF_DDE = ("dde-application", "dde-topic", "dde-item")
_ODF_MIMETYPE = "mimetype"


def offline_package(data: bytes, label: str) -> tuple[bytes, str]:
    """A zip handed in for conversion (an .odt, or a .docx under another name: LibreOffice
    goes by the content) made offline, with the suffix to give it: ``(copy, ".odt")`` by
    :func:`offline_odf`, or ``(copy, ".docx")`` by :func:`offline_copy`."""
    package = open_package(data, label, max_member=DOCX_MAX_MEMBER_BYTES, max_total=DOCX_MAX_TOTAL_BYTES)
    ooxml = package.has("[Content_Types].xml")
    package.close()
    return (offline_copy(data, label), ".docx") if ooxml else (offline_odf(data, label), ".odt")


def offline_odf(data: bytes, label: str) -> bytes:
    """``data`` (an OpenDocument package) with nothing left that would make LibreOffice read
    anything but the package itself: XForms models are removed, and every reference outside
    the package (an address, an absolute path, a path going up) is emptied, but a
    hyperlink's, and so is every DDE link's application and topic (:data:`_ODF_DDE`). What
    prints is unchanged except where the document would have fetched.
    """
    package = open_package(data, label, max_member=DOCX_MAX_MEMBER_BYTES, max_total=DOCX_MAX_TOTAL_BYTES)
    names = package.namelist()
    manifest = "META-INF/manifest.xml"
    if package.has(manifest) and b"encryption-data" in package.read(manifest):
        package.close()
        raise WenshuError(Problem(label, "文件已设置密码（已加密），请另存一份不加密的文件"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        # OpenDocument wants the media type first and stored, as LibreOffice wrote it
        if _ODF_MIMETYPE in names:
            zout.writestr(zipfile.ZipInfo(_ODF_MIMETYPE), package.read(_ODF_MIMETYPE), zipfile.ZIP_STORED)
        for name in names:
            if name == _ODF_MIMETYPE:
                continue
            content = package.read(name)
            if name.endswith(".xml"):
                content = _odf_offline_part(content, label, name)
            elif (offline := _offline_picture(content)) is not None:  # a picture (Pictures/…, any name)
                content = offline
            zout.writestr(name, content)
    package.close()
    return out.getvalue()


def _odf_offline_part(content: bytes, label: str, name: str) -> bytes:
    """The XML part ``content`` without XForms models, embedded fonts and references outside
    the package."""
    root = _parse(content, label, name, "未转换")
    changed = False
    for model in list(root.iter(f"{{{_XFORMS}}}model", _ODF_FONT_SOURCE)):
        model.getparent().remove(model)  # an XForms model, or an embedded font (_EMBEDDED_FONTS)
        changed = True
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in _ODF_CLICKED:
            continue
        for key, value in el.attrib.items():
            local = key.rpartition("}")[2]
            if (local in _ODF_REFERENCES and not _inside_package(value)) or (local in _ODF_DDE and value):
                el.set(key, "")
                changed = True
        if el.tag.rpartition("}")[2] in _BASE64_PICTURES and el.text:
            changed |= _offline_base64_picture(el)
    return _xml_bytes(root) if changed else content


def _offline_base64_picture(el: Any) -> bool:
    """Make the picture held in base64 by ``el`` (a flat OpenDocument file's
    office:binary-data, a Word 2003 XML file's w:binData) offline if it is an SVG or an EPS
    (made blank); whether it was."""
    try:
        picture = base64.b64decode(el.text, validate=False)
    except ValueError:
        return False
    offline = _offline_picture(picture)
    if offline is None:
        return False
    el.text = base64.b64encode(offline).decode()
    return True


# Elements holding a picture in base64 in a flat OpenDocument file and a Word 2003 XML file.
_BASE64_PICTURES = frozenset(("binary-data", "binData"))
# A Word 2003 XML file names the pictures it holds (w:binData) "wordml://…": inside the file.
_WORDML = "wordml://"


def _inside_package(reference: str) -> bool:
    """Whether ``reference`` names a part of the package it is in ("Pictures/1.png",
    "./Object 1", a "#bookmark", a Word 2003 XML file's "wordml://" picture): a relative path,
    percent-decoded, that never goes up."""
    path = urllib.parse.unquote(reference).strip()
    if not path or path.startswith("#") or path.lower().startswith(_WORDML):
        return True
    return not (":" in path or "\\" in path or path.startswith("/") or ".." in path.split("/"))


# RTF: LibreOffice reads the picture an INCLUDEPICTURE field names from the local disk while
# importing, whatever its profile says, and embeds it. A field's instruction is the text of its
# {\*\fldinst …} group, which may be spelled with escapes (\'49 is "I", \u73 too).
_RTF_TOKEN = re.compile(
    rb"\\'([0-9a-fA-F]{2})|\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\(.)|([{}])|([^\\{}]+)", re.DOTALL
)
_INERT_RTF_FIELD = b'{\\*\\fldinst QUOTE ""}'
_NOT_HEX = re.compile(rb"[^0-9a-fA-F]")


# A binary .doc or .wps keeps a field's instruction in its text, after the field's begin mark
# (0x13) and before its separator or end (0x14, 0x15), in UTF-16LE or in 8-bit text. Under
# wenshu's profile LibreOffice reads no file an INCLUDEPICTURE names, but still asks after it
# (strace: access and stat of the path; of "/share/x.png" for file://127.0.0.1/share/x.png):
# on Windows, asking after \\server\share\x.png opens a connection to that server and offers
# the user's credentials (NTLM). The instruction of every fetching field is blanked in place.
_BINARY_FIELD_WORDS = (b"INCLUDEPICTURE", b"INCLUDETEXT", b"DDEAUTO", b"IMPORT", b"LINK", b"DDE")
# How far an instruction is blanked when no mark ends it (Word's are a few hundred characters).
_MAX_BINARY_INSTRUCTION = 4096


def _binary_field(wide: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """The begin mark of a fetching field and its keyword, and the rest of its instruction,
    in text whose characters are followed by ``wide`` (``b"\\x00"`` for UTF-16LE)."""
    words = b"|".join(b"".join(re.escape(bytes([c])) + wide for c in w) for w in _BINARY_FIELD_WORDS)
    begin = re.compile(rb"\x13" + wide + rb"(?:[ \t]" + wide + rb")*(?:" + words + rb")", re.IGNORECASE)
    unit = rb"(?:(?![\x13-\x15]\x00)..)" if wide else rb"[^\x13-\x15]"
    return begin, re.compile(unit + b"{0,%d}" % _MAX_BINARY_INSTRUCTION, re.DOTALL)


_BINARY_FIELDS = ((*_binary_field(b"\x00"), b" \x00"), (*_binary_field(b""), b" "))
# A linked picture's own record (PICF) in a .doc names the file again, as a Pascal string (a
# length byte, then 8-bit text): LibreOffice asks after that name too, field or not.
_PICTURE_NAME = re.compile(rb"(?:file|https?|ftps?|smb|davs?|webdav):|\\\\|//|[a-z]:[\\/]", re.IGNORECASE)


def offline_binary_fields(data: bytes) -> bytes:
    """``data`` (a binary .doc or .wps) with the instruction of every fetching field
    (INCLUDEPICTURE, INCLUDETEXT, LINK, IMPORT, DDE, DDEAUTO) turned to spaces, keyword and
    all, of the same length, up to the mark ending it: the file's structure is untouched, the
    field's shown result stays, and LibreOffice finds no name to look up. (An instruction
    split where the file's storage breaks the text into sectors is not found.)"""
    out: bytearray | None = None
    for begin, rest, space in _BINARY_FIELDS:
        for found in begin.finditer(data):
            start, end = found.start() + len(space), rest.match(data, found.end()).end()
            if out is None:
                out = bytearray(data)
            out[start:end] = space * ((end - start) // len(space))
    for found in _PICTURE_NAME.finditer(data, 2):
        # the record's zero bytes, the length, the name, then no more text: never a document's
        # own text (8-bit text holds no zero byte), which keeps its addresses
        start = found.start()
        end = start + data[start - 1]
        if (
            data[start - 2] == 0
            and found.end() < end < len(data)
            and min(data[start:end]) >= 0x20 > data[end]
        ):
            if out is None:
                out = bytearray(data)
            out[start:end] = b" " * (end - start)
    return data if out is None else bytes(out)


def _refuse_deep_rtf(data: bytes, label: str) -> None:
    """Refuse an RTF file whose groups nest deeper than :data:`_MAX_RTF_DEPTH`: LibreOffice's
    time grows faster than the depth (7.4: 1,000 levels 3 s, 10,000 13 s, 50,000 over 90 s;
    200,000, a 1 MB file, hung until the timeout). Escaped braces (``\\{``) are no groups."""
    depth = 0
    for brace in _RTF_BRACE.finditer(data):
        if brace[0] == b"{":
            depth += 1
            if depth > _MAX_RTF_DEPTH:
                message = (
                    f"RTF 分组嵌套超过 {_MAX_RTF_DEPTH} 层（正常文件不过几十层），"
                    "LibreOffice 转换会长时间无响应，未转换"
                )
                raise WenshuError(Problem(label, message))
        elif brace[0] == b"}":
            depth = max(depth - 1, 0)


# How deep an RTF file's groups may nest (Word's files: a few dozen levels), and its braces
# (an escaped one, or an escaped backslash before one, is text).
_MAX_RTF_DEPTH = 1000
_RTF_BRACE = re.compile(rb"\\[\\{}]|[{}]")


def offline_rtf(data: bytes) -> bytes:
    """``data`` (an RTF file) with every fetching field instruction (INCLUDEPICTURE,
    INCLUDETEXT, LINK, IMPORT, DDE) replaced by an inert ``QUOTE ""``; the field's shown
    result stays. Escapes are decoded as an RTF reader would, so no spelling slips through.
    A picture (``{\\pict …}``, hex or ``\\bin``) that is an SVG is made offline
    (:func:`_offline_svg`): LibreOffice reads the local file its ``<image>`` names and draws
    it into the picture it converts."""
    if b"fldinst" not in data and b"pict" not in data:
        return data
    spans: list[tuple[int, int, bytes]] = []  # (start, end, what replaces data[start:end])
    # per open group: [start, its instruction text if it is an fldinst group, \uc count,
    # the instruction its text belongs to (its own or an enclosing group's),
    # its picture data if it is a pict group (see _offline_rtf_picture)]
    stack: list[list[Any]] = []
    skip = 0  # characters still to skip after a \u (its fallback for readers without Unicode)
    pos = 0
    while pos < len(data):
        m = _RTF_TOKEN.match(data, pos)
        if m is None:  # a backslash ending the file
            break
        pos = m.end()
        hexbyte, word, param, symbol, brace, text = m.groups()
        if brace is not None:
            if brace == b"{":
                parent = stack[-1] if stack else [0, None, 1, None, None]
                stack.append([m.start(), None, parent[2], parent[3], None])
            elif stack:
                start, field, _, _, picture = stack.pop()
                if field is not None and _FETCHING_FIELDS.match("".join(field)):
                    spans.append((start, pos, _INERT_RTF_FIELD))
                elif picture:
                    spans.extend(_offline_rtf_picture(data, picture))
            skip = 0
            continue
        group = stack[-1] if stack else None
        if word is not None:
            if word == b"bin" and param:
                if group is not None and group[4] is not None:  # the word with its bytes
                    group[4].append((m.start(), pos + max(int(param), 0), pos))
                pos += max(int(param), 0)  # raw bytes, not RTF
            elif group is not None and word == b"pict":
                group[4] = []
            elif group is not None and word == b"fldinst":
                group[1] = group[3] = []
            elif group is not None and word == b"uc" and param:
                group[2] = max(int(param), 0)
            elif word == b"u" and param and group is not None:
                if group[3] is not None:
                    group[3].append(chr(int(param) % 0x10000))
                skip = group[2]
            continue
        if text is not None and group is not None and group[4] is not None:
            group[4].append((m.start(), pos, None))
        chars = (
            bytes.fromhex(hexbyte.decode()).decode("latin-1")
            if hexbyte
            else (symbol or text.replace(b"\r", b"").replace(b"\n", b"")).decode("latin-1")
        )
        dropped = min(skip, len(chars))
        skip -= dropped
        if group is not None and group[3] is not None:
            group[3].append(chars[dropped:])
    for start, field, _, _, picture in stack:  # groups left open at the end: they count too
        if field is not None and _FETCHING_FIELDS.match("".join(field)):
            spans.append((start, len(data), _INERT_RTF_FIELD))
            break
        if picture:
            spans.extend(_offline_rtf_picture(data, picture))
    out, end = [], 0
    for start, stop, replacement in sorted(spans):
        if start >= end:  # the outermost of nested fields
            out += [data[end:start], replacement]
            end = stop
    return b"".join(out) + data[end:]


def _offline_rtf_picture(
    data: bytes, pieces: list[tuple[int, int, int | None]]
) -> list[tuple[int, int, bytes]]:
    """The replacements making the picture whose data are ``pieces`` of ``data`` offline:
    none unless it is an SVG or an EPS; else its offline data (a blank picture for an EPS),
    written again in hex in place of the first piece, the others emptied. A piece is hex
    text (``(start, end, None)``) or a ``\\binN`` word with its raw bytes (``(start, end,
    where the bytes start)``)."""
    raw = [data[bytes_at:end] for _, end, bytes_at in pieces if bytes_at is not None]
    if raw:
        picture = b"".join(raw)
    else:
        digits = _NOT_HEX.sub(b"", b"".join(data[a:b] for a, b, _ in pieces))
        picture = bytes.fromhex(digits[: len(digits) // 2 * 2].decode())
    offline = _offline_picture(picture)
    if offline is None:
        return []
    (first, last, _), *rest = pieces
    # the space ends a control word the data may follow without one (after a line break)
    return [(first, last, b" " + offline.hex().encode()), *((a, b, b"") for a, b, _ in rest)]


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
        [tool, "-f", "%{family[0]} %{style[0]}", f"{font}:lang=zh-cn"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=fontconfig_env(),
    )
    name = result.stdout.strip().removesuffix(" Regular").removesuffix(" Book")
    return name or None


def stand_ins() -> dict[str, str]:
    """The official typefaces that are not installed, each with the face standing in for it."""
    installed = installed_families()
    if installed is None:
        return {}
    return {font: substitute_for(font) or "未知字体" for font in OFFICIAL_FONTS if font not in installed}


def stand_in_line() -> str | None:
    """One line saying which face stood in for which missing typeface (None: none missing)."""
    found = stand_ins()
    if not found:
        return None
    pairs = "，".join(f"{font}→{face}" for font, face in found.items())
    return f"提示 公文字体未安装，PDF 中以相近字体代替（Word 文件不受影响）：{pairs}"


def write_images(pdf: Path, folder: Path, stem: str, dpi: int = 100) -> list[Path]:
    """Every page of ``pdf`` as ``folder/<stem>-<page>.png``; returns the files written.

    The pages are drawn in a folder of their own and then written all or nothing
    (:func:`wenshu.files.write_atomically`): pdftoppm writing straight into ``folder``
    would follow a link standing under a page's name and overwrite the file it points to,
    and leave part of the pages should it fail.
    """
    from wenshu.files import write_atomically

    tool = find_poppler("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="wenshu-png-") as work:
        result = subprocess.run(
            [tool, "-png", "-r", str(dpi), str(pdf), str(Path(work) / "page")],
            capture_output=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            raise WenshuError(Problem(str(folder), "pdftoppm 无法生成页面图片"))
        # pdftoppm numbers the pages page-1.png or page-01.png …, by how many there are
        pages = Path(work).glob("page-*.png")
        drawn = {f"{stem}-{p.name.removeprefix('page-')}": p.read_bytes() for p in pages}
    return sorted(write_atomically(folder, drawn))


def glob_escape(text: str) -> str:
    """``text`` with glob wildcards made literal."""
    return re.sub(r"([*?\[])", r"[\1]", text)


# HTML (a web page saved as .doc, as many downloads are): LibreOffice 7.4 opens a file as HTML
# by its content, whatever its name, and reads while importing what the page names — a style
# sheet (<link href>) and a page background (<body background>) from the local disk, whatever
# its profile says (seen with strace). The copy it is given is rebuilt from the page's tokens
# (html.parser), keeping only the tags and attributes below, none of which names anything to
# load: a list of what is allowed, so that a reference not thought of (img, script, iframe,
# object, embed, frame, base, meta refresh, input …) goes as well. The page is read as
# Latin-1, byte for byte, so its own encoding (GB2312, UTF-8 …) passes through untouched, and
# its text is written back with every "<" escaped: LibreOffice sees no tag the parser did not.
_HTML_TAGS = frozenset(
    "html head body title meta style p div span br hr b i u s strike em strong font big small sub sup "
    "center blockquote pre code tt h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table thead tbody tfoot tr td th "
    "caption col colgroup a".split()
)
# Elements dropped with all they hold: they load something, or hold what only a browser runs
# (an empty element, such as embed or frame, goes as any tag not kept: alone).
_HTML_DROPPED = frozenset(
    "script iframe object applet frameset noframes xml svg math template select textarea".split()
)
_HTML_ATTRIBUTES = frozenset(
    "align valign width height colspan rowspan border cellpadding cellspacing class id lang dir style "
    "color face size bgcolor nowrap start type span name charset".split()
)
# CSS is kept only when it holds none of these (a url(), an @import, an image(), an escape that
# could spell either); a style sheet or style attribute holding one is dropped whole.
_CSS_FETCHING = ("url", "@import", "image", "\\", "expression", "behavior", "binding")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_HTML_TAG = re.compile(rb"<[A-Za-z!/?]")


def is_html(data: bytes) -> bool:
    """Whether LibreOffice could take ``data`` for a web page: it is not a package, an RTF file
    or a binary Word file, and holds a tag (``<`` then a letter, ``!``, ``/`` or ``?``) — more
    than LibreOffice asks (an HTML tag early in the file), so nothing it takes for one is missed.
    An XML document (a Word 2003 or flat OpenDocument file) is one only if it holds ``<html``."""
    if data.startswith((b"PK", _OLE_MAGIC)) or data[:64].lstrip().startswith(b"{\\rtf"):
        return False
    if data.startswith(_UTF16_BOMS):
        data = data.decode("utf-16", "replace").encode("utf-8", "replace")
    if _xml_declared(data):
        return b"<html" in data.lower()
    return _HTML_TAG.search(data) is not None


def is_xml(data: bytes) -> bool:
    """Whether ``data`` is an XML document (it opens with an XML declaration) but no web page
    (see :func:`is_html`): a flat OpenDocument file, a Word 2003 XML file."""
    return _xml_declared(data) and not is_html(data)


def _xml_declared(data: bytes) -> bool:
    """Whether ``data`` opens with an XML declaration, after any byte-order mark and space."""
    if data.startswith(_UTF16_BOMS):
        data = data[:512].decode("utf-16", "replace").encode("utf-8", "replace")
    return data.removeprefix(_UTF8_BOM).lstrip().startswith(b"<?xml")


def offline_xml(data: bytes, label: str) -> bytes:
    """``data`` (an XML document, see :func:`is_xml`) as :func:`offline_odf` leaves a package's
    part: no XForms model, no reference outside the file but a hyperlink's. LibreOffice reads a
    flat OpenDocument file as it does an .odt, and loads its XForms instance from the disk;
    a reference relative to the file finds nothing beside the copy it is given."""
    return _odf_offline_part(data, label, "XML")


def offline_html(data: bytes, label: str) -> bytes:
    """``data`` (a web page) rebuilt with only tags and attributes that load nothing (see
    :data:`_HTML_TAGS`): every link, picture, script, frame, object and url() is gone, the
    text and its plain formatting stay. A page in UTF-16 is refused: read byte for byte, its
    tags would not be seen."""
    if data.startswith(_UTF16_BOMS):
        raise WenshuError(
            Problem(
                label,
                "是 UTF-16 编码的网页（HTML）文件，无法安全转换；请用 Word 或浏览器另存为 .docx 后再导入",
            )
        )
    bom = _UTF8_BOM if data.startswith(_UTF8_BOM) else b""
    rebuilt = _OfflineHtml()
    rebuilt.feed(data[len(bom) :].decode("latin-1"))
    rebuilt.close()
    if rebuilt.unclosed is not None:
        # Everything after it is inside it (a script's text, to a browser too): dropped with
        # it, the rest of the page would be missing from the import without a word.
        tag, line, column = rebuilt.unclosed
        raise WenshuError(
            Problem(
                label,
                f"网页中的 <{tag}> 没有结束标记 </{tag}>，其后的内容都在它之内、不会显示，未导入；"
                f"请补上 </{tag}>，或在浏览器中打开后另存为 .docx 再导入",
                line,
                column,
            )
        )
    return bom + "".join(rebuilt.out).encode("latin-1", "xmlcharrefreplace")


def _css_inert(css: str) -> bool:
    """Whether the CSS ``css`` names nothing to load."""
    lowered = css.lower()
    return not any(word in lowered for word in _CSS_FETCHING)


class _OfflineHtml(html.parser.HTMLParser):
    """Writes back (into :attr:`out`) only what :func:`offline_html` keeps."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = ["<!DOCTYPE html>\n"]
        self.dropping = 0  # depth inside elements dropped whole
        # the outermost element dropped whole that is open: its tag, line and column (1-based)
        self.unclosed: tuple[str, int, int] | None = None
        self.style: list[str] | None = None  # a style sheet's text, while inside one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_DROPPED:
            if not self.dropping:
                line, offset = self.getpos()
                self.unclosed = (tag, line, offset + 1)
            self.dropping += 1
        elif not self.dropping and tag in _HTML_TAGS:
            if tag == "style":
                self.style = []
            else:
                self.out.append(self._tag(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.dropping and tag in _HTML_TAGS and tag != "style":
            self.out.append(self._tag(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_DROPPED:
            self.dropping = max(self.dropping - 1, 0)
            if not self.dropping:
                self.unclosed = None
        elif tag == "style" and self.style is not None:
            css, self.style = "".join(self.style), None
            if not self.dropping and _css_inert(css):
                self.out.append(f"<style>{css}</style>")
        elif not self.dropping and tag in _HTML_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.style is not None:
            self.style.append(data)
        elif not self.dropping:
            self.out.append(data.replace("<", "&lt;"))

    def handle_entityref(self, name: str) -> None:
        if not self.dropping and self.style is None:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.dropping and self.style is None:
            self.out.append(f"&#{name};")

    @staticmethod
    def _tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
        """The start tag ``tag`` with only the attributes that load nothing."""
        kept = {name: value or "" for name, value in attrs if name in _HTML_ATTRIBUTES}
        if kept.get("style") is not None and not _css_inert(kept["style"]):
            del kept["style"]
        if tag == "meta":  # the page's encoding only: no refresh, no other header
            given = dict(attrs)
            if (given.get("http-equiv") or "").lower() == "content-type":
                kept = {"http-equiv": "Content-Type", "content": given.get("content") or ""}
        written = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in kept.items())
        return f"<{tag}{written}>"
