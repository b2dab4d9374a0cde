"""LibreOffice in a build: the pagination pass over the .docx built, and PDFs of them.

One :class:`RunOffice` serves a whole run — single files, folders and batches alike — so
the pass is run and its result written back in one place, LibreOffice's profile is made
once, and what could not be done (no LibreOffice, no pdftotext, a pass that failed) is
said once, as a hint, with the documents still written unpaginated.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from wenshu.errors import Problem, WenshuError
from wenshu.files import write_atomically

if TYPE_CHECKING:
    from wenshu.office.libreoffice import LibreOffice

# The pass and LibreOffice are imported where they are used: a build without either (one
# document, --no-paginate) does not pay for loading them.

UNVERIFIED = "提示：未验证分页（署名与正文同页、版记位置等需 LibreOffice 与 poppler-utils 实际排版、量页）。"


class RunOffice:
    """The LibreOffice of one build run: the pagination pass (``paginate``) and PDFs (``pdf``).

    Use as a context manager. A PDF asked for without LibreOffice stops the run when this
    is made, before anything is written; a pass that cannot run only leaves a hint
    (:attr:`hints`). LibreOffice itself is started on first use. ``status`` is told, in
    Chinese, what LibreOffice is about to do: it takes seconds to minutes, after the progress
    bar of the documents themselves has reached its end.
    """

    def __init__(self, *, paginate: bool, pdf: bool, status: Callable[[str], None] | None = None) -> None:
        self.wants_pass = paginate
        self.hints: list[str] = []
        self._status = status
        self._office: LibreOffice | None = None
        if pdf:
            from wenshu.office.libreoffice import LibreOffice

            self._office = LibreOffice()  # no LibreOffice: said before anything is built
        self._open = False
        self._unverified = 0  # documents that needed the pass and did not get it
        self._made_pdfs = False
        self._paginating: bool | None = None  # looked for when first asked (see paginating)

    @property
    def paginating(self) -> bool:
        """Will the pass really run (LibreOffice and pdftotext found)? Looked up when first
        asked: a run whose documents all provably fit one page never loads LibreOffice's
        module nor looks for it."""
        if self._paginating is None:
            self._paginating = False
            if self.wants_pass:
                from wenshu.office.libreoffice import LibreOffice, find_poppler

                try:
                    find_poppler("pdftotext")  # the pass measures pages with it
                    self._office = self._office or LibreOffice()
                    self._paginating = True
                except WenshuError:
                    pass
        return self._paginating

    def __enter__(self) -> RunOffice:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._open and self._office is not None:
            self._office.__exit__(kind, exc, tb)
            self._open = False
        if self._unverified:
            from wenshu.office.libreoffice import SOFFICE_HINT

            self.hints.append(UNVERIFIED + SOFFICE_HINT)
            self._unverified = 0
        if self._made_pdfs:
            from wenshu.office.libreoffice import stand_in_line

            line = stand_in_line()
            if line:
                self.hints.append(line)
            self._made_pdfs = False

    def _say(self, what: str) -> None:
        if self._status is not None:
            self._status(what)

    def _started(self) -> LibreOffice:
        assert self._office is not None, "LibreOffice used without being found"
        if not self._open:
            self._office.__enter__()
            self._open = True
        return self._office

    # -- the pagination pass ---------------------------------------------------------------
    def paginated(self, documents: dict[str, bytes]) -> dict[str, bytes]:
        """Every .docx of ``documents`` after the pagination pass, all in one LibreOffice run
        a round; one that provably fits one page needs none and is returned as it is."""
        if not self.wants_pass:
            return documents
        from wenshu.build.lines import provably_fits

        pending = {name: data for name, data in documents.items() if not provably_fits(data)}
        if not pending:
            return documents
        if not self.paginating:
            self._unverified += len(pending)
            return documents
        from wenshu.build.paginate import paginate

        self._say(f"排版 {len(pending)} 份文件（LibreOffice 实际排版、量页、调整分页）……")
        try:
            done = paginate(pending, self._started())
        except WenshuError as exc:  # the documents are still written, their pages unverified
            reason = "；".join(p.message for p in exc.problems)
            self.hints.append(f"提示：{len(pending)} 份文件未能分页（{reason}），已按未分页生成")
            return documents
        return {name: done[name].docx if name in done else data for name, data in documents.items()}

    def paginate_files(self, paths: Sequence[Path]) -> list[Path]:
        """The pass over .docx files already written; each one that changed is replaced,
        atomically. Returns the files replaced."""
        docx = {str(p): p.read_bytes() for p in paths if p.suffix == ".docx"} if self.wants_pass else {}
        replaced: list[Path] = []
        for name, data in self.paginated(docx).items():
            if data != docx[name]:
                path = Path(name)
                replaced += write_atomically(path.parent, {path.name: data}, sync=False)
        return replaced

    # -- PDFs ------------------------------------------------------------------------------
    def pdfs(self, documents: dict[str, bytes]) -> dict[str, bytes]:
        """``{name: docx bytes}`` → ``{name: pdf bytes}`` for those that converted."""
        self._made_pdfs = True
        self._say(f"生成 {len(documents)} 个 PDF（LibreOffice）……")
        return self._started().convert_bytes(documents)

    def pdfs_beside(
        self, docx_files: Sequence[Path], *, letters: bool = False
    ) -> tuple[list[Path], list[Problem]]:
        """Write ``X.pdf`` beside every ``X.docx``, all through one LibreOffice run; ``letters``:
        they are one batch's letters (one frame, most one page), converted merged
        (:meth:`~wenshu.office.libreoffice.LibreOffice.convert_letters`, page count checked).

        Each PDF is moved into place whole (written beside, then renamed), so an interrupted
        run never leaves a truncated PDF under a real name. Returns the PDFs written and a
        problem for each .docx LibreOffice did not convert (the others are written all the same).
        """
        if not docx_files:
            return [], []
        self._made_pdfs = True
        self._say(f"生成 {len(docx_files)} 个 PDF（LibreOffice）……")
        written: list[Path] = []
        office = self._started()
        with tempfile.TemporaryDirectory(prefix="wenshu-pdf-") as work:
            convert = office.convert_letters if letters else office.convert
            converted = convert(list(docx_files), Path(work))
            failed = [str(p) for p in docx_files if p not in converted]
            for source, pdf in converted.items():
                written += write_atomically(source.parent, {f"{source.stem}.pdf": pdf.read_bytes()})
        return written, [Problem(name, "LibreOffice 未能把它转换为 PDF") for name in failed]
