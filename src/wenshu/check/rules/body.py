"""§7.3 主体: title, 主送机关, paragraph indents, structural ordinals, 署名 and 成文日期 (and the
form of any date), 附注, “（此页无正文）”."""

from __future__ import annotations

import math
import re
from typing import Any

from wenshu import layout as L
from wenshu.check.findings import Findings
from wenshu.check.reading.reader import Para
from wenshu.check.reading.tables import cell_text_box
from wenshu.check.recognise import NO_TEXT, PLACEHOLDER, Recogniser
from wenshu.check.registry import RULES
from wenshu.check.roles import HEADING_NAMES, element_name
from wenshu.check.rules.common import INDENT_SLACK, align_name, column_count
from wenshu.text.dates import DateError, format_cn_date, parse_date
from wenshu.text.numbering import FORMS, chinese_value, ordinal, written_ordinal
from wenshu.text.titles import line_width, title_problems
from wenshu.text.width import SliceWidths

RULES.rule("title-align", "7.3.1", "标题", "标题居中")
RULES.rule("title-break", "7.3.1", "标题", "标题在词与词之间回行，各行长短适宜")
RULES.rule("recipients-colon", "7.3.2", "主送机关", "主送机关后标全角冒号")
RULES.rule("recipients-indent", "7.3.2", "主送机关", "主送机关居左顶格")
RULES.rule("indent", "7.3.3", "正文", "段首左空二字，回行顶格")
RULES.rule("ordinal-form", "7.3.3", "层级标题", "结构层次序数的写法")
RULES.rule("ordinal-sequence", "7.3.3", "层级标题", "结构层次序数连续")
RULES.rule("no-text-page", "7.3.5.3", "正文", "“（此页无正文）”只用于没有正文的页")
RULES.rule("signature-date", "7.3.5", "发文机关署名和成文日期", "署名和成文日期的位置")
RULES.rule("date-form", "7.3.5.4", "日期", "日期用阿拉伯数字标全年、月、日")
RULES.rule("note-brackets", "7.3.6", "附注", "附注加全角圆括号")


def check_main(doc: Recogniser, out: Findings) -> None:
    """§7.3.1–7.3.6: title, 主送机关, paragraph indents, 成文日期, 附注."""
    for para in doc.role("title") + doc.role("attachment-title"):
        if doc.alignment(para) != "center" and doc.placed_by_alignment(para):
            clause = "7.3.1" if para.role == "title" else "7.3.7"
            out.add(
                "title-align",
                clause,
                element_name(para),
                "未居中",
                "居中",
                align_name(doc.alignment(para)),
                para.where,
            )
    for para in doc.role("recipients"):
        text = para.text.strip()
        if not text.endswith("："):
            out.add(
                "recipients-colon",
                "7.3.2",
                "主送机关",
                "主送机关后应标全角冒号",
                "以“：”结尾",
                text[-1:],
                para.where,
            )
        first, left = doc.first_line_start(para), doc.indents(para)[1]
        if abs(first) > INDENT_SLACK or abs(left) > INDENT_SLACK:
            out.add(
                "recipients-indent",
                "7.3.2",
                "主送机关",
                "主送机关应居左顶格",
                "顶格（缩进 0）",
                f"缩进 {first:.1f} 字",
                para.where,
            )
    for para in doc.paragraphs:
        if para.in_table or para.role not in ("body", "heading") or not para.text.strip():
            continue
        if doc.section_of(para).landscape:
            continue
        first, left = doc.first_line_start(para), doc.indents(para)[1]
        if abs(first - L.BODY_INDENT_CHARS) > INDENT_SLACK:
            out.add(
                "indent",
                "7.3.3",
                element_name(para),
                "段首应左空二字",
                f"首行缩进 {L.BODY_INDENT_CHARS} 字",
                f"{first:.1f} 字",
                para.where,
            )
        elif abs(left) > INDENT_SLACK:
            out.add(
                "indent",
                "7.3.3",
                element_name(para),
                "回行应顶格",
                "其余各行缩进 0",
                f"{left:.1f} 字",
                para.where,
            )
    for para in doc.role("date"):
        if PLACEHOLDER.match(para.text):
            continue  # a field still to be filled in
        check_date_text(para.text.strip(), "7.3.5.4", "成文日期", para, out)
    for para in doc.role("note"):
        text = para.text.strip()
        if not (text.startswith("（") and text.endswith("）")):
            out.add(
                "note-brackets",
                "7.3.6",
                "附注",
                "附注应加全角圆括号",
                "（……）",
                text[:1] + "…" + text[-1:],
                para.where,
            )
        first, left = doc.first_line_start(para), doc.indents(para)[1]
        if abs(first - L.BODY_INDENT_CHARS) > INDENT_SLACK:
            out.add(
                "indent",
                "7.3.6",
                "附注",
                "附注应居左空二字",
                f"首行缩进 {L.BODY_INDENT_CHARS} 字",
                f"{first:.1f} 字",
                para.where,
            )
        elif abs(left) > INDENT_SLACK:
            out.add("indent", "7.3.6", "附注", "回行应顶格", "其余各行缩进 0", f"{left:.1f} 字", para.where)


