"""A kind's schema as an HTML form, and a posted form back into the spec's YAML.

The form is generated from the Cerberus schema (labels and help from ``meta``): scalars,
mappings, lists that can be added to and reordered, tables edited as grids. Anything the
form cannot show faithfully (a mapping of free keys, a value of the wrong shape) is left
to the YAML view and never touched by a form save.

Every input is named ``<letter>:<JSON path>``: ``v`` a value, ``c`` "this field is on the
form" (so a cleared field is removed, an untouched one kept), ``o`` a list item's original
position (so a reordered item keeps its comments and any keys the form does not show).
The page's script renumbers list positions before a submit.

A save edits the ruamel round-trip tree in place, so comments, key order and quoting of
untouched values stay as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from wenshu.errors import Problem
from wenshu.spec import PLACEHOLDER
from wenshu.spec.kinds import Kind, choice_names, definitions, help_text
from wenshu.spec.libyaml import MAX_INT_DIGITS
from wenshu.spec.load import Spec, field_name

Path_ = tuple[str | int, ...]
SCALAR_TYPES = {"string", "integer", "number", "float", "boolean", "cn_date", "doc_number", "date"}
MAX_DEPTH = 24  # deeper values are left to the YAML view; deeper posted paths are ignored
_MISSING = object()
_COMMENTED_KEY = re.compile(r"^[a-z_]+:(\s|$)")


@dataclass
class Field:
    """One node of the generated form."""

    path: Path_
    label: str
    widget: str  # text, textarea, select, bool, group, table, list, row, yaml
    help: str = ""
    guidance: str = ""
    value: str = ""
    choices: list[str] = field(default_factory=list)
    choice_names: dict[str, str] = field(default_factory=dict)  # a coded choice's Chinese name
    children: list[Field] = field(default_factory=list)
    template: str = ""  # for a list: the key of its "add" templates in FormBuilder.templates
    problems: list[str] = field(default_factory=list)
    orig: int | None = None  # position in the file's list, for list items
    required: bool = False
    present: bool = False  # the file has a value here

    def name(self, letter: str = "v") -> str:
        """The input name for this node's ``letter`` (v, c, o)."""
        return f"{letter}:{json.dumps(list(self.path), ensure_ascii=False)}"

    @property
    def depth(self) -> int:
        """The position of a list's items in their paths (for renumbering in the page)."""
        return len(self.path)

    @property
    def prefix(self) -> str:
        """This node's path as JSON (a list's "add" templates are relative to it)."""
        return json.dumps(list(self.path), ensure_ascii=False)

    @property
    def field_id(self) -> str:
        """The field as messages name it (``body[2].heading``)."""
        return field_name(self.path)

    def walk(self):
        """This node and every node below it."""
        yield self
        for child in self.children:
            yield from child.walk()


def _types(rule: dict[str, Any]) -> list[str]:
    t = rule.get("type", "string")
    return list(t) if isinstance(t, list) else [t]


def _sub(rule: dict[str, Any]) -> Any:
    sub = rule.get("schema")
    return definitions().get(sub) if isinstance(sub, str) else sub


