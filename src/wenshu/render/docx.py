"""Build the .docx from the Markdown: markdown-it-py tokens → python-docx body in a docxtpl frame.

The Markdown is the single rendering of content. HTML comments ``<!-- wenshu:ROLE {...} -->``
say what the next block is (the mark, the signature, an attachment …); blocks that belong to
the 版头 or 版记 go to the frame's fields, the rest are written into the body in order.
"""

from __future__ import annotations

import bisect
import copy
import html
import io
import itertools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from markdown_it import MarkdownIt
from markdown_it.token import Token

from wenshu import layout as L
from wenshu.errors import Problem, WenshuError
from wenshu.render import docxtpl_adapter
from wenshu.render.docxtpl_adapter import SizedText
from wenshu.resources import resource_dir
from wenshu.roles import BODY_STYLES, FRAME_ROLES, HEADING_STYLES, RUN_IN, Style
from wenshu.spec.pictures import Picture
from wenshu.text.numbering import written_ordinal
from wenshu.text.width import line_width, text_width
from wenshu.text.wrap import (
    BRACKETED,
    SHORT_WORD_CELLS,
    UNBROKEN,
    cell_breaks,
    ends_between_words,
    room_between_words,
    wrap_ends,
)

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

_ROLE = re.compile(r"^<!--\s*wenshu:([\w-]+)(?:\s+(\{.*\}))?\s*-->\s*$", re.S)
_W = nsdecls("w")
# A batch's letters share their dates and signatures, a table's column its lines' shapes: each
# is measured once.
cached_line_width = lru_cache(maxsize=1024)(line_width)

# A run-in heading's font follows its ordinal (§7.3.3): 一、 黑体, （一） 楷体, others 仿宋.
_RUNIN_FONTS = {1: L.FONT_HEADING_1, 2: L.FONT_HEADING_2}
_RUN_IN_STYLE = f'<w:rStyle w:val="{RUN_IN.style}"/>'
_TEXT_WIDTH_TWIPS = L.mm_to_twips(L.TEXT_WIDTH_MM)
_LANDSCAPE_TEXT_WIDTH_TWIPS = L.mm_to_twips(L.TEXT_HEIGHT_MM)


# What wenshu's Markdown is made of: templates write headings, paragraphs, GFM tables, role
# comments, <br>, **strong** and a picture block's ![…](<path>); values arrive escaped
# (render.markdown.md_escape), so no list, quote, code, link or image can come from them.
MARKDOWN_RULES = ["heading", "table", "html_block", "paragraph"] + [
    "text", "newline", "escape", "emphasis", "html_inline", "entity", "image",
]  # fmt: skip


@cache
def parser() -> MarkdownIt:
    """The parser of wenshu's Markdown: CommonMark limited to :data:`MARKDOWN_RULES`.

    Leaving out the rules for constructs that cannot occur saves a third of the parsing
    time; tests check that full CommonMark reads every example, and generated hostile
    text, exactly the same way.
    """
    return MarkdownIt("zero", {"html": True}).enable(MARKDOWN_RULES)


def frame_path(name: str):
    """The docxtpl frame file for ``name`` (letter, document, plain)."""
    path = resource_dir("templates") / "frames" / f"{name}.docx"
    if not path.is_file():
        raise WenshuError(Problem(str(path), "找不到版式框架文件"))
    return path


def _chars(n: float) -> int:
    return round(n * L.CHAR_ADVANCE_TWIPS)


# The “附件：1.” (or “2.”) opening a numbered 附件说明 line: one digit. The .docx has a tab
# after it (BodyWriter.attachment_note), which readers comparing the text leave out.
NOTE_NUMBER = re.compile(r"(?:附件：)?\d\.")
# What goes before a 附件说明 item's name: “附件：”, its number.
NOTE_PREFIX = re.compile(r"^(?:附件：)?(?:\d+\.)?")


def _after_prefix(inline: Inline, at: int, text: str) -> Inline:
    """``inline`` with ``text`` put in after its first ``at`` characters."""
    out, seen, done = Inline(), 0, False
    for chunk, strong in inline.runs:
        if not done and seen + len(chunk) >= at:
            cut = at - seen
            chunk, done = chunk[:cut] + text + chunk[cut:], True
        seen += len(chunk)
        out.runs.append((chunk, strong))
    return out


@dataclass
class Inline:
    """An inline token sequence reduced to runs: (text, is_strong) and line breaks."""

    runs: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The plain text, line breaks as newlines."""
        return "".join(t for t, _ in self.runs)


def inline_runs(token: Token) -> Inline:
    """An inline token's text as runs (strong or not) and line breaks."""
    out = Inline()
    strong = False
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.runs.append((child.content, strong))
        elif child.type == "strong_open":
            strong = True
        elif child.type == "strong_close":
            strong = False
        elif child.type in ("hardbreak", "softbreak") or (
            child.type == "html_inline" and child.content.lower().startswith("<br")
        ):
            out.runs.append(("\n", strong))
    return out


def _rfonts(east_asia: str, declare: bool = True) -> str:
    ns = f"{_W} " if declare else ""
    return (
        f'<w:rFonts {ns}w:ascii="{L.FONT_LATIN}" w:hAnsi="{L.FONT_LATIN}" '
        f'w:eastAsia="{east_asia}" w:cs="{L.FONT_LATIN}"/>'
    )


_RUN_BREAKS = re.compile(r"([\t\r\n])")


def _run_xml(text: str, rpr: str = "") -> str:
    """A run: tabs, line breaks (``w:br``) and wenshu's own line ends (``\\r``, ``w:cr``) as
    elements of their own, ``xml:space="preserve"`` on text with white space at either end
    (as python-docx's ``add_run`` writes it)."""
    out = []
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece == "\r":  # a printed line's end of wenshu's own (see attachment_note)
            out.append("<w:cr/>")
        elif piece == "\n":
            out.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{space}>{html.escape(piece, quote=False)}</w:t>")
    return f"<w:r>{rpr}{''.join(out)}</w:r>"


class _Paragraph:
    """What the writer keeps of a paragraph: its element, as python-docx names it (``_p``)."""

    __slots__ = ("_p",)

    def __init__(self, p: Any):
        self._p = p


