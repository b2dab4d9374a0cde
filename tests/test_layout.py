"""Each example's .docx read back: GB/T 9704-2012 page, fonts, head block, footers, body structure.

Expected values are written out as literals (from the standard and /work/shared/reference/gbt9704.md),
not taken from wenshu.layout, so a wrong constant in the engine fails here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest

from tests.conftest import (
    NS,
    SEED_TABLE_ROWS,
    SPECS,
    DocxFile,
    Example,
    expected_attachments,
    on,
    paragraph_text,
    style_id,
    w,
    wval,
)

# §5.2.1 A4 and §5.2.2 margins, in twips (1 mm = 1440 / 25.4 twips).
A4_WIDTH, A4_HEIGHT = 11906, 16838
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
MARGINS_TWIPS = {"top": 2098, "bottom": 1984, "left": 1587, "right": 1474}
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156, 225
LINE_PITCH = 579  # exact line spacing: 22 lines in 225 mm
CHAR_SPACING = -5  # −0.25 pt: 28 characters in 156 mm
BODY_FONT, TITLE_FONT, H1_FONT, H2_FONT, PAGE_FONT = (
    "仿宋_GB2312",
    "方正小标宋简体",
    "黑体",
    "楷体_GB2312",
    "宋体",
)
KNOWN_EAST_ASIA = {BODY_FONT, TITLE_FONT, H1_FONT, H2_FONT, PAGE_FONT}
RED = "FF0000"
EM_DASH = "\u2014"
DOUBLE_RULES = {
    "double",
    "thinThickSmallGap",
    "thickThinSmallGap",
    "thinThickMediumGap",
    "thickThinMediumGap",
    "thinThickLargeGap",
    "thickThinLargeGap",
}
DATE_RE = re.compile(r"^\d{4}年[1-9]\d?月[1-9]\d?日$")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")

CN = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十".split()
ORDINAL_PATTERNS = {
    1: re.compile(r"^([一二三四五六七八九十]+)、"),
    2: re.compile(r"^（([一二三四五六七八九十]+)）"),
    3: re.compile(r"^(\d+)\.(?!\d)"),
    4: re.compile(r"^（(\d+)）"),
}
HEADING_LEVELS = {"Heading1": 1, "Heading2": 2, "Heading3": 3, "Heading4": 4}


def twips_to_mm(twips: float) -> float:
    return twips * 25.4 / 1440


def cn_date(value: Any) -> str:
    if isinstance(value, str):
        m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", value)
        value = dt.date(*map(int, m.groups())) if m else value
    return f"{value.year}年{value.month}月{value.day}日" if isinstance(value, dt.date) else value


def non_empty(paragraphs: list[Any]) -> list[Any]:
    return [p for p in paragraphs if paragraph_text(p).strip()]


def page_size(sect: Any) -> tuple[int, int, str | None]:
    size = sect.find(w("pgSz"))
    return int(size.get(w("w"))), int(size.get(w("h"))), size.get(w("orient"))


def margins(sect: Any) -> dict[str, int]:
    mar = sect.find(w("pgMar"))
    return {side: int(mar.get(w(side))) for side in ("top", "bottom", "left", "right")}


def is_landscape(sect: Any) -> bool:
    width, height, orient = page_size(sect)
    return orient == "landscape"


def text_width_twips(sect: Any) -> int:
    width, _, _ = page_size(sect)
    m = margins(sect)
    return width - m["left"] - m["right"]


def has_page_field(root: Any) -> bool:
    instr = "".join(t.text or "" for t in root.iter(w("instrText")))
    simple = " ".join(f.get(w("instr")) or "" for f in root.iter(w("fldSimple")))
    return bool(re.search(r"\bPAGE\b", instr + " " + simple))


def runs_with_text(p: Any) -> list[Any]:
    return [r for r in p.findall(w("r")) if "".join(t.text or "" for t in r.findall(w("t"))).strip()]


def attachments(example: Example) -> list[dict[str, Any]]:
    """The example's inline attachments as written in its spec (annex files have no body here)."""
    return example.data.get("attachments") or []


def seed_attachments(example: Example) -> list[tuple[str, str, bool]]:
    expected = expected_attachments(example.stem, example.data)
    assert len(expected) == len(attachments(example)), "the spec and the seed differ in attachments"
    return expected


def mark_text(example: Example) -> str:
    data = example.data
    return data.get("mark") or data["issuer"] + ("文件" if data["format"] == "document" else "")


