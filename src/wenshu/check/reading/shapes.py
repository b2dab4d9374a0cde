"""Lines drawn as shapes (DrawingML ``wps:wsp`` or VML), as red-header templates draw their rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from wenshu import layout as L
from wenshu.check.reading.ooxml import A_NS, MC_NS, V_NS, WPS_NS, to_int, wtag

_EMU_PER_MM = 36000  # DrawingML's English Metric Units (ECMA-376 §20.1.2.1)
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
# VML lengths are CSS lengths (a bare number is in pixels, 96 to the inch).
_PX_PER_INCH = 96
_VML_UNITS_MM = {
    "pt": L.MM_PER_INCH / L.PT_PER_INCH,
    "in": L.MM_PER_INCH,
    "cm": 10.0,
    "mm": 1.0,
    "px": L.MM_PER_INCH / _PX_PER_INCH,
    "": L.MM_PER_INCH / _PX_PER_INCH,
}


@dataclass(frozen=True)
class Anchor:
    """Where a floating shape (``wp:anchor``, ECMA-376 §20.4.2.3) is placed down the page: the
    paragraph (``w:p``) holding it, what its vertical offset counts from (``paragraph``, ``line``,
    ``page``, ``margin`` …), the offset in points (None when set by alignment instead) and how
    text wraps round it (``wrapTopAndBottom``, ``wrapNone`` …)."""

    paragraph: Any = field(repr=False)
    relative_from: str
    offset_pt: float | None
    wrap: str


@dataclass(frozen=True)
class DrawnLine:
    """A line drawn as a shape: its colour (hex, "" unknown), length in mm (None unknown),
    compound style (DrawingML ``cmpd`` / VML ``linestyle``: single, double, thickThin …) and,
    for a DrawingML line floating on its own, its anchor."""

    color: str
    length: float | None
    compound: str
    anchor: Anchor | None = field(default=None, compare=False)

    @property
    def double(self) -> bool:
        """Drawn as two lines."""
        return self.compound.lower() in ("dbl", "double", "thinthin", "thickthin", "thinthick")


def _vml_length(value: str) -> float | None:
    m = re.fullmatch(r"\s*(-?[\d.]+)\s*([a-z]*)\s*", value)
    if not m or m.group(2) not in _VML_UNITS_MM:
        return None
    return float(m.group(1)) * _VML_UNITS_MM[m.group(2)]


def _anchor(shape: Any) -> Anchor | None:
    """The ``wp:anchor`` placing ``shape`` on its own (not in a group or a canvas, whose shapes
    are placed inside it), or None."""
    graphic = shape.getparent().getparent() if shape.getparent() is not None else None
    anchor = graphic.getparent() if graphic is not None else None
    if anchor is None or anchor.tag != f"{{{WP_NS}}}anchor":
        return None
    paragraph = next(anchor.iterancestors(wtag("p")), None)
    position = anchor.find(f"{{{WP_NS}}}positionV")
    offset = position.find(f"{{{WP_NS}}}posOffset") if position is not None else None
    wrap = next((c for c in anchor if c.tag.startswith(f"{{{WP_NS}}}wrap")), None)
    return Anchor(
        paragraph,
        (position.get("relativeFrom") or "") if position is not None else "",
        to_int(offset.text) / _EMU_PER_MM * L.PT_PER_MM if offset is not None and offset.text else None,
        wrap.tag.split("}")[1] if wrap is not None else "",
    )


def drawn_lines(root: Any) -> list[DrawnLine]:
    """Lines drawn as shapes (DrawingML or VML), for files that draw their rules. A text box's
    outline is not a line, nor is an outline switched off (``<a:ln><a:noFill/>``); the VML copy
    in ``mc:Fallback`` repeats its ``mc:Choice`` and is not counted again."""
    if root is None:
        return []
    lines: list[DrawnLine] = []
    fallback = f"{{{MC_NS}}}Fallback"
    for shape in root.iter(f"{{{WPS_NS}}}wsp"):
        if (
            shape.find(f"{{{WPS_NS}}}txbx") is not None
            or next(shape.iterancestors(fallback), None) is not None
        ):
            continue
        ext = shape.find(f"{{{WPS_NS}}}spPr/{{{A_NS}}}xfrm/{{{A_NS}}}ext")
        geom = shape.find(f"{{{WPS_NS}}}spPr/{{{A_NS}}}prstGeom")
        cx, cy = (to_int(ext.get("cx")), to_int(ext.get("cy"))) if ext is not None else (0, 1)
        flat = min(cx, cy) < _EMU_PER_MM  # thinner than a millimetre: drawn as a line
        if not flat and (geom is None or geom.get("prst") not in ("line", "straightConnector1")):
            continue
        ln = shape.find(f"{{{WPS_NS}}}spPr/{{{A_NS}}}ln")
        if ln is not None and ln.find(f"{{{A_NS}}}noFill") is not None:
            continue
        clr = ln.find(f".//{{{A_NS}}}srgbClr") if ln is not None else None
        if clr is None:
            clr = shape.find(f"{{{WPS_NS}}}style/{{{A_NS}}}lnRef/{{{A_NS}}}srgbClr")
        color = (clr.get("val") or "") if clr is not None else ""
        length = max(cx, cy) / _EMU_PER_MM if ext is not None else None
        compound = (ln.get("cmpd") if ln is not None else None) or "sng"
        lines.append(DrawnLine(color.upper(), length, compound, _anchor(shape)))
    for line in root.iter(f"{{{V_NS}}}line"):
        if next(line.iterancestors(fallback), None) is not None or line.get("stroked") in ("f", "false"):
            continue
        stroke = line.find(f"{{{V_NS}}}stroke")
        style = (stroke.get("linestyle") if stroke is not None else None) or "single"
        ends = [(line.get(k) or "0,0").split(",") for k in ("from", "to")]
        try:
            (x0, y0), (x1, y1) = ([_vml_length(v) for v in end[:2]] for end in ends)
            length = max(abs(x1 - x0), abs(y1 - y0)) if None not in (x0, x1, y0, y1) else None
        except ValueError:
            length = None
        color = (line.get("strokecolor") or "").lstrip("#").upper().replace("RED", L.RED)
        lines.append(DrawnLine(color, length, style))
    # WPS and older Word draw a straight line as a VML connector shape (shapetype 32).
    for shape in root.iter(f"{{{V_NS}}}shape"):
        if (
            not (shape.get("type") or "").endswith("_x0000_t32")
            or next(shape.iterancestors(fallback), None) is not None
        ):
            continue
        stroke = shape.find(f"{{{V_NS}}}stroke")
        style = (stroke.get("linestyle") if stroke is not None else None) or "single"
        box = dict(
            part.split(":", 1)
            for part in (shape.get("style") or "").replace(" ", "").split(";")
            if ":" in part
        )
        sizes = [_vml_length(box.get(k, "")) for k in ("width", "height")]
        length = max(v for v in sizes if v is not None) if any(v is not None for v in sizes) else None
        color = (shape.get("strokecolor") or "").lstrip("#").upper().replace("RED", L.RED)
        lines.append(DrawnLine(color, length, style))
    return lines
