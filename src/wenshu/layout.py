"""Every GB/T 9704-2012 number wenshu uses, named for what it is, with its clause.

Units: millimetres (``_MM``), points (``_PT``), half-points as Word stores font sizes
(``_HALF_PT``), twentieths of a point (``_TWIPS``) and eighths of a point for rules
(``_EIGHTHS``). Nothing else in wenshu may hard-code a layout number.
"""

from __future__ import annotations

MM_PER_INCH = 25.4
PT_PER_INCH = 72
PT_PER_MM = PT_PER_INCH / MM_PER_INCH
TWIPS_PER_PT = 20
TWIPS_PER_MM = TWIPS_PER_PT * PT_PER_INCH / MM_PER_INCH


def mm_to_twips(mm: float) -> int:
    """Convert millimetres to twips, rounded to the nearest twip."""
    return round(mm * TWIPS_PER_MM)


def mm_to_pt(mm: float) -> float:
    """Convert millimetres to points."""
    return mm * PT_PER_MM


# §5.1 paper: A4.
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297

# §5.2.1 版心 156 × 225 mm; 天头 37 mm, 订口 28 mm; the rest follows.
TOP_MARGIN_MM = 37
LEFT_MARGIN_MM = 28
MARGIN_TOLERANCE_MM = 1  # §5.2.1 37 mm ± 1 mm, 28 mm ± 1 mm
TEXT_WIDTH_MM = 156
TEXT_HEIGHT_MM = 225
BOTTOM_MARGIN_MM = PAGE_HEIGHT_MM - TOP_MARGIN_MM - TEXT_HEIGHT_MM  # 35
RIGHT_MARGIN_MM = PAGE_WIDTH_MM - LEFT_MARGIN_MM - TEXT_WIDTH_MM  # 26

# §8 横排表格: a landscape page turns a quarter; its margins turn with it, so the 版心
# keeps its size (156 × 225 mm, now 225 wide). It is read turned counter-clockwise: its top
# (the table head) on the sheet's left — the binding side of an odd page, the cut side of an
# even one, as §8 wants — and its left edge at the sheet's foot.
LANDSCAPE_TOP_MARGIN_MM = LEFT_MARGIN_MM
LANDSCAPE_BOTTOM_MARGIN_MM = RIGHT_MARGIN_MM
LANDSCAPE_LEFT_MARGIN_MM = BOTTOM_MARGIN_MM
LANDSCAPE_RIGHT_MARGIN_MM = TOP_MARGIN_MM
# §8 (the 版心 keeps its place on a landscape page): the header, an empty 4号 line, must end
# inside the page's top margin (28 mm), or Word and LibreOffice start the 版心 under it. At
# the portrait pages' distance (LETTER_MARK_TOP_MM, 30 mm) the landscape text began 9 mm low
# (measured); 10 mm plus the line's 7 mm stays inside.
LANDSCAPE_HEADER_DISTANCE_MM = 10
# §8 the page number of a landscape page stays where the portrait pages have it: at the
# sheet's foot, i.e. by the page's left edge, in a box this deep and this long (room for
# “— 999 —” in 4号).
LANDSCAPE_NUMBER_BOX_DEPTH_MM = 7
LANDSCAPE_NUMBER_BOX_LENGTH_MM = 40


def page_setup_twips(landscape: bool = False) -> dict[str, int]:
    """A section's paper and margins in twips, by the OOXML attribute that holds each
    (``w:pgSz`` w/h, ``w:pgMar`` top/bottom/left/right/header): A4 (§5.1), the 版心's margins
    (§5.2.1), turned a quarter on a landscape page (§8). The header distance is where the
    信函格式's mark stands on a portrait page (§10.1) and inside the top margin on a landscape one."""
    if landscape:
        mm = {
            "w": PAGE_HEIGHT_MM,
            "h": PAGE_WIDTH_MM,
            "top": LANDSCAPE_TOP_MARGIN_MM,
            "bottom": LANDSCAPE_BOTTOM_MARGIN_MM,
            "left": LANDSCAPE_LEFT_MARGIN_MM,
            "right": LANDSCAPE_RIGHT_MARGIN_MM,
            "header": LANDSCAPE_HEADER_DISTANCE_MM,
        }
    else:
        mm = {
            "w": PAGE_WIDTH_MM,
            "h": PAGE_HEIGHT_MM,
            "top": TOP_MARGIN_MM,
            "bottom": BOTTOM_MARGIN_MM,
            "left": LEFT_MARGIN_MM,
            "right": RIGHT_MARGIN_MM,
            "header": LETTER_MARK_TOP_MM,
        }
    return {name: mm_to_twips(value) for name, value in mm.items()}


