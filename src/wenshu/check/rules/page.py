"""§5.1 paper and §5.2.1 page margins and 版心."""

from __future__ import annotations

from wenshu import layout as L
from wenshu.check.findings import Findings, Location
from wenshu.check.reading.reader import ROUNDING_MM, Reader, SectionProps
from wenshu.check.registry import RULES
from wenshu.check.rules.common import column_count, mm_text

RULES.rule("paper", "5.1", "纸张", "纸张为 A4")
RULES.rule("margin-top", "5.2.1", "页边距", f"天头 {L.TOP_MARGIN_MM} mm ± {L.MARGIN_TOLERANCE_MM} mm")
RULES.rule("margin-left", "5.2.1", "页边距", f"订口 {L.LEFT_MARGIN_MM} mm ± {L.MARGIN_TOLERANCE_MM} mm")
RULES.rule("text-width", "5.2.1", "版心", f"版心宽 {L.TEXT_WIDTH_MM} mm")
RULES.rule("text-height", "5.2.1", "版心", f"版心高 {L.TEXT_HEIGHT_MM} mm")
RULES.rule("columns", "5.2.3", "版心", f"版心不分栏，每行 {L.CHARS_PER_LINE} 字")


def check_page(doc: Reader, out: Findings) -> None:
    """§5.1 A4 paper; §5.2.1 天头 37 ± 1 mm, 订口 28 ± 1 mm, 版心 156 × 225 mm."""
    tol = L.mm_to_twips(L.MARGIN_TOLERANCE_MM)
    rounding = L.mm_to_twips(ROUNDING_MM)
    for s in doc.sections:
        where = Location(f"第 {s.index} 节")
        short, long_ = sorted((s.width, s.height))
        a4 = (L.mm_to_twips(L.PAGE_WIDTH_MM), L.mm_to_twips(L.PAGE_HEIGHT_MM))
        if abs(short - a4[0]) > rounding or abs(long_ - a4[1]) > rounding:
            out.add(
                "paper",
                "5.1",
                "纸张",
                "纸张不是 A4",
                f"A4（{L.PAGE_WIDTH_MM} × {L.PAGE_HEIGHT_MM} mm）",
                f"{mm_text(s.width)} × {mm_text(s.height)}",
                where,
            )
            continue
        _check_columns(doc, s, where, out)
        width_mm, height_mm = L.TEXT_WIDTH_MM, L.TEXT_HEIGHT_MM
        reported: set[str] = set()
        if s.landscape:  # §8 a turned page keeps the 版心, rotated
            width_mm, height_mm = height_mm, width_mm
        else:
            # The 订口 is the binding edge: the left margin of an odd page; with mirrored margins
            # it is the inside one on every page (an even page's right), which is w:left too.
            inside = "订口（内侧边距）" if s.mirror else "订口（左边距）"
            for code, name, value, want in (
                ("margin-top", "天头（上边距）", s.top_edge, L.TOP_MARGIN_MM),
                ("margin-left", inside, s.inside, L.LEFT_MARGIN_MM),
            ):
                if abs(value - L.mm_to_twips(want)) > tol:
                    reported.add(code)
                    out.add(
                        code,
                        "5.2.1",
                        "页边距",
                        f"{name}不符",
                        f"{want} mm（±{L.MARGIN_TOLERANCE_MM} mm）",
                        mm_text(value),
                        where,
                    )
        for code, name, value, want in (
            ("text-width", "版心宽度", s.text_width, width_mm),
            ("text-height", "版心高度", s.text_height, height_mm),
        ):
            # A 版心 off only because its margin is off is the same deviation, said once.
            cause = "margin-left" if code == "text-width" else "margin-top"
            if abs(value - L.mm_to_twips(want)) > rounding and cause not in reported:
                out.add(code, "5.2.1", "版心", f"{name}不符", f"{want} mm", mm_text(value), where)


def _check_columns(doc: Reader, section: SectionProps, where: Location, out: Findings) -> None:
    """§5.2.3: the 版心 is one column, 28 characters a line; a section set in two or more
    (``w:cols``, ECMA-376 §17.6.4: ``num`` equal columns, or one ``w:col`` each) that holds text
    prints short lines side by side."""
    count = column_count(section)
    text = any(p.section == section.index - 1 and p.flows and p.text.strip() for p in doc.paragraphs)
    if count > 1 and text:
        out.add(
            "columns",
            "5.2.3",
            "版心",
            "版心分栏",
            f"不分栏，每行 {L.CHARS_PER_LINE} 字",
            f"{count} 栏",
            where,
        )
