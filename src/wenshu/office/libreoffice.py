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
for import); the copies are made by :mod:`wenshu.office.offline`. Its process group is ended after
each run, on a timeout too, and its temporary files go with the run's own folder. Should wenshu
itself be killed outright, a watchdog (:mod:`wenshu.office.watchdog`) kills the group and
removes the profiles and folders in its place.

The PDF is measured with ``pdftotext -bbox-layout`` (text with positions), ``pdffonts``
(the fonts actually embedded) and drawn with ``pdftoppm``.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any

from lxml import etree

from wenshu import layout as L
from wenshu.cores import usable_cores
from wenshu.errors import Problem, WenshuError
from wenshu.office.breaks import for_libreoffice
from wenshu.office.offline import offline_copy, offline_input
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
        does alone), made offline (:func:`wenshu.office.offline.offline_copy`) and given its
        break hints and hung punctuation (:mod:`wenshu.office.breaks`), converted once, and cut
        into pages with
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
        (:func:`wenshu.office.offline.offline_input`); what cannot be
        rewritten (a binary .doc or .wps) is left to the profile, which updates no link, loads
        nothing from an untrusted place and reaches no address (see :data:`_PROFILE_ITEMS`).

        The result is a package like any other: its reader bounds it (:mod:`wenshu.safezip`).
        """
        if self._profiles is None:
            raise RuntimeError("LibreOffice 须在 with 语句中使用")
        data, suffix = offline_input(read_input(source, str(source)), str(source), source.suffix.lower())
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
    The copies LibreOffice is given hold no EPS picture it would know (:mod:`wenshu.office.offline`), on
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
