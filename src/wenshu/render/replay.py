"""A batch's letters rendered without running their template again: Jinja replayed under guards.

The letters of a batch share every value but the few their records give. One letter is
rendered by the kind's template a second time, in an environment whose templates are
rewritten (at their syntax tree) so that every step that could treat a record's value other
than as text to copy — a filter, a test, a comparison, the truth of a condition, a loop over
something, an attribute or item of a text, arithmetic, a call of a function that is no macro —
goes through :func:`_step`. The record's values enter that render as *stand-ins*
(private-use characters numbering them); text is joined and printed by Jinja as usual, so a
stand-in lands in the output wherever its value would; each step is taken on the real
values, and a step that saw a stand-in is written down with its operands as they were (with
stand-ins) and the shape of its result: a result that is text or a number becomes a stand-in
of its own, a truth value, None or anything else must come out equal again.

Another letter is then *replayed*: its values (escaped as for the template) take the stand-ins'
places, each written-down step is taken again on its own operands, and each must give a
result of the same shape (the same truth values, as many items) — then the template, which
decides nothing but through those steps, takes the same path for this letter as for the
recorded one, and its Markdown is the recorded output with this letter's values and results
in. When a step comes out otherwise, the letter is rendered the full way. Which fields a
record gives, their types, and every other value of the document must be those of the
recorded letter (a document is compared whole, with its own values as stand-ins).

Templates using what this does not follow (a slice, an include, a filter block, an import
with context, a filter that reads the context…) are never replayed. The recorded letter's
replay must give exactly its Markdown by the full path, or nothing is replayed.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from types import FunctionType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.environment import TemplateModule
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, LoopContext, Macro, Undefined
from jinja2.utils import Namespace
from jinja2.visitor import NodeTransformer

from wenshu.render.markdown import (
    TemplateEnvironment,
    environment,
    escape_values,
    finish,
    render_markdown,
    steady_templates,
    template_cache,
)
from wenshu.resources import files_stamp
from wenshu.spec.kinds import Kind

# A stand-in: U+E000, two digits in base 0x700 from U+E100, U+E001. Private-use characters are
# allowed in values (offices encode their own rare characters, 造字, there): a letter whose own
# values hold U+E000 or U+E001 is rendered the full way, and the rest of the document is
# checked free of them (_stray).
_OPEN, _CLOSE, _BASE, _DIGITS = "\ue000", "\ue001", 0xE100, 0x700
_STAND_IN = re.compile("\ue000([\ue100-\ue7ff]{2})\ue001")
_STEP = "wenshu_step"


class Untraceable(Exception):
    """The template, or one render of it, does what replaying cannot follow."""


def stand_in(ref: int) -> str:
    """The stand-in for value number ``ref`` (a record's value, or a step's result)."""
    return f"{_OPEN}{chr(_BASE + ref // _DIGITS)}{chr(_BASE + ref % _DIGITS)}{_CLOSE}"


def _ref(match: re.Match[str]) -> int:
    hi, lo = match.group(1)
    return (ord(hi) - _BASE) * _DIGITS + ord(lo) - _BASE


# Values with no text inside.
_OPAQUE = frozenset({int, float, bool, type(None), dt.date, dt.datetime})


def _has_stand_in(value: Any) -> bool:
    """Does ``value`` hold a stand-in (raises :class:`Untraceable` for what it cannot look into)?"""
    kind = type(value)
    if kind is str:
        return _OPEN in value
    if kind in (list, tuple):
        return any(_has_stand_in(v) for v in value)
    if kind is dict:
        return any(_has_stand_in(k) or _has_stand_in(v) for k, v in value.items())
    if kind in _OPAQUE:
        return False
    if isinstance(value, str):  # RawMarkdown: shared text, never a record's value
        return _OPEN in value
    # Undefined, a macro, a loop, an imported template, a function: structure, not a value.
    if isinstance(value, (Undefined, Macro, LoopContext, TemplateModule)) or (
        callable(value) and not isinstance(value, Namespace)
    ):
        return False
    raise Untraceable(f"cannot look into {kind.__name__}")  # a view, a set, a namespace …


def _passes(func: Any) -> str | None:
    """What Jinja passes a filter, test or function first (``pass_context`` …), by name."""
    passed = getattr(func, "jinja_pass_arg", None)
    return None if passed is None else passed.name


# -- the rewritten templates -----------------------------------------------------------------------
_REFUSED = (
    nodes.Slice,
    nodes.FilterBlock,
    nodes.Include,
    nodes.Extends,
    nodes.Block,
    nodes.CallBlock,
    nodes.EvalContextModifier,
    nodes.OverlayScope,
    nodes.ContextReference,
    nodes.DerivedContextReference,
    nodes.ExtensionAttribute,
    nodes.EnvironmentAttribute,
    nodes.ImportedName,
    nodes.MarkSafe,
    nodes.MarkSafeIfAutoescape,
    nodes.Scope,
)
_OPERATORS = {
    nodes.Add: "+",
    nodes.Sub: "-",
    nodes.Mul: "*",
    nodes.Div: "/",
    nodes.FloorDiv: "//",
    nodes.Mod: "%",
    nodes.Pow: "**",
}


def _call(kind: str, name: Any, *args: nodes.Expr, kwargs: list[nodes.Keyword] | None = None) -> nodes.Call:
    return nodes.Call(
        nodes.Name(_STEP, "load"), [nodes.Const(kind), nodes.Const(name), *args], kwargs or [], None, None
    )


class _Rewriter(NodeTransformer):
    """Sends every step that may look at a value through :func:`_step`."""

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> nodes.Node:
        if isinstance(node, _REFUSED):
            raise Untraceable(type(node).__name__)
        if isinstance(node, (nodes.Import, nodes.FromImport)) and node.with_context:
            raise Untraceable("import with context")
        if isinstance(node, (nodes.Call, nodes.Filter, nodes.Test)) and (node.dyn_args or node.dyn_kwargs):
            raise Untraceable("*args")
        if isinstance(node, nodes.For) and node.recursive:
            raise Untraceable("recursive loop")
        if isinstance(node, nodes.AssignBlock) and node.filter is not None:
            raise Untraceable("filtered set block")
        if isinstance(node, nodes.Dict) and not all(isinstance(p.key, nodes.Const) for p in node.items):
            raise Untraceable("computed key")
        if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Tuple):
            if not isinstance(node.node, nodes.Tuple):
                raise Untraceable("unpacking")
        return super().generic_visit(node, *args, **kwargs)

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        # NodeTransformer looks a visitor up by the exact class (Add, Not …).
        if isinstance(node, nodes.BinExpr):
            return self._binary(node)
        if isinstance(node, nodes.UnaryExpr):
            return self._unary(node)
        return super().visit(node, *args, **kwargs)

    def _truth(self, node: nodes.Expr) -> nodes.Call:
        return _call("truth", None, node)

    def visit_Filter(self, node: nodes.Filter) -> nodes.Node:
        node = self.generic_visit(node)
        if node.node is None:
            raise Untraceable("filter block")
        return _call("filter", node.name, node.node, *node.args, kwargs=node.kwargs)

    def visit_Test(self, node: nodes.Test) -> nodes.Node:
        node = self.generic_visit(node)
        return _call("test", node.name, node.node, *node.args, kwargs=node.kwargs)

    def visit_Compare(self, node: nodes.Compare) -> nodes.Node:
        node = self.generic_visit(node)
        operands: list[nodes.Expr] = [node.expr]
        for operand in node.ops:
            operands += [nodes.Const(operand.op), operand.expr]
        return _call("compare", None, *operands)

    def visit_Getattr(self, node: nodes.Getattr) -> nodes.Node:
        node = self.generic_visit(node)
        return _call("getattr", node.attr, node.node)

    def visit_Getitem(self, node: nodes.Getitem) -> nodes.Node:
        node = self.generic_visit(node)
        return _call("getitem", None, node.node, node.arg)

    def _binary(self, node: nodes.BinExpr) -> nodes.Node:
        node = self.generic_visit(node)
        if isinstance(node, (nodes.And, nodes.Or)):
            left = node.left
            # a and b: b when a is true, else a; a or b: a when a is true, else b.
            if isinstance(node, nodes.And):
                return nodes.CondExpr(self._truth(left), node.right, left)
            return nodes.CondExpr(self._truth(left), left, node.right)
        return _call("binary", _OPERATORS[type(node)], node.left, node.right)

    def _unary(self, node: nodes.UnaryExpr) -> nodes.Node:
        node = self.generic_visit(node)
        if isinstance(node, nodes.Not):
            return nodes.Not(self._truth(node.node))
        return _call("unary", node.operator, node.node)

    def visit_CondExpr(self, node: nodes.CondExpr) -> nodes.Node:
        node = self.generic_visit(node)
        node.test = self._truth(node.test)
        return node

    def visit_If(self, node: nodes.If) -> nodes.Node:
        node = self.generic_visit(node)
        node.test = self._truth(node.test)
        return node

    def visit_For(self, node: nodes.For) -> nodes.Node:
        node = self.generic_visit(node)
        node.iter = _call("iterate", None, node.iter)
        if node.test is not None:
            node.test = self._truth(node.test)
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        node = self.generic_visit(node)
        node.nodes = [n if isinstance(n, nodes.TemplateData) else _call("text", None, n) for n in node.nodes]
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)
        node.nodes = [_call("text", None, n) for n in node.nodes]
        return node


# -- the steps ---------------------------------------------------------------------------------
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "gteq": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lteq": lambda a, b: a <= b,
    "in": lambda a, b: a in b,
    "notin": lambda a, b: a not in b,
}
_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
    "**": lambda a, b: a**b,
}


def _action(env: jinja2.Environment, kind: str, name: Any) -> Callable[..., Any]:
    """What a step does, on real values, as the template would have done it."""
    if kind == "filter" or kind == "test":
        func = (env.filters if kind == "filter" else env.tests).get(name)
        if func is None:
            raise Untraceable(f"no {kind} {name}")
        passed = _passes(func)
        if passed == "eval_context":
            return partial(func, EvalContext(env))
        if passed == "environment":
            return partial(func, env)
        if passed is not None:
            raise Untraceable(f"{kind} {name} reads the context")
        return func
    if kind == "compare":
        return _compare
    if kind == "truth":
        return bool
    if kind == "getattr":
        return lambda obj: env.getattr(obj, name)
    if kind == "getitem":
        return env.getitem
    if kind == "binary":
        return _BINARY[name]
    if kind == "unary":
        return operator.neg if name == "-" else operator.pos
    if kind == "iterate":
        return list
    if kind == "text":
        return str
    if kind == "call":
        return lambda func, *args, **kwargs: func(*args, **kwargs)
    raise Untraceable(kind)


def _compare(value: Any, *rest: Any) -> bool:
    for i in range(0, len(rest), 2):
        if not _COMPARE[rest[i]](value, rest[i + 1]):
            return False
        value = rest[i + 1]
    return True


def _operand(value: Any) -> Callable[[list[Any]], Any]:
    """How to make an operand written down with stand-ins, from the values by number."""
    if not _has_stand_in(value):
        return lambda reals: value
    kind = type(value)
    if kind is str:
        whole = _STAND_IN.fullmatch(value)
        if whole:
            ref = _ref(whole)
            return lambda reals: reals[ref]
        pieces: list[Any] = _STAND_IN.split(value)
        for i in range(1, len(pieces), 2):
            pieces[i] = _ref_of(pieces[i])
        literal = pieces[::2]
        refs = pieces[1::2]

        def text(reals: list[Any]) -> str:
            out = [literal[0]]
            for ref, after in zip(refs, literal[1:], strict=True):
                out += (str(reals[ref]), after)
            return "".join(out)

        return text
    if kind in (list, tuple):
        items = [_operand(v) for v in value]
        return lambda reals: kind(item(reals) for item in items)
    keys = list(value)  # a dict: its keys hold no stand-in (_shape, _Rewriter)
    values = [_operand(v) for v in value.values()]
    return lambda reals: dict(zip(keys, (v(reals) for v in values), strict=True))


@dataclass
class _Recorded:
    """A step written down: what it does, how its operands are made, its result's shape."""

    action: Callable[..., Any]
    args: list[Callable[[list[Any]], Any]]
    kwargs: dict[str, Callable[[list[Any]], Any]]
    shape: Any

    def take(self, reals: list[Any]) -> Any:
        """The step on the values by number ``reals``."""
        return self.action(*[a(reals) for a in self.args], **{k: v(reals) for k, v in self.kwargs.items()})


