"""A round written from ``wenshu new round`` by a clerk, as data: its own region list, the
wording of its score tables, who may apply (``level``), and a nudge off the 2022 quota rule's
old form. Every mistake is a located Chinese message; the 2022 round's output is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_round_rules_as_data import run, write

ROUND = """kind: round
name: 2027年知识产权强国建设试点示范类别一览表
year: 2027
{extra}categories:
  示范企业: {{quota: table}}
  试点县: {{}}
  示范县: {{}}
"""
QUOTA = """kind: quota_table
name: 2027年示范企业推荐名额分配表
programme: 示范企业
rows:
  - [北京市, 3]
  - [{region}, 1]
"""


# -- a round's own regions ----------------------------------------------------------------------
def round_with_regions(folder: Path, regions: str = "_regions-2027.yaml") -> None:
    write(folder, "round.yaml", ROUND.format(extra=f"regions: {regions}\n"))


def test_a_round_names_its_own_region_list(tmp_path):
    """A region the round's file adds is accepted in its quota table; one that file leaves
    out is an error citing the file and the round's line that names it."""
    round_with_regions(tmp_path)
    write(tmp_path, "_regions-2027.yaml", "regions: [北京市, 河南省, 雄安新区]\n")
    write(tmp_path, "quota.yaml", QUOTA.format(region="雄安新区"))
    result = run("validate", tmp_path)
    assert result.exit_code == 0, result.output
    write(tmp_path, "quota.yaml", QUOTA.format(region="河北省"))
    result = run("validate", tmp_path / "quota.yaml")
    assert result.exit_code == 1
    assert "quota.yaml:6:6 rows[2][1]：未知地区“河北省”，是否想写“河南省”？" in result.output
    assert "本轮地区见 _regions-2027.yaml，由" in result.output
    assert "round.yaml:4 的 regions 指定" in result.output


def test_a_province_not_in_the_rounds_regions_is_caught_in_the_round(tmp_path):
    round_with_regions(tmp_path)
    write(tmp_path, "_regions-2027.yaml", "regions: [北京市, 河南省]\n")
    write(
        tmp_path,
        "rec.yaml",
        "kind: recommendation_list\nname: 推荐名单\nprogramme: 示范县\nprovince: 湖北省\n"
        "recommendations:\n  - {applicant: 示例县}\n",
    )
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "“湖北省”不是本轮的地区" in result.output and "_regions-2027.yaml" in result.output


def test_a_missing_region_file_is_said_at_the_rounds_line(tmp_path):
    round_with_regions(tmp_path, "_regions-2072.yaml")
    result = run("validate", tmp_path / "round.yaml")
    assert result.exit_code == 1
    assert "round.yaml:4:10 regions：找不到地区文件“_regions-2072.yaml”" in result.output
    assert "regions-2022" in result.output  # the lists wenshu carries
    write(tmp_path, "quota.yaml", QUOTA.format(region="河南省"))
    assert run("validate", tmp_path / "quota.yaml").exit_code == 1  # not checked against 2022's


def test_wenshus_own_region_list_may_be_named(tmp_path):
    round_with_regions(tmp_path, "regions-2022")
    write(tmp_path, "quota.yaml", QUOTA.format(region="河南省"))
    result = run("validate", tmp_path)
    assert result.exit_code == 0, result.output


def test_a_region_file_among_the_specs_must_be_kept_aside(tmp_path):
    """A region file named like a spec would be built as one (“缺少 kind”): the round says
    to name it ``_…``."""
    round_with_regions(tmp_path, "regions-2027.yaml")
    write(tmp_path, "regions-2027.yaml", "regions: [北京市]\n")
    result = run("validate", tmp_path / "round.yaml")
    assert result.exit_code == 1
    assert "文件名须以 _ 开头（如 _regions-2027.yaml）" in result.output


