"""§5.2.2 fonts and sizes of every element (the element clauses say which), theme fonts; and
§7.2.4 the mark's red, read in the same pass over the runs."""

from __future__ import annotations

from typing import Any

from wenshu import layout as L
from wenshu.check.findings import Findings
from wenshu.check.reading.ooxml import has_cjk, is_red, wtag
from wenshu.check.reading.reader import Para
from wenshu.check.reading.styles import first_attr, font_class, font_of
from wenshu.check.reading.tables import cell_fill
from wenshu.check.recognise import SIGNED, Recogniser
from wenshu.check.registry import RULES
from wenshu.check.roles import element_name
from wenshu.check.rules.common import size_name, theme_name
from wenshu.roles import BY_STYLE, ROLES, SOLE_STYLE, Style
from wenshu.text.numbering import RUNIN_END

RULES.rule("font", "5.2.2", "各要素", "字体符合要素的规定")
RULES.rule("size", "5.2.2", "各要素", "字号符合要素的规定")
RULES.rule("theme-font", "5.2.2", "各要素", "中文字体写明，不用主题字体")
RULES.rule("no-font", "5.2.2", "各要素", "指定了中文字体")
RULES.rule("mark-color", "7.2.4", "发文机关标志", "发文机关标志为红色")

# The style whose facts a recognised role is held to: the one style that reads as it (the
# page number is the rule of page_numbers.py).
_STYLE_OF = {reads_as: r.style for reads_as, r in SOLE_STYLE.items() if reads_as != "page-number"}
_HEADING_STYLES = {r.heading: r.style for r in ROLES if r.heading}

EXPECTED_CLASS = {
    L.FONT_TITLE: "小标宋",
    L.FONT_BODY: "仿宋",
    L.FONT_HEADING_2: "楷体",
    L.FONT_HEADING_1: "黑体",
    L.FONT_PAGE_NUMBER: "宋体",
}


def _expected_font(para: Para) -> tuple[str, str, float | None] | None:
    """(clause, font, size in pt) the standard asks of ``para``'s element: the facts of the
    wenshu style that writes the element (:mod:`wenshu.roles`)."""
    role = para.role
    if role == "heading":
        # Levels 3–4, and headings Word numbers itself, are held to the body font.
        style = _HEADING_STYLES.get(para.level if not para.numbered else 0, Style.HEADING_3)
    else:
        style = _STYLE_OF.get(role)
    if style is None:
        return None
    facts = BY_STYLE[style]
    if role == "mark":
        return facts.font_clause, facts.font, None  # the mark is sized to its text (§7.2.4)
    if role == "head-info" and para.text.strip().isdigit():
        return "7.2.1", "", facts.size_pt  # a 份号 of digits: no typeface set
    return facts.font_clause, facts.font, facts.size_pt


def _heading_span(para: Para) -> int:
    """How many characters of a heading paragraph are the heading (the rest is run-in text)."""
    ends = [i for i in (para.text.find(mark) for mark in RUNIN_END) if i >= 0]
    return min(ends) if ends else len(para.text)


# A heading typed in one run with its text is cut only after a sentence's end: “；” and “：”
# also end a heading run in (RUNIN_END), but inside one run they may as well be the heading's
# own (“（一）强化统筹；狠抓落实” set whole in 楷体, as wenshu writes such a heading).
_SENTENCE_END = "。！？"


def _split_at(runs: list[tuple[Any, str]], at: int) -> list[tuple[Any, str]]:
    """``runs`` with the run holding character ``at`` cut there into two pieces of the same run:
    a heading typed in one run with the text after it (“二、重点任务。（一）……” all in 黑体)
    shows that text in the heading's font, which a reader sees as wrongly as if it were a run
    of its own (LibreOffice re-saving the file splits such a run and the finding appeared)."""
    out, offset = [], 0
    for r, text in runs:
        if offset < at < offset + len(text):
            out += [(r, text[: at - offset]), (r, text[at - offset :])]
        else:
            out.append((r, text))
        offset += len(text)
    return out