def title_style(doc: DocxFile, title: str) -> str:
    for p in doc.body_paragraphs():
        if paragraph_text(p).replace("\n", "") == title:
            return doc.paragraph_style(p)
    raise AssertionError(f"no paragraph holds the title {title!r}")


# -- page ----------------------------------------------------------------------------------


def test_page_is_a4_portrait(example):
    sections = example.docx.sections()
    assert sections, "document has no w:sectPr"
    width, height, orient = page_size(sections[0])
    assert (width, height) == (A4_WIDTH, A4_HEIGHT)
    assert orient in (None, "portrait")
    for sect in sections:
        width, height, orient = page_size(sect)
        expected = (A4_HEIGHT, A4_WIDTH) if orient == "landscape" else (A4_WIDTH, A4_HEIGHT)
        assert (width, height) == expected


def test_margins_are_37_35_28_26_mm(example):
    first = example.docx.sections()[0]
    got = margins(first)
    assert got == MARGINS_TWIPS
    for side, mm in MARGINS_MM.items():
        assert abs(got[side] - mm * 1440 / 25.4) <= 1, side


def test_text_block_is_156_by_225_mm_in_every_section(example):
    for sect in example.docx.sections():
        width, height, _ = page_size(sect)
        m = margins(sect)
        across = twips_to_mm(width - m["left"] - m["right"])
        down = twips_to_mm(height - m["top"] - m["bottom"])
        if is_landscape(sect):
            across, down = down, across
            assert sorted(m.values()) == sorted(MARGINS_TWIPS.values())
        else:
            assert m == MARGINS_TWIPS
        assert across == pytest.approx(TEXT_WIDTH_MM, abs=0.5)
        assert down == pytest.approx(TEXT_HEIGHT_MM, abs=0.5)


def test_line_grid_is_579_twips(example):
    for sect in example.docx.sections():
        grid = sect.find(w("docGrid"))
        if grid is not None and grid.get(w("linePitch")) is not None:
            assert int(grid.get(w("linePitch"))) == LINE_PITCH


# -- fonts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["word/styles.xml", "word/document.xml"])
def test_no_theme_fonts_left(example, part):
    xml = example.docx.raw(part).decode("utf-8")
    assert not re.search(r"w:(ascii|hAnsi|eastAsia|cs)[Tt]heme=", xml)
    assert "majorEastAsia" not in xml and "minorEastAsia" not in xml


def test_no_theme_fonts_in_headers_and_footers(example):
    doc = example.docx
    assert doc.header_footer_parts()
    for part in doc.header_footer_parts():
        assert not re.search(r"w:(ascii|hAnsi|eastAsia|cs)[Tt]heme=", doc.raw(part).decode("utf-8")), part


def test_defaults_are_chinese(example):
    defaults = example.docx.styles_xml.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults is not None
    assert wval(defaults.find(w("rFonts")), "eastAsia") == BODY_FONT
    assert wval(defaults.find(w("lang")), "eastAsia") == "zh-CN"


def _all_paragraphs(doc: DocxFile) -> list[Any]:
    paragraphs = doc.all_body_paragraphs()
    for part in doc.header_footer_parts():
        paragraphs += list(doc.xml(part).iter(w("p")))
    return paragraphs


def test_every_used_style_sets_east_asia_font(example):
    doc = example.docx
    used = Counter(doc.paragraph_style(p) for p in _all_paragraphs(doc))
    assert used
    for sid in used:
        font = doc.style_attr(sid, "w:rPr/w:rFonts", "eastAsia")
        assert font is not None, f"style {sid} (used {used[sid]}×) has no w:eastAsia font in its chain"
        assert font in KNOWN_EAST_ASIA, (sid, font)


def test_every_chinese_run_resolves_to_a_named_font(example):
    doc = example.docx
    for p in _all_paragraphs(doc):
        for run in p.iter(w("r")):
            text = "".join(t.text or "" for t in run.findall(w("t")))
            rfonts = run.find("w:rPr/w:rFonts", NS)
            if rfonts is not None:
                assert rfonts.get(w("eastAsia")), f"run {text!r} sets fonts without w:eastAsia"
            if CJK.search(text):
                font = doc.effective_run_attr(p, run, "w:rFonts", "eastAsia")
                assert font in KNOWN_EAST_ASIA, (text, font)


def _main_body_style(doc: DocxFile) -> str:
    counts = Counter(doc.paragraph_style(p) for p in non_empty(doc.body_paragraphs()))
    return counts.most_common(1)[0][0]


