"""The ``wenshu`` command: build, validate, list, schema, frames."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

# Only what every command needs is imported here; each command imports its own modules, so
# `wenshu --help` does not pay for python-docx, docxtpl, Jinja2, markdown-it and Cerberus.
from wenshu import __version__
from wenshu.cli.usage import VERSION, ChineseHelp, chinese, show_usage_error
from wenshu.errors import Problem, WenshuError
from wenshu.spec.applicants import LEVELS, PROGRAMMES

if TYPE_CHECKING:
    from wenshu.compose.round import Member


def _report(exc: WenshuError) -> None:
    for problem in exc.problems:
        click.secho(f"错误 {problem}", fg="red", err=True)


def _warn(problem: Problem) -> None:
    """A warning: said like an error, but the build goes on and the exit code stays."""
    click.secho(f"警告 {problem}", fg="yellow", err=True)


def _warn_about(path: Path, *, draft: bool = False) -> None:
    """The warnings about a spec built by a path that does not report them itself (PDF,
    folder); a spec that fails has had its errors reported."""
    from wenshu.rules import advice
    from wenshu.spec.load import load_spec
    from wenshu.spec.validate import validate

    try:
        spec = load_spec(path)
        kind, document = validate(spec, draft=draft)
    except WenshuError:
        return
    for warning in advice.warnings(spec, kind, document):
        _warn(warning)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a ``kill``, a session ending) stops wenshu as Ctrl-C does: the file being
    written is removed, not left behind as a hidden temporary. Worker processes forked
    meanwhile inherit this."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Command(ChineseHelp, click.Command):
    """A wenshu command: Click's own words in Chinese."""


