"""Where ink lies on a rendered page: for what text boxes do not tell, such as where the
dash of a page number (§7.5 “一字线上距版心下边缘7 mm”) or a red rule (§7.2.7) is drawn.

A text box from ``pdftotext -bbox`` spans the font's whole height; the dash is a thin
stroke somewhere inside it, at a height that depends on the face. The page is drawn in
grey with ``pdftoppm`` and the dark pixel rows inside a box are read back.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from wenshu import layout as L
from wenshu.errors import Problem, WenshuError
from wenshu.office.libreoffice import find_poppler

_DPI = 300
_DARK = 128  # grey level below which a pixel counts as ink
# A pixel is red ink when its red channel is high and the others low (the rule's anti-aliased
# edges fall outside; its core, a point or more thick, is several pixels high at 300 dpi).
_RED_MIN, _OTHER_MAX = 160, 100
_SAMPLE_PT = 2.0  # a rule's row is read every 2 pt across: a rule is long, a glyph's stroke short


def ink_rows(pdf: Path, page: int, box: tuple[float, float, float, float]) -> list[float]:
    """The y positions (points from the page top) of the pixel rows inside ``box``
    (x0, y0, x1, y1 in points) of page ``page`` that carry ink."""
    scale = _DPI / L.PT_PER_INCH
    top = int(box[1] * scale)
    w, h, pixels = _draw(pdf, page, box, grey=True)
    return [(top + r) / scale for r in range(h) if any(p < _DARK for p in pixels[r * w : (r + 1) * w])]


def red_rule_rows(pdf: Path, page: int, box: tuple[float, float, float, float]) -> list[float]:
    """The y positions (points from the page top) of the pixel rows inside ``box`` (x0, y0, x1,
    y1 in points) that a red rule crosses: rows red without a break over at least half the
    box's width. However a file draws its rule (a paragraph border, a shape, a table cell's
    border), this is where it prints; a red mark's strokes break between its characters."""
    scale = _DPI / L.PT_PER_INCH
    top = int(box[1] * scale)
    w, h, pixels = _draw(pdf, page, box, grey=False)
    step = max(1, int(_SAMPLE_PT * scale))
    samples = range(0, w, step)
    rows = []
    for r in range(h):
        start, run, longest = r * w * 3, 0, 0
        for c in samples:
            i = start + c * 3
            red = pixels[i] >= _RED_MIN and pixels[i + 1] <= _OTHER_MAX and pixels[i + 2] <= _OTHER_MAX
            run = run + 1 if red else 0
            longest = max(longest, run)
        if longest * 2 >= len(samples):
            rows.append((top + r) / scale)
    return rows


def _draw(pdf: Path, page: int, box: tuple[float, float, float, float], grey: bool) -> tuple[int, int, bytes]:
    """Width, height and pixels (one byte each in grey, three in colour) of ``box`` on ``page``
    drawn by ``pdftoppm`` at 300 dpi."""
    x0, y0, x1, y1 = box
    scale = _DPI / L.PT_PER_INCH
    left, top = int(x0 * scale), int(y0 * scale)
    width, height = max(1, int((x1 - x0) * scale)), max(1, int((y1 - y0) * scale))
    command = [find_poppler("pdftoppm"), *(["-gray"] if grey else []), "-r", str(_DPI)]
    command += ["-f", str(page), "-l", str(page)]
    command += ["-x", str(left), "-y", str(top), "-W", str(width), "-H", str(height), str(pdf)]
    result = subprocess.run(command, capture_output=True, timeout=120, check=False)
    if result.returncode != 0:
        raise WenshuError(Problem(str(pdf), "pdftoppm 无法绘出页面"))
    return _read_pnm(result.stdout, b"P5" if grey else b"P6")


def _read_pnm(data: bytes, kind: bytes) -> tuple[int, int, bytes]:
    """Width, height and 8-bit pixels of a binary PGM (P5) or PPM (P6) image."""
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != kind or int(fields[3]) > 255:
        raise ValueError(f"not an 8-bit binary {kind.decode()} image")
    width, height = int(fields[1]), int(fields[2])
    channels = 1 if kind == b"P5" else 3
    return width, height, data[pos + 1 : pos + 1 + width * height * channels]


def dash_top(pdf: Path, page: int, dash_box: tuple[float, float, float, float]) -> float | None:
    """The top edge (points from the page top) of the dash drawn inside ``dash_box``, the
    text box of an em dash; None when the box holds no ink."""
    x0, y0, x1, y1 = dash_box
    # The middle half of the glyph's width: the dash's ends may be rounded or tapered.
    quarter = (x1 - x0) / 4
    rows = ink_rows(pdf, page, (x0 + quarter, y0, x1 - quarter, y1))
    return rows[0] if rows else None


def dash_below_box_top(pdf: Path, page: int, row: Any) -> float:
    """How far (points) the top of a page number's first dash lies below the top of its
    text box ``row`` (a :class:`~wenshu.office.libreoffice.Row` reading “— N —”); 0 when no ink is
    found there."""
    box = (row.x0, row.y0, row.x0 + L.PAGE_NUMBER_SIZE_PT, row.y1)
    top = dash_top(pdf, page, box)
    return top - row.y0 if top is not None else 0.0