def text_area_pt(landscape: bool = False) -> tuple[float, float, float, float]:
    """The 版心 on the page, in points from its top-left corner: (top, bottom, left, right)
    (§5.2.1; a landscape page turns it a quarter, §8)."""
    if landscape:
        top, left = LANDSCAPE_TOP_MARGIN_MM, LANDSCAPE_LEFT_MARGIN_MM
        height, width = TEXT_WIDTH_MM, TEXT_HEIGHT_MM
    else:
        top, left = TOP_MARGIN_MM, LEFT_MARGIN_MM
        height, width = TEXT_HEIGHT_MM, TEXT_WIDTH_MM
    return top * PT_PER_MM, (top + height) * PT_PER_MM, left * PT_PER_MM, (left + width) * PT_PER_MM


# §5.2.3 22 lines × 28 characters. 225 mm / 22 = 28.99 pt; Word keeps whole twips and
# 580 twips already drops a line, so the exact line pitch is 579 twips (28.95 pt).
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH_TWIPS = 579
# 28 × 16 pt = 448 pt > 156 mm (442.2 pt): −0.25 pt of character spacing makes 28 fit.
CHAR_SPACING_TWIPS = -5

# §5.2.2 / common practice: font sizes. 3号 = 16 pt, 2号 = 22 pt, 4号 = 14 pt.
BODY_SIZE_PT = 16
TITLE_SIZE_PT = 22
RECORD_SIZE_PT = 14  # §7.4.2, §7.4.3 版记
PAGE_NUMBER_SIZE_PT = 14  # §7.5 页码 4号
TABLE_SIZES_PT = {"三号": 16, "四号": 14, "小四": 12, "五号": 10.5}
# Tables (common practice; §8 sets only how a landscape one turns): 4号 unless a spec says
# otherwise (font_size).
TABLE_SIZE_PT = TABLE_SIZES_PT["四号"]
# A table cell's text 1.5 mm in from its left and right rules (common practice; the standard
# sets none); rows take no padding above or below, so a row is as high as its lines.
TABLE_CELL_MARGIN_TWIPS = 85
TABLE_RULE_EIGHTHS = 4  # ½ pt rules round every cell
# A row left blank to be filled in by hand (a 回执's or 联系信息表's rows) is at least one line
# of 正文 high (common practice; the standard sets none): a row as high as its empty 4号 line
# (5.8 mm measured) leaves no room for handwriting the size of the 3号 text around it.
BLANK_ROW_MIN_HEIGHT_TWIPS = LINE_PITCH_TWIPS
# One full-width character's advance in body text (16 pt with −0.25 pt spacing).
CHAR_ADVANCE_TWIPS = BODY_SIZE_PT * TWIPS_PER_PT + CHAR_SPACING_TWIPS  # 315
BODY_INDENT_CHARS = 2  # §7.3.3 每个自然段左空二字 (§7.3.4 附件说明, §7.3.6 附注 the same)
BODY_INDENT_TWIPS = BODY_INDENT_CHARS * CHAR_ADVANCE_TWIPS
# §7.2.3 上行文: the 发文字号 one character from the left; §7.2.4 签发人 one from the right.
SIGNER_LINE_INDENT_TWIPS = CHAR_ADVANCE_TWIPS

# Typefaces named in documents (the usual practice for the standard's typeface classes).
FONT_BODY = "仿宋_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_HEADING_1 = "黑体"
FONT_HEADING_2 = "楷体_GB2312"
FONT_SIGNER_NAME = "楷体_GB2312"  # §7.2.4 签发人姓名 3号楷体 (“签发人：” itself 3号仿宋)
FONT_PAGE_NUMBER = "宋体"
FONT_LATIN = "Times New Roman"

