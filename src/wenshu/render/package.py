"""Fast .docx output for many documents: the frame rendered once, parts written pre-compressed.

:func:`wenshu.render.docx.build_docx` makes one document the straightforward way: a fresh
docxtpl template, a python-docx Subdoc for the body, a Jinja pass over the frame's XML and
a zip recompressed from scratch. That costs about 30 ms, almost none of it spent on the
letter's own text. Here the same document is assembled from cached pieces:

- The frame (page setup, styles, 版头, 版记) is rendered through docxtpl **once per shape**
  (which frame, the mark's size, which optional fields are filled), with sentinel strings
  in place of the field values. Each part of the result is kept: unchanged parts as
  already-deflated bytes, the parts holding a sentinel split around it.
- The body is written by ``build_docx``'s own :class:`~wenshu.render.docx.BodyWriter`
  (only its paragraph primitive is replaced, by one that makes each paragraph from one XML
  string) into a bare ``w:body`` element instead of a Subdoc built on a whole python-docx
  ``Document()``; its XML replaces the ``{{p body }}`` paragraph.
- Each rendered frame (and what the frame computes from its fields) is also kept in the
  user cache, keyed by the frame file's digest, the shape and the code that renders it, so a
  one-off ``wenshu build`` neither imports docxtpl nor renders a frame it has met before.
- Only the parts that change (``document.xml``, and a header carrying a new mark) are
  deflated per document; the zip is written directly around the cached bytes.

The result has the same parts with the same XML (up to namespace-declaration placement)
as ``build_docx``; tests compare the two. Anything the fast path cannot reproduce exactly
— a frame that transforms a field, a value docxtpl would rewrite — goes through
``build_docx`` instead, so the output is always right and usually fast.
"""

from __future__ import annotations

import copy
import hashlib
import html
import importlib.util
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.document import _Body
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree
from markdown_it.token import Token

from wenshu.render import docxtpl_adapter
from wenshu.render.docx import (
    BodyWriter,
    build_docx,
    frame_name,
    frame_path,
    mark_box,
    marked_texts,
    parser,
)
from wenshu.render.docxtpl_adapter import SizedText
from wenshu.render.zipparts import ZipPart, read_zip, write_zip
from wenshu.resources import PickleCache
from wenshu.spec.pictures import Picture

# Sentinels stand in for field values while the frame renders; plain ASCII letters pass
# unchanged through Jinja's escaping, docxtpl's clean-up and lxml.
_SENTINEL = "WENSHU{}SENTINEL"
_SENTINEL_RE = re.compile(r"WENSHU(\w+?)SENTINEL")
_BODY = "BODY"
_TEXT_FIELDS = ("doc_number", "signer", "cc", "printer", "print_date")
# Text docxtpl would not copy verbatim: resolve_listing turns \t \n \a \f into runs and
# breaks, render_xml_part turns {_{ and friends into {{ …; such values take the slow path.
_REWRITTEN = re.compile(r"[\t\n\a\f]|\{_[{%]|[}%]_\}")
_BODY_TAGS = re.compile(r"</?w:body[^>]*>")


class _Unsupported(Exception):
    """This document needs the full ``build_docx`` path."""


# -- the body ---------------------------------------------------------------------------------
class _BareSubdoc:
    """Stands in for docxtpl's Subdoc: paragraphs go into a bare ``w:body`` element.

    :class:`BodyWriter` needs only ``add_paragraph()`` and ``subdocx.element.body``;
    a Subdoc provides them by opening python-docx's whole default template per document.
    """

    def __init__(self) -> None:
        self.body = parse_xml(f"<w:body {nsdecls('w')}/>")
        self._container = _Body(self.body, None)  # type: ignore[arg-type]
        self.subdocx = self  # the writer reads subdoc.subdocx.element.body
        self.element = self

    def add_paragraph(self) -> Any:
        """A new empty paragraph at the end of the body."""
        return self._container.add_paragraph()

    def xml(self) -> str:
        """The body's children as XML text, as a Subdoc gives them to ``{{p body }}``."""
        return _BODY_TAGS.sub("", etree.tostring(self.body, encoding="unicode"))


