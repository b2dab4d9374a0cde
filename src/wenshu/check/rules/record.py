"""§7.4 版记: 抄送 and 印发 lines (colon, full stop, indents, the 印发日期) and the rules between
them, as paragraph borders or as a table's.

Where the 版记 lands (§7.4.1: at the foot of the last, even page) shows only on laid-out
pages: :func:`wenshu.office.pages.examine` judges it (``render-record-place``), registered
with the other ``--render`` rules in :mod:`wenshu.check.render`; a build puts it there in
:func:`wenshu.build.paginate.place_record`."""

from __future__ import annotations

from wenshu import layout as L
from wenshu.check.findings import Findings
from wenshu.check.reading.borders import paragraph_borders, rule_width
from wenshu.check.reading.ooxml import to_int, wtag, wval
from wenshu.check.reading.reader import Para
from wenshu.check.reading.tables import cell_margin, row_text, table_rule
from wenshu.check.recognise import Recogniser
from wenshu.check.registry import RULES
from wenshu.check.rules.body import check_date_text
from wenshu.check.rules.common import INDENT_SLACK, mm_text
from wenshu.text.dates import IMPRINT

RULES.rule("cc-colon", "7.4.2", "抄送机关", "“抄送”后标全角冒号")
RULES.rule("cc-period", "7.4.2", "抄送机关", "最后一个抄送机关后标句号")
RULES.rule("record-indent", "7.4", "版记", "版记各要素左右各空一字")
RULES.rule("record-rule", "7.4.1", "版记分隔线", "版记分隔线的有无与粗细")
RULES.rule("record-rule-width", "7.4.1", "版记分隔线", "版记分隔线与版心等宽")


def check_record(doc: Recogniser, out: Findings) -> None:
    """§7.4 版记: 抄送 and 印发 lines, their indents, dates and the rules between them."""
    records = [p for p in doc.role("record") if p.text.strip()]
    if not records:
        return
    for para in records:
        text = row_text(para, doc.shown)
        # Where the text starts: the indent, the spaces typed before it, a table's cell margin.
        first = doc.first_line_start(para)
        if para.in_table:
            first += cell_margin(para, doc.char_twips(para))
        if text.startswith("抄送"):
            if not text.startswith("抄送："):
                out.add(
                    "cc-colon", "7.4.2", "抄送机关", "“抄送”后应标全角冒号", "抄送：", text[:3], para.where
                )
            if not text.endswith("。"):
                out.add(
                    "cc-period",
                    "7.4.2",
                    "抄送机关",
                    "最后一个抄送机关后标句号",
                    "以“。”结尾",
                    text[-1:],
                    para.where,
                )
        elif IMPRINT.search(text):
            m = IMPRINT.search(text)
            date_text = text[m.start() : m.end()].removesuffix("印发").strip()
            check_date_text(date_text, "7.4.3", "印发日期", para, out)
        else:
            continue
        cell = para.el.getparent()
        if para.in_table and any(c.tag == wtag("tc") for c in cell.itersiblings(preceding=True)):
            continue  # a later cell of the row: the cell, not an indent, places it
        if doc.alignment(para) == "right":
            # 印发日期 set right: its right indent (and the spaces after it) is the one
            first = doc.indents(para)[2] + doc.trailing_space_width(para)
        if abs(first - L.RECORD_INDENT_CHARS) > INDENT_SLACK:
            clause = "7.4.2" if text.startswith("抄送") else "7.4.3"
            out.add(
                "record-indent",
                clause,
                "版记",
                "版记各要素左空一字",
                f"左缩进 {L.RECORD_INDENT_CHARS} 字",
                f"{first:.1f} 字",
                para.where,
            )
    _check_record_rules(doc, records, out)


def _check_record_rules(doc: Recogniser, records: list[Para], out: Findings) -> None:
    """§7.4.1 first and last rules 0.35 mm, those between 0.25 mm, as wide as the 版心."""
    table = next((a for a in records[0].el.iterancestors() if a.tag == wtag("tbl")), None)
    where = records[0].where
    thick = f"首末条 {L.RECORD_OUTER_RULE_EIGHTHS / 8:g} 磅（{L.RECORD_OUTER_RULE_MM} mm）"
    thin = f"中间 {L.RECORD_INNER_RULE_EIGHTHS / 8:g} 磅（{L.RECORD_INNER_RULE_MM} mm）"
    if table is not None:
        rows = len(table.findall(wtag("tr")))
        for side, want in (
            ("top", L.RECORD_OUTER_RULE_MM),
            ("bottom", L.RECORD_OUTER_RULE_MM),
            ("insideH", L.RECORD_INNER_RULE_MM),
        ):
            if side == "insideH" and rows < 2:
                continue
            b = table_rule(table, side)
            if b is None or wval(b) in ("nil", "none"):
                out.add(
                    "record-rule",
                    "7.4.1",
                    "版记分隔线",
                    "缺少分隔线",
                    f"{thick}，{thin}",
                    f"无 {side} 线",
                    where,
                )
            elif abs(to_int(wval(b, "sz")) - want * L.PT_PER_MM * 8) >= L.RULE_WIDTH_TOLERANCE_EIGHTHS:
                out.add(
                    "record-rule",
                    "7.4.1",
                    "版记分隔线",
                    "分隔线粗细不符",
                    f"{thick}，{thin}",
                    f"{side} {to_int(wval(b, 'sz')) / 8:g} 磅",
                    where,
                )
        width = table.find(f"{wtag('tblPr')}/{wtag('tblW')}")
        kind, value = wval(width, "type"), (wval(width, "w") or "").strip()
        w = None
        if kind == "dxa":
            w = to_int(value)
        elif kind == "pct":
            # fiftieths of a percent (LibreOffice: 5000), or a percentage written as “90%”
            share = to_int(value.rstrip("%")) / (100 if value.endswith("%") else 5000)
            w = round(share * doc.section_of(records[0]).text_width)
        if w is not None:
            if abs(w - L.mm_to_twips(L.TEXT_WIDTH_MM)) > L.mm_to_twips(L.MARGIN_TOLERANCE_MM):
                out.add(
                    "record-rule-width",
                    "7.4.1",
                    "版记分隔线",
                    "分隔线与版心不等宽",
                    f"{L.TEXT_WIDTH_MM} mm",
                    mm_text(w),
                    where,
                )
        return
    top = paragraph_borders(doc, records[0]).get("top")
    # the 印发 line ends the 版记 (§7.4.3): a line typed below it (a 1999-style 印数 “共印2份”)
    # is outside the rules, and the 末条 is the 印发 line's
    last = next((p for p in reversed(records) if IMPRINT.search(p.text.strip())), records[-1])
    bottom = paragraph_borders(doc, last).get("bottom")
    if top is None or bottom is None:
        out.add(
            "record-rule", "7.4.1", "版记分隔线", "缺少首条或末条分隔线", f"{thick}，{thin}", "缺少", where
        )
    # A paragraph's border runs between its indents: a 版记 indented 空一字 by its paragraphs'
    # indents draws its rules a character short of the 版心 at each end.
    for para, border in ((records[0], top), (last, bottom)):
        width = rule_width(doc, para) if border is not None else None
        if width is not None and abs(width - L.mm_to_twips(L.TEXT_WIDTH_MM)) > L.mm_to_twips(
            L.MARGIN_TOLERANCE_MM
        ):
            out.add(
                "record-rule-width",
                "7.4.1",
                "版记分隔线",
                "分隔线与版心不等宽（段落边框随缩进缩短）",
                f"{L.TEXT_WIDTH_MM} mm",
                mm_text(width),
                para.where,
            )
            break
