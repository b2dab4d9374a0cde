"""The annex kinds: tables built from catalogues, counts and rules, and notices that attach them.

An annex kind's schema declares the step that makes its page (``compose: quota_table``):
after validation the step checks the spec against its catalogue or rule and then builds
the page the template prints:
``name`` (for the 附件说明), ``title`` and ``body`` — the same blocks a notice's attachment
has, with tables carrying their merged cells (``merge``, ``spans``). Built this way, an
annex prints the same standalone (``annex.md.j2``) and as a notice's attachment
(``attachments: [{file: …}]``, resolved by :func:`wenshu.compose.attachments.attachment_files`
for every kind).

Table blocks built here may carry two options besides those of ``schemas/_common.yaml``:
``merge`` — 1-based columns whose empty cells continue the cell above (vertical merge) — and
``spans`` — ``[row, column, rows, columns]``, 0-based, row 0 being the header — for cells
spanning several columns or rows. The Markdown keeps the text once, in the first cell of a
span; the Word writer merges the cells (``w:vMerge``, ``w:gridSpan``).

The catalogue these pages are made from is :mod:`wenshu.spec.catalogue`; the rules the same
kinds' schemas name on it (categories known, scores, a form's level, indicators left
unfilled), and the categories and regions a spec's round knows, are
:mod:`wenshu.rules.categories`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from wenshu.errors import Problem
from wenshu.registry import Registry, did_you_mean
from wenshu.rules.categories import (
    known_categories,
    known_regions,
    level_name,
    round_regions,
    score_tables_of,
    table_hint,
)
from wenshu.spec import catalogue
from wenshu.spec.kinds import Kind, get_kind
from wenshu.spec.load import Path_, Spec

Composer = Callable[[Spec, dict[str, Any]], list[Problem]]
#: The steps a kind's schema names under ``compose:``: each checks a validated annex spec
#: against its catalogue or rule and, when it is sound, adds the ``name``, ``title`` and
#: ``body`` its template prints.
COMPOSERS: Registry[Composer] = Registry("组成步骤")
composer = COMPOSERS.register

TOTAL_LABEL = "合计"
BLANK_FIELD = "＿" * 12  # the blank line after a cover field (申报城市名称：＿＿＿)


def compose(kind: Kind, spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """Run the kind's ``compose:`` step, if it declares one."""
    if kind.compose is None:
        return []
    return COMPOSERS.get(kind.compose, kind.source)(spec, document)


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
    fixed_widths: bool = False,
) -> dict[str, Any]:
    """A table block as the ``table`` macro prints it (absent options left out)."""
    options = {"widths": widths, "align": align, "merge": merge, "spans": spans, "note": note}
    options["fixed_widths"] = fixed_widths
    body: dict[str, Any] = {"columns": columns, "rows": rows, "font_size": font_size}
    body.update({k: v for k, v in options.items() if v})
    return {"table": body}


# -- evaluation forms -------------------------------------------------------------------------
@composer("evaluation_form")
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


# -- the 基本情况表 -------------------------------------------------------------------------
# The form's column widths in 四号 characters, kept as given (``fixed_widths``) in both
# tables so that the columns they share — 序号, 指标, 单位, data, 备注 — line up: fitted to
# each table's content (the layout's passes, wenshu.render.docx.column_widths) they did not
# (单位 258 pt from the left in one, 272 in the other). They add up to the 版心's 31.6
# characters. Each column holds its widest short entry on one line — “序号”, “平方公里”,
# “2017年度数据” — with the cell's margins (about ⅘ of a character); 指标 ten characters a
# line, 备注 (the rest) five: “需提供相关/证明材料” on two lines (with eleven in 指标, 备注
# printed “需提供相/关证明/材料”). In the second table 指标 splits into the indicator (merged
# down its sub-items) and the sub-item (“编制人数”, four characters).
_BASIC_INFO_WIDTHS = [2.9, 10.9, 4.9, 7, 5.9]
_BASIC_INFO_SUB_ITEM = 4.9