# -- the frame --------------------------------------------------------------------------------
class _Raw(str):
    """A string Jinja inserts unescaped (docxtpl's ``{{p body }}`` expects XML)."""

    def __html__(self) -> str:
        return str(self)


@dataclass
class _Template:
    """A part holding sentinels: literal text between field names."""

    name: str
    pieces: list[str]  # literal, field, literal, field, …, literal

    def fill(self, values: dict[str, str]) -> bytes:
        out = self.pieces[:]
        for i in range(1, len(out), 2):
            out[i] = values[out[i]]
        return "".join(out).encode("utf-8")


@dataclass
class _Frame:
    """One frame rendered for one shape of field values."""

    parts: list[ZipPart | _Template]
    body_template: _Template
    cache: dict[tuple[str, bytes], ZipPart] = field(default_factory=dict)

    def package(self, values: dict[str, str], final_sect_pr: str | None) -> bytes:
        parts = []
        for part in self.parts:
            if isinstance(part, ZipPart):
                parts.append(part)
                continue
            data = part.fill(values)
            if part is self.body_template:
                if final_sect_pr is not None:
                    data = _replace_final_sect_pr(data, final_sect_pr)
                parts.append(ZipPart.own(part.name, data))
                continue
            # Headers with the mark repeat from one letter to the next: deflate each once.
            key = (part.name, data)
            if key not in self.cache:
                if len(self.cache) > 256:
                    self.cache.clear()
                self.cache[key] = ZipPart.of(part.name, data)
            parts.append(self.cache[key])
        return write_zip(parts)


_FINAL_SECT_PR = re.compile(rb"<w:sectPr\b(?:(?!<w:sectPr\b).)*?</w:sectPr>(?=\s*</w:body>)", re.S)


def _replace_final_sect_pr(data: bytes, sect_pr: str) -> bytes:
    replaced, count = _FINAL_SECT_PR.subn(lambda _: sect_pr.encode("utf-8"), data, count=1)
    if count != 1:
        raise _Unsupported("final sectPr not found")
    return replaced


# mark_line and mark_rule_space follow from the mark's size, mark_space from the number of
# head-info lines: _shape keys on both.
_FIELDS = (*_TEXT_FIELDS, "mark", "head_info", "mark_line", "mark_rule_space", "mark_space")
_LOOP_NAMES = {"line"}  # the frame's loop variable over head_info


def _mark(fields: dict[str, Any]) -> tuple[str, int] | None:
    """The mark's text and size (half-points), or None when the document has no mark."""
    mark = fields.get("mark")
    if not isinstance(mark, SizedText):
        return None
    return fields.get("mark_text", ""), int(re.search(r'<w:sz w:val="(\d+)"', mark.xml).group(1))


def _computed_names(path: Path) -> frozenset[str]:
    """Context names the frame uses other than as ``{{ x }}``, ``{% if x %}`` or ``{% for … in x %}``.

    Such a use (``{{ cc | length }}`` sizing a row, say) makes the XML depend on the value
    itself, which a sentinel cannot stand in for; frames are cached per value of these.
    """
    from jinja2 import nodes  # a frame met for the first time: a cached one needs no Jinja

    env = docxtpl_adapter.environment()
    computed: set[str] = set()
    for member, data in read_zip(path.read_bytes()):
        if not member.startswith("word/") or not member.endswith(".xml"):
            continue
        source = docxtpl_adapter.patch_xml(data.decode("utf-8"))
        if "{" not in source:
            continue
        tree = env.parse(source)
        plain = set()
        for output in tree.find_all(nodes.Output):
            plain.update(id(n) for n in output.nodes if isinstance(n, nodes.Name))
        for test in tree.find_all(nodes.If):
            if isinstance(test.test, nodes.Name):
                plain.add(id(test.test))
        for loop in tree.find_all(nodes.For):
            if isinstance(loop.iter, nodes.Name):
                plain.add(id(loop.iter))
        computed.update(n.name for n in tree.find_all(nodes.Name) if n.ctx == "load" and id(n) not in plain)
    return frozenset(computed)


