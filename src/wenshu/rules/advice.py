"""Warnings: what a spec may say but probably does not mean.

A warning is located like an error (file:line:col field) and printed by ``validate`` and
``build`` alike, but it neither stops the build nor changes the exit code. A kind's schema
switches warnings on by name under ``advice:`` (as ``checks:`` does for rules), so the
facts stay in the schemas:

- ``categories``: a category (programme) the catalogue (and the round declared beside the
  spec in ``round.yaml``) does not know, with a did-you-mean (as a rule under ``checks:``,
  the same is an error: a letter must name a category that exists);
- ``old_quota_rule``: a computed quota rule in its 2022 form, with the ``terms`` it is now;
- ``letter_number``: a 函's number (代字 with 函) in 文件格式, or a 发文 number in 信函格式;
- ``same_as``: a field that should repeat another (署名 and 发文机关);
- ``starts_with``: a field that should begin with another (标题 with the 发文机关's name);
- ``title_breaks``: a hand-written title line (``title_lines``) that ends inside a word;
  :func:`split_title_breaks`, asked for by every build, the same of the lines the template
  broke a title into (a word, or a field's value the title holds, wider than a line);
- ``separate_attachments``: attachments the 附件说明 names whose content the spec does not
  give (no ``body``, no ``file``) and that it does not mark as provided separately
  (``separate``, or ``label_page``): the document carries no page of theirs;
- ``unfilled_indicators``: an evaluation form filled in only in part.

``categories``, ``old_quota_rule`` and ``unfilled_indicators`` are registered by
:mod:`wenshu.rules.categories`, which reads the catalogue: a notice's build loads neither.
That module registers here, so this one cannot name it (an import cycle):
:mod:`wenshu.validate` names it as a provider of :data:`ADVICE`, imported when a schema asks
for a warning not registered here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from wenshu.errors import Problem, excerpt
from wenshu.registry import Registry
from wenshu.spec.kinds import Kind
from wenshu.spec.load import Spec, iter_strings
from wenshu.text.docnumber import DocNumberError, parse_doc_number
from wenshu.text.titles import broken_words

LETTER_MARK = "函"  # a 函's 发文字号 has it in its 代字 (国知办函运字), a 文件's does not

Advice = Callable[[Any, Spec, dict[str, Any]], list[Problem]]
#: The warnings a schema switches on under ``advice:``.
ADVICE: Registry[Advice] = Registry("警告")
advice = ADVICE.register


def warnings(spec: Spec, kind: Kind, document: dict[str, Any]) -> list[Problem]:
    """Every warning the kind's schema asks for, in the order of the file (a name no
    warning has is an error naming the schema)."""
    found = [w for name, arg in kind.advice for w in ADVICE.get(name, kind.source)(arg, spec, document)]
    return sorted(found, key=lambda p: (p.line or 0, p.column or 0))


@advice("letter_number")
def letter_number(arg: dict[str, str], spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """信函格式 is for 函 (代字 with 函), 文件格式 for the rest (GB/T 9704 §10.1, §7.2.5)."""
    layout, text = document.get(arg["format"]), document.get(arg["doc_number"])
    try:
        code = parse_doc_number(text).code if isinstance(text, str) else None
    except DocNumberError:
        return []  # reported as an error
    if code is None:
        return []
    field = f"{arg['format']}: {layout}"
    if layout == "document" and LETTER_MARK in code:
        why = (
            f"发文字号“{text}”的代字有“{LETTER_MARK}”，是函的字号，而版式为{field}（文件格式）；"
            "函应用 letter（信函格式）"
        )
    elif layout == "letter" and LETTER_MARK not in code:
        why = (
            f"版式为{field}（信函格式，用于函），而发文字号“{text}”的代字没有“{LETTER_MARK}”；"
            "文件应用 document（文件格式）"
        )
    else:
        return []
    return [spec.problem((arg["doc_number"],), why)]


@advice("same_as")
def same_as(arg: dict[str, str], spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """A field that should repeat another: the 署名 is the 发文机关's name."""
    mine, theirs = document.get(arg["field"]), document.get(arg["as"])
    if not isinstance(mine, str) or not isinstance(theirs, str) or mine.strip() == theirs.strip():
        return []
    return [
        spec.problem((arg["field"],), f"“{mine}”与{arg['label']}（{arg['as']}）“{theirs}”不同；{arg['why']}")
    ]


