"""Findings: where a deviation is, what it is, and the collector that merges repeats."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a deviation is: the part of the file, the paragraph number and its text."""

    part: str
    paragraph: int | None = None
    excerpt: str = ""

    def __str__(self) -> str:
        where = self.part
        if self.paragraph is not None:
            where += f"第 {self.paragraph} 段"
        if self.excerpt:
            where += f"“{self.excerpt}”"
        return where


@dataclass
class Deviation:
    """One way the file departs from GB/T 9704, with every place it occurs."""

    code: str
    clause: str
    element: str
    message: str
    expected: str
    actual: str = ""
    locations: list[Location] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"§{self.clause} {self.element}：{self.message}"
        if self.actual:
            text += f"；实际 {self.actual}"
        text += f"；应为 {self.expected}"
        if self.locations:
            text += f"（{self.locations[0]}"
            if len(self.locations) > 1:
                text += f"，另有 {len(self.locations) - 1} 处"
            text += "）"
        return text


# Deviations that come from one setting of the whole file (a theme font, the missing font of
# the defaults): reported once, naming every element the setting reaches.
_SETTING_CODES = {"theme-font", "no-font"}


class Findings:
    """Collects deviations, merging repeats of the same one into one entry with many places."""

    def __init__(self, earlier: list[Deviation] | None = None) -> None:
        self.notes: list[str] = []
        self._elements: dict[tuple[str, ...], list[str]] = {}
        self._items: dict[tuple[str, ...], Deviation] = {}
        # The places already listed per entry, as a set: a list search made checking quadratic.
        self._seen: dict[tuple[str, ...], set[Location]] = {}
        for item in earlier or []:
            key = (item.code, item.clause, item.element, item.message, item.expected, item.actual)
            self._items[key] = item
            self._seen[key] = set(item.locations)

    def add(
        self,
        code: str,
        clause: str,
        element: str,
        message: str,
        expected: str,
        actual: str = "",
        where: Location | None = None,
    ) -> None:
        """Record a deviation at ``where``; a repeat of one already recorded adds its place."""
        key = (code, actual) if code in _SETTING_CODES else (code, clause, element, message, expected, actual)
        item = self._items.get(key)
        if item is None:
            item = self._items[key] = Deviation(code, clause, element, message, expected, actual)
            self._seen[key] = set()
            self._elements[key] = [element]
        elif element not in self._elements[key]:
            names = self._elements[key]
            names.append(element)
            item.element = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
            if clause not in item.clause.split("、"):
                item.clause += "、" + clause
        seen = self._seen[key]
        if where is not None and where not in seen:
            seen.add(where)
            item.locations.append(where)

    def drop(self, code: str) -> None:
        """Forget the deviations of ``code``: a static estimate the page, measured, replaces."""
        for key in [k for k, item in self._items.items() if item.code == code]:
            del self._items[key]
            self._seen.pop(key, None)
            self._elements.pop(key, None)

    def items(self) -> list[Deviation]:
        """The deviations, in the order they were first found."""
        return list(self._items.values())

    def note(self, text: str) -> None:
        """A remark that is not a deviation (said once)."""
        if text not in self.notes:
            self.notes.append(text)