def test_body_style_fangsong_16pt_exact_579_spacing_minus_5(example):
    doc = example.docx
    sid = _main_body_style(doc)
    assert doc.style_attr(sid, "w:rPr/w:rFonts", "eastAsia") == BODY_FONT
    size = int(doc.style_attr(sid, "w:rPr/w:sz", "val"))
    assert size == 32  # 三号 16 pt in half-points
    assert doc.style_attr(sid, "w:pPr/w:spacing", "line") == str(LINE_PITCH)
    assert doc.style_attr(sid, "w:pPr/w:spacing", "lineRule") == "exact"
    spacing = int(doc.style_attr(sid, "w:rPr/w:spacing", "val"))
    assert spacing == CHAR_SPACING
    # First line indented two characters of (16 pt − 0.25 pt).
    first_line = int(doc.style_attr(sid, "w:pPr/w:ind", "firstLine"))
    assert first_line == 2 * (size * 10 + spacing) == 630


def test_every_body_paragraph_uses_exact_579_spacing(example):
    doc = example.docx
    for p in non_empty(doc.body_paragraphs()):
        sid = doc.paragraph_style(p)
        if sid in ("WsMark",) or doc.effective_ppr(p, "w:spacing", "lineRule") is None:
            continue
        if doc.style_attr(sid, "w:rPr/w:sz", "val") == "32":
            assert doc.effective_ppr(p, "w:spacing", "line") == str(LINE_PITCH), paragraph_text(p)[:20]
            assert doc.effective_ppr(p, "w:spacing", "lineRule") == "exact"


def test_title_style_xiaobiaosong_22pt_centred(example):
    doc = example.docx
    sid = title_style(doc, example.data["title"])
    assert doc.style_attr(sid, "w:rPr/w:rFonts", "eastAsia") == TITLE_FONT
    assert doc.style_attr(sid, "w:rPr/w:sz", "val") == "44"
    assert doc.style_attr(sid, "w:pPr/w:jc", "val") == "center"


@pytest.mark.parametrize(
    ("sid", "font"),
    [("Heading1", H1_FONT), ("Heading2", H2_FONT), ("Heading3", BODY_FONT), ("Heading4", BODY_FONT)],
)
def test_heading_styles(example, sid, font):
    doc = example.docx
    assert doc.style_attr(sid, "w:rPr/w:rFonts", "eastAsia") == font
    assert doc.style_attr(sid, "w:rPr/w:sz", "val") == "32"
    assert doc.style_attr(sid, "w:pPr/w:spacing", "line") == str(LINE_PITCH)
    for p in doc.body_paragraphs():
        if style_id(p) == sid:
            for run in runs_with_text(p):
                assert doc.effective_run_attr(p, run, "w:rFonts", "eastAsia") == font


def test_heading_paragraphs_exist(example):
    """Examples with numbered headings use the Heading styles (not bold body text)."""
    top_headings = [
        b for b in example.data["body"] if isinstance(b, dict) and "heading" in b and "text" not in b
    ]
    styles = Counter(style_id(p) for p in example.docx.body_paragraphs())
    if top_headings:
        assert styles["Heading1"] >= len(top_headings)


def _runin_headings(blocks: Any):
    for block in blocks or []:
        if isinstance(block, dict):
            if "heading" in block and "text" in block:
                yield block
            yield from _runin_headings(block.get("body"))
            yield from _runin_headings(block.get("items"))


def test_runin_heading_font_follows_its_ordinal(example):
    """A heading run into its paragraph keeps the heading font: 一、 黑体, （一） 楷体, others 仿宋."""
    doc = example.docx
    blocks = list(_runin_headings(example.data["body"]))
    for a in attachments(example):
        blocks += list(_runin_headings(a.get("body")))
    for block in blocks:
        heading = block["heading"].rstrip("。；：！？")
        matches = [
            p
            for p in doc.body_paragraphs()
            if heading in paragraph_text(p) and block["text"][:10] in paragraph_text(p)
        ]
        assert len(matches) == 1, heading
        p = matches[0]
        runs = runs_with_text(p)
        first_text = "".join(t.text for t in runs[0].findall(w("t")))
        assert first_text.endswith(heading)
        if ORDINAL_PATTERNS[1].match(first_text):
            expected = H1_FONT
        elif ORDINAL_PATTERNS[2].match(first_text):
            expected = H2_FONT
        else:
            expected = BODY_FONT
        assert doc.effective_run_attr(p, runs[0], "w:rFonts", "eastAsia") == expected, first_text
        assert doc.effective_run_attr(p, runs[-1], "w:rFonts", "eastAsia") == BODY_FONT


