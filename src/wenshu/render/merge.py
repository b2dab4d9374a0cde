"""Merge finished .docx letters into one document for printing.

Each letter becomes its own section group: it starts on a new page, its first section
restarts page numbering at 1 (``<w:pgNumType w:start="1"/>``) and keeps its own first-page
header, so every letter prints exactly as it does alone — mark, 发文字号 and page numbers
included. Printed on both sides, as 公文 are, each letter starts on a front (odd) page: a
letter of an odd number of pages is followed by a blank page in a section of its own whose
header and footer are empty (no page number, as GB/T 9704 §7.5 has it for a blank page). A
section break of type oddPage (ECMA-376 §17.18.77) cannot do it: Word and LibreOffice both
take a section's first page as odd or even by its page number, and each letter's restarts
at 1, so neither inserts the blank page.

Letters from one batch share their frame, so styles and settings are taken from the first;
headers and footers that differ (another applicant's mark) are added as parts of their own.
"""

from __future__ import annotations

import copy
import posixpath
from collections.abc import Sequence
from typing import Any

from lxml import etree

from wenshu.errors import Problem, WenshuError
from wenshu.render.zipparts import ZipPart, read_zip, write_zip

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_HEADER_FOOTER = {f"{_R}/header": "header", f"{_R}/footer": "footer"}
_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}+xml"
# sectPr children that must follow w:pgNumType (ECMA-376 CT_SectPr sequence).
_AFTER_PG_NUM = {
    f"{{{_W}}}{t}"
    for t in (
        "cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid "
        "printerSettings sectPrChange"
    ).split()
}
_DOCUMENT = "word/document.xml"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EMPTY = {
    "header": f'{_XML_HEAD}<w:hdr xmlns:w="{_W}"><w:p/></w:hdr>',
    "footer": f'{_XML_HEAD}<w:ftr xmlns:w="{_W}"><w:p/></w:ftr>',
}
_DOCUMENT_RELS = "word/_rels/document.xml.rels"
_TYPES = "[Content_Types].xml"


# The letters are wenshu's own, but a part is still read as any XML should be: no entities
# resolved, no DTD, nothing fetched.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _parse(data: bytes) -> Any:
    return etree.fromstring(data, _PARSER)


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _target(rel: Any) -> str:
    return posixpath.normpath(posixpath.join("word", rel.get("Target")))


def restart_page_numbers(sect_pr: Any) -> None:
    """Make the section start at page 1."""
    pg = sect_pr.find(_w("pgNumType"))
    if pg is None:
        pg = etree.Element(_w("pgNumType"))
        follower = next((c for c in sect_pr if c.tag in _AFTER_PG_NUM), None)
        if follower is not None:
            follower.addprevious(pg)
        else:
            sect_pr.append(pg)
    pg.set(_w("start"), "1")


def _end_section_with(content: list[Any], sect_pr: Any) -> list[Any]:
    """Close a letter's last section inside its last paragraph, as Word does."""
    last = content[-1] if content else None
    if last is not None and last.tag == _w("p") and last.find(f"{_w('pPr')}/{_w('sectPr')}") is None:
        ppr = last.find(_w("pPr"))
        if ppr is None:
            ppr = etree.Element(_w("pPr"))
            last.insert(0, ppr)
        ppr.append(sect_pr)
        return content
    holder = etree.Element(_w("p"))
    etree.SubElement(holder, _w("pPr")).append(sect_pr)
    return [*content, holder]


