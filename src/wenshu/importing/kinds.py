"""A 信函格式 file read back as the kind whose outline it follows (申报函, 推荐函 …).

A kind says in the ``import:`` section of its schema how its body reads: ``bodies``, each a
list of steps taken in order over the body's blocks — ``text`` one paragraph matching a
pattern whose named groups are fields (``basis__title`` is ``basis.title``; a field read
by two steps must read the same), ``blocks`` the
blocks up to the next step's as a list field, ``table`` a table whose rows become a list of
items (``columns`` naming each column's field; ``scores`` a column for each score table after
them, its header the wording, :func:`_table_items`), ``section`` a heading the template prints as
fixed text (``heading``) whose blocks are a list field (``field``) — and ``contact`` the
pattern of its contact line. Everything the file has must find a field: a part the kind has
no field for (a 版记, a 份号) or a paragraph no step takes, and the file stays a notice.

A plan or a summary (any document that is no notice) is read by the ``body`` steps of its
kind's ``import:`` section (:mod:`.kind_fields`): its outline, title and tables back into the
nested fields the template computes them from. It is taken only when the fields found make
the same text, block for block, as the document read: what the template computes (a
任务分工表, a 完成情况, a period from its years) is then surely computed from the fields,
never stored twice, and nothing the file says is lost. A document titled as a kind's that
does not follow its outline stays a 通用文书, and the report says where it departs. Under a
title of the clerk's own the outline decides: the fields the template's title would give
are read where the document prints them (its 署名, its body), the title is kept, and a
field printed nowhere leaves it a 通用文书, the report saying which. One that leaves the
outline at its first heading is taken for another document, unless most of the outline's
other headings are there: then the report names the heading expected and the one found.

The spec found is then made as short as the example a person writes: a field is left out
when the kind makes the same document without it (a title the template generates, the
default closing, a 署名 the same as the 发文机关, a heading the outline prescribes), judged
by rendering the Markdown.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wenshu.errors import WenshuError
from wenshu.importing.kind_fields import (
    coerced,
    departure,
    first_heading_off,
    merge_fields,
    read_outline,
    titled_as,
    unmerged_rows,
)
from wenshu.importing.outline import runin_parts
from wenshu.spec.kinds import Kind, all_kinds, definitions
from wenshu.text.punctuation import tidy_punctuation

#: Where a spec made in memory says it is, for its messages (none reaches the user: a spec
#: that does not validate is simply not the kind). In a folder that is not there, so no
#: round's file beside it (round.yaml: thresholds, score wording) decides the kind: a relative
#: place was the current folder, whose round.yaml — or, in the workbench, whose being outside
#: the served folder — made a 示范企业工作方案 a 通用文书.
_PLACE = Path(__file__).resolve().parent / "no-round" / "import.yaml"

#: Parts of the head and tail the notice reader finds, taken as they are by a kind with the field.
_HEAD = ("copy_number", "secrecy", "urgency", "doc_number", "signer", "title", "title_lines", "recipients")
_TAIL = ("attachments", "signature", "sealed", "date", "note")


def letter_kind(head: dict[str, Any], tail: dict[str, Any], body: list[Any]) -> dict[str, Any] | None:
    """The spec of the first kind with an ``import:`` outline that takes all of a 信函格式
    file (its head, tail and body as the notice reader found them), or None."""
    for kind in all_kinds().values():
        outline = kind.reading
        if not outline:
            continue
        spec = _as_kind(kind, outline, head, tail, body)
        # numbers read as text (a score “81.5”) where the kind wants numbers
        spec = None if spec is None else coerced(spec, {"type": "dict", "schema": kind.schema})
        if spec is not None and _valid(spec):
            return _shortest(kind, _in_order(spec, {"schema": kind.schema}))
    return None


def outline_kind(document: dict[str, Any], notes: list[str]) -> dict[str, Any] | None:
    """The spec of the first kind whose ``import:`` outline reads the imported ``document``
    spec (a 通用文书) whole and makes the same text from it, or None; what it had to
    assume is added to ``notes``, and so is why a document titled as a kind's is not one.

    A list whose every item starts with a short sentence (“1.坚持质量优先。牢固树立……”) may
    be run-in headings whose own run the file lost: wenshu wrote the heading as a run of its
    own, unmarked until it gave it a character style (roles.RUN_IN), and LibreOffice merges
    such a run with the text when it saves the file again. When the file read as it is
    follows no outline, it is read again with such lists as run-in headings
    (:func:`runin_read`); the text made must still be the file's."""
    tried: list[str] = []
    found = _outline_kind(document, tried, document)
    relaxed = runin_read(document)
    if found is None and relaxed != document:
        again: list[str] = []
        if (found := _outline_kind(relaxed, again, document)) is not None:
            notes.extend(again)
            return found
    notes.extend(tried)
    return found