class _Group(ChineseHelp, click.Group):
    """Turns unexpected failures into one clear line instead of a traceback, and says
    Click's own usage errors in Chinese."""

    command_class = _Command

    def main(self, args: Any = None, prog_name: str | None = None, *a: Any, **kw: Any) -> Any:
        standalone = kw.pop("standalone_mode", True)
        if not standalone:
            return super().main(args, prog_name, *a, standalone_mode=False, **kw)
        try:
            code = super().main(args, prog_name, *a, standalone_mode=False, **kw)
        except click.UsageError as exc:
            show_usage_error(exc)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.secho(f"错误：{chinese(exc.format_message())}", fg="red", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.secho("已中断", fg="yellow", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            with _terminate_as_interrupt():
                return super().invoke(ctx)
        except WenshuError as exc:
            _report(exc)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.secho("已中断", fg="yellow", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader went away (``wenshu list | head``): nothing is wrong, stop quietly;
            # stdout goes to /dev/null so the interpreter's final flush cannot fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as exc:  # a bug: say so plainly, details only on request
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            click.secho(
                f"内部错误：{type(exc).__name__}: {exc}（这是 wenshu 的缺陷，请报告；加 --debug 查看详情）",
                fg="red",
                err=True,
            )
            ctx.exit(3)


def _note_stand_ins(line: str | None) -> None:
    """Say once per command which faces stood in for missing official fonts in the PDFs."""
    if line:
        click.secho(line, fg="yellow")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wenshu", help=VERSION, message="%(prog)s，版本 %(version)s")
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
@click.option("--draft", is_flag=True, help="草稿：有【待补】也生成，待补处在 Word 中黄色突出显示")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF，与 .docx 同名同文件夹")
@click.option("--force", is_flag=True, help="文件夹：全部重新生成，不跳过未改动的规格")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="文件夹：并行进程数（默认：全部核心）")
@click.option(
    "--paginate/--no-paginate",
    default=True,
    envvar="WENSHU_PAGINATE",
    show_default=True,
    help="用 LibreOffice 实际排版并调整分页（署名不单独成页、版记位于最后一个偶数页底部等）",
)
def build_cmd(
    files: tuple[Path, ...],
    out_dir: Path,
    formats: str,
    draft: bool,
    pdf: bool,
    force: bool,
    jobs: int | None,
    paginate: bool,
) -> None:
    """生成 FILES 对应的 .docx 与 .md（文件名取规格文件名）。

    FILES 中的文件夹：其中每个规格生成到 -o 下相同的子文件夹，只重新生成输入有改动的规格
    （记录在输出文件夹的 .wenshu-manifest.json）；批量规格（含 records 或 data）每份函一个文件。"""
    from wenshu.build.pipeline import FORMATS, build_all
    from wenshu.spec.load import looks_like_batch

    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise click.BadParameter(
            f"未知格式 {'、'.join(unknown) or '（空）'}；可选：{'、'.join(FORMATS)}", param_hint="--format"
        )
    folders = [f for f in files if f.is_dir()]
    batches = [f for f in files if not f.is_dir() and looks_like_batch(f)]
    if draft and (folders or batches):
        # A folder's outputs are kept by the manifest as final; a batch's letters have no gaps.
        given = "、".join(str(f) for f in folders + batches)
        raise click.BadParameter(
            f"草稿只用于单个规格文件，不用于文件夹或批量规格（{given}）；请逐个给出要生成草稿的规格文件",
            param_hint="--draft",
        )
    office = None
    if pdf and (folders or batches):
        if "docx" not in wanted:
            raise click.BadParameter("文件夹或批量规格生成 PDF 需要同时生成 docx", param_hint="--pdf")
        from wenshu.office.libreoffice import LibreOffice

        office = LibreOffice()  # no LibreOffice: say so before anything is written
    failed = sum(_build_folder(f, out_dir, wanted, force, jobs, office, paginate) for f in folders)
    failed += sum(_build_batch(f, out_dir / f.stem, wanted, jobs, office, paginate) for f in batches)
    files = tuple(f for f in files if not f.is_dir() and f not in batches)  # each file read once
    if not files:
        sys.exit(1 if failed else 0)
    if pdf:
        from wenshu.office.libreoffice import build_with_pdf, stand_in_line

        for path, result in build_with_pdf(files, out_dir, wanted, draft=draft, paginate=paginate):
            if isinstance(result, WenshuError):
                _report(result)
                failed += 1
            else:
                _warn_about(path, draft=draft)
                for written in result:
                    click.echo(f"已生成 {written}{'（草稿）' if draft else ''}")
        _note_stand_ins(stand_in_line())
        if failed:
            click.secho(f"{failed} 个文件未生成（其余已生成）", fg="red", err=True)
            sys.exit(1)
        return
    with _pagination(paginate and "docx" in wanted) as office:
        for _, result in build_all(list(files), out_dir, wanted, draft=draft, warn=_warn, office=office):
            if isinstance(result, WenshuError):
                _report(result)
                failed += 1
                continue
            for written in result:
                click.echo(f"已生成 {written}{'（草稿）' if draft else ''}")
    if failed:
        click.secho(
            f"{failed} 个文件未生成（其余已生成）" if failed < len(files) else "未生成任何文件",
            fg="red",
            err=True,
        )
        sys.exit(1)


@contextlib.contextmanager
def _pagination(wanted: bool) -> Iterator[Any]:
    """The LibreOffice the pagination pass lays documents out with, or None (said once)."""
    if not wanted:
        yield None
        return
    from wenshu.office.libreoffice import SOFFICE_HINT, LibreOffice, find_poppler

    try:
        find_poppler("pdftotext")  # the pass measures pages with it
        office = LibreOffice()
    except WenshuError:
        click.secho(
            "提示：未验证分页（署名与正文同页、版记位置等需 LibreOffice 与 poppler-utils 实际排版、量页）。"
            + SOFFICE_HINT,
            fg="yellow",
            err=True,
        )
        yield None
        return
    with office:
        yield office


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_cmd(files: tuple[Path, ...]) -> None:
    """只检查 FILES，不生成文件。FILES 中的文件夹按一轮评定检查：先逐个检查其中的规格，
    再检查它们之间的规则（名额、重复推荐、试点名单、示范企业条件、转发通知的截止日期）。"""
    from wenshu.compose.round import check_round, find_specs, round_folders
    from wenshu.spec.load import looks_like_batch

    failed = 0
    targets = [r for f in files for r in (round_folders(f) or [f] if f.is_dir() else [f])]
    for target in targets:
        paths = find_specs(target) if target.is_dir() else [target]
        if target.is_dir() and not paths:
            _report(WenshuError(Problem(str(target), "文件夹中没有 YAML 规格文件")))
            failed += 1
        plain = [p for p in paths if not looks_like_batch(p)]
        members = _validate_each(plain)
        failed += len(plain) - len(members)
        for path in (p for p in paths if looks_like_batch(p)):
            good, bad = _validate_batch(path)
            members += good
            failed += bad
        if target.is_dir() and paths:
            problems = check_round(members)
            if problems:
                _report(WenshuError(problems))
                failed += 1
            else:
                click.echo(f"通过 {target}：一轮 {len(members)} 个文件之间的规则")
    if failed:
        click.secho(f"{failed} 项检查未通过", fg="red", err=True)
        sys.exit(1)


def _validate_each(paths: list[Path]) -> list[Member]:
    """Validate each spec, report it, and return the valid ones."""
    from wenshu.compose.round import Member
    from wenshu.rules import advice
    from wenshu.spec.load import load_spec
    from wenshu.spec.validate import PLACEHOLDER, validate

    members = []
    for path in paths:
        try:
            spec = load_spec(path)
            kind, document = validate(spec)
            click.echo(f"通过 {path}（{kind.label}）")
            for warning in advice.warnings(spec, kind, document):
                _warn(warning)
            members.append(Member(spec, kind, document))
        except WenshuError as exc:
            _report(exc)
            holes = sum(PLACEHOLDER in p.message for p in exc.problems)
            if holes:
                click.secho(
                    f"{path}：还有 {holes} 处{PLACEHOLDER}未填写；未填完时可用 wenshu build --draft 生成草稿",
                    fg="yellow",
                    err=True,
                )
    return members


@main.command("new")
@click.argument("kind")
@click.option("--applicant", help="申报单位（城市、县或企业）名称，如 示例市；省略时留作【待补】")
@click.option("--level", type=click.Choice(LEVELS), default="city", show_default=True, help="城市或县")
@click.option(
    "--programme",
    type=click.Choice(PROGRAMMES),
    default="demonstration",
    show_default=True,
    help="试点或示范",
)
@click.option("--start", type=click.IntRange(2000, 2100), help="三年期的首年，默认明年")
@click.option(
    "--relay",
    type=click.Path(path_type=Path, dir_okay=False),
    help="通知：转发这份国家通知（规格文件），取其标题、发文字号、截止日期和本省名额",
)
@click.option("--province", help="与 --relay 同用：转发的省份，如 河南省（取名额表中本省一行）")
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path), help="写入的文件；省略时打印")
@click.option("--force", is_flag=True, help="覆盖已有文件")
@click.pass_context
def new_cmd(
    ctx: click.Context,
    kind: str,
    applicant: str | None,
    level: str,
    programme: str,
    start: int | None,
    relay: Path | None,
    province: str | None,
    out_file: Path | None,
    force: bool,
) -> None:
    """写出文种 KIND 的 YAML 骨架：提纲各部分齐全，要求写在注释里，待填处为【待补】。

    省级转发国家通知的骨架：KIND 写 notice，加 --relay 国家通知的规格文件与 --province 省份。"""
    from wenshu.build.pipeline import write_atomically
    from wenshu.spec.skeleton import relay_context, render_skeleton, skeleton_variables, unfilled
    from wenshu.spec.validate import PLACEHOLDER

    if province is not None and relay is None:
        raise click.BadParameter(
            "--province 只与 --relay 同用（转发国家通知时的省份）", param_hint="--province"
        )
    if relay is not None and kind != "notice":
        raise click.BadParameter(f"只有通知（notice）能转发，{kind} 不能", param_hint="--relay")
    # An option the skeleton does not use would be dropped without a word: refuse it.
    used = skeleton_variables(kind)
    for option, variables in (
        ("applicant", {"applicant"}),
        ("level", {"level"}),
        ("programme", {"programme"}),
        ("start", {"start", "end"}),
    ):
        given = ctx.get_parameter_source(option) == click.core.ParameterSource.COMMANDLINE
        if given and used and (relay is not None or not used & variables):
            raise click.BadParameter(f"{kind} 的骨架不用这一选项", param_hint=f"--{option}")
    context = relay_context(relay, province, out_file) if relay is not None else None
    text = render_skeleton(
        kind, applicant=applicant, level=level, programme=programme, start=start, relay=context
    )
    if out_file is None:
        click.echo(text, nl=False)
        return
    if out_file.exists() and not force:
        raise WenshuError(Problem(str(out_file), "文件已存在，未覆盖（确要覆盖请加 --force）"))
    write_atomically(out_file.parent, {out_file.name: text.encode("utf-8")})
    click.echo(f"已生成 {out_file}（{unfilled(text)} 处{PLACEHOLDER}待填写）")


