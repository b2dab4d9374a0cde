"""The outline of a plan or a summary read back into its kind's fields.

A kind whose template computes its outline from nested fields (a work plan's 总体要求, its
tasks with their lead units, its 主要指标表) says in the ``import:`` section of its schema
how that outline reads, as data:

``title``
    patterns that must each match the whole title; named groups are fields
    (``period__start`` is ``period.start``).
``named``
    the title the template makes when the spec gives none; its groups are fields
    (``applicant``, ``level`` …). A title of the kind's own wording is the kind's: where its
    document leaves the outline, the report says so.
``elsewhere``
    where the fields of ``named`` are read when the title is a clerk's own (a 三年行动方案,
    a subtitle added), and those of ``title`` it leaves empty (no period): steps tried in
    order, each ``in`` the ``title`` or the ``signature`` (the pattern matches it whole),
    the ``body`` (found anywhere in its paragraphs; every place must say the same) or the
    ``columns`` of its tables (consecutive year columns give the ``first`` and ``last``
    fields), or a ``header`` cell of a table (the pattern matches it whole); the first that
    gives a field gives it. The title is kept as written; a field
    found nowhere leaves the document a 通用文书, and the report says which.
``yearless``
    the fields a title without the period implies (``period_line: false``: the template
    prints no period line under it either).
``values``
    the field a word of the title stands for (``level: {市: city, 县: county}``).
``body``
    steps taken in order over the body's blocks as the notice reader nested them:

    - ``text``: one paragraph matching a pattern;
    - ``heading`` (with ``text`` for a run-in heading's text, ``body`` for the steps over
      the blocks under it, ``after`` for steps over the blocks following it at its level);
    - ``blocks``: the blocks up to the next step's, as a list field;
    - ``computed``: the blocks up to the next step's, made by the template from the other
      fields alone (a 测评表's rows from the catalogue): no field holds them, the text
      the fields make proves them;
    - ``line``: one line set apart (a ``line`` block, as “推荐单位：河南省”) matching a
      pattern; ``lines``: the lines up to the next step's (or a form's fields typed as
      paragraphs: “单位：”), their texts as a list field;
    - ``table``: a table; ``columns`` match its header in order (``optional``, ``repeat``),
      each column's ``cell`` is the row item's field (``targets.{year}`` takes ``year`` from
      the header's group) or a pattern, a column without one is computed by the template
      (序号, 完成情况, 增长率), its ``means`` the fields a cell matching a pattern implies
      (已完成 without a rate: ``direction: down``), ``categories`` (a field of the rows)
      reads the rows as a round's categories keyed by the short name of the catalogue's
      category that field names (:func:`_by_category`); header groups are fields of every row
      (of the table's own scope with ``scope: table``), a column's ``wording`` the field
      its header's own text goes to (``score_names.{sheet}``: a score table's wording, as
      “A表得分”, of the table's scope); a merged cell is read in every row
      it spans (a group typed once for its rows), blank rows are skipped. A form's table
      is read whole instead: ``header`` (``{field, from}``) its header cells from a column
      on as a list field (and, more than one, as the list field ``several`` too: a 名额表
      of several programmes heads a column with each one's name), ``cells`` (``{field,
      from}``) each row's cells so, ``blank`` the count of its rows when every one is blank
      (a 回执's), ``total`` (``{label, field}``) whether its last row is the template's
      合计 row (then not one of the ``cells``);
    - ``each: FIELD`` on a step: the step repeated over consecutive blocks, each match one
      item of the list ``FIELD`` (``min: 0`` lets there be none);
    - ``optional: true``: the step may be absent; ``split: {FIELD: PATTERN}``: a field read as
      text is the list of the pattern's matches in it.
``assume``
    a field the template never prints, as ``years`` before or after the 成文日期
    (``summary.period: {years: {start: -3, end: -1}}``); ``read`` says where the text may
    still give it: ``in`` a list field's blocks, ``patterns`` whose groups are its keys (a
    span “2020—2022年”, a start “2020年以来”; a key not read keeps the span's length), and
    ``columns`` a pattern of a table header's year columns (the first and last year). A
    value the text gives with the span's length is taken, else the assumed one; the report
    says which, to check.
``annexes``
    the attachments the template makes, first and in order: ``name`` a pattern, ``body`` the
    steps over its blocks; an annex without ``body`` is computed whole (a 任务分工表).
    Attachments after them are the spec's own ``attachments``.

Whether the fields found make the same document is not judged here: :mod:`.kinds` builds
them and compares the text with what the file says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from wenshu.spec.kinds import Kind, definitions

#: What a document spec may hold besides its body for a plan kind to take it whole.
_TAKEN = {"kind", "title", "title_lines", "subtitle", "body", "attachments", "signature", "date", "label"}
#: A form's field to fill typed as a paragraph: a name and a colon, what is filled in after it.
_FIELD = re.compile(r"[^。；！？]+[：:][^。；！？]*")
_FIELD_MAX_CHARS = 40
#: Keys of a block a step can account for.
_HEADING_KEYS = {"heading", "text", "body"}


def read_outline(
    kind: Kind, document: dict[str, Any], notes: list[str] | None = None
) -> dict[str, Any] | None:
    """The fields that the outline of ``kind`` (its ``import:`` section) reads from the
    imported ``document`` spec, or None when its title, body or attachments do not follow it,
    or a field its title does not give is found nowhere else (:func:`elsewhere`).
    What it assumes, and where it found what the title does not say, is said in ``notes``."""
    shape = kind.reading
    titled = _titled(shape, document)
    if set(document) - _TAKEN or titled is None:
        return None
    spec: dict[str, Any] | None = {"kind": kind.name} | titled
    body = _whole(shape["body"], document.get("body", []))
    annexes = _annexes(shape.get("annexes", []), document.get("attachments", []))
    if body is None or annexes is None:
        return None
    spec = merge_fields(spec, body)
    spec = spec if spec is None else merge_fields(spec, annexes)
    if spec is None:
        return None
    named = _named_title(shape, document)
    spec = spec if named is None else merge_fields(spec, named)
    found, said = elsewhere(kind, document, spec or {})
    if spec is None or found is None:
        return None
    spec = merge_fields(spec, found)
    if spec is not None and _unsaid(shape, document):  # the template prints no period line either
        spec = merge_fields(spec, shape.get("yearless", {}))
    if spec is None:
        return None
    if said and notes is not None:
        own = "" if named is not None or "named" not in shape else f"标题不是{kind.label}模板的写法，"
        own += "照原样保留；" if own else ""
        notes.append(f"{own}{said}，请核对")
    for key in ("subtitle", "signature", "date"):
        if key in document:
            spec[key] = document[key]
    if "label" in document and notes is not None:  # an annex typed as a file of its own
        notes.append(
            f"“{document['label']}”不另存：{kind.label}作为通知的附件附上时，“附件N”由通知按附件说明编号"
        )
    for path, assumption in shape.get("assume", {}).items():
        value = _assumed(kind, spec, path, assumption, document.get("date"), notes)
        if value is None:
            return None
        _put(spec, path, value)
    return _mapped(spec, shape.get("values", {}))


def _assumed(
    kind: Kind,
    spec: dict[str, Any],
    path: str,
    assumption: dict[str, Any],
    date: Any,
    notes: list[str] | None,
) -> dict[str, int] | None:
    """The years of a field the template never prints (``assume``): as the text gives them
    when it does, with the assumed span's length, else counted from the 成文日期."""
    if not hasattr(date, "year"):
        return None
    years = {k: date.year + n for k, n in assumption["years"].items()}
    rule = _rule(kind.schema, path)
    inner = rule.get("schema")
    inner = definitions().get(inner, {}) if isinstance(inner, str) else inner or {}
    read, quote = _years_read(assumption.get("read", {}), spec, years)
    value = read or years
    if notes is not None:
        shown = "、".join(f"{_label(inner.get(k), k)} {v}" for k, v in value.items())
        if read:
            notes.append(f"{_label(rule, path)}取自正文（{quote}），填作 {shown}，请核对")
        else:
            notes.append(f"文件中没有写出{_label(rule, path)}，按成文日期的年份填作 {shown}，请核对")
    return value


