"""§7.3.4 附件说明 and §7.3.7 附件: the note's form against the attachments present, their labels
and pages."""

from __future__ import annotations

import re

from wenshu import layout as L
from wenshu.check.findings import Findings
from wenshu.check.reading.reader import Para
from wenshu.check.recognise import LABEL, Recogniser
from wenshu.check.registry import RULES
from wenshu.check.rules.common import INDENT_SLACK

RULES.rule("note-colon", "7.3.4", "附件说明", "“附件”后标全角冒号")
RULES.rule("note-number", "7.3.4", "附件说明", "附件顺序号的写法")
RULES.rule("note-sequence", "7.3.4", "附件说明", "附件顺序号连续")
RULES.rule("note-punctuation", "7.3.4", "附件说明", "附件名称后不加标点")
RULES.rule("attachment-count", "7.3.4", "附件说明", "附件说明与附件件数相符")
RULES.rule("attachment-unlisted", "7.3.4", "附件说明", "附件前有附件说明")
RULES.rule("attachment-label", "7.3.7", "附件标签", "附件标签“附件N”与顺序相符")
RULES.rule("attachment-label-place", "7.3.7", "附件", "附件标签居左顶格")
RULES.rule("attachment-page", "7.3.7", "附件", "附件另起一页")
RULES.rule("attachment-order", "7.3.7", "附件", "附件排在署名、成文日期之后")
RULES.rule("attachment-title", "7.3.7", "附件标题", "附件有居中的标题")


def check_attachments(doc: Recogniser, out: Findings) -> None:
    """§7.3.4 附件说明 against §7.3.7 the attachments present, their labels and pages."""
    notes = doc.role("attachment-note")
    labels = doc.role("attachment-label")
    names: list[tuple[int | None, str, Para]] = []
    for para in notes:
        text = para.text.strip()
        if text.startswith("附件"):
            text = re.sub(r"^附件\s*[：:]\s*", "", text)
            if not para.text.strip().startswith("附件："):
                out.add(
                    "note-colon",
                    "7.3.4",
                    "附件说明",
                    "“附件”后应标全角冒号",
                    "附件：",
                    para.text.strip()[:3],
                    para.where,
                )
            first = doc.first_line_start(para)
            if abs(first - L.BODY_INDENT_CHARS) > INDENT_SLACK:
                out.add(
                    "indent",
                    "7.3.4",
                    "附件说明",
                    "附件说明应左空二字",
                    f"首行缩进 {L.BODY_INDENT_CHARS} 字",
                    f"{first:.1f} 字",
                    para.where,
                )
        m = re.match(r"^(\d{1,2})\s*([.．、]?)\s*(.*)$", text)
        if m and (m.group(2) or len(notes) > 1):
            if m.group(2) != ".":
                out.add(
                    "note-number",
                    "7.3.4",
                    "附件说明",
                    "附件顺序号后用半角点“.”",
                    f"{m.group(1)}.",
                    m.group(1) + m.group(2),
                    para.where,
                )
            names.append((int(m.group(1)), m.group(3), para))
        else:
            names.append((None, text, para))
    numbered = [n for n, _, _ in names if n is not None]
    if len(names) > 1 and len(numbered) != len(names):
        out.add(
            "note-number",
            "7.3.4",
            "附件说明",
            "多个附件应标顺序号",
            "1. 2. 3. …",
            "缺少序号",
            names[0][2].where,
        )
    elif len(names) == 1 and numbered:
        out.add(
            "note-number",
            "7.3.4",
            "附件说明",
            "只有一个附件时不编顺序号",
            "附件：名称",
            f"附件：{numbered[0]}.",
            names[0][2].where,
        )
    for i, (n, _, para) in enumerate(names, 1):
        if n is not None and len(names) > 1 and n != i:
            out.add("note-sequence", "7.3.4", "附件说明", "附件顺序号不连续", f"{i}.", f"{n}.", para.where)
    for _, name, para in names:
        if name and name[-1] in "。，；：、,.;:！？":
            out.add(
                "note-punctuation",
                "7.3.4",
                "附件说明",
                "附件名称后不加标点符号",
                "名称末尾无标点",
                name[-1],
                para.where,
            )
    # Fewer labels than listed attachments: the others are sent as files of their own
    # (GB/T 9704 §8), each labelled there; the labels here keep their listed numbers.
    separate = bool(labels) and len(labels) < len(names)
    if labels and names and len(labels) > len(names):
        where = (names[0][2] if names else labels[0]).where
        out.add(
            "attachment-count",
            "7.3.4",
            "附件说明",
            "附件说明与文中附件个数不一致",
            f"附件说明列出 {len(labels)} 个附件",
            f"附件说明 {len(names)} 个，附件 {len(labels)} 个",
            where,
        )
    # Without a 附件说明 the file is an attachment sent on its own (“附件4” of some notice):
    # its labels count on from whatever number the first one carries.
    first_number = 1
    if not names and labels:
        m = LABEL.match(labels[0].text.strip())
        first_number = int(m.group(1)) if m and m.group(1) else 1
    previous = first_number - 1
    for i, para in enumerate(labels, first_number):
        text = para.text.strip()
        numbered = bool((m := LABEL.match(text)) and m.group(1))
        want = "附件" if len(labels) == 1 and (names or not numbered) else f"附件{i}"
        if separate:
            fits = numbered and previous < int(m.group(1)) <= len(names)
            want = text if fits else f"附件{previous + 1}"
        previous = int(m.group(1)) if numbered else previous + 1
        if text != want:
            out.add("attachment-label", "7.3.7", "附件标签", "附件标签与顺序不符", want, text, para.where)
        first, left = doc.first_line_start(para), doc.indents(para)[1]
        if (
            abs(first) > INDENT_SLACK
            or abs(left) > INDENT_SLACK
            or doc.alignment(para) not in ("left", "both")
        ):
            out.add(
                "attachment-label-place",
                "7.3.7",
                "附件标签",
                "附件标签应顶格编排在版心左上角",
                "居左顶格",
                f"缩进 {first:.1f} 字",
                para.where,
            )
        if not doc.page_break_before(doc.paragraphs.index(para)):
            out.add(
                "attachment-page", "7.3.7", "附件", "附件应另起一页", "附件标签前分页", "未分页", para.where
            )


