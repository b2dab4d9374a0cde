"""Domain rules a kind's schema switches on by name under ``checks:``.

Each rule reads the validated document and returns located problems; the schema says
which rules apply and to which fields, so a new kind needs no new Python.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from .dates import IN_TEXT, format_cn_date
from .errors import Problem
from .load import Path_, Spec, iter_strings

Rule = Callable[[Any, Spec, dict[str, Any]], list[Problem]]
_RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register a domain rule under the name schemas use."""

    def register(fn: Rule) -> Rule:
        _RULES[name] = fn
        return fn

    return register


def run(name: str, arg: Any, spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """Run the rule ``name`` with its schema argument."""
    return _RULES[name](arg, spec, document)


def names() -> list[str]:
    """All registered rule names."""
    return sorted(_RULES)



@rule("title_lines")
def title_lines(fields: list[str], spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """``title_lines`` (of the document and of each attachment) must join to the title."""
    problems = []
    places: list[tuple[Path_, dict[str, Any]]] = [((), document)]
    places += [(("attachments", i), a) for i, a in enumerate(document.get("attachments") or [])]
    for base, holder in places:
        lines = holder.get("title_lines")
        title = holder.get("title") or holder.get("name")
        if lines and "".join(lines) != title:
            problems.append(spec.problem(base + ("title_lines",), f"各行连起来应与标题一致：“{title}”"))
    return problems


@rule("attachment_refs")
def attachment_refs(field: str, spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """Every 附件N the body mentions must exist among the attachments."""
    count = len(document.get(field) or [])
    problems = []
    for path, text in iter_strings(document.get("body"), ("body",)):
        for m in re.finditer(r"附件\s*(\d+)", text):
            n = int(m.group(1))
            if not 1 <= n <= count:
                have = f"只有 {count} 个附件" if count else "没有附件"
                problems.append(spec.problem(path, f"提到了“附件{n}”，但{have}"))
    return problems


@rule("deadlines")
def deadlines(date_field: str, spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """Dates in the text exist; deadlines (…前) fall after the date of issue; a 回执
    deadline comes before the main (latest) one."""
    issued: dt.date | None = document.get(date_field)
    problems: list[Problem] = []
    found: list[tuple[Path_, dt.date, str]] = []
    for path, text in iter_strings(document.get("body"), ("body",)):
        for m in IN_TEXT.finditer(text):
            y, mo, d = (int(g) for g in m.groups()[:3])
            try:
                when = dt.date(y, mo, d)
            except ValueError:
                problems.append(spec.problem(path, f"文中日期不存在：{m.group(0).rstrip('前')}"))
                continue
            if m.group(0).replace(" ", "").rstrip("前") != format_cn_date(when):
                problems.append(spec.problem(path, f"文中日期应写作“{format_cn_date(when)}”"))
            if m.group(4):
                sentence = re.split(r"[。；]", text[: m.start()])[-1] + text[m.end() : m.end() + 30]
                found.append((path, when, sentence))
    for path, when, _ in found:
        if issued and when <= issued:
            problems.append(
                spec.problem(path, f"截止日期 {format_cn_date(when)} 应晚于成文日期 {format_cn_date(issued)}")
            )
    main = max((w for _, w, s in found if "回执" not in s), default=None)
    for path, when, sentence in found:
        if "回执" in sentence and main and when >= main:
            problems.append(
                spec.problem(
                    path, f"回执截止日期 {format_cn_date(when)} 应早于报送截止日期 {format_cn_date(main)}"
                )
            )
    return problems