class BodyWriter:
    """Writes body blocks into a docxtpl Subdoc and collects the frame's fields."""

    def __init__(self, subdoc: Any, frame_sect_pr: Any, pictures: dict[str, Picture] | None = None):
        self.doc = subdoc
        self.pictures = pictures or {}
        self.pictures_written = 0
        self.body = subdoc.subdocx.element.body
        # The blank document's own sectPr would sit between appended tables and paragraphs.
        if self.body.sectPr is not None:
            self.body.remove(self.body.sectPr)
        self.frame_sect_pr = frame_sect_pr
        self.fields: dict[str, Any] = {"head_info": [], "mark_space": L.document_mark_space_twips(0)}
        self.signature_p: Any = None
        self.signature_text = ""
        self.signature_sealed = False
        self.landscape = False  # orientation of the section being written
        self.sections = 1
        self.next_label_starts_section = False
        # The tail of the main part (附件说明, 署名, 成文日期, 附注, 联系人) written so far, kept
        # together and with the end of the 正文 (§7.3.5.5); None outside that tail.
        self.tail: list[Any] | None = None

    # -- paragraphs -------------------------------------------------------------------
    def paragraph(self, style: str, inline: Inline | None = None, text: str | None = None) -> Any:
        """Append a paragraph of ``style`` holding ``inline`` (or plain ``text``).

        Built from one XML string: adding runs element by element through python-docx is
        most of the time a one-page letter costs.
        """
        if inline is None:
            inline = Inline([(text, False)] if text else [])
        runs = []
        font = None  # a run-in heading's font, kept over all its pieces (a draft marks gaps)
        for chunk, strong in inline.runs:
            if chunk == "\n":
                runs.append("<w:r><w:br/></w:r>")
                continue
            if not strong:
                font = None
                runs.append(_run_xml(chunk))
                continue
            if font is None:
                ordinal = written_ordinal(chunk)
                font = _RUNIN_FONTS.get(ordinal[0]) if ordinal else None
            # Strong text is a run-in heading (render.markdown.runin): its character style
            # marks it in the file (roles.RUN_IN), its font is set on the run as before.
            fonts = _rfonts(font, declare=False) if font else ""
            runs.append(_run_xml(chunk, f"<w:rPr>{_RUN_IN_STYLE}{fonts}</w:rPr>"))
        extra = _KEEP_TOGETHER if self.tail is not None else ""
        if self.next_label_starts_section:
            # The section break already starts a new page; a page break would add a blank one.
            extra = '<w:pageBreakBefore w:val="0"/>'
            self.next_label_starts_section = False
        style_xml = f'<w:pStyle w:val="{html.escape(style, quote=False)}"/>'
        p = parse_xml(f"<w:p {_W}><w:pPr>{style_xml}{extra}</w:pPr>{''.join(runs)}</w:p>")
        self.body.append(p)
        if self.tail is not None:
            self.tail.append(p)
        return _Paragraph(p)

    def blank(self, count: int = 1) -> None:
        for _ in range(count):
            self.paragraph(Style.BODY)

    def set_indent(self, p: Any, **twips: int) -> None:
        # get_or_add_* keeps pPr children in schema order; Word rejects them out of order.
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        for side, value in twips.items():
            ind.set(qn(f"w:{side}"), str(value))

    # -- the block dispatcher ---------------------------------------------------------
    def write(self, tokens: list[Token]) -> None:
        role: tuple[str, dict[str, Any]] | None = None
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.type == "html_block":
                m = _ROLE.match(tok.content.strip())
                if m:
                    role = (m.group(1), json.loads(m.group(2)) if m.group(2) else {})
                    if role[0] == "frame":
                        role = None
                    elif role[0] == "attachment":
                        self.start_attachment(role[1])
                    elif role[0] == "page":
                        # Opens a standalone annex: its single section turns landscape.
                        self.landscape = bool(role[1].get("landscape"))
                        role = None
                i += 1
                continue
            if tok.type == "heading_open":
                self.close_tail()
                level = int(tok.tag[1])
                inline = inline_runs(tokens[i + 1])
                if level == 1:
                    self.paragraph(Style.TITLE, inline)
                    self.blank(L.BLANK_LINES_AFTER_TITLE)
                else:
                    self.paragraph(HEADING_STYLES.get(level - 1, HEADING_STYLES[4]), inline)
                role = None
                i += 3
                continue
            if tok.type == "paragraph_open":
                if role is not None and role[0] == "picture":
                    self.picture(tokens[i + 1], role[1])
                else:
                    self.write_paragraph(role, inline_runs(tokens[i + 1]))
                role = None
                i += 3
                continue
            if tok.type == "table_open":
                end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
                self.write_table(tokens[i : end + 1], role[1] if role and role[0] == "table" else {})
                role = None
                i = end + 1
                continue
            i += 1

    def write_paragraph(self, role: tuple[str, dict[str, Any]] | None, inline: Inline) -> None:
        name, options = role if role else ("", {})
        text = inline.text
        if name in _TAIL_OPENERS and self.tail is None:
            self.open_tail()
        elif name not in _TAIL_ROLES and name not in FRAME_ROLES:
            self.close_tail()
        if name == "table-note" and len(self.body) and self.body[-1].tag == qn("w:tbl"):
            keep_with_next(self.body[-1])
        if name in FRAME_ROLES:
            self.frame_field(name, text)
        elif name == "attachment":
            self.paragraph(Style.ATTACHMENT_LABEL, inline)
            self.blank(L.BLANK_LINES_BEFORE_ATTACHMENT_TITLE)
        elif name == "attachment-note":
            self.attachment_note(inline, options)
        elif name == "signature":
            sealed = bool(options.get("sealed"))
            self.blank(L.BLANK_LINES_BEFORE_SEALED_SIGNATURE if sealed else L.BLANK_LINES_BEFORE_SIGNATURE)
            self.signature_p = self.paragraph(Style.SIGNATURE, inline)
            self.signature_text, self.signature_sealed = text, sealed
        elif name == "date":
            self.date(inline)
        elif name == "line":
            p = self.paragraph(Style.LINE, inline)
            p._p.get_or_add_pPr().get_or_add_jc().set(qn("w:val"), options.get("align", "left"))
        elif name in BODY_STYLES:
            self.paragraph(BODY_STYLES[name], inline)
        else:
            self.paragraph(Style.BODY, inline)

    def picture(self, inline: Token, options: dict[str, Any]) -> None:
        """A picture block: centred in a paragraph of its own, inline with the text (it moves
        with its paragraph, never floats over others), no wider than the 版心 (§5.2.1) and no
        taller than it."""
        from docx.shared import Mm

        self.close_tail()
        image = next((c for c in inline.children or [] if c.type == "image"), None)
        # markdown-it percent-encodes the destination; the spec's path is the key
        src = unquote(image.attrGet("src") or "") if image is not None else ""
        picture = self.pictures.get(src)
        if picture is None or image is None:
            raise WenshuError(Problem(src or "图片", "图片没有读入：只能生成规格中列出并已检查的图片"))
        across, down = (
            (L.TEXT_HEIGHT_MM, L.TEXT_WIDTH_MM) if self.landscape else (L.TEXT_WIDTH_MM, L.TEXT_HEIGHT_MM)
        )
        width = picture.width_mm(options.get("width"), across)
        height = width * picture.height / picture.width
        if height > down:
            width, height = width * down / height, down
        part = self.doc.subdocx.part  # docxtpl's Subdoc shares the document's part: the image goes there
        # check_picture accepted only what python-docx reads
        inline_el = part.new_pic_inline(io.BytesIO(picture.data), Mm(width), Mm(height))
        # ids unique in the document: the subdoc's body is not yet in the part python-docx counts
        self.pictures_written += 1
        shape_id = str(_PICTURE_IDS + self.pictures_written)
        inline_el.docPr.set("id", shape_id)
        inline_el.docPr.set("descr", image.content or "")
        # no space around it: the attributes default to 0 (ECMA-376 §20.4.2.8), but LibreOffice
        # 7.4 leaves about 10 pt on each side when they are absent (measured: a picture as wide
        # as the 版心 began 10 pt right of the margin and ran past the right one)
        for side in ("distT", "distB", "distL", "distR"):
            inline_el.set(side, "0")
        for c_nv_pr in inline_el.iter(qn("pic:cNvPr")):
            c_nv_pr.set("id", shape_id)
        # auto line spacing: an exact one (the body's) would cut the picture to one line's height
        p = parse_xml(
            f'<w:p {_W}><w:pPr><w:pStyle w:val="{Style.LINE}"/>'
            '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
            '<w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/>'
            '<w:jc w:val="center"/></w:pPr><w:r/></w:p>'
        )
        p[-1].append(parse_xml(f"<w:drawing {_W}/>"))
        p[-1][0].append(inline_el)
        self.body.append(p)

    def frame_field(self, name: str, text: str) -> None:
        if name == "mark":
            glyph_mm = min(L.MARK_MAX_GLYPH_MM, L.TEXT_WIDTH_MM / max(text_width(text), 1))
            size_pt = max(L.MARK_MIN_SIZE_PT, int(glyph_mm / L.MM_PER_INCH * L.PT_PER_INCH))
            self.fields["mark"] = SizedText(text, size_pt * 2)
            self.fields["mark_text"] = text
            self.fields.update(mark_box(size_pt))
        elif name == "doc-number":
            # 上行文: “国知发〔2023〕1号　签发人：张三” — the frame lays the two parts out.
            number, signed, signer = text.partition("签发人：")
            self.fields["doc_number"] = number.strip() if signed else text
            if signed:
                self.fields["signer"] = signer.strip()
        elif name in ("copy-number", "secrecy", "urgency"):
            self.fields["head_info"].append(text)
            self.fields["mark_space"] = L.document_mark_space_twips(len(self.fields["head_info"]))
        elif name == "cc":
            self.fields["cc"] = text
        elif name == "imprint":
            printer, _, date = text.rstrip().rpartition("　")
            if not printer:
                printer, _, date = text.rstrip().rpartition(" ")
            self.fields["printer"] = printer.strip()
            self.fields["print_date"] = date.strip().removesuffix("印发")

    def attachment_note(self, inline: Inline, options: dict[str, Any]) -> None:
        """附件说明 (§7.3.4): under the body after one blank line, indented two characters;
        a wrapped name aligns with the first character of the name."""
        first = bool(options.get("first"))
        if first:
            self.blank()
        number = 1 if options.get("numbered") else 0  # the "1." before each name, ≈ 1 character
        name_start = L.BODY_INDENT_TWIPS + _chars(3 + number)  # 附件： + N.
        # “1.” in Times is narrower than the character the indent gives it (4.1 mm of 5.6,
        # measured): a tab after it (in the .docx only) takes the name to a stop at the
        # hanging indent, where the wrapped lines start (ECMA-376 §17.3.1.38 tabs, §17.3.1.37
        # tab; its position taken from the text margin, as the indent's is, §17.3.1.12 — so
        # LibreOffice reads it, measured; Word not verified).
        # Two digits (“10.”) are wider than that character: they keep the name after them.
        head = NOTE_NUMBER.match(inline.text) if number else None
        if head:
            inline = _after_prefix(inline, head.end(), "\t")
        hanging = _chars(3 + number) if first else _chars(number)
        # A name that wraps from the hanging indent (not after a two-digit “10.”) ends its
        # lines between words and leaves no character alone (“……工作报/告”): the paragraph's
        # right indent narrows its lines to where they do (the text stays one name to readers).
        # Where none does (a right indent narrows every line alike: “……县域开展知/识产权……
        # （国知办/函运字……）” at 0–4 characters), the name carries line ends of wenshu's own
        # between words (``\r``, written as ``w:cr`` as in a table cell; readers take them for
        # no part of the text), in no more lines.
        right = 0
        if head or not number:
            name = NOTE_PREFIX.sub("", inline.text, count=1).replace("\t", "")
            room = (_TEXT_WIDTH_TWIPS - name_start) / L.CHAR_ADVANCE_TWIPS
            right = _chars(room - room_between_words(name, room))
            own = None if right or not inline.text.endswith(name) else ends_between_words(name, room)
            at = len(inline.text) - len(name)
            for end in reversed(own[:-1] if own else []):
                inline = _after_prefix(inline, at + end, "\r")
        p = self.paragraph(Style.ATTACHMENT_NOTE, inline)
        self.set_indent(p, left=name_start, hanging=hanging, **({"right": right} if right else {}))
        if head:
            tab = parse_xml(f'<w:tab {_W} w:val="left" w:pos="{name_start}"/>')
            p._p.get_or_add_pPr().get_or_add_tabs().append(tab)

    def date(self, inline: Inline) -> None:
        """成文日期 and the signature above it (§7.3.5).

        Widths count the room Word and LibreOffice add between Chinese and digits
        (:func:`wenshu.text.width.line_width`): “2023年7月18日” prints about a character wider
        than its characters alone.
        """
        date_w = cached_line_width(inline.text)
        sig_w = cached_line_width(self.signature_text)
        p = self.paragraph(Style.DATE, inline)
        if self.signature_sealed:
            # §7.3.5.1: the date right-indented four characters, the signature centred over it.
            date_right = L.SEALED_DATE_RIGHT_CHARS
            sig_right = max(0.0, date_right + (date_w - sig_w) / 2)
        else:
            # §7.3.5.2: the signature right-indented two characters, the date's first
            # character two characters right of the signature's; if the date is the longer,
            # the date keeps two characters from the right and the signature moves left.
            sig_right = L.SIGNATURE_RIGHT_CHARS
            date_right = sig_right + sig_w - L.DATE_SHIFT_CHARS - date_w
            if date_right < L.SIGNATURE_RIGHT_CHARS:
                date_right = L.SIGNATURE_RIGHT_CHARS
                sig_right = date_right + date_w + L.DATE_SHIFT_CHARS - sig_w
        self.set_indent(p, right=_chars(date_right))
        if self.signature_p is not None:
            self.set_indent(self.signature_p, right=_chars(sig_right))

    # -- keeping the signature block with the 正文 -------------------------------------
    def open_tail(self) -> None:
        """Start the tail after the 正文: the last 正文 block keeps with what follows.

        ECMA-376 §17.3.1.14 keepNext: the paragraph is rendered "at least partly" on the
        same page as the next one — its last line travels with the 附件说明 or 署名, the rest
        may stay behind, so the page that takes the signature always carries 正文 (§7.3.5.5).
        """
        last = self.body[-1] if len(self.body) else None
        if last is not None:
            keep_with_next(last)
        self.tail = []

    def close_tail(self) -> None:
        """End the tail: its last paragraph need not keep with whatever comes next."""
        if self.tail:
            for keep in self.tail[-1].findall(qn("w:pPr") + "/" + qn("w:keepNext")):
                keep.getparent().remove(keep)
        self.tail = None

    # -- sections ---------------------------------------------------------------------
    def start_attachment(self, options: dict[str, Any]) -> None:
        self.close_tail()
        landscape = bool(options.get("landscape"))
        if landscape != self.landscape:
            self.end_section()
            self.landscape = landscape
            self.next_label_starts_section = True

    def end_section(self) -> None:
        """Close the section written so far with a copy of the frame's section settings."""
        sect_pr = self.section_properties(self.landscape, first=self.sections == 1)
        last = self.body.findall(qn("w:p"))
        if not last or self.body[-1].tag != qn("w:p"):
            self.paragraph(Style.BODY)
            last = self.body.findall(qn("w:p"))
        last[-1].get_or_add_pPr()._insert_sectPr(sect_pr)
        self.sections += 1

    def section_properties(self, landscape: bool, first: bool) -> Any:
        sect_pr = copy.deepcopy(self.frame_sect_pr)
        if not first:
            for title_pg in sect_pr.findall(qn("w:titlePg")):
                sect_pr.remove(title_pg)
        if landscape:
            # §5.2 rotated: the 版心 keeps its size, the page turns.
            size, mar = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))
            size.set(qn("w:orient"), "landscape")
            for name, twips in L.page_setup_twips(landscape=True).items():
                (size if name in ("w", "h") else mar).set(qn(f"w:{name}"), str(twips))
        return sect_pr

    def finish(self, final_sect_pr: Any) -> None:
        """Give the document's last section the orientation and first-page rule it needs."""
        self.close_tail()
        if self.sections == 1 and not self.landscape:
            return
        replacement = self.section_properties(self.landscape, first=self.sections == 1)
        final_sect_pr.getparent().replace(final_sect_pr, replacement)

    # -- tables -----------------------------------------------------------------------
    def write_table(self, tokens: list[Token], options: dict[str, Any]) -> None:
        lead = self.body[-1] if self.tail is None and len(self.body) else None
        self.close_tail()
        if lead is not None and lead.tag == qn("w:p") and "".join(lead.itertext()).strip():
            # The paragraph leading into the table (its caption, “……如下：”) goes to the page
            # the table starts on, never left at the foot of the page before (§17.3.1.15).
            keep_with_next(lead)
        self._write_table(tokens, options)

    def _write_table(self, tokens: list[Token], options: dict[str, Any]) -> None:
        """A GFM table with its role options (widths, size, merge, spans) as one XML string.

        The table is built as text and parsed once: no python-docx cell objects, so the
        cost is linear in the number of cells.
        """
        rows: list[list[tuple[str, str]]] = []
        current: list[tuple[str, str]] = []
        for j, tok in enumerate(tokens):
            if tok.type == "tr_open":
                current = []
            elif tok.type in ("th_open", "td_open"):
                style = tok.attrGet("style") or ""
                align = style.split(":")[-1] if "text-align" in style else "center"
                current.append((inline_runs(tokens[j + 1]).text, align))
            elif tok.type == "tr_close":
                rows.append(current)
        size = L.TABLE_SIZES_PT.get(options.get("size", "四号"), L.TABLE_SIZE_PT)
        width = _LANDSCAPE_TEXT_WIDTH_TWIPS if self.landscape else _TEXT_WIDTH_TWIPS
        spans = table_spans(rows, options.get("merge"), options.get("spans"))
        widths = column_widths(
            rows, options.get("widths"), width, spans, size, fixed=bool(options.get("fixed"))
        )
        self.body.append(parse_xml(table_xml(rows, widths, size, spans)))


