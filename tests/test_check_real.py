"""``wenshu check`` on real offices' Word files, judged finding by finding (issue 12).

The corpus (shared/corpus/real-docx: fourteen .docx from public repositories and verdicts.tsv,
one row per finding an earlier wenshu reported, judged T true / F false / D debatable) lives
beside the checkout like the seeds. The test runs the checker on every file and compares: every
finding judged false must be gone, every true one still found, and the precision (true findings
among true and false ones) is computed and printed.

A finding of today matches a verdict row when the code is the same, the row's excerpt is among
the finding's places and the element is the same (for a true row, or the value: a finding may
gather several elements sharing one setting and is still the same deviation at the same spot;
or, for a true row, the same code, element and value anywhere: the same claim whose first place
moved).
Findings no row judges are counted and listed as unjudged.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wenshu.check import Deviation, analyse, check_docx, check_files
from wenshu.check.rules.page_numbers import LETTER_PAGES_NOTE
from wenshu.render.merge import merge_docx

from .test_check import (
    DOC,
    STYLES,
    codes,
    document,  # noqa: F401  (fixture)
    foreign,
    letter,  # noqa: F401  (fixture)
    mutate,
    part_with,
    replace_once,
    show,
)

REPO = Path(__file__).resolve().parents[1]
CORPUS = (
    next((p for p in (REPO.parent / "shared", Path("/work/shared")) if p.is_dir()), REPO.parent / "shared")
    / "corpus"
    / "real-docx"
)
VERDICTS = CORPUS / "verdicts.tsv"
# Rows judged since, for findings of rules added later (the shared corpus is not edited here):
# the same columns, the same T/F/D.
ADDED_VERDICTS = Path(__file__).with_name("real_verdicts_added.tsv")


@dataclass
class Tally:
    """Verdicts of one file's (or all files') findings today."""

    true: int = 0
    false: int = 0
    debatable: int = 0
    unjudged: list[str] = field(default_factory=list)
    false_left: list[str] = field(default_factory=list)
    true_lost: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        judged = self.true + self.false
        return self.true / judged if judged else 1.0

    def add(self, other: Tally) -> None:
        self.true += other.true
        self.false += other.false
        self.debatable += other.debatable
        self.unjudged += other.unjudged
        self.false_left += other.false_left
        self.true_lost += other.true_lost


# Values the report words differently since the verdicts were judged: the same finding.
_REWORDED = {
    "主题字体 minorEastAsia": "主题字体“+中文正文”",
    "left，缩进 0.0 字": "居左，缩进 0.0 字",
    "right，缩进 0.0 字": "居右，缩进 0.0 字",
}


def _matches(dev: Deviation, row: dict[str, str]) -> bool:
    """Same code at the same spot. A false finding's fault was nearly always the element it
    named (a mark read as the title), so it matches only under that name; a true one also
    when renamed or gathered with others (same value at the same spot)."""
    if dev.code != row["code"]:
        return False
    same_element = dev.element == row["element"]
    same_value = dev.actual == _REWORDED.get(row["actual"], row["actual"])
    if row["verdict"] == "T" and same_element and same_value:
        return True  # the same claim, its first place moved (a 版记 now read longer)
    excerpts = {loc.excerpt for loc in dev.locations}
    if row["excerpt"] and row["excerpt"] not in excerpts:
        return False
    return same_element or (row["verdict"] == "T" and same_value)


def judge(deviations: list[Deviation], rows: list[dict[str, str]]) -> Tally:
    """Each finding takes the verdict of the rows it matches (T before F before D)."""
    tally = Tally()
    for dev in deviations:
        verdicts = {row["verdict"] for row in rows if _matches(dev, row)}
        if "T" in verdicts:
            tally.true += 1
        elif "F" in verdicts:
            tally.false += 1
            tally.false_left.append(str(dev))
        elif "D" in verdicts:
            tally.debatable += 1
        else:
            tally.unjudged.append(str(dev))
    for row in rows:
        if row["verdict"] == "T" and not any(_matches(dev, row) for dev in deviations):
            tally.true_lost.append(f"#{row['#']} {row['code']} {row['element']} {row['excerpt']}")
    return tally


def _rows() -> dict[str, list[dict[str, str]]]:
    by_file: dict[str, list[dict[str, str]]] = {}
    for path in (VERDICTS, ADDED_VERDICTS):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                by_file.setdefault(row["file"], []).append(row)
    return by_file


@pytest.mark.skipif(not VERDICTS.is_file(), reason=f"真实公文语料不在 {CORPUS}（shared/ 不在检出目录旁）")
def test_real_files_against_verdicts() -> None:
    total = Tally()
    lines = []
    for name, rows in sorted(_rows().items()):
        report = check_docx(CORPUS / f"{name}.docx")
        assert report.error is None, f"{name}: {report.error}"
        tally = judge(report.deviations, rows)
        total.add(tally)
        lines.append(
            f"{name:30s} T={tally.true:3d} F={tally.false} D={tally.debatable} "
            f"new={len(tally.unjudged)} precision={tally.precision:.0%}"
        )
    lines.append(f"overall precision {total.precision:.1%} (T={total.true}, F={total.false})")
    print("\n".join(lines))
    assert not total.false_left, "judged false, still reported:\n" + "\n".join(total.false_left)
    assert not total.true_lost, "judged true, no longer found:\n" + "\n".join(total.true_lost)


# -- hand-made constructs real files use (each built here from wenshu's own output) --------


_MARK = re.compile(r'<w:p><w:pPr><w:pStyle w:val="WsMark"/>.*?</w:p>', re.S)
_DOC_NUMBER_RULE = '<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="11" w:color="FF0000"/></w:pBdr>'
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _anchor(shape: str, cx: int, cy: int) -> str:
    """A floating DrawingML shape in a run, as Word 2010+ and WPS write it."""
    return (
        '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        '<wp:docPr id="1" name="shape"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic xmlns:a="{_A}"><a:graphicData uri="{_WPS}">'
        f"<wps:wsp>{shape}</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )


def _in_text_box(paragraph: str) -> str:
    """``paragraph`` moved into a text box without outline, with the VML copy Word adds: 156 mm
    wide, 55 mm high and without inner margins, so that the mark (35 mm of space before it, a
    line of 16.3 mm) stands where it stood (the box's top is its paragraph's)."""
    shape = (
        '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5615940" cy="1980000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:ln><a:noFill/></a:ln></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{paragraph}</w:txbxContent></wps:txbx>"
        '<wps:bodyPr lIns="0" tIns="0" rIns="0" bIns="0"/>'
    )
    return (
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps">'
        f"{_anchor(shape, 5615940, 1980000)}</mc:Choice><mc:Fallback><w:pict>"
        '<v:rect style="width:442.2pt;height:155.9pt" stroked="f">'
        f'<v:textbox inset="0,0,0,0"><w:txbxContent>{paragraph}'
        "</w:txbxContent></v:textbox></v:rect></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )


def _drawn_line(length_mm: float, color: str = "FF0000", cmpd: str = "sng") -> str:
    """A paragraph holding a straight line shape ``length_mm`` long."""
    cx = round(length_mm * 36000)
    shape = (
        f'<wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="0"/></a:xfrm>'
        '<a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
        f'<a:ln w="19050" cmpd="{cmpd}"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:ln>'
        "</wps:spPr><wps:bodyPr/>"
    )
    return f"<w:p><w:r>{_anchor(shape, cx, 0)}</w:r></w:p>"


def test_a_mark_in_a_text_box_is_the_mark_read_once(document):  # noqa: F811
    """Red-header templates set the mark in a text box (mc:Choice + VML mc:Fallback): it is
    the 版头's mark, its text is not counted twice nor read as body text."""
    boxed = mutate(document, DOC, lambda t: _MARK.sub(lambda m: _in_text_box(m.group(0)), t, count=1))
    report, doc = analyse(boxed)
    assert codes(report) == set(), show(report)
    marks = doc.mark()
    assert [p.text for p in marks] == ["河南省知识产权局文件"]
    assert all("河南省知识产权局文件" not in p.text for p in doc.paragraphs if not p.in_box)
    # another office's file the same way: recognised by content
    report, doc = analyse(foreign(boxed))
    assert codes(report) == set(), show(report)
    assert [p.text for p in doc.mark()] == ["河南省知识产权局文件"]


