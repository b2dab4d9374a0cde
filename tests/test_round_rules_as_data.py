"""A round's rules are its data: a computed quota rule is a list of terms (count column, label,
percent) and a rounding, a share cap is taken of any count, score tables and thresholds are the
category's — so a new year's rule is a YAML file. Every bad input a clerk may write in a
round's YAML is a located Chinese error that leaves earlier output alone."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wenshu.cli.main import main
from wenshu.extract import markdown_blocks

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
COMPUTED = EXAMPLES / "annexes" / "quota-computed.yaml"
TERMS_2022 = """rule:
  terms:
    - {count: advantage, percent: 8}
    - {count: little_giant, percent: 2}
  rounding: half_up
"""
LEGACY_2022 = """rule:
  advantage_percent: 8
  little_giant_percent: 2
  rounding: half_up
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def build(spec: Path, out: Path):
    return run("build", spec, "-o", out, "--no-paginate")


# -- the computed quota rule --------------------------------------------------------------------
def test_the_2022_two_key_form_still_builds_the_same_bytes(tmp_path):
    """The example is written as terms; the old two-key form of the same rule gives the same
    .md and the same .docx, byte for byte."""
    text = COMPUTED.read_text(encoding="utf-8")
    assert TERMS_2022 in text
    legacy = write(tmp_path / "legacy", "quota-computed.yaml", text.replace(TERMS_2022, LEGACY_2022))
    assert build(COMPUTED, tmp_path / "a").exit_code == 0
    assert build(legacy, tmp_path / "b").exit_code == 0
    for suffix in (".md", ".docx"):
        name = "quota-computed" + suffix
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), suffix
    note = (
        "注：示范企业推荐名额根据各地现有优势企业数量的8%以及专精特新“小巨人”企业数量的2%的总和计算得出，"
        "总和四舍五入取整。国务院国资委出资管理的企业及其他部委管理企业不占推荐名额。"
    )
    assert note in markdown_blocks((tmp_path / "a" / "quota-computed.md").read_text(encoding="utf-8"))


NEW_RULE = """kind: quota_table
name: 示范企业推荐名额（测试用）
programme: 示范企业
rule:
  terms:
    - {count: advantage, percent: 8}
    - {count: little_giant, percent: 2}
    - {count: patents, label: 高价值发明专利, percent: 0.5}
  rounding: down
counts:
  - {region: 河南省, advantage: 112, little_giant: 100, patents: 300}
  - {region: 湖北省, advantage: 10, little_giant: 0, patents: 7}
"""


def test_a_new_years_rule_with_a_third_count_needs_only_yaml(tmp_path):
    spec = write(tmp_path, "quota.yaml", NEW_RULE)
    result = build(spec, tmp_path / "out")
    assert result.exit_code == 0, result.output
    md = (tmp_path / "out" / "quota.md").read_text(encoding="utf-8")
    # 河南省 8.96 + 2 + 1.5 = 12.46 → 12; 湖北省 0.8 + 0 + 0.035 → 0 (rounded down)
    assert "| 1 | 河南省 | 12 |" in md and "| 2 | 湖北省 | 0 |" in md
    assert "| 合计 |  | 12 |" in md
    assert (
        "注：示范企业推荐名额根据各地现有优势企业数量的8%、专精特新“小巨人”企业数量的2%以及"
        "高价值发明专利数量的0.5%的总和计算得出，总和向下取整。"
    ) in markdown_blocks(md)


def test_a_one_term_rule_reads_without_a_sum(tmp_path):
    text = NEW_RULE.replace(
        "    - {count: advantage, percent: 8}\n    - {count: little_giant, percent: 2}\n", ""
    )
    text = text.replace("advantage: 112, little_giant: 100, ", "").replace(
        "advantage: 10, little_giant: 0, ", ""
    )
    spec = write(tmp_path, "quota.yaml", text)
    assert build(spec, tmp_path / "out").exit_code == 0
    md = (tmp_path / "out" / "quota.md").read_text(encoding="utf-8")
    assert "注：示范企业推荐名额根据各地现有高价值发明专利数量的0.5%计算得出，向下取整。" in md


