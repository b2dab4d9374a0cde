"""Lines drawn as shapes (DrawingML ``wps:wsp`` or VML), as red-header templates draw their rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from wenshu import layout as L
from wenshu.check.reading.ooxml import A_NS, MC_NS, V_NS, WPS_NS, to_int, wtag

_EMU_PER_MM = 36000  # DrawingML's English Metric Units (ECMA-376 §20.1.2.1)
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
WPG_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"
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
    # placed by alignment instead (wp:positionV/wp:align, ECMA-376 §20.4.3.2 ST_AlignV: top,
    # center, bottom, inside, outside of the area named by relative_from), with the shape's
    # height (wp:extent cy) in points, which center and bottom need
    align: str = ""
    height_pt: float | None = None


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
    align = position.find(f"{{{WP_NS}}}align") if position is not None else None
    extent = anchor.find(f"{{{WP_NS}}}extent")
    wrap = next((c for c in anchor if c.tag.startswith(f"{{{WP_NS}}}wrap")), None)
    return Anchor(
        paragraph,
        (position.get("relativeFrom") or "") if position is not None else "",
        to_int(offset.text) / _EMU_PER_MM * L.PT_PER_MM if offset is not None and offset.text else None,
        wrap.tag.split("}")[1] if wrap is not None else "",
        (align.text or "").strip() if align is not None and offset is None else "",
        to_int(extent.get("cy")) / _EMU_PER_MM * L.PT_PER_MM if extent is not None else None,
    )


def box_alignment(paragraph: Any) -> tuple[str, str, float, float] | None:
    """(alignment, base, left and right inner margin in pt) of the text box holding ``paragraph`` when the box
    is aligned sideways — DrawingML ``wp:positionH/wp:align`` (ECMA-376 §20.4.3.1 ST_AlignH:
    left, right, center, inside, outside) on its ``relativeFrom``, or VML's
    ``mso-position-horizontal`` on ``mso-position-horizontal-relative`` — with the box's left
    and right inner margins (``bodyPr/@lIns``, ``@rIns``, default 0.1 inch; VML ``inset``), when the box
    fits its text (a wider box sets the text by the paragraph's own alignment inside it); else
    None."""
    for el in paragraph.iterancestors():
        if el.tag == f"{{{WP_NS}}}anchor":
            align = el.find(f"{{{WP_NS}}}positionH/{{{WP_NS}}}align")
            body = next(el.iter(f"{{{WPS_NS}}}bodyPr"), None)
            fits = body is not None and (
                body.get("wrap") == "none" or body.find(f"{{{A_NS}}}spAutoFit") is not None
            )
            if align is None or not fits:
                return None
            left, right = (to_int(body.get(k), 91440) / _EMU_PER_MM * L.PT_PER_MM for k in ("lIns", "rIns"))
            base = el.find(f"{{{WP_NS}}}positionH").get("relativeFrom") or "column"
            return (align.text or "").strip(), base, left, right
        if el.tag == f"{{{V_NS}}}textbox":
            style = _vml_style(el.getparent())
            fits = "mso-fit-shape-to-text:t" in (el.get("style") or "").replace(" ", "")
            align = style.get("mso-position-horizontal")
            if not align or not fits:
                return None
            sides = (el.get("inset") or "").split(",")
            # An inset of 0 is a margin of none, not a missing one (VML's default is 0.1 in).
            insets = [_vml_length(sides[k]) if len(sides) > k else None for k in (0, 2)]
            left, right = (7.2 if mm is None else mm * L.PT_PER_MM for mm in insets)
            return align, style.get("mso-position-horizontal-relative", "text"), left, right
    return None


# VML's vertical anchors (mso-position-vertical-relative) by DrawingML's names; VML's default
# is the paragraph ("text").
_VML_RELATIVE = {"text": "paragraph", "line": "line", "page": "page", "margin": "margin",
                 "top-margin-area": "topMargin"}  # fmt: skip
_VML_WRAP = {"topAndBottom": "wrapTopAndBottom", "square": "wrapSquare", "tight": "wrapTight",
             "through": "wrapThrough", "none": "wrapNone"}  # fmt: skip
_W10_NS = "urn:schemas-microsoft-com:office:word"
_O_NS = "urn:schemas-microsoft-com:office:office"
# VML's named colours a rule is drawn in (CSS names; Word writes "red" or "#ff0000 [...]").
_VML_COLORS = {"red": L.RED, "black": "000000", "windowtext": "000000"}


def _vml_color(value: str | None) -> str:
    """A VML colour as upper-case hex ("" unknown): ``red``, ``#f00``, ``#FF0000 [3204]``."""
    token = (value or "").strip().split(" ")[0].lower()
    if token in _VML_COLORS:
        return _VML_COLORS[token]
    token = token.lstrip("#")
    if re.fullmatch(r"[0-9a-f]{3}", token):
        token = "".join(ch * 2 for ch in token)
    return token.upper() if re.fullmatch(r"[0-9a-f]{6}", token) else ""


def _vml_style(shape: Any) -> dict[str, str]:
    return dict(
        part.split(":", 1) for part in (shape.get("style") or "").replace(" ", "").split(";") if ":" in part
    )


def _vml_ends(shape: Any) -> tuple[float | None, float]:
    """A ``v:line``'s length from its ``from`` and ``to`` (None unreadable) and how far its
    upper end is below the anchor, in mm."""
    try:
        (x0, y0), (x1, y1) = (
            [_vml_length(v) for v in ((shape.get(k) or default).split(",") + ["0"])[:2]]
            for k, default in (("from", "0,0"), ("to", "10,10"))  # VML's defaults (ECMA-376 Part 4)
        )
    except ValueError:
        return None, 0.0
    if x0 is None or x1 is None or y0 is None or y1 is None:
        return None, 0.0
    return max(abs(x1 - x0), abs(y1 - y0)), min(y0, y1)


def _vml_line(shape: Any) -> DrawnLine | None:
    """A VML shape that draws a line: a ``v:line`` (its ends ``from``/``to``; the box's width
    and height WPS also writes do not draw it, nor does LibreOffice), a connector ``v:shape``
    (shapetype 32), or a ``v:rect`` or ``v:shape`` under a millimetre thick (a filled bar: its
    fill is the rule's colour); with its anchor when it floats (``position:absolute``, not in a
    group, whose shapes are placed inside it). A box holding text or a picture is none."""
    style = _vml_style(shape)
    sizes = [v for v in (_vml_length(style.get(k, "")) for k in ("width", "height")) if v is not None]
    kind = shape.tag.split("}")[1]
    connector = kind == "shape" and (
        (shape.get("type") or "").endswith("_x0000_t32") or shape.get(f"{{{_O_NS}}}spt") in ("20", "32")
    )
    stroked = shape.get("stroked") not in ("f", "false")
    filled = shape.get("filled") not in ("f", "false")
    stroke = shape.find(f"{{{V_NS}}}stroke")
    style_name = (stroke.get("linestyle") if stroke is not None else None) or "single"
    length, y = (max(sizes) if sizes else None), 0.0
    if kind == "line" or connector:
        if not stroked:
            return None
        if kind == "line":
            length, y = _vml_ends(shape)
        color = _vml_color(shape.get("strokecolor"))
    elif len(sizes) == 2 and min(sizes) < 1.0 and (filled or stroked):
        if shape.find(f"{{{V_NS}}}textbox") is not None or shape.find(f"{{{V_NS}}}imagedata") is not None:
            return None
        color = _vml_color(shape.get("fillcolor") if filled else shape.get("strokecolor"))
    else:
        return None
    return DrawnLine(color, length, style_name, _vml_anchor(shape, style, y))


def _vml_anchor(shape: Any, style: dict[str, str], y_mm: float) -> Anchor | None:
    """Where a floating VML shape stands down the page: ``margin-top`` (and ``top``) plus the
    line's own ``from``, from what ``mso-position-vertical-relative`` names."""
    parent = shape.getparent()
    if style.get("position") != "absolute" or (parent is not None and parent.tag == f"{{{V_NS}}}group"):
        return None
    paragraph = next(shape.iterancestors(wtag("p")), None)
    relative = _VML_RELATIVE.get(style.get("mso-position-vertical-relative", "text"), "")
    offsets = [_vml_length(style.get(k, "0")) for k in ("margin-top", "top")]
    known = [v for v in offsets if v is not None]
    offset = (sum(known) + y_mm) * L.PT_PER_MM if len(known) == len(offsets) else None
    wrap = shape.find(f"{{{_W10_NS}}}wrap")
    wrapping = _VML_WRAP.get(wrap.get("type") or "", "") if wrap is not None else "wrapNone"
    return Anchor(paragraph, relative, offset, wrapping)


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
        fill = shape.find(f"{{{WPS_NS}}}spPr/{{{A_NS}}}solidFill/{{{A_NS}}}srgbClr")
        if ln is not None and ln.find(f"{{{A_NS}}}noFill") is not None:
            # A bar without an outline is drawn by its fill (a thin filled rectangle).
            if fill is None or not flat:
                continue
            ln = None
        clr = ln.find(f".//{{{A_NS}}}srgbClr") if ln is not None else fill if flat else None
        if clr is None:
            clr = shape.find(f"{{{WPS_NS}}}style/{{{A_NS}}}lnRef/{{{A_NS}}}srgbClr")
        color = (clr.get("val") or "") if clr is not None else ""
        length = max(cx, cy) / _EMU_PER_MM if ext is not None else None
        compound = (ln.get("cmpd") if ln is not None else None) or "sng"
        lines.append(DrawnLine(color.upper(), length, compound, _anchor(shape)))
    for shape in root.iter(f"{{{V_NS}}}line", f"{{{V_NS}}}rect", f"{{{V_NS}}}shape"):
        if next(shape.iterancestors(fallback), None) is None:
            line = _vml_line(shape)
            if line is not None:
                lines.append(line)
    return lines


def box_width_mm(paragraph: Any) -> float | None:
    """How wide the text box holding ``paragraph`` (a ``w:p`` in ``w:txbxContent``) is, in mm:
    a DrawingML box's extent (``wp:extent``) or a VML box's ``width``; None when not told."""
    for el in paragraph.iterancestors():
        if el.tag in (f"{{{WP_NS}}}inline", f"{{{WP_NS}}}anchor"):
            extent = el.find(f"{{{WP_NS}}}extent")
            return to_int(extent.get("cx")) / _EMU_PER_MM if extent is not None else None
        if el.tag.startswith(f"{{{V_NS}}}") and el.tag != f"{{{V_NS}}}textbox":
            return _vml_length(_vml_style(el).get("width", ""))
    return None


@dataclass(frozen=True)
class BoxPlace:
    """Where a floating text box holding a paragraph stands down the page: its anchor (the
    box's top edge, :class:`Anchor`), the box's inner margin above its text and its width less
    the inner margins at the sides (None when not told), in points."""

    anchor: Anchor
    top_inset_pt: float
    inner_width_pt: float | None


# A text box's default inner margins (DrawingML bodyPr tIns/lIns …, ECMA-376 §21.1.2.1.1; VML
# v:textbox inset, Part 4 §19.1.2.22): 0.05 inch above and below, 0.1 inch at the sides.
_TOP_INSET_EMU, _SIDE_INSET_EMU = 45720, 91440


def _in_group(shape: Any, anchor: Anchor) -> tuple[Anchor, float | None] | None:
    """The anchor and width (EMU) of ``shape`` as a shape of a group (``wpg:wgp`` floating on its
    own): the group's anchor moved down by the shape's place in it. A group maps its children's
    coordinates (``a:chOff``, ``a:chExt`` of its ``a:xfrm``) onto its own extent (``a:ext``):
    ECMA-376 §20.1.7.5. None when the group or the shape does not say where."""
    group_xfrm = shape.getparent().find(f"{{{WPG_NS}}}grpSpPr/{{{A_NS}}}xfrm")
    own = shape.find(f"{{{WPS_NS}}}spPr/{{{A_NS}}}xfrm")
    if group_xfrm is None or own is None:
        return None
    parts = {k: group_xfrm.find(f"{{{A_NS}}}{k}") for k in ("ext", "chOff", "chExt")}
    off, ext = own.find(f"{{{A_NS}}}off"), own.find(f"{{{A_NS}}}ext")
    if any(v is None for v in parts.values()) or off is None or anchor.offset_pt is None:
        return None
    ch_cy, ch_cx = to_int(parts["chExt"].get("cy")), to_int(parts["chExt"].get("cx"))
    if not ch_cy or not ch_cx:
        return None
    scale_y = to_int(parts["ext"].get("cy")) / ch_cy
    scale_x = to_int(parts["ext"].get("cx")) / ch_cx
    down = (to_int(off.get("y")) - to_int(parts["chOff"].get("y"))) * scale_y
    width = to_int(ext.get("cx")) * scale_x if ext is not None else None
    moved = replace(anchor, offset_pt=anchor.offset_pt + down / _EMU_PER_MM * L.PT_PER_MM)
    return moved, width


def box_place(paragraph: Any) -> BoxPlace | None:
    """Where the text box holding ``paragraph`` (a ``w:p`` in ``w:txbxContent``) stands, when it
    floats on its own (``wp:anchor`` of a ``wps:wsp``, or an absolutely placed VML shape, not in
    a canvas) or as a shape of a group floating on its own (``wpg:wgp``); None for a box inline
    with text or placed otherwise."""
    emu_pt = L.PT_PER_MM / _EMU_PER_MM
    for el in paragraph.iterancestors():
        if el.tag == f"{{{WPS_NS}}}wsp":
            grouped = el.getparent() is not None and el.getparent().tag == f"{{{WPG_NS}}}wgp"
            anchor = _anchor(el.getparent() if grouped else el)
            if anchor is None:
                return None
            width_emu = None
            if grouped:
                placed = _in_group(el, anchor)
                if placed is None:
                    return None
                anchor, width_emu = placed
            body = el.find(f"{{{WPS_NS}}}bodyPr")
            top, left, right = (
                to_int(body.get(k) if body is not None else None, default)
                for k, default in (
                    ("tIns", _TOP_INSET_EMU),
                    ("lIns", _SIDE_INSET_EMU),
                    ("rIns", _SIDE_INSET_EMU),
                )
            )
            if grouped:
                cx = round(width_emu or 0)
            else:
                extent = el.getparent().getparent().getparent().find(f"{{{WP_NS}}}extent")  # of wp:anchor
                cx = to_int(extent.get("cx")) if extent is not None else 0
            return BoxPlace(anchor, top * emu_pt, (cx - left - right) * emu_pt if cx else None)
        if el.tag == f"{{{V_NS}}}textbox":
            shape = el.getparent()
            style = _vml_style(shape)
            anchor = _vml_anchor(shape, style, 0.0)
            if anchor is None:
                return None
            left, top, right = ([_vml_length(v) for v in (el.get("inset") or "").split(",")] + [None] * 3)[:3]
            inch = L.PT_PER_INCH
            box = _vml_length(style.get("width", ""))
            width = None
            if box is not None:
                sides = sum(inch * 0.1 if mm is None else mm * L.PT_PER_MM for mm in (left, right))
                width = box * L.PT_PER_MM - sides
            return BoxPlace(anchor, inch * 0.05 if top is None else top * L.PT_PER_MM, width)
    return None
