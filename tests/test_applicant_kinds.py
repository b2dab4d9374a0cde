"""Applicants' kinds (issue 3): work plans, 强市创建方案, summaries, reports, documents, skeletons.

Every example is built and its .docx read back with python-docx and raw XML: the outline's
order and numbering, the generated annexes and tables, the figures wenshu computes. Each
domain rule is shown rejecting a bad spec with a Chinese message that names file:line.
Skeletons go new → validate (lists every 【待补】 with its line) → draft (highlighted) →
filled → build. Expected values are written out here, not taken from wenshu's own code.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from ruamel.yaml import YAML

from tests.conftest import SEEDS
from wenshu.build.pipeline import build
from wenshu.check import check_docx
from wenshu.cli.main import main
from wenshu.errors import WenshuError
from wenshu.extract import docx_blocks, markdown_blocks
from wenshu.spec.load import load_spec
from wenshu.validate import validate

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "examples" / "work_plans"
SUMMARIES = REPO / "examples" / "summaries"
EXAMPLES = sorted([*PLANS.glob("*.yaml"), *SUMMARIES.glob("*.yaml")])
SEED = SEEDS / "cnipa-demo-enterprise-cultivation-plan.txt"
CITY_PLAN = PLANS / "sample-city-demonstration-plan.yaml"
STRONG_PLAN = PLANS / "sample-strong-city-plan.yaml"
ENTERPRISE_PLAN = PLANS / "sample-enterprise-work-plan.yaml"
SUMMARY = SUMMARIES / "sample-city-demonstration-summary.yaml"
REPORT = SUMMARIES / "sample-county-creation-report.yaml"
KINDS = [
    "work_plan",
    "strong_city_plan",
    "demo_city_summary",
    "creation_report",
    "enterprise_work_plan",
    "document",
]

CN = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五".split()
PLACEHOLDER = "【待补】"
W_HIGHLIGHT = qn("w:highlight")


def read_yaml(path: Path):
    with open(path, encoding="utf-8") as fh:
        return YAML(typ="safe", pure=True).load(fh)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Every example of these kinds built once: stem → (.docx, .md)."""
    out = tmp_path_factory.mktemp("applicant-examples")
    result = {}
    for spec in EXAMPLES:
        build(spec, out)
        result[spec.stem] = (out / f"{spec.stem}.docx", out / f"{spec.stem}.md")
    return result


def headings(docx: Path, style: str) -> list[str]:
    """Texts of the body paragraphs with a given heading style, in order."""
    return [p.text for p in Document(str(docx)).paragraphs if p.style.style_id == style]


def outline(docx: Path) -> list[tuple[int, str]]:
    """(level, text) of every heading paragraph, in order."""
    levels = {"Heading1": 1, "Heading2": 2, "Heading3": 3, "Heading4": 4}
    return [
        (levels[p.style.style_id], p.text)
        for p in Document(str(docx)).paragraphs
        if p.style.style_id in levels
    ]


def assert_numbered(items: list[tuple[int, str]]) -> None:
    """Ordinals by depth: 一、 then （一） then 1., each restarting under its parent."""
    patterns = {1: r"^([一二三四五六七八九十]+)、", 2: r"^（([一二三四五六七八九十]+)）", 3: r"^(\d+)\."}
    counters = {1: 0, 2: 0, 3: 0}
    for level, text in items:
        m = re.match(patterns[level], text)
        assert m, f"heading without its ordinal: {text}"
        counters[level] += 1
        for deeper in range(level + 1, 4):
            counters[deeper] = 0
        expected = CN[counters[level] - 1] if level < 3 else str(counters[level])
        assert m.group(1) == expected, f"{text}: expected ordinal {expected}"


def cell_text(cell) -> str:
    """A cell's text as written: its paragraphs' ``w:t`` joined by newlines, without the line
    ends wenshu puts between words of a name too wide for its column (``w:cr``)."""
    return "\n".join("".join(t.text or "" for t in p._p.iter(qn("w:t"))) for p in cell.paragraphs)


def table_rows(table) -> list[list[str]]:
    return [[cell_text(c) for c in row.cells] for row in table.rows]


def section_after(element):
    """The ``w:sectPr`` governing ``element``: the first one that closes a section after it."""
    for sibling in element.itersiblings():
        found = sibling if sibling.tag == qn("w:sectPr") else sibling.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if found is not None:
            return found
    raise AssertionError("no section properties after the element")


