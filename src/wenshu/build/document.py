"""One spec (a file, or one record of a batch) rendered in memory: validate → Markdown → Word.

Every way of building — a file, a folder, a batch, the workbench — renders a document
here, so a draft is marked and a .docx is written the same way on every path.

A spec file built from the command line that was validated and turned into Markdown before,
by this very code from these very schemas, templates and catalogues, with every file it read
unchanged, takes its validated values and Markdown from the user cache (:func:`kept_checks`):
such a build imports neither Cerberus nor the validation rules nor Jinja2.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenshu.errors import Problem
from wenshu.files import FORMATS
from wenshu.resources import PickleCache, code_stamp, files_stamp
from wenshu.spec import load
from wenshu.spec.kinds import Kind, get_kind
from wenshu.spec.load import Spec, load_spec
from wenshu.spec.pictures import pictures_of


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
    kind, document, markdown, warnings = _checked(spec, draft=draft, advise=advise)
    return _word(spec, formats, kind, document, markdown, warnings)


def _checked(spec: Spec, *, draft: bool, advise: bool) -> tuple[Kind, dict[str, Any], str, list[Problem]]:
    """The spec's kind, validated values, Markdown and warnings (see :func:`render_spec`)."""
    from wenshu.render.markdown import render_markdown
    from wenshu.rules import advice
    from wenshu.validate import validate

    kind, document = validate(spec, draft=draft)
    markdown = render_markdown(kind, document, spec.name)
    if draft:
        from wenshu.skeleton import mark_placeholders  # drafts only: skeletons are `new`'s

        markdown = mark_placeholders(markdown)
    if not advise:
        return kind, document, markdown, []
    found = advice.warnings(spec, kind, document) + advice.split_title_breaks(spec, document, markdown)
    return kind, document, markdown, sorted(found, key=lambda p: (p.line or 0, p.column or 0))


def _word(
    spec: Spec,
    formats: tuple[str, ...],
    kind: Kind,
    document: dict[str, Any],
    markdown: str,
    warnings: list[Problem],
) -> Rendered:
    """The files of a checked spec: its Markdown, and the .docx made from it."""
    # The Word writer (python-docx, markdown-it) is imported by the first document rendered:
    # a batch whose letters all fill shapes kept from an earlier run never needs it.
    from wenshu.render.docx import frame_name, parser
    from wenshu.render.package import factory

    tokens = parser().parse(markdown)
    files: dict[str, bytes] = {}
    if "md" in formats:
        files["md"] = markdown.encode("utf-8")
    if "docx" in formats:
        files["docx"] = factory().build(markdown, tokens, pictures_of(spec, document))
    return Rendered(spec, kind, markdown, files, frame_name(tokens), document, warnings)


def render(
    path: str | Path,
    formats: tuple[str, ...] = FORMATS,
    *,
    draft: bool = False,
    kept: PickleCache | None = None,
) -> Rendered:
    """Load, validate and render one spec file (see :func:`render_spec`). With ``kept``
    (:func:`kept_checks`), its checked values and Markdown are taken from that cache when
    nothing they came from changed, and put in it otherwise."""
    spec = load_spec(path)
    if kept is None or load.REFERENCE_ROOT.get() is not None:
        return render_spec(spec, formats, draft=draft)
    # The spec as read (values, types, positions), where it lies and whether it is a draft
    # decide everything checked; the files it reads besides (an annex, a plan, a picture)
    # are kept with their stamps and must still carry them.
    key = repr((draft, str(spec.path), os.getcwd(), spec.data, spec.value_pos, spec.key_pos))
    found, value = kept.get(key)
    if found and isinstance(value, tuple) and len(value) == 6:
        name, others, stamps, document, markdown, warnings = value
        kind = get_kind(name)
        try:
            unchanged = kind is not None and files_stamp(others) == stamps
        except OSError:  # one of them cannot be read
            unchanged = False
        if unchanged:
            return _word(spec, formats, kind, document, markdown, warnings)
    with load.recording_reads() as read:
        kind, document, markdown, warnings = _checked(spec, draft=draft, advise=True)
    # Stamped as they were before they were read: one edited since is checked again next time.
    stamped = sorted((str(p), stamp) for p, stamp in read.items() if p != spec.path.absolute())
    if all(stamp is not None for _, stamp in stamped):  # else one could not be stamped: nothing kept
        others = [path for path, _ in stamped]
        kept.put(key, (kind.name, others, [stamp for _, stamp in stamped], document, markdown, warnings))
    return _word(spec, formats, kind, document, markdown, warnings)


_KEPT_FORMAT = 1  # bump when what is kept, or how, changes
# The libraries between a spec and its Markdown: validator, template engine and its escaping.
_LIBRARIES = ("cerberus", "jinja2", "markupsafe")


def _code_stamp() -> str:
    """What checking a spec and writing its Markdown depend on besides the spec and the files
    it names: wenshu's code, its schemas, templates and catalogues and the libraries that
    validate and render (:func:`wenshu.resources.code_stamp`). "" (nothing kept) when one
    cannot be read."""
    stamp = code_stamp(extra_libraries=_LIBRARIES, resources=("schemas", "templates", "data"))
    return stamp and f"{_KEPT_FORMAT}\0{stamp}"


def kept_checks() -> PickleCache:
    """The user cache of spec files checked before, for one run (what they depend on is
    stamped on its first use): each one's kind, the other files it read (with their stamps),
    its validated values, Markdown and warnings."""
    return PickleCache("rendered", _code_stamp)
