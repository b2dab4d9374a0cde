"""Render a validated document to Markdown through its kind's Jinja2 template.

The template sees the document with every string already escaped for Markdown, so a
value is always text: ``{{ 7*7 }}``, ``**`` or ``<w:p>`` in a value come out as written.
Jinja2 runs sandboxed with StrictUndefined: a template typo is an error, not a blank.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import traceback
from collections.abc import MutableMapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.environment import TemplateModule
from jinja2.runtime import Context, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment

from wenshu.errors import Problem, WenshuError
from wenshu.resources import cache_dir, files_stamp, read_cache_file, resource_dir, write_cache_file
from wenshu.spec.kinds import Kind
from wenshu.spec.load import load_spec
from wenshu.spec.plans import FILTERS as PLAN_FILTERS
from wenshu.text.dates import format_cn_date
from wenshu.text.numbering import RUNIN_END, attachment_label, form_for_depth, ordinal
from wenshu.text.titles import split_title

# Characters with a meaning anywhere in a Markdown line.
_ALWAYS = re.compile(r"([\\`*\[\]<>&|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")
# Constructs that only mean something at the start of a line.
_LINE_START = re.compile(r"^([#+=\-])")
_ORDERED = re.compile(r"^(\d+)([.)])")
# A line break and the spaces after it; those before it are taken off in Python: the single
# pattern ``[ \t]*\r?\n[ \t]*`` is tried at every space of a long run that no newline ends,
# in time quadratic in the run (60,000 spaces in a spec's value: 69 CPU seconds to build).
_NEWLINE = re.compile(r"\r?\n[ \t]*")
# Written with its first two newlines apart, which the regex engine then looks for as a literal
# prefix: "\n{3,}" is tried as a repeat at every character (~60,000 instructions a letter).
_BLANK_LINES = re.compile(r"\n\n\n+")


def _join_lines(text: str) -> str:
    """``text`` on one line: each line break, with the spaces and tabs around it, becomes
    nothing, or one space between two ASCII characters."""
    out, pos = [], 0
    while m := _NEWLINE.search(text, pos):
        kept = text[pos : m.start()].rstrip(" \t")
        start = pos + len(kept)
        before = text[start - 1] if start else ""
        after = text[m.end()] if m.end() < len(text) else ""
        out += (kept, " " if before.isascii() and after.isascii() and before and after else "")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


# Every character any of the four substitutions below can match: text without them is left
# as it is (stripped). One scan in C, where the substitutions cost ~40,000 instructions on a
# seven-character value (a replacement with a group goes through Python's re module at
# every call, match or not): a batch letter's own values are new each time (~4 % of it).
_MAY_CHANGE = re.compile(r"[\n\\`*\[\]<>&|~_#+=\-.)]")


@lru_cache(maxsize=8192)  # a batch's letters share most of their values
def md_escape(text: str) -> str:
    """Escape ``text`` so Markdown shows it literally, on one line."""
    if not _MAY_CHANGE.search(text):
        return text.strip()
    text = _ALWAYS.sub(r"\\\1", _join_lines(text.strip()))
    text = _LINE_START.sub(r"\\\1", text)
    return _ORDERED.sub(r"\1\\\2", text)


class RawMarkdown(str):
    """Text that is Markdown already (a document rendered by its own template and attached
    to another): passed to the template as it is, not escaped again."""


def escape_values(value: Any) -> Any:
    """Escape every string inside ``value`` (keys are left alone; :class:`RawMarkdown` is
    left as it is)."""
    kind = type(value)  # the plain types first: a batch escapes every letter's document
    if kind is str:
        return md_escape(value)
    if kind is dict:
        return {k: escape_values(v) for k, v in value.items()}
    if kind in _UNESCAPED:
        return value
    if isinstance(value, RawMarkdown):
        return value
    if isinstance(value, str):
        return md_escape(value)
    if isinstance(value, dict):
        return {k: escape_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_values(v) for v in value]
    return value


_UNESCAPED = frozenset({int, bool, type(None), dt.date, dt.datetime, float})


def md_ordinal(n: int, form: str) -> str:
    """An ordinal safe at the start of a Markdown paragraph (``1.`` is not a list).

    ``form`` may arrive Markdown-escaped (``1\\.``) when it comes from the spec.
    """
    return md_escape(ordinal(n, form.replace("\\", "")))


def runin(ordinal_text: str, heading: str, text: str) -> str:
    """A run-in heading: ``**（一）标题**。正文``.

    The closing ``**`` must follow a non-punctuation character to close in CommonMark,
    so the heading's final punctuation (or the added 。) stays outside the emphasis.
    """
    tail = "。"
    if heading and heading[-1] in RUNIN_END:
        heading, tail = heading[:-1], heading[-1]
    return f"**{ordinal_text}{heading}**{tail}{text}"


def cell(value: Any) -> str:
    """A table cell's Markdown text: numbers without a spurious ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# json.dumps with an option makes a new encoder at every call; a letter has several roles.