# §7.2.4 发文机关标志: red; glyphs no wider than 15 mm in practice.
RED = "FF0000"
MARK_MAX_GLYPH_MM = 15
MARK_MIN_SIZE_PT = 22
# §7.2.4 文件格式: the mark's top edge 35 mm below the top of the 版心.
DOCUMENT_MARK_OFFSET_MM = 35
# §7.2.7 版头分隔线 4 mm under the 发文字号; §10.1 信函格式 double rules 4 mm under the mark.
HEAD_RULE_GAP_MM = 4
HEAD_RULE_EIGHTHS = 12  # 1.5 pt red rule
# §7.2.4, §10.1 where the mark's edges are: the top and foot of its glyphs' em box (字身框), the
# one box every CJK font shares: 1 em tall, its top IDEOGRAPHIC_EM_TOP_EM above the baseline
# (OpenType BASE 'ideo' baseline −0.12 em; Noto CJK, the stand-in here). A glyph's ink lies a
# little inside it (measured on LibreOffice's page with Noto Serif CJK SC SemiBold at 42 pt:
# 0.3 mm under the top, 0.7 mm above the foot).
IDEOGRAPHIC_EM_TOP_EM = 0.88
# ECMA-376 §17.3.1.33 w:spacing lineRule="exact": the line is w:line high whatever its font. Both
# programs then hang the baseline this share of the height below the line's top, whatever the
# font: LibreOffice by its code (sw/source/core/text/itrform2.cxx, CalcRealHeight,
# SvxLineSpaceRule::Fix: ascent = 4 × height / 5), Word as measured by others (Word 16 PDFs,
# four Latin families at 12 and 36 pt, openooxml/betteroffice PR #180 “0.80 × H”; not measured
# here, and not on 方正小标宋简体).
EXACT_LINE_ASCENT = 0.8
# The mark's line, exact, as high as puts its top on the em box's top (1.1 em): the mark's top
# edge is then the line's top, which the header distance (信函格式) or the spacing before the
# paragraph (文件格式) places, in any font whose em box is the ideographic one; and no ink
# rises above the line, where Word would clip it.
MARK_LINE_EM = IDEOGRAPHIC_EM_TOP_EM / EXACT_LINE_ASCENT


def mark_line_twips(size_pt: float) -> int:
    """The exact height, in twips, of the 发文机关标志's line at ``size_pt`` (§7.2.4, §10.1):
    its top is the top of the mark's em box."""
    return round(size_pt * MARK_LINE_EM * TWIPS_PER_PT)


def letter_rule_space_pt(size_pt: float) -> int:
    """The space, in whole points (ECMA-376 §17.3.1.7, the w:bottom border's w:space),
    between the foot of the 信函格式 mark's line and the red double rule drawn as its bottom
    border, so that the rule lies HEAD_RULE_GAP_MM under the mark's em box (§10.1): the
    line reaches (MARK_LINE_EM − 1) em below the em box's foot."""
    return max(0, round(mm_to_pt(HEAD_RULE_GAP_MM) - size_pt * (MARK_LINE_EM - 1)))


# §10.1 信函格式: mark 30 mm from the paper top; double rules 170 mm wide, the lower one
# 20 mm above the paper bottom; first page carries no page number.
LETTER_MARK_TOP_MM = 30
LETTER_RULE_WIDTH_MM = 170
LETTER_BOTTOM_RULE_MM = 20
LETTER_RULE_EIGHTHS = 18  # thick line of the double rule (2.25 pt)

