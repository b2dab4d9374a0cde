"""``wenshu batch``: every letter equals its record, names are safe, bad rows are reported by
number while the rest are written, the merged file has one letter per page group, and the
fast Word writer makes the same documents as ``build_docx``.

Letters are read back with python-docx and lxml (tests/conftest.py), not wenshu's code.
"""

from __future__ import annotations

import copy
import csv
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from lxml import etree
from ruamel.yaml import YAML

from tests.conftest import NS, REPO, DocxFile, paragraph_text, style_id, w
from wenshu.build.batch import (
    MAX_NAME_BYTES,
    MAX_NAME_CHARS,
    load_batch,
    run_batch,
    safe_stem,
    unique_stems,
)
from wenshu.build.lines import provably_fits
from wenshu.build.pipeline import render
from wenshu.cli.main import main
from wenshu.errors import WenshuError
from wenshu.extract import docx_blocks, markdown_blocks
from wenshu.render import package
from wenshu.render.docx import build_docx
from wenshu.spec.kinds import Kind
from wenshu.spec.load import Layers, Spec, looks_like_batch
from wenshu.spec.records import RecordSpec
from wenshu.validate import is_layered, validate, validator_for

LETTERS = REPO / "examples" / "letters"
SPEC = LETTERS / "recommendations.yaml"
CSV = LETTERS / "recommendations.csv"
WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def read_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return YAML(typ="safe", pure=True).load(fh)


def csv_rows(path: Path = CSV) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def letter_paragraphs(path: Path) -> list[tuple[str | None, str]]:
    """(style, text) of each body paragraph with text, read with zipfile and lxml."""
    body = DocxFile(path).all_body_paragraphs()
    return [(style_id(p), paragraph_text(p)) for p in body if paragraph_text(p).strip()]


def first_page_header_text(path: Path) -> str:
    header = DocxFile(path).header("first")
    return "".join(paragraph_text(p) for p in header.iter(w("p")))


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def example_batch(tmp_path_factory) -> tuple[Path, list[str]]:
    """The example batch written once, serially, with the merged file."""
    out = tmp_path_factory.mktemp("letters")
    result = run_batch(load_batch(SPEC), out, jobs=1, merge=True)
    assert not result.failed, [str(p) for p in result.problems()]
    return out, result.names


# -- content ----------------------------------------------------------------------------------
def test_every_letter_equals_its_record(example_batch):
    out, names = example_batch
    spec = read_yaml(SPEC)
    rows = csv_rows()
    assert len(rows) >= 10 and len(names) == len(rows)
    for row, name in zip(rows, names, strict=True):
        assert name == row["推荐对象"]
        docx = out / f"{name}.docx"
        paragraphs = letter_paragraphs(docx)
        styles = {s: t for s, t in paragraphs}
        body = "\n".join(t for s, t in paragraphs if s == "WsBody")
        title = styles["WsTitle"].replace("\n", "")
        assert styles["WsDocNumber"] == row["发文字号"]
        assert title == f"{spec['issuer']}关于推荐{row['推荐对象']}申报{row['申报类别']}的函"
        assert styles["WsRecipients"] == "国家知识产权局："
        assert f"《{spec['basis']['title']}》（{spec['basis']['doc_number']}）" in body
        assert f"我局对{row['推荐对象']}报送的申报材料进行了审核。{row['审核情况'] or spec['review']}" in body
        assert (
            f"同意推荐{row['推荐对象']}申报{row['申报类别']}（推荐排序第{row['推荐排序']}位）。特此推荐。"
            in body
        )
        assert styles["WsSignature"] == spec["issuer"]
        assert styles["WsDate"] == "2023年9月8日"
        assert (
            styles["WsContact"]
            == f"（联系人：{spec['contact']['name']}；联系电话：{spec['contact']['phone']}）"
        )
        assert first_page_header_text(docx) == spec["issuer"]
        # The .md carries the same text, block for block.
        assert docx_blocks(docx) == markdown_blocks((out / f"{name}.md").read_text(encoding="utf-8"))


def test_letter_layout_is_the_letter_frame(example_batch):
    """信函格式: the mark in the first-page header, 发文字号 flush right, no number on page 1."""
    out, names = example_batch
    docx = DocxFile(out / f"{names[0]}.docx")
    assert docx.sections()[0].find(w("titlePg")) is not None
    number = next(p for p in docx.body_paragraphs() if style_id(p) == "WsDocNumber")
    assert number.find("w:pPr/w:jc", NS).get(w("val")) == "right"
    first_footer = "".join(paragraph_text(p) for p in docx.footer("first").iter(w("p")))
    assert "—" not in first_footer
    assert zipfile.ZipFile(docx.path).testzip() is None


