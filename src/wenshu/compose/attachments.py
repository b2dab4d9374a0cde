"""Attachments that name another spec (``attachments: [{file: …}]``): the page each one gives.

Any kind's attachment may name a spec of any kind, relative to the attaching spec's folder;
that spec is validated on its own, and its page (name, title, content, orientation) replaces
the reference: an annex kind's blocks as they are, any other kind rendered by its own
template. Kept apart from :mod:`wenshu.compose.annexes`, whose catalogues an attachment
without ``file:`` never needs.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from wenshu.errors import Problem, WenshuError
from wenshu.rules.context import Context
from wenshu.spec import load, pictures
from wenshu.spec.kinds import Kind
from wenshu.spec.load import Path_, load_spec

_PAGE_FIELDS = ("name", "title", "title_lines", "subtitle", "body")
# Fields a page built from blocks cannot print: a spec with any of them is embedded whole.
_CLOSING_FIELDS = ("attachments", "signature", "date")
# The specs whose attachments are being resolved, outermost first: a spec attaching one of
# them (itself, or one that attaches it back) would recurse.
_RESOLVING: ContextVar[tuple[Path, ...]] = ContextVar("_RESOLVING", default=())


def attachment_files(field: str, context: Context) -> list[Problem]:
    """Each ``{file: …}`` attachment names a spec of any kind (relative to this spec's
    folder) that validates; its page (name, title, content, orientation) replaces the
    reference.

    A spec made of blocks (the annex kinds, a ``document``) gives its title and blocks; any
    other (a 工作方案, a 总结 …) is rendered by its own template and its Markdown, under its
    title, becomes the page's content.
    """
    spec, document = context.spec, context.document
    problems: list[Problem] = []
    chain: tuple[Path, ...] = ()
    for i, attachment in enumerate(document.get(field) or []):
        ref = attachment.get("file")
        if ref is None:
            continue
        # Resolved only for an attachment file: a batch letter has none, and resolving costs.
        chain = chain or _RESOLVING.get() + (spec.path.resolve(),)
        at: Path_ = (field, i, "file")
        target = Path(os.path.normpath(spec.path.parent / ref))
        if load.beyond_reference_root(target):  # said before it is looked for
            problems.append(spec.problem(at, f"附件文件“{ref}”{load.BEYOND_ROOT}"))
            continue
        if not target.exists():  # a folder or FIFO is not missing: loading it says what it is
            problems.append(spec.problem(at, f"找不到附件文件“{ref}”（相对于本文件所在文件夹，即 {target}）"))
            continue
        if target.resolve() in chain:
            what = "本文件自身" if target.resolve() == chain[-1] else f"附上本文件的 {target}"
            problems.append(spec.problem(at, f"附件文件是{what}：文件不能直接或间接附上自己"))
            continue
        token = _RESOLVING.set(chain)
        try:
            annex_spec = load_spec(target)
            kind, annex_doc = context.validate(annex_spec)
        except WenshuError as exc:
            problems.append(spec.problem(at, f"附件文件 {target} 未通过检查，问题如下"))
            problems += exc.problems
            continue
        finally:
            _RESOLVING.reset(token)
        page: dict[str, Any] = {}
        # its pictures, read from its own folder, renamed to their path from this one
        names, why = pictures.carry(spec, at, annex_spec, annex_doc, page)
        if why:
            problems += why
            continue
        if "body" in annex_doc and not any(annex_doc.get(k) for k in _CLOSING_FIELDS):
            page.update({k: annex_doc[k] for k in _PAGE_FIELDS if k in annex_doc})
            if names:
                page["body"] = pictures.renamed_blocks(page["body"], names)
            page.setdefault("name", annex_doc.get("title"))
        else:
            page.update(_embedded_page(kind, annex_doc, annex_spec.name, names))
        page["landscape"] = bool(attachment.get("landscape") or annex_doc.get("landscape"))
        page["file"] = ref
        document[field][i] = page
    return problems


def _embedded_page(
    kind: Kind, document: dict[str, Any], source: str, names: dict[str, str]
) -> dict[str, Any]:
    """A page holding a whole document rendered by its own template: its title (the
    template's ``#`` heading) and the Markdown after it, without its frame and label; its
    pictures' links renamed by ``names``."""
    # here, not at the top: validation would otherwise import Jinja2 for every spec
    from wenshu.render.markdown import RawMarkdown, render_markdown

    markdown = pictures.renamed_in_markdown(render_markdown(kind, document, source), names)
    blocks = markdown.split("\n\n")
    while blocks and not blocks[0].startswith("# "):
        blocks.pop(0)  # the frame, and a 页首标注 (“附件4”) the notice writes itself
    head = blocks.pop(0).removeprefix("# ") if blocks else ""
    lines = head.split("<br>")
    return {
        "name": RawMarkdown("".join(lines)),
        "title_lines": [RawMarkdown(line) for line in lines],
        "markdown": RawMarkdown("\n\n".join(blocks)),
    }
