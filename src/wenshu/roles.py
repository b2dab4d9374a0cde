"""The elements of a document, once: style ↔ element name ↔ clause ↔ font ↔ size ↔ the role a
reader sees.

A template marks a paragraph with its role (``<!-- wenshu:signature -->``); the Word writer
(:mod:`wenshu.render.docx`) gives it the role's style; the frames (:mod:`wenshu.render.frames`)
define each style with the role's font and size; the page measurements
(:mod:`wenshu.office.pages`) and the pagination (:mod:`wenshu.build.paginate`) find the parts of a
built file by these styles. Numbers and typefaces come from :mod:`wenshu.layout`. A part of a
paragraph that must be known again in the file (a run-in heading) has a character style of its
own (:data:`CHAR_ROLES`), which sets no font or size.

The checker (:mod:`wenshu.check`) reads any Word file, wenshu's or not, so it has roles of its own:
:class:`wenshu.check.roles.Role` names what a reader recognises in a paragraph (a heading of some
level, a caption, text in a box), a different concept from a style wenshu writes — several styles
read as one role (``Heading1``–``Heading4`` as ``heading``; subtitle, table title and table note as
``aux``) and some roles have no style. That enum stays in ``check/``; what it knows about wenshu's
styles — which role each style reads as (:attr:`Role.reads_as`), the font, size and clause the
standard asks of the element, its name — it takes from this table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from wenshu import layout as L


class Style(StrEnum):
    """The Word style ids of wenshu's paragraphs (a :class:`Style` compares equal to its id)."""

    BODY = "WsBody"
    TITLE = "WsTitle"
    HEADING_1 = "Heading1"
    HEADING_2 = "Heading2"
    HEADING_3 = "Heading3"
    HEADING_4 = "Heading4"
    RECIPIENTS = "WsRecipients"
    ATTACHMENT_NOTE = "WsAttachmentNote"
    SIGNATURE = "WsSignature"
    DATE = "WsDate"
    NOTE = "WsNote"
    CONTACT = "WsContact"
    LINE = "WsLine"
    ATTACHMENT_LABEL = "WsAttachmentLabel"
    SUBTITLE = "WsSubtitle"
    TABLE_TITLE = "WsTableTitle"
    TABLE_TEXT = "WsTableText"
    TABLE_HEADER = "WsTableHeader"
    TABLE_NOTE = "WsTableNote"
    MARK = "WsMark"
    DOC_NUMBER = "WsDocNumber"
    HEAD_INFO = "WsHeadInfo"
    RECORD = "WsRecord"
    PAGE_NUMBER = "WsPageNumber"


@dataclass(frozen=True)
class Role:
    """One element of a document and how wenshu sets it."""

    style: Style  # the Word style id
    style_name: str  # the style's name in Word (built-in headings keep Word's own names)
    element: str  # the element as GB/T 9704 names it
    clause: str  # where GB/T 9704 sets it
    font: str  # the East Asian typeface
    size_pt: float
    markdown: tuple[str, ...] = ()  # the role comments that write this style
    in_frame: bool = False  # placed by the frame (版头, 版记) rather than written into the body
    heading: int | None = None  # heading depth 1–4 (一、（一）1.（1）)
    latin: str = L.FONT_LATIN  # the typeface of Latin letters and digits
    #: The role a reader of the file sees in a paragraph of this style (a value of
    #: wenshu.check.roles.Role).
    reads_as: str = field(default="", kw_only=True)
    #: The clause the checker cites when the element's font or size is wrong: the element's own
    #: clause where it sets the font, else §5.2.2 (fonts in general).
    font_clause: str = field(default="5.2.2", kw_only=True)