# Paragraphs of the tail after the 正文: ECMA-376 §17.3.1.15 keepNext (on the page of the next
# paragraph) and §17.3.1.14 keepLines (never split over two pages).
_KEEP_TOGETHER = "<w:keepNext/><w:keepLines/>"
# Pictures' drawing ids start above any the frames use (DrawingML ids are unique per document).
_PICTURE_IDS = 10_000
# A contact block before the 附件说明 or the 署名 opens the tail too: its lines stay together
# and with the signature block (a 联系人 line was seen ending one page, its 电话 the next).
_TAIL_OPENERS = {"attachment-note", "signature", "contact"}
_TAIL_ROLES = {"attachment-note", "signature", "date", "note", "contact"}


def keep_with_next(block: Any) -> None:
    """Keep a body block (paragraph or table) on the page of the block after it.

    In a table the paragraphs of its last row carry keepNext: Word then keeps that row
    with the paragraph after the table (§17.3.1.15 applies to table paragraphs too).
    """
    if block.tag == qn("w:tbl"):
        rows = block.findall(qn("w:tr"))
        paragraphs = list(rows[-1].iter(qn("w:p"))) if rows else []
    else:
        paragraphs = [block]
    for p in paragraphs:
        p.get_or_add_pPr().get_or_add_keepNext()


