"""The annex kinds: tables built from catalogues, counts and rules, and notices that attach them.

An annex spec (``evaluation_form``, ``basic_info_form``, ``quota_table``, ``contact_form``,
``receipt``, ``name_list``, ``recommendation_list``) names what its table is; the ``annex``
rule checks it against its catalogue or rule and then builds the page the template prints:
``name`` (for the 附件说明), ``title`` and ``body`` — the same blocks a notice's attachment
has, with tables carrying their merged cells (``merge``, ``spans``). Built this way, an
annex prints the same standalone (``annex.md.j2``) and as a notice's attachment
(``attachments: [{file: …}]``, resolved by :func:`attachment_files` for every kind).

Table blocks built here may carry two options besides those of ``schemas/_common.yaml``:
``merge`` — 1-based columns whose empty cells continue the cell above (vertical merge) — and
``spans`` — ``[row, column, rows, columns]``, 0-based, row 0 being the header — for cells
spanning several columns or rows. The Markdown keeps the text once, in the first cell of a
span; the Word writer merges the cells (``w:vMerge``, ``w:gridSpan``).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from . import catalogue
from .errors import Problem, WenshuError
from .load import Path_, Spec, load_spec
from .rules import rule

Builder = Callable[[Spec, dict[str, Any]], list[Problem]]
_BUILDERS: dict[str, Builder] = {}

#: Kinds a notice may attach by ``file:``.
ANNEX_KINDS = (
    "evaluation_form",
    "basic_info_form",
    "quota_table",
    "contact_form",
    "receipt",
    "name_list",
    "recommendation_list",
)
TOTAL_LABEL = "合计"
BLANK_FIELD = "＿" * 12  # the blank line after a cover field (申报城市名称：＿＿＿)
_ROUNDING = {
    "half_up": (ROUND_HALF_UP, "四舍五入取整"),
    "up": (ROUND_CEILING, "向上取整"),
    "down": (ROUND_FLOOR, "向下取整"),
}


def builder(name: str) -> Callable[[Builder], Builder]:
    """Register the function that checks and builds the annex kind ``name``."""

    def register(fn: Builder) -> Builder:
        _BUILDERS[name] = fn
        return fn

    return register


@rule("annex")
def annex(name: str, spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """Check an annex spec against its catalogue or rule; when it is sound, add the
    ``name``, ``title`` and ``body`` its template prints."""
    return _BUILDERS[name](spec, document)


def table(
    columns: list[str],
    rows: list[list[Any]],
    *,
    font_size: str,
    widths: list[float] | None = None,
    align: list[str] | None = None,
    merge: list[int] | None = None,
    spans: list[list[int]] | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """A table block as the ``table`` macro prints it (absent options left out)."""
    options = {"widths": widths, "align": align, "merge": merge, "spans": spans, "note": note}
    body: dict[str, Any] = {"columns": columns, "rows": rows, "font_size": font_size}
    body.update({k: v for k, v in options.items() if v})
    return {"table": body}


def _did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f"，是否想写“{close[0]}”？" if close else ""


# -- evaluation forms -------------------------------------------------------------------------
@builder("evaluation_form")
def evaluation_form(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """完成情况 only for indicators the catalogue has; the form with one row per indicator,
    一级/二级 headings merged down their groups."""
    form = catalogue.evaluation(document["level"])
    results: dict[str, Any] = document.get("results") or {}
    known = set(form.numbers)
    problems = [
        spec.problem(
            ("results", key),
            f"没有第{key}项指标：{form.title}共{len(known)}项（1—{max(known)}）",
            key=True,
        )
        for key in results
        if int(key) not in known
    ]
    if problems:
        return problems
    rows: list[list[Any]] = []
    above: tuple[str, ...] = ()
    for indicator in form.indicators:
        row: list[Any] = []
        for column in form.columns:
            if column.field.startswith("group"):
                depth = int(column.field.removeprefix("group"))
                # A heading is printed where its group starts; below it the cells stay
                # empty and are merged into it.
                new = indicator.groups[:depth] != above[:depth]
                row.append(indicator.groups[depth - 1] if new else "")
            else:
                row.append(_indicator_field(indicator, column.field, results))
        above = indicator.groups
        rows.append(row)
    columns = form.columns
    body: list[Any] = []
    if document.get("applicant"):
        body.append({"line": f"申报单位：{document['applicant']}", "align": "left"})
    body.append(
        table(
            [c.header for c in columns],
            rows,
            font_size=document["font_size"],
            widths=[c.width for c in columns],
            align=[c.align for c in columns],
            merge=[i + 1 for i, c in enumerate(columns) if c.field.startswith("group")],
            note=form.note,
        )
    )
    document.setdefault("name", form.title)
    document.setdefault("title", form.title)
    document["body"] = body
    return []


def _indicator_field(indicator: catalogue.Indicator, field: str, results: dict[str, Any]) -> Any:
    if field == "number":
        return indicator.number
    if field == "result":
        return results.get(str(indicator.number), "")
    return getattr(indicator, field)


def unfilled_indicators(document: dict[str, Any]) -> list[int]:
    """Indicators a filled evaluation form gives no 完成情况 for (none for a blank form)."""
    results = document.get("results")
    if not results:
        return []
    return [n for n in catalogue.evaluation(document["level"]).numbers if str(n) not in results]


# -- the 基本情况表 -------------------------------------------------------------------------
@builder("basic_info_form")
def basic_info_form(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """The cover and both sections of the 基本情况表, the data column headed by the year."""
    data = catalogue.basic_info()
    cover = data["cover"]
    values = {cover["fields"][0]: document.get("city")}
    body: list[Any] = [{"line": cover["number"], "align": "left"}]
    for field in cover["fields"]:
        seal = "（盖章）" if field == cover["sealed_field"] else ""
        body.append({"line": f"{field}：{values.get(field) or BLANK_FIELD}{seal}", "align": "left"})
    body.append({"line": cover["compiler"], "align": "center"})
    headers = [h.format(year=document["year"]) for h in data["columns"]]
    for section in data["sections"]:
        body.append({"heading": section["heading"], "body": [_basic_info_table(section, headers, document)]})
    document.setdefault("name", data["title"])
    document.setdefault("title", data["title"])
    document["body"] = body
    return []


def _basic_info_table(
    section: dict[str, Any], headers: list[str], document: dict[str, Any]
) -> dict[str, Any]:
    """One section's table. With sub-rows the 指标 column splits in two: the indicator on the
    left (merged down its sub-rows), the sub-item on the right; other indicators span both."""
    split = any("sub_rows" in r for r in section["rows"])
    spans: list[list[int]] = []
    rows: list[list[Any]] = []
    if split:
        columns = [headers[0], headers[1], "", *headers[2:]]
        spans.append([0, 1, 1, 2])
        widths = [1, 3, 2.2, 1.8, 2.5, 2.5]
    else:
        columns = list(headers)
        widths = [1, 4.5, 2, 2.5, 4]
    indicator_cells = 2 if split else 1
    for entry in section["rows"]:
        r = len(rows) + 1  # table row index; 0 is the header
        name = [entry["indicator"]] + [""] * (indicator_cells - 1)
        if "sub_rows" in entry:
            subs = entry["sub_rows"]
            for i, sub in enumerate(subs):
                head = [entry["number"], entry["indicator"]] if i == 0 else ["", ""]
                rows.append([*head, sub["item"], sub.get("unit", ""), "", sub.get("remark", "")])
            spans += [[r, 0, len(subs), 1], [r, 1, len(subs), 1]]
        elif "explanation" in entry:
            # The explanation spans the 单位, data and 备注 columns.
            rows.append([entry["number"], *name, entry["explanation"], "", ""])
            spans.append([r, 1 + indicator_cells, 1, 3])
        else:
            rows.append([entry["number"], *name, entry.get("unit", ""), "", entry.get("remark", "")])
        if split and "sub_rows" not in entry:
            spans.append([r, 1, 1, 2])
    # An explanation spanning from the 单位 column reads left-aligned; short units centre.
    unit_align = "left" if any("explanation" in r for r in section["rows"]) else "center"
    align = ["center", "left"] + ["left"] * (indicator_cells - 1) + [unit_align, "center", "left"]
    return table(columns, rows, font_size=document["font_size"], widths=widths, align=align, spans=spans)


# -- quota tables -----------------------------------------------------------------------------
def _programmes(document: dict[str, Any]) -> list[str]:
    value = document["programme"]
    return [value] if isinstance(value, str) else list(value)


@builder("quota_table")
def quota_table(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """Quotas as given, or computed by the declared rule; a 合计 row; for a computed table
    the 注 that states the rule and its rounding."""
    programmes = _programmes(document)
    problems = _programme_names(spec, ("programme",), document["programme"])
    headers = document.get("quota_headers") or (
        ["推荐名额"] if len(programmes) == 1 else [catalogue.programme_of(p) or p for p in programmes]
    )
    if len(headers) != len(programmes):
        problems.append(
            spec.problem(
                ("quota_headers",), f"名额栏表头有 {len(headers)} 个，类别有 {len(programmes)} 个，应一一对应"
            )
        )
    allocation: list[dict[str, Any]] = []
    if "rows" in document:
        problems += _given_quotas(spec, document, programmes, allocation)
    else:
        if len(programmes) != 1:
            problems.append(spec.problem(("programme",), "按规则计算名额时只能有一个类别"))
        problems += _computed_quotas(spec, document, programmes[0], allocation)
    if problems:
        return problems
    regions: list[str] = []
    quotas: dict[str, list[int]] = {}
    for item in allocation:
        if item["region"] not in quotas:
            regions.append(item["region"])
            quotas[item["region"]] = []
        quotas[item["region"]].append(item["quota"])
    rows: list[list[Any]] = [[i, region, *quotas[region]] for i, region in enumerate(regions, 1)]
    spans: list[list[int]] = []
    if document["total"]:
        sums = [sum(quotas[r][k] for r in regions) for k in range(len(programmes))]
        rows.append([TOTAL_LABEL, "", *sums])
        spans.append([len(rows), 0, 1, 2])  # 合计 spans 序号 and 地区
    note = document.get("note") or (_rule_note(document, programmes[0]) if "rule" in document else None)
    document["allocation"] = allocation
    document.setdefault("title", document["name"])
    document["body"] = [
        table(
            ["序号", document["region_header"], *headers],
            rows,
            font_size=document["font_size"],
            widths=document.get("widths") or [1, 3] + [2] * len(programmes),
            spans=spans,
            note=note,
        )
    ]
    return []


def _programme_names(spec: Spec, at: Path_, value: str | list[str]) -> list[Problem]:
    """Each programme named (one, or a list) is one data/programmes.yaml knows."""
    named = [(at, value)] if isinstance(value, str) else [(at + (i,), v) for i, v in enumerate(value)]
    choices = "、".join(catalogue.programmes())
    return [
        spec.problem(where, f"未知类别“{name}”；可选：{choices}（也可写全称）")
        for where, name in named
        if catalogue.programme_of(name) is None
    ]


def _region(spec: Spec, at: Path_, region: Any, seen: dict[str, Path_]) -> list[Problem]:
    regions = catalogue.regions()
    if not isinstance(region, str) or region not in regions:
        hint = _did_you_mean(str(region), regions)
        return [spec.problem(at, f"未知地区“{region}”{hint}（地区名见 data/regions-2022.yaml）")]
    if region in seen:
        line = spec.position(seen[region])[0]
        return [spec.problem(at, f"地区“{region}”重复（第{line}行已有）")]
    seen[region] = at
    return []


def _given_quotas(
    spec: Spec, document: dict[str, Any], programmes: list[str], out: list[dict[str, Any]]
) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Path_] = {}
    for i, row in enumerate(document["rows"]):
        at: Path_ = ("rows", i)
        if len(row) != 1 + len(programmes):
            problems.append(
                spec.problem(
                    at, f"应为 [地区, {'、'.join(['名额'] * len(programmes))}]，共 {1 + len(programmes)} 项"
                )
            )
            continue
        problems += _region(spec, at + (0,), row[0], seen)
        for k, value in enumerate(row[1:], 1):
            if not isinstance(value, int) or value < 0:
                problems.append(spec.problem(at + (k,), f"名额应为不小于0的整数，实际是“{value}”"))
                continue
            out.append(
                {
                    "region": row[0],
                    "programme": catalogue.programme_of(programmes[k - 1]),
                    "quota": value,
                    "at": at,
                }
            )
    return problems


def _computed_quotas(
    spec: Spec, document: dict[str, Any], programme: str, out: list[dict[str, Any]]
) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Path_] = {}
    for i, count in enumerate(document["counts"]):
        at: Path_ = ("counts", i)
        found = _region(spec, at + ("region",), count["region"], seen)
        problems += found
        if found:
            continue
        out.append(
            {
                "region": count["region"],
                "programme": catalogue.programme_of(programme),
                "quota": compute_quota(count["advantage"], count["little_giant"], document["rule"]),
                "advantage": count["advantage"],
                "at": at,
            }
        )
    return problems


def compute_quota(advantage: int, little_giant: int, rule_: dict[str, Any]) -> int:
    """The quota the 2022-style rule gives for one region's counts: the percentages of both
    counts added exactly (decimal, not binary floating point), then rounded as declared."""
    mode, _ = _ROUNDING[rule_["rounding"]]
    exact = (
        advantage * Decimal(str(rule_["advantage_percent"])) / 100
        + little_giant * Decimal(str(rule_["little_giant_percent"])) / 100
    )
    return int(exact.quantize(Decimal(1), rounding=mode))


def _percent(value: float) -> str:
    return f"{Decimal(str(value)).normalize():f}"


def _rule_note(document: dict[str, Any], programme: str) -> str:
    """The 注 of a computed table, worded as the 2022 table's note, plus the rounding."""
    rule_ = document["rule"]
    name = catalogue.programme_of(programme) or programme
    _, rounding = _ROUNDING[rule_["rounding"]]
    note = (
        f"注：{name}推荐名额根据各地现有优势企业数量的{_percent(rule_['advantage_percent'])}%"
        f"以及专精特新“小巨人”企业数量的{_percent(rule_['little_giant_percent'])}%的总和计算得出，"
        f"总和{rounding}。"
    )
    if rule_.get("excluded"):
        note += f"{rule_['excluded']}不占推荐名额。"
    return note