ROLES: tuple[Role, ...] = (
    Role(
        Style.BODY,
        "公文正文",
        "正文",
        "§7.3.3",
        L.FONT_BODY,
        L.BODY_SIZE_PT,
        reads_as="body",
        font_clause="7.3.3",
    ),
    Role(
        Style.TITLE,
        "公文标题",
        "标题",
        "§7.3.1",
        L.FONT_TITLE,
        L.TITLE_SIZE_PT,
        reads_as="title",
        font_clause="7.3.1",
    ),
    Role(
        Style.HEADING_1,
        "heading 1",
        "一级标题",
        "§7.3.3",
        L.FONT_HEADING_1,
        L.BODY_SIZE_PT,
        heading=1,
        reads_as="heading",
        font_clause="7.3.3",
    ),
    Role(
        Style.HEADING_2,
        "heading 2",
        "二级标题",
        "§7.3.3",
        L.FONT_HEADING_2,
        L.BODY_SIZE_PT,
        heading=2,
        reads_as="heading",
        font_clause="7.3.3",
    ),
    Role(
        Style.HEADING_3,
        "heading 3",
        "三级标题",
        "§7.3.3",
        L.FONT_BODY,
        L.BODY_SIZE_PT,
        heading=3,
        reads_as="heading",
        font_clause="7.3.3",
    ),
    Role(
        Style.HEADING_4,
        "heading 4",
        "四级标题",
        "§7.3.3",
        L.FONT_BODY,
        L.BODY_SIZE_PT,
        heading=4,
        reads_as="heading",
        font_clause="7.3.3",
    ),
    Role(
        Style.RECIPIENTS,
        "主送机关",
        "主送机关",
        "§7.3.2",
        L.FONT_BODY,
        L.BODY_SIZE_PT,
        ("recipients",),
        reads_as="recipients",
    ),
    Role(
        Style.ATTACHMENT_NOTE,
        "附件说明",
        "附件说明",
        "§7.3.4",
        L.FONT_BODY,
        L.BODY_SIZE_PT,
        ("attachment-note",),
        reads_as="attachment-note",
    ),
    Role(
        Style.SIGNATURE,
        "署名",
        "发文机关署名",
        "§7.3.5",
        L.FONT_BODY,
        L.BODY_SIZE_PT,
        ("signature",),
        reads_as="signature",
    ),
    Role(
        Style.DATE, "成文日期", "成文日期", "§7.3.5", L.FONT_BODY, L.BODY_SIZE_PT, ("date",), reads_as="date"
    ),
    Role(Style.NOTE, "附注", "附注", "§7.3.6", L.FONT_BODY, L.BODY_SIZE_PT, ("note",), reads_as="note"),
    Role(
        Style.CONTACT,
        "联系人",
        "联系人",
        "§7.3.6（附注之后，惯例）",
        L.FONT_BODY,
        L.BODY_SIZE_PT,
        ("contact",),
        reads_as="contact",
    ),
    Role(
        Style.LINE,
        "单行文字",
        "单行文字",
        "§7.3.3",
        L.FONT_BODY,
        L.BODY_SIZE_PT,
        ("line",),
        reads_as="line",
        font_clause="7.3.3",
    ),
    Role(
        Style.ATTACHMENT_LABEL,
        "附件标签",
        "附件标签",
        "§7.3.7",
        L.FONT_HEADING_1,
        L.BODY_SIZE_PT,
        ("attachment",),
        latin=L.FONT_HEADING_1,  # “附件1” all in 黑体, the digit too
        reads_as="attachment-label",
        font_clause="7.3.7",
    ),
    Role(
        Style.SUBTITLE,
        "副标题",
        "副标题",
        "§7.3.1",
        L.FONT_HEADING_2,
        L.BODY_SIZE_PT,
        ("subtitle",),
        reads_as="aux",
    ),
    Role(
        Style.TABLE_TITLE,
        "表题",
        "表题",
        "§8（惯例）",
        L.FONT_HEADING_1,
        L.BODY_SIZE_PT,
        ("table-title",),
        reads_as="aux",
    ),
    Role(
        Style.TABLE_TEXT, "表格文字", "表格文字", "§8（惯例）", L.FONT_BODY, L.TABLE_SIZE_PT, reads_as="table"
    ),
    Role(
        Style.TABLE_HEADER, "表头", "表头", "§8（惯例）", L.FONT_HEADING_1, L.TABLE_SIZE_PT, reads_as="table"
    ),
    Role(
        Style.TABLE_NOTE,
        "表注",
        "表注",
        "§8（惯例）",
        L.FONT_BODY,
        L.TABLE_SIZE_PT,
        ("table-note",),
        reads_as="aux",
    ),
    Role(
        Style.MARK,
        "发文机关标志",
        "发文机关标志",
        "§7.2.4",
        L.FONT_TITLE,
        L.BODY_SIZE_PT,  # the style's size; the mark itself is sized to its text (MARK_*)
        ("mark",),
        in_frame=True,
        latin=L.FONT_TITLE,
        reads_as="mark",
        font_clause="7.2.4",
    ),
    Role(
        Style.DOC_NUMBER,
        "发文字号",
        "发文字号",
        "§7.2.5",
        L.FONT_BODY,
        L.BODY_SIZE_PT,
        ("doc-number",),
        True,
        reads_as="doc-number",
    ),
    Role(
        Style.HEAD_INFO,
        "份号密级",
        "份号、密级、紧急程度",
        "§7.2.1–§7.2.3",
        L.FONT_HEADING_1,
        L.BODY_SIZE_PT,
        ("copy-number", "secrecy", "urgency"),
        True,
        reads_as="head-info",
        font_clause="7.2.2",  # 密级 and 紧急程度 in 黑体; a 份号 of digits sets no typeface (§7.2.1)
    ),
    Role(
        Style.RECORD,
        "版记",
        "版记",
        "§7.4",
        L.FONT_BODY,
        L.RECORD_SIZE_PT,
        ("cc", "imprint"),
        True,
        reads_as="record",
        font_clause="7.4.2",
    ),
    Role(
        Style.PAGE_NUMBER,
        "页码",
        "页码",
        "§7.5",
        L.FONT_PAGE_NUMBER,
        L.PAGE_NUMBER_SIZE_PT,
        latin=L.FONT_PAGE_NUMBER,
        reads_as="page-number",
        font_clause="7.5",
    ),
)

