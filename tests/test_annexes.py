"""Annex tables as data: catalogues copied from the seeds, the annex kinds, merged cells in
Word and Markdown, landscape pages, totals, computed quotas and notices attaching annexes."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from tests.conftest import SEEDS
from wenshu import layout
from wenshu.build.pipeline import render
from wenshu.cli.main import main
from wenshu.compose.annexes import compute_quota
from wenshu.errors import WenshuError
from wenshu.extract import docx_blocks, markdown_blocks
from wenshu.resources import read_data
from wenshu.rules.advice import warnings
from wenshu.spec import catalogue
from wenshu.spec.catalogue import Term
from wenshu.spec.load import load_spec
from wenshu.validate import validate

REPO = Path(__file__).resolve().parents[1]
ANNEXES = REPO / "examples" / "annexes"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def squash(text: str) -> str:
    """Text without any white space: PDF extraction breaks lines and spaces digits."""
    return re.sub(r"[\s\u3000]+", "", text)


def document_xml(docx: bytes) -> Any:
    with zipfile.ZipFile(__import__("io").BytesIO(docx)) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def grid(table: Any) -> list[list[dict[str, Any]]]:
    """Each row's cells with their text, grid column, span and vertical merge state."""
    rows = []
    for tr in table.findall("w:tr", NS):
        cells, col = [], 0
        for tc in tr.findall("w:tc", NS):
            span = tc.find("w:tcPr/w:gridSpan", NS)
            across = int(span.get(w("val"))) if span is not None else 1
            vmerge = tc.find("w:tcPr/w:vMerge", NS)
            state = None if vmerge is None else (vmerge.get(w("val")) or "continue")
            text = "\n".join(
                "".join(t.text or "" if t.tag == w("t") else "\n" for t in p.iter(w("t"), w("br")))
                for p in tc.findall("w:p", NS)
            )
            jc = tc.find("w:p/w:pPr/w:jc", NS)
            align = None if jc is None else jc.get(w("val"))
            cells.append({"text": text, "col": col, "across": across, "vmerge": state, "align": align})
            col += across
        rows.append(cells)
    return rows


