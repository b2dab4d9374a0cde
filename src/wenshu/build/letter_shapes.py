"""A batch's letters by shape: the Word writer runs once per shape, each letter is filled in.

Every record is validated and rendered to Markdown by its kind's template as any spec is, so
its Markdown (the .md file) is exact by construction. In that Markdown the record's own
values — the fields its row gives — are then replaced by stand-ins; what is left, the letter's
*shape*, is the same for letters that differ only in those values. A shape goes through
markdown-it-py, the Word writer and the frame (:func:`wenshu.render.package.factory`) once:
the .docx parts holding a stand-in are kept cut around it, the others deflated once, and each
letter of the shape gets its values filled into the cut parts.

The filled .docx is byte for byte the one the full path makes, because a stand-in takes a
value's place only where nothing between the Markdown and the page looks at that text:

- the value is plain text to all of them: no ASCII punctuation or letters (Markdown has
  nothing to parse in it, XML nothing to escape, docxtpl nothing to rewrite), no white space
  or control characters, none of the characters of “签发人：”, which split a 发文字号 line;
- in the Markdown, the stand-in has no emphasis delimiter, backslash, entity or letter next to
  it (a value's first and last characters do not decide anything there) and a value made of
  digits is only replaced where no digit adjoins it;
- the stand-in lies only in blocks the writer copies as text: not in a table (column widths
  come from the text), a bold run-in heading (its font comes from its ordinal), the
  发文机关标志 (its size comes from its width), the 署名 or 成文日期 (their indents come from
  their widths), an 附件 label or note, a role comment; in the 发文字号 only where the frame
  places the field verbatim.

Anything else leaves the value in the shape: the letter still gets a shape of its own, exact,
only not shared. A shape is made when a second letter has it, and is dropped unless the first
letter, built the full way, comes out the same from it; so checked, it is also kept in the
user cache for later runs. A letter whose own key has no shape fills a shape already made
when that shape's Markdown with its values is exactly its Markdown. The one-page proof
(:func:`wenshu.build.lines.lines_needed`) is counted paragraph by paragraph with the
record's values in, not by reading the .docx again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from wenshu.build.lines import body_paragraphs, lines_needed, paragraph_lines, text_lines
from wenshu.render.replay import replays
from wenshu.render.zipparts import ZipPart, read_zip, write_zip
from wenshu.resources import PickleCache, code_stamp
from wenshu.roles import BODY_STYLES
from wenshu.spec.records import RecordSpec
from wenshu.validate import validate

if TYPE_CHECKING:
    from markdown_it.token import Token

# A stand-in: two private-use characters around a third that numbers the value. Private-use
# characters are no punctuation or white space to markdown-it and need no escaping in XML, so
# a stand-in is never split. Values may hold them (offices encode their own rare characters,
# 造字, there): a letter whose Markdown holds U+E000 or U+E001 is built the full way, so a
# stand-in is never text of the letter's own.
_OPEN, _CLOSE, _FIRST = "\ue000", "\ue001", 0xE100
_STAND_IN = re.compile("\ue000([\ue100-\ue8ff])\ue001")
MAX_VALUES = 0x800  # stand-ins one letter can have
MAX_SHAPES = 256  # shapes kept per process; a batch whose letters all differ keeps the last few
_RECENT = 8  # shapes a letter whose own key has none is tried against
# Characters of “签发人：”: the writer splits a 发文字号 line there.
_SIGNER = frozenset("签发人：")
# Blocks the writer lays out from their text (widths, ordinals), besides tables and headings
# in bold: no stand-in in them.
_MEASURED_ROLES = frozenset({"attachment", "attachment-note", "signature", "date", "line"})
_COPIED_ROLES = frozenset(BODY_STYLES) - _MEASURED_ROLES
# The role comment before a block (written by wenshu.render.markdown.role).
_ROLE_NAME = re.compile(r"<!--\s*wenshu:([\w-]+)")
# What may stand right before or after a stand-in in the Markdown, among ASCII characters.
_NEIGHBOURS_BEFORE = frozenset("\n ")
_NEIGHBOURS_AFTER = frozenset("\n <")


def stand_in(index: int) -> str:
    """The stand-in for a letter's value number ``index``."""
    return f"{_OPEN}{chr(_FIRST + index)}{_CLOSE}"


@lru_cache(maxsize=4096)
def _plain_char(c: str) -> bool:
    if c.isascii():
        return c.isdigit()
    return unicodedata.category(c)[0] in "LNPS" and c not in _SIGNER