# -- 版头: mark, rules, 发文字号 ---------------------------------------------------------------


def _effective_color(doc: DocxFile, p: Any, run: Any) -> str | None:
    return doc.effective_run_attr(p, run, "w:color", "val")


def test_letter_mark_is_red_in_first_page_header(letter_example):
    doc = letter_example.docx
    first = doc.sections()[0]
    assert on(first.find(w("titlePg"))), "信函格式 needs a different first page"
    header = doc.header("first")
    assert header is not None, "no first-page header"
    expected = mark_text(letter_example)
    marks = [p for p in header.iter(w("p")) if paragraph_text(p).strip() == expected]
    assert len(marks) == 1, [paragraph_text(p) for p in header.iter(w("p"))]
    p = marks[0]
    for run in runs_with_text(p):
        assert (_effective_color(doc, p, run) or "").upper() == RED
        assert doc.effective_run_attr(p, run, "w:rFonts", "eastAsia") == TITLE_FONT
        assert int(doc.effective_run_attr(p, run, "w:sz", "val")) >= 44
    assert doc.effective_ppr(p, "w:jc") == "center"
    # The letter's mark is printed by the header only, not repeated in the body's head.
    head = []
    for q in doc.body_paragraphs():
        if paragraph_text(q).replace("\n", "") == letter_example.data["title"]:
            break
        head.append(paragraph_text(q).strip())
    assert expected not in head


def test_document_mark_is_red_in_body(document_example):
    doc = document_example.docx
    expected = mark_text(document_example)
    assert expected.endswith("文件")
    paragraphs = doc.body_paragraphs()
    marks = [i for i, p in enumerate(paragraphs) if paragraph_text(p).strip() == expected]
    assert len(marks) == 1
    p = paragraphs[marks[0]]
    for run in runs_with_text(p):
        assert (_effective_color(doc, p, run) or "").upper() == RED
        assert doc.effective_run_attr(p, run, "w:rFonts", "eastAsia") == TITLE_FONT
    assert doc.effective_ppr(p, "w:jc") == "center"
    number = [
        i
        for i, q in enumerate(paragraphs)
        if paragraph_text(q).startswith(document_example.data["doc_number"])
    ]
    assert number and marks[0] < number[0], "the mark comes before the 发文字号"


def _borders(root: Any, side: str) -> list[tuple[Any, Any]]:
    out = []
    for p in root.iter(w("p")):
        border = p.find(f"w:pPr/w:pBdr/w:{side}", NS)
        if border is not None:
            out.append((p, border))
    return out


def test_letter_red_double_rules(letter_example):
    doc = letter_example.docx
    first = doc.sections()[0]
    top_rules = _borders(doc.header("first"), "bottom")
    bottom_rules = _borders(doc.footer("first"), "top")
    assert top_rules and bottom_rules
    for p, border in top_rules + bottom_rules:
        assert (border.get(w("color")) or "").upper() == RED
        assert border.get(w("val")) in DOUBLE_RULES
        # 170 mm wide, centred on the 156 mm 版心.
        ind = p.find("w:pPr/w:ind", NS)
        left = int(ind.get(w("left"), "0")) if ind is not None else 0
        right = int(ind.get(w("right"), "0")) if ind is not None else 0
        assert left == right
        assert twips_to_mm(text_width_twips(first) - left - right) == pytest.approx(170, abs=1)


def test_document_red_rule_under_doc_number(document_example):
    doc = document_example.docx
    number = document_example.data["doc_number"]
    rules = [(p, b) for p, b in _borders(doc.body, "bottom") if paragraph_text(p).startswith(number)]
    assert len(rules) == 1
    _, border = rules[0]
    assert (border.get(w("color")) or "").upper() == RED
    assert border.get(w("val")) != "nil"


def test_doc_number_uses_hexagonal_brackets(example):
    doc = example.docx
    number = example.data["doc_number"]
    found = [p for p in doc.body_paragraphs() if paragraph_text(p).startswith(number)]
    assert len(found) == 1
    text = paragraph_text(found[0])
    assert re.match(r"^\S+〔\d{4}〕[1-9]\d*号", text), text
    assert not re.search(r"[\[\]()（）【】［］]", text.split("　")[0])
    assert "第" not in text.split("〕")[1]
    expected_jc = "right" if example.format == "letter" else "center"
    assert doc.effective_ppr(found[0], "w:jc") == expected_jc