def test_a_text_box_outline_is_not_a_rule(document):  # noqa: F811
    """The rule under the 发文字号 drawn as a red line counts; a box's outline switched off does not."""
    drawn = mutate(
        document,
        DOC,
        lambda t: t.replace(_DOC_NUMBER_RULE, "", 1).replace(
            '<w:p><w:pPr><w:pStyle w:val="WsTitle"/>',
            _drawn_line(156) + '<w:p><w:pPr><w:pStyle w:val="WsTitle"/>',
            1,
        ),
    )
    assert codes(check_docx(drawn)) == set()
    boxed_only = mutate(
        document,
        DOC,
        lambda t: _MARK.sub(lambda m: _in_text_box(m.group(0)), t.replace(_DOC_NUMBER_RULE, "", 1), count=1),
    )
    assert codes(check_docx(boxed_only)) == {"rule-missing"}


def test_drawn_red_double_lines_make_a_letter(document):  # noqa: F811
    """Two red thickThin lines 170 mm long drawn on the first page are the 信函格式's rules
    (§10.1): no page number is asked of page 1 and no 文件格式 rule is missed."""
    letterish = mutate(
        document,
        DOC,
        lambda t: (
            _MARK.sub(lambda m: m.group(0).replace("河南省知识产权局文件", "河南省知识产权局"), t, count=1)
            .replace(_DOC_NUMBER_RULE, "", 1)
            .replace(
                '<w:p><w:pPr><w:pStyle w:val="WsDocNumber"/>',
                _drawn_line(170, cmpd="thickThin") + '<w:p><w:pPr><w:pStyle w:val="WsDocNumber"/>',
                1,
            )
            .replace(
                '<w:p><w:pPr><w:pStyle w:val="WsSignature"/>',
                _drawn_line(170, cmpd="thinThick") + '<w:p><w:pPr><w:pStyle w:val="WsSignature"/>',
                1,
            )
        ),
    )
    report, doc = analyse(letterish)
    assert doc.format == "letter"
    # The rules are found. What a letter asks besides (no page number on page 1, the
    # 发文字号 on the right) is asked of this converted document, as it should be.
    found = codes(report)
    assert not found & {"rule-missing", "letter-rule", "rule-color"}, show(report)
    assert "letter-first-page-number" in found
    without_lower = mutate(letterish, DOC, replace_once(_drawn_line(170, cmpd="thinThick"), ""))
    assert "letter-rule" in codes(check_docx(without_lower))
    # a single 156 mm line is the 文件格式's rule, not a letter's
    plain = mutate(
        document,
        DOC,
        lambda t: t.replace(_DOC_NUMBER_RULE, "", 1).replace(
            '<w:p><w:pPr><w:pStyle w:val="WsTitle"/>',
            _drawn_line(156) + '<w:p><w:pPr><w:pStyle w:val="WsTitle"/>',
            1,
        ),
    )
    assert analyse(plain)[1].format == "document"


