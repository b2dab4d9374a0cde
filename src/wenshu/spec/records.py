"""Records of a batch: rows of a CSV or .xlsx file, or the spec's own ``records:`` list.

A batch spec holds the fields every letter shares; each record adds or overrides the
fields of one letter. Columns are matched to the kind's fields by name (``applicant``) or
by Chinese label (``推荐对象``), dotted for a field inside a mapping (``contact.phone`` or
``联系人.联系电话``); a column matching no field is an error with a "did you mean".

Each record becomes a :class:`RecordSpec`: a :class:`~wenshu.spec.load.Spec` whose problems
point at the record's row (``recommendations.csv:57 applicant：……``) for the fields the
record gives, and at the YAML for the fields it inherits.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenshu import safezip
from wenshu.errors import Problem, WenshuError
from wenshu.registry import did_you_mean
from wenshu.spec.kinds import Kind, definitions
from wenshu.spec.load import Layers, Path_, Spec, field_name, read_bounded

MAX_DATA_BYTES = 50 * 1024 * 1024
#: Letters in one batch. A batch makes 10–100 letters a second depending on the machine, so
#: this many take minutes (with a progress bar on a terminal); a file of more records is
#: refused as soon as the first one too many is read.
MAX_RECORDS = 20_000
#: Excel's own limit for one cell; a longer CSV cell is no text of a letter.
MAX_CELL_CHARS = 32_767
#: Columns read of a sheet, whatever its declared dimension claims: a kind has a few dozen
#: fields, and a sheet claiming 16,384 columns must not make every row that wide. A CSV
#: whose first row names more is refused.
MAX_COLUMNS = 256
# Decompressed size of one part of an .xlsx (a sheet, the shared strings) and of all: a
# sheet of 20,000 letters' rows is a few MB of XML, the shared strings as much again.
XLSX_MAX_PART_BYTES = 32 * 1024 * 1024
XLSX_MAX_TOTAL_BYTES = 96 * 1024 * 1024
#: Markup openpyxl may hold at once, counted as the "<" of one row of a sheet, one string of
#: the shared strings, or a whole part that has neither (the styles, the workbook): it keeps
#: a row's elements, and a cell dictionary for each of its cells, until the row ends, and a
#: part without rows whole. A row of 256 filled columns has about 1,000; a 32 KB file of one
#: row of 7 million empty cells (or of a cell nested 4 million deep) took 2.2 GB (1.2 GB).
XLSX_MAX_UNIT_TAGS = 200_000
#: Excel's last row (2^20). openpyxl yields every row missing before a row's number one by
#: one: a sheet whose second row is numbered 10^9 kept a batch busy for hours.
XLSX_MAX_ROW = 1_048_576
# Where a unit starts: a row or shared string, or the end of a sheet's rows (what follows, the
# merged cells, hyperlinks and validations, is held element by element, not with the last row).
_XLSX_UNIT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:row|si)[\s/>]|</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>")
# Where a comment, CDATA section or processing instruction opens (their text is no markup),
# and what closes each: found one after another, in time linear in the part.
_XML_ASIDE = re.compile(rb"<!--|<!\[CDATA\[|<\?")
_XML_ASIDE_END = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
# Encodings in which every "<" of the markup is the byte "<" (as Excel, WPS and LibreOffice write).
_PLAIN_ENCODINGS = {"utf-8", "utf8", "utf-16", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
DATA_SUFFIXES = (".csv", ".xlsx")
# Spec keys that describe the batch itself, not a letter.
BATCH_KEYS = ("records", "data")

_CJK = re.compile(r"[\u4e00-\u9fff]")
_TRUE = {"true", "yes", "1", "是", "对", "√", "y"}
_FALSE = {"false", "no", "0", "否", "不", "×", "n"}


@dataclass
class Record:
    """One letter's own values and where they came from."""

    source: str  # the file messages name: recommendations.csv or the spec itself
    row: int  # the CSV/Excel row, or the line of the list item in the YAML
    values: dict[str, Any]
    columns: set[str] = field(default_factory=set)  # top-level fields the source has a column for
    spec_index: int | None = None  # position in the spec's records: list, when from YAML
    problems: list[Problem] = field(default_factory=list)  # the row itself is malformed

    @property
    def label(self) -> str:
        """How other messages refer to this record: 第57行."""
        return f"第{self.row}行"