def display(value: Any) -> str:
    """A YAML value as the form shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _shape(rule: dict[str, Any], value: Any) -> str:
    """How a value under ``rule`` is shown: scalar, group, list or yaml."""
    types = _types(rule)
    sub = _sub(rule)
    if isinstance(value, list) or (value is None and types == ["list"]):
        if "list" in types and isinstance(sub, dict) and "type" in sub:
            return "list"
        return "yaml"
    if isinstance(value, dict) or (value is None and types == ["dict"]):
        if "dict" in types and isinstance(sub, dict) and all(isinstance(v, dict) for v in sub.values()):
            return "group"
        return "yaml"
    if SCALAR_TYPES & set(types):
        return "scalar"
    return "yaml"


class FormBuilder:
    """Builds the :class:`Field` tree of one spec."""

    def __init__(self, kind: Kind, spec: Spec | None, text: str):
        self.kind = kind
        self.spec = spec
        self.lines = text.splitlines()
        # "Add" templates, once per item schema, with paths relative to their list (the
        # page's script puts the list's path in front): a block's body holds blocks, so a
        # template per list would nest without end and repeat for every list on the page.
        self.templates: dict[str, list[tuple[str, Field]]] = {}

    def build(self, data: dict[str, Any]) -> list[Field]:
        """The top-level fields, in schema order (``kind`` is fixed and not shown)."""
        return [
            self.field(rule, data.get(key), (key,), rule.get("meta", {}).get("label", key), 0)
            for key, rule in self.kind.schema.items()
            if key != "kind"
        ]

    def _guidance(self, path: Path_) -> str:
        """The comment lines right above ``path``'s key in the file (the skeleton's advice);
        for an optional top-level field the skeleton left commented out (``# label: …``),
        the comments above that line."""
        if self.spec is None:
            return ""
        if path in self.spec.key_pos:
            line = self.spec.key_pos[path][0] - 2
        elif len(path) == 1:
            commented = re.compile(rf"^#\s*{re.escape(str(path[0]))}:")
            line = next((i - 1 for i, text in enumerate(self.lines) if commented.match(text)), -1)
        else:
            return ""
        found = []
        while 0 <= line < len(self.lines) and self.lines[line].lstrip().startswith("#"):
            text = self.lines[line].lstrip().lstrip("#").strip()
            if _COMMENTED_KEY.match(text):
                break  # advice for a field left commented out, not for this one
            found.append(text)
            line -= 1
        return "\n".join(reversed(found))

    def field(
        self, rule: dict[str, Any], value: Any, path: Path_, label: str, in_template: bool = False
    ) -> Field:
        """The node for ``value`` under ``rule`` at ``path``."""
        node = Field(
            path,
            label,
            "yaml",
            help=help_text(rule),
            guidance="" if in_template else self._guidance(path),
            required=bool(rule.get("required")),
            present=value is not None,
        )
        shape = _shape(rule, value) if len(path) < MAX_DEPTH else "yaml"
        if shape == "scalar":
            self._scalar(node, rule, value)
        elif shape == "group":
            self._group(node, rule, value, in_template)
        elif shape == "list":
            self._list(node, rule, value, in_template)
        return node

    def _scalar(self, node: Field, rule: dict[str, Any], value: Any) -> None:
        node.value = display(value)
        types = _types(rule)
        if "allowed" in rule:
            node.widget = "select"
            node.choices = [display(c) for c in rule["allowed"]]
            node.choice_names = {display(c): n for c, n in choice_names(rule).items()}
        elif types == ["boolean"]:
            node.widget = "bool"
        elif (
            "\n" in node.value
            or "dict" in types
            or rule.get("meta", {}).get("sentence")
            or len(node.value) > 40
        ):
            node.widget = "textarea"
        else:
            node.widget = "text"

    def _group(self, node: Field, rule: dict[str, Any], value: Any, in_template: bool) -> None:
        sub = _sub(rule)
        value = value or {}
        node.widget = "table" if rule.get("schema") == "table" else "group"
        for key, subrule in sub.items():
            label = subrule.get("meta", {}).get("label", key)
            node.children.append(self.field(subrule, value.get(key), node.path + (key,), label, in_template))
        if node.widget == "table":
            rows = next(c for c in node.children if c.path[-1] == "rows")
            columns = next(c for c in node.children if c.path[-1] == "columns")
            width = max([len(columns.children)] + [len(r.children) for r in rows.children] + [1])
            for row in rows.children:
                row.widget = "row"
            if rows.widget == "list":
                rows.template = f"row{width}"
                if rows.template not in self.templates:
                    cell = {"type": ["string", "integer", "float"]}
                    blank = Field((0,), "", "row")
                    blank.children = [self.field(cell, None, (0, j), "", True) for j in range(width)]
                    self.templates[rows.template] = [("加一行", blank)]

    def _list(self, node: Field, rule: dict[str, Any], value: Any, in_template: bool) -> None:
        node.widget = "list"
        item = _sub(rule)
        for i, v in enumerate(value or []):
            child = self.field(item, v, node.path + (i,), f"第 {i + 1} 项", in_template)
            child.orig = i
            node.children.append(child)
        key = "tpl-" + hashlib.sha1(json.dumps(item, sort_keys=True).encode("utf-8")).hexdigest()[:12]
        node.template = key
        if key in self.templates:
            return
        self.templates[key] = []  # reserved first: the item may hold lists of itself
        types = _types(item)
        paragraph = "加一段" if "dict" in types else "加一项"  # a block list: paragraphs and blocks
        variants = [("string", paragraph)] if "string" in types else []
        variants += [("dict", "加一块" if variants else "加一项")] if "dict" in types else []
        variants += [(t, "加一项") for t in types if t not in ("string", "dict") and t in SCALAR_TYPES]
        for t, caption in variants[:2]:
            blank = {"list": [], "dict": {}}.get(t)
            one = {**item, "type": t}
            if t == "string" and "dict" in types:
                one["meta"] = {**item.get("meta", {}), "sentence": True}  # a paragraph: a text box
            self.templates[key].append((caption, self.field(one, blank, (0,), "新项", True)))


def attach_problems(fields: list[Field], problems: list[Problem]) -> list[Problem]:
    """Put each problem on the deepest form node it names; return the ones no node takes."""
    nodes = {n.field_id: n for f in fields for n in f.walk()}
    left = []
    for problem in problems:
        name = problem.field or ""
        while name and name not in nodes:
            cut = max(name.rfind("."), name.rfind("["))
            name = name[:cut] if cut > 0 else ""
        if name and PLACEHOLDER in problem.message and PLACEHOLDER in nodes[name].value:
            continue  # an unfilled value: marked yellow at its field, as in drafts
        if name:
            nodes[name].problems.append(problem.message)
        else:
            left.append(problem)
    return left


# -- a posted form back into YAML --------------------------------------------------------------
@dataclass
class Posted:
    """The form as posted: values, controlled fields and original list positions by path."""

    values: dict[Path_, str]
    controlled: set[Path_]
    origs: dict[Path_, int | None]

    @classmethod
    def parse(cls, items: list[tuple[str, str]]) -> Posted:
        """Read the ``<letter>:<JSON path>`` inputs; anything else is ignored."""
        posted = cls({}, set(), {})
        for name, value in items:
            letter, _, raw = name.partition(":")
            if letter not in ("v", "c", "o") or not raw.startswith("["):
                continue
            try:
                path = tuple(json.loads(raw))
            except ValueError:
                continue
            if len(path) > MAX_DEPTH or not all(
                isinstance(p, (str, int)) and not isinstance(p, bool) for p in path
            ):
                continue
            if letter == "v":
                posted.values[path] = value.replace("\r\n", "\n")
            elif letter == "c":
                posted.controlled.add(path)
            else:
                # a list position: a few ASCII digits ("²".isdigit() is true, int() refuses it)
                posted.origs[path] = int(value) if _POSITION.fullmatch(value) else None
        return posted


_POSITION = re.compile(r"[0-9]{1,9}")
# Numbers as the spec's reader takes them (wenshu.spec.libyaml.MAX_INT_DIGITS): a longer one
# stays text, as in the YAML, and validation says the field wants a number.
_INTEGER = re.compile(rf"-?[0-9]{{1,{MAX_INT_DIGITS}}}")
_NUMBER = re.compile(rf"-?[0-9]{{1,{MAX_INT_DIGITS}}}(\.[0-9]+)?")


def _coerce(text: str, rule: dict[str, Any]) -> Any:
    """The typed value of a form's text: a number where the schema wants one and the text is
    one; otherwise the text itself, which validation then reports in the CLI's words."""
    types = _types(rule)
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "integer" in types and _INTEGER.fullmatch(text.strip()):
        return int(text)
    if {"number", "float"} & set(types) and _NUMBER.fullmatch(text.strip()):
        return float(text) if "." in text else int(text)
    return LiteralScalarString(text) if "\n" in text else text


class Merger:
    """Applies a :class:`Posted` form to the round-trip tree of a spec."""

    def __init__(self, kind: Kind, posted: Posted):
        self.kind = kind
        self.posted = posted

    def apply(self, data: CommentedMap) -> None:
        """Set, change or remove every top-level field the form controls."""
        self._into_map(data, self.kind.schema, ())

    def _into_map(self, base: CommentedMap, schema: dict[str, Any], path: Path_) -> None:
        order = list(schema)
        for key, rule in schema.items():
            here = path + (key,)
            if here not in self.posted.controlled:
                continue
            old = base.get(key)
            new = self._value(old, rule, here)
            if new is _MISSING:
                base.pop(key, None)
            elif key in base:
                if new is not old:
                    base[key] = new
            else:
                # A new key goes where the schema puts it, after the keys before it.
                before = [k for k in order[: order.index(key)] if k in base]
                position = list(base).index(before[-1]) + 1 if before else 0
                base.insert(position, key, new)

    def _value(self, old: Any, rule: dict[str, Any], path: Path_, keep_empty: bool = False) -> Any:
        if path in self.posted.values:
            text = self.posted.values[path]
            if text == "" and not keep_empty:
                return _MISSING
            return (
                old if old is not None and _is_scalar(old) and display(old) == text else _coerce(text, rule)
            )
        types = _types(rule)
        sub = _sub(rule)
        if "list" in types and (self._is_list(path) or isinstance(old, list)):
            return self._list(old, _sub(rule), path)
        if "dict" in types and isinstance(sub, dict):
            base = old if isinstance(old, CommentedMap) else CommentedMap()
            self._into_map(base, sub, path)
            return base if base else _MISSING
        return _MISSING if not keep_empty else ""

    def _is_list(self, path: Path_) -> bool:
        n = len(path)
        return any(p[:n] == path and len(p) > n and isinstance(p[n], int) for p in self.posted.origs) or any(
            p[:n] == path and len(p) > n and isinstance(p[n], int) for p in self.posted.values
        )

    def _list(self, old: Any, item: dict[str, Any], path: Path_) -> Any:
        n = len(path)
        indices = sorted(
            {p[n] for p in (*self.posted.origs, *self.posted.values) if p[:n] == path and len(p) > n}
        )
        old_items = list(old) if isinstance(old, list) else []
        cells = isinstance(path[-1], int)  # a table row: empty cells stay, as ""
        items = []
        for i in indices:
            orig = self.posted.origs.get(path + (i,))
            # The item as it was in the file, wherever it moved: its comments and any keys
            # the form does not show stay with it. Each original position is used once.
            base = None
            if orig is not None and orig < len(old_items):
                base, old_items[orig] = old_items[orig], None
            if path + (i,) not in self.posted.controlled:
                value = base if base is not None else _MISSING  # shown in the YAML view only
            else:
                value = self._value(base, item, path + (i,), keep_empty=cells)
            if value is not _MISSING:
                items.append(value)
        if not items and not isinstance(old, CommentedSeq):
            return _MISSING
        if isinstance(old, CommentedSeq) and len(old) == len(items):
            for i, value in enumerate(items):
                if old[i] is not value:
                    old[i] = value
            return old
        return CommentedSeq(items)


def round_trip() -> YAML:
    """The ruamel round-trip reader/writer, set to keep a spec's layout."""
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def apply_form(text: str, kind: Kind, posted: Posted) -> str:
    """The spec's YAML text with the posted form applied, comments and key order kept."""
    yaml = round_trip()
    data = yaml.load(text)
    Merger(kind, posted).apply(data)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