def test_a_distributed_mark_is_centred(document):  # noqa: F811
    strange = foreign(document)
    first = re.compile(r'(<w:p><w:pPr><w:pStyle w:val="s\d+"/><w:spacing w:before="1984" w:after="0"[^>]*/>)')
    spread = mutate(strange, DOC, lambda t: first.sub(r'\1<w:jc w:val="distribute"/>', t, count=1))
    assert codes(check_docx(spread)) == set()
    left = mutate(strange, DOC, lambda t: first.sub(r'\1<w:jc w:val="left"/>', t, count=1))
    assert codes(check_docx(left)) == {"mark-align"}


def test_a_grid_counts_from_the_normal_style(letter):  # noqa: F811
    """ECMA-376 DocGrid.CharacterSpace: charSpace is added to the Normal style's size. With a
    16 pt Normal and defaults of 10.5 pt, −849 gives 15.79 pt a character: 28 a line."""
    gridded = mutate(
        mutate(
            letter,
            STYLES,
            lambda t: t.replace('<w:spacing w:val="-5"/>', "").replace(
                '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
                '<w:kern w:val="2"/><w:sz w:val="21"/><w:szCs w:val="21"/>',
                1,
            ),
        ),
        DOC,
        replace_once(
            '<w:docGrid w:linePitch="579"/>',
            '<w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/>',
        ),
    )
    assert "chars-per-line" not in codes(check_docx(gridded)), show(check_docx(gridded))
    wide = mutate(gridded, DOC, replace_once('w:charSpace="-849"', 'w:charSpace="4000"'))
    (dev,) = [d for d in check_docx(wide).deviations if d.code == "chars-per-line"]
    assert dev.actual.startswith("每行 26 字")  # 8844 / (320 + 4000 × 20 / 4096) = 26.1


