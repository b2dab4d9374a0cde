"""Domain rules a kind's schema switches on by name under ``checks:``.

Each rule reads the validated document and returns located problems; the schema says
which rules apply and to which fields, so a new kind needs no new Python.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wenshu import layout as L
from wenshu.errors import Problem, WenshuError
from wenshu.registry import Registry
from wenshu.rules.context import Context
from wenshu.spec import plans
from wenshu.spec.load import BEYOND_ROOT, Path_, beyond_reference_root, iter_strings, load_spec, select
from wenshu.spec.pictures import is_picture_path
from wenshu.text.dates import IN_TEXT, WhenError, format_cn_date, parse_when
from wenshu.text.titles import too_wide

Rule = Callable[[Any, Context], list[Problem]]
#: The rules a schema names under ``checks:``, each with its argument. The letters' and the
#: annex kinds' rules are registered by their own modules, which :mod:`wenshu.validate`
#: (above them all) names as providers, loaded when a schema names one of their rules.
CHECKS: Registry[Rule] = Registry("检查规则")
rule = CHECKS.register


def run_check(name: str, arg: Any, context: Context, source: str) -> list[Problem]:
    """Run the rule ``name`` with its schema argument; ``source`` is the schema naming it."""
    return CHECKS.get(name, source)(arg, context)


@rule("title_lines")
def title_lines(fields: list[str], context: Context) -> list[Problem]:
    """``title_lines`` (of the document and of each attachment) must join to the title, and
    each line must fit one line of the 版心 (§7.3.1), else Word wraps it and leaves a
    character or two alone."""
    spec, document = context.spec, context.document
    problems = []
    places: list[tuple[Path_, dict[str, Any]]] = [((), document)]
    places += [(("attachments", i), a) for i, a in enumerate(document.get("attachments") or [])]
    for base, holder in places:
        lines = holder.get("title_lines")
        title = holder.get("title") or holder.get("name")
        if lines and title is None:
            # The title is then made by the template: there is nothing to join the lines to.
            problems.append(
                spec.problem(
                    base + ("title_lines",),
                    "写了标题分行，却没有写标题（title）：请同时写出 title，各行连起来须与它一致"
                    "（不写 title 时标题由模板生成并自动分行）",
                )
            )
        elif lines and "".join(lines) != title:
            problems.append(spec.problem(base + ("title_lines",), f"各行连起来应与标题一致：“{title}”"))
        for i, width in too_wide(lines or []):
            problems.append(
                spec.problem(
                    base + ("title_lines", i),
                    f"这一行宽 {width:g} 字，超过版心一行所能容纳的 {L.TITLE_CHARS_PER_LINE} 个二号字"
                    "（半角字符算半个），排版时会自动回行；请把它分成两行",
                )
            )
    return problems


@rule("item_or_top")
def item_or_top(arg: dict[str, str], context: Context) -> list[Problem]:
    """Each item of the list ``arg["items"]`` has ``arg["field"]``, or the document has it at
    the top for all of them (a 推荐函's ``applicants`` and their ``programme``): else the
    template has nothing to print in that item's place and would leave it blank."""
    spec, document = context.spec, context.document
    items, name = arg["items"], arg["field"]
    if name in document:
        return []
    rule_ = context.kind_of(spec).schema.get(name) or {}
    label = (rule_.get("meta") or {}).get("label", name)
    return [
        spec.problem(
            path,
            f"第 {path[-1] + 1} 项没有{label}（{name}），顶层也没有：在这一项写 {name}，"
            f"或在顶层写一次 {name}（各项未写时都取它）",
        )
        for path, item in select(document, f"{items}.*")
        if isinstance(item, dict) and name not in item and isinstance(path[-1], int)
    ]


@rule("attachment_refs")
def attachment_refs(field: str, context: Context) -> list[Problem]:
    """Every 附件N the text mentions must exist among the attachments. The text is every list
    of blocks the kind's schema has (a notice's body, a letter's sections) outside the
    attachments themselves."""
    spec, document = context.spec, context.document
    count = len(document.get(field) or [])
    problems = []
    texts = [
        found
        for path, blocks, _ in context.kind_of(spec).blocks_in(document)
        if path[0] != field
        for found in iter_strings(blocks, path)
    ]
    for path, text in texts:
        if is_picture_path(path):
            continue
        for m in re.finditer(r"附件\s*(\d+)", text):
            n = int(m.group(1))
            if not 1 <= n <= count:
                have = f"只有 {count} 个附件" if count else "没有附件"
                problems.append(spec.problem(path, f"提到了“附件{n}”，但{have}"))
    return problems


@rule("deadlines")
def deadlines(date_field: str, context: Context) -> list[Problem]:
    """Dates in the text exist; deadlines (…前) fall after the date of issue; a 回执
    deadline comes before the main (latest) one."""
    spec, document = context.spec, context.document
    issued: dt.date | None = document.get(date_field)
    problems: list[Problem] = []
    found: list[tuple[Path_, dt.date, str]] = []
    for path, text in iter_strings(document.get("body"), ("body",)):
        if is_picture_path(path):
            continue
        for m in IN_TEXT.finditer(text):
            y, mo, d = (int(g) for g in m.groups()[:3])
            try:
                when = dt.date(y, mo, d)
            except ValueError:
                problems.append(spec.problem(path, f"文中日期不存在：{m.group(0).rstrip('前')}"))
                continue
            if m.group(0).replace(" ", "").rstrip("前") != format_cn_date(when):
                problems.append(spec.problem(path, f"文中日期应写作“{format_cn_date(when)}”"))
            if m.group(4):
                sentence = re.split(r"[。；]", text[: m.start()])[-1] + text[m.end() : m.end() + 30]
                found.append((path, when, sentence))
    for path, when, _ in found:
        if issued and when <= issued:
            problems.append(
                spec.problem(path, f"截止日期 {format_cn_date(when)} 应晚于成文日期 {format_cn_date(issued)}")
            )
    main = max((w for _, w, s in found if "回执" not in s), default=None)
    for path, when, sentence in found:
        if "回执" in sentence and main and when >= main:
            problems.append(
                spec.problem(
                    path, f"回执截止日期 {format_cn_date(when)} 应早于报送截止日期 {format_cn_date(main)}"
                )
            )
    return problems


# -- plans, summaries and reports of applicants ---------------------------------------------
@rule("period_years")
def period_years(arg: dict[str, Any], context: Context) -> list[Problem]:
    """A period ``{start, end}`` spans exactly ``arg["years"]`` years, both ends counted."""
    spec, document = context.spec, context.document
    problems = []
    want, label = arg["years"], arg.get("label", "方案期")
    for path, period in select(document, arg["field"]):
        start, end = period.get("start"), period.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue  # the schema has said what is wrong with it
        if end < start:
            problems.append(spec.problem(path + ("end",), f"终止年份 {end} 早于起始年份 {start}"))
        elif end - start + 1 != want:
            problems.append(
                spec.problem(
                    path + ("end",),
                    f"{label}应为{want}年（首尾两年都计入，如{start}{plans.PERIOD_DASH}"
                    f"{start + want - 1}年），现为{plans.period_text(period)}，共{end - start + 1}年",
                )
            )
    return problems


@rule("within_period")
def within_period(arg: dict[str, Any], context: Context) -> list[Problem]:
    """Phases, milestones and deadlines are readable dates inside the period, and every
    phase ends no earlier than it starts."""
    spec, document = context.spec, context.document
    period = next((v for _, v in select(document, arg["period"])), None)
    years = plans.period_years(period)
    label = arg.get("label", "方案期")
    problems: list[Problem] = []
    for pattern, what in arg.get("dates", {}).items():
        for path, value in select(document, pattern):
            try:
                when = parse_when(value)
            except WhenError as exc:
                problems.append(spec.problem(path, f"{what}{exc}"))
                continue
            if years and (when.first.year < years[0] or when.last.year > years[-1]):
                problems.append(
                    spec.problem(path, f"{what}“{when.text}”不在{label}{plans.period_text(period)}之内")
                )
    for pattern, (start_key, end_key) in arg.get("ranges", {}).items():
        for path, item in select(document, pattern):
            try:
                start, end = parse_when(item.get(start_key)), parse_when(item.get(end_key))
            except WhenError:
                continue  # reported above, where the dates themselves are checked
            if end.last < start.first:
                problems.append(
                    spec.problem(path + (end_key,), f"结束时间“{end.text}”早于开始时间“{start.text}”")
                )
    return problems


@rule("yearly_targets")
def yearly_targets(arg: dict[str, Any], context: Context) -> list[Problem]:
    """Each indicator has a name of its own, a baseline year before the period, and a
    target for every year of the period and for no other year."""
    spec, document = context.spec, context.document
    period = next((v for _, v in select(document, arg["period"])), None)
    years = plans.period_years(period)
    label = arg.get("label", "方案期")
    problems: list[Problem] = []
    for path, indicators in select(document, arg["indicators"]):
        seen: dict[str, int] = {}
        for i, indicator in enumerate(indicators):
            here = path + (i,)
            name = indicator.get("name")
            if name in seen:
                problems.append(spec.problem(here + ("name",), f"指标“{name}”与第{seen[name]}项重名"))
            seen.setdefault(name, i + 1)
            if not years:
                continue
            targets = indicator.get("targets") or {}
            for year in targets:
                if int(year) not in years:
                    problems.append(
                        spec.problem(
                            here + ("targets", year),
                            f"目标年份 {year} 不在{label}{plans.period_text(period)}之内",
                        )
                    )
            missing = [f"{y}年" for y in years if str(y) not in targets]
            if missing:
                message = f"缺少{'、'.join(missing)}的目标值（{label}每年都要有目标值）"
                problems.append(spec.problem(here + ("targets",), message))
            base = (indicator.get("baseline") or {}).get("year")
            if isinstance(base, int) and base >= years[0]:
                problems.append(
                    spec.problem(here + ("baseline", "year"), f"基期年份 {base} 应早于方案期首年 {years[0]}")
                )
    return problems


@rule("plan_reported")
def plan_reported(arg: dict[str, Any], context: Context) -> list[Problem]:
    """With ``plan: path/to/work_plan.yaml`` (relative to this file), every indicator of
    that plan is reported on, with the plan's unit and its final-year target."""
    spec, document = context.spec, context.document
    ref = document.get(arg["plan"])
    if not isinstance(ref, str):
        return []
    at = (arg["plan"],)
    target = Path(os.path.normpath(spec.path.parent / ref))
    if beyond_reference_root(target):
        return [spec.problem(at, f"工作方案“{ref}”{BEYOND_ROOT}")]
    if not target.exists():
        return [spec.problem(at, f"找不到工作方案“{ref}”（相对于本文件所在文件夹，即 {target}）")]
    try:
        plan_spec = load_spec(target)
        # The kind first: only a work plan, which names no plan itself, is validated, so a
        # summary naming itself (or two naming each other) cannot recurse.
        kind = context.kind_of(plan_spec)
        if kind.name not in arg["kinds"]:
            return [spec.problem(at, f"“{ref}”是{kind.label}，不是工作方案")]
        kind, plan = context.validate(plan_spec)
    except WenshuError as exc:
        head = spec.problem(at, f"所引工作方案 {target} 未通过检查，问题如下")
        return [head, *exc.problems]
    final = plans.period_years(plan.get("period"))[-1]
    reports = next(((p, v) for p, v in select(document, arg["reports"])), None)
    report_path, reported = reports if reports else ((arg["reports"].split(".")[0],), [])
    by_name = {r.get("name"): (report_path + (i,), r) for i, r in enumerate(reported)}
    problems = []
    for path, indicators in select(plan, arg["plan_indicators"]):
        for i, indicator in enumerate(indicators):
            name = indicator["name"]
            where = f"{plan_spec.name}:{plan_spec.position(path + (i, 'name'))[0]}"
            if name not in by_name:
                problems.append(
                    spec.problem(report_path, f"工作方案 {where} 的目标“{name}”没有在总结中报告完成情况")
                )
                continue
            here, report = by_name[name]
            if report.get("unit") != indicator["unit"]:
                problems.append(
                    spec.problem(
                        here + ("unit",),
                        f"单位“{report.get('unit')}”与工作方案 {where} 的单位“{indicator['unit']}”不一致",
                    )
                )
            planned = indicator["targets"].get(str(final))
            if planned is not None and report.get("target") != planned:
                problems.append(
                    spec.problem(
                        here + ("target",),
                        f"目标值 {plans.number(report.get('target'))} 与工作方案 {where} 的"
                        f"{final}年目标值 {plans.number(planned)} 不一致",
                    )
                )
    return problems


@rule("focus_points")
def focus_points(arg: list[dict[str, Any]], context: Context) -> list[Problem]:
    """Each part of an outline writes about the points the outline says to focus on."""
    spec, document = context.spec, context.document
    problems = []
    for part in arg:
        for path, value in select(document, part["field"]):
            text = "".join(s for _, s in iter_strings(value))
            missing = [p for p in part["points"] if p not in text]
            if missing:
                problems.append(
                    spec.problem(
                        path,
                        f"{part['part']}没有写到“{'”“'.join(missing)}”；提纲要求{part['guide']}",
                        key=True,
                    )
                )
    return problems


@rule("year_order")
def year_order(arg: dict[str, str], context: Context) -> list[Problem]:
    """Each ``earlier: later`` pair of year fields is in order (建设前 before 建设后)."""
    spec, document = context.spec, context.document
    problems = []
    for earlier, later in arg.items():
        first = next((v for _, v in select(document, earlier)), None)
        for path, last in select(document, later):
            if isinstance(first, int) and isinstance(last, int) and last <= first:
                problems.append(spec.problem(path, f"年份 {last} 应晚于 {earlier.split('.')[-1]} 的 {first}"))
    return problems