_ROLE_OPTIONS = json.JSONEncoder(ensure_ascii=False).encode


def role(role_name: str, **options: Any) -> str:
    """The HTML comment that tells the Word writer what the next block is."""
    # A letter writes the same few comments each time: made once for options of plain
    # text and flags (their types in the key: True and 1 are equal but print differently).
    key = []
    for k, v in options.items():
        kind = type(v)
        if kind not in _ROLE_KEY_TYPES:
            return _role_text(role_name, options)
        key.append((k, kind, v))
    return _role_comment(role_name, tuple(key))


_ROLE_KEY_TYPES = frozenset({str, bool, type(None)})


@lru_cache(maxsize=256)
def _role_comment(role_name: str, options: tuple[tuple[str, type, Any], ...]) -> str:
    return _role_text(role_name, {k: v for k, _, v in options})


def _role_text(role_name: str, options: dict[str, Any]) -> str:
    payload = {k: v for k, v in options.items() if v not in (None, False)}
    return f"<!-- wenshu:{role_name}{' ' + _ROLE_OPTIONS(payload) if payload else ''} -->"


# Bump when what a cached template holds, or how it is kept, changes.
_TEMPLATE_CACHE_FORMAT = 2


class _TemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept in wenshu's user cache: compiling the templates a notice
    uses costs ~0.25 s on every command otherwise. Jinja checks each entry against its
    template's source, so an edited template is compiled again; the cache file's own
    digest (:func:`~wenshu.resources.read_cache_file`) keeps a damaged entry from being
    used. A cache that cannot be read or written is not used (the same text, only slower)."""

    def __init__(self, folder: Path, salt: str = ""):
        self.folder = folder
        self.salt = salt

    def get_source_checksum(self, source: str) -> str:
        """The digest an entry is checked against: the template's source and the salt."""
        return super().get_source_checksum(f"{self.salt}\0{source}" if self.salt else source)

    def _file(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.folder / f"{bucket.key}.jinja"  # the key digests the template's name and path

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill ``bucket`` from the cache, if an intact entry for its very source is there."""
        data = read_cache_file(self._file(bucket))
        if data is None:
            return
        try:
            bucket.bytecode_from_string(data)
        except Exception:  # written by another Jinja or Python: compile again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep ``bucket``'s freshly compiled code."""
        write_cache_file(self._file(bucket), bucket.bytecode_to_string())


def template_cache(variant: str = "", salt: str = "") -> jinja2.BytecodeCache | None:
    """The user cache's compiled templates (None: no cache). ``variant`` names templates
    compiled otherwise from the same sources (Jinja keys an entry by the template's name and
    checks it against its source, not against how it was compiled): they are kept in a
    folder of their own, and checked against ``salt`` too (a stamp of the code that compiles
    them otherwise: an entry it compiled before a change is compiled again). Every entry is
    checked against Jinja's version as well: compiled code calls Jinja's runtime, which
    another release may change without changing the bytecode format Jinja checks itself."""
    folder = cache_dir()
    if folder is None:
        return None
    stamp = "\0".join([jinja2.__version__, salt]) if salt else jinja2.__version__
    return _TemplateCache(folder / f"templates-{_TEMPLATE_CACHE_FORMAT}{variant and '-' + variant}", stamp)


class TemplateEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, its templates' globals a plain dict: Jinja walks them on every render and
    every ``{% import %}``, a ChainMap over the environment's (Jinja's default) in Python
    code. The environment's globals are set once, before any template is loaded.

    Two of the sandbox's steps are taken faster with the same outcome (a batch renders
    thousands of letters): a field of a plain dict (``basis.title``) is looked up at once,
    where Jinja first asks the dict for an attribute of that name and catches the failure;
    and whether an attribute of a plain dict, list, text or imported template (``letter.head``)
    is safe is asked once per type and name — for these types the sandbox's answer depends
    on nothing else."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals: its own over a copy of the environment's."""
        return {**self.globals, **(d or {})}

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute`` in a template, as the sandbox gives it."""
        # A plain dict has no attribute but its class's: where its class has none of this
        # name, Jinja's attribute lookup fails and the key is what it gives.
        if type(obj) is dict and attribute in obj and not hasattr(dict, attribute):
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """A call from a template, as the sandbox makes it; a macro's call taken straight.

        For a macro (four of a letter's eleven calls) the sandbox's check and Jinja's look for a
        context argument always come out the same: a macro is safely callable (it has none
        of the marks :meth:`is_safe_callable` looks for, and a sandboxed template cannot set
        one) and asks for the evaluation context. Its body still runs in the sandbox."""
        if type(__obj) is Macro:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(__context.eval_ctx, *args, **kwargs)
            except StopIteration:  # as Context.call answers it
                return __self.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__context, __obj, *args, **kwargs)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """The sandbox's verdict, kept per type and name for the types it judges by type alone."""
        kind = type(obj)
        if kind not in _JUDGED_BY_TYPE:
            return super().is_safe_attribute(obj, attr, value)
        key = (kind, attr)
        safe = _SAFE_ATTRIBUTES.get(key)
        if safe is None:
            safe = _SAFE_ATTRIBUTES[key] = super().is_safe_attribute(obj, attr, value)
        return safe


# Types whose attributes the sandbox judges by the type and the name only (isinstance checks
# against function, method, code and generator types and the mutable collections' ABCs).
_JUDGED_BY_TYPE = frozenset({dict, list, str, tuple, TemplateModule})
_SAFE_ATTRIBUTES: dict[tuple[type, str], bool] = {}


@cache
def environment() -> ImmutableSandboxedEnvironment:
    """The sandboxed Jinja2 environment all kinds render with."""
    env = TemplateEnvironment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
        bytecode_cache=template_cache(),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is Markdown; values are escaped for Markdown beforehand
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        cn_date=lambda d: format_cn_date(d) if isinstance(d, dt.date) else d,
        ordinal=md_ordinal,
        form=form_for_depth,
        cell=cell,
        split_title=split_title,
        attachment_label=attachment_label,
    )
    env.filters.update(PLAN_FILTERS.items())  # dates of plans and figures wenshu computes for summaries
    env.globals.update(role=role, runin=runin)
    return env


