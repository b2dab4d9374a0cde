"""Tables on the page as a clerk sees them, measured on pages LibreOffice laid out.

- The 版记 under a table that ends the last attachment on an even page (GB/T 9704 §7.4.1,
  §7.3.5.5 with §7.3.7): a 文件格式 notice with a 版记 whose one attachment, starting on page
  four (even), is a table of 21 to 24 rows under its title. From 22 rows the table left no
  room for the 版记 at the page's foot, and the notice went on to a blank page five and a
  page six holding only the 版记. The pass now gives the table's lines one exact pitch, as a
  clerk sets a table's line spacing to a 固定值, and the 版记 comes to page four.
- A bracketed year in a narrow column's heading (“基期值（2023年）”, as plans typed elsewhere
  head their indicator tables) printed “（2023/年）”, and a cell a little longer than its column
  (“规模以上工业企业数量”, the basic-information form) ended with one character alone on a
  line; the column now gets the room where the others can give it.
- Where no column can give that room (the city plans' indicator table, with its 属性 column),
  wenshu's own plans head the column “2021年基期值”, as its neighbours read “2022年目标”: it
  breaks after 年 as they do.
- Long names in narrow columns broke inside a word however wide the column (“国家知识产权优势示/
  范企业数量”, “知识产权保护社会满/意度”, “市市场监管局（知/识产权局）”): such a cell now ends its
  line at the last place between words, with a line end of its own (w:cr) in the .docx only.
- A column whose every line fits gives the room it does not need to the columns that wrap
  (the enterprise round's letters' list: “示范企业” in a column of ratio 7 of 19 while
  “示例生物医药/有限公司” wrapped in one of 5); a cell's line needs 217 twips beyond its
  characters in LibreOffice, not 185 (“知识产权保护社会满意/度”, 11 小四 characters in 2,846).
- The demonstration-city summary's comparison table printed “建设前（2021/年）”: with its
  columns as the template set them the 指标 column could give no room without a name ending
  with one character alone (“知识产权保护社会满意/度”); the template now starts the 指标
  column narrower (its long names wrap anyway) and the years' columns get the brackets' line.

All documents go through one pass (one LibreOffice run per round for all of them).
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from wenshu import layout as L
from wenshu.build.paginate import paginate
from wenshu.build.pipeline import render
from wenshu.check import check_docx
from wenshu.check.reading.ooxml import cell_text
from wenshu.extract import docx_blocks
from wenshu.office.libreoffice import LibreOffice
from wenshu.office.pages import compact, content_rows
from wenshu.render.docx import build_docx, column_widths
from wenshu.text.wrap import cell_breaks, ends_between_words, room_between_words, wrap_ends

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CITY_PLAN = EXAMPLES / "work_plans/sample-city-demonstration-plan.yaml"
CITY_SUMMARY = EXAMPLES / "summaries/sample-city-demonstration-summary.yaml"
COUNTY_EVALUATION = EXAMPLES / "rounds/henan-2023/sample-county-evaluation.yaml"
STRONG_CITY_PLAN = EXAMPLES / "work_plans/sample-strong-city-plan.yaml"
QUOTA_2025 = EXAMPLES / "rounds/example-2025/quota-2025.yaml"
APPLICATION = EXAMPLES / "letters/application.yaml"
ENTERPRISE_LETTERS = EXAMPLES / "rounds/enterprise-scores/recommendation-letters.yaml"
LINE = "这是一行正文用于逐行增加篇幅以检查分页是否正确处理了"  # 26 characters + 2 indent = 1 line


def table_attachment_notice(rows: int) -> str:
    """The Markdown of a sealed 文件格式 notice with a 版记: 30 lines of 正文 (the signature on
    page three), then one attachment, a table of ``rows`` rows in 4号, on page four."""
    table = [
        '<!-- wenshu:table {"widths": [1, 3, 4], "size": "四号"} -->',
        "| 序号 | 名称 | 说明 |",
        "| :-: | :-: | :-: |",
        *(f"| {i} | 示例单位{i} | 示例说明文字{i} |" for i in range(1, rows + 1)),
    ]
    parts = [
        '<!-- wenshu:frame {"name": "document"} -->',
        "<!-- wenshu:mark -->\n示例省知识产权局文件",
        "<!-- wenshu:doc-number -->\n示知发〔2024〕1号",
        "# 关于分页测试的通知",
        "<!-- wenshu:recipients -->\n各有关单位：",
        *([LINE] * 30),
        '<!-- wenshu:attachment-note {"first": true} -->\n附件：第一个附件',
        '<!-- wenshu:signature {"sealed": true} -->\n示例省知识产权局',
        '<!-- wenshu:date {"sealed": true} -->\n2024年1月15日',
        "<!-- wenshu:attachment -->\n附件",
        "# 第一个附件",
        "\n".join(table),
        "<!-- wenshu:cc -->\n抄送：示例单位一，示例单位二。",
        "<!-- wenshu:imprint -->\n示例省知识产权局办公室　2024年1月15日印发",
    ]
    return "\n\n".join(parts) + "\n"


# 21 rows leave the 版记 room as they are; 22–24 rows did not (the page's foot 1.6, 0.9 and
# 0.2 lines under the table, measured).
ROWS = (21, 22, 23, 24)


# An enterprise work plan's indicator table as other offices head it (wenshu's own template,
# templates/work_plans/plan_blocks.md.j2, writes “2023年基期值”), 小四, with its widths.
INDICATOR_WIDTHS = [1.2, 5.6, 1.6, 2.4, 2.2, 2.2, 2.2]
INDICATOR_ROWS = [
    ["序号", "指标名称", "单位", "基期值（2023年）", "2024年目标", "2025年目标", "2026年目标"],
    ["1", "有效发明专利拥有量", "件", "486", "560", "640", "730"],
    ["2", "PCT国际专利申请量", "件", "21", "25", "30", "35"],
    ["3", "专利许可收入", "万元", "320", "400", "500", "650"],
    ["4", "专利密集型产品销售收入占营业收入比重", "%", "72", "75", "78", "80"],
]


# The basic-information form's first table (examples/annexes/basic-info-form.yaml), 四号,
# its rows of one line: “规模以上工业企业数量” printed “规模以上工业企业数/量”.
FORM_WIDTHS = [1, 4.5, 2, 2.5, 4]
FORM_ROWS = [
    ["序号", "指标", "单位", "2017年度数据", "备注"],
    ["1", "面积", "平方公里", "", ""],
    ["5", "年财政收入", "万元", ""],
    ["6", "市本级财政一般预算（公共财政）支出", "万元", "", ""],
    ["9", "规模以上工业企业数量", "家", "", ""],
    ["10", "上市企业数量", "家", "", ""],
]


def _markdown_table(options: str, rows: list[list[str]]) -> list[str]:
    table = [f"<!-- wenshu:table {options} -->", "| " + " | ".join(rows[0]) + " |"]
    table += ["| " + " | ".join([":-:"] * len(rows[0])) + " |"]
    return table + ["| " + " | ".join(row + [""] * (len(rows[0]) - len(row))) + " |" for row in rows[1:]]


def indicator_plan() -> str:
    """The Markdown of a plan whose 正文 is the enterprise work plan's indicator table and the
    basic-information form's first table."""
    options = f'{{"widths": {INDICATOR_WIDTHS}, "size": "小四"}}'
    table = _markdown_table(options, INDICATOR_ROWS)
    form = _markdown_table(f'{{"widths": {FORM_WIDTHS}, "size": "四号"}}', FORM_ROWS)
    parts = [
        '<!-- wenshu:frame {"name": "document"} -->',
        "# 示例企业知识产权工作方案",
        LINE,
        "\n".join(table),
        LINE,
        "\n".join(form),
    ]
    return "\n\n".join(parts) + "\n"


