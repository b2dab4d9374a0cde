"""The body's outline from its ordinals: 一、 （一） 1. （1） become nested blocks.

wenshu numbers headings by their depth, so the ordinals are taken off and the depth kept.
A paragraph that starts with an ordinal is a heading (short, no sentence in it, or set apart
by its style or by bold), a run-in heading (``（一）加强组织领导。各单位……``: the bold or short
first sentence is the heading) or a numbered item (a sentence or more); consecutive items of
one form become one ``items`` block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from wenshu.text.numbering import FORMS, MAX_DEPTH, chinese_value, form_for_depth, written_ordinal

# A heading's text holds no sentence; a run-in heading's first sentence is short.
_SENTENCE_MARKS = "。；！？"
RUNIN_MAX_CHARS = 24
HEADING_MAX_CHARS = 40


@dataclass(frozen=True)
class Ordinal:
    """An ordinal at the start of a paragraph: its form, the ordinal as typed and the rest."""

    form: str
    typed: str
    rest: str

    @property
    def level(self) -> int:
        return FORMS.index(self.form) + 1

    @property
    def value(self) -> int | None:
        """The number the ordinal writes (三、 → 3, 12. → 12), None when unreadable."""
        digits = re.search(r"\d+", self.typed)
        if digits:
            return int(digits.group())
        return chinese_value(re.sub(r"[^一二三四五六七八九十]", "", self.typed))


def ordinal_of(text: str) -> Ordinal | None:
    """The ordinal ``text`` starts with, if any (``1.5万`` and ``2023年`` are not ordinals)."""
    found = written_ordinal(text, spaced=True)  # other offices type spaces in and around them
    if found is None:
        return None
    depth, m = found
    if not text[m.end() :].strip():
        return None
    return Ordinal(form_for_depth(depth), text[: m.end()].strip(), text[m.end() :].strip())


@dataclass
class Entry:
    """One piece of body content in reading order, before nesting.

    ``level`` is the heading depth a style gives (heading 1 → 1), ``lead`` the leading
    text set apart by bold or a font of its own, ``top`` puts it back at the body's own level,
    ``plain`` says its style marks it as running text (so an ordinal starts an item, never a
    heading). ``block`` is a ready block (a table, a line); ``comment`` a note for the YAML
    (content that could not be placed).
    """

    text: str = ""
    level: int | None = None
    lead: str = ""
    plain: bool = False
    block: dict[str, Any] | None = None
    comment: str | None = None
    top: bool = False  # belongs to the body itself, after every heading (特此通知)


class Noted(str):
    """A paragraph of text with a note for the YAML beside it (content not placed)."""

    note: str

    def __new__(cls, text: str, note: str) -> Noted:
        self = super().__new__(cls, text)
        self.note = note
        return self


@dataclass
class Outline:
    """The nested blocks, the comments for some blocks (by ``id``; a text's is in
    :class:`Noted`) and what was renumbered."""

    blocks: list[Any]
    comments: dict[int, str] = field(default_factory=dict)
    relevelled: list[str] = field(default_factory=list)


def _strip_end(text: str) -> str:
    return text.rstrip().rstrip("。．.:：")


def classify(entry: Entry) -> tuple[str, Ordinal | None, str, str]:
    """What ``entry`` is: ("heading" | "runin" | "item" | "text", its ordinal, heading, text)."""
    text = entry.text.strip()
    found = ordinal_of(text)
    if entry.level is not None:
        return "heading", found, found.rest if found else text, ""
    if found is None:
        return "text", None, "", text
    rest = found.rest
    bold = entry.lead.strip()
    if bold and bold != text and text.startswith(bold) and ordinal_of(bold) is not None:
        head = _strip_end(ordinal_of(bold).rest)  # type: ignore[union-attr]
        after = text[len(bold) :].lstrip()
        tail = after.lstrip("。．.:：").lstrip()
        # a run-in heading ends a sentence: bold “（一）加强领导。” or the text going on “。……”
        if head and tail and (bold.endswith(("。", "．", "：", ":")) or after[:1] in "。．.:："):
            return "runin", found, head, tail
    if bold and bold == text:
        return "heading", found, rest, ""
    if entry.plain:
        return "item", found, "", rest
    first, mark, _ = _first_sentence(rest)
    if not mark and len(rest) <= HEADING_MAX_CHARS:
        return "heading", found, rest, ""
    if (runin := runin_parts(rest)) is not None:
        return "runin", found, *runin
    return "item", found, "", rest


def runin_parts(text: str) -> tuple[str, str] | None:
    """A paragraph's text (its ordinal taken off) as a run-in heading and the text after it,
    when its first sentence is short (“坚持质量优先。牢固树立……”), else None."""
    first, mark, after = _first_sentence(text)
    if mark == "。" and after.strip() and len(first) <= RUNIN_MAX_CHARS:
        return first, after.strip()
    return None


def _first_sentence(text: str) -> tuple[str, str, str]:
    for i, ch in enumerate(text):
        if ch in _SENTENCE_MARKS:
            return text[:i], ch, text[i + 1 :]
    return text, "", ""


def nest(entries: list[Entry]) -> Outline:
    """Nest ``entries`` by their ordinals into wenshu's blocks (at most four levels)."""
    top: list[Any] = []
    out = Outline(top)
    # (level, container): level 0 is the body itself.
    stack: list[tuple[int, list[Any]]] = [(0, top)]
    items_block: dict[str, Any] | None = None
    items_at: tuple[int, str] | None = None
    for entry in entries:
        if entry.block is not None:
            items_block = None
            block = dict(entry.block)
            stack[-1][1].append(block)
            if entry.comment:
                out.comments[id(block)] = entry.comment
            continue
        what, found, head, text = classify(entry)
        if entry.top:
            del stack[1:]
        if what == "text":
            items_block = None
            stack[-1][1].append(Noted(text, entry.comment) if entry.comment else text)
            continue
        level = entry.level if entry.level is not None else (found.level if found else 1)
        level = min(max(level, 1), MAX_DEPTH)
        while len(stack) > 1 and stack[-1][0] >= level:
            stack.pop()
        depth = len(stack)  # the depth the new block is numbered at
        if what == "item":
            assert found is not None
            form = found.form
            if items_block is not None and items_at == (depth, form) and stack[-1][1][-1] is items_block:
                items_block["items"].append(text)
                continue
            items_block = {"items": [text]}
            items_at = (depth, form)
            own_form = form == form_for_depth(depth)
            if not own_form:
                items_block["numbering"] = form
            # the number the list starts at in the file, where wenshu would write another
            # (a list continued after paragraphs between its items keeps counting)
            expected = _next_number(stack[-1][1]) if own_form else 1
            if found.value is not None and found.value != expected:
                items_block["start"] = found.value
            stack[-1][1].append(items_block)
            continue
        items_block = None
        if found is not None and depth != found.level and entry.level is None:
            out.relevelled.append(f"“{found.typed}{head[:16]}”：按层级改为第 {depth} 级序号")
        if what == "runin":
            stack[-1][1].append({"heading": head, "text": text})
            continue
        if depth >= MAX_DEPTH + 1:
            stack[-1][1].append(head)
            continue
        block: dict[str, Any] = {"heading": head, "body": []}
        stack[-1][1].append(block)
        stack.append((level if entry.level is None else depth, block["body"]))
    _drop_empty_bodies(top)
    return out


def _next_number(container: list[Any]) -> int:
    """The number wenshu's template gives the next item of the container's own form: it
    counts the headings and same-form items before it (templates/common/blocks.md.j2)."""
    n = 0
    for block in container:
        if isinstance(block, dict) and "heading" in block:
            n += 1
        elif isinstance(block, dict) and "items" in block and "numbering" not in block:
            n = block.get("start", n + 1) - 1 + len(block["items"])
    return n + 1


def _drop_empty_bodies(blocks: list[Any]) -> None:
    for block in blocks:
        if isinstance(block, dict) and "body" in block:
            if block["body"]:
                _drop_empty_bodies(block["body"])
            elif "heading" in block:
                del block["body"]
