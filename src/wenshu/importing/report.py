"""What an import found, changed and could not place — said to the user in Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wenshu.errors import excerpt
from wenshu.spec.kinds import get_kind


@dataclass
class SetAside:
    """A picture written beside the spec that the page has no place for (a logo in a page
    header, in the 版头 or the 版记; a seal): its file, relative to the spec's folder, where it
    stood in the Word file, why it is not laid out, and which part of the spec the comment
    on it goes beside — ``near``: "head", "record", "signature" or "top" (the spec's start),
    or the body block that now holds that part."""

    file: str
    where: str
    why: str
    near: str | dict[str, Any] = "top"

    def note(self) -> str:
        """What the spec's comment says of it."""
        return f"图片 {self.file} 原在{self.where}，未排入版面：{self.why}"


@dataclass
class ImportReport:
    """The outcome of reading one Word file into a spec.

    ``found`` names each recognised part with its text (发文字号, 主送机关 …); ``changed`` is
    what the spec writes differently from the file (a 〔〕 restored, a date rewritten, an
    ordinal renumbered); ``unplaced`` is content kept as plain paragraphs because its part
    could not be recognised. ``files`` are the pictures the spec's picture blocks show, by
    their path relative to the spec's folder (``通知.files/图1.png``), to be written beside it;
    ``set_aside`` are those of them no picture block shows, each with where it was and why.
    ``to_fill`` names the parts the file held only a template's placeholder for (``[日期]``):
    the spec has them as 【待补】 at their place, for the user to fill in.
    """

    file: str
    kind: str = ""
    found: dict[str, str] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    set_aside: list[SetAside] = field(default_factory=list)
    to_fill: list[str] = field(default_factory=list)
    margin_texts: list[str] = field(default_factory=list)  # header/footer text not carried, said whole
    pictures_seen: int = 0  # pictures of the main text carried over, set aside or named as refused

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
            placed = len(self.files) - len(self.set_aside)
            where = (
                "正文中原位保留"
                if not self.set_aside
                else f"其中 {placed} 张在正文中原位保留"
                if placed
                else "均未排入版面"
            )
            out.append(f"  图片：{len(self.files)} 张，写在规格旁的 {folder} 文件夹中，{where}")
        out.extend(
            f"  未排入版面的图片（文件已写出，规格中有注释）：{a.file}，原在{a.where}；{a.why}"
            for a in self.set_aside
        )
        out.extend(f"  改动 {line}" for line in self.changed)
        out.extend(f"  待补 {line}" for line in self.to_fill)
        out.extend(
            f"  未能归位（按普通段落保留在原处，规格中有注释）：{excerpt(text, one_line=True)}"
            for text in self.unplaced
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
