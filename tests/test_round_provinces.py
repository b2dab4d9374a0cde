"""A province outside the round's regions is said once, where it is written, in Chinese at its
file:line:field — not again for each applicant it recommends (no quota, an unchecked share)."""

from __future__ import annotations

from tests.test_round_rules_as_data import run, write

ROUND = """kind: round
name: 2027年类别
year: 2027
regions: _regions-2027.yaml
categories:
  示范企业: {quota: table}
  试点县: {}
  示范县: {}
"""
QUOTA = "kind: quota_table\nname: 名额\nprogramme: 示范县\nrows:\n  - [北京市, 3]\n  - [河南省, 1]\n"


def recommendations(province: str, programme: str, *applicants: str) -> str:
    items = "".join(f"  - {{applicant: {a}}}\n" for a in applicants)
    return (
        f"kind: recommendation_list\nname: 推荐名单\nprogramme: {programme}\nprovince: {province}\n"
        f"recommendations:\n{items}"
    )


def errors_and_warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("错误", "警告"))]


def test_a_province_outside_the_rounds_list_is_one_message(tmp_path):
    """Old code added “名额表 quota.yaml 没有给湖北省分配示范县名额” for each applicant."""
    write(tmp_path, "round.yaml", ROUND)
    write(tmp_path, "_regions-2027.yaml", "regions: [北京市, 河南省]\n")
    write(tmp_path, "quota.yaml", QUOTA)
    write(tmp_path, "pilots.yaml", "kind: name_list\nname: 试点县\nprogramme: 试点县\nnames: [甲县, 乙县]\n")
    write(tmp_path, "rec.yaml", recommendations("湖北省", "示范县", "甲县", "乙县"))
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    said = errors_and_warnings(result.output)
    assert len(said) == 1, result.output
    assert said[0] == (
        f"错误 {tmp_path / 'rec.yaml'}:4:11 province：“湖北省”不是本轮的地区（本轮地区见 _regions-2027.yaml，"
        f"由 {tmp_path / 'round.yaml'}:4 的 regions 指定）"
    ), said[0]


def test_no_share_warning_for_a_province_outside_the_round(tmp_path):
    """Old code also warned that 湖北省's 示范企业 share (优势企业数的10%) was not checked."""
    write(tmp_path, "round.yaml", ROUND)
    write(tmp_path, "_regions-2027.yaml", "regions: [北京市, 河南省]\n")
    text = recommendations("湖北省", "示范企业", "甲公司")
    text = text.replace("甲公司}", "甲公司, scores: {A: 80, B: 85}}")
    write(tmp_path, "rec.yaml", text)
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    said = errors_and_warnings(result.output)
    assert len(said) == 1 and "“湖北省”不是本轮的地区" in said[0], result.output


def test_a_mistyped_province_is_caught_in_a_round_without_its_own_regions(tmp_path):
    """Without a round.yaml (the 2022 list), “湖北” passed with a warning about its share."""
    text = recommendations("湖北", "示范企业", "甲公司").replace("甲公司}", "甲公司, scores: {A: 80, B: 85}}")
    write(tmp_path, "rec.yaml", text)
    result = run("validate", tmp_path)
    assert result.exit_code == 1
    said = errors_and_warnings(result.output)
    assert len(said) == 1, result.output
    assert said[0].endswith(
        "rec.yaml:4:11 province：“湖北”不是本轮的地区，是否想写“湖北省”？（地区名见 data/regions-2022.yaml）"
    ), said[0]
