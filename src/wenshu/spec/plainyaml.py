"""The plain YAML most specs are written in, read without the general YAML parser.

A spec is almost always block mappings and block sequences of one-line scalars. Importing
ruamel's pure-Python parser and composing a notice with it costs more than anything else
:func:`wenshu.spec.load.load_spec` does, so this reader takes that subset first and gives
exactly what the general path gives: the same data (same types) and the same line and
column for every key and value. Anything outside the subset — flow collections, block
scalars, anchors, tags, multi-line scalars, empty values, a float, a quoted key, a tab, a
duplicate key, anything YAML would call an error — makes :func:`read` return None, and the
general parser reads the file (and words any error). Tests compare the two readers on
every example and on generated documents.

Scalars are resolved as YAML 1.2 resolves them (ruamel's default): a plain scalar that no
implicit resolver can claim is a string, ``true``/``false`` are booleans, ``null`` and ``~``
are None, a decimal integer is an int, a decimal fraction (``81.5``) a float and a
``YYYY-MM-DD`` date a date (or, when no such day exists, the text, as the general path
keeps it); whatever else a resolver claims is left to the general parser.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

#: A value's place in a spec: keys and list positions from the top (``("body", 3, "heading")``).
Path_ = tuple[str | int, ...]
Position = tuple[int, int]

# Characters that cannot start a plain scalar here (YAML's indicators; ``-``, ``?`` and
# ``:`` can in YAML when a non-space follows, but such a value is left to the parser).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# First characters of every YAML 1.2 implicit resolver: a plain scalar starting with any
# other character is a string whatever follows (a test checks this against ruamel).
RESOLVER_FIRST = frozenset("tTfF-+0123456789.<~nN=!&*")
# The YAML 1.2 patterns of ruamel's resolvers that a scalar starting with a digit, sign or
# dot may match (a test checks they are ruamel's; compiled only when such a scalar is
# met): such a scalar is left to the parser unless it is a decimal integer, fraction or date.
RESOLVER_PATTERNS = {
    "float": """^(?:
         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\\.(?:inf|Inf|INF)
        |\\.(?:nan|NaN|NAN))$""",
    "int": """^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""",
    "timestamp": """^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \\t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?
        (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
}
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("~", "null", "Null", "NULL"), None),
}
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_POINT = re.compile(r"[0-9]+\.[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Anything the subset leaves to the parser wherever it stands: tabs and carriage returns,
# YAML's other line breaks, a byte-order mark inside, and the characters YAML refuses
# (what ruamel's reader calls non-printable, written as the complement of its class).
_OUTSIDE = re.compile(
    "[\t\r\x85\u2028\u2029\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)


class _Unsupported(Exception):
    """Outside the subset: the general parser reads this file."""


class _Reader:
    def __init__(self, text: str, max_depth: int):
        self.max_depth = max_depth
        # (line number, indent, content) of each line that is neither blank nor a comment
        self.rows: list[tuple[int, int, str]] = []
        for number, line in enumerate(text.split("\n")):
            content = line.rstrip(" ")
            stripped = content.lstrip(" ")
            if not stripped or stripped.startswith("#"):
                continue
            if content.startswith(("---", "...")):
                raise _Unsupported("a document marker")
            self.rows.append((number, len(content) - len(stripped), content))
        self.i = 0
        self.value_pos: dict[Path_, Position] = {}
        self.key_pos: dict[Path_, Position] = {}

    def indent(self) -> int:
        """The indent of the next row, or -1 past the last."""
        return self.rows[self.i][1] if self.i < len(self.rows) else -1

    def document(self) -> dict[str, Any]:
        if not self.rows:
            raise _Unsupported("no content")
        number, indent, content = self.rows[0]
        if not _key_split(content[indent:]):
            raise _Unsupported("not a mapping")
        data = self.mapping(indent, (), 0)
        if self.i < len(self.rows):
            raise _Unsupported("content after the top-level mapping")
        return data

    def node(self, column: int, path: Path_, depth: int) -> Any:
        """The node starting on the next row, at ``column`` of it."""
        content = self.rows[self.i][2][column:]
        if content == "-" or content.startswith("- "):
            return self.sequence(column, path, depth)
        if _key_split(content):
            return self.mapping(column, path, depth)
        number = self.rows[self.i][0]
        value = self.scalar(content, number, column, path, depth)
        self.i += 1
        return value

    def mapping(self, column: int, path: Path_, depth: int) -> dict[str, Any]:
        """A block mapping whose keys stand at ``column``; the first is on the next row."""
        if depth >= self.max_depth:
            raise _Unsupported("too deep")  # the parser says so (its items would be deeper still)
        number = self.rows[self.i][0]
        self.value_pos[path] = (number + 1, column + 1)
        out: dict[str, Any] = {}
        while True:
            number, _, line = self.rows[self.i]
            split = _key_split(line[column:])
            if split is None:
                raise _Unsupported("not a key")
            key_text, rest, rest_at = split
            key = _key(key_text)
            if key in out:
                raise _Unsupported("a duplicate key")
            here = path + (key,)
            self.key_pos[here] = (number + 1, column + 1)
            if rest:
                out[key] = self.scalar(rest, number, column + rest_at, here, depth + 1)
                self.i += 1
            else:
                self.i += 1
                below = self.indent()
                if below > column:
                    out[key] = self.node(below, here, depth + 1)
                elif below == column and self._dash_row(column):
                    out[key] = self.sequence(column, here, depth + 1)  # an indentless sequence
                else:
                    raise _Unsupported("an empty value")
            after = self.indent()
            if after < column:
                return out
            if after > column:
                raise _Unsupported("a continued scalar or a stray indent")

    def sequence(self, column: int, path: Path_, depth: int) -> list[Any]:
        """A block sequence whose dashes stand at ``column``; the first is on the next row."""
        if depth >= self.max_depth:
            raise _Unsupported("too deep")  # the parser says so (its items would be deeper still)
        self.value_pos[path] = (self.rows[self.i][0] + 1, column + 1)
        out: list[Any] = []
        while True:
            number, _, line = self.rows[self.i]
            here = path + (len(out),)
            item = line[column + 1 :]
            content = item.lstrip(" ")
            at = column + 1 + len(item) - len(content)
            if not content or content.startswith("#"):
                self.i += 1
                below = self.indent()
                if below <= column:
                    raise _Unsupported("an empty item")
                out.append(self.node(below, here, depth + 1))
            elif content == "-" or content.startswith("- "):
                raise _Unsupported("a sequence in a sequence on one line")
            elif _key_split(content):
                out.append(self.mapping(at, here, depth + 1))  # a mapping begun on the dash's line
            else:
                out.append(self.scalar(content, number, at, here, depth + 1))
                self.i += 1
            after = self.indent()
            if after < column or (after == column and not self._dash_row(column)):
                return out  # what follows belongs to an enclosing mapping
            if after > column:
                raise _Unsupported("a continued scalar or a stray indent")

    def _dash_row(self, column: int) -> bool:
        content = self.rows[self.i][2][column:]
        return content == "-" or content.startswith("- ")

    def scalar(self, text: str, number: int, column: int, path: Path_, depth: int) -> Any:
        """The one-line scalar (or flow collection) ``text`` at ``column`` of line ``number``."""
        self.value_pos[path] = (number + 1, column + 1)
        if text[0] in "'\"":
            return _quoted(text)
        if text[0] in "[{":
            value, end = _Flow(self, text, number, column).collection(0, path, depth)
            tail = text[end:]
            if tail.strip(" ") and not (tail.startswith(" ") and tail.lstrip(" ").startswith("#")):
                raise _Unsupported("text after a flow collection")
            return value
        text = _uncommented(text)
        if ": " in text or text.endswith(":"):
            raise _Unsupported("a mapping where a scalar belongs")
        return _resolve(text)


class _Flow:
    """A flow collection (``[a, b]``, ``{k: v}``, nested) that ends on its line, of plain
    scalars without ``:`` or ``#`` in them."""

    def __init__(self, reader: _Reader, text: str, number: int, column: int):
        self.reader, self.text, self.number, self.column = reader, text, number, column

    def _skip(self, i: int) -> int:
        while i < len(self.text) and self.text[i] == " ":
            i += 1
        return i

    def _mark(self, i: int) -> Position:
        return self.number + 1, self.column + i + 1

    def collection(self, i: int, path: Path_, depth: int) -> tuple[Any, int]:
        """The collection opening at ``i``, and where its closing bracket ends."""
        if depth >= self.reader.max_depth:
            raise _Unsupported("too deep")
        self.reader.value_pos[path] = self._mark(i)
        closing = "]" if self.text[i] == "[" else "}"
        out: Any = [] if closing == "]" else {}
        i = self._skip(i + 1)
        if self.text[i : i + 1] == closing:
            return out, i + 1
        while True:
            if closing == "]":
                item, i = self.item(i, path + (len(out),), depth + 1, ",]")
                out.append(item)
            else:
                start = i
                key_text, i = self.plain(i, ":")
                if self.text[i : i + 2] != ": ":
                    raise _Unsupported("a flow key without ': '")
                key = _key(key_text)
                if key in out:
                    raise _Unsupported("a duplicate key")
                self.reader.key_pos[path + (key,)] = self._mark(start)
                out[key], i = self.item(self._skip(i + 2), path + (key,), depth + 1, ",}")
            i = self._skip(i)
            if self.text[i : i + 1] == closing:
                return out, i + 1
            if self.text[i : i + 1] != ",":
                raise _Unsupported("a flow collection not closed on its line")
            i = self._skip(i + 1)

    def item(self, i: int, path: Path_, depth: int, ends: str) -> tuple[Any, int]:
        if self.text[i : i + 1] in ("[", "{"):
            return self.collection(i, path, depth)
        self.reader.value_pos[path] = self._mark(i)
        text, i = self.plain(i, ends)
        return _resolve(text), i

    def plain(self, i: int, ends: str) -> tuple[str, int]:
        """The plain scalar at ``i``, up to one of ``ends`` (or the line's end)."""
        end = i
        while end < len(self.text) and self.text[end] not in ends:
            if self.text[end] in ":#[]{},":
                raise _Unsupported("a flow scalar this reader leaves to the parser")
            end += 1
        text = self.text[i:end].rstrip(" ")
        if not text:
            raise _Unsupported("an empty flow entry")
        return text, end


def _key(text: str) -> str:
    """A key as the general path makes it: a string, or the digits of an integer."""
    key = _resolve(text)
    if isinstance(key, int) and not isinstance(key, bool):
        return text  # str() of a decimal integer is its text
    if not isinstance(key, str):
        raise _Unsupported("a key that is neither text nor a decimal integer")
    return key


def _uncommented(text: str) -> str:
    """``text`` up to a comment (`` #``), trailing spaces dropped."""
    at = text.find(" #")
    return text if at < 0 else text[:at].rstrip(" ")


def _key_split(content: str) -> tuple[str, str, int] | None:
    """(key, the value's text, the value's offset) when ``content`` is ``key: value`` or
    ``key:``; None when it is no plain key (a scalar, or a quoted key left to the parser)."""
    if not content or content[0] in _INDICATORS:
        return None
    text = _uncommented(content)
    at = text.find(": ")
    if at < 0:
        if not text.endswith(":"):
            return None
        at = len(text) - 1
    key = text[:at]
    if not key or key != key.rstrip(" "):
        raise _Unsupported("a key with spaces before its colon")
    rest = content[at + 1 :]
    value = rest.lstrip(" ")
    if value.startswith("#"):
        value = ""
    return key, value, at + 1 + len(rest) - len(value)


def _quoted(text: str) -> str:
    """A single- or double-quoted scalar that ends on its line (nothing but a comment after it)."""
    quote = text[0]
    if quote == "'":
        out, i = [], 1
        while True:
            end = text.find("'", i)
            if end < 0:
                raise _Unsupported("a quoted scalar over several lines")
            out.append(text[i:end])
            if text[end + 1 : end + 2] != "'":
                break
            out.append("'")
            i = end + 2
        value = "".join(out)
    else:
        end = text.find('"', 1)
        if end < 0 or "\\" in text[:end]:
            raise _Unsupported("an escape, or a quoted scalar over several lines")
        value = text[1:end]
    tail = text[end + 1 :]
    if tail.strip(" ") and not (tail.startswith(" ") and tail.lstrip(" ").startswith("#")):
        raise _Unsupported("text after a quoted scalar")
    return value


@cache
def _resolver_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(source, re.X) for source in RESOLVER_PATTERNS.values())


def _resolve(text: str) -> Any:
    """The value of the plain scalar ``text``, as YAML 1.2 resolves it."""
    if not text or text[0] in _INDICATORS:
        raise _Unsupported("an indicator")
    if text[0] not in RESOLVER_FIRST or not text.isascii():
        return text  # every resolver's pattern is ASCII
    if text in _WORDS:
        return _WORDS[text]
    if text[0] not in "-+0123456789.<=":
        return text  # the booleans' and nulls' first letters, in no other word
    if _DECIMAL.fullmatch(text):
        return int(text)
    if _POINT.fullmatch(text):
        return float(text)
    if date := _DATE.fullmatch(text):
        try:
            return dt.date(*(int(part) for part in date.groups()))
        except ValueError:
            return text  # no such day: the text, which the date check then explains
    if any(pattern.match(text) for pattern in _resolver_patterns()) or text in ("<<", "="):
        raise _Unsupported("a float, a special integer or a timestamp")
    return text


Read = tuple[dict[str, Any], dict[Path_, Position], dict[Path_, Position]]


def read(text: str, max_depth: int) -> Read | None:
    """(data, value positions, key positions) of ``text`` — positions 1-based (line, column)
    by path, as :class:`wenshu.spec.load.Spec` keeps them — or None when ``text`` is not in
    the subset (or nested deeper than ``max_depth``)."""
    text = text.replace("\r\n", "\n")  # a file saved on Windows: the same lines and columns
    if _OUTSIDE.search(text):
        return None
    try:
        reader = _Reader(text, max_depth)
        data = reader.document()
    except (_Unsupported, IndexError):
        return None
    return data, reader.value_pos, reader.key_pos
