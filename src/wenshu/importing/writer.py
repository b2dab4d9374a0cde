"""The imported spec as YAML a person edits next year: comments, the usual key order, block
style for lists and text, a table's rows one per line."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from wenshu.importing.outline import Noted
from wenshu.importing.report import ImportReport

# The order the examples use (examples/notices/*.yaml), whatever order the reader found them in;
# an attachment and a table have orders of their own.
_ORDER = (
    "kind", "format", "issuer", "mark", "label", "copy_number", "secrecy", "urgency", "doc_number",
    "signer", "title", "title_lines", "subtitle", "recipients",
    "heading", "text", "line", "align", "numbering", "start", "items", "table", "picture", "alt", "width",
    "body", "contacts", "placement", "parenthesized", "lines", "attachments",
    "signature", "sealed", "date", "note", "record", "cc", "printer", "print_date",
)  # fmt: skip
_ATTACHMENT = ("name", "title", "title_lines", "subtitle", "landscape", "body")
_TABLE = (
    "title",
    "columns",
    "rows",
    "widths",
    "fixed_widths",
    "align",
    "font_size",
    "merge",
    "spans",
    "note",
)
# Lines as long as a paragraph: folding them would put line breaks a reader must not edit.
_WIDTH = 4096


def _ordered(value: dict[str, Any], keep: bool) -> list[str]:
    if keep:  # already in its schema's order
        return list(value)
    order = _TABLE if "columns" in value else _ATTACHMENT if "name" in value else _ORDER
    return sorted(value, key=lambda k: order.index(k) if k in order else len(order))


def _convert(
    value: Any, comments: dict[int, str], flow: bool = False, column: int = 0, keep: bool = False
) -> Any:
    if isinstance(value, dict):
        out = CommentedMap()
        for k in _ordered(value, keep):
            # a table's rows one per line; a kind's own field called rows (a list of mappings) as any list
            if k not in ("rows", "merge", "spans", "align", "widths") or not _rows(value[k]):
                out[k] = _convert(value[k], comments, flow=k == "columns", column=column + 2, keep=keep)
            if k == "rows" and _rows(value[k]):
                rows = CommentedSeq()
                for row in value[k]:
                    seq = CommentedSeq(row)
                    seq.fa.set_flow_style()
                    rows.append(seq)
                out[k] = rows
            elif k in ("merge", "spans", "align", "widths") and isinstance(value[k], list):
                seq = CommentedSeq([_flow(x) for x in value[k]])
                seq.fa.set_flow_style()
                out[k] = seq
        return out
    if isinstance(value, list):
        seq = CommentedSeq()
        for i, item in enumerate(value):
            seq.append(_convert(item, comments, column=column + 2, keep=keep))
            note = item.note if isinstance(item, Noted) else comments.get(id(item))
            if note:
                seq.yaml_set_comment_before_after_key(i, before=f"导入：{note}，请核对", indent=column)
        if flow:
            seq.fa.set_flow_style()
        return seq
    return str(value) if isinstance(value, Noted) else value


# Where the comment on a picture set aside goes, by the part it was in: before the first of
# these fields the spec has (wenshu.importing.report.SetAside.near).
_NEAR = {
    "head": ("issuer", "mark", "copy_number", "secrecy", "urgency", "doc_number", "title"),
    "record": ("record", "closing_lines"),
    "signature": ("signature", "sealed", "date"),
}


def _ids(value: Any) -> set[int]:
    """The ids of every list item under ``value`` (the blocks a comment can go beside)."""
    out: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(item, list):
                out.add(id(child))
            stack.append(child)
    return out


def _rows(value: Any) -> bool:
    return isinstance(value, list) and not any(isinstance(x, dict) for x in value)


def _flow(x: Any) -> Any:
    if isinstance(x, list):
        seq = CommentedSeq(x)
        seq.fa.set_flow_style()
        return seq
    return x


def dump_spec(spec: dict[str, Any], comments: dict[int, str], report: ImportReport) -> str:
    """``spec`` as commented YAML text, headed by where it came from and what to check."""
    from wenshu.spec.kinds import get_kind

    kind = get_kind(str(spec.get("kind")))
    # Pictures set aside: noted beside the part of the spec they belong to (a body block
    # holding it, or the first of its fields present), else at the top.
    comments = dict(comments)
    in_body = _ids(spec)
    by_key: dict[str, list[str]] = {}
    top: list[str] = []
    for aside in report.set_aside:
        key = next((k for k in _NEAR.get(str(aside.near), ()) if k in spec), None)
        if isinstance(aside.near, dict) and id(aside.near) in in_body:
            at = id(aside.near)
            comments[at] = "；".join(filter(None, (comments.get(at), aside.note())))
        elif key is not None:
            by_key.setdefault(key, []).append(f"导入：{aside.note()}，请核对")
        else:
            top.append(f"导入：{aside.note()}。")
    top += [f"导入：{note}。" for note in report.margin_texts]
    # a letter kind's spec comes in its schema's order (wenshu.importing.kinds); the others are sorted
    data = _convert(spec, comments, keep=bool(kind and kind.reading))
    for key, notes in by_key.items():
        data.yaml_set_comment_before_after_key(key, before="\n".join(notes))
    head = [
        f"由 wenshu import 从 {report.file} 导入（{dt.date.today():%Y-%m-%d}）。",
        f"文种：{spec.get('kind')}；序号已去掉（wenshu 按层级编号）。",
    ]
    if report.unplaced:
        head.append(f"有 {len(report.unplaced)} 处未能归位，按普通段落保留在原处，标有“导入：”注释，请核对。")
    data.yaml_set_start_comment("\n".join(head + top))
    yaml = YAML()
    yaml.width = _WIDTH
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