def _without_separate(footer: str) -> str:
    """The PAGE field as python-docx users write it: begin, instrText, end — no result."""
    return footer.replace('<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>', "")


def test_a_page_field_without_separate_is_a_page_number(letter):  # noqa: F811
    odd = part_with(letter, 'w:jc w:val="right"/></w:pPr><w:r><w:t xml:space="preserve">— ')
    even = part_with(letter, 'w:jc w:val="left"/></w:pPr><w:r><w:t xml:space="preserve">— ')
    bare = mutate(mutate(letter, odd, _without_separate), even, _without_separate)
    assert codes(check_docx(bare)) == set(), show(check_docx(bare))
    # and footers whose field is not PAGE have no page number
    other = mutate(
        mutate(bare, odd, replace_once(" PAGE ", " DATE ")), even, replace_once(" PAGE ", " DATE ")
    )
    assert "page-number-missing" in codes(check_docx(other))


def test_a_theme_font_that_resolves_to_songti_is_a_note(letter):  # noqa: F811
    """A page number in the theme's East Asian font prints in 宋体 through the zh-CN theme:
    a portability note, not a deviation. A body text in it (not 仿宋) stays a deviation."""
    themed = mutate(
        letter,
        STYLES,
        lambda t: re.sub(
            r'(w:styleId="WsPageNumber".*?)<w:rFonts [^>]*/>',
            r'\1<w:rFonts w:asciiTheme="minorEastAsia" w:hAnsiTheme="minorEastAsia" '
            r'w:eastAsiaTheme="minorEastAsia"/>',
            t,
            count=1,
            flags=re.S,
        ),
    )
    report = check_docx(themed)
    assert codes(report) == set(), show(report)
    assert any("主题字体" in note and "宋体" in note for note in report.notes), report.notes
    body = mutate(
        letter,
        STYLES,
        lambda t: re.sub(
            r'(w:styleId="WsBody".*?)<w:rFonts [^>]*/>',
            r'\1<w:rFonts w:eastAsiaTheme="minorEastAsia"/>',
            t,
            count=1,
            flags=re.S,
        ),
    )
    report = check_docx(body)
    (dev,) = [d for d in report.deviations if d.code == "theme-font"]
    assert len(report.deviations) == 1, show(report)  # one setting, one finding
    # named as Word's font box shows it, not as the XML attribute
    assert "+中文" in dev.actual and "w:eastAsia" not in dev.expected, show(report)


def test_a_record_table_with_cells_side_by_side(document):  # noqa: F811
    """Another office's 版记 as a table: 抄送： and the offices in two cells, the printer and the
    date in two cells; with a cell margin of one character the text need no indent."""
    strange = foreign(document)

    def split(t: str) -> str:
        t = t.replace(
            '<w:tblCellMar><w:left w:w="0" w:type="dxa"/>',
            '<w:tblCellMar><w:left w:w="320" w:type="dxa"/>',
            1,
        )
        t = re.sub(
            r'(<w:p><w:pPr><w:pStyle w:val="(s\d+)"/></w:pPr>)<w:r><w:t xml:space="preserve">抄送：',
            r"\1<w:r><w:t>抄送：</w:t></w:r></w:p></w:tc><w:tc>"
            r'<w:p><w:pPr><w:pStyle w:val="\2"/></w:pPr><w:r><w:t xml:space="preserve">',
            t,
            count=1,
        )
        return t

    # the cell margin places the text: the paragraphs themselves are not indented
    flush = replace_once('<w:ind w:left="280" w:right="280"', '<w:ind w:left="0" w:right="0"')
    unindented = mutate(strange, STYLES, flush)
    split_doc = mutate(unindented, DOC, split)
    report, doc = analyse(split_doc)
    records = [p.text for p in doc.role("record")]
    assert records[0] == "抄送：", records
    assert codes(report) == set(), show(report)
    no_period = mutate(split_doc, DOC, replace_once("运用促进司。", "运用促进司"))
    assert codes(check_docx(no_period)) == {"cc-period"}


