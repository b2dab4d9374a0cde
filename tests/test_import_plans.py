"""``wenshu import`` of work plans and summaries: back into their own kind, by the outline
their schemas' ``import:`` sections declare (wenshu.importing.kind_fields).

Every example of examples/work_plans/ and examples/summaries/ is built, its .docx imported:
the spec is of the example's kind with the example's fields, and building it makes the same
Markdown. A plan typed by someone else (ordinals typed otherwise, a blank table row) still
comes back as its kind; a plan whose outline is not the prescribed one stays a 通用文书 and
keeps every sentence.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document

from tests.test_import import recall
from wenshu.build.pipeline import render
from wenshu.extract import docx_blocks, markdown_blocks
from wenshu.importing.fix import fix_file, import_docx
from wenshu.spec.load import load_spec
from wenshu.validate import validate

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples" / "work_plans").glob("*.yaml")) + sorted(
    (REPO / "examples" / "summaries").glob("*.yaml")
)
CITY_PLAN = REPO / "examples" / "work_plans" / "sample-city-demonstration-plan.yaml"
# What a spec may say that the document never prints, so no import can bring it back: the
# plan file a summary checks its indicators against.
UNPRINTED = ("plan",)
# Headings the templates print when the spec leaves them out (templates/work_plans/plan_blocks.md.j2):
# an imported spec leaves them out, an example may write them.
DEFAULT_HEADINGS = {"coordination": "健全统筹协调机制", "supervision": "强化督导落实机制"}


def _unwrapped(blocks: Any) -> Any:
    """A 通用文书's blocks as import writes what prints the same: an ``items`` list of
    headings as those headings (“1.企业提出申报。……”), the paragraphs under a run-in
    heading after it."""
    if not isinstance(blocks, list):
        return blocks
    out: list[Any] = []
    for block in blocks:
        if (
            isinstance(block, dict)
            and set(block) == {"items"}
            and all(isinstance(i, dict) for i in block["items"])
        ):
            out += _unwrapped(block["items"])
        elif (
            isinstance(block, dict)
            and "text" in block
            and all(isinstance(b, str) for b in block.get("body", []))
        ):
            out += [{k: v for k, v in block.items() if k != "body"}, *block.get("body", [])]
        elif isinstance(block, dict):
            out.append({k: _unwrapped(v) if k == "body" else v for k, v in block.items()})
        else:
            out.append(block)
    return out


def normalised(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` (validated) without what its document does not show."""
    out = {k: _unwrapped(v) if k == "body" else v for k, v in spec.items() if k not in UNPRINTED}
    safeguards = out.get("safeguards")
    if isinstance(safeguards, dict):
        out["safeguards"] = {
            key: {k: v for k, v in part.items() if not (k == "heading" and v == DEFAULT_HEADINGS.get(key))}
            if isinstance(part, dict)
            else part
            for key, part in safeguards.items()
        }
    return out


def fields(path: Path) -> dict[str, Any]:
    return normalised(validate(load_spec(path))[1])


def imported_spec(data: bytes, name: str, folder: Path) -> tuple[Path, Any]:
    imported = import_docx(data, name)
    spec = folder / name
    spec.write_text(imported.yaml, encoding="utf-8")
    return spec, imported.report


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_plans_and_summaries_come_back_as_their_kind(example, tmp_path):
    first = render(example)
    spec, report = imported_spec(first.files["docx"], example.name, tmp_path)
    before = fields(example)
    assert report.kind == before["kind"]
    assert fields(spec) == before
    assert render(spec, ("md",)).markdown == first.markdown
    assert report.unplaced == []
    # A plan or summary has no 发文字号 or 主送机关: the report does not say they are missing.
    missing = [line for line in report.lines() if line.startswith("  未找到")]
    assert not any("发文字号" in line or "主送机关" in line for line in missing), missing


def test_what_the_file_never_shows_is_assumed_and_reported(tmp_path):
    example = REPO / "examples" / "summaries" / "sample-county-creation-report.yaml"
    _, report = imported_spec(render(example, ("docx",)).files["docx"], example.name, tmp_path)
    # the 近三年 of the work summary is printed nowhere: taken as the three years before the date
    assert any("总结期（summary.period）" in c and "2020" in c and "2022" in c for c in report.changed)


