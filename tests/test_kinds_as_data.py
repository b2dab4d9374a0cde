"""Kinds and rounds are data: a kind defined by a schema and a template, and a new year's
round defined by a round.yaml, in a folder of data files only, work end to end (validate,
.docx + .md, check); and what a clerk meets writing one — where text lives, a template that
needs an optional value, an item with nothing to print — is said in Chinese at file, line
and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import clear_wenshu_caches
from wenshu.cli.main import main
from wenshu.extract import docx_blocks, markdown_blocks

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


@pytest.fixture(autouse=True)
def no_user_cache(monkeypatch) -> None:
    """Nothing read from the repo's own files is taken from the user cache (set before ``res``)."""
    monkeypatch.setenv("WENSHU_NO_CACHE", "1")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


# A 复函 (reply): the provincial office answers a city's 请示. Its text is not in ``body`` but
# in ``answer``, printed under the template's own first heading (so its headings are （一）).
REPLY_SCHEMA = """\
label: 复函
description: 省级知识产权局答复市（县）请示的函（信函格式）
template: letters/reply_letter.md.j2
schema:
  kind: {type: string, required: true, allowed: [reply_letter], meta: {label: 文种}}
  issuer: {type: string, required: true, empty: false, meta: {label: 发文机关}}
  doc_number: {type: doc_number, required: true, meta: {label: 发文字号}}
  recipients: {type: string, required: true, empty: false, meta: {label: 主送机关}}
  request:
    type: dict
    required: true
    meta: {label: 来文}
    schema:
      title: {type: string, required: true, empty: false, meta: {label: 来文标题}}
      doc_number: {type: doc_number, required: true, meta: {label: 来文字号}}
  answer:
    type: list
    required: true
    empty: false
    schema: {type: [string, dict], schema: block}
    meta: {label: 答复意见, depth: 2}
  subject: {type: string, empty: false, meta: {label: 事由, help: 标题中的事由；省略时取来文标题}}
  attachments:
    type: list
    schema: {type: dict, schema: attachment}
    meta: {label: 附件}
  date: {type: cn_date, required: true, meta: {label: 成文日期}}
checks:
  - attachment_refs: attachments
"""
REPLY_TEMPLATE = """\
{% import "letters/parts.md.j2" as letter %}
{% import "common/blocks.md.j2" as m %}
{% set title = issuer ~ "关于" ~ (subject if subject is defined else request.title) ~ "的复函" %}
{{ letter.head(issuer, "", doc_number, title, [], recipients) }}
你单位《{{ request.title }}》（{{ request.doc_number }}）收悉。经研究，现函复如下：

## {{ 1 | ordinal("一、") }}答复意见

{{ m.blocks(answer, 2) }}
此复。

{{ letter.tail(attachments | default([]), issuer, true, date, none, none) }}
"""
REPLY = """\
kind: reply_letter
issuer: 示例省知识产权局
doc_number: 示知函〔2027〕12号
recipients: 示例市人民政府
request:
  title: 示例市人民政府关于申请国家知识产权示范城市复核的请示
  doc_number: 示政〔2027〕8号
answer:
  - 同意你市申请国家知识产权示范城市复核，我局将于报送截止日期前统一转报国家知识产权局。
  - heading: 补充材料
    text: 请按附件1所列清单补充示范期内的年度考核结果。
attachments:
  - name: 复核补充材料清单
date: 2027-08-10
"""


def _define_reply_kind(res: Path) -> None:
    write(res / "schemas", "reply_letter.yaml", REPLY_SCHEMA)
    write(res / "templates" / "letters", "reply_letter.md.j2", REPLY_TEMPLATE)