@composer("basic_info_form")
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
    number, indicator, *rest = _BASIC_INFO_WIDTHS
    if split:
        columns = [headers[0], headers[1], "", *headers[2:]]
        spans.append([0, 1, 1, 2])
        widths = [number, indicator - _BASIC_INFO_SUB_ITEM, _BASIC_INFO_SUB_ITEM, *rest]
    else:
        columns = list(headers)
        widths = list(_BASIC_INFO_WIDTHS)
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
    # Units centre in both tables, as a form's short cells do; an explanation spanning from
    # the 单位 column is prose of several lines, which the Word writer sets from the left.
    align = ["center", "left"] + ["left"] * (indicator_cells - 1) + ["center", "center", "left"]
    return table(
        columns,
        rows,
        font_size=document["font_size"],
        widths=widths,
        align=align,
        spans=spans,
        fixed_widths=True,
    )


# -- quota tables -----------------------------------------------------------------------------
def _programmes(document: dict[str, Any]) -> list[str]:
    value = document["programme"]
    return [value] if isinstance(value, str) else list(value)


@composer("quota_table")
def quota_table(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """Quotas as given, or computed by the declared rule; a 合计 row; for a computed table
    the 注 that states the rule and its rounding."""
    programmes = _programmes(document)
    problems: list[Problem] = []
    known = known_categories(spec)  # the round's categories: its own are named by their short names
    headers = document.get("quota_headers") or (
        ["推荐名额"] if len(programmes) == 1 else [catalogue.programme_of(p, known) or p for p in programmes]
    )
    if len(headers) != len(programmes):
        problems.append(
            spec.problem(
                ("quota_headers",), f"名额栏表头有 {len(headers)} 个，类别有 {len(programmes)} 个，应一一对应"
            )
        )
    allocation: list[dict[str, Any]] = []
    terms: tuple[catalogue.Term, ...] = ()
    if "rows" in document:
        problems += _given_quotas(spec, document, programmes, allocation)
    else:
        if len(programmes) != 1:
            problems.append(spec.problem(("programme",), "按规则计算名额时只能有一个类别"))
        found, terms = _computed_quotas(spec, document, programmes[0], allocation)
        problems += found
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
    note = document.get("note") or (_rule_note(spec, document, programmes[0], terms) if terms else None)
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


def _region(
    spec: Spec, at: Path_, region: Any, seen: dict[str, Path_], regions: catalogue.Regions
) -> list[Problem]:
    if not isinstance(region, str) or region not in regions.names:
        hint = did_you_mean(str(region), regions.names)
        return [spec.problem(at, f"未知地区“{region}”{hint}（{regions.cited}）")]
    if region in seen:
        line = spec.position(seen[region])[0]
        return [spec.problem(at, f"地区“{region}”重复（第{line}行已有）")]
    seen[region] = at
    return []


def _given_quotas(
    spec: Spec, document: dict[str, Any], programmes: list[str], out: list[dict[str, Any]]
) -> list[Problem]:
    seen: dict[str, Path_] = {}
    known = known_categories(spec)
    regions, problems = known_regions(spec)
    if problems:
        return problems
    for i, row in enumerate(document["rows"]):
        at: Path_ = ("rows", i)
        if len(row) != 1 + len(programmes):
            problems.append(
                spec.problem(
                    at, f"应为 [地区, {'、'.join(['名额'] * len(programmes))}]，共 {1 + len(programmes)} 项"
                )
            )
            continue
        problems += _region(spec, at + (0,), row[0], seen, regions)
        for k, value in enumerate(row[1:], 1):
            if not isinstance(value, int) or value < 0:
                problems.append(spec.problem(at + (k,), f"名额应为不小于0的整数，实际是“{value}”"))
                continue
            out.append(
                {
                    "region": row[0],
                    "programme": catalogue.programme_of(programmes[k - 1], known) or programmes[k - 1],
                    "named": programmes[k - 1],
                    "quota": value,
                    "at": at,
                }
            )
    return problems


def _computed_quotas(
    spec: Spec, document: dict[str, Any], programme: str, out: list[dict[str, Any]]
) -> tuple[list[Problem], tuple[catalogue.Term, ...]]:
    """Each region's quota by the rule's terms (returned with the problems); every count a
    term names is given for every region, and no count is given that no term uses (it would
    be silently left out)."""
    rule_ = document["rule"]
    known = known_categories(spec)
    category = known.get(catalogue.programme_of(programme, known) or "")
    labels = {t.count: t.label for t in category.computed.terms} if category and category.computed else {}
    raw = {k: v for k, v in rule_.items() if k != "excluded"}
    problems = [
        spec.problem(("rule", *at), message) for at, message in catalogue.computed_problems(raw, labels)
    ]
    if problems:
        return problems, ()
    computed = catalogue.make_computed(raw, labels)
    names = [t.count for t in computed.terms]
    seen: dict[str, Path_] = {}
    regions, problems = known_regions(spec)
    if problems:
        return problems, ()
    for i, count in enumerate(document["counts"]):
        at: Path_ = ("counts", i)
        found = _region(spec, at + ("region",), count["region"], seen, regions)
        missing = [t for t in computed.terms if t.count not in count]
        if missing:
            what = "、".join(f"{t.count}（{t.label}数）" for t in missing)
            found.append(spec.problem(at, f"缺少 {what}：计算规则（rule）要用到它"))
        for key in count:
            if key != "region" and key not in names:
                hint = did_you_mean(str(key), names)
                found.append(
                    spec.problem(
                        at + (key,),
                        f"计算规则（rule）中没有“{key}”这一项，这一数字不会用到"
                        f"（规则所用的计数：{'、'.join(names)}）{hint}",
                        key=True,
                    )
                )
        problems += found
        if found:
            continue
        values = {t.count: count[t.count] for t in computed.terms}
        out.append(
            {
                "region": count["region"],
                "programme": catalogue.programme_of(programme, known) or programme,
                "named": programme,
                "quota": compute_quota(values, computed.terms, rule_["rounding"]),
                "counts": values,
                "at": at,
            }
        )
    return problems, computed.terms


def compute_quota(counts: dict[str, int], terms: tuple[catalogue.Term, ...], rounding: str) -> int:
    """The quota a computed rule gives for one region's ``counts``: each term's percent of its
    count, added exactly (decimal, not binary floating point), then rounded as declared."""
    mode, _ = catalogue.ROUNDINGS[rounding]
    exact = sum((counts[t.count] * Decimal(str(t.percent)) / 100 for t in terms), Decimal(0))
    return int(exact.quantize(Decimal(1), rounding=mode))


def _percent(value: float) -> str:
    return f"{Decimal(str(value)).normalize():f}"


def _listed(parts: list[str], last: str) -> str:
    """``parts`` as one phrase: “甲、乙{last}丙”."""
    return parts[0] if len(parts) == 1 else "、".join(parts[:-1]) + last + parts[-1]


def _rule_note(
    spec: Spec, document: dict[str, Any], programme: str, terms: tuple[catalogue.Term, ...]
) -> str:
    """The 注 of a computed table, worded as the 2022 table's note, plus the rounding."""
    rule_ = document["rule"]
    name = catalogue.programme_of(programme, known_categories(spec)) or programme
    _, rounding = catalogue.ROUNDINGS[rule_["rounding"]]
    parts = _listed([f"{t.label}数量的{_percent(t.percent)}%" for t in terms], "以及")
    if len(terms) == 1:
        note = f"注：{name}推荐名额根据各地现有{parts}计算得出，{rounding}。"
    else:
        note = f"注：{name}推荐名额根据各地现有{parts}的总和计算得出，总和{rounding}。"
    if rule_.get("excluded"):
        note += f"{rule_['excluded']}不占推荐名额。"
    return note


# -- blank forms and lists --------------------------------------------------------------------
@composer("blank_form")
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


@composer("name_list")
def name_list(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """A numbered list; grouped by province, the province cell merged down its group."""
    grouped = "groups" in document
    columns = document.get("columns") or (["序号", "省份", "名称"] if grouped else ["序号", "名称"])
    problems = _widths_fit(spec, document, len(columns))
    if len(columns) != (3 if grouped else 2):
        problems.append(spec.problem(("columns",), f"表头应为 {3 if grouped else 2} 栏"))
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


@composer("recommendation_list")
def recommendation_list(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """推荐名单: the recommended applicants with their 评价 scores when given."""
    problems: list[Problem] = []
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
    if problems:
        return problems
    tables = sorted({k for e in entries for k in (e.get("scores") or {})})
    if problems := _unscored_names(spec, document, tables):
        return problems
    columns = ["序号", "推荐对象", *(_score_names(spec, document, tables).values())]
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


def _score_names(spec: Spec, document: dict[str, Any], tables: list[str]) -> dict[str, str]:
    """Each score table's wording: as the spec's own ``score_names`` says (a file imported
    keeps the wording it was read with), else the round's ``score_names`` of the categories
    the spec names (at the top, or in its items), else “A表评分”."""
    if not tables:
        return {}
    own = document.get("score_names") or {}
    if all(t in own for t in tables):
        return {t: own[t] for t in tables}
    known = known_categories(spec)
    items = document.get("recommendations") or document.get("applicants") or []
    named = [document.get("programme"), *(i.get("programme") for i in items if isinstance(i, dict))]
    shorts = dict.fromkeys(catalogue.programme_of(n, known) for n in named if isinstance(n, str))
    categories = [known[s] for s in shorts if s is not None]
    return {t: own.get(t) or catalogue.score_name(t, categories) for t in tables}


def _unscored_names(spec: Spec, document: dict[str, Any], tables: list[str]) -> list[Problem]:
    """A wording the spec gives (``score_names``) for a table none of its scores is of: it
    would be silently left unused."""
    return [
        spec.problem(
            ("score_names", table),
            f"没有“{table}”表的评分，这一称呼不会用到；评分表：{'、'.join(tables) or '无'}（scores）",
            key=True,
        )
        for table in document.get("score_names") or {}
        if table not in tables
    ]


@composer("recommendation_letter")
def recommendation_letter(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """A letter's score columns say what the round calls its scores (``score_names``;
    “A表评分” when it says nothing, so a letter without scores reads no round file)."""
    scores = [a.get("scores") or {} for a in document.get("applicants") or [] if isinstance(a, dict)]
    tables = sorted({t for found in [document.get("scores") or {}, *scores] for t in found})
    if problems := _unscored_names(spec, document, tables):
        return problems
    names = _score_names(spec, document, tables)
    # the template words a score “A表评分86分” only where some table is called otherwise
    document.pop("score_names", None)
    if any(name != f"{t}表评分" for t, name in names.items()):
        document["score_names"] = names
    return []


@composer("category_score_names")
def category_score_names(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """A plan's self-assessed scores (``scores: {a, b}``) are called as the spec's own
    ``score_names`` (by table: ``{A: A表得分}``; a file imported keeps the wording it was read
    with) or the round calls its category's (“A表评分” when neither says), as the letters call
    them: the kind's ``category_scores`` check names the category and which field is of which
    table. The template is given the wording by field (``{a: A表得分}``)."""
    kind = get_kind(document["kind"])
    own = document.pop("score_names", None) or {}
    for name, arg in kind.checks if kind is not None else ():
        if name != "category_scores":
            continue
        category = known_categories(spec).get(arg["category"])
        named = {table: category.score_name(table) for table in arg["tables"].values()} if category else {}
        document["score_names"] = {
            key: own.get(table) or named.get(table) or f"{table}表评分"
            for key, table in arg["tables"].items()
        }
    return []


# -- a round's categories --------------------------------------------------------------------
_QUOTA_TEXT = {"table": "按名额分配表", "none": "—"}


@composer("round")
def round_categories(spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """A round's categories (the catalogue's year and those declared) are sound: the year is
    one the catalogue has, a required list is a category of the round, a quota rule is one
    wenshu knows, the region file it names is there and lists distinct names. The page is
    the 类别及申报条件一览表."""
    year, declared = document.get("year"), document.get("categories") or {}
    problems = round_regions(spec, document.get("regions"))[1]
    if year is None and not declared:
        problems.append(spec.problem(("kind",), "year 与 categories 至少写一个：本轮有哪些类别"))
    # A year the catalogue has brings its categories; any other year is simply this round's
    # (a new year's round declares all its categories), so it needs categories of its own.
    if year is not None and year not in catalogue.round_years() and not declared:
        years = "、".join(map(str, catalogue.round_years()))
        problems.append(
            spec.problem(
                ("year",),
                f"data/programmes.yaml 中没有{year}年的类别（有：{years}）；新的一轮请在 categories 中"
                "写出本轮的全部类别（目录中已有的类别写“简称: {}”即沿用其申报资格和名额规则）",
            )
        )
    base = catalogue.round_categories(year) if year in catalogue.round_years() else {}
    for name, raw in declared.items():
        here: Path_ = ("categories", name)
        quota = (raw or {}).get("quota")
        found = [spec.problem(here + ("quota", *p), m) for p, m in catalogue.quota_problems(quota)]
        if quota is None:
            found = []
        if (raw or {}).get("requires") == name:
            found.append(spec.problem(here + ("requires",), f"{name}不能以自己的名单为申报资格"))
        if name not in base and name not in catalogue.catalogue_categories() and not (raw or {}).get("full"):
            # “简称: {}” keeps a catalogue category's facts; for any other name it would make a
            # category of that name with no rule at all — most likely a mistyped short name.
            hint = catalogue.did_you_mean(name, catalogue.catalogue_categories())
            found.append(
                spec.problem(
                    here,
                    f"“{name}”不是 data/{catalogue.PROGRAMMES_FILE}.yaml 中的类别{hint}；新的类别须写全称"
                    "（full，推荐函、名额表中的写法），并写明申报资格和名额规则（requires、quota 等）",
                    key=True,
                )
            )
        problems += found
        if found:
            continue
        # The share's count may be named by the category's computed rule: this one's, or the
        # catalogue's when the round keeps its quota rule.
        if isinstance(quota, dict) and "computed" in quota:
            computed: catalogue.Computed | None = catalogue.make_computed(quota["computed"])
        else:
            known = base.get(name) or catalogue.catalogue_categories().get(name)
            computed = known.computed if known and quota is None else None
        problems += [
            spec.problem(here + ("max_share", *p), m)
            for p, m in catalogue.share_problems((raw or {}).get("max_share"), computed)
        ]
    if problems:
        return problems
    categories = catalogue.categories_for(year, declared)
    for name, category in categories.items():
        if category.requires and category.requires not in categories:
            at: Path_ = ("categories", name, "requires") if name in declared else ("year",)
            hint = did_you_mean(category.requires, list(categories))
            problems.append(
                spec.problem(at, f"{name}须已在“{category.requires}”名单上，但本轮没有这一类别{hint}")
            )
    problems += _score_name_problems(spec, declared, categories)
    if problems:
        return problems
    rows = [
        [
            i,
            category.full,
            level_name(category.level),
            _eligibility(category, categories),
            _quota_text(category),
        ]
        for i, category in enumerate(categories.values(), 1)
    ]
    document.setdefault("title", document["name"])
    document["body"] = [
        table(
            ["序号", "类别", "申报主体", "申报资格", "推荐名额"],
            rows,
            font_size=document["font_size"],
            # in cm of the 15.6 cm 版心 at 四号: 序号, a full name in two lines, 县（市、区） and
            # 按名额分配表 each on one line
            widths=[1.4, 3.9, 3.4, 3.5, 3.4],
            align=["center", "left", "center", "left", "left"],
        )
    ]
    return []


def _score_name_problems(
    spec: Spec, declared: dict[str, Any], categories: dict[str, catalogue.Programme]
) -> list[Problem]:
    """A category's ``score_names`` names its own score tables (its ``min_scores``; for one
    without thresholds, a table of the round): a wording for another (``b`` for ``B``) would
    be silently left unused, the documents saying “B表评分”."""
    problems = []
    for name, raw in declared.items():
        tables, whose = score_tables_of(name, categories)
        for table in (raw or {}).get("score_names") or {}:
            if table not in tables:
                problems.append(
                    spec.problem(
                        ("categories", name, "score_names", table),
                        f"没有“{table}”表的评分，这一称呼不会用到{table_hint(table, tables)}；"
                        f"{whose}：{'、'.join(tables) or '无'}（min_scores）",
                        key=True,
                    )
                )
    return problems


def _eligibility(category: catalogue.Programme, categories: dict[str, catalogue.Programme]) -> str:
    parts = []
    if category.requires:
        parts.append(f"须已是{categories[category.requires].full}")
    if category.min_scores:
        parts.append(
            "、".join(f"{category.score_name(t)}达{m:g}分以上" for t, m in category.min_scores.items())
        )
    if category.max_share is not None:
        share = category.max_share
        parts.append(f"推荐数不超过本地区{share.label}数的{share.percent:g}%")
    return "；".join(parts) or "—"


def _quota_text(category: catalogue.Programme) -> str:
    if category.quota == "per_region":
        return f"每个地区不超过{category.per_region}个"
    if category.quota == "computed" and category.computed:
        terms = category.computed.terms
        parts = _listed([f"{t.label}数的{_percent(t.percent)}%" for t in terms], "与")
        return f"按现有{parts}{'之和' if len(terms) > 1 else ''}计算"

    return _QUOTA_TEXT.get(category.quota, "—")