class RecordSpec(Spec):
    """The spec of one letter: the batch spec's shared fields with one record's on top."""

    def __init__(self, common: Spec, record: Record):
        layers = Layers(shared_fields(common), record.values)
        super().__init__(common.path, layers.merged(), common.value_pos, common.key_pos, layers)
        self.common = common
        self.record = record

    @property
    def name(self) -> str:
        return self.record.source

    def problem(self, path: Path_, message: str, *, key: bool = False) -> Problem:
        """Located at the record for fields it has (or that no one gave), else at the YAML."""
        return record_problem(self.common, self.record, path, message, key=key)


_SHARED: dict[int, tuple[Spec, dict[str, Any]]] = {}


def shared_fields(common: Spec) -> dict[str, Any]:
    """The batch spec's fields every letter shares (all but ``records``/``data``): one
    dict per batch spec, so validation can recognise it from record to record."""
    key = id(common)
    if key not in _SHARED or _SHARED[key][0] is not common:
        if len(_SHARED) > 16:
            _SHARED.clear()
        _SHARED[key] = (common, {k: v for k, v in common.data.items() if k not in BATCH_KEYS})
    return _SHARED[key][1]


def record_problem(common: Spec, record: Record, path: Path_, message: str, *, key: bool = False) -> Problem:
    """A problem with ``path`` of one record's letter, pointing where that value was written."""
    head = path[0] if path else None
    if head in common.data and head not in record.columns:
        return common.problem(path, message, key=key)  # inherited from the spec
    if record.spec_index is not None:
        return common.problem(("records", record.spec_index, *path), message, key=key)
    return Problem(record.source, message, record.row, None, field_name(path) or None)


# -- columns to fields ------------------------------------------------------------------------
def schema_fields(
    schema: dict[str, Any], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, Path_, dict[str, Any]]]:
    """Every scalar field a column can fill: (name or label spelling, path, rule)."""
    for name, rule in schema.items():
        path = prefix + (name,)
        label = rule.get("meta", {}).get("label")
        types = rule.get("type")
        if types == "dict" and isinstance(rule.get("schema"), (dict, str)):
            sub_schema = rule["schema"]
            sub_schema = definitions()[sub_schema] if isinstance(sub_schema, str) else sub_schema
            for spelling, sub, sub_rule in schema_fields(sub_schema, path):
                yield spelling, sub, sub_rule
                if label:
                    # 联系人.联系电话: the parent's label may stand for its name
                    yield label + spelling[len(name) :], sub, sub_rule
            continue
        dotted = ".".join(path)
        yield dotted, path, rule
        if label:
            yield ".".join(prefix + (label,)) if prefix else label, path, rule


def column_fields(
    headers: list[str], kind: Kind, source: str, header_row: int = 1
) -> list[tuple[Path_, dict]]:
    """The field path and rule each column fills; every unknown column is reported at once."""
    known: dict[str, tuple[Path_, dict[str, Any]]] = {}
    for spelling, path, rule in schema_fields(kind.schema):
        if path[0] == "kind":
            continue  # the spec's kind, not a record's
        known.setdefault(spelling, (path, rule))
        known.setdefault(spelling.lower(), (path, rule))
    out: list[tuple[Path_, dict]] = []
    problems = []
    seen: dict[Path_, str] = {}
    for i, raw in enumerate(headers, 1):
        header = raw.strip()
        match = known.get(header) or known.get(header.lower())
        if match is None:
            hint = did_you_mean(header, known)
            what = f"第{i}列“{header}”" if header else f"第{i}列（没有列名）"
            problems.append(Problem(source, f"{what}不是{kind.label}的字段{hint}", header_row))
            continue
        if match[0] in seen:
            problems.append(Problem(source, f"第{i}列“{header}”与“{seen[match[0]]}”是同一字段", header_row))
            continue
        seen[match[0]] = header
        out.append(match)
    named = [h.strip() for h in headers if h.strip()]
    separator = _wrong_separator(named, known) if source.lower().endswith(".csv") else None
    if not out and separator:
        # 推荐对象，申报类别，…: typed with a Chinese comma (or saved with tabs), the row is one cell.
        message = (
            f"第{header_row}行的列之间是{separator}，CSV 的列要用英文逗号“,”分隔"
            "（在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或把分隔符换成英文逗号）"
        )
        raise WenshuError(Problem(source, message, header_row))
    if not out and problems and len(named) <= 2:
        # One or two filled cells and no known column: a title above the table, as an Excel
        # sheet often has (“2023年示例省推荐名单”), not the row of column names.
        examples = "、".join(_column_examples(kind))
        title = named[0] if named else ""
        problems = [
            Problem(
                source,
                f"第{header_row}行应是列名（如 {examples}），而不是标题“{title}”；请删去表格上方的标题行",
                header_row,
            )
        ]
    if problems:
        raise WenshuError(problems)
    return out