# §7.2.4 / §10.1 where the mark's top edge prints, from the paper's top: the 版心's top plus
# DOCUMENT_MARK_OFFSET_MM (文件格式), LETTER_MARK_TOP_MM (信函格式). The standard gives no
# tolerance for it; the 版心 it is measured from may itself stand 1 mm off (§5.2.1 天头
# 37 mm ± 1 mm), so a mark within that of its place stands there.
DOCUMENT_MARK_TOP_MM = TOP_MARGIN_MM + DOCUMENT_MARK_OFFSET_MM
MARK_PLACE_TOLERANCE_MM = MARGIN_TOLERANCE_MM
# Measuring that edge on LibreOffice's page: the stand-in for the CJK faces here (Noto Serif CJK)
# starts a line STANDIN_ASCENT_EM above the baseline (hhea ascender, read from
# NotoSerifCJK-SemiBold.ttc) and the ideographs' em box IDEOGRAPHIC_EM_TOP_EM above it (OS/2 typo
# ascender), so its glyphs print STANDIN_LINE_OVER_EM lower in their line than a face whose
# ascent is its em box.
STANDIN_ASCENT_EM = 1.151
STANDIN_LINE_OVER_EM = STANDIN_ASCENT_EM - IDEOGRAPHIC_EM_TOP_EM


def document_mark_space_twips(head_lines: int) -> int:
    """The space before the 文件格式 mark's line, in twips, when ``head_lines`` lines of 份号,
    密级和保密期限, 紧急程度 (§7.2.1–§7.2.3, one exact LINE_PITCH_TWIPS line each) stand
    above it: §7.2.4 measures DOCUMENT_MARK_OFFSET_MM from the 版心's top whatever is above
    the mark, so those lines take their height out of the space."""
    return max(0, mm_to_twips(DOCUMENT_MARK_OFFSET_MM) - head_lines * LINE_PITCH_TWIPS)


# §7.4.1 版记 rules: first and last 0.35 mm, those between 0.25 mm.
RECORD_OUTER_RULE_MM = 0.35
RECORD_INNER_RULE_MM = 0.25
RECORD_OUTER_RULE_EIGHTHS = 8  # 0.35 mm ≈ 1 pt
RECORD_INNER_RULE_EIGHTHS = 6  # 0.25 mm ≈ 0.75 pt
# Word stores a border's width in eighths of a point; a rule within one eighth (0.044 mm) of
# the standard's millimetres is that rule: LibreOffice writes 0.25 mm as 5/8 pt (it cuts
# 0.709 pt down), Word's menu offers 3/4 pt.
RULE_WIDTH_TOLERANCE_EIGHTHS = 1
RECORD_INDENT_CHARS = 1  # §7.4.2, §7.4.3 版记 elements 左右各空一字
RECORD_INDENT_TWIPS = RECORD_INDENT_CHARS * RECORD_SIZE_PT * TWIPS_PER_PT  # in 4号 characters

# §7.5 页码: 4号 half-width 宋体 digits between em dashes, 7 mm below the 版心;
# odd pages right and even pages left, each one character in.
PAGE_NUMBER_GAP_MM = 7
PAGE_NUMBER_INDENT_CHARS = 1  # 单页码居右空一字，双页码居左空一字
PAGE_NUMBER_INDENT_TWIPS = PAGE_NUMBER_INDENT_CHARS * PAGE_NUMBER_SIZE_PT * TWIPS_PER_PT
PAGE_NUMBER_DASH = "\u2014"
# Footer distance puts the letter's lower rule 20 mm up; the page number's line is lifted
# off it so that the dash's top edge sits PAGE_NUMBER_GAP_MM under the 版心. The dash's top
# lies 2.9 mm above the foot of its 4号 line (measured on LibreOffice's page image with
# 宋体's stand-in, Noto Serif CJK SC; SimSun's em dash sits about as high).
FOOTER_DISTANCE_MM = LETTER_BOTTOM_RULE_MM
PAGE_NUMBER_DASH_ABOVE_FOOT_MM = 2.9
# The same in ems of the number's size, for a footer set in another size (LibreOffice's page:
# 10.5–16 pt numbers within 0.1 mm of it). A line in the footer under the number lifts it by the
# line's height: at single spacing FOOTER_LINE_EM of its size in a Chinese font (Noto CJK, the
# stand-ins, 1.44 on LibreOffice's pages of made-up footers, 12–16 pt; Word sets 宋体 at about
# 1.3) and FOOTER_LATIN_LINE_EM in a Latin one (Carlito for Calibri: 1.16); a number's own line set to a
# multiple of single spacing rises by FOOTER_MULTIPLE_RISE_EM of its size for each extra line
# (LibreOffice adds part of the extra space under proportional lines; exact and at-least spacing
# keep the number where single spacing has it).
PAGE_NUMBER_DASH_ABOVE_FOOT_EM = PAGE_NUMBER_DASH_ABOVE_FOOT_MM * PT_PER_MM / PAGE_NUMBER_SIZE_PT
FOOTER_LINE_EM = 1.44
FOOTER_LATIN_LINE_EM = 1.16
FOOTER_MULTIPLE_RISE_EM = 0.89
PAGE_NUMBER_LIFT_MM = (
    BOTTOM_MARGIN_MM - PAGE_NUMBER_GAP_MM - FOOTER_DISTANCE_MM - PAGE_NUMBER_DASH_ABOVE_FOOT_MM
)

