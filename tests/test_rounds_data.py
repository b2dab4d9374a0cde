"""Issue 14: rounds whose categories are data, prose attached by file, notice skeletons,
warnings on silently accepted mismatches, and options honoured everywhere they are taken."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wenshu.build.pipeline import render
from wenshu.cli.main import main
from wenshu.extract import docx_blocks, markdown_blocks
from wenshu.spec import PLACEHOLDER
from wenshu.spec.load import load_spec

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- 2. any kind attaches by file -------------------------------------------------------------
NOTICE = """kind: notice
format: letter
issuer: 示例局
doc_number: 示函〔2023〕1号
title: 示例局关于印发工作方案的通知
recipients: 各单位
body: [现将有关方案印发给你们，请认真贯彻执行。]
signature: 示例局
date: 2023-07-18
attachments:
  - file: plan.yaml
  - file: cultivation.yaml
"""


def test_notice_attaches_a_work_plan_and_a_document_by_file(tmp_path):
    shutil.copy(EXAMPLES / "work_plans" / "sample-city-demonstration-plan.yaml", tmp_path / "plan.yaml")
    shutil.copy(
        EXAMPLES / "work_plans" / "cnipa-demo-enterprise-cultivation-plan.yaml", tmp_path / "cultivation.yaml"
    )
    rendered = render(write(tmp_path, "notice.yaml", NOTICE))
    blocks = markdown_blocks(rendered.markdown)
    # The 附件说明 names each attached file's own title; each page carries its label and title.
    assert "附件：1.示例市国家知识产权强市建设示范城市工作方案（2022—2024年）" in blocks
    assert "2.国家知识产权示范企业培育工作方案" in blocks
    # The plan's content (its four parts) and the document's body follow their titles.
    plan_text = "\n".join(blocks[blocks.index("附件1") : blocks.index("附件2")])
    for part in ("一、总体要求", "二、重点任务和重大工程", "三、实施步骤", "四、保障条件"):
        assert part in plan_text
    assert any(b.startswith("为做好国家知识产权示范企业") for b in blocks[blocks.index("附件2") :])
    # The document's own 页首标注 “附件4” is not printed: the notice labels its attachments.
    assert "附件4" not in blocks
    assert docx_blocks(rendered.files["docx"]) == blocks


# -- 1. a round's categories are data ----------------------------------------------------------
# A 2025-style round declared wholly in YAML; the figures and the 示范街区 category are made up
# for the test (not the real 2025 quotas).
ROUND_2025 = """kind: round
name: 2025年类别（测试用）
categories:
  强市建设示范市: {full: 知识产权强市建设示范市, level: city, quota: table}
  示范园区: {full: 示范园区, level: park, quota: table}
  示范街区: {full: 知识产权示范街区, level: district, requires: 试点街区, quota: table}
  试点街区: {full: 知识产权试点街区, level: district}
"""
QUOTA_2025 = """kind: quota_table
name: 推荐名额（测试用）
programme: [知识产权强市建设示范市, 示范园区, 知识产权示范街区]
rows:
  - [河南省, 1, 1, 1]
  - [湖北省, 2, 1, 0]
"""
STREETS = """kind: name_list
name: 试点街区名单（测试用）
programme: 知识产权试点街区
names: [示例街区]
"""
LETTER = """kind: recommendation_letter
issuer: {issuer}
doc_number: {number}
basis:
  title: 国家知识产权局关于开展2025年知识产权强国建设示范工作的通知
  doc_number: 国知发运字〔2025〕28号
