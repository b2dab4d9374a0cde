"""Zip packages written from parts deflated once: a batch's letters share most of their
parts byte for byte, so each is compressed once and copied into every package that has it.

Kept apart from the Word writer (:mod:`wenshu.render.package`) so that filling letters into
shapes, merging and reading packages need neither python-docx nor lxml.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

_DEFLATE_LEVEL = 6


@dataclass(frozen=True)
class ZipPart:
    """One zip member, deflated once and copied as is into every package that has it."""

    name: str
    crc: int
    size: int
    deflated: bytes

    @classmethod
    def of(cls, name: str, data: bytes) -> ZipPart:
        """Deflate ``data`` as the zip member ``name``."""
        squeezer = zlib.compressobj(_DEFLATE_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        deflated = squeezer.compress(data) + squeezer.flush()
        return cls(name, zlib.crc32(data), len(data), deflated)


# A fixed timestamp (1980-01-01 00:00, the zip epoch) makes equal documents byte-identical.
_DOS_TIME, _DOS_DATE = 0, (1 << 5) | 1


def write_zip(parts: list[ZipPart]) -> bytes:
    """A zip archive of ``parts`` in order, each stored deflated (method 8)."""
    out = bytearray()
    central = bytearray()
    for part in parts:
        name = part.name.encode("utf-8")
        flags = 0x800 if not name.isascii() else 0  # bit 11: the name is UTF-8
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50, 20, flags, 8, _DOS_TIME, _DOS_DATE,
            part.crc, len(part.deflated), part.size, len(name), 0,
        )  # fmt: skip
        out += name
        out += part.deflated
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, flags, 8, _DOS_TIME, _DOS_DATE,
            part.crc, len(part.deflated), part.size, len(name), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += name
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), start, 0)
    return bytes(out)


def read_zip(data: bytes) -> list[tuple[str, bytes]]:
    """The members of a zip archive, in archive order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]