# A result's shape: a stand-in's number (text or a number), ("seq", type, [shapes]),
# ("map", [keys], [shapes]), or ("equal", value).
def _shape(value: Any, reals: list[Any]) -> tuple[Any, Any]:
    """The shape of a step's result and the value the template goes on with."""
    kind = type(value)
    if kind in (str, int, float):
        reals.append(value)
        ref = len(reals) - 1
        return ref, stand_in(ref)
    if kind in (list, tuple):
        parts = [_shape(v, reals) for v in value]
        return ("seq", kind, [p[0] for p in parts]), kind(p[1] for p in parts)
    if kind is dict:
        parts = [_shape(v, reals) for v in value.values()]
        keys = list(value)
        if _has_stand_in(keys):
            raise Untraceable("key with a stand-in")
        return ("map", keys, [p[0] for p in parts]), dict(zip(keys, (p[1] for p in parts), strict=True))
    if kind in (bool, type(None)) or kind in _OPAQUE or isinstance(value, Undefined):
        return ("equal", value), value
    raise Untraceable(f"a step gave {kind.__name__}")


def _matches(shape: Any, value: Any, reals: list[Any]) -> bool:
    """Does ``value`` have ``shape`` (its stand-ins' values then appended to ``reals``)?"""
    if type(shape) is int:
        if type(value) not in (str, int, float) or len(reals) != shape:
            return False
        reals.append(value)
        return True
    tag = shape[0]
    if tag == "equal":
        expected = shape[1]
        if isinstance(expected, Undefined):
            return type(value) is type(expected)
        return type(value) is type(expected) and value == expected
    if tag == "seq":
        return (
            type(value) is shape[1]
            and len(value) == len(shape[2])
            and all(_matches(s, v, reals) for s, v in zip(shape[2], value, strict=True))
        )
    return (
        type(value) is dict
        and list(value) == shape[1]
        and all(_matches(s, v, reals) for s, v in zip(shape[2], value.values(), strict=True))
    )


