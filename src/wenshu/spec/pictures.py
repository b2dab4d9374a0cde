"""Pictures in a spec's body: the ``picture`` block's file, found and read safely.

A spec names a picture by a path relative to its own folder (``通知.files/图1.png``). The
path must stay inside that folder — no ``..``, no absolute path, no URL (a render never
fetches anything), no symbolic link leading out — and the file must be a PNG, JPEG, GIF or
BMP by its content, with bounded size in bytes and in pixels. The pixel size is read from
the format's header alone, so a decompression bomb (a small file declaring a huge image) is
refused without decoding it. Each refusal is a Chinese message naming the spec file, the
line and the field.
"""

from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from wenshu import layout as L
from wenshu.errors import Problem, WenshuError
from wenshu.spec.load import record_read

if TYPE_CHECKING:
    from wenshu.spec.load import Spec

#: Bytes of one picture file: a photo or a scan for a 公文 is well under this.
MAX_PICTURE_BYTES = 20 * 1024 * 1024
#: Pixels of one picture (width × height): Word and LibreOffice decode every picture whole,
#: ~4 bytes a pixel, so this keeps one under 200 MB; a 300 dpi A4 scan has 8.7 million.
MAX_PICTURE_PIXELS = 50_000_000
#: Either side in pixels: 20,000 is a 1.7 m wide print at 300 dpi.
MAX_PICTURE_SIDE = 20_000
#: How far into a JPEG the size (its SOF segment) is looked for; beyond it the file is refused.
_JPEG_SCAN_BYTES = 1024 * 1024
#: Pictures in one spec, and their bytes and pixels together (one document's Word file is
#: built in memory, and LibreOffice decodes every picture when it lays the pages out).
MAX_PICTURES = 200
MAX_TOTAL_PICTURE_BYTES = 100 * 1024 * 1024
MAX_TOTAL_PICTURE_PIXELS = 200_000_000
#: Formats accepted, by the suffix a picture written by ``wenshu import`` gets.
SUFFIXES = {"png": ".png", "jpeg": ".jpg", "gif": ".gif", "bmp": ".bmp"}
#: Screen pictures without a resolution of their own are shown at 96 per inch (as Word does).
_DEFAULT_DPI = 96
# Characters refused in a picture path: ones Markdown or a URL would give a meaning to.
_BAD_CHARS = re.compile(r"[\x00-\x1f\x7f<>\\%?#*\"|]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class Picture:
    """A picture file read and checked: its bytes, format and size in pixels."""

    data: bytes
    format: str  # png, jpeg, gif, bmp
    width: int
    height: int

    def width_mm(self, wanted_cm: float | None, max_mm: float) -> float:
        """The width it is shown at: ``wanted_cm`` if given, else its size at 96 per inch,
        never wider than ``max_mm`` (the 版心, GB/T 9704 §5.2.1)."""
        natural = self.width / _DEFAULT_DPI * L.MM_PER_INCH
        return min(wanted_cm * 10 if wanted_cm else natural, max_mm)


def sniff(data: bytes) -> tuple[str, int, int] | None:
    """The format and pixel size ``data`` declares in its header, or None when it is none of
    PNG, JPEG, GIF, BMP (or its header is cut short). Reads headers only: bounded time."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return "gif", width, height
    if data[:2] == b"BM" and len(data) >= 26:
        header = struct.unpack("<I", data[14:18])[0]
        if header == 12:  # OS/2 BITMAPCOREHEADER: 16-bit sides
            width, height = struct.unpack("<HH", data[18:22])
        else:
            width, height = struct.unpack("<ii", data[18:26])
        return "bmp", abs(width), abs(height)
    if data[:3] == b"\xff\xd8\xff":
        return _jpeg(data)
    return None


# JPEG start-of-frame markers (ITU T.81 Table B.1): SOF0–SOF15 but DHT (C4), JPG (C8), DAC (CC).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(data: bytes) -> tuple[str, int, int] | None:
    """A JPEG's size from its SOF segment, walking the segments from the start."""
    i = 2
    end = min(len(data), _JPEG_SCAN_BYTES)
    while i + 4 <= end:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in _SOF:
            if i + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return "jpeg", width, height
        if length < 2:
            return None
        i += 2 + length
    return None


def _too_big(size: int) -> str:
    return f"图片过大（{size / 1048576:.1f} MB，上限 {MAX_PICTURE_BYTES // 1048576} MB）"


def check_picture(data: bytes) -> tuple[Picture | None, str]:
    """``data`` as a :class:`Picture`, or None and why not (in Chinese)."""
    if len(data) > MAX_PICTURE_BYTES:
        return None, _too_big(len(data))
    found = sniff(data)
    if found is None:
        return None, "不是 PNG、JPEG、GIF 或 BMP 图片（按文件内容判断）"
    fmt, width, height = found
    if not (0 < width <= MAX_PICTURE_SIDE and 0 < height <= MAX_PICTURE_SIDE):
        return None, f"图片尺寸无效或过大（{width}×{height} 像素，每边上限 {MAX_PICTURE_SIDE}）"
    if width * height > MAX_PICTURE_PIXELS:
        return None, f"图片像素过多（{width}×{height}，上限 {MAX_PICTURE_PIXELS // 1_000_000} 百万像素）"
    # The Word writer reads the header again with python-docx, which knows fewer forms (a JPEG
    # without a JFIF or Exif segment, for one): only what it reads is accepted, so a refusal
    # comes here, with the spec's line and field, not halfway through writing the document.
    # sniff() stays in front of it: its walk of a JPEG is bounded, python-docx's is not.
    from docx.image.image import Image

    try:
        Image.from_blob(data)
    except Exception:  # whatever a third-party parser raises on untrusted bytes is a refusal
        return None, "图片文件头是 Word 读不出的写法（如缺少 JFIF 或 Exif 段的 JPEG），请另存为 PNG 或 JPEG"
    return Picture(data, fmt, width, height), ""


def path_problem(text: str) -> str:
    """Why ``text`` is no picture path a spec may use (relative, inside its folder), or ""."""
    if _SCHEME.match(text) or text.startswith("//"):
        return "图片路径不能是网址或带协议的路径，只能是规格文件夹内的相对路径"
    if _BAD_CHARS.search(text):
        return '图片路径含有不允许的字符（控制字符、< > \\ % ? # * " |）'
    pure = PurePosixPath(text)
    if pure.is_absolute():
        return "图片路径不能是绝对路径，只能是相对于规格文件所在文件夹的路径"
    if ".." in pure.parts:
        return "图片路径不能含有“..”（不能指向规格文件夹之外）"
    if not pure.parts or pure.name in ("", "."):
        return "图片路径为空"
    return ""


def is_picture_path(path: tuple[Any, ...]) -> bool:
    """Is ``path`` (a string's place in a spec) a picture block's file path? A file name, not
    prose: the checks of text (punctuation, 附件N, dates) leave it to :func:`path_problem`."""
    return bool(path) and path[-1] == "picture"


def read_picture(folder: Path, text: str) -> tuple[Picture | None, str]:
    """The picture at the relative path ``text`` under ``folder``, or None and why not."""
    why = path_problem(text)
    if why:
        return None, why
    base = folder.resolve()
    target = base / text
    # an input of the document: a folder build rebuilds it when the picture changes (named
    # through the folder as given, so a link switched to another folder is seen)
    record_read(folder / text)
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None, f"找不到图片文件 {text}"
    if not real.is_relative_to(base):
        return None, f"图片 {text} 指向规格文件夹之外（符号链接），已拒绝"
    if not real.is_file():
        return None, f"图片 {text} 不是普通文件"
    try:
        # O_NOFOLLOW: the checked file itself, not a link swapped in since
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_PICTURE_BYTES:  # its real size, not the most read of it
                return None, _too_big(size)
            data = fh.read(MAX_PICTURE_BYTES + 1)
    except OSError as exc:
        return None, f"无法读取图片 {text}：{exc.strerror or exc}"
    return check_picture(data)


def picture_blocks(document: dict[str, Any]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every ``picture`` block of ``document`` (body and attachments' bodies, at any depth)
    with its path in the document, in reading order. An attachment made from another spec
    (``file:``) carries its pictures already read (:func:`carried`): its blocks are not here."""
    out: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def walk(blocks: Any, path: tuple[Any, ...]) -> None:
        if not isinstance(blocks, list):
            return
        for i, block in enumerate(blocks):
            if not isinstance(block, dict):
                continue
            if "picture" in block:
                out.append(((*path, i), block))
            for key in ("body", "items"):
                walk(block.get(key), (*path, i, key))

    walk(document.get("body"), ("body",))
    for k, attachment in enumerate(document.get("attachments") or []):
        if isinstance(attachment, dict) and "file" not in attachment:
            walk(attachment.get("body"), ("attachments", k, "body"))
    return out


def load_pictures(spec: Spec, document: dict[str, Any]) -> tuple[dict[str, Picture], list[Problem]]:
    """The pictures ``document`` (read from ``spec``) shows, by their path as written (those
    of its ``file:`` attachments by their path from this spec's folder), and a problem (file,
    line, field) for each one refused. A batch's letters may show none."""
    blocks = picture_blocks(document)
    if spec.layers is not None and blocks:
        # One picture file for hundreds of letters, or one a record each, is no 函 a batch
        # makes; and the merged file for printing would show the first letter's in every one.
        return {}, [spec.problem((*path, "picture"), _IN_BATCH) for path, _ in blocks]
    brought = [
        (("attachments", k, "file"), text, picture)
        for k, attachment in enumerate(document.get("attachments") or [])
        if isinstance(attachment, dict) and "file" in attachment
        for text, picture in carried(attachment).items()
    ]
    places = [(*path, "picture") for path, _ in blocks] + [at for at, _, _ in brought]
    if len(places) > MAX_PICTURES:  # before reading any
        return {}, [spec.problem(places[MAX_PICTURES], f"图片过多（上限 {MAX_PICTURES} 张）")]
    sources = [((*path, "picture"), block.get("picture"), None) for path, block in blocks] + brought
    pictures: dict[str, Picture] = {}
    problems: list[Problem] = []
    size = pixels = 0
    for at, text, picture in sources:
        if not isinstance(text, str) or text in pictures:
            continue
        why = ""
        if picture is None:
            picture, why = read_picture(spec.path.parent, text)
        if picture is not None:
            size += len(picture.data)
            pixels += picture.width * picture.height
            if size > MAX_TOTAL_PICTURE_BYTES or pixels > MAX_TOTAL_PICTURE_PIXELS:
                picture, why = (
                    None,
                    (
                        f"图片合计过大（上限 {MAX_TOTAL_PICTURE_BYTES // 1048576} MB、"
                        f"{MAX_TOTAL_PICTURE_PIXELS // 1_000_000} 百万像素），请压缩图片或分成几份文件"
                    ),
                )
        if picture is None:
            problems.append(spec.problem(at, why))
            if size > MAX_TOTAL_PICTURE_BYTES or pixels > MAX_TOTAL_PICTURE_PIXELS:
                break
        else:
            pictures[text] = picture
    return pictures, problems


_IN_BATCH = "批量生成的函件不能含有图片（picture），附件中也不能；需要图片的函请单独写成一份规格生成"
# An attachment page made from another spec keeps that spec's pictures under this key.
_CARRIED = "pictures"


def carried(page: dict[str, Any]) -> dict[str, Picture]:
    """The pictures an attachment page made from another spec (``file:``) brought along."""
    found = page.get(_CARRIED)
    return found if isinstance(found, dict) else {}


def carry(
    spec: Spec, at: tuple[Any, ...], annex: Spec, document: dict[str, Any], page: dict[str, Any]
) -> tuple[dict[str, str], list[Problem]]:
    """Bring the pictures of ``annex`` — a validated spec that ``spec`` attaches with
    ``file:`` (at ``at``), its pictures read from its own folder and held to it — onto its
    attachment ``page``.

    Each is renamed to its path from ``spec``'s folder — what the .md beside that spec links
    to and the Word writer looks up — and the renaming is returned (old → new) for the
    page's blocks or Markdown to follow.
    """
    pictures, problems = load_pictures(annex, document)
    if problems or not pictures:
        return {}, problems
    if spec.layers is not None:
        return {}, [spec.problem(at, _IN_BATCH)]
    base, folder = annex.path.parent, spec.path.parent
    names = {old: Path(os.path.relpath(os.path.normpath(base / old), folder)).as_posix() for old in pictures}
    for old, new in names.items():
        if _BAD_CHARS.search(new) or _SCHEME.match(new):
            why = f"附件的图片 {old} 从本文件所在文件夹看是 {new}，含有不能写进链接的字符；请换个文件夹名"
            return {}, [spec.problem(at, why)]
    page[_CARRIED] = {names[old]: picture for old, picture in pictures.items()}
    return names, []


def renamed_blocks(value: Any, names: dict[str, str]) -> Any:
    """``value`` (blocks) copied with each picture block's path renamed by ``names``."""
    if isinstance(value, list):
        return [renamed_blocks(v, names) for v in value]
    if isinstance(value, dict):
        out = {k: renamed_blocks(v, names) for k, v in value.items()}
        if isinstance(value.get("picture"), str):
            out["picture"] = names.get(value["picture"], value["picture"])
        return out
    return value


def renamed_in_markdown(markdown: str, names: dict[str, str]) -> str:
    """``markdown`` with each picture's link (``](<path>)``, as the blocks template writes
    it) renamed by ``names``."""
    if not names:
        return markdown
    links = re.compile("|".join(re.escape(f"](<{old}>)") for old in sorted(names, key=len, reverse=True)))
    return links.sub(lambda m: f"](<{names[m.group()[3:-2]]}>)", markdown)


def pictures_of(spec: Spec, document: dict[str, Any]) -> dict[str, Picture]:
    """The pictures of a validated ``document``; a refused one raises :class:`WenshuError`."""
    pictures, problems = load_pictures(spec, document)
    if problems:
        raise WenshuError(problems)
    return pictures