@dataclass
class CellSpans:
    """The merged cells of a table, by (row, column) with row 0 the header.

    ``starts`` maps a span's first cell to its (rows, columns). ``covered`` maps every other
    cell of a span to the columns its ``w:tc`` spans when it continues a vertical merge in the
    span's first column, or to 0 when it lies to the right of that column and has no
    ``w:tc`` of its own.
    """

    starts: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    covered: dict[tuple[int, int], int] = field(default_factory=dict)

    def add(self, row: int, column: int, rows: int, columns: int) -> None:
        """Record a span, unless it would overlap one already recorded."""
        cells = [(row + dr, column + dc) for dr in range(rows) for dc in range(columns)]
        if any(c in self.starts or c in self.covered for c in cells):
            return
        self.starts[(row, column)] = (rows, columns)
        for r, c in cells[1:]:
            self.covered[(r, c)] = columns if c == column else 0


def table_spans(
    rows: list[list[tuple[str, str]]], merge: list[int] | None, spans: list[list[int]] | None
) -> CellSpans:
    """Merged cells from a table's role options.

    ``spans`` lists ``[row, column, rows, columns]`` (0-based, row 0 the header); ``merge``
    lists 1-based columns in which an empty body cell continues the cell above it, which
    is how Markdown shows a merged heading: its text once, the cells below it empty.
    Spans reaching past the table are cut to it.
    """
    out = CellSpans()
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    for row, column, down, across in spans or []:
        if 0 <= row < height and 0 <= column < width:
            out.add(row, column, max(1, min(down, height - row)), max(1, min(across, width - column)))
    for number in merge or []:
        c = number - 1
        if not 0 <= c < width:
            continue
        anchor, length = None, 0
        for r in range(1, height + 1):
            text = rows[r][c][0] if r < height and c < len(rows[r]) else None
            taken = (r, c) in out.starts or (r, c) in out.covered
            if text == "" and anchor is not None and not taken:
                length += 1
                continue
            if anchor is not None and length > 1:
                out.add(anchor, c, length, 1)
            anchor, length = (r, 1) if text and not taken else (None, 0)
    return out


def column_widths(
    rows: list[list[tuple[str, str]]],
    ratios: list[float] | None,
    total: int,
    spans: CellSpans | None = None,
    size_pt: float = L.TABLE_SIZE_PT,
    fixed: bool = False,
) -> list[int]:
    """Column widths in twips filling ``total`` (the 版心 width of the page's orientation):
    from the spec's ratios, else from content (cells spanning columns left out). ``fixed``
    ratios are kept as given (a composed form whose tables' columns line up: the passes
    below fit each table to its own content); otherwise a
    column of short words gets room for its longest on one line (:func:`_short_words_whole`),
    one of short bracketed words room for their brackets (:func:`_brackets_whole`), one
    whose cells would end with a character alone room for it (:func:`_lone_ends_closed`),
    and, from the room left, a column whose header and entries are all short room for its
    widest on one line (:func:`_narrow_columns_whole`: “序号”, “强市建设示范市”); last, the
    room the columns whose lines all fit do not need goes to columns that wrap, where it
    saves lines (:func:`_slack_to_wrapping`)."""
    columns = max(len(r) for r in rows)
    wide = {k for k, (_, across) in (spans.starts.items() if spans else ()) if across > 1}
    kept = fixed and bool(ratios) and len(ratios) == columns
    if not ratios or len(ratios) != columns:
        longest = [0.0] * columns
        for i, row in enumerate(rows):
            for c, (text, _) in enumerate(row):
                if (i, c) not in wide:
                    longest[c] = max(longest[c], text_width(text))
        ratios = [min(14.0, max(2.0, n)) for n in longest]
    scale = total / sum(ratios)
    widths = [int(r * scale) for r in ratios]
    widths[-1] += total - sum(widths)
    if kept:
        return widths
    lines = _column_lines(rows, columns, wide)
    widths = _brackets_whole(lines, _short_words_whole(lines, widths, size_pt), size_pt)
    widths = _brackets_unsplit(lines, widths, size_pt)
    # last: the room left after the words above (a bracketed year's line) are served
    # the columns under a cell spanning columns whose text comes near their width (“主要阐述……”
    # over 单位, 2017年度数据 and 备注) give none of their room: that cell's lines are measured
    # in no column's. A short one (“合计” over 序号 and 地区) fits however they give.
    cell = size_pt * L.TWIPS_PER_PT
    spanned = set()
    for r, c in wide:
        across = spans.starts[(r, c)][1] if spans else 1
        room = (sum(widths[c : c + across]) - _CELL_ROOM_TWIPS) / cell
        if max(map(line_width, rows[r][c][0].split("\n"))) > room - _SPAN_SPARE_CELLS:
            spanned.update(range(c, c + across))
    widths = _lone_ends_closed(lines, widths, size_pt)
    widths = _narrow_columns_whole(lines, widths, size_pt, spanned)
    return _slack_to_wrapping(rows, lines, widths, size_pt, spans or CellSpans(), spanned)


# A cell spanning columns lets them give room to a narrow column (:func:`_narrow_columns_whole`)
# where its text is this many characters narrower than they are wide: it stays on its lines.
_SPAN_SPARE_CELLS = 2
# A column whose header and entries are all short words (up to ``SHORT_WORD_CELLS``' eight
# cells: “序号” over numbers, “强市建设示范市” over counts) gets room for its widest on one
# line where the other columns can give it: ratios set by hand printed “序/号” one character
# a line in nearly every table, and “强市建设示/范市” beside a 地区 column twice as wide as
# “河南省”.
# A short word (``SHORT_WORD_CELLS``: a unit, a year's heading, a short name) that its column
# would break leaving one character or less on the last line gets room for one line: ratios
# too small for it printed “平方公/里” and “2017年度数/据” (basic-info-form).
# A short word in brackets (``BRACKETED``) that its column would break (“基期值（2021/年）”, the indicator
# tables of the plans and summaries) gets room for the brackets' line, where the other
# columns can give it without a line of theirs printing worse (:func:`_giving_floor`): the
# break then falls before the opening bracket.
# A cell's line surely holds its characters where the cell is this much wider: what LibreOffice
# needs (``_CELL_TEXT_TWIPS``) and a little for the rounding of glyph advances.
_CELL_ROOM_TWIPS = 2 * L.TABLE_CELL_MARGIN_TWIPS + 60
# What a cell's width holds beyond a line's characters (table text keeps its characters' own
# advance): what a line prints in, without _CELL_ROOM_TWIPS's slack. Measured in LibreOffice
# (a column made wider a twip at a time until a line of n characters stays on one): a line
# needs its characters plus 216 to 217 twips (217 taken) — about 23 more on each side than the
# cell margins — whatever the size (小四, 四号), the number of characters (4 to 11) or the
# rules' width (½ pt or 2 pt); its text starts 110 twips right of the rule's centre. The 185
# assumed before (the margins and half rules) let “知识产权保护社会满意度” (11 小四 characters,
# 2,640 twips) seem to fit a 2,846-twip cell: LibreOffice printed “……满意/度”. Word lays the
# text in the cell less its margins only, about a character more (:func:`_cell_rooms`).
_CELL_TEXT_TWIPS = 2 * L.TABLE_CELL_MARGIN_TWIPS + 47
# A column of longer text gives room down to five characters a line, no further.
_DONOR_FLOOR_CELLS = 5
# A column giving room to another is tried narrower a quarter character at a time.
_DONOR_STEPS_PER_CELL = 4
# The passes read a line only for its length, its width and where its brackets and unbroken
# runs are, which are the same for every digit and for every ideograph (one cell wide, Chinese
# where autospace looks): each column's lines are taken in that shape, its digits as 0 and its
# ideographs as 中, so that the thousands of rows of a numbered list or a name list come to a
# few lines to measure. The ideographs' pattern is compiled by ``re`` when a table is first
# laid out (and kept in its cache): compiling it walks its 20,992 characters, ~3 ms that a
# document without a table would pay at import.
_DIGIT = re.compile("[1-9]")
_IDEOGRAPH = "[\u4e00-\u9fff]"