def test_a_kind_defined_only_by_data_files_validates_builds_and_checks(res, tmp_path):
    _define_reply_kind(res)
    listed = run("list")
    assert "reply_letter" in listed.output and "复函" in listed.output, listed.output
    spec = write(tmp_path / "specs", "reply.yaml", REPLY)
    checked = run("validate", spec)
    assert checked.exit_code == 0, checked.output
    out = tmp_path / "out"
    built = run("build", spec, "-o", out, "--no-paginate")
    assert built.exit_code == 0, built.output
    md = markdown_blocks((out / "reply.md").read_text(encoding="utf-8"))
    title = md[2].replace(" ", "")  # its two lines, joined
    assert title == "示例省知识产权局关于示例市人民政府关于申请国家知识产权示范城市复核的请示的复函"
    assert "一、答复意见" in md
    # The list's own headings sit under the template's 一、: they are （一）.
    assert "（一）补充材料。请按附件1所列清单补充示范期内的年度考核结果。" in md
    assert "附件：复核补充材料清单" in md
    assert docx_blocks(out / "reply.docx") == md
    report = run("check", out / "reply.docx")
    assert report.exit_code == 0, report.output


def test_block_rules_follow_the_schema_to_any_field_holding_blocks(res, tmp_path):
    """Old code looked for blocks only under ``body``: a 附件N that does not exist, a typed
    ordinal and a fifth level in ``answer`` all passed and were printed."""
    _define_reply_kind(res)
    for old, new, field, message in (
        ("按附件1所列清单", "按附件2所列清单", "answer[2].text", "提到了“附件2”，但只有 1 个附件"),
        ("heading: 补充材料", "heading: （二）补充材料", "answer[2].heading", "开头的“（二）”像手写的序号"),
    ):
        spec = write(tmp_path, "reply.yaml", REPLY.replace(old, new))
        result = run("validate", spec)
        assert result.exit_code == 1, result.output
        assert "reply.yaml:1" in result.output and f" {field}：{message}" in result.output, result.output
    # Headings in ``answer`` start at the second level (meta depth: 2): three more levels fit, four do not.
    deep = REPLY.replace(
        "    text: 请按附件1所列清单补充示范期内的年度考核结果。\n",
        "    body:\n      - heading: 甲\n        body:\n          - heading: 乙\n            body:\n"
        "              - heading: 丙\n                body: [文字]\n",
    )
    result = run("validate", write(tmp_path, "deep.yaml", deep))
    assert result.exit_code == 1 and "层级超过 4 层" in result.output, result.output
    assert "deep.yaml:" in result.output and "answer[2].body[1].body[1].body[1]" in result.output


def test_a_template_that_prints_an_optional_field_unasked_is_named_at_its_line(res, tmp_path):
    """A clerk's template printing ``subject`` without asking whether it was written: old code
    said “'subject' is undefined” in English; now the template's file and line, in Chinese."""
    _define_reply_kind(res)
    template = res / "templates" / "letters" / "reply_letter.md.j2"
    template.write_text(
        REPLY_TEMPLATE.replace("(subject if subject is defined else request.title)", "subject"),
        encoding="utf-8",
    )
    result = run("build", write(tmp_path, "reply.yaml", REPLY), "-o", tmp_path / "out")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "templates/letters/reply_letter.md.j2:3 模板用到字段 subject，但" in result.output, result.output
    assert "reply.yaml 中没有写" in result.output and "is defined" in result.output
    assert not (tmp_path / "out").exists()


ROUND_2027 = """\
kind: round
name: 2027年知识产权强国建设试点示范类别一览表
year: 2027
categories:
  试点县: {}
  示范县: {}
  地理标志示范县:
    full: 国家地理标志产品保护示范县
    level: county
    requires: 试点县
    quota: {per_region: 1}
"""
PILOTS = """\
kind: name_list
name: 国家知识产权强县建设试点县名单
programme: 试点县
columns: [序号, 省份, 县]
groups:
  - province: 河南省
    names: [示例甲县, 示例乙县]
"""
LETTER = """\
kind: recommendation_letter
issuer: 河南省知识产权局
doc_number: 豫知函〔2027〕3号
basis:
  title: 国家知识产权局办公室关于开展2027年知识产权强国建设试点示范工作的通知
  doc_number: 国知办函运字〔2027〕100号
applicants:
  - {name: 示例甲县, programme: 国家地理标志产品保护示范县, rank: 1}
review: 经审核，申报材料完整、真实、准确，符合申报条件。
date: 2027-09-08
"""


