"""Recognising the elements of an official document: which paragraph is the 发文机关标志, the
发文字号, the title, a heading of which level, the 附件说明, the 署名, the 版记 ….

Elements are recognised by wenshu's own styles (``WsTitle`` …) when present, else by style
names (``标题 1``, ``heading 1``, ``Title``), else by content: the 发文字号 pattern, ordinals,
dates, ``附件：``, ``抄送：`` … so files written by other offices are recognised as well.

:func:`recognise` is the public entry: a :class:`~wenshu.check.reading.model.Document` in, a
:class:`Recognised` out, every paragraph with its :class:`~wenshu.check.roles.Role`.
:class:`Recogniser` is what the rules read: the low-level reader with roles on its paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenshu import layout as L
from wenshu.check.reading.drawings import DrawnLine, drawn_lines
from wenshu.check.reading.fields import field_text
from wenshu.check.reading.model import Document, Paragraph
from wenshu.check.reading.ooxml import element_text, is_red, without_own_line_ends, wtag, wval
from wenshu.check.reading.reader import Para, Reader
from wenshu.check.reading.styles import first_attr, font_class, font_of
from wenshu.check.reading.tables import TableRule, cell_fill, horizontal_rules, row_paragraphs, row_text
from wenshu.check.roles import STYLE_ROLES, Role
from wenshu.roles import Style
from wenshu.text.dates import IMPRINT, WRITTEN_DATE
from wenshu.text.docnumber import IN_TEXT as DOC_NUMBER_IN_TEXT
from wenshu.text.numbering import NUMERALS, RUNIN_END, written_ordinal

# 令号 and 期号 stand alone in the 版头 of an order or a bulletin: 第12号, 第 3 期.
ORDER_NUMBER = re.compile(rf"^第\s*[\dXx×{NUMERALS}]+\s*[号期]$")
# 份号, 密级 and 紧急程度 (§7.2.1–7.2.3), in the body or in a header.
HEAD_INFO = re.compile(r"^(\d{6}|(绝密|机密|秘密)(\s*[★*]\s*\S*)?|特急|加急|特提|平急)$")
# The same typed with its name, as a line of the 版头: 密级：秘密, 紧急程度：特急, 份号：000123.
HEAD_INFO_NAMED = re.compile(r"^(密级|保密期限|紧急程度|份号)\s*[：:]\s*\S{1,12}$")


def is_head_info(text: str) -> bool:
    """Is ``text`` (stripped) a 份号, 密级 (and 保密期限) or 紧急程度 line of the 版头 (§7.2.1–7.2.3)?"""
    return bool(HEAD_INFO.match(text) or re.match(r"^(绝密|机密|秘密)", text) or HEAD_INFO_NAMED.match(text))


# An unfilled field of a template or another generator: [发文单位], 【日期】, {{DATE}}.
PLACEHOLDER = re.compile(r"^\s*(\[[^\]]+\]|【[^】]+】|\{\{[^}]+\}\}|［[^］]+］)\s*$")
# A title typed as a plain line: 关于……的通知 or ……会议纪要 (a remark after it allowed), or a kind alone.
_KINDS = "通知|通报|决定|决议|命令|公报|公告|通告|意见|请示|报告|批复|函|纪要|议案|方案|办法|规定"
TITLE_WORDS = re.compile(rf"^(关于\S.{{0,60}})?({_KINDS})(?=$|[\s（(])")
# A whole title (××关于……的通知) in a text box of its own.
BOX_TITLE = re.compile(rf"关于\S.{{0,60}}的?({_KINDS})$")
# The lines naming whom to ask, under the body of a notice.
CONTACT = re.compile(r"^(联系人|联系电话|联系方式|电\s*话|传\s*真|手\s*机|电子邮箱|邮\s*箱)\s*[：:]")
# Labels of a 纪要 (§10.3), set in 黑体 at the head of a list of names.
MINUTES_LABELS = ("出席", "列席", "请假", "参加", "缺席", "记录", "主持")
# 附件 or 附件2, optionally with a remark in brackets: 附件1（可选）.
LABEL = re.compile(r"^附\s*件\s*(\d*)\s*([（(][^）)]{0,12}[）)])?$")
NOTE_NUMBER = re.compile(r"^(?P<num>\d{1,2})\s*(?P<punct>[.．、]?)\s*(?P<name>.*)$")
SIGNED = "签发人："
# An item of a 附件说明 with its number: 1.名称, 2．名称, 3、名称, 4 名称 (not 2023年…).
_NUMBERED_NAME = re.compile(r"^\d{1,2}(?:\s*[.．、]\s*|\s+)(?=\D)(.+)$")
NO_TEXT = re.compile(r"^[（(]\s*此页无正文\s*[）)]$")
# A form's field to fill in above its table (单位：, 填表单位：): a blank, no 主送机关.
FORM_FIELD = re.compile(r"(?:填表|填报|推荐|申报|报送|所在)?单位\s*[：:]")
# A template's remark where the seal goes: （此处加盖印章）. The bracket and the word are matched
# apart: ``[（(][^）)]*(印章|…)[^）)]*[）)]`` backtracks in time quadratic in a long paragraph
# that opens a bracket and never closes it (100,000 characters: minutes).
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")
_SEAL_WORDS = ("印章", "盖章", "签章")


def is_seal_remark(text: str) -> bool:
    """Whether ``text`` is all one bracketed remark about the seal, “（此处加盖印章）”."""
    return _BRACKETED.fullmatch(text) is not None and any(word in text for word in _SEAL_WORDS)


# A table holding no more lines than a 署名, a seal's remark and a 成文日期 (two signatures of a
# joint document, §7.3.5.2, make four) may be one used to place them.
_CLOSING_TABLE_LINES = 4


def role_from_style_name(name: str) -> str | None:
    """The role a style's name gives (``标题 1``, ``heading 2``, ``Title``), None for any other."""
    low = name.lower().replace(" ", "")
    if re.fullmatch(r"(heading|标题)[1-4]", low):
        return "heading"
    if low in ("title", "标题"):
        return "title"
    return None


