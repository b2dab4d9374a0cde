"""§10.1 信函格式: the red double rules, upper thick-thin and lower thin-thick, 170 mm long."""

from __future__ import annotations

from typing import Any

from wenshu import layout as L
from wenshu.check.findings import Findings, Location
from wenshu.check.reading.borders import paragraph_borders, rule_width
from wenshu.check.reading.drawings import drawn_lines
from wenshu.check.reading.ooxml import is_red, wtag, wval
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
        table = _table_rule(doc) if found is None and name.startswith("上") else None
        if table is not None:
            # A 版头 set in a table draws the upper rule as a border under the mark's row.
            side, edge, width = table
            where = next(p for p in body_head if p.in_table).where
            _judge(out, name, side, edge, width, thick_first, where)
            continue
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
        _judge(out, name, side, edge, rule_width(doc, para), thick_first, para.where)


def _table_rule(doc: Recogniser) -> tuple[Any, str, int] | None:
    """The upper double rule drawn by a 版头 table's border: the first line under the mark's
    row, with the side of the cell that draws it and its length in twips."""
    found = doc.head_table()
    if found is None:
        return None
    mark_row = found[1]
    lines = [ln for ln in doc.head_table_rules() if ln.under >= mark_row]
    if not lines:
        return None
    side = lines[0].border
    edge = "top" if side.tag == wtag("top") else "bottom"
    return side, edge, lines[0].width_twips


def _judge(
    out: Findings, name: str, side: Any, edge: str, width: int | None, thick_first: bool, where: Location
) -> None:
    """A double rule's colour, its lines' order and its length (§10.1)."""
    style = wval(side) or ""
    if not is_red(wval(side, "color")):
        out.add(
            "rule-color",
            "10.1",
            name,
            f"{name}不是红色",
            f"红色（{L.RED}）",
            wval(side, "color") or "自动",
            where,
        )
    double = style == "double" or style.startswith(("thickThin", "thinThick"))
    # The line a double style names first is drawn nearer the text ([MS-OI29500] 2.1.528):
    # the upper line of a bottom border, the lower line of a top border.
    thick_named_first = thick_first == (edge == "bottom")
    right_order = style.startswith("thickThin" if thick_named_first else "thinThick") or style == "double"
    if not double or not right_order:
        expected = "上粗下细的双线" if thick_first else "上细下粗的双线"
        out.add("letter-rule-style", "10.1", name, "线型不符", expected, style, where)
    if width is not None and abs(width - L.mm_to_twips(L.LETTER_RULE_WIDTH_MM)) > L.mm_to_twips(
        L.MARGIN_TOLERANCE_MM
    ):
        out.add("rule-width", "10.1", name, "线长不符", f"{L.LETTER_RULE_WIDTH_MM} mm", mm_text(width), where)
