"""The elements of a document, once: role ↔ Word style ↔ element name ↔ clause ↔ font ↔ size.

A template marks a paragraph with its role (``<!-- wenshu:signature -->``); the Word writer
(:mod:`wenshu.render.docx`) gives it the role's style; the frames (:mod:`wenshu.render.frames`)
define each style with the role's font and size; the checker can name what it finds by the
same table. Numbers and typefaces come from :mod:`wenshu.layout`.
"""

from __future__ import annotations

from dataclasses import dataclass

from wenshu import layout as L


@dataclass(frozen=True)
class Role:
    """One element of a document and how wenshu sets it."""

    style: str  # the Word style id
    style_name: str  # the style's name in Word (built-in headings keep Word's own names)
    element: str  # the element as GB/T 9704 names it
    clause: str  # where GB/T 9704 sets it
    font: str  # the East Asian typeface
    size_pt: float
    markdown: tuple[str, ...] = ()  # the role comments that write this style
    in_frame: bool = False  # placed by the frame (版头, 版记) rather than written into the body
    heading: int | None = None  # heading depth 1–4 (一、（一）1.（1）)
    latin: str = L.FONT_LATIN  # the typeface of Latin letters and digits


ROLES: tuple[Role, ...] = (
    Role("WsBody", "公文正文", "正文", "§7.3.3", L.FONT_BODY, L.BODY_SIZE_PT),
    Role("WsTitle", "公文标题", "标题", "§7.3.1", L.FONT_TITLE, L.TITLE_SIZE_PT),
    Role("Heading1", "heading 1", "一级标题", "§7.3.3", L.FONT_HEADING_1, L.BODY_SIZE_PT, heading=1),
    Role("Heading2", "heading 2", "二级标题", "§7.3.3", L.FONT_HEADING_2, L.BODY_SIZE_PT, heading=2),
    Role("Heading3", "heading 3", "三级标题", "§7.3.3", L.FONT_BODY, L.BODY_SIZE_PT, heading=3),
    Role("Heading4", "heading 4", "四级标题", "§7.3.3", L.FONT_BODY, L.BODY_SIZE_PT, heading=4),
    Role("WsRecipients", "主送机关", "主送机关", "§7.3.2", L.FONT_BODY, L.BODY_SIZE_PT, ("recipients",)),
    Role(
        "WsAttachmentNote",
        "附件说明",
        "附件说明",
        "§7.3.4",
        L.FONT_BODY,
        L.BODY_SIZE_PT,
        ("attachment-note",),
    ),
    Role("WsSignature", "署名", "发文机关署名", "§7.3.5", L.FONT_BODY, L.BODY_SIZE_PT, ("signature",)),
    Role("WsDate", "成文日期", "成文日期", "§7.3.5", L.FONT_BODY, L.BODY_SIZE_PT, ("date",)),
    Role("WsNote", "附注", "附注", "§7.3.6", L.FONT_BODY, L.BODY_SIZE_PT, ("note",)),
    Role(
        "WsContact", "联系人", "联系人", "§7.3.6（附注之后，惯例）", L.FONT_BODY, L.BODY_SIZE_PT, ("contact",)
    ),
    Role("WsLine", "单行文字", "单行文字", "§7.3.3", L.FONT_BODY, L.BODY_SIZE_PT, ("line",)),
    Role(
        "WsAttachmentLabel",
        "附件标签",
        "附件",
        "§7.3.7",
        L.FONT_HEADING_1,
        L.BODY_SIZE_PT,
        ("attachment",),
        latin=L.FONT_HEADING_1,  # “附件1” all in 黑体, the digit too
    ),
    Role("WsSubtitle", "副标题", "副标题", "§7.3.1", L.FONT_HEADING_2, L.BODY_SIZE_PT, ("subtitle",)),
    Role("WsTableTitle", "表题", "表题", "§8（惯例）", L.FONT_HEADING_1, L.BODY_SIZE_PT, ("table-title",)),
    Role("WsTableText", "表格文字", "表格文字", "§8（惯例）", L.FONT_BODY, L.TABLE_SIZE_PT),
    Role("WsTableHeader", "表头", "表头", "§8（惯例）", L.FONT_HEADING_1, L.TABLE_SIZE_PT),
    Role("WsTableNote", "表注", "表注", "§8（惯例）", L.FONT_BODY, L.TABLE_SIZE_PT, ("table-note",)),
    Role(
        "WsMark",
        "发文机关标志",
        "发文机关标志",
        "§7.2.4",
        L.FONT_TITLE,
        L.BODY_SIZE_PT,  # the style's size; the mark itself is sized to its text (MARK_*)
        ("mark",),
        in_frame=True,
        latin=L.FONT_TITLE,
    ),
    Role("WsDocNumber", "发文字号", "发文字号", "§7.2.5", L.FONT_BODY, L.BODY_SIZE_PT, ("doc-number",), True),
    Role(
        "WsHeadInfo",
        "份号密级",
        "份号、密级和保密期限、紧急程度",
        "§7.2.1–§7.2.3",
        L.FONT_HEADING_1,
        L.BODY_SIZE_PT,
        ("copy-number", "secrecy", "urgency"),
        True,
    ),
    Role("WsRecord", "版记", "版记", "§7.4", L.FONT_BODY, L.RECORD_SIZE_PT, ("cc", "imprint"), True),
    Role(
        "WsPageNumber",
        "页码",
        "页码",
        "§7.5",
        L.FONT_PAGE_NUMBER,
        L.PAGE_NUMBER_SIZE_PT,
        latin=L.FONT_PAGE_NUMBER,
    ),
)

BY_STYLE: dict[str, Role] = {r.style: r for r in ROLES}
#: Role comment → the style of the paragraph it writes into the body.
BODY_STYLES: dict[str, str] = {m: r.style for r in ROLES if not r.in_frame for m in r.markdown}
#: Role comments whose text the frame places (版头, 版记), not the body.
FRAME_ROLES: frozenset[str] = frozenset(m for r in ROLES if r.in_frame for m in r.markdown)
#: Heading depth → style.
HEADING_STYLES: dict[int, str] = {r.heading: r.style for r in ROLES if r.heading}


def role(style: str) -> Role:
    """The role whose Word style is ``style``."""
    return BY_STYLE[style]
