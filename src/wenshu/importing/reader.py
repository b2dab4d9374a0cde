"""The parts of a 公文 recognised in a read Word file, mapped to a spec.

Each paragraph gets a role — from its style's name where the file has meaningful styles
(wenshu's own output, templates of other units: 公文标题, 主送机关, heading 1 …) and from its
text and place otherwise (a 发文字号 pattern, a date-only line after the body, “抄送：”). The
head (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人), title and 主送机关 come first; the
tail (附件说明, 署名, 成文日期, 附注, 联系人, attachment pages, 版记) is found from the end;
what lies between is the body, nested by :mod:`.outline`. A file with a 发文字号, 主送机关,
署名 and 成文日期 becomes a ``notice`` (信函格式 or 文件格式) — or, in 信函格式, the letter
kind whose outline it follows (:mod:`.kinds`); anything else a ``document``.
Nothing is dropped: what has no place is kept as a paragraph where it stood, with a comment;
a picture becomes a ``picture`` block where it stood, its file named 图1.png … in a folder
beside the spec (a picture refused as unsafe or of another format is named as not carried).
A picture where GB/T 9704 puts none — a logo in the 版头 or in a page header or footer, one
in the 版记, a seal over the signature — is written to that folder too, numbered in page
order, and named in a comment beside that part of the spec and in the report, not laid out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from wenshu.check.recognise import FORM_FIELD, NO_TEXT
from wenshu.errors import excerpt
from wenshu.importing.kinds import letter_kind, outline_kind
from wenshu.importing.outline import Entry, nest, ordinal_of
from wenshu.importing.report import ImportReport, SetAside
from wenshu.importing.source import FoundPicture, Para, Source, Table
from wenshu.layout import (
    BLANK_LINES_BEFORE_SIGNATURE,
    SEALED_DATE_RIGHT_CHARS,
    TABLE_SIZES_PT,
    TITLE_SIZE_PT,
    TWIPS_PER_MM,
)
from wenshu.roles import ROLES, Style, role
from wenshu.spec import PLACEHOLDER
from wenshu.spec.pictures import MAX_PICTURES, MAX_TOTAL_PICTURE_BYTES, MAX_TOTAL_PICTURE_PIXELS, SUFFIXES
from wenshu.text.dates import TYPED_DAY, imprint_parts, read_written_date
from wenshu.text.docnumber import SIGNER_LINE, format_doc_number
from wenshu.text.docnumber import TEMPLATE_LINE as TEMPLATE_DOC_NUMBER
from wenshu.text.docnumber import TYPED_LINE as TYPED_DOC_NUMBER
from wenshu.text.punctuation import tidy_punctuation
from wenshu.text.titles import split_title, title_problems

# Roles the importer names apart where a reader of the page sees one (wenshu.roles' reads_as).
_OWN_NAMES = {Style.SUBTITLE: "subtitle", Style.TABLE_TITLE: "table_title", Style.TABLE_NOTE: "table_note"}
# Style names (lower case), by role: wenshu's own from the one style table, then those of
# common 公文 templates made by others.
_STYLE_ROLES = {
    **{
        r.style_name.lower(): _OWN_NAMES.get(r.style, r.reads_as.replace("-", "_"))
        for r in ROLES
        if r.heading is None and r.reads_as not in ("table", "page-number")
    },
    "title": "title",
    "标题": "title",
    "发文机关署名": "signature",
    "subtitle": "subtitle",
}
_HEADING_STYLES = {
    **{r.style_name.lower(): r.heading for r in ROLES if r.heading},
    "一级标题": 1, "二级标题": 2, "三级标题": 3, "四级标题": 4,
}  # fmt: skip
# wenshu's own styles by name (lower case, as Para.style), ids kept or not.
_OWN_STYLE_NAMES = {r.style_name.lower() for r in ROLES if r.style.startswith("Ws")}
# Styles of running text: an ordinal there starts a numbered item, not a heading.
_PLAIN_STYLES = {role(Style.BODY).style_name}

# Recognition thresholds (not layout: what other people's files look like).
# A 发文机关标志 is set larger than the 二号 title; 小初 (36 pt) is usual, 26 pt the least seen.
MARK_MIN_PT = TITLE_SIZE_PT + 4
# A title line, a signature, a line of a title: short, no sentence in it.
SHORT_MAX_CHARS = 40
# One line of a 发文字号 or of a contact block.
LINE_MAX_CHARS = 60
# A 主送机关 may list many bodies; more than this is a paragraph, not a 主送 line.
RECIPIENTS_MAX_CHARS = 150
# Column widths are written in centimetres: any unit will do (they are ratios), and this one reads.
TWIPS_PER_CM = 10 * TWIPS_PER_MM
_PLACEHOLDER = re.compile(r"^\s*(\[[^\]]{1,20}\]|【[^】]{1,20}】|［[^］]{1,20}］)\s*$")
_COPY = re.compile(r"^\s*\d{6}\s*$")
# A line under the title that opens with a dash (——推进……) is its subtitle, not a title line.
_DASHED = re.compile(r"^\s*(——|－－|--)")
_SECRECY = re.compile(r"^\s*(绝密|机密|秘密)\s*(★\s*\S{1,10})?\s*$")
_URGENCY = re.compile(r"^\s*(特急|加急)\s*$")
_LABEL = re.compile(r"^\s*附\s*件\s*(\d{0,3})\s*$")
_LABEL_REMARK = re.compile(r"[（(]([^）)]{1,12})[）)]\s*$")
_NOTES_START = re.compile(r"^\s*附\s*件\s*[:：]\s*")
_NOTE_ITEM = re.compile(r"^\s*(\d{1,3})\s*[.．、]\s*")
_NOTE = re.compile(r"^\s*[（(]\s*(此件|本件)(?P<text>.*?)[）)]\s*$")
_CONTACT_KEYS = (
    "联系人",
    "联系电话",
    "电话",
    "联系方式",
    "电子邮箱",
    "邮箱",
    "邮寄地址",
    "地址",
    "传真",
    "手机",
)
_CONTACT = re.compile(rf"^\s*[（(]?\s*({'|'.join(_CONTACT_KEYS)}|电\s*话)\s*[:：]")
# A line of its own kind: a short name and a colon, then what it names (时间：…, - 地点：…).
_NAMED_LINE = re.compile(r"^[-–—•·●]?\s*[^\s：:，,。；;、]{1,8}\s*[：:]\s*\S")
# A line after a manual break that starts indented two characters, as a paragraph does.
_INDENTED = re.compile(r"^(\u3000{2}|\s{4})")
_CC = re.compile(r"^\s*抄\s*送\s*[:：]\s*(?P<text>.*?)\s*[。.]?\s*$")
# The closing formula of a 公文's text: it stays in the body, after an attachment too.
_CLOSING = re.compile(
    r"^\s*(特此(通知|报告|函复|函告|批复|通报|公告|通告|请示|说明)"
    r"|妥否，?请批示|以上(报告|意见|请示)?，?请审阅)[。！]?\s*$"
)
# Lines of a closing block (版记 and the like) that end an attachment page.
# A table's title as others number it: 表1, 表 2, 续表3, 表一 …
_TABLE_TITLE = re.compile(
    r"^\s*续?表\s*[0-9０-９一二三四五六七八九十]+(?:[-－.．][0-9]+)?(?:\s|[：:．.、]|$)"
)
_RECORD_LIKE = re.compile(r"^\s*(主\s*送|抄\s*送|分\s*送|审\s*核|印\s*发|共印)\s*[:：]?")
_TITLE_WORDS = (
    "通知",
    "决定",
    "函",
    "请示",
    "报告",
    "意见",
    "方案",
    "纪要",
    "通报",
    "批复",
    "总结",
    "办法",
    "规定",
    "公告",
    "通告",
)
_SENTENCE = re.compile(r"[。；！？]")
# Why a picture in a part of the page GB/T 9704 gives no picture is written beside the spec
# but not laid out.
_WHY_MARGIN = "公文的页眉页脚只印页码（GB/T 9704 7.5），不排图片"
_WHY_MARGIN_TEXT = "公文的页眉页脚只印页码（GB/T 9704 7.5）"
_WHY_HEAD = "版头的发文机关标志是文字（GB/T 9704 7.2.4），不排徽标或图片"
_WHY_RECORD = "版记只有抄送机关、印发机关和印发日期（GB/T 9704 7.4），不排图片"
_WHY_RECORD_LINE = "版记只有抄送机关、印发机关和印发日期（GB/T 9704 7.4）"
_WHY_SEAL = "印章不排成图片，用印时加盖（GB/T 9704 7.3.5.1）"


# Widths read from a file within this of those wenshu sets from the cells' text (a twip of
# rounding each way, and room for the file having been saved by another program) are those.
_AUTOMATIC_SLACK_TWIPS = 20


def _kept_as_given(grid: list[list[Any]], widths: list[int], size: str, spans: list[list[int]]) -> bool:
    """Would wenshu's layout passes change ``widths`` (twips) given as its ratios? In a file
    wenshu wrote, such widths were kept as given (``fixed_widths``: a composed form's tables
    whose columns line up), and are again when the spec is built."""
    from wenshu.render.docx import column_widths, table_spans

    rows = [[("\n".join(x) if isinstance(x, list) else str(x), "") for x in row] for row in grid]
    laid = column_widths(rows, widths, sum(widths), table_spans(rows, None, spans), TABLE_SIZES_PT[size])
    return any(abs(a - w) > 1 for a, w in zip(laid, widths, strict=True))


def _automatic(grid: list[list[Any]], widths: list[int], size: str) -> bool:
    """Are ``widths`` (twips) those wenshu gives a table of these cells from their text?"""
    from wenshu.render.docx import column_widths

    rows = [[(str(x), "") for x in row] for row in grid]
    auto = column_widths(rows, None, sum(widths), None, TABLE_SIZES_PT[size])
    return all(abs(a - w) <= _AUTOMATIC_SLACK_TWIPS for a, w in zip(auto, widths, strict=True))


@dataclass
class _Line:
    """A paragraph of the main text with its role."""

    para: Para
    role: str
    level: int | None = None

    @property
    def text(self) -> str:
        return self.para.text.strip()


def tidy(text: str, changed: list[str]) -> str:
    """``text`` with the punctuation wenshu refuses put right (half-width marks after Chinese,
    half-width brackets around Chinese, doubled marks, straight quotes); each fix noted."""
    out = re.sub(r"[\t\r\n]", " ", text).strip()
    fixed = tidy_punctuation(out)
    if fixed != out:
        changed.append(f"标点改为全角或去重：“{excerpt(out, 24)}”")
    return fixed


def _is_picture(line: _Line | Table) -> bool:
    """Whether ``line`` is a paragraph holding only pictures."""
    return isinstance(line, _Line) and line.role == "picture"


def _is_date_line(text: str) -> bool:
    return read_written_date(text) is not None or bool(_PLACEHOLDER.match(text) and "日期" in text)


# The shared recogniser's roles (wenshu.check.Role) trusted for the head and the closing
# parts; headings, items and run-in headings are told apart by the outline here.
_SHARED_ROLES = {
    "mark": "mark",
    "head-info": "head_info",
    "doc-number": "doc_number",
    "title": "title",
    "recipients": "recipients",
    "attachment-note": "attachment_note",
    "signature": "signature",
    "date": "date",
    "attachment-label": "attachment_label",
    "attachment-title": "title",
}


def _style_role(para: Para) -> tuple[str | None, int | None]:
    """The role a paragraph's style names, else the shared recogniser's (head and tail only)."""
    name = para.style
    if name in _HEADING_STYLES:
        return "heading", _HEADING_STYLES[name]
    role = _STYLE_ROLES.get(name)
    if role in (None, "body"):
        role = _SHARED_ROLES.get(para.role, role)
    return role, None


class _Recogniser:
    def __init__(self, source: Source, report: ImportReport, folder: str):
        self.source = source
        self.report = report
        self.changed = report.changed
        self.folder = folder  # where the pictures go, relative to the spec's folder
        self.carried = [0, 0]  # bytes and pixels of the pictures carried so far
        self.notes: dict[int, str] = {}  # for the YAML, by the id of the list item they are on
        self.unnamed = False  # an attachment page named by nothing: its name is 【待补】
        self.pages = 0  # attachment pages read so far
        self.met_after_pages = False  # a closing line the spec keeps as a line met after them
        self.lines: list[_Line | Table] = []
        self.running: list[tuple[str, str]] = []  # header text the 公文 does not print
        for block in source.blocks:
            if isinstance(block, Table):
                self.lines.append(block)
            elif block.header and not (
                block.red
                or block.size >= MARK_MIN_PT
                or block.style == "发文机关标志"
                or any(p.match(block.text) for p in (_COPY, _SECRECY, _URGENCY))  # 份号 … of a 版头
            ):
                if block.text.strip():  # a running header, not part of the 公文: said, not laid out
                    self.running.append(("页眉", " ".join(block.text.split())))
                continue
            elif block.text.strip():
                role, level = _style_role(block)
                parts = self._separate(block) if role in (None, "", "body") else [block]
                self.lines.extend(_Line(part, role or "", level) for part in parts)
            elif block.pictures:  # a paragraph holding only pictures
                self.lines.append(_Line(block, "picture"))
        # wenshu's own file: its styles on the text itself. A head in the first page's header
        # proves nothing (a clerk types a letter into the frame ``wenshu frames`` writes, or
        # clears the formatting of wenshu's body: those paragraphs are anyone's).
        self.own = any(
            isinstance(x, _Line)
            and not x.para.header
            and (x.para.style_id.startswith("Ws") or (source.own_styles and x.para.style in _OWN_STYLE_NAMES))
            for x in self.lines
        )
        self.blanks_before: dict[int, int] = {}
        count = 0
        for block in source.blocks:
            if isinstance(block, Para) and not block.text.strip():
                count += 1
            else:
                self.blanks_before[id(block)] = count
                count = 0

    def _separate(self, para: Para) -> list[Para]:
        """``para`` as the paragraphs its manual line breaks (w:br) make, when each of its lines
        is one of its own: every line a “名称：内容” line (a 纪要's 时间：…, 地点：…, 主持人：…,
        a contact block's 联系人：…, 电话：…), or every line after a break indented two
        characters as a paragraph's first line is. Otherwise the one paragraph, its lines
        joined; so too when a line after a break starts with an ordinal (“　　二、同意……” after
        “会议决定，一、……”), said in the report: a paragraph of its own starting with one is
        read as a heading or a numbered item, and wenshu would number it again."""
        lines = [x.strip() for x in para.lines if x.strip()]
        if len(lines) < 2 or any(ordinal_of(x) for x in lines[1:]):
            if len(lines) > 1:
                self.changed.append(
                    f"“{excerpt(lines[0], 12)}”段内的手动换行未分段："
                    "分开后以序号开头的行会被当作标题重新编号，请核对"
                )
            return [para]
        named = all(_NAMED_LINE.match(x) for x in lines)
        indented = all(_INDENTED.match(x) for x in para.lines[1:] if x.strip())
        if named or indented:
            why = "各以“名称：”开头" if named else "各行首空两字"
            first = excerpt(lines[0], 12)
            self.changed.append(f"段内手动换行隔开的{len(lines)}行（“{first}”等，{why}）各自成段")
            parts = [replace(para, text=x, lines=[x], lead="", runs=(), pictures=[]) for x in lines]
            parts[-1].pictures = para.pictures
            return parts
        return [para]

    # -- head ----------------------------------------------------------------------------
    def head(self, spec: dict[str, Any]) -> int:
        """Fill the head parts and the title; return where the body starts."""
        i = 0
        lines = self.lines
        mark_lines: list[str] = []
        # the pictures above the title in page order, with the 版头 part each stands in
        pictures: list[tuple[_Line, str]] = []
        while i < len(lines) and isinstance(lines[i], _Line):
            line = lines[i]
            assert isinstance(line, _Line)
            text = line.text
            if line.role == "picture":
                pictures.append((line, "版头"))
                i += 1
                continue
            if line.role == "head_info" or (not line.role and self._head_info(text, spec)):
                if line.role == "head_info":
                    self._head_info(text, spec)
                pictures.append((line, "版头（份号、密级或紧急程度处）"))
                i += 1
                continue
            if line.role == "doc_number" or (
                not line.role
                and (TYPED_DOC_NUMBER.match(text) or TEMPLATE_DOC_NUMBER.match(text))
                and len(text) <= LINE_MAX_CHARS
            ):
                self._doc_number(text, spec)
                pictures.append((line, "版头（发文字号处）"))
                i += 1
                continue
            if line.role == "mark" or (
                not line.role
                and "doc_number" not in spec
                and (
                    line.para.red or line.para.boxed or line.para.size >= MARK_MIN_PT or text.endswith("文件")
                )
                and not text.startswith("关于")
                and self._title_follows(i)
            ):
                mark_lines.append(text)
                pictures.append((line, "版头（发文机关标志旁）"))
                i += 1
                continue
            break
        self._head_pictures(pictures, spec, has_head=any(where != "版头" for _, where in pictures))
        if i < len(lines) and isinstance(lines[i], _Line) and lines[i].role == "attachment_label":  # type: ignore[union-attr]
            spec["label"] = lines[i].text.replace(" ", "")  # type: ignore[union-attr]
            i += 1
        if mark_lines:
            spec["mark"] = "".join(mark_lines)
            self.report.found["发文机关标志"] = spec["mark"]
        # the title: a titled style, or the first centred paragraph, possibly several lines
        if i < len(lines) and isinstance(lines[i], _Line):
            first = lines[i]
            assert isinstance(first, _Line)
            if first.role in ("title", "") or self._looks_like_title(first):
                title_lines = list(first.para.lines)
                i += 1
                while i < len(lines) and isinstance(lines[i], _Line):
                    nxt = lines[i]
                    assert isinstance(nxt, _Line)
                    same = nxt.para.style_id == first.para.style_id and nxt.para.align == first.para.align
                    if _DASHED.match(nxt.text):
                        break
                    if (
                        nxt.role == "title"
                        and first.role == "title"
                        or (
                            not nxt.role
                            and same
                            and first.para.align == "center"
                            and self._title_part(nxt.text)
                        )
                    ):
                        title_lines.extend(nxt.para.lines)
                        spec.setdefault("_moved", []).extend(nxt.para.pictures)
                        i += 1
                        continue
                    break
                spec.setdefault("_moved", [])[:0] = first.para.pictures
                self._title(title_lines, spec)
        # a subtitle right under the title
        if i < len(lines) and isinstance(lines[i], _Line):
            sub = lines[i]
            assert isinstance(sub, _Line)
            dashed = "title" in spec and sub.para.align == "center" and _DASHED.match(sub.text)
            if sub.role == "subtitle" or dashed:
                spec["subtitle"] = tidy(sub.text, self.changed)
                spec.setdefault("_moved", []).extend(sub.para.pictures)
                i += 1
        # 主送机关
        if i < len(lines) and isinstance(lines[i], _Line):
            rec = lines[i]
            assert isinstance(rec, _Line)
            text = rec.text
            if rec.role == "recipients" or (
                rec.role in ("", "body")
                and text.endswith(("：", ":"))
                and len(text) <= RECIPIENTS_MAX_CHARS
                and ordinal_of(text) is None
                and not _NOTES_START.match(text)
                and not _SENTENCE.search(text)
                and not FORM_FIELD.fullmatch(text)
            ):
                named = text.rstrip("：:").strip()
                if _PLACEHOLDER.match(named):  # a template's [主送单位]: still to be named
                    self._to_fill(spec, "recipients", "主送机关", named)
                else:
                    spec["recipients"] = tidy(named, self.changed)
                    self.report.found["主送机关"] = spec["recipients"]
                spec.setdefault("_moved", []).extend(rec.para.pictures)
                i += 1
        return i

    def _head_pictures(self, pictures: list[tuple[_Line, str]], spec: dict[str, Any], has_head: bool) -> None:
        """Pictures above the title. With a 版头 (a 发文机关标志, 发文字号, 份号 …) they are
        part of it — a logo beside the mark, an emblem above it — and set aside, its text
        being the 版头 GB/T 9704 draws; without one, a picture above the title (a cover's
        emblem) is content and is kept at the top of the body."""
        for line, where in pictures:
            if not has_head:
                spec.setdefault("_head_pictures", []).append(line)
                continue
            for found in line.para.pictures:
                self._set_aside(found, where, _WHY_HEAD, "head")

    def _title_follows(self, i: int) -> bool:
        return any(isinstance(x, _Line) and x.role != "mark" for x in self.lines[i + 1 : i + 4])

    def _looks_like_title(self, line: _Line) -> bool:
        text = line.text
        return line.para.align == "center" or text.startswith("关于") or text.endswith(_TITLE_WORDS)

    def _title_part(self, text: str) -> bool:
        return len(text) <= SHORT_MAX_CHARS and not _SENTENCE.search(text) and not text.endswith(("：", ":"))

    def _head_info(self, text: str, spec: dict[str, Any]) -> bool:
        if _COPY.match(text):
            spec["copy_number"] = text.strip()
            self.report.found["份号"] = spec["copy_number"]
        elif m := _SECRECY.match(text):
            spec["secrecy"] = m[1] + (("★" + m[2].lstrip("★").strip()) if m[2] else "")
            self.report.found["密级"] = spec["secrecy"]
        elif m := _URGENCY.match(text):
            spec["urgency"] = m[1]
            self.report.found["紧急程度"] = spec["urgency"]
        else:
            return False
        return True

    def _doc_number(self, text: str, spec: dict[str, Any]) -> None:
        if m := SIGNER_LINE.match(text.replace("\u3000", " ")):  # in a 版头 table's row of its own
            self._signer(m["signer"], spec)
            return
        m = TYPED_DOC_NUMBER.match(text.replace("\u3000", " "))
        if not m and (m := TEMPLATE_DOC_NUMBER.match(text.replace("\u3000", " "))):
            # a template's XXX〔2023〕X号: the part is there, its number still to be given
            self._to_fill(spec, "doc_number", "发文字号", text.split("签发人")[0].strip())
            self._signer(m["signer"], spec)
            return
        if not m:
            spec.setdefault("_unplaced_head", []).append(text)
            return
        number = format_doc_number(m["code"], int(m["year"]), int(m["serial"]))
        typed = text.split("签发人")[0].strip()
        if number != typed.replace(" ", ""):
            self.changed.append(f"发文字号“{typed}”改为“{number}”（六角括号〔〕、序号不编虚位、不加“第”）")
        if int(m["serial"]) == 0:
            spec.setdefault("_unplaced_head", []).append(text)
            return
        spec["doc_number"] = number
        self.report.found["发文字号"] = number
        self._signer(m["signer"], spec)

    def _signer(self, signer: str | None, spec: dict[str, Any]) -> None:
        """The 签发人 typed after the 发文字号, when there is one."""
        if signer:
            spec["signer"] = signer.strip()
            self.report.found["签发人"] = spec["signer"]

    def _title(self, title_lines: list[str], spec: dict[str, Any]) -> None:
        lines = [" ".join(x.split()) for x in title_lines if x.strip()]
        lines = [tidy(x, self.changed) for x in lines]
        if not lines:
            return
        title = "".join(lines)
        spec["title"] = title
        self.report.found["标题"] = title
        if kept := self._title_breaks(lines, title):
            spec["title_lines"] = kept

    def _title_breaks(self, lines: list[str], title: str) -> list[str] | None:
        """The title's own line breaks when they are worth keeping: wenshu's own file's, if
        they still make a valid title (no line wider than the 版心, no word broken); another
        tool's breaks (often inside a word) are made again, and the change is said."""
        if len(lines) < 2 or lines == split_title(title):
            return None
        if self.own and not title_problems(lines):
            return lines
        new = "／".join(split_title(title))
        self.changed.append(f"标题重新分行：“{'／'.join(lines)}”改为“{new}”")
        return None

    # -- tail ----------------------------------------------------------------------------
    def tail_start(self, start: int) -> int:
        """Where the closing parts begin: the 附件说明, the signature before the first date
        line, or contacts just before either."""
        lines = self.lines
        end = len(lines)
        for i in range(start, len(lines)):
            line = lines[i]
            if isinstance(line, Table):
                if self._record_table(line, {}, probe=True):  # a 版记 with no signature above it
                    end = i
                    break
                continue
            if line.role in ("attachment_note", "signature", "date", "attachment_label", "record"):
                end = i
                break
            if not line.role or line.role == "body":
                text = line.text
                if _NOTES_START.match(text) or _LABEL.match(text.split("（")[0]) or _CC.match(text):
                    end = i
                    break
                if _is_date_line(text):
                    end = i
                    # the signature lines just above the date, and a seal among them in a
                    # paragraph of its own (not a picture above them: the text's)
                    while end - 1 >= start and (
                        self._signature_like(lines[end - 1]) or _is_picture(lines[end - 1])
                    ):
                        end -= 1
                    while end < i and _is_picture(lines[end]):
                        end += 1
                    break
        # contacts right before the closing parts belong to them
        while end - 1 >= start:
            prev = lines[end - 1]
            if isinstance(prev, _Line) and (prev.role == "contact" or _CONTACT.match(prev.text)):
                end -= 1
            else:
                break
        return end

    def _signature_like(self, line: _Line | Table) -> bool:
        if isinstance(line, Table):
            return False
        text = line.text
        return (
            line.role in ("signature", "", "body")
            and len(text) <= SHORT_MAX_CHARS
            and not _SENTENCE.search(text)
            and not text.endswith(("：", ":", "，"))
            and ordinal_of(text) is None
            and not _CONTACT.match(text)
            and not re.match(r"^(此致|特此|敬礼|[（(])", text)
            and not _RECORD_LIKE.match(text)
        )

    def tail(self, start: int, spec: dict[str, Any], unplaced: list[Entry]) -> None:
        """Fill 附件说明, 署名, 成文日期, 附注, 联系人, attachments and 版记 from ``start``."""
        lines = self.lines
        i = start
        notes: list[str] = []
        contacts: list[str] = []
        contacts_before = False
        signatures: list[_Line] = []
        attachments: list[dict[str, Any]] = []
        seals: list[FoundPicture] = []  # pictures in or right by the signature and the date
        dated_after_pages = False  # the date stood after attachment pages (placed inside the text)
        while i < len(lines):
            line = lines[i]
            if isinstance(line, Table):
                if self._record_table(line, spec):
                    i += 1
                    continue
                if attachments:
                    break
                unplaced.extend(self._kept_table(line))
                i += 1
                continue
            text = line.text
            role = line.role
            if role == "picture" and self._by_signature(i, signatures):
                seals.extend(line.para.pictures)  # a seal in a paragraph of its own
                i += 1
                continue
            if role == "picture":  # among the closing parts, not by the signature: kept, noted
                unplaced.extend(self._entries(line, "未能归位的图片"))
                i += 1
                continue
            if role == "attachment_label" or (role in ("", "body") and self._label(text)):
                attachments_end = self._attachments(i, attachments, spec)
                i = attachments_end
                continue
            if (
                role == "attachment_note"
                or (not notes and _NOTES_START.match(text))
                or (notes and not role and _NOTE_ITEM.match(text) and "date" not in spec and not signatures)
            ):
                notes.append(text)
                unplaced.extend(self._picture_entries(line.para.pictures, "未能归位的图片"))
                i += 1
                continue
            if (
                role == "contact"
                or _CONTACT.match(text)
                or (contacts and role in ("", "body") and self._contact_more(text))
            ):
                if "date" not in spec and not signatures:
                    contacts_before = True
                if not contacts:
                    self._met(spec, "contacts")
                contacts.append(text)
                unplaced.extend(self._picture_entries(line.para.pictures, "未能归位的图片"))
                i += 1
                continue
            if role == "date" or (
                role in ("", "body", "signature") and _is_date_line(text) and "date" not in spec
            ):
                dated_after_pages = self.pages > 0
                seals.extend(line.para.pictures)
                self._date(line, signatures, spec, unplaced)
                i += 1
                continue
            if role == "record" or _CC.match(text) or imprint_parts(text):
                if self._record_line(text, spec):
                    self._record_pictures([line.para], spec)
                    i += 1
                    continue
            if role == "signature" or (
                role in ("", "body") and "date" not in spec and self._signature_like(line)
            ):
                signatures.append(line)
                seals.extend(line.para.pictures)
                i += 1
                continue
            if role == "note" or _NOTE.match(text):
                m = _NOTE.match(text)
                spec["note"] = (m["text"] and (m[1] + m["text"])) if m else text.strip("（）()")
                self._met(spec, "note")
                self.report.found["附注"] = spec["note"]
                unplaced.extend(self._picture_entries(line.para.pictures, "未能归位的图片"))
                i += 1
                continue
            if _CLOSING.match(text):  # 特此通知 after an attachment placed inside the text
                unplaced.append(Entry(text=text, top=True))
                unplaced.extend(self._picture_entries(line.para.pictures))
            else:
                self._unplaced_tail_line(text, spec, unplaced)
                unplaced.extend(self._picture_entries(line.para.pictures, "未能归位的图片"))
            i += 1
        if i < len(lines):  # after the attachments: what is neither 版记 nor attachment
            for rest in lines[i:]:
                if isinstance(rest, Table):
                    if not self._record_table(rest, spec):
                        unplaced.extend(self._kept_table(rest))
                elif rest.role == "picture":
                    unplaced.extend(self._entries(rest, "未能归位的图片"))
                elif self._record_line(rest.text, spec):
                    self._record_pictures([rest.para], spec)
                else:
                    self._unplaced_tail_line(rest.text, spec, unplaced)
                    unplaced.extend(self._picture_entries(rest.para.pictures, "未能归位的图片"))
        if self.met_after_pages and not dated_after_pages:  # moved ahead of the pages, without the date
            spec["_after_pages"] = True
        why = "未能归位（署名之外的落款行）" if "date" in spec else "未能归位"
        for extra in signatures:
            unplaced.append(Entry(text=extra.text, comment=why))
        for found in seals:
            if self._set_aside(found, "署名和成文日期处（印章）", _WHY_SEAL, "signature"):
                spec["_seal_pictures"] = True
        if notes:
            self._notes(notes, attachments, spec)
        elif attachments:  # pages without a 附件说明: each is named by its title
            several = len(attachments) > 1
            spec["attachments"] = [
                self._named(f"附件{k}" if several else "附件", page) for k, page in enumerate(attachments, 1)
            ]
        if contacts:
            lines_ = [tidy(c, self.changed) for c in contacts]
            parenthesized = lines_[0].startswith(("（", "(")) and lines_[-1].endswith(("）", ")"))
            if parenthesized:
                lines_[0] = lines_[0][1:].lstrip()
                lines_[-1] = lines_[-1][:-1].rstrip()
            block: dict[str, Any] = {"placement": "before_attachments" if contacts_before else "after_date"}
            if parenthesized:
                block["parenthesized"] = True
            block["lines"] = lines_
            spec["contacts"] = block
            self.report.found["联系人"] = "；".join(lines_)

    def _met(self, tail: dict[str, Any], key: str) -> None:
        """Closing part ``key`` (contacts, note, cc, imprint, a 版记-like line ``like:N``) was
        met here: a 通用文书 keeps the closing lines it has no field for in the order they
        stood, and says so when they stood after the attachment pages."""
        tail.setdefault("_order", []).append(key)
        self.met_after_pages |= self.pages > 0

    def _unplaced_tail_line(self, text: str, spec: dict[str, Any], unplaced: list[Entry]) -> None:
        """A closing line of no part wenshu has: one of a 版记's kind (主送：…, 审核：…) is kept
        with the closing lines (after the 成文日期 where the spec has a place for them, see
        :func:`_assemble`), said as kept so; any other where it stood, named as not placed."""
        if _RECORD_LIKE.match(text):
            like = spec.setdefault("_record_like", [])
            like.append(tidy(text, self.changed))
            self._met(spec, f"like:{len(like) - 1}")
        else:
            unplaced.append(Entry(text=text, comment="未能归位"))

    def _by_signature(self, i: int, signatures: list[_Line]) -> bool:
        """Whether the paragraph holding only pictures at ``i`` stands right by the signature
        or the date — a seal put in a paragraph of its own."""
        before = self.lines[i - 1] if i > 0 else None
        after = self.lines[i + 1] if i + 1 < len(self.lines) else None
        if signatures and before is signatures[-1]:
            return True
        return (
            isinstance(before, _Line)
            and (before.role == "date" or _is_date_line(before.text))
            or (isinstance(after, _Line) and (after.role == "date" or _is_date_line(after.text)))
        )

    def _record_pictures(self, paras: list[Para], spec: dict[str, Any]) -> None:
        """Set aside the pictures of the 版记's paragraphs (a table's cells or its lines)."""
        for para in paras:
            for found in para.pictures:
                self._set_aside(found, "版记", _WHY_RECORD, "record")

    def _closes(self, i: int) -> bool:
        """Whether line ``i`` starts the closing parts: a closing formula (特此通知), a date,
        a contact line, or signature lines right above a date."""
        line = self.lines[i]
        if isinstance(line, Table):
            return False
        text = line.text
        if line.role in ("signature", "date") or _CLOSING.match(text) or _is_date_line(text):
            return True
        if _CONTACT.match(text) and i + 1 >= len(self.lines):
            return True
        k = i
        while k < len(self.lines) and self._signature_like(self.lines[k]) and k - i < 3:
            k += 1
        nxt = self.lines[k] if k < len(self.lines) else None
        return k > i and isinstance(nxt, _Line) and _is_date_line(nxt.text)

    def _label(self, text: str) -> bool:
        return bool(_LABEL.match(re.sub(r"[（(][^）)]{0,12}[）)]\s*$", "", text)))

    def _contact_more(self, text: str) -> bool:
        return (
            len(text) <= LINE_MAX_CHARS
            and re.match(r"^[^\s：:]{1,6}\s*[:：]", text) is not None
            and not _RECORD_LIKE.match(text)
        )

    def _date(
        self, line: _Line, signatures: list[_Line], spec: dict[str, Any], unplaced: list[Entry]
    ) -> None:
        text = line.text
        date = read_written_date(text)
        if date is None:  # a template's placeholder such as [日期]: the date is still to be set
            self._to_fill(spec, "date", "成文日期", text)
            if signatures:
                self._signature(signatures.pop(), spec)
            return
        if not TYPED_DAY.match(text):
            self.changed.append(
                f"成文日期“{text}”改写为“{date.year}年{date.month}月{date.day}日”（阿拉伯数字）"
            )
        spec["date"] = date
        self.report.found["成文日期"] = f"{date.year}年{date.month}月{date.day}日"
        if signatures:
            sig = signatures.pop()
            self._signature(sig, spec)
            spec["sealed"] = self._sealed(sig, line)

    def _signature(self, line: _Line, spec: dict[str, Any]) -> None:
        """The 署名 from the signature line above the date (a placeholder is to be filled)."""
        if _PLACEHOLDER.match(line.text):
            self._to_fill(spec, "signature", "署名", line.text)
            return
        spec["signature"] = tidy(line.text, self.changed)
        self.report.found["署名"] = spec["signature"]

    def _to_fill(self, spec: dict[str, Any], key: str, name: str, placeholder: str) -> None:
        """Part ``name`` stands at its place as a template's ``placeholder`` ([日期]): the spec
        holds it as 【待补】 there, and the user is told to fill it in — a placeholder kept as
        text would print as the part, a line of the body would lose the part's place."""
        spec[key] = PLACEHOLDER
        self.report.found[name] = PLACEHOLDER
        self.report.to_fill.append(
            f"{name}：原文是模板的占位符“{placeholder}”，规格中写作{PLACEHOLDER}，请填写"
        )

    def _sealed(self, signature: _Line, date: _Line) -> bool:
        """Whether the file lays the signature out as sealed (§7.3.5.1): in wenshu's own
        output the date stands four characters from the right, with three blank lines above."""
        if not self.own:
            return False
        right = date.para.right_indent
        return (
            abs(right - SEALED_DATE_RIGHT_CHARS) < 0.3
            and self.blanks_before.get(id(signature.para), 0) > BLANK_LINES_BEFORE_SIGNATURE
        )

    def _named(self, label: str, page: dict[str, Any]) -> dict[str, Any]:
        """Attachment page ``label`` (附件2) with its name for a 附件说明 wenshu writes: its title;
        without one, the first line of its text when that reads as a title (short, no sentence
        in it) followed by more, which then is its title; else 【待补】, to be filled in."""
        named = {k: v for k, v in page.items() if k not in ("_number", "title")}
        body = page.get("body") or []
        first = body[0] if body and type(body[0]) is str else ""  # a Noted line was not placed
        if "title" in page:
            return {"name": page["title"], **named}
        if first and len(body) > 1 and self._title_part(first) and not re.search(r"[，,]", first):
            self.changed.append(f"{label}没有标题：以其第一行“{first}”为名称和标题")
            named["body"] = body[1:]
            return {"name": first, **named}
        # the name is the 附件说明's and, printed, the page's title: “附件” there would
        # repeat the label above it, so it is left to be filled in
        out = {"name": PLACEHOLDER, **named}
        self.notes[id(out)] = f"{label}没有标题，也没有附件说明，名称待补"
        self.unnamed = True  # said once, as to fill in: its page was read, only its name is missing
        self.report.to_fill.append(
            f"{label}的名称：原文附件页没有标题，也没有附件说明，规格中写作{PLACEHOLDER}，请填写"
        )
        return out

    def _notes(self, notes: list[str], attachments: list[dict[str, Any]], spec: dict[str, Any]) -> None:
        names: list[str] = []
        for k, note in enumerate(notes):
            text = _NOTES_START.sub("", note) if k == 0 else note
            text = _NOTE_ITEM.sub("", text, count=1) if len(notes) > 1 else text
            names.append(tidy(text.strip().rstrip("。；;，,"), self.changed))
        out = []
        # Pages go to the listed attachment their label numbers (附件3 → the third): an
        # attachment listed by name only is a file of its own and prints no page (§8).
        numbered = all("_number" in page for page in attachments) and len(names) > 1
        by_number = {page["_number"]: page for page in attachments} if numbered else {}
        unplaced = [page for page in attachments if numbered and not 0 < page["_number"] <= len(names)]
        for k, name in enumerate(names):
            if numbered:
                page = by_number.get(k + 1, {})
            else:
                page = attachments[k] if k < len(attachments) else {}
            entry: dict[str, Any] = {"name": name}
            if _PLACEHOLDER.match(name):  # a template's “附件：[附件名称]” names nothing yet
                entry["name"] = PLACEHOLDER
                label = "附件" if len(names) == 1 else f"附件{k + 1}"
                self.report.to_fill.append(
                    f"{label}的名称：原文是模板的占位符“{name}”，规格中写作{PLACEHOLDER}，请填写"
                )
            title = page.get("title")
            if title and title != name:
                entry["title"] = title
            for key in ("title_lines", "subtitle", "body", "landscape", "label_page"):
                if key in page:
                    entry[key] = page[key]
            out.append(entry)
        for page in unplaced or ([] if numbered else attachments[len(names) :]):
            out.append(
                {
                    "name": page.get("title", "附件"),
                    **{k: v for k, v in page.items() if k not in ("title", "_number")},
                }
            )
        spec["attachments"] = out
        self.report.found["附件说明"] = "；".join(names)

    def _attachments(self, i: int, attachments: list[dict[str, Any]], spec: dict[str, Any]) -> int:
        """Read one attachment page from the label at ``i``; return where the next begins."""
        lines = self.lines
        label = lines[i]
        assert isinstance(label, _Line)
        page: dict[str, Any] = {}
        number = re.search(r"\d+", label.text)
        if number:
            page["_number"] = int(number.group())
        if self.source.landscape.get(label.para.section):
            page["landscape"] = True
        i += 1
        entries: list[Entry] = []
        if i < len(lines) and isinstance(lines[i], _Line):
            title = lines[i]
            assert isinstance(title, _Line)
            if title.role == "title" or (not title.role and title.para.align == "center"):
                title_lines = list(title.para.lines)
                i += 1
                while i < len(lines) and isinstance(lines[i], _Line):
                    nxt = lines[i]
                    assert isinstance(nxt, _Line)
                    if nxt.role == "title" and title.role == "title":
                        title_lines.extend(nxt.para.lines)
                        i += 1
                        continue
                    break
                lines_ = [tidy(" ".join(x.split()), self.changed) for x in title_lines if x.strip()]
                page["title"] = "".join(lines_)
                if kept := self._title_breaks(lines_, page["title"]):
                    page["title_lines"] = kept
        if i < len(lines) and isinstance(lines[i], _Line) and lines[i].role == "subtitle":  # type: ignore[union-attr]
            page["subtitle"] = tidy(lines[i].text, self.changed)  # type: ignore[union-attr]
            i += 1
        remark = _LABEL_REMARK.search(label.text)
        if remark:  # 附件1（可选）: §7.3.4's label is 附件 and its number alone; the words stay, noted
            text = tidy(remark.group(0).strip(), self.changed)
            entries.append(Entry(text=text, comment="未能归位（附件标注后的说明）", top=True))
            self.report.unplaced.append(text)
        while i < len(lines):
            line = lines[i]
            if isinstance(line, Table):
                if self._record_table(line, spec, probe=True):
                    break
                entries.extend(self._table_entries(i))
                i += 1
                if i < len(lines) and isinstance(lines[i], _Line) and self._table_note(lines[i]):  # type: ignore[arg-type]
                    i += 1
                continue
            if line.role == "attachment_label" or (line.role in ("", "body") and self._label(line.text)):
                break
            if line.role == "record" or _CC.match(line.text) or imprint_parts(line.text):
                break
            if self._closes(i):  # the closing block after an attachment placed inside the text
                break
            if _RECORD_LIKE.match(line.text):
                break
            if self._table_title(line) and i + 1 < len(lines) and isinstance(lines[i + 1], Table):
                i += 1
                continue
            entries.extend(self._entries(line))
            i += 1
        if entries:
            outline = nest(entries)
            page["body"] = outline.blocks
            self.changed.extend(outline.relevelled)
        if not ({"title", "body"} & page.keys()):
            page["label_page"] = True  # a label alone: another office's document is bound behind it
        attachments.append(page)
        self.pages += 1
        return i

    def _table_title(self, line: _Line) -> bool:
        """A table's title above it: wenshu's own (its style), or another's centred “表1 …”."""
        return line.role == "table_title" or (
            line.para.align == "center"
            and len(line.text) <= SHORT_MAX_CHARS
            and bool(_TABLE_TITLE.match(line.text))
        )

    def _table_note(self, line: _Line) -> bool:
        return line.role == "table_note" or bool(re.match(r"^\s*(备\s*注|注)\s*[:：]", line.text))

    def _table_entries(self, i: int) -> list[Entry]:
        table = self.lines[i]
        assert isinstance(table, Table)
        block = self._table_block(table)
        prev = self.lines[i - 1] if i > 0 else None
        if isinstance(prev, _Line) and self._table_title(prev):
            block["table"]["title"] = tidy(prev.text, self.changed)
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        if isinstance(nxt, _Line) and self._table_note(nxt):
            block["table"]["note"] = tidy(nxt.text, self.changed)
        return [Entry(block=block), *self._cell_pictures(table)]

    def _kept_table(self, table: Table) -> list[Entry]:
        """A table that could not be placed, kept where it stood, and its cells' pictures."""
        return [Entry(block=self._table_block(table), comment="未能归位的表格"), *self._cell_pictures(table)]

    def _cell_pictures(self, table: Table) -> list[Entry]:
        """A table's cells hold text only: a picture in one follows the table, said so."""
        out = []
        for para in table.paras:
            for picture in filter(None, map(self._picture, para.pictures)):
                moved = "导入：此图原在上表的单元格中，已移到表后，请核对"
                out.append(Entry(block=picture, comment=moved))
                self.report.changed.append(f"表格单元格中的图片 {picture['picture']} 移到表格之后")
        return out

    def _table_block(self, table: Table) -> dict[str, Any]:
        grid: list[list[Any]] = []
        spans: list[list[int]] = []
        merge: set[int] = set()
        width = 0
        for row in table.rows:
            out: list[Any] = []
            for cell in row:
                c = len(out)
                parts = [tidy(x, self.changed) for x in cell.text.split("\n") if x.strip()]
                text: Any = parts if len(parts) > 1 else (parts[0] if parts else "")
                if cell.vmerge == "continue":
                    merge.add(c + 1)
                    text = ""
                out.append(text)
                out.extend([""] * (cell.span - 1))
            grid.append(out)
            width = max(width, len(out))
        for row in grid:
            row.extend([""] * (width - len(row)))
        columns = grid[0] if grid else [""]
        columns = [" ".join(x) if isinstance(x, list) else x for x in columns]
        body: dict[str, Any] = {"columns": columns, "rows": [[_number(x) for x in row] for row in grid[1:]]}
        aligns = ["center" if a == "center" else "right" if a == "right" else "left" for a in table.aligns]
        if aligns and any(a != "center" for a in aligns) and len(aligns) == width:
            body["align"] = aligns
        if table.grid and len(table.grid) == width and len(set(table.grid)) > 1 and min(table.grid) > 0:
            # to 0.01 cm (6 twips): at 0.1 cm a column came back up to 30 twips narrower, and a
            # cell whose text just fitted took a line more (the 2018 notice: a page more)
            body["widths"] = [round(g / TWIPS_PER_CM, 2) for g in table.grid]
        size = (
            min(TABLE_SIZES_PT, key=lambda name: abs(TABLE_SIZES_PT[name] - table.size))
            if table.size
            else "四号"
        )
        if size != "四号":
            body["font_size"] = size
        boxes = _merged_boxes(table)
        downs = {k: n for k, (n, across) in boxes.items() if n > 1}
        wide = any(across > 1 for _, across in boxes.values())
        if merge and not wide and _merge_is_exact(grid, downs, merge):
            body["merge"] = sorted(merge)
        else:
            spans = sorted([r, c, n, across] for (r, c), (n, across) in boxes.items())
        if spans:
            body["spans"] = spans
        if "widths" in body and not merge and not spans and _automatic(grid, table.grid, size):
            del body["widths"]  # wenshu sets the same widths from the text: they need no saying
        elif "widths" in body and self.own and _kept_as_given(grid, table.grid, size, spans):
            body["fixed_widths"] = True
        return {"table": body}

    def _record_table(self, table: Table, spec: dict[str, Any], probe: bool = False) -> bool:
        texts = [p.text.strip() for p in table.paras if p.text.strip()]
        if not texts or not all(
            _CC.match(t) or imprint_parts(t) or t.startswith(("分送", "印发")) for t in texts
        ):
            return False
        if probe:
            return True
        for text in texts:
            if not self._record_line(text, spec):
                spec.setdefault("_unplaced_tail", []).append(text)
        self._record_pictures(table.paras, spec)
        return True

    def _record_line(self, text: str, spec: dict[str, Any]) -> bool:
        if m := _CC.match(text):
            cc = [tidy(x.strip(), self.changed) for x in re.split(r"[，,、]", m["text"]) if x.strip()]
            if cc:
                spec.setdefault("record", {})["cc"] = cc
                self._met(spec, "cc")
                self.report.found["抄送"] = "，".join(cc)
                return True
        if parts := imprint_parts(text):
            printer, written = parts
            date = read_written_date(re.sub(r"\s", "", written))
            if date is not None:
                record = spec.setdefault("record", {})
                record["printer"] = printer
                record["print_date"] = date
                self._met(spec, "imprint")
                self.report.found["印发机关"] = record["printer"]
                self.report.found["印发日期"] = f"{date.year}年{date.month}月{date.day}日"
                return True
        return False

    def _entry(self, line: _Line) -> Entry:
        text = tidy(line.text, self.changed)
        if line.role == "line":
            align = line.para.align if line.para.align in ("center", "right") else None
            block: dict[str, Any] = {"line": text}
            if align:
                block["align"] = align
            return Entry(block=block)
        bold = line.para.lead.strip()
        runs = line.para.runs
        if not bold and self.own and len(runs) == 2 and runs[1].startswith("。") and ordinal_of(runs[0]):
            # a file wenshu wrote before it marked the heading (roles.RUN_IN): a run of its own
            bold = runs[0]
        return Entry(
            text=text,
            top=bool(_CLOSING.match(text)),
            level=line.level if line.role == "heading" else None,
            lead=tidy(bold, []) if bold else "",
            plain=self.own or line.para.style in _PLAIN_STYLES,
        )

    def _entries(self, line: _Line, comment: str | None = None) -> list[Entry]:
        """The entries of one paragraph: its text, then a picture block for each picture it
        shows (a picture refused is named in the report as not carried over)."""
        out = [self._entry(line)] if line.text else []
        return out + self._picture_entries(line.para.pictures, comment)

    def _picture_entries(self, pictures: list[FoundPicture], comment: str | None = None) -> list[Entry]:
        """A picture block for each of ``pictures`` carried over, with ``comment``."""
        blocks = [self._picture(found) for found in pictures]
        return [Entry(block=block, comment=comment) for block in blocks if block is not None]

    def _carry(self, found: FoundPicture, in_text: bool = True) -> str | None:
        """The file name ``found`` is written as beside the spec (its bytes kept in the
        report's files, numbered in page order), or None when it is refused — alone or as
        one too many together, by the bounds a spec's pictures are read with
        (:mod:`wenshu.spec.pictures`) — and named in the report as not imported.
        ``in_text``: a picture of the main text (not of a page header or footer)."""
        self.report.pictures_seen += in_text
        picture, why = found.picture, found.why
        if picture is not None:
            size = self.carried[0] + len(picture.data)
            pixels = self.carried[1] + picture.width * picture.height
            if len(self.report.files) >= MAX_PICTURES:
                picture, why = None, f"图片过多（上限 {MAX_PICTURES} 张）"
            elif size > MAX_TOTAL_PICTURE_BYTES or pixels > MAX_TOTAL_PICTURE_PIXELS:
                picture, why = (
                    None,
                    (
                        f"图片合计过大（上限 {MAX_TOTAL_PICTURE_BYTES // 1048576} MB、"
                        f"{MAX_TOTAL_PICTURE_PIXELS // 1_000_000} 百万像素）"
                    ),
                )
            else:
                self.carried = [size, pixels]
        if picture is None:
            alt = f"“{found.alt}”" if found.alt else ""
            self.report.unplaced.append(f"（图片{alt}未导入：{why}）")
            return None
        name = f"{self.folder}/图{len(self.report.files) + 1}{SUFFIXES[picture.format]}"
        self.report.files[name] = picture.data
        return name

    def _set_aside(self, found: FoundPicture, where: str, why: str, near: str, in_text: bool = True) -> bool:
        """Write ``found`` beside the spec without laying it out, named in the report (and
        a comment of the spec, beside the part ``near``); False when it is refused."""
        name = self._carry(found, in_text)
        if name is not None:
            self.report.set_aside.append(SetAside(name, where, why, near))
        return name is not None

    def _picture(self, found: FoundPicture) -> dict[str, Any] | None:
        name = self._carry(found)
        if name is None:
            return None
        if found.wrap:  # wenshu lays pictures in the line, between paragraphs: say so
            self.report.changed.append(
                f"浮动图片已改为嵌入：{name} 原环绕方式为“{found.wrap}”，现单独成段排在原处"
            )
        block: dict[str, Any] = {"picture": name}
        if found.alt:
            block["alt"] = tidy(found.alt, [])
        if found.width_cm >= 0.5:  # the schema's least; a smaller one is shown at its own size
            block["width"] = found.width_cm
        return block

    def body(self, start: int, end: int) -> list[Entry]:
        entries: list[Entry] = []
        i = start
        while i < end:
            line = self.lines[i]
            if isinstance(line, Table):
                if not self._record_table(line, {}, probe=True):
                    entries.extend(self._table_entries(i))
                i += 1
                if i < end and isinstance(self.lines[i], _Line) and self._table_note(self.lines[i]):  # type: ignore[arg-type]
                    i += 1
                continue
            if self._table_title(line) and i + 1 < end and isinstance(self.lines[i + 1], Table):
                i += 1
                continue
            entries.extend(self._entries(line))
            i += 1
        return entries


#: How import names the pictures it writes into a spec's folder: 图1.png, 图2.jpg …
PICTURE_NAME = re.compile("图[1-9][0-9]*(" + "|".join(map(re.escape, sorted(set(SUFFIXES.values())))) + ")")


def pictures_folder(stem: str) -> str:
    """The folder beside the spec ``<stem>.yaml`` its pictures go to: ``<stem>.files``, with
    what a picture path may not hold (wenshu.spec.pictures) or a spec's punctuation rules
    refuse (half-width marks and brackets after Chinese) written as ``_``."""
    safe = re.sub(r"[^\w\u3000-\u303f\uff00-\uffef -]", "_", stem)
    safe = re.sub(r"([。，、；：！？])\1+", r"\1", safe).strip()
    return f"{safe or '图片'}.files"


def read_spec(source: Source, stem: str | None = None) -> tuple[dict[str, Any], dict[int, str], ImportReport]:
    """The spec for ``source``, comments for some of its blocks (by ``id``), and the report;
    its pictures are named under :func:`pictures_folder` of the spec's ``stem`` (by default
    the file's) and their bytes are in the report's ``files``."""
    report = ImportReport(source.name)
    rec = _Recogniser(source, report, pictures_folder(stem or PurePath(source.name).stem))
    head: dict[str, Any] = {}
    start = rec.head(head)
    # read in page order, so that pictures are numbered as they stand
    entries = [e for line in head.pop("_head_pictures", []) for e in rec._entries(line)]
    moved = rec._picture_entries(head.pop("_moved", []))
    for entry in moved:  # a spec's title and 主送机关 are text: their pictures open the body
        assert entry.block is not None
        report.changed.append(f"标题或主送机关段落中的图片 {entry.block['picture']} 移到正文开头")
    entries += moved
    end = rec.tail_start(start)
    body_entries = rec.body(start, end)
    tail: dict[str, Any] = {}
    unplaced: list[Entry] = []
    rec.tail(end, tail, unplaced)
    if _is_notice(head, tail) and (like := tail.pop("_record_like", [])):
        # a notice has no closing lines: these go to the end of its text, which is not where
        # they stood (after the date, or in the 版记): said so, in the spec and the report
        unplaced += [Entry(text=t, comment=f"未能归位（原在成文日期之后；{_WHY_RECORD_LINE}）") for t in like]
        report.changed.append(
            f"成文日期之后的“{'”“'.join(excerpt(t, 16) for t in like)}”移到正文末尾"
            f"（{_WHY_RECORD_LINE}），请核对或删去"
        )
    entries += [Entry(text=t, comment="未能归位（版头）") for t in head.pop("_unplaced_head", [])]
    entries += body_entries
    entries += unplaced
    # 此页无正文 (§7.3.5.3) marks a signature page its layout left without text; wenshu keeps
    # the signature with the text, so the marker has nothing left to say.
    kept = [e for e in entries if not (e.text and NO_TEXT.match(e.text.strip()))]
    if len(kept) < len(entries):
        report.changed.append("去掉“（此页无正文）”：重排后署名与正文同页（GB/T 9704 7.3.5.3），不再需要")
    entries = kept
    if moved := tail.pop("_unplaced_tail", []):
        # not where it stood: the 版记 wenshu prints has a place for none of them
        entries += [Entry(text=t, comment=f"未能归位（原在版记；{_WHY_RECORD_LINE}）") for t in moved]
        report.changed.append(
            f"版记中的“{'”“'.join(excerpt(t, 16) for t in moved)}”移到正文末尾"
            f"（{_WHY_RECORD_LINE}），请核对或删去"
        )
    for entry in entries:
        if entry.comment and entry.text:
            report.unplaced.append(entry.text)
        elif entry.comment and entry.block is not None:
            report.unplaced.append("（图片）" if "picture" in entry.block else "（表格）")
    outline = nest(entries)
    report.changed.extend(outline.relevelled)
    outline.comments.update(rec.notes)
    body = outline.blocks or ["【待补】"]
    for margin in source.margins:  # on every page, at no place of the text: numbered last
        rec._set_aside(margin.found, margin.where, _WHY_MARGIN, "top", in_text=False)
    for where, text in dict.fromkeys(rec.running + source.margin_texts):  # said, the spec's top has it whole
        report.margin_texts.append(f"{where}中的文字“{text}”未排入版面：{_WHY_MARGIN_TEXT}")
        report.changed.append(f"{where}中的文字“{excerpt(text, 20)}”不再印出（{_WHY_MARGIN_TEXT}）")
    spec = _assemble(head, tail, body, report, whole=not rec.unnamed)
    for key, name in (("title", "标题"),):
        if key not in spec and key not in head:  # a letter kind leaves out a title it generates
            report.unplaced.append(f"（没有找到{name}）")
    return spec, outline.comments, report


def _is_notice(head: dict[str, Any], tail: dict[str, Any]) -> bool:
    """Whether the parts found make a 通知 (or a letter kind): 发文字号, 主送机关, 标题, 署名 and 成文日期."""
    return all(k in head for k in ("doc_number", "recipients", "title")) and all(
        k in tail for k in ("signature", "date")
    )


def _assemble(
    head: dict[str, Any], tail: dict[str, Any], body: list[Any], report: ImportReport, whole: bool = True
) -> dict[str, Any]:
    """The spec of the parts found. ``whole``: every part has its text (no attachment left
    without a name); only a file read whole, nothing left unplaced, is tried as another kind."""
    notice = _is_notice(head, tail)
    whole = whole and not report.unplaced
    order = tail.pop("_order", [])
    after_pages = tail.pop("_after_pages", False)
    spec: dict[str, Any] = {}
    mark = head.get("mark", "")
    letter = notice and not (mark.endswith("文件") or "record" in tail)
    # only a file read whole: what could not be placed stays commented in a notice's body
    if letter and whole and (as_kind := letter_kind(head, tail, body)) is not None:
        report.kind = as_kind["kind"]  # a 信函格式 file following a letter kind's outline
        return as_kind
    if notice:
        report.kind = "notice"
        fmt = "letter" if letter else "document"
        issuer = mark.removesuffix("文件") if mark else tail["signature"]
        spec["kind"] = "notice"
        spec["format"] = fmt
        spec["issuer"] = issuer
        default_mark = issuer + ("文件" if fmt == "document" else "")
        if mark and mark != default_mark:
            spec["mark"] = mark
        elif not mark:
            report.changed.append(f"发文机关标志取自署名：“{default_mark}”")
        for key in (
            "copy_number",
            "secrecy",
            "urgency",
            "doc_number",
            "signer",
            "title",
            "title_lines",
            "recipients",
        ):
            if key in head:
                spec[key] = head[key]
        spec["body"] = body
    else:
        report.kind = "document"
        spec["kind"] = "document"
        spec["title"] = head.get("title", "【待补】")
        if "title_lines" in head:
            spec["title_lines"] = head["title_lines"]
        if "subtitle" in head:
            spec["subtitle"] = head["subtitle"]
        if "label" in head:
            spec["label"] = head["label"]
        # what a 通用文书 has no field for stays in the body, above the text, as lines in
        # page order; said once, as a change (not also as recognised)
        lead: list[Any] = []
        for key, name in _LEAD_LINES:
            if key not in head:
                continue
            value = head[key]
            block: dict[str, Any] = {"line": value}
            if key == "doc_number":
                block["line"] += f"　签发人：{head['signer']}" if "signer" in head else ""
                report.found.pop("签发人", None)
            if key in ("mark", "doc_number"):
                block["align"] = "center"
            if key == "recipients":
                block["line"] += "："
            lead.append(block)
            report.found.pop(name, None)
            report.changed.append(
                f"{name}“{excerpt(value, 24)}”作为正文前的一行保留（通用文书没有{name}一项）"
            )
        spec["body"] = lead + body
        if lead:
            _note_at(report, "head", lead[0])
    for key in ("contacts", "attachments"):
        if key in tail and (notice or key == "attachments"):
            spec[key] = tail[key]
    # a 通用文书 keeps the closing parts it has no field for as lines: after its 附件说明,
    # 署名 and 成文日期 when it has them (GB/T 9704's order: 附注 under the date, 版记 last),
    # else at the end of its text
    closing = not notice and bool({"signature", "date", "attachments"} & tail.keys())
    after: list[Any] = spec.setdefault("closing_lines", []) if closing else spec["body"]
    last = next(name for key, name in _CLOSING_PARTS if key in tail or key == "")
    kept_at = f"{last}之后" if closing else "正文末尾"
    # the closing lines kept, by what each was (contacts, note, cc …): written in page order
    kept: dict[str, list[Any]] = {}
    if "contacts" in tail and not notice:
        kept["contacts"] = _contact_lines(tail["contacts"])
        _kept_as_paragraph(report, "联系人", kept_at)
    if "signature" in tail:
        spec["signature"] = tail["signature"]
    if "_record_like" in tail:  # lines of a 版记's kind that no field holds (主送：…, 审核：…)
        kept |= {f"like:{k}": [line] for k, line in enumerate(tail["_record_like"])}
        report.changed.append(
            f"“{'”“'.join(excerpt(t, 12) for t in tail['_record_like'])}”作为{kept_at}的文字保留"
            "（公文没有这一项），请核对"
        )
    if notice and (tail.get("sealed") or tail.get("_seal_pictures")):
        spec["sealed"] = True
        if not tail.get("sealed"):
            report.changed.append(
                "署名、成文日期处的图片按印章处理：写作 sealed: true"
                "（成文日期右空四字、署名居中于其上，GB/T 9704 7.3.5.1）"
            )
    if "date" in tail:
        spec["date"] = tail["date"]
    if "note" in tail:
        if notice:
            spec["note"] = tail["note"]
        else:
            kept["note"] = [f"（{tail['note']}）"]
            _kept_as_paragraph(report, "附注", kept_at)
    if "record" in tail:
        record = tail["record"]
        if notice and spec["format"] == "document" and "printer" in record:
            spec["record"] = {k: record[k] for k in ("cc", "printer", "print_date") if k in record}
        else:
            lines: list[dict[str, str]] = []
            if record.get("cc"):
                lines.append({"line": "抄送：" + "，".join(record["cc"]) + "。"})
                kept["cc"] = [lines[-1]["line"] if closing else lines[-1]]
            if "printer" in record:
                d = record["print_date"]
                lines.append({"line": f"{record['printer']}　{d.year}年{d.month}月{d.day}日印发"})
                kept["imprint"] = [lines[-1]["line"] if closing else lines[-1]]
            parts = [name for name in ("抄送", "印发机关", "印发日期") if report.found.pop(name, None)]
            what = "版记（" + "、".join(parts) + "）" if parts else "版记"
            why = (
                "此文种没有版记一项"
                if not notice
                else "信函格式没有版记"
                if spec["format"] == "letter"
                else "没有印发机关和印发日期，排不成版记"
            )
            report.changed.append(f"{what}作为{kept_at}的{len(lines)}行文字保留（{why}）")
            if lines and not closing:
                _note_at(report, "record", lines[0])
    if closing and after_pages and kept and any("body" in a for a in spec.get("attachments", [])):
        report.changed.append(
            f"{kept_at}的各行原在附件页之后：通用文书把它们排在附件页之前（附件页之后只有附件的内容），"
            "次序照原文，请核对"
        )
    for key in dict.fromkeys([*order, *kept]):
        after.extend(kept.pop(key, []))
    if not spec.get("closing_lines"):
        spec.pop("closing_lines", None)
    if not notice and whole and (as_kind := outline_kind(spec, report.changed)) is not None:
        report.kind = as_kind["kind"]  # a plan or a summary following its kind's outline
        return as_kind
    return spec


# The closing parts of a 通用文书 in page order, last first: what its closing lines follow.
_CLOSING_PARTS = (("date", "成文日期"), ("signature", "署名"), ("attachments", "附件说明"), ("", "正文"))

# What a 通用文书 keeps as lines above its text (it has no field for them), in page order.
_LEAD_LINES = (
    ("copy_number", "份号"),
    ("secrecy", "密级"),
    ("urgency", "紧急程度"),
    ("mark", "发文机关标志"),
    ("doc_number", "发文字号"),
    ("recipients", "主送机关"),
)


def _kept_as_paragraph(report: ImportReport, name: str, where: str = "正文末尾") -> None:
    """Part ``name`` was found, but the spec has no field for it and keeps it as a plain
    paragraph ``where`` (at the end of the body, or after the closing parts): said as a
    change, not claimed as recognised."""
    report.found.pop(name, None)
    report.changed.append(f"{name}作为{where}的普通段落保留（此文种没有{name}一项）")


def _note_at(report: ImportReport, part: str, block: dict[str, Any]) -> None:
    """The comments on pictures set aside beside ``part`` go beside ``block`` of the body,
    which now holds that part (a 通用文书 keeps its 版头 and 版记 as lines)."""
    for aside in report.set_aside:
        if aside.near == part:
            aside.near = block


def _number(text: Any) -> Any:
    """A cell's text as the number it spells exactly (``9.5``, ``12``), else the text."""
    if not isinstance(text, str):
        return text
    if re.fullmatch(r"-?(0|[1-9]\d{0,14})", text):
        return int(text)
    if re.fullmatch(r"-?(0|[1-9]\d{0,14})\.\d{1,6}", text) and not text.endswith("0"):
        return float(text)
    return text


def _merged_boxes(table: Table) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, column) → (rows, columns), for each merged cell of ``table``.

    A cell spanning columns (``w:gridSpan``) that also starts a vertical merge is one box
    as tall as the merge and as wide as its span: the rows continuing it (``w:vMerge``
    without a value, ECMA-376 §17.4.85) belong to it, not boxes of their own.
    """
    out: dict[tuple[int, int], tuple[int, int]] = {}
    open_at: dict[int, tuple[int, int]] = {}
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            start = open_at.get(c)
            if cell.vmerge == "continue" and start is not None and out[start][1] == cell.span:
                out[start] = (out[start][0] + 1, cell.span)
            else:
                out[(r, c)] = (1, cell.span)
                for k in range(c, c + cell.span):  # merges open under this cell end here
                    open_at.pop(k, None)
                if cell.vmerge == "restart":
                    open_at[c] = (r, c)
            c += cell.span
    return {k: box for k, box in out.items() if box != (1, 1)}


def _merge_is_exact(grid: list[list[Any]], downs: dict[tuple[int, int], int], merge: set[int]) -> bool:
    """Whether ``merge`` (empty cells join the one above, in these columns) gives exactly the
    merges of the file: every empty body cell of those columns under text is merged."""
    covered = {(r + k, c) for (r, c), n in downs.items() for k in range(1, n)}
    for column in merge:
        c = column - 1
        for r in range(2, len(grid)):
            if grid[r][c] == "" and grid[r - 1][c] != "" or (grid[r][c] == "" and (r - 1, c) in covered):
                if (r, c) not in covered:
                    return False
    return bool(downs)


def _contact_lines(contacts: dict[str, Any]) -> list[str]:
    lines = list(contacts["lines"])
    if contacts.get("parenthesized"):
        lines[0] = "（" + lines[0]
        lines[-1] = lines[-1] + "）"
    return lines