def drop_block(text: str, header: str) -> str:
    """``text`` without the line ``header`` and the lines indented under it."""
    lines = text.splitlines(keepends=True)
    i = lines.index(header + "\n")
    depth = len(header) - len(header.lstrip())
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > depth):
        j += 1
    return "".join(lines[:i] + lines[j:])


def find_table(docx: Path, first_header: str, second_header: str):
    for table in Document(str(docx)).tables:
        head = [cell_text(c) for c in table.rows[0].cells]
        if head[:2] == [first_header, second_header]:
            return table
    raise AssertionError(f"no table headed {first_header}, {second_header}")


# -- every example --------------------------------------------------------------------------
@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_docx_and_markdown_text_identical(spec: Path, built) -> None:
    docx, md = built[spec.stem]
    assert docx_blocks(docx) == markdown_blocks(md.read_text(encoding="utf-8"))


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_outline_numbered_by_depth(spec: Path, built) -> None:
    assert_numbered([(lv, t) for lv, t in outline(built[spec.stem][0]) if lv <= 3])


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_examples_marked_as_sample_or_seed(spec: Path) -> None:
    text = spec.read_text(encoding="utf-8")
    assert "示例数据" in text or "原文（seed）" in text


def test_every_kind_has_an_example() -> None:
    kinds = {read_yaml(p)["kind"] for p in EXAMPLES}
    assert kinds == set(KINDS)


# -- work_plan ------------------------------------------------------------------------------
def test_work_plan_outline(built) -> None:
    docx = built[CITY_PLAN.stem][0]
    spec = read_yaml(CITY_PLAN)
    assert headings(docx, "Heading1") == [
        "一、总体要求",
        "二、重点任务和重大工程",
        "三、实施步骤",
        "四、保障条件",
    ]
    h2 = headings(docx, "Heading2")
    assert h2[:3] == ["（一）指导思想", "（二）基本原则", "（三）主要目标"]
    assert h2[3:] == [f"（{CN[i]}）{g['heading']}" for i, g in enumerate(spec["tasks"])]
    texts = [p.text for p in Document(str(docx)).paragraphs]
    assert texts[0] == "示例市国家知识产权强市建设\n示范城市工作方案\n（2022—2024年）"
    # 基本原则 and tasks are run-in paragraphs numbered 1. 2. …; each task states its lead unit.
    for i, principle in enumerate(spec["general"]["principles"]):
        assert f"{i + 1}.{principle['heading']}。{principle['text']}" in texts
    first = spec["tasks"][0]["tasks"][0]
    assert any(
        t.startswith(f"1.{first['name']}。")
        and f"（牵头单位：{first['lead']}；" in t
        and "完成时限：2024年12月）" in t
        for t in texts
    )
    # 实施步骤: each phase with its span.
    assert any(t.startswith("（一）启动部署阶段（2022年3月—2022年6月）。") for t in texts)


def test_work_plan_indicator_table(built) -> None:
    docx = built[CITY_PLAN.stem][0]
    spec = read_yaml(CITY_PLAN)
    rows = table_rows(find_table(docx, "序号", "指标名称"))
    assert rows[0] == [
        "序号",
        "指标名称",
        "单位",
        "属性",
        "2021年基期值",
        "2022年目标",
        "2023年目标",
        "2024年目标",
    ]
    indicators = spec["general"]["goals"]["indicators"]
    assert len(rows) == len(indicators) + 1
    for row, ind in zip(rows[1:], indicators, strict=True):
        years = [str(ind["targets"][y]) for y in (2022, 2023, 2024)]
        assert row[1:4] == [ind["name"], ind["unit"], ind["nature"]]
        assert row[4] == str(ind["baseline"]["value"])
        assert [Decimal(v) for v in row[5:]] == [Decimal(v) for v in years]


def test_work_plan_division_annex_from_tasks(built) -> None:
    docx = built[CITY_PLAN.stem][0]
    spec = read_yaml(CITY_PLAN)
    tasks = [(g["heading"], t) for g in spec["tasks"] for t in g["tasks"]]
    table = find_table(docx, "序号", "重点任务")
    rows = table_rows(table)
    assert rows[0] == ["序号", "重点任务", "具体任务", "牵头单位", "配合单位", "完成时限"]
    assert len(rows) == len(tasks) + 1
    for n, (row, (group, task)) in enumerate(zip(rows[1:], tasks, strict=True), start=1):
        assert row[:5] == [str(n), group, task["name"], task["lead"], "、".join(task["partners"])]
    # The annex page: 附件说明 names it, it has its label and title, and it is landscape.
    texts = [p.text for p in Document(str(docx)).paragraphs]
    assert "附件：重点任务分工表" in texts
    assert texts[texts.index("重点任务分工表") - 2] == "附件"
    assert section_after(table._tbl).find(qn("w:pgSz")).get(qn("w:orient")) == "landscape"