class _Recording:
    """The steps of one render that saw a stand-in, and every value so far by number."""

    def __init__(self, env: jinja2.Environment, reals: list[Any]) -> None:
        self.env = env
        self.reals = reals
        self.steps: list[_Recorded] = []

    def step(self, kind: str, name: Any, *args: Any, **kwargs: Any) -> Any:
        if kind == "truth" and type(args[0]) is bool:
            return args[0]
        if kind == "text" and type(args[0]) is str:  # printed or joined as it is
            return args[0]
        if not (_has_stand_in(args) or _has_stand_in(kwargs)):
            return _action(self.env, kind, name)(*args, **kwargs)
        if kind in ("getattr", "getitem") and type(args[0]) in (dict, list, tuple):
            key = args[1] if kind == "getitem" else name
            if not _has_stand_in(key):  # an item of a structure all letters share
                return _action(self.env, kind, name)(*args, **kwargs)
        step = _Recorded(
            _action(self.env, kind, name),
            [_operand(a) for a in args],
            {k: _operand(v) for k, v in kwargs.items()},
            None,
        )
        result = step.take(self.reals)
        step.shape, value = _shape(result, self.reals)
        self.steps.append(step)
        return value


_RECORDING: _Recording | None = None
_RECORDING_LOCK = threading.Lock()


