"""The reading order of a document's text, from the .docx and from the .md alike.

Both give the sequence of paragraphs and table cells (page numbers and empty spacer
paragraphs left out), so the two outputs can be compared block by block.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from wenshu.check.reading.ooxml import cell_text, element_text, typed_breaks, without_own_line_ends
from wenshu.render.docx import NOTE_NUMBER, inline_runs, parser
from wenshu.roles import Style

_SPACE = re.compile(r"[\s\u3000]+")


def normalise(text: str) -> str:
    """Fold every run of white space (tabs, full-width spaces) to one space."""
    return _SPACE.sub(" ", text).strip()


def _untabbed(text: str) -> str:
    """A 附件说明 line without the tab wenshu's .docx puts after its “1.” (a tab stop
    aligning the name, not text: the Markdown has none)."""
    m = NOTE_NUMBER.match(text)
    return text[: m.end()] + text[m.end() + 1 :] if m and text[m.end() : m.end() + 1] == "\t" else text


def docx_blocks(source: str | Path | bytes) -> list[str]:
    """Paragraph and table-cell texts of a .docx in reading order.

    A first-page header (the 信函格式 mark) is read first, as it prints first.
    """
    doc = Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    blocks: list[str] = []
    section = doc.sections[0]
    if section.different_first_page_header_footer:
        for p in section.first_page_header._element.iter(qn("w:p")):
            blocks.append(normalise(element_text(p)))
    for element in doc.element.body:
        if element.tag == qn("w:p"):
            text = element_text(element)
            if (
                element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}[@{qn('w:val')}='{Style.ATTACHMENT_NOTE}']")
                is not None
            ):
                text = without_own_line_ends(element, text)  # a name's printed line ends: not in the .md
            blocks.append(normalise(_untabbed(text)))
        elif element.tag == qn("w:tbl"):
            for cell in element.iter(qn("w:tc")):
                text = cell_text([element_text(p) for p in cell.iter(qn("w:p"))], typed_breaks(cell))
                blocks.append(normalise(text))
    return [b for b in blocks if b]


def markdown_blocks(markdown: str) -> list[str]:
    """Paragraph, heading and table-cell texts of wenshu's Markdown in reading order."""
    blocks: list[str] = []
    tokens = parser().parse(markdown)
    for tok in tokens:
        if tok.type == "inline":
            blocks.append(normalise(inline_runs(tok).text))
    return [b for b in blocks if b]