# -- a new year's round declares its rule, its share and its scores -----------------------------
ROUND_2026 = """kind: round
name: 2026年类别（测试用）
year: 2026
categories:
  示范企业:
    min_scores: {A: 75, B: 80}
    max_share: {of: patents, unit: 件, percent: 5}
    quota:
      computed:
        terms:
          - {count: patents, label: 高价值发明专利, percent: 10}
        rounding: up
"""
QUOTA_2026 = """kind: quota_table
name: 名额（测试用）
programme: 示范企业
rule:
  terms:
    - {count: patents, percent: 10}
  rounding: up
counts:
  - {region: 河南省, patents: 40}
"""


def enterprise_list(count: int) -> str:
    rows = "".join(f"  - {{applicant: 示例企业{i}, scores: {{A: 80, B: 85}}}}\n" for i in range(count))
    head = "kind: recommendation_list\nname: 推荐名单\nprovince: 河南省\nprogramme: 示范企业\n"
    return f"{head}recommendations:\n{rows}"


def round_2026(folder: Path, recommended: int) -> Path:
    write(folder, "round.yaml", ROUND_2026)
    write(folder, "quota.yaml", QUOTA_2026)
    write(folder, "list.yaml", enterprise_list(recommended))
    return folder


def test_a_round_declares_a_computed_rule_and_a_share_of_a_new_count(tmp_path):
    """The table takes the term's label from the round's category; the quota (40 × 10% = 4) and
    the share (5% of 40 件 = 2) are both checked, the share naming the count by its label."""
    folder = round_2026(tmp_path / "r", 2)
    result = run("validate", folder)
    assert result.exit_code == 0 and "警告" not in result.output, result.output
    built = build(folder / "quota.yaml", tmp_path / "out")
    assert built.exit_code == 0, built.output
    assert "根据各地现有高价值发明专利数量的10%计算得出，向上取整。" in (
        tmp_path / "out" / "quota.md"
    ).read_text(encoding="utf-8")
    assert build(folder / "round.yaml", tmp_path / "out").exit_code == 0
    overview = (tmp_path / "out" / "round.md").read_text(encoding="utf-8")
    assert "推荐数不超过本地区高价值发明专利数的5% | 按现有高价值发明专利数的10%计算 |" in overview

    write(folder, "list.yaml", enterprise_list(3))
    result = run("validate", folder)
    assert result.exit_code == 1
    assert re.search(
        r"list\.yaml:8:\d+ recommendations\[3\]\.applicant：河南省推荐示范企业已达 3 个（“示例企业2”），"
        r"超过本地区高价值发明专利 40 件（.*quota\.yaml:\d+）的5%",
        result.output,
    ), result.output


def test_a_table_whose_terms_differ_from_its_categorys_is_caught(tmp_path):
    folder = round_2026(tmp_path / "r", 1)
    write(
        folder,
        "quota.yaml",
        QUOTA_2026.replace("percent: 10}", "percent: 12}\n    - {count: advantage, percent: 8}").replace(
            "patents: 40", "patents: 40, advantage: 3"
        ),
    )
    result = run("validate", folder)
    assert result.exit_code == 1
    assert re.search(
        r"quota\.yaml:6:\d+ rule\.terms\[1\]\.percent：示范企业名额的计算比例应为 10%（高价值发明专利数，"
        r".*round\.yaml:\d+），此处写了 12%",
        result.output,
    ), result.output
    assert re.search(
        r"quota\.yaml:7:\d+ rule\.terms\[2\]\.count：示范企业名额的计算规则.*没有“advantage”这一项",
        result.output,
    )