def check_fonts(doc: Recogniser, out: Findings) -> None:
    """§5.2.2 and the element clauses: font on w:eastAsia (no theme fonts), size per element."""
    paras = doc.paragraphs + doc.first_page_header()
    for para in paras:
        runs = doc.text_runs(para)
        if not runs or para.role == "box":
            continue
        # The label Word's numbering draws (一、) is set in the paragraph mark's font.
        if para.label_run is not None:
            runs = [(para.label_run, para.label), *runs]
        want = _expected_font(para)
        heading = para.role == "heading" and para.level in (1, 2) and not para.numbered
        span = _heading_span(para) if heading else None
        if span is not None and para.text[span : span + 1] in _SENTENCE_END:
            runs = _split_at(runs, span + 1)  # after the heading's own 。
        offset = 0
        # §7.2.4 上行文: “签发人：” in 仿宋, the name after it in 楷体.
        signed = (
            para.text.find(SIGNED) + len(SIGNED)
            if para.role == "doc-number" and SIGNED in para.text
            else None
        )
        for r, text in runs:
            start, offset = offset, offset + len(text)
            if not has_cjk(text):
                continue
            levels = doc.styles.rpr_levels(para.el, r)
            font, theme = font_of(levels)
            element = element_name(para)
            clause, expected, size = want if want else ("5.2.2", "", None)
            if span is not None and start >= span:
                clause, expected, element = "7.3.3", L.FONT_BODY, f"{element}后的正文"
            elif signed is not None and start >= signed:
                clause, expected, element = "7.2.4", L.FONT_SIGNER_NAME, "签发人姓名"
            elif span is not None and span > L.CHARS_PER_LINE and font and font_class(font) == "仿宋":
                # A long numbered sentence is a numbered paragraph rather than a heading;
                # 仿宋 throughout is the usual way to set it.
                expected = L.FONT_BODY
            resolved = doc.theme_typeface(theme) if theme else None
            if theme and resolved and expected and font_class(resolved) == EXPECTED_CLASS[expected]:
                out.note(
                    f"{element}用了{theme_name(theme)}（本文件的主题中为“{resolved}”），"
                    "换用其他主题的电脑上字体会变"
                )
            elif theme:
                out.add(
                    "theme-font",
                    clause,
                    element,
                    "中文字体用了主题字体，换一台电脑字体就会变",
                    f"中文字体直接选定 {expected or L.FONT_BODY}（不用“+中文正文”一类的主题字体）",
                    theme_name(theme),
                    para.where,
                )
            elif font is None:
                out.add(
                    "no-font",
                    clause,
                    element,
                    "没有指定中文字体",
                    f"中文字体直接选定 {expected or L.FONT_BODY}",
                    "未指定",
                    para.where,
                )
            elif expected and font_class(font) != EXPECTED_CLASS[expected]:
                out.add("font", clause, element, "字体不符", expected, font, para.where)
            if size is not None:
                actual = doc.run_size(para, r)
                if actual != size:
                    out.add(
                        "size", clause, element, "字号不符", size_name(size), size_name(actual), para.where
                    )
        if para.role == "mark":
            color = first_attr(doc.styles.rpr_levels(para.el, doc.text_runs(para)[0][0]), "color")
            if not is_red(color):
                said = color or "自动（黑色）"
                ground = cell_fill(next(para.el.iterancestors(wtag("tc")), None))
                if ground:
                    # Reversed out of a filled cell: the reader sees a banner, the name not red.
                    said = f"{said} 字，{ground} 底"
                out.add(
                    "mark-color",
                    "7.2.4",
                    "发文机关标志",
                    "发文机关标志不是红色",
                    f"红色（{L.RED}）",
                    said,
                    para.where,
                )
