"""§7.2.7: the 版头's red rule prints 4 mm under the 发文字号, not above it.

A rule drawn as a floating line anchored in the 发文字号's paragraph (or one before it) a little
way down from the paragraph's top, wrapped top and bottom, pushes the number below itself: on the
page the red rule prints above the 发文字号 (lawliet_master_template does the same with a line
anchored in the empty paragraph between the mark and the number). ``check`` reads the anchor;
``check --render`` reads the rule's row off the page image, however the rule is made.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt, RGBColor

from wenshu.check import check_docx, check_files

from .test_check import show
from .test_check_misses import a4_page
from .test_check_real import CORPUS

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_EMU_PER_MM = 36000

real = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus/real-docx is not beside the checkout")


def _line(offset_mm: float, wrap: str, relative_from: str = "paragraph") -> object:
    """A run holding a red line 156 mm long, 1.5 pt thick, floating ``offset_mm`` down from the
    top of its ``relative_from``, text wrapped round it as ``wrap`` says."""
    cx = 156 * _EMU_PER_MM
    return parse_xml(
        f'<w:r {nsdecls("w")} xmlns:wp="{_WP}" xmlns:a="{_A}" xmlns:wps="{_WPS}"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="{relative_from}">'
        f"<wp:posOffset>{round(offset_mm * _EMU_PER_MM)}</wp:posOffset></wp:positionV>"
        f'<wp:extent cx="{cx}" cy="0"/><wp:effectExtent l="0" t="9525" r="0" b="9525"/><wp:{wrap}/>'
        '<wp:docPr id="7" name="rule"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{_WPS}"><wps:wsp><wps:cNvCnPr/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="0"/></a:xfrm>'
        '<a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
        '<a:ln w="19050"><a:solidFill><a:srgbClr val="FF0000"/></a:solidFill></a:ln>'
        "</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
    )


def _headed(
    path: Path,
    offset_mm: float | None,
    wrap: str = "wrapTopAndBottom",
    in_mark: bool = False,
    relative_from: str = "paragraph",
    rule: object | None = None,
) -> Path:
    """A 文件格式 head typed in Word (A4, the standard margins, 仿宋 三号): the red mark, the
    发文字号, and the rule drawn as a line anchored in the 发文字号's paragraph (or, ``in_mark``,
    in the mark's) ``offset_mm`` down from that paragraph's top; or, ``offset_mm`` None, the
    mark's paragraph's red bottom border; ``relative_from`` page or margin measures the offset
    from the page's or the 版心's top instead; ``rule`` puts that run (a VML rule) there instead."""
    doc = Document()
    a4_page(doc)
    mark = doc.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = mark.add_run("示例市知识产权局文件")
    run.font.size, run.font.color.rgb = Pt(42), RGBColor(0xFF, 0, 0)
    number = doc.add_paragraph("示知〔2026〕1号")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if offset_mm is None:
        bottom = '<w:bottom w:val="single" w:sz="12" w:space="1" w:color="FF0000"/>'
        border = f"<w:pBdr {nsdecls('w')}>{bottom}</w:pBdr>"
        mark._p.get_or_add_pPr().insert(0, parse_xml(border))
    else:
        drawn = rule if rule is not None else _line(offset_mm, wrap, relative_from)
        (mark if in_mark else number)._p.append(drawn)
    doc.add_paragraph()
    doc.add_paragraph("关于开展素材整理工作的通知").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("各有关单位：")
    doc.add_paragraph("为做好素材整理工作，现将有关事项通知如下。")
    doc.save(path)
    return path


def _rule_findings(report) -> list:
    return [d for d in report.deviations if d.code in ("rule-place", "render-rule-place")]


def test_a_line_wrapped_above_the_number_is_said(tmp_path: Path) -> None:
    """A line at the top of the 发文字号's paragraph, wrapped top and bottom, pushes the number
    under it; one 10.5 mm down (the line's 5.8 mm, 4 mm, some) stands under the number."""
    above = check_docx(_headed(tmp_path / "above.docx", 0))
    (dev,) = _rule_findings(above)
    assert (dev.code, dev.clause, dev.actual) == ("rule-place", "7.2.7", "在发文字号之上"), show(above)
    assert dev.locations[0].excerpt == "示知〔2026〕1号"
    through = check_docx(_headed(tmp_path / "through.docx", 2, wrap="wrapNone"))
    assert [d.actual for d in _rule_findings(through)] == ["压在发文字号上"], show(through)
    under = check_docx(_headed(tmp_path / "under.docx", 10.5))
    assert not _rule_findings(under), show(under)
    assert not {"rule-missing", "rule-width", "rule-color"} & set(under.codes), show(under)


@pytest.mark.render
def test_the_printed_rule_above_the_number_is_said(tmp_path: Path) -> None:
    """On the page: the rule's red row read off the image against the 发文字号's line. A line
    anchored in the mark's paragraph 20 mm down (below the mark's 42 pt line, so not read off the
    anchor) prints between the mark and the number, and so does the mark's red bottom border; the
    line 10.5 mm down the 发文字号's paragraph prints under it."""
    paths = [
        _headed(tmp_path / "under.docx", 10.5),
        _headed(tmp_path / "mark.docx", 20, in_mark=True),
        _headed(tmp_path / "above.docx", 0),
        _headed(tmp_path / "border.docx", None),
    ]
    under, mark, above, border = check_files(paths, render=True)
    assert all(r.render_error is None for r in (under, mark, above, border))
    assert not _rule_findings(under), show(under)
    (dev,) = _rule_findings(mark)
    assert (dev.code, dev.actual) == ("render-rule-place", "在发文字号之上"), show(mark)
    assert dev.locations[0].part == "第 1 页"
    # Said once: the anchor already tells, the page agrees.
    assert [d.code for d in _rule_findings(above)] == ["rule-place"], show(above)
    # A border under the mark is no rule under the number to the file's reading (rule-missing);
    # on the page it is a red rule above the number.
    assert "rule-missing" in border.codes, show(border)
    assert [d.actual for d in _rule_findings(border)] == ["在发文字号之上"], show(border)


@real
def test_real_rule_above_the_number() -> None:
    """lawliet_master_template anchors its rule in the empty 42 pt paragraph between the mark and
    the 发文字号, 10 mm down: it prints 8.7 mm above the number's line (LibreOffice 7.4)."""
    report = check_docx(CORPUS / "lawliet_master_template.docx")
    (dev,) = [d for d in report.deviations if d.code == "rule-place"]
    assert dev.actual == "在发文字号之上", show(report)


_VML = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"'
)


