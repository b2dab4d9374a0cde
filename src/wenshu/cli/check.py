"""``wenshu check``: any Word file against GB/T 9704-2012."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wenshu.cli.group import Command
from wenshu.cli.output import echo
from wenshu.errors import Problem, WenshuError


def _codes(values: tuple[str, ...]) -> list[str]:
    """``--select a,b --select c`` → [a, b, c]."""
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def _word_files(files: tuple[Path, ...]) -> list[Path]:
    """The files to check: each file named, and the .docx files in each folder named, as
    ``wenshu fix`` collects them; a folder holding none is an error."""
    from wenshu.word_files import DOCX, word_files

    empty = [f for f in files if f.is_dir() and not word_files([f], (DOCX,))]
    if empty:
        raise WenshuError([Problem(str(f), "文件夹中没有可检查的 Word 文件（.docx）") for f in empty])
    return word_files(list(files), (DOCX,))


@click.command(cls=Command, name="check")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出：text 供人阅读，json 供程序读取",
)
@click.option("--render", is_flag=True, help="再用 LibreOffice 实际排版，量出每页行数、每行字数、页码位置等")
@click.option(
    "--png",
    "png_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="把排出的每一页写成图片到此文件夹（隐含 --render）",
)
@click.option("--list-rules", is_flag=True, help="列出全部检查规则（代码、条款、严重程度、要素、说明）后退出")
@click.option("--select", multiple=True, metavar="CODE,…", help="只检查这些规则（可多次给出，或用逗号分隔）")
@click.option("--ignore", multiple=True, metavar="CODE,…", help="不检查这些规则（可多次给出，或用逗号分隔）")
@click.option(
    "--profile",
    type=click.Path(path_type=Path, dir_okay=False),
    help="单位惯例文件（YAML：name、accept: {规则代码: [接受的实际值, …]}），符合的偏差只作提示",
)
def check_cmd(
    files: tuple[Path, ...],
    output: str,
    render: bool,
    png_dir: Path | None,
    list_rules: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    profile: Path | None,
) -> None:
    """检查 Word 文件（.docx，任何来源）是否符合 GB/T 9704-2012；全部符合时退出码为 0。

    FILES 中的文件夹：检查其中的每个 .docx（按文件名排序，不含子文件夹）。
    """
    from wenshu.check import (
        RULES,
        CheckOptions,
        check_files,
        format_json,
        format_rules,
        format_text,
        load_profile,
    )

    if list_rules:
        echo(format_rules())
        return
    if not files:
        ctx = click.get_current_context()
        files_param = next(p for p in ctx.command.params if p.name == "files")
        raise click.MissingParameter(ctx=ctx, param=files_param, param_hint="'FILES'")
    chosen, dropped = _codes(select), _codes(ignore)
    unknown = [code for code in chosen + dropped if code not in RULES]
    if unknown:
        raise WenshuError([Problem("wenshu check", RULES.no_such_rule(code)) for code in unknown])
    options = CheckOptions(
        frozenset(chosen), frozenset(dropped), load_profile(profile) if profile is not None else None
    )
    reports = check_files(_word_files(files), render=render, png_dir=png_dir, options=options)
    if output == "json":
        click.echo(format_json(reports))  # already escaped as JSON: echo's escapes would break it
    else:
        for report in reports:
            color = "green" if report.ok else "red"
            first, *rest = format_text(report).split("\n")
            echo(first, fg=color)
            for line in rest:
                echo(line)
    if not all(report.ok for report in reports):
        sys.exit(1)
