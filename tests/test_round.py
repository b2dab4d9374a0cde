"""A round as a set: ``wenshu validate DIR`` and the rules between specs, each broken once.

Every broken rule must be reported at the offending place with the other file named."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wenshu.cli.main import main
from wenshu.compose.round import Member, check_round, find_specs, main_deadline
from wenshu.errors import Problem
from wenshu.spec.load import load_spec
from wenshu.validate import validate

REPO = Path(__file__).resolve().parents[1]
ROUND = REPO / "examples" / "rounds" / "henan-2023"
ANNEXES = REPO / "examples" / "annexes"


@pytest.fixture
def round_dir(tmp_path: Path) -> Path:
    """A copy of the henan-2023 round whose attachment paths still resolve."""
    folder = tmp_path / "henan-2023"
    shutil.copytree(ROUND, folder)
    notice = folder / "henan-2023-38.yaml"
    notice.write_text(
        notice.read_text(encoding="utf-8").replace("../../annexes/", f"{ANNEXES}/"), encoding="utf-8"
    )
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def round_problems(folder: Path) -> list[Problem]:
    members = []
    for path in find_specs(folder):
        spec = load_spec(path)
        kind, document = validate(spec)
        members.append(Member(spec, kind, document))
    return check_round(members)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


RECOMMENDATION = """kind: recommendation_letter
issuer: 河南省知识产权局
doc_number: 豫知函〔2023〕2号
basis:
  title: 国家知识产权局办公室关于面向城市、县域开展2023年知识产权强国建设试点示范评定工作的通知
  doc_number: 国知办函运字〔2023〕582号