def _narrow_columns_whole(
    lines: dict[int, set[str]], widths: list[int], size_pt: float, spanned: set[int]
) -> list[int]:
    """``widths`` with room for the widest line of each column of short lines only (none
    over ``SHORT_WORD_CELLS``' eight cells, its header among them) on one line, taken from
    the other columns as far as each has room it does not need (:func:`_giving_floor`, no
    line of theirs wrapping over more lines); unchanged where they have too little. Sibling
    columns (:func:`_siblings`: “2024年目标”, “2025年目标”… over numbers) are served together
    to one width or not at all. The narrowest column is served first: the fewer characters a
    line holds, the worse its words break (“序/号”, one a line). The ``spanned`` columns,
    under a cell spanning columns, give none."""
    cell = size_pt * L.TWIPS_PER_PT
    high = SHORT_WORD_CELLS[1]
    need = {}
    for c, texts in lines.items():
        if any(len(t) > 2 * high for t in texts):
            continue  # surely longer than eight cells: the column wraps anyway
        widest = max(map(cached_line_width, texts))
        want = math.ceil(widest * cell) + _CELL_ROOM_TWIPS
        if widest <= high:
            need[c] = want
    for group in sorted(_siblings(lines, need), key=lambda g: min(widths[c] for c in g)):
        want = max(need[c] for c in group)
        if all(widths[c] >= want for c in group):
            continue
        # Every other column gives what it has to spare, the columns of long text too, but
        # none a line: where they have too little, the columns stay as they were (“序/号”
        # reads better than a taller table whose names break inside words).
        wants = [want if k in group else widths[k] if k in spanned else 0 for k in range(len(widths))]
        widths = _give_room(lines, widths, wants, cell, keep_lines=True)
    return widths


def _slack_to_wrapping(
    rows: list[list[tuple[str, str]]],
    lines: dict[int, set[str]],
    widths: list[int],
    size_pt: float,
    spans: CellSpans,
    spanned: set[int],
) -> list[int]:
    """``widths`` with the room the columns whose every line fits on one line do not need
    (:func:`_giving_floor`: none of their lines wraps) given to the columns whose lines wrap,
    a quarter character at a time, each time to the column where it saves the most lines —
    the table's lines (its rows' tallest cells) first, then its cells' — for the room it
    takes, and only where it saves one and leaves no line of that column with a character
    alone or a short bracketed word split that was not. The ``spanned`` columns, under a cell
    spanning columns, neither give nor take; a column empty under its header gives none.

    Ratios put by hand, or set for other content, left “企业” and “示范企业” in wide columns
    beside a 推荐对象 and a 申报资格 wrapping over two and five lines (the enterprise round's
    一览表 and its letters' list)."""
    cell = size_pt * L.TWIPS_PER_PT
    now = {c: (widths[c] - _CELL_TEXT_TWIPS) / cell for c in lines}
    # A column under a character wide is a width typed as a few twips: kept as given.
    takers = [
        c
        for c in lines
        if c not in spanned and now[c] >= 1 and any(_wrapped_lines(t, now[c]) > 1 for t in lines[c])
    ]
    # A column left empty under its header is a form's, to be filled in by hand: its room is
    # the writer's (“完成情况” of the evaluation forms), not spare.
    filled = {c for row in rows[1:] for c, (text, _) in enumerate(row) if text.strip()}
    givers = [c for c in range(len(widths)) if c not in spanned and c not in takers and c in filled]
    if not takers or not givers:
        return widths
    spare = sum(
        widths[c] - _giving_floor(lines.get(c, set()), widths[c], cell, keep_lines=True) for c in givers
    )
    step = cell / _DONOR_STEPS_PER_CELL
    if spare < step:
        return widths
    # Each row by its cells' shapes (see ``_DIGIT``; the whole table shaped as one string),
    # counted: a numbered list's or a name list's thousands of rows come to a few.
    columns = len(widths)
    texts = "\x1e".join(
        "\x1f".join(row[c][0] if c < len(row) else "" for c in range(columns)) for row in rows
    )
    shaped_rows = re.sub(_IDEOGRAPH, "中", _DIGIT.sub("0", texts)).split("\x1e")
    merged = set(spans.covered) | {k for k, size in spans.starts.items() if size != (1, 1)}
    shapes: Counter[tuple[tuple[str, ...] | None, ...]] = Counter()
    for r, line in enumerate(shaped_rows):
        shapes[
            tuple(
                tuple(text.split("\n")) if text and (r, c) not in merged else None
                for c, text in enumerate(line.split("\x1f"))
            )
        ] += 1

    shaped = list(shapes.items())

    # Each round tries every taker's rooms again and only one column changed: a column's
    # lines at a room are worked out once (a 1,000-row table of mixed shapes took 5 s).
    seen: dict[tuple[int, float], list[int]] = {}

    def column(c: int, room: float) -> list[int]:
        """The lines of each row's cell in column ``c`` wrapped in ``room`` (0: no cell of its own)."""
        key = (c, room)
        if key not in seen:
            seen[key] = [
                sum(_wrapped_lines(p, room) for p in cells[c]) if cells[c] else 0 for cells, _ in shaped
            ]
        return seen[key]

    def worse(c: int, room: float) -> bool:
        measured = {cached_line_width(t) for t in lines[c]}
        return any(_lone(n, room) and not _lone(n, now[c]) for n in measured) or any(
            _splits_brackets(t, room) and not _splits_brackets(t, now[c]) for t in lines[c]
        )

    counts = {c: column(c, now.get(c, 1.0)) for c in range(len(widths))}
    room = {c: now[c] for c in takers}
    given = {c: 0.0 for c in takers}
    left = spare
    while True:
        best = None
        for c in takers:
            # the rows' tallest other cells, and the other cells' lines
            rest = [max([counts[k][i] for k in counts if k != c] + [1]) for i in range(len(shaped))]
            others = sum(n * counts[k][i] for k in counts if k != c for i, (_, n) in enumerate(shaped))

            def cost(col: list[int], rest: list[int] = rest, others: int = others) -> tuple[int, int]:
                """The table's lines (its rows' tallest cells) and its cells' lines."""
                weights = [n for _, n in shaped]
                return sum(n * max(r, x) for n, r, x in zip(weights, rest, col, strict=True)), others + sum(
                    n * x for n, x in zip(weights, col, strict=True)
                )

            was = cost(counts[c])
            k = 1
            while k * step <= left:
                trial = room[c] + k * step / cell
                col = column(c, trial)
                here = cost(col)
                if here < was and not worse(c, trial):
                    gain = ((was[0] - here[0]) / k, (was[1] - here[1]) / k)
                    if best is None or gain > best[0]:
                        best = (gain, c, k, col)
                    break
                k += 1
        if best is None:
            break
        _, c, k, counts[c] = best
        room[c] += k * step / cell
        given[c] += k * step
        left -= k * step
    if not any(given.values()):
        return widths
    wants = [
        widths[k] + math.floor(given[k]) if k in given else 0 if k in givers else widths[k]
        for k in range(len(widths))
    ]
    return _give_room(lines, widths, wants, cell, keep_lines=True)


# A line of numbers only (“486”, “12.5”, “30%”), as :func:`_column_lines` shapes it.
_NUMBERS = re.compile(r"[0.,%+\-]+")


def _siblings(lines: dict[int, set[str]], columns: dict[int, int]) -> list[list[int]]:
    """``columns`` in groups of siblings: side by side, their widest lines (their headers)
    of one shape and their other lines all numbers (“2024年目标”, “2025年目标”, “2026年目标”
    over counts), which a reader compares across and which print best alike; each other
    column alone."""
    groups: list[list[int]] = []
    kinds: list[tuple[str, bool]] = []
    for c in sorted(columns):
        widest = max(lines[c], key=cached_line_width)
        numbers = all(_NUMBERS.fullmatch(t) for t in lines[c] - {widest})
        # a year's heading: “2023年基期值” beside “2024年目标”
        kind = (re.sub("中+", "中", widest) if "0" in widest else widest, numbers)
        if groups and kind[1] and groups[-1][-1] == c - 1 and kinds[-1] == kind:
            groups[-1].append(c)
        else:
            groups.append([c])
            kinds.append(kind)
    return groups