# -- page numbers ----------------------------------------------------------------------------


def _page_number_paragraph(root: Any) -> Any:
    found = [p for p in root.iter(w("p")) if has_page_field(p)]
    assert len(found) == 1, "footer should hold one paragraph with a PAGE field"
    return found[0]


@pytest.mark.parametrize(("which", "jc", "side"), [("default", "right", "right"), ("even", "left", "left")])
def test_page_number_footers(example, which, jc, side):
    doc = example.docx
    for sect in doc.sections():
        footer = doc.footer(which, sect)
        assert footer is not None, f"section without a {which} footer"
        p = _page_number_paragraph(footer)
        assert doc.effective_ppr(p, "w:jc") == jc
        text = paragraph_text(p)
        assert re.fullmatch(rf"{EM_DASH} \d+ {EM_DASH}", text), text
        assert text.startswith(EM_DASH + " ") and text.endswith(" " + EM_DASH)
        for run in p.findall(w("r")):
            assert doc.effective_run_attr(p, run, "w:rFonts", "eastAsia") == PAGE_FONT
            # The digits are half-width: the Latin font must be 宋体 too.
            assert doc.effective_run_attr(p, run, "w:rFonts", "ascii") == PAGE_FONT
            assert doc.effective_run_attr(p, run, "w:sz", "val") == "28"
        # One 4号 character (14 pt = 280 twips) in from its side.
        assert doc.effective_ppr(p, "w:ind", side) == "280"


def test_even_and_odd_footers_are_enabled(example):
    settings = example.docx.settings_xml
    flag = settings.find(w("evenAndOddHeaders"))
    assert on(flag), "without w:evenAndOddHeaders Word ignores the even footer"


def test_letter_first_page_has_no_page_number(letter_example):
    doc = letter_example.docx
    sections = doc.sections()
    assert on(sections[0].find(w("titlePg")))
    first_footer = doc.footer("first", sections[0])
    assert first_footer is not None, "first page would fall back to nothing defined"
    assert not has_page_field(first_footer)
    # Later sections (landscape attachments) number their first page normally.
    for sect in sections[1:]:
        assert not on(sect.find(w("titlePg")))


def test_document_format_numbers_every_page(document_example):
    doc = document_example.docx
    first = doc.sections()[0]
    if on(first.find(w("titlePg"))):
        assert has_page_field(doc.footer("first", first))


# -- body structure ------------------------------------------------------------------------------


def test_heading_ordinals_in_sequence(example):
    """一、二、三… under the document; （一）（二）… restart under each 一、; 1. and （1） likewise."""
    doc = example.docx
    counters = {1: 0, 2: 0, 3: 0, 4: 0}
    seen = Counter()
    for p in doc.body_paragraphs():
        sid = doc.paragraph_style(p)
        text = paragraph_text(p)
        if sid in ("WsAttachmentLabel", "WsTitle"):
            counters = dict.fromkeys(counters, 0)
            continue
        level = HEADING_LEVELS.get(sid)
        if level is not None:
            m = ORDINAL_PATTERNS[level].match(text)
            assert m, f"{sid} paragraph without its ordinal: {text[:20]!r}"
        elif sid in ("WsBody", "Normal"):
            level, m = next(
                ((lv, pat.match(text)) for lv, pat in ORDINAL_PATTERNS.items() if pat.match(text)),
                (None, None),
            )
            if level is None:
                continue
        else:
            continue
        value = m.group(1)
        n = CN.index(value) + 1 if level <= 2 else int(value)
        assert n == counters[level] + 1, f"ordinal out of sequence: {text[:20]!r} after {counters[level]}"
        counters[level] = n
        for deeper in range(level + 1, 5):
            counters[deeper] = 0
        seen[level] += 1
    top = [b for b in example.data["body"] if isinstance(b, dict) and "heading" in b]
    assert seen[1] >= len(top)


def test_date_paragraph(example):
    doc = example.docx
    dates = [p for p in doc.body_paragraphs() if DATE_RE.match(paragraph_text(p).strip())]
    assert len(dates) == 1, [paragraph_text(p) for p in dates]
    text = paragraph_text(dates[0]).strip()
    assert text == cn_date(example.data["date"])
    # The signature stands right above the date.
    paragraphs = non_empty(doc.body_paragraphs())
    i = next(i for i, p in enumerate(paragraphs) if p is dates[0])
    assert paragraph_text(paragraphs[i - 1]).strip() == example.data["signature"]
    assert doc.effective_ppr(dates[0], "w:jc") == "right"