def test_region_file_mistakes_are_located(tmp_path):
    round_with_regions(tmp_path)
    write(tmp_path, "_regions-2027.yaml", "regions:\n  - 北京市\n  - 河南省\n  - 河南省\n  - ''\nsorce: x\n")
    result = run("validate", tmp_path / "round.yaml")
    assert result.exit_code == 1
    assert "_regions-2027.yaml:4:5 regions[3]：地区“河南省”重复（第3行已有）" in result.output
    assert "_regions-2027.yaml:5:5 regions[4]：地区名应为非空文字" in result.output
    assert "_regions-2027.yaml:6:1 sorce：地区文件中没有“sorce”这一项，是否想写“source”？" in result.output
    write(tmp_path, "_regions-2027.yaml", "regions: 北京市\n")
    result = run("validate", tmp_path / "round.yaml")
    assert "_regions-2027.yaml:1:10 regions：地区文件应写 regions: 地区名的列表" in result.output


# -- the 2022 rule's old form -------------------------------------------------------------------
REPO = Path(__file__).resolve().parents[1]
COMPUTED = REPO / "examples" / "annexes" / "quota-computed.yaml"
TERMS_2022 = """  terms:
    - {count: advantage, percent: 8}
    - {count: little_giant, percent: 2}
"""
LEGACY_2022 = """  advantage_percent: 8
  little_giant_percent: 2
"""


