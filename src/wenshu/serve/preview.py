"""A spec's Markdown shown as HTML in the page, and its pages as images via LibreOffice.

The Markdown carries wenshu's role comments (``<!-- wenshu:title -->``); each becomes a CSS
class on the next block so the preview is laid out roughly as printed. No other HTML from
the Markdown reaches the page: only ``<br>`` and the draft's ``<mark>`` are let through.
"""

from __future__ import annotations

import atexit
import html
import json
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from wenshu.errors import WenshuError

_ROLE = re.compile(r"<!--\s*wenshu:([\w-]+)")
_ALLOWED_INLINE = {"<br>", "<br/>", "<br />", "<mark>", "</mark>"}


def _html_block(self: Any, tokens: list[Any], idx: int, options: Any, env: dict[str, Any]) -> str:
    match = _ROLE.match(tokens[idx].content)
    if match:
        env["role"] = match.group(1)
        return ""
    return f"<p>{html.escape(tokens[idx].content)}</p>"


def _html_inline(self: Any, tokens: list[Any], idx: int, options: Any, env: dict[str, Any]) -> str:
    content = tokens[idx].content
    return content if content.lower() in _ALLOWED_INLINE else html.escape(content)


def _opening(self: Any, tokens: list[Any], idx: int, options: Any, env: dict[str, Any]) -> str:
    role = env.pop("role", None)
    if role:
        tokens[idx].attrSet("class", f"role-{role}")
    return self.renderToken(tokens, idx, options, env)


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.add_render_rule("html_block", _html_block)
    md.add_render_rule("html_inline", _html_inline)
    for opening in ("paragraph_open", "heading_open", "table_open"):
        md.add_render_rule(opening, _opening)
    return md


def markdown_html(markdown: str) -> str:
    """The Markdown of a document as safe HTML for the preview."""
    return _parser().render(markdown, {})


class PageImages:
    """Page images of built documents, made with LibreOffice and kept by content digest."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="wenshu-serve-pages-"))
        atexit.register(self.close)

    def available(self) -> bool:
        """Is LibreOffice (and pdftoppm) installed?"""
        from wenshu.office.libreoffice import find_poppler, find_soffice

        try:
            find_soffice()
            find_poppler("pdftoppm")
        except WenshuError:
            return False
        return True

    def built(self, digest: str, spec: Path, *, draft: bool) -> tuple[Path, Path]:
        """``spec`` built as ``wenshu build --pdf`` builds it — through the same
        :func:`wenshu.build.pipeline.run`, the .docx after the pagination pass and a PDF of
        it — once per ``digest`` (of the spec's unpaginated .docx): the .docx and the PDF.
        What the user downloads and sees is what the command line writes."""
        from wenshu.build.pipeline import BuildRequest, run

        target = self.folder / digest / "built"
        docx, pdf = target / f"{spec.stem}.docx", target / f"{spec.stem}.pdf"
        if not (docx.is_file() and pdf.is_file()):
            request = BuildRequest((spec,), target, ("docx",), draft=draft, paginate=True, pdf=True)
            (outcome,) = run(request).outcomes
            if outcome.problems:
                raise WenshuError(outcome.problems)
        return docx, pdf

    def pages(self, digest: str, spec: Path, *, draft: bool) -> list[Path]:
        """The page images of ``spec`` as built (:meth:`built`), rendered once per ``digest``."""
        from wenshu.office.libreoffice import write_images

        target = self.folder / digest
        done = target / "done.json"
        if done.is_file():
            return [target / name for name in json.loads(done.read_text())]
        _, pdf = self.built(digest, spec, draft=draft)
        images = write_images(pdf, target, "page", dpi=60)
        done.write_text(json.dumps([p.name for p in images]))
        return images

    def close(self) -> None:
        """Remove the images."""
        shutil.rmtree(self.folder, ignore_errors=True)