def test_two_tables_giving_different_counts_for_a_region_disagree(tmp_path):
    folder = round_2026(tmp_path / "r", 1)
    write(folder, "quota2.yaml", QUOTA_2026.replace("patents: 40", "patents: 41"))
    result = run("validate", folder)
    assert result.exit_code == 1
    assert re.search(
        r"quota2\.yaml:9:\d+ counts\[1\]\.patents：河南省的 patents 数 41 与 .*quota\.yaml:9 的 40 不一致",
        result.output,
    )


def test_a_share_cap_taken_from_a_second_table_of_the_same_category(tmp_path):
    """A published table (rows) and the computed one both allocate 示范企业: the share is still
    checked against the computed table's 优势企业 (old code looked only at the first table)."""
    folder = tmp_path / "r"
    write(
        folder,
        "a-quota.yaml",
        "kind: quota_table\nname: 名额\nprogramme: 示范企业\nrows:\n  - [河南省, 11]\n",
    )
    shutil.copy(COMPUTED, folder / "b-quota.yaml")
    write(folder, "list.yaml", enterprise_list(12).replace("示范企业\n", "示范企业\n", 1))
    result = run("validate", folder)
    assert result.exit_code == 1
    assert re.search(r"超过本地区优势企业 112 家（.*b-quota\.yaml:\d+）的10%", result.output), result.output


def test_a_share_that_cannot_be_checked_is_warned_about(tmp_path):
    folder = tmp_path / "r"
    write(folder, "list.yaml", enterprise_list(1))
    result = run("validate", folder)
    assert result.exit_code == 0, result.output
    assert re.search(
        r"警告 .*list\.yaml:6:\d+ recommendations\[1\]\.applicant："
        r"河南省推荐示范企业不得超过本地区优势企业数的10%，"
        r"但本轮没有写明河南省优势企业数的名额表（quota_table 的 counts 中“advantage”一栏），这一比例未核对",
        result.output,
    ), result.output


WORK_PLAN = EXAMPLES / "work_plans" / "sample-enterprise-work-plan.yaml"


def test_the_work_plans_score_thresholds_are_the_rounds(tmp_path):
    """The 示范企业 work plan is checked against the round's thresholds: a round raising A表 to 85
    refuses the sample's 82.5 (the schema had 75 written into it)."""
    folder = tmp_path / "r"
    folder.mkdir()
    shutil.copy(WORK_PLAN, folder / "plan.yaml")
    assert run("validate", folder / "plan.yaml").exit_code == 0
    write(
        folder,
        "round.yaml",
        "kind: round\nname: 类别\nyear: 2022\ncategories:\n  示范企业: {min_scores: {A: 85, B: 80}}\n",
    )
    result = run("validate", folder / "plan.yaml")
    assert result.exit_code == 1
    assert re.search(
        r"plan\.yaml:\d+:\d+ scores\.a：A表评分 82\.5 分，低于 85 分；"
        r"示范企业申报条件要求A表评分达85分以上，B表评分达80分以上",
        result.output,
    ), result.output


def test_a_round_may_score_on_tables_of_its_own(tmp_path):
    """2018's 推荐函 gives a city's 测评得分: a round declaring a 测评 table for 示范城市 checks it;
    a score of a table no category has is refused with did-you-mean."""
    folder = tmp_path / "r"
    write(
        folder,
        "round.yaml",
        "kind: round\nname: 类别\ncategories:\n  示范城市: {min_scores: {测评: 60}}\n  试点城市: {}\n",
    )
    letter = (
        "kind: recommendation_letter\nissuer: 河南省知识产权局\ndoc_number: 豫知函〔2026〕1号\n"
        "basis: {title: 关于开展示范城市评定工作的通知, doc_number: 国知办函运字〔2026〕1号}\n"
        "applicant: 洛阳市\nprogramme: 示范城市\nscores: {测评: 55}\n"
        "review: 经审核，符合申报条件。\ndate: 2026-09-09\n"
    )
    write(
        folder, "pilots.yaml", "kind: name_list\nname: 试点城市名单\nprogramme: 试点城市\nnames: [洛阳市]\n"
    )
    write(folder, "letter.yaml", letter)
    result = run("validate", folder)
    assert result.exit_code == 1
    assert "“洛阳市”测评表评分 55 分，低于 60 分" in result.output, result.output
    write(folder, "letter.yaml", letter.replace("{测评: 55}", "{测试: 70}"))
    result = run("validate", folder / "letter.yaml")
    assert result.exit_code == 1
    assert re.search(
        r"letter\.yaml:7:\d+ scores\.测试：没有“测试”表的评分，是否想写“测评”？；示范城市的评分表：测评",
        result.output,
    ), result.output


