"""The roles a paragraph of an official document can play, named in ONE place.

:class:`Role` values are the strings the checker has always used (``"mark"``, ``"title"`` …);
a :class:`Role` compares equal to its string. :data:`ROLE_NAMES` gives each its name in the
standard's words, :data:`STYLE_ROLES` the role of each of wenshu's own paragraph styles —
both taken from the one table of wenshu's styles, :mod:`wenshu.roles` (whose docstring says why
the recognition roles are a concept of their own).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from wenshu.roles import ROLES, SOLE_STYLE


class Role(StrEnum):
    """What a paragraph is in a 公文 (GB/T 9704-2012 §7, §10)."""

    MARK = "mark"  # 发文机关标志 §7.2.4
    HEAD_INFO = "head-info"  # 份号、密级和保密期限、紧急程度 §7.2.1–7.2.3
    DOC_NUMBER = "doc-number"  # 发文字号 §7.2.5 (with 签发人 §7.2.6 on its line), 令号, 期号
    TITLE = "title"  # 标题 §7.3.1 (each of its lines)
    RECIPIENTS = "recipients"  # 主送机关 §7.3.2
    BODY = "body"  # 正文 §7.3.3
    HEADING = "heading"  # 层级标题 §7.3.3 (level 1–4 from its ordinal)
    LINE = "line"  # a line of wenshu's own (WsLine) in the body
    ATTACHMENT_NOTE = "attachment-note"  # 附件说明 §7.3.4 (the first line and each item)
    SIGNATURE = "signature"  # 发文机关署名 §7.3.5
    DATE = "date"  # 成文日期 §7.3.5
    NOTE = "note"  # 附注 §7.3.6
    CONTACT = "contact"  # 联系人 and telephone (wenshu's WsContact)
    ATTACHMENT_LABEL = "attachment-label"  # 附件 / 附件N §7.3.7
    ATTACHMENT_TITLE = "attachment-title"  # an attachment's title §7.3.7
    RECORD = "record"  # 版记 §7.4: 抄送, 印发机关和印发日期 (also a row of a 版记 table)
    PAGE_NUMBER = "page-number"  # 页码 §7.5 (a footer paragraph with a PAGE field)
    ASIDE = "aside"  # a table's caption, a 纪要's label (出席, 列席 … §10.3), （此页无正文）, a seal remark
    AUX = "aux"  # wenshu's subtitle, table title or table note; a note under a table
    TABLE = "table"  # text in a table cell
    BOX = "box"  # text in a text box that is none of the 版头's elements


#: Each role's name in the standard's words: a role wenshu writes with ONE style is named as that
#: style's element (wenshu.roles); the others are named here.
ROLE_NAMES: dict[str, str] = {Role(reads_as): r.element for reads_as, r in SOLE_STYLE.items()} | {
    Role.HEADING: "层级标题",
    Role.LINE: "正文",  # a WsLine is running text to a reader of the file
    Role.ATTACHMENT_TITLE: "附件标题",
    Role.ASIDE: "表题或标签",
}
HEADING_NAMES = {r.heading: r.element for r in ROLES if r.heading}

#: The role each of wenshu's own paragraph styles reads as: plain strings (checked against
#: Role), as a paragraph's role is compared and looked up often and a str subclass misses
#: CPython's fast paths for str.
STYLE_ROLES: dict[str, str] = {str(r.style): Role(r.reads_as).value for r in ROLES}


def element_name(para: Any) -> str:
    """The element a recognised paragraph is, in the standard's words (一级标题 …, 正文 by default)."""
    if para.role == "heading" and para.level:
        return HEADING_NAMES[para.level]
    return ROLE_NAMES.get(para.role, "正文")
