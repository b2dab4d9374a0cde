"""The offline copy: what LibreOffice is given instead of a user's file, with every external
resource it could fetch removed — linked images, attached templates, linked OLE objects, frames,
sub-documents, INCLUDEPICTURE/INCLUDETEXT/LINK fields (.docx, :func:`offline_copy`); an .odt's
XForms models and references outside it (:func:`offline_odf`); a web page's links, pictures,
style sheets and frames (:func:`offline_html`), a flat OpenDocument or Word 2003 XML file
(:func:`offline_xml`), an RTF file's linked pictures (:func:`offline_rtf`) and a binary .doc's
fetching fields (:func:`offline_binary_fields`); SVG and EPS pictures made inert.
:class:`wenshu.office.libreoffice.LibreOffice` converts only such copies.
"""

from __future__ import annotations

import base64
import codecs
import html
import html.parser
import io
import posixpath
import re
import urllib.parse
import zipfile
import zlib
from typing import Any

from lxml import etree

from wenshu.errors import Problem, WenshuError
from wenshu.safezip import DOCX_MAX_MEMBER_BYTES, DOCX_MAX_TOTAL_BYTES, open_package


def offline_input(data: bytes, label: str, suffix: str) -> tuple[bytes, str]:
    """A file given for conversion to .docx (.doc, .wps, .odt, .rtf; ``suffix`` its own), as
    the copy LibreOffice may open and the suffix to give it. LibreOffice goes by the content,
    not the name, and so does this: a zip (.odt, or a .docx by another name), an RTF file, a
    web page or a flat XML file is rewritten offline; a binary .doc or .wps, which cannot be,
    is refused when it holds an SVG or EPS picture and has its fetching fields blanked — the
    rest is left to the profile (:data:`wenshu.office.libreoffice.PROFILE_SETTINGS`)."""
    if data.startswith(b"PK"):
        return offline_package(data, label)
    if data[:64].lstrip().startswith(b"{\\rtf"):
        _refuse_deep_rtf(data, label)
        return offline_rtf(data), ".rtf"
    if is_html(data):
        return offline_html(data, label), suffix
    if is_xml(data):
        return offline_xml(data, label), suffix
    if _holds_svg(data):
        raise WenshuError(Problem(label, _SVG_IN_BINARY))
    if _EPS_TAG.search(data):
        raise WenshuError(Problem(label, _EPS_IN_BINARY))
    return offline_binary_fields(data), suffix


