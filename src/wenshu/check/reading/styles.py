"""Resolving a property the way Word does: direct formatting → character style → paragraph
style chain (``w:basedOn``) → document defaults (``w:docDefaults``)."""

from __future__ import annotations

from typing import Any

from wenshu.check.reading.ooxml import first_child, is_on, wtag, wval
from wenshu.check.reading.package import MAX_STYLE_DEPTH


class Styles:
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
        for style in root.iter(wtag("style")):
            sid = wval(style, "styleId") or ""
            self.by_id.setdefault(sid, style)
            if wval(style, "default") in ("1", "true", "on"):
                self.default.setdefault(wval(style, "type") or "", sid)
        defaults = root.find(wtag("docDefaults"))
        if defaults is not None:
            self.rpr_default = defaults.find(f"{wtag('rPrDefault')}/{wtag('rPr')}")
            self.ppr_default = defaults.find(f"{wtag('pPrDefault')}/{wtag('pPr')}")

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
            sid = wval(style.find(wtag("basedOn")))
        self._chains[key] = out
        return out

    def _props(self, sid: str | None, child: str) -> list[Any]:
        """The ``pPr`` or ``rPr`` elements along the chain of ``sid``, once per style."""
        key = (sid or "", child)
        cached = self._levels.get(key)
        if cached is None:
            found = (s.find(wtag(child)) for s in self.chain(sid))
            cached = self._levels[key] = [lv for lv in found if lv is not None]
        return cached

    def name(self, sid: str | None) -> str:
        """The style's name as Word shows it (its id when it has none)."""
        style = self.by_id.get(sid or "")
        return (wval(style.find(wtag("name"))) or sid or "") if style is not None else (sid or "")

    # The checks ask for the same paragraph's properties many times over: each answer is kept
    # (the tree is never changed while checking), so the cost per paragraph stays constant.
    def paragraph_style(self, p: Any) -> str | None:
        """The style id of ``p`` (the default paragraph style when it names none)."""
        if p in self._pstyle:
            return self._pstyle[p]
        ps = first_child(first_child(p, "pPr"), "pStyle")
        sid = self._pstyle[p] = wval(ps) if ps is not None else self.default.get("paragraph")
        return sid

    def ppr_levels(self, p: Any) -> list[Any]:
        """``p``'s paragraph property levels, nearest first."""
        levels = self._ppr.get(p)
        if levels is None:
            sid = self.paragraph_style(p)
            tail = [*self._props(sid, "pPr"), self.ppr_default]
            levels = self._ppr[p] = self._levels_of(first_child(p, "pPr"), tail, ("p", sid))
        return levels

    def add_numbering_level(self, p: Any, level_ppr: Any) -> None:
        """Put a list level's ``w:pPr`` into ``p``'s paragraph levels, between the paragraph's
        own properties and its style's (ECMA-376 §17.9: direct formatting, then numbering,
        then the style)."""
        levels = self.ppr_levels(p)
        own = list(levels[: levels.direct])
        sid = self.paragraph_style(p)
        tail = [*self._props(sid, "pPr"), self.ppr_default]
        memo_key = ("p", sid, "numbered", id(level_ppr))
        self._ppr[p] = self._levels_of(own[0] if own else None, [level_ppr, *tail], memo_key)

    @staticmethod
    def run_style(r: Any) -> str | None:
        """The id of the character style run ``r`` names (``w:rStyle``), None without one."""
        rpr = first_child(r, "rPr") if r is not None else None
        return wval(first_child(rpr, "rStyle")) if rpr is not None else None

    def rpr_levels(self, p: Any, r: Any) -> list[Any]:
        """Run ``r``'s character property levels in ``p``, nearest first: through the style of
        the paragraph element holding ``r`` (``p`` for a run made up, as a numbering label's),
        which is another than ``p`` where paragraphs joined (``Reader._shown``)."""
        levels = self._rpr.get((p, r))
        if levels is not None:
            return levels
        rpr = first_child(r, "rPr") if r is not None else None
        rsid = self.run_style(r)
        own = next(r.iterancestors(wtag("p")), None) if r is not None else None
        psid = self.paragraph_style(own if own is not None else p)
        tail = [*self._props(rsid, "rPr"), *self._props(psid, "rPr"), self.rpr_default]
        levels = self._rpr[(p, r)] = self._levels_of(rpr, tail, ("r", rsid, psid))
        return levels

    def _levels_of(self, direct: Any, tail: list[Any], key: tuple[str | None, ...]) -> Levels:
        levels = Levels(lv for lv in (direct, *tail) if lv is not None)
        levels.direct = 1 if direct is not None else 0
        levels.memo = self._memo.setdefault(key, {})
        return levels


class Levels(list[Any]):
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


def first_attr(levels: list[Any], child: str, attr: str = "val") -> str | None:
    """The first value of ``child/@attr`` along ``levels`` (attributes inherit one by one)."""
    tag, name = wtag(child), wtag(attr)
    if not isinstance(levels, Levels):
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


def first_flag(levels: list[Any], child: str) -> bool:
    """Is the toggle ``child`` on at the nearest level that sets it?"""
    for level in levels:
        el = level.find(wtag(child))
        if el is not None:
            return is_on(el)
    return False


def font_of(levels: list[Any], slot: str = "eastAsia") -> tuple[str | None, str | None]:
    """(font, theme) of ``slot`` (eastAsia or ascii); a theme attribute wins on its level."""
    for level in levels:
        rf = level.find(wtag("rFonts"))
        if rf is None:
            continue
        theme = rf.get(wtag(slot + "Theme"))
        if theme:
            return None, theme
        name = rf.get(wtag(slot))
        if name:
            return name, None
    return None, None


def first_flag_false(levels: list[Any], child: str) -> bool:
    """Is the toggle ``child`` explicitly switched off (``w:val="0"``)?"""
    for level in levels:
        el = level.find(wtag(child))
        if el is not None:
            return not is_on(el)
    return False


# Typeface classes the standard names; any font of the class satisfies it.
_CLASS_KEYS = [
    ("小标宋", ("小标宋", "xiaobiaosong", "xbs")),
    ("仿宋", ("仿宋", "fangsong", "fang song")),
    ("楷体", ("楷", "kaiti", "kai")),
    ("黑体", ("黑", "simhei", "heiti", "hei")),
    ("宋体", ("宋", "simsun", "songti", "song")),
]


def font_class(name: str) -> str | None:
    """The typeface class of a font name: 方正小标宋简体 → 小标宋, 仿宋_GB2312 → 仿宋 …"""
    low = name.lower()
    for cls, keys in _CLASS_KEYS:
        if any(k in low for k in keys):
            return cls
    return None
