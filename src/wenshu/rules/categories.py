"""Rules on what a spec names from wenshu's catalogue and from its round, switched on by name in
the annex kinds' (and the letters') schemas, and the lookup they share: the categories and
regions a spec's round knows (``data/programmes.yaml`` and a ``round.yaml`` beside it).

Registered under ``checks:`` (``categories``, ``category_scores``, ``score_tables``,
``category_level``) and ``advice:`` (``categories``, ``score_names``, ``old_quota_rule``,
``unfilled_indicators``); :mod:`wenshu.validate` names this module as their provider, so it
(and the catalogue) is loaded only when a schema names one of them. The pages composed from
the same catalogue are :mod:`wenshu.compose.annexes`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from wenshu.errors import Problem, WenshuError
from wenshu.registry import did_you_mean
from wenshu.resources import read_data
from wenshu.rules.advice import advice
from wenshu.rules.checks import rule
from wenshu.rules.context import Context
from wenshu.spec import catalogue, load, plans
from wenshu.spec.find import is_spec_name
from wenshu.spec.kinds import CATEGORIES, choice_names, get_kind
from wenshu.spec.load import Path_, PerBatch, Spec, load_spec, select

#: The file a round folder declares its categories in (kind: round).
ROUND_FILE = "round.yaml"


@lru_cache(maxsize=32)
def _declared_in(text: str, path: Path) -> tuple[tuple[str, dict[str, Any]], ...]:
    """The categories the round file ``path`` declares, parsed once per content ``text``."""
    try:
        raw = load_spec(path).data
    except WenshuError:
        return ()  # reported when the round file itself is validated
    kind = get_kind(raw["kind"]) if isinstance(raw.get("kind"), str) else None
    declared = raw.get("categories") if kind is not None and kind.round_role == CATEGORIES else None
    if not isinstance(declared, dict):
        return ()
    return tuple(
        (name, dict(value or {}))
        for name, value in declared.items()
        if isinstance(name, str) and (value is None or isinstance(value, dict))
    )


def _round_file(spec: Spec) -> Path | None:
    """The ``round.yaml`` beside ``spec``, or None where there is none (a spec import tries,
    in no folder, has none either). An input even while absent: writing one changes what is
    built. One that is a link to a file outside :data:`wenshu.spec.load.REFERENCE_ROOT` (the
    workbench's folder) is refused, unread (:class:`WenshuError`), as an attachment, a plan
    or a data file is there."""
    beside = spec.path.parent / ROUND_FILE
    load.record_read(beside)
    if not beside.is_file():
        return None
    if load.beyond_reference_root(beside):
        raise WenshuError(Problem(str(beside), f"类别声明文件链接到别处，{load.BEYOND_ROOT}"))
    return beside


def known_categories(spec: Spec) -> dict[str, catalogue.Programme]:
    """The catalogue's categories, and those a ``round.yaml`` beside the spec declares (one
    linked from outside the workbench's folder is refused: see :func:`_round_file`)."""
    known = dict(catalogue.programmes())
    beside = _round_file(spec)
    if beside is None:
        return known
    try:
        # Read every time, through load.read_text, so a folder build records the round file
        # as an input of this spec; only the parsing is cached.
        text = load.read_text(beside)
    except WenshuError:
        return known
    for name, raw in _declared_in(text, beside):
        try:
            known[name] = catalogue.make_programme(name, raw, known.get(name))
        except (KeyError, TypeError, ValueError):
            continue  # a malformed declaration is the round file's own error
    return known


#: What a region file (``regions: [地区名…]``, as ``data/regions-2022.yaml``) may hold.
_REGION_FILE_KEYS = ("regions", "source")


def round_regions(round_spec: Spec, value: Any) -> tuple[catalogue.Regions, list[Problem]]:
    """The regions the round file ``round_spec`` names in its ``regions`` (``value``): a YAML
    file relative to its folder holding ``regions: [地区名…]`` (as ``data/regions-2022.yaml``;
    inside the round's folder named ``_…``, which building the folder skips),
    or one of wenshu's region lists by name (``regions-2022``); wenshu's 2022 list when it
    names none. A file that is not there, cannot be read or holds no list of distinct names
    is a problem at its place (the round file's ``regions``, or the region file's line), and
    the 2022 list stands in for it."""
    default = catalogue.default_regions()
    if not isinstance(value, str):
        return default, []  # absent, or the schema says what is wrong
    target = Path(os.path.normpath(round_spec.path.parent / value))
    if load.beyond_reference_root(target):
        return default, [round_spec.problem(("regions",), f"地区文件“{value}”{load.BEYOND_ROOT}")]
    # An input even while absent (see _round_file): a file written later under the name
    # (``regions-2022`` beside the round file) is the round's list instead of wenshu's.
    load.record_read(target)
    if not target.is_file():
        if value in catalogue.region_files():
            return catalogue.Regions(tuple(read_data(value)["regions"]), f"地区名见 data/{value}.yaml"), []
        carried = "、".join(catalogue.region_files())
        return default, [
            round_spec.problem(
                ("regions",),
                f"找不到地区文件“{value}”（相对于本文件所在文件夹，即 {target}）；"
                f"也不是 wenshu 自带的地区表（{carried}）",
            )
        ]
    folder = round_spec.path.parent.resolve()
    if folder in target.resolve().parents and is_spec_name(target.resolve().relative_to(folder)):
        # Else building or validating the folder would take it for a spec with no kind.
        return default, [
            round_spec.problem(
                ("regions",),
                f"地区文件“{value}”在本轮文件夹中，文件名须以 _ 开头（如 _{target.name}）："
                "不以 _ 开头的 YAML 文件都被当作规格生成、核对",
            )
        ]
    try:
        region_spec = load_spec(target)
    except WenshuError as exc:
        return default, exc.problems
    data = region_spec.data
    if not isinstance(data, dict) or not isinstance(data.get("regions"), list) or not data["regions"]:
        at: Path_ = ("regions",) if isinstance(data, dict) and "regions" in data else ()
        return default, [
            region_spec.problem(
                at, "地区文件应写 regions: 地区名的列表（如 [北京市, 天津市]），按名额表中的次序"
            )
        ]
    problems = [
        region_spec.problem(
            (key,),
            f"地区文件中没有“{key}”这一项{did_you_mean(str(key), _REGION_FILE_KEYS)}；"
            f"可写 {'、'.join(_REGION_FILE_KEYS)}",
            key=True,
        )
        for key in data
        if key not in _REGION_FILE_KEYS
    ]
    seen: dict[str, Path_] = {}
    for i, name in enumerate(data["regions"]):
        if not isinstance(name, str) or not name.strip():
            problems.append(region_spec.problem(("regions", i), f"地区名应为非空文字，实际是“{name}”"))
        elif name in seen:
            line = region_spec.position(seen[name])[0]
            problems.append(region_spec.problem(("regions", i), f"地区“{name}”重复（第{line}行已有）"))
        else:
            seen[name] = ("regions", i)
    if problems:
        return default, problems
    line = round_spec.position(("regions",))[0]
    cited = f"本轮地区见 {target.name}，由 {round_spec.name}:{line} 的 regions 指定"
    return catalogue.Regions(tuple(seen), cited), []


def known_regions(spec: Spec) -> tuple[catalogue.Regions, list[Problem]]:
    """The regions of the round ``spec`` belongs to: those the ``round.yaml`` beside it
    names (:func:`round_regions`), else wenshu's 2022 list; with the round's problems in
    naming them."""
    try:
        beside = _round_file(spec)
    except WenshuError as exc:
        return catalogue.default_regions(), exc.problems
    if beside is None:
        return catalogue.default_regions(), []
    try:
        round_spec = load_spec(beside)
    except WenshuError:
        return catalogue.default_regions(), []  # reported when the round file itself is validated
    if not isinstance(round_spec.data, dict):
        return catalogue.default_regions(), []
    return round_regions(round_spec, round_spec.data.get("regions"))


# Per batch (its shared fields' dict): the categories named together in a letter that were
# all known, so the next letters naming them (most name the batch's one category) neither
# read the round file nor copy the catalogue again.
_KNOWN_IN_BATCH: PerBatch[set[tuple[str, ...]]] = PerBatch()


def unknown_categories(patterns: list[str], spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """Each category named at ``patterns`` (dotted, ``*`` for every item) is one the
    catalogue or the round declared beside the spec knows."""
    named: list[tuple[Path_, str, bool]] = []
    for pattern in patterns:
        for path, value in select(document, pattern):
            if isinstance(value, dict):  # a mapping by category (quota: {类别: 名额})
                named += [(path + (k,), k, True) for k in value]
            elif isinstance(value, list):
                named += [(path + (i,), v, False) for i, v in enumerate(value)]
            else:
                named.append((path, value, False))
    named = [(at, name, key) for at, name, key in named if isinstance(name, str)]
    names = tuple(name for _, name, _ in named)
    seen = _KNOWN_IN_BATCH.get(spec.layers.shared, set) if spec.layers is not None else None
    if not named or seen is not None and names in seen:
        return []
    known = known_categories(spec)
    found = []
    for at, name, key in named:
        if catalogue.programme_of(name, known) is None:
            hint = catalogue.did_you_mean(name, known)
            found.append(
                spec.problem(
                    at,
                    f"未知类别“{name}”{hint}（已知类别见 data/{catalogue.PROGRAMMES_FILE}.yaml，"
                    f"或在本文件夹的 {ROUND_FILE} 中声明）",
                    key=key,
                )
            )
    if not found and seen is not None and len(seen) < 256:
        seen.add(names)
    return found


@rule("categories")
def categories_known(patterns: list[str], context: Context) -> list[Problem]:
    """As an error: each category named at ``patterns`` is known (see
    :func:`unknown_categories`)."""
    return unknown_categories(patterns, context.spec, context.document)


@advice("categories")
def categories_advised(patterns: list[str], spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """As a warning: a category no round knows is printed as written in a one-off table;
    most likely it is mistyped."""
    return unknown_categories(patterns, spec, document)


@advice("score_names")
def score_names_differ(arg: dict[str, Any], spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """As a warning: the spec's own wording of a score table (``score_names: {A: A表评分}``,
    as ``wenshu import`` reads it from a file) is not what the round calls it — the round
    (``round.yaml`` beside the spec, or ``data/programmes.yaml``) of a category the spec names
    (``arg["categories"]``: dotted patterns, ``*`` for every item) or of ``arg["category"]``.
    The spec's wording is printed (a wording written wins), so the two would differ in one
    round's papers. Only a wording the round declares is compared: “A表评分”, the one used
    when it says nothing, is no wording of the round's to disagree with."""
    raw = spec.data if isinstance(spec.data, dict) else document
    own = raw.get("score_names")
    if not isinstance(own, dict) or not own:
        return []
    known = known_categories(spec)
    named = [arg["category"]] if "category" in arg else []
    for pattern in arg.get("categories", []):
        named += [v for _, v in select(document, pattern) if isinstance(v, str)]
    shorts = dict.fromkeys(catalogue.programme_of(n, known) for n in named)
    categories = [known[s] for s in shorts if s is not None]
    beside = _round_file(spec)
    source = ROUND_FILE if beside is not None else f"data/{catalogue.PROGRAMMES_FILE}.yaml"
    problems = []
    for table, wording in own.items():
        said = next(((c.name, c.score_names[table]) for c in categories if table in c.score_names), None)
        if said is None or not isinstance(wording, str) or said[1] == wording:
            continue
        name, theirs = said
        problems.append(
            spec.problem(
                ("score_names", table),
                f"{table}表的评分称作“{wording}”，本轮（{source}）{name}类别称“{theirs}”；"
                f"生成的文件按“{wording}”印出，同一轮的一览表、名单和函会写法不一。"
                f"请改为“{theirs}”，或删去 score_names.{table} 以按本轮的称呼",
            )
        )
    return problems


@advice("old_quota_rule")
def old_quota_rule(arg: dict[str, str], spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """As a warning: a computed quota rule in the 2022 two-key form (``advantage_percent``,
    ``little_giant_percent``) — still read, and built the same — with the ``terms`` it is
    written as now. ``arg`` names the rule (``{rule: rule}``) or a round's categories, each
    with its ``quota.computed`` (``{categories: categories}``)."""
    rules: list[tuple[Path_, Any]] = []
    if "rule" in arg:
        rules.append(((arg["rule"],), document.get(arg["rule"])))
    categories = document.get(arg.get("categories", ""))
    for name, raw in (categories or {}).items() if isinstance(categories, dict) else ():
        quota = raw.get("quota") if isinstance(raw, dict) else None
        if isinstance(quota, dict):
            rules.append(((arg["categories"], name, "quota", "computed"), quota.get("computed")))
    problems = []
    for at, raw in rules:
        old = [k for k in catalogue.LEGACY_PERCENT_KEYS if isinstance(raw, dict) and k in raw]
        if not old or "terms" in raw:
            continue  # none, or both forms: an error of the rule
        terms = ", ".join(f"{{count: {catalogue.LEGACY_PERCENT_KEYS[k]}, percent: {raw[k]}}}" for k in old)
        problems.append(
            spec.problem(
                at + (old[0],),
                f"{'、'.join(old)} 是2022年名额规则的旧写法（照样生成，结果相同），请改写为 "
                f"terms: [{terms}]：计算项写在 terms 中，可用任何计数栏",
                key=True,
            )
        )
    return problems


@rule("category_scores")
def category_scores(arg: dict[str, Any], context: Context) -> list[Problem]:
    """Scores, when given, reach the lowest scores of the category ``arg["category"]`` as the
    round beside the spec (its ``round.yaml``) or the catalogue declares them: the thresholds
    are the round's data, not the kind's. ``arg["tables"]`` maps the spec's score fields to
    the category's score tables (``{a: A, b: B}``)."""
    spec, document = context.spec, context.document
    scores = document.get(arg["field"])
    if not isinstance(scores, dict):
        return []
    category = known_categories(spec).get(arg["category"])
    if category is None or not category.min_scores:
        return []
    tables = {key: table for key, table in arg["tables"].items() if table in category.min_scores}
    wanted = "，".join(f"{category.score_name(t)}达{category.min_scores[t]:g}分以上" for t in tables.values())
    problems = []
    for key, table in tables.items():
        value, minimum = scores.get(key), category.min_scores[table]
        if isinstance(value, (int, float)) and value < minimum:
            problems.append(
                spec.problem(
                    (arg["field"], key),
                    f"{category.score_name(table)} {plans.number(value)} 分，低于 {minimum:g} 分；"
                    f"{arg['condition']}要求{wanted}",
                )
            )
    return problems


@rule("score_tables")
def score_tables(arg: dict[str, Any], context: Context) -> list[Problem]:
    """Each score (``{A: 82, B: 85}`` at the patterns ``arg["scores"]``) is of a score table
    of its category (the ``arg["category"]`` field beside it, else at the top) as the round or
    the catalogue declares them (its ``min_scores``); for a category without thresholds, of a
    table some category of the round has. The tables are the round's data: a new round's
    category may score on tables of its own."""
    spec, document = context.spec, context.document
    found = [(path, value) for pattern in arg["scores"] for path, value in select(document, pattern)]
    found = [(path, value) for path, value in found if isinstance(value, dict) and value]
    if not found:
        return []
    known = known_categories(spec)
    problems = []
    for path, scores in found:
        holder = _value_at(document, path[:-1])
        named = (holder.get(arg["category"]) if isinstance(holder, dict) else None) or document.get(
            arg["category"]
        )
        short = catalogue.programme_of(named, known) if isinstance(named, str) else None
        if short is None:
            continue  # an unknown category is said where it is named
        tables, whose = score_tables_of(short, known)
        for table in scores:
            if table not in tables:
                problems.append(
                    spec.problem(
                        path + (table,),
                        f"没有“{table}”表的评分{table_hint(table, tables)}；{whose}：{'、'.join(tables)}（见 "
                        f"data/{catalogue.PROGRAMMES_FILE}.yaml 或本文件夹的 {ROUND_FILE} 中的 min_scores）",
                        key=True,
                    )
                )
    return problems


def score_tables_of(short: str, categories: dict[str, catalogue.Programme]) -> tuple[list[str], str]:
    """The score tables the category ``short`` of ``categories`` (a round's) scores on — its
    ``min_scores``; for one without thresholds, those of any category of the round — and what
    a message calls them."""
    if categories[short].min_scores:
        return list(categories[short].min_scores), f"{short}的评分表"
    return list(dict.fromkeys(t for c in categories.values() for t in c.min_scores)), "本轮各类别的评分表"


def table_hint(table: Any, tables: list[str]) -> str:
    """“，是否想写……？” for a score table not among ``tables``: written in another case (b
    for B), or close to one; "" when none is near."""
    same = [t for t in tables if t.casefold() == str(table).casefold()]
    return f"，是否想写“{same[0]}”？" if same else did_you_mean(str(table), tables)


def _value_at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


# -- a form's applicants -------------------------------------------------------------------
def level_name(level: str | None) -> str:
    """Who applies to a category (its ``level``: county → 县（市、区）), as the round schema's
    choices name it; “—” when the category does not say."""
    if level is None:
        return "—"
    rule_ = get_kind("round").schema["categories"]["valuesrules"]["schema"]["level"]
    return choice_names(rule_).get(level, level)


@rule("category_level")
def category_level(arg: dict[str, str], context: Context) -> list[Problem]:
    """A form made for one kind of applicant (a 测评表's ``level``: city or county) names a
    category (``arg["category"]``) whose applicants are of that kind, as the round or the
    catalogue declares the category's ``level`` — 示范县 on the city form is one or the other
    mistyped."""
    spec, document = context.spec, context.document
    level, named = document.get(arg["level"]), document.get(arg["category"])
    if not isinstance(level, str) or not isinstance(named, str):
        return []
    known = known_categories(spec)
    short = catalogue.programme_of(named, known)
    category = known.get(short or "")
    if category is None or category.level is None or category.level == level:
        return []  # an unknown category is said where it is named
    form = choice_names(context.kind_of(spec).schema.get(arg["level"]) or {}).get(level, level)
    return [
        spec.problem(
            (arg["category"],),
            f"{short}的申报主体是{level_name(category.level)}（level: {category.level}），"
            f"而本表是{form}（{arg['level']}: {level}）：改写 {arg['level']} 或 {arg['category']}",
        )
    ]


# -- an evaluation form's indicators --------------------------------------------------------
def unfilled_indicators(document: dict[str, Any]) -> list[int]:
    """Indicators a filled evaluation form gives no 完成情况 for (none for a blank form)."""
    results = document.get("results")
    if not results:
        return []
    return [n for n in catalogue.evaluation(document["level"]).numbers if str(n) not in results]


@advice("unfilled_indicators")
def unfilled(arg: Any, spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """As a warning: indicators a filled evaluation form leaves empty (a blank form has none)."""
    missing = unfilled_indicators(document)
    if not missing:
        return []
    numbers = "、".join(str(n) for n in missing)
    return [
        spec.problem((arg,), f"未填写完成情况的指标：{numbers}（共{len(missing)}项，表中留空）", key=True)
    ]
