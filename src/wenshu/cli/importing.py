"""``wenshu import`` and ``wenshu fix``: an existing Word 公文 back into a spec, and laid out again."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wenshu.cli import options, output
from wenshu.cli.group import Command
from wenshu.errors import Problem, WenshuError, printable


@click.command(cls=Command, name="import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o", "--out", "out", type=click.Path(path_type=Path, dir_okay=False), help="规格文件（默认：同名 .yaml）"
)
@click.option("--force", is_flag=True, help="规格文件已存在时覆盖")
def import_cmd(file: Path, out: Path | None, force: bool) -> None:
    """把现有的 Word 公文（.docx）读成规格（YAML），并报告识别出什么、改了什么、哪些未能归位。"""
    from wenshu.importing.fix import docx_bytes, import_docx, spec_problems, write_with_files

    data = docx_bytes(file)  # first: a file that is no Word document is named as such
    target = out or file.with_suffix(".yaml")
    if target.exists() and not force:
        raise WenshuError(Problem(str(target), "规格文件已存在，未覆盖（要覆盖请加 --force）"))
    imported = import_docx(data, str(file), target.stem)
    write_with_files(
        target.parent if str(target.parent) else Path("."),
        {target.name: imported.yaml.encode("utf-8"), **imported.report.files},
        replace=target.name if force else None,
    )
    for line in imported.report.lines():
        output.echo(line)
    output.echo(f"已生成 {printable(str(target))}", fg="green")
    # what to fill in before it builds
    for problem in spec_problems(imported.yaml, str(target), imported.report.files):
        output.warn(problem)


@click.command(cls=Command, name="fix")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="输出文件夹（默认：原文件旁的 fixed）",
)
@click.option("--force", is_flag=True, help="覆盖输出文件夹中已有改动的规格文件")
@options.paginate("用 LibreOffice 排版并调整分页")
def fix_cmd(files: tuple[Path, ...], out_dir: Path | None, force: bool, paginate: bool) -> None:
    """导入并按 GB/T 9704 重新生成 Word 公文：写出 .docx、.md 与规格，列出改动和未能归位的内容。"""
    from wenshu.importing.fix import default_fix_dir, fix_files
    from wenshu.word_files import word_files

    paths = word_files(list(files))
    if not paths:
        raise WenshuError(
            Problem("、".join(str(f) for f in files), "没有找到 Word 文件（.docx、.doc、.wps、.odt）")
        )
    results = fix_files(paths, lambda path: out_dir or default_fix_dir(path), paginate=paginate, force=force)
    failed = 0
    for fixed in results:
        if fixed.error is not None or fixed.report is None:
            error = fixed.error or WenshuError(Problem(str(fixed.source), "未能处理"))
            output.report(error.problems)
            failed += 1
            continue
        for line in (
            fixed.report.lines()[:1]
            + [f"  改动 {c}" for c in fixed.changes]
            + [line for line in fixed.report.lines()[1:] if not line.startswith("  改动")]
        ):
            output.echo(line)
        for written in fixed.written:
            output.echo(f"已生成 {printable(str(written))}", fg="green")
    if failed:
        sys.exit(1)