def letter_lines(lines: list[DrawnLine]) -> list[DrawnLine]:
    """The red double lines about 170 mm long that mark the 信函格式 (§10.1)."""
    tol = L.MARGIN_TOLERANCE_MM * 2
    return [
        ln
        for ln in lines
        if ln.double
        and is_red(ln.color)
        and (ln.length is None or abs(ln.length - L.LETTER_RULE_WIDTH_MM) <= tol)
    ]


def _is_letter_rule(line: TableRule) -> bool:
    """A table border that draws the 信函格式's upper rule: red, double, about 170 mm (§10.1)."""
    style = wval(line.border) or ""
    double = style == "double" or style.startswith(("thickThin", "thinThick"))
    tol = L.mm_to_twips(L.MARGIN_TOLERANCE_MM * 2)
    return (
        double
        and is_red(wval(line.border, "color"))
        and abs(line.width_twips - L.mm_to_twips(L.LETTER_RULE_WIDTH_MM)) <= tol
    )


class Recogniser(Reader):
    """A read .docx whose paragraphs carry their roles (``role``, ``level``, ``zone``,
    ``numbered``): what the rules check."""

    def __init__(self, source: Path | bytes, name: str):
        super().__init__(source, name)
        self._minutes: bool | None = None  # see _is_minutes
        self._identify()

    @classmethod
    def of(cls, reader: Reader) -> Recogniser:
        """Recognise the paragraphs of a file already read (its parts are not read again)."""
        doc = cls.__new__(cls)
        doc.__dict__.update(vars(reader))
        doc._minutes = None
        for para in doc.paragraphs:  # as read, whatever an earlier recognition said
            para.role, para.level, para.zone, para.numbered = "", 0, 0, False
        doc._identify()
        return doc

    def _identify(self) -> None:
        """Give every paragraph a role: by wenshu style, by style name, then by content."""
        for para in self.paragraphs:
            sid = self.styles.paragraph_style(para.el) or ""
            if self.wenshu_styles:
                para.role = STYLE_ROLES.get(sid, "")
            else:
                para.role = role_from_style_name(self.styles.name(sid)) or ""
        for para in self.first_page_header():
            sid = self.styles.paragraph_style(para.el) or ""
            if HEAD_INFO.match(para.text.strip()):
                # 份号, 密级 and 紧急程度 put in a header stand where §7.2.1–7.2.3 puts them.
                para.role = "head-info"
            elif para.text.strip() and (sid == Style.MARK or self._looks_like_mark(para)):
                para.role = "mark"
        for para in self.paragraphs:
            if para.in_box:
                para.role = self._box_role(para)
        if self.wenshu_styles:
            self._by_style()
        else:
            self._by_content()
        for para in self.role("attachment-note"):
            _one_name(para)

    def _box_role(self, para: Para) -> str:
        """Red-header templates set the mark, the 发文字号 and the like in text boxes."""
        text = para.text.strip()
        if not text:
            return "box"
        if HEAD_INFO.match(text):
            return "head-info"
        if (DOC_NUMBER_IN_TEXT.search(text) and len(text) < 60) or ORDER_NUMBER.match(text):
            return "doc-number"
        if self._looks_like_mark(para):
            return "mark"
        if BOX_TITLE.search(text) or self._looks_like_title(para):
            return "title"  # a title some offices set in a text box under the 版头
        return "box"

    def _by_style(self) -> None:
        """wenshu's own file: styles say what each paragraph is; ordinals give heading levels."""
        zone = 0
        for para in self.paragraphs:
            if para.in_box:
                continue
            if para.in_table:
                if para.role in ("", "body"):
                    para.role = "table"
                continue
            if para.role == "attachment-label":
                zone += 1
            elif para.role == "title" and zone:
                para.role = "attachment-title"
            elif para.role in ("body", "heading"):
                found = written_ordinal(para.text.strip())
                # In a body paragraph only a run-in heading sets its own font on the
                # heading run; without one the ordinal numbers a plain paragraph (items).
                runs = self.text_runs(para)
                first = runs[0][0].find(f"{wtag('rPr')}/{wtag('rFonts')}") if runs else None
                para.numbered = para.role == "body" and bool(found) and wval(first, "eastAsia") is None
                para.role = "heading" if found or para.role == "heading" else "body"
                para.level = found[0] if found else 0
            elif not para.role:
                para.role = "body"
            para.zone = zone

    def _looks_like_mark(self, para: Para) -> bool:
        runs = self.text_runs(para)
        if not runs:
            return False
        big = any(self.run_size(para, r) > L.TITLE_SIZE_PT for r, _ in runs)
        color = first_attr(self.styles.rpr_levels(para.el, runs[0][0]), "color")
        return big or is_red(color)

    def _head_table(self) -> None:
        """Many offices build the 版头 as a table before the title: the mark in one cell, the
        发文字号 in the next row or cell, the red rule as a cell's or the table's border. The
        first table is read so when nothing but 版头 lines stands before it and every line in
        it is the mark (red or larger than a title), a 发文字号 (签发人), 份号, 密级 or 紧急程度,
        with a 发文字号 or a red mark among them: an ordinary table holds other text."""
        first = next((p for p in self.paragraphs if p.in_table), None)
        if first is None:
            return
        table = next(first.el.iterancestors(wtag("tbl")))
        before = [p for p in self.paragraphs[: first.number - 1] if p.flows and p.text.strip()]
        if any(not is_head_info(p.text.strip()) and not self._looks_like_mark(p) for p in before):
            return
        lines = [
            p
            for p in self.paragraphs[first.number - 1 :]
            if p.in_table and p.text.strip() and table in p.el.iterancestors(wtag("tbl"))
        ]
        roles = []
        for para in lines:
            text = para.text.strip()
            if (
                (DOC_NUMBER_IN_TEXT.search(text) and len(text) < 60)
                or ORDER_NUMBER.match(text)
                or SIGNED in text
            ):
                roles.append("doc-number")
            elif is_head_info(text):
                roles.append("head-info")
            elif self._looks_like_mark(para) and len(text) <= L.CHARS_PER_LINE:
                roles.append("mark")
            else:
                return  # a line no 版头 holds: a table of the document's own
        # A mark reversed out of a red-filled cell (white on a red banner) is red to a reader too.
        red_mark = any(
            role == "mark"
            and (
                is_red(first_attr(self.styles.rpr_levels(p.el, self.text_runs(p)[0][0]), "color"))
                or is_red(cell_fill(next(p.el.iterancestors(wtag("tc")), None)))
            )
            for p, role in zip(lines, roles, strict=True)
        )
        if "doc-number" in roles or red_mark:
            for para, role in zip(lines, roles, strict=True):
                para.role = role

    def _by_content(self) -> None:
        """Another office's file: recognise the elements by where they stand and what they say."""
        self._head_table()
        paras = [p for p in self.paragraphs if (p.flows or p.role == "title") and p.text.strip()]
        head_has_mark = any(p.role == "mark" for p in self.first_page_header() + self.paragraphs)
        i = 0
        # 版头: everything before the title (a 发文字号 in a text box or a 版头 table counts).
        seen_number = any(not p.flows and p.role == "doc-number" for p in self.paragraphs)
        passed: list[int] = []  # read as body on the way, for want of a title
        while i < len(paras):
            para, text = paras[i], paras[i].text.strip()
            if para.role == "title":
                break
            if para.role in ("mark", "doc-number", "head-info"):
                seen_number |= para.role == "doc-number"
                i += 1
                continue
            if (DOC_NUMBER_IN_TEXT.search(text) and len(text) < 60) or ORDER_NUMBER.match(text):
                para.role, seen_number = "doc-number", True
            elif is_head_info(text):
                para.role = "head-info"
            elif not seen_number and not head_has_mark and self._looks_like_mark(para):
                para.role, head_has_mark = "mark", True
            elif self.alignment(para) == "center" and (seen_number or head_has_mark or i == 0):
                para.role = "title"
                break
            elif para.role == "":
                para.role = "body"
                passed.append(i)
            i += 1
        if i == len(paras) and passed:
            # No centred title: an unformatted draft. Its title is the first line saying what it
            # is (关于……的通知), centred or not; everything after it is read as the main text.
            for k in passed:
                paras[k].role = ""
            i = next((k for k in passed if TITLE_WORDS.match(paras[k].text.strip())), passed[0] - 1)
            if i >= 0 and paras[i].role == "":
                paras[i].role = "title"
        # The title may run over several centred paragraphs.
        while 0 <= i < len(paras) - 1 and paras[i + 1].role in ("", "title") and paras[i].role == "title":
            nxt = paras[i + 1]
            if self.alignment(nxt) != "center" or nxt.text.strip().endswith(("：", ":")):
                break
            nxt.role = "title"
            i += 1
        i += 1
        # A 密级 or 紧急程度 line set under the title still belongs to the 版头.
        while i < len(paras) and paras[i].role in ("", "body") and is_head_info(paras[i].text.strip()):
            paras[i].role = "head-info"
            i += 1
        # 主送机关: the paragraph right after the title, ending in a colon.
        if i < len(paras) and paras[i].role in ("", "body", "recipients"):
            text = paras[i].text.strip()
            if paras[i].role == "recipients" or (
                text.endswith(("：", ":"))
                and written_ordinal(text) is None
                and not FORM_FIELD.fullmatch(text)
            ):
                paras[i].role = "recipients"
                i += 1
        zone, in_note, after_date, in_record = 0, False, False, False
        for k, para in enumerate(paras[i:], start=i):
            text = para.text.strip()
            role = para.role
            if role in ("aux", "table", "page-number"):
                continue
            if role in ("", "body") and self._is_aside(para):
                para.role = "aside"  # a table's caption, a 纪要's label
                continue
            if role == "attachment-label" or (role in ("", "body") and LABEL.match(text)):
                para.role, zone, in_note = "attachment-label", zone + 1, False
                continue
            if role == "title":
                para.role = "attachment-title" if zone else "title"
            elif zone and role == "" and self.alignment(para) == "center" and self._follows_label(para):
                para.role = "attachment-title"
            elif role in ("", "body") and self.alignment(para) == "center" and self._looks_like_title(para):
                para.role = "attachment-title" if zone else "title"  # a second document's title
            if para.role in ("attachment-title", "title"):
                para.zone = zone
                continue
            if (
                role == "record"
                or (
                    role in ("", "body")
                    and (
                        text.startswith("抄送")
                        or IMPRINT.search(text)
                        # 主送 moved to the 版记 (§10.3 纪要), and lines after the 版记 began
                        or (text.startswith("主送") and self._record_follows(paras[k + 1 : k + 2]))
                        or (in_record and not zone and len(text) <= L.CHARS_PER_LINE)
                    )
                )
            ):
                para.role, in_record = "record", True
                continue
            if role == "attachment-note" or (role in ("", "body") and not zone and text.startswith("附件：")):
                para.role, in_note = "attachment-note", True
                continue
            if in_note and role in ("", "body") and NOTE_NUMBER.match(text) and text[0].isdigit():
                para.role = "attachment-note"
                continue
            in_note = False
            if role == "date" or (
                role in ("", "body")
                and (not zone or not after_date)  # an attachment pasted before the signature
                and (WRITTEN_DATE.match(text) or self._date_placeholder(para))
            ):
                para.role, after_date = "date", True
                self._mark_signature(para)
                continue
            if role in ("signature", "note", "line", "contact"):
                continue
            if role in ("", "body") and not zone and CONTACT.match(text):
                para.role = "contact"  # as wenshu sets its own: 联系人：…, 联系电话：…
                continue
            previous = para.el.getprevious()
            if (
                previous is not None
                and previous.tag == wtag("tbl")
                and text.startswith(("注：", "注:", "备注"))
            ):
                para.role = "aux"  # a note under a table, set as the table's text
                continue
            if after_date and role in ("", "body") and text.startswith(("（", "(")) and not zone:
                para.role = "note"
                continue
            found = written_ordinal(text)
            if role in ("", "body", "heading"):
                para.role = "heading" if found or role == "heading" else "body"
                para.level = found[0] if found else 0
            para.zone = zone
        self._closing_tables()
        for para in self.paragraphs:
            if para.in_box:
                continue
            if para.in_table and para.role in ("", "body"):
                text = row_text(para, self.shown)
                first = next((p for p in row_paragraphs(para) if element_text(p, self.shown).strip()), None)
                is_record = text.startswith("抄送") or IMPRINT.search(text)
                para.role = "record" if is_record and first is para.el else "table"
            elif not para.role:
                para.role = "body"

    def _closing_tables(self) -> None:
        """A 署名 and 成文日期 set in a table for layout (a borderless table of a row or two
        holding them at the right): a table of the main text (before any attachment) whose
        few short lines end with a date."""
        tables: dict[object, list[Para]] = {}
        zone = 0
        for para in self.paragraphs:
            zone += para.flows and para.role == "attachment-label"
            if para.in_table and not zone and para.text.strip():
                tables.setdefault(next(para.el.iterancestors(wtag("tbl"))), []).append(para)
        for lines in tables.values():
            if (
                len(lines) > _CLOSING_TABLE_LINES
                or any(p.role not in ("", "body") or len(p.text.strip()) > L.CHARS_PER_LINE for p in lines)
                or not WRITTEN_DATE.match(lines[-1].text.strip())
            ):
                continue
            lines[-1].role = "date"
            before = lines[:-1]
            if before and is_seal_remark(before[-1].text.strip()):
                before.pop().role = "aside"
            if before and not before[-1].text.strip().endswith(("。", "：", ":")):
                before[-1].role = "signature"

    def _is_minutes(self) -> bool:
        """Is the title a 纪要's? Known once a title is found (asked for every short line:
        scanning the paragraphs each time would be quadratic)."""
        if self._minutes is None:
            titles = self.role("title")
            if not titles:
                return False
            self._minutes = any("纪要" in t.text for t in titles)
        return self._minutes

    def _is_aside(self, para: Para) -> bool:
        """A short line that is neither body text nor a heading: a table's caption, a 纪要's
        label (出席, 列席 …) or, in a 纪要, a label set whole in 黑体."""
        text = para.text.strip()
        if len(text) > 15 or text.endswith(("。", "；", "：", ":", "，")) or written_ordinal(text):
            return False
        if LABEL.match(text):  # 附件1（可选） in 黑体: an attachment's label, not a 纪要's
            return False
        table_next = para.el.getnext() is not None and para.el.getnext().tag == wtag("tbl")
        if self.alignment(para) == "center" and (table_next or re.match(r"^[表图]\s*\d", text)):
            return True
        if text in MINUTES_LABELS or NO_TEXT.match(text):
            return True
        # §10.3 leaves the rest of a 纪要's layout to the office: its labels set whole in 黑体.
        if not self._is_minutes():
            return False
        runs = self.text_runs(para)
        fonts = {font_of(self.styles.rpr_levels(para.el, r))[0] or "" for r, _ in runs}
        return bool(runs) and all(font_class(f) == "黑体" for f in fonts)

    def _looks_like_title(self, para: Para) -> bool:
        """Set like a title (larger than the body, in the title's font): a second title."""
        runs = self.text_runs(para)
        if not runs or len(para.text.strip()) > 2 * L.CHARS_PER_LINE:
            return False
        fonts = {font_of(self.styles.rpr_levels(para.el, r))[0] or "" for r, _ in runs}
        big = all(self.run_size(para, r) >= L.TITLE_SIZE_PT for r, _ in runs)
        return big and all(font_class(f) == font_class(L.FONT_TITLE) for f in fonts)

    def _date_placeholder(self, para: Para) -> bool:
        """``[日期]`` or ``{{DATE}}`` set right, where the 成文日期 goes."""
        text = para.text.strip()
        return (
            bool(PLACEHOLDER.match(text))
            and self.alignment(para) == "right"
            and ("日" in text or "date" in text.lower())
        )

    @staticmethod
    def _record_follows(following: list[Para]) -> bool:
        if not following:
            return False
        text = following[0].text.strip()
        return text.startswith("抄送") or bool(IMPRINT.search(text))

    def _follows_label(self, para: Para) -> bool:
        before = [p for p in self.paragraphs[: para.number - 1] if p.text.strip() and p.flows]
        return bool(before) and before[-1].role in ("attachment-label", "attachment-title")

    def _mark_signature(self, date: Para) -> None:
        before = [p for p in self.paragraphs[: date.number - 1] if p.text.strip() and p.flows]
        # A template's remark where the seal goes, “（此处加盖印章）”, stands between the two.
        if len(before) > 1 and is_seal_remark(before[-1].text.strip()):
            before.pop().role = "aside"
        if before and before[-1].role in ("", "body") and len(before[-1].text.strip()) <= L.CHARS_PER_LINE:
            if not before[-1].text.strip().endswith(("。", "：", ":")):
                before[-1].role = "signature"

    # -- views ------------------------------------------------------------------------
    def role(self, name: str) -> list[Para]:
        """The body paragraphs of role ``name``."""
        return [p for p in self.paragraphs if p.role == name]

    def mark(self) -> list[Para]:
        """The 发文机关标志's paragraphs: in the first page's header, then in the body."""
        return [p for p in self.first_page_header() if p.role == "mark"] + self.role("mark")

    @property
    def format(self) -> str:
        """``letter`` (信函格式) or ``document`` (文件格式), as far as the file shows."""
        marks = [p for p in self.first_page_header() if p.role == "mark"] + self.role("mark")
        if marks and marks[0].text.strip().endswith("文件"):
            return "document"
        if any(p.role == "mark" for p in self.first_page_header()):
            return "letter"
        # §10.1: red double lines 170 mm long (not the 版心's 156 mm) are the 信函格式's own.
        if letter_lines(drawn_lines(self.first_page_header_xml()) + drawn_lines(self.body)):
            return "letter"
        if any(_is_letter_rule(ln) for ln in self.head_table_rules()):
            return "letter"
        numbers = self.role("doc-number")
        if numbers and "函" in numbers[0].text and self.alignment(numbers[0]) == "right":
            return "letter"
        return "document"

    def head_table(self) -> tuple[Any, int] | None:
        """The table the 版头 is set in, with the row of its mark (0 without one in it); None
        when no line of the mark or the 发文字号 stands in a table."""
        head = [p for p in self.role("mark") + self.role("doc-number") if p.in_table]
        if not head:
            return None
        table = list(head[0].el.iterancestors(wtag("tbl")))[-1]
        marks = [p for p in self.role("mark") if table in p.el.iterancestors(wtag("tbl"))]
        rows = table.findall(wtag("tr"))
        row = next((i for i, r in enumerate(rows) if marks and r in marks[0].el.iterancestors(wtag("tr"))), 0)
        return table, row

    def head_table_rules(self) -> list[TableRule]:
        """The lines a 版头 table's borders draw (see :func:`horizontal_rules`); [] without one."""
        found = self.head_table()
        return horizontal_rules(found[0], self.styles) if found else []