def test_secrecy_and_urgency_in_the_header_are_not_a_mark(document):  # noqa: F811
    """密级 and 紧急程度 put in a header, red and large, are head-info: not the 信函格式's mark;
    what is said is their place (a header prints above the 版心, §7.2.2)."""
    urgent = (
        '<w:p><w:r><w:rPr><w:rFonts w:eastAsia="黑体"/><w:color w:val="FF0000"/><w:sz w:val="32"/></w:rPr>'
        "<w:t>{}</w:t></w:r></w:p>"
    )
    header = mutate(
        document,
        "word/header1.xml",
        replace_once("</w:hdr>", urgent.format("机密★1年") + urgent.format("特急") + "</w:hdr>"),
    )
    report, doc = analyse(header)
    assert doc.format == "document"
    assert codes(report) == {"head-info-place"}, show(report)
    (place,) = report.deviations
    assert place.actual == "在首页页眉中（版心之外）" and len(place.locations) == 2, show(report)
    assert [p.role for p in doc.first_page_header() if p.text] == ["head-info", "head-info"]


def test_placeholders_stand_for_signature_and_date(letter):  # noqa: F811
    """A template's [发文单位] and [日期], set right, are the signature and the date: not body
    text to be indented, not a date in the wrong form."""
    strange = foreign(letter)
    filled = mutate(
        strange,
        DOC,
        lambda t: t.replace(
            ">国家知识产权局办公室</w:t></w:r></w:p><w:p>", ">[发文单位]</w:t></w:r></w:p><w:p>", 1
        ).replace(">2023年7月18日<", ">[日期]<", 1),
    )
    report, doc = analyse(filled)
    roles = {p.text.strip(): p.role for p in doc.paragraphs}
    assert roles["[发文单位]"] == "signature" and roles["[日期]"] == "date"
    assert not {"indent", "date-form"} & codes(report), show(report)
    # a template's 发文字号 to be filled in is read as the 发文字号, its form not judged yet
    template = mutate(strange, DOC, replace_once("国知办函运字〔2023〕582号", "XXX〔2023〕X号"))
    report, doc = analyse(template)
    assert [p.text.strip() for p in doc.role("doc-number")] == ["XXX〔2023〕X号"]
    assert "doc-number" not in codes(report), show(report)


def test_a_vml_connector_drawn_by_wps_is_a_line(document):  # noqa: F811
    """WPS draws a rule as a VML connector (shapetype 32) with a thickThin stroke."""

    def drawn(width_pt: float) -> bytes:
        connector = (
            '<w:p><w:r><w:pict><v:shape type="#_x0000_t32" '
            f'style="position:absolute;width:{width_pt}pt;height:0pt" '
            'strokecolor="red" strokeweight="2.25pt"><v:stroke linestyle="thickThin"/></v:shape>'
            "</w:pict></w:r></w:p>"
        )
        return mutate(
            document,
            DOC,
            lambda t: t.replace(_DOC_NUMBER_RULE, "", 1).replace(
                '<w:p><w:pPr><w:pStyle w:val="WsTitle"/>',
                connector + '<w:p><w:pPr><w:pStyle w:val="WsTitle"/>',
                1,
            ),
        )

    report = check_docx(drawn(442.2))  # 156 mm, the 版心's width
    assert codes(report) == set(), show(report)  # the 版头's rule is found
    # 481.9 pt = 170 mm: under a “××文件” mark, wider than the 版心 (§7.2.7) ...
    (dev,) = check_docx(drawn(481.9)).deviations
    assert (dev.code, dev.actual) == ("rule-width", "170.0 mm"), dev
    # ... and without “文件” in the mark, red and double, a 信函格式's line
    unnamed = mutate(drawn(481.9), DOC, replace_once(">河南省知识产权局文件<", ">河南省知识产权局<"))
    assert analyse(unnamed)[1].format == "letter"


