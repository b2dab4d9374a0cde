"""A .docx read into what the importer needs: paragraphs and tables in reading order.

Every part goes through :mod:`wenshu.safezip` (declared sizes, compression ratio, encryption)
and a parser that resolves no entity and loads no DTD, with caps on the number of tags and
paragraphs, so a hostile file is refused in bounded time and memory with a Chinese message
naming it. Text boxes (a red header drawn in one) are read where they are anchored; Word's
automatic numbering is read as the label Word draws (:class:`wenshu.autonumber.AutoNumbering`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from wenshu.autonumber import AutoNumbering
from wenshu.errors import Problem, WenshuError
from wenshu.safezip import DOCX_MAX_MEMBER_BYTES, DOCX_MAX_TOTAL_BYTES, MAX_MEMBERS, open_package

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# The same ceilings as the checker's: a 公文 is a few hundred paragraphs; more than this is
# generated, and reading it whole is what a hostile file wants.
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_TAGS = 6_000_000
MAX_PARAGRAPHS = 100_000
MAX_STYLE_DEPTH = 32
MAX_TABLE_CELLS = 200_000

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(el: Any, attr: str = "val") -> str | None:
    return el.get(_w(attr)) if el is not None else None


def _on(el: Any) -> bool:
    return el is not None and _val(el) not in ("0", "false", "off")


@dataclass
class Para:
    """One paragraph as read: its text (Word's numbering label first) and the formatting
    the recogniser looks at."""

    index: int
    text: str
    lines: list[str]  # split at manual line breaks (a title's lines)
    label: str = ""  # the label Word's automatic numbering draws ("" when none)
    style: str = ""  # the style's name, lower case (公文标题, heading 1 …)
    style_id: str = ""
    align: str = ""  # resolved w:jc
    lead: str = ""  # leading text set apart by bold or its own font (a run-in heading)
    runs: tuple[str, ...] = ()  # the texts of its first runs
    red: bool = False
    size: float = 0.0  # the largest run size, in points
    boxed: bool = False  # read from a text box
    border_bottom: bool = False  # a paragraph border drawn under it (a rule)
    right_indent: int = 0  # twips
    section: int = 0  # which section (w:sectPr) it belongs to
    in_table: bool = False
    header: bool = False  # read from the first page's header


@dataclass
class Cell:
    """One table cell: its text, columns spanned, and its part in a vertical merge."""

    text: str
    span: int = 1
    vmerge: str = ""  # "restart", "continue" or ""


@dataclass
class Table:
    """A table in reading order; ``paras`` are its cells' paragraphs (for 版记 tables)."""

    index: int
    rows: list[list[Cell]]
    paras: list[Para] = field(default_factory=list)
    section: int = 0
    aligns: list[str] = field(default_factory=list)
    grid: list[int] = field(default_factory=list)  # column widths, twips (w:tblGrid)
    size: float = 0.0  # the largest text size in its cells, points


@dataclass
class Source:
    """A Word file read: its blocks in order and each section's orientation."""

    name: str
    blocks: list[Para | Table]
    landscape: dict[int, bool]


class _Styles:
    """Paragraph styles: name, base and the few properties the recogniser needs."""

    def __init__(self, root: Any):
        self.by_id: dict[str, Any] = {}
        self.default_id = ""
        if root is None:
            return
        for style in root.iter(_w("style")):
            if style.get(_w("type")) not in (None, "paragraph", "character"):
                continue
            sid = style.get(_w("styleId")) or ""
            self.by_id[sid] = style
            if style.get(_w("type")) == "paragraph" and _on_attr(style.get(_w("default"))):
                self.default_id = sid

    def chain(self, sid: str) -> list[Any]:
        """The style and its bases, nearest first, cut at a cycle or :data:`MAX_STYLE_DEPTH`."""
        out: list[Any] = []
        seen: set[str] = set()
        current = sid or self.default_id
        while current and current not in seen and len(out) < MAX_STYLE_DEPTH:
            seen.add(current)
            style = self.by_id.get(current)
            if style is None:
                break
            out.append(style)
            current = _val(style.find(_w("basedOn"))) or ""
        return out

    def name(self, sid: str) -> str:
        style = self.by_id.get(sid or self.default_id)
        return (_val(style.find(_w("name"))) or sid).lower() if style is not None else ""


def _on_attr(value: str | None) -> bool:
    return value in ("1", "true", "on")


def _flag(levels: list[Any], path: str) -> bool:
    """A toggle such as ``rPr/b`` along ``levels``: the nearest element decides; present
    without a value means on (ECMA-376 §17.7.3, toggle properties)."""
    tags = [_w(t) for t in path.split("/")]
    for el in levels:
        node = el
        for tag in tags:
            node = node.find(tag) if node is not None else None
        if node is not None:
            return _on(node)
    return False


def _first(levels: list[Any], path: str, attr: str = "val") -> str | None:
    """The first value of ``path`` (e.g. ``pPr/jc``) along ``levels`` (paragraph, styles)."""
    tags = [_w(t) for t in path.split("/")]
    for el in levels:
        node = el
        for tag in tags:
            node = node.find(tag) if node is not None else None
        if node is not None and node.get(_w(attr)) is not None:
            return node.get(_w(attr))
    return None


class _Reader:
    def __init__(self, source: Path | bytes, name: str):
        self.name = name
        self.zip = open_package(
            source, name, max_member=DOCX_MAX_MEMBER_BYTES, max_total=DOCX_MAX_TOTAL_BYTES, max_members=MAX_MEMBERS
        )
        self.tags = 0
        self.count = 0
        self.cells = 0
        main = self._main_part()
        self.main = main
        self.root = self.xml(main)
        folder = posixpath.dirname(main)
        self.styles = _Styles(self.xml(posixpath.join(folder, "styles.xml")))
        self.numbering = AutoNumbering(self.xml(posixpath.join(folder, "numbering.xml")))
        self.blocks: list[Para | Table] = []
        self.landscape: dict[int, bool] = {}
        self.section = 0
        self.first_runs: tuple[str, ...] = ()

    def bad(self, part: str, what: str) -> WenshuError:
        return WenshuError(Problem(self.name, f"文件中的 {part} 部分{what}"))

    def xml(self, part: str) -> Any:
        if not self.zip.has(part):
            return None
        size = self.zip.size(part)
        if size > MAX_PART_BYTES:
            raise self.bad(part, f"过大（{size / 1048576:.1f} MB），可能已损坏或是恶意构造的")
        data = self.zip.read(part)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise self.bad(part, "含有 DTD 或实体声明（Word 文件不会有），文件已损坏或是恶意构造的")
        self.tags += data.count(b"<")
        if self.tags > MAX_TAGS:
            raise self.bad(part, f"元素过多（全文超过 {MAX_TAGS} 个标签），不像一份公文")
        try:
            return etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise self.bad(part, f"无法读取，文件已损坏（XML 格式有误，第 {exc.lineno} 行）") from None
        except (ValueError, MemoryError, RecursionError):
            raise self.bad(part, "无法读取，文件已损坏") from None

    def _main_part(self) -> str:
        rels = self.xml("_rels/.rels")
        if rels is not None:
            for rel in rels.iter(f"{{{_PKG}}}Relationship"):
                if (rel.get("Type") or "").endswith("/officeDocument") and rel.get("TargetMode") != "External":
                    target = (rel.get("Target") or "").lstrip("/")
                    if self.zip.has(target):
                        return target
        if self.zip.has("word/document.xml"):
            return "word/document.xml"
        raise WenshuError(Problem(self.name, "不是有效的 Word 文件：找不到正文部分（word/document.xml）"))

    # -- reading ------------------------------------------------------------------------
    def read(self) -> Source:
        body = self.root.find(_w("body")) if self.root is not None else None
        if body is None:
            raise WenshuError(Problem(self.name, "不是有效的 Word 文件：正文部分没有 w:body"))
        final = body.find(_w("sectPr"))
        first_sect = next((p for p in body.iter(_w("sectPr"))), final)
        self.header(first_sect)
        self.container(body, False)
        self.landscape[self.section] = _landscape(final)
        return Source(self.name, self.blocks, self.landscape)

    def header(self, sect: Any) -> None:
        """The first page's header, read first: a 信函格式 红头 lives there (wenshu's own
        letters, and many units' templates)."""
        if sect is None:
            return
        refs = {ref.get(_w("type")): ref.get(f"{{{_R}}}id") for ref in sect.findall(_w("headerReference"))}
        first = sect.find(_w("titlePg")) is not None and _on(sect.find(_w("titlePg")))
        rid = refs.get("first") if first else refs.get("default")
        if not rid:
            return
        rels = self.xml(posixpath.join(posixpath.dirname(self.main), "_rels", posixpath.basename(self.main) + ".rels"))
        target = None
        for rel in rels.iter(f"{{{_PKG}}}Relationship") if rels is not None else ():
            if rel.get("Id") == rid and rel.get("TargetMode") != "External":
                target = posixpath.normpath(posixpath.join(posixpath.dirname(self.main), rel.get("Target") or ""))
        root = self.xml(target) if target else None
        if root is None:
            return
        for p in root.iter(_w("p")):
            if any(a.tag == _w("txbxContent") for a in _ancestors(p, root)):
                continue
            para = self.paragraph(p, False)
            if para is not None:
                para.header = True

    def container(self, el: Any, in_table: bool) -> None:
        for child in el:
            tag = child.tag
            if tag == _w("p"):
                self.paragraph(child, in_table)
            elif tag == _w("tbl"):
                self.table(child)
            elif tag in (_w("sdt"), _w("customXml"), _w("ins")):
                content = child.find(_w("sdtContent")) if tag == _w("sdt") else child
                if content is not None:
                    self.container(content, in_table)

    def paragraph(self, p: Any, in_table: bool, boxed: bool = False) -> Para | None:
        self.count += 1
        if self.count > MAX_PARAGRAPHS:
            raise WenshuError(Problem(self.name, f"段落过多（超过 {MAX_PARAGRAPHS} 段），不像一份公文"))
        # Text boxes anchored here come first: a header drawn in a box sits above the text.
        for box in _boxes(p):
            for inner in box.iter(_w("p")):
                if not any(a.tag == _w("txbxContent") for a in _ancestors(inner, box)):
                    self.paragraph(inner, in_table, boxed=True)
        ppr = p.find(_w("pPr"))
        sid = _val(ppr.find(_w("pStyle"))) if ppr is not None else None
        sid = sid or self.styles.default_id
        chain = self.styles.chain(sid)
        levels = ([p] if ppr is not None else []) + chain
        lines, lead, red, size = self.runs(p, chain)
        text = "".join(lines)
        label = ""
        num_id = _first(levels, "pPr/numPr/numId")
        if num_id is not None:
            ilvl = int(_digits(_first(levels, "pPr/numPr/ilvl")) or 0)
            label = self.numbering.label(num_id, min(ilvl, 8))
        para = Para(
            index=len(self.blocks),
            text=label + text,
            lines=[label + lines[0], *lines[1:]] if label else lines,
            label=label,
            style=self.styles.name(sid),
            style_id=sid or "",
            align=_first(levels, "pPr/jc") or "",
            lead=lead,
            runs=self.first_runs,
            red=red,
            size=size,
            boxed=boxed,
            border_bottom=_first(levels, "pPr/pBdr/bottom") not in (None, "nil", "none"),
            right_indent=_int(_first(levels, "pPr/ind", "right")),
            section=self.section,
            in_table=in_table,
        )
        if not in_table:
            self.blocks.append(para)
        sect = ppr.find(_w("sectPr")) if ppr is not None else None
        if sect is not None:
            self.landscape[self.section] = _landscape(sect)
            self.section += 1
        return para

    def runs(self, p: Any, chain: list[Any]) -> tuple[list[str], str, bool, float]:
        """The paragraph's own text split at line breaks, its set-apart lead (see
        :attr:`Para.lead`), whether any run is red, and the largest size."""
        lines = [""]
        looks: list[tuple[str, tuple[bool, str]]] = []  # (text, (bold, East Asian font)) per run
        red = False
        size = 0.0
        for run in _own_runs(p):
            rpr = run.find(_w("rPr"))
            rstyle = _val(rpr.find(_w("rStyle"))) if rpr is not None else None
            levels = ([run] if rpr is not None else []) + self.styles.chain(rstyle or "") + chain
            text = ""
            for el in run:
                if el.tag == _w("t"):
                    text += el.text or ""
                elif el.tag == _w("tab"):
                    text += " "
                elif el.tag in (_w("br"), _w("cr")) and el.get(_w("type")) in (None, "textWrapping"):
                    lines[-1] += text
                    text = ""
                    lines.append("")
            lines[-1] += text
            if not text.strip():
                continue
            font = _first([run] + self.styles.chain(rstyle or ""), "rPr/rFonts", "eastAsia") or ""
            looks.append((text, (_flag(levels, "rPr/b"), font)))
            if _is_red((_first(levels, "rPr/color") or "").upper()):
                red = True
            half = _int(_first(levels, "rPr/sz"))
            if half:
                size = max(size, half / 2)
        self.first_runs = tuple(t for t, _ in looks[:2])
        return lines, _lead(looks), red, size

    def table(self, tbl: Any) -> None:
        rows: list[list[Cell]] = []
        paras: list[Para] = []
        aligns: list[str] = []
        for tr in tbl.iter(_w("tr")):
            if _nearest_table(tr) is not tbl:
                continue
            row: list[Cell] = []
            for tc in tr.findall(_w("tc")):
                self.cells += 1
                if self.cells > MAX_TABLE_CELLS:
                    raise WenshuError(Problem(self.name, f"表格单元格过多（超过 {MAX_TABLE_CELLS} 个），不像一份公文"))
                tcpr = tc.find(_w("tcPr"))
                span = _int(_val(tcpr.find(_w("gridSpan"))) if tcpr is not None else None) or 1
                vm = tcpr.find(_w("vMerge")) if tcpr is not None else None
                vmerge = "" if vm is None else ("restart" if _val(vm) == "restart" else "continue")
                texts = []
                for p in tc.iter(_w("p")):
                    if _nearest_table(p) is not tbl:
                        continue
                    para = self.paragraph(p, True)
                    if para is not None:
                        paras.append(para)
                        texts.extend(line.strip() for line in para.lines)
                        if len(rows) == 1 and len(aligns) < len(row) + 1:
                            aligns.append(para.align)
                row.append(Cell("\n".join(t for t in texts if t), min(span, 64), vmerge))
            rows.append(row)
        grid_el = tbl.find(_w("tblGrid"))
        grid = [_int(_val(col, "w")) for col in grid_el.findall(_w("gridCol"))] if grid_el is not None else []
        size = max((p.size for p in paras), default=0.0)
        self.blocks.append(Table(len(self.blocks), rows, paras, self.section, aligns, grid[:256], size))


def _lead(looks: list[tuple[str, tuple[bool, str]]]) -> str:
    """The leading text set apart from the rest by bold or by a font of its own — a run-in
    heading (wenshu writes a level-2 one in 楷体, others in bold) — or the whole text when
    it is all bold."""
    if not looks:
        return ""
    first = looks[0][1]
    if all(look == first for _, look in looks):
        return "".join(t for t, _ in looks) if first[0] else ""
    lead = ""
    for text, look in looks:
        if look != first:
            break
        lead += text
    return lead if first != looks[-1][1] else ""


def _digits(text: str | None) -> str:
    return text if text and text.isdigit() else ""


def _int(text: str | None) -> int:
    try:
        return int(text) if text else 0
    except ValueError:
        return 0


def _is_red(color: str) -> bool:
    if len(color) != 6:
        return False
    try:
        r, g, b = int(color[:2], 16), int(color[2:4], 16), int(color[4:], 16)
    except ValueError:
        return False
    return r >= 0xC0 and g <= 0x40 and b <= 0x40


def _landscape(sect: Any) -> bool:
    size = sect.find(_w("pgSz")) if sect is not None else None
    if size is None:
        return False
    return size.get(_w("orient")) == "landscape" or _int(size.get(_w("w"))) > _int(size.get(_w("h"))) > 0


def _ancestors(el: Any, stop: Any) -> list[Any]:
    out = []
    parent = el.getparent()
    while parent is not None and parent is not stop:
        out.append(parent)
        parent = parent.getparent()
    return out


def _nearest_table(el: Any) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag != _w("tbl"):
        parent = parent.getparent()
    return parent


_SKIP = {_w("pPr"), _w("rPr"), _w("p"), _w("txbxContent"), _w("del"), f"{{{_MC}}}Fallback", _w("tbl")}


def _own_runs(p: Any) -> list[Any]:
    """The runs of ``p`` itself: not those in its text boxes, deletions or fallbacks."""
    out: list[Any] = []
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        if el.tag in _SKIP:
            continue
        if el.tag == _w("r"):
            out.append(el)
            stack.extend(c for c in reversed(list(el)) if c.tag not in (_w("t"), _w("tab"), _w("br"), _w("cr")))
            continue
        stack.extend(reversed(list(el)))
    return out


def _boxes(p: Any) -> list[Any]:
    """The text boxes anchored in ``p`` (each once: the VML fallback of a DrawingML box is skipped)."""
    out = []
    for box in p.iter(_w("txbxContent")):
        if any(a.tag == f"{{{_MC}}}Fallback" or a.tag == _w("txbxContent") for a in _ancestors(box, p)):
            continue
        out.append(box)
    return out


def read_docx(source: str | Path | bytes, name: str | None = None) -> Source:
    """Read the Word file ``source`` (a path or its bytes) called ``name`` in messages."""
    label = name or str(source if not isinstance(source, bytes) else "文件")
    data: Path | bytes = Path(source) if isinstance(source, str) else source
    reader = _Reader(data, label)
    try:
        return reader.read()
    finally:
        reader.zip.close()
