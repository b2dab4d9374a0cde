"""Line-break hints in the copy of a .docx that LibreOffice lays out, never in the file delivered.

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
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from lxml import etree

#: UAX #14 class ZW: a break opportunity after it, nothing drawn.
BREAK_HINT = "\u200b"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The year of a 发文字号 in its 〔〕 and the serial's first digit after it; the year's digits
# may be typed full-width, and the brackets' runs split anywhere (hence the paragraph's text).
_CITED_SERIAL = re.compile(r"〔\s*\d{4}\s*〕(?=\d)")
_CLOSE = "〕".encode()
# The parts whose paragraphs print: the body, notes, headers and footers, comments.
_PRINTED_PART = re.compile(r"word/(document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)


def with_break_hints(data: bytes) -> bytes:
    """``data`` (a .docx, already made offline) with :data:`BREAK_HINT` after the “〕” of every
    发文字号 followed by its serial; the package unchanged (the same bytes) when there is none."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        changed: dict[str, bytes] = {}
        for name in package.namelist():
            if _PRINTED_PART.fullmatch(name):
                content = package.read(name)
                if _CLOSE in content:  # most parts cite nothing: not parsed
                    hinted = _hinted_part(content)
                    if hinted is not None:
                        changed[name] = hinted
        if not changed:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in package.infolist():
                copy.writestr(info, changed.get(info.filename) or package.read(info))
    return out.getvalue()


def _hinted_part(content: bytes) -> bytes | None:
    """A part's XML with the hints, or None if it cites no 发文字号."""
    root = etree.fromstring(content, _PARSER)
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
    if not hinted:
        return None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _paragraph_of(t: Any) -> Any:
    node = t.getparent()
    while node is not None and node.tag != f"{_W}p":
        node = node.getparent()
    return node