@main.command("list")
def list_cmd() -> None:
    """列出全部文种。"""
    from wenshu.spec.kinds import all_kinds

    for name, kind in all_kinds().items():
        click.echo(f"{name:<22}{kind.label}　{kind.description}")


@main.command("schema")
@click.argument("kind")
def schema_cmd(kind: str) -> None:
    """打印文种 KIND 的字段说明。"""
    from wenshu.spec.kinds import all_kinds

    kinds = all_kinds()
    if kind not in kinds:
        raise click.BadParameter(f"未知文种“{kind}”；可选：{'、'.join(kinds)}", param_hint="KIND")
    k = kinds[kind]
    click.echo(f"{k.name}：{k.label}\n{k.description}\n")
    _print_fields(k.schema, 0, set())


def _print_fields(schema: dict, depth: int, seen: set[str]) -> None:
    from wenshu.spec.kinds import definitions

    pad = "  " * depth
    for name, rule in schema.items():
        meta = rule.get("meta", {})
        types = rule.get("type", "")
        types = "/".join(types) if isinstance(types, list) else types
        excludes = rule.get("excludes")
        either = "、".join(excludes) if isinstance(excludes, list) else excludes
        flags = ("必填" + (f"（与 {either} 二选一）" if either else "")) if rule.get("required") else "可选"
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
    from wenshu.render.frames import write_frames
    from wenshu.resources import resource_dir

    for path in write_frames(folder or resource_dir("templates") / "frames"):
        click.echo(f"已生成 {path}")