def plain(text: str) -> bool:
    """Can ``text`` stand in a shape as a value (see the module's description)?"""
    return bool(text) and all(_plain_char(c) for c in text)


def own_values(values: dict[str, Any], document: dict[str, Any]) -> list[str]:
    """The texts of a record's own scalar fields as the template sees them, in the record's
    order (a field's validated value: a number as its digits)."""
    out: list[str] = []

    def walk(given: dict[str, Any], validated: Any) -> None:
        for key, value in given.items():
            here = validated.get(key) if isinstance(validated, dict) else None
            if isinstance(value, dict):
                walk(value, here)
            elif isinstance(here, (str, int)) and not isinstance(here, bool):
                out.append(str(here))

    walk(values, document)
    return out


def _replace(text: str, value: str, by: str) -> str:
    """``text`` with ``value`` replaced ``by``, except where a digit at either end of the
    value adjoins another digit (rank 1 is no part of 2023 or 12号)."""
    digit_start, digit_end = value[0].isdigit(), value[-1].isdigit()
    if not (digit_start or digit_end):
        return text.replace(value, by)
    out, start = [], 0
    at = text.find(value)
    while at >= 0:
        end = at + len(value)
        if (digit_start and at and text[at - 1].isdigit()) or (digit_end and text[end : end + 1].isdigit()):
            at = text.find(value, at + 1)
            continue
        out += (text[start:at], by)
        start = end
        at = text.find(value, end)
    out.append(text[start:])
    return "".join(out)


def cut(markdown: str, values: list[str]) -> str:
    """``markdown`` with each plain value replaced by its stand-in (longest first, so a value
    inside another is not cut out of it); filling the stand-ins in gives ``markdown`` back."""
    order = sorted((i for i, v in enumerate(values[:MAX_VALUES]) if plain(v)), key=lambda i: -len(values[i]))
    for i in order:
        markdown = _replace(markdown, values[i], stand_in(i))
    return markdown


def pieces(text: str) -> list[str]:
    """Cut text as pieces: literal, stand-in number, literal, …"""
    return _STAND_IN.split(text)


def filled(pieces: list[Any], values: list[Any]) -> list[Any]:
    """Cut text (literal, stand-in number, literal, …) with ``values`` in, as pieces: text, or
    its UTF-8 bytes with the values' bytes."""
    out = pieces[:]
    for i in range(1, len(out), 2):
        out[i] = values[ord(out[i]) - _FIRST]
    return out


def fill(pieces: list[str], values: list[str]) -> str:
    """Cut text (literal, stand-in number, literal, …) with ``values`` in."""
    return "".join(filled(pieces, values))


# -- which shapes may be shared -------------------------------------------------------------------
def _neighbours_plain(text: str) -> bool:
    for m in _STAND_IN.finditer(text):
        before = text[m.start() - 1] if m.start() else "\n"
        after = text[m.end()] if m.end() < len(text) else "\n"
        if before.isascii() and before not in _NEIGHBOURS_BEFORE and not before.isdigit():
            return False
        if after.isascii() and after not in _NEIGHBOURS_AFTER and not after.isdigit():
            return False
    return True


def _blocks(tokens: list[Token]) -> Iterator[tuple[str | None, bool, Token]]:
    """Each inline token with the role of its block (``"#"`` for a heading) and whether it
    lies in a table, as the writer reads them (:meth:`wenshu.render.docx.BodyWriter.write`)."""
    role: str | None = None
    block: str | None = None
    in_table = False
    for tok in tokens:
        if tok.type == "html_block":
            m = _ROLE_NAME.match(tok.content.strip())
            role = m.group(1) if m else None
        elif tok.type == "heading_open":
            block, role = "#", None
        elif tok.type == "paragraph_open":
            block, role = role, None
        elif tok.type == "table_open":
            in_table, role = True, None
        elif tok.type == "table_close":
            in_table = False
        elif tok.type == "inline":
            yield block, in_table, tok


def _copied_as_text(tokens: list[Token], verbatim: frozenset[str]) -> bool:
    """Does every stand-in lie where the writer and the frame copy text as it is?"""
    for tok in tokens:
        if tok.type != "inline" and _OPEN in tok.content:
            return False  # in a role comment or anything else the writer reads
    for role, in_table, tok in _blocks(tokens):
        if _OPEN not in tok.content:
            continue
        if in_table:
            return False
        if role == "doc-number":
            if not {"doc_number", "signer"} <= verbatim or "WENSHU" in tok.content:
                return False  # the frame does more with it, or its own stand-ins could form
        elif role not in (None, "#") and role not in _COPIED_ROLES:
            return False
        strong = False
        for child in tok.children or []:
            if child.type == "strong_open":
                strong = True
            elif child.type == "strong_close":
                strong = False
            elif _OPEN in child.content and (child.type != "text" or strong):
                return False
    return True