def test_a_seal_remark_between_signature_and_date(letter):  # noqa: F811
    """“（此处加盖印章）” between the signature and the date leaves the signature recognised."""
    remark = '<w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:t>（此处加盖印章）</w:t></w:r></w:p>'
    date = re.compile(r"(<w:p>(?:(?!<w:p>).)*?>2023年7月18日<)", re.S)
    remarked = mutate(foreign(letter), DOC, lambda t: date.sub(lambda m: remark + m.group(1), t, count=1))
    _, doc = analyse(remarked)
    roles = {p.text.strip(): p.role for p in doc.paragraphs}
    assert roles["（此处加盖印章）"] == "aside"
    assert roles["国家知识产权局办公室"] == "signature"


@pytest.mark.skipif(not VERDICTS.is_file(), reason=f"真实公文语料不在 {CORPUS}（shared/ 不在检出目录旁）")
def test_a_print_count_below_the_imprint_line_leaves_the_last_rule_found() -> None:
    """lawliet_test_notice: 抄送, 分送 and the 印发 line bordered top and bottom as one group,
    then “共印2份” (a 1999-style 印数) below the last rule: the rules are there."""
    report = check_docx(CORPUS / "lawliet_test_notice.docx")
    assert "record-rule" not in codes(report), show(report)


@pytest.mark.render
@pytest.mark.skipif(not VERDICTS.is_file(), reason=f"真实公文语料不在 {CORPUS}（shared/ 不在检出目录旁）")
def test_the_page_number_gap_estimate_on_the_real_files(tmp_path: Path) -> None:
    """The page-number-gap estimate of each real file whose footer number is not in a text box
    or frame (9 of the 14: 14.1 to 19.4 mm) is what LibreOffice prints within 1 mm — the dash's
    top edge under the 版心 read off the first numbered page's image, as ``check --render`` measures it."""
    from wenshu import layout as L
    from wenshu.check.reading.ooxml import to_int, wtag, wval
    from wenshu.check.rules.page_numbers import dash_above_footer_foot_mm
    from wenshu.office.ink import dash_below_box_top
    from wenshu.office.libreoffice import LibreOffice, read_pages
    from wenshu.office.pages import PAGE_NUMBER, compact

    estimates: dict[Path, float] = {}
    for path in sorted(CORPUS.glob("*.docx")):
        _, doc = analyse(path)
        section = doc.sections[0]
        part = section.refs.get(("footer", "default"))
        paras = doc.part_paragraphs(part, "页脚（单页）") if part else []
        numbers = [p for p in paras if p.role == "page-number"]
        if not numbers or section.el.find(wtag("pgMar")) is None:
            continue
        if any(a.tag == wtag("txbxContent") for a in numbers[0].el.iterancestors()):
            continue
        if numbers[0].el.find(f"{wtag('pPr')}/{wtag('framePr')}") is not None:
            continue
        footer = to_int(wval(section.el.find(wtag("pgMar")), "footer"), 720) / L.TWIPS_PER_MM
        estimates[path] = (
            section.bottom / L.TWIPS_PER_MM - footer - dash_above_footer_foot_mm(doc, paras, numbers[0])
        )
    assert len(estimates) == 9, sorted(p.stem for p in estimates)
    _, bottom, _, _ = L.text_area_pt()
    with LibreOffice() as office:
        pdfs = office.convert(list(estimates), tmp_path)
    for path, estimate in estimates.items():
        page, row = next(  # page one of a letter has none
            (page, r)
            for page in read_pages(pdfs[path])
            for r in page.rows
            if PAGE_NUMBER.match(compact(r.text)) and r.y1 > bottom
        )
        measured = (row.y0 + dash_below_box_top(pdfs[path], page.number, row) - bottom) / L.PT_PER_MM
        assert abs(measured - estimate) < 1, (path.stem, round(measured, 1), round(estimate, 1))