def test_xlsx_twin_gives_the_same_letters(example_batch, tmp_path):
    out, names = example_batch
    result = run_batch(load_batch(SPEC, LETTERS / "recommendations.xlsx"), tmp_path, jobs=1)
    assert result.names == names and not result.failed
    for name in names:
        assert (tmp_path / f"{name}.md").read_bytes() == (out / f"{name}.md").read_bytes()
        assert (tmp_path / f"{name}.docx").read_bytes() == (out / f"{name}.docx").read_bytes()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_with_bom_or_gb18030_reads_the_same(example_batch, tmp_path, encoding):
    out, names = example_batch
    shutil.copy(SPEC, tmp_path / SPEC.name)
    (tmp_path / CSV.name).write_bytes(CSV.read_text(encoding="utf-8").encode(encoding))
    result = run_batch(load_batch(tmp_path / SPEC.name), tmp_path / "out", jobs=1)
    assert result.names == names and not result.failed
    assert (tmp_path / "out" / f"{names[0]}.md").read_bytes() == (out / f"{names[0]}.md").read_bytes()


def test_records_in_the_spec_and_differing_marks(tmp_path):
    """applications.yaml: records: in the YAML, one 申报函 per county, each with its own mark."""
    spec = read_yaml(LETTERS / "applications.yaml")
    result = run_batch(load_batch(LETTERS / "applications.yaml"), tmp_path, jobs=1, merge=True)
    assert not result.failed
    assert result.names == [r["issuer"] for r in spec["records"]]
    for record in spec["records"]:
        docx = tmp_path / f"{record['issuer']}.docx"
        assert first_page_header_text(docx) == record["issuer"]
        styles = dict(letter_paragraphs(docx))
        assert styles["WsDocNumber"] == record["doc_number"]
        assert styles["WsSignature"] == record["issuer"]
        assert record["contact"]["name"] in styles["WsContact"]
    assert "2023年8月21日" in dict(letter_paragraphs(tmp_path / "示例海区人民政府.docx"))["WsDate"]
    # Merged: every letter's first page shows its own county's mark.
    merged = tmp_path / "applications-合并.docx"
    headers = _first_page_headers(merged)
    assert headers == [r["issuer"] for r in spec["records"]]