# Spreadsheets of other programs, and how to make them one wenshu reads.
_SAVE_AS = {
    ".xls": "（旧版 Excel 工作簿：请在 Excel 中另存为“Excel 工作簿（*.xlsx）”）",
    ".et": "（WPS 表格：请另存为 .xlsx）",
    ".ods": "（OpenDocument 表格：请另存为 .xlsx）",
    ".numbers": "（Numbers 表格：请导出为 .xlsx）",
}
# Separators a row of column names is sometimes written with instead of “,”.
_SEPARATORS = {"，": "中文逗号“，”", "\t": "制表符", ";": "分号“;”", "；": "中文分号“；”", "、": "顿号“、”"}


def _wrong_separator(named: list[str], known: dict[str, Any]) -> str | None:
    """How the columns of a one-cell header row are separated, when splitting it there gives
    the kind's column names; None when it does not."""
    if len(named) != 1:
        return None
    for separator, said in _SEPARATORS.items():
        parts = [part.strip() for part in named[0].split(separator)]
        if len(parts) > 1 and sum(part in known or part.lower() in known for part in parts) >= 2:
            return said
    return None


def _column_examples(kind: Kind) -> list[str]:
    """The Chinese labels of a kind's required fields a record usually gives."""
    return [
        rule.get("meta", {}).get("label", name)
        for name, rule in kind.schema.items()
        if rule.get("required") and name != "kind" and rule.get("type") not in ("dict", "list")
    ][:4]


def _cell(value: Any, rule: dict[str, Any]) -> Any:
    """A cell's value as the field's type wants it; one that cannot be converted is left as
    it is, for validation to report at its row (“应为整数，实际是‘第二’”)."""
    types = rule.get("type", "string")
    types = types if isinstance(types, list) else [types]
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps every number as a float
    if "integer" in types and isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            return text  # Cerberus says it should be an integer, at this row
    if "boolean" in types and isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return text
    if "list" in types and isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if ("string" in types or "doc_number" in types) and isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _record(source: str, row: int, cells: list[Any], fields: list[tuple[Path_, dict]]) -> Record | None:
    """A record from one row, or None for a row with nothing in it."""
    if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
        return None
    record = Record(source, row, {}, {path[0] for path, _ in fields})
    longest = max((len(c) for c in cells if isinstance(c, str)), default=0)
    if longest > MAX_CELL_CHARS:
        message = f"有单元格长达 {longest} 个字符，超过上限 {MAX_CELL_CHARS} 个（Excel 单元格的上限）"
        record.problems.append(Problem(source, message, row))
        return record
    for (path, rule), value in zip(fields, cells, strict=False):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # an empty cell leaves the field to the spec (or reports it missing)
        holder = record.values
        for part in path[:-1]:
            holder = holder.setdefault(part, {})
        holder[path[-1]] = _cell(value, rule)
    return record