def _codes(values: tuple[str, ...]) -> list[str]:
    """``--select a,b --select c`` → [a, b, c]."""
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


@main.command("check")
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
    """检查 Word 文件（.docx，任何来源）是否符合 GB/T 9704-2012；全部符合时退出码为 0。"""
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
        click.echo(format_rules())
        return
    if not files:
        ctx = click.get_current_context()
        files_param = next(p for p in ctx.command.params if p.name == "files")
        raise click.MissingParameter(ctx=ctx, param=files_param, param_hint="'FILES'")
    chosen, dropped = _codes(select), _codes(ignore)
    unknown = RULES.unknown(chosen + dropped)
    if unknown:
        raise WenshuError(
            Problem(
                "wenshu check", f"没有这些规则：{'、'.join(unknown)}（wenshu check --list-rules 列出全部）"
            )
        )
    options = CheckOptions(
        frozenset(chosen), frozenset(dropped), load_profile(profile) if profile is not None else None
    )
    reports = check_files(list(files), render=render, png_dir=png_dir, options=options)
    if output == "json":
        click.echo(format_json(reports))
    else:
        for report in reports:
            color = "green" if report.ok else "red"
            first, *rest = format_text(report).split("\n")
            click.secho(first, fg=color)
            for line in rest:
                click.echo(line)
    if not all(report.ok for report in reports):
        sys.exit(1)


