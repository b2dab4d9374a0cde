"""Where text wraps: the runs a line never breaks inside, where a cell's lines end as
LibreOffice wraps them (:func:`wrap_ends`, for the tables' column widths), and an upper bound
of the lines a paragraph takes — what the one-page proof (:mod:`wenshu.build.lines`) counts.

LibreOffice and Word never break a line inside a run of printable ASCII (a Latin word, a
number, a URL): where such a run does not fit the rest of a line it wraps whole to the
next, and the rest of the line stays empty. A Latin word of 50 letters takes 22 cells:
a paragraph holding two of them can take two lines more than its width over 28.
"""

from __future__ import annotations

import bisect
import math
import re

from wenshu import layout as L
from wenshu.text.titles import NO_LINE_END, NO_LINE_START, break_costs
from wenshu.text.width import SliceWidths, line_width, proof_width
from wenshu.text.words import WordBreaks

UNBROKEN = re.compile(r"[!-~]+")
"""A run of printable ASCII: no line breaks inside it."""

BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)")
"""A word in brackets (“（2021年）”, “（知识产权局）”, “（示例）”)."""

SHORT_WORD_CELLS = (3, 8)
"""How wide (cells) a short word is — a unit, a year's heading, a bracketed word — that a
table cell's line should not break."""

# A cell's text of up to this many lines and without a sentence in it (。；) reads as a name or a
# short entry, whose lines end between words; longer text is prose, which in Chinese wraps at any
# character, as the body does.
_NAME_LINES = 3
# Ending its lines between words may take a cell one line more than its row's tallest cell
# (“市市场监管局／（知识产权局）、／市商务局” where “（知识／产权局）” took two): a line of a row
# reads better than a word broken.
_MORE_LINES = 1
_SENTENCE = re.compile("[。；;]")
# How much wider than ``room`` (cells) LibreOffice may print a line of prose: a 考察要点 of
# luoyang-city-evaluation foreseen in five lines (“……学习情/况”) printed in four at 23.67 cells,
# city-evaluation-form row 19 a line of 23.9 in 23.63 (“……；2.规”), not one of 23.95 (“……支出结/构”).
# Prose's breaks are tried in ``_PROSE_ROOMS`` + 1 rooms from ``sure`` to that: in none may they
# take more lines than the text wrapped there, for LibreOffice's own room lies somewhere between.
_PROSE_SLACK = 0.3
_PROSE_ROOMS = 10
# A cell's text of more lines than this gets no line ends of its own: it wraps at any
# character, as LibreOffice wraps it. Each line's end is sought over the rest of the text, in
# several rooms (review15: a 8,000-character cell took 23 CPU-s, 32,767 are allowed); the
# forms' longest cells take a dozen lines.
_MOST_LINES = 24

# A run that wraps whole, with the marks that may not end a line before it or start one
# after it (避头尾: “（abc，” moves as one).
_WHOLE = re.compile(f"[{re.escape(NO_LINE_END)}]?[!-~]+[{re.escape(NO_LINE_START)}]?")
_EPSILON = 1e-9


def lines_at_most(text: str, first: float, room: float) -> int:
    """At most how many lines ``text`` takes wrapped in lines of ``room`` cells, the first of
    ``first``: each character at :func:`~wenshu.text.width.proof_width` (ASCII no narrower
    than half a cell), the room Chinese next to a Latin letter or digit gets on both sides
    of every ASCII run, each run wrapping whole to the next line where the rest of a line
    cannot hold it (a run longer than a line broken across lines, each losing up to a cell),
    and the text between runs filling each line's whole cells."""
    text = text.replace("\\", "")
    lines, left, start = 1, first, 0
    for m in _WHOLE.finditer(text):
        lines, left = _flow(proof_width(text[start : m.start()]), lines, left, room)
        width = proof_width(m.group()) + 2 * L.AUTOSPACE_EM
        if width <= left + _EPSILON:
            left -= width
        elif width <= room:
            lines, left = lines + 1, room - width
        else:  # longer than a line: broken where the line is full, a character's room lost each time
            lines, left = _flow(width, lines + 1, room - 1, room - 1)
            left += 1
        start = m.end()
    return _flow(proof_width(text[start:]), lines, left, room)[0]