def test_a_new_years_round_is_one_yaml_file(tmp_path):
    """``year: 2027`` (a year the catalogue does not have) with the round's categories: old
    code refused the year (“data/programmes.yaml 中没有2027年的类别”) though every category
    was written out."""
    folder = tmp_path / "2027"
    write(folder, "round.yaml", ROUND_2027)
    write(folder, "pilot-counties.yaml", PILOTS)
    write(folder, "letter.yaml", LETTER)
    result = run("validate", folder)
    assert result.exit_code == 0 and "警告" not in result.output, result.output
    built = run("build", folder / "round.yaml", "-o", tmp_path / "out", "--no-paginate")
    assert built.exit_code == 0, built.output
    table = (tmp_path / "out" / "round.md").read_text(encoding="utf-8")
    assert (
        "| 3 | 国家地理标志产品保护示范县 | 县（市、区） | 须已是国家知识产权强县建设试点县 "
        "| 每个地区不超过1个 |" in table
    )
    # The round's rules hold for its new category: the pilot list and the per-region limit.
    write(
        folder,
        "letter.yaml",
        LETTER.replace(
            "  - {name: 示例甲县, programme: 国家地理标志产品保护示范县, rank: 1}\n",
            "  - {name: 示例甲县, programme: 国家地理标志产品保护示范县, rank: 1}\n"
            "  - {name: 示例丁县, programme: 国家地理标志产品保护示范县, rank: 2}\n",
        ),
    )
    result = run("validate", folder)
    assert result.exit_code == 1, result.output
    assert "letter.yaml:9:12 applicants[2].name：“示例丁县”不在试点县名单" in result.output
    assert "超过每个地区 1 个的上限（" in result.output and "round.yaml:11）" in result.output
    # A year the catalogue lacks, with no categories, still says what to write.
    write(folder, "round.yaml", "kind: round\nname: 2027年类别\nyear: 2027\n")
    result = run("validate", folder / "round.yaml")
    assert (
        result.exit_code == 1
        and "round.yaml:3:7 year：data/programmes.yaml 中没有2027年的类别" in result.output
    )
    assert "写出本轮的全部类别" in result.output


def test_a_recommendation_without_a_category_anywhere_is_an_error_not_a_blank_cell(tmp_path):
    """Old code printed the 推荐名单 with an empty 申报类别 cell."""
    letter = LETTER.replace(", programme: 国家地理标志产品保护示范县", "")
    result = run("validate", write(tmp_path, "letter.yaml", letter))
    assert result.exit_code == 1, result.output
    assert "letter.yaml:8:5 applicants[1]：第 1 项没有申报类别（programme），顶层也没有" in result.output, (
        result.output
    )
    # Written once at the top, it serves every item.
    top = letter.replace("applicants:", "programme: 国家知识产权强县建设示范县\napplicants:")
    assert run("validate", write(tmp_path, "letter.yaml", top)).exit_code == 0


def test_a_typed_ordinal_in_an_application_letters_summary_is_caught(tmp_path):
    """The 申报函's ``summary`` holds blocks too: old code checked only ``body``."""
    text = (EXAMPLES / "letters" / "application.yaml").read_text(encoding="utf-8")
    text = text.replace("summary:\n  - 我市于2020年", "summary:\n  - 一、我市于2020年")
    result = run("validate", write(tmp_path, "application.yaml", text))
    assert result.exit_code == 1 and "summary[1]：开头的“一、”像手写的序号" in result.output, result.output