def _years_read(
    read: dict[str, Any], spec: dict[str, Any], assumed: dict[str, int]
) -> tuple[dict[str, int] | None, str]:
    """The years the blocks of ``read["in"]`` print (every place the same), each key not
    printed kept at the assumed span's distance, with the words they were read from; None
    when the text gives none, or a span of another length or more than a year away from
    the assumed one."""
    here: Any = spec
    for part in read.get("in", "").split(".") if read else []:
        here = here.get(part) if isinstance(here, dict) else None
    spans: dict[tuple[tuple[str, int], ...], str] = {}
    for text in _texts(here if isinstance(here, list) else []):
        for pattern in read.get("patterns", []):
            for matched in re.finditer(pattern, text):
                found = {k: int(v) for k, v in matched.groupdict().items() if v}
                spans.setdefault(tuple(sorted(found.items())), matched[0])
    for table in _tables(here if isinstance(here, list) else []):
        if (span := _year_columns(table, read.get("columns", "(?!)"))) is not None:
            first, last, quote = span
            spans.setdefault((("end", last), ("start", first)), f"表头的{quote}")
    values: dict[tuple[tuple[str, int], ...], str] = {}
    for key, quote in spans.items():
        found = dict(key)
        if found:  # a bound not printed keeps the assumed span's length
            anchor = next(iter(found))
            value = {k: found.get(k, found[anchor] + n - assumed[anchor]) for k, n in assumed.items()}
            values.setdefault(tuple(sorted(value.items())), quote)
    if len(values) != 1:
        return None, ""
    ((key, quote),) = values.items()
    value = dict(key)
    if any(value[k] - value["start"] != assumed[k] - assumed["start"] for k in assumed):
        return None, ""  # another span (2019—2022年 for three years) is not the period
    if any(abs(value[k] - assumed[k]) > 1 for k in assumed):
        return None, ""  # a span years away from the 成文日期 (2012年以来) is some other one
    return {k: value[k] for k in assumed}, quote