# -- import and fix: an existing Word 公文 back into a spec --------------------------------------
@main.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o", "--out", "out", type=click.Path(path_type=Path, dir_okay=False), help="规格文件（默认：同名 .yaml）"
)
@click.option("--force", is_flag=True, help="规格文件已存在时覆盖")
def import_cmd(file: Path, out: Path | None, force: bool) -> None:
    """把现有的 Word 公文（.docx）读成规格（YAML），并报告识别出什么、改了什么、哪些未能归位。"""
    from wenshu.build.pipeline import write_atomically
    from wenshu.importing.fix import docx_bytes, import_docx, spec_problems

    target = out or file.with_suffix(".yaml")
    if target.exists() and not force:
        raise WenshuError(Problem(str(target), "规格文件已存在，未覆盖（要覆盖请加 --force）"))
    imported = import_docx(docx_bytes(file), str(file))
    write_atomically(
        target.parent if str(target.parent) else Path("."), {target.name: imported.yaml.encode("utf-8")}
    )
    for line in imported.report.lines():
        click.echo(line)
    click.secho(f"已生成 {target}", fg="green")
    for problem in spec_problems(imported.yaml, str(target)):  # what to fill in before it builds
        _warn(problem)


@main.command("fix")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="输出文件夹（默认：原文件旁的 fixed）",
)
@click.option(
    "--paginate/--no-paginate",
    default=True,
    envvar="WENSHU_PAGINATE",
    show_default=True,
    help="用 LibreOffice 排版并调整分页",
)
def fix_cmd(files: tuple[Path, ...], out_dir: Path | None, paginate: bool) -> None:
    """导入并按 GB/T 9704 重新生成 Word 公文：写出 .docx、.md 与规格，列出改动和未能归位的内容。"""
    from wenshu.importing.fix import fix_files, word_files

    paths = word_files(list(files))
    if not paths:
        raise WenshuError(
            Problem("、".join(str(f) for f in files), "没有找到 Word 文件（.docx、.doc、.wps、.odt）")
        )
    results = fix_files(paths, lambda path: out_dir or path.parent / "fixed", paginate=paginate)
    failed = 0
    for fixed in results:
        if fixed.error is not None or fixed.report is None:
            _report(fixed.error or WenshuError(Problem(str(fixed.source), "未能处理")))
            failed += 1
            continue
        for line in (
            fixed.report.lines()[:1]
            + [f"  改动 {c}" for c in fixed.changes]
            + [line for line in fixed.report.lines()[1:] if not line.startswith("  改动")]
        ):
            click.echo(line)
        for written in fixed.written:
            click.secho(f"已生成 {written}", fg="green")
    if failed:
        sys.exit(1)


# -- batches and folders -----------------------------------------------------------------------
class _Progress:
    """A progress bar on a terminal (stderr); nothing at all when output goes elsewhere."""

    def __init__(self, label: str):
        self.label = label
        self.bar: Any = None

    def start(self, total: int) -> None:
        if total and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _build_folder(
    folder: Path,
    out_dir: Path,
    formats: tuple[str, ...],
    force: bool,
    jobs: int | None,
    office: Any = None,
    paginate: bool = True,
) -> int:
    """``build DIR``: the folder's specs into ``out_dir``, incrementally; 1 if any failed.
    The .docx built that do not provably fit one page go through the pagination pass (one
    LibreOffice for all; said once when there is none). With ``office`` (a LibreOffice)
    every .docx of the tree without an up-to-date PDF gets one."""
    from wenshu.build.tree import build_tree, tree_summary
    from wenshu.office.libreoffice import SOFFICE_HINT, LibreOffice
    from wenshu.spec.load import looks_like_batch

    pager = None
    if paginate and "docx" in formats:
        with contextlib.suppress(WenshuError):  # none installed: built unpaginated, said below
            pager = LibreOffice()
    progress = _Progress("生成")
    try:
        with pager or contextlib.nullcontext():
            report = build_tree(
                folder,
                out_dir,
                force=force,
                jobs=jobs,
                formats=formats,
                planned=progress.start,
                progress=progress.advance,
                office=pager,
            )
    finally:
        progress.finish()
    if paginate and "docx" in formats and pager is None and any(p.suffix == ".docx" for p in report.written):
        click.secho(
            "提示：未验证分页（署名与正文同页、版记位置等需 LibreOffice 实际排版）。" + SOFFICE_HINT,
            fg="yellow",
            err=True,
        )
    for note in report.notes:
        click.secho(f"提示 {note}", fg="yellow", err=True)
    for problems in report.failed.values():
        _report(WenshuError(problems))
    if report.errors:
        _report(WenshuError(report.errors))
    for rel in report.built:
        if not looks_like_batch(folder / rel):
            _warn_about(folder / rel)
    for line in tree_summary(report, folder, out_dir):
        click.echo(line)
    failed = 1 if report.failed or report.errors else 0
    if office is not None:
        # Skipped specs keep their .docx; their PDF is made again only when missing or older.
        docx = sorted(
            p
            for p in out_dir.rglob("*.docx")
            if not p.name.startswith((".", "~$"))
            and (
                not p.with_suffix(".pdf").exists()
                or p.with_suffix(".pdf").stat().st_mtime < p.stat().st_mtime
            )
        )
        failed |= _pdfs(docx, office, out_dir)
    return failed


