"""Opening a .docx defensively: through :mod:`wenshu.safezip` (sizes bounded before anything is
inflated), every XML part parsed with entities off, no DTD, no network, and bounded in size."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from lxml import etree

from wenshu.check.reading.ooxml import PKG_NS
from wenshu.errors import Problem, WenshuError
from wenshu.safezip import DOCX_MAX_MEMBER_BYTES, DOCX_MAX_TOTAL_BYTES, MAX_MEMBERS, open_package

# A Word file is a zip whose sizes the checker does not trust (see safezip). The XML parts of
# a real 公文 are well under 1 MB; 32 MB is a book of several thousand pages.
MAX_PART_BYTES = 32 * 1024 * 1024
# Tags (counted as "<") in one XML part: the parsed tree costs ~150 bytes per element, so this
# keeps it near 300 MB whatever the part holds; a real document has a few hundred thousand.
MAX_PART_TAGS = 4_000_000
# The same for all parts of one file together (styles, numbering, headers, footers …), so that
# many parts each under the limit cannot add up to gigabytes of trees.
MAX_FILE_TAGS = 6_000_000
# Paragraphs in one part. Checking costs 0.2–0.5 ms a paragraph (more on a loaded machine), so
# 100,000 take under a minute; more is no 公文 (some 4,000 pages) and is refused at once
# rather than left to run for minutes.
MAX_PARAGRAPHS = 100_000
# Word's style inheritance runs a few levels deep (Normal → Heading 1 → …); a longer chain is
# generated, and following thousands of links for every property lookup is what hung.
MAX_STYLE_DEPTH = 32
# Entities are never resolved and no DTD is loaded: OOXML has no DTD, so one is refused outright.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
)
# libxml2's own words for what it refuses, and what a user is told instead.
_XML_ERRORS = (
    ("amplification", "实体展开过大（可能是恶意构造的“实体炸弹”）"),
    ("entity", "含有无法处理的实体引用"),
    ("huge", "结构过大或嵌套过深"),  # "Excessive depth in document: 256 use XML_PARSE_HUGE option"
    ("depth", "嵌套过深"),
    ("encoding", "字符编码有误"),
    ("Document is empty", "内容是空的"),
    ("Start tag expected", "不是 XML"),
    ("Premature end", "内容不完整（文件被截断）"),
    ("not well-formed", "XML 格式有误"),
    ("mismatch", "XML 标签不配对"),
    ("Extra content", "XML 结尾有多余内容"),
)


def _xml_error(exc: etree.XMLSyntaxError) -> str:
    """libxml2's English message as a Chinese phrase, with the line it names."""
    text = str(exc).lower()
    phrase = next((cn for key, cn in _XML_ERRORS if key.lower() in text), "XML 格式有误")
    return f"{phrase}（第 {exc.lineno} 行）" if exc.lineno else phrase


class Package:
    """The parts of a .docx, read defensively (size limits, no entities, no network)."""

    def __init__(self, source: Path | bytes, name: str):
        self.name = name
        self.zip = open_package(
            source,
            name,
            max_member=DOCX_MAX_MEMBER_BYTES,
            max_total=DOCX_MAX_TOTAL_BYTES,
            max_members=MAX_MEMBERS,
        )
        self._xml: dict[str, Any] = {}
        self._tags = 0  # read so far, of all parts
        self.main = self._main_part()

    def has(self, part: str) -> bool:
        """Does the package hold ``part``?"""
        return self.zip.has(part)

    def xml(self, part: str) -> Any:
        """The parsed part (None when absent), or a Chinese error naming the file and the part."""
        if part in self._xml:
            return self._xml[part]
        if not self.zip.has(part):
            return None
        size = self.zip.size(part)
        if size > MAX_PART_BYTES:
            limit = MAX_PART_BYTES // 1048576
            raise self._bad(
                part, f"过大（{size / 1048576:.1f} MB，上限 {limit} MB），可能已损坏或是恶意构造的"
            )
        data = self.zip.read(part)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise self._bad(part, "含有 DTD 或实体声明（Word 文件不会有），文件已损坏或是恶意构造的")
        tags = data.count(b"<")
        if tags > MAX_PART_TAGS:
            raise self._bad(part, f"元素过多（超过 {MAX_PART_TAGS} 个标签），不像一份公文")
        self._tags += tags
        if self._tags > MAX_FILE_TAGS:
            raise self._bad(part, f"读入后全文元素过多（超过 {MAX_FILE_TAGS} 个标签），不像一份公文")
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise self._bad(part, f"无法读取，文件已损坏：{_xml_error(exc)}") from None
        except (ValueError, MemoryError, RecursionError):
            raise self._bad(part, "无法读取，文件已损坏") from None
        self._xml[part] = root
        return root

    def _bad(self, part: str, what: str) -> WenshuError:
        return WenshuError(Problem(self.name, f"文件中的 {part} 部分{what}"))

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, target part) for ``part``."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, tuple[str, str]] = {}
        if root is None:
            return out
        for rel in root.iter(f"{{{PKG_NS}}}Relationship"):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External":
                continue
            resolved = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            out[rel.get("Id") or ""] = (rel.get("Type") or "", resolved)
        return out

    def _main_part(self) -> str:
        for rel_type, target in self.rels("").values():
            if rel_type.endswith("/officeDocument"):
                return target
        if self.has("word/document.xml"):
            return "word/document.xml"
        raise WenshuError(Problem(self.name, "不是有效的 Word 文件：找不到正文部分（word/document.xml）"))