applicant: {applicant}
programme: {programme}
review: 经审核，符合申报条件。
date: 2023-09-09
"""


def test_example_round_validates_clean():
    result = CliRunner().invoke(main, ["validate", str(ROUND)])
    assert result.exit_code == 0, result.output
    assert f"通过 {ROUND}：一轮 7 个文件之间的规则" in result.output
    assert "错误" not in result.output and "警告" not in result.output
    assert round_problems(ROUND) == []


def test_a_round_with_a_broken_spec_is_not_said_to_pass(round_dir):
    """A quota table with an error is left out of the round's rules: what is left may hold,
    but the round is not “通过” — the clerk is told how many were left out."""
    edit(round_dir / "quota-henan.yaml", "kind: quota_table", "kind: quota_tabel")
    result = CliRunner().invoke(main, ["validate", str(round_dir)])
    assert result.exit_code == 1
    assert "quota-henan.yaml" in result.output and "quota_table" in result.output  # did you mean
    assert f"\n通过 {round_dir}：" not in f"\n{result.output}", result.output
    assert f"未通过 {round_dir}：1 个规格（或批量记录）有错误，未参与一轮的核对" in result.output


def test_cli_reports_round_problems_and_fails(round_dir):
    edit(round_dir / "quota-henan.yaml", "[河南省, 1, 1, 3]", "[河南省, 1, 1, 2]")
    result = CliRunner().invoke(main, ["validate", str(round_dir)])
    assert result.exit_code == 1
    assert "超出名额表" in result.output


def test_quota_exceeded_names_the_quota_table(round_dir):
    edit(round_dir / "quota-henan.yaml", "[河南省, 1, 1, 3]", "[河南省, 1, 1, 2]")
    problem = only(round_problems(round_dir))
    assert problem.file.endswith("recommendation-henan.yaml") and problem.line == 18
    assert re.search(
        r"河南省推荐试点县已达 3 个（“示例丙县”），超出名额表 .*quota-henan\.yaml:9 的 2 个", problem.message
    )


def test_programme_without_a_quota_for_the_province(round_dir):
    edit(round_dir / "quota-henan.yaml", "[河南省, 1, 1, 3]", "[湖北省, 1, 1, 3]")
    problems = round_problems(round_dir)
    assert len(problems) == 5
    assert all("quota-henan.yaml 没有给河南省分配" in p.message for p in problems)


def test_applicant_recommended_twice_names_both_files(round_dir):
    edit(round_dir / "quota-henan.yaml", "[河南省, 1, 1, 3]", "[河南省, 1, 1, 4]")  # room for one more
    (round_dir / "second.yaml").write_text(
        RECOMMENDATION.format(applicant="示例乙县", programme="国家知识产权强县建设试点县"), encoding="utf-8"
    )
    problem = only(round_problems(round_dir))
    assert problem.file.endswith("second.yaml") and problem.field == "applicant"
    assert re.search(r"“示例乙县”已在 .*recommendation-henan\.yaml:17 推荐过", problem.message)


def test_demonstration_applicant_not_on_the_pilot_list(round_dir):
    edit(round_dir / "pilot-cities.yaml", "[濮阳市, 洛阳市, 南阳市]", "[濮阳市, 南阳市]")
    problems = round_problems(round_dir)
    assert {Path(p.file).name for p in problems} == {
        "recommendation-henan.yaml",
        "luoyang-city-evaluation.yaml",
    }
    for problem in problems:
        assert re.search(
            r"“洛阳市”不在试点城市名单 .*pilot-cities\.yaml 上，不能申报示范城市", problem.message
        )


def test_demonstration_without_any_pilot_list(round_dir):
    (round_dir / "pilot-cities.yaml").unlink()
    problems = round_problems(round_dir)
    assert problems and all("本轮文件中没有试点城市名单" in p.message for p in problems)


def test_provincial_deadline_after_the_national_one(round_dir):
    edit(round_dir / "henan-2023-38.yaml", "于2023年8月17日前报送", "于2023年9月20日前报送")
    problem = only(round_problems(round_dir))
    assert problem.file.endswith("henan-2023-38.yaml")
    assert re.search(
        r"截止日期 2023年9月20日 应早于所转发通知 国知办函运字〔2023〕582号"
        r"（.*cnipa-2023-582\.yaml:\d+）的截止日期 2023年9月15日",
        problem.message,
    )


def test_main_deadline_ignores_the_receipt_deadline():
    spec = load_spec(ROUND / "cnipa-2023-582.yaml")
    _, document = validate(spec)
    found = main_deadline(document)
    assert found is not None and found[1].isoformat() == "2023-09-15"


# -- 示范企业 ---------------------------------------------------------------------------------
def enterprise_round(folder: Path, entries: list[tuple[str, float, float]]) -> Path:
    folder.mkdir()
    shutil.copy(ANNEXES / "quota-computed.yaml", folder / "quota.yaml")
    lines = [
        "kind: recommendation_list",
        "name: 示范企业推荐名单",
        "province: 河南省",
        "programme: 示范企业",
        "recommendations:",
    ]
    lines += [f"  - {{applicant: {name}, scores: {{A: {a}, B: {b}}}}}" for name, a, b in entries]
    (folder / "list.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_enterprise_round_within_the_rules_is_clean(tmp_path):
    folder = enterprise_round(tmp_path / "r", [(f"示例企业{i}", 80, 85) for i in range(11)])
    assert round_problems(folder) == []


def test_enterprise_scores_below_the_thresholds(tmp_path):
    folder = enterprise_round(tmp_path / "r", [("甲公司", 74.5, 90), ("乙公司", 80, 79)])
    problems = round_problems(folder)
    assert [(p.file.endswith("list.yaml"), p.line) for p in problems] == [(True, 6), (True, 7)]
    assert "“甲公司”A表评分 74.5 分，低于 75 分" in problems[0].message
    assert "“乙公司”B表评分 79 分，低于 80 分" in problems[1].message
    assert all("data/programmes.yaml" in p.message for p in problems)


def test_enterprise_share_of_advantage_enterprises(tmp_path):
    # 河南省 has 112 优势企业 in the quota table's counts: 10% allows 11.
    folder = enterprise_round(tmp_path / "r", [(f"示例企业{i}", 80, 85) for i in range(12)])
    problems = round_problems(folder)
    share = [p for p in problems if "优势企业" in p.message]
    assert len(share) == 1 and share[0].line == 17
    assert re.search(r"超过本地区优势企业 112 家（.*quota\.yaml:\d+）的10%", share[0].message)
    # The same twelve also exceed the computed quota of 11 (8.96 + 2 → 11).
    assert any("超出名额表" in p.message and "quota.yaml" in p.message for p in problems)


def test_enterprise_without_scores(tmp_path):
    folder = tmp_path / "r"
    enterprise_round(folder, [])
    (folder / "list.yaml").write_text(
        "kind: recommendation_list\nname: 名单\nprovince: 河南省\nprogramme: 示范企业\n"
        "recommendations:\n  - {applicant: 丙公司}\n",
        encoding="utf-8",
    )
    problems = round_problems(folder)
    assert [p.message.split("（")[0] for p in problems] == [
        "推荐示范企业“丙公司”缺少A表评分",
        "推荐示范企业“丙公司”缺少B表评分",
    ]


def test_a_folder_of_rounds_checks_each_round_on_its_own():
    """examples/ holds no spec itself: each subfolder is its own round, all clean."""
    from click.testing import CliRunner

    from wenshu.cli.main import main

    result = CliRunner().invoke(main, ["validate", str(Path(__file__).resolve().parents[1] / "examples")])
    assert result.exit_code == 0, result.output
    rounds = [line for line in result.output.splitlines() if "个文件之间的规则" in line]
    assert any("rounds/henan-2023" in line for line in rounds)
    assert any("examples/letters" in line for line in rounds)
    assert len(rounds) >= 5


def test_a_batch_record_is_cited_at_its_row():
    """Another file's message cites a recommendation from a CSV by its row, not a YAML line."""
    from wenshu.build.batch import load_batch
    from wenshu.spec.records import RecordSpec

    batch = load_batch(REPO / "examples" / "letters" / "recommendations.yaml")
    spec = RecordSpec(batch.spec, batch.records[1])
    kind, document = validate(spec)
    assert Member(spec, kind, document).where(("applicant",)).endswith("recommendations.csv:3")