def _shape(fields: dict[str, Any], computed: frozenset[str]) -> tuple[Any, ...]:
    """What decides the frame's XML apart from the texts the sentinels stand for."""
    mark = _mark(fields)
    exact: list[Any] = []
    if computed - set(_FIELDS):  # a use of something else: key on every field
        exact = [repr(fields.get(name)) for name in _FIELDS if name != "mark"] + [mark]
    else:
        for name in sorted(computed):
            exact.append(mark if name == "mark" else repr(fields.get(name)))
    return (
        mark[1] if mark else None,
        len(fields.get("head_info", [])),
        *(bool(fields.get(name)) for name in _TEXT_FIELDS),
        *exact,
    )


def _sentinel_names(fields: dict[str, Any], computed: frozenset[str]) -> dict[str, str]:
    """Sentinel name → field text, for the fields a sentinel can stand for."""
    every = bool(computed - set(_FIELDS))
    texts = {}
    for name in _TEXT_FIELDS:
        if fields.get(name) and not every and name not in computed:
            texts[name.upper().replace("_", "")] = fields[name]
    mark = _mark(fields)
    if mark and not every and "mark" not in computed:
        texts["MARK"] = mark[0]
    if not every and "head_info" not in computed and not computed & _LOOP_NAMES:
        for i, line in enumerate(fields.get("head_info", [])):
            texts[f"HEAD{i}"] = line
    return texts


def _values(texts: dict[str, str]) -> dict[str, str]:
    """Field texts as they must appear in the XML, keyed by sentinel name."""
    values: dict[str, str] = {}
    for name, text in texts.items():
        if _REWRITTEN.search(text) or _SENTINEL_RE.search(text):
            raise _Unsupported(name)
        values[name] = html.escape(text, quote=False)
    return values


def _render_frame(path: Path, fields: dict[str, Any], computed: frozenset[str]) -> _Frame:
    """Render the frame at ``path`` once, with sentinels for ``fields``' shape, and cut it up."""
    tpl = docxtpl_adapter.open_frame(path)
    sentinels = _sentinel_names(fields, computed)
    context: dict[str, Any] = {
        "mark": "", "doc_number": "", "signer": "", "cc": "", "printer": "", "print_date": "",
    }  # fmt: skip
    context.update(mark_box())
    context.update({k: v for k, v in fields.items() if k in _FIELDS})
    for name in _TEXT_FIELDS:
        key = name.upper().replace("_", "")
        if key in sentinels:
            context[name] = _SENTINEL.format(key)
    mark = _mark(fields)
    if "MARK" in sentinels and mark:
        context["mark"] = SizedText(_SENTINEL.format("MARK"), mark[1])
    if any(k.startswith("HEAD") for k in sentinels):
        context["head_info"] = [_SENTINEL.format(f"HEAD{i}") for i in range(len(fields["head_info"]))]
    context["body"] = _Raw(f"<w:p><w:r><w:t>{_SENTINEL.format(_BODY)}</w:t></w:r></w:p>")
    docxtpl_adapter.render(tpl, context)
    out = io.BytesIO()
    tpl.save(out)

    parts: list[ZipPart | _Template] = []
    body_template: _Template | None = None
    found: set[str] = set()
    for member, data in read_zip(out.getvalue()):
        text = data.decode("utf-8") if member.endswith((".xml", ".rels")) else ""
        if not _SENTINEL_RE.search(text):
            parts.append(ZipPart.of(member, data))
            continue
        if _BODY in _SENTINEL_RE.findall(text):
            # The whole placeholder paragraph gives way to the body's paragraphs.
            at = text.index(_SENTINEL.format(_BODY))
            start = max(text.rfind("<w:p>", 0, at), text.rfind("<w:p ", 0, at))
            end = text.index("</w:p>", at) + len("</w:p>")
            text = text[:start] + _SENTINEL.format(_BODY) + text[end:]
        pieces = _SENTINEL_RE.split(text)
        found.update(pieces[1::2])
        template = _Template(member, pieces)
        if _BODY in pieces[1::2]:
            body_template = template
        parts.append(template)
    if found != {_BODY, *sentinels} or body_template is None:
        # A field went missing or came out changed: leave this frame to build_docx, which
        # also reports a field the frame dropped.
        raise _Unsupported(f"frame {path}")
    return _Frame(parts, body_template)


