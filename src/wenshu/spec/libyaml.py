"""The plain YAML most specs are written in, parsed by libyaml (PyYAML's C parser).

Importing ruamel's pure-Python parser and composing a notice with it costs more than anything
else :func:`wenshu.spec.load.load_spec` does; libyaml composes the same notice in under a
millisecond. This module gives exactly what the general path gives — the same data (same
types) and the same line and column for every key and value — for the YAML specs are written
in, and None for anything else, which the general parser (ruamel) then reads and, where
wrong, words in Chinese. Tests compare the two on every YAML file of the repository and on
generated documents.

"Anything else" is what might read differently or needs the general path's care: a tag
(any ``!``), an alias, a merge key, a duplicate or non-text key, nesting deeper than the
limit (or more flow brackets than it, so libyaml's composer never recurses deep), several
documents, and any error. Scalars are resolved as YAML 1.2 (ruamel's default) resolves
them; a plain ASCII scalar that starts like a number, date or special value and is not one of
the forms below is left to the general parser.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import sys
from functools import cache
from typing import Any

from wenshu.resources import PickleCache, files_stamp

#: A value's place in a spec: keys and list positions from the top (``("body", 3, "heading")``).
Path_ = tuple[str | int, ...]
Position = tuple[int, int]
Read = tuple[Any, dict[Path_, Position], dict[Path_, Position]]

# YAML 1.2 core schema words (ruamel's resolvers for 1.2 claim exactly these).
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# The forms of number and date read here; every other plain ASCII scalar starting with one of
# MAY_RESOLVE (where YAML 1.2's int, float, timestamp, merge and value patterns start) goes to
# the general parser.
# The longest integer a spec's value is read as (digits, and bits for one written 0x…, 0o…):
# Python turns no longer one into text (sys.int_info.default_max_str_digits, 4,300), and no
# field holds a number near it. A longer one stays the text it is written as, which each
# field's check then judges, as it does for any text.
MAX_INT_DIGITS = 1000
MAX_INT_BITS = MAX_INT_DIGITS * 10 // 3
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Numbers joined by hyphens, perhaps several apart: a telephone or fax number (“010-62086559”,
# “010-62086562  62086573”, GB/T 15834 4.13.3.1). No YAML 1.2 pattern claims one — an int
# has no inner “-”, a float needs “.” or “e”, a timestamp other than the date above a “:” —
# so it is text; without this every letter with a telephone number went to the general parser.
_JOINED = re.compile(r"[0-9]+(?:-[0-9]+)+(?: +[0-9]+(?:-[0-9]+)*)*")
MAY_RESOLVE = frozenset("-+.0123456789<=!&*")


@cache
def _libyaml() -> tuple[Any, type[Exception]] | None:
    """PyYAML's C loader and its error, imported when a spec is first read: PyYAML's own
    import (its pure-Python modules, their patterns compiled: ~85 M instructions, a fifth of
    ``wenshu schema``) is not paid by a command that reads none (``wenshu schema`` from the
    cache). None: PyYAML without libyaml, and everything goes to the general parser."""
    try:
        from yaml import CBaseLoader, YAMLError
    except ImportError:
        return None
    return CBaseLoader, YAMLError


class _Unplain(Exception):
    """The document is not plain YAML: the general parser reads it."""


def _scalar(node: Any) -> Any:
    value = node.value
    if node.style:  # quoted or block: always text
        return value
    if not value:  # an empty value: ruamel places it differently, so it reads it
        raise _Unplain
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if not value.isascii() or value[0] not in MAY_RESOLVE:
        return value
    if _INT.fullmatch(value):
        return int(value) if len(value) <= MAX_INT_DIGITS else value
    if _FLOAT.fullmatch(value):
        return float(value)
    date = _DATE.fullmatch(value)
    if date:
        try:
            return dt.date(*map(int, date.groups()))
        except ValueError:  # 2023-02-30: the text; the date check says what is wrong
            return value
    if _JOINED.fullmatch(value):
        return value
    raise _Unplain


class _Reader:
    def __init__(self, max_depth: int):
        self.max_depth = max_depth
        self.seen: set[int] = set()
        self.value_pos: dict[Path_, Position] = {}
        self.key_pos: dict[Path_, Position] = {}

    def build(self, node: Any, path: Path_, depth: int) -> Any:
        if depth > self.max_depth or id(node) in self.seen:  # too deep, or an alias
            raise _Unplain
        self.seen.add(id(node))
        self.value_pos[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.id == "mapping":  # PyYAML's node kinds: mapping, sequence, scalar
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.id != "scalar":
                    raise _Unplain
                key = _scalar(key_node)
                if not isinstance(key, str | int) or isinstance(key, bool):
                    raise _Unplain
                key = str(key)
                if key in out:
                    raise _Unplain
                self.key_pos[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        if node.id == "sequence":
            return [self.build(child, path + (i,), depth + 1) for i, child in enumerate(node.value)]
        return _scalar(node)


def read(text: str, max_depth: int) -> Read | None:
    """``(data, value positions, key positions)`` of ``text`` when it is plain YAML, else None."""
    if "!" in text or text.count("[") + text.count("{") > max_depth:
        return None
    libyaml = _libyaml()
    if libyaml is None:
        return None
    loader_class, error = libyaml
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
    except error:
        return None
    finally:
        loader.dispose()
    if node is None:
        return None
    reader = _Reader(max_depth)
    try:
        data = reader.build(node, (), 0)
    except _Unplain:
        return None
    if not isinstance(data, dict):  # not a spec: the general path says what it is
        return None
    return data, reader.value_pos, reader.key_pos


def too_deep(text: str, max_depth: int) -> Position | None:
    """The line and column (1-based) of the first value of ``text`` nested in more than
    ``max_depth`` collections, read from libyaml's events (a loop, no recursion: a
    10,000-deep list takes milliseconds, where ruamel's pure-Python scanner takes seconds before
    its composer overflows Python's stack); None when there is none, or libyaml is absent or
    cannot parse ``text`` for another reason (the general parser then says what is wrong)."""
    libyaml = _libyaml()
    # Each level opens with a bracket, a new line, or a “-”/“?” (compact “- - - 1” on one line).
    if libyaml is None or sum(map(text.count, "[{\n-?")) <= max_depth:
        return None  # (too few to nest that deep)
    loader_class, error = libyaml
    loader = loader_class(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            name = type(event).__name__
            if name in ("ScalarEvent", "AliasEvent", "SequenceStartEvent", "MappingStartEvent"):
                if depth > max_depth:
                    return event.start_mark.line + 1, event.start_mark.column + 1
                depth += name.endswith("StartEvent")
            elif name in ("SequenceEndEvent", "MappingEndEvent"):
                depth -= 1
    except error as exc:
        # libyaml stops at 1,000 levels of its own (more than any limit here), before their events
        mark = getattr(exc, "problem_mark", None)
        if mark is None or "maximum nesting depth" not in str(exc):
            return None
        return mark.line + 1, mark.column + 1
    finally:
        loader.dispose()
    return None


# -- spec files read before --------------------------------------------------------------------
_KEPT_FORMAT = 1  # bump when what read gives, or how it is kept, changes


def _reader_stamp() -> str:
    """What :func:`read` gives besides the text depends on: this module's code, PyYAML's
    files (its C parser among them; found, not imported) and Python. "" when they cannot be
    read: nothing kept."""
    entries = [str(_KEPT_FORMAT), sys.version]
    try:
        found = importlib.util.find_spec("yaml")
        if found is None or not found.origin:
            return ""
        folder = os.path.dirname(found.origin)
        entries += files_stamp([__file__] + sorted(os.path.join(folder, name) for name in os.listdir(folder)))
    except (OSError, ValueError, ImportError):
        return ""
    return "\0".join(entries)


_KEPT = PickleCache("specs", _reader_stamp)


def read_kept(text: str, max_depth: int) -> Read | None:
    """:func:`read`, from the user cache when this very text was read before by this very
    code: a spec read again (a batch run once more over new data, a build after an edit of
    something else) does not import PyYAML (~90 M instructions, its patterns compiled).
    Only what :func:`read` reads is kept; for anything else it is asked again, and says None."""
    key = f"{max_depth}\0{text}"
    found, kept = _KEPT.get(key)
    if found and isinstance(kept, tuple) and len(kept) == 3:
        return kept
    plain = read(text, max_depth)
    if plain is not None:
        _KEPT.put(key, plain)
    return plain
