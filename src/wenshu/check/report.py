"""A file's report and how it is printed: text for people, JSON for programs, the rule list."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from wenshu.check.findings import Deviation
from wenshu.check.registry import RULES
from wenshu.errors import printable


@dataclass
class Report:
    """The result of checking one file."""

    file: str
    deviations: list[Deviation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    measurements: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # the file could not be checked at all
    render_error: str | None = None  # checked, but its pages could not be laid out and measured

    @property
    def ok(self) -> bool:
        """Checked, laid out when asked, and nothing departs from the standard."""
        return self.error is None and self.render_error is None and not self.deviations

    @property
    def codes(self) -> list[str]:
        """The deviation codes, for tests and scripts."""
        return [d.code for d in self.deviations]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        out = asdict(self)
        out["ok"] = self.ok
        return out


def format_rules() -> str:
    """The rules, one a line, as ``wenshu check --list-rules`` prints them."""
    lines = []
    for rule in RULES:
        where = "（--render）" if rule.render else ""
        lines.append(
            f"{rule.code:26s} §{rule.clause:8s} {rule.severity:8s} {rule.element}：{rule.title}{where}"
        )
    return "\n".join(lines)


_RAW_CONTROLS = re.compile(r"[\x7f-\x9f]")  # what json.dumps leaves unescaped

_MEASURE_LABELS: dict[str, tuple[str, Any]] = {
    "format": ("版式", lambda v: "信函格式" if v == "letter" else "文件格式"),
    "pages": ("排版页数", str),
    "line_pitch_pt": ("实测行距", lambda v: f"{v} 磅"),
    "lines_per_full_page": (
        "排满的页每页行数",
        lambda v: "，".join(f"第 {page} 页 {n} 行" for page, n in v.items()) or "（没有排满的页）",
    ),
    "lines_per_tightened_page": (
        "收紧行距的页每页行数",
        lambda v: "，".join(f"第 {page} 页 {n} 行" for page, n in v.items()),
    ),
    "chars_per_full_line": ("排满的行每行字数", lambda v: f"{v} 字"),
    "pdf_fonts": ("PDF 中的字体", lambda v: "、".join(v)),
}


def format_text(report: Report) -> str:
    """The report as the CLI prints it."""
    lines = []
    name = printable(report.file)  # a line feed in a file name would start a forged line
    if report.error:
        return f"{name}：无法检查：{report.error}"
    if report.ok:
        lines.append(f"{name}：符合 GB/T 9704-2012")
    elif not report.deviations:
        lines.append(f"{name}：未发现不符合 GB/T 9704-2012 之处，但未能按实际排版检查")
    else:
        lines.append(f"{name}：{len(report.deviations)} 处不符合 GB/T 9704-2012")
        lines += [f"  {d}" for d in report.deviations]
    for key, value in report.measurements.items():
        label, show = _MEASURE_LABELS[key]
        lines.append(f"  {label}：{show(value)}")
    lines += [f"  提示 {note}" for note in report.notes]
    if report.render_error:
        lines.append(f"  未能按实际排版检查：{report.render_error}")
    return "\n".join(lines)


def format_json(reports: list[Report]) -> str:
    """All reports as one JSON document, with nothing a terminal acts on: ``json.dumps``
    escapes the C0 controls itself; DEL and the C1 controls it leaves raw are written
    ``\\u007f``…``\\u009f`` (a ``\\x7f`` escape would not be JSON)."""
    text = json.dumps({"files": [r.to_dict() for r in reports]}, ensure_ascii=False, indent=2)
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