@advice("starts_with")
def starts_with(arg: dict[str, str], spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """A field that should begin with another: the title with the 发文机关's name (§7.3.1)."""
    mine, head = document.get(arg["field"]), document.get(arg["prefix"])
    if not isinstance(mine, str) or not isinstance(head, str) or mine.startswith(head.strip()):
        return []
    return [spec.problem((arg["field"],), f"没有以{arg['label']}“{head}”开头；{arg['why']}")]


@advice("separate_attachments")
def separate_attachments(field: str, spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """Attachments of ``field`` named only: the 附件说明 lists them, but the document has no
    page of theirs, so a receiver holds less than it lists unless they are sent with it.
    Said once, at the first, for all of them; none where each is marked as provided
    separately (``separate: true``) or has its label page (``label_page: true``)."""
    listed = document.get(field)
    if not isinstance(listed, list):
        return []
    bare = [
        i
        for i, a in enumerate(listed)
        if isinstance(a, dict) and not any(a.get(k) for k in ("body", "file", "separate", "label_page"))
    ]
    if not bare:
        return []
    numbered = len(listed) > 1  # a lone attachment is “附件：……”, unnumbered (§7.3.4)
    which = f"附件{_numbers(bare)}" if numbered else "附件"
    names = "".join(f"“{listed[i].get('name')}”" for i in bare[:2]) + ("等" if len(bare) > 2 else "")
    return [
        spec.problem(
            (field, bare[0]),
            f"{which}（{names}）只写了名称，文中不印其内容：发文时须另行附上。"
            "确由发文机关另附或另行印发的，写 separate: true（另行提供），"
            "或写 label_page: true 印一页“附件N”，其后装订",
        )
    ]


def _numbers(indexes: list[int]) -> str:
    """1-based attachment numbers: runs as “1—5”, the rest joined with “、”."""
    runs: list[list[int]] = []
    for i in indexes:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return "、".join(
        f"{r[0] + 1}—{r[-1] + 1}" if len(r) > 2 else "、".join(str(n + 1) for n in r) for r in runs
    )


@advice("title_breaks")
def title_breaks(field: str, spec: Spec, document: dict[str, Any]) -> list[Problem]:
    """A line of ``field`` (the title's hand-written lines, of the document and of each
    attachment) that ends inside a word of the title word list (``data/title_words.yaml``):
    §7.3.1 wants 标题回行时词意完整. A warning, not an error: the list is small and a
    source may break there on purpose."""
    places = [((), document)]
    places += [(("attachments", i), a) for i, a in enumerate(document.get("attachments") or [])]
    out = []
    for base, holder in places:
        lines = holder.get(field) if isinstance(holder, dict) else None
        if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
            continue
        for n, word in broken_words(lines):
            out.append(
                spec.problem(
                    (*base, field, n - 1),
                    f"这一行断在词“{word}”中间，标题回行应词意完整（GB/T 9704 §7.3.1）；"
                    "请在词与词之间分行（删去 title_lines 则自动分行）",
                )
            )
    return out


# A Markdown title (templates write each as one ``# `` heading, its lines joined by <br>).
_TITLE = re.compile(r"^# (.+)$", re.M)
_LINE_BREAK = "<br>"


def split_title_breaks(spec: Spec, document: dict[str, Any], markdown: str) -> list[Problem]:
    """Each title the template broke into lines (not the hand-written ``title_lines``, which
    ``title_breaks`` judges) with a line that ends inside a word, or inside a value of the
    spec the title holds whole (an applicant's or a region's name): the splitter does so only
    when nothing else fits (§7.3.1 标题回行时词意完整). Located at that value's field, else at
    ``title``, else at ``kind``."""
    from wenshu.render.markdown import md_escape  # the renderer is loaded by then

    holders = [document, *(document.get("attachments") or [])]
    written = [
        [md_escape(x) for x in lines]
        for holder in holders
        if isinstance(holder, dict)
        and isinstance(lines := holder.get("title_lines"), list)
        and all(isinstance(x, str) for x in lines)
    ]
    # the values a title may hold whole (the title itself and its hand-written lines aside)
    values = [
        (path, md_escape(text))
        for path, text in iter_strings(document)
        if path and path[-1] != "title" and "title_lines" not in path and len(text.strip()) > 1
    ]
    out = []
    for match in _TITLE.finditer(markdown):
        lines = match.group(1).split(_LINE_BREAK)
        if len(lines) < 2 or lines in written:
            continue
        escaped = "".join(lines)
        # the message shows the title as written (Markdown's escapes taken out)
        title, shown = escaped.replace("\\", ""), "／".join(lines).replace("\\", "")
        held = [(path, text) for path, text in values if text in escaped and text != escaped]
        broken = broken_words(lines, [text for _, text in held])
        # a title of hundreds of lines, each broken in a word: a few said, the rest counted
        for n, word in broken[:_BROKEN_SAID]:
            where = next((path for path, text in held if word in text.replace("\\", "")), None)
            where = where or (("title",) if "title" in document else ("kind",))
            out.append(
                spec.problem(
                    where,
                    f"标题“{excerpt(title, _TITLE_SHOWN)}”自动分行时第 {n} 行断在“{word}”中间"
                    f"（分成了“{excerpt(shown, _TITLE_SHOWN)}”），"
                    "标题回行应词意完整（GB/T 9704 §7.3.1）；可用 title_lines 手写各行",
                )
            )
        if len(broken) > _BROKEN_SAID:
            where = ("title",) if "title" in document else ("kind",)
            more = len(broken) - _BROKEN_SAID
            out.append(spec.problem(where, f"标题“{excerpt(title, _TITLE_SHOWN)}”另有 {more} 行也断在词中"))
    return out


#: Lines of one title broken in a word that are each said; and how much of a title a message shows.
_BROKEN_SAID = 5
_TITLE_SHOWN = 80