def _vml(kind: str, down_pt: float, width_pt: float = 442.2) -> object:
    """A red rule as old Word and WPS draw it in ``w:pict`` (no DrawingML beside it), floating
    ``down_pt`` below the top of its paragraph, text wrapped top and bottom: a ``v:line`` from
    end to end, or a ``v:rect`` 1.5 pt high filled red without an outline."""
    wrap = '<w10:wrap type="topAndBottom"/>'
    shape = (
        f'<v:line style="position:absolute;z-index:1" from="0,{down_pt}pt" to="{width_pt}pt,{down_pt}pt" '
        f'strokecolor="red" strokeweight="1.5pt">{wrap}</v:line>'
        if kind == "line"
        else f'<v:rect style="position:absolute;margin-top:{down_pt}pt;width:{width_pt}pt;height:1.5pt;'
        f'z-index:1" fillcolor="#ff0000" stroked="f">{wrap}</v:rect>'
    )
    return parse_xml(f"<w:r {nsdecls('w')} {_VML}><w:pict>{shape}</w:pict></w:r>")


@pytest.mark.parametrize(
    ("label", "kind", "down", "width", "expected"),
    [
        ("VML line under the number", "line", 30, 442.2, set()),
        ("VML line at the number's top", "line", 0, 442.2, {("rule-place", "在发文字号之上")}),
        # a filled bar was no rule at all to the checker (rule-missing)
        ("VML bar under the number", "rect", 30, 442.2, set()),
        ("VML bar at the number's top", "rect", 0, 442.2, {("rule-place", "在发文字号之上")}),
        ("VML bar 300 pt long", "rect", 30, 300, {("rule-width", "105.8 mm")}),
    ],
)
def test_a_vml_rule_is_read(tmp_path: Path, label, kind, down, width, expected) -> None:
    report = check_docx(_headed(tmp_path / "vml.docx", 0, rule=_vml(kind, down, width)))
    found = {(d.code, d.actual) for d in report.deviations if d.code.startswith("rule")}
    assert found == expected, f"{label}: {show(report)}"