def test_county_work_plan_title_and_parts(built) -> None:
    docx = built["sample-county-demonstration-plan"][0]
    assert (
        Document(str(docx)).paragraphs[0].text
        == "示例县国家知识产权强县建设\n示范县工作方案\n（2024—2026年）"
    )
    assert headings(docx, "Heading1") == [
        "一、总体要求",
        "二、重点任务和重大工程",
        "三、实施步骤",
        "四、保障条件",
    ]


# -- strong_city_plan -----------------------------------------------------------------------
def test_strong_city_plan_outline_goals_projects_roadmap(built) -> None:
    docx = built[STRONG_PLAN.stem][0]
    spec = read_yaml(STRONG_PLAN)
    items = outline(docx)
    assert [t for lv, t in items if lv == 1] == [
        "一、总体要求",
        "二、重点任务和重大工程",
        "三、实施步骤",
        "四、保障条件",
    ]
    assert [t for lv, t in items if lv == 3] == ["1.定性目标", "2.定量指标"]
    projects = [t for lv, t in items if lv == 2][3:]
    assert projects == [f"（{CN[i]}）{p['name']}" for i, p in enumerate(spec["projects"])]
    texts = [p.text for p in Document(str(docx)).paragraphs]
    for tier in spec["general"]["goals"]["qualitative"]:
        assert f"到{tier['year']}年，{tier['text']}" in texts
    assert (
        "项目管理：由市市场监管局（知识产权局）牵头，实行项目化管理、清单化推进、责任制落实，计划投入资金4500万元。"
        in texts
    )
    assert (
        "考核指标：建成高价值专利培育中心30家；形成高价值专利组合20个以上；获得中国专利奖5项以上。" in texts
    )
    roadmap = table_rows(find_table(docx, "序号", "时间节点"))
    assert [r[1:] for r in roadmap[1:]] == [[r["date"], r["text"]] for r in spec["steps"]["roadmap"]]
    division = table_rows(find_table(docx, "序号", "所属工程"))
    assert len(division) - 1 == sum(len(p["tasks"]) for p in spec["projects"])
    assert division[1][1:4] == [
        spec["projects"][0]["name"],
        "建设高价值专利培育中心",
        "市市场监管局（知识产权局）",
    ]


# -- demo_city_summary ----------------------------------------------------------------------
def test_summary_nine_parts_in_order(built) -> None:
    docx = built[SUMMARY.stem][0]
    assert headings(docx, "Heading1") == [
        "一、示范城市建设方案所确定的目标和任务完成情况",
        "二、管理体制机制和能力建设情况",
        "三、强化知识产权创造工作情况",
        "四、强化知识产权保护工作情况",
        "五、强化知识产权运用工作情况",
        "六、产业、企业知识产权工作推进情况",
        "七、知识产权服务业发展情况",
        "八、知识产权文化、人才建设情况",
        "九、其他需要总结的情况",
    ]


def _expected_change(before, after, unit: str) -> str:
    a, b = Decimal(str(before)), Decimal(str(after))
    places = max(max(0, -a.as_tuple().exponent), max(0, -b.as_tuple().exponent))
    diff = (b - a).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{diff:f}" if diff < 0 else f"+{diff:f}"
    return text + ("个百分点" if unit == "%" else "")


