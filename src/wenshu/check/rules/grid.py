"""§5.2.3 22 lines a page, 28 characters a line: line spacing, character spacing, document grid."""

from __future__ import annotations

from wenshu import layout as L
from wenshu.check.findings import Findings, Location
from wenshu.check.reading.ooxml import has_cjk, to_int, wtag, wval
from wenshu.check.reading.styles import Levels, first_attr, first_flag_false
from wenshu.check.recognise import Recogniser
from wenshu.check.registry import RULES
from wenshu.check.roles import element_name

RULES.rule("line-pitch", "5.2.3", "各要素", f"行距使每面 {L.LINES_PER_PAGE} 行")
RULES.rule("chars-per-line", "5.2.3", "各要素", f"每行 {L.CHARS_PER_LINE} 字")

_GRID_ROLES = {
    "title",
    "aside",
    "recipients",
    "body",
    "heading",
    "line",
    "contact",
    "attachment-note",
    "signature",
    "date",
    "note",
    "attachment-label",
    "doc-number",
    "head-info",
}


def check_grid(doc: Recogniser, out: Findings) -> None:
    """§5.2.3 22 lines × 28 characters: exact 579-twip lines and −0.25 pt spacing (or a grid).
    A line length, and a line spacing set in a style or the defaults, come from a setting
    many elements share: each is reported once per setting, naming the elements it affects."""
    lengths: dict[str, tuple[list[str], list[Location]]] = {}
    pitches: dict[tuple[str, str], tuple[list[str], list[Location]]] = {}
    adjusted = adjusted_pitch(doc)
    for para in doc.paragraphs:
        if para.role not in _GRID_ROLES or not para.flows or not para.text.strip():
            continue
        section = doc.section_of(para)
        levels = doc.styles.ppr_levels(para.el)
        rule = first_attr(levels, "spacing", "lineRule") or "auto"
        line = to_int(first_attr(levels, "spacing", "line"), 240)
        on_grid = (
            section.grid_type in ("lines", "linesAndChars")
            and section.line_pitch == L.LINE_PITCH_TWIPS
            and rule == "auto"
            and line == 240
            and not first_flag_false(levels, "snapToGrid")
        )
        if not on_grid and not (rule == "exact" and line in (L.LINE_PITCH_TWIPS, adjusted)):
            actual = (
                f"固定值 {line / L.TWIPS_PER_PT:g} 磅（{line} 缇）"
                if rule == "exact"
                else f"最小值 {line / L.TWIPS_PER_PT:g} 磅"
                if rule == "atLeast"
                else f"{line / 240:g} 倍行距"
            )
            source = _spacing_source(levels) or f"段落：{element_name(para)}"
            elements, places = pitches.setdefault((actual, source), ([], []))
            if element_name(para) not in elements:
                elements.append(element_name(para))
            places.append(para.where)
        if section.landscape or not section.regular:
            continue  # the page itself is reported; its line length follows from it
        for r, text in doc.text_runs(para):
            if not has_cjk(text) or doc.run_size(para, r) != L.BODY_SIZE_PT:
                continue
            grid = doc.grid_pitch(para)
            if grid is not None:
                pitch = grid
                how = f"文档网格字距 {pitch / L.TWIPS_PER_PT:.2f} 磅"
            else:
                spacing = doc.run_spacing(para, r)
                pitch = L.BODY_SIZE_PT * L.TWIPS_PER_PT + spacing
                how = f"字距 {spacing / L.TWIPS_PER_PT:g} 磅"
            chars = int(section.text_width // pitch) if pitch > 0 else 0
            if chars != L.CHARS_PER_LINE:
                elements, places = lengths.setdefault(f"每行 {chars} 字（{how}）", ([], []))
                if element_name(para) not in elements:
                    elements.append(element_name(para))
                places.append(para.where)
            break
    for (actual, _), (elements, places) in pitches.items():
        element = "、".join(elements[:3]) + ("等" if len(elements) > 3 else "")
        for where in places:
            out.add(
                "line-pitch",
                "5.2.3",
                element,
                f"行距使每面不是 {L.LINES_PER_PAGE} 行",
                f"固定值 {L.LINE_PITCH_TWIPS / L.TWIPS_PER_PT:g} 磅（{L.LINE_PITCH_TWIPS} 缇），每面 "
                f"{L.LINES_PER_PAGE} 行",
                actual,
                where,
            )
    for actual, (elements, places) in lengths.items():
        element = "、".join(elements[:3]) + ("等" if len(elements) > 3 else "")
        for where in places:
            out.add(
                "chars-per-line",
                "5.2.3",
                element,
                f"每行字数不是 {L.CHARS_PER_LINE} 字",
                f"每行 {L.CHARS_PER_LINE} 字（三号字、字距 {L.CHAR_SPACING_TWIPS / L.TWIPS_PER_PT:g} 磅"
                "，或等效的文档网格）",
                actual,
                where,
            )


def adjusted_pitch(doc: Recogniser) -> int | None:
    """The one tightened exact line pitch §7.3.5.5 allows (调整行距) to keep the signature block
    with the text: smaller than the standard pitch, not below
    :data:`~wenshu.layout.MIN_ADJUSTED_LINE_PITCH_TWIPS`, on one run of lines that ends with the
    署名 or 成文日期 and follows lines at the standard pitch (the 版头, or the pages before).
    Where a 版记 follows, the run may instead end the document's lines: the last page's lines
    tightened to take the 版记 at its foot (§7.4.1) — after the signature block, or at the end
    of the last attachment, whose format is the 正文's (§7.3.7).
    A document set at a smaller pitch throughout is still a §5.2.3 fault."""
    lines = []
    for para in doc.paragraphs:
        if para.role in _GRID_ROLES and para.flows and para.text.strip():
            levels = doc.styles.ppr_levels(para.el)
            rule = first_attr(levels, "spacing", "lineRule") or "auto"
            line = to_int(first_attr(levels, "spacing", "line"), 240)
            lines.append((para.role, line if rule == "exact" else None))
    ends = [k for k, (role, _) in enumerate(lines) if role in ("signature", "date")][-1:]
    if lines and any(p.text.strip() for role in ("record", "cc", "imprint") for p in doc.role(role)):
        ends.append(len(lines) - 1)
    for end in ends:
        pitch = _run_pitch(lines, end)
        if pitch is not None:
            return pitch
    return None


def _run_pitch(lines: list[tuple[str, int | None]], end: int) -> int | None:
    """The tightened pitch of the run of lines ending at ``end``, when it follows lines at the
    standard pitch and no line before them has that pitch."""
    pitch = lines[end][1]
    if pitch is None or not L.MIN_ADJUSTED_LINE_PITCH_TWIPS <= pitch < L.LINE_PITCH_TWIPS:
        return None
    first = end
    while first > 0 and lines[first - 1][1] == pitch:
        first -= 1
    if first == 0 or lines[first - 1][1] != L.LINE_PITCH_TWIPS:
        return None
    if any(line == pitch for _, line in lines[: first - 1]):
        return None  # not one run
    return pitch


def _spacing_source(levels: Levels) -> str:
    """Where a paragraph's line spacing is set: the style's id, ``defaults``, or "" when the
    paragraph sets it itself."""
    for i, level in enumerate(levels):
        spacing = level.find(wtag("spacing"))
        if spacing is not None and (spacing.get(wtag("line")) or spacing.get(wtag("lineRule"))):
            if i < levels.direct:
                return ""
            return wval(level.getparent(), "styleId") or "defaults"
    return "defaults"
