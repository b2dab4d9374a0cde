"""Line breaks in the copy of a .docx that LibreOffice lays out, never in the file delivered.

A 发文字号 cited in running text (“……指导意见》（国知办函管字〔2016〕864号）”) offers its line
a break between “〕” and the serial: UAX #14 allows one there — “〕” is class CL, the digits
NU, and no rule keeps them together (LB30 joins only a *non-East-Asian* CP to a number), so
LB31 (“ALL ÷ ALL”) applies. Word's East Asian rules likewise let a closing bracket end a line
and a number begin one. LibreOffice takes no break there: it carries “〔2016〕864号” to the
next line whole and stretches the justified line before it over the room of four or five
characters (cnipa-2018-city p1). A ZERO WIDTH SPACE after “〕” (class ZW: LB8, a break after
it) gives LibreOffice the break.

The hint goes only into what LibreOffice is given — the PDFs of ``build --pdf`` and ``batch
--pdf``, the pagination pass's measured pages, ``check --render`` and the workbench's page
previews, all through :meth:`wenshu.office.libreoffice.LibreOffice.convert` and
:meth:`~wenshu.office.libreoffice.LibreOffice.convert_letters` — so that every other reader
of the .docx (python-docx, Word's Find, a clerk copying the number) sees the text as written.
LibreOffice draws no glyph for it and maps none to it in the PDF's text (``pdftotext`` reads
“〔2016〕864号” whole).

The same copy carries two settings so that LibreOffice prints, hung in the margin, the mark
that ends a full line (“……进行审核确认，” with the “，” as the 29th character) as Word does:

- ECMA-376 §17.3.1.21 ``w:overflowPunct``: on (and on when omitted), a line-end punctuation
  mark may extend one character past the indent — Word hangs it, even where 避头尾
  (``w:kinsoku``) would carry the character before it down (MS-OI29500 §2.1.47: overflowPunct
  overrides kinsoku when both are on). LibreOffice 7.4 imports the value inverted
  (writerfilter's DomainMapper sets ParaIsHangingPunctuation to ``val == 0``): an explicit
  ``<w:overflowPunct w:val="1"/>`` — what wenshu's styles say — makes it carry “认，” to the next
  line, a line Word does not break. The copy states the opposite of every value, so that
  LibreOffice hangs what Word hangs and carries what Word carries (an omitted one it already
  reads as on).
- LibreOffice 7.4 lays out the hung mark but in a justified line does not always paint it:
  measured with a 28-character line of 3号 at −0.25 pt (the body's, 315 twips a character) and
  the line's room swept twip by twip, the mark was missing from the PDF exactly when the
  room left over was 24 + 7k twips — the 版心's 8844 twips leave 24, so every full body line
  lost it (36 marks in 12 example PDFs) — and printed for every other width, the line's
  characters where they were: a rounding coincidence of its block justification (left-aligned
  text always shows it). So the copy makes a paragraph's right indent
  :data:`RIGHT_NUDGE_TWIPS` where it is nil: 21 twips left on a full line. Other lines (digits,
  quotation marks, a stretched line) meet the coincidence at other widths, so no nudge is
  sure; of those tried, 3 twips lost no mark in the 57 example PDFs nor in 171 pages of
  their sentences shuffled into lines ending every way, where 1, 2 and −1 twip each lost one
  or two (no nudge: 36 in the examples, 44 in the first 57 of those pages). No line breaks
  elsewhere for it unless its text ends within 0.15 pt of the edge; a table cell's paragraphs
  keep their nil (a column is sized to whole characters, and LibreOffice hangs no mark in a
  cell: it carries the character before it down).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from lxml import etree

#: UAX #14 class ZW: a break opportunity after it, nothing drawn.
BREAK_HINT = "\u200b"
#: The right indent (twips) the copy gives a paragraph that has none (see the module's notes).
RIGHT_NUDGE_TWIPS = 3

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The year of a 发文字号 in its 〔〕 and the serial's first digit after it; the year's digits
# may be typed full-width, and the brackets' runs split anywhere (hence the paragraph's text).
_CITED_SERIAL = re.compile(r"〔\s*\d{4}\s*〕(?=\d)")
_CLOSE = "〕".encode()
# The parts whose paragraphs print: the body, notes, headers and footers, comments.
_PRINTED_PART = re.compile(r"word/(document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml")
# The parts that hold paragraph properties besides the printed ones.
_STYLES, _NUMBERING = "word/styles.xml", "word/numbering.xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
# A part needs the punctuation settings only where it names overflowPunct or a nil right indent.
_PUNCTUATION_BYTES = re.compile(rb"overflowPunct|w:(?:right|end|rightChars|endChars)=\"0\"")
_ON = {"1", "true", "on"}
# How deep a chain of styles based on styles is followed (as the checker reads them).
_STYLE_DEPTH = 32
_CELL = re.compile(rb"<w:tc[ >]")
# CT_PPr children before w:ind (ECMA-376 §17.3.1.26), in schema order.
_BEFORE_IND = {
    f"{_W}{tag}"
    for tag in (
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
        "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
        "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
        "spacing",
    )
}  # fmt: skip


def for_libreoffice(data: bytes) -> bytes:
    """The copy of ``data`` (a .docx, already made offline) that LibreOffice lays out:
    :data:`BREAK_HINT` after the “〕” of every 发文字号 followed by its serial, and line-end
    punctuation hung and printed as Word hangs it (the module's notes); the package
    unchanged (the same bytes) when it needs neither."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        changed: dict[str, bytes] = {}
        names = package.namelist()
        indented = _styles_indented_right(package.read(_STYLES)) if _STYLES in names else set()
        for name in names:
            printed = _PRINTED_PART.fullmatch(name) is not None
            if not (printed or name in (_STYLES, _NUMBERING)):
                continue
            content = package.read(name)
            # Most parts cite nothing and name neither setting: not parsed (a part with a
            # table is: its cells keep their right indent of nil, below).
            hint = printed and _CLOSE in content
            if not (hint or name == _STYLES or _PUNCTUATION_BYTES.search(content) or _CELL.search(content)):
                continue
            root = etree.fromstring(content, _PARSER)
            edited = _hinted(root) if hint else False
            edited = _hung_as_word_hangs(root, name == _STYLES, indented) or edited
            if edited:
                changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if not changed:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in package.infolist():
                copy.writestr(info, changed.get(info.filename) or package.read(info))
    return out.getvalue()


def _hinted(root: Any) -> bool:
    """Put the hints into a part's XML; whether it cites a 发文字号."""
    hinted = False
    for p in root.iter(f"{_W}p"):
        # The paragraph's own text: a text box's paragraphs inside it are paragraphs of their own.
        texts = [t for t in p.iter(f"{_W}t") if _paragraph_of(t) is p]
        joined = "".join(t.text or "" for t in texts)
        ends = [m.end() for m in _CITED_SERIAL.finditer(joined)]
        if not ends:
            continue
        hinted = True
        start = 0
        for t in texts:
            text = t.text or ""
            inside = [end - start for end in ends if start < end <= start + len(text)]
            start += len(text)
            for at in reversed(inside):  # after the “〕”, in the text that holds it
                text = text[:at] + BREAK_HINT + text[at:]
            if inside:
                t.text = text
    return hinted


def _hung_as_word_hangs(root: Any, styles: bool, indented: set[str]) -> bool:
    """Invert every ``w:overflowPunct`` (LibreOffice reads it inverted) and give a nil right
    indent :data:`RIGHT_NUDGE_TWIPS`; in the styles part the document defaults get it too,
    where neither they nor a style's or a paragraph's own indent set one. A table cell's
    paragraph keeps a right indent of nil (stated, where its style, not in ``indented``, sets
    none): a column is sized to whole characters (:mod:`wenshu.text.wrap`), and 3 twips less
    carried a cell's last character down (luoyang-city-evaluation, three work plans) — its
    marks were not lost. Whether anything changed."""
    edited = False
    for flag in root.iter(f"{_W}overflowPunct"):
        on = (flag.get(f"{_W}val") or "1").lower() in _ON
        flag.set(f"{_W}val", "0" if on else "1")
        edited = True
    for ind in root.iter(f"{_W}ind"):
        edited = _nudged(ind) or edited
    if styles:
        return _nudge_defaults(root) or edited
    for cell in root.iter(f"{_W}tc"):
        for p in cell.iter(f"{_W}p"):
            edited = _nil_right(p, indented) or edited
    return edited


def _styles_indented_right(content: bytes) -> set[str]:
    """The paragraph styles whose right (end) indent, their own or through the styles they are
    based on (at most :data:`_STYLE_DEPTH` deep), is not nil — and ``""`` where the default
    paragraph style's is not (a paragraph naming no style has it, ECMA-376 §17.7.4.17). A
    style stating a nil right indent (“w:right="0"”, as Word writes zeroed indents) is not
    indented: its cells keep their nil indent when the style itself is nudged."""
    root = etree.fromstring(content, _PARSER)
    based: dict[str, str | None] = {}
    own: dict[str, bool] = {}  # whether a style's own right indent is not nil, where it sets one
    default = None
    right = [f"{_W}{a}" for a in ("right", "end", "rightChars", "endChars")]
    for style in root.iter(f"{_W}style"):
        sid = style.get(f"{_W}styleId") or ""
        if style.get(f"{_W}type") == "paragraph" and (style.get(f"{_W}default") or "").lower() in _ON:
            default = sid
        parent = style.find(f"{_W}basedOn")
        based[sid] = parent.get(f"{_W}val") if parent is not None else None
        ind = style.find(f"{_W}pPr/{_W}ind")
        values = [v for a in right if ind is not None and (v := ind.get(a)) is not None]
        if values:
            own[sid] = any(v.strip() not in ("0", "") for v in values)
    resolved: dict[str, bool] = {}
    for sid in based:
        # each chain walked once: the styles on it take the answer of where it ends
        path: list[str] = []
        on_path: set[str] = set()
        at: str | None = sid
        while at is not None and at not in resolved and at not in own and at not in on_path:
            if len(path) == _STYLE_DEPTH:
                at = None
                break
            path.append(at)
            on_path.add(at)
            at = based.get(at)
        value = False if at is None or at in on_path else resolved.get(at, own.get(at, False))
        for step in path:
            resolved[step] = value
    out = {sid for sid in based if resolved.get(sid, own.get(sid, False))}
    if default is not None and default in out:
        out.add("")
    return out


def _nil_right(p: Any, indented: set[str]) -> bool:
    """State a right indent of nil on a cell's paragraph that inherits its right indent from
    the document defaults (nudged); whether it did."""
    ppr = p.find(f"{_W}pPr")
    style = ppr.find(f"{_W}pStyle") if ppr is not None else None
    if (style.get(f"{_W}val") if style is not None else "") in indented:
        return False
    if ppr is None:
        ppr = etree.Element(f"{_W}pPr")
        p.insert(0, ppr)
    ind = ppr.find(f"{_W}ind")
    if ind is None:
        at = max((k + 1 for k, child in enumerate(ppr) if child.tag in _BEFORE_IND), default=0)
        ind = etree.Element(f"{_W}ind")
        ppr.insert(at, ind)
    if any(ind.get(f"{_W}{a}") is not None for a in ("right", "end", "rightChars", "endChars")):
        return False
    ind.set(f"{_W}right", "0")
    return True


def _nudged(ind: Any, *, unset: bool = False) -> bool:
    """Give ``ind`` the nudge where its right (end) indent is nil — or, with ``unset``, not
    set at all; whether it did."""
    right = [f"{_W}{a}" for a in ("right", "end", "rightChars", "endChars")]
    values = {a: ind.get(a) for a in right if ind.get(a) is not None}
    if values and any(v.strip() not in ("0", "") for v in values.values()):
        return False  # a right indent of its own: LibreOffice prints its hung marks
    if not values and not unset:
        return False  # inherited from its style or the defaults
    for a in values:
        del ind.attrib[a]
    ind.set(f"{_W}right", str(RIGHT_NUDGE_TWIPS))
    return True


def _nudge_defaults(root: Any) -> bool:
    """The document defaults' paragraph properties with the nudge where they set no right indent."""
    defaults = root.find(f"{_W}docDefaults")
    if defaults is None:
        defaults = etree.Element(f"{_W}docDefaults")
        root.insert(0, defaults)
    ppr_default = defaults.find(f"{_W}pPrDefault")
    if ppr_default is None:
        ppr_default = etree.SubElement(defaults, f"{_W}pPrDefault")
    ppr = ppr_default.find(f"{_W}pPr")
    if ppr is None:
        ppr = etree.SubElement(ppr_default, f"{_W}pPr")
    ind = ppr.find(f"{_W}ind")
    if ind is None:
        at = max((k + 1 for k, child in enumerate(ppr) if child.tag in _BEFORE_IND), default=0)
        ind = etree.Element(f"{_W}ind")
        ppr.insert(at, ind)
    return _nudged(ind, unset=True)


def _paragraph_of(t: Any) -> Any:
    node = t.getparent()
    while node is not None and node.tag != f"{_W}p":
        node = node.getparent()
    return node