def _step(kind: str, name: Any, *args: Any, **kwargs: Any) -> Any:
    if _RECORDING is None:
        raise Untraceable("a rewritten template rendered outside a recording")
    return _RECORDING.step(kind, name, *args, **kwargs)


class _TracingEnvironment(TemplateEnvironment):
    """The templates of :func:`~wenshu.render.markdown.environment`, rewritten."""

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        if _OPEN in source or _CLOSE in source:
            raise Untraceable("a stand-in character in a template")
        return _Rewriter().visit(super()._parse(source, name, filename))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """The sandbox's call; a function (no macro) given a stand-in is a step."""
        if __obj is _step:
            return _step(*args, **kwargs)
        if (
            type(__obj) is not Macro
            and _RECORDING is not None
            and (_has_stand_in(args) or _has_stand_in(kwargs))
        ):
            # Only a plain function (role, runin): a method or an object called again at a
            # replay could keep what an earlier call left (loop.changed, a cycler).
            if type(__obj) is not FunctionType or not __self.is_safe_callable(__obj) or _passes(__obj):
                raise Untraceable("call")
            return _RECORDING.step("call", None, __obj, *args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)


@cache
def _tracing_environment() -> _TracingEnvironment:
    base = environment()
    stamp = _rewriting_stamp()
    env = _TracingEnvironment(
        loader=base.loader,
        # Compiling the rewritten templates cost ~0.1 s of every batch command before its
        # letters could start: kept compiled, apart from the plain ones, and compiled again
        # when this module (the rewriting) or Jinja changes.
        bytecode_cache=template_cache("traced", stamp) if stamp else None,
        undefined=base.undefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters = dict(base.filters)
    env.tests = dict(base.tests)
    env.globals.update(base.globals)
    env.globals[_STEP] = _step
    return env


def _rewriting_stamp() -> str:
    """What the rewritten templates' code depends on besides their sources ("": no cache)."""
    try:
        stamps = files_stamp([__file__, jinja2.__file__])
    except OSError:
        return ""
    return "\0".join(stamps)  # template_cache adds Jinja's version


# -- programs ---------------------------------------------------------------------------------------
def own_leaves(values: dict[str, Any], document: dict[str, Any]) -> list[tuple[tuple[str, ...], Any]] | None:
    """The record's own values as the document holds them, by path (a record's order), or
    None when one is no text or integer (a list, a date…: not replayed)."""
    out: list[tuple[tuple[str, ...], Any]] = []

    def walk(given: dict[str, Any], held: Any, path: tuple[str, ...]) -> bool:
        for key, value in given.items():
            if not isinstance(held, dict) or key not in held:
                return False
            here = held[key]
            if type(value) is dict:
                if not walk(value, here, (*path, key)):
                    return False
            elif type(here) in (str, int):
                out.append(((*path, key), here))
            else:
                return False
        return True

    return out if walk(values, document, ()) else None


def _with_stand_ins(document: dict[str, Any], leaves: list[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    """``document`` with its own values replaced by stand-ins 0, 1, … (copied along their paths)."""
    top = dict(document)
    for ref, (path, _) in enumerate(leaves):
        where = top
        for key in path[:-1]:
            where[key] = dict(where[key])
            where = where[key]
        where[path[-1]] = stand_in(ref)
    return top


@dataclass
class Program:
    """One letter's render, written down: replayed for letters like it."""

    document: dict[str, Any]  # the document with its own values as stand-ins
    types: tuple[type, ...]  # the own values' types
    steps: list[_Recorded]
    output: list[Any]  # the template's output: literal, stand-in number, literal, …

    def replay(self, leaves: list[tuple[tuple[str, ...], Any]]) -> str | None:
        """The Markdown for these own values, or None when a step comes out otherwise."""
        reals = [escape_values(v) for _, v in leaves]
        if any(type(v) is str and (_OPEN in v or _CLOSE in v) for v in reals):
            return None
        for step in self.steps:
            try:
                result = step.take(reals)
            except Exception:
                return None
            if not _matches(step.shape, result, reals):
                return None
        out = self.output[:]
        for i in range(1, len(out), 2):
            out[i] = str(reals[out[i]])
        return finish("".join(out))


def record(
    template: str, document: dict[str, Any], leaves: list[tuple[tuple[str, ...], Any]]
) -> Program | None:
    """The program of one letter's render (None when the template cannot be followed)."""
    global _RECORDING
    marked = _with_stand_ins(document, leaves)
    escaped = escape_values(marked)
    reals = [escape_values(v) for _, v in leaves]
    try:
        if _stray(escaped, len(leaves)):
            return None
        env = _tracing_environment()
        with _RECORDING_LOCK:  # one recording at a time (the workbench serves in threads)
            _RECORDING = recording = _Recording(env, list(reals))
            try:
                text = env.get_template(template).render(**escaped)
            finally:
                _RECORDING = None
    except Exception:
        return None
    if _CLOSE in _STAND_IN.sub("", text) or _OPEN in _STAND_IN.sub("", text):
        return None
    pieces = _STAND_IN.split(text)
    output = [p if i % 2 == 0 else _ref_of(p) for i, p in enumerate(pieces)]
    return Program(marked, tuple(type(v) for _, v in leaves), recording.steps, output)


def _ref_of(digits: str) -> int:
    return (ord(digits[0]) - _BASE) * _DIGITS + ord(digits[1]) - _BASE


def _stray(escaped: dict[str, Any], own: int) -> bool:
    """Does the document hold a stand-in character anywhere but at its own values, each once?"""
    found: list[int] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if _OPEN in value or _CLOSE in value:
                whole = _STAND_IN.fullmatch(value)
                found.append(_ref(whole) if whole else -1)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    walk(escaped)
    return sorted(found) != list(range(own))


MAX_PROGRAMS = 4  # programs kept for one template and set of own fields (other shared values)


class Replays:
    """This process's programs, by template and the paths and types of a record's own values."""

    def __init__(self) -> None:
        self._programs: dict[tuple[Any, ...], list[Program]] = {}
        self._failed: set[tuple[Any, ...]] = set()  # recorded once, not to be replayed
        self.replayed = 0  # letters whose Markdown was replayed

    def markdown(self, kind: Kind, document: dict[str, Any], values: dict[str, Any], source: str) -> str:
        """``render_markdown(kind, document, source, steady=True)``, replayed where it can be."""
        leaves = own_leaves(values, document)
        if not leaves or any(type(v) is str and (_OPEN in v or _CLOSE in v) for _, v in leaves):
            # A value holding the stand-in characters could pass for a stand-in.
            return render_markdown(kind, document, source, steady=True)
        key = (kind.template, tuple(p for p, _ in leaves), tuple(type(v) for _, v in leaves))
        programs = self._programs.setdefault(key, [])
        marked = None
        for program in programs:
            marked = marked or _with_stand_ins(document, leaves)
            if program.document == marked:
                text = program.replay(leaves)
                if text is not None:
                    self.replayed += 1
                    return text
                break
        else:
            if key not in self._failed and len(programs) < MAX_PROGRAMS:
                markdown = render_markdown(kind, document, source, steady=True)
                program = record(kind.template, document, leaves)
                # Kept only when it gives the letter it was recorded from exactly.
                if program is not None and program.replay(leaves) == markdown:
                    if len(self._programs) >= 256:
                        self._programs.clear()
                        self._failed.clear()
                    self._programs.setdefault(key, []).append(program)
                else:
                    self._failed.add(key)
                return markdown
        return render_markdown(kind, document, source, steady=True)


_REPLAYS: Replays | None = None


def replays() -> Replays:
    """This process's :class:`Replays`."""
    global _REPLAYS
    if _REPLAYS is None:
        _REPLAYS = Replays()
    return _REPLAYS


def steady_replays() -> None:
    """Called as a batch starts: when a template changed since the last batch
    (:func:`~wenshu.render.markdown.steady_templates`), forget the programs recorded from it
    and the rewritten templates, so a resident process replays the template as it now is."""
    global _REPLAYS
    if not steady_templates():
        _tracing_environment.cache_clear()
        _REPLAYS = None
