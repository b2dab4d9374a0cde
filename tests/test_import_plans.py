"""``wenshu import`` of work plans and summaries: back into their own kind, by the outline
their schemas' ``import:`` sections declare (wenshu.importing.shapes).

Every example of examples/work_plans/ and examples/summaries/ is built, its .docx imported:
the spec is of the example's kind with the example's fields, and building it makes the same
Markdown. A plan typed by someone else (ordinals typed otherwise, a blank table row) still
comes back as its kind; a plan whose outline is not the prescribed one stays a 通用文书 and
keeps every sentence.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from tests.test_import import recall
from wenshu.build.pipeline import render
from wenshu.extract import docx_blocks
from wenshu.importing.fix import fix_file, import_docx
from wenshu.spec.load import load_spec
from wenshu.spec.validate import validate

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