def _pdfs(docx: list[Path], office: Any, where: Path) -> int:
    """PDFs beside ``docx`` through one LibreOffice run; 1 if any failed."""
    from wenshu.office.libreoffice import pdfs_beside

    if not docx:
        return 0
    try:
        made = pdfs_beside(docx, office)
    except WenshuError as exc:
        _report(exc)
        return 1
    click.echo(f"已生成 {len(made)} 个 PDF（{where}）")
    return 0


def _build_batch(
    spec: Path,
    out_dir: Path,
    formats: tuple[str, ...],
    jobs: int | None,
    office: Any = None,
    paginate: bool = True,
) -> int:
    """``build`` given a batch spec: its letters into ``out_dir`` (letters longer than a page
    through the pagination pass; with ``office``, a PDF beside each); 1 if any failed."""
    from wenshu.build.batch import load_batch, run_batch, summary

    try:
        batch = load_batch(spec)
    except WenshuError as exc:
        _report(exc)
        return 1
    result = run_batch(batch, out_dir, jobs=jobs, formats=formats)
    if result.failed:
        _report(WenshuError(result.problems()))
    for line in summary(result, out_dir):
        click.echo(line)
    if paginate:
        _paginate_letters(result.written)
    pdf_failed = 0
    if office is not None:
        pdf_failed = _pdfs([p for p in result.written if p.suffix == ".docx"], office, out_dir)
    return 1 if result.failed or pdf_failed else 0


def _paginate_letters(written: list[Path]) -> None:
    """The pagination pass for the letters of a batch that do not provably fit one page."""
    from wenshu.build.pipeline import needs_pagination, paginate_files
    from wenshu.office.libreoffice import SOFFICE_HINT, LibreOffice, find_poppler

    pending = needs_pagination([p for p in written if p.suffix == ".docx"])
    if not pending:
        return
    try:
        find_poppler("pdftotext")  # the pass measures pages with it
        office = LibreOffice()
    except WenshuError:
        click.secho(f"提示：{len(pending)} 份函超过一页，未验证分页。" + SOFFICE_HINT, fg="yellow", err=True)
        return
    try:
        with office:
            paginate_files(pending, office)
    except WenshuError as exc:  # the letters are written; only their pagination is not verified
        reason = "；".join(p.message for p in exc.problems)
        click.secho(f"提示：{len(pending)} 份函未能分页（{reason}），已按未分页保留", fg="yellow", err=True)


def _validate_batch(spec: Path) -> tuple[list[Member], int]:
    """``validate`` given a batch spec: each record checked; the valid ones join the round."""
    from wenshu.build.batch import load_batch, validate_records
    from wenshu.compose.round import Member

    try:
        batch = load_batch(spec)
    except WenshuError as exc:
        _report(exc)
        return [], 1
    progress = _Progress("检查")
    progress.start(len(batch.records))
    try:
        valid, failed = validate_records(batch, progress.advance)
    finally:
        progress.finish()
    for index in sorted(failed):
        _report(WenshuError(failed[index]))
    if not failed:
        click.echo(f"通过 {spec}（{batch.kind.label}，{len(valid)} 份）")
    return [Member(s, kind, document) for s, kind, document in valid], len(failed)