def _span(doc: Recogniser, para: Para) -> tuple[float, float] | None:
    """Where a one-line paragraph's text starts and ends, in characters from the right edge
    of the 版心 (so (12, 2) is a text of ten characters, right-indented two). Leading and
    trailing spaces count: a hand-made document often positions a signature with them, or with
    a tab to a (right-aligned) tab stop. None when that cannot be known (a tab inside the text,
    a line break, or a line that wraps)."""
    text = para.text
    lead = text[: len(text) - len(text.lstrip(" \u3000\t"))]
    if "\t" in text[len(lead) :] or "\n" in text or not text.strip():
        return None  # a tab stop between words or a second line: where the text stands is not known here
    char = doc.grid_pitch(para) or doc.char_twips(para) or 1
    text_width = doc.section_of(para).text_width
    # A paragraph in a table (a 署名 set in a borderless one) runs within its cell.
    left_edge, right_edge = cell_text_box(para, doc.styles, text_width) if para.in_table else (0, text_width)
    line = (right_edge - left_edge) / char
    shift = (text_width - right_edge) / char  # from the cell's right edge to the 版心's
    body = line_width(text.strip())
    trail = line_width(text[len(text.rstrip()) :])
    first, _, right = doc.indents(para)
    align = doc.alignment(para)
    if "\t" in lead:
        if align not in ("left", "both") or para.in_table:
            return None
        # Walk the leading spaces and tabs: where the last tab stop puts the text.
        x, kind = first * char, "left"
        for ch in lead:
            if ch == "\t":
                x, kind = doc.tab_stop(para, x)
            else:
                x += line_width(ch) * char
        at = x / char  # characters from the left edge
        start = {"right": at - body, "center": at - body / 2}.get(kind, at)
        end = line - start - body
    elif align == "right":
        end = right + trail
    elif align == "center":
        lead_width = line_width(lead)
        end = right + (line - first - right - (lead_width + body + trail)) / 2 + trail
    else:
        end = line - first - line_width(lead) - body
    if end < -INDENT_SLACK or end + body > line + INDENT_SLACK:
        return None
    return end + body + shift, end + shift