@cache
def _steady_environment() -> ImmutableSandboxedEnvironment:
    """:func:`environment` without Jinja's check, at every render, that each template and
    each one it imports is unchanged on disk (:func:`steady_templates` checks once a batch)."""
    return environment().overlay(auto_reload=False)


_steady_stamp: str | None = None


def templates_stamp() -> str:
    """A stamp of every file in the folders templates are loaded from (the templates folder:
    :func:`environment`'s search path), by :func:`~wenshu.resources.files_stamp`; "" when
    one cannot be read."""
    folders = environment().loader.searchpath  # type: ignore[union-attr]
    paths = []
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            paths += [os.path.join(root, name) for name in sorted(names)]
    try:
        return "\0".join(files_stamp(paths))
    except OSError:
        return ""


def steady_templates() -> bool:
    """Called as a batch starts: False when a template changed since the steady templates
    (``render_markdown(..., steady=True)``) were loaded, which are then forgotten. A resident
    process (the workbench, the server) runs many batches; an edited template must count from
    the next one, as it does for a single document. A few dozen ``stat`` calls a batch."""
    global _steady_stamp
    stamp = templates_stamp()
    if stamp and stamp == _steady_stamp:
        return True
    _steady_environment.cache_clear()
    _steady_stamp = stamp
    return False