# -- authoring gaps: every bad input is located, in Chinese, and writes nothing -----------------
ROUND_HEAD = "kind: round\nname: 类别\nyear: 2022\ncategories:\n"


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        (
            "  示范企业: {min_score: {A: 80}}\n",
            r"5:10 categories\.示范企业\.min_score",
            "未知字段，是否想写“min_scores”",
        ),
        (
            "  示范企业: {quota: tabel}\n",
            r"5:\d+ categories\.示范企业\.quota",
            "（名额规则）不能是“tabel”，是否想写“table”？；"
            "可选：table＝按名额分配表、none＝不限、{per_region: …}、{computed: …}",
        ),
        (
            "  示范企业: {quota: {computed: {terms: [{count: patents, percent: 1}]}}}\n",
            r"5:\d+ categories\.示范企业\.quota\.computed\.terms\[1\]\.count",
            "计数栏“patents”没有名称：请写 label",
        ),
        (
            "  示范企业: {quota: {computed: {advantage_percent: 8}}}\n",
            r"5:\d+ categories\.示范企业\.quota\.computed\.advantage_percent",
            "旧写法须同时写 little_giant_percent",
        ),
        (
            "  示范企业: {quota: {computed: {terms: [{count: advantage, percent: 8}], rounding: halfup}}}\n",
            r"5:\d+ categories\.示范企业\.quota\.computed\.rounding",
            "（取整方式）不能是“halfup”，是否想写“half_up”",
        ),
        (
            "  示范企业: {max_share: {of: patents, percent: 5}}\n",
            r"5:\d+ categories\.示范企业\.max_share\.of",
            "计数栏“patents”没有名称",
        ),
        (
            "  示范企业: {quota: {per_region: 100, computed: 3}}\n",
            r"5:\d+ categories\.示范企业\.quota\.per_region",
            "（每地区上限）不能与 computed 同时写（二者选一）",
        ),
        (
            "  示范城巿: {}\n",
            r"5:3 categories\.示范城巿",
            "不是 data/programmes.yaml 中的类别，是否想写“示范城市”",
        ),
        (
            "  示范街区: {full: 示范街区, requires: 示范街区}\n",
            r"5:\d+ categories\.示范街区\.requires",
            "不能以自己的名单为申报资格",
        ),
    ],
    ids=[
        "key-typo",
        "quota-typo",
        "unnamed-count",
        "half-legacy",
        "rounding",
        "share-count",
        "two-rules",
        "name-typo",
        "self",
    ],
)
def test_round_yaml_mistakes_are_located(tmp_path, body, where, message):
    spec = write(tmp_path, "round.yaml", ROUND_HEAD + body)
    result = run("validate", spec)
    assert result.exit_code == 1
    assert re.search(f"错误 {re.escape(str(spec))}:{where}：.*{re.escape(message)}", result.output), (
        result.output
    )