BY_STYLE: dict[str, Role] = {r.style: r for r in ROLES}
#: Role comment → the style of the paragraph it writes into the body.
BODY_STYLES: dict[str, str] = {m: r.style for r in ROLES if not r.in_frame for m in r.markdown}
#: Role comments whose text the frame places (版头, 版记), not the body.
FRAME_ROLES: frozenset[str] = frozenset(m for r in ROLES if r.in_frame for m in r.markdown)
#: The role a reader sees → the one style that reads as it (a role read from several styles,
#: like ``heading`` or ``aux``, has no one font or name and is left out).
SOLE_STYLE: dict[str, Role] = {
    r.reads_as: r for r in ROLES if [o.reads_as for o in ROLES].count(r.reads_as) == 1
}
#: Heading depth → style.
HEADING_STYLES: dict[int, str] = {r.heading: r.style for r in ROLES if r.heading}


def role(style: str) -> Role:
    """The role whose Word style is ``style``."""
    return BY_STYLE[style]


class CharStyle(StrEnum):
    """The Word style ids of wenshu's character styles: marks on runs, not paragraphs."""

    RUN_IN = "WsRunIn"


@dataclass(frozen=True)
class CharRole:
    """A part of a paragraph that wenshu marks with a character style (``w:rStyle`` on its runs).

    The style sets no run property: the part keeps the font and size it has without it (the
    paragraph's style, or its own direct formatting, which comes before a character style,
    ECMA-376 §17.7.2). It is there because Word and LibreOffice split and merge runs as they
    like when they save a file — a part set apart only by being a run of its own is lost —
    but give each piece the run's style, and keep the style's name (LibreOffice renames its
    id: WsRunIn → Style10). LibreOffice lays out text of another style as a portion of its
    own and leaves the character spacing (−0.25 pt) off a portion's last character, so the
    rest of a level-3 or level-4 heading's line moves by under 1 pt; lines and pages stay as
    they were (measured on every example with such headings).
    """

    style: CharStyle  # the Word style id
    style_name: str  # the style's name in Word, by which a reader knows it
    element: str  # the element as GB/T 9704 names it
    clause: str  # where GB/T 9704 sets it


#: A run-in heading (段首标题, “1.申报条件。申报……”: the heading and its text on one line,
#: §7.3.3): the heading's runs, its ordinal included, the closing 。 not.
RUN_IN = CharRole(CharStyle.RUN_IN, "段首标题", "段首标题", "§7.3.3")
CHAR_ROLES: tuple[CharRole, ...] = (RUN_IN,)