# §7.3.5.2, §7.3.5.1 署名/成文日期: without a seal the signature is right-indented two characters and
# the date starts two characters right of the signature; with a seal the date is
# right-indented four characters and the signature centred over it.
SIGNATURE_RIGHT_CHARS = 2
DATE_SHIFT_CHARS = 2
SEALED_DATE_RIGHT_CHARS = 4
BLANK_LINES_BEFORE_SIGNATURE = 1
BLANK_LINES_BEFORE_SEALED_SIGNATURE = 3

# §7.3.1 标题 2号 on the 156 mm 版心 line, with the styles' −0.25 pt character spacing:
# 442.2 pt / 21.75 pt = 20.3, so 20 full-width characters a line (half-width ones count ½).
TITLE_CHAR_ADVANCE_PT = TITLE_SIZE_PT + CHAR_SPACING_TWIPS / TWIPS_PER_PT
TITLE_CHARS_PER_LINE = int(TEXT_WIDTH_MM * PT_PER_INCH / MM_PER_INCH // TITLE_CHAR_ADVANCE_PT)
# ECMA-376 §17.3.1.2/§17.3.1.3 autoSpaceDE/autoSpaceDN (on unless switched off): extra room
# where Chinese meets Latin letters or digits, “processor-defined”. LibreOffice 7.4 adds 0.2 em
# (3.2 pt at 3号, measured on its PDF) and ignores the switch; Word about a quarter em. Widths
# that place a line (成文日期, 署名, a title line) count it.
AUTOSPACE_EM = 0.2
# §7.3.5.5 特殊情况说明: when the page cannot hold the signature block, line spacing is
# adjusted so that it fits. wenshu tightens the lines of the page before the signature's
# (page one from under the head) — or of the two pages before it, where one would need
# less — down to 1.5 lines of 3号 (24 pt) at most, and only to win back a page that would
# carry this many lines — or, whatever its length, only the block that must stay whole
# (附件说明, 署名, 成文日期, 附注) and the last lines of 正文 the keep rules carried over
# with it (“特此通知。” after a page left half empty); and as far, the
# lines of an even last page whose foot has no room for the 版记 (§7.4.1), which would
# otherwise take two pages more.
MIN_ADJUSTED_LINE_PITCH_TWIPS = round(1.5 * BODY_SIZE_PT * TWIPS_PER_PT)  # 480
# §7.3.5.5 with §7.3.7 (an attachment is laid out as the 正文): where the last attachment's
# even last page is a table with no room under it for the 版记 (§7.4.1), the table's lines are
# given an exact pitch, no tighter than this many times its type size (a 4号 table: 16.8 pt;
# LibreOffice's stand-in fonts set its single-spaced line at about 1.45 em, measured).
MIN_TABLE_LINE_PITCH_EM = 1.2
MAX_LINES_WON_BACK = 6
MAX_KEPT_BODY_LINES = 2

# §7.3.1 title two lines under the red rule; §7.3.2 主送机关 one line under the title.
BLANK_LINES_AFTER_HEAD = 2
BLANK_LINES_AFTER_TITLE = 1
# §7.3.7 附件: the attachment title on the third line of its page.
BLANK_LINES_BEFORE_ATTACHMENT_TITLE = 1