def render_markdown(kind: Kind, document: dict[str, Any], source: str, *, steady: bool = False) -> str:
    """The Markdown text of ``document`` by ``kind``'s template. ``steady``: the templates
    are those this process first loaded (a batch renders thousands of letters in one run)."""
    try:
        template = (_steady_environment() if steady else environment()).get_template(kind.template)
        text = template.render(**escape_values(document))
    except jinja2.TemplateNotFound as exc:
        # The kind's own template (its schema names it) or one a template imports.
        wanted = Path("templates") / exc.name if exc.name else kind.template
        message = f"找不到模板 {wanted}（模板路径相对于 templates 文件夹）"
        if exc.name == kind.template:
            raise WenshuError(load_spec(kind.source).problem(("template",), message)) from None
        raise WenshuError(_template_problem(exc, kind, message)) from None
    except jinja2.UndefinedError as exc:
        raise WenshuError(_template_problem(exc, kind, _undefined_message(exc, source))) from None
    except jinja2.TemplateSyntaxError as exc:
        where = getattr(exc, "filename", None) or kind.template
        raise WenshuError(Problem(_shown(where), f"模板错误：{exc}", exc.lineno)) from None
    except jinja2.TemplateError as exc:
        raise WenshuError(_template_problem(exc, kind, f"模板错误：{exc}")) from None
    except Exception as exc:  # a sandbox violation or a bad value inside a template
        raise WenshuError(_template_problem(exc, kind, f"按模板生成 {source} 时出错：{exc}")) from None
    return finish(text)


def finish(text: str) -> str:
    """A template's output as the Markdown of a document: no runs of blank lines, one final
    newline."""
    if "\n\n\n" in text:  # (re.sub's search costs a letter ~80,000 instructions when there is none)
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip() + "\n"


# Jinja's words for a missing value: a name (“'x' is undefined”) or a key of a mapping.
_UNDEFINED_NAME = re.compile(r"^'([^']+)' is undefined$")
_UNDEFINED_KEY = re.compile(r"has no attribute '([^']+)'$")


def _undefined_message(exc: jinja2.UndefinedError, source: str) -> str:
    """Why a template met a value the spec does not have, in Chinese: most often a field the
    schema makes optional, printed without asking whether it was written."""
    found = _UNDEFINED_NAME.search(exc.message or "") or _UNDEFINED_KEY.search(exc.message or "")
    what = f"字段 {found.group(1)}" if found else f"一个值（{exc.message}）"
    return (
        f"模板用到{what}，但 {source} 中没有写：可选字段须先判断是否写了"
        "（{% if 字段 is defined %}……{% endif %}）或给出缺省值（| default(……)），不能留空"
    )


def _shown(filename: str) -> str:
    """A template's file as messages name it: ``templates/…`` when it is wenshu's own."""
    try:
        own = Path(filename).resolve().relative_to(resource_dir("templates").resolve())
    except ValueError:
        return filename
    return str(Path("templates") / own)


def _template_problem(exc: BaseException, kind: Kind, message: str) -> Problem:
    """``message`` at the template line that raised ``exc``: Jinja rewrites a render's
    traceback so that each template's frame carries the template's file and line."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    if not frames:
        return Problem(str(Path("templates") / kind.template), message)
    return Problem(_shown(frames[-1].filename), message, frames[-1].lineno)
