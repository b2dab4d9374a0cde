"""Check any Word file (.docx) against GB/T 9704-2012.

The checker reads the package through :mod:`wenshu.safezip` (sizes bounded before anything
is inflated) and lxml only (not python-docx, not wenshu's own writer), resolves every
property the way Word does (direct formatting → character style → paragraph style chain →
document defaults), identifies the elements of an
official document, and reports each deviation with its clause, where it is, what was
found and what the standard expects.

Elements are recognised by wenshu's own styles (``WsTitle`` …) when present, else by
style names (``标题 1``, ``heading 1``, ``Title``), else by content: the 发文字号
pattern, ordinals, dates, ``附件：``, ``抄送：`` … so files written by other offices can
be checked as well. Every expected value comes from :mod:`wenshu.layout`.

``check_files(..., render=True)`` (``wenshu check --render``) adds measurements of the pages LibreOffice
actually lays out, offline (nothing the document links to is fetched; see :mod:`wenshu.office.libreoffice`).
Every file gets a report: one that cannot be read says why, one that cannot be laid out keeps
its static findings.
"""

from __future__ import annotations

import json
import posixpath
import re
import statistics
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from wenshu import layout as L
from wenshu.autonumber import AutoNumbering
from wenshu.errors import Problem, WenshuError
from wenshu.extract import element_text
from wenshu.render.markdown import RUNIN_END
from wenshu.safezip import DOCX_MAX_MEMBER_BYTES, DOCX_MAX_TOTAL_BYTES, MAX_MEMBERS, open_package
from wenshu.text.dates import DateError, format_cn_date, parse_date
from wenshu.text.docnumber import DocNumberError, parse_doc_number
from wenshu.text.numbering import FORMS, chinese_number, ordinal
from wenshu.text.titles import line_width, printed_lines, title_problems

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_V = "urn:schemas-microsoft-com:vml"

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


_TWIPS_PER_MM = L.TWIPS_PER_MM
# Word stores lengths in whole twips; a margin written from millimetres may be off by
# this much without anyone having meant a different value.
_ROUNDING_MM = 0.5
# An indent counts as "n characters" within a quarter of a character.
_INDENT_SLACK = 0.25

_SIZE_NAMES = {
    L.TITLE_SIZE_PT: "二号",
    L.BODY_SIZE_PT: "三号",
    L.RECORD_SIZE_PT: "四号",
}


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _val(el: Any, attr: str = "val") -> str | None:
    return None if el is None else el.get(_w(attr))


def _on(el: Any) -> bool:
    return el is not None and _val(el) not in ("0", "false", "off")


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(float(value)) if value is not None else default
    except (ValueError, OverflowError):
        return default


# ECMA-376 §17.18.43 ST_HpsMeasure: font sizes in half-points; Word accepts 1 to 1,638 pt.
_MIN_HALF_POINTS, _MAX_HALF_POINTS = 2, 3276


def _half_points(value: str | None) -> float:
    """A ``w:sz`` in points, within what Word accepts (a size of 0 would divide by zero)."""
    return min(max(_int(value, 20), _MIN_HALF_POINTS), _MAX_HALF_POINTS) / 2


def _size_name(pt: float) -> str:
    name = _SIZE_NAMES.get(pt)
    return f"{name}（{pt:g} 磅）" if name else f"{pt:g} 磅"


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _has_cjk(text: str) -> bool:
    return any(_wide(ch) for ch in text)


# ---------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One check: its code (as reports and ``--select``/``--ignore`` name it), the clause of
    GB/T 9704 it applies, the element, a one-line title and its severity (``error``: the
    standard says so; ``warning``: the standard recommends, or a measurement on pages
    LibreOffice laid out, which Word may lay out a little differently)."""

    code: str
    clause: str
    element: str
    title: str
    severity: str = "error"
    render: bool = False  # found only by ``--render``


class RuleRegistry:
    """The checker's rules by code, in the manner of a linter's."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, code: str, clause: str, element: str, title: str, **kw: Any) -> None:
        """Add a rule; a code is registered once."""
        if code in self._rules:
            raise ValueError(f"rule {code} registered twice")
        self._rules[code] = Rule(code, clause, element, title, **kw)

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def get(self, code: str) -> Rule:
        """The rule of ``code`` (KeyError for an unknown one)."""
        return self._rules[code]

    def unknown(self, codes: list[str]) -> list[str]:
        """Those of ``codes`` that name no rule."""
        return [c for c in codes if c not in self._rules]


RULES = RuleRegistry()
for _code, _clause, _element, _title, _extra in (
    ("paper", "5.1", "纸张", "纸张为 A4", {}),
    ("margin-top", "5.2.1", "页边距", "天头 37 mm ± 1 mm", {}),
    ("margin-left", "5.2.1", "页边距", "订口 28 mm ± 1 mm", {}),
    ("text-width", "5.2.1", "版心", "版心宽 156 mm", {}),
    ("text-height", "5.2.1", "版心", "版心高 225 mm", {}),
    ("line-pitch", "5.2.3", "各要素", "行距使每面 22 行", {}),
    ("chars-per-line", "5.2.3", "各要素", "每行 28 字", {}),
    ("font", "5.2.2", "各要素", "字体符合要素的规定", {}),
    ("size", "5.2.2", "各要素", "字号符合要素的规定", {}),
    ("theme-font", "5.2.2", "各要素", "中文字体写明，不用主题字体", {}),
    ("no-font", "5.2.2", "各要素", "指定了中文字体", {}),
    ("mark-align", "7.2.4", "发文机关标志", "发文机关标志居中", {}),
    ("mark-color", "7.2.4", "发文机关标志", "发文机关标志为红色", {}),
    ("doc-number", "7.2.5", "发文字号", "发文字号写作“机关代字〔年份〕序号号”", {}),
    ("doc-number-align", "7.2.5", "发文字号", "发文字号位置（居中；上行文居左；信函居右）", {}),
    ("rule-missing", "7.2.7", "版头分隔线", "发文字号下有红色分隔线", {}),
    ("rule-color", "7.2.7", "版头分隔线", "分隔线为红色", {}),
    ("rule-width", "7.2.7", "版头分隔线", "分隔线与版心等宽（信函 170 mm）", {}),
    ("letter-rule", "10.1", "信函格式双线", "信函格式有上、下红色双线", {}),
    ("letter-rule-style", "10.1", "信函格式双线", "双线上粗下细、上细下粗", {}),
    ("head-missing", "7.2", "版头", "文件格式的版头有发文机关标志和发文字号", {}),
    ("signer-missing", "7.2.3", "签发人", "上行文（请示、报告）标注签发人", {}),
    ("title-align", "7.3.1", "标题", "标题居中", {}),
    ("title-break", "7.3.1", "标题", "标题在词与词之间回行，各行长短适宜", {}),
    ("recipients-colon", "7.3.2", "主送机关", "主送机关后标全角冒号", {}),
    ("recipients-indent", "7.3.2", "主送机关", "主送机关居左顶格", {}),
    ("indent", "7.3.3", "正文", "段首左空二字，回行顶格", {}),
    ("ordinal-form", "7.3.3", "层级标题", "结构层次序数的写法", {}),
    ("ordinal-sequence", "7.3.3", "层级标题", "结构层次序数连续", {}),
    ("no-text-page", "7.3.5.3", "正文", "“（此页无正文）”只用于没有正文的页", {}),
    ("note-colon", "7.3.4", "附件说明", "“附件”后标全角冒号", {}),
    ("note-number", "7.3.4", "附件说明", "附件顺序号的写法", {}),
    ("note-sequence", "7.3.4", "附件说明", "附件顺序号连续", {}),
    ("note-punctuation", "7.3.4", "附件说明", "附件名称后不加标点", {}),
    ("attachment-count", "7.3.4", "附件说明", "附件说明与附件件数相符", {}),
    ("attachment-unlisted", "7.3.4", "附件说明", "附件前有附件说明", {}),
    ("attachment-label", "7.3.7", "附件标签", "附件标签“附件N”与顺序相符", {}),
    ("attachment-label-place", "7.3.7", "附件", "附件标签居左顶格", {}),
    ("attachment-page", "7.3.7", "附件", "附件另起一页", {}),
    ("signature-date", "7.3.5", "发文机关署名和成文日期", "署名和成文日期的位置", {}),
    ("date-form", "7.3.5.4", "日期", "日期用阿拉伯数字标全年、月、日", {}),
    ("note-brackets", "7.3.6", "附注", "附注加全角圆括号", {}),
    ("cc-colon", "7.4.2", "抄送机关", "“抄送”后标全角冒号", {}),
    ("cc-period", "7.4.2", "抄送机关", "最后一个抄送机关后标句号", {}),
    ("record-indent", "7.4", "版记", "版记各要素左右各空一字", {}),
    ("record-rule", "7.4.1", "版记分隔线", "版记分隔线的有无与粗细", {}),
    ("record-rule-width", "7.4.1", "版记分隔线", "版记分隔线与版心等宽", {}),
    ("page-number-missing", "7.5", "页码", "页脚有页码", {}),
    ("page-number-form", "7.5", "页码", "页码写作“— N —”", {}),
    ("page-number-place", "7.5", "页码", "单页码居右空一字，双页码居左空一字", {}),
    ("even-footer", "7.5", "页码", "有双页页脚", {}),
    ("even-odd-setting", "7.5", "页码", "开启奇偶页不同", {}),
    ("first-page-number", "7.5", "页码", "首页显示页码", {}),
    ("letter-first-page-number", "10.1", "页码", "信函格式首页不显示页码", {}),
    ("render-lines", "5.2.3", "版心", "排出的页每面 22 行", {"severity": "warning", "render": True}),
    ("render-chars", "5.2.3", "版心", "排出的行每行 28 字", {"severity": "warning", "render": True}),
    ("render-title", "7.3.1", "标题", "排出的标题回行合规", {"severity": "warning", "render": True}),
    ("render-page-one", "7.3.3", "首页", "版头、标题和正文排在首页", {"severity": "warning", "render": True}),
    ("render-page-number", "7.5", "页码", "排出的每页有页码", {"severity": "warning", "render": True}),
    (
        "render-page-number-place",
        "7.5",
        "页码",
        "排出的页码位置",
        {"severity": "warning", "render": True},
    ),
    (
        "render-record-place",
        "7.4.1",
        "版记",
        "版记排在最后一个偶数页最下方",
        {"severity": "warning", "render": True},
    ),
    # Page-level rules measured by wenshu.office.pages on the laid-out pages.
    (
        "render-signature-alone",
        "7.3.5.5",
        "发文机关署名",
        "署名页有正文",
        {"severity": "warning", "render": True},
    ),
    (
        "render-attachment-note-split",
        "7.3.5.5",
        "附件说明",
        "附件说明不跨页",
        {"severity": "warning", "render": True},
    ),
    (
        "render-record-page-number",
        "7.5",
        "页码",
        "版记页及其前的空白页不编页码",
        {"severity": "warning", "render": True},
    ),
    ("render-table-row-split", "8", "表格", "表格行不跨页", {"severity": "warning", "render": True}),
    (
        "render-table-merged-label",
        "8",
        "表格",
        "合并的组名在续页重复",
        {"severity": "warning", "render": True},
    ),
    ("render-table-note-alone", "8", "表格", "表注不单独成页", {"severity": "warning", "render": True}),
    (
        "render-landscape-page-number",
        "8",
        "页码",
        "横排页的页码与竖排页同位",
        {"severity": "warning", "render": True},
    ),
):
    RULES.register(_code, _clause, _element, _title, **_extra)


# ---------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """Where a deviation is: the part of the file, the paragraph number and its text."""

    part: str
    paragraph: int | None = None
    excerpt: str = ""

    def __str__(self) -> str:
        where = self.part
        if self.paragraph is not None:
            where += f"第 {self.paragraph} 段"
        if self.excerpt:
            where += f"“{self.excerpt}”"
        return where


@dataclass
class Deviation:
    """One way the file departs from GB/T 9704, with every place it occurs."""

    code: str
    clause: str
    element: str
    message: str
    expected: str
    actual: str = ""
    locations: list[Location] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"§{self.clause} {self.element}：{self.message}"
        if self.actual:
            text += f"；实际 {self.actual}"
        text += f"；应为 {self.expected}"
        if self.locations:
            text += f"（{self.locations[0]}"
            if len(self.locations) > 1:
                text += f"，另有 {len(self.locations) - 1} 处"
            text += "）"
        return text


