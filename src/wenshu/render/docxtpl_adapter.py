"""The one place wenshu meets docxtpl: frames opened, rendered and their XML prepared.

wenshu uses docxtpl's public API (a template, ``render``, ``RichText``, subdocuments) and
two of its internals: ``patch_xml``, which turns the frame's tags (``{%p if … %}``,
``{{r … }}``) into Jinja source, and ``fix_tables``, which reconciles table grids with
their cells after rendering. Both are methods that read nothing of their template, so the
fast writer (:mod:`wenshu.render.package`) calls them without one. They are reached only
here, and the docxtpl versions they were tested with are pinned in pyproject.toml.

docxtpl itself is imported only when a frame is actually rendered: a document whose frame
is cached (:mod:`wenshu.render.package`) never pays for it.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

__all__ = ["SizedText", "environment", "fix_tables", "open_frame", "patch_xml", "render"]


class SizedText:
    """One run of text at one size, as docxtpl's ``RichText(text, size=size)`` writes it
    (the same XML, character for character), without importing docxtpl to make it."""

    def __init__(self, text: str, size: int):
        self.text, self.size = text, size
        # RichText escapes with html.escape (quotes too) and writes sz, then szCs.
        self.xml = (
            f'<w:r><w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
            f'<w:t xml:space="preserve">{html.escape(text)}</w:t></w:r>'
            if text
            else ""
        )

    def __str__(self) -> str:
        return self.xml

    def __html__(self) -> str:
        return self.xml  # inserted as XML, unescaped, as RichText is


@cache
def environment() -> SandboxedEnvironment:
    """The Jinja environment frames render in (sandboxed, escaping every value)."""
    # Imported here: a document whose frame is cached, Markdown kept, needs no Jinja.
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=True)


def open_frame(path: Path) -> DocxTemplate:
    """A fresh docxtpl template of the frame file ``path``."""
    from docxtpl import DocxTemplate  # imported here: a cached frame needs no docxtpl

    return DocxTemplate(path)


def render(template: DocxTemplate, context: dict[str, Any]) -> None:
    """Render ``template`` in place with ``context``, as every frame is rendered."""
    template.render(context, jinja_env=environment(), autoescape=True)


def patch_xml(source: str) -> str:
    """A frame part's XML as docxtpl hands it to Jinja (its own tags made Jinja's)."""
    from docxtpl import DocxTemplate

    return DocxTemplate.patch_xml(None, source)  # type: ignore[arg-type]  # self is unused


def fix_tables(xml: str) -> Any:
    """The element tree of ``xml`` with each table's grid matching its widest row, as
    docxtpl leaves a rendered body."""
    from docxtpl import DocxTemplate

    return DocxTemplate.fix_tables(None, xml)  # type: ignore[arg-type]  # self is unused