def display_chars(text: str) -> float:
    """Width in full-width characters: CJK 1, ASCII ½, and 0.2 where CJK meets a digit or a
    Latin letter (the autospace LibreOffice adds, measured in test_details)."""
    wide = [ord(ch) >= 0x2E80 for ch in text]
    changes = sum(
        1
        for a, b, wa, wb in zip(text, text[1:], wide, wide[1:], strict=False)
        if wa != wb and (a if wb else b).isalnum()
    )
    return sum(1 if w else 0.5 for w in wide) + 0.2 * changes


def test_signature_and_date_placement(example):
    """§7.3.5: unsealed — signature right-indented 2 characters, the date starting 2 characters
    right of the signature; sealed — date right-indented 4 characters, signature centred over it."""
    doc = example.docx
    paragraphs = non_empty(doc.body_paragraphs())
    date_text = cn_date(example.data["date"])
    i = next(i for i, p in enumerate(paragraphs) if paragraph_text(p).strip() == date_text)
    sig, date = paragraphs[i - 1], paragraphs[i]
    assert paragraph_text(sig).strip() == example.data["signature"]
    char = 315  # 16 pt − 0.25 pt, in twips
    sig_right = int(doc.effective_ppr(sig, "w:ind", "right") or 0)
    date_right = int(doc.effective_ppr(date, "w:ind", "right") or 0)
    sig_width = display_chars(example.data["signature"]) * char
    date_width = display_chars(date_text) * char
    assert doc.effective_ppr(sig, "w:jc") == "right"
    if example.data.get("sealed"):
        assert date_right == 4 * char
        assert abs((sig_right + sig_width / 2) - (date_right + date_width / 2)) <= char / 2
    else:
        sig_start, date_start = sig_right + sig_width, date_right + date_width
        if sig_width >= date_width + 2 * char:
            assert sig_right == 2 * char
        assert abs((sig_start - date_start) - 2 * char) <= char / 2
        # One blank line between the text above and the signature.
        all_paragraphs = doc.body_paragraphs()
        k = next(k for k, p in enumerate(all_paragraphs) if p is sig)
        assert not paragraph_text(all_paragraphs[k - 1]).strip()
        assert paragraph_text(all_paragraphs[k - 2]).strip()


@pytest.mark.parametrize("stem", [s for s, d in SPECS.items() if d.get("note")])
def test_note_in_parentheses_after_the_date(built_examples, stem):
    example = built_examples[stem]
    doc = example.docx
    paragraphs = non_empty(doc.body_paragraphs())
    expected = f"（{example.data['note']}）"
    notes = [i for i, p in enumerate(paragraphs) if paragraph_text(p).strip() == expected]
    assert len(notes) == 1
    date_text = cn_date(example.data["date"])
    dates = [i for i, p in enumerate(paragraphs) if paragraph_text(p).strip() == date_text]
    assert dates and dates[0] < notes[0]
    # Nothing but the 联系人 block between the date and the 附注.
    contacts = (example.data.get("contacts") or {}).get("lines") or []
    placement = (example.data.get("contacts") or {}).get("placement", "after_date")
    gap = len(contacts) if placement == "after_date" else 0
    assert notes[0] - dates[0] == 1 + gap
    first_line = int(doc.effective_ppr(paragraphs[notes[0]], "w:ind", "firstLine") or 0)
    left = int(doc.effective_ppr(paragraphs[notes[0]], "w:ind", "left") or 0)
    assert left + first_line == 630  # two characters in


def _attachment_ids(with_attachments: bool) -> list[str]:
    return [stem for stem, data in SPECS.items() if bool(data.get("attachments")) == with_attachments]


def _without_own_line_ends(p: Any) -> str:
    """A paragraph's text (:func:`paragraph_text`) with its ``w:cr`` read as nothing."""
    copy = p.__copy__()
    for cr in list(copy.iter(w("cr"))):
        cr.getparent().remove(cr)
    return paragraph_text(copy)


