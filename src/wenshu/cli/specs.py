"""Commands about specs: ``validate``, ``new``, ``list``, ``schema``, and ``frames``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wenshu.cli.group import Command
from wenshu.cli.output import Progress, echo, report, warn
from wenshu.errors import Problem, WenshuError
from wenshu.spec.applicants import LEVELS, PROGRAMMES

if TYPE_CHECKING:
    from wenshu.spec.kinds import Kind
    from wenshu.spec.load import Spec

    Valid = tuple[Spec, Kind, dict[str, Any]]  # a valid spec: what a round is made of


@click.command(cls=Command, name="validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_cmd(files: tuple[Path, ...]) -> None:
    """只检查 FILES，不生成文件。FILES 中的文件夹按一轮评定检查：先逐个检查其中的规格，
    再检查它们之间的规则（名额、重复推荐、试点名单、示范企业条件、转发通知的截止日期）。"""
    from wenshu.spec.find import find_specs, spec_folders
    from wenshu.spec.load import looks_like_batch

    failed = 0
    targets = [r for f in files for r in (spec_folders(f) or [f] if f.is_dir() else [f])]
    for target in targets:
        paths = find_specs(target) if target.is_dir() else [target]
        if target.is_dir() and not paths:
            report([Problem(str(target), "文件夹中没有 YAML 规格文件（.yaml、.yml；以 . 或 _ 开头的不算）")])
            failed += 1
        plain = [p for p in paths if not looks_like_batch(p)]
        valid = _validate_each(plain)
        left_out = len(plain) - len(valid)
        for path in (p for p in paths if looks_like_batch(p)):
            good, bad = _validate_batch(path)
            valid += good
            left_out += bad
        failed += left_out
        if target.is_dir() and paths:
            # The rules between the files of a round: a single file makes none, and is checked
            # without loading them.
            from wenshu.compose.round import Member, check_round, round_warnings

            members = [Member(spec, kind, document) for spec, kind, document in valid]
            for warning in round_warnings(members):
                warn(warning)
            problems = check_round(members)
            if problems:
                report(problems)
                failed += 1
            elif left_out:
                # A spec with errors (a broken round.yaml, a quota table) is not in the round:
                # the rules held without it, which is no pass of the round.
                echo(
                    f"未通过 {target}：{left_out} 个规格（或批量记录）有错误，未参与一轮的核对；"
                    f"其余 {len(members)} 个之间的规则无误，改正后请重新检查",
                    fg="yellow",
                    err=True,
                )
            else:
                echo(f"通过 {target}：一轮 {len(members)} 个文件之间的规则")
    if failed:
        echo(f"{failed} 项检查未通过", fg="red", err=True)
        sys.exit(1)


def _validate_each(paths: list[Path]) -> list[Valid]:
    """Validate each spec, report it, and return the valid ones."""
    from wenshu.rules import advice
    from wenshu.spec import PLACEHOLDER
    from wenshu.spec.load import load_spec
    from wenshu.validate import validate

    valid: list[Valid] = []
    for path in paths:
        try:
            spec = load_spec(path)
            kind, document = validate(spec)
            echo(f"通过 {path}（{kind.label}）")
            for warning in advice.warnings(spec, kind, document):
                warn(warning)
            valid.append((spec, kind, document))
        except WenshuError as exc:
            report(exc.problems)
            holes = sum(PLACEHOLDER in p.message for p in exc.problems)
            if holes:
                echo(
                    f"{path}：还有 {holes} 处{PLACEHOLDER}未填写；未填完时可用 wenshu build --draft 生成草稿",
                    fg="yellow",
                    err=True,
                )
    return valid


def _validate_batch(spec: Path) -> tuple[list[Valid], int]:
    """``validate`` given a batch spec: each record checked; the valid ones join the round."""
    from wenshu.build.batch import load_batch, validate_records

    try:
        batch = load_batch(spec)
    except WenshuError as exc:
        report(exc.problems)
        return [], 1
    progress = Progress("检查")
    progress.start(len(batch.records))
    try:
        valid, failed = validate_records(batch, progress.advance)
    finally:
        progress.finish()
    for index in sorted(failed):
        report(failed[index])
    if not failed:
        echo(f"通过 {spec}（{batch.kind.label}，{len(valid)} 份）")
    return list(valid), len(failed)


@click.command(cls=Command, name="new")
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
    from wenshu.files import write_atomically
    from wenshu.skeleton import (
        kinds_with_skeletons,
        relay_context,
        relay_kinds,
        relay_kinds_named,
        render_skeleton,
        skeleton_variables,
        unfilled,
    )
    from wenshu.spec import PLACEHOLDER

    if province is not None and relay is None:
        raise click.UsageError("选项 --province 只与 --relay 同用（转发国家通知时的省份）")
    if relay is not None and kind not in relay_kinds():
        raise click.UsageError(f"选项 --relay 不适用于 {kind}：只有{relay_kinds_named()}能转发")
    # An option the skeleton does not use would be dropped without a word: refuse it, and
    # say which skeletons do use it.
    used = skeleton_variables(kind)
    for option, variables in (
        ("applicant", {"applicant"}),
        ("level", {"level"}),
        ("programme", {"programme"}),
        ("start", {"start", "end"}),
    ):
        given = ctx.get_parameter_source(option) == click.core.ParameterSource.COMMANDLINE
        if given and used and (relay is not None or not used & variables):
            if relay is not None:
                raise click.UsageError(f"选项 --{option} 不适用于转发通知的骨架（取自 --relay 的国家通知）")
            users = "、".join(k for k in kinds_with_skeletons() if skeleton_variables(k) & variables)
            raise click.UsageError(
                f"选项 --{option} 不适用于 {kind}：它的骨架不用这一选项（用它的文种：{users}）"
            )
    context = relay_context(relay, province, out_file) if relay is not None else None
    text = render_skeleton(
        kind, applicant=applicant, level=level, programme=programme, start=start, relay=context
    )
    if out_file is None:
        echo(text, nl=False)
        return
    if out_file.exists() and not force:
        raise WenshuError(Problem(str(out_file), "文件已存在，未覆盖（确要覆盖请加 --force）"))
    write_atomically(out_file.parent, {out_file.name: text.encode("utf-8")})
    echo(f"已生成 {out_file}（{unfilled(text)} 处{PLACEHOLDER}待填写）")


@click.command(cls=Command, name="list")
def list_cmd() -> None:
    """列出全部文种。"""
    from wenshu.spec.kinds import all_kinds

    for name, kind in all_kinds().items():
        click.echo(f"{name:<22}{kind.label}　{kind.description}")


@click.command(cls=Command, name="schema")
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


# Cerberus's type names (and wenshu's own), as ``wenshu schema`` says them.
_TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "float": "数字",
    "number": "数字",
    "boolean": "是/否（true/false）",
    "list": "列表",
    "dict": "映射",
    "date": "日期",
    "cn_date": "日期",
    "doc_number": "发文字号",
}
_YES_NO = {True: "是（true）", False: "否（false）"}


def _print_fields(schema: dict, depth: int, seen: set[str]) -> None:
    from wenshu.spec.kinds import choice_names, definitions, help_text

    pad = "  " * depth
    for name, rule in schema.items():
        meta = rule.get("meta", {})
        types = rule.get("type", "")
        types = "或".join(_TYPE_NAMES.get(t, t) for t in (types if isinstance(types, list) else [types]) if t)
        excludes = rule.get("excludes")
        either = "、".join(excludes) if isinstance(excludes, list) else excludes
        flags = ("必填" + (f"（与 {either} 二选一）" if either else "")) if rule.get("required") else "可选"
        bare = "allowed" in rule and not choice_names(rule)  # named choices are in its help line
        allowed = f"；可选值：{'、'.join(map(str, rule['allowed']))}" if bare else ""
        value = rule.get("default")
        default = (
            f"；默认 {_YES_NO[value] if isinstance(value, bool) else value}" if "default" in rule else ""
        )
        label = meta.get("label", "")
        help_ = f"　{help_text(rule)}" if help_text(rule) else ""
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


@click.command(cls=Command, name="frames")
@click.argument("folder", type=click.Path(path_type=Path), required=False)
def frames_cmd(folder: Path | None) -> None:
    """重新生成标准版式框架（信函格式、文件格式、无版头）到 FOLDER。

    省略 FOLDER 时写回 wenshu 自带的框架（templates/frames），在 Word 中改过的版头随之被替换。"""
    from wenshu.render.frames import write_frames
    from wenshu.resources import resource_dir

    for path in write_frames(folder or resource_dir("templates") / "frames"):
        echo(f"已生成 {path}")
