"""What the commands print: errors, warnings, hints, progress bars and build results.

Errors (``错误``) and warnings (``警告``) name the file (and line and field); hints
(``提示``) say what was not done and why without failing. All three go to stderr; what
was made goes to stdout.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import click

from wenshu.errors import Problem, printable

if TYPE_CHECKING:
    from wenshu.build.pipeline import BuildResult


def echo(message: str = "", *, err: bool = False, nl: bool = True, **style: Any) -> None:
    """``click.secho`` of ``message`` with its control characters but line feeds and tabs
    shown as escapes (:func:`wenshu.errors.printable`): what wenshu prints holds file names
    and values from files it was given, which may hold any."""
    text = printable(message, "\n\t")
    if style:
        click.secho(text, err=err, nl=nl, **style)
    else:  # secho would add a reset sequence to the plain text
        click.echo(text, err=err, nl=nl)


def report(problems: Iterable[Problem]) -> None:
    """Errors: the build or check of what they name failed."""
    for problem in problems:
        echo(f"错误 {problem}", fg="red", err=True)


def warn(problem: Problem) -> None:
    """A warning: said like an error, but the build goes on and the exit code stays."""
    echo(f"警告 {problem}", fg="yellow", err=True)


def hint(line: str) -> None:
    """A hint, already worded (``提示：…``): something not done, and how to have it done."""
    echo(line, fg="yellow", err=True)


class Progress:
    """A progress bar on a terminal (stderr); nothing at all when output goes elsewhere."""

    def __init__(self, label: str):
        self.label = label
        self.bar: Any = None

    def start(self, total: int) -> None:
        """Show the bar for ``total`` steps."""
        if total and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()

    def advance(self, n: int) -> None:
        """``n`` steps done."""
        if self.bar is not None:
            self.bar.update(n)

    def finish(self) -> None:
        """Remove the bar."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def note(self, text: str) -> None:
        """A long step after the bar (LibreOffice laying out the documents): ends the bar and
        says what is being done, so a full bar that stays is not taken for a hang."""
        self.finish()
        if sys.stderr.isatty():
            echo(text, err=True)


def show_result(result: BuildResult) -> None:
    """Print what a build did, source by source, then what it says once for the run.

    A folder or batch ends with its counts; a spec file lists the files written (marked
    as drafts when they are). When spec files failed, a last line says how many.
    """
    from wenshu.spec import PLACEHOLDER

    draft = "（草稿）" if result.request.draft else ""
    for outcome in result.outcomes:
        for line in outcome.hints:
            hint(line)
        report(outcome.problems)
        holes = sum(PLACEHOLDER in p.message for p in outcome.problems)
        if holes and not result.request.draft:
            echo(
                f"{outcome.source}：还有 {holes} 处{PLACEHOLDER}未填写；未填完时可加 --draft 生成草稿",
                fg="yellow",
                err=True,
            )
        for warning in outcome.warnings:
            warn(warning)
        for line in outcome.summary:
            echo(line)
        if outcome.sort == "file":
            for written in outcome.written:
                echo(f"已生成 {written}{draft}")
    for line in result.hints:
        hint(line)
    files = [o for o in result.outcomes if o.sort == "file"]
    failed = [o for o in files if not o.ok]
    if failed:
        echo(
            f"{len(failed)} 个文件未生成（其余已生成）" if len(failed) < len(files) else "未生成任何文件",
            fg="red",
            err=True,
        )