def md_table_rows(markdown: str, header: str) -> list[list[str]]:
    """The cells of the GFM table whose header row starts with ``header``."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header}"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
    return [rows[0]] + rows[2:]  # without the delimiter row


def build(path: Path) -> tuple[str, bytes]:
    rendered = render(path)
    return rendered.markdown, rendered.files["docx"]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(WenshuError) as info:
        validate(load_spec(path))
    return [str(p) for p in info.value.problems]


# -- catalogues -------------------------------------------------------------------------------
def test_city_catalogue_has_31_indicators_under_three_levels():
    form = catalogue.evaluation("city")
    assert form.numbers == tuple(range(1, 32))
    assert {i.groups[0] for i in form.indicators} == {"投入保障", "发展环境", "产出绩效"}
    by_group = {}
    for indicator in form.indicators:
        by_group.setdefault(indicator.groups, []).append(indicator.number)
    assert by_group[("投入保障", "制度机制")] == [1, 2, 3, 4]
    assert by_group[("发展环境", "宣传普及")] == [17, 18]
    assert by_group[("产出绩效", "产业促进")] == [27, 28, 29, 30, 31]
    assert len(by_group) == 8


def test_county_catalogue_has_25_indicators_under_six_headings():
    form = catalogue.evaluation("county")
    assert form.numbers == tuple(range(1, 26))
    assert [g for g in dict.fromkeys(i.groups[0] for i in form.indicators)] == [
        "管理",
        "创造",
        "保护",
        "运用",
        "服务",
        "创新实力",
    ]
    assert all(len(i.groups) == 1 for i in form.indicators)


@pytest.mark.parametrize("level", ["city", "county"])
def test_evaluation_catalogue_text_is_the_seeds(level):
    seed = squash((SEEDS / "henan-2023-38-provincial-notice.txt").read_text(encoding="utf-8"))
    form = catalogue.evaluation(level)
    for indicator in form.indicators:
        for text in (indicator.name, indicator.description, *indicator.groups):
            assert squash(text) in seed, text
    assert squash(form.note) in seed
    assert squash(form.title) in seed
    assert [c.header for c in form.columns] == (
        ["序号", "一级指标", "二级指标", "三级指标", "指标说明", "完成情况"]
        if level == "city"
        else ["一级指标", "序号", "二级指标", "指标说明", "完成情况"]
    )


def test_basic_info_catalogue_text_is_the_seeds():
    seed = squash((SEEDS / "cnipa-2018-city-notice.txt").read_text(encoding="utf-8"))
    data = catalogue.basic_info()
    numbers = []
    for section in data["sections"]:
        assert squash(section["heading"]) in seed
        for row in section["rows"]:
            numbers.append(row["number"])
            assert squash(row["indicator"]) in seed, row["indicator"]
            explanation = row.get("explanation") or []
            assert all(squash(line) in seed for line in explanation)
            for sub in row.get("sub_rows", []):
                assert squash(sub["item"]) in seed
    assert numbers == list(range(1, 33))
    assert data["source"]["seed"] == "cnipa-2018-city-notice.txt"


def test_region_list_is_the_2022_table_in_order():
    seed = (SEEDS / "cnipa-2022-497-enterprise-notice.txt").read_text(encoding="utf-8")
    in_seed = re.findall(r"\t(\S+(?:省|市|自治区|兵团))\n", seed)
    assert list(catalogue.regions()) == in_seed
    assert len(in_seed) == 37


def test_every_data_file_names_its_source():
    for path in sorted((REPO / "data").glob("*.yaml")):
        assert "source" in read_data(path.stem), path.name


# -- evaluation forms -------------------------------------------------------------------------
def test_city_form_merges_its_headings_in_word():
    markdown, docx = build(ANNEXES / "city-evaluation-form.yaml")
    table = document_xml(docx).find(".//w:tbl", NS)
    rows = grid(table)
    assert len(rows) == 32
    assert table.find("w:tr/w:trPr/w:tblHeader", NS) is not None
    first_level = [r[1] for r in rows[1:]]
    restarts = [i + 1 for i, c in enumerate(first_level) if c["vmerge"] == "restart"]
    assert restarts == [1, 9, 19]
    assert [first_level[i - 1]["text"] for i in restarts] == ["投入保障", "发展环境", "产出绩效"]
    assert all(
        c["vmerge"] == "continue" and c["text"] == ""
        for i, c in enumerate(first_level, 1)
        if i not in restarts
    )
    second_level = [r[2] for r in rows[1:]]
    assert [i + 1 for i, c in enumerate(second_level) if c["vmerge"] == "restart"] == [
        1,
        5,
        9,
        13,
        17,
        19,
        23,
        27,
    ]
    assert rows[17][2]["text"] == "宣传普及" and rows[18][2]["vmerge"] == "continue"
    # 三级指标 and 指标说明 are never merged.
    assert all(r[3]["vmerge"] is None and r[4]["vmerge"] is None for r in rows)


def test_city_form_markdown_writes_merged_text_once():
    markdown, _ = build(ANNEXES / "city-evaluation-form.yaml")
    rows = md_table_rows(markdown, "序号")
    assert rows[0] == ["序号", "一级指标", "二级指标", "三级指标", "指标说明", "完成情况"]
    assert rows[1][:3] == ["1", "投入保障", "制度机制"]
    assert rows[2][:3] == ["2", "", ""]
    assert rows[5][:3] == ["5", "", "工作条件"]
    assert rows[9][:3] == ["9", "发展环境", "保护监管"]
    assert [r[5] for r in rows[1:]] == [""] * 31  # blank form


def test_wide_form_is_landscape_with_page_numbers_and_fits_the_text_width():
    _, docx = build(ANNEXES / "city-evaluation-form.yaml")
    root = document_xml(docx)
    sections = list(root.iter(w("sectPr")))
    assert len(sections) == 1
    size = sections[0].find("w:pgSz", NS)
    assert size.get(w("orient")) == "landscape"
    assert int(size.get(w("w"))) == layout.mm_to_twips(layout.PAGE_HEIGHT_MM)
    assert sections[0].findall("w:footerReference", NS), "page numbers kept on landscape pages"
    table = root.find(".//w:tbl", NS)
    widths = [int(c.get(w("w"))) for c in table.iter(w("gridCol"))]
    assert sum(widths) == layout.mm_to_twips(layout.TEXT_HEIGHT_MM)


def test_filled_form_prints_results_and_lists_the_unfilled(tmp_path):
    spec = write(
        tmp_path,
        "form.yaml",
        "kind: evaluation_form\nlevel: county\napplicant: 示例县\nresults:\n  1: 编制4名\n  25: 无\n",
    )
    markdown, docx = build(spec)
    rows = md_table_rows(markdown, "一级指标")
    assert rows[1][4] == "编制4名" and rows[25][4] == "无" and rows[2][4] == ""
    cells = grid(document_xml(docx).find(".//w:tbl", NS))
    assert cells[1][4]["text"] == "编制4名"
    assert "申报单位：示例县" in markdown_blocks(markdown)
    loaded = load_spec(spec)
    kind, document = validate(loaded)
    notes = warnings(loaded, kind, document)
    assert len(notes) == 1 and "2、3、4" in notes[0].message and "共23项" in notes[0].message
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 0
    assert "警告" in result.output and "未填写完成情况的指标：2、3" in result.output


def test_blank_form_has_no_reminder():
    loaded = load_spec(ANNEXES / "city-evaluation-form.yaml")
    kind, document = validate(loaded)
    assert warnings(loaded, kind, document) == []


def test_unknown_indicator_number_is_rejected_at_its_line(tmp_path):
    spec = write(
        tmp_path, "form.yaml", "kind: evaluation_form\nlevel: county\nresults:\n  3: 有\n  26: 多出的一项\n"
    )
    problems = problems_of(spec)
    assert len(problems) == 1
    assert re.search(r"form\.yaml:5:3 results\.26：没有第26项指标.*共25项", problems[0])


# -- the 基本情况表 --------------------------------------------------------------------------
def test_basic_info_form_year_sub_rows_and_spans(tmp_path):
    spec = write(tmp_path, "info.yaml", "kind: basic_info_form\nyear: 2022\ncity: 示例市\n")
    markdown, docx = build(spec)
    assert "2022年度数据" in markdown and "2017年度数据" not in markdown
    assert "申报城市名称：示例市" in markdown_blocks(markdown)
    first, second = document_xml(docx).findall(".//w:tbl", NS)
    rows = grid(second)
    assert [c["text"] for c in rows[0]] == ["序号", "指标", "单位", "2022年度数据", "备注"]
    assert rows[0][1]["across"] == 2
    # 14 知识产权局基本情况: 序号 and 指标 merged down four sub-rows.
    assert rows[1][0]["text"] == "14" and rows[1][0]["vmerge"] == "restart"
    assert rows[1][1]["text"] == "知识产权局基本情况" and rows[1][1]["vmerge"] == "restart"
    assert [r[2]["text"] for r in rows[1:5]] == ["隶属关系", "行政级别", "编制人数", "专项经费"]
    assert all(r[0]["vmerge"] == "continue" and r[1]["vmerge"] == "continue" for r in rows[2:5])
    assert rows[3][3]["text"] == "人"
    # Later indicators span both halves of the 指标 column.
    assert rows[5][1]["text"] == "每万人口发明专利拥有量" and rows[5][1]["across"] == 2
    # 11–13: the explanation spans 单位, data and 备注; 13 keeps its three lines.
    rows = grid(first)
    assert rows[13][2]["across"] == 3 and len(rows[13]) == 3
    assert rows[13][2]["text"].count("\n") == 2 and rows[13][2]["text"].startswith("1．")
    md = md_table_rows(markdown, "序号")
    assert md[13][2].count("<br>") == 2 and md[13][3:] == ["", ""]


def test_basic_info_forms_two_tables_line_up_and_centre_their_units(tmp_path):
    """A form filled in by hand: the columns its two tables share (序号, 指标, 单位, data,
    备注) have the same edges — fitted each to its own content they did not (单位 at 258 pt
    in one, 272 in the other) — and 单位 is centred in both (it was left in the first, whose
    explanations span from it; those read from the left)."""
    _, docx = build(write(tmp_path, "info.yaml", "kind: basic_info_form\nyear: 2017\n"))
    first, second = document_xml(docx).findall(".//w:tbl", NS)

    def edges(table: Any) -> list[int]:
        widths = [int(g.get(w("w"))) for g in table.findall("w:tblGrid/w:gridCol", NS)]
        return [sum(widths[: i + 1]) for i in range(len(widths))]

    # The second table's 指标 is two grid columns (the indicator, its sub-items).
    assert edges(first) == [e for i, e in enumerate(edges(second)) if i != 1]
    ones, twos = grid(first), grid(second)
    units = [r[2] for r in ones[1:11]] + [r[-3] for r in twos[5:] if r[-3]["col"] == 3]
    assert [u["text"] for u in units[:2]] == ["平方公里", "万人"] and len(units) > 20
    assert {u["align"] for u in units} == {"center"}
    explained = [r[2] for r in ones[11:14]]
    assert all(c["across"] == 3 and c["align"] == "left" for c in explained)


# -- quota tables -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("advantage", "giants", "rounding", "expected"),
    [
        (112, 100, "half_up", 11),  # 8.96 + 2 = 10.96
        (112, 100, "down", 10),
        (100, 0, "up", 8),  # exactly 8: nothing to round
        (25, 25, "half_up", 3),  # 2 + 0.5 = 2.5 exactly, not 2.4999… in binary
        (25, 25, "down", 2),
        (1, 1, "up", 1),  # 0.1 rounds up to 1
    ],
)
def test_quota_rule_rounds_as_declared(advantage, giants, rounding, expected):
    terms = (Term("advantage", "优势企业", 8), Term("little_giant", "专精特新“小巨人”企业", 2))
    assert compute_quota({"advantage": advantage, "little_giant": giants}, terms, rounding) == expected


def test_computed_quota_table_has_total_row_and_generated_note():
    markdown, docx = build(ANNEXES / "quota-computed.yaml")
    loaded = load_spec(ANNEXES / "quota-computed.yaml")
    counts = loaded.data["counts"]
    rule = loaded.data["rule"]
    terms = tuple(Term(t["count"], "", t["percent"]) for t in rule["terms"])
    expected = [compute_quota(c, terms, rule["rounding"]) for c in counts]
    rows = grid(document_xml(docx).find(".//w:tbl", NS))
    assert [int(r[2]["text"]) for r in rows[1:-1]] == expected
    assert [r[1]["text"] for r in rows[1:-1]] == [c["region"] for c in counts]
    total = rows[-1]
    assert total[0]["text"] == "合计" and total[0]["across"] == 2
    assert int(total[1]["text"]) == sum(expected)
    md = md_table_rows(markdown, "序号")
    assert md[-1] == ["合计", "", str(sum(expected))]
    note = (
        "注：示范企业推荐名额根据各地现有优势企业数量的8%以及专精特新“小巨人”企业数量的2%的总和计算得出，"
        "总和四舍五入取整。"
    )
    assert note + "国务院国资委出资管理的企业及其他部委管理企业不占推荐名额。" in markdown_blocks(markdown)


def test_published_quota_table_keeps_the_seeds_37_rows():
    markdown, docx = build(ANNEXES / "quota-2022.yaml")
    rows = grid(document_xml(docx).find(".//w:tbl", NS))
    assert len(rows) == 38  # as published: no total row
    widths = [int(c.get(w("w"))) for c in document_xml(docx).iter(w("gridCol"))]
    assert sum(widths) == layout.mm_to_twips(layout.TEXT_WIDTH_MM)  # portrait 版心
    assert [c["text"] for c in rows[37]] == ["37", "深圳市", "9"]
    assert sum(int(r[2]["text"]) for r in rows[1:]) == 483
    seed = (SEEDS / "cnipa-2022-497-enterprise-notice.txt").read_text(encoding="utf-8")
    published = re.findall(r"\t(\d+)\n\t(\S+)\n\t(\d+)\n", seed)
    assert [[c["text"] for c in r] for r in rows[1:]] == [list(p) for p in published]


def test_quota_table_with_total_row(tmp_path):
    spec = write(
        tmp_path,
        "q.yaml",
        "kind: quota_table\nname: 名额\nprogramme: [示范城市, 试点城市]\n"
        "rows:\n  - [河南省, 1, 1]\n  - [湖北省, 2, 3]\n",
    )
    markdown, docx = build(spec)
    rows = grid(document_xml(docx).find(".//w:tbl", NS))
    assert [c["text"] for c in rows[0]] == ["序号", "地区", "示范城市", "试点城市"]
    assert [c["text"] for c in rows[-1]] == ["合计", "3", "4"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("rows:\n  - [河南, 11]\n", r"q\.yaml:5:6 rows\[1\]\[1\]：未知地区“河南”，是否想写“河南省”"),
        ("rows:\n  - [河南省, 11]\n  - [河南省, 2]\n", r"q\.yaml:6:6 .*地区“河南省”重复（第5行已有）"),
        ("rows:\n  - [河南省, -1]\n", r"名额应为不小于0的整数"),
        (
            "rows:\n  - [河南省, 1]\ncounts:\n  - {region: 河南省, advantage: 1, little_giant: 1}\n",
            r"counts：.*不能与 rows 同时写",
        ),
    ],
)
def test_quota_table_errors_are_located(tmp_path, body, message):
    spec = write(tmp_path, "q.yaml", "kind: quota_table\nname: 名额\nprogramme: 示范企业\n" + body)
    assert any(re.search(message, p) for p in problems_of(spec)), problems_of(spec)


# -- blank forms and lists --------------------------------------------------------------------
@pytest.mark.parametrize(("name", "rows", "columns"), [("contact-form", 5, 5), ("receipt", 3, 5)])
def test_blank_forms_have_their_columns_and_empty_rows(name, rows, columns):
    markdown, docx = build(ANNEXES / f"{name}.yaml")
    table = grid(document_xml(docx).find(".//w:tbl", NS))
    assert len(table) == rows + 1 and len(table[0]) == columns
    assert all(c["text"] == "" for row in table[1:] for c in row)
    data = load_spec(ANNEXES / f"{name}.yaml").data
    assert [c["text"] for c in table[0]] == data["columns"]


def test_name_list_merges_the_province_cell(tmp_path):
    spec = write(
        tmp_path,
        "list.yaml",
        "kind: name_list\nname: 试点县名单\nprogramme: 试点县\ngroups:\n"
        "  - {province: 河南省, names: [甲县, 乙县, 丙县]}\n  - {province: 湖北省, names: [丁县]}\n",
    )
    markdown, docx = build(spec)
    rows = grid(document_xml(docx).find(".//w:tbl", NS))
    assert [(r[1]["text"], r[1]["vmerge"]) for r in rows[1:]] == [
        ("河南省", "restart"),
        ("", "continue"),
        ("", "continue"),
        ("湖北省", None),
    ]
    assert [r[0]["text"] for r in rows[1:]] == ["1", "2", "3", "4"]
    assert md_table_rows(markdown, "序号")[2] == ["2", "", "乙县"]


def test_name_list_rejects_a_name_twice(tmp_path):
    spec = write(tmp_path, "list.yaml", "kind: name_list\nname: 名单\nnames: [甲市, 乙市, 甲市]\n")
    assert any("“甲市”重复" in p for p in problems_of(spec))


# -- both outputs agree -----------------------------------------------------------------------
ANNEX_EXAMPLES = sorted(ANNEXES.glob("*.yaml"))
ROUND_EXAMPLES = sorted((REPO / "examples" / "rounds" / "henan-2023").glob("*.yaml"))
NOTICES_WITH_FILES = [
    REPO / "examples" / "notices" / f
    for f in ("cnipa-2022-497.yaml", "henan-2023-38.yaml", "cnipa-2018-city.yaml")
]


@pytest.mark.parametrize("path", ANNEX_EXAMPLES + ROUND_EXAMPLES + NOTICES_WITH_FILES, ids=lambda p: p.stem)
def test_docx_and_markdown_blocks_are_equal(path):
    markdown, docx = build(path)
    assert docx_blocks(docx) == markdown_blocks(markdown)


# -- notices attaching annex specs ------------------------------------------------------------
def test_notice_attachment_comes_from_the_annex_spec():
    markdown, docx = build(REPO / "examples" / "notices" / "cnipa-2022-497.yaml")
    blocks = markdown_blocks(markdown)
    assert "附件：1.2022年度示范企业申报推荐名额分配表" in blocks
    assert "2022年国家知识产权示范企业推荐名额" in blocks
    assert "单位：" in blocks
    tables = document_xml(docx).findall(".//w:tbl", NS)
    quota = grid(next(t for t in tables if grid(t)[0][1]["text"] == "地区"))
    assert [c["text"] for c in quota[37]] == ["37", "深圳市", "9"]


def test_notice_puts_attached_evaluation_forms_on_landscape_pages():
    _, docx = build(REPO / "examples" / "notices" / "henan-2023-38.yaml")
    root = document_xml(docx)
    orients = [s.find("w:pgSz", NS).get(w("orient")) for s in root.iter(w("sectPr"))]
    # The 版记 prints at the foot of the last page, here the landscape one (LibreOffice puts
    # a floating table after a section break at the top of a new portrait page instead).
    assert orients.count("landscape") >= 1 and orients[-1] == "landscape"
    merged = [tc for tc in root.iter(w("tc")) if tc.find("w:tcPr/w:vMerge", NS) is not None]
    assert merged, "the attached forms keep their merged headings"


def _notice(folder: Path, attachments: str) -> Path:
    return write(
        folder,
        "notice.yaml",
        "kind: notice\nformat: letter\nissuer: 示例局\ndoc_number: 示函〔2023〕1号\ntitle: 示例通知\n"
        "recipients: 各单位\nbody: [现印发。]\nsignature: 示例局\ndate: 2023-07-18\n"
        f"attachments:\n{attachments}",
    )


def test_missing_attachment_file_is_named(tmp_path):
    problems = problems_of(_notice(tmp_path, "  - file: annexes/none.yaml\n"))
    assert any(
        re.search(r"notice\.yaml:11:11 attachments\[1\]\.file：找不到附件文件“annexes/none\.yaml”", p)
        for p in problems
    )


def test_broken_attachment_reports_both_files(tmp_path):
    (tmp_path / "annexes").mkdir()
    write(tmp_path / "annexes", "form.yaml", "kind: evaluation_form\nlevel: city\nresults:\n  40: 多\n")
    problems = problems_of(_notice(tmp_path, "  - file: annexes/form.yaml\n"))
    assert any(
        p.startswith(str(tmp_path / "notice.yaml")) and "annexes/form.yaml 未通过检查" in p for p in problems
    )
    assert any(
        p.startswith(str(tmp_path / "annexes" / "form.yaml") + ":4") and "没有第40项指标" in p
        for p in problems
    )


def test_two_notices_attaching_each_other_are_refused_not_recursed(tmp_path):
    _notice(tmp_path, "  - file: other.yaml\n")
    other = (tmp_path / "notice.yaml").read_text(encoding="utf-8").replace("other.yaml", "notice.yaml")
    write(tmp_path, "other.yaml", other)
    problems = problems_of(tmp_path / "notice.yaml")
    assert any("附上本文件的" in p and "不能直接或间接附上自己" in p for p in problems), problems


def test_file_and_name_together_are_refused(tmp_path):
    shutil.copy(ANNEXES / "receipt.yaml", tmp_path / "receipt.yaml")
    problems = problems_of(_notice(tmp_path, "  - file: receipt.yaml\n    name: 回执\n"))
    assert any("不能与 name 同时写" in p for p in problems)


def test_unknown_programme_is_a_warning_with_did_you_mean(tmp_path):
    spec = write(
        tmp_path,
        "q.yaml",
        "kind: quota_table\nname: 名额\nprogramme: [示范城市, 示范园]\nrows:\n  - [河南省, 1, 1]\n",
    )
    loaded = load_spec(spec)
    kind, document = validate(loaded)  # a one-off table is built as written
    assert [row[2:] for row in document["body"][0]["table"]["rows"]] == [[1, 1], [1, 1]]
    (warning,) = warnings(loaded, kind, document)
    assert re.search(r"q\.yaml:3:\d+ programme\[2\]", str(warning))
    assert "未知类别“示范园”，是否想写“示范园区”？" in warning.message


def test_other_kinds_attach_annex_files_too(tmp_path):
    shutil.copy(ANNEXES / "receipt.yaml", tmp_path / "receipt.yaml")
    letter = (REPO / "examples" / "rounds" / "henan-2023" / "recommendation-henan.yaml").read_text(
        encoding="utf-8"
    )
    spec = write(tmp_path, "letter.yaml", letter + "attachments:\n  - file: receipt.yaml\n")
    markdown, docx = build(spec)
    assert "联系人回执" in markdown_blocks(markdown)
    assert docx_blocks(docx) == markdown_blocks(markdown)


def test_a_notice_attaching_itself_is_refused_not_recursed(tmp_path):
    problems = problems_of(_notice(tmp_path, "  - file: notice.yaml\n"))
    assert any("附件文件是本文件自身" in p for p in problems), problems


def test_a_count_too_large_to_compute_is_named(tmp_path):
    """A count of 30 digits: the quota's exact (28-digit) decimal sum could not be rounded, and
    ``build`` stopped with an internal error; now the count is refused at its line, as a
    negative one is. Counts up to a billion are computed."""
    text = (ANNEXES / "quota-computed.yaml").read_text(encoding="utf-8")
    spec = write(tmp_path, "q.yaml", text.replace("advantage: 150,", "advantage: " + "9" * 30 + ",", 1))
    found = problems_of(spec)
    assert len(found) == 1 and "q.yaml:17:" in found[0] and "counts[1].advantage" in found[0], found
    assert "超出范围" in found[0] and "（应在 0—1000000000 之间）" in found[0]
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "内部错误" not in result.output, result.output
    assert not (tmp_path / "out").exists()
    largest = write(tmp_path, "l.yaml", text.replace("advantage: 150,", "advantage: 1000000000,", 1))
    assert "| 北京市 | 80000005 |" in build(largest)[0]  # 8% of a billion and 2% of 230, rounded


def test_title_unlike_its_attachment_note_name_is_a_warning(tmp_path):
    """§7.3.7: the attachment's title repeats the name the 附件说明 lists. The seed of
    cnipa-2022-497 lists “2022年度示范企业申报推荐名额分配表” over a table titled
    “2022年国家知识产权示范企业推荐名额”: said at the title's line, the build goes on."""
    seed = ANNEXES / "quota-2022.yaml"
    loaded = load_spec(seed)
    kind, document = validate(loaded)
    (warning,) = [w for w in warnings(loaded, kind, document) if "附件说明" in w.message]
    assert re.search(r"quota-2022\.yaml:6:\d+ title", str(warning))
    assert "“2022年度示范企业申报推荐名额分配表”不同" in warning.message and "7.3.7" in warning.message
    text = "kind: quota_table\nname: 名额表\ntitle: 名额表\nprogramme: 示范企业\nrows:\n  - [河南省, 1]\n"
    same = write(tmp_path, "same.yaml", text)
    loaded = load_spec(same)
    assert not [w for w in warnings(loaded, *validate(loaded)) if "附件说明" in w.message]


