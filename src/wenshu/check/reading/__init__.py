"""Reading a .docx the way Word shows it: the public document model and the reader behind it.

======================  =================================================================
:mod:`.package`         opening the file safely (:mod:`wenshu.safezip`, bounded XML parts)
:mod:`.ooxml`           namespaces, attribute values, runs and their text
:mod:`.styles`          styles, ``w:basedOn`` chains, document defaults, font classes
:mod:`.numbering`       Word's automatic numbering: the labels it draws (一、 …), their levels
:mod:`.reader`          paragraphs, sections, header/footer parts, resolved properties
:mod:`.tables`          tables read as lines, cell margins and text boxes, table borders
:mod:`.borders`         paragraph borders and their length
:mod:`.shapes`          lines drawn as shapes (DrawingML, VML), text boxes' rules
:mod:`.fields`          fields (``PAGE`` in footers)
:mod:`.model`           the public model: :func:`read_document` → :class:`Document`
======================  =================================================================
"""

from __future__ import annotations

from wenshu.check.reading.model import (
    Cell,
    Document,
    HeaderFooter,
    Indents,
    Paragraph,
    Run,
    Section,
    Spacing,
    Table,
    document_of,
    read_document,
)
from wenshu.check.reading.ooxml import element_text

__all__ = [
    "Cell",
    "Document",
    "HeaderFooter",
    "Indents",
    "Paragraph",
    "Run",
    "Section",
    "Spacing",
    "Table",
    "document_of",
    "element_text",
    "read_document",
]