QUOTA_HEAD = "kind: quota_table\nname: 名额\nprogramme: 示范企业\n" + TERMS_2022


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        (
            "counts:\n  - {region: 河南省, advantage: 1, little_giant: 1, little_giants: 2}\n",
            r"10:\d+ counts\[1\]\.little_giants",
            "计算规则（rule）中没有“little_giants”这一项，这一数字不会用到",
        ),
        (
            "counts:\n  - {region: 河南省, advantage: 1}\n",
            r"10:5 counts\[1\]",
            "缺少 little_giant（专精特新“小巨人”企业数）",
        ),
        (
            "counts:\n  - {region: 河南省, advantage: 1, little_giant: 一}\n",
            r"10:\d+ counts\[1\]\.little_giant",
            "应为整数",
        ),
        (
            "counts:\n  - {region: 河南省, advantage: true, little_giant: 1}\n",
            r"10:\d+ counts\[1\]\.advantage",
            "应为整数，实际是“true”",
        ),
    ],
    ids=["extra-count", "missing-count", "not-a-number", "a-boolean"],
)
def test_quota_table_count_mistakes_are_located(tmp_path, body, where, message):
    spec = write(tmp_path, "quota.yaml", QUOTA_HEAD + body)
    result = run("validate", spec)
    assert result.exit_code == 1
    assert re.search(f"错误 {re.escape(str(spec))}:{where}：.*{re.escape(message)}", result.output), (
        result.output
    )


@pytest.mark.parametrize(
    ("rule", "where", "message"),
    [
        (
            TERMS_2022.replace("  rounding", "  advantage_percent: 8\n  rounding"),
            r"8:\d+ rule\.advantage_percent",
            "是旧写法，不能与 terms 同时写",
        ),
        ("rule:\n  rounding: half_up\n", r"5:3 rule", "缺少计算项 terms"),
        (
            TERMS_2022.replace("little_giant, percent: 2", "advantage, percent: 2"),
            r"7:\d+ rule\.terms\[2\]\.count",
            "计数栏“advantage”重复",
        ),
    ],
    ids=["both-forms", "no-terms", "twice"],
)
def test_quota_rule_mistakes_are_located(tmp_path, rule, where, message):
    text = (
        "kind: quota_table\nname: 名额\nprogramme: 示范企业\n"
        + rule
        + "counts:\n  - {region: 河南省, advantage: 1}\n"
    )
    spec = write(tmp_path, "quota.yaml", text)
    result = run("validate", spec)
    assert result.exit_code == 1
    assert re.search(f"错误 {re.escape(str(spec))}:{where}：.*{re.escape(message)}", result.output), (
        result.output
    )


def test_a_broken_rule_leaves_the_earlier_output_untouched(tmp_path):
    spec = write(tmp_path, "quota.yaml", COMPUTED.read_text(encoding="utf-8"))
    out = tmp_path / "out"
    assert build(spec, out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("little_giant: 230", "little_giants: 230"), "utf-8"
    )
    result = build(spec, out)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "counts[1].little_giants：计算规则（rule）中没有“little_giants”这一项" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_new_round_writes_a_skeleton_of_the_given_year(tmp_path):
    """A clerk starting a round gets the declaration with its guidance, not a blank page."""
    spec = tmp_path / "round.yaml"
    made = run("new", "round", "--start", "2027", "-o", spec)
    assert made.exit_code == 0, made.output
    text = spec.read_text(encoding="utf-8")
    assert "year: 2027\n" in text and "terms: [{count: advantage, percent: 8}" in text
    checked = run("validate", spec)
    assert checked.exit_code == 1 and "name：尚未填写（【待补】）" in checked.output
    spec.write_text(text.replace("name: 【待补】", "name: 2027年类别一览表"), encoding="utf-8")
    assert build(spec, tmp_path / "out").exit_code == 0
    md = (tmp_path / "out" / "round.md").read_text(encoding="utf-8")
    assert (
        "| 2 | 国家知识产权强市建设示范城市 | 城市 | 须已是国家知识产权强市建设试点城市 | 按名额分配表 |"
        in md
    )