# -- the frames kept on disk --------------------------------------------------------------------
_FRAME_CACHE_FORMAT = 2  # bump when what is cached, or how a frame is cut up, changes


def _code_stamp() -> str:
    """What a rendered frame depends on besides the frame file: the libraries that render
    and save it, and the code of this module, the adapter and docxtpl's template (by
    digest of their bytes) — Jinja2's version among them, as its ``__init__.py`` states it."""
    docxtpl, jinja2 = (importlib.util.find_spec(name) for name in ("docxtpl", "jinja2"))  # not imported
    if jinja2 is None or not jinja2.origin:
        return ""
    files = [Path(__file__), Path(docxtpl_adapter.__file__ or ""), Path(jinja2.origin)]
    if docxtpl is not None and docxtpl.origin:
        files.append(Path(docxtpl.origin).with_name("template.py"))
    code = hashlib.sha256()
    for path in files:
        try:
            code.update(path.read_bytes())
        except OSError:
            return ""  # nothing to key on: no cache
    versions = [str(_FRAME_CACHE_FORMAT), docx.__version__, etree.__version__]
    return "\0".join([*versions, code.hexdigest()])


def _frame_sect_pr(path: Path) -> Any:
    """The final section properties of the frame file, as python-docx reads them (the
    frame's ``word/document.xml`` parsed as python-docx parses it on opening). Only that
    member is inflated: the frame's other parts (styles, fonts) come from the cached frame."""
    try:
        with zipfile.ZipFile(path) as zf:
            data = zf.read("word/document.xml")
    except KeyError:
        raise _Unsupported(f"frame {path} has no document.xml") from None
    return parse_xml(data).body.sectPr