_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Relationship types an external target may keep: a hyperlink is only followed on a click.
_KEEP_EXTERNAL = ("/hyperlink",)
# The elements that name a hyperlink's relationship (WordprocessingML, DrawingML); an external
# hyperlink's id used anywhere else loads what it names.
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_HYPERLINKS = frozenset(
    (f"{{{_W}}}hyperlink", f"{{{_A}}}hlinkClick", f"{{{_A}}}hlinkHover", f"{{{_A}}}hlinkMouseOver")
)
# The namespaces of attributes naming a relationship by its id (transitional and strict OOXML).
_RELATIONSHIP_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
# Fields whose instruction makes Word or LibreOffice load another file or address (ECMA-376
# §17.16.5): INCLUDEPICTURE, INCLUDETEXT, LINK, IMPORT (an old INCLUDEPICTURE), DDE, DDEAUTO.
_FETCHING_FIELDS = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|IMPORT|DDE|DDEAUTO)\b", re.IGNORECASE)
# Attributes that name a place to fetch from by themselves, without a relationship: VML's
# src and o:href/o:althref (v:imagedata, v:fill, v:stroke …). Emptied when they hold a URL of
# a scheme LibreOffice can load, a UNC path or a drive path. Other attributes hold URIs that
# only name things (a:graphicData/@uri names the picture schema) and stay.
_FETCHING_ATTRIBUTES = ("src", "href", "althref")
_FETCHABLE = re.compile(
    r"^\s*((https?|ftps?|sftp|file|smb|davs?|webdav|vnd\.sun\.star\.[a-z.]+|macro|private):|\\\\|//|[a-z]:[\\/])",
    re.IGNORECASE,
)
_INERT_FIELD = 'QUOTE ""'
# Letters merged for printing (wenshu batch --merge) carry a header part (and its relationships)
# per letter: far more parts than a document a user hands to the checker (which has checked
# those against safezip.MAX_MEMBERS before rendering).
_MAX_PARTS = 100_000
# SVG pictures (see _is_svg): how far LibreOffice looks for the svg element, gzip's signature,
# and the attributes naming what to load (xlink:href, href, src, xml:base).
_SVG_SNIFF_BYTES = 2048
_GZIP = b"\x1f\x8b"
_SVG_REFERENCES = frozenset(("href", "src", "base"))
_SVG_TAG = re.compile(rb"<svg", re.IGNORECASE)
# EPS pictures (PostScript, a program in its own right): LibreOffice hands one to Ghostscript,
# pstoedit or ImageMagick found on PATH to draw it (see _EPS_TOOLS). It knows one by the DOS
# EPS signature (C5 D0 D3 C6) or "%!PS-Adobe" at its start; a part with either, or "%!PS"
# anywhere in its first bytes, is replaced in the copy by a blank picture of the same size on
# the page (every system, where the stand-ins of _stand_in_tools work only where a shell
# script runs), and a binary file holding one anywhere is refused.
_EPS_TAG = re.compile(rb"%!PS|\xc5\xd0\xd3\xc6")
# An embedded object's document (a zip: .docx, .xlsx, .odt …; an OLE storage: .bin, .doc):
# LibreOffice opens it to lay it out, with whatever it links or holds (an SVG picture reading
# a local file). The page shows the object by its picture (v:imagedata, an EMF), which stays.
_EMBEDDED = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
# Where a gzip stream (1f 8b, deflate) or a zlib stream (78 01/5e/9c/da) may begin, and how
# many of them a binary file is looked into (a 20 MB file of random bytes has ~1,300).
_PACKED = re.compile(rb"\x1f\x8b\x08|\x78[\x01\x5e\x9c\xda]")
_MAX_PACKED_TRIES = 100_000
_SVG_IN_BINARY = (
    "文件中有 SVG 图片（旧版 .doc、.wps 文件本不会有）：LibreOffice 打开时会读取它所指的本机文件，"
    "已拒绝；请在 Word 或 WPS 中另存为 .docx 后再导入"
)
_EPS_IN_BINARY = (
    "文件中有 EPS（PostScript）图片：LibreOffice 打开时会把它交给 Ghostscript 等程序运行，"
    "已拒绝；请在 Word 或 WPS 中另存为 .docx 后再导入"
)
# A transparent 1×1 PNG: what an SVG that cannot be made safe is replaced by.
_BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b4944415478da636000020000050001e9fadcd80000000049454e44ae426082"
)
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def offline_copy(data: bytes, label: str) -> bytes:
    """``data`` (a .docx) with nothing left that would make LibreOffice fetch a resource.

    External relationships other than hyperlinks are removed (linked pictures, attached
    templates, linked OLE objects, frames, sub-documents, mail-merge sources), and so is a
    hyperlink's that something other than a hyperlink uses (LibreOffice loads a picture by
    the id, whatever the type says); fetching fields are turned into plain text fields, and
    attribute values naming a URL or a path are emptied. An SVG picture's references are
    emptied (:func:`_offline_svg`), and an embedded object's document is emptied (its picture
    shows it); no embedded font is named (:data:`_EMBEDDED_FONTS`). What prints is unchanged
    except where the document would have fetched or used a font of its own.
    """
    package = open_package(
        data, label, max_member=DOCX_MAX_MEMBER_BYTES, max_total=DOCX_MAX_TOTAL_BYTES, max_members=_MAX_PARTS
    )
    out = io.BytesIO()
    # the relationship ids each part names outside hyperlinks: those it loads
    used: dict[str, set[str]] = {}
    names = package.namelist()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        # the parts before their relationships, which are judged by what the parts use
        for name in [n for n in names if not n.endswith(".rels")] + [n for n in names if n.endswith(".rels")]:
            content = package.read(name)
            if name.endswith(".rels"):
                content = _without_external(content, label, name, used.get(_rels_source(name)))
                zout.writestr(name, content)
                continue
            if content.startswith(_EMBEDDED):
                content = b""  # an embedded document: drawn by its picture, never opened
            elif not (name.startswith("word/") and name.endswith(".xml")):
                offline = _offline_picture(content)  # an SVG's references emptied, an EPS blank
                content = content if offline is None else offline
            # Every part named .xml, in whatever encoding (LibreOffice reads UTF-16 or -32 without
            # a byte-order mark too); by content besides: a relationship may name any part as
            # the document, and an SVG picture made offline may still be taken for one.
            if name.endswith(".xml"):
                used[name] = set()
                content = _without_fetching(content, label, name, used[name])
            elif _looks_xml(content):
                used[name] = set()
                try:
                    content = _without_fetching(content, label, name, used[name])
                except WenshuError:
                    # Not XML read safely: an HTML part a w:altChunk brings in (afchunk.htm,
                    # which may load pictures), or anything else that only starts with "<".
                    # Blanked as an embedded document is: the file is laid out without it.
                    content = b""
            zout.writestr(name, content)
    package.close()
    return out.getvalue()


def _offline_picture(content: bytes) -> bytes | None:
    """What an SVG picture (its references emptied) or an EPS picture (a blank one) becomes in
    the offline copy; None for anything else, which is copied as it is."""
    if _is_svg(content):
        return _offline_svg(content)
    if _is_eps(content):
        return _BLANK_PNG
    return None


def _is_eps(content: bytes) -> bool:
    """Whether LibreOffice could take the part ``content`` for an EPS picture (see :data:`_EPS_TAG`)."""
    return _EPS_TAG.search(content, 0, _SVG_SNIFF_BYTES) is not None


def _is_svg(content: bytes) -> bool:
    """Whether LibreOffice takes the part ``content`` for an SVG picture, as its format
    detection does (vcl's GraphicFormatDetector): ``<svg`` in the first 2 KB, or a DOCTYPE
    naming svg in the first 256 bytes, gzip-compressed (.svgz) or not; whatever the part's
    name, type or first bytes (its detection tries other formats first, and goes on when
    they do not match)."""
    head = _gunzipped(content, _SVG_SNIFF_BYTES) if content.startswith(_GZIP) else content[:_SVG_SNIFF_BYTES]
    if head is None:
        return False
    head = head.lower()
    return b"<svg" in head or (b"doctype" in head[:256] and b"svg" in head[:256])