@dataclass
class Report:
    """The result of checking one file."""

    file: str
    deviations: list[Deviation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    measurements: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # the file could not be checked at all
    render_error: str | None = None  # checked, but its pages could not be laid out and measured

    @property
    def ok(self) -> bool:
        return self.error is None and self.render_error is None and not self.deviations

    @property
    def codes(self) -> list[str]:
        """The deviation codes, for tests and scripts."""
        return [d.code for d in self.deviations]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        return out


# Deviations that come from one setting of the whole file (a theme font, the missing font of
# the defaults): reported once, naming every element the setting reaches.
_SETTING_CODES = {"theme-font", "no-font"}


@dataclass(frozen=True)
class Profile:
    """A unit's accepted variants (``--profile unit.yaml``): per rule code, the values
    (``actual`` of a deviation, matched from its start) the unit uses on purpose."""

    name: str
    accept: dict[str, tuple[str, ...]]

    def accepts(self, dev: Deviation) -> bool:
        return any(dev.actual.startswith(value) for value in self.accept.get(dev.code, ()))


@dataclass(frozen=True)
class CheckOptions:
    """Which rules to apply (``--select``/``--ignore``) and a unit's profile."""

    select: frozenset[str] = frozenset()  # empty: all
    ignore: frozenset[str] = frozenset()
    profile: Profile | None = None

    def apply(self, report: Report) -> None:
        """Drop the deviations not asked for; turn those the profile accepts into notes."""
        kept = []
        for dev in report.deviations:
            if (self.select and dev.code not in self.select) or dev.code in self.ignore:
                continue
            if self.profile is not None and self.profile.accepts(dev):
                report.notes.append(f"按“{self.profile.name}”的惯例不计：{dev}")
                continue
            kept.append(dev)
        report.deviations = kept


def load_profile(path: str | Path) -> Profile:
    """Read a unit profile (YAML: ``name``, ``accept: {code: [value, …]}``), or raise a
    :class:`WenshuError` naming the file, line and field."""
    from wenshu.spec.load import load_spec

    spec = load_spec(path)
    data = spec.data
    problems = [
        spec.problem((key,), "不认识的字段（只有 name 和 accept）", key=True)
        for key in data
        if key not in ("name", "accept")
    ]
    name = data.get("name", Path(path).stem)
    if not isinstance(name, str) or not name.strip():
        problems.append(spec.problem(("name",), "应是单位名称（文字）"))
    accept = data.get("accept")
    table: dict[str, tuple[str, ...]] = {}
    if not isinstance(accept, dict) or not accept:
        problems.append(
            spec.problem(
                ("accept",), "应是“规则代码: [接受的实际值, …]”的映射，如 line-pitch: [固定值 29 磅]"
            )
        )
    else:
        for code, values in accept.items():
            if code not in RULES:
                problems.append(
                    spec.problem(
                        ("accept", code),
                        f"没有这条规则：{code}（wenshu check --list-rules 列出全部）",
                        key=True,
                    )
                )
                continue
            if isinstance(values, str):
                values = [values]
            if (
                not isinstance(values, list)
                or not values
                or not all(isinstance(v, str) and v.strip() for v in values)
            ):
                problems.append(spec.problem(("accept", code), "应是接受的实际值（文字）或其列表"))
                continue
            table[code] = tuple(v.strip() for v in values)
    if problems:
        raise WenshuError(problems)
    return Profile(str(name).strip(), table)


class _Findings:
    """Collects deviations, merging repeats of the same one into one entry with many places."""

    def __init__(self, earlier: list[Deviation] | None = None) -> None:
        self.notes: list[str] = []
        self._elements: dict[tuple[str, ...], list[str]] = {}
        self._items: dict[tuple[str, ...], Deviation] = {}
        # The places already listed per entry, as a set: a list search made checking quadratic.
        self._seen: dict[tuple[str, ...], set[Location]] = {}
        for item in earlier or []:
            key = (item.code, item.clause, item.element, item.message, item.expected, item.actual)
            self._items[key] = item
            self._seen[key] = set(item.locations)

    def add(
        self,
        code: str,
        clause: str,
        element: str,
        message: str,
        expected: str,
        actual: str = "",
        where: Location | None = None,
    ) -> None:
        key = (code, actual) if code in _SETTING_CODES else (code, clause, element, message, expected, actual)
        item = self._items.get(key)
        if item is None:
            item = self._items[key] = Deviation(code, clause, element, message, expected, actual)
            self._seen[key] = set()
            self._elements[key] = [element]
        elif element not in self._elements[key]:
            names = self._elements[key]
            names.append(element)
            item.element = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
            if clause not in item.clause.split("、"):
                item.clause += "、" + clause
        seen = self._seen[key]
        if where is not None and where not in seen:
            seen.add(where)
            item.locations.append(where)

    def items(self) -> list[Deviation]:
        return list(self._items.values())

    def note(self, text: str) -> None:
        """A remark that is not a deviation (said once)."""
        if text not in self.notes:
            self.notes.append(text)


# ---------------------------------------------------------------------------------------
# Reading the package
# ---------------------------------------------------------------------------------------


class _Package:
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
        for rel in root.iter(f"{{{_PKG}}}Relationship"):
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


class _Styles:
    """Style lookup with ``w:basedOn`` chains and document defaults."""

    def __init__(self, root: Any):
        self.by_id: dict[str, Any] = {}
        self.default: dict[str, str] = {}
        self.rpr_default = self.ppr_default = None
        self._chains: dict[str, list[Any]] = {}
        self._levels: dict[tuple[str, str], list[Any]] = {}
        self._pstyle: dict[Any, str | None] = {}
        self._ppr: dict[Any, list[Any]] = {}
        self._rpr: dict[tuple[Any, Any], list[Any]] = {}
        self._memo: dict[tuple[str | None, ...], dict[tuple[str, str], str | None]] = {}
        if root is None:
            return
        for style in root.iter(_w("style")):
            sid = _val(style, "styleId") or ""
            self.by_id.setdefault(sid, style)
            if _val(style, "default") in ("1", "true", "on"):
                self.default.setdefault(_val(style, "type") or "", sid)
        defaults = root.find(_w("docDefaults"))
        if defaults is not None:
            self.rpr_default = defaults.find(f"{_w('rPrDefault')}/{_w('rPr')}")
            self.ppr_default = defaults.find(f"{_w('pPrDefault')}/{_w('pPr')}")

    def chain(self, sid: str | None) -> list[Any]:
        """The style ``sid`` and those it is based on, nearest first: cycles cut, at most
        :data:`MAX_STYLE_DEPTH` deep, computed once per style."""
        key = sid or ""
        cached = self._chains.get(key)
        if cached is not None:
            return cached
        out, seen = [], set()
        while sid and sid not in seen and sid in self.by_id and len(out) < MAX_STYLE_DEPTH:
            seen.add(sid)
            style = self.by_id[sid]
            out.append(style)
            sid = _val(style.find(_w("basedOn")))
        self._chains[key] = out
        return out

    def _props(self, sid: str | None, child: str) -> list[Any]:
        """The ``pPr`` or ``rPr`` elements along the chain of ``sid``, once per style."""
        key = (sid or "", child)
        cached = self._levels.get(key)
        if cached is None:
            found = (s.find(_w(child)) for s in self.chain(sid))
            cached = self._levels[key] = [lv for lv in found if lv is not None]
        return cached

    def name(self, sid: str | None) -> str:
        style = self.by_id.get(sid or "")
        return (_val(style.find(_w("name"))) or sid or "") if style is not None else (sid or "")

    # The checks ask for the same paragraph's properties many times over: each answer is kept
    # (the tree is never changed while checking), so the cost per paragraph stays constant.
    def paragraph_style(self, p: Any) -> str | None:
        if p in self._pstyle:
            return self._pstyle[p]
        ps = _child(_child(p, "pPr"), "pStyle")
        sid = self._pstyle[p] = _val(ps) if ps is not None else self.default.get("paragraph")
        return sid

    def ppr_levels(self, p: Any) -> list[Any]:
        levels = self._ppr.get(p)
        if levels is None:
            sid = self.paragraph_style(p)
            tail = [*self._props(sid, "pPr"), self.ppr_default]
            levels = self._ppr[p] = self._levels_of(_child(p, "pPr"), tail, ("p", sid))
        return levels

    def rpr_levels(self, p: Any, r: Any) -> list[Any]:
        levels = self._rpr.get((p, r))
        if levels is not None:
            return levels
        rpr = _child(r, "rPr") if r is not None else None
        rsid = _val(_child(rpr, "rStyle")) if rpr is not None else None
        psid = self.paragraph_style(p)
        tail = [*self._props(rsid, "rPr"), *self._props(psid, "rPr"), self.rpr_default]
        levels = self._rpr[(p, r)] = self._levels_of(rpr, tail, ("r", rsid, psid))
        return levels

    def _levels_of(self, direct: Any, tail: list[Any], key: tuple[str | None, ...]) -> _Levels:
        levels = _Levels(lv for lv in (direct, *tail) if lv is not None)
        levels.direct = 1 if direct is not None else 0
        levels.memo = self._memo.setdefault(key, {})
        return levels


class _Levels(list[Any]):
    """Property levels, nearest first: ``direct`` of the paragraph or run itself, then those of
    its styles and the defaults, whose answers ``memo`` shares among all with the same styles."""

    direct: int = 0
    memo: dict[tuple[str, str], str | None]
    _own: dict[str, Any] | None = None

    def own(self, tag: str) -> Any:
        """The first ``tag`` child of the direct level (None without one), by a table built once."""
        if not self.direct:
            return None
        if self._own is None:
            self._own = {}
            for el in self[0]:
                self._own.setdefault(el.tag, el)
        return self._own.get(tag)


def _child(el: Any, tag: str) -> Any:
    """The first ``w:tag`` child of ``el`` (None when either is missing); faster than find()."""
    return None if el is None else next(el.iterchildren(_w(tag)), None)


def _first_attr(levels: list[Any], child: str, attr: str = "val") -> str | None:
    """The first value of ``child/@attr`` along ``levels`` (attributes inherit one by one)."""
    tag, name = _w(child), _w(attr)
    if not isinstance(levels, _Levels):
        return _scan(levels, tag, name)
    own = levels.own(tag)
    if own is not None:
        found = own.get(name)
        if found is not None:
            return found
    key = (tag, name)
    memo = levels.memo
    if key not in memo:
        memo[key] = _scan(levels[levels.direct :], tag, name)
    return memo[key]


def _scan(levels: list[Any], tag: str, name: str) -> str | None:
    for level in levels:
        for el in level.iterchildren(tag):
            value = el.get(name)
            if value is not None:
                return value
            break
    return None


def _first_flag(levels: list[Any], child: str) -> bool:
    for level in levels:
        el = level.find(_w(child))
        if el is not None:
            return _on(el)
    return False


def _font(levels: list[Any], slot: str = "eastAsia") -> tuple[str | None, str | None]:
    """(font, theme) of ``slot`` (eastAsia or ascii); a theme attribute wins on its level."""
    for level in levels:
        rf = level.find(_w("rFonts"))
        if rf is None:
            continue
        theme = rf.get(_w(slot + "Theme"))
        if theme:
            return None, theme
        name = rf.get(_w(slot))
        if name:
            return name, None
    return None, None


# Typeface classes the standard names; any font of the class satisfies it.
_CLASS_KEYS = [
    ("小标宋", ("小标宋", "xiaobiaosong", "xbs")),
    ("仿宋", ("仿宋", "fangsong", "fang song")),
    ("楷体", ("楷", "kaiti", "kai")),
    ("黑体", ("黑", "simhei", "heiti", "hei")),
    ("宋体", ("宋", "simsun", "songti", "song")),
]
_EXPECTED_CLASS = {
    L.FONT_TITLE: "小标宋",
    L.FONT_BODY: "仿宋",
    L.FONT_HEADING_2: "楷体",
    L.FONT_HEADING_1: "黑体",
    L.FONT_PAGE_NUMBER: "宋体",
}


def font_class(name: str) -> str | None:
    """The typeface class of a font name: 方正小标宋简体 → 小标宋, 仿宋_GB2312 → 仿宋 …"""
    low = name.lower()
    for cls, keys in _CLASS_KEYS:
        if any(k in low for k in keys):
            return cls
    return None


# ---------------------------------------------------------------------------------------
# Paragraphs, sections and parts
# ---------------------------------------------------------------------------------------

_SKIP_IN_RUNS = {_w("pPr"), _w("rPr"), _w("p"), _w("txbxContent"), _w("del"), f"{{{_MC}}}Fallback"}


def _own_runs(p: Any) -> Iterator[Any]:
    """The runs of ``p`` itself (hyperlinks, fields, insertions included; text boxes not)."""
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        if el.tag == _w("r"):
            yield el
        elif el.tag not in _SKIP_IN_RUNS:
            stack.extend(reversed(list(el)))


@dataclass
class _Para:
    """One paragraph with what the checker learns about it."""

    el: Any
    number: int
    part: str
    text: str
    in_table: bool
    section: int
    in_box: bool = False  # in a text box: placed by the box, not part of the flow of text
    role: str = ""
    level: int = 0
    zone: int = 0  # 0 = main text, k = attachment k
    numbered: bool = False  # an ordinal before a plain paragraph (not a heading)
    label: str = ""  # drawn by Word's automatic numbering, and put before ``text``
    runs: list[tuple[Any, str]] | None = field(default=None, repr=False, compare=False)  # text_runs
    indents: tuple[float, float, float] | None = field(default=None, repr=False, compare=False)

    @property
    def flows(self) -> bool:
        """Part of the running text (not in a table, not in a text box)."""
        return not self.in_table and not self.in_box

    @property
    def where(self) -> Location:
        excerpt = re.sub(r"\s+", " ", self.text.strip())
        return Location(self.part, self.number, excerpt[:20] + ("…" if len(excerpt) > 20 else ""))


def _paragraphs(root: Any, part: str, name: str, *, body: bool = False) -> list[_Para]:
    out: list[_Para] = []
    section = 0
    fallback, table = f"{{{_MC}}}Fallback", _w("tbl")
    for p in root.iter(_w("p")):
        if len(out) >= MAX_PARAGRAPHS:
            too_many = f"{part}段落过多（超过 {MAX_PARAGRAPHS} 段），不像一份公文，未检查"
            raise WenshuError(Problem(name, too_many))
        if next(p.iterancestors(fallback), None) is not None:
            continue
        texts = [(r, element_text(r)) for r in _own_runs(p)]
        in_table = next(p.iterancestors(table), None) is not None
        in_box = next(p.iterancestors(_w("txbxContent")), None) is not None
        para = _Para(p, len(out) + 1, part, "".join(t for _, t in texts), in_table, section, in_box=in_box)
        para.runs = [(r, t) for r, t in texts if t.strip()]
        out.append(para)
        if body and p.find(f"{_w('pPr')}/{_w('sectPr')}") is not None:
            section += 1
    return out


@dataclass
class _Section:
    el: Any
    index: int
    width: int
    height: int
    top: int
    bottom: int
    left: int
    right: int
    gutter: int
    title_page: bool
    refs: dict[tuple[str, str], str]  # (header|footer, default|even|first) → part
    grid_type: str | None
    line_pitch: int | None
    char_space: int

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def regular(self) -> bool:
        """A4 with the standard 版心 width: widths derived from it can be judged."""
        rounding = L.mm_to_twips(_ROUNDING_MM)
        short, long_ = sorted((self.width, self.height))
        width = L.TEXT_HEIGHT_MM if self.landscape else L.TEXT_WIDTH_MM
        return (
            abs(short - L.mm_to_twips(L.PAGE_WIDTH_MM)) <= rounding
            and abs(long_ - L.mm_to_twips(L.PAGE_HEIGHT_MM)) <= rounding
            and abs(self.text_width - L.mm_to_twips(width)) <= rounding
        )

    @property
    def text_width(self) -> int:
        return self.width - self.left - self.right - self.gutter

    @property
    def text_height(self) -> int:
        return self.height - self.top - self.bottom


def _sections(body: Any, rels: dict[str, tuple[str, str]]) -> list[_Section]:
    elements = [p.find(f"{_w('pPr')}/{_w('sectPr')}") for p in body.iter(_w("p"))]
    elements = [e for e in elements if e is not None]
    final = body.find(_w("sectPr"))
    if final is not None:
        elements.append(final)
    out: list[_Section] = []
    inherited: dict[tuple[str, str], str] = {}
    for i, el in enumerate(elements):
        size, mar, grid = el.find(_w("pgSz")), el.find(_w("pgMar")), el.find(_w("docGrid"))
        refs = dict(inherited)
        for kind in ("header", "footer"):
            for ref in el.findall(_w(f"{kind}Reference")):
                target = rels.get(ref.get(f"{{{_R}}}id") or "")
                if target:
                    refs[(kind, _val(ref, "type") or "default")] = target[1]
        inherited = refs
        out.append(
            _Section(
                el=el,
                index=i + 1,
                width=_int(_val(size, "w"), 12240),
                height=_int(_val(size, "h"), 15840),
                top=abs(_int(_val(mar, "top"), 1440)),
                bottom=abs(_int(_val(mar, "bottom"), 1440)),
                left=_int(_val(mar, "left"), 1800),
                right=_int(_val(mar, "right"), 1800),
                gutter=_int(_val(mar, "gutter")),
                title_page=_on(el.find(_w("titlePg"))),
                refs=refs,
                grid_type=_val(grid, "type"),
                line_pitch=_int(_val(grid, "linePitch")) if grid is not None else None,
                char_space=_int(_val(grid, "charSpace")),
            )
        )
    if not out:  # a body without sectPr: Word's defaults (Letter, 1 inch / 1.25 inch)
        out.append(_Section(None, 1, 12240, 15840, 1440, 1440, 1800, 1800, 0, False, {}, None, None, 0))
    return out


# ---------------------------------------------------------------------------------------
# Recognising the elements
# ---------------------------------------------------------------------------------------

_NUMERALS = "一二三四五六七八九十〇零两百"
_CN_VALUE = {chinese_number(n): n for n in range(1, 100)}
# Ordinals in every form people type; the correct form per level is FORMS[level - 1].
_ORDINAL_PATTERNS = [
    (1, re.compile(rf"^(?P<num>[{_NUMERALS}]+)(?P<punct>[、，,．.])")),
    (2, re.compile(rf"^(?P<open>[（(])(?P<num>[{_NUMERALS}]+)(?P<close>[）)])(?P<punct>[、，,．.]?)")),
    (3, re.compile(r"^(?P<num>\d{1,2})(?P<punct>[.．、，,])(?!\d)")),
    (4, re.compile(r"^(?P<open>[（(])(?P<num>\d{1,2})(?P<close>[）)])(?P<punct>[、，,．.]?)")),
]
# Templates write the year and number as X or × until they are filled in.
_DOC_NUMBER = re.compile(r"[〔\[(（【［]\s*[\dXx×]{4}\s*[〕\])）】］]\s*第?\s*[\dXx×]+\s*号")
# 令号 and 期号 stand alone in the 版头 of an order or a bulletin: 第12号, 第 3 期.
_ORDER_NUMBER = re.compile(rf"^第\s*[\dXx×{_NUMERALS}]+\s*[号期]$")
# 份号, 密级 and 紧急程度 (§7.2.1–7.2.3), in the body or in a header.
_HEAD_INFO = re.compile(r"^(\d{6}|(绝密|机密|秘密)(\s*[★*]\s*\S*)?|特急|加急|特提|平急)$")
# An unfilled field of a template or another generator: [发文单位], 【日期】, {{DATE}}.
_PLACEHOLDER = re.compile(r"^\s*(\[[^\]]+\]|【[^】]+】|\{\{[^}]+\}\}|［[^］]+］)\s*$")
# Labels of a 纪要 (§10.3), set in 黑体 at the head of a list of names.
_MINUTES_LABELS = ("出席", "列席", "请假", "参加", "缺席", "记录", "主持")
_DATE_ONLY = re.compile(
    rf"^\s*(\d{{2,4}}|[{_NUMERALS}]{{2,4}})\s*年\s*([\d{_NUMERALS}]{{1,3}})\s*月\s*([\d{_NUMERALS}]{{1,3}})\s*日\s*$"
)
_IMPRINT = re.compile(
    rf"(\d{{4}}|[{_NUMERALS}]{{4}})\s*年\s*[\d{_NUMERALS}]{{1,3}}\s*月\s*[\d{_NUMERALS}]{{1,3}}\s*日\s*印发\s*$"
)
# 附件 or 附件2, optionally with a remark in brackets: 附件1（可选）.
_LABEL = re.compile(r"^附\s*件\s*(\d*)\s*([（(][^）)]{0,12}[）)])?$")
_NOTE_NUMBER = re.compile(r"^(?P<num>\d{1,2})\s*(?P<punct>[.．、]?)\s*(?P<name>.*)$")

_STYLE_ROLES = {
    "WsMark": "mark",
    "WsDocNumber": "doc-number",
    "WsHeadInfo": "head-info",
    "WsTitle": "title",
    "WsRecipients": "recipients",
    "WsBody": "body",
    "Heading1": "heading",
    "Heading2": "heading",
    "Heading3": "heading",
    "Heading4": "heading",
    "WsAttachmentNote": "attachment-note",
    "WsSignature": "signature",
    "WsDate": "date",
    "WsNote": "note",
    "WsContact": "contact",
    "WsLine": "line",
    "WsAttachmentLabel": "attachment-label",
    "WsSubtitle": "aux",
    "WsTableTitle": "aux",
    "WsTableNote": "aux",
    "WsTableText": "table",
    "WsTableHeader": "table",
    "WsRecord": "record",
    "WsPageNumber": "page-number",
}
_ROLE_NAMES = {
    "mark": "发文机关标志",
    "doc-number": "发文字号",
    "head-info": "份号、密级、紧急程度",
    "title": "标题",
    "recipients": "主送机关",
    "body": "正文",
    "heading": "层级标题",
    "attachment-note": "附件说明",
    "signature": "发文机关署名",
    "date": "成文日期",
    "note": "附注",
    "line": "正文",
    "contact": "联系人",
    "attachment-label": "附件标签",
    "attachment-title": "附件标题",
    "record": "版记",
    "page-number": "页码",
    "aside": "表题或标签",
}
_HEADING_NAMES = {1: "一级标题", 2: "二级标题", 3: "三级标题", 4: "四级标题"}


def _ordinal(text: str) -> tuple[int, re.Match[str]] | None:
    for level, pattern in _ORDINAL_PATTERNS:
        m = pattern.match(text)
        if m:
            return level, m
    return None


def _role_from_style_name(name: str) -> str | None:
    low = name.lower().replace(" ", "")
    if re.fullmatch(r"(heading|标题)[1-4]", low):
        return "heading"
    if low in ("title", "标题"):
        return "title"
    return None


class _Document:
    """A parsed .docx with its paragraphs, sections and recognised elements."""

    def __init__(self, source: Path | bytes, name: str):
        self.name = name
        self._minutes: bool | None = None  # see _is_minutes
        self.package = _Package(source, name)
        main = self.package.main
        root = self.package.xml(main)
        body = root.find(_w("body")) if root is not None else None
        if body is None:
            raise WenshuError(Problem(name, "不是有效的 Word 文件：正文部分没有 w:body"))
        self.body = body
        rels = self.package.rels(main)
        by_type = {t.rsplit("/", 1)[-1]: target for t, target in rels.values()}
        self.styles = _Styles(self.package.xml(by_type["styles"]) if "styles" in by_type else None)
        self.settings = self.package.xml(by_type["settings"]) if "settings" in by_type else None
        self.sections = _sections(body, rels)
        self.paragraphs = _paragraphs(body, "正文", name, body=True)
        self._label(AutoNumbering(self.package.xml(by_type["numbering"]) if "numbering" in by_type else None))
        self._parts: dict[str, list[_Para]] = {}
        self.wenshu_styles = any(sid.startswith("Ws") for sid in self.styles.by_id)
        self._identify()

    def _label(self, numbering: AutoNumbering) -> None:
        """Put the label Word's automatic numbering draws before each numbered paragraph's
        text, so 一、 set by Word reads as 一、 typed."""
        for para in self.paragraphs:
            num_id = ilvl = None
            for level in self.styles.ppr_levels(para.el):
                num_pr = level.find(_w("numPr"))
                if num_pr is None:
                    continue
                num_id = num_id or _val(num_pr.find(_w("numId")))
                ilvl = ilvl or _val(num_pr.find(_w("ilvl")))
            if num_id is not None:
                para.label = numbering.label(num_id, _int(ilvl))
                para.text = para.label + para.text

    # -- parts ------------------------------------------------------------------------
    def part_paragraphs(self, part: str, label: str) -> list[_Para]:
        if part not in self._parts:
            root = self.package.xml(part)
            self._parts[part] = _paragraphs(root, label, self.name) if root is not None else []
        return self._parts[part]

    def section_of(self, para: _Para) -> _Section:
        return self.sections[min(para.section, len(self.sections) - 1)]

    def _first_page_header_part(self) -> str | None:
        first = self.sections[0]
        part = first.refs.get(("header", "first")) if first.title_page else None
        return part or first.refs.get(("header", "default"))

    def first_page_header(self) -> list[_Para]:
        part = self._first_page_header_part()
        return self.part_paragraphs(part, "首页页眉") if part else []

    def theme_typeface(self, theme: str) -> str | None:
        """The typeface a theme font (``minorEastAsia`` …) stands for in this file's theme, for
        the script of its East Asian language (ECMA-376 §20.1.4.1.16–17: a:ea, else the
        a:font of the script); None when the theme does not say."""
        rels = self.package.rels(self.package.main)
        part = next((t for kind, t in rels.values() if kind.endswith("/theme")), None)
        root = self.package.xml(part) if part else None
        if root is None:
            return None
        group = root.find(f".//{{{_A}}}{'major' if theme.startswith('major') else 'minor'}Font")
        if group is None:
            return None
        if "EastAsia" not in theme:
            latin = group.find(f"{{{_A}}}{'cs' if 'Bidi' in theme else 'latin'}")
            return (latin.get("typeface") or None) if latin is not None else None
        ea = group.find(f"{{{_A}}}ea")
        if ea is not None and ea.get("typeface"):
            return ea.get("typeface")
        lang = self.settings.find(_w("themeFontLang")) if self.settings is not None else None
        code = (_val(lang, "eastAsia") or "zh-CN") if lang is not None else "zh-CN"
        script = {"zh-TW": "Hant", "zh-HK": "Hant", "zh-MO": "Hant", "ja-JP": "Jpan", "ko-KR": "Hang"}.get(
            code, "Hans"
        )
        font = group.find(f"{{{_A}}}font[@script='{script}']")
        return (font.get("typeface") or None) if font is not None else None

    def first_page_header_xml(self) -> Any:
        """The first page's header part (None without one)."""
        part = self._first_page_header_part()
        return self.package.xml(part) if part else None

    # -- properties -------------------------------------------------------------------
    def ppr(self, para: _Para, child: str, attr: str = "val") -> str | None:
        return _first_attr(self.styles.ppr_levels(para.el), child, attr)

    def text_runs(self, para: _Para) -> list[tuple[Any, str]]:
        if para.runs is None:
            para.runs = [(r, t) for r in _own_runs(para.el) if (t := element_text(r)).strip()]
        return para.runs

    def run_size(self, para: _Para, r: Any) -> float:
        return _half_points(_first_attr(self.styles.rpr_levels(para.el, r), "sz"))

    def run_spacing(self, para: _Para, r: Any) -> int:
        return _int(_first_attr(self.styles.rpr_levels(para.el, r), "spacing"))

    def paragraph_size(self, para: _Para) -> float:
        runs = self.text_runs(para)
        if runs:
            return self.run_size(para, runs[0][0])
        return _half_points(_first_attr(self.styles.rpr_levels(para.el, None), "sz"))

    def char_twips(self, para: _Para) -> int:
        """The advance of one full-width character in ``para`` (size plus character spacing)."""
        runs = self.text_runs(para)
        r = runs[0][0] if runs else None
        size = self.run_size(para, r) if r is not None else self.paragraph_size(para)
        spacing = self.run_spacing(para, r) if r is not None else 0
        return max(1, round(size * L.TWIPS_PER_PT) + spacing)  # spacing may be negative

    def grid_pitch(self, para: _Para) -> float | None:
        """The character pitch in twips a ``linesAndChars`` document grid imposes on ``para``
        (None without such a grid, or when the paragraph does not snap to it)."""
        section = self.section_of(para)
        if section.grid_type != "linesAndChars" or _first_flag_false(
            self.styles.ppr_levels(para.el), "snapToGrid"
        ):
            return None
        # ECMA-376 §17.6.5 (DocGrid.CharacterSpace): charSpace is added, in 4096ths of a point,
        # to the pitch of the Normal style's font size, not to the document defaults'.
        normal = [s.find(_w("rPr")) for s in self.styles.chain(self.styles.default.get("paragraph"))]
        levels = [lv for lv in (*normal, self.styles.rpr_default) if lv is not None]
        base = _int(_first_attr(levels, "sz"), 20)
        return base / 2 * L.TWIPS_PER_PT + section.char_space * L.TWIPS_PER_PT / 4096

    def indents(self, para: _Para) -> tuple[float, float, float]:
        """(first line start, other lines start, right) in characters of ``para``'s text."""
        if para.indents is None:
            para.indents = self._indents(para)
        return para.indents

    def _indents(self, para: _Para) -> tuple[float, float, float]:
        levels = self.styles.ppr_levels(para.el)
        char = self.char_twips(para) or 1

        def get(name: str) -> float:
            chars = _first_attr(levels, "ind", name + "Chars")
            if chars is not None and _int(chars):
                return _int(chars) / 100
            value = _first_attr(levels, "ind", name)
            if value is None and name in ("left", "right"):
                value = _first_attr(levels, "ind", {"left": "start", "right": "end"}[name])
            return _int(value) / char

        left, right = get("left"), get("right")
        first = left + get("firstLine") - get("hanging")
        return first, left, right

    def alignment(self, para: _Para) -> str:
        jc = self.ppr(para, "jc") or "left"
        return {"start": "left", "end": "right", "distribute": "both"}.get(jc, jc)

    def page_break_before(self, index: int) -> bool:
        """Does body paragraph ``index`` (0-based) start a new page?"""
        para = self.paragraphs[index]
        if _first_flag(self.styles.ppr_levels(para.el), "pageBreakBefore"):
            return True
        for prev in reversed(self.paragraphs[:index]):
            if prev.in_table:
                return False
            if prev.el.find(f"{_w('pPr')}/{_w('sectPr')}") is not None:
                # How a section starts is said by its own sectPr: the one after this break.
                sect = self.sections[min(prev.section + 1, len(self.sections) - 1)].el
                kind = _val(sect.find(_w("type"))) if sect is not None else None
                return kind in (None, "nextPage", "oddPage", "evenPage")
            breaks = [b for b in prev.el.iter(_w("br")) if _val(b, "type") == "page"]
            if breaks:
                return True
            if prev.text.strip():
                return False
        return index == 0

    # -- identification ---------------------------------------------------------------
    def _identify(self) -> None:
        """Give every paragraph a role: by wenshu style, by style name, then by content."""
        for para in self.paragraphs:
            sid = self.styles.paragraph_style(para.el) or ""
            if self.wenshu_styles:
                para.role = _STYLE_ROLES.get(sid, "")
            else:
                para.role = _role_from_style_name(self.styles.name(sid)) or ""
        for para in self.first_page_header():
            sid = self.styles.paragraph_style(para.el) or ""
            if _HEAD_INFO.match(para.text.strip()):
                # 份号, 密级 and 紧急程度 put in a header stand where §7.2.1–7.2.3 puts them.
                para.role = "head-info"
            elif para.text.strip() and (sid == "WsMark" or self._looks_like_mark(para)):
                para.role = "mark"
        for para in self.paragraphs:
            if para.in_box:
                para.role = self._box_role(para)
        if self.wenshu_styles:
            self._by_style()
        else:
            self._by_content()

    def _box_role(self, para: _Para) -> str:
        """Red-header templates set the mark, the 发文字号 and the like in text boxes."""
        text = para.text.strip()
        if not text:
            return "box"
        if _HEAD_INFO.match(text):
            return "head-info"
        if (_DOC_NUMBER.search(text) and len(text) < 60) or _ORDER_NUMBER.match(text):
            return "doc-number"
        if self._looks_like_mark(para):
            return "mark"
        return "box"

    def _by_style(self) -> None:
        """wenshu's own file: styles say what each paragraph is; ordinals give heading levels."""
        zone = 0
        for para in self.paragraphs:
            if para.in_box:
                continue
            if para.in_table:
                if para.role in ("", "body"):
                    para.role = "table"
                continue
            if para.role == "attachment-label":
                zone += 1
            elif para.role == "title" and zone:
                para.role = "attachment-title"
            elif para.role in ("body", "heading"):
                found = _ordinal(para.text.strip())
                # In a body paragraph only a run-in heading sets its own font on the
                # heading run; without one the ordinal numbers a plain paragraph (items).
                runs = self.text_runs(para)
                first = runs[0][0].find(f"{_w('rPr')}/{_w('rFonts')}") if runs else None
                para.numbered = para.role == "body" and bool(found) and _val(first, "eastAsia") is None
                para.role = "heading" if found or para.role == "heading" else "body"
                para.level = found[0] if found else 0
            elif not para.role:
                para.role = "body"
            para.zone = zone

    def _looks_like_mark(self, para: _Para) -> bool:
        runs = self.text_runs(para)
        if not runs:
            return False
        big = any(self.run_size(para, r) > L.TITLE_SIZE_PT for r, _ in runs)
        color = _first_attr(self.styles.rpr_levels(para.el, runs[0][0]), "color")
        return big or _is_red(color)

    def _by_content(self) -> None:
        """Another office's file: recognise the elements by where they stand and what they say."""
        paras = [p for p in self.paragraphs if p.flows and p.text.strip()]
        head_has_mark = any(p.role == "mark" for p in self.first_page_header() + self.paragraphs)
        i = 0
        # 版头: everything before the title (a 发文字号 in a text box counts).
        seen_number = any(p.in_box and p.role == "doc-number" for p in self.paragraphs)
        while i < len(paras):
            para, text = paras[i], paras[i].text.strip()
            if para.role == "title":
                break
            if para.role in ("mark", "doc-number", "head-info"):
                seen_number |= para.role == "doc-number"
                i += 1
                continue
            if (_DOC_NUMBER.search(text) and len(text) < 60) or _ORDER_NUMBER.match(text):
                para.role, seen_number = "doc-number", True
            elif _HEAD_INFO.match(text) or re.match(r"^(绝密|机密|秘密)", text):
                para.role = "head-info"
            elif not seen_number and not head_has_mark and self._looks_like_mark(para):
                para.role, head_has_mark = "mark", True
            elif self.alignment(para) == "center" and (seen_number or head_has_mark or i == 0):
                para.role = "title"
                break
            elif para.role == "":
                para.role = "body"
            i += 1
        # The title may run over several centred paragraphs.
        while i + 1 < len(paras) and paras[i + 1].role in ("", "title") and paras[i].role == "title":
            nxt = paras[i + 1]
            if self.alignment(nxt) != "center" or nxt.text.strip().endswith(("：", ":")):
                break
            nxt.role = "title"
            i += 1
        i += 1
        # 主送机关: the paragraph right after the title, ending in a colon.
        if i < len(paras) and paras[i].role in ("", "body", "recipients"):
            text = paras[i].text.strip()
            if paras[i].role == "recipients" or (text.endswith(("：", ":")) and _ordinal(text) is None):
                paras[i].role = "recipients"
                i += 1
        zone, in_note, after_date, in_record = 0, False, False, False
        for k, para in enumerate(paras[i:], start=i):
            text = para.text.strip()
            role = para.role
            if role in ("aux", "table", "page-number"):
                continue
            if role in ("", "body") and self._is_aside(para):
                para.role = "aside"  # a table's caption, a 纪要's label
                continue
            if role == "attachment-label" or (role in ("", "body") and _LABEL.match(text)):
                para.role, zone, in_note = "attachment-label", zone + 1, False
                continue
            if role == "title":
                para.role = "attachment-title" if zone else "title"
            elif zone and role == "" and self.alignment(para) == "center" and self._follows_label(para):
                para.role = "attachment-title"
            elif role in ("", "body") and self.alignment(para) == "center" and self._looks_like_title(para):
                para.role = "attachment-title" if zone else "title"  # a second document's title
            if para.role in ("attachment-title", "title"):
                para.zone = zone
                continue
            if (
                role == "record"
                or (
                    role in ("", "body")
                    and (
                        text.startswith("抄送")
                        or _IMPRINT.search(text)
                        # 主送 moved to the 版记 (§10.3 纪要), and lines after the 版记 began
                        or (text.startswith("主送") and self._record_follows(paras[k + 1 : k + 2]))
                        or (in_record and not zone and len(text) <= L.CHARS_PER_LINE)
                    )
                )
            ):
                para.role, in_record = "record", True
                continue
            if role == "attachment-note" or (role in ("", "body") and not zone and text.startswith("附件：")):
                para.role, in_note = "attachment-note", True
                continue
            if in_note and role in ("", "body") and _NOTE_NUMBER.match(text) and text[0].isdigit():
                para.role = "attachment-note"
                continue
            in_note = False
            if role == "date" or (
                role in ("", "body")
                and (not zone or not after_date)  # an attachment pasted before the signature
                and (_DATE_ONLY.match(text) or self._date_placeholder(para))
            ):
                para.role, after_date = "date", True
                self._mark_signature(para)
                continue
            if role in ("signature", "note", "line", "contact"):
                continue
            previous = para.el.getprevious()
            if (
                previous is not None
                and previous.tag == _w("tbl")
                and text.startswith(("注：", "注:", "备注"))
            ):
                para.role = "aux"  # a note under a table, set as the table's text
                continue
            if after_date and role in ("", "body") and text.startswith(("（", "(")) and not zone:
                para.role = "note"
                continue
            found = _ordinal(text)
            if role in ("", "body", "heading"):
                para.role = "heading" if found or role == "heading" else "body"
                para.level = found[0] if found else 0
            para.zone = zone
        for para in self.paragraphs:
            if para.in_box:
                continue
            if para.in_table and para.role in ("", "body"):
                text = _row_text(para)
                row = next(para.el.iterancestors(_w("tr")), None)
                first = (
                    next((p for p in row.iter(_w("p")) if element_text(p).strip()), None)
                    if row is not None
                    else None
                )
                is_record = text.startswith("抄送") or _IMPRINT.search(text)
                para.role = "record" if is_record and first is para.el else "table"
            elif not para.role:
                para.role = "body"

    def _is_minutes(self) -> bool:
        """Is the title a 纪要's? Known once a title is found (asked for every short line:
        scanning the paragraphs each time would be quadratic)."""
        if self._minutes is None:
            titles = self.role("title")
            if not titles:
                return False
            self._minutes = any("纪要" in t.text for t in titles)
        return self._minutes

    def _is_aside(self, para: _Para) -> bool:
        """A short line that is neither body text nor a heading: a table's caption, a 纪要's
        label (出席, 列席 …) or, in a 纪要, a label set whole in 黑体."""
        text = para.text.strip()
        if len(text) > 15 or text.endswith(("。", "；", "：", ":", "，")) or _ordinal(text):
            return False
        table_next = para.el.getnext() is not None and para.el.getnext().tag == _w("tbl")
        if self.alignment(para) == "center" and (table_next or re.match(r"^[表图]\s*\d", text)):
            return True
        if text in _MINUTES_LABELS or _NO_TEXT.match(text):
            return True
        # §10.3 leaves the rest of a 纪要's layout to the office: its labels set whole in 黑体.
        if not self._is_minutes():
            return False
        runs = self.text_runs(para)
        fonts = {_font(self.styles.rpr_levels(para.el, r))[0] or "" for r, _ in runs}
        return bool(runs) and all(font_class(f) == "黑体" for f in fonts)

    def _looks_like_title(self, para: _Para) -> bool:
        """Set like a title (larger than the body, in the title's font): a second title."""
        runs = self.text_runs(para)
        if not runs or len(para.text.strip()) > 2 * L.CHARS_PER_LINE:
            return False
        fonts = {_font(self.styles.rpr_levels(para.el, r))[0] or "" for r, _ in runs}
        big = all(self.run_size(para, r) >= L.TITLE_SIZE_PT for r, _ in runs)
        return big and all(font_class(f) == font_class(L.FONT_TITLE) for f in fonts)

    def _date_placeholder(self, para: _Para) -> bool:
        """``[日期]`` or ``{{DATE}}`` set right, where the 成文日期 goes."""
        text = para.text.strip()
        return (
            bool(_PLACEHOLDER.match(text))
            and self.alignment(para) == "right"
            and ("日" in text or "date" in text.lower())
        )

    @staticmethod
    def _record_follows(following: list[_Para]) -> bool:
        if not following:
            return False
        text = following[0].text.strip()
        return text.startswith("抄送") or bool(_IMPRINT.search(text))

    def _follows_label(self, para: _Para) -> bool:
        before = [p for p in self.paragraphs[: para.number - 1] if p.text.strip() and p.flows]
        return bool(before) and before[-1].role in ("attachment-label", "attachment-title")

    def _mark_signature(self, date: _Para) -> None:
        before = [p for p in self.paragraphs[: date.number - 1] if p.text.strip() and p.flows]
        # A template's remark where the seal goes, “（此处加盖印章）”, stands between the two.
        if len(before) > 1 and re.fullmatch(
            r"[（(][^）)]*(印章|盖章|签章)[^）)]*[）)]", before[-1].text.strip()
        ):
            before.pop().role = "aside"
        if before and before[-1].role in ("", "body") and len(before[-1].text.strip()) <= L.CHARS_PER_LINE:
            if not before[-1].text.strip().endswith(("。", "：", ":")):
                before[-1].role = "signature"

    def fonts_used(self) -> set[str]:
        """Every font the text of the file names (east-Asian and Latin slots)."""
        fonts: set[str] = set()
        paras = self.paragraphs + self.first_page_header()
        for s in self.sections:
            for part in set(s.refs.values()):
                paras += self.part_paragraphs(part, "页眉页脚")
        for para in paras:
            for r, text in self.text_runs(para):
                levels = self.styles.rpr_levels(para.el, r)
                slots = ["eastAsia"] if _has_cjk(text) else []
                slots += ["ascii"] if any(ord(ch) < 0x2E80 and not ch.isspace() for ch in text) else []
                for slot in slots:
                    font, _ = _font(levels, slot)
                    if font:
                        fonts.add(font)
        return fonts

    # -- views ------------------------------------------------------------------------
    def role(self, name: str) -> list[_Para]:
        return [p for p in self.paragraphs if p.role == name]

    def mark(self) -> list[_Para]:
        return [p for p in self.first_page_header() if p.role == "mark"] + self.role("mark")

    @property
    def format(self) -> str:
        """``letter`` (信函格式) or ``document`` (文件格式), as far as the file shows."""
        marks = [p for p in self.first_page_header() if p.role == "mark"] + self.role("mark")
        if marks and marks[0].text.strip().endswith("文件"):
            return "document"
        if any(p.role == "mark" for p in self.first_page_header()):
            return "letter"
        # §10.1: red double lines 170 mm long (not the 版心's 156 mm) are the 信函格式's own.
        if _letter_lines(_drawn_lines(self.first_page_header_xml()) + _drawn_lines(self.body)):
            return "letter"
        numbers = self.role("doc-number")
        if numbers and "函" in numbers[0].text and self.alignment(numbers[0]) == "right":
            return "letter"
        return "document"


def _is_red(color: str | None) -> bool:
    if not color or not re.fullmatch(r"[0-9A-Fa-f]{6}", color):
        return False
    r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return r >= 0xC0 and g <= 0x50 and b <= 0x50


# ---------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------

_GRID_ROLES = {
    "title",
    "aside",
    "recipients",
    "body",
    "heading",
    "line",
    "contact",
    "attachment-note",
    "signature",
    "date",
    "note",
    "attachment-label",
    "doc-number",
}


def _mm(twips: float) -> str:
    return f"{twips / _TWIPS_PER_MM:.1f} mm"


def _check_page(doc: _Document, out: _Findings) -> None:
    """§5.1 A4 paper; §5.2.1 天头 37 ± 1 mm, 订口 28 ± 1 mm, 版心 156 × 225 mm."""
    tol = L.mm_to_twips(L.MARGIN_TOLERANCE_MM)
    rounding = L.mm_to_twips(_ROUNDING_MM)
    for s in doc.sections:
        where = Location(f"第 {s.index} 节")
        short, long_ = sorted((s.width, s.height))
        a4 = (L.mm_to_twips(L.PAGE_WIDTH_MM), L.mm_to_twips(L.PAGE_HEIGHT_MM))
        if abs(short - a4[0]) > rounding or abs(long_ - a4[1]) > rounding:
            out.add(
                "paper",
                "5.1",
                "纸张",
                "纸张不是 A4",
                f"A4（{L.PAGE_WIDTH_MM} × {L.PAGE_HEIGHT_MM} mm）",
                f"{_mm(s.width)} × {_mm(s.height)}",
                where,
            )
            continue
        width_mm, height_mm = L.TEXT_WIDTH_MM, L.TEXT_HEIGHT_MM
        reported: set[str] = set()
        if s.landscape:  # §8 a turned page keeps the 版心, rotated
            width_mm, height_mm = height_mm, width_mm
        else:
            for code, name, value, want in (
                ("margin-top", "天头（上边距）", s.top, L.TOP_MARGIN_MM),
                ("margin-left", "订口（左边距）", s.left + s.gutter, L.LEFT_MARGIN_MM),
            ):
                if abs(value - L.mm_to_twips(want)) > tol:
                    reported.add(code)
                    out.add(
                        code,
                        "5.2.1",
                        "页边距",
                        f"{name}不符",
                        f"{want} mm（±{L.MARGIN_TOLERANCE_MM} mm）",
                        _mm(value),
                        where,
                    )
        for code, name, value, want in (
            ("text-width", "版心宽度", s.text_width, width_mm),
            ("text-height", "版心高度", s.text_height, height_mm),
        ):
            # A 版心 off only because its margin is off is the same deviation, said once.
            cause = "margin-left" if code == "text-width" else "margin-top"
            if abs(value - L.mm_to_twips(want)) > rounding and cause not in reported:
                out.add(code, "5.2.1", "版心", f"{name}不符", f"{want} mm", _mm(value), where)


def _check_grid(doc: _Document, out: _Findings) -> None:
    """§5.2.3 22 lines × 28 characters: exact 579-twip lines and −0.25 pt spacing (or a grid).
    A line length, and a line spacing set in a style or the defaults, come from a setting
    many elements share: each is reported once per setting, naming the elements it affects."""
    lengths: dict[str, tuple[list[str], list[Location]]] = {}
    pitches: dict[tuple[str, str], tuple[list[str], list[Location]]] = {}
    for para in doc.paragraphs:
        if para.role not in _GRID_ROLES or not para.flows or not para.text.strip():
            continue
        section = doc.section_of(para)
        levels = doc.styles.ppr_levels(para.el)
        rule = _first_attr(levels, "spacing", "lineRule") or "auto"
        line = _int(_first_attr(levels, "spacing", "line"), 240)
        on_grid = (
            section.grid_type in ("lines", "linesAndChars")
            and section.line_pitch == L.LINE_PITCH_TWIPS
            and rule == "auto"
            and line == 240
            and not _first_flag_false(levels, "snapToGrid")
        )
        if not on_grid and not (rule == "exact" and line == L.LINE_PITCH_TWIPS):
            actual = (
                f"固定值 {line / L.TWIPS_PER_PT:g} 磅（{line} 缇）"
                if rule == "exact"
                else f"最小值 {line / L.TWIPS_PER_PT:g} 磅"
                if rule == "atLeast"
                else f"{line / 240:g} 倍行距"
            )
            source = _spacing_source(levels) or f"段落：{_element(para)}"
            elements, places = pitches.setdefault((actual, source), ([], []))
            if _element(para) not in elements:
                elements.append(_element(para))
            places.append(para.where)
        if section.landscape or not section.regular:
            continue  # the page itself is reported; its line length follows from it
        for r, text in doc.text_runs(para):
            if not _has_cjk(text) or doc.run_size(para, r) != L.BODY_SIZE_PT:
                continue
            grid = doc.grid_pitch(para)
            if grid is not None:
                pitch = grid
                how = f"文档网格字距 {pitch / L.TWIPS_PER_PT:.2f} 磅"
            else:
                spacing = doc.run_spacing(para, r)
                pitch = L.BODY_SIZE_PT * L.TWIPS_PER_PT + spacing
                how = f"字距 {spacing / L.TWIPS_PER_PT:g} 磅"
            chars = int(section.text_width // pitch) if pitch > 0 else 0
            if chars != L.CHARS_PER_LINE:
                elements, places = lengths.setdefault(f"每行 {chars} 字（{how}）", ([], []))
                if _element(para) not in elements:
                    elements.append(_element(para))
                places.append(para.where)
            break
    for (actual, _), (elements, places) in pitches.items():
        element = "、".join(elements[:3]) + ("等" if len(elements) > 3 else "")
        for where in places:
            out.add(
                "line-pitch",
                "5.2.3",
                element,
                "行距使每面不是 22 行",
                f"固定值 {L.LINE_PITCH_TWIPS / L.TWIPS_PER_PT:g} 磅（{L.LINE_PITCH_TWIPS} 缇），每面 "
                f"{L.LINES_PER_PAGE} 行",
                actual,
                where,
            )
    for actual, (elements, places) in lengths.items():
        element = "、".join(elements[:3]) + ("等" if len(elements) > 3 else "")
        for where in places:
            out.add(
                "chars-per-line",
                "5.2.3",
                element,
                "每行字数不是 28 字",
                f"每行 {L.CHARS_PER_LINE} 字（三号字、字距 {L.CHAR_SPACING_TWIPS / L.TWIPS_PER_PT:g} 磅"
                "，或等效的文档网格）",
                actual,
                where,
            )


def _spacing_source(levels: _Levels) -> str:
    """Where a paragraph's line spacing is set: the style's id, ``defaults``, or "" when the
    paragraph sets it itself."""
    for i, level in enumerate(levels):
        spacing = level.find(_w("spacing"))
        if spacing is not None and (spacing.get(_w("line")) or spacing.get(_w("lineRule"))):
            if i < levels.direct:
                return ""
            return _val(level.getparent(), "styleId") or "defaults"
    return "defaults"


def _first_flag_false(levels: list[Any], child: str) -> bool:
    """Is the toggle ``child`` explicitly switched off (``w:val="0"``)?"""
    for level in levels:
        el = level.find(_w(child))
        if el is not None:
            return not _on(el)
    return False


def _element(para: _Para) -> str:
    if para.role == "heading" and para.level:
        return _HEADING_NAMES[para.level]
    return _ROLE_NAMES.get(para.role, "正文")


def _expected_font(para: _Para) -> tuple[str, str, float | None] | None:
    """(clause, font, size in pt) the standard asks of ``para``'s element."""
    role = para.role
    if role == "mark":
        return "7.2.4", L.FONT_TITLE, None
    if role == "title":
        return "7.3.1", L.FONT_TITLE, L.TITLE_SIZE_PT
    if role == "heading" and para.level in (1, 2) and not para.numbered:
        return "7.3.3", (L.FONT_HEADING_1 if para.level == 1 else L.FONT_HEADING_2), L.BODY_SIZE_PT
    if role in ("heading", "body", "line"):
        return "7.3.3", L.FONT_BODY, L.BODY_SIZE_PT
    if role == "attachment-label":
        return "7.3.7", L.FONT_HEADING_1, L.BODY_SIZE_PT
    if role == "head-info":
        digits = para.text.strip().isdigit()
        return ("7.2.1" if digits else "7.2.2"), ("" if digits else L.FONT_HEADING_1), L.BODY_SIZE_PT
    if role == "record":
        return "7.4.2", L.FONT_BODY, L.RECORD_SIZE_PT
    if role in ("doc-number", "recipients", "attachment-note", "signature", "date", "note", "contact"):
        return "5.2.2", L.FONT_BODY, L.BODY_SIZE_PT
    return None


def _heading_span(para: _Para) -> int:
    """How many characters of a heading paragraph are the heading (the rest is run-in text)."""
    ends = [i for i in (para.text.find(mark) for mark in RUNIN_END) if i >= 0]
    return min(ends) if ends else len(para.text)


def _check_fonts(doc: _Document, out: _Findings) -> None:
    """§5.2.2 and the element clauses: font on w:eastAsia (no theme fonts), size per element."""
    paras = doc.paragraphs + doc.first_page_header()
    for para in paras:
        runs = doc.text_runs(para)
        if not runs or para.role == "box":
            continue
        want = _expected_font(para)
        heading = para.role == "heading" and para.level in (1, 2) and not para.numbered
        span = _heading_span(para) if heading else None
        offset = len(para.label)  # the label is Word's, not a run of the paragraph
        # §7.2.4 上行文: “签发人：” in 仿宋, the name after it in 楷体.
        signed = (
            para.text.find(_SIGNED) + len(_SIGNED)
            if para.role == "doc-number" and _SIGNED in para.text
            else None
        )
        for r, text in runs:
            start, offset = offset, offset + len(text)
            if not _has_cjk(text):
                continue
            levels = doc.styles.rpr_levels(para.el, r)
            font, theme = _font(levels)
            element = _element(para)
            clause, expected, size = want if want else ("5.2.2", "", None)
            if span is not None and start >= span:
                clause, expected, element = "7.3.3", L.FONT_BODY, f"{element}后的正文"
            elif signed is not None and start >= signed:
                clause, expected, element = "7.2.4", L.FONT_SIGNER_NAME, "签发人姓名"
            elif span is not None and span > L.CHARS_PER_LINE and font and font_class(font) == "仿宋":
                # A long numbered sentence is a numbered paragraph rather than a heading;
                # 仿宋 throughout is the usual way to set it.
                expected = L.FONT_BODY
            resolved = doc.theme_typeface(theme) if theme else None
            if theme and resolved and expected and font_class(resolved) == _EXPECTED_CLASS[expected]:
                out.note(
                    f"{element}用了主题字体 {theme}（本文件的主题中为“{resolved}”），"
                    "换用其他主题的电脑上字体会变"
                )
            elif theme:
                out.add(
                    "theme-font",
                    clause,
                    element,
                    "中文字体用了主题字体，换一台电脑字体就会变",
                    f"在 w:eastAsia 上写明字体（{expected or L.FONT_BODY}）",
                    f"主题字体 {theme}",
                    para.where,
                )
            elif font is None:
                out.add(
                    "no-font",
                    clause,
                    element,
                    "没有指定中文字体",
                    f"在 w:eastAsia 上写明字体（{expected or L.FONT_BODY}）",
                    "未指定",
                    para.where,
                )
            elif expected and font_class(font) != _EXPECTED_CLASS[expected]:
                out.add("font", clause, element, "字体不符", expected, font, para.where)
            if size is not None:
                actual = doc.run_size(para, r)
                if actual != size:
                    out.add(
                        "size", clause, element, "字号不符", _size_name(size), _size_name(actual), para.where
                    )
        if para.role == "mark":
            color = _first_attr(doc.styles.rpr_levels(para.el, runs[0][0]), "color")
            if not _is_red(color):
                out.add(
                    "mark-color",
                    "7.2.4",
                    "发文机关标志",
                    "发文机关标志不是红色",
                    f"红色（{L.RED}）",
                    color or "自动（黑色）",
                    para.where,
                )


_SIGNED = "签发人："


def _check_head(doc: _Document, out: _Findings) -> None:
    """§7.2: the mark centred and red, the 发文字号's form and place, the red rule(s)."""
    marks = doc.mark()
    numbers = doc.role("doc-number")
    fmt = doc.format
    for para in marks:
        # A mark in a text box is placed by the box; a distributed line (w:jc="distribute")
        # spreads across the whole width, so it stands centred too.
        if not para.in_box and doc.alignment(para) != "center" and doc.ppr(para, "jc") != "distribute":
            out.add(
                "mark-align",
                "7.2.4",
                "发文机关标志",
                "发文机关标志未居中",
                "居中",
                doc.alignment(para),
                para.where,
            )
    for para in numbers:
        text = para.text.strip()
        number_text = re.split(r"\s*签发人", text)[0].strip()
        # A template's 发文字号 still to be filled in (XXX〔2023〕X号) has no form to judge yet.
        try:
            if not re.search(r"[Xx×]{2,}|[Xx×]号$", number_text):
                parse_doc_number(number_text)
        except DocNumberError as exc:
            expected = exc.suggestion or "机关代字〔年份〕序号号，如 国知办函运字〔2023〕582号"
            out.add("doc-number", "7.2.5", "发文字号", str(exc), expected, number_text, para.where)
        signed = _SIGNED in text
        want = "right" if fmt == "letter" else "left" if signed else "center"
        if doc.alignment(para) != want and not para.in_box:
            clause = "10.1" if fmt == "letter" else "7.2.3" if signed else "7.2.5"
            expected = (
                "居右（信函格式）"
                if fmt == "letter"
                else "上行文居左空一字，签发人居右空一字"
                if signed
                else "居中"
            )
            out.add(
                "doc-number-align",
                clause,
                "发文字号",
                "发文字号位置不符",
                expected,
                doc.alignment(para),
                para.where,
            )
    if not marks and not numbers:
        return  # not a document with a 版头 (e.g. an attachment sent alone)
    if fmt == "letter":
        _check_letter_rules(doc, out)
    else:
        _check_head_rule(doc, out, numbers)


def _borders(doc: _Document, para: _Para) -> dict[str, Any]:
    out = {}
    for level in doc.styles.ppr_levels(para.el):
        bdr = level.find(_w("pBdr"))
        if bdr is not None:
            for side in bdr:
                out.setdefault(etree.QName(side).localname, side)
    return {k: v for k, v in out.items() if _val(v) not in (None, "nil", "none")}


def _rule_width(doc: _Document, para: _Para) -> int | None:
    """A paragraph border's length, or None where the page itself is already irregular."""
    section = doc.section_of(para) if para.part == "正文" else doc.sections[0]
    if not section.regular:
        return None
    levels = doc.styles.ppr_levels(para.el)
    left = _int(_first_attr(levels, "ind", "left") or _first_attr(levels, "ind", "start"))
    right = _int(_first_attr(levels, "ind", "right") or _first_attr(levels, "ind", "end"))
    return section.text_width - left - right


_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_EMU_PER_MM = 36000
_VML_UNITS_MM = {"pt": 25.4 / 72, "in": 25.4, "cm": 10.0, "mm": 1.0, "px": 25.4 / 96, "": 25.4 / 96}


@dataclass(frozen=True)
class _Line:
    """A line drawn as a shape: its colour (hex, "" unknown), length in mm (None unknown) and
    compound style (DrawingML ``cmpd`` / VML ``linestyle``: single, double, thickThin …)."""

    color: str
    length: float | None
    compound: str

    @property
    def double(self) -> bool:
        return self.compound.lower() in ("dbl", "double", "thinthin", "thickthin", "thinthick")


def _vml_length(value: str) -> float | None:
    m = re.fullmatch(r"\s*(-?[\d.]+)\s*([a-z]*)\s*", value)
    if not m or m.group(2) not in _VML_UNITS_MM:
        return None
    return float(m.group(1)) * _VML_UNITS_MM[m.group(2)]


def _drawn_lines(root: Any) -> list[_Line]:
    """Lines drawn as shapes (DrawingML or VML), for files that draw their rules. A text box's
    outline is not a line, nor is an outline switched off (``<a:ln><a:noFill/>``); the VML copy
    in ``mc:Fallback`` repeats its ``mc:Choice`` and is not counted again."""
    if root is None:
        return []
    lines: list[_Line] = []
    fallback = f"{{{_MC}}}Fallback"
    for shape in root.iter(f"{{{_WPS}}}wsp"):
        if shape.find(f"{{{_WPS}}}txbx") is not None or next(shape.iterancestors(fallback), None) is not None:
            continue
        ext = shape.find(f"{{{_WPS}}}spPr/{{{_A}}}xfrm/{{{_A}}}ext")
        geom = shape.find(f"{{{_WPS}}}spPr/{{{_A}}}prstGeom")
        cx, cy = (_int(ext.get("cx")), _int(ext.get("cy"))) if ext is not None else (0, 1)
        flat = min(cx, cy) < _EMU_PER_MM  # thinner than a millimetre: drawn as a line
        if not flat and (geom is None or geom.get("prst") not in ("line", "straightConnector1")):
            continue
        ln = shape.find(f"{{{_WPS}}}spPr/{{{_A}}}ln")
        if ln is not None and ln.find(f"{{{_A}}}noFill") is not None:
            continue
        clr = ln.find(f".//{{{_A}}}srgbClr") if ln is not None else None
        if clr is None:
            clr = shape.find(f"{{{_WPS}}}style/{{{_A}}}lnRef/{{{_A}}}srgbClr")
        color = (clr.get("val") or "") if clr is not None else ""
        length = max(cx, cy) / _EMU_PER_MM if ext is not None else None
        lines.append(_Line(color.upper(), length, (ln.get("cmpd") if ln is not None else None) or "sng"))
    for line in root.iter(f"{{{_V}}}line"):
        if next(line.iterancestors(fallback), None) is not None or line.get("stroked") in ("f", "false"):
            continue
        stroke = line.find(f"{{{_V}}}stroke")
        style = (stroke.get("linestyle") if stroke is not None else None) or "single"
        ends = [(line.get(k) or "0,0").split(",") for k in ("from", "to")]
        try:
            (x0, y0), (x1, y1) = ([_vml_length(v) for v in end[:2]] for end in ends)
            length = max(abs(x1 - x0), abs(y1 - y0)) if None not in (x0, x1, y0, y1) else None
        except ValueError:
            length = None
        color = (line.get("strokecolor") or "").lstrip("#").upper().replace("RED", L.RED)
        lines.append(_Line(color, length, style))
    # WPS and older Word draw a straight line as a VML connector shape (shapetype 32).
    for shape in root.iter(f"{{{_V}}}shape"):
        if (
            not (shape.get("type") or "").endswith("_x0000_t32")
            or next(shape.iterancestors(fallback), None) is not None
        ):
            continue
        stroke = shape.find(f"{{{_V}}}stroke")
        style = (stroke.get("linestyle") if stroke is not None else None) or "single"
        box = dict(
            part.split(":", 1)
            for part in (shape.get("style") or "").replace(" ", "").split(";")
            if ":" in part
        )
        sizes = [_vml_length(box.get(k, "")) for k in ("width", "height")]
        length = max(v for v in sizes if v is not None) if any(v is not None for v in sizes) else None
        color = (shape.get("strokecolor") or "").lstrip("#").upper().replace("RED", L.RED)
        lines.append(_Line(color, length, style))
    return lines


def _letter_lines(lines: list[_Line]) -> list[_Line]:
    """The red double lines about 170 mm long that mark the 信函格式 (§10.1)."""
    tol = L.MARGIN_TOLERANCE_MM * 2
    return [
        ln
        for ln in lines
        if ln.double
        and _is_red(ln.color)
        and (ln.length is None or abs(ln.length - L.LETTER_RULE_WIDTH_MM) <= tol)
    ]


def _check_head_rule(doc: _Document, out: _Findings, numbers: list[_Para]) -> None:
    """§7.2.7 文件格式: a red rule as wide as the 版心 4 mm under the 发文字号."""
    start = numbers[0] if numbers else doc.role("mark")[0]
    titles = doc.role("title")
    end = titles[0].number if titles else start.number + 3
    candidates = [p for p in doc.paragraphs if start.number <= p.number <= end]
    for para in candidates:
        borders = _borders(doc, para)
        side = borders.get("bottom") if para.number < end else borders.get("top")
        if side is None:
            continue
        if not _is_red(_val(side, "color")):
            out.add(
                "rule-color",
                "7.2.7",
                "版头分隔线",
                "分隔线不是红色",
                f"红色（{L.RED}）",
                _val(side, "color") or "自动",
                para.where,
            )
        width = _rule_width(doc, para)
        if width is not None and abs(width - L.mm_to_twips(L.TEXT_WIDTH_MM)) > L.mm_to_twips(
            L.MARGIN_TOLERANCE_MM
        ):
            out.add(
                "rule-width",
                "7.2.7",
                "版头分隔线",
                "分隔线与版心不等宽",
                f"{L.TEXT_WIDTH_MM} mm",
                _mm(width),
                para.where,
            )
        return
    drawn = _drawn_lines(doc.body) + _drawn_lines(doc.first_page_header_xml())
    if drawn:
        if not any(_is_red(line.color) for line in drawn):
            out.add(
                "rule-color",
                "7.2.7",
                "版头分隔线",
                "分隔线不是红色",
                f"红色（{L.RED}）",
                drawn[0].color or "自动",
            )
        return
    out.add(
        "rule-missing",
        "7.2.7",
        "版头分隔线",
        "找不到发文字号下的红色分隔线",
        f"红色，与版心等宽（{L.TEXT_WIDTH_MM} mm）",
        "无",
        start.where,
    )


def _check_letter_rules(doc: _Document, out: _Findings) -> None:
    """§10.1 信函格式: red double rules 170 mm wide, under the mark and near the page foot."""
    first = doc.sections[0]
    header = doc.first_page_header()
    footer_part = first.refs.get(("footer", "first")) if first.title_page else None
    footer = doc.part_paragraphs(footer_part, "首页页脚") if footer_part else []
    body_head = [p for p in doc.paragraphs if p.role in ("mark", "doc-number", "head-info")]
    for name, paras, sides, thick_first in (
        ("上红色双线", header + body_head, ("bottom", "top"), True),
        ("下红色双线", footer, ("top", "bottom"), False),
    ):
        found = None
        for para in paras:
            borders = _borders(doc, para)
            edge = next((s for s in sides if s in borders), None)
            if edge is not None:
                found = (para, borders[edge], edge)
                break
        if found is None:
            # Drawn rules: the upper one in the header or the body, the lower one in the
            # footer or as a second line on the page.
            above = _drawn_lines(doc.first_page_header_xml()) + _drawn_lines(doc.body)
            below = _drawn_lines(doc.package.xml(footer_part)) if footer_part else []
            drawn = above if name.startswith("上") else below or above[1:]
            if not drawn:
                where = Location("首页页脚" if name.startswith("下") else "首页页眉")
                out.add(
                    "letter-rule",
                    "10.1",
                    name,
                    f"找不到{name}",
                    f"红色双线，长 {L.LETTER_RULE_WIDTH_MM} mm",
                    "无",
                    where,
                )
            continue
        para, side, edge = found
        style = _val(side) or ""
        if not _is_red(_val(side, "color")):
            out.add(
                "rule-color",
                "10.1",
                name,
                f"{name}不是红色",
                f"红色（{L.RED}）",
                _val(side, "color") or "自动",
                para.where,
            )
        double = style == "double" or style.startswith(("thickThin", "thinThick"))
        # The line a double style names first is drawn nearer the text ([MS-OI29500] 2.1.528):
        # the upper line of a bottom border, the lower line of a top border.
        thick_named_first = thick_first == (edge == "bottom")
        right_order = style.startswith("thickThin" if thick_named_first else "thinThick") or style == "double"
        if not double or not right_order:
            expected = "上粗下细的双线" if thick_first else "上细下粗的双线"
            out.add("letter-rule-style", "10.1", name, "线型不符", expected, style, para.where)
        width = _rule_width(doc, para)
        if width is not None and abs(width - L.mm_to_twips(L.LETTER_RULE_WIDTH_MM)) > L.mm_to_twips(
            L.MARGIN_TOLERANCE_MM
        ):
            out.add(
                "rule-width", "10.1", name, "线长不符", f"{L.LETTER_RULE_WIDTH_MM} mm", _mm(width), para.where
            )


def _check_main(doc: _Document, out: _Findings) -> None:
    """§7.3.1–7.3.6: title, 主送机关, paragraph indents, 成文日期, 附注."""
    for para in doc.role("title") + doc.role("attachment-title"):
        if doc.alignment(para) != "center":
            clause = "7.3.1" if para.role == "title" else "7.3.7"
            out.add("title-align", clause, _element(para), "未居中", "居中", doc.alignment(para), para.where)
    for para in doc.role("recipients"):
        text = para.text.strip()
        if not text.endswith("："):
            out.add(
                "recipients-colon",
                "7.3.2",
                "主送机关",
                "主送机关后应标全角冒号",
                "以“：”结尾",
                text[-1:],
                para.where,
            )
        first, left, _ = doc.indents(para)
        if abs(first) > _INDENT_SLACK or abs(left) > _INDENT_SLACK:
            out.add(
                "recipients-indent",
                "7.3.2",
                "主送机关",
                "主送机关应居左顶格",
                "顶格（缩进 0）",
                f"缩进 {first:.1f} 字",
                para.where,
            )
    for para in doc.paragraphs:
        if para.in_table or para.role not in ("body", "heading") or not para.text.strip():
            continue
        if doc.section_of(para).landscape:
            continue
        first, left, _ = doc.indents(para)
        if abs(first - 2) > _INDENT_SLACK:
            out.add(
                "indent",
                "7.3.3",
                _element(para),
                "段首应左空二字",
                "首行缩进 2 字",
                f"{first:.1f} 字",
                para.where,
            )
        elif abs(left) > _INDENT_SLACK:
            out.add(
                "indent",
                "7.3.3",
                _element(para),
                "回行应顶格",
                "其余各行缩进 0",
                f"{left:.1f} 字",
                para.where,
            )
    for para in doc.role("date"):
        if _PLACEHOLDER.match(para.text):
            continue  # a field still to be filled in
        _check_date_text(para.text.strip(), "7.3.5.4", "成文日期", para, out)
    for para in doc.role("note"):
        text = para.text.strip()
        if not (text.startswith("（") and text.endswith("）")):
            out.add(
                "note-brackets",
                "7.3.6",
                "附注",
                "附注应加全角圆括号",
                "（……）",
                text[:1] + "…" + text[-1:],
                para.where,
            )
        first, left, _ = doc.indents(para)
        if abs(first - 2) > _INDENT_SLACK:
            out.add(
                "indent", "7.3.6", "附注", "附注应居左空二字", "首行缩进 2 字", f"{first:.1f} 字", para.where
            )
        elif abs(left) > _INDENT_SLACK:
            out.add("indent", "7.3.6", "附注", "回行应顶格", "其余各行缩进 0", f"{left:.1f} 字", para.where)


def _span(doc: _Document, para: _Para) -> tuple[float, float] | None:
    """Where a one-line paragraph's text starts and ends, in characters from the right edge
    of the 版心 (so (12, 2) is a text of ten characters, right-indented two). Leading and
    trailing spaces count: a hand-made document often positions a signature with them.
    None when that cannot be known (a tab, a line break, or a line that wraps)."""
    text = para.text
    if "\t" in text or "\n" in text or not text.strip():
        return None  # a tab stop or a second line: where the text stands is not known here
    char = doc.grid_pitch(para) or doc.char_twips(para) or 1
    line = doc.section_of(para).text_width / char

    def width(part: str) -> float:
        return line_width(part)  # with the room added between Chinese and digits

    lead = width(text[: len(text) - len(text.lstrip())])
    trail = width(text[len(text.rstrip()) :])
    body = width(text.strip())
    first, _, right = doc.indents(para)
    align = doc.alignment(para)
    if align == "right":
        end = right + trail
    elif align == "center":
        end = right + (line - first - right - (lead + body + trail)) / 2 + trail
    else:
        end = line - first - lead - body
    if end < -_INDENT_SLACK or end + body > line + _INDENT_SLACK:
        return None
    return end + body, end


def _check_signature_date(doc: _Document, out: _Findings) -> None:
    """§7.3.5 署名 and 成文日期. With a seal the date is right-indented four characters and
    the signature centred over it; without, the signature is right-indented two and the
    date starts two characters right of it (when the date is the longer, the date keeps
    two and the signature moves). The checker cannot see whether a seal will be used, so
    either layout passes."""
    slack = 0.4  # characters: half a character off (one ASCII space) is a deviation
    for date in doc.role("date"):
        before = [p for p in doc.paragraphs[: date.number - 1] if p.text.strip() and p.flows]
        if not before or before[-1].role != "signature":
            continue
        signature = before[-1]
        try:
            if date.text.strip() != format_cn_date(parse_date(date.text.strip())):
                continue  # its form is reported; its place is judged once it is right
        except DateError:
            continue
        d, s = _span(doc, date), _span(doc, signature)
        if d is None or s is None:
            continue
        d_centre, s_centre = sum(d) / 2, sum(s) / 2
        sealed = abs(d[1] - L.SEALED_DATE_RIGHT_CHARS) <= slack and (
            abs(s_centre - d_centre) <= slack
            # a signature too long to centre over the date reaches the right edge
            or (abs(s[1]) <= slack and d_centre - (s[0] - s[1]) / 2 < 0)
        )
        # Without a seal the date's first character stands two right of the signature's.
        unsealed = abs(s[0] - (d[0] + L.DATE_SHIFT_CHARS)) <= slack and (
            abs(s[1] - L.SIGNATURE_RIGHT_CHARS) <= slack or abs(d[1] - L.SIGNATURE_RIGHT_CHARS) <= slack
        )
        if not (sealed or unsealed):
            out.add(
                "signature-date",
                "7.3.5",
                "发文机关署名和成文日期",
                "位置不合规定",
                "加盖印章：日期右空四字，署名以日期为准居中；不加盖印章：署名右空二字，"
                "日期首字比署名首字右移二字",
                f"署名右空 {s[1]:.1f} 字、首字距右 {s[0]:.1f} 字；"
                f"日期右空 {d[1]:.1f} 字、首字距右 {d[0]:.1f} 字",
                date.where,
            )


def _check_date_text(text: str, clause: str, element: str, para: _Para, out: _Findings) -> None:
    """§7.3.5.4 dates in Arabic numerals, full year, no zero padding: 2023年7月18日."""
    try:
        date = parse_date(text)
    except DateError:
        out.add(
            "date-form",
            clause,
            element,
            "日期应用阿拉伯数字标全年、月、日",
            "如 2023年7月18日",
            text,
            para.where,
        )
        return
    if text != format_cn_date(date):
        out.add(
            "date-form", clause, element, "年份标全称，月、日不编虚位", format_cn_date(date), text, para.where
        )


def _check_ordinals(doc: _Document, out: _Findings) -> None:
    """§7.3.3 一、 → （一） → 1. → （1）: the right punctuation and no gaps at each level."""
    counters: dict[tuple[int, int], int] = {}
    found_all = [
        (para, found)
        for para in doc.paragraphs
        if para.role == "heading" and not para.in_table and (found := _ordinal(para.text.strip()))
    ]
    for k, (para, found) in enumerate(found_all):
        level, m = found
        form = FORMS[level - 1]
        num = m["num"]
        value = int(num) if num.isdigit() else _CN_VALUE.get(num)
        written = m.group(0)
        key = (para.zone, level)
        expected_n = counters.get(key, 0) + 1
        expected = ordinal(expected_n, form)
        if value is None or written != ordinal(value, form):
            out.add(
                "ordinal-form",
                "7.3.3",
                _HEADING_NAMES[level],
                f"序号写法不规范（第{_HEADING_NAMES[level][0]}层用“{form}”式）",
                ordinal(value, form) if value else expected,
                written,
                para.where,
            )
        if value is not None and value != expected_n:
            out.add(
                "ordinal-sequence",
                "7.3.3",
                _HEADING_NAMES[level],
                "序号不连续",
                expected,
                written,
                para.where,
            )
        counters[key] = value or expected_n
        if (
            value is not None
            and value != expected_n
            and not _sequence_goes_on(found_all[k + 1 :], para, level, value)
        ):
            # One mistyped number (二、 typed as 四、): the next heading continues the true count.
            counters[key] = expected_n
        for deeper in range(level + 1, len(FORMS) + 1):
            counters.pop((para.zone, deeper), None)


def _sequence_goes_on(rest: list[tuple[_Para, Any]], para: _Para, level: int, value: int) -> bool:
    """Does the next heading of ``para``'s level (before a shallower one) follow ``value``?
    Then the numbers run on from it (a skipped or renumbered stretch), else it was a slip."""
    for other, (other_level, m) in rest:
        if other.zone != para.zone or other_level < level:
            return True  # nothing after it at this level: keep counting from what is written
        if other_level == level:
            num = m["num"]
            return (int(num) if num.isdigit() else _CN_VALUE.get(num)) == value + 1
    return True


def _check_attachments(doc: _Document, out: _Findings) -> None:
    """§7.3.4 附件说明 against §7.3.7 the attachments present, their labels and pages."""
    notes = doc.role("attachment-note")
    labels = doc.role("attachment-label")
    names: list[tuple[int | None, str, _Para]] = []
    for para in notes:
        text = para.text.strip()
        if text.startswith("附件"):
            text = re.sub(r"^附件\s*[：:]\s*", "", text)
            if not para.text.strip().startswith("附件："):
                out.add(
                    "note-colon",
                    "7.3.4",
                    "附件说明",
                    "“附件”后应标全角冒号",
                    "附件：",
                    para.text.strip()[:3],
                    para.where,
                )
            first, _, _ = doc.indents(para)
            if abs(first - 2) > _INDENT_SLACK:
                out.add(
                    "indent",
                    "7.3.4",
                    "附件说明",
                    "附件说明应左空二字",
                    "首行缩进 2 字",
                    f"{first:.1f} 字",
                    para.where,
                )
        m = re.match(r"^(\d{1,2})\s*([.．、]?)\s*(.*)$", text)
        if m and (m.group(2) or len(notes) > 1):
            if m.group(2) != ".":
                out.add(
                    "note-number",
                    "7.3.4",
                    "附件说明",
                    "附件顺序号后用半角点“.”",
                    f"{m.group(1)}.",
                    m.group(1) + m.group(2),
                    para.where,
                )
            names.append((int(m.group(1)), m.group(3), para))
        else:
            names.append((None, text, para))
    numbered = [n for n, _, _ in names if n is not None]
    if len(names) > 1 and len(numbered) != len(names):
        out.add(
            "note-number",
            "7.3.4",
            "附件说明",
            "多个附件应标顺序号",
            "1. 2. 3. …",
            "缺少序号",
            names[0][2].where,
        )
    elif len(names) == 1 and numbered:
        out.add(
            "note-number",
            "7.3.4",
            "附件说明",
            "只有一个附件时不编顺序号",
            "附件：名称",
            f"附件：{numbered[0]}.",
            names[0][2].where,
        )
    for i, (n, _, para) in enumerate(names, 1):
        if n is not None and len(names) > 1 and n != i:
            out.add("note-sequence", "7.3.4", "附件说明", "附件顺序号不连续", f"{i}.", f"{n}.", para.where)
    for _, name, para in names:
        if name and name[-1] in "。，；：、,.;:！？":
            out.add(
                "note-punctuation",
                "7.3.4",
                "附件说明",
                "附件名称后不加标点符号",
                "名称末尾无标点",
                name[-1],
                para.where,
            )
    # Fewer labels than listed attachments: the others are sent as files of their own
    # (GB/T 9704 §8), each labelled there; the labels here keep their listed numbers.
    separate = bool(labels) and len(labels) < len(names)
    if labels and names and len(labels) > len(names):
        where = (names[0][2] if names else labels[0]).where
        out.add(
            "attachment-count",
            "7.3.4",
            "附件说明",
            "附件说明与文中附件个数不一致",
            f"附件说明列出 {len(labels)} 个附件",
            f"附件说明 {len(names)} 个，附件 {len(labels)} 个",
            where,
        )
    # Without a 附件说明 the file is an attachment sent on its own (“附件4” of some notice):
    # its labels count on from whatever number the first one carries.
    first_number = 1
    if not names and labels:
        m = _LABEL.match(labels[0].text.strip())
        first_number = int(m.group(1)) if m and m.group(1) else 1
    previous = first_number - 1
    for i, para in enumerate(labels, first_number):
        text = para.text.strip()
        numbered = bool((m := _LABEL.match(text)) and m.group(1))
        want = "附件" if len(labels) == 1 and (names or not numbered) else f"附件{i}"
        if separate:
            fits = numbered and previous < int(m.group(1)) <= len(names)
            want = text if fits else f"附件{previous + 1}"
        previous = int(m.group(1)) if numbered else previous + 1
        if text != want:
            out.add("attachment-label", "7.3.7", "附件标签", "附件标签与顺序不符", want, text, para.where)
        first, left, _ = doc.indents(para)
        if (
            abs(first) > _INDENT_SLACK
            or abs(left) > _INDENT_SLACK
            or doc.alignment(para) not in ("left", "both")
        ):
            out.add(
                "attachment-label-place",
                "7.3.7",
                "附件标签",
                "附件标签应顶格编排在版心左上角",
                "居左顶格",
                f"缩进 {first:.1f} 字",
                para.where,
            )
        if not doc.page_break_before(doc.paragraphs.index(para)):
            out.add(
                "attachment-page", "7.3.7", "附件", "附件应另起一页", "附件标签前分页", "未分页", para.where
            )


def _field_text(p: Any) -> tuple[str, bool]:
    """A footer paragraph's text with a PAGE field written as ``N``, and whether it has one."""
    parts: list[str] = []
    has_page = False
    state = "text"  # inside a complex field: "code" until separate, "result" until end
    instr = ""
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        if el.tag == _w("fldSimple"):
            if re.match(r"\s*PAGE\b", el.get(_w("instr")) or ""):
                has_page = True
                parts.append("N")
                continue
        if el.tag == _w("r"):
            for child in el:
                if child.tag == _w("fldChar"):
                    kind = _val(child, "fldCharType")
                    if kind == "begin":
                        state, instr = "code", ""
                    elif kind == "separate":
                        state = "result"
                        if re.match(r"\s*PAGE\b", instr):
                            has_page = True
                            parts.append("N")
                    elif kind == "end":
                        # ECMA-376 §17.16.18: the separate part and the cached result are
                        # optional (python-docx writes none); Word computes PAGE in a footer anyway.
                        if state == "code" and re.match(r"\s*PAGE\b", instr):
                            has_page = True
                            parts.append("N")
                        state = "text"
                elif child.tag == _w("instrText"):
                    instr += child.text or ""
                elif child.tag == _w("t") and (
                    state == "text" or (state == "result" and not re.match(r"\s*PAGE\b", instr))
                ):
                    parts.append(child.text or "")
            continue
        if el.tag not in _SKIP_IN_RUNS:
            stack.extend(reversed(list(el)))
    return "".join(parts), has_page


def _page_number_paras(doc: _Document, part: str, label: str) -> list[tuple[_Para, str]]:
    found = []
    for para in doc.part_paragraphs(part, label):
        text, has_page = _field_text(para.el)
        if has_page:
            para.role = "page-number"
            found.append((para, text))
    return found


def _check_footers(doc: _Document, out: _Findings) -> None:
    """§7.5 页码 “— N —” 4号宋体, odd pages right and even pages left (one character in)."""
    even_on = _on(doc.settings.find(_w("evenAndOddHeaders"))) if doc.settings is not None else False
    checked: set[str] = set()
    any_number = False
    for s in doc.sections:
        default = s.refs.get(("footer", "default"))
        even = s.refs.get(("footer", "even"))
        for part, side, label in ((default, "right", "页脚（单页）"), (even, "left", "页脚（双页）")):
            if not part or part in checked:
                continue
            checked.add(part)
            numbers = _page_number_paras(doc, part, label)
            any_number |= bool(numbers)
            for para, text in numbers:
                _check_page_number(doc, para, text, side, out)
        if default and not even and _page_number_paras(doc, default, "页脚（单页）"):
            out.add(
                "even-footer",
                "7.5",
                "页码",
                "没有双页页脚，双页码不能居左",
                "双页页脚：页码居左空一字",
                "无双页页脚",
                Location(f"第 {s.index} 节"),
            )
    if any_number and not even_on:
        out.add(
            "even-odd-setting",
            "7.5",
            "页码",
            "settings.xml 没有 w:evenAndOddHeaders，双页页脚不生效，双页码也会居右",
            "<w:evenAndOddHeaders/>",
            "缺少",
            Location("settings.xml"),
        )
    if not any_number:
        out.add(
            "page-number-missing",
            "7.5",
            "页码",
            "页脚中没有页码（PAGE 域）",
            "“— N —”",
            "无",
            Location("页脚"),
        )
        return
    first = doc.sections[0]
    first_part = first.refs.get(("footer", "first")) if first.title_page else None
    first_has = bool(first_part and _page_number_paras(doc, first_part, "首页页脚"))
    if doc.format == "letter" and (not first.title_page or first_has):
        out.add(
            "letter-first-page-number",
            "10.1",
            "页码",
            "信函格式首页不显示页码",
            "首页页脚无页码（首页不同）",
            "首页有页码",
            Location("第 1 节"),
        )
    elif doc.format == "document" and first.title_page and not first_has:
        out.add(
            "first-page-number",
            "7.5",
            "页码",
            "首页缺少页码",
            "首页显示“— 1 —”",
            "首页无页码",
            Location("首页页脚"),
        )


def _check_page_number(doc: _Document, para: _Para, text: str, side: str, out: _Findings) -> None:
    compact = re.sub(r"[\s\u3000]", "", text)
    dash = L.PAGE_NUMBER_DASH
    if compact != f"{dash}N{dash}":
        out.add(
            "page-number-form",
            "7.5",
            "页码",
            "页码两侧应各放一条一字线",
            f"{dash} N {dash}",
            text.replace("N", "1").strip(),
            para.where,
        )
    jc = doc.alignment(para)
    frame = para.el.find(f"{_w('pPr')}/{_w('framePr')}")
    if frame is not None and _val(frame, "xAlign"):
        jc = {"outside": side, "inside": "left" if side == "right" else "right"}.get(
            _val(frame, "xAlign") or "", _val(frame, "xAlign") or jc
        )
    first, left, right = doc.indents(para)
    size_twips = doc.run_size(para, doc.text_runs(para)[0][0]) * L.TWIPS_PER_PT if doc.text_runs(para) else 1
    char = doc.char_twips(para) or 1
    # One character in: by indent, or by a full-width space written into the footer.
    inset = (right if side == "right" else first) * char / size_twips
    if side == "right" and text.endswith("\u3000") or side == "left" and text.startswith("\u3000"):
        inset += 1
    place = "单页码居右空一字" if side == "right" else "双页码居左空一字"
    if jc != side or abs(inset - 1) > _INDENT_SLACK:
        out.add(
            "page-number-place",
            "7.5",
            "页码",
            "页码位置不符",
            place,
            f"{jc}，缩进 {inset:.1f} 字",
            para.where,
        )
    for r, _ in doc.text_runs(para):
        levels = doc.styles.rpr_levels(para.el, r)
        font, theme = _font(levels, "ascii")
        resolved = doc.theme_typeface(theme) if theme else None
        if theme and resolved and font_class(resolved) == "宋体":
            # Word shows 宋体 here; only another machine's theme could change it.
            out.note(
                f"页码用了主题字体 {theme}（本文件的主题中为“{resolved}”），换用其他主题的电脑上字体会变"
            )
        elif theme:
            out.add(
                "theme-font",
                "7.5",
                "页码",
                "页码用了主题字体",
                L.FONT_PAGE_NUMBER,
                f"主题字体 {theme}",
                para.where,
            )
        elif font is None or font_class(font) != "宋体":
            out.add("font", "7.5", "页码", "页码字体不符", L.FONT_PAGE_NUMBER, font or "未指定", para.where)
        size = doc.run_size(para, r)
        if size != L.PAGE_NUMBER_SIZE_PT:
            out.add(
                "size",
                "7.5",
                "页码",
                "页码字号不符",
                _size_name(L.PAGE_NUMBER_SIZE_PT),
                _size_name(size),
                para.where,
            )


def _check_record(doc: _Document, out: _Findings) -> None:
    """§7.4 版记: 抄送 and 印发 lines, their indents, dates and the rules between them."""
    records = [p for p in doc.role("record") if p.text.strip()]
    if not records:
        return
    for para in records:
        text = _row_text(para) if para.in_table else para.text.strip()
        first, left, _ = doc.indents(para)
        if text.startswith("抄送"):
            if not text.startswith("抄送："):
                out.add(
                    "cc-colon", "7.4.2", "抄送机关", "“抄送”后应标全角冒号", "抄送：", text[:3], para.where
                )
            if not text.endswith("。"):
                out.add(
                    "cc-period",
                    "7.4.2",
                    "抄送机关",
                    "最后一个抄送机关后标句号",
                    "以“。”结尾",
                    text[-1:],
                    para.where,
                )
        elif _IMPRINT.search(text):
            m = _IMPRINT.search(text)
            date_text = text[m.start() : m.end()].removesuffix("印发").strip()
            _check_date_text(date_text, "7.4.3", "印发日期", para, out)
        else:
            continue
        cell = para.el.getparent()
        if para.in_table and any(c.tag == _w("tc") for c in cell.itersiblings(preceding=True)):
            continue  # a later cell of the row: the cell, not an indent, places it
        if doc.alignment(para) == "right":
            first = doc.indents(para)[2]  # 印发日期 set right: its right indent is the one
        if abs(first - 1) > _INDENT_SLACK and not (para.in_table and _cell_margin(para) >= 1):
            clause = "7.4.2" if text.startswith("抄送") else "7.4.3"
            out.add(
                "record-indent",
                clause,
                "版记",
                "版记各要素左空一字",
                "左缩进 1 字",
                f"{first:.1f} 字",
                para.where,
            )
    _check_record_rules(doc, records, out)


def _row_text(para: _Para) -> str:
    """A 版记 written as a table may put 抄送： and the offices, or the printer and the date,
    in cells side by side: the row reads as one line."""
    row = next(para.el.iterancestors(_w("tr")), None)
    if row is None:
        return para.text.strip()
    return "".join(element_text(p) for p in row.iter(_w("p"))).strip()


def _cell_margin(para: _Para) -> float:
    """The left cell margin of ``para``'s table, in characters of 三号 (0 when not set)."""
    table = next(para.el.iterancestors(_w("tbl")), None)
    mar = table.find(f"{_w('tblPr')}/{_w('tblCellMar')}/{_w('left')}") if table is not None else None
    if mar is None:
        mar = table.find(f"{_w('tblPr')}/{_w('tblCellMar')}/{_w('start')}") if table is not None else None
    return _int(_val(mar, "w")) / (L.BODY_SIZE_PT * L.TWIPS_PER_PT) if mar is not None else 0.0


def _table_rule(table: Any, side: str) -> Any:
    """The border drawn along ``side`` (top, bottom, insideH) of a table.

    A cell's own border wins over the table's: Word and LibreOffice write the same rule
    either way (LibreOffice saves table borders on the cells).
    """
    rows = table.findall(_w("tr"))
    edge = {"top": rows[:1], "bottom": rows[-1:], "insideH": rows[:-1]}[side]
    cell_side = "bottom" if side == "insideH" else side
    for row in edge:
        for cell in row.findall(_w("tc")):
            found = cell.find(f"{_w('tcPr')}/{_w('tcBorders')}/{_w(cell_side)}")
            if found is not None:
                return found
    borders = table.find(f"{_w('tblPr')}/{_w('tblBorders')}")
    return borders.find(_w(side)) if borders is not None else None


def _check_record_rules(doc: _Document, records: list[_Para], out: _Findings) -> None:
    """§7.4.1 first and last rules 0.35 mm, those between 0.25 mm, as wide as the 版心."""
    table = next((a for a in records[0].el.iterancestors() if a.tag == _w("tbl")), None)
    where = records[0].where
    thick = f"首末条 {L.RECORD_OUTER_RULE_EIGHTHS / 8:g} 磅（0.35 mm）"
    thin = f"中间 {L.RECORD_INNER_RULE_EIGHTHS / 8:g} 磅（0.25 mm）"
    if table is not None:
        rows = len(table.findall(_w("tr")))
        for side, want in (
            ("top", L.RECORD_OUTER_RULE_EIGHTHS),
            ("bottom", L.RECORD_OUTER_RULE_EIGHTHS),
            ("insideH", L.RECORD_INNER_RULE_EIGHTHS),
        ):
            if side == "insideH" and rows < 2:
                continue
            b = _table_rule(table, side)
            if b is None or _val(b) in ("nil", "none"):
                out.add(
                    "record-rule",
                    "7.4.1",
                    "版记分隔线",
                    "缺少分隔线",
                    f"{thick}，{thin}",
                    f"无 {side} 线",
                    where,
                )
            elif _int(_val(b, "sz")) != want:
                out.add(
                    "record-rule",
                    "7.4.1",
                    "版记分隔线",
                    "分隔线粗细不符",
                    f"{thick}，{thin}",
                    f"{side} {_int(_val(b, 'sz')) / 8:g} 磅",
                    where,
                )
        width = table.find(f"{_w('tblPr')}/{_w('tblW')}")
        if width is not None and _val(width, "type") == "dxa":
            w = _int(_val(width, "w"))
            if abs(w - L.mm_to_twips(L.TEXT_WIDTH_MM)) > L.mm_to_twips(L.MARGIN_TOLERANCE_MM):
                out.add(
                    "record-rule-width",
                    "7.4.1",
                    "版记分隔线",
                    "分隔线与版心不等宽",
                    f"{L.TEXT_WIDTH_MM} mm",
                    _mm(w),
                    where,
                )
        return
    top = _borders(doc, records[0]).get("top")
    bottom = _borders(doc, records[-1]).get("bottom")
    if top is None or bottom is None:
        out.add(
            "record-rule", "7.4.1", "版记分隔线", "缺少首条或末条分隔线", f"{thick}，{thin}", "缺少", where
        )


_UPWARD = re.compile(r"(请示|报告)$")
_NO_TEXT = re.compile(r"^[（(]\s*此页无正文\s*[）)]$")


def _check_structure(doc: _Document, out: _Findings) -> None:
    """What the anchors of the field check besides the details: is it a 公文 at all, are the
    版头's elements there, does an upward document name its 签发人 (§7.2.3), is the title
    broken between words (§7.3.1), are attachments listed (§7.3.4), is “（此页无正文）”
    where it belongs (§7.3.5.3)."""
    marks = [p for p in doc.mark() if p.text.strip()]
    numbers = [p for p in doc.role("doc-number") if p.text.strip()]
    titles = [p for p in doc.role("title") if p.text.strip()]
    if not marks and not numbers:
        # A draft, an attachment sent alone, a plan: said once, as a note, and the text is
        # still checked as a 公文's would be.
        out.note("看不出是一份完整的公文：没有发文机关标志，也没有发文字号（草稿或单独的附件可不理会）")
    elif not marks or not numbers:
        missing = "发文机关标志" if not marks else "发文字号"
        present = (numbers or marks)[0]
        out.add("head-missing", "7.2", "版头", f"版头缺少{missing}", f"有{missing}", "缺少", present.where)
    title_text = "".join(p.text for p in titles).replace("\n", "").strip()
    if numbers and titles and _UPWARD.search(title_text) and not any(_SIGNED in p.text for p in numbers):
        out.add(
            "signer-missing",
            "7.2.3",
            "签发人",
            "上行文（请示、报告）应标注签发人",
            "发文字号同一行右空一字标“签发人：姓名”",
            "无签发人",
            numbers[0].where,
        )
    lines = [line.strip() for p in titles for line in p.text.split("\n") if line.strip()]
    # wenshu's own files break the title where the spec's title_lines say (the writer's
    # choice, checked when it builds); another office's breaks are judged here.
    if len(lines) > 1 and not doc.wenshu_styles:
        for problem in title_problems(lines):
            out.add(
                "title-break",
                "7.3.1",
                "标题",
                "标题回行不合规定",
                "在词与词之间回行，各行长短适宜（梯形或菱形）",
                problem.message,
                titles[0].where,
            )
    labels = doc.role("attachment-label")
    main = [p for p in doc.paragraphs if p.role in ("signature", "date", "recipients", "doc-number")]
    if labels and not doc.role("attachment-note") and main and main[0].number < labels[0].number:
        out.add(
            "attachment-unlisted",
            "7.3.4",
            "附件说明",
            "正文带有附件，却没有附件说明",
            "正文下空一行左空二字标“附件：名称”",
            "无附件说明",
            labels[0].where,
        )
    for index, para in enumerate(doc.paragraphs):
        if not _NO_TEXT.match(para.text.strip()) or doc.page_break_before(index):
            continue
        # It opens the signature page (§7.3.5.3): text before it on its page is body text.
        if any(p.flows and p.text.strip() for p in doc.paragraphs[:index]):
            out.add(
                "no-text-page",
                "7.3.5.3",
                "正文",
                "“（此页无正文）”所在的页上有正文",
                "只在署名页没有正文时，于署名页首行标“（此页无正文）”",
                "与正文同页",
                para.where,
            )


_CHECKS = (
    _check_page,
    _check_grid,
    _check_fonts,
    _check_head,
    _check_main,
    _check_signature_date,
    _check_ordinals,
    _check_attachments,
    _check_footers,
    _check_record,
    _check_structure,
)


def check_docx(
    source: str | Path | bytes, name: str | None = None, options: CheckOptions | None = None
) -> Report:
    """Check one .docx (a path or its bytes) against GB/T 9704-2012."""
    report, _ = analyse(source, name)
    if options is not None:
        options.apply(report)
    return report


def analyse(source: str | Path | bytes, name: str | None = None) -> tuple[Report, _Document | None]:
    """The report and the parsed document (for the rendered checks)."""
    label = name or (str(source) if not isinstance(source, bytes) else "文档")
    report = Report(label)
    # Header and footer parts are parsed as the checks need them, so the checks too sit inside
    # the try: a damaged footer spoils this file's report, never the other files'.
    try:
        doc = _Document(source if isinstance(source, bytes) else Path(source), label)
        out = _Findings()
        for check in _CHECKS:
            check(doc, out)
    except WenshuError as exc:
        report.error = "；".join(p.message for p in exc.problems)
        return report, None
    except (MemoryError, RecursionError):
        report.error = "文件内容过大或嵌套过深，无法检查"
        return report, None
    except Exception as exc:  # a bug met on this file: report it here, go on with the others
        report.error = f"检查这个文件时发生内部错误（{type(exc).__name__}），请把文件发给维护者"
        return report, None
    report.deviations = out.items()
    report.notes.extend(out.notes)
    report.measurements["format"] = doc.format
    return report, doc


# ---------------------------------------------------------------------------------------
# Checking the pages LibreOffice lays out
# ---------------------------------------------------------------------------------------

_PT_PER_MM = 72 / 25.4
# How far a measured position may stray: PDF text boxes come from the substitute fonts'
# metrics, so they sit a little differently from the licensed fonts the file names.
_X_SLACK_PT = 4.0
_Y_SLACK_MM = 2.0
_GRID_SLACK = 0.2  # of a line pitch
_HANGING = "，。、；：！？）》」』”’"
_PAGE_NUMBER = re.compile(r"^[—–－-]\s*(\d+)\s*[—–－-]$")


@dataclass
class _Geometry:
    """The 版心 in PDF points (y down from the top), as the standard places it."""

    left: float = L.LEFT_MARGIN_MM * _PT_PER_MM
    top: float = L.TOP_MARGIN_MM * _PT_PER_MM
    right: float = (L.LEFT_MARGIN_MM + L.TEXT_WIDTH_MM) * _PT_PER_MM
    bottom: float = (L.TOP_MARGIN_MM + L.TEXT_HEIGHT_MM) * _PT_PER_MM
    pitch: float = L.LINE_PITCH_TWIPS / L.TWIPS_PER_PT
    char: float = L.CHAR_ADVANCE_TWIPS / L.TWIPS_PER_PT


def _compact(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def _page_one_texts(doc: _Document) -> list[tuple[str, str, str]]:
    """(clause, element, text) of what must print on page one."""
    out = []
    marks = doc.mark()
    if marks:
        out.append(("7.2.4", "发文机关标志", marks[0].text))
    titles = doc.role("title")
    if titles:
        out.append(("7.3.1", "标题", "".join(p.text for p in titles)))
    first_body = next(
        (
            p
            for p in doc.paragraphs
            if p.role in ("body", "heading") and p.zone == 0 and not p.in_table and p.text.strip()
        ),
        None,
    )
    if first_body is not None:
        out.append(("7.3.3", "正文", first_body.text))
    return out


def _measure(
    doc: _Document, report: Report, pages: list[Any], out: _Findings, pdf: Path | None = None
) -> None:
    """Lines per full page, characters per full line, page numbers, page one, title, 版记."""
    g = _Geometry()
    portrait = [p for p in pages if not p.landscape]

    def body_rows(page: Any) -> list[Any]:
        return [r for r in page.rows if r.y0 >= g.top - 3 and r.y1 <= g.bottom + 3]

    heights = [round(r.height, 1) for page in portrait for r in body_rows(page)]
    body_height = statistics.mode(heights) if heights else 0.0
    deltas = []
    for page in portrait:
        rows = [r for r in body_rows(page) if abs(r.height - body_height) < 0.5]
        deltas += [
            b.y1 - a.y1 for a, b in zip(rows, rows[1:], strict=False) if 0.8 < (b.y1 - a.y1) / g.pitch < 1.2
        ]
    pitch = statistics.fmean(deltas) if deltas else g.pitch
    report.measurements["pages"] = len(pages)
    report.measurements["line_pitch_pt"] = round(pitch, 2)

    # Lines per full page: a page whose last line runs on to the next page's first line.
    lines_per_page: dict[int, int] = {}
    for page, nxt in zip(pages[1:], pages[2:], strict=False):
        if page.landscape or nxt.landscape:
            continue
        rows, next_rows = body_rows(page), body_rows(nxt)
        if not rows or not next_rows:
            continue
        on_grid = all(abs((r.y1 - g.top) / pitch - round((r.y1 - g.top) / pitch)) < _GRID_SLACK for r in rows)
        last, first = rows[-1], next_rows[0]
        runs_on = (
            last.x1 >= g.right - g.char / 2 and abs(first.x0 - g.left) < 2 and not _LABEL.match(first.text)
        )
        if on_grid and runs_on:
            lines_per_page[page.number] = round((last.y1 - g.top) / pitch)
    report.measurements["lines_per_full_page"] = lines_per_page
    for number, lines in lines_per_page.items():
        if lines != L.LINES_PER_PAGE:
            out.add(
                "render-lines",
                "5.2.3",
                "版面",
                "排满的页不是 22 行",
                f"每面 {L.LINES_PER_PAGE} 行",
                f"{lines} 行",
                Location(f"第 {number} 页"),
            )
    if not lines_per_page:
        report.notes.append("没有排满后续页的正文页，未测每页行数")

    # Characters per full line: lines of full-width characters from margin to margin.
    counts: dict[int, int] = {}
    for page in portrait:
        for r in body_rows(page):
            if abs(r.height - body_height) >= 0.5 or abs(r.x0 - g.left) >= 2 or r.x1 < g.right - _X_SLACK_PT:
                continue
            text = r.text
            if r.x1 > g.right + 2 and text and text[-1] in _HANGING:
                text = text[:-1]  # punctuation hung into the margin is not counted
            if text and all(_wide(ch) for ch in text):
                counts[len(text)] = counts.get(len(text), 0) + 1
    if counts:
        # The usual full line counts: one may hold a character less where a break is not
        # allowed (before ， or inside a number), but none may hold more.
        usual = max(counts, key=lambda n: (counts[n], n))
        measured = max(counts) if max(counts) > L.CHARS_PER_LINE else usual
        report.measurements["chars_per_full_line"] = measured
        if measured != L.CHARS_PER_LINE:
            out.add(
                "render-chars",
                "5.2.3",
                "版面",
                "排满的行不是 28 字",
                f"每行 {L.CHARS_PER_LINE} 字",
                f"{measured} 字",
                Location("全文"),
            )
    else:
        report.notes.append("没有排满一行的全角文字行，未测每行字数")

    facts = _page_facts(doc, pages, out)
    _measure_page_numbers(doc, [p for p in pages if p.number not in facts.unnumbered], g, out, pdf)
    _measure_page_one(doc, pages, out)
    _measure_title(doc, pages, out)


def _page_facts(doc: _Document, pages: list[Any], out: _Findings) -> Any:
    """Page-level rules measured by :mod:`wenshu.office.pages` (§7.3.5.5, §7.4.1, §7.5, §8)."""
    from wenshu.office.pages import Block, Outline, examine, table_cells

    outline = Outline(
        [Block(p.role, p.text, p.zone) for p in doc.paragraphs if not p.in_table and p.text.strip()],
        [
            table_cells(t)
            for t in doc.body.iter(_w("tbl"))
            if not any(p.role == "record" for p in _in(doc, t))
        ],
        [p.text for p in doc.paragraphs if p.role == "record" and p.text.strip()],
    )
    facts = examine(pages, outline)
    for f in facts.faults:
        out.add(
            f.code,
            f.clause,
            f.element,
            f.message,
            f.expected,
            f.actual,
            Location(f"第 {f.page} 页", None, f.excerpt),
        )
    return facts


def _in(doc: _Document, table: Any) -> list[_Para]:
    inside = set(table.iter(_w("p")))
    return [p for p in doc.paragraphs if p.el in inside]


def _measure_page_numbers(
    doc: _Document, pages: list[Any], g: _Geometry, out: _Findings, pdf: Path | None = None
) -> None:
    """§7.5 on paper: “— N —” on every page (not page one of a letter), odd right, even left,
    the dash's top 7 mm under the 版心 (where the dash is drawn is read off the page image
    once; every page number has the same style)."""
    indent = L.PAGE_NUMBER_INDENT_TWIPS / L.TWIPS_PER_PT
    dash_drop: float | None = None
    # Letters merged for printing (wenshu batch --merge): each starts a section of its own
    # with its first page unnumbered and the count starting again at 1.
    restarts = (
        doc.format == "letter"
        and sum(1 for s in doc.sections if s.title_page and _val(s.el.find(_w("pgNumType")), "start") == "1")
        > 1
    )
    number = 0
    for page in pages:
        number += 1
        found = [(r, m) for r in page.rows if (m := _PAGE_NUMBER.match(_compact(r.text)))]
        found = [(r, m) for r, m in found if page.landscape or r.y0 > g.bottom - 2]
        where = Location(f"第 {page.number} 页")
        if restarts and not found and page.number > 1:
            number = 1  # the first page of the next letter
            continue
        if doc.format == "letter" and page.number == 1:
            if found:
                out.add(
                    "render-page-number",
                    "10.1",
                    "页码",
                    "信函格式首页不显示页码",
                    "首页无页码",
                    f"“{found[0][0].text}”",
                    where,
                )
            continue
        if not found:
            out.add("render-page-number", "7.5", "页码", "页面上没有页码", f"— {number} —", "无", where)
            continue
        row, m = found[-1]
        if int(m.group(1)) != number:
            out.add("render-page-number", "7.5", "页码", "页码与页序不符", f"— {number} —", row.text, where)
        if page.landscape:
            continue
        odd = number % 2 == 1
        offset = (g.right - row.x1) if odd else (row.x0 - g.left)
        if abs(offset - indent) > _X_SLACK_PT:
            expected = "单页码居右空一字" if odd else "双页码居左空一字"
            out.add(
                "render-page-number-place",
                "7.5",
                "页码",
                "页码位置不符",
                expected,
                f"距版心边 {offset / indent:.1f} 字",
                where,
            )
        if dash_drop is None:
            from wenshu.office.ink import dash_below_box_top

            dash_drop = dash_below_box_top(pdf, page.number, row) if pdf else 0.0
        gap_mm = (row.y0 + dash_drop - g.bottom) / _PT_PER_MM
        if abs(gap_mm - L.PAGE_NUMBER_GAP_MM) > _Y_SLACK_MM:
            out.add(
                "render-page-number-place",
                "7.5",
                "页码",
                "页码距版心下边缘不符",
                f"{L.PAGE_NUMBER_GAP_MM} mm（±{_Y_SLACK_MM:g} mm）",
                f"{gap_mm:.1f} mm",
                where,
            )


def _measure_title(doc: _Document, pages: list[Any], out: _Findings) -> None:
    """§7.3.1 on paper: title lines that fit the 版心, broken between words."""
    titles = [p.text for p in doc.role("title") if p.text.strip()]
    if not titles or not pages:
        return
    lines = printed_lines("".join(titles), [r.text for r in pages[0].rows])
    for problem in title_problems(lines or []):
        out.add(
            "render-title",
            "7.3.1",
            "标题",
            "标题回行不合规定",
            "在词与词之间回行，每行不超出版心，排成梯形或菱形",
            problem.message,
            Location("第 1 页", None, lines[problem.line - 1] if lines else ""),
        )


def _measure_page_one(doc: _Document, pages: list[Any], out: _Findings) -> None:
    """The mark, the title and the start of the body print on page one (§7.3.3: 公文首页必须显示正文)."""
    if not pages:
        return
    first = _compact("".join(r.text for r in pages[0].rows))
    for clause, element, text in _page_one_texts(doc):
        needle = _compact(text)[:8]
        if needle and needle not in first:
            out.add(
                "render-page-one",
                clause,
                element,
                f"{element}不在首页",
                "排在首页",
                "不在首页",
                Location("第 1 页", None, needle),
            )


def _font_notes(doc: _Document, pdf: Path, report: Report) -> None:
    """Which of the fonts the file names are missing here, and what LibreOffice used instead."""
    from wenshu.office.libreoffice import installed_families, pdf_fonts, substitute_for

    used = pdf_fonts(pdf)
    report.measurements["pdf_fonts"] = used
    installed = installed_families()
    if installed is None:
        return
    for font in sorted(doc.fonts_used()):
        if font not in installed:
            instead = substitute_for(font)
            report.notes.append(
                f"字体“{font}”未安装，排版时以“{instead or '未知字体'}”代替"
                "（只影响此处的 PDF，不影响 Word 文件）"
            )


def check_files(
    paths: list[Path],
    *,
    render: bool = False,
    png_dir: Path | None = None,
    options: CheckOptions | None = None,
) -> list[Report]:
    """Check every file; with ``render`` also lay them out in LibreOffice (one run for all)."""
    analysed = [(Path(p), *analyse(p)) for p in paths]
    if not render and png_dir is None:
        for _, report, _ in analysed:
            report.notes.append(
                "未检查分页（署名页是否有正文、版记位置、表格跨页等）："
                "加 --render 用 LibreOffice 实际排版后检查"
            )
    if render or png_dir is not None:
        _render_all([(path, report, doc) for path, report, doc in analysed if doc is not None], png_dir)
    reports = [report for _, report, _ in analysed]
    if options is not None:
        for report in reports:
            options.apply(report)
    return reports


def format_rules() -> str:
    """The rules, one a line, as ``wenshu check --list-rules`` prints them."""
    lines = []
    for rule in RULES:
        where = "（--render）" if rule.render else ""
        lines.append(
            f"{rule.code:26s} §{rule.clause:8s} {rule.severity:8s} {rule.element}：{rule.title}{where}"
        )
    return "\n".join(lines)


def _render_all(items: list[tuple[Path, Report, _Document]], png_dir: Path | None) -> None:
    """Lay every file out in one LibreOffice run and add what the pages show to its report.

    A file that cannot be laid out keeps its static findings; its report says why it was not
    measured (``render_error``)."""
    from wenshu.office.libreoffice import LibreOffice, find_poppler, read_pages, write_images

    for tool in ("pdftotext", "pdffonts", "pdftoppm" if png_dir else "pdftotext"):
        find_poppler(tool)
    with LibreOffice() as office, tempfile.TemporaryDirectory(prefix="wenshu-check-") as work:
        pdfs = office.convert([path for path, _, _ in items], Path(work))
        for path, report, doc in items:
            pdf = pdfs.get(path)
            if pdf is None:
                report.render_error = office.failed.get(path, "LibreOffice 无法打开这个文件")
                continue
            try:
                findings = _Findings(report.deviations)
                _measure(doc, report, read_pages(pdf), findings, pdf)
                report.deviations = findings.items()
                _font_notes(doc, pdf, report)
                if png_dir is not None:
                    images = write_images(pdf, png_dir, path.stem)
                    report.notes.append(f"已写出 {len(images)} 张页面图片到 {png_dir}")
            except WenshuError as exc:
                report.render_error = "；".join(p.message for p in exc.problems)


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


_MEASURE_LABELS: dict[str, tuple[str, Any]] = {
    "format": ("版式", lambda v: "信函格式" if v == "letter" else "文件格式"),
    "pages": ("排版页数", str),
    "line_pitch_pt": ("实测行距", lambda v: f"{v} 磅"),
    "lines_per_full_page": (
        "排满的页每页行数",
        lambda v: "，".join(f"第 {page} 页 {n} 行" for page, n in v.items()) or "（没有排满的页）",
    ),
    "chars_per_full_line": ("排满的行每行字数", lambda v: f"{v} 字"),
    "pdf_fonts": ("PDF 中的字体", lambda v: "、".join(v)),
}


def format_text(report: Report) -> str:
    """The report as the CLI prints it."""
    lines = []
    if report.error:
        return f"{report.file}：无法检查：{report.error}"
    if report.ok:
        lines.append(f"{report.file}：符合 GB/T 9704-2012")
    elif not report.deviations:
        lines.append(f"{report.file}：未发现不符合 GB/T 9704-2012 之处，但未能按实际排版检查")
    else:
        lines.append(f"{report.file}：{len(report.deviations)} 处不符合 GB/T 9704-2012")
        lines += [f"  {d}" for d in report.deviations]
    for key, value in report.measurements.items():
        label, show = _MEASURE_LABELS[key]
        lines.append(f"  {label}：{show(value)}")
    lines += [f"  提示 {note}" for note in report.notes]
    if report.render_error:
        lines.append(f"  未能按实际排版检查：{report.render_error}")
    return "\n".join(lines)


def format_json(reports: list[Report]) -> str:
    """All reports as one JSON document."""
    return json.dumps({"files": [r.to_dict() for r in reports]}, ensure_ascii=False, indent=2)