# ---------------------------------------------------------------------------------------
# The public result
# ---------------------------------------------------------------------------------------


@dataclass
class Item:
    """A paragraph with the role it plays."""

    paragraph: Paragraph
    role: Role | None  # None: an empty header paragraph or one that is none of the elements
    level: int = 0  # 1–4 for a heading (一、 → 1, （一） → 2, 1. → 3, （1） → 4)
    zone: int = 0  # 0: the document itself; k: attachment k (after the label 附件k)
    numbered: bool = False  # an ordinal before a plain paragraph (an item, not a heading)

    @property
    def text(self) -> str:
        """The paragraph's text as a reader sees it."""
        return self.paragraph.text

    @property
    def run_in(self) -> tuple[str, str] | None:
        """A run-in heading (§7.3.3: text after the heading on its line) as (heading with its
        closing mark, the text after it); None for a heading that stands alone or no heading."""
        if self.role != Role.HEADING:
            return None
        text = self.text.strip()
        ends = [i for i in (text.find(mark) for mark in RUNIN_END) if i >= 0]
        if not ends or min(ends) + 1 >= len(text):
            return None
        return text[: min(ends) + 1], text[min(ends) + 1 :].strip()


@dataclass
class Recognised:
    """A document's paragraphs with their roles."""

    document: Document
    format: str  # "letter" (信函格式) or "document" (文件格式), as far as the file shows
    wenshu_styles: bool  # written by wenshu (its Ws… styles say what each paragraph is)
    paragraphs: list[Item]  # one per Document.paragraphs, same order
    header: list[Item] = field(default_factory=list)  # the first page's header (a letter's mark …)
    footers: list[Item] = field(default_factory=list)  # footer paragraphs holding a page number
    minutes: bool = False  # a 纪要 (§10.3): its title says so

    def of(self, role: Role | str, zone: int | None = None) -> list[Item]:
        """The items of ``role`` (header first, then the body), in ``zone`` when given."""
        return [
            item
            for item in (*self.header, *self.paragraphs)
            if item.role == role and (zone is None or item.zone == zone)
        ]

    def text(self, role: Role | str, zone: int | None = 0) -> str:
        """The text of every item of ``role`` joined (a title over several lines reads as one)."""
        return "".join(item.text.strip() for item in self.of(role, zone))

    @property
    def doc_number(self) -> str | None:
        """The 发文字号 (令号, 期号) without the 签发人 on its line, None without one."""
        texts = [item.text.strip() for item in self.of(Role.DOC_NUMBER) if item.text.strip()]
        return re.split(r"\s*签发人", texts[0])[0].strip() if texts else None

    @property
    def attachments(self) -> list[str]:
        """The attachments' names as the 附件说明 lists them (§7.3.4), numbers and “附件：” left out."""
        names = []
        for item in self.of(Role.ATTACHMENT_NOTE, zone=0):
            text = re.sub(r"^附\s*件\s*[：:]\s*", "", item.text.strip())
            m = _NUMBERED_NAME.match(text)
            name = m[1].strip() if m else text
            if name:
                names.append(name)
        return names

    @property
    def signer(self) -> str | None:
        """The name after “签发人：” on the 发文字号's line (§7.2.6), None without one."""
        for item in self.of(Role.DOC_NUMBER):
            if SIGNED in item.text:
                return item.text.split(SIGNED, 1)[1].strip() or None
        return None