# -- attachments named only --------------------------------------------------------------------
_NOTICE_HEAD = (
    "kind: notice\nformat: letter\nissuer: 示例省知识产权局\ndoc_number: 示知函〔2023〕1号\n"
    "title: 示例省知识产权局关于示例工作的通知\nrecipients: 各市知识产权局\nbody:\n  - 特此通知。\n"
    "signature: 示例省知识产权局\ndate: 2023-08-01\nattachments:\n"
)


def test_attachments_named_only_are_said_once_to_need_sending_separately(tmp_path):
    """No silent blanks: the 附件说明 lists 附件2—4, the document has no page of theirs. One
    warning, at the first of them, numbering them all; the build goes on (exit code 0)."""
    spec = write(
        tmp_path,
        "notice.yaml",
        _NOTICE_HEAD
        + "  - name: 回执\n    body: [表格另附]\n"
        + "  - name: 试点城市名单\n  - name: 试点县名单\n  - name: 名额分配表\n"
        + "  - name: 上级来文\n    label_page: true\n",
    )
    loaded = load_spec(spec)
    kind, document = validate(loaded)
    notes = warnings(loaded, kind, document)
    assert len(notes) == 1, notes
    (note,) = notes
    assert (note.line, note.field) == (14, "attachments[2]")
    assert (
        note.message.startswith("附件2—4（“试点城市名单”“试点县名单”等）只写了名称")
        and "须另行附上" in note.message
    )
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.output.count("警告") == 1 and "notice.yaml:14:5 attachments[2]" in result.output
    assert (tmp_path / "out" / "notice.docx").exists()


