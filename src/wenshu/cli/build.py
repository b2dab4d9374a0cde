"""``wenshu build`` and ``wenshu batch``: options in, :func:`wenshu.build.pipeline.run`, results out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wenshu.cli import options
from wenshu.cli.group import Command


@click.command("build", cls=Command)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@options.out_dir(None, "输出文件夹（默认 out）")
@options.formats
@options.draft
@options.pdf("同时用 LibreOffice 生成 PDF，与 .docx 同名同文件夹")
@click.option("--force", is_flag=True, help="文件夹：全部重新生成，不跳过未改动的规格")
@options.jobs("文件夹与批量规格：并行进程数（默认：全部核心）")
@options.paginate("用 LibreOffice 实际排版并调整分页（署名不单独成页、版记位于最后一个偶数页底部等）")
def build_cmd(
    files: tuple[Path, ...],
    out_dir: Path,
    formats: tuple[str, ...],
    draft: bool,
    pdf: bool,
    force: bool,
    jobs: int | None,
    paginate: bool,
) -> None:
    """生成 FILES 对应的 .docx 与 .md（文件名取规格文件名）。

    FILES 中的文件夹：其中每个规格生成到 -o 下相同的子文件夹，只重新生成输入有改动的规格
    （记录在输出文件夹的 .wenshu-manifest.json）；批量规格（含 records 或 data）每份函一个文件。"""
    from wenshu.build.pipeline import BuildRequest, run
    from wenshu.cli.output import Progress, show_result
    from wenshu.files import default_output_dir

    request = BuildRequest(
        files,
        out_dir or default_output_dir(Path("."), "out"),
        formats,
        draft=draft,
        paginate=paginate,
        pdf=pdf,
        force=force,
        jobs=jobs,
    )
    result = run(request, Progress("生成"))
    show_result(result)
    if result.failed:
        sys.exit(1)


@click.command("batch", cls=Command)
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    help="数据文件（.csv 或 .xlsx），一行一份；默认用规格中的 data 或 records",
)
@options.out_dir(None, "输出文件夹（默认 out/规格文件名）")
@options.jobs("并行进程数（默认：全部核心）")
@click.option(
    "--merge",
    is_flag=True,
    help="另生成一个合并文件供双面打印：每份从单页（正面）起，页数为单数的函后留一张空白页，页码各自从 1 起",
)
@click.option(
    "--name",
    "name",
    help='文件名模式，可用 {字段}、{n}（第几条）、{row}（行号），如 "{applicant}-{rank}"；'
    "默认取推荐对象（申报函取发文机关）；重名的加 -2、-3",
)
@options.formats
@options.draft
@options.pdf("同时用 LibreOffice 为每份 .docx 生成同名 PDF（一次转换全部）")
@options.paginate("超过一页的函用 LibreOffice 实际排版并调整分页（一页排得下的不必）")
def batch_cmd(
    spec: Path,
    data: Path | None,
    out_dir: Path | None,
    jobs: int | None,
    merge: bool,
    name: str | None,
    formats: tuple[str, ...],
    draft: bool,
    pdf: bool,
    paginate: bool,
) -> None:
    """按 SPEC 批量生成函件：每条记录（数据文件的一行）一份 .docx 与 .md。

    SPEC 写各份相同的字段，记录写各份不同的字段；列名用字段名或中文名（wenshu schema KIND）。
    有问题的记录按行号一并报告，其余照常生成；有任何一条出错时退出码非零。"""
    from wenshu.build.pipeline import BuildRequest, run
    from wenshu.cli.output import Progress, show_result
    from wenshu.files import default_output_dir

    request = BuildRequest(
        (spec,),
        out_dir or default_output_dir(Path("."), Path("out") / spec.stem),
        formats,
        draft=draft,
        paginate=paginate,
        pdf=pdf,
        jobs=jobs,
        merge=merge,
        name=name,
        data=data,
        batch=True,
        batch_folder=False,
    )
    result = run(request, Progress("生成"))
    show_result(result)
    if result.failed:
        sys.exit(1)
