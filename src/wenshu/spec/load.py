"""Read a YAML spec safely, keeping the line and column of every key and value.

Only plain YAML data is accepted: no Python or custom tags (nothing is ever executed),
a size limit on the file, a depth limit on nesting, and a limit on how large anchors and
aliases may expand, so an alias bomb is refused before it is expanded.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from wenshu.errors import Problem, WenshuError
from wenshu.resources import files_stamp
from wenshu.spec import libyaml
from wenshu.spec.libyaml import Path_

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.nodes import Node

# Parsing YAML (pure Python, keeping every position) costs about 11 s of CPU per MB: a spec
# of 512 KB — a 12,000-line table, 30 times the largest example — is read well within the
# minute even on a loaded machine; a larger one is refused before parsing, at once.
MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 200_000
#: Bidirectional controls (ALM, LRM, RLM, the embeddings and overrides, the isolates): they
#: make text display in another order than it is stored — a title read backwards, a file
#: name with a false extension (“‮xcod.exe” shows as “exe.docx”). Never needed in a 公文.
BIDI_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass(frozen=True)
class Layers:
    """How a spec's data was made: shared fields with the spec's own on top.

    A batch record's letter is the batch spec's shared fields plus the record's. Knowing
    the layers lets validation treat the shared part once per batch instead of per letter.
    """

    shared: dict[str, Any]  # the same object for every record of a batch
    own: dict[str, Any]

    def merged(self, shared: dict[str, Any] | None = None) -> dict[str, Any]:
        """A fresh copy of ``own`` on top of ``shared`` (default: the shared fields); a
        mapping on both sides merges one level deep (``contact.phone`` from a record)."""
        data = fresh_copy(self.shared if shared is None else shared)
        for key, value in self.own.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **fresh_copy(value)}
            else:
                data[key] = fresh_copy(value)
        return data


T = TypeVar("T")


class PerBatch(Generic[T]):
    """Values worked out once per batch instead of once per letter, kept by the batch's shared
    fields (:attr:`Layers.shared`, the very dict of every record's letter: held here, so its
    id is not another's) and a key of the caller's. Past ``limit`` all are dropped: a process
    builds few batches at once."""

    def __init__(self, limit: int = 16) -> None:
        self._limit = limit
        self._kept: dict[tuple[int, Hashable], tuple[dict[str, Any], T]] = {}

    def get(self, shared: dict[str, Any], make: Callable[[], T], key: Hashable = None) -> T:
        """The value for ``shared`` (and ``key``), made by ``make`` the first time it is asked for."""
        entry = self._kept.get((id(shared), key))
        if entry is None or entry[0] is not shared:
            if len(self._kept) > self._limit:
                self._kept.clear()
            entry = self._kept[(id(shared), key)] = (shared, make())
        return entry[1]

    def found(self, shared: dict[str, Any], key: Hashable = None) -> T | None:
        """The value kept for ``shared`` (and ``key``), or None when none was made."""
        entry = self._kept.get((id(shared), key))
        return entry[1] if entry is not None and entry[0] is shared else None


# Values a spec holds that nothing changes in place: copies share them.
_IMMUTABLE = (str, int, float, bool, type(None), dt.date, dt.datetime, dt.time)


def fresh_copy(value: Any) -> Any:
    """A deep copy of spec data: new mappings and lists, the immutable values shared (a
    batch copies its shared fields for every letter; ``copy.deepcopy`` took five times as
    long)."""
    if type(value) is dict:
        return {k: fresh_copy(v) for k, v in value.items()}
    if type(value) is list:
        return [fresh_copy(v) for v in value]
    if type(value) in _IMMUTABLE:
        return value
    return copy.deepcopy(value)


@dataclass
class Spec:
    """A loaded spec: plain Python data plus where each value stood in the file."""

    path: Path
    data: Any
    value_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    layers: Layers | None = None  # set when ``data`` is shared fields with own ones on top

    @property
    def name(self) -> str:
        """The file name as messages show it."""
        return str(self.path)

    def position(self, path: Path_, *, key: bool = False) -> tuple[int, int] | None:
        """Line and column (1-based) of the value at ``path``, or its nearest ancestor."""
        table = self.key_pos if key else self.value_pos
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if key and p in self.value_pos:
                return self.value_pos[p]
            p = p[:-1]
        return self.value_pos.get((), (1, 1))

    def problem(self, path: Path_, message: str, *, key: bool = False) -> Problem:
        """A :class:`Problem` located at ``path`` in this spec."""
        line, col = self.position(path, key=key) or (None, None)
        return Problem(self.name, message, line, col, field_name(path) or None)


def field_name(path: Path_) -> str:
    """``('body', 3, 'heading')`` → ``body[4].heading`` (1-based list positions)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + part
    return out


def iter_strings(value: Any, path: Path_ = ()):
    """Every string inside ``value`` with its path, in document order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from iter_strings(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from iter_strings(v, path + (i,))


def _tag(node: Node) -> str:
    return node.tag.value if hasattr(node.tag, "value") else str(node.tag)


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, spec: Spec, yaml: YAML):
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.spec = spec
        self.constructor = yaml.constructor
        self.sizes: dict[int, int] = {}
        self.mapping, self.sequence, self.scalar = MappingNode, SequenceNode, ScalarNode

    def expanded_size(self, root: Node) -> tuple[int, int]:
        """Nodes as written and after expanding every alias, memoised so a bomb costs
        linear time."""
        order: list[Node] = []
        stack = [root]
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            order.append(node)
            stack.extend(self._children(node))
        for node in reversed(order):
            self.sizes[id(node)] = 1 + sum(self.sizes.get(id(c), 1) for c in self._children(node))
        return len(order), self.sizes[id(root)]

    def _children(self, node: Node) -> list[Node]:
        if isinstance(node, self.mapping):
            return [n for pair in node.value for n in pair]
        if isinstance(node, self.sequence):
            return list(node.value)
        return []

    def build(self, node: Node, path: Path_, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise WenshuError(self.spec.problem(path, f"嵌套层级超过 {MAX_DEPTH} 层"))
        self.spec.value_pos[path] = _mark(node)
        tag = _tag(node)
        if isinstance(node, self.mapping):
            if tag != _STD + "map":
                raise WenshuError(self._bad_tag(node, path, tag))
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if _tag(key_node) == _STD + "merge":
                    line, col = _mark(key_node)
                    raise WenshuError(Problem(self.spec.name, "不支持合并键 <<，请直接写出各字段", line, col))
                if not isinstance(key_node, self.scalar) or _tag(key_node) not in _SCALAR_TAGS:
                    line, col = _mark(key_node)
                    raise WenshuError(Problem(self.spec.name, "键必须是简单的文字", line, col))
                try:
                    key = str(self.constructor.construct_object(key_node))
                except (ValueError, OverflowError):
                    key = key_node.value  # looks like a number or date but is none (-_, 2023-02-30)
                if key in out:
                    line, col = _mark(key_node)
                    raise WenshuError(
                        Problem(self.spec.name, f"键“{key}”重复出现", line, col, field_name(path + (key,)))
                    )
                self.spec.key_pos[path + (key,)] = _mark(key_node)
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        if isinstance(node, self.sequence):
            if tag != _STD + "seq":
                raise WenshuError(self._bad_tag(node, path, tag))
            return [self.build(child, path + (i,), depth + 1) for i, child in enumerate(node.value)]
        if tag not in _SCALAR_TAGS:
            raise WenshuError(self._bad_tag(node, path, tag))
        try:
            value = self.constructor.construct_object(node)
        except (ValueError, OverflowError):
            # e.g. 2023-02-30 looks like a date but is none: keep the text, the date
            # check then says exactly what is wrong with it.
            return node.value
        if isinstance(value, int) and value.bit_length() > libyaml.MAX_INT_BITS:  # 0x…, 0o… too
            return node.value
        if isinstance(value, dt.datetime):
            value = value.date() if value.time() == dt.time() else value
        return value

    def _bad_tag(self, node: Node, path: Path_, tag: str) -> Problem:
        return self.spec.problem(path, f"不允许的 YAML 标签 {tag}（只接受普通数据，不执行任何代码）")


# Opening a FIFO for reading waits for a writer unless non-blocking; a device or FIFO then
# reports size 0 whatever it would deliver, so only a regular file is read at all.
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)
_NOT_REGULAR = (
    (stat.S_ISFIFO, "命名管道"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISSOCK, "套接字"),
)


def size_text(n: int) -> str:
    """``n`` bytes as a user reads a file's size: “1.7 MB”, “512 KB”."""
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n // 1024} KB"


def _too_large(name: str, size: str, limit: int, what: str) -> WenshuError:
    return WenshuError(Problem(name, f"文件过大（{size}），{what}不能超过 {size_text(limit)}"))


def check_regular(path: Path, what: str) -> None:
    """Refuse ``path`` unless it is a regular file (a folder, FIFO or device is not one), with a
    Chinese message naming it; never opens it, so a FIFO cannot block."""
    name = str(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise WenshuError(Problem(name, f"{what}不存在")) from None
    except OSError as exc:
        raise WenshuError(Problem(name, f"无法读取：{exc.strerror}")) from None
    if stat.S_ISDIR(mode):
        raise WenshuError(Problem(name, f"是文件夹，不是{what}"))
    if not stat.S_ISREG(mode):
        kind = next((label for test, label in _NOT_REGULAR if test(mode)), "特殊文件")
        raise WenshuError(Problem(name, f"不是普通文件（是{kind}），不能作为{what}读取"))


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, a ``what`` (规格文件, 数据文件) of at most ``limit`` bytes, or a
    Chinese error naming the file: missing, a folder, a FIFO or device, too large, unreadable.

    The type is checked on the open descriptor, and at most ``limit + 1`` bytes are read
    whatever the file claims, so neither a FIFO nor a file growing meanwhile can hang it or
    exhaust memory.
    """
    name = str(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise WenshuError(Problem(name, f"{what}不存在")) from None
    except IsADirectoryError:
        raise WenshuError(Problem(name, f"是文件夹，不是{what}")) from None
    except PermissionError:
        raise WenshuError(Problem(name, "没有读取权限")) from None
    except OSError as exc:
        raise WenshuError(Problem(name, f"无法读取：{exc.strerror}")) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            fd = -1
            check_regular(path, what)  # names what it is instead
            raise WenshuError(Problem(name, f"不是普通文件，不能作为{what}读取"))
        if info.st_size > limit:
            raise _too_large(name, size_text(info.st_size), limit, what)
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise _too_large(name, f"超过 {size_text(limit)}", limit, what)
        return b"".join(chunks)
    except OSError as exc:
        raise WenshuError(Problem(name, f"无法读取：{exc.strerror}")) from None
    finally:
        if fd >= 0:
            os.close(fd)


# The files read inside recording_reads(), each with its stamp when first named, or None when
# nobody is recording.
_READS: ContextVar[dict[Path, str | None] | None] = ContextVar("wenshu_reads", default=None)


@contextmanager
def recording_reads() -> Iterator[dict[Path, str | None]]:
    """Every spec file read inside the block (absolute, as named: links not resolved), the
    spec itself included, and every picture its blocks show (:func:`record_read`), each with
    its stamp (:func:`wenshu.resources.files_stamp`) taken before it was read, or None when
    it could not be stamped: a file edited while the spec is checked then no longer carries
    the stamp kept with what was made of it.

    A spec may pull in others — an annex file of a notice, the work plan a summary reports
    on, a round's file beside it — and every one is read through :func:`read_text`: its
    content is then an input of the spec's outputs as much as the spec's own (a folder
    build records them to know when to rebuild).
    """
    seen: dict[Path, str | None] = {}
    token = _READS.set(seen)
    try:
        yield seen
    finally:
        _READS.reset(token)


# The folder every file a spec refers to must lie in, when one is set (resolved): the
# workbench serves one folder and reads nothing beyond it, where a spec in it may name any
# path. Unset on the command line, which reads what the user's spec names (``file: ../…``).
REFERENCE_ROOT: ContextVar[Path | None] = ContextVar("wenshu_reference_root", default=None)
# What a refused reference is told, after the field's name of the file.
BEYOND_ROOT = "在工作文件夹之外，工作台不读取"


def beyond_reference_root(target: Path) -> bool:
    """Whether ``target`` — an attachment, the plan a summary reports on, a batch's data file
    — lies outside :data:`REFERENCE_ROOT` (links followed); never when that is unset."""
    root = REFERENCE_ROOT.get()
    return root is not None and not target.resolve().is_relative_to(root)


def record_read(path: Path) -> None:
    """Note ``path`` as an input of what is being built, when :func:`recording_reads` is on
    (a spec file, a picture it shows). The path is kept as named, not resolved: a link
    (``round.yaml -> ../rounds/a.yaml``, a linked folder) may be made to name another file,
    and what is read then is what the link names — a stamp of its old target would not see it."""
    reads = _READS.get()
    if reads is not None:
        named = Path(path).absolute()
        if named not in reads:
            try:
                reads[named] = files_stamp([str(named)])[0]
            except OSError:
                reads[named] = None


def read_text(path: Path) -> str:
    """Read a spec file as UTF-8 text, refusing huge, binary or wrongly encoded files."""
    name = str(path)
    record_read(path)
    raw = read_bounded(path, MAX_FILE_BYTES, "规格文件")
    if b"\x00" in raw:
        raise WenshuError(Problem(name, "是二进制文件，不是 YAML 文本"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise WenshuError(Problem(name, "不是 UTF-8 编码的文本，请以 UTF-8 保存", line, col)) from None
    return text


# Files users pass by mistake where a spec is due, and what to do instead.
_NOT_SPECS = {
    ".docx": "这是 Word 文件，不是 YAML 规格；检查 Word 文件是否符合 GB/T 9704 请用 wenshu check",
    ".doc": "这是旧版 Word 文件，不是 YAML 规格；检查前请在 Word 中另存为 .docx，再用 wenshu check",
    ".pdf": "这是 PDF 文件，不是 YAML 规格",
    ".md": "这是 Markdown 文件（wenshu 生成的文书），不是 YAML 规格；请给出生成它的 .yaml 文件",
    ".csv": "这是数据文件，不是 YAML 规格；请给出批量规格（.yaml），数据文件用其中的 data: 或 --data 指定",
    ".xlsx": "这是数据文件，不是 YAML 规格；请给出批量规格（.yaml），数据文件用其中的 data: 或 --data 指定",
}


def load_spec(path: str | Path) -> Spec:
    """Load one YAML spec into a :class:`Spec`, or raise :class:`WenshuError`."""
    path = Path(path)
    hint = _NOT_SPECS.get(path.suffix.lower())
    if hint:
        raise WenshuError(Problem(str(path), hint))
    bidi = BIDI_CONTROLS.search(path.name)
    if bidi:
        # Its outputs are named after it: they would show a false name or extension.
        raise WenshuError(
            Problem(str(path), f"文件名含有{bidi_name(bidi.group())}，显示时次序会颠倒；请改名")
        )
    return parse_spec(path, read_text(path), kept=True)


def parse_spec(path: Path, text: str, *, general: bool = False, kept: bool = False) -> Spec:
    """The :class:`Spec` of ``text``, the content of the spec file ``path``, or a
    :class:`WenshuError` naming the file, line and column.

    Plain YAML is parsed by libyaml (:mod:`wenshu.spec.libyaml`); anything
    else, or everything with ``general``, by ruamel's safe parser, every error worded in
    Chinese. Both give the same data and positions (tests compare them). ``kept``: plain
    YAML read before is taken from the user cache (:func:`wenshu.spec.libyaml.read_kept`),
    as a spec file read again by a later command is.
    """
    spec = Spec(path, None)
    if not text.strip():
        raise WenshuError(Problem(spec.name, "文件是空的"))
    plain = None if general else (libyaml.read_kept if kept else libyaml.read)(text, MAX_DEPTH)
    if plain is not None:
        spec.data, spec.value_pos, spec.key_pos = plain
        return spec
    deep = libyaml.too_deep(text, MAX_DEPTH)
    if deep is not None:  # refused before ruamel scans it: its scanner takes seconds over deep nesting
        raise WenshuError(Problem(spec.name, f"嵌套层级超过 {MAX_DEPTH} 层", *deep))
    from ruamel.yaml import YAML  # the general parser: only for what plain YAML cannot read
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    yaml = YAML(typ="safe", pure=True)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "quoted scalar" in (exc.context or ""):
            mark = exc.context_mark  # an unclosed quote: where it opens, not the end of the file
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        slip = _typing_slip(text, line or len(text.splitlines()))
        if slip is not None:
            line, col, said = slip
            raise WenshuError(Problem(spec.name, f"YAML 语法错误：{said}", line, col)) from None
        raise WenshuError(Problem(spec.name, f"YAML 语法错误：{_yaml_problem(exc)}", line, col)) from None
    except ReaderError as exc:
        line, col = _line_col(text, exc.position)
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise WenshuError(Problem(spec.name, f"含有不允许的控制字符（{char}），请删除", line, col)) from None
    except YAMLError as exc:
        raise WenshuError(Problem(spec.name, f"YAML 无法读取：{_first_line(exc)}")) from None
    except RecursionError:
        raise WenshuError(Problem(spec.name, f"嵌套层级过深（超过 {MAX_DEPTH} 层）")) from None
    if node is None:
        raise WenshuError(Problem(spec.name, "文件是空的"))
    builder = _Builder(spec, yaml)
    written, expanded = builder.expanded_size(node)
    # Only aliases make a spec grow beyond what its file holds: a long table written out in
    # full is bounded by the file size and is no bomb.
    if expanded > MAX_EXPANDED_NODES and expanded > written:
        raise WenshuError(
            Problem(
                spec.name,
                f"锚点和别名展开后过大（{expanded} 个节点，上限 {MAX_EXPANDED_NODES} 个；"
                "疑似“别名炸弹”），已拒绝",
            )
        )
    spec.data = builder.build(node, (), 0)
    if not isinstance(spec.data, dict):
        what = "列表" if isinstance(spec.data, list) else "单个值"
        raise WenshuError(Problem(spec.name, f"顶层应是“字段: 值”的映射，而不是{what}", 1, 1))
    return spec


def bidi_name(char: str) -> str:
    """“双向文字控制字符（RIGHT-TO-LEFT OVERRIDE，U+202E）”: how messages name one."""
    return f"双向文字控制字符（{unicodedata.name(char, '')}，U+{ord(char):04X}）"


def _line_col(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a character offset in ``text``."""
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _yaml_problem(exc: MarkedYAMLError) -> str:
    """The parser's complaint in Chinese; one it has no words for is still said in Chinese,
    with the parser's own words after it for whoever knows YAML."""
    problem = exc.problem or exc.context or ""
    if "quoted scalar" in (exc.context or ""):
        return "引号从此处起到文件末尾都没有闭合"
    for pattern, chinese in _SAID:
        if m := re.match(pattern, problem):
            return chinese.format(*m.groups()) if m.groups() else chinese  # "}" may stand in the words
    if not problem:
        return "无法解析"
    return f"无法解析，请检查此行及上一行的缩进、冒号和引号（解析器：{problem}）"


# Typed with a Chinese input method on: a key followed by a full-width colon (title：…), or a
# line indented with full-width spaces. YAML reports them a line later, as a missing colon or
# a stray "key: value", which names neither.
# Patterns, compiled by ``re`` when a YAML error first needs them.
_FULL_WIDTH_COLON = r"^ *(?:- +)?[a-z_][a-z0-9_]* *："
_FULL_WIDTH_INDENT = r"^ *\u3000"


def _typing_slip(text: str, upto: int) -> tuple[int, int, str] | None:
    """The first full-width colon after a key, or full-width indent, on or before line ``upto``:
    (line, column, what to write instead)."""
    for number, line in enumerate(text.splitlines()[:upto], start=1):
        if m := re.match(_FULL_WIDTH_COLON, line):
            return number, m.end(), "键后用了中文冒号“：”，应为英文冒号加空格“: ”"
        if m := re.match(_FULL_WIDTH_INDENT, line):
            return number, m.end(), "行首用了全角空格缩进，请用半角空格"
    return None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# The parser's complaints, most specific first, matched at their start; a group is what the
# parser met, said back in the Chinese. Patterns, not compiled ones: only a spec with a YAML
# error needs them, and ``re`` compiles each on first use and keeps it.
_SAID = [
    (
        re.escape("mapping values are not allowed here"),
        "此处不能出现“键: 值”（缩进或冒号有误；值中含冒号时请加引号）",
    ),
    (re.escape("expected ',' or ']'"), "列表缺少逗号或右方括号 ]"),
    (re.escape("expected ',' or '}'"), "映射缺少逗号或右花括号 }"),
    (
        re.escape("found character '\\t' that cannot start any token"),
        "不能用制表符缩进，请用空格",
    ),
    (re.escape("could not find expected ':'"), "缺少冒号“:”"),
    (re.escape("found undefined alias"), "引用了未定义的别名"),
    (re.escape("found unexpected end of stream"), "文件意外结束（引号或括号未闭合）"),
    (re.escape("did not find expected key"), "缩进不一致，找不到预期的键"),
    (re.escape("did not find expected '-' indicator"), "列表项缩进不一致"),
    (re.escape("found unknown escape character"), "双引号中的反斜杠转义无效"),
    (
        re.escape("sequence entries are not allowed here"),
        "此处不能出现列表项“- ”（缩进有误；值以“-”开头时请加引号）",
    ),
    (
        r"expected the node content, but found '<stream end>'",
        "文件意外结束：最后一项缺少值（或括号、引号未闭合）",
    ),
    (
        r"expected the node content, but found '(.+)'",
        "此处应有值，却是“{}”（值以符号开头时请整个加引号）",
    ),
    (
        r"expected <block end>, but found '.+'",
        "这一行与上文的层级对不上：缩进与上面同一层的各项不一致（同一层的键或列表项应对齐），或引号后还有文字",
    ),
    (
        r"expected alphabetic or numeric character, but found",
        "“&”或“*”后缺少名称（值以 & 或 * 开头时请整个加引号）",
    ),
    (r"found character '(.+)' that cannot start any token", "值不能以“{}”开头，请给整个值加引号"),
]


def looks_like_batch(path: Path) -> bool:
    """A cheap look (no YAML parse) for a top-level ``records:`` or ``data:`` key."""
    try:  # bounded and type-checked: a FIFO or device must not hang this first look
        text = read_bounded(path, MAX_FILE_BYTES, "规格文件").decode("utf-8-sig", errors="replace")
    except WenshuError:
        return False  # loading it says what is wrong
    return any(line.startswith(("records:", "data:")) for line in text.splitlines())


def select(document: Any, pattern: str, base: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """The values at a dotted ``pattern`` (``*`` = every list item), with their paths.

    ``select(doc, "steps.phases.*.end")`` yields ``(("steps", "phases", 0, "end"), value)``
    for every phase that has an end; missing parts are skipped, not errors.
    """
    head, _, rest = pattern.partition(".")
    if head == "*":
        if isinstance(document, list):
            for i, item in enumerate(document):
                yield from (select(item, rest, base + (i,)) if rest else [(base + (i,), item)])
        return
    if not isinstance(document, dict) or head not in document:
        return
    value = document[head]
    if rest:
        yield from select(value, rest, base + (head,))
    else:
        yield base + (head,), value