def _holds_svg(data: bytes) -> bool:
    """Whether the binary file ``data`` (a .doc, .wps) holds a picture LibreOffice would take
    for an SVG: ``<svg`` anywhere (a picture is stored as it is), or a gzip or zlib stream
    (an .svgz, a packed metafile) that unpacks to one. Word and WPS never write SVG into
    these formats (Word saving as .doc turns an SVG into a PNG), so only a made-up file does."""
    if _SVG_TAG.search(data):
        return True
    view = memoryview(data)
    for tries, found in enumerate(_PACKED.finditer(data)):
        if tries >= _MAX_PACKED_TRIES:
            return True  # more packed streams than any real document: not judged, not opened
        start = found.start()
        wbits = 16 + zlib.MAX_WBITS if data[start] == 0x1F else zlib.MAX_WBITS
        try:
            head = zlib.decompressobj(wbits).decompress(view[start : start + 65536], _SVG_SNIFF_BYTES)
        except zlib.error:
            continue
        if _SVG_TAG.search(head):
            return True
    return False


def _gunzipped(content: bytes, limit: int) -> bytes | None:
    """At most ``limit`` bytes of the gzip stream ``content`` unpacked, or None when it is
    not one (a gzip bomb unpacks no further than ``limit``)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(content, limit)
    except zlib.error:
        return None


def _offline_svg(content: bytes) -> bytes:
    """The SVG picture ``content`` without what LibreOffice would load with it: it reads the
    ``file:`` URL an ``<image>`` names (a local picture drawn onto the page, or a file probed).
    Every reference but one inside the picture (``#id``) or carrying its data (``data:``)
    is emptied; an SVG that cannot be read safely (a DTD, entities, broken XML, packed past
    the part's limit) becomes a transparent pixel, laid out at the size the document gives
    the picture: the render measures the page, not the picture."""
    text = _gunzipped(content, DOCX_MAX_MEMBER_BYTES + 1) if content.startswith(_GZIP) else content
    if text is None or len(text) > DOCX_MAX_MEMBER_BYTES or b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        return _BLANK_PNG
    try:
        root = etree.fromstring(text, _SAFE_XML)
    except (etree.XMLSyntaxError, ValueError):
        return _BLANK_PNG
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for key, value in el.attrib.items():
            inside = value.strip().lower().startswith(("#", "data:"))
            if key.rpartition("}")[2] in _SVG_REFERENCES and not inside:
                el.set(key, "")
    return _xml_bytes(root)


# The encodings an XML parser tells from a document's first bytes (XML 1.0 appendix F), with
# or without a byte-order mark; and the first bytes of "<?xm" in the others libxml2 knows
# (UCS-4 in the unusual byte orders 2143 and 3412, EBCDIC).
_XML_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_XML_ODD_STARTS = (b"\x00\x00<\x00", b"\x00<\x00\x00", b"\x4c\x6f\xa7\x94")


def _looks_xml(content: bytes) -> bool:
    """Whether a part may be XML LibreOffice reads: whatever its name (a relationship may name
    ``main/body.bin`` as the document), text starting with ``<`` after a byte-order mark and
    white space, in any encoding told from the first bytes (UTF-16BE without a mark starts
    ``\\x00<``)."""
    head = content[:256]
    if head.startswith(_XML_ODD_STARTS):
        return True
    for encoding in _XML_ENCODINGS:
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if text.lstrip("\ufeff \t\r\n")[:1] == "<":
            return True
    return False


def _rels_source(rels: str) -> str:
    """The part whose relationships the part ``rels`` holds (``word/_rels/document.xml.rels``
    → ``word/document.xml``; ``_rels/.rels`` → the package, ``""``)."""
    folder, base = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), base.removesuffix(".rels"))


def _parse(content: bytes, label: str, name: str, undone: str = "未排版") -> Any:
    """The XML part ``name`` parsed without DTD or entities, or an error saying it was ``undone``."""
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise WenshuError(Problem(label, f"文件中的 {name} 部分含有 DTD 或实体声明，{undone}"))
    try:
        return etree.fromstring(content, _SAFE_XML)
    except (etree.XMLSyntaxError, ValueError):
        raise WenshuError(Problem(label, f"文件中的 {name} 部分已损坏，{undone}")) from None


def _xml_bytes(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _without_external(content: bytes, label: str, name: str, used: set[str] | None) -> bytes:
    """The relationships part ``content`` without the external targets LibreOffice would
    load; ``used`` holds the ids its part names outside hyperlinks (None: not read, so no
    external target of it is kept)."""
    root = _parse(content, label, name)
    changed = False
    for rel in list(root.iter(f"{{{_PKG_RELS}}}Relationship")):
        # LibreOffice trims the mode: " External" is external to it
        external = (rel.get("TargetMode") or "").strip().lower() == "external"
        hyperlink = (rel.get("Type") or "").endswith(_KEEP_EXTERNAL)
        if external and not (hyperlink and used is not None and rel.get("Id") not in used):
            rel.getparent().remove(rel)
            changed = True
    return _xml_bytes(root) if changed else content


def _without_fetching(content: bytes, label: str, name: str, used: set[str]) -> bytes:
    """The XML part ``content`` with its fetching fields made inert and its fetching
    attributes emptied; adds to ``used`` the relationship ids it names outside hyperlinks
    (r:embed, r:link, r:id …, VML's o:relid)."""
    root = _parse(content, label, name)
    changed = _inert_fields(root)
    for font in list(root.iter(*_EMBEDDED_FONTS)):
        font.getparent().remove(font)  # its part is then no font LibreOffice knows
        changed = True
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        hyperlink = el.tag in _HYPERLINKS
        for key, value in el.attrib.items():
            namespace, _, local = key.rpartition("}")
            if local in _FETCHING_ATTRIBUTES and _FETCHABLE.match(value):
                el.set(key, "")
                changed = True
            elif not hyperlink and (namespace[1:] in _RELATIONSHIP_NS or local == "relid"):
                used.add(value)
    return _xml_bytes(root) if changed else content


# A font a .docx embeds (fontTable's w:embedRegular …, an obfuscated .odttf part) or an .odt
# does (style:font-face's svg:font-face-src naming Fonts/…): LibreOffice writes it out and
# activates it for the rest of its run (strace: user/temp/embeddedfonts/fromdocs/<name>.ttf),
# so one file's font — FreeType parsing anyone's bytes — would stand for a font of the same
# name in every file laid out after it by the same LibreOffice (``check --render a b``, ``fix
# DIR``), and measure their pages. The copies hold none: the page uses the installed font or
# its stand-in (fonts.conf), as for any file that embeds nothing.
_EMBEDDED_FONTS = tuple(f"{{{_W}}}embed{style}" for style in ("Regular", "Bold", "Italic", "BoldItalic"))
_ODF_FONT_SOURCE = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}font-face-src"


def _inert_fields(root: Any) -> bool:
    """Turn fetching fields into ``QUOTE ""``; a complex field's instruction may be split over
    several w:instrText (and runs), so it is read whole between its w:fldChar marks."""
    changed = False
    instr_attr, char_type = f"{{{_W}}}instr", f"{{{_W}}}fldCharType"
    for el in root.iter(f"{{{_W}}}fldSimple"):
        if _FETCHING_FIELDS.match(el.get(instr_attr) or ""):
            el.set(instr_attr, _INERT_FIELD)
            changed = True
    open_fields: list[list[Any]] = []  # the w:instrText of each field begun and not yet ended
    for el in root.iter(f"{{{_W}}}fldChar", f"{{{_W}}}instrText"):
        if el.tag == f"{{{_W}}}instrText":
            if open_fields:
                open_fields[-1].append(el)
            elif _FETCHING_FIELDS.match(el.text or ""):
                el.text = _INERT_FIELD
                changed = True
            continue
        kind = el.get(char_type)
        if kind == "begin":
            open_fields.append([])
        elif kind == "end" and open_fields:
            pieces = open_fields.pop()
            if pieces and _FETCHING_FIELDS.match("".join(p.text or "" for p in pieces)):
                for piece in pieces:
                    piece.text = ""
                pieces[0].text = _INERT_FIELD
                changed = True
    return changed


# OpenDocument (an .odt converted for import): LibreOffice 7.4 loads an XForms model's
# instance with the document whatever its profile says, from the network or a local file;
# and a reference (xlink:href, src) may name a file outside the package or an address.
_XFORMS = "http://www.w3.org/2002/xforms"
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODF_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
# Elements whose reference is followed only on a click: text and drawing hyperlinks.
_ODF_CLICKED = frozenset((f"{{{_ODF_TEXT}}}a", f"{{{_ODF_DRAW}}}a"))
# Attributes naming what to load: xlink:href (pictures, objects, linked sections, templates,
# event scripts …), src (an XForms instance), action (a form's or submission's address).
_ODF_REFERENCES = ("href", "src", "action")
# A DDE link (a section's office:dde-source, a field's text:dde-connection-decl, a table's
# table:dde-link): with the application "soffice", LibreOffice opens the file its topic names —
# read-write, leaving its lock file (.~lock.<name>#) beside it — and loads what that file
# links in turn; a fresh profile hung there (seen with strace). Only the profile's "never
# update links" held it: the copy empties the application, topic and item.
_ODF_DDE = ("dde-application", "dde-topic", "dde-item")
_ODF_MIMETYPE = "mimetype"


def offline_package(data: bytes, label: str) -> tuple[bytes, str]:
    """A zip handed in for conversion (an .odt, or a .docx under another name: LibreOffice
    goes by the content) made offline, with the suffix to give it: ``(copy, ".odt")`` by
    :func:`offline_odf`, or ``(copy, ".docx")`` by :func:`offline_copy`."""
    package = open_package(data, label, max_member=DOCX_MAX_MEMBER_BYTES, max_total=DOCX_MAX_TOTAL_BYTES)
    ooxml = package.has("[Content_Types].xml")
    package.close()
    return (offline_copy(data, label), ".docx") if ooxml else (offline_odf(data, label), ".odt")


def offline_odf(data: bytes, label: str) -> bytes:
    """``data`` (an OpenDocument package) with nothing left that would make LibreOffice read
    anything but the package itself: XForms models are removed, and every reference outside
    the package (an address, an absolute path, a path going up) is emptied, but a
    hyperlink's, and so is every DDE link's application and topic (:data:`_ODF_DDE`). What
    prints is unchanged except where the document would have fetched.
    """
    package = open_package(data, label, max_member=DOCX_MAX_MEMBER_BYTES, max_total=DOCX_MAX_TOTAL_BYTES)
    names = package.namelist()
    manifest = "META-INF/manifest.xml"
    if package.has(manifest) and b"encryption-data" in package.read(manifest):
        package.close()
        raise WenshuError(Problem(label, "文件已设置密码（已加密），请另存一份不加密的文件"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        # OpenDocument wants the media type first and stored, as LibreOffice wrote it
        if _ODF_MIMETYPE in names:
            zout.writestr(zipfile.ZipInfo(_ODF_MIMETYPE), package.read(_ODF_MIMETYPE), zipfile.ZIP_STORED)
        for name in names:
            if name == _ODF_MIMETYPE:
                continue
            content = package.read(name)
            if name.endswith(".xml"):
                content = _odf_offline_part(content, label, name)
            elif (offline := _offline_picture(content)) is not None:  # a picture (Pictures/…, any name)
                content = offline
            zout.writestr(name, content)
    package.close()
    return out.getvalue()


def _odf_offline_part(content: bytes, label: str, name: str) -> bytes:
    """The XML part ``content`` without XForms models, embedded fonts and references outside
    the package."""
    root = _parse(content, label, name, "未转换")
    changed = False
    for model in list(root.iter(f"{{{_XFORMS}}}model", _ODF_FONT_SOURCE)):
        model.getparent().remove(model)  # an XForms model, or an embedded font (_EMBEDDED_FONTS)
        changed = True
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in _ODF_CLICKED:
            continue
        for key, value in el.attrib.items():
            local = key.rpartition("}")[2]
            if (local in _ODF_REFERENCES and not _inside_package(value)) or (local in _ODF_DDE and value):
                el.set(key, "")
                changed = True
        if el.tag.rpartition("}")[2] in _BASE64_PICTURES and el.text:
            changed |= _offline_base64_picture(el)
    return _xml_bytes(root) if changed else content


def _offline_base64_picture(el: Any) -> bool:
    """Make the picture held in base64 by ``el`` (a flat OpenDocument file's
    office:binary-data, a Word 2003 XML file's w:binData) offline if it is an SVG or an EPS
    (made blank); whether it was."""
    try:
        picture = base64.b64decode(el.text, validate=False)
    except ValueError:
        return False
    offline = _offline_picture(picture)
    if offline is None:
        return False
    el.text = base64.b64encode(offline).decode()
    return True


# Elements holding a picture in base64 in a flat OpenDocument file and a Word 2003 XML file.
_BASE64_PICTURES = frozenset(("binary-data", "binData"))
# A Word 2003 XML file names the pictures it holds (w:binData) "wordml://…": inside the file.
_WORDML = "wordml://"


def _inside_package(reference: str) -> bool:
    """Whether ``reference`` names a part of the package it is in ("Pictures/1.png",
    "./Object 1", a "#bookmark", a Word 2003 XML file's "wordml://" picture): a relative path,
    percent-decoded, that never goes up."""
    path = urllib.parse.unquote(reference).strip()
    if not path or path.startswith("#") or path.lower().startswith(_WORDML):
        return True
    return not (":" in path or "\\" in path or path.startswith("/") or ".." in path.split("/"))


# RTF: LibreOffice reads the picture an INCLUDEPICTURE field names from the local disk while
# importing, whatever its profile says, and embeds it. A field's instruction is the text of its
# {\*\fldinst …} group, which may be spelled with escapes (\'49 is "I", \u73 too).
_RTF_TOKEN = re.compile(
    rb"\\'([0-9a-fA-F]{2})|\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\(.)|([{}])|([^\\{}]+)", re.DOTALL
)
_INERT_RTF_FIELD = b'{\\*\\fldinst QUOTE ""}'
_NOT_HEX = re.compile(rb"[^0-9a-fA-F]")


# A binary .doc or .wps keeps a field's instruction in its text, after the field's begin mark
# (0x13) and before its separator or end (0x14, 0x15), in UTF-16LE or in 8-bit text. Under
# wenshu's profile LibreOffice reads no file an INCLUDEPICTURE names, but still asks after it
# (strace: access and stat of the path; of "/share/x.png" for file://127.0.0.1/share/x.png):
# on Windows, asking after \\server\share\x.png opens a connection to that server and offers
# the user's credentials (NTLM). The instruction of every fetching field is blanked in place.
_BINARY_FIELD_WORDS = (b"INCLUDEPICTURE", b"INCLUDETEXT", b"DDEAUTO", b"IMPORT", b"LINK", b"DDE")
# How far an instruction is blanked when no mark ends it (Word's are a few hundred characters).
_MAX_BINARY_INSTRUCTION = 4096


def _binary_field(wide: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """The begin mark of a fetching field and its keyword, and the rest of its instruction,
    in text whose characters are followed by ``wide`` (``b"\\x00"`` for UTF-16LE)."""
    words = b"|".join(b"".join(re.escape(bytes([c])) + wide for c in w) for w in _BINARY_FIELD_WORDS)
    begin = re.compile(rb"\x13" + wide + rb"(?:[ \t]" + wide + rb")*(?:" + words + rb")", re.IGNORECASE)
    unit = rb"(?:(?![\x13-\x15]\x00)..)" if wide else rb"[^\x13-\x15]"
    return begin, re.compile(unit + b"{0,%d}" % _MAX_BINARY_INSTRUCTION, re.DOTALL)


_BINARY_FIELDS = ((*_binary_field(b"\x00"), b" \x00"), (*_binary_field(b""), b" "))
# A linked picture's own record (PICF) in a .doc names the file again, as a Pascal string (a
# length byte, then 8-bit text): LibreOffice asks after that name too, field or not.
_PICTURE_NAME = re.compile(rb"(?:file|https?|ftps?|smb|davs?|webdav):|\\\\|//|[a-z]:[\\/]", re.IGNORECASE)


def offline_binary_fields(data: bytes) -> bytes:
    """``data`` (a binary .doc or .wps) with the instruction of every fetching field
    (INCLUDEPICTURE, INCLUDETEXT, LINK, IMPORT, DDE, DDEAUTO) turned to spaces, keyword and
    all, of the same length, up to the mark ending it: the file's structure is untouched, the
    field's shown result stays, and LibreOffice finds no name to look up. (An instruction
    split where the file's storage breaks the text into sectors is not found.)"""
    out: bytearray | None = None
    for begin, rest, space in _BINARY_FIELDS:
        for found in begin.finditer(data):
            start, end = found.start() + len(space), rest.match(data, found.end()).end()
            if out is None:
                out = bytearray(data)
            out[start:end] = space * ((end - start) // len(space))
    for found in _PICTURE_NAME.finditer(data, 2):
        # the record's zero bytes, the length, the name, then no more text: never a document's
        # own text (8-bit text holds no zero byte), which keeps its addresses
        start = found.start()
        end = start + data[start - 1]
        if (
            data[start - 2] == 0
            and found.end() < end < len(data)
            and min(data[start:end]) >= 0x20 > data[end]
        ):
            if out is None:
                out = bytearray(data)
            out[start:end] = b" " * (end - start)
    return data if out is None else bytes(out)


def _refuse_deep_rtf(data: bytes, label: str) -> None:
    """Refuse an RTF file whose groups nest deeper than :data:`_MAX_RTF_DEPTH`: LibreOffice's
    time grows faster than the depth (7.4: 1,000 levels 3 s, 10,000 13 s, 50,000 over 90 s;
    200,000, a 1 MB file, hung until the timeout). Escaped braces (``\\{``) are no groups."""
    depth = 0
    for brace in _RTF_BRACE.finditer(data):
        if brace[0] == b"{":
            depth += 1
            if depth > _MAX_RTF_DEPTH:
                message = (
                    f"RTF 分组嵌套超过 {_MAX_RTF_DEPTH} 层（正常文件不过几十层），"
                    "LibreOffice 转换会长时间无响应，未转换"
                )
                raise WenshuError(Problem(label, message))
        elif brace[0] == b"}":
            depth = max(depth - 1, 0)


# How deep an RTF file's groups may nest (Word's files: a few dozen levels), and its braces
# (an escaped one, or an escaped backslash before one, is text).
_MAX_RTF_DEPTH = 1000
_RTF_BRACE = re.compile(rb"\\[\\{}]|[{}]")


def offline_rtf(data: bytes) -> bytes:
    """``data`` (an RTF file) with every fetching field instruction (INCLUDEPICTURE,
    INCLUDETEXT, LINK, IMPORT, DDE) replaced by an inert ``QUOTE ""``; the field's shown
    result stays. Escapes are decoded as an RTF reader would, so no spelling slips through.
    A picture (``{\\pict …}``, hex or ``\\bin``) that is an SVG is made offline
    (:func:`_offline_svg`): LibreOffice reads the local file its ``<image>`` names and draws
    it into the picture it converts."""
    if b"fldinst" not in data and b"pict" not in data:
        return data
    spans: list[tuple[int, int, bytes]] = []  # (start, end, what replaces data[start:end])
    # per open group: [start, its instruction text if it is an fldinst group, \uc count,
    # the instruction its text belongs to (its own or an enclosing group's),
    # its picture data if it is a pict group (see _offline_rtf_picture)]
    stack: list[list[Any]] = []
    skip = 0  # characters still to skip after a \u (its fallback for readers without Unicode)
    pos = 0
    while pos < len(data):
        m = _RTF_TOKEN.match(data, pos)
        if m is None:  # a backslash ending the file
            break
        pos = m.end()
        hexbyte, word, param, symbol, brace, text = m.groups()
        if brace is not None:
            if brace == b"{":
                parent = stack[-1] if stack else [0, None, 1, None, None]
                stack.append([m.start(), None, parent[2], parent[3], None])
            elif stack:
                start, field, _, _, picture = stack.pop()
                if field is not None and _FETCHING_FIELDS.match("".join(field)):
                    spans.append((start, pos, _INERT_RTF_FIELD))
                elif picture:
                    spans.extend(_offline_rtf_picture(data, picture))
            skip = 0
            continue
        group = stack[-1] if stack else None
        if word is not None:
            if word == b"bin" and param:
                if group is not None and group[4] is not None:  # the word with its bytes
                    group[4].append((m.start(), pos + max(int(param), 0), pos))
                pos += max(int(param), 0)  # raw bytes, not RTF
            elif group is not None and word == b"pict":
                group[4] = []
            elif group is not None and word == b"fldinst":
                group[1] = group[3] = []
            elif group is not None and word == b"uc" and param:
                group[2] = max(int(param), 0)
            elif word == b"u" and param and group is not None:
                if group[3] is not None:
                    group[3].append(chr(int(param) % 0x10000))
                skip = group[2]
            continue
        if text is not None and group is not None and group[4] is not None:
            group[4].append((m.start(), pos, None))
        chars = (
            bytes.fromhex(hexbyte.decode()).decode("latin-1")
            if hexbyte
            else (symbol or text.replace(b"\r", b"").replace(b"\n", b"")).decode("latin-1")
        )
        dropped = min(skip, len(chars))
        skip -= dropped
        if group is not None and group[3] is not None:
            group[3].append(chars[dropped:])
    for start, field, _, _, picture in stack:  # groups left open at the end: they count too
        if field is not None and _FETCHING_FIELDS.match("".join(field)):
            spans.append((start, len(data), _INERT_RTF_FIELD))
            break
        if picture:
            spans.extend(_offline_rtf_picture(data, picture))
    out, end = [], 0
    for start, stop, replacement in sorted(spans):
        if start >= end:  # the outermost of nested fields
            out += [data[end:start], replacement]
            end = stop
    return b"".join(out) + data[end:]


def _offline_rtf_picture(
    data: bytes, pieces: list[tuple[int, int, int | None]]
) -> list[tuple[int, int, bytes]]:
    """The replacements making the picture whose data are ``pieces`` of ``data`` offline:
    none unless it is an SVG or an EPS; else its offline data (a blank picture for an EPS),
    written again in hex in place of the first piece, the others emptied. A piece is hex
    text (``(start, end, None)``) or a ``\\binN`` word with its raw bytes (``(start, end,
    where the bytes start)``)."""
    raw = [data[bytes_at:end] for _, end, bytes_at in pieces if bytes_at is not None]
    if raw:
        picture = b"".join(raw)
    else:
        digits = _NOT_HEX.sub(b"", b"".join(data[a:b] for a, b, _ in pieces))
        picture = bytes.fromhex(digits[: len(digits) // 2 * 2].decode())
    offline = _offline_picture(picture)
    if offline is None:
        return []
    (first, last, _), *rest = pieces
    # the space ends a control word the data may follow without one (after a line break)
    return [(first, last, b" " + offline.hex().encode()), *((a, b, b"") for a, b, _ in rest)]


# HTML (a web page saved as .doc, as many downloads are): LibreOffice 7.4 opens a file as HTML
# by its content, whatever its name, and reads while importing what the page names — a style
# sheet (<link href>) and a page background (<body background>) from the local disk, whatever
# its profile says (seen with strace). The copy it is given is rebuilt from the page's tokens
# (html.parser), keeping only the tags and attributes below, none of which names anything to
# load: a list of what is allowed, so that a reference not thought of (img, script, iframe,
# object, embed, frame, base, meta refresh, input …) goes as well. The page is read as
# Latin-1, byte for byte, so its own encoding (GB2312, UTF-8 …) passes through untouched, and
# its text is written back with every "<" escaped: LibreOffice sees no tag the parser did not.
_HTML_TAGS = frozenset(
    "html head body title meta style p div span br hr b i u s strike em strong font big small sub sup "
    "center blockquote pre code tt h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table thead tbody tfoot tr td th "
    "caption col colgroup a".split()
)
# Elements dropped with all they hold: they load something, or hold what only a browser runs
# (an empty element, such as embed or frame, goes as any tag not kept: alone).
_HTML_DROPPED = frozenset(
    "script iframe object applet frameset noframes xml svg math template select textarea".split()
)
_HTML_ATTRIBUTES = frozenset(
    "align valign width height colspan rowspan border cellpadding cellspacing class id lang dir style "
    "color face size bgcolor nowrap start type span name charset".split()
)
# CSS is kept only when it holds none of these (a url(), an @import, an image(), an escape that
# could spell either); a style sheet or style attribute holding one is dropped whole.
_CSS_FETCHING = ("url", "@import", "image", "\\", "expression", "behavior", "binding")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_HTML_TAG = re.compile(rb"<[A-Za-z!/?]")


def is_html(data: bytes) -> bool:
    """Whether LibreOffice could take ``data`` for a web page: it is not a package, an RTF file
    or a binary Word file, and holds a tag (``<`` then a letter, ``!``, ``/`` or ``?``) — more
    than LibreOffice asks (an HTML tag early in the file), so nothing it takes for one is missed.
    An XML document (a Word 2003 or flat OpenDocument file) is one only if it holds ``<html``."""
    if data.startswith((b"PK", _OLE_MAGIC)) or data[:64].lstrip().startswith(b"{\\rtf"):
        return False
    if data.startswith(_UTF16_BOMS):
        data = data.decode("utf-16", "replace").encode("utf-8", "replace")
    if _xml_declared(data):
        return b"<html" in data.lower()
    return _HTML_TAG.search(data) is not None


def is_xml(data: bytes) -> bool:
    """Whether ``data`` is an XML document (it opens with an XML declaration) but no web page
    (see :func:`is_html`): a flat OpenDocument file, a Word 2003 XML file."""
    return _xml_declared(data) and not is_html(data)


def _xml_declared(data: bytes) -> bool:
    """Whether ``data`` opens with an XML declaration, after any byte-order mark and space."""
    if data.startswith(_UTF16_BOMS):
        data = data[:512].decode("utf-16", "replace").encode("utf-8", "replace")
    return data.removeprefix(_UTF8_BOM).lstrip().startswith(b"<?xml")


def offline_xml(data: bytes, label: str) -> bytes:
    """``data`` (an XML document, see :func:`is_xml`) as :func:`offline_odf` leaves a package's
    part: no XForms model, no reference outside the file but a hyperlink's. LibreOffice reads a
    flat OpenDocument file as it does an .odt, and loads its XForms instance from the disk;
    a reference relative to the file finds nothing beside the copy it is given."""
    return _odf_offline_part(data, label, "XML")


def offline_html(data: bytes, label: str) -> bytes:
    """``data`` (a web page) rebuilt with only tags and attributes that load nothing (see
    :data:`_HTML_TAGS`): every link, picture, script, frame, object and url() is gone, the
    text and its plain formatting stay. A page in UTF-16 is refused: read byte for byte, its
    tags would not be seen."""
    if data.startswith(_UTF16_BOMS):
        raise WenshuError(
            Problem(
                label,
                "是 UTF-16 编码的网页（HTML）文件，无法安全转换；请用 Word 或浏览器另存为 .docx 后再导入",
            )
        )
    bom = _UTF8_BOM if data.startswith(_UTF8_BOM) else b""
    rebuilt = _OfflineHtml()
    rebuilt.feed(data[len(bom) :].decode("latin-1"))
    rebuilt.close()
    if rebuilt.unclosed is not None:
        # Everything after it is inside it (a script's text, to a browser too): dropped with
        # it, the rest of the page would be missing from the import without a word.
        tag, line, column = rebuilt.unclosed
        raise WenshuError(
            Problem(
                label,
                f"网页中的 <{tag}> 没有结束标记 </{tag}>，其后的内容都在它之内、不会显示，未导入；"
                f"请补上 </{tag}>，或在浏览器中打开后另存为 .docx 再导入",
                line,
                column,
            )
        )
    return bom + "".join(rebuilt.out).encode("latin-1", "xmlcharrefreplace")


def _css_inert(css: str) -> bool:
    """Whether the CSS ``css`` names nothing to load."""
    lowered = css.lower()
    return not any(word in lowered for word in _CSS_FETCHING)


class _OfflineHtml(html.parser.HTMLParser):
    """Writes back (into :attr:`out`) only what :func:`offline_html` keeps."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = ["<!DOCTYPE html>\n"]
        self.dropping = 0  # depth inside elements dropped whole
        # the outermost element dropped whole that is open: its tag, line and column (1-based)
        self.unclosed: tuple[str, int, int] | None = None
        self.style: list[str] | None = None  # a style sheet's text, while inside one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_DROPPED:
            if not self.dropping:
                line, offset = self.getpos()
                self.unclosed = (tag, line, offset + 1)
            self.dropping += 1
        elif not self.dropping and tag in _HTML_TAGS:
            if tag == "style":
                self.style = []
            else:
                self.out.append(self._tag(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.dropping and tag in _HTML_TAGS and tag != "style":
            self.out.append(self._tag(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_DROPPED:
            self.dropping = max(self.dropping - 1, 0)
            if not self.dropping:
                self.unclosed = None
        elif tag == "style" and self.style is not None:
            css, self.style = "".join(self.style), None
            if not self.dropping and _css_inert(css):
                self.out.append(f"<style>{css}</style>")
        elif not self.dropping and tag in _HTML_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.style is not None:
            self.style.append(data)
        elif not self.dropping:
            self.out.append(data.replace("<", "&lt;"))

    def handle_entityref(self, name: str) -> None:
        if not self.dropping and self.style is None:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.dropping and self.style is None:
            self.out.append(f"&#{name};")

    @staticmethod
    def _tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
        """The start tag ``tag`` with only the attributes that load nothing."""
        kept = {name: value or "" for name, value in attrs if name in _HTML_ATTRIBUTES}
        if kept.get("style") is not None and not _css_inert(kept["style"]):
            del kept["style"]
        if tag == "meta":  # the page's encoding only: no refresh, no other header
            given = dict(attrs)
            if (given.get("http-equiv") or "").lower() == "content-type":
                kept = {"http-equiv": "Content-Type", "content": given.get("content") or ""}
        written = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in kept.items())
        return f"<{tag}{written}>"