def test_every_block_list_of_the_shipped_kinds_is_found():
    from wenshu.spec.kinds import get_kind

    assert dict(get_kind("review_letter").block_lists) == {
        "conditions": 2,
        "targets": 2,
        "assessments": 2,
        "attachments.*.body": 1,
    }
    assert dict(get_kind("creation_report").block_lists)["summary.body"] == 2
    assert dict(get_kind("demo_city_summary").block_lists)["parts.management"] == 2
    assert dict(get_kind("application_letter").block_lists)["summary"] == 1


ENTERPRISE_LETTER = """\
kind: recommendation_letter
issuer: 河南省知识产权局
doc_number: 豫知函〔2022〕3号
basis:
  title: 国家知识产权局办公室关于组织开展2022年度国家知识产权优势企业和示范企业申报与复核工作的通知
  doc_number: 国知办函运字〔2022〕497号
applicants:
  - {name: 示例制造有限公司, programme: 国家知识产权优势企业, rank: 1}
  - {name: 示例科技有限公司, programme: 国家知识产权示范企业, rank: 1, scores: {A: 82, B: 85}}
review: 经审核，申报材料完整、真实、准确，符合申报条件。
date: 2022-07-08
"""


def test_a_recommendation_letter_carries_the_scores_a_round_checks(tmp_path):
    """A 示范企业 needs A表 ≥ 75 and B表 ≥ 80 (data/programmes.yaml), and the 2018 notice has the
    推荐函 give the 测评得分: old code had no field for them, so a letter recommending a 示范企业
    failed its round (“缺少A表评分”) whatever the clerk wrote."""
    folder = tmp_path / "2022"
    spec = write(folder, "letter.yaml", ENTERPRISE_LETTER)
    result = run("validate", folder)
    assert result.exit_code == 0, result.output
    built = run("build", spec, "-o", tmp_path / "out", "--no-paginate")
    assert built.exit_code == 0, built.output
    md = (tmp_path / "out" / "letter.md").read_text(encoding="utf-8")
    assert "| 推荐排序 | 推荐对象 | 申报类别 | A表评分 | B表评分 |" in md
    assert "| 1 | 示例制造有限公司 | 国家知识产权优势企业 | — | — |" in md
    assert "| 1 | 示例科技有限公司 | 国家知识产权示范企业 | 82 | 85 |" in md
    assert docx_blocks(tmp_path / "out" / "letter.docx") == markdown_blocks(md)
    # A score under the threshold is caught by the round, at the letter's line.
    write(folder, "letter.yaml", ENTERPRISE_LETTER.replace("B: 85", "B: 78.5"))
    result = run("validate", folder)
    assert (
        result.exit_code == 1
        and "letter.yaml:9:12 applicants[2].name：“示例科技有限公司”B表评分 78.5 分，低于 80 分"
        in result.output
    )
    # One applicant: the scores are a sentence before the 推荐意见.
    single = ENTERPRISE_LETTER.split("applicants:")[0] + (
        "applicant: 示例科技有限公司\nprogramme: 国家知识产权示范企业\nscores: {A: 82, B: 85.5}\n"
        "review: 经审核，申报材料完整、真实、准确，符合申报条件。\ndate: 2022-07-08\n"
    )
    write(folder, "letter.yaml", single)
    assert run("validate", folder).exit_code == 0
    assert run("build", folder / "letter.yaml", "-o", tmp_path / "one", "--no-paginate").exit_code == 0
    blocks = markdown_blocks((tmp_path / "one" / "letter.md").read_text(encoding="utf-8"))
    assert (
        "示例科技有限公司测评得分：A表82分、B表85.5分。经研究，同意推荐示例科技有限公司申报国家知识产权示范企业。"
        "特此推荐。" in blocks
    ), blocks


