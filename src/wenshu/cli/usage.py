"""Click's own words in Chinese: help headings, the help and version options, usage errors.

wenshu's own messages are Chinese; the ones Click writes — "Usage:", "Options",
"Show this message and exit.", "Error: No such option '--fomat'." — are English and
would be the only English a user meets. Click gives no catalogue for them, so the help
formatter, the help option and the usage errors are rendered here.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import Any

import click

HELP = "显示本帮助并退出"
VERSION = "显示版本并退出"
_SECTIONS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
_IN_HELP = (("[default: ", "[默认："), ("[required]", "[必填]"), ("[env var: ", "[环境变量："), ("; ", "；"))
# The patterns here are handed to ``re`` as text: compiled (and kept by ``re``) when help or a
# usage error first needs them, not by every command.
# Click's names of value types, shown after an option ("--port INTEGER RANGE").
_METAVARS = r"(?<= )(INTEGER RANGE|FLOAT RANGE|INTEGER|FLOAT|TEXT|PATH|FILENAME|FILE|DIRECTORY)\b"
_METAVAR_WORDS = {
    "INTEGER RANGE": "整数",
    "FLOAT RANGE": "数字",
    "INTEGER": "整数",
    "FLOAT": "数字",
    "TEXT": "文字",
    "PATH": "路径",
    "FILENAME": "文件",
    "FILE": "文件",
    "DIRECTORY": "文件夹",
}
# Click's ranges in help notes: "0<=x<=65535", "x>=1".
_RANGES = (
    (r"(-?\d+)<=x<=(-?\d+)", r"\1—\2"),
    (r"x>=(-?\d+)", r"不小于 \1"),
    (r"x<=(-?\d+)", r"不大于 \1"),
)

# Click's usage errors, most specific first: (pattern, Chinese with \1 … for the groups).
_ERRORS = (
    (
        r"No such option:? '?([^'\s]+)'?\.? \(Did you mean (?:one of: )?(.+)\?\)",
        r"没有选项 \1，是否想写 \2？",
    ),
    (r"No such option:? '?([^'\s]+)'?\.?", r"没有选项 \1"),
    (r"No such command '(.+?)'\. Did you mean '(.+?)'\?", r"没有命令 \1，是否想写 \2？"),
    (r"No such command '(.+?)'\.", r"没有命令 \1（wenshu --help 列出全部命令）"),
    (r"Missing argument '(.+?)'\.", r"缺少参数 \1"),
    (r"Missing option '(.+?)'\.", r"缺少选项 \1"),
    (r"Option '(.+?)' requires an argument\.", r"选项 \1 后面要写一个值"),
    (r"Option '(.+?)' does not take a value\.", r"选项 \1 后面不写值"),
    (r"Got unexpected extra arguments? \((.+)\)", r"多余的参数：\1"),
)
_VALUES = (
    (r"'(.*?)' is not one of (.+)\.", r"“\1”不是可选的值（可选：\2）"),
    (r"'(.*?)' is not a valid (?:integer|int)(?: range)?\.", r"“\1”不是整数"),
    (r"'(.*?)' is not a valid float(?: range)?\.", r"“\1”不是数字"),
    (r"(.+?) is not in the range (.+)\.", r"\1 超出范围（\2）"),
    (r"(?:File|Path|Directory) '(.+?)' does not exist\.", r"“\1”不存在"),
    (r"(?:File|Path) '(.+?)' is a directory\.", r"“\1”是文件夹，这里要的是文件"),
    (r"Directory '(.+?)' is a file\.", r"“\1”是文件，这里要的是文件夹"),
    (r"(?:File|Path|Directory) '(.+?)' is not readable\.", r"“\1”无法读取（没有权限）"),
)
_INVALID = r"Invalid value for (.+?): (.+)"
# A line break inside a paragraph with a non-ASCII (Chinese) character on both sides.
_CJK_BREAK = r"(?<=[^\x00-\x7f])\n(?=[^\x00-\x7f])"
# Punctuation a line does not begin with.
_NO_BREAK_BEFORE = frozenset("，。、；：！？）》」』”’…")
# Brackets and quotes a line does not end with.
_NO_BREAK_AFTER = tuple("（《「『“‘[(")


@cache
def _compiled(table: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern[str], str]]:
    # Compiled on the first usage error: a command that runs without one never needs them.
    return [(re.compile(pattern), chinese_text) for pattern, chinese_text in table]


def chinese(message: str) -> str:
    """A Click error message in Chinese (left as it is when not recognised)."""
    m = re.fullmatch(_INVALID, message, re.S)
    if m:
        name = m.group(1).replace("'", "")  # Click quotes an option's names ('-j' / '--jobs'), not a hint's
        return f"{name} 的值不对：{_ranges(_first(_compiled(_VALUES), m.group(2)))}"
    return _first(_compiled(_ERRORS), message)


def _ranges(text: str) -> str:
    for pattern, chinese_text in _RANGES:
        text = re.sub(pattern, chinese_text, text)
    return text


def _first(table: list[tuple[re.Pattern[str], str]], text: str) -> str:
    for pattern, chinese_text in table:
        if pattern.search(text):
            return pattern.sub(chinese_text, text, count=1)
    return text


def show_usage_error(error: click.UsageError) -> None:
    """What Click prints for a usage error, in Chinese."""
    ctx = error.ctx
    if ctx is not None:
        click.echo(ctx.get_usage(), err=True)
        click.echo(f"查看帮助：{ctx.command_path} --help", err=True)
        click.echo(err=True)
    click.secho(f"错误：{chinese(error.format_message())}", fg="red", err=True)


class HelpFormatter(click.HelpFormatter):
    """Click's help page with Chinese headings and notes."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        super().write_usage(prog, args, prefix="用法：")

    def write_text(self, text: str) -> None:
        """A command's help, paragraph by paragraph, wrapped by terminal columns (Click's
        wrapper counts a Chinese character as one column and breaks only at spaces)."""
        indent = " " * self.current_indent
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        for i, paragraph in enumerate(paragraphs):
            lines = _wrap(paragraph, max(self.width - self.current_indent, 20))
            self.write("\n" if i else "")
            self.write("".join(f"{indent}{line}\n" for line in lines))

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_SECTIONS.get(heading, heading)}：\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """Click's definition list, aligned by display width: a Chinese character takes two
        columns of a terminal, and Click counts it as one."""
        rows = [
            (re.sub(_METAVARS, lambda m: _METAVAR_WORDS[m.group(1)], term), _notes(text))
            for term, text in rows
        ]
        first_col = min(max((_columns(term) for term, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            self.write(f"{indent}{term}")
            if not text:
                self.write("\n")
                continue
            if _columns(term) <= first_col - col_spacing:
                self.write(" " * (first_col - _columns(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = _wrap(text, max(self.width - first_col - self.current_indent, 10))
            self.write(
                "\n".join([lines[0], *(f"{indent}{' ' * first_col}{line}" for line in lines[1:])]) + "\n"
            )


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns: a line may break between
    any two Chinese characters or at a space, never inside an ASCII word (``--draft``,
    ``.wenshu-manifest.json``), before closing punctuation (，。）) or after an opening
    bracket. A line break of the source between two Chinese characters is no space."""
    text = re.sub(_CJK_BREAK, "", text)
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[!-~]+|\s+|.", text):
        if token.isspace():
            line += " " if line and not line.endswith(" ") else ""
            continue
        # One ASCII word filling a narrow column keeps its closing mark, a column too wide.
        alone = token in _NO_BREAK_BEFORE and re.fullmatch(r"[!-~]+", line)
        if line and _columns(line.rstrip() + token) > width and not alone:
            # Punctuation that may not start a line takes the character (or ASCII word) before it along.
            cut = len(line)
            if token in _NO_BREAK_BEFORE and len(line) > 1:
                word = re.search(r"[!-~]+$", line)
                cut = word.start() if word else len(line) - 1
            while cut > 1 and line[:cut].endswith(_NO_BREAK_AFTER):
                cut -= 1
            lines.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        line += token
    return [*lines, line.rstrip()] if line.strip() else lines


def _columns(text: str) -> int:
    """Terminal columns of ``text``: wide (CJK) characters take two. (Not the printed width
    of :mod:`wenshu.text.width`: a terminal gives ambiguous-width marks such as … one column.)"""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _notes(text: str) -> str:
    for english, chinese_text in _IN_HELP:
        text = text.replace(english, chinese_text)
    return _ranges(text)


class Context(click.Context):
    """A Click context whose help pages are Chinese."""

    formatter_class = HelpFormatter


class ChineseHelp:
    """Mixed into a Click command: Chinese help pages and help option."""

    context_class = Context

    def get_short_help_str(self, limit: int = 45) -> str:
        """The command's line in a group's list: its help's first sentence, whole (Click cuts
        the help after ``limit`` characters with “...”, inside a Chinese sentence)."""
        short_help = getattr(self, "short_help", None)
        if short_help:
            return short_help
        text = re.sub(_CJK_BREAK, "", inspect.cleandoc(getattr(self, "help", None) or "")).strip()
        return re.sub(r"\s+", " ", text.split("\n\n")[0].split("。")[0]).strip() + "。" if text else ""

    def get_help_option(self, ctx: click.Context) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP
        return option