def _year_columns(table: dict[str, Any], pattern: str) -> tuple[int, int, str] | None:
    """The first and last year of a table's header cells matching ``pattern`` (2022年目标 …),
    when there are two or more and they run year after year, with the words to quote."""
    heads = [str(c) for c in table["columns"] if re.fullmatch(pattern, str(c))]
    years = [int(re.sub(r"\D", "", h)) for h in heads]
    if len(years) < 2 or years != list(range(years[0], years[-1] + 1)):
        return None
    return years[0], years[-1], "、".join(heads) if len(heads) < 4 else f"{heads[0]}……{heads[-1]}"


def _texts(blocks: list[Any]) -> Iterator[str]:
    """The paragraphs of ``blocks`` in reading order: texts, headings and their run-in text,
    single lines, nested bodies and list items (not table cells)."""
    for block in blocks:
        if isinstance(block, str):
            yield block
        elif isinstance(block, dict):
            for key in ("heading", "text", "line"):
                if isinstance(block.get(key), str):
                    yield block[key]
            for key in ("body", "items"):
                if isinstance(block.get(key), list):
                    yield from _texts(block[key])


def _tables(blocks: list[Any]) -> Iterator[dict[str, Any]]:
    """The tables of ``blocks``, nested bodies included."""
    for block in blocks:
        if isinstance(block, dict):
            if isinstance(block.get("table"), dict):
                yield block["table"]
            for key in ("body", "items"):
                if isinstance(block.get(key), list):
                    yield from _tables(block[key])


def _named_title(shape: dict[str, Any], document: dict[str, Any]) -> dict[str, Any] | None:
    """The fields of a title in the template's own wording (``named``), or None."""
    # a space typed inside a Chinese title (…工作方案 （2024—2026年）) says nothing
    title = re.sub(r"\s+", "", document.get("title", ""))
    matched = re.fullmatch(shape["named"], title) if "named" in shape else None
    return None if matched is None else _groups(matched)


def elsewhere(
    kind: Kind, document: dict[str, Any], read: dict[str, Any] | None = None
) -> tuple[dict[str, Any] | None, str]:
    """The fields a kind's template prints in its title that ``document``'s title does not
    give (the ``named`` groups under a title of the clerk's own, a period it does not show)
    nor the body's steps ``read`` already (a 名额表's programmes from its columns), read where
    the document prints them (the ``elsewhere`` steps), with where each was read, said in
    Chinese; None and why, when one is found nowhere. ``({}, "")`` when the title gives them all."""
    shape = kind.reading
    wanted = _unsaid(shape, document)
    if "named" in shape and _named_title(shape, document) is None:
        wanted += list(re.compile(shape["named"]).groupindex)
    wanted = [n for n in wanted if not _has(read or {}, n.split("__"))]
    found: dict[str, str] = {}
    where: dict[str, str] = {}
    torn: dict[str, str] = {}
    for step in shape.get("elsewhere", []) if wanted else []:
        seen: dict[str, dict[str, str]] = {}
        for name, value, quote in _readings(step, document):
            if name in wanted and name not in found:
                seen.setdefault(name, {}).setdefault(value, quote)
        for name, values in seen.items():
            if len(values) > 1:  # the body names two (试点 then 示范): not for import to choose
                torn[name] = "正文中{}有{}几种写法".format(
                    _field(kind, name), "、".join(f"“{q}”" for q in values.values())
                )
                continue
            ((value, quote),) = values.items()
            found[name] = value
            where[name] = f"{_PLACES[step['in']]}“{_tail(quote)}”"
    missing = [n for n in wanted if n not in found]
    if missing:
        torn_said = [torn[n] for n in missing if n in torn]
        unsaid = [n for n in missing if n not in torn]
        why = []
        if unsaid:
            why.append(f"{_fields(kind, unsaid)}在标题、署名和正文中都没有写出")
        return None, "；".join(why + torn_said)
    out: dict[str, Any] = {}
    for name in wanted:
        _put(out, name.replace("__", "."), found[name])
    places = dict.fromkeys(where[n] for n in wanted)
    said = (_fields(kind, [n for n in wanted if where[n] == p]) + f"取自{p}" for p in places)
    return out, "；".join(said)


