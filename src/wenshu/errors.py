"""Problems found in a user's input, each pointing at file, line, column and field."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Control characters (C0, DEL, C1): a file name or a data cell may hold any of them, and a
# terminal printing one obeys it — ESC starts sequences that retitle the window, write the
# clipboard or hide and redraw text, a line feed starts a forged line of output.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str, keep: str = "") -> str:
    """``text`` with every control character but those in ``keep`` written as an escape
    (``\\x1b``), so that printing it shows it and makes the terminal do nothing."""
    return _CONTROLS.sub(lambda m: m[0] if m[0] in keep else f"\\x{ord(m[0]):02x}", text)


def excerpt(value: object, limit: int = 30, *, one_line: bool = False) -> str:
    """``value`` as a message quotes it: cut after ``limit`` characters, with “…” saying so;
    ``one_line`` folds each run of white space to one space (a paragraph quoted in a list).
    A truth value, a list or a mapping is written as YAML writes it: true, not Python's True;
    ``[table]`` and ``{per_region: 2}`` (flow style), not ``['table']``."""
    if isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, (list, dict)):
        text = _flow(value)
    else:
        text = str(value)
    text = " ".join(text.split()) if one_line else text
    return text if len(text) <= limit else text[:limit] + "…"


def _flow(value: list | dict) -> str:
    """``value`` in YAML's flow style, on one line (Python's own form for what YAML cannot write)."""
    import yaml  # PyYAML: only a message quoting a list or mapping pays for it

    try:
        return yaml.safe_dump(
            value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=1 << 30
        ).strip()
    except yaml.YAMLError:
        return str(value)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, as the user must see it."""

    file: str
    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    field: str | None = None

    def __str__(self) -> str:
        where = printable(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        message = printable(self.message, "\n\t")
        return f"{where} {printable(self.field)}：{message}" if self.field else f"{where} {message}"


class WenshuError(Exception):
    """Raised with every problem found; the CLI prints them and exits non-zero."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