class _Merged:
    """The package being assembled: the first letter's parts plus any new headers/footers."""

    def __init__(self, first: list[tuple[str, bytes]]):
        self.order = [name for name, _ in first]
        self.parts = dict(first)
        self.rels = _parse(self.parts[_DOCUMENT_RELS])
        self.types = _parse(self.parts[_TYPES])
        self.known: dict[tuple[str, bytes], str] = {}  # (rel type, part bytes) → rId
        for rel in self.rels:
            kind = _HEADER_FOOTER.get(rel.get("Type"))
            if kind:
                self.known[(rel.get("Type"), self.parts[_target(rel)])] = rel.get("Id")

    def reference(self, rel_type: str, blob: bytes, source: dict[str, bytes], source_part: str) -> str:
        """The rId of a header/footer with content ``blob``, adding the part if new."""
        key = (rel_type, blob)
        if key in self.known:
            return self.known[key]
        kind = _HEADER_FOOTER[rel_type]
        n = 1
        while f"word/{kind}{n}.xml" in self.parts:
            n += 1
        name = f"word/{kind}{n}.xml"
        rid = f"rIdWsMerge{len(self.known) + 1}"
        self.parts[name] = blob
        self.order.append(name)
        own_rels = _rels_path(source_part)
        if own_rels in source:
            self._copy_rels(own_rels, source, name)
        etree.SubElement(
            self.rels, f"{{{_PKG_RELS}}}Relationship", Id=rid, Type=rel_type, Target=f"{kind}{n}.xml"
        )
        etree.SubElement(
            self.types, f"{{{_CT}}}Override", PartName=f"/{name}", ContentType=_MIME.format(kind)
        )
        self.known[key] = rid
        return rid

    def _copy_rels(self, rels_name: str, source: dict[str, bytes], new_part: str) -> None:
        """A header's own relationships (a logo) must point at parts the merge already has."""
        for rel in _parse(source[rels_name]):
            if rel.get("TargetMode") == "External":
                continue
            target = _target(rel)
            if self.parts.get(target) != source.get(target):
                raise WenshuError(Problem(target, "各函的版头图片不同，无法合并为一个文件"))
        self.parts[_rels_path(new_part)] = source[rels_name]
        self.order.append(_rels_path(new_part))

    def package(self, document: Any) -> bytes:
        self.parts[_DOCUMENT] = etree.tostring(
            document, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        self.parts[_DOCUMENT_RELS] = etree.tostring(
            self.rels, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        self.parts[_TYPES] = etree.tostring(
            self.types, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        return write_zip([ZipPart.of(name, self.parts[name]) for name in self.order])


def _blank_page(merged: _Merged, model: Any) -> Any:
    """A paragraph ending a section of one blank page, laid out as ``model`` (a letter's
    sectPr) with empty headers and footers."""
    sect_pr = copy.deepcopy(model)
    for child in list(sect_pr):
        if child.tag in (_w("headerReference"), _w("footerReference"), _w("pgNumType"), _w("titlePg")):
            sect_pr.remove(child)
    at = 0
    for kind in ("header", "footer"):
        rel_type = f"{_R}/{kind}"
        rid = merged.reference(rel_type, _EMPTY[kind].encode("utf-8"), {}, f"word/{kind}.xml")
        for which in ("default", "even", "first"):
            ref = etree.Element(_w(f"{kind}Reference"))
            ref.set(_w("type"), which)
            ref.set(f"{{{_R}}}id", rid)
            sect_pr.insert(at, ref)
            at += 1
    holder = etree.Element(_w("p"))
    etree.SubElement(holder, _w("pPr")).append(sect_pr)
    return holder


def merge_docx(documents: list[bytes], pages: Sequence[int | None] | None = None) -> bytes:
    """One .docx holding ``documents`` in order, page numbers restarting for each; with
    ``pages`` (each letter's page count, None where not known), a blank page after each
    letter but the last that has an odd number of pages, so that the next starts on a
    front page."""
    if not documents:
        raise WenshuError(Problem("合并", "没有可合并的文件"))
    first = read_zip(documents[0])
    merged = _Merged(first)
    styles = merged.parts.get("word/styles.xml")
    root = _parse(merged.parts[_DOCUMENT])
    body = root.find(_w("body"))
    out: list[Any] = []
    final: Any = None
    for i, data in enumerate(documents):
        parts = merged.parts if i == 0 else dict(read_zip(data))
        if parts.get("word/styles.xml") != styles:
            raise WenshuError(Problem(f"第{i + 1}份", "与第1份的版式框架（样式）不同，无法合并为一个文件"))
        rels = {rel.get("Id"): rel for rel in _parse(parts[_DOCUMENT_RELS])}
        letter_body = _parse(parts[_DOCUMENT]).find(_w("body")) if i else copy.deepcopy(body)
        sections = list(letter_body.iter(_w("sectPr")))
        for sect_pr in sections:
            for ref in sect_pr:
                if ref.tag not in (_w("headerReference"), _w("footerReference")):
                    continue
                rel = rels[ref.get(f"{{{_R}}}id")]
                source_part = _target(rel)
                ref.set(
                    f"{{{_R}}}id", merged.reference(rel.get("Type"), parts[source_part], parts, source_part)
                )
        restart_page_numbers(sections[0])
        content = [c for c in letter_body if c.tag != _w("sectPr")]
        letter_final = letter_body.find(_w("sectPr"))
        if final is not None:
            out = _end_section_with(out, final)
            count = pages[i - 1] if pages is not None else None
            if count is not None and count % 2:
                out.append(_blank_page(merged, final))
        out.extend(content)
        final = letter_final
    for child in list(body):
        body.remove(child)
    for child in out:
        body.append(child)
    body.append(final)
    return merged.package(root)