class DocxFactory:
    """Builds .docx bytes from wenshu Markdown, reusing frames across documents.

    One factory per process; it keeps each frame shape it has met, keyed by the frame
    file's path, size and modification time so an edited frame is picked up. ``fallbacks``
    counts documents that went through ``build_docx`` instead (the benchmark reports it).
    """

    def __init__(self) -> None:
        self._frames: dict[tuple[Any, ...], _Frame | None] = {}
        self._sect_prs: dict[tuple[Any, ...], Any] = {}
        self._computed: dict[tuple[Any, ...], frozenset[str]] = {}
        self._digests: dict[tuple[Any, ...], str] = {}
        self._disk = PickleCache("frames", _code_stamp)
        self.fallbacks = 0

    def build(
        self, markdown: str, tokens: list[Token] | None = None, pictures: dict[str, Picture] | None = None
    ) -> bytes:
        """The .docx for ``markdown``; the same document as ``build_docx(markdown, pictures)``."""
        if pictures:  # a picture is a part of its own, which the fast path does not write
            self.fallbacks += 1
            return build_docx(markdown, pictures)
        tokens = tokens if tokens is not None else parser().parse(markdown)
        try:
            return self._fast(tokens)
        except _Unsupported:
            self.fallbacks += 1
            return build_docx(markdown)

    def computed_names(self, path: Path) -> frozenset[str]:
        """The context names the frame at ``path`` uses other than verbatim (``{{ x }}``,
        ``{% if x %}``, ``{% for … in x %}``): a field among them does not reach the page
        as written, so no stand-in text may take its place."""
        stat = path.stat()
        file_key = (str(path), stat.st_mtime_ns, stat.st_size)
        if file_key not in self._computed:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found, computed = self._disk.get(f"{digest}\0computed")
            if not found:
                computed = _computed_names(path)
                self._disk.put(f"{digest}\0computed", computed)
            self._computed[file_key] = computed
        return self._computed[file_key]

    def verbatim_fields(self, path: Path) -> frozenset[str]:
        """The frame's text fields (``doc_number``, ``signer``, ``cc`` …) whose value reaches
        the page exactly as written: used by the frame in no other way."""
        computed = self.computed_names(path)
        return frozenset() if computed - set(_FIELDS) else frozenset(_TEXT_FIELDS) - computed

    def _fast(self, tokens: list[Token]) -> bytes:
        if marked_texts(tokens):
            raise _Unsupported("a draft's highlighted gaps")  # rare: drafts are built one by one
        name = frame_name(tokens)
        path = frame_path(name)
        stat = path.stat()
        file_key = (str(path), stat.st_mtime_ns, stat.st_size)
        if file_key not in self._sect_prs:
            self._sect_prs[file_key] = _frame_sect_pr(path)
            self._digests[file_key] = hashlib.sha256(path.read_bytes()).hexdigest()
        digest = self._digests[file_key]
        subdoc = _BareSubdoc()
        writer = BodyWriter(subdoc, self._sect_prs[file_key])
        try:
            writer.write(tokens)
        except (AttributeError, TypeError, etree.XMLSyntaxError) as exc:
            # The writer asked the stand-in for something only a real Subdoc has, or met
            # text XML cannot carry: build_docx gives the proper answer.
            raise _Unsupported(str(exc)) from None
        computed = self.computed_names(path)
        shape = _shape(writer.fields, computed)
        key = (*file_key, shape)
        if key not in self._frames:
            if len(self._frames) > 512:
                self._frames.clear()  # frames keyed on exact values (a 版记's 抄送) pile up
            found, frame = self._disk.get(f"{digest}\0{shape!r}")
            if not found:
                try:
                    frame = _render_frame(path, writer.fields, computed)
                except _Unsupported:
                    frame = None
                self._disk.put(f"{digest}\0{shape!r}", frame)
            self._frames[key] = frame
        frame = self._frames[key]
        if frame is None:
            raise _Unsupported(name)
        values = _values(_sentinel_names(writer.fields, computed))
        values[_BODY] = _body_xml(subdoc)
        # The writer decides whether the last section needs other settings (landscape, or
        # after several sections); it replaces the sectPr it is given when it does.
        holder = parse_xml(f"<w:body {nsdecls('w')}/>")
        original = copy.deepcopy(self._sect_prs[file_key])
        holder.append(original)
        writer.finish(original)
        final = (
            None if holder[0] is original else _BODY_TAGS.sub("", etree.tostring(holder, encoding="unicode"))
        )
        return frame.package(values, final)


def _body_xml(subdoc: _BareSubdoc) -> str:
    """The body's XML as ``build_docx`` leaves it after docxtpl's own passes."""
    xml = subdoc.xml()
    if _REWRITTEN.search(xml) or "docPr" in xml:
        raise _Unsupported("text docxtpl would rewrite, or a drawing to renumber")
    if "<w:tbl" in xml:
        # As docxtpl reconciles grid columns with cells in the rendered body.
        tree = docxtpl_adapter.fix_tables(f"<w:body {nsdecls('w')}>{xml}</w:body>")
        xml = _BODY_TAGS.sub("", etree.tostring(tree, encoding="unicode"))
    return xml


_FACTORY: DocxFactory | None = None


def factory() -> DocxFactory:
    """This process's :class:`DocxFactory`."""
    global _FACTORY
    if _FACTORY is None:
        _FACTORY = DocxFactory()
    return _FACTORY
