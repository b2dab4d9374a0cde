"""One spec (a file, or one record of a batch) rendered in memory: validate → Markdown → Word.

Every way of building — a file, a folder, a batch, the workbench — renders a document
here, so a draft is marked and a .docx is written the same way on every path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenshu.errors import Problem
from wenshu.render.markdown import render_markdown
from wenshu.rules import advice
from wenshu.spec.kinds import Kind
from wenshu.spec.load import Spec, load_spec
from wenshu.spec.pictures import pictures_of
from wenshu.validate import validate

FORMATS = ("docx", "md")


@dataclass
class Rendered:
    """Everything one spec renders to, in memory, before anything touches the disk."""

    spec: Spec
    kind: Kind
    markdown: str
    files: dict[str, bytes]  # by format: "docx", "md"
    frame: str  # the layout frame the document uses (letter, document, plain)
    document: dict[str, Any] = field(repr=False, default_factory=dict)  # the validated values
    warnings: list[Problem] = field(default_factory=list)  # accepted, but to be said (wenshu.rules.advice)


def render_spec(
    spec: Spec, formats: tuple[str, ...] = FORMATS, *, draft: bool = False, advise: bool = True
) -> Rendered:
    """Validate and render a loaded spec; raise :class:`WenshuError` on any problem.

    A ``draft`` renders despite unfilled 【待补】 values and marks each one in both outputs.
    ``advise`` collects the warnings about the spec (a batch's letters skip them: the
    spec they share is advised on once).
    """
    # The Word writer (python-docx, markdown-it) is imported by the first document rendered:
    # a batch whose letters all fill shapes kept from an earlier run never needs it.
    from wenshu.render.docx import frame_name, parser
    from wenshu.render.package import factory

    kind, document = validate(spec, draft=draft)
    markdown = render_markdown(kind, document, spec.name)
    if draft:
        from wenshu.skeleton import mark_placeholders  # drafts only: skeletons are `new`'s

        markdown = mark_placeholders(markdown)
    tokens = parser().parse(markdown)
    files: dict[str, bytes] = {}
    if "md" in formats:
        files["md"] = markdown.encode("utf-8")
    if "docx" in formats:
        files["docx"] = factory().build(markdown, tokens, pictures_of(spec, document))
    warnings = advice.warnings(spec, kind, document) if advise else []
    return Rendered(spec, kind, markdown, files, frame_name(tokens), document, warnings)


def render(path: str | Path, formats: tuple[str, ...] = FORMATS, *, draft: bool = False) -> Rendered:
    """Load, validate and render one spec file (see :func:`render_spec`)."""
    return render_spec(load_spec(path), formats, draft=draft)