def runin_read(value: Any) -> Any:
    """``value`` (a spec, its blocks) with each list (``items``, numbered as its level
    numbers) whose every item starts with a short sentence read as run-in headings."""
    if isinstance(value, dict):
        return {k: runin_read(v) for k, v in value.items()}
    if not isinstance(value, list):
        return value
    out: list[Any] = []
    for block in value:
        items = block.get("items") if isinstance(block, dict) and set(block) == {"items"} else None
        parts = [runin_parts(i) for i in items or [] if isinstance(i, str)]
        if items and len(parts) == len(items) and None not in parts:
            out += [{"heading": p[0], "text": p[1]} for p in parts if p is not None]
        else:
            out.append(runin_read(block))
    return out


def _outline_kind(document: dict[str, Any], notes: list[str], typed: dict[str, Any]) -> dict[str, Any] | None:
    """:func:`outline_kind` over ``document``, a reading of the file whose generic spec,
    as read, is ``typed``: the text made is compared with that one's."""
    seen: list[str] | None = None
    missed: list[tuple[Kind, str]] = []
    astray: list[tuple[Kind, str]] = []  # plans under a title of their own, off at their first heading
    for kind in all_kinds().values():
        if "body" not in kind.reading:
            continue
        assumed: list[str] = []
        found = read_outline(kind, document, assumed)
        if found is None:
            why = departure(kind, document)
        else:
            spec = coerced(found, {"type": "dict", "schema": kind.schema})
            # both sides with merged cells written out (a typed table merges, a kind's repeats)
            made = _text(_unmerged(spec))
            # the “附件N” of an annex typed as a file of its own is its notice's to number
            seen = _text(_unmerged(_unlabelled(typed))) if seen is None else seen
            if made is not None and seen is not None and _same(made, seen, typed):
                notes.extend(assumed)
                return _shortest(kind, _in_order(spec, {"schema": kind.schema}), seen)
            why = _refusal(spec) if made is None else _difference(_unbroken(made), _unbroken(seen or []))
            said = "标题是{}的写法" if titled_as(kind, document) else "正文合乎{}的提纲"
            why = f"{said.format(kind.label)}，但{why}"
        if why:
            missed.append((kind, why))
        elif found is None and (off := first_heading_off(kind, document)):
            astray.append((kind, off))
    missed = missed or astray  # a kind the document follows further says more
    if missed:  # the first kind's reason, naming with it the kinds that miss the same way
        first, why = missed[0]
        alike = [k for k, w in missed if w.replace(k.label, first.label) == why]
        why = why.replace(first.label, "或".join(k.label for k in alike), 1)
        notes.append(
            f"按通用文书导入：{why}（见 {'、'.join(f'schemas/{k.name}.yaml' for k in alike)}），请核对"
        )
    return None


def _unmerged(value: Any) -> Any:
    """``value`` with each table's merged cells written out in every row they span (see
    :func:`unmerged_rows`): a 任务分工表 typed with its 重点任务 merged says what wenshu's,
    one per row, says."""
    if isinstance(value, list):
        return [_unmerged(v) for v in value]
    if not isinstance(value, dict):
        return value
    table = "columns" in value and isinstance(value.get("rows"), list)  # a 回执's rows are a count
    if table and (rows := unmerged_rows(value)) is not None:
        return {k: v for k, v in value.items() if k not in ("merge", "spans")} | {"rows": rows}
    return {k: _unmerged(v) for k, v in value.items()}


def _same(made: list[str], seen: list[str], document: dict[str, Any]) -> bool:
    """Whether the text ``made`` from a kind's fields is the file's: ``seen`` with its merged
    cells written out (a typed table merges, a kind's repeats), or, a table the template
    computes keeping its merged cells (a 测评表's), the file's with each group written once."""
    if _unbroken(made) == _unbroken(seen):
        return True
    typed = _text(_remerged(_unlabelled(document)))
    return typed is not None and _unbroken(made) == _unbroken(typed)