def _short_words_whole(lines: dict[int, set[str]], widths: list[int], size_pt: float) -> list[int]:
    """``widths`` with the room short words lack (see ``SHORT_WORD_CELLS``) taken from the
    columns of longer text, which wrap anyway, in proportion to what each has over five
    characters; unchanged where they have too little to give."""
    cell = size_pt * L.TWIPS_PER_PT
    low, high = SHORT_WORD_CELLS
    room = [(w - _CELL_ROOM_TWIPS) / cell for w in widths]  # characters a line holds
    need = [0] * len(widths)
    # A line is at most as wide as it is long (a character is a cell or half of one): only
    # a line that may wrap and is short — its half-width characters (digits of a year, a
    # unit's letters) given four more characters' length — is measured.
    narrow = [c for c, r in enumerate(room) if r < high + 4]
    candidates = {
        (c, line)
        for c in narrow
        for line in lines.get(c, ())
        if low <= len(line) <= high + 4 and len(line) > room[c] > 0
    }
    for c, line in candidates:
        n = cached_line_width(line)
        if low <= n <= high and n > room[c] and n - room[c] * math.floor(n / room[c]) <= 1:
            need[c] = max(need[c], math.ceil(n * cell) + _CELL_ROOM_TWIPS)
    lack = sum(max(0, n - w) for n, w in zip(need, widths, strict=True))
    if not lack:
        return widths
    floor = math.ceil(_DONOR_FLOOR_CELLS * cell) + _CELL_ROOM_TWIPS
    long = {
        c
        for c, texts in lines.items()
        if any(
            len(line) > 2 * high or (len(line) > high and cached_line_width(line) > high) for line in texts
        )
    }
    donors = sorted(c for c in long if not need[c] and widths[c] > floor)
    spare = sum(widths[c] - floor for c in donors)
    if spare < lack:
        return widths
    out = [max(w, n) for n, w in zip(need, widths, strict=True)]
    for c in donors:
        out[c] -= lack * (widths[c] - floor) // spare
    out[donors[-1]] += sum(widths) - sum(out)
    return out


def _brackets_whole(lines: dict[int, set[str]], widths: list[int], size_pt: float) -> list[int]:
    """``widths`` with room for the short bracketed words their columns would break (see
    ``BRACKETED``), taken from the other columns in proportion to what each can give
    (:func:`_giving_floor`); unchanged where they have too little to give."""
    cell = size_pt * L.TWIPS_PER_PT
    low, high = SHORT_WORD_CELLS
    room = [(w - _CELL_ROOM_TWIPS) / cell for w in widths]
    need = [0] * len(widths)
    narrow = [c for c, r in enumerate(room) if r < high + 4]
    for c in narrow:
        for line in lines.get(c, ()):
            if len(line) < low or ("）" not in line and ")" not in line):
                continue
            for group in BRACKETED.findall(line):
                g = cached_line_width(group)
                if low <= g <= high and g > room[c]:
                    need[c] = max(need[c], math.ceil(g * cell) + _CELL_ROOM_TWIPS)
    return _give_room(lines, widths, need, cell)


# A column whose cells' lines split a short bracketed word (“1.2亿元，14笔（示/例）”: the text
# before the brackets fills the line) is tried wider a quarter character at a time, up to
# this many characters, for a width at which no line of it does.
_UNSPLIT_MAX_CELLS = 4


def _brackets_unsplit(lines: dict[int, set[str]], widths: list[int], size_pt: float) -> list[int]:
    """``widths`` with room for the columns whose lines, wrapped where LibreOffice wraps them
    (:func:`wrap_ends`), split a short bracketed word that fits a line (see ``BRACKETED``),
    at the nearest width up to ``_UNSPLIT_MAX_CELLS`` characters more at which none does and
    no line is left with one character alone that was not; taken from the other columns in
    proportion to what each can give (:func:`_giving_floor`); unchanged where they have too
    little to give."""
    cell = size_pt * L.TWIPS_PER_PT
    need = [0] * len(widths)
    for c, texts in lines.items():
        now = (widths[c] - _CELL_TEXT_TWIPS) / cell
        bracketed = [t for t in texts if "）" in t or ")" in t]
        if now < 1 or not any(_splits_brackets(t, now) for t in bracketed):
            continue
        measured = {cached_line_width(t) for t in texts}
        for k in range(1, _UNSPLIT_MAX_CELLS * _DONOR_STEPS_PER_CELL + 1):
            want = now + k / _DONOR_STEPS_PER_CELL
            room = want - (_CELL_ROOM_TWIPS - _CELL_TEXT_TWIPS) / cell  # what it surely prints in
            if any(_splits_brackets(t, room) for t in bracketed):
                continue
            if not any(_lone(n, want) and not _lone(n, now) for n in measured):
                need[c] = math.ceil(want * cell) + _CELL_TEXT_TWIPS
            break
    return _give_room(lines, widths, need, cell, each=True)


def _splits_brackets(text: str, room: float) -> bool:
    """Whether ``text`` wrapped in ``room`` characters breaks a line inside a short bracketed
    word (three to eight characters) that would fit a line."""
    low, high = SHORT_WORD_CELLS
    groups = [
        m.span() for m in BRACKETED.finditer(text) if low <= cached_line_width(m.group()) <= min(high, room)
    ]
    if not groups:
        return False
    ends = wrap_ends(text, room)  # in order: each group looks up the first end after its start
    return any((i := bisect.bisect_right(ends, a)) < len(ends) and ends[i] < b for a, b in groups)


def _lone_ends_closed(lines: dict[int, set[str]], widths: list[int], size_pt: float) -> list[int]:
    """``widths`` with room for the cells their columns would end with one character alone
    on a line (“提升知识产权创造质/量”, the plans' task tables), where up to a character's
    room more closes it without leaving another line of the column so, taken from the other
    columns in proportion to what each can give (:func:`_giving_floor`); unchanged where
    they have too little to give."""
    cell = size_pt * L.TWIPS_PER_PT
    need = [0] * len(widths)
    for c, texts in lines.items():
        now = (widths[c] - _CELL_TEXT_TWIPS) / cell
        if now < 1:
            continue  # under one character (a width typed as a few twips): no line to close
        measured = {cached_line_width(t) for t in texts}
        want = now
        for n in measured:
            if _lone(n, now):
                room = n / math.floor(n / now)  # the lines before the lone character, fuller
                if room - now <= 1:
                    want = max(want, room)
        if want > now and not any(_lone(n, want) and not _lone(n, now) for n in measured):
            need[c] = math.ceil(want * cell) + _CELL_ROOM_TWIPS
    return _give_room(lines, widths, need, cell, each=True)


def _lone(n: float, room: float) -> bool:
    """Whether a line ``n`` characters wide, of three or more, wraps in ``room`` leaving a
    character or less on its last line."""
    return n >= SHORT_WORD_CELLS[0] and n > room and n - room * math.floor(n / room) <= 1


def _column_lines(
    rows: list[list[tuple[str, str]]], columns: int, wide: set[tuple[int, int]]
) -> dict[int, set[str]]:
    """The lines of each column's cells that do not span columns, in their shape (see
    ``_DIGIT``; a column's distinct texts are shaped together, as one string)."""
    lines: dict[int, set[str]] = {}
    for c in range(columns):
        if wide:
            texts = {row[c][0] for i, row in enumerate(rows) if c < len(row) and (i, c) not in wide}
        else:
            texts = {row[c][0] for row in rows if c < len(row)}
        shaped = set(_DIGIT.sub("0", re.sub(_IDEOGRAPH, "中", "\n".join(texts))).split("\n"))
        shaped.discard("")
        if shaped:
            lines[c] = shaped
    return lines


def _give_room(
    lines: dict[int, set[str]],
    widths: list[int],
    need: list[int],
    cell: float,
    *,
    each: bool = False,
    keep_lines: bool = False,
) -> list[int]:
    """``widths`` with columns as wide as ``need`` says, the room taken from the columns
    needing none in proportion to what each can give (:func:`_giving_floor`); where they
    have too little for all, none is served — or, with ``each``, those lacking least."""
    lacks = sorted((n - w, c) for c, (n, w) in enumerate(zip(need, widths, strict=True)) if n > w)
    if not lacks:
        return widths
    givers = [c for c in range(len(widths)) if not need[c]]
    floors = {c: _giving_floor(lines.get(c, set()), widths[c], cell, keep_lines) for c in givers}
    donors = sorted(c for c, floor in floors.items() if floor < widths[c])
    spare = sum(widths[c] - floors[c] for c in donors)
    served = list(
        itertools.takewhile(lambda total: total <= spare, itertools.accumulate(n for n, _ in lacks))
    )
    if not served or (len(served) < len(lacks) and not each):
        return widths
    lack = served[-1]
    out = list(widths)
    for n, c in lacks[: len(served)]:
        out[c] += n
    for c in donors:
        out[c] -= lack * (widths[c] - floors[c]) // spare
    out[donors[-1]] += sum(widths) - sum(out)
    return out