@pytest.mark.parametrize(
    ("offset", "wrap", "relative_from", "expected"),
    [
        # from the page's top: the 发文字号's line (37 mm 天头, a 42 pt mark) is 58-86 mm down
        (45, "wrapTopAndBottom", "page", "在发文字号之上"),
        (60, "wrapTopAndBottom", "page", "在发文字号之上"),  # over the number's line: pushes it down
        (55, "wrapNone", "page", "在发文字号之上"),
        (65, "wrapNone", "page", None),  # a mark 1.0 to 1.5 times its size high: not told statically
        (75, "wrapTopAndBottom", "page", None),  # under it
        (10, "wrapTopAndBottom", "margin", "在发文字号之上"),  # from the 版心's top
        (38, "wrapTopAndBottom", "margin", None),
    ],
)
def test_a_rule_placed_from_the_page_is_read(tmp_path: Path, offset, wrap, relative_from, expected) -> None:
    report = check_docx(_headed(tmp_path / "page.docx", offset, wrap, relative_from=relative_from))
    assert [d.actual for d in _rule_findings(report)] == ([expected] if expected else []), show(report)


@pytest.mark.render
def test_vml_and_page_rules_on_the_page(tmp_path: Path) -> None:
    """What the checker now reads without the pages, LibreOffice prints: the rules said to be above
    the number are red rows above its line on page one, those said to be under it are under it
    (read off the page image with the static findings left out, so the page alone speaks)."""
    from wenshu.check.recognise import Recogniser
    from wenshu.check.render import render_all
    from wenshu.check.report import Report

    cases = {
        "line-under": (_vml("line", 30), None, False),
        "line-above": (_vml("line", 0), None, True),
        "bar-under": (_vml("rect", 30), None, False),
        "bar-above": (_vml("rect", 0), None, True),
        "page-60": (None, ("wrapTopAndBottom", "page", 60), True),
        "page-75": (None, ("wrapTopAndBottom", "page", 75), False),
        "margin-10": (None, ("wrapTopAndBottom", "margin", 10), True),
    }
    paths = {}
    for name, (rule, anchored, _) in cases.items():
        wrap, relative_from, offset = anchored or ("wrapTopAndBottom", "paragraph", 0)
        paths[name] = _headed(tmp_path / f"{name}.docx", offset, wrap, relative_from=relative_from, rule=rule)
    items = [(path, Report(path.name), Recogniser(path, path.name)) for path in paths.values()]
    render_all(items, None)
    for (name, (_, _, above)), (_, report, _) in zip(cases.items(), items, strict=True):
        assert report.render_error is None
        printed = [d.actual for d in report.deviations if d.code == "render-rule-place"]
        assert printed == (["在发文字号之上"] if above else []), (name, show(report))
        static = [d.actual for d in check_docx(paths[name]).deviations if d.code == "rule-place"]
        assert static == (["在发文字号之上"] if above else []), (name, static)


def test_a_bar_drawn_without_an_outline_is_a_rule(tmp_path: Path) -> None:
    """A thin rectangle filled red with its outline off (how some templates draw a rule in
    DrawingML) is the rule, in its fill's colour; it was skipped as an outline switched off and
    the file reported rule-missing."""
    bar = _line(10.5, "wrapTopAndBottom")
    spacing = {"a": _A}
    geometry = bar.find(".//a:prstGeom", spacing)
    geometry.set("prst", "rect")
    ext = bar.find(".//a:xfrm/a:ext", spacing)
    ext.set("cy", str(round(0.5 * _EMU_PER_MM)))
    outline = bar.find(".//a:ln", spacing)
    for child in list(outline):
        outline.remove(child)
    outline.append(parse_xml(f'<a:noFill xmlns:a="{_A}"/>'))
    geometry.addnext(parse_xml(f'<a:solidFill xmlns:a="{_A}"><a:srgbClr val="FF0000"/></a:solidFill>'))
    report = check_docx(_headed(tmp_path / "bar.docx", 0, rule=bar))
    assert not {c for c in report.codes if c.startswith("rule")}, show(report)
    black = check_docx(_headed(tmp_path / "black.docx", 0, rule=_recoloured(bar, "000000")))
    assert "rule-color" in black.codes, show(black)


def _recoloured(run: object, color: str) -> object:
    import copy

    out = copy.deepcopy(run)
    out.find(f".//{{{_A}}}solidFill/{{{_A}}}srgbClr").set("val", color)  # type: ignore[attr-defined]
    return out