def _has(fields: dict[str, Any], path: list[str]) -> bool:
    """Does ``fields`` hold the (nested) field ``path``?"""
    head, *rest = path
    if head not in fields:
        return False
    return not rest or isinstance(fields[head], dict) and _has(fields[head], rest)


def _fields(kind: Kind, names: list[str]) -> str:
    """Fields named for a reader: the start and end of a period read together as the period."""
    shown: list[str] = []
    for name in names:
        parent = name.rpartition("__")[0]
        whole = parent and sum(n.startswith(parent + "__") for n in names) > 1
        shown.append(_field(kind, parent) if whole else _field(kind, name))
    return "、".join(dict.fromkeys(shown))


def _readings(step: dict[str, Any], document: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """What one ``elsewhere`` step reads: (group, value, the words it was read from)."""
    place = step["in"]
    if place == "columns":  # a table's consecutive year columns: the first and the last
        for table in _tables(document.get("body", [])):
            if (span := _year_columns(table, step["pattern"])) is not None:
                first, last, quote = span
                yield step["first"], str(first), quote
                yield step["last"], str(last), quote
    elif place == "header":  # any one header cell of a table (a 基本情况表's “2017年度数据”)
        for table in _tables(document.get("body", [])):
            for cell in table["columns"]:
                if (matched := re.fullmatch(step["pattern"], str(cell))) is not None:
                    yield from ((n, v, matched[0]) for n, v in matched.groupdict().items() if v)
    elif place == "body":
        for text in _texts(document.get("body", [])):
            for matched in re.finditer(step["pattern"], text):
                yield from ((n, v, matched[0]) for n, v in matched.groupdict().items() if v)
    elif (matched := re.fullmatch(step["pattern"], str(document.get(place, "")))) is not None:
        yield from ((n, v, matched[0]) for n, v in matched.groupdict().items() if v)


def _unsaid(shape: dict[str, Any], document: dict[str, Any]) -> list[str]:
    """The groups of the ``title`` patterns that the document's title leaves empty (a
    period it does not show)."""
    out: list[str] = []
    for pattern in shape.get("title", []):
        matched = re.fullmatch(pattern, document.get("title", ""))
        out += [] if matched is None else [n for n, v in matched.groupdict().items() if not v]
    return out


def _tail(quote: str, most: int = 30) -> str:
    """A quote cut to its last words (a phrase found ends with what it says)."""
    return quote if len(quote) <= most else "……" + quote[-most:]


#: The places ``elsewhere`` reads, as the report names them.
_PLACES = {"title": "标题", "signature": "署名", "body": "正文", "columns": "表头", "header": "表头"}


def _field(kind: Kind, name: str) -> str:
    path = name.replace("__", ".")
    return _label(_rule(kind.schema, path), path)


def _rule(schema: dict[str, Any], path: str) -> dict[str, Any]:
    """The Cerberus rule of the field at a dotted ``path``, named definitions resolved."""
    rule: dict[str, Any] = {"schema": schema}
    for part in path.split("."):
        inner = rule.get("schema")
        inner = definitions().get(inner, {}) if isinstance(inner, str) else inner or {}
        rule = inner.get(part, {})
    return rule


def _label(rule: Any, name: str) -> str:
    """A field's Chinese name (its ``meta.label``) with its key, for a note to the user."""
    label = rule.get("meta", {}).get("label") if isinstance(rule, dict) else None
    return f"{label}（{name}）" if label else name


def departure(kind: Kind, document: dict[str, Any]) -> str | None:
    """Why a document that looks like one of ``kind`` is not read as one, said in Chinese:
    where a document titled as the kind's, or one under a title of its own whose body follows
    the outline past its first part, leaves the outline; or which field a document following
    the outline under a title of its own says nowhere. None when it looks like no document
    of the kind, or nothing keeps it from being one."""
    shape = kind.reading
    if _titled(shape, document) is None:
        return None
    named = titled_as(kind, document)
    said = f"标题是{kind.label}的写法，但" if named else f"正文大体合乎{kind.label}的提纲，但"
    extra = set(document) - _TAKEN
    if extra:
        return said + f"文件有此文种没有的部分（{'、'.join(sorted(extra))}）" if named else None
    body = document.get("body", [])
    for k, step in enumerate(shape["body"], 1):
        if next(_match(shape["body"][:k], body, 0), None) is None:
            if not named and not any("heading" in s for s in shape["body"][: k - 1]):
                return None  # another document under a title of its own (or see first_heading_off)
            return said + f"正文的{_named(step)}不合其提纲"
    if _whole(shape["body"], body) is None:
        return said + "正文末尾有提纲之外的内容"
    if _annexes(shape.get("annexes", []), document.get("attachments", [])) is None:
        return said + "附件不合其提纲"
    found, why = elsewhere(kind, document)
    own = "" if named else "标题不是其模板的写法，"
    return None if found is not None else f"正文合乎{kind.label}的提纲，但{own}{why}"


def first_heading_off(kind: Kind, document: dict[str, Any]) -> str | None:
    """Why ``document``, under a title of its own, is not one of ``kind`` when it leaves the
    outline at its first heading — which :func:`departure` takes for another document — yet
    has, for the most part, the other headings the outline prescribes: what heading the
    outline wants there and what the file has. None for any other document."""
    shape = kind.reading
    if _titled(shape, document) is None or titled_as(kind, document):
        return None
    steps, body = shape["body"], document.get("body", [])
    for k, step in enumerate(steps, 1):
        if next(_match(steps[:k], body, 0), None) is None:
            if any("heading" in s for s in steps[: k - 1]) or not _headed_as(steps, body):
                return None
            return f"正文大体合乎{kind.label}的提纲，但" + _first_off(steps, step, body)
    return None


def _headed_as(steps: list[dict[str, Any]], body: list[Any]) -> bool:
    """Whether the level-1 headings of ``body`` are, for the most part, those the ``steps``
    prescribe: at least two, and at least half of them, found among the body's headings."""
    headings = [b["heading"] for b in body if isinstance(b, dict) and isinstance(b.get("heading"), str)]
    wanted = [s["heading"] for s in steps if "heading" in s]
    found = sum(any(re.fullmatch(w, h) for h in headings) for w in wanted)
    return found >= 2 and 2 * found >= len(wanted)


def _first_off(steps: list[dict[str, Any]], step: dict[str, Any], body: list[Any]) -> str:
    """Where a body leaves the outline at its first heading ``step``, said with what the
    outline wants there and what the file has: another heading, or that heading with other
    content under it."""
    headings = [b["heading"] for b in body if isinstance(b, dict) and isinstance(b.get("heading"), str)]
    others = [s["heading"] for s in steps if "heading" in s and s is not step]
    # the file's heading where the outline wants this one: the first that is none of the others
    typed = next((h for h in headings if not any(re.fullmatch(o, h) for o in others)), None)
    wanted = step.get("heading", "")
    if not wanted or re.escape(wanted) != wanted or typed is None or typed == wanted:
        return f"正文的{_named(step)}不合其提纲"
    return f"正文的第一个标题应为“{wanted}”，文件为“{typed}”"


def titled_as(kind: Kind, document: dict[str, Any]) -> bool:
    """Whether ``document`` is titled in the wording of the kind's template."""
    shape = kind.reading
    return _titled(shape, document) is not None and (
        "named" not in shape or _named_title(shape, document) is not None
    )


def _named(step: dict[str, Any]) -> str:
    """A step as a reader knows it: a heading's words, else the field it fills."""
    heading = step.get("heading", "")
    if heading and re.escape(heading) == heading:
        return f"“{heading}”一节"
    if "blank" in step.get("table", {}):
        return "表格（应只有表头和空行）"
    field = step.get("each") or step.get("blocks") or step.get("table", {}).get("field")
    return f"{field}一项" if field else "一段文字"


def _titled(shape: dict[str, Any], document: dict[str, Any]) -> dict[str, Any] | None:
    """The fields the title gives, or None when it is not titled as the kind's documents are."""
    if "body" not in shape:
        return None
    out: dict[str, Any] | None = {}
    for pattern in shape.get("title", []):
        matched = re.fullmatch(pattern, document.get("title", ""))
        if matched is None or out is None:
            return None
        out = merge_fields(out, _groups(matched))
    return out


def _whole(steps: list[dict[str, Any]], blocks: list[Any]) -> dict[str, Any] | None:
    """The fields ``steps`` read from all of ``blocks``, or None."""
    return next((f for f, j in _match(steps, blocks, 0) if j == len(blocks)), None)


def _annexes(steps: list[dict[str, Any]], attachments: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The fields the kind's own annexes hold, and the attachments after them."""
    out: dict[str, Any] = {}
    for i, step in enumerate(steps):
        if i >= len(attachments) or not re.fullmatch(step["name"], str(attachments[i].get("name", ""))):
            return None
        if "body" in step:
            found = _whole(step["body"], attachments[i].get("body", []))
            merged = None if found is None else merge_fields(out, found)
            if merged is None:
                return None
            out = merged
    if attachments[len(steps) :]:
        out["attachments"] = attachments[len(steps) :]
    return out


def _match(steps: list[dict[str, Any]], blocks: list[Any], i: int) -> Iterator[tuple[dict[str, Any], int]]:
    """Every way ``steps`` read ``blocks`` from ``i``: the fields and where they stopped."""
    if not steps:
        yield {}, i
        return
    for fields, j in _step(steps[0], blocks, i):
        for more, k in _match(steps[1:], blocks, j):
            merged = merge_fields(fields, more)
            if merged is not None:
                yield merged, k


def _step(step: dict[str, Any], blocks: list[Any], i: int) -> Iterator[tuple[dict[str, Any], int]]:
    if step.get("optional"):
        yield from _step({k: v for k, v in step.items() if k != "optional"}, blocks, i)
        yield {}, i
    elif "each" in step:
        for items, j in _repeat(step, blocks, i):
            yield (_put({}, step["each"], items) if items else {}), j
    elif "blocks" in step or "computed" in step:  # as few as let the following steps match
        for j in range(i, len(blocks) + 1):
            yield (_put({}, step["blocks"], blocks[i:j]) if j > i and "blocks" in step else {}), j
    elif "lines" in step:  # as few as let the following steps match
        j = i
        while True:
            texts = [b if isinstance(b, str) else b["line"] for b in blocks[i:j]]
            yield (_put({}, step["lines"], texts) if texts else {}), j
            if j >= len(blocks) or not (_is_line(blocks[j]) or _is_field(blocks[j])):
                return
            j += 1
    else:
        yield from _single(step, blocks, i)


def _repeat(step: dict[str, Any], blocks: list[Any], i: int) -> Iterator[tuple[list[Any], int]]:
    """The items of an ``each`` step: as many as match, then fewer. Each item is its first
    reading, found in a loop (a list of hundreds of items nests no deeper)."""
    items: list[dict[str, Any]] = []
    ends = [i]
    while (found := next(_single(step, blocks, ends[-1]), None)) is not None and found[1] > ends[-1]:
        items.append(found[0])
        ends.append(found[1])
    for n in range(len(items), step.get("min", 1) - 1, -1):
        yield items[:n], ends[n]


def _single(step: dict[str, Any], blocks: list[Any], i: int) -> Iterator[tuple[dict[str, Any], int]]:
    """One block read by ``step``, then the steps ``after`` it over the following blocks."""
    if i >= len(blocks):
        return
    fields = _block(step, blocks[i])
    if fields is None:
        return
    for more, j in _match(step.get("after", []), blocks, i + 1):
        merged = merge_fields(fields, more)
        if merged is not None:
            yield merged, j


def _is_line(block: Any) -> bool:
    """Whether ``block`` is a line set apart (no alignment, or left)."""
    if not isinstance(block, dict) or not set(block) <= {"line", "align"}:
        return False
    return block.get("align", "left") == "left"


def _is_field(block: Any) -> bool:
    """Whether ``block`` is a form's field typed as a paragraph (单位：, 填表人：): a short
    text ending in a colon, no sentence in it."""
    return isinstance(block, str) and len(block) <= _FIELD_MAX_CHARS and bool(_FIELD.fullmatch(block))


def _block(step: dict[str, Any], block: Any) -> dict[str, Any] | None:
    if "table" in step:
        table = block.get("table") if isinstance(block, dict) and set(block) == {"table"} else None
        if not table:
            return None
        return _form(step["table"], table) if "columns" not in step["table"] else _table(step["table"], table)
    if "line" in step:
        matched = re.fullmatch(step["line"], block["line"]) if _is_line(block) else None
        return None if matched is None else _groups(matched)
    if "heading" not in step:
        matched = re.fullmatch(step["text"], block) if isinstance(block, str) else None
        return None if matched is None else _split(_groups(matched), step)
    if not isinstance(block, dict) or "heading" not in block or set(block) - _HEADING_KEYS:
        return None
    found: dict[str, Any] | None = {}
    for key in ("heading", "text"):
        if (key in step) != (key in block):
            return None
        matched = re.fullmatch(step[key], block[key]) if key in step else None
        if key in step and matched is None:
            return None
        found = found if matched is None or found is None else merge_fields(found, _groups(matched))
    if ("body" in step) != bool(block.get("body")):
        return None
    if "body" in step:
        inner = _whole(step["body"], block["body"])
        found = None if inner is None or found is None else merge_fields(found, inner)
    return None if found is None else _split(found, step)


def _table(step: dict[str, Any], table: dict[str, Any]) -> dict[str, Any] | None:
    """A table's rows as the list ``field`` of items, when its header has the columns."""
    fields: dict[str, Any] | None = {}
    for key in ("title", "note"):
        if key in table and key not in step:
            return None
    if "title" in step:
        matched = re.fullmatch(step["title"], table.get("title", ""))
        if matched is None:
            return None
        fields = _groups(matched)
    if "note" in step and "note" in table:
        fields = _put(fields, step["note"], table["note"])
    plan = _columns(step["columns"], [str(c) for c in table["columns"]])
    if plan is None:
        return None
    for (column, groups), header in zip(plan, table["columns"], strict=False):
        if column.get("scope") == "table":
            for name, value in groups.items():
                field = _put({}, name.replace("__", "."), value)
                fields = None if fields is None else merge_fields(fields, field)
        if "wording" in column:  # the header as typed: a score's wording (A表得分)
            field = _put({}, column["wording"].format(**groups), str(header))
            fields = None if fields is None else merge_fields(fields, field)
    if fields is None:
        return None
    rows = unmerged_rows(table)
    if rows is None:
        return None
    items: list[dict[str, Any]] = []
    for row in rows:
        if all(cell == "" for cell in row):  # a blank row someone left in
            continue
        item: dict[str, Any] | None = {}
        for (column, groups), cell in zip(plan, row, strict=False):
            item = None if item is None else _cell(column, groups, cell, item)
        if item is None:
            return None
        items.append(item)
    if "categories" in step:  # a round's categories, by short name
        keyed = _by_category(items, step["categories"])
        return None if keyed is None else _put(fields, step["field"], keyed)
    return _put(fields, step["field"], items) if items else None


def _by_category(items: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    """The rows of a round's 一览表 as its ``categories``: each keyed by the short name of
    the catalogue's category whose name (full, or a former full name) its field ``key``
    says, without that field (the catalogue gives it); None when a row names a category
    the catalogue does not know, or two rows the same one — its facts (申报资格, 名额规则)
    are not read back from the words."""
    from wenshu.spec.catalogue import programmes

    known = programmes()
    out: dict[str, Any] = {}
    for item in items:
        named = str(item.get(key, ""))
        short = next((s for s, c in known.items() if named in c.names), None)
        if short is None or short in out:
            return None
        out[short] = {k: v for k, v in item.items() if k != key}
    return out or None


def _form(step: dict[str, Any], table: dict[str, Any]) -> dict[str, Any] | None:
    """A form's table read whole (``header``, ``cells``, ``blank``, ``total``, ``note``): the
    header's cells and the rows' as list fields, or the count of its blank rows."""
    for key in ("title", "note", "merge"):
        if key in table and key not in step:
            return None
    fields: dict[str, Any] = {}
    if "note" in table:
        _put(fields, step["note"], table["note"])
    if "header" in step:
        header = table["columns"][step["header"].get("from", 0) :]
        _put(fields, step["header"]["field"], [str(c) for c in header])
        if "several" in step["header"] and len(header) > 1:
            _put(fields, step["header"]["several"], [str(c) for c in header])
    rows = [list(r) for r in table["rows"]]
    if "blank" in step:
        if not rows or any(cell != "" for row in rows for cell in row):
            return None
        return _put(fields, step["blank"], len(rows))
    spans = table.get("spans") or []
    if "total" in step:
        total = bool(rows) and str(rows[-1][0]) == step["total"]["label"]
        # the template's 合计 row spans its first two columns; no other cell is merged
        if spans != ([[len(rows), 0, 1, 2]] if total else []):
            return None
        _put(fields, step["total"]["field"], total)
        rows = rows[:-1] if total else rows
    elif spans:
        return None
    if "cells" in step:
        start = step["cells"].get("from", 0)
        if not rows:
            return None
        _put(fields, step["cells"]["field"], [row[start:] for row in rows])
    return fields


def unmerged_rows(table: dict[str, Any]) -> list[list[Any]] | None:
    """A table's rows with each merged cell written out in every row it spans: the ``merge``
    columns (an empty cell joins the one above; a blank row stays blank) and the ``spans``
    down one column. None when cells are merged across columns (no row item says that)."""
    rows = [list(r) for r in table["rows"]]
    for column in table.get("merge") or []:
        for above, row in zip(rows, rows[1:], strict=False):
            if row[column - 1] == "" and any(cell != "" for cell in row):
                row[column - 1] = above[column - 1]
    for r, c, down, across in table.get("spans") or []:
        if across > 1 or r == 0:
            return None
        for k in range(r, r + down - 1):  # rows[r - 1] is the span's first row (row 0 is the header)
            rows[k][c] = rows[r - 1][c]
    return rows


def _columns(
    specs: list[dict[str, Any]], header: list[str]
) -> list[tuple[dict[str, Any], dict[str, str]]] | None:
    """Each column of ``header`` with the spec it matches and its header's groups."""
    plan: list[tuple[dict[str, Any], dict[str, str]]] = []
    c = 0
    for spec in specs:
        taken = 0
        while c < len(header) and (matched := re.fullmatch(spec["header"], header[c])):
            plan.append((spec, {k: v for k, v in matched.groupdict().items() if v}))
            c += 1
            taken += 1
            if not spec.get("repeat"):
                break
        if not taken and not spec.get("optional"):
            return None
    return plan if c == len(header) else None


def _cell(
    column: dict[str, Any], groups: dict[str, str], cell: Any, item: dict[str, Any]
) -> dict[str, Any] | None:
    """``item`` with what one cell says; a header's groups not in the cell's path are fields too."""
    target = column.get("cell")
    out: dict[str, Any] | None = item
    for name, value in groups.items() if column.get("scope") != "table" else ():
        if target is None or "{" + name + "}" not in target:
            out = None if out is None else merge_fields(out, _put({}, name.replace("__", "."), value))
    for pattern, implied in column.get("means", {}).items():
        if out is not None and re.fullmatch(pattern, str(cell)):
            out = merge_fields(out, implied)
            break
    if target is None or out is None or cell == "" or cell == column.get("absent"):
        return out
    if "(?P<" in target:
        matched = re.fullmatch(target, str(cell))
        return None if matched is None else merge_fields(out, _groups(matched))
    return merge_fields(out, _put({}, target.format(**groups), cell))


def _groups(matched: re.Match[str]) -> dict[str, Any]:
    """A match's non-empty named groups as (nested) fields."""
    out: dict[str, Any] = {}
    for name, value in matched.groupdict().items():
        if value:
            _put(out, name.replace("__", "."), value)
    return out


def _split(fields: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    for name, pattern in step.get("split", {}).items():
        if isinstance(fields.get(name), str):
            fields[name] = re.findall(pattern, fields[name])
    return fields


def _put(out: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    *parents, last = path.split(".")
    here = out
    for part in parents:
        here = here.setdefault(part, {})
    here[last] = value
    return out


def merge_fields(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any] | None:
    """Fields read by two steps (or patterns) together; None when a field read twice differs."""
    out = dict(first)
    for key, value in second.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            merged = merge_fields(out[key], value)
            if merged is None:
                return None
            out[key] = merged
        elif key in out and out[key] != value:
            return None
        else:
            out[key] = value
    return out


def _mapped(spec: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """``spec`` with each word of ``values`` replaced by the field value it stands for."""
    for path, words in values.items():
        *parents, last = path.split(".")
        here: Any = spec
        for part in parents:
            here = here.get(part, {}) if isinstance(here, dict) else {}
        if isinstance(here, dict) and last in here:
            if here[last] not in words:
                return None
            here[last] = words[here[last]]
    return spec


def coerced(value: Any, rule: Any) -> Any:
    """``value`` with the numbers a pattern read as text made numbers where ``rule`` (a
    Cerberus rule, named definitions resolved) wants an integer or a number."""
    if not isinstance(rule, dict):
        return value
    types = rule.get("type")
    types = set(types) if isinstance(types, list) else {types}
    if isinstance(value, str) and types & {"integer", "number"}:
        if re.fullmatch(r"-?\d{1,15}", value):
            return int(value)
        if "number" in types and re.fullmatch(r"-?\d{1,15}\.\d{1,6}", value):
            return float(value)
        return value
    inner = rule.get("schema")
    inner = definitions().get(inner, {}) if isinstance(inner, str) else inner
    if isinstance(value, list):
        return [coerced(v, inner) for v in value]
    if isinstance(value, dict):
        if "valuesrules" in rule:
            return {k: coerced(v, rule["valuesrules"]) for k, v in value.items()}
        inner = inner if isinstance(inner, dict) else {}
        return {k: coerced(v, inner.get(k)) for k, v in value.items()}
    return value