# -- reading the files ------------------------------------------------------------------------
def _decode(raw: bytes, source: str) -> str:
    """CSV text: UTF-8 with or without BOM, else GB18030 (what Excel saves in China)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise WenshuError(Problem(source, "是 UTF-16 编码，请另存为“CSV UTF-8（逗号分隔）”"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        head = raw[: exc.start].decode("utf-8-sig")
        if len(_CJK.findall(head)) >= 2:
            # Chinese in UTF-8 up to here, then something else: two files of different
            # encodings put together. Read as GB18030 it would all be garbled column names.
            line = head.count("\n") + 1
            message = (
                f"第{line}行起的文字不是 UTF-8 编码，而此前各行是：文件混用了两种编码（多半是把不同来源的"
                "表格拼在了一起）；请把整个文件另存为“CSV UTF-8（逗号分隔）”"
            )
            raise WenshuError(Problem(source, message, line)) from None
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise WenshuError(Problem(source, "编码无法识别（既不是 UTF-8 也不是 GB18030）", line)) from None


def _csv_rows(path: Path, source: str) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(read_bounded(path, MAX_DATA_BYTES, "数据文件"), source)
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1  # a quoted cell may span lines: name the first
    except csv.Error as exc:
        if "field limit" in str(exc):  # the csv module's own cap (128 KB a cell)
            message = f"有单元格超过 {csv.field_size_limit() // 1024} KB（引号未闭合？）"
            raise WenshuError(Problem(source, message, start)) from None
        raise WenshuError(Problem(source, f"CSV 格式错误：{exc}", reader.line_num)) from None


def _xlsx_rows(path: Path, source: str) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl  # only .xlsx batches pay for importing it

    raw = read_bounded(path, MAX_DATA_BYTES, "数据文件")
    # Zip bombs, encrypted (OLE2) workbooks and AES or encryption-flagged members are refused
    # from the central directory, before openpyxl inflates anything; zipfile then never
    # inflates a member past the size it declared.
    package = safezip.open_package(
        raw, source, max_member=XLSX_MAX_PART_BYTES, max_total=XLSX_MAX_TOTAL_BYTES, max_input=MAX_DATA_BYTES
    )
    try:
        for name in xlsx_parsed_parts(package, source):
            xlsx_part_bounded(package.read(name), name, source)
    finally:
        package.close()
    try:
        # External links (cached copies of other workbooks) are no records: left unparsed.
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise WenshuError(Problem(source, f"不是可读取的 .xlsx 工作簿（{type(exc).__name__}）")) from None
    row = 0
    try:
        sheet = book.worksheets[0]
        # Read-only sheets pad every row to the declared dimension (A1:XFD1048576 claims
        # 16,384 columns and a million rows): forget it, and read at most MAX_COLUMNS.
        sheet.reset_dimensions()
        for row, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
            if row > XLSX_MAX_ROW:
                message = f"工作表的行号超过 Excel 的最大行号 {XLSX_MAX_ROW}，不是 Excel 能保存的工作簿"
                raise WenshuError(Problem(source, message, row))
            if row > 1 and cells.count(None) == len(cells):
                continue  # an empty row is no record: skipped at once (a sheet may skip a million)
            yield row, list(cells)
    except WenshuError:
        raise
    except Exception as exc:  # damaged sheet XML, a chart sheet first, …
        raise WenshuError(Problem(source, f"工作表无法读取（{type(exc).__name__}）", row + 1)) from None
    finally:
        book.close()


def xlsx_parsed_parts(package: safezip.SafeZip, source: str) -> list[str]:
    """The parts of a workbook openpyxl parses when it opens it read-only (as
    :func:`_xlsx_rows` does), each counted by :func:`xlsx_part_bounded` before it is parsed:
    the content types and relationships first (small, and read here to find the rest), then
    the workbook, shared strings, styles, theme and document properties, and the worksheets
    (every part the workbook's relationships name). Comments, their VML, drawings, pivot tables and caches,
    tables and external links are never parsed in that mode: a workbook of a comment a row
    has a VML part of some 30 tags a comment. A chartsheet's drawings and charts are parsed:
    with one, or when the package cannot be followed (openpyxl will refuse it then), every
    part is counted."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.xml import constants as ct
    from openpyxl.xml.functions import fromstring

    names = package.namelist()
    first = [n for n in names if n == ct.ARC_CONTENT_TYPES or n.endswith(".rels")]
    for name in first:
        xlsx_part_bounded(package.read(name), name, source)
    try:
        manifest = Manifest.from_tree(fromstring(package.read(ct.ARC_CONTENT_TYPES)))
        book = next(
            (p.PartName[1:] for t in (ct.XLTM, ct.XLTX, ct.XLSM, ct.XLSX) for p in manifest.findall(t)),
            ct.ARC_WORKBOOK,  # openpyxl's default when the type is only declared for all .xml
        )
        strings = [p.PartName[1:] for p in manifest.findall(ct.SHARED_STRINGS)]
        linked = list(get_dependents(package, get_rels_path(book)))
    except Exception:  # a damaged package: openpyxl refuses it, after every part is counted
        return [n for n in names if n not in first]
    if any("chartsheet" in rel.Type for rel in linked):
        return [n for n in names if n not in first]
    parsed = {book, *strings, ct.ARC_STYLE, ct.ARC_THEME, ct.ARC_CORE, ct.ARC_CUSTOM}
    # A sheet of the workbook may name any of its relationships (openpyxl reads whatever it
    # names as a worksheet): all their targets are counted, the sheets among them.
    parsed |= {rel.target for rel in linked}
    return [n for n in names if n in parsed and n not in first]


def xlsx_part_bounded(data: bytes, name: str, source: str) -> None:
    """Refuse the part ``name`` of the workbook ``source`` when openpyxl would hold more than
    :data:`XLSX_MAX_UNIT_TAGS` of its markup at once, counted before any of it is parsed.
    Counting "<" is exact once comments, CDATA sections and processing instructions are set
    aside (a "<row" in one is no row) and where no entity is declared (one may stand for any
    markup; Excel declares none); a part in UTF-16 is counted in UTF-8. A part that is no XML
    (a picture) is no parser's."""
    # UTF-16 is told by its byte order mark, or without one by the "<" it starts with (as
    # lxml and openpyxl tell it): "utf-16" alone would read big-endian bytes as little-endian.
    utf16 = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16", b"<\x00": "utf-16-le", b"\x00<": "utf-16-be"}
    if data[:2] in utf16:
        try:
            data = data.decode(utf16[data[:2]]).encode("utf-8")
        except UnicodeDecodeError:
            return  # no XML a parser reads
    elif not data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<"):
        return
    declared = _XML_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf"))
    encoding = declared.group(1).decode("ascii", "replace") if declared else "utf-8"
    if encoding.lower() not in _PLAIN_ENCODINGS:
        message = f"工作簿的 {name} 部分用 {encoding} 编码，不是 Excel 所写的；请在 Excel 中另存"
        raise WenshuError(Problem(source, message))
    data = _without_asides(data, name, source)  # no parser reads them as markup; "<row" may stand there
    if b"<!ENTITY" in data:
        message = f"工作簿的 {name} 部分含有实体声明（Excel 不写），可能是恶意构造的，已拒绝"
        raise WenshuError(Problem(source, message))
    starts = [m.start() for m in _XLSX_UNIT.finditer(data)]
    for begin, end in zip([0, *starts], [*starts, len(data)], strict=True):
        if data.count(b"<", begin, end) > XLSX_MAX_UNIT_TAGS:
            what = "中一行（或一个共享字符串）" if starts else ""
            if data.startswith(b"</", begin):
                what = "中表格数据之后（合并单元格、超链接等）"
            message = (
                f"工作簿的 {name} 部分{what}的标记超过 {XLSX_MAX_UNIT_TAGS} 个（单元格过多或嵌套过深），"
                "不是 Excel 所写的，可能是恶意构造的，已拒绝"
            )
            raise WenshuError(Problem(source, message))


def _without_asides(data: bytes, name: str, source: str) -> bytes:
    """``data`` without its comments, CDATA sections and processing instructions; one left
    open is no well-formed XML, and is refused."""
    kept = []
    at = 0
    while opener := _XML_ASIDE.search(data, at):
        closer = _XML_ASIDE_END[opener.group()]
        end = data.find(closer, opener.end())
        if end < 0:
            what = {b"<!--": "注释", b"<![CDATA[": "CDATA 段", b"<?": "处理指令"}[opener.group()]
            message = f"工作簿的 {name} 部分有未闭合的{what}，不是格式正确的 XML，已拒绝"
            raise WenshuError(Problem(source, message))
        kept.append(data[at : opener.start()])
        at = end + len(closer)
    kept.append(data[at:])
    return b"".join(kept)


def read_records(path: Path, kind: Kind, source: str | None = None) -> list[Record]:
    """The records of a CSV or .xlsx data file (first sheet; the first row names the columns)."""
    source = source or path.name
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path, source)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(path, source)
    else:
        how = _SAVE_AS.get(suffix, "")
        raise WenshuError(
            Problem(source, f"数据文件应为 .csv 或 .xlsx，而不是“{path.suffix or '无扩展名'}”{how}")
        )
    header = next(rows, None)
    if header is None and suffix == ".xlsx":
        message = (
            "第一个工作表是空的（只读第一个工作表，其第一行应为列名；数据在别的工作表时，请把它移到最前）"
        )
        raise WenshuError(Problem(source, message))
    if header is None:
        raise WenshuError(Problem(source, "数据文件是空的（第一行应为列名）"))
    header_row, headers = header
    end = len(headers)
    while end and (headers[end - 1] is None or not str(headers[end - 1]).strip()):
        end -= 1  # Excel's trailing empty columns (one cut: a row of commas is as long as the file)
    headers = headers[:end]
    if not headers:
        examples = "、".join(_column_examples(kind))
        message = f"第{header_row}行应是列名（如 {examples}），却是空行；请删去表格上方的空行"
        raise WenshuError(Problem(source, message, header_row))
    if len(headers) > MAX_COLUMNS:
        # A CSV row may be as wide as the file is long: each unknown column is matched
        # against every field for a suggestion (a million took minutes) and reported.
        message = f"第{header_row}行有 {len(headers)} 列，超过上限 {MAX_COLUMNS} 列（每列是函的一个字段）"
        raise WenshuError(Problem(source, message, header_row))
    fields = column_fields([str(h) if h is not None else "" for h in headers], kind, source, header_row)
    records = []
    for row, cells in rows:
        extra = [
            (column, c)
            for column, c in enumerate(cells[len(fields) :], len(fields) + 1)
            if c is not None and str(c).strip()
        ]
        record = _record(source, row, list(cells[: len(fields)]), fields)
        if record is None:
            continue
        if extra:
            record.problems.append(_beyond_header(source, row, extra, len(fields), suffix == ".csv"))
        records.append(record)
        if len(records) > MAX_RECORDS:
            message = f"记录超过 {MAX_RECORDS} 条，一批最多 {MAX_RECORDS} 份函；请拆分为几个数据文件分批生成"
            raise WenshuError(Problem(source, message, row))
    return records


