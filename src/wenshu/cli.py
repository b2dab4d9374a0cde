"""The ``wenshu`` command: build, validate, list, schema, frames."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import WenshuError
from .kinds import all_kinds, definitions
from .load import load_spec
from .pipeline import FORMATS, build
from .validate import validate


def _report(exc: WenshuError) -> None:
    for problem in exc.problems:
        click.secho(f"错误 {problem}", fg="red", err=True)


class _Group(click.Group):
    """Turns unexpected failures into one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WenshuError as exc:
            _report(exc)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.secho("已中断", fg="yellow", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug: say so plainly, details only on request
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            click.secho(
                f"内部错误：{type(exc).__name__}: {exc}（这是 wenshu 的缺陷，请报告；加 --debug 查看详情）",
                fg="red",
                err=True,
            )
            ctx.exit(3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wenshu")
@click.option("--debug", is_flag=True, hidden=True, help="出错时显示内部调用栈")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """wenshu（文书）：把 YAML 规格写成符合 GB/T 9704-2012 的公文（Word 与 Markdown）。"""
    ctx.obj = {"debug": debug}


@main.command("build")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(path_type=Path),
    help="输出文件夹",
)
@click.option("--format", "formats", default="docx,md", show_default=True, help="输出格式，逗号分隔：docx,md")
def build_cmd(files: tuple[Path, ...], out_dir: Path, formats: str) -> None:
    """生成 FILES 对应的 .docx 与 .md（文件名取规格文件名）。"""
    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise click.BadParameter(
            f"未知格式 {'、'.join(unknown) or '（空）'}；可选：{'、'.join(FORMATS)}", param_hint="--format"
        )
    failed = 0
    for path in files:
        try:
            for written in build(path, out_dir, wanted):
                click.echo(f"已生成 {written}")
        except WenshuError as exc:
            _report(exc)
            failed += 1
    if failed:
        click.secho(
            f"{failed} 个文件未生成（其余已生成）" if failed < len(files) else "未生成任何文件",
            fg="red",
            err=True,
        )
        sys.exit(1)


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_cmd(files: tuple[Path, ...]) -> None:
    """只检查 FILES，不生成文件。"""
    failed = 0
    for path in files:
        try:
            spec = load_spec(path)
            kind, _ = validate(spec)
            click.echo(f"通过 {path}（{kind.label}）")
        except WenshuError as exc:
            _report(exc)
            failed += 1
    if failed:
        click.secho(f"{failed} 个文件有问题", fg="red", err=True)
        sys.exit(1)


@main.command("list")
def list_cmd() -> None:
    """列出全部文种。"""
    for name, kind in all_kinds().items():
        click.echo(f"{name:<22}{kind.label}　{kind.description}")


@main.command("schema")
@click.argument("kind")
def schema_cmd(kind: str) -> None:
    """打印文种 KIND 的字段说明。"""
    kinds = all_kinds()
    if kind not in kinds:
        raise click.BadParameter(f"未知文种“{kind}”；可选：{'、'.join(kinds)}", param_hint="KIND")
    k = kinds[kind]
    click.echo(f"{k.name}：{k.label}\n{k.description}\n")
    _print_fields(k.schema, 0, set())


def _print_fields(schema: dict, depth: int, seen: set[str]) -> None:
    pad = "  " * depth
    for name, rule in schema.items():
        meta = rule.get("meta", {})
        types = rule.get("type", "")
        types = "/".join(types) if isinstance(types, list) else types
        flags = "必填" if rule.get("required") else "可选"
        allowed = f"；可选值：{'、'.join(map(str, rule['allowed']))}" if "allowed" in rule else ""
        default = f"；默认 {rule['default']}" if "default" in rule else ""
        label = meta.get("label", "")
        help_ = f"　{meta['help']}" if meta.get("help") else ""
        click.echo(f"{pad}{name}（{label}，{types}，{flags}{allowed}{default}）{help_}")
        sub = rule.get("schema")
        if isinstance(sub, dict) and "type" in sub and isinstance(sub.get("schema"), (dict, str)):
            sub = sub["schema"]
        if isinstance(sub, str):
            if sub in seen:
                click.echo(f"{pad}  （结构同上：{sub}）")
                continue
            seen = seen | {sub}
            sub = definitions()[sub]
        if isinstance(sub, dict) and all(isinstance(v, dict) for v in sub.values()):
            _print_fields(sub, depth + 1, seen)


@main.command("frames")
@click.argument("folder", type=click.Path(path_type=Path), required=False)
def frames_cmd(folder: Path | None) -> None:
    """重新生成标准版式框架（信函格式、文件格式、无版头）到 FOLDER。"""
    from .frames import write_frames
    from .resources import resource_dir

    for path in write_frames(folder or resource_dir("templates") / "frames"):
        click.echo(f"已生成 {path}")