def _flow(width: float, lines: int, left: float, room: float) -> tuple[int, float]:
    """Lines and the room left on the last after text that breaks anywhere, ``width`` cells of
    it, fills on from a line with ``left`` cells left; it fills whole cells only (a character
    takes up to one)."""
    if width <= left + _EPSILON:
        return lines, left - width
    width -= math.floor(left + _EPSILON)
    more = math.ceil(width / room - _EPSILON)
    return lines + more, more * room - width


def wrap_ends(text: str, room: float) -> list[int]:
    """Where the lines of ``text`` end (positions, the last one ``len(text)``) when it wraps in
    ``room`` characters as LibreOffice wraps a cell's text: each line as long as fits, never
    inside a run of ASCII (a number, a Latin word), before closing punctuation or after opening
    (避头尾); a line without such a place to end at runs on to its first one."""
    widths = SliceWidths(text)
    may_end = [
        0 < i < len(text)
        and not (UNBROKEN.fullmatch(text[i - 1 : i + 1]))
        and text[i] not in NO_LINE_START
        and text[i - 1] not in NO_LINE_END
        for i in range(len(text) + 1)
    ]
    ends, start = [], 0
    while widths(start, len(text)) > room:
        # A line's width only grows with its end: the scan stops at the first end too wide
        # (scanning the whole rest for every line was quadratic in a long cell).
        end, i = 0, start + 1
        while i < len(text) and (not end or widths(start, i) <= room):
            if may_end[i] and (widths(start, i) <= room or not end):
                end = i
                if widths(start, i) > room:
                    break  # no place to end within the room: the line runs on to its first
            i += 1
        end = end or len(text)
        if end == len(text):
            break
        ends.append(end)
        start = end
    return [*ends, len(text)]


# What parts one item of a name list from the next (“市中级人民法院、市人民检察院”).
_ITEM_EDGES = "、，,；;：:（）()"


def _is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# An item's number (“2.”, “2、”, “（2）”, “①”) after the start or a mark: a line does not end
# after it nor inside it — it goes with its item (“……情况；2./近三年……” read as a number left over).
_ITEM_NUMBER = re.compile(
    r"(?:^|(?<=[：:；;。！？，,、\s]))(?:\d+[.．、](?!\d)|[（(]\d+[)）]|[\u2460-\u2473])"
)


def _fragments(text: str) -> set[int]:
    """The places in ``text`` a line of a name or entry does not end at, whatever the lexicon
    knows: where one Chinese character would stand alone as the start or the end of an item
    (“……、市/人民检察院”, “市公安/局”, “工作报/告”: a one-character word start or end is part
    of the name beside it), and between a number and the Chinese unit after it (“86/人”);
    nor after an item's number or inside it (``_ITEM_NUMBER``)."""
    out = {i for m in _ITEM_NUMBER.finditer(text) for i in range(m.start() + 1, m.end() + 1)}
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if a.isdigit() and _is_ideograph(b):
            out.add(i)
        elif _is_ideograph(a) and (i == 1 or text[i - 2] in _ITEM_EDGES):
            out.add(i)
        elif _is_ideograph(b) and (i + 1 == len(text) or text[i + 1] in _ITEM_EDGES):
            out.add(i)
    return out


# A name's lines are tried narrower a character at a time, up to this many, for lines that
# end between words.
_NARROWER_MAX_CELLS = 4
# What a line a character narrower costs, in the titles' break costs: a break beside a lexicon
# word (6) over one between two words (2).
_NARROWER_COST = 4.0