@pytest.mark.parametrize("stem", _attachment_ids(True))
def test_attachment_notes(built_examples, stem):
    example = built_examples[stem]
    doc = example.docx
    names = [name for name, _, _ in seed_attachments(example)]
    paragraphs = doc.body_paragraphs()
    start = [i for i, p in enumerate(paragraphs) if paragraph_text(p).startswith("附件：")]
    assert len(start) == 1
    i = start[0]
    assert not paragraph_text(paragraphs[i - 1]).strip(), "one blank line above 附件说明"
    # A name's printed line ends of wenshu's own (w:cr, where no right indent ends its lines
    # between words: henan-2023-38) are no part of it, as every reader takes them.
    notes = [_without_own_line_ends(p) for p in paragraphs[i : i + len(names)]]
    if len(names) == 1:
        expected = [f"附件：{names[0]}"]
    else:
        # A one-digit number is followed by a tab to the hanging indent (where its name begins).
        expected = [f"附件：1.\t{names[0]}"]
        expected += [f"{n}.{chr(9) if n < 10 else ''}{name}" for n, name in enumerate(names[1:], start=2)]
    assert notes == expected
    for text in notes:
        assert not re.search(r"[。，；、,.;]$", text)
    # First line two characters in; wrapped lines align with the first character of the name.
    lefts = set()
    for p in paragraphs[i : i + len(names)]:
        left = int(doc.effective_ppr(p, "w:ind", "left") or 0)
        hanging = int(doc.effective_ppr(p, "w:ind", "hanging") or 0)
        lefts.add(left)
        if p is paragraphs[i]:
            assert left - hanging == 630
    assert len(lefts) == 1


@pytest.mark.parametrize("stem", _attachment_ids(True))
def test_attachment_labels_start_new_pages(built_examples, stem):
    example = built_examples[stem]
    doc = example.docx
    specs = seed_attachments(example)
    paragraphs = doc.body_paragraphs()
    labels = [i for i, p in enumerate(paragraphs) if re.fullmatch(r"附件\d*", paragraph_text(p).strip())]
    # An attachment given by name only prints no page (a separate file), or with label_page
    # a page with only its label; the others a label and their title.
    printed = [
        (n, title, "file" in a or "body" in a)
        for n, ((_, title, _), a) in enumerate(zip(specs, attachments(example), strict=True), start=1)
        if "file" in a or "body" in a or a.get("label_page")
    ]
    expected = ["附件"] if len(specs) == 1 else [f"附件{n}" for n, _, _ in printed]
    assert [paragraph_text(paragraphs[i]).strip() for i in labels] == expected
    for i, (_, title, titled) in zip(labels, printed, strict=True):
        p = paragraphs[i]
        assert style_id(p) == "WsAttachmentLabel"
        starts_section = paragraphs[i - 1].find("w:pPr/w:sectPr", NS) is not None
        if starts_section:
            sect = paragraphs[i - 1].find("w:pPr/w:sectPr", NS)
            assert wval(sect.find(w("type"))) in (None, "nextPage", "oddPage", "evenPage")
        else:
            assert doc.effective_toggle(p, "w:pageBreakBefore"), f"{paragraph_text(p)} does not start a page"
        for run in runs_with_text(p):
            assert doc.effective_run_attr(p, run, "w:rFonts", "eastAsia") == H1_FONT
        following = non_empty(paragraphs[i + 1 :])
        if not titled:  # the label page of a file bound in behind it: nothing else on it
            assert not following or style_id(following[0]) == "WsAttachmentLabel"
            continue
        assert following, "attachment label with nothing after it"
        assert paragraph_text(following[0]).replace("\n", "") == title
        sid = doc.paragraph_style(following[0])
        assert doc.style_attr(sid, "w:rPr/w:rFonts", "eastAsia") == TITLE_FONT
        assert doc.effective_ppr(following[0], "w:jc") == "center"


def _spec_tables(blocks: Any):
    for block in blocks or []:
        if isinstance(block, dict):
            if "table" in block:
                yield block["table"]
            yield from _spec_tables(block.get("body"))
            yield from _spec_tables(block.get("items"))


def _content_tables(doc: DocxFile) -> list[Any]:
    """Body tables except the floating 版记."""
    return [t for t in doc.tables() if t.find("w:tblPr/w:tblpPr", NS) is None]


def test_tables_repeat_their_header_row(example):
    tables = _content_tables(example.docx)
    if example.stem in SEED_TABLE_ROWS:
        assert [len(t.findall(w("tr"))) for t in tables] == SEED_TABLE_ROWS[example.stem]
    for table in tables:
        rows = table.findall(w("tr"))
        flags = [on(row.find("w:trPr/w:tblHeader", NS)) for row in rows]
        assert flags[0], "first row not marked w:tblHeader (not repeated on the next page)"
        # Header rows are a run from the top; the data rows are not repeated.
        assert flags == sorted(flags, reverse=True)
        assert not all(flags)


