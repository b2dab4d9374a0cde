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
from functools import cached_property

_DEFLATE_LEVEL = 6
# A part made for one document only (its body, a letter's filled text) is stored as it is
# below this size: zlib clears a 64 KB hash table for every stream it starts, so deflating a
# 4 KB part costs ~0.45 M instructions — a sixth of a batch letter's whole cost — to save
# ~2.5 KB. A part shared by many documents is deflated once and copied, whatever its size.
STORE_BELOW = 8 * 1024
_DEFLATED, _STORED = 8, 0


# A fixed timestamp (1980-01-01 00:00, the zip epoch) makes equal documents byte-identical.
_DOS_TIME, _DOS_DATE = 0, (1 << 5) | 1
_OFFSET = struct.Struct("<I")


@dataclass(frozen=True)
class ZipPart:
    """One zip member, deflated (or stored) once and copied as is into every package that has it."""

    name: str
    crc: int
    size: int
    packed: bytes  # the member's bytes as the archive holds them
    method: int = _DEFLATED

    @classmethod
    def of(cls, name: str, data: bytes) -> ZipPart:
        """Deflate ``data`` as the zip member ``name``."""
        squeezer = zlib.compressobj(_DEFLATE_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        deflated = squeezer.compress(data) + squeezer.flush()
        return cls(name, zlib.crc32(data), len(data), deflated)

    @classmethod
    def own(cls, name: str, data: bytes) -> ZipPart:
        """``data`` as the zip member ``name`` of one document only: stored when smaller than
        :data:`STORE_BELOW`, deflated otherwise."""
        if len(data) >= STORE_BELOW:
            return cls.of(name, data)
        return cls(name, zlib.crc32(data), len(data), data, _STORED)

    @cached_property
    def headers(self) -> tuple[bytes, bytes, bytes]:
        """Its local header with the name; its central directory entry up to the offset, and
        after it (the name): packed once, like the data, for every package that has it."""
        name = self.name.encode("utf-8")
        flags = 0x800 if not name.isascii() else 0  # bit 11: the name is UTF-8
        local = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50, 20, flags, self.method, _DOS_TIME, _DOS_DATE,
            self.crc, len(self.packed), self.size, len(name), 0,
        )  # fmt: skip
        central = struct.pack(
            "<IHHHHHHIIIHHHHHI",
            0x02014B50, 20, 20, flags, self.method, _DOS_TIME, _DOS_DATE,
            self.crc, len(self.packed), self.size, len(name), 0, 0, 0, 0, 0,
        )  # fmt: skip
        return local + name, central, name


def write_zip(parts: list[ZipPart]) -> bytes:
    """A zip archive of ``parts`` in order, each deflated (method 8) or stored (method 0)."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for part in parts:
        local, entry, name = part.headers
        out += (local, part.packed)
        central += (entry, _OFFSET.pack(offset), name)
        offset += len(local) + len(part.packed)
    size = sum(map(len, central))
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), size, offset, 0)
    return b"".join([*out, *central, end])


def read_zip(data: bytes) -> list[tuple[str, bytes]]:
    """The members of a zip archive, in archive order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]