def room_between_words(text: str, room: float) -> float:
    """The room (``room`` or up to ``_NARROWER_MAX_CELLS`` characters less) in which ``text``
    wraps (:func:`wrap_ends`) with every line ending between words and no line of one
    character alone (:class:`~wenshu.text.words.WordBreaks` less :func:`_fragments`), in no more lines
    than in ``room``: of those, the one whose line ends read best (the titles' break costs,
    :func:`~wenshu.text.titles.break_costs`), a character narrower costing as much as a
    break beside a lexicon word over one between two; ``room`` itself where its lines end so
    already or no narrower room does.

    A 附件说明 name wrapped by LibreOffice ended “……创建工作报” over “告”; four characters
    narrower it ends “……示范城市” over “创建工作报告”."""
    natural = wrap_ends(text, room)
    if len(natural) < 2:
        return room
    between, fragments = WordBreaks(text), _fragments(text)
    costs = break_costs(text)

    def cost(ends: list[int]) -> float | None:
        starts = [0, *ends[:-1]]
        if any(e in fragments or e not in between for e in ends[:-1]) or any(
            line_width(text[a:b]) <= 1 for a, b in zip(starts, ends, strict=True)
        ):
            return None
        return sum(costs[e] for e in ends[:-1])

    if cost(natural) is not None:
        return room
    best: tuple[float, float] | None = None
    for k in range(1, _NARROWER_MAX_CELLS + 1):
        narrower = math.floor(room) - k + 0.5
        ends = wrap_ends(text, narrower)
        if len(ends) > len(natural):
            break
        here = cost(ends)
        if here is not None and (best is None or here + k * _NARROWER_COST < best[0]):
            best = (here + k * _NARROWER_COST, narrower)
    return best[1] if best else room


def ends_between_words(text: str, room: float) -> list[int] | None:
    """Where ``text``'s lines end (positions, the last ``len(text)``) when no room a little
    narrower (:func:`room_between_words`) ends them between words: the ends of wenshu's own,
    each between words (:class:`~wenshu.text.words.WordBreaks` less :func:`_fragments`, as
    :func:`room_between_words` judges them, where a line may end by 避头尾), no line over
    ``room`` characters nor of one character alone, in no more lines than the text wraps in
    ``room`` (:func:`wrap_ends`); of those, the ones whose breaks cost least (the titles'
    :func:`~wenshu.text.titles.break_costs`), each character of room a line before the last
    leaves empty costing as much as a line a character narrower in :func:`room_between_words`:
    a name's lines run full from its hanging indent. ``None`` where the text wraps so already,
    or none do.

    A 附件说明 name no right indent helped printed “……县域开展知/识产权强国……（国知办/函运字
    〔2023〕582号）”; its own ends print “……县域开展/知识产权强国……通知/（国知办函运字……）”."""
    natural = wrap_ends(text, room)
    if len(natural) < 2:
        return None
    between, fragments = WordBreaks(text), _fragments(text)
    costs = break_costs(text)
    widths = SliceWidths(text)
    places = [i for i in sorted(costs) if i in between and i not in fragments]
    if all(e in places for e in natural[:-1]):
        return None
    # best[(end, lines)]: the least cost of lines ending at ``end``, and the end before it
    best: dict[tuple[int, int], tuple[float, int]] = {(0, 0): (0.0, -1)}
    before = [0]  # the ends of the lines before, ascending
    for lines in range(1, len(natural) + 1):
        reached = []
        for end in [*places, len(text)]:
            # only the line's possible starts: those it fits from (a line's width grows as
            # its start moves back), taken in ascending order as the ties were
            k = bisect.bisect_left(before, end)
            while k and widths(before[k - 1], end) <= room:
                k -= 1
            for start in before[k : bisect.bisect_left(before, end)]:
                if line_width(text[start:end]) <= 1:
                    continue
                cost = best[(start, lines - 1)][0]
                here = cost + (
                    costs[end] + (room - widths(start, end)) * _NARROWER_COST if end < len(text) else 0.0
                )
                if (end, lines) not in best or here < best[(end, lines)][0]:
                    best[(end, lines)] = (here, start)
            if (end, lines) in best:
                reached.append(end)
        before = reached
    done = [(best[(len(text), n)][0], n) for n in range(1, len(natural) + 1) if (len(text), n) in best]
    if not done:
        return None
    _, n = min(done)
    ends, end = [], len(text)
    while n:
        ends.append(end)
        end, n = best[(end, n)][1], n - 1
    return ends[::-1]