def test_inline_spec_tables_are_printed_whole(example):
    """Tables written in the spec itself come out with their header and every row."""
    specs = list(_spec_tables(example.data["body"]))
    for a in attachments(example):
        specs += list(_spec_tables(a.get("body")))
    tables = _content_tables(example.docx)
    for spec in specs:
        header = [str(c) for c in spec["columns"]]
        found = [
            t
            for t in tables
            if [paragraph_text(c).strip() for c in t.find(w("tr")).findall(w("tc"))] == header
        ]
        assert len(found) == 1, header
        assert len(found[0].findall(w("tr"))) == len(spec["rows"]) + 1


def test_tables_fit_their_section(example):
    doc = example.docx
    for table in doc.tables():
        grid = sum(int(c.get(w("w"))) for c in table.iter(w("gridCol")))
        first_p = next(table.iter(w("p")))
        assert grid <= text_width_twips(doc.section_of(first_p)) + 2


def test_document_record_block(document_example):
    doc = document_example.docx
    record = document_example.data["record"]
    floating = [t for t in doc.tables() if t.find("w:tblPr/w:tblpPr", NS) is not None]
    assert len(floating) == 1, "文件格式 needs the 版记 table"
    table = floating[0]
    texts = [paragraph_text(p) for p in table.iter(w("p"))]
    imprint = [t for t in texts if t.rstrip().endswith("印发")]
    assert len(imprint) == 1
    printer, _, when = imprint[0].partition("\t")
    assert printer.strip() == record["printer"]
    assert when.strip() == cn_date(record["print_date"]) + "印发"
    if record.get("cc"):
        assert any(t.startswith("抄送：") for t in texts)
    else:
        assert not any("抄送" in t for t in texts)
    borders = table.find("w:tblPr/w:tblBorders", NS)
    assert wval(borders.find(w("top"))) == "single"
    assert wval(borders.find(w("bottom"))) == "single"
    assert wval(borders.find(w("insideH"))) == "single"
    for p in table.iter(w("p")):
        assert doc.effective_ppr(p, "w:jc") != "center"
        for run in runs_with_text(p):
            assert doc.effective_run_attr(p, run, "w:sz", "val") == "28"  # 4号
            assert doc.effective_run_attr(p, run, "w:rFonts", "eastAsia") == BODY_FONT
    # The 版记 closes the document: only empty anchor paragraphs may follow it.
    after = list(doc.body)[list(doc.body).index(table) + 1 :]
    assert all(e.tag in (w("p"), w("sectPr")) and not paragraph_text(e).strip() for e in after)
    # Its rules are as wide as the 版心 of the page it stands on.
    width = int(table.find("w:tblPr/w:tblW", NS).get(w("w")))
    # As wide as the portrait 版心 (156 mm), also when it closes a landscape page.
    assert abs(width - round(156 * 1440 / 25.4)) <= 2


def test_letter_has_no_record(letter_example):
    floating = [t for t in letter_example.docx.tables() if t.find("w:tblPr/w:tblpPr", NS) is not None]
    assert floating == []
    assert not any(paragraph_text(p).endswith("印发") for p in letter_example.docx.all_body_paragraphs())


LANDSCAPE_IDS = [
    stem for stem, data in SPECS.items() if any(land for _, _, land in expected_attachments(stem, data))
]


@pytest.mark.parametrize("stem", LANDSCAPE_IDS)
def test_landscape_attachments_get_landscape_sections(built_examples, stem):
    example = built_examples[stem]
    doc = example.docx
    orients = [page_size(s)[2] for s in doc.sections()]
    assert "landscape" in orients
    labels = [p for p in doc.body_paragraphs() if style_id(p) == "WsAttachmentLabel"]
    expected = seed_attachments(example)
    assert len(labels) == len(expected)
    for p, (_, _, landscape) in zip(labels, expected, strict=True):
        sect = doc.section_of(p)
        width, height, orient = page_size(sect)
        if landscape:
            assert orient == "landscape" and (width, height) == (A4_HEIGHT, A4_WIDTH), paragraph_text(p)
        else:
            assert orient != "landscape" and (width, height) == (A4_WIDTH, A4_HEIGHT), paragraph_text(p)
    # The body of the notice itself stays portrait.
    assert page_size(doc.sections()[0])[2] != "landscape"


def test_examples_cover_both_formats():
    formats = {data["format"] for data in SPECS.values()}
    assert formats == {"letter", "document"}
    assert LANDSCAPE_IDS, "no example exercises landscape attachments"