def test_the_old_two_key_rule_is_nudged_to_terms_and_builds_the_same(tmp_path):
    text = COMPUTED.read_text(encoding="utf-8")
    assert TERMS_2022 in text
    legacy = write(tmp_path / "legacy", "quota-computed.yaml", text.replace(TERMS_2022, LEGACY_2022))
    new = run("build", COMPUTED, "-o", tmp_path / "a", "--no-paginate")
    assert new.exit_code == 0 and "警告" not in new.output
    old = run("build", legacy, "-o", tmp_path / "b", "--no-paginate")
    assert old.exit_code == 0
    line = text.replace(TERMS_2022, LEGACY_2022).splitlines().index("  advantage_percent: 8") + 1
    assert (
        f"警告 {legacy}:{line}:3 rule.advantage_percent：advantage_percent、little_giant_percent 是2022年"
        "名额规则的旧写法（照样生成，结果相同），请改写为 terms: [{count: advantage, percent: 8}, "
        "{count: little_giant, percent: 2}]"
    ) in old.output
    for name in ("quota-computed.md", "quota-computed.docx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_rounds_old_two_key_rule_is_nudged(tmp_path):
    text = ROUND.format(extra="") + (
        "  示范区:\n    full: 示范区\n    quota:\n"
        "      computed: {advantage_percent: 5, little_giant_percent: 1}\n"
    )
    write(tmp_path, "round.yaml", text)
    result = run("validate", tmp_path / "round.yaml")
    assert result.exit_code == 0, result.output
    assert "round.yaml:11:18 categories.示范区.quota.computed.advantage_percent：" in result.output
    assert "terms: [{count: advantage, percent: 5}, {count: little_giant, percent: 1}]" in result.output


# -- what a round calls its scores -----------------------------------------------------------
SCORED_ROUND = (
    "kind: round\nname: 类别\ncategories:\n"
    "  示范城市: {min_scores: {测评: 60}, score_names: {测评: 测评得分}}\n  试点城市: {}\n"
)
SCORED_LETTER = (
    "kind: recommendation_letter\nissuer: 河南省知识产权局\ndoc_number: 豫知函〔2026〕1号\n"
    "basis: {{title: 关于开展示范城市评定工作的通知, doc_number: 国知办函运字〔2026〕1号}}\n"
    "{who}review: 经审核，符合申报条件。\ndate: 2026-09-09\n"
)


def test_a_rounds_score_wording_reaches_its_documents_and_messages(tmp_path):
    """“测评表评分” was the only wording: a round saying 测评得分 has it in its 一览表, the
    letters (one applicant, a list) and the messages."""
    write(tmp_path, "round.yaml", SCORED_ROUND)
    write(
        tmp_path,
        "pilots.yaml",
        "kind: name_list\nname: 试点城市名单\nprogramme: 试点城市\nnames: [洛阳市, 开封市]\n",
    )
    one = "applicant: 洛阳市\nprogramme: 示范城市\nscores: {测评: 65}\n"
    write(tmp_path, "letter.yaml", SCORED_LETTER.format(who=one))
    many = "programme: 示范城市\napplicants:\n  - {name: 开封市, rank: 1, scores: {测评: 70}}\n"
    write(tmp_path / "list", "letter.yaml", SCORED_LETTER.format(who=many))
    write(tmp_path / "list", "round.yaml", SCORED_ROUND)
    out = tmp_path / "out"
    for spec in (tmp_path / "round.yaml", tmp_path / "letter.yaml", tmp_path / "list" / "letter.yaml"):
        result = run("build", spec, "-o", out / spec.parent.name, "--no-paginate")
        assert result.exit_code == 0, result.output
    assert "测评得分达60分以上" in (out / tmp_path.name / "round.md").read_text(encoding="utf-8")
    letter = (out / tmp_path.name / "letter.md").read_text(encoding="utf-8")
    assert "洛阳市测评得分65分。" in letter and "测评表" not in letter
    listed = (out / "list" / "letter.md").read_text(encoding="utf-8")
    assert "| 推荐排序 | 推荐对象 | 申报类别 | 测评得分 |" in listed
    write(tmp_path, "letter.yaml", SCORED_LETTER.format(who=one.replace("65", "55")))
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "“洛阳市”测评得分 55 分，低于 60 分" in result.output


def test_without_score_names_the_wording_is_the_2022_one(tmp_path):
    many = (
        "programme: 国家知识产权示范企业\napplicants:\n  - {name: 甲公司, rank: 1, scores: {A: 80, B: 85}}\n"
    )
    write(tmp_path, "letter.yaml", SCORED_LETTER.format(who=many))
    result = run("build", tmp_path / "letter.yaml", "-o", tmp_path / "out", "--no-paginate")
    assert result.exit_code == 0, result.output
    md = (tmp_path / "out" / "letter.md").read_text(encoding="utf-8")
    assert "| 推荐排序 | 推荐对象 | 申报类别 | A表评分 | B表评分 |" in md


# -- who may apply: a category's level --------------------------------------------------------
def test_the_round_table_says_who_applies(tmp_path):
    write(tmp_path, "round.yaml", ROUND.format(extra="") + "  示范区: {full: 示范区, level: district}\n")
    result = run("build", tmp_path / "round.yaml", "-o", tmp_path / "out", "--no-paginate")
    assert result.exit_code == 0, result.output
    md = (tmp_path / "out" / "round.md").read_text(encoding="utf-8")
    assert "| 序号 | 类别 | 申报主体 | 申报资格 | 推荐名额 |" in md
    assert "| 1 | 国家知识产权示范企业 | 企业 |" in md
    assert "| 3 | 国家知识产权强县建设示范县 | 县（市、区） | 须已是国家知识产权强县建设试点县 |" in md
    assert "| 4 | 示范区 | 集聚区 |" in md


def test_a_level_written_in_chinese_is_answered_with_its_code(tmp_path):
    write(tmp_path, "round.yaml", ROUND.format(extra="") + "  示范区: {full: 示范区, level: 县}\n")
    result = run("validate", tmp_path / "round.yaml")
    assert result.exit_code == 1
    assert (
        "round.yaml:8:27 categories.示范区.level：（申报主体）不能是“县”，应写代码“county”" in result.output
    )


def test_every_catalogue_level_is_a_named_choice():
    from wenshu.rules import categories
    from wenshu.spec import catalogue

    for category in catalogue.programmes().values():
        assert category.level is not None and categories.level_name(category.level) != category.level


def test_an_evaluation_form_for_another_level_than_its_category_is_caught(tmp_path):
    form = "kind: evaluation_form\nlevel: {level}\napplicant: 示例县\nprogramme: {programme}\n"
    write(tmp_path, "eval.yaml", form.format(level="city", programme="示范县"))
    result = run("validate", tmp_path / "eval.yaml")
    assert result.exit_code == 1
    assert (
        "eval.yaml:4:12 programme：示范县的申报主体是县（市、区）（level: county），"
        "而本表是示范城市测评表（31项）（level: city）"
    ) in result.output
    write(tmp_path, "eval.yaml", form.format(level="county", programme="示范县"))
    assert run("validate", tmp_path / "eval.yaml").exit_code == 0
    # A round may declare a category of its own with its level.
    write(tmp_path, "round.yaml", ROUND.format(extra="") + "  示范区县: {full: 示范区县, level: county}\n")
    write(tmp_path, "eval.yaml", form.format(level="city", programme="示范区县"))
    assert "示范区县的申报主体是县（市、区）" in run("validate", tmp_path / "eval.yaml").output


@pytest.mark.render
def test_the_round_tables_who_applies_column_prints_whole_on_the_page():
    """On the page (LibreOffice): “县（市、区）” on one line in its column (it printed “县（市、”
    over “区）” at first), and 序号 whole in its header (it printed “序/号”)."""
    from wenshu.build.paginate import paginate
    from wenshu.build.pipeline import render
    from wenshu.office.libreoffice import LibreOffice
    from wenshu.office.pages import compact, content_rows
    from wenshu.render.docx import build_docx

    spec = REPO / "examples" / "rounds" / "example-2027" / "round.yaml"
    with LibreOffice() as office:
        result = paginate({"round": build_docx(render(spec, ("md",)).markdown)}, office)["round"]
    lines = [compact(r.text) for page in result.pages for r in content_rows(page)]
    print(lines)
    assert sum("县（市、区）" in line for line in lines) == 3  # 试点县, 示范县, 地理标志示范县
    assert not any(line.endswith("县（市、") or line.startswith("区）") for line in lines)
    assert any(line.startswith("序号") for line in lines)


# -- gaps found writing a 2027 round from the skeleton ------------------------------------------
def test_a_quota_table_heads_a_rounds_own_category_by_its_short_name(tmp_path):
    """“国家地理标志产品保护示范县” ends with “示范县”: the header read “示范县” twice, the
    catalogue's category winning over the round's own."""
    write(
        tmp_path,
        "round.yaml",
        ROUND.format(extra="") + "  地理标志示范县: {full: 国家地理标志产品保护示范县}\n",
    )
    write(
        tmp_path,
        "quota.yaml",
        "kind: quota_table\nname: 名额表\nprogramme: [示范县, 国家地理标志产品保护示范县]\nrows:\n"
        "  - [河南省, 2, 1]\n",
    )
    result = run("build", tmp_path / "quota.yaml", "-o", tmp_path / "out", "--no-paginate")
    assert result.exit_code == 0, result.output
    md = (tmp_path / "out" / "quota.md").read_text(encoding="utf-8")
    assert "| 序号 | 地区 | 示范县 | 地理标志示范县 |" in md


def test_a_quota_table_for_a_category_whose_rule_is_not_a_table_is_caught(tmp_path):
    """The round said 每个地区不超过2个, a quota table gave it 1: the table's number counted and
    the round's rule was silently left unchecked."""
    write(
        tmp_path, "round.yaml", ROUND.format(extra="") + "  示范区: {full: 示范区, quota: {per_region: 2}}\n"
    )
    write(
        tmp_path,
        "quota.yaml",
        "kind: quota_table\nname: 名额表\nprogramme: [示范县, 示范区]\nrows:\n  - [河南省, 2, 1]\n",
    )
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "quota.yaml:3:18 programme[2]：示范区的名额规则是每个地区不超过2个（" in result.output
    assert (
        "round.yaml:8），名额表却给它分配名额：按名额表分配时把本轮类别的 quota 改为 table" in result.output
    )


def test_a_name_lists_province_not_in_the_rounds_regions_is_caught(tmp_path):
    round_with_regions(tmp_path)
    write(tmp_path, "_regions-2027.yaml", "regions: [北京市, 河南省]\n")
    write(
        tmp_path,
        "pilots.yaml",
        "kind: name_list\nname: 试点县名单\nprogramme: 试点县\ncolumns: [序号, 省份, 名称]\n"
        "groups:\n  - province: 河南\n    names: [甲县]\n",
    )
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "pilots.yaml:6:15 groups[1].province：“河南”不是本轮的地区，是否想写“河南省”？" in result.output


def test_a_relay_takes_its_province_from_the_rounds_regions(tmp_path):
    """`wenshu new notice --relay` refused a province only the round's own region file has."""
    round_with_regions(tmp_path)
    write(tmp_path, "_regions-2027.yaml", "regions: [北京市, 雄安新区]\n")
    write(tmp_path, "quota.yaml", QUOTA.format(region="雄安新区"))
    notice = (
        "kind: notice\nformat: letter\nissuer: 国家知识产权局办公室\ndoc_number: 国知办函运字〔2027〕100号\n"
        "title: 国家知识产权局办公室关于开展示范工作的通知\nrecipients: 各省知识产权局\n"
        "body:\n  - 请于2027年9月15日前报送。\n  - 特此通知。\nattachments:\n  - file: quota.yaml\n"
        "signature: 国家知识产权局办公室\ndate: 2027-07-01\n"
    )
    write(tmp_path, "notice.yaml", notice)
    result = run("new", "notice", "--relay", tmp_path / "notice.yaml", "--province", "雄安新区")
    assert result.exit_code == 0, result.output
    assert "国家知识产权示范企业推荐名额：1个" in result.output
    result = run("new", "notice", "--relay", tmp_path / "notice.yaml", "--province", "雄安")
    assert result.exit_code == 1
    assert "未知省份，是否想写“雄安新区”？（本轮地区见 _regions-2027.yaml" in result.output


GI_ROUND = """kind: round
name: 2027年类别一览表
year: 2027
regions: _regions-2027.yaml
categories:
  示范企业: {quota: table}
  地理标志示范县: {full: 国家地理标志产品保护示范县, level: county, quota: {per_region: 2}}
"""
GI_LETTER = (
    "kind: recommendation_letter\nissuer: {issuer}\ndoc_number: 豫知函〔2027〕3号\n"
    "basis: {{title: 关于开展示范工作的通知, doc_number: 国知办函运字〔2027〕100号}}\n"
    "programme: {programme}\napplicants:\n"
    "  - {{name: 甲县, rank: 1}}\n  - {{name: 乙县, rank: 2}}\n  - {{name: 丙县, rank: 3}}\n"
    "review: 经审核，符合申报条件。\ndate: 2027-09-08\n"
)


def test_an_issuer_outside_the_rounds_regions_is_caught_at_the_issuer(tmp_path):
    """A round's own region list left an issuer outside it without a province: three
    recommendations against a limit of two passed, and a quota-table category said the
    issuer's province could not be told. The issuer's province is now found (the 2022 list
    too) and is an error at ``issuer``; a province in the list is still counted."""
    write(tmp_path, "round.yaml", GI_ROUND)
    write(tmp_path, "_regions-2027.yaml", "regions: [河南省, 北京市]\n")
    write(tmp_path, "letter.yaml", GI_LETTER.format(issuer="湖北省知识产权局", programme="地理标志示范县"))
    result = run("validate", tmp_path)
    assert result.exit_code == 1, result.output
    assert (
        "letter.yaml:2:9 issuer：发文机关“湖北省知识产权局”所在的“湖北省”不是本轮的地区"
        "（本轮地区见 _regions-2027.yaml，由 "
    ) in result.output
    assert "round.yaml:4 的 regions 指定）" in result.output
    assert result.output.count("不是本轮的地区") == 1  # once per letter, not per applicant
    write(tmp_path, "letter.yaml", GI_LETTER.format(issuer="湖北省知识产权局", programme="示范企业"))
    write(tmp_path, "quota.yaml", QUOTA.format(region="河南省"))
    result = run("validate", tmp_path)
    assert "letter.yaml:2:9 issuer：发文机关“湖北省知识产权局”所在的“湖北省”不是本轮的地区" in result.output
    assert "无法确定" not in result.output
    write(tmp_path, "letter.yaml", GI_LETTER.format(issuer="河南省知识产权局", programme="地理标志示范县"))
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "不是本轮的地区" not in result.output
    assert (
        "applicants[3].name：河南省推荐地理标志示范县已达 3 个（“丙县”），超过每个地区 2 个的上限"
        in result.output
    )


def test_a_rounds_score_names_are_in_the_thresholds_it_cites(tmp_path):
    """The score was named as the round says but the thresholds after it still said “B表”."""
    write(
        tmp_path,
        "round.yaml",
        "kind: round\nname: 类别\nyear: 2027\ncategories:\n  示范企业: {score_names: {B: 专家评审分}}\n",
    )
    many = "programme: 示范企业\napplicants:\n  - {name: 甲公司, rank: 1, scores: {A: 80, B: 70}}\n"
    write(tmp_path, "letter.yaml", SCORED_LETTER.format(who=many))
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert "“甲公司”专家评审分 70 分，低于 80 分（示范企业须A表评分≥75、专家评审分≥80，见 " in (result.output)
    assert "B表" not in result.output


# -- found writing a 2027 round from the docs (session 12) ---------------------------------------
DATA_UNIT = """  数据知识产权示范单位:
    full: 国家数据知识产权示范单位
    level: enterprise
    min_scores: {{综合: 70}}
    score_names: {{{table}: 综合评分}}
    quota: {{per_region: 3}}
"""


def test_a_wording_for_a_table_the_category_has_not_is_an_error(tmp_path):
    """score_names: {综和: …} (for 综合) passed, and the 一览表 said “综合表评分”."""
    spec = write(tmp_path, "round.yaml", ROUND.format(extra="") + DATA_UNIT.format(table="综和"))
    result = run("validate", spec)
    assert result.exit_code == 1
    assert (
        f"{spec}:12:19 categories.数据知识产权示范单位.score_names.综和："
        "没有“综和”表的评分，这一称呼不会用到，是否想写“综合”？；数据知识产权示范单位的评分表：综合（min_scores）"
    ) in result.output, result.output
    spec.write_text(ROUND.format(extra="") + DATA_UNIT.format(table="综合"), encoding="utf-8")
    assert run("validate", spec).exit_code == 0


def test_a_threshold_message_cites_the_line_of_the_rounds_min_scores(tmp_path):
    """“见 round.yaml:1” sent the clerk to the file's top, not to the category's min_scores."""
    write(tmp_path, "round.yaml", ROUND.format(extra="") + DATA_UNIT.format(table="综合"))
    write(
        tmp_path,
        "rec.yaml",
        "kind: recommendation_list\nname: 推荐名单\nprogramme: 数据知识产权示范单位\nprovince: 河南省\n"
        "recommendations:\n  - {applicant: 甲公司, scores: {综合: 65}}\n",
    )
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    assert (
        "“甲公司”综合评分 65 分，低于 70 分（数据知识产权示范单位须综合评分≥70，"
        f"见 {tmp_path / 'round.yaml'}:11）"
    ) in result.output, result.output


def test_a_region_file_written_later_under_the_name_the_round_gives_is_read(tmp_path, monkeypatch):
    """``regions: regions-2022`` names wenshu's list while no file of that name lies beside the
    round file; one written there later is the round's list. The kept checks and the folder
    build did not record the absent file, and went on with wenshu's list."""
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "round"
    round_with_regions(folder, "regions-2022")
    write(folder, "quota.yaml", QUOTA.format(region="河南省"))
    single, whole = tmp_path / "single", tmp_path / "whole"
    assert run("build", folder / "quota.yaml", "-o", single, "--format", "md").exit_code == 0
    assert run("build", folder, "-o", whole, "--format", "md", "--no-paginate").exit_code == 0
    write(folder, "regions-2022", "regions: [北京市, 河北省]\n")
    for args in ((folder / "quota.yaml", "-o", single), (folder, "-o", whole, "--no-paginate")):
        result = run("build", *args, "--format", "md")
        assert result.exit_code == 1 and "未知地区“河南省”" in result.output, result.output