def _giving_floor(lines: set[str], width: int, cell: float, keep_lines: bool = False) -> int:
    """How narrow a column of ``lines`` may become, from ``width`` a quarter character at a
    time, while none of its lines prints worse: a number or Latin word still fits a line, a
    line of up to five characters (in a column of short lines only, eight) on one line stays
    on one, a bracketed short word that fits a line still does and no line's end newly splits
    it (:func:`_splits_brackets`), and no line is left with one
    character alone on its last line that was not; never under five characters where lines are
    longer (unless ``keep_lines``), nor under two; with ``keep_lines``, no line wraps over more
    lines than it does (it gives only room it does not need: its rows grow no taller). What a line prints in
    now is measured without the slack of ``_CELL_ROOM_TWIPS``, what it would print in with it."""
    low, high = SHORT_WORD_CELLS
    widths = {cached_line_width(line) for line in lines}
    # Keeping its lines' count, a column of a wrapped header over numbers (“2021年/基期”
    # over “12.5”) may narrow under five characters: its lines only end elsewhere.
    least = _DONOR_FLOOR_CELLS if max(widths, default=0.0) > _DONOR_FLOOR_CELLS and not keep_lines else 2
    # The lines kept on one line: all of a column of short lines (:func:`_narrow_columns_whole`),
    # else those of up to five characters.
    kept = high if max(widths, default=0.0) <= high else _DONOR_FLOOR_CELLS
    bottom = math.ceil(least * cell) + _CELL_ROOM_TWIPS
    unbroken = max((cached_line_width(run) for line in lines for run in UNBROKEN.findall(line)), default=0.0)
    groups = [
        g for line in lines for g in map(cached_line_width, BRACKETED.findall(line)) if low <= g <= high
    ]

    bracketed = [line for line in lines if "）" in line or ")" in line]
    sized = [(line, cached_line_width(line)) for line in lines] if keep_lines else []
    now = (width - _CELL_TEXT_TWIPS) / cell
    step = cell / _DONOR_STEPS_PER_CELL
    floor = width
    while floor - step >= bottom:
        r = (floor - step - _CELL_ROOM_TWIPS) / cell
        if unbroken > r or any(r < g <= now for g in groups):
            break
        if any(_splits_brackets(t, r) and not _splits_brackets(t, now) for t in bracketed):
            break  # “（公共财政）” whole on its line would print “（公共财/政）”
        if any(r < n <= min(now, kept) or (_lone(n, r) and not _lone(n, now)) for n in widths):
            break
        if keep_lines and any(n > r and _wrapped_lines(t, r) > _wrapped_lines(t, now) for t, n in sized):
            break
        floor = math.floor(floor - step)
    return floor


def _lines_between_words(text: str, width: int, size_pt: float, row_lines: int) -> str:
    """A cell's ``text`` with a printed line's end (``\\r``, written as ``w:cr``) where its
    line would end inside a word in a cell ``width`` twips wide
    (:func:`~wenshu.text.wrap.cell_breaks`; its row's tallest cell takes ``row_lines``).

    There the cell says where the line ends, at the last place between words, instead of
    leaving it to Word's and LibreOffice's character-by-character wrapping of Chinese (each
    in its own room, :func:`_cell_rooms`)
    (“国家知识产权优势示/范企业数量”). ECMA-376 §17.3.3.4 ``cr`` ends the line of text and
    continues on the next, as ``br`` does (§17.3.3.1). They are no part of the text, and the
    Markdown, which has no column widths, has none: readers take a break between two Chinese
    characters in a one-paragraph cell for such a line end
    (:func:`~wenshu.check.reading.ooxml.cell_text`)."""
    room, sure, wide = _cell_rooms(width, size_pt)
    if room < 1:
        return text
    out = []
    for line in text.split("\n"):
        ends = [0, *_cell_breaks(_DIGIT.sub("0", line), room, sure, row_lines, wide), len(line)]
        out.append("\r".join(line[a:b] for a, b in itertools.pairwise(ends)))
    return "\n".join(out)


def printed_lines(text: str, width: int, size_pt: float, row_lines: int) -> list[str]:
    """The lines wenshu ends a cell's one-line ``text`` in, in a cell ``width`` twips wide
    (:func:`_lines_between_words`): what a reader of a wenshu file that lost the mark of
    those ends (LibreOffice saves ``w:cr`` as ``w:br``) compares its line breaks with."""
    return _lines_between_words(text, width, size_pt, row_lines).split("\r")


# The breaks and the lines of a cell's text, by its text with its digits as 0 (``_DIGIT``: every
# digit is as wide and as unbreakable): the cells of a numbered list or name list are measured once.
_cell_breaks = lru_cache(maxsize=4096)(cell_breaks)


@lru_cache(maxsize=4096)
def _wrapped_lines(shaped: str, room: float) -> int:
    """The lines a cell's text (its digits as 0) takes wrapped in ``room`` characters."""
    return len(wrap_ends(shaped, room)) if line_width(shaped) > room else 1


def _cell_rooms(width: int, size_pt: float) -> tuple[float, float, float]:
    """The characters a line of a cell ``width`` twips wide prints in (LibreOffice), those it
    surely holds (see ``_CELL_TEXT_TWIPS`` and ``_CELL_ROOM_TWIPS``), and those Word prints
    it in: ECMA-376 §17.4.42 ``tcMar`` (here the table style's ``tblCellMar``) is the only
    space between the cell's edge and its text, about a character more than LibreOffice's."""
    cell = size_pt * L.TWIPS_PER_PT
    text = width - 2 * L.TABLE_CELL_MARGIN_TWIPS
    return (width - _CELL_TEXT_TWIPS) / cell, (width - _CELL_ROOM_TWIPS) / cell, text / cell


def _row_lines(
    row: list[tuple[str, str]], r: int, widths: list[int], size_pt: float, spans: CellSpans
) -> int:
    """The lines the tallest cell of row ``r`` takes wrapped; a cell merged down over rows
    spreads its lines over them and is left out."""
    most = 1
    for c, (text, _) in enumerate(row[: len(widths)]):
        if not text or spans.covered.get((r, c)) is not None:
            continue
        down, across = spans.starts.get((r, c), (1, 1))
        room = _cell_rooms(sum(widths[c : c + across]), size_pt)[0]
        if down == 1 and room >= 1:
            most = max(most, sum(_wrapped_lines(_DIGIT.sub("0", line), room) for line in text.split("\n")))
    return most


def _cell_runs(text: str, half: int) -> str:
    """A cell's text as runs; a line break in the text (``<br>`` in Markdown) as ``w:br``, a
    break wenshu adds to end a printed line between words (``\\r``, see
    :func:`_lines_between_words`) as ``w:cr``."""
    if not text:
        return ""
    rpr = f'<w:rPr><w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>'

    def printed(line: str) -> str:
        pieces = (f'<w:t xml:space="preserve">{html.escape(p, quote=False)}</w:t>' for p in line.split("\r"))
        return "<w:cr/>".join(pieces)

    return f"<w:r>{rpr}{'<w:br/>'.join(map(printed, text.split(chr(10))))}</w:r>"


#: How a table's last row that sums up or remarks on the rows above it begins.
CLOSING_LABELS = ("合计", "总计", "小计", "备注")


def kept_rows(rows: list[list[tuple[str, str]]], spans: CellSpans | None = None) -> set[int]:
    """The rows (0 the header) whose paragraphs keep with the next row, so that a table
    breaking over pages leaves at least two data rows on either side of the break, and a
    closing row (合计, 备注…) two data rows above it; the rows of one item (its 序号
    merged over them in the first column) stay together too.

    ECMA-376 §17.3.1.15 keepNext keeps a paragraph on the page of the next one; Word applies
    it to a row whose paragraphs carry it, keeping that row on the page of the next row, and
    LibreOffice does the same for Word files (measured: tests/test_pagination.py). A table of
    up to three data rows is thereby kept whole.
    """
    last = len(rows) - 1
    label = re.sub(r"\s+", "", "".join(text for text, _ in rows[last])) if last >= 1 else ""
    tail = last - (3 if label.startswith(CLOSING_LABELS) else 2)
    kept = {0, 1} | set(range(tail + 1, last))
    if spans is not None and rows and rows[0] and re.sub(r"\s+", "", rows[0][0][0]) == "序号":
        for (row, column), (down, _) in spans.starts.items():
            if column == 0:
                kept |= set(range(row, row + down - 1))
    # The last row keeps with what follows the table only where a note follows (keep_with_next).
    return {r for r in kept if 0 <= r < last}


def folded_rows(rows: list[list[tuple[str, str]]], spans: CellSpans, columns: int) -> set[int]:
    """The rows that only continue a merged cell spanning every column and holding text
    (a free-text box in a form): they are not written, the box is one row.

    Written as ``w:vMerge`` over rows, LibreOffice lays the box's text out in its first row
    and cannot carry it on over a page break: text past the page is cut off (measured:
    tests/test_import.py). One row of its own breaks over pages like any row. A box without
    text keeps its rows: their height is the space left to write in.
    """
    out: set[int] = set()
    for (row, column), (down, across) in spans.starts.items():
        if column == 0 and across >= columns and down > 1 and rows[row] and rows[row][0][0].strip():
            out.update(range(row + 1, row + down))
    return out