# The 附件说明 of henan-2023-38 (examples/notices): its first name no right indent ends between
# words (0–4 characters all printed “……县域开展知/识产权……（国知办/函运字……）” or a fourth line).
NOTE_NAME = (
    "国家知识产权局办公室关于面向城市、县域开展知识产权强国建设试点示范评定工作的通知"
    "（国知办函运字〔2023〕582号）"
)
NOTE_OWN_ENDS = (
    "\n\n".join(
        [
            '<!-- wenshu:frame {"name": "document"} -->',
            "# 关于附件说明换行的通知",
            "<!-- wenshu:recipients -->\n各有关单位：",
            LINE,
            f'<!-- wenshu:attachment-note {{"first": true, "numbered": true}} -->\n附件：1\\.{NOTE_NAME}',
            '<!-- wenshu:attachment-note {"numbered": true} -->\n2\\.工作方案参考提纲',
            '<!-- wenshu:signature {"sealed": true} -->\n示例省知识产权局',
            '<!-- wenshu:date {"sealed": true} -->\n2024年1月15日',
        ]
    )
    + "\n"
)


@pytest.fixture(scope="module")
def paginated():
    documents = {f"table/{rows}": build_docx(table_attachment_notice(rows)) for rows in ROWS}
    documents["indicators"] = build_docx(indicator_plan())
    documents["city-plan"] = build_docx(render(CITY_PLAN, ("md",)).markdown)
    documents["city-summary"] = build_docx(render(CITY_SUMMARY, ("md",)).markdown)
    documents["county-evaluation"] = build_docx(render(COUNTY_EVALUATION, ("md",)).markdown)
    documents["strong-city-plan"] = build_docx(render(STRONG_CITY_PLAN, ("md",)).markdown)
    documents["quota-2025"] = build_docx(render(QUOTA_2025, ("md",)).markdown)
    documents["application"] = build_docx(render(APPLICATION, ("md",)).markdown)
    documents["enterprise-letters"] = build_docx(render(ENTERPRISE_LETTERS, ("md",)).markdown)
    documents["note-own-ends"] = build_docx(NOTE_OWN_ENDS)
    with LibreOffice() as office:
        return paginate(documents, office)


