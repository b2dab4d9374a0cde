"""The .docx and the .md carry the same text, block by block, and all of the spec's text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from docx import Document

from tests.conftest import SPECS, expected_attachments, paragraph_text, w
from wenshu.extract import docx_blocks, markdown_blocks

_WS = re.compile(r"\s+")
# Keys whose values are settings, not printed text.
_NOT_TEXT = {
    "file",
    "kind",
    "format",
    "numbering",
    "align",
    "font_size",
    "widths",
    "placement",
    "landscape",
    "sealed",
}


def squash(text: str) -> str:
    """Text with every kind of white space removed (CJK text wraps without spaces)."""
    return _WS.sub("", text.replace("\u3000", ""))


def printed_strings(value: Any, key: str = ""):
    """Every string (and number in a table) of a spec that must be printed somewhere."""
    if key in _NOT_TEXT:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from printed_strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from printed_strings(v, key)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (str, int, float)):
        text = str(value)
        if text.strip():
            yield text


def docx_full_text(path) -> str:
    """All text of the .docx (body, tables, headers, footers) read with python-docx."""
    doc = Document(str(path))
    parts = [paragraph_text(p) for p in doc.element.body.iter(w("p"))]
    for section in doc.sections:
        for hf in (section.first_page_header, section.header):
            parts += [paragraph_text(p) for p in hf._element.iter(w("p"))]
    return "\n".join(parts)


def test_docx_and_markdown_blocks_are_equal(example):
    from_docx = docx_blocks(example.docx_path)
    from_md = markdown_blocks(example.markdown)
    assert len(from_docx) > 20
    assert from_docx == from_md


def test_blocks_are_in_reading_order(example):
    """Mark, 发文字号, title, recipients come first, in that order, in both outputs."""
    data = example.data
    mark = data.get("mark") or data["issuer"] + ("文件" if data["format"] == "document" else "")
    for blocks in (docx_blocks(example.docx_path), markdown_blocks(example.markdown)):
        head = [b.replace(" ", "") for b in blocks[:5]]
        assert head[0] == mark
        assert head[1].startswith(data["doc_number"])
        assert head[2] == squash("".join(data.get("title_lines") or [])) or head[2] == squash(data["title"])
        assert head[3] == data["recipients"] + "："


def test_every_spec_string_is_printed_in_docx_and_md(example):
    docx_text = squash(docx_full_text(example.docx_path))
    md_text = squash("".join(markdown_blocks(example.markdown)))
    expected = list(printed_strings(example.data))
    for name, title, _ in expected_attachments(example.stem, example.data):
        expected += [name, title]
    missing_docx = [text for text in expected if squash(text) not in docx_text]
    missing_md = [text for text in expected if squash(text) not in md_text]
    assert missing_docx == []
    assert missing_md == []


@pytest.mark.parametrize("stem", [s for s, d in SPECS.items() if "特此通知。" in d["body"]])
def test_closing_sentence(built_examples, stem):
    example = built_examples[stem]
    assert "特此通知。" in docx_blocks(example.docx_path)
    assert "特此通知。" in markdown_blocks(example.markdown)
    # It closes the body: the next block is the 附件说明 or the signature.
    blocks = docx_blocks(example.docx_path)
    after = blocks[blocks.index("特此通知。") + 1]
    assert after.startswith("附件：") or after == example.data["signature"]


def _quota_row(blocks: list[str]) -> bool:
    return any(blocks[i : i + 3] == ["37", "深圳市", "9"] for i in range(len(blocks) - 2))


# 国知办函运字〔2022〕497号 附件1, as the seed prints it.
QUOTA_2022 = {
    "北京市": 17, "天津市": 8, "河北省": 9, "山西省": 4, "内蒙古自治区": 5, "辽宁省": 10, "吉林省": 8,
    "黑龙江省": 5, "上海市": 10, "江苏省": 46, "浙江省": 28, "安徽省": 30, "福建省": 13, "江西省": 14,
    "山东省": 35, "河南省": 11, "湖北省": 16, "湖南省": 17, "广东省": 60, "广西壮族自治区": 12, "海南省": 4,
    "重庆市": 18, "四川省": 22, "贵州省": 4, "云南省": 6, "西藏自治区": 1, "陕西省": 5, "甘肃省": 9,
    "青海省": 1, "宁夏回族自治区": 4, "新疆维吾尔自治区": 5, "新疆生产建设兵团": 2, "大连市": 7,
    "宁波市": 12, "厦门市": 5, "青岛市": 11, "深圳市": 9,
}  # fmt: skip


def test_quota_table_row_37_shenzhen(built_examples):
    example = built_examples["cnipa-2022-497"]
    assert _quota_row(docx_blocks(example.docx_path))
    assert _quota_row(markdown_blocks(example.markdown))
    assert re.search(r"^\|\s*37\s*\|\s*深圳市\s*\|\s*9\s*\|\s*$", example.markdown, re.M)
    # The python-docx table: header row plus all 37 rows, in the seed's order, the last one 深圳市 9.
    doc = Document(str(example.docx_path))
    quota = next(t for t in doc.tables if t.rows[0].cells[1].text == "地区")
    assert [c.text for c in quota.rows[0].cells] == ["序号", "地区", "推荐名额"]
    assert len(quota.rows) == 38
    assert [c.text for c in quota.rows[37].cells] == ["37", "深圳市", "9"]
    rows = [[c.text for c in row.cells] for row in quota.rows[1:]]
    assert rows == [[str(n), region, str(q)] for n, (region, q) in enumerate(QUOTA_2022.items(), start=1)]
    assert sum(int(r[2]) for r in rows) == 483


def test_contact_form_has_five_empty_rows(built_examples):
    example = built_examples["cnipa-2022-497"]
    doc = Document(str(example.docx_path))
    form = next(
        t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["处室", "姓名", "职务", "座机", "手机"]
    )
    assert len(form.rows) == 6
    assert all(c.text == "" for row in form.rows[1:] for c in row.cells)


@pytest.mark.parametrize(
    ("stem", "sentences"),
    [
        (
            "cnipa-2023-582",
            [
                "国知办函运字〔2023〕582号",
                "2023年7月18日",
                "附件：1.国家知识产权强市建设试点城市名单",
                "5.联系人回执",
            ],
        ),
        ("cnipa-2022-497", ["国知办函运字〔2022〕497号", "（此件公开发布）", "2022年5月26日"]),
        ("henan-2023-38", ["豫知〔2023〕38号", "河南省知识产权局文件", "（此件主动公开）"]),
        (
            "cnipa-2018-city",
            ["国知办函管字〔2018〕1号", "2018年7月27日", "（参考模板）", "国家知识产权局编制"],
        ),
    ],
)
def test_seed_sentences_in_both(built_examples, stem, sentences):
    example = built_examples[stem]
    from_docx = docx_blocks(example.docx_path)
    from_md = markdown_blocks(example.markdown)
    for sentence in sentences:
        assert sentence in from_docx, sentence
        assert sentence in from_md, sentence


@pytest.mark.parametrize("stem", [s for s, d in SPECS.items() if d.get("contacts")])
def test_contacts_block_is_printed(built_examples, stem):
    """联系人 lines appear in both outputs, where ``placement`` puts them."""
    example = built_examples[stem]
    contacts = example.data["contacts"]
    lines = [" ".join(line.split()) for line in contacts["lines"]]
    if contacts.get("parenthesized"):
        lines[0], lines[-1] = "（" + lines[0], lines[-1] + "）"
    date = example.data["date"]
    date_text = f"{date.year}年{date.month}月{date.day}日"
    for blocks in (docx_blocks(example.docx_path), markdown_blocks(example.markdown)):
        starts = [i for i in range(len(blocks)) if blocks[i : i + len(lines)] == lines]
        assert len(starts) == 1, f"联系人 block missing: {lines[0]!r}"
        i = starts[0]
        if contacts.get("placement", "after_date") == "after_date":
            assert blocks[i - 1] == date_text
        else:
            assert (
                blocks[i + len(lines)].startswith("附件：")
                or blocks[i + len(lines)] == example.data["signature"]
            )


def test_henan_imprint_line(built_examples):
    example = built_examples["henan-2023-38"]
    for blocks in (docx_blocks(example.docx_path), markdown_blocks(example.markdown)):
        assert blocks[-1] == "河南省市场监督管理局办公室 2023年8月2日印发"


def test_markdown_is_readable_on_its_own(example):
    """Headings are real Markdown headings with their ordinals; no template code is left."""
    md = example.markdown
    assert "{{" not in md and "{%" not in md
    if any(isinstance(b, dict) and "heading" in b and "text" not in b for b in example.data["body"]):
        assert re.search(r"^## 一、", md, re.M)
    first_heading = re.search(r"^# (.+)$", md, re.M).group(1).replace("<br>", "")
    assert first_heading == example.data["title"]