def check_listed(doc: Recogniser, out: Findings) -> None:
    """§7.3.4 a document that carries attachments lists them in a 附件说明."""
    labels = doc.role("attachment-label")
    main = [p for p in doc.paragraphs if p.role in ("signature", "date", "recipients", "doc-number")]
    if not main and labels:
        # A 纪要 has neither 主送机关 nor 署名 (§10.3): its title and 正文 before the first
        # label make it the document the attachment belongs to, not an attachment sent alone.
        before = [p for p in doc.paragraphs if p.number < labels[0].number and p.text.strip()]
        if any(p.role == "title" for p in before) and any(p.role in ("body", "heading") for p in before):
            main = before
    if labels and not doc.role("attachment-note") and main and main[0].number < labels[0].number:
        out.add(
            "attachment-unlisted",
            "7.3.4",
            "附件说明",
            "正文带有附件，却没有附件说明",
            "正文下空一行左空二字标“附件：名称”",
            "无附件说明",
            labels[0].where,
        )


def check_order(doc: Recogniser, out: Findings) -> None:
    """§7.3.5, §7.3.7 the 署名 and 成文日期 close the 正文 (or its 附件说明); the attachments
    follow them on pages of their own. A document addressed to someone (主送机关) whose 署名 or
    成文日期 comes only after an attachment has the attachment set inside its main text."""
    labels = doc.role("attachment-label")
    if not labels or not doc.role("recipients"):
        return
    first = labels[0].number
    closing = [p for p in doc.paragraphs if p.role in ("signature", "date") and not p.in_table]
    if not closing or closing[0].number < first:
        return
    out.add(
        "attachment-order",
        "7.3.7",
        "附件",
        "附件排在了发文机关署名、成文日期之前",
        "正文（附件说明）之后是署名和成文日期，附件另面编排在其后",
        f"署名、成文日期在“{labels[0].text.strip()[:12]}”之后",
        closing[0].where,
    )


def check_titles(doc: Recogniser, out: Findings) -> None:
    """§7.3.7 an attachment's title stands centred under its label (版心第三行). An attachment
    whose label is followed straight by its text (a caption, a paragraph) has none; a label
    page of its own (the file bound after it) and a table (its title may be its first row)
    are left alone."""
    for label in doc.role("attachment-label"):
        index = doc.paragraphs.index(label)
        following = [p for p in doc.paragraphs[index + 1 :] if p.flows and p.text.strip()]
        if not following:
            continue
        first = following[0]
        if first.in_table or first.role not in ("body", "heading"):
            continue
        if doc.page_break_before(doc.paragraphs.index(first)):
            continue
        out.add(
            "attachment-title",
            "7.3.7",
            "附件标题",
            "附件标签后没有居中的附件标题",
            "附件标签下居中编排附件标题（版心第三行）",
            f"标签后即是“{first.text.strip()[:12]}”",
            label.where,
        )