# -- shapes ---------------------------------------------------------------------------------------
@dataclass
class Shape:
    """One shape of letter: its .docx parts (deflated, or cut around stand-ins) and its lines."""

    # A cut part: its name and its UTF-8 text as pieces (literal bytes, stand-in number, …):
    # a letter encodes only its own values, not the part's whole text again.
    parts: list[ZipPart | tuple[str, list[bytes | str]]]
    fixed_lines: int  # lines of the paragraphs without a stand-in
    cut_paragraphs: list[tuple[bool, list[str], int]]  # (title, cut text, line breaks)
    counted: bool  # False: the lines cannot be counted (a table, a section break)
    text: list[str]  # the cut Markdown, as pieces

    def fills_to(self, markdown: str, values: list[str]) -> bool:
        """Is ``markdown`` this shape's Markdown with ``values`` in? Then the shape makes
        that letter exactly: every stand-in in it lies where text is copied as it is."""
        if any(ord(n) - _FIRST >= len(values) for n in self.text[1::2]):
            return False
        return fill(self.text, values) == markdown

    def docx(self, values: list[str]) -> bytes:
        """The letter's .docx with ``values`` in."""
        encoded = [v.encode("utf-8") for v in values]
        parts = [
            part if isinstance(part, ZipPart) else ZipPart.own(part[0], b"".join(filled(part[1], encoded)))
            for part in self.parts
        ]
        return write_zip(parts)

    def lines(self, values: list[str]) -> int | None:
        """:func:`~wenshu.build.lines.lines_needed` of :meth:`docx` for ``values``."""
        if not self.counted:
            return None
        lines = self.fixed_lines
        for title, text, breaks in self.cut_paragraphs:
            lines += text_lines(title, "".join(filled(text, values))) + breaks
        return lines


def _shape_of(shape_text: str) -> Shape | None:
    """The shape of a cut Markdown text, or None when it cannot be shared."""
    if not _neighbours_plain(shape_text):
        return None
    # The Word writer (python-docx, markdown-it) is imported only when a shape is made.
    from wenshu.render.docx import frame_name, frame_path, parser
    from wenshu.render.package import factory

    tokens = parser().parse(shape_text)
    if not _copied_as_text(tokens, factory().verbatim_fields(frame_path(frame_name(tokens)))):
        return None
    made = factory()
    before = made.fallbacks
    docx = made.build(shape_text, tokens)
    if made.fallbacks != before:
        return None
    parts: list[ZipPart | tuple[str, list[bytes | str]]] = []
    for name, data in read_zip(docx):
        text = data.decode("utf-8") if name.endswith((".xml", ".rels")) else ""
        if _OPEN not in text:
            parts.append(ZipPart.of(name, data))
            continue
        cut_text = pieces(text)
        if any(_OPEN in p or _CLOSE in p for p in cut_text[::2]):
            return None  # a stand-in came out broken
        parts.append((name, [p.encode("utf-8") if i % 2 == 0 else p for i, p in enumerate(cut_text)]))
    paragraphs = body_paragraphs(docx)
    fixed, cut_paragraphs = 0, []
    for title, text, breaks in paragraphs or []:
        if _OPEN in text:
            cut_paragraphs.append((title, pieces(text), breaks))
        else:
            fixed += paragraph_lines(title, text, breaks)
    return Shape(parts, fixed, cut_paragraphs, paragraphs is not None, pieces(shape_text))


# -- shapes kept on disk ----------------------------------------------------------------------
_SHAPE_CACHE_FORMAT = 4  # bump when Shape, or what a shape is made from, changes
# The libraries between a shape's Markdown and its .docx: parser, Word writer, frame renderer.
_LIBRARIES = ("markdown_it", "docx", "docxtpl", "lxml", "jinja2")


def _code_stamp() -> str:
    """What a shape depends on besides its cut Markdown: wenshu's code (the writer, the roles
    and layout it reads, the line count), the frame files and the libraries that parse, write
    and render (:func:`wenshu.resources.code_stamp`). "" when something cannot be read: no cache."""
    stamp = code_stamp(extra_libraries=_LIBRARIES, resources=("templates/frames",))
    return stamp and f"{_SHAPE_CACHE_FORMAT}\0{stamp}"


