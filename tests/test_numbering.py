"""Unit tests: Chinese numerals and ordinals, 发文字号, dates, Markdown escaping, long heading lists."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import DocxFile, paragraph_text, read_as_commonmark, style_id
from wenshu.build.pipeline import build
from wenshu.extract import markdown_blocks
from wenshu.render.docx import inline_runs, parser
from wenshu.render.markdown import md_escape
from wenshu.text.dates import DateError, format_cn_date, parse_date
from wenshu.text.docnumber import DocNumber, DocNumberError, parse_doc_number
from wenshu.text.numbering import attachment_label, chinese_number, form_for_depth, ordinal

# -- chinese_number ------------------------------------------------------------------------------

DIGITS = "一二三四五六七八九"


def expected_chinese(n: int) -> str:
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens - 1] + "十")
    return head + (DIGITS[ones - 1] if ones else "")


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (30, "三十"),
        (45, "四十五"),
        (99, "九十九"),
    ],
)
def test_chinese_number_known_values(n, text):
    assert chinese_number(n) == text


def test_chinese_number_1_to_99():
    written = [chinese_number(n) for n in range(1, 100)]
    assert written == [expected_chinese(n) for n in range(1, 100)]
    assert len(set(written)) == 99
    assert not any("〇" in t or "零" in t or t.startswith("一十") for t in written)


@pytest.mark.parametrize("n", [0, -1, 100])
def test_chinese_number_out_of_range(n):
    with pytest.raises(ValueError):
        chinese_number(n)


@pytest.mark.parametrize(
    ("n", "form", "text"),
    [
        (1, "一、", "一、"),
        (10, "一、", "十、"),
        (11, "一、", "十一、"),
        (12, "一、", "十二、"),
        (21, "一、", "二十一、"),
        (3, "（一）", "（三）"),
        (11, "（一）", "（十一）"),
        (1, "1.", "1."),
        (12, "1.", "12."),
        (2, "（1）", "（2）"),
        (10, "（1）", "（10）"),
    ],
)
def test_ordinal_forms(n, form, text):
    assert ordinal(n, form) == text


def test_ordinal_unknown_form():
    with pytest.raises(ValueError):
        ordinal(1, "a)")


@pytest.mark.parametrize(("depth", "form"), [(1, "一、"), (2, "（一）"), (3, "1."), (4, "（1）")])
def test_form_for_depth(depth, form):
    assert form_for_depth(depth) == form


@pytest.mark.parametrize("depth", [0, 5])
def test_form_for_depth_out_of_range(depth):
    with pytest.raises(ValueError):
        form_for_depth(depth)


def test_attachment_label():
    assert attachment_label(1, 1) == "附件"
    assert [attachment_label(n, 3) for n in (1, 2, 3)] == ["附件1", "附件2", "附件3"]


# -- 发文字号 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "year", "serial"),
    [
        ("国知办函运字〔2023〕582号", "国知办函运字", 2023, 582),
        ("豫知〔2023〕38号", "豫知", 2023, 38),
        ("国知办函管字〔2018〕1号", "国知办函管字", 2018, 1),
    ],
)
def test_parse_good_doc_numbers(text, code, year, serial):
    number = parse_doc_number(text)
    assert number == DocNumber(code, year, serial)
    assert str(number) == text


@pytest.mark.parametrize(
    "text",
    [
        "国知办函运字[2023]582号",
        "国知办函运字(2023)582号",
        "国知办函运字（2023）582号",
        "国知办函运字【2023】582号",
        "国知办函运字〔2023〕0582号",
        "国知办函运字〔2023〕第582号",
        "国知办函运字 〔2023〕 582号",
    ],
)
def test_bad_doc_numbers_suggest_the_corrected_form(text):
    with pytest.raises(DocNumberError) as info:
        parse_doc_number(text)
    assert info.value.suggestion == "国知办函运字〔2023〕582号"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


@pytest.mark.parametrize(
    "text", ["", "582号", "国知办函运字〔2023〕", "国知办函运字〔23〕582号", "国知办函运字〔2023〕0号"]
)
def test_unreadable_doc_numbers(text):
    with pytest.raises(DocNumberError):
        parse_doc_number(text)


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2023-07-18", dt.date(2023, 7, 18)),
        ("2023年7月18日", dt.date(2023, 7, 18)),
        ("2024年2月29日", dt.date(2024, 2, 29)),
        (dt.date(2022, 5, 26), dt.date(2022, 5, 26)),
        (dt.datetime(2022, 5, 26, 9, 30), dt.date(2022, 5, 26)),
    ],
)
def test_parse_date(value, date):
    assert parse_date(value) == date


@pytest.mark.parametrize(
    "value", ["2023-02-30", "2023年2月30日", "2023年13月1日", "2023年2月29日", "2023-00-10"]
)
def test_impossible_dates(value):
    with pytest.raises(DateError) as info:
        parse_date(value)
    assert "不存在" in str(info.value)


@pytest.mark.parametrize("value", ["昨天", "2023/07/18", "July 18, 2023", 20230718, None])
def test_unreadable_dates(value):
    with pytest.raises(DateError):
        parse_date(value)


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (dt.date(2023, 7, 18), "2023年7月18日"),
        (dt.date(2023, 8, 2), "2023年8月2日"),
        (dt.date(2022, 12, 31), "2022年12月31日"),
        (dt.date(2018, 1, 1), "2018年1月1日"),
    ],
)
def test_format_cn_date_has_no_zero_padding(date, text):
    assert format_cn_date(date) == text
    assert parse_date(text) == date


# -- Markdown escaping -----------------------------------------------------------------------------

TRICKY = [
    "1. x",
    "# x",
    "- x",
    "a*b*c",
    "<b>",
    "&amp;",
    "a|b",
    "\\",
    "1) x",
    "+ x",
    "* x",
    "> 引用",
    "`code`",
    "[链接](http://x.y)",
    "![图](a.png)",
    "**粗体**",
    "_斜体_",
    "~~删除~~",
    "<!-- wenshu:mark -->",
    "&#42;",
    "{{ 7*7 }}",
    "a\\*b",
    "2023. 年",
    "| a | b |",
    "<br>",
    "***",
    "---",
    "```",
    "~~~",
    "<http://x.y>",
    "[a]: http://x.y",
]


def _parsed(markdown: str) -> list[str]:
    return [inline_runs(tok).text for tok in parser().parse(markdown) if tok.type == "inline"]


@pytest.mark.parametrize("text", TRICKY)
def test_md_escape_round_trip(text):
    escaped = md_escape(text)
    assert _parsed(escaped) == [text]
    # Also as one paragraph among others, and inside a table cell.
    assert _parsed(f"前文\n\n{escaped}\n\n后文") == ["前文", text, "后文"]
    assert markdown_blocks(f"| 列 |\n| :-: |\n| {escaped} |\n")[-1] == " ".join(text.split())
    # Full CommonMark reads it the same way as wenshu's reduced parser.
    assert read_as_commonmark(f"{escaped}\n\n前文{escaped}\n\n| 列 |\n| :-: |\n| {escaped} |\n")


@pytest.mark.parametrize(("text", "shown"), [("    缩进四格", "缩进四格"), ("标题\n===", "标题===")])
def test_md_escape_leaves_no_code_block_or_underlined_heading(text, shown):
    escaped = md_escape(text)
    assert _parsed(f"前文\n\n{escaped}") == ["前文", shown]
    assert read_as_commonmark(f"前文\n\n{escaped}")


@pytest.mark.parametrize("char", [chr(c) for c in range(0x21, 0x7F)])
def test_md_escape_every_ascii_mark_at_either_end_or_inside(char):
    # md_escape leaves text with none of the characters its substitutions match as it is:
    # each printable ASCII character, wherever it stands, must still read back as written.
    for text in (
        f"{char} 示例",
        f"{char}示例{char}",
        f"{char}{char}示{char}{char}",
        f"a{char}b{char}",
        f"1{char} a",
        f"x{char}b>",
    ):
        assert _parsed(md_escape(text)) == [text], text


def test_md_escape_keeps_one_line():
    assert "\n" not in md_escape("第一行\n第二行")
    assert _parsed(md_escape("第一行\n第二行")) == ["第一行第二行"]


# -- ten and more headings ---------------------------------------------------------------------------


def test_twelve_top_level_headings(tmp_path):
    headings = "".join(f"  - heading: 第{n}项\n    body:\n      - 内容{n}。\n" for n in range(1, 13))
    items = "  - heading: 分项\n    items: [" + ", ".join(f"条目{n}" for n in range(1, 12)) + "]\n"
    spec = tmp_path / "twelve.yaml"
    spec.write_text(
        "kind: notice\nformat: letter\nissuer: 测试局\ndoc_number: 测试函〔2023〕5号\ntitle: 关于测试的通知\n"
        "recipients: 各有关单位\nbody:\n" + headings + items + "signature: 测试局\ndate: 2023-07-18\n",
        encoding="utf-8",
    )
    build(spec, tmp_path / "out")
    md = (tmp_path / "out" / "twelve.md").read_text(encoding="utf-8")
    doc = DocxFile(tmp_path / "out" / "twelve.docx")
    level1 = [paragraph_text(p) for p in doc.body_paragraphs() if style_id(p) == "Heading1"]
    expected = [
        f"{chinese}、第{n}项"
        for n, chinese in enumerate(
            ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"], start=1
        )
    ]
    assert level1 == expected + ["十三、分项"]
    for text in ("十、第10项", "十一、第11项", "十二、第12项"):
        assert f"## {text}" in md
    assert "一〇" not in md and "十〇" not in md
    level2 = [paragraph_text(p)[:4] for p in doc.body_paragraphs() if paragraph_text(p).startswith("（")]
    assert level2 == [
        f"（{c}）条目"[:4] for c in ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]
    ]


def test_written_ordinals_by_depth() -> None:
    """Hand-typed ordinals are recognised in the forms people type, at their depth."""
    from wenshu.text.numbering import written_ordinal

    cases = {"一、总体要求": 1, "二，任务": 1, "（三）目标": 2, "(四)、措施": 2, "5.工作": 3, "（12）项目": 4}
    for text, depth in cases.items():
        found = written_ordinal(text)
        assert found is not None and found[0] == depth, text
    for text in ("2023年", "1.5倍", "一是", "第一条"):
        assert written_ordinal(text) is None, text