@main.command("batch")
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    help="数据文件（.csv 或 .xlsx），一行一份；默认用规格中的 data 或 records",
)
@click.option(
    "-o", "--out", "out_dir", type=click.Path(path_type=Path), help="输出文件夹（默认 out/规格文件名）"
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="并行进程数（默认：全部核心）")
@click.option("--merge", is_flag=True, help="另生成一个合并文件供打印：每份另起一页，页码各自从 1 起")
@click.option("--name", "name", help='文件名，可用 {字段}，如 "{applicant}-{rank}"；默认取推荐对象')
@click.option("--format", "formats", default="docx,md", show_default=True, help="输出格式，逗号分隔：docx,md")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 为每份 .docx 生成同名 PDF（一次转换全部）")
@click.option(
    "--paginate/--no-paginate",
    default=True,
    envvar="WENSHU_PAGINATE",
    show_default=True,
    help="超过一页的函用 LibreOffice 实际排版并调整分页（一页排得下的不必）",
)
def batch_cmd(
    spec: Path,
    data: Path | None,
    out_dir: Path | None,
    jobs: int | None,
    merge: bool,
    name: str | None,
    formats: str,
    pdf: bool,
    paginate: bool,
) -> None:
    """按 SPEC 批量生成函件：每条记录（数据文件的一行）一份 .docx 与 .md。

    SPEC 写各份相同的字段，记录写各份不同的字段；列名用字段名或中文名（wenshu schema KIND）。
    有问题的记录按行号一并报告，其余照常生成；有任何一条出错时退出码非零。"""
    from wenshu.build.batch import load_batch, run_batch, summary
    from wenshu.build.pipeline import FORMATS

    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    if not wanted or any(f not in FORMATS for f in wanted):
        raise click.BadParameter(f"可选：{'、'.join(FORMATS)}", param_hint="--format")
    if pdf and "docx" not in wanted:
        raise click.BadParameter("生成 PDF 需要同时生成 docx", param_hint="--pdf")
    if pdf:
        from wenshu.office.libreoffice import LibreOffice, pdfs_beside, stand_in_line

        office = LibreOffice()  # no LibreOffice: say so before any letter is written
    batch = load_batch(spec, data)
    out = out_dir or Path("out") / spec.stem
    progress = _Progress("生成")
    progress.start(len(batch.records))
    try:
        result = run_batch(
            batch,
            out,
            jobs=jobs,
            merge=merge,
            name=name,
            formats=wanted,
            progress=progress.advance,
            paginate=_paginate_letters if paginate else None,
        )
    finally:
        progress.finish()
    if result.failed:
        _report(WenshuError(result.problems()))
    for line in summary(result, out):
        click.echo(line)
    if pdf:
        letters = [p for p in result.written if p.suffix == ".docx"]
        made = pdfs_beside(letters + ([result.merged] if result.merged else []), office)
        click.echo(f"已生成 {len(made)} 个 PDF（{out}）")
        _note_stand_ins(stand_in_line())
    if result.failed:
        sys.exit(1)


@main.command("serve")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=".", required=False)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="端口（0：任选空闲端口）"
)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；默认只在本机（回环地址）")
@click.option("--no-pages", is_flag=True, help="预览只用 Markdown，不用 LibreOffice 排出页面图片")
def serve_cmd(folder: Path, port: int, host: str, no_pages: bool) -> None:
    """在浏览器中编辑 FOLDER 中的规格：表单、YAML、问题、预览、下载、批量与检查（本机网页工作台）。"""
    from wenshu.serve import LOOPBACK, make_workbench_server

    if not folder.is_dir():
        raise WenshuError(Problem(str(folder), "不是文件夹"))
    if host not in LOOPBACK:
        click.secho(
            f"警告：在 {host} 上监听，本机以外的电脑也可能访问并修改 {folder} 中的文件；只应在可信网络中使用",
            fg="yellow",
            err=True,
        )
    try:
        server = make_workbench_server(folder, host, port, pages=not no_pages)
    except OSError as exc:
        raise WenshuError(Problem(f"{host}:{port}", f"无法监听：{exc.strerror or exc}")) from None
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"文书工作台：http://{shown}:{server.server_port}/ （{folder.resolve()}；按 Ctrl+C 停止）")
    try:
        server.serve_forever()
    finally:
        server.server_close()