applicants:
{applicants}
review: 经审核，申报材料完整、真实、准确，符合申报条件。
date: 2025-09-08
"""


def _letter(issuer: str, number: str, *applicants: tuple[str, str]) -> str:
    rows = "\n".join(f"  - {{name: {name}, programme: {programme}}}" for name, programme in applicants)
    return LETTER.format(issuer=issuer, number=number, applicants=rows)


@pytest.fixture
def round_2025(tmp_path: Path) -> Path:
    folder = tmp_path / "round-2025"
    folder.mkdir()
    write(folder, "round.yaml", ROUND_2025)
    write(folder, "quota.yaml", QUOTA_2025)
    write(folder, "streets.yaml", STREETS)
    write(
        folder,
        "henan.yaml",
        _letter(
            "河南省知识产权局",
            "豫知函〔2025〕1号",
            ("示例市", "知识产权强市建设示范市"),
            ("示例园区", "示范园区"),
            ("示例街区", "知识产权示范街区"),
        ),
    )
    write(
        folder,
        "hubei.yaml",
        _letter("湖北省知识产权局", "鄂知函〔2025〕1号", ("甲市", "知识产权强市建设示范市")),
    )
    return folder


def validate_dir(folder: Path):
    return CliRunner().invoke(main, ["validate", str(folder)])


def test_a_round_yaml_of_another_kind_is_warned_about(tmp_path):
    """round.yaml holding a quota table (copied over the declaration): no category is declared,
    the round is checked against the whole catalogue, and the clerk is told so."""
    folder = tmp_path / "round"
    shutil.copytree(EXAMPLES / "rounds" / "example-2025", folder)
    (folder / "round.yaml").write_text((folder / "quota-2025.yaml").read_text(encoding="utf-8"), "utf-8")
    result = validate_dir(folder)
    assert result.exit_code == 0, result.output  # accepted, as every warning
    warning = [line for line in result.output.splitlines() if line.startswith("警告")]
    assert len(warning) == 1, result.output
    assert warning[0].startswith(f"警告 {folder / 'round.yaml'}:")
    assert "文件名是 round.yaml，却是推荐名额分配表（kind: quota_table），不是本轮的类别声明" in warning[0]


def test_a_round_declared_in_yaml_validates_and_builds(round_2025, tmp_path):
    result = validate_dir(round_2025)
    assert result.exit_code == 0, result.output
    assert f"通过 {round_2025}：一轮 5 个文件之间的规则" in result.output
    assert "警告" not in result.output and "错误" not in result.output
    # The quota table and the letters of categories wenshu never shipped build as documents.
    built = CliRunner().invoke(
        main,
        [
            "build",
            str(round_2025 / "quota.yaml"),
            str(round_2025 / "henan.yaml"),
            "-o",
            str(tmp_path / "out"),
        ],
    )
    assert built.exit_code == 0, built.output
    quota_md = (tmp_path / "out" / "quota.md").read_text(encoding="utf-8")
    assert "| 1 | 河南省 | 1 | 1 | 1 |" in quota_md
    assert "知识产权示范街区" in (tmp_path / "out" / "henan.md").read_text(encoding="utf-8")


def test_over_quota_province_is_caught_in_a_declared_round(round_2025):
    write(
        round_2025,
        "henan2.yaml",
        _letter("河南省知识产权局", "豫知函〔2025〕2号", ("示例二园区", "示范园区")),
    )
    result = validate_dir(round_2025)
    assert result.exit_code == 1
    assert re.search(
        r"henan2\.yaml:\d+:\d+ applicants\[1\]\.name：河南省推荐示范园区已达 2 个（“示例二园区”），"
        r"超出名额表 .*quota\.yaml:5 的 1 个",
        result.output,
    ), result.output


def test_declared_round_checks_its_own_eligibility_rule(round_2025):
    text = (round_2025 / "streets.yaml").read_text(encoding="utf-8").replace("示例街区", "别的街区")
    write(round_2025, "streets.yaml", text)
    result = validate_dir(round_2025)
    assert result.exit_code == 1
    assert "“示例街区”不在试点街区名单" in result.output


def test_category_the_round_does_not_have_is_an_error_with_did_you_mean(round_2025):
    write(
        round_2025,
        "extra.yaml",
        _letter("湖北省知识产权局", "鄂知函〔2025〕2号", ("乙市", "国家知识产权强市建设示范城市")),
    )
    result = validate_dir(round_2025)
    assert result.exit_code == 1
    assert re.search(
        r"extra\.yaml:\d+:\d+ applicants\[1\]\.name：“国家知识产权强市建设示范城市”不是本轮"
        r"（.*round\.yaml:1）的类别，是否想写“知识产权强市建设示范市”",
        result.output,
    ), result.output


def test_a_category_outside_every_round_is_refused_in_a_letter_with_did_you_mean(tmp_path):
    spec = write(
        tmp_path, "letter.yaml", _letter("河南省知识产权局", "豫知函〔2025〕1号", ("甲园区", "示范园"))
    )
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 1
    assert re.search(
        r"letter\.yaml:\d+:\d+ applicants\[1\]\.programme：未知类别“示范园”，是否想写“示范园区”",
        result.output,
    ), result.output
    # Declared in the folder's round.yaml, the same category is accepted.
    write(tmp_path, "round.yaml", "kind: round\nname: 类别\ncategories:\n  示范园: {full: 示范园}\n")
    assert CliRunner().invoke(main, ["validate", str(spec)]).exit_code == 0


def test_catalogue_rounds_2018_to_2025_and_the_example_round():
    from wenshu.spec import catalogue

    assert catalogue.round_years() == (2018, 2022, 2023, 2024, 2025)
    assert catalogue.round_categories(2018)["示范城市"].full == "国家知识产权示范城市"
    assert catalogue.programme_of("国家知识产权强县建设示范县") == "示范县"
    assert catalogue.programme_of("知识产权强县建设示范县") == "强县建设示范县"
    assert catalogue.programmes()["优势企业"].per_region == 100
    result = validate_dir(EXAMPLES / "rounds" / "example-2025")
    assert result.exit_code == 0 and "警告" not in result.output, result.output


def test_per_region_limit_and_computed_rule_come_from_the_category(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    write(
        folder,
        "round.yaml",
        "kind: round\nname: 类别\nyear: 2022\ncategories:\n  优势企业: {quota: {per_region: 1}}\n",
    )
    write(
        folder,
        "list.yaml",
        "kind: recommendation_list\nname: 推荐名单\nprovince: 河南省\nprogramme: 优势企业\n"
        "recommendations:\n  - {applicant: 甲公司}\n  - {applicant: 乙公司}\n",
    )
    write(
        folder,
        "quota.yaml",
        "kind: quota_table\nname: 名额\nprogramme: 示范企业\ncounts:\n"
        "  - {region: 湖北省, advantage: 100, little_giant: 10}\n"
        "rule: {advantage_percent: 9, little_giant_percent: 2, rounding: half_up}\n",
    )
    result = validate_dir(folder)
    assert result.exit_code == 1
    assert "河南省推荐优势企业已达 2 个（“乙公司”），超过每个地区 1 个的上限" in result.output
    assert re.search(
        r"quota\.yaml:\d+:\d+ rule\.advantage_percent：示范企业名额的计算比例应为 8%", result.output
    )


# -- 4. warnings on what is accepted but probably not meant --------------------------------------
PLAIN_NOTICE = """kind: notice
format: {format}
issuer: 国家知识产权局办公室
doc_number: {number}
title: {title}
recipients: 各省、自治区、直辖市知识产权局
body: [现将有关事项通知如下。]
signature: {signature}
date: 2015-03-02
"""
GOOD = {
    "format": "letter",
    "number": "国知办函管字〔2015〕10号",
    "title": "国家知识产权局办公室关于开展试点工作的通知",
    "signature": "国家知识产权局办公室",
}


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"format": "document"}, r":4:13 doc_number", "代字有“函”，是函的字号，而版式为format: document"),
        (
            {"number": "国知办发管字〔2015〕10号"},
            r":4:13 doc_number",
            "而发文字号“国知办发管字〔2015〕10号”的代字没有“函”",
        ),
        (
            {"signature": "国家知识产权局"},
            r":8:12 signature",
            "“国家知识产权局”与发文机关（issuer）“国家知识产权局办公室”不同",
        ),
        ({"title": "关于开展试点工作的通知"}, r":5:8 title", "没有以发文机关名称“国家知识产权局办公室”开头"),
    ],
    ids=["letter-number-in-document", "document-number-in-letter", "signature", "title"],
)
def test_each_mismatch_warns_in_validate_and_build_without_failing(tmp_path, change, where, message):
    spec = write(tmp_path, "notice.yaml", PLAIN_NOTICE.format(**{**GOOD, **change}))
    for args in (["validate", str(spec)], ["build", str(spec), "-o", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        warnings = [line for line in result.output.splitlines() if line.startswith("警告")]
        assert len(warnings) == 1, result.output
        assert re.search(re.escape(str(spec)) + where + "：", warnings[0]) and message in warnings[0], (
            warnings
        )
    assert (tmp_path / "out" / "notice.docx").is_file()


def test_a_consistent_notice_has_no_warning(tmp_path):
    spec = write(tmp_path, "notice.yaml", PLAIN_NOTICE.format(**GOOD))
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 0 and "警告" not in result.output, result.output


# -- 5. options work wherever they are accepted --------------------------------------------------
def test_draft_with_a_folder_or_batch_takes_effect(tmp_path):
    """--draft is not dropped on folders and batches: the gaps are built, marked."""
    folder = tmp_path / "specs"
    folder.mkdir()
    write(folder, "notice.yaml", PLAIN_NOTICE.format(**{**GOOD, "signature": "【待补】"}))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out)])
    assert result.exit_code == 1 and not (out / "notice.md").exists(), result.output
    result = CliRunner().invoke(main, ["build", str(folder), "--draft", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "<mark>【待补】</mark>" in (out / "notice.md").read_text(encoding="utf-8")
    batch = EXAMPLES / "letters" / "recommendations.yaml"
    result = CliRunner().invoke(main, ["build", str(batch), "--draft", "-o", str(tmp_path / "letters")])
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "letters" / "recommendations").glob("*.docx"))


def test_folder_build_warns_about_the_specs_it_builds(tmp_path):
    folder = tmp_path / "specs"
    folder.mkdir()
    write(folder, "notice.yaml", PLAIN_NOTICE.format(**{**GOOD, "signature": "国家知识产权局"}))
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert re.search(r"警告 .*notice\.yaml:8:12 signature：", result.output), result.output


@pytest.mark.render
def test_build_folder_and_batch_with_pdf_write_pdfs(tmp_path):
    from wenshu.office.libreoffice import read_pages

    folder = tmp_path / "specs"
    (folder / "sub").mkdir(parents=True)
    write(folder, "notice.yaml", PLAIN_NOTICE.format(**GOOD))
    shutil.copy(EXAMPLES / "annexes" / "receipt.yaml", folder / "sub" / "receipt.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    for pdf in (out / "notice.pdf", out / "sub" / "receipt.pdf"):
        pages = read_pages(pdf)
        assert pages, pdf
    text = "".join(row.text for row in read_pages(out / "notice.pdf")[0].rows).replace(" ", "")
    assert "国家知识产权局办公室关于开展试点工作的通知" in text
    # Nothing changed: nothing rebuilt, no PDF made again.
    again = CliRunner().invoke(main, ["build", str(folder), "-o", str(out), "--pdf"])
    assert again.exit_code == 0 and "PDF" not in again.output, again.output
    # A batch spec given to build: a PDF beside each letter.
    shutil.copy(EXAMPLES / "letters" / "recommendations.yaml", tmp_path / "batch.yaml")
    rows = (EXAMPLES / "letters" / "recommendations.csv").read_text(encoding="utf-8").splitlines()
    write(tmp_path, "recommendations.csv", "\n".join(rows[:3]) + "\n")  # two letters are enough
    result = CliRunner().invoke(main, ["build", str(tmp_path / "batch.yaml"), "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    letters = sorted((out / "batch").glob("*.docx"))
    assert letters and all(p.with_suffix(".pdf").is_file() for p in letters)


# -- 3. skeletons: notice, relay, name_list, quota_table ----------------------------------------
FILLS = {
    "issuer": "国家知识产权局办公室",
    "doc_number": "国知办函运字〔2025〕28号",
    "title": "国家知识产权局办公室关于开展2025年知识产权强国建设示范工作的通知",
    "signature": "国家知识产权局办公室",
    "date": "2025-07-18",
    "print_date": "2025-08-02",
    "name": "推荐名额（测试用）",
    "programme": "示范园区",
    "province": "河南省",
}


def fill_skeleton(text: str, fills: dict[str, str]) -> str:
    """Fill every 【待补】 as an office would: named fields from ``fills``, a table cell or a
    list item with a name, the deadline paragraph with a date, other text with a sentence."""
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#") and PLACEHOLDER in line:
            key = re.match(r"\s*(?:- )?(\w+): ", line)
            if key and key.group(1) in fills:
                line = line.replace(PLACEHOLDER, fills[key.group(1)])
            elif "[1, " in line:
                line = line.replace(PLACEHOLDER, "示范园区", 1).replace(PLACEHOLDER, "1")
            elif "前将" in line:
                line = line.replace(PLACEHOLDER, "2025年9月15日")
            elif "- [" in line:
                line = line.replace(PLACEHOLDER, "河南省")
            elif line.strip() == f"- {PLACEHOLDER}" and "names" in lines[-1]:
                line = line.replace(PLACEHOLDER, "示例市")
            else:
                line = line.replace(PLACEHOLDER, "示例内容。")
        lines.append(line)
    return "".join(lines)


def new(*args: str) -> str:
    result = CliRunner().invoke(main, ["new", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("kind", ["notice", "quota_table", "name_list"])
def test_new_skeleton_builds_once_filled(kind, tmp_path):
    text = new(kind)
    spec = write(tmp_path, f"{kind}.yaml", text)
    checked = CliRunner().invoke(main, ["validate", str(spec)])
    assert checked.exit_code == 1 and "尚未填写（【待补】）" in checked.output
    assert (
        CliRunner().invoke(main, ["build", "--draft", str(spec), "-o", str(tmp_path / "draft")]).exit_code
        == 0
    )
    write(tmp_path, f"{kind}.yaml", fill_skeleton(text, FILLS))
    built = CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0 and "警告" not in built.output, built.output
    md = (tmp_path / "out" / f"{kind}.md").read_text(encoding="utf-8")
    assert PLACEHOLDER not in md


NATIONAL = (
    NOTICE.replace("示函〔2023〕1号", "国知办函运字〔2025〕28号")
    .replace(
        "body: [现将有关方案印发给你们，请认真贯彻执行。]",
        "body: [请于2025年9月15日前将推荐材料报送我局。]",
    )
    .replace("  - file: plan.yaml\n  - file: cultivation.yaml\n", "  - file: quota.yaml\n")
)


def test_new_relay_takes_the_national_notice_and_the_provinces_quota(tmp_path):
    write(tmp_path, "national.yaml", NATIONAL)
    write(tmp_path, "quota.yaml", QUOTA_2025)
    write(tmp_path, "round.yaml", ROUND_2025)
    relay = tmp_path / "henan.yaml"
    made = CliRunner().invoke(
        main,
        [
            "new",
            "notice",
            "--relay",
            str(tmp_path / "national.yaml"),
            "--province",
            "河南省",
            "-o",
            str(relay),
        ],
    )
    assert made.exit_code == 0, made.output
    text = relay.read_text(encoding="utf-8")
    data = load_spec(relay).data
    assert data["issuer"] == "河南省知识产权局" and data["format"] == "document"
    assert data["title"] == "河南省知识产权局关于转发示例局关于印发工作方案的通知"
    assert "《示例局关于印发工作方案的通知》（国知办函运字〔2025〕28号）" in data["body"][0]
    # The province's row of the national quota table, in the body and as the annex.
    assert data["body"][1]["body"] == [
        "知识产权强市建设示范市推荐名额：1个；",
        "示范园区推荐名额：1个；",
        "知识产权示范街区推荐名额：1个。",
    ]
    assert data["attachments"][0]["body"][0]["table"]["rows"] == [
        [1, "知识产权强市建设示范市", 1],
        [2, "示范园区", 1],
        [3, "知识产权示范街区", 1],
    ]
    # The provincial deadline comes before the national one.
    assert "请于2025年9月5日前将申报材料报送我局。" in text
    write(
        tmp_path,
        "henan.yaml",
        fill_skeleton(text, {**FILLS, "doc_number": "豫知〔2025〕1号", "date": "2025-08-01"}),
    )
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 0 and "警告" not in result.output, result.output
    built = CliRunner().invoke(main, ["build", str(relay), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    # A deadline moved after the national one is caught by the round.
    write(tmp_path, "henan.yaml", relay.read_text(encoding="utf-8").replace("2025年9月5日", "2025年9月20日"))
    late = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert late.exit_code == 1 and "应早于所转发通知 国知办函运字〔2025〕28号" in late.output, late.output


def test_new_refuses_options_its_skeleton_does_not_use(tmp_path):
    for args, hint in (
        (["notice", "--level", "county"], "--level"),
        (["document", "--applicant", "示例市"], "--applicant"),
        (["work_plan", "--relay", str(tmp_path / "x.yaml")], "--relay"),
        (["notice", "--province", "河南省"], "--province"),
    ):
        result = CliRunner().invoke(main, ["new", *args])
        assert result.exit_code != 0 and hint in result.output, (args, result.output)


def test_the_kinds_that_relay_are_those_with_a_relay_skeleton(tmp_path, monkeypatch):
    """No kind is named in the code: a relay skeleton beside a kind's template makes it relayable."""
    from wenshu import resources
    from wenshu.skeleton import relay_kinds
    from wenshu.spec.kinds import get_kind

    root = tmp_path / "res"
    for name in ("templates", "schemas", "data"):
        shutil.copytree(REPO / name, root / name)
    (root / "templates" / "notices" / "notice.relay.skeleton.yaml.j2").rename(
        root / "templates" / "work_plans" / "work_plan.relay.skeleton.yaml.j2"
    )
    monkeypatch.setattr(resources, "PACKAGE", root)
    for cached in (resources.resource_dir, get_kind):
        cached.cache_clear()
    try:
        assert relay_kinds() == ["work_plan"]
        result = CliRunner().invoke(main, ["new", "notice", "--relay", str(tmp_path / "x.yaml")])
        assert result.exit_code != 0 and "只有三年期工作方案（work_plan）能转发" in result.output
    finally:
        monkeypatch.undo()
        for cached in (resources.resource_dir, get_kind):
            cached.cache_clear()
    assert relay_kinds() == ["notice"]


