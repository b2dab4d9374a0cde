"""§10.1 信函格式: the red double rules, upper thick-thin and lower thin-thick, 170 mm long."""

from __future__ import annotations

from wenshu import layout as L
from wenshu.check.findings import Findings, Location
from wenshu.check.reading.borders import paragraph_borders, rule_width
from wenshu.check.reading.ooxml import is_red, wval
from wenshu.check.reading.shapes import drawn_lines
from wenshu.check.recognise import Recogniser
from wenshu.check.registry import RULES
from wenshu.check.rules.common import mm_text

RULES.rule("letter-rule", "10.1", "信函格式双线", "信函格式有上、下红色双线")
RULES.rule("letter-rule-style", "10.1", "信函格式双线", "双线上粗下细、上细下粗")


def check_letter_rules(doc: Recogniser, out: Findings) -> None:
    """§10.1 信函格式: red double rules 170 mm wide, under the mark and near the page foot."""
    first = doc.sections[0]
    header = doc.first_page_header()
    footer_part = first.refs.get(("footer", "first")) if first.title_page else None
    footer = doc.part_paragraphs(footer_part, "首页页脚") if footer_part else []
    body_head = [p for p in doc.paragraphs if p.role in ("mark", "doc-number", "head-info")]
    for name, paras, sides, thick_first in (
        ("上红色双线", header + body_head, ("bottom", "top"), True),
        ("下红色双线", footer, ("top", "bottom"), False),
    ):
        found = None
        for para in paras:
            borders = paragraph_borders(doc, para)
            edge = next((s for s in sides if s in borders), None)
            if edge is not None:
                found = (para, borders[edge], edge)
                break
        if found is None:
            # Drawn rules: the upper one in the header or the body, the lower one in the
            # footer or as a second line on the page.
            above = drawn_lines(doc.first_page_header_xml()) + drawn_lines(doc.body)
            below = drawn_lines(doc.package.xml(footer_part)) if footer_part else []
            drawn = above if name.startswith("上") else below or above[1:]
            if not drawn:
                where = Location("首页页脚" if name.startswith("下") else "首页页眉")
                out.add(
                    "letter-rule",
                    "10.1",
                    name,
                    f"找不到{name}",
                    f"红色双线，长 {L.LETTER_RULE_WIDTH_MM} mm",
                    "无",
                    where,
                )
            continue
        para, side, edge = found
        style = wval(side) or ""
        if not is_red(wval(side, "color")):
            out.add(
                "rule-color",
                "10.1",
                name,
                f"{name}不是红色",
                f"红色（{L.RED}）",
                wval(side, "color") or "自动",
                para.where,
            )
        double = style == "double" or style.startswith(("thickThin", "thinThick"))
        # The line a double style names first is drawn nearer the text ([MS-OI29500] 2.1.528):
        # the upper line of a bottom border, the lower line of a top border.
        thick_named_first = thick_first == (edge == "bottom")
        right_order = style.startswith("thickThin" if thick_named_first else "thinThick") or style == "double"
        if not double or not right_order:
            expected = "上粗下细的双线" if thick_first else "上细下粗的双线"
            out.add("letter-rule-style", "10.1", name, "线型不符", expected, style, para.where)
        width = rule_width(doc, para)
        if width is not None and abs(width - L.mm_to_twips(L.LETTER_RULE_WIDTH_MM)) > L.mm_to_twips(
            L.MARGIN_TOLERANCE_MM
        ):
            out.add(
                "rule-width",
                "10.1",
                name,
                "线长不符",
                f"{L.LETTER_RULE_WIDTH_MM} mm",
                mm_text(width),
                para.where,
            )