# -- blank forms and lists --------------------------------------------------------------------
@builder("blank_form")
def blank_form(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """工作联系信息表, 联系人回执: the given columns over N empty rows."""
    columns = document["columns"]
    problems = _widths_fit(spec, document, len(columns))
    if problems:
        return problems
    body: list[Any] = [{"line": line, "align": "left"} for line in document.get("lines") or []]
    rows = [[""] * len(columns) for _ in range(document["rows"])]
    body.append(
        table(
            columns,
            rows,
            font_size=document["font_size"],
            widths=document.get("widths"),
            note=document.get("note"),
        )
    )
    document.setdefault("title", document["name"])
    document["body"] = body
    return []


def _widths_fit(spec: Spec, document: dict[str, Any], columns: int) -> list[Problem]:
    widths = document.get("widths")
    if widths and len(widths) != columns:
        return [spec.problem(("widths",), f"列宽比例有 {len(widths)} 个，表格有 {columns} 列")]
    return []


@builder("name_list")
def name_list(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """A numbered list; grouped by province, the province cell merged down its group."""
    grouped = "groups" in document
    columns = document.get("columns") or (["序号", "省份", "名称"] if grouped else ["序号", "名称"])
    problems = _widths_fit(spec, document, len(columns))
    if len(columns) != (3 if grouped else 2):
        problems.append(spec.problem(("columns",), f"表头应为 {3 if grouped else 2} 栏"))
    if document.get("programme"):
        problems += _programme_names(spec, ("programme",), document["programme"])
    seen: dict[str, Path_] = {}
    for path, name in list_entries(document):
        if name in seen:
            problems.append(spec.problem(path, f"“{name}”重复（第{spec.position(seen[name])[0]}行已有）"))
        seen.setdefault(name, path)
    if problems:
        return problems
    rows: list[list[Any]] = []
    if grouped:
        for group in document["groups"]:
            for i, name in enumerate(group["names"]):
                rows.append([len(rows) + 1, group["province"] if i == 0 else "", name])
    else:
        rows = [[i, name] for i, name in enumerate(document["names"], 1)]
    widths = document.get("widths") or ([1, 3, 6] if grouped else [1, 8])
    document.setdefault("title", document["name"])
    document["body"] = [
        table(
            columns,
            rows,
            font_size=document["font_size"],
            widths=widths,
            merge=[2] if grouped else None,
            note=document.get("note"),
        )
    ]
    return []


def list_entries(document: dict[str, Any]) -> list[tuple[Path_, str]]:
    """Every name on a name list with its path in the spec."""
    if "groups" in document:
        return [
            (("groups", g, "names", i), name)
            for g, group in enumerate(document["groups"])
            for i, name in enumerate(group["names"])
        ]
    return [(("names", i), name) for i, name in enumerate(document.get("names") or [])]


@builder("recommendation_list")
def recommendation_list(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """推荐名单: the recommended applicants with their 评价 scores when given."""
    problems = _programme_names(spec, ("programme",), document["programme"])
    entries = document["recommendations"]
    seen: dict[str, Path_] = {}
    for i, entry in enumerate(entries):
        at: Path_ = ("recommendations", i, "applicant")
        if entry["applicant"] in seen:
            problems.append(
                spec.problem(
                    at, f"“{entry['applicant']}”重复（第{spec.position(seen[entry['applicant']])[0]}行已有）"
                )
            )
        seen.setdefault(entry["applicant"], at)
        if entry.get("programme"):
            problems += _programme_names(spec, ("recommendations", i, "programme"), entry["programme"])
    if problems:
        return problems
    tables = sorted({k for e in entries for k in (e.get("scores") or {})})
    columns = ["序号", "推荐对象", *(f"{t}表评分" for t in tables)]
    rows = [
        [i, e["applicant"], *((e.get("scores") or {}).get(t, "") for t in tables)]
        for i, e in enumerate(entries, 1)
    ]
    document.setdefault("title", document["name"])
    body: list[Any] = []
    if document.get("province"):
        body.append({"line": f"推荐单位：{document['province']}", "align": "left"})
    body.append(table(columns, rows, font_size=document["font_size"], widths=[1, 6, *([2] * len(tables))]))
    document["body"] = body
    return []


# -- notices attaching annex specs ------------------------------------------------------------
_PAGE_FIELDS = ("name", "title", "title_lines", "subtitle", "body")


def attachment_files(field: str, spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """Each ``{file: …}`` attachment names an annex spec (relative to this spec's folder)
    that validates; its page (name, title, body, orientation) replaces the reference."""
    from .validate import kind_of, validate  # imported here: validate imports this module

    problems: list[Problem] = []
    for i, attachment in enumerate(document.get(field) or []):
        ref = attachment.get("file")
        if ref is None:
            continue
        at: Path_ = (field, i, "file")
        target = Path(os.path.normpath(spec.path.parent / ref))
        if not target.exists():  # a folder or FIFO is not missing: loading it says what it is
            problems.append(spec.problem(at, f"找不到附件文件“{ref}”（相对于本文件所在文件夹，即 {target}）"))
            continue
        try:
            annex_spec = load_spec(target)
            # The kind is checked first: only annex kinds, which attach nothing themselves, are
            # validated, so two specs attaching each other cannot recurse.
            kind = kind_of(annex_spec)
            if kind.name not in ANNEX_KINDS:
                problems.append(
                    spec.problem(
                        at, f"附件文件 {target} 是{kind.label}（{kind.name}），不是可作附件的表格类文种"
                    )
                )
                continue
            kind, annex_doc = validate(annex_spec)
        except WenshuError as exc:
            problems.append(spec.problem(at, f"附件文件 {target} 未通过检查，问题如下"))
            problems += exc.problems
            continue
        page = {k: annex_doc[k] for k in _PAGE_FIELDS if k in annex_doc}
        page["landscape"] = bool(attachment.get("landscape") or annex_doc.get("landscape"))
        page["file"] = ref
        document[field][i] = page
    return problems


def reminders(spec: Spec, kind_name: str, document: dict[str, Any]) -> list[Problem]:
    """What ``wenshu validate`` points out without failing: indicators left unfilled."""
    if kind_name != "evaluation_form":
        return []
    missing = unfilled_indicators(document)
    if not missing:
        return []
    numbers = "、".join(str(n) for n in missing)
    return [
        spec.problem(
            ("results",), f"未填写完成情况的指标：{numbers}（共{len(missing)}项，表中留空）", key=True
        )
    ]