@dataclass
class Letter:
    """One record's letter, in memory: its files by format and the lines its body takes."""

    files: dict[str, bytes]
    lines: int | None
    shared: bool  # filled into a shared shape (False: built the full way)


class Shapes:
    """The shapes met in this process, keyed by their cut Markdown.

    A shape is made when a second letter has it: a letter whose shape no other letter
    shares is built the full way only, as it would be without shapes. The first letter's
    .docx is kept until then, and the shape is used only if it fills to that very file.
    A shape made so is also kept in the user cache (``disk``), where a later run finds it.
    """

    def __init__(self, *, disk: bool = True) -> None:
        self._shapes: dict[str, Shape | None] = {}  # None: not to be shared
        self._once: dict[str, tuple[list[str], bytes]] = {}  # met once: the values and .docx
        self._disk = PickleCache("shapes", _code_stamp) if disk else None
        self._recent: list[Shape] = []  # the last shapes kept, newest first
        self.filled = 0  # letters filled into a shared shape

    def letter(self, spec: RecordSpec, formats: tuple[str, ...]) -> Letter:
        """Validate and render one record's letter (raises :class:`WenshuError` as
        :func:`wenshu.build.document.render_spec` does)."""
        kind, document = validate(spec)
        markdown = replays().markdown(kind, document, spec.record.values, spec.name)
        files = {"md": markdown.encode("utf-8")} if "md" in formats else {}
        if "docx" not in formats:
            return Letter(files, None, True)
        if _OPEN in markdown or _CLOSE in markdown:
            # Text that could pass for a stand-in: neither cut nor filled (the Markdown holds
            # every value the letter prints).
            files["docx"] = self._full(markdown)
            return Letter(files, lines_needed(files["docx"]), False)
        values = own_values(spec.record.values, document)
        key = cut(markdown, values)
        shape = self._shapes.get(key)
        if key not in self._shapes and self._disk is not None and _OPEN in key:
            found, kept = self._disk.get(key)
            if found and isinstance(kept, Shape):
                shape = kept
                self._keep(key, shape)
        if shape is None:
            # A value that also stands where the letters share their text (rank 8 in
            # 9月8日) is cut there too, which gives this letter a key of its own; a shape
            # already made may still fill to it exactly.
            shape = next((s for s in self._recent if s.fills_to(markdown, values)), None)
        if shape is None:
            # Popped at once: the workbench's threads share these shapes.
            once = self._once.pop(key, None)
            if once is not None:
                shape = self._new_shape(key, *once)
        if shape is None:
            files["docx"] = self._full(markdown)
            if key not in self._shapes and _OPEN in key:
                if len(self._once) >= MAX_SHAPES:
                    self._once.clear()
                self._once[key] = (values, files["docx"])
            return Letter(files, lines_needed(files["docx"]), False)
        files["docx"] = shape.docx(values)
        self.filled += 1
        return Letter(files, shape.lines(values), True)

    def _new_shape(self, key: str, values: list[str], docx: bytes) -> Shape | None:
        """The shape of ``key``, checked against a letter built the full way with it."""
        shape = _shape_of(key)
        if shape is not None and (shape.docx(values) != docx or shape.lines(values) != lines_needed(docx)):
            shape = None  # never expected; the full path stays right
        self._keep(key, shape)
        if shape is not None and self._disk is not None:
            self._disk.put(key, shape)
        return shape

    def _keep(self, key: str, shape: Shape | None) -> None:
        if len(self._shapes) >= MAX_SHAPES:
            self._shapes.clear()
        self._shapes[key] = shape
        if shape is not None:
            self._recent = [shape, *self._recent[: _RECENT - 1]]

    def shared_shapes(self) -> list[Shape]:
        """The shapes kept that letters share."""
        return [s for s in self._shapes.values() if s is not None]

    @staticmethod
    def _full(markdown: str) -> bytes:
        from wenshu.render.docx import parser
        from wenshu.render.package import factory

        return factory().build(markdown, parser().parse(markdown))


_SHAPES: Shapes | None = None


def shapes() -> Shapes:
    """This process's :class:`Shapes`."""
    global _SHAPES
    if _SHAPES is None:
        _SHAPES = Shapes()
    return _SHAPES