def head_info_kind(text: str) -> str | None:
    """Which 版头 item a 份号/密级/紧急程度 line is: ``copy-number`` (份号, six digits),
    ``secrecy`` (密级 and 保密期限), ``urgency`` (紧急程度), None when it is none of them."""
    text = text.strip()
    named = HEAD_INFO_NAMED.match(text)
    name, value = (named.group(1), re.split(r"[：:]", text, maxsplit=1)[1].strip()) if named else ("", text)
    if name == "份号" or re.fullmatch(r"\d{6}", value):
        return "copy-number"
    if name in ("密级", "保密期限") or re.match(r"^(绝密|机密|秘密)", value):
        return "secrecy"
    if name == "紧急程度" or value in ("特急", "加急", "特提", "平急"):
        return "urgency"
    return None


def record_kind(text: str) -> str | None:
    """Which 版记 line ``text`` is: ``cc`` (抄送), ``imprint`` (印发机关和印发日期), ``recipients``
    (主送 moved to the 版记, §10.3), None for another line."""
    text = text.strip()
    if text.startswith("抄送"):
        return "cc"
    if IMPRINT.search(text):
        return "imprint"
    if text.startswith("主送"):
        return "recipients"
    return None


def recognise(document: Document) -> Recognised:
    """Say which paragraph of ``document`` is which element of a 公文 (see :class:`Role`)."""
    doc = Recogniser.of(document.reader)

    def item(model: Paragraph, para: Para, zone: int = 0) -> Item:
        role = Role(para.role) if para.role else None
        return Item(model, role, para.level, zone, para.numbered)

    # An attachment runs from its label to the next: tables, text boxes and empty lines included.
    body, zone = [], 0
    for model, para in zip(document.paragraphs, doc.paragraphs, strict=True):
        zone += para.role == "attachment-label" and para.flows
        body.append(item(model, para, zone))
    header_part = document.first_page_header
    header = (
        [item(m, p) for m, p in zip(header_part.paragraphs, doc.first_page_header(), strict=True)]
        if header_part is not None
        else []
    )
    footers = [
        Item(p, Role.PAGE_NUMBER)
        for hf in document.headers_footers
        if hf.kind == "footer"
        for p, raw in zip(hf.paragraphs, doc.part_paragraphs(hf.part, "页脚"), strict=True)
        if field_text(raw.el)[1]
    ]
    return Recognised(document, doc.format, doc.wenshu_styles, body, header, footers, doc._is_minutes())


def _one_name(para: Para) -> None:
    """A 附件说明 paragraph read with wenshu's own line ends in its name taken out
    (:func:`~wenshu.check.reading.ooxml.without_own_line_ends`): the rules read one name."""
    para.text = without_own_line_ends(para.el, para.text)
    if para.runs:
        para.runs = [(r, without_own_line_ends(para.el, t)) for r, t in para.runs]