def check_signature_date(doc: Recogniser, out: Findings) -> None:
    """§7.3.5 署名 and 成文日期. With a seal the date is right-indented four characters and
    the signature centred over it; without, the signature is right-indented two and the
    date starts two characters right of it (when the date is the longer, the date keeps
    two and the signature moves). The checker cannot see whether a seal will be used, so
    either layout passes."""
    slack = 0.4  # characters: half a character off (one ASCII space) is a deviation
    for date in doc.role("date"):
        # a date set in a layout table has its 署名 in the table too
        before = [
            p
            for p in doc.paragraphs[: date.number - 1]
            if p.text.strip() and (p.flows or (date.in_table and p.in_table))
        ]
        if not before or before[-1].role != "signature":
            continue
        signature = before[-1]
        try:
            if date.text.strip() != format_cn_date(parse_date(date.text.strip())):
                continue  # its form is reported; its place is judged once it is right
        except DateError:
            continue
        d, s = _span(doc, date), _span(doc, signature)
        if d is None or s is None:
            continue
        d_centre, s_centre = sum(d) / 2, sum(s) / 2
        sealed = abs(d[1] - L.SEALED_DATE_RIGHT_CHARS) <= slack and (
            abs(s_centre - d_centre) <= slack
            # a signature too long to centre over the date reaches the right edge
            or (abs(s[1]) <= slack and d_centre - (s[0] - s[1]) / 2 < 0)
        )
        # Without a seal the date's first character stands two right of the signature's.
        unsealed = abs(s[0] - (d[0] + L.DATE_SHIFT_CHARS)) <= slack and (
            abs(s[1] - L.SIGNATURE_RIGHT_CHARS) <= slack or abs(d[1] - L.SIGNATURE_RIGHT_CHARS) <= slack
        )
        if not (sealed or unsealed):
            out.add(
                "signature-date",
                "7.3.5",
                "发文机关署名和成文日期",
                "位置不合规定",
                "加盖印章：日期右空四字，署名以日期为准居中；不加盖印章：署名右空二字，"
                "日期首字比署名首字右移二字",
                f"署名右空 {s[1]:.1f} 字、首字距右 {s[0]:.1f} 字；"
                f"日期右空 {d[1]:.1f} 字、首字距右 {d[0]:.1f} 字",
                date.where,
            )


def check_date_text(text: str, clause: str, element: str, para: Para, out: Findings) -> None:
    """§7.3.5.4 dates in Arabic numerals, full year, no zero padding: 2023年7月18日."""
    try:
        date = parse_date(text)
    except DateError:
        out.add(
            "date-form",
            clause,
            element,
            "日期应用阿拉伯数字标全年、月、日",
            "如 2023年7月18日",
            text,
            para.where,
        )
        return
    if text != format_cn_date(date):
        out.add(
            "date-form", clause, element, "年份标全称，月、日不编虚位", format_cn_date(date), text, para.where
        )


def check_ordinals(doc: Recogniser, out: Findings) -> None:
    """§7.3.3 一、 → （一） → 1. → （1）: the right punctuation and no gaps at each level."""
    counters: dict[tuple[int, int], int] = {}
    found_all = [
        (para, found)
        for para in doc.paragraphs
        if para.role == "heading" and not para.in_table and (found := written_ordinal(para.text.strip()))
    ]
    for k, (para, found) in enumerate(found_all):
        level, m = found
        form = FORMS[level - 1]
        num = m["num"]
        value = int(num) if num.isdigit() else chinese_value(num)
        written = m.group(0)
        key = (para.zone, level)
        expected_n = counters.get(key, 0) + 1
        expected = ordinal(expected_n, form)
        if value is None or written != ordinal(value, form):
            out.add(
                "ordinal-form",
                "7.3.3",
                HEADING_NAMES[level],
                f"序号写法不规范（第{HEADING_NAMES[level][0]}层用“{form}”式）",
                ordinal(value, form) if value else expected,
                written,
                para.where,
            )
        if value is not None and value != expected_n:
            out.add(
                "ordinal-sequence",
                "7.3.3",
                HEADING_NAMES[level],
                "序号不连续",
                expected,
                written,
                para.where,
            )
        counters[key] = value or expected_n
        if (
            value is not None
            and value != expected_n
            and not _sequence_goes_on(found_all[k + 1 :], para, level, value)
        ):
            # One mistyped number (二、 typed as 四、): the next heading continues the true count.
            counters[key] = expected_n
        for deeper in range(level + 1, len(FORMS) + 1):
            counters.pop((para.zone, deeper), None)