# A 函 of the corpus (zhaohui_reply_letter: a 回复函 without 版头) given the 信函格式's 版头 —
# the organ's name in red, the 发文字号 on the right — and no footer, as letters are sent.
_LETTER_HEAD = (
    '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/>'
    '<w:color w:val="FF0000"/><w:sz w:val="84"/></w:rPr><w:t>示例市人民政府办公室</w:t></w:r></w:p>'
    '<w:p><w:pPr><w:jc w:val="right"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/>'
    '<w:sz w:val="32"/></w:rPr><w:t>示政办函〔2026〕1号</w:t></w:r></w:p>'
)


def _corpus_letter(*, pages: int) -> bytes:
    """zhaohui_reply_letter as a 信函格式 letter without a footer: two pages as it is (the 版头
    takes four lines), one page without its 来文回顾 and 执行要求 sections (looked at on the
    rendered page: the signature, date and 联系人 on page one)."""

    def letter_without_footer(text: str) -> str:
        text = re.sub(
            r"<w:footerReference [^>]*/>", "", text.replace("<w:body>", "<w:body>" + _LETTER_HEAD, 1)
        )
        for needle in ("执行要求", "请贵单位同步提供", "来文回顾", "贵单位《关于协同") if pages == 1 else ():
            text = re.sub(rf"<w:p>(?:(?!<w:p>).)*?{needle}.*?</w:p>", "", text, count=1, flags=re.S)
        return text

    return mutate((CORPUS / "zhaohui_reply_letter.docx").read_bytes(), DOC, letter_without_footer)


@pytest.mark.skipif(not VERDICTS.is_file(), reason=f"真实公文语料不在 {CORPUS}（shared/ 不在检出目录旁）")
def test_a_letter_without_page_numbers_is_judged_by_its_pages() -> None:
    """§10.1: a letter's first page shows no number, so a one-page letter without a footer is
    right (it was told “页脚中没有页码”). One surely longer than a page — a page break before
    some text, or a page end where Word last laid it out — needs numbers from page two."""
    one = _corpus_letter(pages=1)
    report, doc = analyse(one)
    assert doc is not None and doc.format == "letter"
    assert "page-number-missing" not in codes(report), show(report)
    assert LETTER_PAGES_NOTE in report.notes  # whether it is one page is told by --render
    # one-page letters merged for printing, each a section from page 1: the same
    merged = check_docx(merge_docx([one, one]))
    assert "page-number-missing" not in codes(merged), show(merged)
    closing = '<w:t xml:space="preserve">特此函复。'
    for before in ('<w:br w:type="page"/>', "<w:lastRenderedPageBreak/>"):
        several = mutate(one, DOC, replace_once(closing, before + closing))
        report = check_docx(several)
        (missing,) = [d for d in report.deviations if d.code == "page-number-missing"]
        assert "第二页起" in missing.expected and LETTER_PAGES_NOTE not in report.notes, show(report)


@pytest.mark.render
@pytest.mark.skipif(not VERDICTS.is_file(), reason=f"真实公文语料不在 {CORPUS}（shared/ 不在检出目录旁）")
def test_a_letter_without_page_numbers_on_the_page(tmp_path: Path) -> None:
    """Laid out, the one-page letter has no number and no finding (the note is answered); the
    two-page one, which the static check cannot count, lacks the number of its page two."""
    paths = []
    for pages in (1, 2):
        paths.append(tmp_path / f"letter-{pages}.docx")
        paths[-1].write_bytes(_corpus_letter(pages=pages))
    one, two = check_files(paths, render=True)
    assert one.measurements["pages"] == 1 and two.measurements["pages"] == 2
    assert not {c for c in one.codes if "page-number" in c}, show(one)
    assert LETTER_PAGES_NOTE not in one.notes
    (missing,) = [d for d in two.deviations if d.code == "render-page-number"]
    assert missing.expected == "— 2 —" and "第 2 页" in str(missing), show(two)
