"""The one place wenshu meets docxtpl: frames opened, rendered and their XML prepared.

wenshu uses docxtpl's public API (a template, ``render``, ``RichText``, subdocuments) and
two of its internals: ``patch_xml``, which turns the frame's tags (``{%p if … %}``,
``{{r … }}``) into Jinja source, and ``fix_tables``, which reconciles table grids with
their cells after rendering. Both are methods that read nothing of their template, so the
fast writer (:mod:`wenshu.render.package`) calls them without one. They are reached only
here, and the docxtpl versions they were tested with are pinned in pyproject.toml.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, RichText
from jinja2.sandbox import SandboxedEnvironment

__all__ = ["DocxTemplate", "RichText", "environment", "fix_tables", "open_frame", "patch_xml", "render"]


@cache
def environment() -> SandboxedEnvironment:
    """The Jinja environment frames render in (sandboxed, escaping every value)."""
    return SandboxedEnvironment(autoescape=True)


def open_frame(path: Path) -> DocxTemplate:
    """A fresh docxtpl template of the frame file ``path``."""
    return DocxTemplate(path)


def render(template: DocxTemplate, context: dict[str, Any]) -> None:
    """Render ``template`` in place with ``context``, as every frame is rendered."""
    template.render(context, jinja_env=environment(), autoescape=True)


def patch_xml(source: str) -> str:
    """A frame part's XML as docxtpl hands it to Jinja (its own tags made Jinja's)."""
    return DocxTemplate.patch_xml(None, source)  # type: ignore[arg-type]  # self is unused


def fix_tables(xml: str) -> Any:
    """The element tree of ``xml`` with each table's grid matching its widest row, as
    docxtpl leaves a rendered body."""
    return DocxTemplate.fix_tables(None, xml)  # type: ignore[arg-type]  # self is unused