def test_attachments_marked_as_provided_separately_are_not_said(tmp_path):
    """``separate: true`` says the office sends them (a web page's linked files): no warning,
    and the document is the same as without it. A lone bare attachment is “附件”, unnumbered."""
    marked = write(tmp_path, "marked.yaml", _NOTICE_HEAD + "  - name: 名单\n    separate: true\n")
    bare = write(tmp_path, "bare.yaml", _NOTICE_HEAD + "  - name: 名单\n")
    loaded = load_spec(marked)
    assert warnings(loaded, *validate(loaded)) == []
    loaded = load_spec(bare)
    (note,) = warnings(loaded, *validate(loaded))
    assert note.message.startswith("附件（“名单”）只写了名称")
    assert build(marked)[0] == build(bare)[0]
    for example in ("notices/cnipa-2023-582.yaml", "rounds/henan-2023/cnipa-2023-582.yaml"):
        loaded = load_spec(REPO / "examples" / example)
        assert warnings(loaded, *validate(loaded)) == [], example


def test_an_attachment_provided_separately_has_no_content(tmp_path):
    spec = write(
        tmp_path, "notice.yaml", _NOTICE_HEAD + "  - name: 名单\n    separate: true\n    body: [内容]\n"
    )
    assert any("separate" in p or "body" in p for p in problems_of(spec))