def test_the_review_letter_has_a_skeleton_for_a_city_or_a_county(tmp_path):
    """A skeleton is data too: ``review_letter.skeleton.yaml.j2`` beside the template."""
    skeleton = tmp_path / "复核函.yaml"
    made = run("new", "review_letter", "--applicant", "示例县", "--level", "county", "-o", skeleton)
    assert made.exit_code == 0, made.output
    text = skeleton.read_text(encoding="utf-8")
    assert "issuer: 示例县人民政府" in text and "programme: 国家知识产权示范县" in text
    draft = run("build", "--draft", skeleton, "-o", tmp_path / "out", "--no-paginate")
    assert draft.exit_code == 0, draft.output
    blocks = markdown_blocks((tmp_path / "out" / "复核函.md").read_text(encoding="utf-8"))
    assert "示例县人民政府关于申请 国家知识产权示范县复核的函" in blocks
    assert ["一、申报条件符合情况", "二、示范建设目标任务完成情况", "三、年度考核结果与专利实力监测情况"] == [
        b for b in blocks if b[:2] in ("一、", "二、", "三、")
    ]
    # The option it does not use is refused, not dropped.
    refused = run("new", "review_letter", "--programme", "pilot")
    assert refused.exit_code != 0 and "--programme 不适用于 review_letter" in refused.output


def test_the_developers_guide_lists_every_name_a_schema_can_use():
    """A clerk writing a schema learns the rule names from docs/architecture.md, not the code."""
    import wenshu.validate  # noqa: F401  (registers every rule)
    from wenshu.compose.annexes import COMPOSERS
    from wenshu.rules.advice import ADVICE
    from wenshu.rules.checks import CHECKS
    from wenshu.rules.letters import BATCH_CHECKS
    from wenshu.spec.kinds import ROLES

    guide = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = guide[guide.index("| 写在 | 名字与参数") : guide.index("- **一条命令怎样走过")]
    lines = [line.strip() for line in table.splitlines()[2:]]
    rows = [line.split("|")[1:3] for line in lines if line.startswith("|")]
    listed: dict[str, str] = {}
    for where, names in rows:
        listed[where.strip()] = listed.get(where.strip(), "") + names
    for where, registry in (
        ("`checks:`", CHECKS),
        ("`advice:`", ADVICE),
        ("`compose:`", COMPOSERS),
        ("`batch: checks:`", BATCH_CHECKS),
        ("`round:`", None),
    ):
        names = registry.names() if registry is not None else list(ROLES)
        missing = [n for n in names if f"`{n}" not in listed[where]]
        assert missing == [], (where, missing)


@pytest.mark.render
def test_the_review_letter_on_the_page(tmp_path):
    """The new kind laid out by LibreOffice: its three parts are 一级标题 indented two characters
    like the paragraphs, the run-in headings under them too, the signature and date follow the
    closing on its page, and ``wenshu check --render`` finds nothing."""
    from wenshu import layout as L
    from wenshu.office.libreoffice import read_pages

    out = tmp_path / "out"
    built = run("build", EXAMPLES / "letters" / "review-request.yaml", "-o", out, "--pdf")
    assert built.exit_code == 0, built.output
    pages = read_pages(out / "review-request.pdf")
    rows = [(n, row) for n, page in enumerate(pages) for row in page.rows]
    text = {row.text.replace(" ", ""): (n, row) for n, row in rows}
    left = L.text_area_pt(False)[2]
    indent = L.BODY_INDENT_TWIPS / L.TWIPS_PER_PT
    for heading in (
        "一、申报条件符合情况",
        "二、示范建设目标任务完成情况",
        "三、年度考核结果与专利实力监测情况",
    ):
        _, row = text[heading]
        assert abs(row.x0 - (left + indent)) < 1.5, (heading, row.x0, left)
    runin = next(row for _, row in rows if row.text.replace(" ", "").startswith("（一）组织机构健全。"))
    assert abs(runin.x0 - (left + indent)) < 1.5
    closing_page, closing = text["请予审核并转报国家知识产权局。"]
    signature_page, signature = text["示例市人民政府"]  # the last row of that text: the 署名, not the 红头
    assert signature_page == closing_page and signature.y0 > closing.y1
    checked = run("check", "--render", out / "review-request.docx")
    assert checked.exit_code == 0 and "符合 GB/T 9704-2012" in checked.output, checked.output


