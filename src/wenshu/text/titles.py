"""Title lines (GB/T 9704-2012 §7.3.1): how wide a line prints, where it may break, and the
breaking itself.

“标题……回行时，要做到词意完整，排列对称，长短适宜，间距恰当，标题排列应当使用梯形或菱形。”
A line ends between words (a small lexicon, ``data/title_words.yaml``, says which runs of
characters are words and where a break reads best), never inside a number, a 〔〕 or before
closing punctuation; no line is wider than the 版心 holds (:data:`layout.TITLE_CHARS_PER_LINE`);
the lines make a trapezoid (each longer than the one above, or each shorter) or a diamond
(longer towards the middle), never an hourglass or a line left with a character or two.

A title often holds a name the lexicon cannot know (the applicant's, an organisation's, a
region's): a template passes the names it puts into a title whole (``names``), and a line
never ends inside one unless the name alone is wider than a line, and then only after one of
its own parts (``name_parts``: 省, 市, 有限公司, 大学…).

Titles reach :func:`split_title` Markdown-escaped (``\\*``); a backslash takes no room and
no line ends after one.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from wenshu import layout as L
from wenshu.resources import read_data
from wenshu.text.width import SliceWidths, line_width

# Closing punctuation never starts a line, opening punctuation never ends one (避头尾).
NO_LINE_START = "、，。；：！？）》”’」』〕】"
NO_LINE_END = "（《“‘「『〔【"
_PAIRS = (("《", "》"), ("“", "”"))
_OPENING_QUOTES, _CLOSING_QUOTES = "".join(o for o, _ in _PAIRS), "".join(c for _, c in _PAIRS)
# Marks that bind the digits on either side: 2021—2035, 3.5, 10%.
_JOINERS = "—–-－.．%％~～"

# Costs of a break, in the units of the shape cost (characters of imbalance, squared).
_GOOD = 0.0  # after 关于/的/、…, before 的通知/关于/印发…
_BETWEEN_WORDS = 2.0  # between two lexicon words
_NEXT_TO_WORD = 6.0  # a lexicon word on one side only
_UNKNOWN = 12.0  # between two characters the lexicon does not know (a name, perhaps)
_IN_QUOTE = 10.0  # inside 《》 or “”: the name of a document is better kept whole
_IN_WORD = 400.0  # inside a lexicon word: only when nothing else fits
_HOURGLASS = 60.0  # a line shorter than both its neighbours
_SHORT_LINE = 80.0  # a line under a third of the longest
_EXTRA_LINE = 30.0  # one line more than the fewest that fit


@dataclass(frozen=True)
class Lexicon:
    """Words not to break, and where a break reads best."""

    words: frozenset[str]
    break_after: tuple[str, ...]
    break_before: tuple[str, ...]
    longest: int
    # Other offices' title words and the words of tables: never broken, but their edges are
    # no better a break than any other (the preferences stay those of ``words``).
    other_words: frozenset[str] = frozenset()
    # The parts a name of a place or an organisation is built of (省, 市, 有限公司…): where a
    # name wider than a line may break.
    name_parts: tuple[str, ...] = ()


@cache
def lexicon() -> Lexicon:
    """The lexicon in ``data/title_words.yaml``."""
    data = read_data("title_words")
    words = frozenset(data["words"])
    # the words of tables are kept whole as other offices' words are
    other = frozenset(data.get("other_words", ())) | frozenset(data.get("table_words", ()))
    longest = max(map(len, words | other))
    return Lexicon(
        words,
        tuple(data["break_after"]),
        tuple(data["break_before"]),
        longest,
        other,
        tuple(data.get("name_parts", ())),
    )


def _in_number(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%")


def _word_spans(text: str, *, other: bool = False) -> list[tuple[int, int]]:
    """Every occurrence of a lexicon word (with ``other``, of other offices' words too), as
    (start, end)."""
    lex = lexicon()
    words = lex.words | lex.other_words if other else lex.words
    return [
        (i, i + n) for i in range(len(text)) for n in range(2, lex.longest + 1) if text[i : i + n] in words
    ]


def _name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Every occurrence in ``text`` of each of ``names`` (of two characters or more)."""
    out = []
    for name in {n for n in names if isinstance(n, str) and len(n) > 1}:
        start = text.find(name)
        while start >= 0:
            out.append((start, start + len(name)))
            start = text.find(name, start + 1)
    return out


def _inside_names(text: str, names: Iterable[str], width: int) -> set[int]:
    """The positions inside a name of ``names`` in ``text`` a line may not end at: all of a
    name that fits a line, and in a wider one all but those after one of its parts (省,
    有限公司…)."""
    parts = lexicon().name_parts
    out = set()
    for a, b in _name_spans(text, names):
        wide = line_width(text[a:b]) > width
        out |= {i for i in range(a + 1, b) if not (wide and text[a:i].endswith(parts))}
    return out


def break_costs(
    text: str, names: Iterable[str] = (), width: int = L.TITLE_CHARS_PER_LINE
) -> dict[int, float]:
    """Each position a line may end at (0 < i < len) with its cost; a position missing from
    the result never takes a break (inside a number or a 〔〕, after a backslash, before
    closing or after opening punctuation). ``names``: the names put into the text whole
    (a line ends inside one as inside a word, see :func:`_inside_names`); ``width``: the
    line's, in characters."""
    lex = lexicon()
    names = tuple(names)
    named = _name_spans(text, names)
    spans = _word_spans(text) + named
    inside = {i for a, b in _word_spans(text, other=True) for i in range(a + 1, b)}
    inside |= _inside_names(text, names, width)
    # inside a name wider than a line, after one of its parts: as good as a break by a word
    parts = {i for a, b in named for i in range(a + 1, b)} - inside
    starts = {a for a, _ in spans}
    ends = {b for _, b in spans}
    costs: dict[int, float] = {}
    # The text without its backslashes, and for each position how many of its characters
    # come before it, and how many of each bracket and quote mark: the head and tail of a
    # break are read from these in constant time, not copied at each position.
    plain = text.replace("\\", "")
    before = list(itertools.accumulate((ch != "\\" for ch in text), initial=0))
    marks = {
        m: list(itertools.accumulate((ch == m for ch in plain), initial=0))
        for m in "〔〕" + "".join(_PAIRS[0] + _PAIRS[1])
    }
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        nxt = text[i + 1 : i + 2] if b == "\\" else b
        if a == "\\" or (_in_number(a) and _in_number(b)):
            continue
        if (a in _JOINERS and b.isdigit()) or (b in _JOINERS and a.isdigit()):
            continue
        if nxt in NO_LINE_START or a in NO_LINE_END:
            continue
        j = before[i]
        if marks["〔"][j] > marks["〕"][j]:
            continue
        if i in inside:
            cost = _IN_WORD
        elif i in parts:
            cost = _NEXT_TO_WORD
        elif plain.endswith(lex.break_after, 0, j) or plain.startswith(lex.break_before, j):
            cost = _GOOD
        elif i in ends and i in starts:
            cost = _BETWEEN_WORDS
        elif i in ends or i in starts or a in _CLOSING_QUOTES or b in _OPENING_QUOTES:
            # a quoted name (“我的刀盾”, 《纲要》) is a whole on the side of the quote mark
            cost = _NEXT_TO_WORD
        else:
            cost = _UNKNOWN
        if any(marks[o][j] > marks[c][j] for o, c in _PAIRS):
            cost += _IN_QUOTE
        costs[i] = cost
    return costs


def breaks_between_words(text: str) -> set[int]:
    """The positions a line of ``text`` may end at without breaking a lexicon word (of this
    office's or others'): :func:`break_costs` less the breaks inside a word. Between two
    characters the lexicon does not know it cannot tell (:mod:`wenshu.text.words` asks a
    word segmenter there)."""
    return {i for i, cost in break_costs(text).items() if cost < _IN_WORD}


def sure_breaks(text: str) -> set[int]:
    """The positions a line of ``text`` surely ends at between words: between two lexicon
    words, or where a break reads best (after 关于/的/、…, before 的通知/印发/（…)."""
    return {i for i, cost in break_costs(text).items() if cost <= _BETWEEN_WORDS}


def shape_cost(widths: list[float]) -> float:
    """How far lines of these widths are from a balanced trapezoid or diamond (§7.3.1)."""
    if len(widths) < 2:
        return 0.0
    longest = max(widths)
    mean = sum(widths) / len(widths)
    cost = sum((w - mean) ** 2 for w in widths) / len(widths)
    for before, here, after in zip(widths, widths[1:], widths[2:], strict=False):
        if here < before - 0.5 and here < after - 0.5:
            cost += _HOURGLASS
    return cost + sum(_SHORT_LINE for w in widths if w < longest / 3)


def split_title(title: str, width: int = L.TITLE_CHARS_PER_LINE, names: Iterable[str] = ()) -> list[str]:
    """Break ``title`` into lines of at most ``width`` characters at meaningful points (§7.3.1).
    ``names``: the names the title holds whole (an applicant's, an organisation's, a region's),
    broken as :func:`break_costs` says.

    Among the ways into the fewest lines that fit (or one line more, when that reads much
    better), take the cheapest by break costs (:func:`break_costs`) plus shape
    (:func:`shape_cost`). Lines under half the mean are not tried, which keeps the search
    small however long the title.
    """
    if line_width(title) <= width:
        return [title]
    costs = break_costs(title, names, width)
    fewest = math.ceil(line_width(title) / width)
    widths = SliceWidths(title)
    best: tuple[float, list[str]] | None = None
    for lines in (fewest, fewest + 1):
        found = _best_split(title, lines, width, costs, widths)
        if found is not None:
            cost = found[0] + _EXTRA_LINE * (lines - fewest)
            if best is None or cost < best[0]:
                best = (cost, found[1])
    # No break fits (a number wider than the line): the word processor wraps it.
    return best[1] if best is not None else [title]


def _best_split(
    title: str, lines: int, width: int, costs: dict[int, float], widths: SliceWidths
) -> tuple[float, list[str]] | None:
    floor = widths(0, len(title)) / lines / 2
    if lines > _PLANNED_LINES:
        return _planned_split(title, lines, width, costs, widths, floor)
    points = sorted(costs)
    best: tuple[float, list[str]] | None = None
    budget = _SEARCH_STEPS

    def walk(start: int, left: int, cuts: list[int], spent: float) -> None:
        nonlocal best, budget
        budget -= 1
        if budget < 0:
            raise _Exhausted
        if best is not None and spent >= best[0]:
            return
        if left == 1:
            if not floor <= widths(start, len(title)) <= width:
                return
            bounds = list(itertools.pairwise([0, *cuts, len(title)]))
            total = spent + shape_cost([widths(a, b) for a, b in bounds])
            if best is None or total < best[0]:
                best = (total, [title[a:b] for a, b in bounds])
            return
        for end in points:
            if end <= start:
                continue
            here = widths(start, end)
            if here > width:
                break
            if here >= floor:
                walk(end, left - 1, [*cuts, end], spent + costs[end])

    try:
        walk(0, lines, [], 0.0)
    except _Exhausted:
        return _planned_split(title, lines, width, costs, widths, floor)
    return best


#: Steps of the search for a title's lines (each title of a real 公文 takes a few thousand at
#: most): a long title of words breaking at equal costs (“知识产权知识产权……”) would take
#: billions, and is split by :func:`_planned_split` instead.
_SEARCH_STEPS = 50_000
#: Lines past which even :func:`_planned_split` is not tried: each line ends at the last
#: break that fits (a title this long is no 公文's; its time stays linear).
_PLANNED_LINES = 12


class _Exhausted(Exception):
    """The search for a title's lines ran out of steps."""


def _planned_split(
    title: str, lines: int, width: int, costs: dict[int, float], widths: SliceWidths, floor: float
) -> tuple[float, list[str]] | None:
    """Lines of ``title`` by dynamic programming over the breaks: the least sum of break
    costs and of each line's squared distance from the mean width (the shape cost's main
    term, which adds up line by line once the number of lines is fixed); its total is then
    the same measure :func:`_best_split` takes. Past :data:`_PLANNED_LINES` lines, each line
    simply ends at the last break that fits."""
    end = len(title)
    points = [0, *sorted(costs), end]
    if lines > _PLANNED_LINES:
        cuts, start = [], 0
        for here, after in itertools.pairwise(points[1:]):
            if widths(start, after) > width and here > start and len(cuts) < lines - 1:
                cuts.append(here)
                start = here
        bounds = list(itertools.pairwise([0, *cuts, end]))
        texts = [title[a:b] for a, b in bounds]
        return sum(costs[c] for c in cuts) + shape_cost([widths(a, b) for a, b in bounds]), texts
    mean = widths(0, end) / lines
    # best[k][p]: (cost, previous point) of k lines ending at points[p]
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
    for k in range(1, lines + 1):
        row: dict[int, tuple[float, int]] = {}
        for p in range(1, len(points)):
            if (k == lines) != (p == len(points) - 1):
                continue
            extra = 0.0 if p == len(points) - 1 else costs[points[p]]
            for q in range(p - 1, -1, -1):
                if q not in best[k - 1]:
                    continue
                w = widths(points[q], points[p])
                if w > width:
                    break
                if w < floor:
                    continue
                total = best[k - 1][q][0] + extra + (w - mean) ** 2 / lines
                if p not in row or total < row[p][0]:
                    row[p] = (total, q)
        best.append(row)
    if len(points) - 1 not in best[lines]:
        return None
    cuts, p = [], len(points) - 1
    for k in range(lines, 0, -1):
        p = best[k][p][1]
        cuts.append(points[p])
    bounds = list(itertools.pairwise([*reversed(cuts), end]))
    spent = sum(costs[a] for a, _ in bounds[1:])
    return spent + shape_cost([widths(a, b) for a, b in bounds]), [title[a:b] for a, b in bounds]


@dataclass(frozen=True)
class TitleProblem:
    """What is wrong with a title's lines: the line (1-based) and a Chinese message;
    ``in_word``: the line ends inside a word (not a matter of the lines' shape)."""

    line: int
    message: str
    in_word: bool = False


def too_wide(lines: list[str], width: int = L.TITLE_CHARS_PER_LINE) -> list[tuple[int, float]]:
    """(index, width) of each line wider than ``width`` cells: Word would wrap it."""
    return [(i, w) for i, line in enumerate(lines) if (w := line_width(line)) > width]


def broken_words(
    lines: list[str], names: Iterable[str] = (), width: int = L.TITLE_CHARS_PER_LINE
) -> list[tuple[int, str]]:
    """(line number from 1, word) for each line of ``lines`` but the last that ends inside a
    word (§7.3.1 词意完整), or inside one of ``names`` between two characters the lexicon
    does not know as a word's edge (a value the title holds may be a phrase of known words,
    which breaks between them well): the longest word or name across the break, else the
    characters either side of it."""
    joined = "".join(lines)
    names = tuple(names)
    words, named = break_costs(joined, (), width), break_costs(joined, names, width)
    out = []
    offset = 0
    found: list[tuple[int, int]] | None = None  # the words and names, found once when needed
    for n, line in enumerate(lines[:-1], 1):
        offset += len(line)
        word = words.get(offset, _IN_WORD)
        if word >= _IN_WORD or (named.get(offset, _IN_WORD) >= _IN_WORD and word >= _UNKNOWN):
            if found is None:
                found = sorted(_word_spans(joined, other=True) + _name_spans(joined, names))
                starts = [a for a, _ in found]
                longest = max((b - a for a, b in found), default=0)
            # only the words starting at most the longest one's length before the break can span it
            near = found[bisect.bisect_left(starts, offset - longest) : bisect.bisect_left(starts, offset)]
            spans = [(a, b) for a, b in near if a < offset < b]
            a, b = max(spans, key=lambda span: span[1] - span[0], default=(max(0, offset - 2), offset + 2))
            out.append((n, joined[a:b].replace("\\", "")))
    return out


def title_problems(lines: list[str], width: int = L.TITLE_CHARS_PER_LINE) -> list[TitleProblem]:
    """Lines wider than the 版心, lines broken inside a word, a line of a character or two."""
    problems = []
    for i, w in too_wide(lines, width):
        message = f"第 {i + 1} 行宽 {w:g} 字，超过版心一行所能容纳的 {width} 个二号字，排版时会自动回行"
        problems.append(TitleProblem(i + 1, message))
    for n, word in broken_words(lines):
        message = f"第 {n} 行与下一行之间断开了一个词（“{word}”），应在词与词之间回行"
        problems.append(TitleProblem(n, message, in_word=True))
    longest = max((line_width(x) for x in lines), default=0)
    for n, line in enumerate(lines, 1):
        if len(lines) > 1 and line_width(line) <= 2 and line_width(line) < longest / 3:
            problems.append(TitleProblem(n, f"第 {n} 行只有“{line}”，标题各行应长短适宜（梯形或菱形）"))
    return problems


def printed_lines(title: str, rows: list[str]) -> list[str] | None:
    """The lines ``title`` printed as: the run of consecutive ``rows`` (texts of a page's
    lines, top to bottom) that together read the title; None when no run does."""

    def compact(text: str) -> str:
        return "".join(text.split()).replace("\u3000", "")

    whole = compact(title)
    texts = [compact(r) for r in rows]
    for start, first in enumerate(texts):
        if not first or not whole.startswith(first):
            continue
        got, end = "", start
        while end < len(texts) and whole.startswith(got + texts[end]):
            got += texts[end]
            end += 1
            if got == whole:
                return texts[start:end]
    return None