def _sequence_goes_on(rest: list[tuple[Para, Any]], para: Para, level: int, value: int) -> bool:
    """Does the next heading of ``para``'s level (before a shallower one) follow ``value``?
    Then the numbers run on from it (a skipped or renumbered stretch), else it was a slip."""
    for other, (other_level, m) in rest:
        if other.zone != para.zone or other_level < level:
            return True  # nothing after it at this level: keep counting from what is written
        if other_level == level:
            num = m["num"]
            return (int(num) if num.isdigit() else chinese_value(num)) == value + 1
    return True


def check_title_breaks(doc: Recogniser, out: Findings) -> None:
    """§7.3.1 a title of several lines is broken between words."""
    titles = [p for p in doc.role("title") if p.text.strip()]
    lines = [line.strip() for p in titles for line in p.text.split("\n") if line.strip()]
    width = L.TITLE_CHARS_PER_LINE
    if len(lines) == 1 and len(titles) == 1 and not doc.wenshu_styles:
        lines = _wrapped(doc, titles[0], lines[0])
        # lines the page wraps fit it, whatever the title's size (its size is judged apart)
        width = max(width, math.ceil(max(map(line_width, lines))))
    # wenshu's own files break the title where the spec's title_lines say: the shape of the
    # lines is the writer's choice, but a line ending inside a word is a fault whoever wrote
    # it (the build warns of it too); another office's breaks are judged in full.
    if len(lines) > 1:
        problems = title_problems(lines, width)
        if doc.wenshu_styles:
            problems = [p for p in problems if p.in_word]
        for problem in problems:
            out.add(
                "title-break",
                "7.3.1",
                "标题",
                "标题回行不合规定",
                "在词与词之间回行，各行长短适宜（梯形或菱形）",
                problem.message,
                titles[0].where,
            )


# Marks a line may not start with (Word's and LibreOffice's line breaking for Chinese): the
# character before them goes down with them.
_NO_LINE_START = "，。、；：？！）》」』”’…—"
# Marks a line may not end with: they go down with the character after them.
_NO_LINE_END = "（《「『“‘"
_LATIN = re.compile(r"[!-~]")  # a character of a number or Latin word, which is not broken


def _wrapped(doc: Recogniser, para: Para, text: str) -> list[str]:
    """The lines a title typed as one line shows when it is wider than its paragraph: Word
    and LibreOffice wrap Chinese text at the character that no longer fits (never before a
    closing mark), so a title too long for one line breaks wherever its width says — mid-word
    as often as not (what ``check --render`` finds on the page)."""
    char = doc.char_twips(para)
    first, _, right = doc.indents(para)
    section = doc.section_of(para)
    if column_count(section) > 1:  # a column's width is not the 版心's (the columns rule says so)
        return [text]
    room = section.text_width / char - max(first, 0) - max(right, 0) if char else 0
    lines: list[str] = []
    # each width of a slice in constant time: a title of thousands of lines is read at once
    widths, start, end = SliceWidths(text), 0, len(text)
    while room >= 2 and widths(start, end) > room:
        k = start + 1
        while k < end and widths(start, k + 1) <= room:
            k += 1
        fitted = k
        while start + 1 < k < end and (text[k] in _NO_LINE_START or text[k - 1] in _NO_LINE_END):
            k -= 1
        while start < k < end and _LATIN.match(text[k - 1]) and _LATIN.match(text[k]):
            k -= 1  # a number or Latin word goes down whole
        if k == start:
            k = fitted  # a Latin word wider than the line: broken where it is full
        lines.append(text[start:k])
        start = k
    return [*lines, text[start:]]


def check_no_text_page(doc: Recogniser, out: Findings) -> None:
    """§7.3.5.3 “（此页无正文）” only opens a signature page without body text."""
    for index, para in enumerate(doc.paragraphs):
        if not NO_TEXT.match(para.text.strip()) or doc.page_break_before(index):
            continue
        # It opens the signature page (§7.3.5.3): text before it on its page is body text.
        if any(p.flows and p.text.strip() for p in doc.paragraphs[:index]):
            out.add(
                "no-text-page",
                "7.3.5.3",
                "正文",
                "“（此页无正文）”所在的页上有正文",
                "只在署名页没有正文时，于署名页首行标“（此页无正文）”",
                "与正文同页",
                para.where,
            )