def _unlabelled(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "label"}


def _remerged(value: Any) -> Any:
    """``value`` with each table's merged columns (``merge``) written once for the rows a
    group spans: a group name repeated where a table goes on to the next page (as wenshu's
    pagination repeats it, GB/T 9704 puts no text twice) says what the template's merge says."""
    if isinstance(value, list):
        return [_remerged(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "columns" in value and isinstance(value.get("rows"), list) and value.get("merge"):
        rows = [list(r) for r in value["rows"]]
        for column in value["merge"]:
            last = None
            for row in rows:
                if row[column - 1] == "":
                    continue
                if row[column - 1] == last:
                    row[column - 1] = ""
                last = row[column - 1] if row[column - 1] != "" else last
        return value | {"rows": rows}
    return {k: _remerged(v) for k, v in value.items()}


def _unbroken(blocks: list[str]) -> list[str]:
    """Texts without their spaces: a title broken into lines elsewhere says the same."""
    return [re.sub(r"\s+", "", b) for b in blocks]


def _text(spec: dict[str, Any]) -> list[str] | None:
    """The texts a spec's document shows, block by block (what a reader compares)."""
    from wenshu.extract import markdown_blocks

    made = _markdown(spec)
    # as import reads the file's text: a catalogue copied verbatim (a half-width ; in a 测评表's
    # 指标说明) reads back with the punctuation put right
    return None if made is None else [tidy_punctuation(b) for b in markdown_blocks(made)]


def _difference(made: list[str], seen: list[str]) -> str:
    """Where the text made from the fields read first differs from the file's, said with
    both texts: a clerk who typed a 增减 the values do not give sees which."""
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, seen, made, autojunk=False).get_opcodes():
        if tag != "equal":
            typed, computed = "".join(seen[i1:i2]) or "（无）", "".join(made[j1:j2]) or "（无）"
            where = f"文件为“{_clipped(typed)}”，生成的为“{_clipped(computed)}”"
            return f"由读出的各项生成的文字与文件不同：{where}"
    return "由读出的各项生成的文字与文件不同"


def _clipped(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[:most] + "……"


def _refusal(spec: dict[str, Any]) -> str:
    """Why ``spec`` is no valid spec of its kind, said by its first problem: a clerk who
    changed the years in a plan's title learns which phase now falls outside them."""
    from wenshu.build.document import render_spec
    from wenshu.spec.load import Spec

    try:
        render_spec(Spec(path=_PLACE, data=copy.deepcopy(spec)), ("md",), advise=False)
    except WenshuError as error:
        first, more = error.problems[0].message, len(error.problems) - 1
        return f"读出的各项不合此文种的规格：{first}" + (f"（另有{more}处）" if more else "")
    return "读出的各项不合此文种的规格"


def _markdown(spec: dict[str, Any]) -> str | None:
    """The Markdown ``spec`` makes, None when it is no valid spec. Made from the data as
    loading its YAML would give it, without writing and reading the YAML (a plan is tried
    a dozen times)."""
    from wenshu.build.document import render_spec
    from wenshu.spec.load import Spec

    try:
        return render_spec(Spec(path=_PLACE, data=copy.deepcopy(spec)), ("md",), advise=False).markdown
    except WenshuError:
        return None


def _as_kind(
    kind: Kind, outline: dict[str, Any], head: dict[str, Any], tail: dict[str, Any], body: list[Any]
) -> dict[str, Any] | None:
    fields = kind.schema
    found = {k: head[k] for k in _HEAD if k in head} | {k: tail[k] for k in _TAIL if k in tail}
    extra = (set(head) - {"mark"}) | (set(tail) - {"contacts"})
    if any(k not in fields for k in found) or extra - set(found):
        return None
    spec: dict[str, Any] = {"kind": kind.name}
    spec["issuer"] = tail.get("signature") or head.get("mark", "")
    if head.get("mark"):
        spec["mark"] = head["mark"]
    spec |= found
    if "contacts" in tail:
        line = "".join(tail["contacts"]["lines"])
        matched = re.fullmatch(outline.get("contact", "(?!)"), line)
        if matched is None:
            return None
        spec["contact"] = _groups(matched, fields.get("contact", {}).get("schema", {}))
    for steps in outline.get("bodies", []):
        taken = _take(steps, body, 0, fields)
        if taken is not None:
            return spec | taken
    return None


def _take(
    steps: list[dict[str, Any]], body: list[Any], i: int, fields: dict[str, Any]
) -> dict[str, Any] | None:
    """The fields ``steps`` read from ``body[i:]`` when they take all of it, else None."""
    if not steps:
        return {} if i == len(body) else None
    step, rest = steps[0], steps[1:]
    block = body[i] if i < len(body) else None
    if "text" in step:
        matched = re.fullmatch(step["text"], block) if isinstance(block, str) else None
        if matched is None:
            return None
        after = _take(rest, body, i + 1, fields)
        return None if after is None else merge_fields(_groups(matched, fields), after)
    if "table" in step:
        table = block.get("table") if isinstance(block, dict) else None
        read = _table_items(step["table"], table) if table else None
        after = None if read is None else _take(rest, body, i + 1, fields)
        return None if read is None or after is None else merge_fields(read, after)
    if "section" in step:
        return _take_section(step["section"], rest, body, i, fields)
    for j in range(i, len(body) + 1):  # "blocks": as few as let the following steps match
        after = _take(rest, body, j, fields)
        if after is not None:
            return ({step["blocks"]: body[i:j]} if j > i else {}) | after
    return None


def _table_items(step: dict[str, Any], table: dict[str, Any]) -> dict[str, Any] | None:
    """A table's rows as the list ``step["field"]`` of items, each column the field
    ``step["columns"]`` names; then, with ``scores`` (``{field, header, wording, absent}``), a
    column for each score table whose header matches ``header`` (its group ``table`` the
    table's name): a row's cell is its item's score of that table (``absent`` where it has
    none), and the headers as typed, by table, the field ``wording`` (a round's “A表得分”)."""
    columns, extra = step["columns"], step.get("scores")
    header = [str(c) for c in table["columns"]]
    if len(header) < len(columns) or (len(header) > len(columns) and extra is None):
        return None
    scored = [re.fullmatch(extra["header"], h) for h in header[len(columns) :]] if extra else []
    if not all(scored):
        return None
    tables = [m["table"] for m in scored if m is not None]
    items = []
    for row in table["rows"]:
        item = {c: v for c, v in zip(columns, row, strict=False) if v != ""}
        scores = {
            t: v for t, v in zip(tables, row[len(columns) :], strict=False) if v not in ("", extra["absent"])
        }
        items.append(item | ({extra["field"]: scores} if scores else {}))
    wording = {m["table"]: m[0] for m in scored if m is not None}
    return {step["field"]: items} | ({extra["wording"]: wording} if wording else {})


def _take_section(
    section: dict[str, Any], rest: list[dict[str, Any]], body: list[Any], i: int, fields: dict[str, Any]
) -> dict[str, Any] | None:
    """A heading the template prints as fixed text (``section: {heading, field}``) whose blocks
    are a list field. The outline reader puts the paragraphs after the last heading under it
    (the letter's 承诺 and 结束语 follow the last part): the field takes as few of the heading's
    blocks, one at least, as let the following steps take the rest and what comes after."""
    block = body[i] if i < len(body) else None
    if not isinstance(block, dict) or block.get("heading") != section["heading"]:
        return None
    inner = list(block["body"]) if "body" in block else [block["text"]] if "text" in block else []
    stream = inner + body[i + 1 :]
    for j in range(1, len(inner) + 1):
        after = _take(rest, stream, j, fields)
        if after is not None:
            return {section["field"]: inner[:j]} | after
    return None


def _groups(matched: re.Match[str], fields: dict[str, Any]) -> dict[str, Any]:
    """A match's non-empty named groups as (nested) fields, numbers where the field is one."""
    out: dict[str, Any] = {}
    for name, value in matched.groupdict().items():
        if not value:
            continue
        *parents, last = name.split("__")
        here, schema = out, fields
        for part in parents:
            here = here.setdefault(part, {})
            schema = schema.get(part, {}).get("schema", {})
        number = schema.get(last, {}).get("type") == "integer" and value.isdigit()
        here[last] = int(value) if number else value
    return out


def _in_order(value: Any, rule: Any) -> Any:
    """``value`` with its keys in the order its Cerberus ``rule`` names them, at every level."""
    inner = rule.get("schema") if isinstance(rule, dict) else None
    inner = inner if isinstance(inner, dict) else {}  # a named definition (block …) keeps its order
    if isinstance(value, list):
        return [_in_order(v, inner) for v in value]
    if not isinstance(value, dict):
        return value
    order = list(inner)
    keys = sorted(value, key=lambda k: order.index(k) if k in order else len(order))
    return {k: _in_order(value[k], inner.get(k)) for k in keys}


def _valid(spec: dict[str, Any]) -> bool:
    from wenshu.spec.load import Spec
    from wenshu.validate import validate

    try:
        validate(Spec(path=_PLACE, data=copy.deepcopy(spec)))
    except WenshuError:
        return False
    return True


def _table_rows(markdown: str | None) -> int:
    """How many table rows (blank ones too) a document's Markdown has."""
    return sum(line.startswith("|") for line in (markdown or "").splitlines())


def _optional(
    spec: dict[str, Any], rule: dict[str, Any], path: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """The paths of the optional fields of ``spec`` and of the mappings inside it."""
    out: list[tuple[str, ...]] = []
    for key, value in spec.items():
        field = rule.get(key, {})
        if not field.get("required"):
            out.append((*path, key))
        inner = field.get("schema")
        inner = definitions().get(inner) if isinstance(inner, str) else inner
        if isinstance(value, dict) and isinstance(inner, dict):
            out += _optional(value, inner, (*path, key))
    return out


def _without(spec: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    head, *rest = path
    if head not in spec:  # its mapping left out already
        return spec
    if not rest:
        return {k: v for k, v in spec.items() if k != head}
    return {**spec, head: _without(spec[head], tuple(rest))}


def _fewest_entries(
    kind: Kind, spec: dict[str, Any], same: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """``spec`` without each fact of an entry of a mapping field (a round's ``categories``:
    ``{示范企业: {score_names: …}}``), nor each entry, that makes the same document without:
    what the catalogue gives for the round's year is not declared again. The last entry
    stays (the field is left out whole, or not, by :func:`_shortest`)."""
    for key, rule in kind.schema.items():
        values = rule.get("valuesrules")
        if not isinstance(spec.get(key), dict) or not isinstance(values, dict) or "schema" not in values:
            continue
        for name in list(spec[key]):
            for fact in list(spec[key][name] or {}):
                entry = {k: v for k, v in spec[key][name].items() if k != fact}
                trial = spec | {key: spec[key] | {name: entry}}
                if same(trial):
                    spec = trial
            trial = spec | {key: {k: v for k, v in spec[key].items() if k != name}}
            if trial[key] and same(trial):
                spec = trial
    return spec


def _shortest(kind: Kind, spec: dict[str, Any], target: list[str] | None = None) -> dict[str, Any]:
    """``spec`` without each optional field the kind makes the same Markdown without.

    Given the ``target`` text of the file read (a plan's), a field is also left out when the
    document made without it shows exactly that text (a title the kind breaks into lines as
    the file did), and so is an optional field inside a mapping (a heading the outline names).
    """
    from wenshu.extract import markdown_blocks

    whole = _markdown(spec)

    def same(trial: dict[str, Any]) -> bool:
        if whole is not None and _markdown(trial) == whole:
            return True
        made = None if target is None else _markdown(_unmerged(trial))
        # the text alone does not show a blank form's empty rows: their count must stay
        return (
            made is not None and markdown_blocks(made) == target and _table_rows(made) == _table_rows(whole)
        )

    spec = _fewest_entries(kind, spec, same)
    for key in [k for k in spec if not kind.schema.get(k, {}).get("required")]:
        # a field with its companions first (title with title_lines), then alone
        companions = {k for k in spec if k.startswith(key + "_")} | {key}
        for drop in [companions, {key}] if companions != {key} else [{key}]:
            trial = {k: v for k, v in spec.items() if k not in drop}
            if key in spec and same(trial):
                spec = trial
    for path in [p for p in _optional(spec, kind.schema) if len(p) > 1] if target is not None else []:
        trial = _without(spec, path)
        if same(trial):
            spec = trial
    return spec