def table_xml(
    rows: list[list[tuple[str, str]]], widths: list[int], size_pt: float, spans: CellSpans | None = None
) -> str:
    """A bordered table; the first row is the header, repeated on every page. Merged cells
    are written as Word merges them: ``w:gridSpan`` across, ``w:vMerge`` down."""
    spans = spans or CellSpans()
    half = round(size_pt * 2)
    border = f'<w:{{0}} w:val="single" w:sz="{L.TABLE_RULE_EIGHTHS}" w:space="0" w:color="000000"/>'
    borders = "".join(
        border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [
        f'<w:tbl {_W}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
    ]
    kept = kept_rows(rows, spans)
    folded = folded_rows(rows, spans, len(widths))
    for r, row in enumerate(rows):
        if r in folded:
            continue
        header = r == 0
        style = Style.TABLE_HEADER if header else Style.TABLE_TEXT
        box = r + 1 in folded  # a text box folded into one row breaks over pages like body text
        keep = "<w:keepNext/>" if r in kept and not box else ""
        # ECMA-376 §17.4.6 cantSplit: a row stays on one page (Word and LibreOffice still
        # break a row taller than a whole page); the header row repeats (§17.4.49 tblHeader).
        split = "" if box else "<w:cantSplit/>"
        repeat = "<w:tblHeader/>" if header and not box else ""  # a box taller than a page cannot repeat
        blank = not header and not any(text.strip() for text, _ in row)
        blank = blank and not any(spans.covered.get((r, c)) for c in range(len(widths)))
        # §17.4.80 trHeight, hRule atLeast (§17.18.37): a row to be filled in by hand grows
        # to a line of 正文 (layout.BLANK_ROW_MIN_HEIGHT_TWIPS), and further as text needs.
        height = f'<w:trHeight w:val="{L.BLANK_ROW_MIN_HEIGHT_TWIPS}" w:hRule="atLeast"/>' if blank else ""
        out.append(f"<w:tr><w:trPr>{split}{repeat}{height}</w:trPr>")
        row_lines = _row_lines(row, r, widths, size_pt, spans)
        for c in range(len(widths)):
            text, align = row[c] if c < len(row) else ("", "center")
            across = spans.covered.get((r, c))
            if across == 0:
                continue  # inside a span to the left: no cell of its own
            if across is None:
                down, across = spans.starts.get((r, c), (1, 1))
                down -= len(folded.intersection(range(r, r + down)))
                merge = '<w:vMerge w:val="restart"/>' if down > 1 else ""
                text = _lines_between_words(text, sum(widths[c : c + across]), size_pt, row_lines)
                if across > 1 and align == "center" and _prose(text, sum(widths[c : c + across]), size_pt):
                    align = "left"
                run = _cell_runs(text, half)
            else:
                merge, run = "<w:vMerge/>", ""  # continues the merged cell above
            span = f'<w:gridSpan w:val="{across}"/>' if across > 1 else ""
            # Cells are centred unless the Markdown aligns them; a box's prose starts at the
            # left (not justified: Word stretches a justified line ending in a w:br).
            jc = align if align in ("left", "right") else "left" if box else "center"
            # LibreOffice does not break a row over pages while a cell of it is centred
            # vertically (measured): a box's cell keeps the default, top (§17.4.84 vAlign).
            valign = "" if box else '<w:vAlign w:val="center"/>'
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{sum(widths[c : c + across])}" w:type="dxa"/>{span}{merge}'
                f"{valign}</w:tcPr>"
                f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}<w:jc w:val="{jc}"/></w:pPr>{run}</w:p></w:tc>'
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _prose(text: str, width: int, size_pt: float) -> bool:
    """Is a cell's ``text`` prose: sentences (“字数不限，报告可另附。”), or more than one line
    in a cell ``width`` twips wide? Prose centred is ragged at both ends and reads apart
    from its neighbours: a cell spanning columns (a form's explanation over its centred 单位,
    data and 备注 columns) that holds it is set from the left, as a label (“合计” over 序号
    and 地区) stays centred."""
    if "\n" in text or "\r" in text or "。" in text:
        return True
    room = _cell_rooms(width, size_pt)[0]
    return line_width(text) > room


def frame_name(tokens: list[Token]) -> str:
    """The frame the Markdown asks for (its ``<!-- wenshu:frame -->`` comment), else plain."""
    for tok in tokens:
        if tok.type == "html_block":
            m = _ROLE.match(tok.content.strip())
            if m and m.group(1) == "frame":
                return json.loads(m.group(2) or "{}").get("name", "plain")
    return "plain"


def mark_box(size_pt: int = L.MARK_MIN_SIZE_PT) -> dict[str, int]:
    """The frame fields that place a mark of ``size_pt`` (§7.2.4, §10.1): its line's exact
    height in twips and, in a letter, the space over the red double rule under it in points.
    A document without a mark gets those of the smallest one, so that every field is set."""
    return {"mark_line": L.mark_line_twips(size_pt), "mark_rule_space": L.letter_rule_space_pt(size_pt)}


def build_docx(markdown: str, pictures: dict[str, Picture] | None = None) -> bytes:
    """The .docx bytes for ``markdown`` as produced by a kind's template; ``pictures`` are
    the files its picture blocks show, by path (read and checked by
    :func:`wenshu.spec.pictures.pictures_of`)."""
    tokens = parser().parse(markdown)
    name = frame_name(tokens)
    tpl = docxtpl_adapter.open_frame(frame_path(name))
    subdoc = tpl.new_subdoc()
    frame_sect_pr = tpl.get_docx().element.body.sectPr
    writer = BodyWriter(subdoc, frame_sect_pr, pictures)
    writer.write(tokens)
    context = {"mark": "", "doc_number": "", "signer": "", "cc": "", "printer": "", "print_date": ""}
    context.update(mark_box())
    context.update(writer.fields)
    context["body"] = subdoc
    docxtpl_adapter.render(tpl, context)
    writer.finish(tpl.docx.element.body.sectPr)
    marked = marked_texts(tokens)
    if marked:
        highlight(tpl.docx.element.body, marked)
    _check_frame_placed(tpl, name, writer.fields)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def marked_texts(tokens: list[Token]) -> set[str]:
    """Texts the Markdown wraps in ``<mark>…</mark>``: a draft's unfilled 【待补】.

    ``<mark>`` is inline HTML, which markdown-it keeps as ``html_inline`` tokens around the
    text (``==…==`` is no CommonMark); Markdown readers show it highlighted, and so does Word.
    """
    found: set[str] = set()
    for tok in tokens:
        inside = False
        for child in tok.children or []:
            if child.type == "html_inline" and child.content.lower() in ("<mark>", "</mark>"):
                inside = child.content.lower() == "<mark>"
            elif inside and child.type == "text":
                found.add(child.content)
    return found


def highlight(element: Any, texts: set[str]) -> None:
    """Highlight every occurrence of ``texts`` in the runs under ``element`` in yellow.

    A run holding more than the marked text is split so that only the mark is highlighted.
    """
    pattern = re.compile("(" + "|".join(re.escape(t) for t in sorted(texts, key=len, reverse=True)) + ")")
    for run in list(element.iter(qn("w:r"))):
        content = [c for c in run if c.tag != qn("w:rPr")]
        if len(content) != 1 or content[0].tag != qn("w:t") or not pattern.search(content[0].text or ""):
            continue
        for piece in pattern.split(content[0].text):
            if not piece:
                continue
            new = copy.deepcopy(run)
            t = new.find(qn("w:t"))
            t.text = piece
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            if pattern.fullmatch(piece):
                new.get_or_add_rPr().get_or_add_highlight().set(qn("w:val"), "yellow")
            run.addprevious(new)
        run.getparent().remove(run)


def _check_frame_placed(tpl: DocxTemplate, name: str, fields: dict[str, Any]) -> None:
    """Refuse a frame that dropped a field it was given (no silent loss of content)."""
    xml = "".join(
        part.blob.decode("utf-8") if hasattr(part, "blob") and part.partname.endswith(".xml") else ""
        for part in tpl.docx.part.package.iter_parts()
        if part.partname.startswith("/word/")
        and not part.partname.endswith(("styles.xml", "settings.xml", "fontTable.xml"))
    )
    xml += tpl.docx.element.xml
    for key in ("mark_text", "doc_number", "signer", "cc", "printer"):
        value = fields.get(key)
        if value and html.escape(value, quote=False) not in xml:
            raise WenshuError(Problem(str(frame_path(name)), f"版式框架没有放置字段 {key}（“{value}”）"))
