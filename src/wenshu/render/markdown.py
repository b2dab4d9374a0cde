"""Render a validated document to Markdown through its kind's Jinja2 template.

The template sees the document with every string already escaped for Markdown, so a
value is always text: ``{{ 7*7 }}``, ``**`` or ``<w:p>`` in a value come out as written.
Jinja2 runs sandboxed with StrictUndefined: a template typo is an error, not a blank.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..dates import format_cn_date
from ..errors import Problem, WenshuError
from ..kinds import Kind
from ..numbering import attachment_label, form_for_depth, ordinal
from ..plans import FILTERS as PLAN_FILTERS
from ..resources import resource_dir

# Characters with a meaning anywhere in a Markdown line.
_ALWAYS = re.compile(r"([\\`*\[\]<>&|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")
# Constructs that only mean something at the start of a line.
_LINE_START = re.compile(r"^([#+=\-])")
_ORDERED = re.compile(r"^(\d+)([.)])")
_NEWLINE = re.compile(r"[ \t]*\r?\n[ \t]*")

# The title fits 20 characters of 2号 on a 156 mm line.
TITLE_CHARS_PER_LINE = 20
# Where a title line may end or the next begin without splitting a word.
_GOOD_ENDS = (
    *("关于", "的", "和", "及", "、", "开展", "年度"),
    *("工作", "建设", "城市", "县域", "企业", "办公室"),
)
_GOOD_STARTS = ("关于", "开展", "做好", "组织", "面向", "进一步", "印发")
_BAD_BREAK_PENALTY = 6
# Closing punctuation never starts a line (避头点).
_NO_LINE_START = "、，。；：！？）》”’」"
#: Where a run-in heading ends: its own final mark of these, else an added 。
RUNIN_END = "。！？；："


def _join_lines(text: str) -> str:
    def joiner(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        return " " if before.isascii() and after.isascii() and before and after else ""

    return _NEWLINE.sub(joiner, text)


def md_escape(text: str) -> str:
    """Escape ``text`` so Markdown shows it literally, on one line."""
    text = _ALWAYS.sub(r"\\\1", _join_lines(text.strip()))
    text = _LINE_START.sub(r"\\\1", text)
    return _ORDERED.sub(r"\1\\\2", text)


class RawMarkdown(str):
    """Text that is Markdown already (a document rendered by its own template and attached
    to another): passed to the template as it is, not escaped again."""


def escape_values(value: Any) -> Any:
    """Escape every string inside ``value`` (keys are left alone; :class:`RawMarkdown` is
    left as it is)."""
    if isinstance(value, RawMarkdown):
        return value
    if isinstance(value, str):
        return md_escape(value)
    if isinstance(value, dict):
        return {k: escape_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_values(v) for v in value]
    return value


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


def role(role_name: str, **options: Any) -> str:
    """The HTML comment that tells the Word writer what the next block is."""
    payload = {k: v for k, v in options.items() if v not in (None, False)}
    return f"<!-- wenshu:{role_name}{' ' + json.dumps(payload, ensure_ascii=False) if payload else ''} -->"


def split_title(title: str, width: int = TITLE_CHARS_PER_LINE) -> list[str]:
    """Break a long title into balanced lines at meaningful points (§7.3.1).

    Widths count half-width digits as half a character. Among the splits into the fewest
    lines that fit, choose the one whose lines are closest to equal (squared deviation),
    where a break that falls neither after a word ending nor before a word start costs
    as much as six characters of imbalance. A dynamic programme over break positions
    keeps this polynomial however long the title.
    """
    total = _width(title)
    if total <= width:
        return [title]
    n = len(title)
    prefix = [0.0]
    for ch in title:
        prefix.append(prefix[-1] + (0 if ch == "\\" else 0.5 if ch.isascii() else 1))
    points = [0] + [i for i in range(1, n) if not _breaks_word(title, i)] + [n]
    penalty = {
        i: 0
        if title[:i].endswith(_GOOD_ENDS) or title[i:].startswith(_GOOD_STARTS)
        else _BAD_BREAK_PENALTY**2
        for i in points[1:-1]
    }
    for lines in range(-(-int(total) // width), n + 1):
        target = total / lines
        # best[j][p]: cheapest cost of title[:points[p]] in j lines, with the back-pointer.
        best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}] + [{} for _ in range(lines)]
        for j in range(1, lines + 1):
            for p, end in enumerate(points):
                for q, (cost, _) in best[j - 1].items():
                    line = prefix[end] - prefix[points[q]]
                    if q >= p or line > width:
                        continue
                    here = cost + (line - target) ** 2 + (penalty.get(end, 0) if j < lines else 0)
                    if p not in best[j] or here < best[j][p][0]:
                        best[j][p] = (here, q)
        last = len(points) - 1
        if last in best[lines]:
            cuts, p = [], last
            for j in range(lines, 0, -1):
                cuts.append(points[p])
                p = best[j][p][1]
            bounds = [0] + cuts[::-1]
            return [title[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    return [title]


def _width(text: str) -> float:
    """Display width in full-width characters (ASCII, i.e. digits, counts half)."""
    return sum(0.5 if ch.isascii() else 1 for ch in text.replace("\\", ""))


def _breaks_word(text: str, i: int) -> bool:
    """Never split a number, a 《》 or quoted name, an escape, or put punctuation first."""
    a, b = text[i - 1], text[i]
    if a.isdigit() and b.isdigit() or a == "\\" or b in _NO_LINE_START:
        return True
    head = text[:i]
    return head.count("《") > head.count("》") or head.count("“") > head.count("”")


@cache
def environment() -> ImmutableSandboxedEnvironment:
    """The sandboxed Jinja2 environment all kinds render with."""
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
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
    env.filters.update(PLAN_FILTERS)  # dates of plans and figures wenshu computes for summaries
    env.globals.update(role=role, runin=runin)
    return env


def render_markdown(kind: Kind, document: dict[str, Any], source: str) -> str:
    """The Markdown text of ``document`` by ``kind``'s template."""
    try:
        template = environment().get_template(kind.template)
        text = template.render(**escape_values(document))
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or kind.template
        line = getattr(exc, "lineno", None)
        raise WenshuError(Problem(str(where), f"模板错误：{exc}", line)) from None
    except Exception as exc:  # a sandbox violation or a bad value inside a template
        raise WenshuError(Problem(source, f"渲染失败：{exc}")) from None
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