def cell_breaks(text: str, room: float, sure: float, row_lines: int = 1, wide: float = 0.0) -> list[int]:
    """Where a table cell's ``text`` needs a line break of its own so that no line of it ends
    inside a word; none where it wraps between words as LibreOffice wraps it in ``room``
    characters (:func:`wrap_ends`) and as Word wraps it in ``wide`` (its cell less the
    margins only, a little over ``room``; ``room`` where not given).

    A line that would end inside a word, wrapped in ``room`` or in ``sure`` (a little under
    ``room``: where the line surely fits), ends at the last place between words before, where
    it surely fits. A word is one the titles' lexicon or the word segmenter knows (“示范”,
    “满意度”, “社会保障”: :class:`~wenshu.text.words.WordBreaks`) or, in a name or a short
    entry (see ``_NAME_LINES``), a short bracketed word that fits a line (“（知识产权局）”);
    nor does a line end leave one character of an item alone, or alone on the last line, or
    part a number from its unit (:func:`_fragments`). No break where that would take more
    lines than the text wrapped, or than ``row_lines`` (the lines of its row's tallest cell),
    takes — plus ``_MORE_LINES`` for a name or short entry; prose (a sentence, or more lines)
    takes no more than the text wrapped in any room from ``sure`` to a little over ``room``
    (``_PROSE_SLACK``), where LibreOffice's lies: its row is no taller for it. The lines
    after a break wrap on their own."""
    if line_width(text) <= sure:
        return []  # surely on one line
    natural = wrap_ends(text, room)
    if len(natural) > _MOST_LINES:
        return []
    prose = len(natural) > _NAME_LINES or bool(_SENTENCE.search(text))
    if len(natural) == 1 and row_lines < 2:
        # It fits ``room`` but not surely: LibreOffice printed such a name “……备案情/况” in a
        # row of two lines or more, where a break between words costs no line; in a row of one
        # line it would cost one, where the name may well have fitted.
        return []
    low, high = SHORT_WORD_CELLS
    between, fragments = WordBreaks(text), _fragments(text)
    groups = [] if prose else [m.span() for m in BRACKETED.finditer(text)]
    groups = [(a, b) for a, b in groups if low <= line_width(text[a:b]) <= min(high, sure)]

    def whole(i: int) -> bool:
        return i not in fragments and i in between and not any(a < i < b for a, b in groups)

    def ours(i: int) -> bool:
        # A break of ours goes only where a reader takes it back out (wenshu.check.reading
        # .ooxml.cell_text): beside a Chinese character, not after a sentence's end — between
        # “}}” and “\\” it would read as two items.
        return (
            0 < i < len(text)
            and text[i - 1] not in "。；！？"
            and (text[i - 1] >= "\u2e80" or text[i] >= "\u2e80")
            and whole(i)
        )

    widths = SliceWidths(text)
    wide = max(wide, room)

    def word_ends_inside(start: int, end: int) -> bool:
        # Word, in its wider room, ends this line elsewhere than LibreOffice, and a line of
        # the rest as it wraps it inside a word (“地方知识产权政策法规制/修订情况”, 11 五号
        # characters in Word's 11.15 where LibreOffice prints 10): the line ends where both
        # print it, so that both print the same lines.
        far = wrap_ends(text[start:], wide)
        return start + far[0] != end and any(not whole(start + e) for e in far[:-1])

    breaks, lines, start = [], 1, 0
    # A line ends where LibreOffice ends it in ``room`` or, where the font prints a little wider,
    # as early as where it surely fits: between words either way. Where the two differ, the
    # lines after differ too (“地理标志保护产品/和地理标志商标总/数” printed where “……产品和/
    # 地理标志商标总数” was foreseen): the line ends where it surely fits.
    while (early := start + wrap_ends(text[start:], sure)[0]) < len(text):
        end = start + wrap_ends(text[start:], room)[0]
        if (
            (end < len(text) and not whole(end))
            or not whole(early)
            or early < end < len(text)
            or word_ends_inside(start, end)
        ):
            before = next((i for i in range(early, start, -1) if ours(i) and widths(start, i) <= sure), None)
            if before is None and end == len(text):
                break
            if before is not None:
                end = before
                breaks.append(end)
        lines += 1
        start = end
    if not prose:
        return breaks if lines <= max(len(natural), row_lines) + _MORE_LINES else []
    # LibreOffice may fit a line a little wider than ``room`` (``_PROSE_SLACK``): in no room from
    # ``sure`` to that may the breaks take more lines than the text wrapped there, unless another
    # cell makes the row taller anyway.
    taller = row_lines if row_lines > len(natural) else 0
    pieces = [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]
    for k in range(_PROSE_ROOMS + 1):
        wider = sure + (room + _PROSE_SLACK - sure) * k / _PROSE_ROOMS
        if sum(len(wrap_ends(p, wider)) for p in pieces) > max(len(wrap_ends(text, wider)), taller):
            return []
    return breaks