def _table_pitches(docx: bytes) -> set[int]:
    """The exact line pitches (twips) of the table paragraphs outside the 版记."""
    with zipfile.ZipFile(BytesIO(docx)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    tables = [t for t in re.findall(r"<w:tbl>.*?</w:tbl>", xml) if "WsRecord" not in t]
    return {int(v) for t in tables for v in re.findall(r'w:line="(\d+)" w:lineRule="exact"', t)}


@pytest.mark.render
def test_record_comes_under_a_full_page_table_on_the_even_last_page(paginated):
    """§7.4.1, §7.5: the 版记 stands at the foot of page four under the table — four pages,
    every one numbered — where it went past a blank page five to a page six of its own. The
    table's lines are exact and no tighter than 1.2 times its 4号 size (§7.3.5.5 with §7.3.7);
    a table that leaves the 版记 room keeps its single spacing. ``check`` finds nothing
    (no line-pitch fault on the tightened page)."""
    floor = L.MIN_TABLE_LINE_PITCH_EM * L.TABLE_SIZE_PT * L.TWIPS_PER_PT
    for rows in ROWS:
        result = paginated[f"table/{rows}"]
        facts, pitches = result.facts, _table_pitches(result.docx)
        print(
            f"table/{rows}: {facts.pages} pages, content ends {facts.content_end}, 版记 on page "
            f"{facts.record_page} ({facts.record_gap_pt} pt above the foot), unnumbered {facts.unnumbered}, "
            f"table pitch {pitches}"
        )
        assert not facts.faults, [str(f) for f in facts.faults]
        assert (facts.pages, facts.record_page, facts.content_end[0]) == (4, 4, 4), rows
        assert not facts.unnumbered and 0 <= facts.record_gap_pt <= 5
        if rows == 21:
            assert not pitches
        else:
            assert len(pitches) == 1 and floor <= min(pitches) < 1.45 * L.TABLE_SIZE_PT * L.TWIPS_PER_PT
        assert not [d.code for d in check_docx(result.docx).deviations]


def test_bracketed_word_gets_its_line_where_other_columns_can_give_it():
    """“基期值（2023年）” in a column of three characters and a half: the column gets room for
    “（2023年）” (five and a bit), from the columns that can give it without a line of theirs
    printing worse; the table stays as wide as the 版心."""
    total, cell = 8844, 12 * L.TWIPS_PER_PT
    rows = [[(text, "") for text in row] for row in INDICATOR_ROWS]
    plain = [int(r * total / sum(INDICATOR_WIDTHS)) for r in INDICATOR_WIDTHS]
    plain[-1] += total - sum(plain)
    assert (plain[3] - 2 * L.TABLE_CELL_MARGIN_TWIPS) / cell < 5
    widths = column_widths(rows, INDICATOR_WIDTHS, total, size_pt=12)
    assert sum(widths) == total and widths[3] >= 5.2 * cell + 2 * L.TABLE_CELL_MARGIN_TWIPS
    # “专利密集型产品销售收入占营业收入比重” (18) still breaks in two lines of nine or more
    assert (widths[1] - 2 * L.TABLE_CELL_MARGIN_TWIPS) / cell >= 9.5
    # “2024年目标” breaks after 年 as before (its column may give 序号 room it does not need)
    for w, p in zip(widths[4:], plain[4:], strict=True):
        assert wrap_ends("2024年目标", (w - 2 * L.TABLE_CELL_MARGIN_TWIPS) / cell) == [5, 7], (w, p)


@pytest.mark.render
def test_bracketed_year_prints_whole_in_the_indicator_heading(paginated):
    """On the page: “（2023年）” on one line under “基期值”, not “（2023” over “年）”."""
    pages = paginated["indicators"].pages
    lines = [compact(r.text) for page in pages for r in content_rows(page)]
    print([line for line in lines if "2023" in line or line.startswith("年")])
    assert any("（2023年）" in line for line in lines)
    assert not any(line.endswith("（2023") or line.startswith("年）") for line in lines)


def test_a_line_left_one_character_alone_gets_its_column_a_character_more():
    """“规模以上工业企业数量” (ten characters) in a column of a little under ten printed
    “规模以上工业企业数/量”: the column gets the room for ten, from the 备注 column, which has
    nothing in it; “平方公里” keeps its line, the table stays as wide as the 版心."""
    total, cell = 8844, L.TABLE_SIZE_PT * L.TWIPS_PER_PT
    rows = [[(text, "") for text in row + [""] * (5 - len(row))] for row in FORM_ROWS]
    plain = [int(r * total / sum(FORM_WIDTHS)) for r in FORM_WIDTHS]
    assert 9 < (plain[1] - 2 * L.TABLE_CELL_MARGIN_TWIPS) / cell < 10
    widths = column_widths(rows, FORM_WIDTHS, total)
    assert sum(widths) == total and (widths[1] - 2 * L.TABLE_CELL_MARGIN_TWIPS) / cell >= 10
    assert widths[2] >= 4 * cell + 2 * L.TABLE_CELL_MARGIN_TWIPS and widths[4] < plain[4]


@pytest.mark.render
def test_no_cell_ends_with_one_character_alone(paginated):
    """On the page: “规模以上工业企业数量” on one line, not “数” over “量”."""
    lines = [compact(r.text) for page in paginated["indicators"].pages for r in content_rows(page)]
    print([line for line in lines if "企业" in line])
    assert any("规模以上工业企业数量" in line for line in lines)


@pytest.mark.render
def test_city_plan_heads_its_base_year_column_without_a_broken_word(paginated):
    """The city plan's 主要指标表 (8 columns with 属性, 小四): “基期值（2021年）” had no room
    anywhere and printed “（2021” over “年）”; headed “2021年基期值” it breaks after 年, the
    row of headings reading “2021年 2022年 2023年 2024年” over “基期值 目标 目标 目标”."""
    lines = [compact(r.text) for page in paginated["city-plan"].pages for r in content_rows(page)]
    print([line for line in lines if "基期" in line or "2021" in line][:6])
    years = next(i for i, line in enumerate(lines) if line.endswith("2021年2022年2023年2024年"))
    assert any(line.endswith("基期值目标目标目标") for line in lines[years + 1 : years + 3])
    assert not any("（2021" in line or "年）" in line for line in lines[years : years + 3])


@pytest.mark.render
def test_city_summary_heads_its_years_whole_and_leaves_no_name_a_character_alone(paginated):
    """The summary's 示范建设前后主要数据对比表 (7 columns, 小四): “建设前（2021年）” printed
    “（2021” over “年）”; now “（2021年）” and “（2024年）” each keep a line under 建设前 and
    建设后, and no line of the table's cells holds one character alone (the 指标 column, at
    x ≈ 111 pt, wraps its long names leaving two characters or more)."""
    page = paginated["city-summary"].pages[-1]
    rows = content_rows(page)
    lines = [compact(r.text) for r in rows]
    print(lines[:6])
    assert any("（2021年）（2024年）" in line for line in lines)
    assert not any(re.search(r"（20\d\d(?!年）)|^年）", line) for line in lines)
    first = next(i for i, line in enumerate(lines) if "指标" in line)
    note = next(i for i, line in enumerate(lines) if line.startswith("注："))
    alone = [r.text for r in rows[first + 1 : note] if r.x0 > 100 and r.x1 - r.x0 < 1.5 * 12]
    assert not alone


# The county evaluation's 完成情况 column (四号): its cells' text before “（示例）” filled the line.
RESULTS = [
    "5件（示例）",
    "1.2亿元，14笔（示例）",
    "86次，0.3亿元（示例）",
    "市级以上报道11篇（示例）",
    "无（示例）",
]


def test_a_column_whose_lines_split_a_bracketed_word_gets_the_room_to_keep_it_whole():
    """“1.2亿元，14笔（示例）” in a column of a little over nine characters wrapped “……14笔（示”
    over “例）”, and “市级以上报道11篇（示例）” would at any width up to its own (例 may not end a
    line before “）”): the column gets its room from the long column beside it; wrapped where
    LibreOffice wraps, no cell splits “（示例）”."""
    from wenshu.text.wrap import wrap_ends

    total, cell = 8844, L.TABLE_SIZE_PT * L.TWIPS_PER_PT
    ratios = [2, 9, 5]
    rows = [[("序号", ""), ("指标说明", ""), ("完成情况", "")]]
    rows += [
        [(str(i), ""), ("考察近三年在市级及以上媒体宣传报道本县知识产权工作情况" * 2, ""), (text, "")]
        for i, text in enumerate(RESULTS)
    ]
    plain = [int(r * total / sum(ratios)) for r in ratios]
    now = (plain[2] - 2 * L.TABLE_CELL_MARGIN_TWIPS) / cell
    assert any(
        0 < e < len(t) and "（示" in t[:e] and t[e:].startswith("例")
        for t in RESULTS
        for e in wrap_ends(t, now)
    )
    widths = column_widths(rows, ratios, total)
    room = (widths[2] - 2 * L.TABLE_CELL_MARGIN_TWIPS - 60) / cell
    assert sum(widths) == total and widths[2] > plain[2] and widths[1] < plain[1]
    for text in RESULTS:
        assert all(not ("（示" in text[:e] and text[e:].startswith("例")) for e in wrap_ends(text, room)), (
            text
        )


def test_a_long_cell_is_wrapped_in_time_linear_in_its_length():
    """A cell of 20,000 characters holding “（示例）”: each line's end was sought over the whole
    rest of the text (a 5,100-character cell took 5.7 CPU-s to build, 17,000 took 56 s)."""
    import time

    text = "考察近三年知识产权工作情况（示例）" * 1200
    rows = [
        [("序号", ""), ("指标", ""), ("说明", ""), ("备注", "")],
        [("1", ""), ("x", ""), (text, ""), ("", "")],
    ]
    start = time.process_time()
    widths = column_widths(rows, [1, 2, 3, 1], 8844)
    assert time.process_time() - start < 5 and sum(widths) == 8844


@pytest.mark.render
def test_county_evaluation_prints_its_results_without_splitting_the_brackets(paginated):
    """On the page (sample-county-evaluation p2): “1.2亿元，14笔（示例）” and “86次，0.3亿元（示例）”
    on one line each, no line ending “（示” (they printed “（示” over “例）”)."""
    lines = [compact(r.text) for page in paginated["county-evaluation"].pages for r in content_rows(page)]
    print([line for line in lines if "示" in line and "（" in line][:12])
    assert any(line.endswith("1.2亿元，14笔（示例）") for line in lines)
    assert any(line.endswith("86次，0.3亿元（示例）") for line in lines)
    assert not any(line.endswith("（示") or line.startswith("例）") for line in lines)


def test_a_column_narrower_than_a_character_is_left_as_it_is():
    """A width typed as a few twips (``widths: [185, 8659]``, or a Word table read by
    ``import``) left a column of no room: the lone-character pass divided by it (内部错误
    ZeroDivisionError) or widened it oddly; it now keeps the widths given."""
    rows = [[("甲乙丙", "")] * 2, [("规模以上工业企业数量", "")] * 2]
    assert column_widths(rows[:1], None, 370) == [185, 185]
    assert column_widths(rows, [185, 8659], 8844) == [185, 8659]
    assert column_widths(rows, [100, 8744], 8844) == [100, 8744]


def test_a_long_table_measures_a_few_lines_and_keeps_its_widths(monkeypatch):
    """A 5,000-row indicator table (numbered names, a bracketed heading: every pass looks
    for room) took 114 ms for its widths, each of its ~15,000 distinct lines measured; lines
    alike but for their digits and ideographs are measured once, and the widths are those
    the passes gave before (the bracket finds no room; the lone-character pass none to do)."""
    from wenshu.render import docx

    measured: list[str] = []
    width = docx.cached_line_width
    monkeypatch.setattr(docx, "cached_line_width", lambda text: measured.append(text) or width(text))
    rows = [[(t, "") for t in ("序号", "指标名称", "单位", "基期值（2023年）", "2024年目标")]]
    name = "专利密集型产品销售收入占营业收入比重"
    texts = [[str(i), f"{name}{i}", "万元", str(3 * i), str(7 * i)] for i in range(1, 5001)]
    rows += [[(t, "") for t in row] for row in texts]
    assert column_widths(rows, [1.2, 5.6, 1.6, 2.4, 2.2], 8844, None, 12) == [816, 3809, 1088, 1632, 1499]
    assert len(measured) < 100, len(measured)


# Names of the summaries' and plans' indicator tables, each in a room its column gave it (小四).
NAMES = [
    ("国家知识产权优势示范企业数量", 9.3, "国家知识产权优势|示范企业数量"),
    ("知识产权保护社会满意度", 9.3, "知识产权保护社会|满意度"),
    ("地理标志保护产品和地理标志商标总数", 11.2, "地理标志保护产品和|地理标志商标总数"),
    ("市市场监管局（知识产权局）", 8.5, "市市场监管局|（知识产权局）"),
    ("在国家和区域重大发展战略中的定位（500字以内）", 20.3, "在国家和区域重大发展战略中的定位|（500字以内）"),
]


def test_a_note_name_no_narrower_room_helps_gets_ends_between_words_in_as_many_lines():
    """henan-2023-38's 附件说明 name in its 22.08 characters: wrapped as LibreOffice wraps it, it
    ends “……县域开展知/识产权……（国知办/函运字……”; no narrower room ends it between words in
    three lines, wenshu's own ends do (the lines before the last as full as they may be)."""
    room = 22.08
    assert room_between_words(NOTE_NAME, room) == room
    ends = ends_between_words(NOTE_NAME, room)
    print(ends)
    assert ends is not None and len(ends) == len(wrap_ends(NOTE_NAME, room)) == 3
    lines = [NOTE_NAME[a:b] for a, b in zip([0, *ends], ends, strict=False)]
    assert lines == [
        "国家知识产权局办公室关于面向城市、县域",
        "开展知识产权强国建设试点示范评定工作的通知",
        "（国知办函运字〔2023〕582号）",
    ]
    assert ends_between_words("工作方案参考提纲", room) is None  # one line


def test_a_name_ends_its_lines_between_words():
    """Wrapped as LibreOffice wraps, each name breaks inside a word (“示/范”, “满/意”, “（知/识产权局）”);
    its line ends instead at the last place between words, the name keeping its lines."""
    for text, room, want in NAMES:
        ends = wrap_ends(text, room)
        got = cell_breaks(text, room, room - 0.2)
        lines = [text[a:b] for a, b in zip([0, *got], [*got, len(text)], strict=True)]
        print(text, [text[a:b] for a, b in zip([0, *ends], ends, strict=False)], lines)
        assert "|".join(lines) == want
        assert len(lines) <= len(ends)


def test_names_end_their_lines_between_words_the_lexicon_does_not_know():
    """The breaks eyes11 found printed (“市人力资源社会保/障局”, “市工业和信/息化局”, “市投/资促进局”,
    “纠纷多元化/解机制”, “市文/化广电和旅游局”, “不超/过100个”): places between two characters
    the titles' lexicon does not know are judged by the word segmenter, and the line ends
    between words."""
    cases = [
        ("市人力资源社会保障局", 8.3, 2, "市人力资源社会|保障局"),
        ("市科技局、市工业和信息化局", 10.3, 2, "市科技局、市工业和|信息化局"),
        ("健全维权援助和纠纷多元化解机制", 12.3, 2, "健全维权援助和纠纷|多元化解机制"),
        ("市农业农村局、市文化广电和旅游局", 9.3, 2, "市农业农村局、|市文化广电和旅游局"),
        ("（知识产权局）、市投资促进局", 9.3, 2, "（知识产权局）、|市投资促进局"),
        ("每个地区不超过000个", 6.3, 2, "每个地区不|超过000个"),
    ]
    for text, room, row_lines, want in cases:
        got = cell_breaks(text, room, room - 0.2, row_lines)
        assert "|".join(text[a:b] for a, b in zip([0, *got], [*got, len(text)], strict=True)) == want


def test_prose_ends_its_lines_between_words_in_no_more_lines():
    """A cell of sentences ends its lines between words too (“……专项经费支出结/构”: the last
    line “构” alone), where that takes no more lines than it wraps in; where it would, it
    wraps as the body does."""
    text = "考察要点：0.市本级知识产权专项经费占市本级公共财政支出的比例；0.市本级知识产权专项经费支出结构"
    room = 23.63  # the 指标说明 column (5,179 twips, 五号): _cell_rooms
    ends = wrap_ends(text, room)
    assert text[ends[-2] :] == "构"
    got = cell_breaks(text, room, room - 0.21)
    assert got and text[got[-1] :] == "结构"
    assert len(got) + 1 <= len(ends)
    # a reader takes wenshu's line ends back out of the sentences (wenshu.check.reading.ooxml)
    printed = "\n".join(text[a:b] for a, b in zip([0, *got], [*got, len(text)], strict=True))
    assert cell_text([printed], typed=False) == text
    prose = "考察要点：1.近三年市委市政府召开会议研究知识产权工作情况。2.近三年市委市政府领导批示情况。"
    assert cell_breaks(prose, 9.3, 9.1) == []
    assert cell_breaks("知识产权保护社会满意度", 12, 11.8) == []
    assert cell_breaks("专利转让许可次数", 4.3, 4.1) == []  # 专利转让/许可次数
    # fits its room but not surely, in a row of three lines: “亿元” is no place to break at
    assert cell_breaks("亿元", 2.05, 1.83, row_lines=3) == []
    assert cell_breaks("专利密集型产品备案情况", 11.08, 10.86, row_lines=2) == [9]  # not “……备案情/况”
    assert cell_breaks("市市场监管局（知识产权局）、市商务局", 9.3, 9.1) != []
    # four lines as it wraps (“……己庚辛” a line alone): a name no longer, left to wrap
    assert len(wrap_ends("甲乙丙（知识产权局）丁戊己庚辛壬癸子丑寅卯辰", 7.3)) == 4
    assert cell_breaks("甲乙丙（知识产权局）丁戊己庚辛壬癸子丑寅卯辰", 7.3, 7.1) == []


def test_prose_breaks_take_no_line_more_where_libreoffice_fits_a_little_more():
    """Row 19 of the city evaluation form (指标说明, 23.63 characters): LibreOffice printed
    “……；2.规” (23.9 by wenshu's widths) on line 1 and the rest on line 2; a break before “数量”,
    right in 23.63, made it three lines. Prose keeps its breaks only where no room up to a
    little wider gives them a line more than the text wrapped there."""
    text = "考察要点：0.城市每万人口高价值发明专利数量；0.规模以上工业企业每亿元营业收入高价值发明专利数量"
    assert len(wrap_ends(text, 23.63)) == 3 and len(wrap_ends(text, 23.9)) == 2
    assert cell_breaks(text, 23.63, 23.57) == []


def test_a_line_does_not_end_after_an_items_number():
    """“……情况；2./近三年……”: a cell's line never ends right after an item's number (“2.”,
    “2、”, “（2）”, “①”) nor inside it; the number goes with its item."""
    text = (
        "考察要点：0.近三年知识产权法规制修订情况；0.近三年知识产权专项发展规划制定出台情况；"
        "0.近三年知识产权政策制定出台情况"
    )
    for number in ("0.", "0、", "（0）", "①"):
        numbered = text.replace("0.", number)
        got = cell_breaks(numbered, 23.63, 23.57)
        lines = [numbered[a:b] for a, b in zip([0, *got], [*got, len(numbered)], strict=True)]
        print(number, lines)
        assert got or number != "0."
        assert not [line for line in lines if line.endswith(number)]
        assert len(number) < 2 or not [line for line in lines if line.startswith(number[1:])]


def test_a_line_word_would_end_inside_a_word_ends_where_both_print_it():
    """Word lays a cell's text in its width less the two 85-twip margins (ECMA-376 §17.4.42),
    about a character more than LibreOffice: “知识产权管理机构设置情况” in the 2,511-twip
    三级指标 column (五号) prints “……机构设置/情况” in LibreOffice's 10.92 characters but
    would print “……机构设置情/况” in Word's 11.15. The cell ends the line after 设置, where
    both print it; a LibreOffice line no longer for it (the rows are as tall on the page:
    benchmarks/table_rows.py)."""
    from wenshu.render.docx import printed_lines

    text = "知识产权管理机构设置情况"
    assert wrap_ends(text, 10.92)[0] == 10 and wrap_ends(text, 11.15)[0] == 11
    assert cell_breaks(text, 10.92, 10.86, 2) == []  # LibreOffice's room alone: no break needed
    assert cell_breaks(text, 10.92, 10.86, 2, 11.15) == [10]
    assert printed_lines(text, 2511, 10.5, 1) == ["知识产权管理机构设置", "情况"]
    # where Word's room ends the line as LibreOffice's, between words, nothing is added
    assert cell_breaks("知识产权保护社会满意度", 12, 11.8, 1, 12.2) == []
    assert printed_lines("2023年基期值", 1196, 12, 2) == ["2023年", "基期值"]  # not “2023年基/期值”


def test_only_the_docx_gets_the_line_ends_and_reads_without_them():
    """The summary's .docx ends “国家知识产权优势” with a w:cr; the Markdown has no break, and
    the .docx read back (check, import) says the name unbroken."""
    rendered = render(CITY_SUMMARY, ("md", "docx"))
    markdown = rendered.markdown
    assert "国家知识产权优势示范企业数量" in markdown and "\r" not in markdown
    with zipfile.ZipFile(BytesIO(rendered.files["docx"])) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "国家知识产权优势</w:t><w:cr/>" in xml
    assert "国家知识产权优势示范企业数量" in docx_blocks(rendered.files["docx"])


def _cells_on(pages) -> list[str]:
    """Each printed piece of the tables' rows (cells apart by a gap): the rows of text smaller
    than the body's 三号 (the tables are 小四 or 四号)."""
    return [
        piece
        for page in pages
        for r in content_rows(page)
        if r.height < 1.2 * L.BODY_SIZE_PT  # a line of text is ~1.3 times its size high
        for piece in r.text.split()
    ]


@pytest.mark.render
def test_summary_prints_its_indicator_names_without_a_word_broken(paginated):
    """On the page (city summary pp. 1–2 and 6): “国家知识产权优势” over “示范企业数量”,
    “知识产权保护社会” over “满意度” (they printed “示/范”, “满/意”), no piece of a cell
    starting inside those words."""
    pieces = _cells_on(paginated["city-summary"].pages)
    print([p for p in pieces if "示范" in p or "满意" in p or p[:1] in "范意"])
    assert pieces.count("国家知识产权优势") == 2 and pieces.count("示范企业数量") == 2
    assert "知识产权保护社会" in pieces and "满意度" in pieces
    assert "地理标志保护产品和" in pieces and "地理标志商标总数" in pieces
    assert not [p for p in pieces if p.startswith(("范", "意", "业数量", "标志商标"))]


@pytest.mark.render
def test_plan_prints_the_bureau_in_brackets_whole(paginated):
    """On the page (city plan, 重点任务分工表): “（知识产权局）” whole under “市市场监管局”, never
    “（知” over “识产权局）”."""
    pieces = _cells_on(paginated["city-plan"].pages)
    print([p for p in pieces if "知识" in p or "产权局" in p][:12])
    assert any(p.startswith("（知识产权局）") for p in pieces)
    assert not [
        p
        for p in pieces
        if p.endswith(("（知", "（知识", "（知识产")) or p.startswith(("识产权局）", "产权局）"))
    ]


@pytest.mark.render
def test_serial_number_heads_its_column_on_one_line(paginated):
    """On the page: “序号” on one line over its numbers in the strong-city plan's tables, where
    its column's ratio (1 or 1.2 of 17 to 20) printed it “序” over “号”; the room comes from
    the columns with room to spare (the year columns over numbers). The city plan and the
    summary head one table each so too; their indicator tables keep “序/号”, their name
    column having no room to spare (see the next test)."""
    for name in ("strong-city-plan", "city-plan", "city-summary"):
        pieces = _cells_on(paginated[name].pages)
        print(name, pieces.count("序号"), [p for p in pieces if p in ("序", "号")])
        assert "序号" in pieces, name
    assert not [p for p in _cells_on(paginated["strong-city-plan"].pages) if p in ("序", "号")]


@pytest.mark.render
def test_serial_number_takes_no_room_the_indicator_names_need(paginated):
    """On the page (city plan p. 3, 主要指标表; city summary): the indicator names print as
    before “序号” was widened, “有效发明专利拥有量” and “PCT国际专利申请量” on one line each (they
    printed “有效发明专利拥有” over “量” and “PCT国际专利” over “申请量” when the 序号 column
    took its room from the 指标名称 column), and the table is no taller: ~307 pt from its
    caption to its last row's “满意度”, where it was 51.8 pt more."""
    for name in ("city-plan", "city-summary"):
        pieces = _cells_on(paginated[name].pages)
        print(name, [p for p in pieces if "专利" in p or "地理标志" in p or len(p) == 1 and p in "量年"])
        # “PCT” prints apart from the Chinese after it (autospace): a piece of its own
        assert "有效发明专利拥有量" in pieces and "国际专利申请量" in pieces, name
        assert "量" not in pieces and "申请量" not in pieces, name
    page = next(
        p for p in paginated["city-plan"].pages if any("主要指标表" in r.text for r in content_rows(p))
    )
    rows = content_rows(page)
    caption = next(r for r in rows if "主要指标表" in r.text)
    last = next(r for r in rows if r.y0 > caption.y0 and "满意度" in r.text.split())
    print(last.y0 - caption.y0)
    assert last.y0 - caption.y0 < 307 + L.TABLE_SIZE_PT


@pytest.mark.render
def test_quota_headers_print_on_one_line_where_the_region_column_has_room(paginated):
    """On the page (quota-2025): “强市建设示范市” and “强县建设示范县” each on one line, the
    地区 column (ratio 3 of 10, for “河南省”) giving the room; they printed over two lines."""
    pieces = _cells_on(paginated["quota-2025"].pages)
    print(pieces[:12])
    assert "强市建设示范市" in pieces and "强县建设示范县" in pieces
    assert "河南省" in pieces and "示范园区" in pieces


@pytest.mark.render
def test_a_name_list_keeps_each_one_character_start_and_end_with_its_name(paginated):
    """On the page (city plan, 重点任务分工表): “市中级人民法院、市人民检察院、市公安局”
    printed “……、市” over “人民检察院、市公安” over “局”; its lines now end after “、”."""
    pieces = _cells_on(paginated["city-plan"].pages)
    print([p for p in pieces if "法院" in p or "检察院" in p or "公安" in p or p == "局"])
    assert "市中级人民法院、" in pieces and "市人民检察院、" in pieces and "市公安局" in pieces
    assert "局" not in pieces


@pytest.mark.render
def test_attachment_note_name_wraps_between_words(paginated):
    """On the page (the application letter's 附件说明): “1.示例市国家知识产权强市建设示范城市创建
    工作报告” wraps after “创建”, “工作报告” on the line under it at the name's start; it printed
    “……创建工作报” over “告”. The .docx text stays the one name (a right indent narrows the
    line; no break in the text)."""
    rows = [r for page in paginated["application"].pages for r in content_rows(page)]
    lines = [compact(r.text) for r in rows]
    print([line for line in lines if "附件" in line or "工作" in line])
    assert "附件：1.示例市国家知识产权强市建设示范城市创建" in lines and "工作报告" in lines
    assert "告" not in lines
    first = next(r for r in rows if compact(r.text).startswith("附件：1."))
    under = next(r for r in rows if compact(r.text) == "工作报告")
    assert under.x0 > first.x0 + 3 * L.BODY_SIZE_PT  # under the name, not under “附件：1.”
    assert any(b.endswith("示范城市创建工作报告") for b in docx_blocks(paginated["application"].docx))


@pytest.mark.render
def test_attachment_note_name_no_indent_helps_carries_its_own_line_ends(paginated):
    """On the page (henan-2023-38's 附件说明 item 1): the name prints in three lines ending
    between words, “……县域” / “开展……通知” / “（国知办函运字〔2023〕582号）”, the lines under the
    first at the name's first character; it printed “……县域开展知” over “识产权……（国知办” over
    “函运字……”. The line ends are the .docx's own (w:cr); every reader takes the one name."""
    document = paginated["note-own-ends"]
    rows = [r for page in document.pages for r in content_rows(page)]
    lines = [compact(r.text) for r in rows]
    at = next(i for i, line in enumerate(lines) if line.startswith("附件：1."))
    print(lines[at : at + 4])
    assert lines[at : at + 4] == [
        "附件：1.国家知识产权局办公室关于面向城市、县域",
        "开展知识产权强国建设试点示范评定工作的通知",
        "（国知办函运字〔2023〕582号）",
        "2.工作方案参考提纲",
    ]
    first, second, third = rows[at : at + 3]
    # under the name, not under “附件：1.”
    assert abs(second.x0 - third.x0) < 1 and second.x0 > first.x0 + 3 * L.BODY_SIZE_PT
    assert NOTE_NAME in "".join(docx_blocks(document.docx))
    xml = zipfile.ZipFile(BytesIO(document.docx)).read("word/document.xml").decode("utf-8")
    assert "县域</w:t><w:cr/>" in xml and "通知</w:t><w:cr/>" in xml
    codes = [d.code for d in check_docx(document.docx, "note.docx").deviations]
    assert not [c for c in codes if c.startswith("note") or "title" in c], codes


# The enterprise round's letters' list (examples/rounds/enterprise-scores), 四号, ratios 3:5:7:2:2.
LETTER_ROWS = [
    ["推荐排序", "推荐对象", "申报类别", "A表得分", "B表得分"],
    ["1", "示例生物医药有限公司", "示范企业", "81.5", "84"],
    ["2", "示例电子信息有限公司", "示范企业", "78", "82"],
]


def test_a_column_whose_lines_fit_gives_its_spare_room_to_one_that_wraps():
    """The 申报类别 column (“示范企业”, ratio 7) gives the 推荐对象 column (ratio 5, its names
    of ten 四号 characters wrapping) the room for its names on one line, and keeps its own
    header and entries on one line; the numbers' columns, fitting already, keep theirs."""
    rows = [[(t, "center") for t in r] for r in LETTER_ROWS]
    widths = column_widths(rows, [3, 5, 7, 2, 2], 8844, None, L.TABLE_SIZE_PT)
    cell = L.TABLE_SIZE_PT * L.TWIPS_PER_PT
    print(widths)
    assert sum(widths) == 8844
    assert widths[1] >= 10 * cell + 217 > 5 * 8844 // 19  # LibreOffice's line needs 217 twips more
    assert 4 * cell + 217 <= widths[2] < 7 * 8844 // 19
    assert widths[0] >= 4 * cell + 217 and min(widths[3:]) >= 3.5 * cell + 217  # 推荐排序, A表得分


def test_a_form_column_left_empty_gives_no_room():
    """A column empty under its header (“完成情况” of an evaluation form, to be filled in by
    hand) keeps its width though its header fits in far less; a column whose lines fit and
    that holds text gives."""
    rows = [
        [("序号", ""), ("指标说明", ""), ("完成情况", "")],
        [
            ("1", ""),
            ("考察要点：1.近三年知识产权法规制修订情况；2.近三年知识产权专项发展规划制定出台情况", ""),
            ("", ""),
        ],
    ]
    widths = column_widths(rows, [1, 5, 3], 8844, None, L.TABLE_SIZE_PT)
    assert widths[2] == 8844 - 8844 // 9 - 5 * 8844 // 9


@pytest.mark.render
def test_letters_list_prints_each_name_on_one_line_and_the_index_whole(paginated):
    """On the page (the enterprise round's letters' list; strong-city plan): each 推荐对象 on one
    line, where they printed “示例生物医药” over “有限公司”, and “示范企业” still whole beside
    them; “知识产权保护社会满意度” on one line, where it printed “……满意” over “度”: the
    column is now as wide as LibreOffice needs for it (its 11 characters plus 217 twips)."""
    # every printed row: a row of digits beside 四号 text is as high as a line of the 三号 body
    pieces = [
        piece
        for page in paginated["enterprise-letters"].pages
        for r in content_rows(page)
        for piece in r.text.split()
    ]
    print(pieces)
    assert "示例生物医药有限公司" in pieces and "示例电子信息有限公司" in pieces
    assert pieces.count("示范企业") == 2 and "申报类别" in pieces and "推荐排序" in pieces
    pieces = _cells_on(paginated["strong-city-plan"].pages)
    print([p for p in pieces if "满意" in p or p == "度"])
    assert "知识产权保护社会满意度" in pieces and "度" not in pieces


def test_a_cell_of_thousands_of_characters_gets_its_line_ends_at_once():
    """review15: each line's end was sought over the whole rest of a prose cell, in several
    rooms: 8,000 characters took 23 CPU-s (a cell may hold 32,767). Past ``_MOST_LINES`` lines
    a cell wraps as LibreOffice wraps it, with no line ends of wenshu's own."""
    import time

    from wenshu.text.wrap import cell_breaks

    text = "知识产权工作机构设置情况；近三年出台的政策文件，" * 340
    start = time.process_time()
    assert cell_breaks(text, 10.3, 10.0, 1, 11.2) == []
    assert time.process_time() - start < 2