def test_single_application_letter_builds(tmp_path):
    result = run_cli("build", str(LETTERS / "application.yaml"), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    styles = dict(letter_paragraphs(tmp_path / "application.docx"))
    assert styles["WsRecipients"] == "示例省知识产权局："
    assert styles["WsDocNumber"] == "示政函〔2023〕45号"


def test_recommendation_list_in_one_letter(tmp_path):
    spec = tmp_path / "list.yaml"
    spec.write_text(
        SPEC.read_text(encoding="utf-8").replace("data: recommendations.csv\n", "")
        + "doc_number: 示知函〔2023〕120号\nprogramme: 国家知识产权强县建设试点县\napplicants:\n"
        "  - {name: 示例林县, rank: 1}\n  - {name: 示例川县, rank: 2}\n",
        encoding="utf-8",
    )
    result = run_cli("build", str(spec), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    cells = [paragraph_text(tc) for tc in DocxFile(tmp_path / "out" / "list.docx").body.iter(w("tc"))]
    assert cells[:6] == ["推荐排序", "推荐对象", "申报类别", "1", "示例林县", "国家知识产权强县建设试点县"]


# -- problems ---------------------------------------------------------------------------------
def example_rows() -> list[list[str]]:
    """The example CSV's records, without its header."""
    with CSV.open(encoding="utf-8") as fh:
        return list(csv.reader(fh))[1:]


def batch_of(tmp_path: Path, rows: list[list[str]]):
    """``wenshu batch`` on the example spec with ``rows`` as its CSV, into tmp_path/out."""
    return run_cli("batch", str(_batch_folder(tmp_path, rows)), "-o", str(tmp_path / "out"), "-j", "1")


def _batch_folder(tmp_path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    shutil.copy(SPEC, tmp_path / SPEC.name)
    with open(tmp_path / CSV.name, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header or ["推荐对象", "申报类别", "推荐排序", "发文字号", "审核情况"])
        out.writerows(rows)
    return tmp_path / SPEC.name


def test_bad_row_is_reported_by_number_and_the_rest_are_written(tmp_path):
    rows = example_rows()
    rows[1][2] = "第二"  # CSV line 3: rank is not a number
    rows[3][1] = "国家知识产权强县建设示范市"  # line 5: no such programme
    rows[5][3] = "示知函[2023]106号"  # line 7: wrong brackets
    spec = _batch_folder(tmp_path, rows)
    out = tmp_path / "out"
    result = run_cli("batch", str(spec), "-o", str(out), "-j", "1")
    assert result.exit_code == 1
    errors = result.stderr
    assert re.search(r"recommendations\.csv:3 rank：.*整数", errors), errors
    assert re.search(r"recommendations\.csv:5 programme：.*是否想写“国家知识产权强县建设示范县”", errors), (
        errors
    )
    assert re.search(r"recommendations\.csv:7 doc_number：.*〔2023〕", errors), errors
    bad = {rows[1][0], rows[3][0], rows[5][0]}
    for row in rows:
        assert (out / f"{row[0]}.docx").exists() == (row[0] not in bad), row[0]
        assert (out / f"{row[0]}.md").exists() == (row[0] not in bad), row[0]
    assert "有错误　　3 份" in result.stdout and "已生成　　9 份" in result.stdout
    assert "Traceback" not in result.output


def test_a_missing_data_file_is_said_at_the_specs_data_line(tmp_path):
    shutil.copy(SPEC, tmp_path / SPEC.name)  # no CSV beside it
    line = next(
        n
        for n, text in enumerate((tmp_path / SPEC.name).read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("data:")
    )
    out = tmp_path / "out"
    result = run_cli("batch", str(tmp_path / SPEC.name), "-o", str(out))
    assert result.exit_code != 0
    assert re.search(rf"{SPEC.name}:{line}:\d+ data：数据文件“{CSV.name}”不存在", result.stderr), (
        result.stderr
    )
    assert "Traceback" not in result.output and not out.exists()


@pytest.mark.parametrize("bad", ["\x07", "\ufffe", "\uffff"])
def test_a_cell_with_characters_word_cannot_hold_is_refused(tmp_path, bad):
    rows = example_rows()
    rows[2][4] = f"经审核{bad}符合条件。"  # CSV line 4
    out = tmp_path / "out"
    result = run_cli("batch", str(_batch_folder(tmp_path, rows)), "-o", str(out), "-j", "1")
    assert result.exit_code == 1
    assert re.search(r"recommendations\.csv:4 review：.*控制字符", result.stderr), result.stderr
    assert not (out / f"{rows[2][0]}.docx").exists()
    for row in rows[:2] + rows[3:]:
        etree.fromstring(zipfile.ZipFile(out / f"{row[0]}.docx").read("word/document.xml"))


def test_a_lone_surrogate_in_a_yaml_record_is_refused_with_its_line(tmp_path):
    text = (LETTERS / "applications.yaml").read_text(encoding="utf-8")
    first = re.search(r"^  - issuer: (.+)$", text, re.M)
    assert first, "the example's first record names its issuer"
    text = text.replace(first.group(0), f'  - issuer: "{first.group(1)}\\ud800"', 1)
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    result = run_cli("batch", str(tmp_path / "a.yaml"), "-o", str(tmp_path / "out"), "-j", "1")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"a\.yaml:\d+:\d+ records\[1\]\.issuer：.*控制字符", result.stderr), result.stderr
    assert "已生成" in result.stdout


def test_a_value_split_by_an_unquoted_comma_names_its_column_and_the_cause(tmp_path):
    """审核情况 typed with an English comma and no quotes spills into a sixth column: the
    message names the row, the column and its value, and says how to write the comma."""
    shutil.copy(SPEC, tmp_path / SPEC.name)
    lines = CSV.read_text(encoding="utf-8").splitlines()
    lines[2] = "示例西市,国家知识产权强市建设示范城市,2,示知函〔2023〕102号,经审核,材料完整"
    (tmp_path / CSV.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("batch", str(tmp_path / SPEC.name), "-o", str(out), "-j", "1")
    assert result.exit_code == 1
    said = [line for line in result.stderr.splitlines() if "recommendations.csv:3 " in line]
    assert len(said) == 1, result.stderr
    assert "第6列“材料完整”在列名之外：列名只有 5 列" in said[0] and "双引号" in said[0], said[0]
    assert not (out / "示例西市.docx").exists() and (out / "示例东市.docx").exists()


@pytest.mark.parametrize(
    ("separator", "said"), [("，", "中文逗号“，”"), ("\t", "制表符"), ("；", "中文分号“；”")]
)
def test_columns_separated_by_a_chinese_comma_or_tab_are_said_so(tmp_path, separator, said):
    """A CSV typed with the Chinese comma (or saved with tabs) has one cell a row: the clerk
    is told the separator, not to delete a “title row” that is the row of column names."""
    shutil.copy(SPEC, tmp_path / SPEC.name)
    lines = [
        separator.join(next(csv.reader([line]))) for line in CSV.read_text(encoding="utf-8").splitlines()
    ]
    (tmp_path / CSV.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("batch", str(tmp_path / SPEC.name), "-o", str(out), "-j", "1")
    assert result.exit_code == 1 and not out.exists()
    assert f"recommendations.csv:1 第1行的列之间是{said}，CSV 的列要用英文逗号" in result.stderr, (
        result.stderr
    )
    assert "标题行" not in result.stderr


def test_a_workbook_whose_first_sheet_is_empty_says_only_the_first_is_read(tmp_path):
    """The records on the second sheet of a workbook: the clerk is told that only the first
    sheet is read, not merely that the file is empty."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "说明"
    data = book.create_sheet("推荐名单")
    for row in [["推荐对象", "申报类别", "推荐排序", "发文字号"], *(r[:4] for r in example_rows())]:
        data.append(row)
    book.save(tmp_path / "data.xlsx")
    shutil.copy(SPEC, tmp_path / SPEC.name)
    out = tmp_path / "out"
    result = run_cli(
        "batch", str(tmp_path / SPEC.name), "--data", str(tmp_path / "data.xlsx"), "-o", str(out)
    )
    assert result.exit_code == 1 and not out.exists()
    assert "data.xlsx 第一个工作表是空的（只读第一个工作表" in result.stderr, result.stderr


def test_an_empty_row_above_the_column_names_is_said_so(tmp_path):
    """A blank first line (the column names below it): said at line 1, not “no records”."""
    shutil.copy(SPEC, tmp_path / SPEC.name)
    (tmp_path / CSV.name).write_text("\n" + CSV.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("batch", str(tmp_path / SPEC.name), "-o", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert re.search(
        r"recommendations\.csv:1 第1行应是列名（如 .*），却是空行；请删去表格上方的空行", result.stderr
    )


def test_an_old_excel_workbook_says_how_to_save_it(tmp_path):
    shutil.copy(SPEC, tmp_path / SPEC.name)
    shutil.copy(LETTERS / "recommendations.xlsx", tmp_path / "推荐.xls")
    result = run_cli(
        "batch", str(tmp_path / SPEC.name), "--data", str(tmp_path / "推荐.xls"), "-o", str(tmp_path / "o")
    )
    assert result.exit_code == 1 and not (tmp_path / "o").exists()
    assert (
        "推荐.xls 数据文件应为 .csv 或 .xlsx，而不是“.xls”（旧版 Excel 工作簿：请在 Excel 中另存为"
        in result.stderr
    )


def test_a_csv_of_two_encodings_names_the_line_where_the_second_begins(tmp_path):
    """Rows saved from a Chinese Excel (GB18030) appended to a UTF-8 file: said at the first
    such line, not read as garbled column names."""
    shutil.copy(SPEC, tmp_path / SPEC.name)
    lines = CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    data = "".join(lines[:5]).encode("utf-8") + "".join(lines[5:]).encode("gb18030")
    (tmp_path / CSV.name).write_bytes(data)
    out = tmp_path / "out"
    result = run_cli("batch", str(tmp_path / SPEC.name), "-o", str(out))
    assert result.exit_code == 1 and not out.exists()
    assert "recommendations.csv:6 第6行起的文字不是 UTF-8 编码，而此前各行是" in result.stderr, result.stderr


def test_empty_cells_are_reported_once_where_they_are(tmp_path):
    rows = example_rows()
    rows[0][0] = ""  # line 2: no applicant
    rows[1][1] = ""  # line 3: no programme, while the spec sets quotas
    result = batch_of(tmp_path, rows)
    assert result.exit_code == 1
    line_2 = [line for line in result.stderr.splitlines() if "recommendations.csv:2 " in line]
    assert len(line_2) == 1 and "二者须写一个" in line_2[0], result.stderr
    assert re.search(r"recommendations\.csv:3 programme：填写了推荐名额时，须写明申报类别", result.stderr)


def test_problems_in_the_spec_itself_point_at_the_yaml_once(tmp_path):
    spec = _batch_folder(tmp_path, example_rows())
    spec.write_text(spec.read_text(encoding="utf-8").replace("date: 2023-09-08", "date: 2023-09-30"), "utf-8")
    result = run_cli("batch", str(spec), "-o", str(tmp_path / "out"), "-j", "1")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "晚于通知规定的报送截止日期" in line]
    assert len(lines) == 1 and re.search(r"recommendations\.yaml:\d+:\d+ date：", lines[0]), result.stderr
    # Every letter failed for it: said once, as the batch's, not as 有错误 N 份; no folder made.
    assert "有错误" not in result.output and "已生成" not in result.output
    assert not (tmp_path / "out").exists()


def test_unknown_column_is_an_error_with_a_suggestion(tmp_path):
    row = ["示例东市", "国家知识产权强市建设示范城市", "1", "示知函〔2023〕1号", ""]
    spec = _batch_folder(tmp_path, [row], ["推荐对象", "申报类别", "推荐排序", "发文字号", "审核情况x"])
    result = run_cli("batch", str(spec), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "第5列“审核情况x”不是推荐函的字段，是否想写“审核情况”？" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_title_row_above_the_table_is_explained(tmp_path):
    rows = [r for r in csv.reader(CSV.open(encoding="utf-8"))]
    spec = _batch_folder(tmp_path, rows, ["2023年示例省推荐名单", "", "", "", ""])
    result = run_cli("batch", str(spec), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "第1行应是列名" in result.stderr and "删去表格上方的标题行" in result.stderr, result.stderr
    assert "是否想写" not in result.stderr


def test_cross_record_checks_name_the_rows(tmp_path):
    rows = example_rows()
    rows[1][2] = "1"  # line 3 repeats line 2's rank 1 for 示范城市
    rows.append(
        ["示例新市", "国家知识产权强市建设示范城市", "3", "示知函〔2023〕113号", ""]
    )  # a third: quota is 2
    result = batch_of(tmp_path, rows)
    assert result.exit_code == 1
    assert re.search(r"recommendations\.csv:3 rank：与第2行重复", result.stderr), result.stderr
    assert re.search(r"recommendations\.csv:14 programme：.*超出推荐名额 2 个", result.stderr), result.stderr


def test_an_applicant_or_doc_number_twice_in_a_batch(tmp_path):
    rows = example_rows()
    rows[4][0] = rows[0][0]  # line 6 recommends line 2's applicant again
    rows[7][3] = rows[6][3]  # line 9 reuses line 8's 发文字号
    result = batch_of(tmp_path, rows)
    assert result.exit_code == 1
    assert re.search(r"recommendations\.csv:6 applicant：与第2行重复", result.stderr), result.stderr
    assert re.search(r"recommendations\.csv:9 doc_number：与第8行重复", result.stderr), result.stderr


def test_sentences_from_a_csv_end_with_a_full_stop(tmp_path):
    rows = example_rows()
    rows[2][4] = "经审核，该市申报材料完整"  # line 4: the paragraph would stop mid-air
    result = batch_of(tmp_path, rows)
    assert result.exit_code == 1
    assert re.search(r"recommendations\.csv:4 review：.*应以“。”", result.stderr), result.stderr


def test_yaml_records_point_at_their_lines(tmp_path):
    text = (LETTERS / "applications.yaml").read_text(encoding="utf-8")
    text = text.replace("示川政函〔2023〕7号", "示川政函（2023）7号")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "示川政函" in t)
    result = run_cli("batch", str(tmp_path / "a.yaml"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert re.search(rf"a\.yaml:{line}:\d+ records\[2\]\.doc_number：.*〔〕", result.stderr), result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{n}.{e}" for n in ("示例林县人民政府", "示例海区人民政府") for e in ("docx", "md")
    )


# -- names ------------------------------------------------------------------------------------
HOSTILE = ["../../x", "CON", "a/b", "nul.txt", "a\\b", ". .", "x" * 300, "示例" * 200, "con", "  ..evil..  "]


def test_safe_stems():
    stems = unique_stems([*HOSTILE, "", "CON"], lambda i: f"推荐函{i + 1}")
    assert len({s.casefold() for s in stems}) == len(stems)
    for stem in stems:
        assert stem and "/" not in stem and "\\" not in stem and ".." not in stem
        assert not stem.startswith(".") and not stem.endswith((".", " "))
        assert stem.split(".")[0].upper() not in WINDOWS_RESERVED
        assert len(stem) <= MAX_NAME_CHARS and len(stem.encode("utf-8")) <= MAX_NAME_BYTES
    assert stems[10] == "推荐函11"  # the empty name falls back
    assert safe_stem("示例市") == "示例市"


def test_hostile_names_make_safe_files_inside_the_folder(tmp_path):
    # "a/b" and "a_b" are two applicants whose file names come out the same.
    names = ["../../x", "CON", "a/b", "x" * 300, "示例市", "a_b"]
    rows = [
        [n, "国家知识产权强县建设试点县", str(i), f"示知函〔2023〕{i}号", ""] for i, n in enumerate(names, 1)
    ]
    (tmp_path / "in").mkdir()
    spec = _batch_folder(tmp_path / "in", rows)
    quota = spec.read_text(encoding="utf-8").replace(
        "国家知识产权强县建设试点县: 4", "国家知识产权强县建设试点县: 9"
    )
    spec.write_text(quota, encoding="utf-8")
    out = tmp_path / "deep" / "out"
    result = run_cli("batch", str(spec), "-o", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    written = sorted(out.iterdir())
    assert all(p.parent == out and p.is_file() for p in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep", "in"]  # nothing written beside
    stems = sorted({p.stem for p in written})
    assert len(stems) == len(names)
    assert "_CON" in stems and "示例市" in stems and "a_b" in stems and "a_b-2" in stems
    for stem in stems:
        assert "/" not in stem and ".." not in stem and len(stem) <= MAX_NAME_CHARS
    # The letter still says what the record says, whatever its file is called.
    styles = dict(letter_paragraphs(out / "_CON.docx"))
    assert "推荐CON申报" in styles["WsTitle"].replace("\n", "")


def test_empty_name_pattern_falls_back(tmp_path):
    result = run_batch(load_batch(SPEC), tmp_path, jobs=1, name="{note}")
    assert result.names[:2] == ["推荐函1", "推荐函2"]


@pytest.mark.parametrize(
    ("pattern", "message"), [("{rank", "花括号没有配对"), ("推荐函", "没有字段"), ("}{applicant}", "花括号")]
)
def test_a_name_pattern_that_cannot_work_is_refused(tmp_path, pattern, message):
    result = run_cli("batch", str(SPEC), "-o", str(tmp_path / "out"), "--name", pattern)
    assert result.exit_code == 1 and message in result.stderr, result.output
    assert not (tmp_path / "out").exists()


def test_a_name_pattern_may_end_in_the_extension(tmp_path):
    result = run_batch(load_batch(SPEC), tmp_path, jobs=1, name="{applicant}.docx")
    assert result.names[0] == csv_rows()[0]["推荐对象"]


def test_name_pattern_with_fields_and_unknown_field(tmp_path):
    result = run_batch(load_batch(SPEC), tmp_path, jobs=1, name="{rank}-{applicant}（{申报类别}）")
    assert result.names[0] == "1-示例东市（国家知识产权强市建设示范城市）"
    with pytest.raises(WenshuError, match="是否想写“{applicant}”"):
        run_batch(load_batch(SPEC), tmp_path, jobs=1, name="{aplicant}")


# -- merge ------------------------------------------------------------------------------------
def _first_page_headers(merged: Path) -> list[str]:
    """The text of each section's first-page header, for the sections that start a letter."""
    with zipfile.ZipFile(merged) as zf:
        rels = {
            r.get("Id"): "word/" + r.get("Target")
            for r in etree.fromstring(zf.read("word/_rels/document.xml.rels"))
        }
        body = etree.fromstring(zf.read("word/document.xml")).find(w("body"))
        out = []
        for sect in body.iter(w("sectPr")):
            if sect.find(w("titlePg")) is None:
                continue  # the blank page after a letter of odd pages
            ref = sect.find("w:headerReference[@w:type='first']", NS)
            header = etree.fromstring(zf.read(rels[ref.get(f"{{{NS['r']}}}id")]))
            out.append("".join(paragraph_text(p) for p in header.iter(w("p"))))
    return out


def test_merged_document_has_one_letter_per_page_group(example_batch):
    out, names = example_batch
    merged = out / "recommendations-合并.docx"
    with zipfile.ZipFile(merged) as zf:
        assert zf.testzip() is None
        body = etree.fromstring(zf.read("word/document.xml")).find(w("body"))
    every = list(body.iter(w("sectPr")))
    # A blank page (a section with empty header and footer, no page number) after each
    # letter but the last that provably fits one page, so that printed on both sides each
    # letter starts on a front page (built without LibreOffice, a letter of 22 lines, which
    # may run over, has no page count and no blank page after it).
    starts = [s.find(w("pgNumType")) is not None for s in every]
    one_page = [provably_fits((out / f"{name}.docx").read_bytes()) for name in names]
    assert sum(one_page[:-1]) >= len(names) // 2
    expected = [
        x
        for k, fits in enumerate(one_page)
        for x in ([True, False] if fits and k < len(names) - 1 else [True])
    ]
    assert starts == expected, starts
    sections = [s for s, letter in zip(every, starts, strict=True) if letter]
    with zipfile.ZipFile(merged) as zf:
        rels = {
            r.get("Id"): r.get("Target") for r in etree.fromstring(zf.read("word/_rels/document.xml.rels"))
        }
        for blank in (s for s, letter in zip(every, starts, strict=True) if not letter):
            refs = [r for r in blank if r.tag in (w("headerReference"), w("footerReference"))]
            assert len(refs) == 6 and blank.find(w("titlePg")) is None
            for ref in refs:
                part = etree.fromstring(zf.read("word/" + rels[ref.get(f"{{{NS['r']}}}id")]))
                assert not "".join(part.itertext()).strip() and not part.findall(".//w:fldSimple", NS)
    for sect in sections:
        assert sect.find(w("pgNumType")).get(w("start")) == "1"  # page numbers restart per letter
        assert sect.find(w("titlePg")) is not None  # each letter's first page: mark, no number
        assert sect.find(w("type")) is None or sect.find(w("type")).get(w("val")) == "nextPage"
    # Split the body at the section breaks: each group is exactly one letter, in order.
    groups: list[list[str]] = [[]]
    for p in body.iter(w("p")):
        text = re.sub(r"\s+", " ", paragraph_text(p)).strip()
        if text:
            groups[-1].append(text)
        if p.find("w:pPr/w:sectPr", NS) is not None:
            groups.append([])
    groups = [g for g in groups if g]
    assert len(groups) == len(names)
    for group, name in zip(groups, names, strict=True):
        assert group == docx_blocks(out / f"{name}.docx")[1:]  # [0] is the mark, in the header
    assert Document(str(merged)).sections[0].different_first_page_header_footer  # Word can open it


# -- the fast writer --------------------------------------------------------------------------
def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _canonical(name: str, data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n") if name.endswith((".xml", ".rels")) else data


def _example_markdown(tmp_path: Path) -> list[str]:
    """The Markdown of every example (each letter of the batch examples), skipping any that
    does not currently validate: that is the example's problem, not the writers'."""
    texts = []
    for spec in sorted((REPO / "examples").rglob("*.yaml")):
        try:
            if looks_like_batch(spec):
                out = tmp_path / spec.stem
                run_batch(load_batch(spec), out, jobs=1, formats=("md",))
                texts += [p.read_text(encoding="utf-8") for p in sorted(out.glob("*.md"))]
            else:
                texts.append(render(spec, ("md",)).markdown)
        except WenshuError:
            continue
    return texts


def test_fast_writer_makes_the_same_documents_as_build_docx(tmp_path):
    """Every example (tables, landscape pages, 版记, attachments) through both writers."""
    factory = package.DocxFactory()
    examples = _example_markdown(tmp_path)
    assert len(examples) >= 20
    for markdown in examples:
        slow, fast = _parts(build_docx(markdown)), _parts(factory.build(markdown))
        assert list(slow) == list(fast), markdown[:200]
        for name in slow:
            assert _canonical(name, slow[name]) == _canonical(name, fast[name]), f"{markdown[:200]} {name}"
    assert factory.fallbacks == 0


def test_fast_writer_falls_back_for_what_it_cannot_copy():
    """A value docxtpl would rewrite ({_{) goes through build_docx and comes out the same."""
    markdown = (
        '<!-- wenshu:frame {"name": "letter"} -->\n\n<!-- wenshu:mark -->\n示例局\n\n'
        "<!-- wenshu:doc-number -->\n示函〔2023〕1号\n\n# 标题\n\n正文 {\\_{ 不是模板 }\\_}。\n"
    )
    factory = package.DocxFactory()
    fast = factory.build(markdown)
    assert factory.fallbacks == 1
    assert _parts(fast)["word/document.xml"] == _parts(build_docx(markdown))["word/document.xml"]


def test_parallel_run_writes_the_same_files(tmp_path):
    rows = [
        [f"示例县{i:03d}", "国家知识产权强县建设试点县", str(i), f"示知函〔2023〕{i}号", ""]
        for i in range(1, 61)
    ]
    spec = _batch_folder(tmp_path, rows)
    kept = [
        line
        for line in spec.read_text(encoding="utf-8").splitlines()
        if not line.startswith(("quota:", "  国家"))
    ]
    spec.write_text("\n".join(kept) + "\n", encoding="utf-8")  # 60 letters: no quota
    serial = run_batch(load_batch(spec), tmp_path / "serial", jobs=1)
    parallel = run_batch(load_batch(spec), tmp_path / "parallel", jobs=2)
    assert not serial.failed and not parallel.failed and len(parallel.written) == 120
    for path in (tmp_path / "serial").iterdir():
        assert (tmp_path / "parallel" / path.name).read_bytes() == path.read_bytes(), path.name


def test_no_progress_bar_when_not_a_terminal(tmp_path):
    result = run_cli("batch", str(SPEC), "-o", str(tmp_path), "-j", "1", "--merge")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    # The summary: labels padded to four characters, then a space before each value.
    assert "记录　　　12 条" in result.stdout
    assert f"合并文件　{tmp_path / 'recommendations-合并.docx'}" in result.stdout


# -- validation of records --------------------------------------------------------------------
def _plain(spec):
    """The same letter as a spec read whole from one file (no shared layer)."""
    return Spec(spec.path, copy.deepcopy(spec.data), spec.value_pos, spec.key_pos)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"contact.phone": "0000-7654321"},  # a field inside a shared mapping
        {"closing": "特此函告。"},  # a field with a default: validated the plain way
        {"推荐排序": "第二"},  # wrong: both ways refuse it, with the same message
    ],
)
def test_records_validate_as_whole_specs_do(tmp_path, extra):
    rows = csv_rows()
    for row in rows:
        row.update(extra)
    data = tmp_path / "d.csv"
    with open(data, "w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    batch = load_batch(SPEC, data)
    for record in batch.records:
        spec = RecordSpec(batch.spec, record)
        assert spec.layers is not None
        try:
            kind, document = validate(spec)
        except WenshuError as exc:
            with pytest.raises(WenshuError) as plain:
                validate(_plain(spec))
            assert [p.message for p in exc.problems] == [p.message for p in plain.value.problems]
            assert extra.get("推荐排序")
            continue
        assert (kind, document) == validate(_plain(spec))
        assert not extra.get("推荐排序")
        # The shared part was normalised once unless the record fills a field with a default.
        assert is_layered(validator_for(kind), kind, spec) == ("closing" not in extra)
        for key, value in extra.items():
            head, *rest = key.split(".")
            assert (document[head][rest[0]] if rest else document[head]) == value


def test_a_rule_reaching_other_fields_keeps_records_on_the_plain_path():
    """A rename (or a computed default) on a shared field may land on a record's field:
    then nothing is normalised apart, whatever the record's own fields are."""
    plain = Kind("k", "测试", "", "t", {"a": {"type": "string"}, "b": {"type": "string"}})
    renaming = Kind("k", "测试", "", "t", {"a": {"type": "string", "rename": "b"}, "b": {"type": "string"}})
    spec = Spec(Path("k.yaml"), {"a": "1", "b": "2"}, layers=Layers({"a": "1"}, {"b": "2"}))
    assert is_layered(validator_for(plain), plain, spec)
    assert not is_layered(validator_for(renaming), renaming, spec)


def test_a_bad_shared_field_fails_every_record(tmp_path):
    text = SPEC.read_text(encoding="utf-8").replace("review:", "reviw:", 1)
    assert "reviw:" in text
    (tmp_path / SPEC.name).write_text(text, encoding="utf-8")
    shutil.copy(CSV, tmp_path / CSV.name)
    batch = load_batch(tmp_path / SPEC.name)
    for record in batch.records:
        with pytest.raises(WenshuError, match="reviw"):
            validate(RecordSpec(batch.spec, record))


# -- a batch every letter of which fails: said once, nothing written --------------------------
PICTURE_BATCH = """kind: notice
format: document
issuer: 示例市知识产权局
doc_number: 示知〔2024〕3号
title: 示例市知识产权局关于报送工作照片的通知
recipients: 各区县知识产权局
body:
  - 现将照片印发给你们。
  - picture: annex.files/图1.png
signature: 示例市知识产权局
date: 2024-04-01
records:
"""


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_a_picture_in_the_shared_part_is_said_once_and_nothing_is_made(tmp_path):
    spec = tmp_path / "batch.yaml"
    records = "".join(f"  - {{issuer: 示例{i}县知识产权局}}\n" for i in range(12))
    spec.write_text(PICTURE_BATCH + records, encoding="utf-8")
    out = tmp_path / "out" / "letters"
    result = run_cli("batch", str(spec), "-o", str(out), "-j", "2")
    assert result.exit_code == 1, result.output
    refusals = [line for line in result.stderr.splitlines() if "批量生成的函件不能含有图片" in line]
    assert len(refusals) == 1 and "batch.yaml:9:" in refusals[0] and "body[2].picture" in refusals[0]
    assert "有错误" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # not even the parent it would have made
    # An existing output folder is left as it was.
    out.mkdir(parents=True)
    (out / "keep.docx").write_bytes(b"earlier")
    (out / ".keep.docx.999999-1.tmp").write_bytes(b"a dead run's")
    before = _listing(out)
    assert run_cli("batch", str(spec), "-o", str(out)).exit_code == 1
    assert _listing(out) == before


def test_a_bad_shared_field_is_said_once_and_nothing_is_made(tmp_path):
    text = SPEC.read_text(encoding="utf-8").replace("review:", "reviw:", 1)
    (tmp_path / SPEC.name).write_text(text, encoding="utf-8")
    shutil.copy(CSV, tmp_path / CSV.name)
    result = run_cli("batch", str(tmp_path / SPEC.name), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "reviw" in line]
    assert len(lines) == 1 and "recommendations.yaml:" in lines[0], result.stderr
    assert "有错误" not in result.output and not (tmp_path / "out").exists()


def test_a_bad_name_field_makes_no_folder(tmp_path):
    spec = _batch_folder(tmp_path, example_rows())
    result = run_cli("batch", str(spec), "-o", str(tmp_path / "out"), "--name", "{applicnt}")
    assert result.exit_code == 1 and "applicnt" in result.stderr
    assert not (tmp_path / "out").exists()


def test_rows_that_all_fail_on_their_own_are_each_reported_and_leave_no_folder(tmp_path):
    rows = example_rows()[:3]
    for row in rows:
        row[2] = "第二"  # rank is no number
    result = batch_of(tmp_path, rows)
    assert result.exit_code == 1
    for line in (2, 3, 4):
        assert f"recommendations.csv:{line} " in result.stderr, result.stderr
    assert "有错误　　3 份" in result.stdout  # each row's own problem: the summary says how many
    assert not (tmp_path / "out").exists()
    assert "已生成　　0 份（未写出任何文件）" in result.stdout  # not a folder that is not there


def test_letters_an_earlier_run_left_in_the_folder_are_named_not_removed(tmp_path):
    rows = example_rows()
    batch_of(tmp_path, rows[:2])
    earlier = tmp_path / "out" / f"{rows[0][0]}.docx"
    result = batch_of(tmp_path, rows[2:4])  # other data into the same folder
    assert result.exit_code == 0, result.output
    assert earlier.exists()
    assert f"另有　　　2 份 .docx 不是本次生成的（如 {min(rows[0][0] + '.docx', rows[1][0] + '.docx')}）" in (
        result.stdout
    ), result.stdout
    again = batch_of(tmp_path, rows[2:4])
    assert "另有　　　2 份" in again.stdout


def test_one_bad_row_first_still_writes_the_rest(tmp_path):
    rows = example_rows()
    rows[0][2] = "第二"
    result = batch_of(tmp_path, rows)
    assert result.exit_code == 1 and "recommendations.csv:2 " in result.stderr
    assert len(list((tmp_path / "out").glob("*.docx"))) == len(rows) - 1


def test_per_batch_values_are_made_once_a_batch_and_never_taken_for_another():
    """A value kept per batch (the shared fields' dict) is made once for all its letters, apart
    for each key; another batch's shared fields never find it, even with an equal dict."""
    from wenshu.spec.load import PerBatch

    kept: PerBatch[list[str]] = PerBatch(limit=2)
    made: list[str] = []
    first, second = {"issuer": "甲"}, {"issuer": "甲"}
    assert kept.get(first, lambda: made.append("a") or ["a"]) == ["a"]
    assert kept.get(first, lambda: made.append("again") or ["again"]) == ["a"]
    assert kept.get(first, lambda: ["k"], "key") == ["k"] and kept.found(first, "other") is None
    assert kept.found(second) is None and kept.get(second, lambda: ["b"]) == ["b"]
    assert made == ["a"]


def test_a_name_that_comes_out_empty_is_the_records_number_with_a_note(tmp_path):
    """A name with nothing left but dots and spaces would be a hidden ".docx": the record's
    number names it, and the summary says so; a name of private-use characters (造字) is kept."""
    text = (LETTERS / "recommendations.yaml").read_text("utf-8").replace("data: recommendations.csv\n", "")
    text += (
        "programme: 国家知识产权强县建设试点县\nrecords:\n"
        "  - {applicant: 示例甲县, doc_number: 示知函〔2023〕1号, rank: 1}\n"
        "  - {applicant: ' . . ', doc_number: 示知函〔2023〕2号, rank: 2}\n"
        "  - {applicant: '示\ue000\ue102\ue001县', doc_number: 示知函〔2023〕3号, rank: 3}\n"
    )
    spec = tmp_path / "letters.yaml"
    spec.write_text(text, encoding="utf-8")
    result = run_cli("batch", str(spec), "-o", str(tmp_path / "out"), "--format", "md", "-j", "1")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        ["示例甲县.md", "推荐函2.md", "示\ue000\ue102\ue001县.md"]
    )
    assert "1 份按名称规则得到的文件名为空，已按序号命名（如第 2 条记录：推荐函2）" in result.output