def _beyond_header(
    source: str, row: int, cells: list[tuple[int, Any]], columns: int, csv_file: bool
) -> Problem:
    """A row with values past the last named column: which column, what value, and the
    usual cause in a CSV (a comma inside a value, which splits it in two)."""
    column, value = cells[0]
    text = str(value).strip()
    text = text if len(text) <= 20 else text[:20] + "……"
    more = f"（共 {len(cells)} 个单元格）" if len(cells) > 1 else ""
    why = "；值中有英文逗号时，整个值要加英文双引号，或改用中文逗号" if csv_file else ""
    return Problem(source, f"第{column}列“{text}”在列名之外{more}：列名只有 {columns} 列{why}", row)


def spec_records(spec: Spec) -> list[Record]:
    """The records of the spec's own ``records:`` list."""
    items = spec.data.get("records")
    if not isinstance(items, list):
        raise WenshuError(spec.problem(("records",), "records 应为列表，每项是一份函自己的字段"))
    records = []
    problems = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(spec.problem(("records", i), "每条记录应是“字段: 值”的映射"))
            continue
        line = (spec.position(("records", i)) or (None, None))[0] or 0
        records.append(Record(spec.name, line, item, set(item), spec_index=i))
    if problems:
        raise WenshuError(problems)
    return records