# -- 6. README and examples --------------------------------------------------------------------
def test_examples_name_no_path_of_a_developers_machine():
    found = [
        f"{path.relative_to(REPO)}:{n}"
        for path in sorted(EXAMPLES.rglob("*.yaml"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"(?<![\w.])/(work|home|tmp|Users|root)/", line)
    ]
    assert found == []


def test_readme_quick_start_makes_a_venv_and_keeps_a_plain_install():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme[readme.index("## 快速开始") : readme.index("## 命令")]
    steps = [
        line.split("#")[0].strip()
        for line in quick.splitlines()
        if line.startswith(("python", "pip", "wenshu"))
    ]
    assert steps[0] == "python -m venv .venv && . .venv/bin/activate"
    assert steps[1] == "pip install ."
    # The test command installs the test extras without turning the install into an editable one.
    assert "pip install '.[test]' && python -m pytest -q" in steps


def test_round_roles_are_schema_data():
    from wenshu.compose.round import ROLES
    from wenshu.spec.kinds import all_kinds

    roles = {name: kind.round_role for name, kind in all_kinds().items() if kind.round_role}
    assert set(roles.values()) == set(ROLES)
    assert roles["round"] == "categories" and roles["quota_table"] == "quotas"


def test_folder_build_redoes_a_letter_when_its_round_file_changes(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    write(folder, "round.yaml", ROUND_2025)
    write(
        folder,
        "letter.yaml",
        _letter("河南省知识产权局", "豫知函〔2025〕1号", ("示例街区", "知识产权示范街区")),
    )
    out = tmp_path / "out"
    first = CliRunner().invoke(main, ["build", str(folder), "-o", str(out)])
    assert first.exit_code == 0 and (out / "letter.docx").is_file(), first.output
    # The category is taken out of the round: the letter that names it is checked again and refused.
    write(
        folder,
        "round.yaml",
        ROUND_2025.replace(
            "  示范街区: {full: 知识产权示范街区, level: district, requires: 试点街区, quota: table}\n", ""
        ),
    )
    again = CliRunner().invoke(main, ["build", str(folder), "-o", str(out)])
    assert again.exit_code == 1 and "未知类别“知识产权示范街区”" in again.output, again.output


@pytest.mark.render
def test_attached_work_plan_starts_its_own_page_under_its_label_and_title(tmp_path):
    from wenshu.office.libreoffice import read_pages

    shutil.copy(EXAMPLES / "work_plans" / "sample-city-demonstration-plan.yaml", tmp_path / "plan.yaml")
    shutil.copy(
        EXAMPLES / "work_plans" / "cnipa-demo-enterprise-cultivation-plan.yaml", tmp_path / "cultivation.yaml"
    )
    spec = write(tmp_path, "notice.yaml", NOTICE)
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 0, result.output
    pages = read_pages(tmp_path / "out" / "notice.pdf")
    texts = [[row.text.replace(" ", "") for row in page.rows] for page in pages]
    starts = {rows[0]: n for n, rows in enumerate(texts) if rows and rows[0] in ("附件1", "附件2")}
    assert set(starts) == {"附件1", "附件2"}, [t[:2] for t in texts]
    # Each attachment opens a page: its label in the top line, the attached file's title below it.
    plan = texts[starts["附件1"]]
    assert "".join(plan[1:4]).startswith("示例市国家知识产权强市建设示范城市工作方案（2022—2024年）")
    assert texts[starts["附件2"]][1] == "国家知识产权示范企业培育工作方案"
    label = pages[starts["附件1"]].rows[0]
    assert label.x0 < pages[starts["附件1"]].rows[1].x0  # the label flush left, the title centred