def _expected_growth(before, after) -> str:
    a, b = Decimal(str(before)), Decimal(str(after))
    rate = ((b - a) / a * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return (f"{rate:f}" if rate < 0 else f"+{rate:f}") + "%"


def test_summary_before_after_figures_computed(built) -> None:
    docx = built[SUMMARY.stem][0]
    spec = read_yaml(SUMMARY)
    rows = table_rows(find_table(docx, "序号", "指标"))
    assert rows[0] == ["序号", "指标", "单位", "建设前（2021年）", "建设后（2024年）", "增减", "增长率"]
    assert len(rows) == len(spec["figures"]["rows"]) + 1
    for row, fig in zip(rows[1:], spec["figures"]["rows"], strict=True):
        assert row[1:3] == [fig["name"], fig["unit"]]
        assert row[5] == _expected_change(fig["before"], fig["after"], fig["unit"])
        assert row[6] == _expected_growth(fig["before"], fig["after"])
    # Spot checks written out by hand: 6.8 → 9.8 件; 0.12 → 0.18 %.
    assert rows[1][5:] == ["+3.0", "+44.1%"]
    assert rows[10][5:] == ["+0.06个百分点", "+50.0%"]
    texts = [p.text for p in Document(str(docx)).paragraphs]
    assert "附件：示范建设前后主要数据对比表" in texts


def test_summary_target_completion_computed(built) -> None:
    docx = built[SUMMARY.stem][0]
    rows = table_rows(find_table(docx, "序号", "目标指标"))
    assert rows[0] == ["序号", "目标指标", "单位", "目标值", "完成值", "完成情况"]
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["每万人口高价值发明专利拥有量"][3:] == ["9.5", "9.8", "已完成（103.2%）"]
    assert by_name["专利转让许可次数"][3:] == ["1600", "1585", "未完成（99.1%）"]


def test_summary_refuses_typed_growth(tmp_path: Path) -> None:
    path, line = mutate(
        SUMMARY,
        "{name: 每万人口高价值发明专利拥有量, unit: 件, before: 6.8, after: 9.8}",
        "{name: 每万人口高价值发明专利拥有量, unit: 件, before: 6.8, after: 9.8, growth: 44.1}",
        tmp_path,
    )
    assert_rejected(path, line, "未知字段")


# -- creation_report ------------------------------------------------------------------------
def test_creation_report_conditions_and_evidence_annex(built) -> None:
    docx = built[REPORT.stem][0]
    spec = read_yaml(REPORT)
    assert headings(docx, "Heading1") == ["一、申报条件符合情况", "二、近三年工作总结", "三、下一步工作打算"]
    conditions = spec["conditions"]
    assert headings(docx, "Heading2") == [f"（{CN[i]}）{c['name']}" for i, c in enumerate(conditions)]
    texts = [p.text for p in Document(str(docx)).paragraphs]
    for c in conditions:
        assert f"申报条件：{c['requirement']}" in texts
        assert f"符合情况：{c['text']}" in texts
    evidence = table_rows(find_table(docx, "序号", "对应申报条件"))
    assert [r[2] for r in evidence[1:]] == [e for c in conditions for e in c["evidence"]]
    assert evidence[1][1] == f"（一）{conditions[0]['name']}"


# -- enterprise_work_plan -------------------------------------------------------------------
def test_enterprise_plan_outline_and_scores(built) -> None:
    docx = built[ENTERPRISE_PLAN.stem][0]
    assert headings(docx, "Heading1") == ["一、工作基础", "二、工作目标和任务", "三、工作措施"]
    assert headings(docx, "Heading2") == ["（一）工作目标", "（二）重点任务"]
    texts = [p.text for p in Document(str(docx)).paragraphs]
    assert "对照《国家知识产权示范企业知识产权评价指标体系》自评，A表评分82.5分，B表评分86分。" in texts
    assert any(
        t.startswith("1.制定实施知识产权战略。") and "（牵头部门：知识产权部；配合部门：" in t for t in texts
    )


# -- document: the seed cultivation plan in full --------------------------------------------
def test_cultivation_plan_reproduces_the_seed(built) -> None:
    docx = built["cnipa-demo-enterprise-cultivation-plan"][0]

    def squash(text: str) -> str:
        # The transcription drops extraction spaces and writes the one half-width comma full-width.
        return re.sub(r"\s+", "", text).replace(",", "，")

    assert squash("".join(docx_blocks(docx))) == squash(SEED.read_text(encoding="utf-8"))
    assert headings(docx, "Heading1") == [
        "一、总体要求",
        "二、培育方向",
        "三、申报条件和工作程序",
        "四、工作措施",
        "五、组织管理",
    ]
    texts = [p.text for p in Document(str(docx)).paragraphs]
    assert texts[0] == "附件4"
    assert (
        "1.企业提出申报。企业向所在地各省（区、市）知识产权局和计划单列市、新疆生产建设兵团知识产权局（以下简称“省局”）提出申请。"
        in texts
    )


# -- rules: each rejects a bad spec with a Chinese message naming file:line ------------------
def mutate(source: Path, old: str, new: str, folder: Path, name: str | None = None) -> tuple[Path, int]:
    """Write ``source`` with ``old`` replaced by ``new`` into ``folder``; the changed line."""
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    at = text.index(old)
    changed = text.replace(old, new, 1)
    path = folder / (name or source.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(changed, encoding="utf-8")
    return path, text[:at].count("\n") + 1


def assert_rejected(path: Path, line: int, phrase: str) -> str:
    """Validation fails with a problem at ``path:line`` whose message contains ``phrase``."""
    with pytest.raises(WenshuError) as caught:
        validate(load_spec(path))
    shown = [str(p) for p in caught.value.problems]
    hits = [s for s in shown if s.startswith(f"{path}:{line}:") and phrase in s]
    assert hits, f"expected {path}:{line} … {phrase}; got {shown}"
    assert re.search(r"[\u4e00-\u9fff]", hits[0].split("：", 1)[-1])
    return hits[0]


RULE_CASES = [
    # (id, source, old, new, phrase)
    (
        "period-four-years",
        CITY_PLAN,
        "period: {start: 2022, end: 2024}",
        "period: {start: 2022, end: 2025}",
        "方案期应为3年",
    ),
    (
        "period-reversed",
        CITY_PLAN,
        "period: {start: 2022, end: 2024}",
        "period: {start: 2024, end: 2022}",
        "终止年份",
    ),
    (
        "deadline-after-period",
        CITY_PLAN,
        "deadline: 2023年6月",
        "deadline: 2025年3月",
        "完成时限“2025年3月”不在方案期2022—2024年之内",
    ),
    (
        "deadline-year-after-period",
        CITY_PLAN,
        "deadline: 2023年6月",
        "deadline: 2025",
        "完成时限“2025年”不在方案期",
    ),
    ("deadline-unreadable", CITY_PLAN, "deadline: 2023年6月", "deadline: 明年年中", "完成时限应写作"),
    ("deadline-impossible-date", CITY_PLAN, "deadline: 2023年6月", "deadline: 2023年2月30日", "日期不存在"),
    (
        "phase-before-period",
        CITY_PLAN,
        "      start: 2022年3月",
        "      start: 2021年10月",
        "阶段开始时间“2021年10月”不在方案期",
    ),
    ("phase-ends-before-start", CITY_PLAN, "      end: 2022年6月", "      end: 2022年2月", "早于开始时间"),
    (
        "milestone-after-period",
        CITY_PLAN,
        "        - date: 2024年12月",
        "        - date: 2025年1月",
        "节点时间“2025年1月”不在方案期",
    ),
    (
        "target-with-unit-in-number",
        CITY_PLAN,
        "targets: {2022: 7.6, 2023: 8.5, 2024: 9.5}",
        "targets: {2022: 7.6, 2023: 8.5, 2024: 9.5件}",
        "应为数字",
    ),
    (
        "target-year-missing",
        CITY_PLAN,
        "targets: {2022: 7.6, 2023: 8.5, 2024: 9.5}",
        "targets: {2022: 7.6, 2024: 9.5}",
        "缺少2023年的目标值",
    ),
    (
        "target-year-outside",
        CITY_PLAN,
        "targets: {2022: 7.6, 2023: 8.5, 2024: 9.5}",
        "targets: {2022: 7.6, 2023: 8.5, 2024: 9.5, 2025: 10}",
        "目标年份 2025 不在方案期",
    ),
    (
        "baseline-inside-period",
        CITY_PLAN,
        "baseline: {year: 2021, value: 6.8}",
        "baseline: {year: 2022, value: 6.8}",
        "基期年份 2022 应早于方案期首年 2022",
    ),
    (
        "indicator-without-unit",
        CITY_PLAN,
        "        unit: 件\n        nature: 预期性\n        baseline: {year: 2021, value: 6.8}",
        "        nature: 预期性\n        baseline: {year: 2021, value: 6.8}",
        "缺少必填字段（计量单位）",
    ),
    (
        "strong-tier-outside",
        STRONG_PLAN,
        "      - year: 2027\n",
        "      - year: 2028\n",
        "定性目标年份“2028年”不在方案期",
    ),
    (
        "strong-roadmap-outside",
        STRONG_PLAN,
        "    - date: 2027年12月",
        "    - date: 2028年3月",
        "路线图节点时间“2028年3月”",
    ),
    (
        "enterprise-a-below-75",
        ENTERPRISE_PLAN,
        "scores: {a: 82.5, b: 86}",
        "scores: {a: 72, b: 86}",
        "A表评分 72 分，低于 75 分",
    ),
    (
        "enterprise-b-below-80",
        ENTERPRISE_PLAN,
        "scores: {a: 82.5, b: 86}",
        "scores: {a: 82.5, b: 79.5}",
        "B表评分 79.5 分，低于 80 分",
    ),
    (
        "report-summary-not-three-years",
        REPORT,
        "  period: {start: 2020, end: 2022}",
        "  period: {start: 2019, end: 2022}",
        "近三年工作总结的总结期应为3年",
    ),
    (
        "report-condition-without-evidence",
        REPORT,
        "    evidence:\n      - 国家知识产权局确定试点县的通知（复印件）\n"
        "      - 示例省知识产权局试点县评估意见\n",
        "    evidence: []\n",
        "（佐证材料）不能为空",
    ),
    ("summary-years-reversed", SUMMARY, "  after_year: 2024", "  after_year: 2021", "年份 2021 应晚于"),
    ("summary-focus-point-missing", SUMMARY, "  protection:", "  protection:", "没有写到“维权援助”"),
]


@pytest.mark.parametrize("case", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_rule_rejects_bad_spec(case, tmp_path: Path) -> None:
    name, source, old, new, phrase = case
    if name == "summary-focus-point-missing":
        # Keep the plan reachable, then take 维权援助 out of part 四.
        shutil.copytree(PLANS, tmp_path / "work_plans")
        path, line = mutate(source, old, new, tmp_path / "summaries")
        path.write_text(path.read_text(encoding="utf-8").replace("维权援助", "纠纷调处"), encoding="utf-8")
    else:
        if source.parent == SUMMARIES:
            shutil.copytree(PLANS, tmp_path / "work_plans")
        path, line = mutate(
            source, old, new, tmp_path / ("summaries" if source.parent == SUMMARIES else "plans")
        )
    if name == "indicator-without-unit":
        line -= 1  # a missing field is reported at the first line of its mapping (“- name:”)
    assert_rejected(path, line, phrase)


def test_task_without_lead_unit_rejected(tmp_path: Path) -> None:
    path, _ = mutate(CITY_PLAN, "        lead: 市司法局\n", "", tmp_path)
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("      - name: 健全维权援助和纠纷多元化解机制")].count("\n") + 1
    assert_rejected(path, line, "缺少必填字段（牵头单位）")


@pytest.mark.parametrize("missing", ["qualitative", "indicators"])
def test_strong_city_plan_needs_both_kinds_of_goal(missing: str, tmp_path: Path) -> None:
    data = STRONG_PLAN.read_text(encoding="utf-8")
    path = tmp_path / "strong.yaml"
    path.write_text(drop_block(data, f"    {missing}:"), encoding="utf-8")
    line = data[: data.index("  goals:\n")].count("\n") + 1  # a missing field is reported at its parent
    label = "分级描述的定性指标" if missing == "qualitative" else "可考核的定量指标"
    assert_rejected(path, line, f"缺少必填字段（{label}）")


def test_strong_city_plan_qualitative_goals_must_be_tiered(tmp_path: Path) -> None:
    text = STRONG_PLAN.read_text(encoding="utf-8")
    start = text.index("      - year: 2026\n")
    end = text.index("    indicators:\n")
    path = tmp_path / "strong.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    line = text[: text.index("      - year: 2025")].count("\n") + 1
    assert_rejected(path, line, "条目数不对")


def test_summary_reports_every_plan_target_naming_both_files(tmp_path: Path) -> None:
    shutil.copytree(PLANS, tmp_path / "work_plans")
    path, line = mutate(
        SUMMARY,
        "      - {name: 专利转让许可次数, unit: 次, target: 1600, actual: 1585}\n",
        "",
        tmp_path / "summaries",
    )
    reports_line = path.read_text(encoding="utf-8").splitlines().index("    indicators:") + 1
    plan = tmp_path / "work_plans" / CITY_PLAN.name
    plan_line = plan.read_text(encoding="utf-8").splitlines().index("      - name: 专利转让许可次数") + 1
    shown = assert_rejected(path, reports_line + 1, "没有在总结中报告完成情况")
    assert f"{plan}:{plan_line}" in shown and "专利转让许可次数" in shown


def test_summary_target_must_match_plan(tmp_path: Path) -> None:
    shutil.copytree(PLANS, tmp_path / "work_plans")
    path, line = mutate(
        SUMMARY,
        "{name: PCT国际专利申请量, unit: 件, target: 140, actual: 152}",
        "{name: PCT国际专利申请量, unit: 项, target: 130, actual: 152}",
        tmp_path / "summaries",
    )
    shown_unit = assert_rejected(path, line, "单位“项”与工作方案")
    shown_target = assert_rejected(path, line, "目标值 130 与工作方案")
    assert "2024年目标值 140" in shown_target and str(tmp_path / "work_plans") in shown_unit


def test_summary_plan_path_resolved_relative_to_spec(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # not the repository: the plan is found beside the summary
    validate(load_spec(SUMMARY))
    lone = tmp_path / "lone" / SUMMARY.name
    lone.parent.mkdir()
    shutil.copy(SUMMARY, lone)
    line = (
        lone.read_text(encoding="utf-8")
        .splitlines()
        .index("plan: ../work_plans/sample-city-demonstration-plan.yaml")
        + 1
    )
    shown = assert_rejected(lone, line, "找不到工作方案")
    assert "work_plans/sample-city-demonstration-plan.yaml" in shown


def test_summary_plan_with_problems_reports_the_plan_file(tmp_path: Path) -> None:
    mutate(CITY_PLAN, "deadline: 2023年6月", "deadline: 2026年6月", tmp_path / "work_plans")
    for other in PLANS.glob("*.yaml"):
        if other.name != CITY_PLAN.name:
            shutil.copy(other, tmp_path / "work_plans" / other.name)
    path, _ = mutate(SUMMARY, "kind: demo_city_summary", "kind: demo_city_summary", tmp_path / "summaries")
    with pytest.raises(WenshuError) as caught:
        validate(load_spec(path))
    shown = [str(p) for p in caught.value.problems]
    assert any(s.startswith(f"{path}:") and "所引工作方案" in s for s in shown)
    assert any(s.startswith(str(tmp_path / "work_plans" / CITY_PLAN.name)) and "完成时限" in s for s in shown)


# -- skeletons ------------------------------------------------------------------------------
NUMBERS = {"value", "target", "actual", "before", "after", "a", "b", "budget"}


def fill(text: str, start: int, end: int) -> str:
    """Fill a skeleton as an office would: numbers, dates inside the period, and text."""
    dates = {
        "start": f"{start}-01-01",
        "end": f"{end}-12-31",
        "deadline": f"{end}-12-31",
        "date": f"{start}-06-30",
        "unit": "件",
    }

    def value(m: re.Match[str]) -> str:
        key = m.group(1)
        if key in NUMBERS or key.isdigit():
            return f"{key}: 90"
        return f"{key}: {dates.get(key, '示例内容')}"

    lines = []
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            line = re.sub(rf"(\w+): {PLACEHOLDER}", value, line).replace(PLACEHOLDER, "示例内容")
        lines.append(line)
    return "".join(lines)


def placeholder_lines(text: str) -> list[int]:
    return [
        n
        for n, line in enumerate(text.splitlines(), 1)
        if PLACEHOLDER in line and not line.lstrip().startswith("#")
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_skeleton_validate_draft_fill_build(kind: str, tmp_path: Path) -> None:
    runner = CliRunner()
    spec = tmp_path / f"{kind}.yaml"
    # Only the options a skeleton uses are taken (the general document has no applicant, no period).
    options = [] if kind == "document" else ["--applicant", "示例市", "--start", "2025"]
    made = runner.invoke(main, ["new", kind, *options, "-o", str(spec)])
    assert made.exit_code == 0, made.output
    text = spec.read_text(encoding="utf-8")
    holes = placeholder_lines(text)
    assert holes and "# " in text  # gaps to fill, with the outline's guidance as comments

    # validate: non-zero, each remaining 【待补】 listed with its line.
    checked = runner.invoke(main, ["validate", str(spec)])
    assert checked.exit_code != 0
    listed = sorted(
        {int(m) for m in re.findall(rf"{re.escape(str(spec))}:(\d+):\d+ \S+：尚未填写", checked.output)}
    )
    assert listed == holes

    # build without --draft refuses; with --draft renders and highlights every gap.
    assert runner.invoke(main, ["build", str(spec), "-o", str(tmp_path / "out")]).exit_code != 0
    drafted = runner.invoke(main, ["build", "--draft", str(spec), "-o", str(tmp_path / "draft")])
    assert drafted.exit_code == 0, drafted.output
    md = (tmp_path / "draft" / f"{kind}.md").read_text(encoding="utf-8")
    assert md.count(PLACEHOLDER) == md.count(f"<mark>{PLACEHOLDER}</mark>") > 0
    docx = tmp_path / "draft" / f"{kind}.docx"
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    runs = re.findall(r"<w:r>(?:(?!</w:r>).)*?【待补】(?:(?!</w:r>).)*?</w:r>", xml)
    assert len(runs) == xml.count(PLACEHOLDER) == md.count(PLACEHOLDER)
    assert all(
        '<w:highlight w:val="yellow"/>' in r and re.search(r"<w:t[^>]*>【待补】</w:t>", r) for r in runs
    )
    assert docx_blocks(docx) == markdown_blocks(md)
    # A gap inside a run-in heading keeps the heading's font: only the unfilled date deviates.
    assert set(check_docx(docx).codes) <= {"date-form"}, check_docx(docx).codes

    # Filled in, it validates and builds without --draft.
    filled = tmp_path / "filled" / f"{kind}.yaml"
    filled.parent.mkdir()
    filled.write_text(fill(text, 2025, 2027), encoding="utf-8")
    ok = runner.invoke(main, ["validate", str(filled)])
    assert ok.exit_code == 0, ok.output
    done = runner.invoke(main, ["build", str(filled), "-o", str(tmp_path / "final")])
    assert done.exit_code == 0, done.output
    final_xml = zipfile.ZipFile(tmp_path / "final" / f"{kind}.docx").read("word/document.xml").decode("utf-8")
    assert PLACEHOLDER not in final_xml and "w:highlight" not in final_xml


@pytest.mark.parametrize(
    ("level", "programme", "count"),
    [("city", "demonstration", 4), ("county", "demonstration", 5), ("city", "pilot", 1)],
)
def test_creation_report_skeleton_lists_the_notices_conditions(
    level: str, programme: str, count: int
) -> None:
    result = CliRunner().invoke(
        main, ["new", "creation_report", "--level", level, "--programme", programme, "--start", "2024"]
    )
    assert result.exit_code == 0, result.output
    data = YAML(typ="safe", pure=True).load(result.output)
    assert len(data["conditions"]) == count
    assert data["summary"]["period"] == {"start": 2020, "end": 2022}
    if programme == "demonstration":
        assert all(PLACEHOLDER not in c["requirement"] for c in data["conditions"])


def test_skeleton_years_follow_start() -> None:
    result = CliRunner().invoke(
        main, ["new", "work_plan", "--applicant", "示例县", "--level", "county", "--start", "2024"]
    )
    data = YAML(typ="safe", pure=True).load(result.output)
    assert data["period"] == {"start": 2024, "end": 2026}
    assert data["applicant"] == "示例县" and data["level"] == "county"
    assert sorted(data["general"]["goals"]["indicators"][0]["targets"]) == [2024, 2025, 2026]
    assert data["general"]["goals"]["indicators"][0]["baseline"]["year"] == 2023


def test_skeleton_quotes_what_yaml_would_misread() -> None:
    name = "示例市: 高新区 #1"
    result = CliRunner().invoke(main, ["new", "strong_city_plan", "--applicant", name, "--start", "2025"])
    assert YAML(typ="safe", pure=True).load(result.output)["applicant"] == name


def test_new_refuses_to_overwrite_and_unknown_kinds(tmp_path: Path) -> None:
    runner = CliRunner()
    spec = tmp_path / "plan.yaml"
    spec.write_text("已有内容", encoding="utf-8")
    result = runner.invoke(main, ["new", "work_plan", "-o", str(spec)])
    assert result.exit_code != 0 and "文件已存在" in result.output
    assert spec.read_text(encoding="utf-8") == "已有内容"
    assert runner.invoke(main, ["new", "work_plan", "-o", str(spec), "--force"]).exit_code == 0
    unknown = runner.invoke(main, ["new", "receipt"])
    assert unknown.exit_code != 0 and "没有骨架" in unknown.output and "Traceback" not in unknown.output