def test_a_table_row_with_too_few_or_too_many_cells_is_named(tmp_path):
    """The schema's own help says “单元格个数与表头相同”; old code printed a short row with blank
    cells and dropped the cells past the last column without a word."""
    text = (EXAMPLES / "letters" / "review-request.yaml").read_text(encoding="utf-8")
    text = text.replace("[专利权质押融资额, 亿元, 10, 12.4]", "[专利权质押融资额, 亿元, 12.4]")
    text = text.replace("[知识产权优势企业数, 家, 30, 34]", "[知识产权优势企业数, 家, 30, 34, 36]")
    text = text.replace("align: [left, center, center, center]", "align: [left, center]")
    result = run("validate", write(tmp_path, "review.yaml", text))
    assert result.exit_code == 1, result.output
    assert (
        "targets[2].table.rows[2]：这一行有 3 个单元格，表头有 4 栏：缺少的单元格会印成空白" in result.output
    )
    assert "targets[2].table.rows[3]：这一行有 5 个单元格，表头有 4 栏：多出的单元格印不出来" in result.output
    assert "targets[2].table.align：列对齐写了 2 项，表头有 4 栏" in result.output
    assert result.output.count("review.yaml:3") == 3, result.output


def test_title_lines_without_a_title_say_what_to_write(tmp_path):
    """A letter's title is made by its template when omitted; title_lines alone made old code say
    “各行连起来应与标题一致：“None””."""
    text = (EXAMPLES / "letters" / "review-request.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "recipients:", "title_lines: [示例市人民政府关于申请, 国家知识产权示范城市复核的函]\nrecipients:"
    )
    result = run("validate", write(tmp_path, "review.yaml", text))
    assert result.exit_code == 1 and "None" not in result.output, result.output
    assert (
        "review.yaml:9:14 title_lines：写了标题分行，却没有写标题（title）：请同时写出 title" in result.output
    )


def test_mistakes_in_a_kinds_own_files_are_said_at_their_lines(res, tmp_path):
    """The clerk writing a kind makes mistakes in its schema and template too: old code stopped
    with “内部错误：SchemaError …”/“KeyError: 'label'” (exit 3, “a wenshu bug”), or an English
    “not found in search path”."""
    _define_reply_kind(res)
    schema = res / "schemas" / "reply_letter.yaml"
    spec = write(tmp_path, "reply.yaml", REPLY)
    for old, new, said in (
        (
            "  recipients: {type: string,",
            "  recipients: {tpye: string,",
            "reply_letter.yaml:8:16 schema.recipients.tpye：未知的模式规则“tpye”，是否想写“type”？",
        ),
        (
            "doc_number: {type: doc_number, required: true, meta: {label: 来文字号}}",
            "doc_number: {type: docnumber, required: true, meta: {label: 来文字号}}",
            "schema.request.schema.doc_number.type：未知的类型“docnumber”，是否想写“doc_number”？",
        ),
        ("label: 复函", "lable: 复函", "reply_letter.yaml:1:1 lable：未知的键“lable”，是否想写“label”？"),
        (
            "template: letters/reply_letter.md.j2",
            "template: letters/reply.md.j2",
            "reply_letter.yaml:3:11 template：找不到模板 templates/letters/reply.md.j2",
        ),
    ):
        schema.write_text(REPLY_SCHEMA.replace(old, new), encoding="utf-8")
        clear_wenshu_caches()
        result = run("build", spec, "-o", tmp_path / "out")
        assert result.exit_code == 1 and "内部错误" not in result.output, result.output
        assert said in result.output, result.output
        assert not (tmp_path / "out").exists()
