"""What an import found, changed and could not place — said to the user in Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field

from wenshu.spec.kinds import get_kind


@dataclass
class ImportReport:
    """The outcome of reading one Word file into a spec.

    ``found`` names each recognised part with its text (发文字号, 主送机关 …); ``changed`` is
    what the spec writes differently from the file (a 〔〕 restored, a date rewritten, an
    ordinal renumbered); ``unplaced`` is content kept as plain paragraphs because its part
    could not be recognised. ``files`` are the pictures the spec's picture blocks show, by
    their path relative to the spec's folder (``通知.files/图1.png``), to be written beside it.
    """

    file: str
    kind: str = ""
    found: dict[str, str] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    pictures_seen: int = 0  # pictures carried over or named as refused

    def lines(self) -> list[str]:
        """The report as lines of text, for the terminal."""
        out = [f"{self.file}：导入为 {self.kind}"]
        if self.found:
            out.append("  识别：" + "、".join(self.found))
        missing = [name for name in self.expected() if name not in self.found]
        if missing:
            out.append("  未找到：" + "、".join(missing))
        if self.files:
            folder = next(iter(self.files)).rsplit("/", 1)[0]
            out.append(f"  图片：{len(self.files)} 张，写在规格旁的 {folder} 文件夹中，正文中原位保留")
        out.extend(f"  改动 {line}" for line in self.changed)
        out.extend(
            f"  未能归位（按普通段落保留在原处，规格中有注释）：{_short(text)}" for text in self.unplaced
        )
        return out

    def expected(self) -> list[str]:
        """The parts a file of this kind should show: those its kind's schema has a field
        for (a work plan has no 发文字号 or 主送机关 to miss)."""
        kind = get_kind(self.kind)
        fields = kind.schema if kind is not None else {}
        return [name for name, key in _EXPECTED.items() if key in fields]


# The parts an import reports as not found, by the spec field that holds each.
_EXPECTED = {
    "标题": "title",
    "发文字号": "doc_number",
    "主送机关": "recipients",
    "署名": "signature",
    "成文日期": "date",
}


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"