def _edited(data: bytes, edit: Any) -> bytes:
    doc = Document(io.BytesIO(data))
    edit(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _merge_repeats(table: Any, column: int) -> None:
    """Merge each run of equal cells in ``column`` below the header, as a typist groups rows."""
    texts = [row.cells[column].text for row in table.rows]
    first = 1
    for r in range(2, len(texts) + 1):
        if r == len(texts) or texts[r] != texts[first]:
            if r - 1 > first:
                merged = table.cell(first, column).merge(table.cell(r - 1, column))
                for extra in merged.paragraphs[1:]:  # Word keeps the text once
                    extra._p.getparent().remove(extra._p)
            first = r


def _retyped(doc: Any) -> None:
    """Ordinals as another office types them, a blank row left in the 主要指标表, its 属性
    and the 任务分工表's 重点任务 merged over the rows they share."""
    for para in doc.paragraphs:
        for run in para.runs:
            text = run.text
            if text.startswith("（") and "）" in text[:5]:  # （一）→ (一)
                run.text = "(" + text[1:].replace("）", ")", 1)
            elif text[:1] in "一二三四" and text[1:2] == "、":  # 一、→ 一、 with a space
                run.text = text[:2] + " " + text[2:]
            elif text[:1].isdigit() and text[1:2] == "." and not text[2:3].isdigit():  # 1.→ 1．
                run.text = text[0] + "．" + text[2:]
    _merge_repeats(doc.tables[0], 3)
    _merge_repeats(doc.tables[1], 1)
    doc.tables[0].add_row()


def test_a_plan_typed_by_someone_else_still_comes_back_as_its_kind(tmp_path):
    original = render(CITY_PLAN, ("docx",)).files["docx"]
    data = _edited(original, _retyped)
    text = "\n".join(docx_blocks(data))
    assert "(一)" in text and "1．" in text and "一、 " in text  # the edits are in the file
    # its three rows in the 任务分工表 show the group once
    assert (
        text.count("提升知识产权创造质量")
        == "\n".join(docx_blocks(original)).count("提升知识产权创造质量") - 2
    )
    spec, report = imported_spec(data, "typed.yaml", tmp_path)
    assert report.kind == "work_plan"
    assert fields(spec) == fields(CITY_PLAN)


def _off_outline(doc: Any) -> None:
    """保障条件 renamed: the outline no longer the prescribed one."""
    for para in doc.paragraphs:
        if para.text == "四、保障条件":
            para.runs[0].text = "四、保障措施"


def test_a_plan_off_the_outline_stays_a_document_with_every_sentence(tmp_path):
    data = _edited(render(CITY_PLAN, ("docx",)).files["docx"], _off_outline)
    source = tmp_path / "off.docx"
    source.write_bytes(data)
    _, report = imported_spec(data, "off.yaml", tmp_path)
    assert report.kind == "document"
    fixed = fix_file(source, tmp_path / "out", paginate=False)
    assert fixed.report is not None and fixed.report.kind == "document"
    rebuilt = docx_blocks(tmp_path / "out" / "off.docx")
    assert "四、保障措施" in rebuilt
    assert recall(docx_blocks(data), rebuilt) == 1.0


def _years_retyped(doc: Any) -> None:
    """The years of the title retyped (2022—2024 → 2023—2025), the body's dates left."""
    for run in doc.paragraphs[0].runs:
        run.text = run.text.replace("2022", "2023").replace("2024", "2025")


def test_a_plan_whose_title_years_no_longer_fit_says_which_date(tmp_path):
    data = _edited(render(CITY_PLAN, ("docx",)).files["docx"], _years_retyped)
    _, report = imported_spec(data, "years.yaml", tmp_path)
    assert report.kind == "document"
    why = [c for c in report.changed if c.startswith("按通用文书导入")]
    assert len(why) == 1 and "不在方案期2023—2025年之内" in why[0], why


def _miscounted(doc: Any) -> None:
    """A 增减 retyped that the values before and after do not give (+3500 → +3600)."""
    for row in doc.tables[1].rows:
        for cell in row.cells:
            if cell.text == "+3500":
                cell.paragraphs[0].runs[0].text = "+3600"


def test_a_summary_with_a_miscomputed_cell_names_the_cell(tmp_path):
    summary = REPO / "examples" / "summaries" / "sample-city-demonstration-summary.yaml"
    data = _edited(render(summary, ("docx",)).files["docx"], _miscounted)
    _, report = imported_spec(data, "miscounted.yaml", tmp_path)
    assert report.kind == "document"
    why = [c for c in report.changed if c.startswith("按通用文书导入")]
    assert len(why) == 1 and "文件为“+3600”，生成的为“+3500”" in why[0], why


# -- titles of the clerk's own, subtitles, and what else a clerk types ---------------------------
KINDS = [e for e in EXAMPLES if yaml.safe_load(e.read_text(encoding="utf-8"))["kind"] != "document"]
PLANS = [e for e in KINDS if e.parent.name == "work_plans"]
#: A title each kind's clerk may write instead of the template's, and a subtitle for some.
OWN_TITLES = {
    "sample-city-demonstration-plan": (
        "示例市知识产权强市建设三年行动方案",
        "——以知识产权保护和金融服务为重点",
    ),
    "sample-county-demonstration-plan": ("示例县知识产权强县建设三年行动方案", None),
    "sample-enterprise-work-plan": ("示例科技股份有限公司知识产权示范企业建设方案", None),
    "sample-strong-city-plan": ("示例市建设知识产权强市三年行动方案", "（送审稿）"),
    "sample-city-demonstration-summary": ("示例市示范城市建设三年工作总结", None),
    "sample-county-creation-report": ("示例县创建国家知识产权强县建设示范县工作报告", "（征求意见稿）"),
}


def _variant(example: Path, folder: Path, change: Any) -> Path:
    """The example's spec changed by ``change`` (a function of its data), written to ``folder``."""
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    for key in UNPRINTED:  # a path relative to the example's folder
        data.pop(key, None)
    change(data)
    out = folder / f"{example.stem}.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def _own_title(example: Path) -> Any:
    title, subtitle = OWN_TITLES[example.stem]

    def change(data: dict[str, Any]) -> None:
        data["title"] = title
        if subtitle:
            data["subtitle"] = subtitle

    return change


def test_every_kind_has_a_title_of_its_own_to_try():
    assert sorted(OWN_TITLES) == sorted(e.stem for e in KINDS)


@pytest.mark.parametrize("example", KINDS, ids=lambda p: p.stem)
def test_a_title_of_the_clerks_own_is_kept_and_the_fields_found_where_the_text_says_them(example, tmp_path):
    """Applicant, level and programme do not print under a title of one's own: read from the
    署名 and the body, named in the report; the title and subtitle come back as typed."""
    spec = _variant(example, tmp_path, _own_title(example))
    first = render(spec)
    back, report = imported_spec(first.files["docx"], "back.yaml", tmp_path)
    assert report.kind == fields(spec)["kind"]
    assert fields(back) == fields(spec)
    assert render(back, ("md",)).markdown == first.markdown
    said = [c for c in report.changed if c.startswith("标题不是")]
    assert len(said) == 1 and "照原样保留" in said[0] and "取自署名" in said[0], report.changed


def _first_heading_renamed(doc: Any) -> None:
    """The plan's first 一级标题 retyped in words of the clerk's own (总体要求 → 总体思路)."""
    heading = next(p for p in doc.paragraphs if p.style.name == "Heading 1")
    for run in heading.runs:
        run.text = run.text.replace("总体要求", "总体思路").replace("工作基础", "基本情况")


@pytest.mark.parametrize("example", PLANS, ids=lambda p: p.stem)
def test_a_plan_off_the_outline_at_its_first_heading_says_why(example, tmp_path):
    """Under a title of its own, a plan whose first heading is not the outline's stays a 通用文书,
    and the report says why: which heading was expected there, which the file has."""
    spec = _variant(example, tmp_path, _own_title(example))
    data = _edited(render(spec, ("docx",)).files["docx"], _first_heading_renamed)
    back, report = imported_spec(data, "back.yaml", tmp_path)
    assert report.kind == "document"
    why = [c for c in report.changed if c.startswith("按通用文书导入")]
    wanted, typed = ("工作基础", "基本情况") if "enterprise" in example.stem else ("总体要求", "总体思路")
    assert len(why) == 1 and f"正文的第一个标题应为“{wanted}”，文件为“{typed}”" in why[0], report.changed
    assert recall(docx_blocks(data), markdown_blocks(render(back, ("md",)).markdown)) == 1.0


def test_another_document_under_its_own_title_is_given_no_plans_reason():
    """A document that merely has a preamble and headings of its own is no plan gone astray:
    the report gives no reason why it is not one."""
    doc = Document()
    doc.add_paragraph("示例市知识产权局2024年工作要点").alignment = 1
    doc.add_paragraph("2024年，全市知识产权工作要坚持稳中求进。")
    for heading in ("强化知识产权创造", "严格知识产权保护"):
        doc.add_paragraph(f"一、{heading}", style="Heading 1")
        doc.add_paragraph("各单位要抓好落实。")
    out = io.BytesIO()
    doc.save(out)
    report = import_docx(out.getvalue(), "要点.docx").report
    assert report.kind == "document"
    assert not any(c.startswith("按通用文书导入") for c in report.changed), report.changed


def _unsaid(data: dict[str, Any]) -> None:
    """No sentence of the plan says 示范城市 (or 强市建设示范城市), under a title of its own."""

    def without(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("建设示范城市", "建设").replace("示范城市", "强市")
        if isinstance(value, list):
            return [without(v) for v in value]
        return {k: without(v) for k, v in value.items()} if isinstance(value, dict) else value

    data.update(without(data))
    data["title"] = OWN_TITLES[CITY_PLAN.stem][0]


def test_a_plan_that_says_its_level_nowhere_stays_a_document_and_says_so(tmp_path):
    spec = _variant(CITY_PLAN, tmp_path, _unsaid)
    data = render(spec, ("docx",)).files["docx"]
    assert "示范城市" not in "".join(docx_blocks(data))
    back, report = imported_spec(data, "back.yaml", tmp_path)
    assert report.kind == "document"
    why = [c for c in report.changed if c.startswith("按通用文书导入")]
    assert len(why) == 1 and "正文合乎三年期工作方案的提纲" in why[0], report.changed
    assert "层级（level）、类别（programme）在标题、署名和正文中都没有写出" in why[0], why
    assert recall(docx_blocks(data), markdown_blocks(render(back, ("md",)).markdown)) == 1.0


def test_a_former_pilot_is_read_as_the_programme_its_plan_pursues(tmp_path):
    """“2019年获批……试点城市” tells its past; “推进……示范城市” what the plan is for."""

    def change(data: dict[str, Any]) -> None:
        data["title"] = OWN_TITLES[CITY_PLAN.stem][0]
        data["preamble"].insert(0, "示例市2019年获批国家知识产权强市建设试点城市，试点工作通过验收。")

    spec = _variant(CITY_PLAN, tmp_path, change)
    back, report = imported_spec(render(spec, ("docx",)).files["docx"], "back.yaml", tmp_path)
    assert report.kind == "work_plan"
    assert fields(back) == fields(spec) and fields(back)["programme"] == "demonstration"


REPORT = REPO / "examples" / "summaries" / "sample-county-creation-report.yaml"


@pytest.mark.parametrize(
    ("said", "period", "read"),
    [
        ("2021年以来，", {"start": 2021, "end": 2023}, "2021年以来"),
        ("2020—2022年，", {"start": 2020, "end": 2022}, "2020—2022年"),
        ("2012年以来，", {"start": 2020, "end": 2022}, None),  # another span: the assumption stays
    ],
)
def test_the_period_of_the_work_summary_is_read_from_its_text_when_printed(said, period, read, tmp_path):
    def change(data: dict[str, Any]) -> None:
        data["summary"]["period"] = period
        data["summary"]["body"][0]["text"] = said + data["summary"]["body"][0]["text"]

    spec = _variant(REPORT, tmp_path, change)
    back, report = imported_spec(render(spec, ("docx",)).files["docx"], "back.yaml", tmp_path)
    assert report.kind == "creation_report"
    assert fields(back) == fields(spec)
    notes = [c for c in report.changed if "总结期（summary.period）" in c]
    assert len(notes) == 1
    assert (f"取自正文（{read}）" in notes[0]) if read else ("按成文日期的年份" in notes[0]), notes


def test_the_period_of_the_work_summary_is_read_from_a_table_of_its_years(tmp_path):
    def change(data: dict[str, Any]) -> None:
        data["summary"]["body"].append(
            {
                "table": {
                    "columns": ["指标", "2020年", "2021年", "2022年"],
                    "rows": [["有效发明专利（件）", 260, 330, 412]],
                }
            }
        )

    spec = _variant(REPORT, tmp_path, change)
    back, report = imported_spec(render(spec, ("docx",)).files["docx"], "back.yaml", tmp_path)
    assert report.kind == "creation_report"
    assert fields(back)["summary"]["period"] == {"start": 2020, "end": 2022}
    assert any("取自正文（表头的2020年、2021年、2022年）" in c for c in report.changed), report.changed


def _typed_in_wps(doc: Any) -> None:
    """What retyping in WPS leaves: ordinals （一）→(一), 一、 with a space, 1.→1．, a blank
    row at the end of every table, and the title's own line break."""
    for para in doc.paragraphs:
        for run in para.runs:
            text = run.text
            if text.startswith("（") and "）" in text[:5]:
                run.text = "(" + text[1:].replace("）", ")", 1)
            elif text[:1] in "一二三四五六七八九" and text[1:2] == "、":
                run.text = text[:2] + " " + text[2:]
            elif text[:1].isdigit() and text[1:2] == "." and not text[2:3].isdigit():
                run.text = text[0] + "．" + text[2:]
    for table in doc.tables:
        table.add_row()


def _sentence_after_last_part(doc: Any) -> None:
    """A sentence typed right under the last 一级标题 (四、保障条件, 九、其他……)."""
    heading = [p for p in doc.paragraphs if p.style.name == "Heading 1"][-1]
    body = next(p for p in doc.paragraphs if p.style.name == "公文正文" and p.text)
    extra = copy.deepcopy(body._p)
    heading._p.addnext(extra)
    para = type(body)(extra, body._parent)
    for run in para.runs[1:]:
        run._r.getparent().remove(run._r)
    para.runs[0].text = "各单位要结合实际抓好落实。"


@pytest.mark.parametrize("example", KINDS, ids=lambda p: p.stem)
def test_what_a_clerk_retypes_comes_back_whole(example, tmp_path):
    """Retyped in WPS (ordinals, blank rows) under a title of its own: still the kind with
    every field. A sentence where the outline has no place: the kind when the part takes
    free paragraphs, else a 通用文书 saying where; either way every sentence is kept."""
    spec = _variant(example, tmp_path, _own_title(example))
    original = render(spec, ("docx",)).files["docx"]
    typed = _edited(original, _typed_in_wps)
    back, report = imported_spec(typed, "typed.yaml", tmp_path)
    assert report.kind == fields(spec)["kind"], report.changed
    assert fields(back) == fields(spec)

    added = _edited(original, _sentence_after_last_part)
    back, report = imported_spec(added, "added.yaml", tmp_path)
    rebuilt = markdown_blocks(render(back, ("md",)).markdown)
    assert recall(docx_blocks(added), rebuilt) == 1.0
    assert "各单位要结合实际抓好落实。" in rebuilt
    if report.kind == "document":
        why = [c for c in report.changed if c.startswith("按通用文书导入")]
        assert len(why) == 1 and "不合其提纲" in why[0], report.changed
    else:
        assert report.kind == fields(spec)["kind"]


@pytest.mark.parametrize(
    ("example", "title"),
    [
        (CITY_PLAN, "示例市2022—2024年知识产权强市建设行动方案"),
        (REPO / "examples" / "work_plans" / "sample-strong-city-plan.yaml", "示例市知识产权强市创建行动方案"),
        (
            REPO / "examples" / "work_plans" / "sample-enterprise-work-plan.yaml",
            "示例科技股份有限公司知识产权工作方案",
        ),
    ],
    ids=lambda v: v.stem if isinstance(v, Path) else "",
)
def test_a_title_without_the_period_line_takes_the_period_from_the_indicator_table(example, title, tmp_path):
    """No “（2022—2024年）” under the title: the period is read from the years of the
    主要指标表, and the rebuilt title has no such line either."""

    def change(data: dict[str, Any]) -> None:
        data["title"] = title
        data["period_line"] = False

    spec = _variant(example, tmp_path, change)
    first = render(spec)
    assert docx_blocks(first.files["docx"])[0].replace(" ", "") == title
    back, report = imported_spec(first.files["docx"], "back.yaml", tmp_path)
    assert report.kind == fields(spec)["kind"], report.changed
    assert fields(back) == fields(spec)
    assert render(back, ("md",)).markdown == first.markdown
    assert any("方案期（period）取自表头" in c for c in report.changed), report.changed


def test_a_summary_whose_period_is_printed_nowhere_stays_a_document_and_says_so(tmp_path):
    summary = REPO / "examples" / "summaries" / "sample-city-demonstration-summary.yaml"

    def change(data: dict[str, Any]) -> None:
        data["title"] = "示例市示范城市建设工作总结"
        data["period_line"] = False

    data = render(_variant(summary, tmp_path, change), ("docx",)).files["docx"]
    back, report = imported_spec(data, "back.yaml", tmp_path)
    assert report.kind == "document"
    why = [c for c in report.changed if c.startswith("按通用文书导入")]
    assert len(why) == 1 and "示范建设期（period）在标题、署名和正文中都没有写出" in why[0], why
    assert recall(docx_blocks(data), markdown_blocks(render(back, ("md",)).markdown)) == 1.0


def test_a_plan_that_names_two_programmes_alike_stays_a_document_and_names_both(tmp_path):
    """Its body says 试点城市 and 示范城市 with nothing telling which one the plan pursues."""

    def change(data: dict[str, Any]) -> None:
        _unsaid(data)
        data["preamble"].insert(0, "示例市2019年成为试点城市，2022年成为示范城市。")

    data = render(_variant(CITY_PLAN, tmp_path, change), ("docx",)).files["docx"]
    _, report = imported_spec(data, "back.yaml", tmp_path)
    assert report.kind == "document"
    why = [c for c in report.changed if c.startswith("按通用文书导入")]
    assert len(why) == 1 and "正文中类别（programme）有“试点城市”、“示范城市”几种写法" in why[0], why


# -- a plan re-saved by LibreOffice (soffice --convert-to docx) ----------------------------------


@pytest.fixture(scope="module")
def resaved(tmp_path_factory) -> dict[str, bytes]:
    """Every example plan and summary built, then opened and saved again by LibreOffice, as a
    clerk does who edits wenshu's file there: its styles renamed (WsBody → Style10), its runs
    merged and split anew (“1.坚持质量优先” and “。牢固树立……”, wenshu's run-in heading and its
    text, become “1.” and “坚持质量优先。牢固树立……”)."""
    import subprocess

    from tests.test_hostile_check import SECONDS
    from wenshu.office.libreoffice import find_soffice

    folder = tmp_path_factory.mktemp("resaved")
    built = folder / "built"
    built.mkdir()
    for example in EXAMPLES:
        (built / f"{example.stem}.docx").write_bytes(render(example, ("docx",)).files["docx"])
    subprocess.run(
        [find_soffice(), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless"]
        + ["--convert-to", "docx", "--outdir", str(folder), *sorted(map(str, built.glob("*.docx")))],
        capture_output=True,
        timeout=SECONDS * 5,
        check=False,
    )
    return {p.stem: p.read_bytes() for p in folder.glob("*.docx")}


def _title_unbroken(markdown: str) -> str:
    """The Markdown with its title's lines joined: a file no longer wenshu's by its styles
    has its title broken anew (the report says so), its words the same."""
    return "\n".join(
        line.replace("<br>", "") if line.startswith("# ") else line for line in markdown.splitlines()
    )


@pytest.mark.render
@pytest.mark.parametrize(
    # the 示范企业培育工作方案 is a 通用文书 (its kind has no outline to read it back by)
    "example",
    [p for p in EXAMPLES if yaml.safe_load(p.read_text(encoding="utf-8"))["kind"] != "document"],
    ids=lambda p: p.stem,
)
def test_a_plan_resaved_by_libreoffice_comes_back_as_its_kind(example, resaved, tmp_path):
    # its run-in headings (基本原则, 重点任务) came back as a list's items: a 通用文书
    assert example.stem in resaved
    spec, report = imported_spec(resaved[example.stem], example.name, tmp_path)
    before = fields(example)
    assert report.kind == before["kind"]
    assert {k: v for k, v in fields(spec).items() if k not in ("title", "title_lines")} == {
        k: v for k, v in before.items() if k not in ("title", "title_lines")
    }
    first = render(example, ("md",)).markdown
    assert _title_unbroken(render(spec, ("md",)).markdown) == _title_unbroken(first)


def test_an_enterprise_plan_in_a_rounds_wording_comes_back_as_its_kind(tmp_path):
    # “自评，A表得分82.5分，B表得分86分。” (round.yaml score_names) imported as a 通用文书
    import shutil

    example = REPO / "examples" / "work_plans" / "sample-enterprise-work-plan.yaml"
    shutil.copy(REPO / "examples" / "rounds" / "enterprise-scores" / "round.yaml", tmp_path / "round.yaml")
    shutil.copy(example, tmp_path / example.name)
    first = render(tmp_path / example.name)
    assert "自评，A表得分82.5分，B表得分86分。" in first.markdown
    alone = tmp_path / "imported"
    alone.mkdir()
    spec, report = imported_spec(first.files["docx"], example.name, alone)
    assert report.kind == "enterprise_work_plan", report.changed
    assert yaml.safe_load(spec.read_text(encoding="utf-8"))["score_names"] == {"A": "A表得分", "B": "B表得分"}
    assert render(spec, ("md",)).markdown == first.markdown
