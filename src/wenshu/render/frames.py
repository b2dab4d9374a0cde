"""Build the docxtpl frames: the Word templates that hold page setup, styles, 版头 and 版记.

The frames in ``templates/frames/`` are the one place a unit edits its letterhead in Word;
this module makes the stock ones (``wenshu frames`` rewrites them) from :mod:`wenshu.layout`,
so every number in them has a clause behind it.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips

from wenshu import layout as L
from wenshu import roles
from wenshu.roles import CHAR_ROLES, CharRole, Style

FRAMES = ("letter", "document", "plain")

_W = nsdecls("w")


def _fonts(east_asia: str, latin: str = L.FONT_LATIN) -> str:
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}"/>'


def _size(pt: float) -> str:
    half = round(pt * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def _style(
    style: str,
    *,
    jc: str = "both",
    first_line: int = 0,
    exact: bool = True,
    color: str | None = None,
    outline: int | None = None,
    keep_next: bool = False,
    page_break: bool = False,
    ind: str | None = None,
    char_spacing: bool = True,
) -> str:
    """The paragraph style of ``style``: the role's name, font and size (wenshu.roles), with
    this paragraph formatting."""
    role = roles.role(style)
    spacing = (
        f'<w:spacing w:before="0" w:after="0" w:line="{L.LINE_PITCH_TWIPS}" w:lineRule="exact"/>'
        if exact
        else '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    )
    indent = ind or (
        f'<w:ind w:firstLine="{first_line}" w:firstLineChars="{first_line * 100 // L.CHAR_ADVANCE_TWIPS}"/>'
        if first_line
        else '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
    )
    # Children in the order CT_PPr prescribes (Word rejects some out-of-order parts).
    ppr = (
        ("<w:keepNext/>" if keep_next else "")
        + ("<w:pageBreakBefore/>" if page_break else "")
        + spacing
        + indent
        + f'<w:jc w:val="{jc}"/>'
        + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "")
    )
    rpr = (
        _fonts(role.font, role.latin)
        + (f'<w:color w:val="{color}"/>' if color else "")
        + (f'<w:spacing w:val="{L.CHAR_SPACING_TWIPS}"/>' if char_spacing else '<w:spacing w:val="0"/>')
        + _size(role.size_pt)
    )
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style}">'
        f'<w:name w:val="{role.style_name}"/>'
        f'<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>'
    )


def _char_style(role: CharRole) -> str:
    """The character style of ``role``: a name and no run property, so that the runs it marks
    keep their font and size (wenshu.roles.CharRole)."""
    return (
        f'<w:style w:type="character" w:customStyle="1" w:styleId="{role.style}">'
        f'<w:name w:val="{role.style_name}"/><w:basedOn w:val="DefaultParagraphFont"/></w:style>'
    )


def styles_xml() -> str:
    """The whole styles part: explicit fonts on w:eastAsia everywhere, no theme fonts."""
    indent = L.BODY_INDENT_TWIPS
    # One w:ind only: a second one in the same pPr is invalid and Word reads the first.
    record_ind = (
        f'<w:ind w:left="{L.RECORD_INDENT_TWIPS}" w:right="{L.RECORD_INDENT_TWIPS}" '
        'w:firstLine="0" w:firstLineChars="0"/>'
    )
    styles = [
        _style(Style.BODY, first_line=indent),
        _style(Style.TITLE, jc="center"),
        _style(Style.HEADING_1, first_line=indent, outline=0, keep_next=True),
        _style(Style.HEADING_2, first_line=indent, outline=1, keep_next=True),
        _style(Style.HEADING_3, first_line=indent, outline=2, keep_next=True),
        _style(Style.HEADING_4, first_line=indent, outline=3, keep_next=True),
        _style(Style.RECIPIENTS, jc="left"),
        _style(Style.ATTACHMENT_NOTE, jc="left"),
        _style(Style.SIGNATURE, jc="right", keep_next=True),
        _style(Style.DATE, jc="right"),
        _style(Style.NOTE, first_line=indent),
        # Left, not justified: a wrapped line before an address that cannot break would be
        # spread out (“电　子　邮　箱”).
        _style(Style.CONTACT, first_line=indent, jc="left"),
        _style(Style.LINE, jc="left"),
        _style(Style.ATTACHMENT_LABEL, jc="left", page_break=True),
        _style(Style.SUBTITLE, jc="center"),
        _style(Style.TABLE_TITLE, jc="center", keep_next=True),
        _style(Style.TABLE_TEXT, jc="center", exact=False, char_spacing=False),
        _style(Style.TABLE_HEADER, jc="center", exact=False, char_spacing=False),
        _style(Style.TABLE_NOTE, jc="both", exact=False, char_spacing=False),
        _style(Style.MARK, jc="center", color=L.RED, exact=False),
        _style(Style.DOC_NUMBER, jc="center"),
        _style(Style.HEAD_INFO, jc="left"),
        _style(Style.RECORD, jc="left", ind=record_ind),
        _style(Style.PAGE_NUMBER, exact=False, char_spacing=False),
    ]
    defaults = (
        f"<w:docDefaults><w:rPrDefault><w:rPr>{_fonts(L.FONT_BODY)}"
        f'<w:kern w:val="2"/>{_size(L.BODY_SIZE_PT)}<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        # No widow/orphan control: it moves a paragraph's last line over and leaves the page
        # at 21 lines, where §5.2.3 wants every full page at 22.
        '<w:widowControl w:val="0"/>'
        # 避头尾 on, and a line-end punctuation mark hung past the 版心's edge (ECMA-376
        # §17.3.1.16 kinsoku, §17.3.1.21 overflowPunct; both on when omitted, stated here so no
        # application's default decides): a full line keeps its 28 characters and the mark
        # hangs, as Word sets it (MS-OI29500 §2.1.47: overflowPunct wins over kinsoku), rather
        # than carrying a character down with the mark — what the line model assumes
        # (wenshu.build.lines, wenshu.text.wrap). LibreOffice reads it inverted: the copy it
        # lays out says the opposite (wenshu.office.breaks).
        '<w:kinsoku w:val="1"/><w:overflowPunct w:val="1"/>'
        f'<w:spacing w:before="0" w:after="0" w:line="{L.LINE_PITCH_TWIPS}" w:lineRule="exact"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    normal = (
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr><w:jc w:val="both"/></w:pPr><w:rPr>{_fonts(L.FONT_BODY)}'
        f'<w:spacing w:val="{L.CHAR_SPACING_TWIPS}"/>{_size(L.BODY_SIZE_PT)}</w:rPr></w:style>'
    )
    table = (
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        f'<w:left w:w="{L.TABLE_CELL_MARGIN_TWIPS}" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        f'<w:right w:w="{L.TABLE_CELL_MARGIN_TWIPS}" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>"
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
    )
    styles += [_char_style(r) for r in CHAR_ROLES]
    return f"<w:styles {_W}>{defaults}{normal}{table}{''.join(styles)}</w:styles>"


def _page_number_paragraph(even: bool) -> str:
    ind = L.PAGE_NUMBER_INDENT_TWIPS
    jc, side = ("left", "left") if even else ("right", "right")
    lift = L.mm_to_twips(L.PAGE_NUMBER_LIFT_MM)
    dash = L.PAGE_NUMBER_DASH
    run = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'
    return (
        f'<w:p {_W}><w:pPr><w:pStyle w:val="{Style.PAGE_NUMBER}"/><w:spacing w:after="{lift}"/>'
        f'<w:ind w:{side}="{ind}"/><w:jc w:val="{jc}"/></w:pPr>'
        + run.format(dash + " ")
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>' + run.format(" " + dash) + "</w:p>"
    )


# A paragraph 1 pt high: anchors and rule carriers that must not take a line's room.
_TINY_LINE = f'<w:spacing w:before="0" w:after="0" w:line="{L.TWIPS_PER_PT}" w:lineRule="exact"/>'
# The 发文机关标志's line: exact, as high as its size wants (L.mark_line_twips, given by the
# document), so that its top edge is the line's top in Word and LibreOffice alike (§7.2.4, §10.1).
_MARK_LINE = '<w:spacing w:before="{before}" w:after="0" w:line="{{{{ mark_line }}}}" w:lineRule="exact"/>'


def _letter_rule(position: str) -> str:
    """A red double rule 170 mm wide, centred on the 版心 (§10.1): the upper one thick over
    thin (the mark's bottom border), the lower one thin over thick (the footer's top border).

    A double style draws the line it names first nearer the text ([MS-OI29500] 2.1.528 on
    ECMA-376 §17.18.2: Word draws thinThick* as “a thin line contained within a thick line”;
    LibreOffice's pages show the same): thickThin as a bottom border puts the thick line
    above, as a top border below.
    """
    overhang = L.mm_to_twips((L.LETTER_RULE_WIDTH_MM - L.TEXT_WIDTH_MM) / 2)
    style = "thickThinSmallGap"
    # The upper rule 4 mm under the mark's em box: the space depends on the mark's size
    # (L.letter_rule_space_pt), which the document gives. The lower rule sits on the footer's
    # edge, 20 mm up: its paragraph is 1 pt high and the border has no gap, else the line and
    # the gap lift the rule some 10 mm higher.
    space, height = (
        ("{{ mark_rule_space }}", _MARK_LINE.format(before=0)) if position == "bottom" else (0, _TINY_LINE)
    )
    return (
        f'<w:pBdr><w:{position} w:val="{style}" w:sz="{L.LETTER_RULE_EIGHTHS}" w:space="{space}" '
        f'w:color="{L.RED}"/></w:pBdr>{height}<w:ind w:left="-{overhang}" w:right="-{overhang}"/>'
    )


def _replace_children(container, xml_fragments: list[str]) -> None:
    for child in list(container):
        if child.tag != qn("w:sectPr"):
            container.remove(child)
    anchor = container.find(qn("w:sectPr"))
    for fragment in xml_fragments:
        element = parse_xml(fragment)
        if anchor is not None:
            anchor.addprevious(element)
        else:
            container.append(element)


def _p(text: str, style: str, ppr: str = "") -> str:
    return (
        f'<w:p {_W}><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>'
        f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
    )


def _blank(style: str = Style.BODY) -> str:
    return f'<w:p {_W}><w:pPr><w:pStyle w:val="{style}"/></w:pPr></w:p>'


def _tag(tag: str) -> str:
    return _p(tag, Style.BODY)


def _signed_doc_number(rule: str) -> str:
    """上行文 (§7.2.3, §7.2.4): the 发文字号 one character from the left, “签发人：” and the
    name one character from the right on the same line, the name in 楷体. Tab stops, not
    indents, place them: an indent would also shorten the red rule under the line."""
    width = L.mm_to_twips(L.TEXT_WIDTH_MM)
    tabs = (
        f'<w:tabs><w:tab w:val="left" w:pos="{L.SIGNER_LINE_INDENT_TWIPS}"/>'
        f'<w:tab w:val="right" w:pos="{width - L.SIGNER_LINE_INDENT_TWIPS}"/></w:tabs>'
    )
    name_font = (
        f'<w:rFonts w:ascii="{L.FONT_LATIN}" w:hAnsi="{L.FONT_LATIN}" '
        f'w:eastAsia="{L.FONT_SIGNER_NAME}" w:cs="{L.FONT_LATIN}"/>'
    )
    return (
        f'<w:p {_W}><w:pPr><w:pStyle w:val="{Style.DOC_NUMBER}"/>{rule}{tabs}<w:jc w:val="left"/></w:pPr>'
        '<w:r><w:tab/><w:t xml:space="preserve">{{ doc_number }}</w:t><w:tab/><w:t>签发人：</w:t></w:r>'
        f'<w:r><w:rPr>{name_font}</w:rPr><w:t xml:space="preserve">{{{{ signer }}}}</w:t></w:r></w:p>'
    )


def _record_table() -> str:
    """版记: 抄送 and 印发 rows between full-width rules, at the foot of the last page (§7.4)."""
    width = L.mm_to_twips(L.TEXT_WIDTH_MM)
    outer, inner = L.RECORD_OUTER_RULE_EIGHTHS, L.RECORD_INNER_RULE_EIGHTHS

    # LibreOffice places a bottom-anchored table by its rows' declared heights, so rows of
    # unknown height overflow onto a new page: each row gets an exact height of as many
    # lines as its text needs (one character short of a full 4号 line, to stay on the safe side).
    advance = L.RECORD_SIZE_PT * L.TWIPS_PER_PT + L.CHAR_SPACING_TWIPS
    per_line = (width - 2 * L.RECORD_INDENT_TWIPS) // advance - 1

    def lines(chars: str) -> str:
        return f"{{{{ (({chars}) + {per_line - 1}) // {per_line} * {L.LINE_PITCH_TWIPS} }}}}"

    def row(content: str, height: str = "") -> str:
        tr_pr = f'<w:trPr><w:trHeight w:val="{height}" w:hRule="exact"/></w:trPr>' if height else ""
        return (
            f'<w:tr>{tr_pr}<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{content}</w:tc></w:tr>'
        )

    # Tab stops count from the cell's edge, not from the indent (LibreOffice's docx import, as
    # Word): the date ends one character from the right (§7.4.3).
    tab = f'<w:tabs><w:tab w:val="right" w:pos="{width - L.RECORD_INDENT_TWIPS}"/></w:tabs>'
    cc = _p("{{ cc }}", Style.RECORD)
    imprint = (
        f'<w:p {_W}><w:pPr><w:pStyle w:val="{Style.RECORD}"/>{tab}</w:pPr>'
        '<w:r><w:t xml:space="preserve">{{ printer }}</w:t></w:r><w:r><w:tab/></w:r>'
        '<w:r><w:t xml:space="preserve">{{ print_date }}印发</w:t></w:r></w:p>'
    )
    return (
        f"<w:tbl {_W}><w:tblPr>"
        '<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:vertAnchor="margin" w:horzAnchor="margin" '
        'w:tblpXSpec="center" w:tblpYSpec="bottom"/>'
        f'<w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>'
        f'<w:top w:val="single" w:sz="{outer}" w:space="0" w:color="000000"/>'
        '<w:left w:val="nil"/>'
        f'<w:bottom w:val="single" w:sz="{outer}" w:space="0" w:color="000000"/>'
        '<w:right w:val="nil"/>'
        f'<w:insideH w:val="single" w:sz="{inner}" w:space="0" w:color="000000"/>'
        '<w:insideV w:val="nil"/></w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
        f'</w:tblPr><w:tblGrid><w:gridCol w:w="{width}"/></w:tblGrid>'
        + row(_p("{%tr if cc %}", Style.RECORD))
        + row(cc, lines("cc | length"))
        + row(_p("{%tr endif %}", Style.RECORD))
        + row(imprint, lines("(printer | length) + (print_date | length) + 3"))
        + "</w:tbl>"
    )


def build_frame(name: str) -> bytes:
    """The stock frame ``name`` (letter, document or plain) as .docx bytes."""
    doc = Document()
    styles = doc.styles.element
    for child in list(styles):
        styles.remove(child)
    for child in parse_xml(styles_xml()):
        styles.append(child)

    # The stock template's stylesWithEffects (440 KB of theme-font styles) is dead weight.
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rel_id)

    settings = doc.settings.element
    settings.append(parse_xml(f"<w:evenAndOddHeaders {_W}/>"))
    for theme_font in settings.findall(qn("w:themeFontLang")):
        settings.remove(theme_font)

    section = doc.sections[0]
    page = L.page_setup_twips()
    section.page_width, section.page_height = Twips(page["w"]), Twips(page["h"])
    section.top_margin, section.bottom_margin = Twips(page["top"]), Twips(page["bottom"])
    section.left_margin, section.right_margin = Twips(page["left"]), Twips(page["right"])
    section.header_distance = Twips(page["header"])
    section.footer_distance = Twips(L.mm_to_twips(L.FOOTER_DISTANCE_MM))
    section.gutter = Twips(0)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        section._sectPr.remove(grid)
    section._sectPr.append(parse_xml(f'<w:docGrid {_W} w:linePitch="{L.LINE_PITCH_TWIPS}"/>'))

    _replace_children(section.footer._element, [_page_number_paragraph(even=False)])
    _replace_children(section.even_page_footer._element, [_page_number_paragraph(even=True)])
    _replace_children(section.header._element, [_blank(Style.PAGE_NUMBER)])
    _replace_children(section.even_page_header._element, [_blank(Style.PAGE_NUMBER)])

    head_info = [
        _tag("{%p for line in head_info %}"),
        _p("{{ line }}", Style.HEAD_INFO),
        _tag("{%p endfor %}"),
    ]
    body: list[str]
    if name == "letter":
        section.different_first_page_header_footer = True
        _replace_children(
            section.first_page_header._element,
            [
                f'<w:p {_W}><w:pPr><w:pStyle w:val="{Style.MARK}"/>{_letter_rule("bottom")}</w:pPr>'
                "<w:r><w:t>{{r mark }}</w:t></w:r></w:p>"
            ],
        )
        _replace_children(
            section.first_page_footer._element,
            [f'<w:p {_W}><w:pPr><w:pStyle w:val="{Style.PAGE_NUMBER}"/>{_letter_rule("top")}</w:pPr></w:p>'],
        )
        body = head_info + [
            _p(
                "{{ doc_number }}{% if signer %}　签发人：{{ signer }}{% endif %}",
                Style.DOC_NUMBER,
                '<w:jc w:val="right"/>',
            ),
            *[_blank() for _ in range(L.BLANK_LINES_AFTER_HEAD)],
            _tag("{{p body }}"),
        ]
    elif name == "document":
        gap = round(L.HEAD_RULE_GAP_MM / L.MM_PER_INCH * L.PT_PER_INCH)
        rule = (
            f'<w:pBdr><w:bottom w:val="single" w:sz="{L.HEAD_RULE_EIGHTHS}" w:space="{gap}" '
            f'w:color="{L.RED}"/></w:pBdr>'
        )
        # The head-info lines above take their height out of the 35 mm (§7.2.4).
        mark_space = _MARK_LINE.format(before="{{ mark_space }}")
        body = head_info + [
            f'<w:p {_W}><w:pPr><w:pStyle w:val="{Style.MARK}"/>{mark_space}</w:pPr>'
            "<w:r><w:t>{{r mark }}</w:t></w:r></w:p>",
            _blank(),
            _blank(),
            _tag("{%p if signer %}"),
            _signed_doc_number(rule),
            _tag("{%p else %}"),
            _p("{{ doc_number }}", Style.DOC_NUMBER, rule),
            _tag("{%p endif %}"),
            *[_blank() for _ in range(L.BLANK_LINES_AFTER_HEAD)],
            _tag("{{p body }}"),
            _tag("{%p if printer %}"),
            _record_table(),
            _tag("{%p endif %}"),
            # A floating table needs a paragraph after it to anchor to (and Word wants the
            # body to end in a paragraph). It is 1 pt high: a full line could fall below the
            # 版记 and LibreOffice would then carry the 版记 over to a page of its own.
            f'<w:p {_W}><w:pPr><w:pStyle w:val="{Style.RECORD}"/>{_TINY_LINE}'
            '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>',
        ]
    else:
        body = [_tag("{{p body }}")]
    _replace_children(doc.element.body, body)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_frames(folder: Path) -> list[Path]:
    """Write every stock frame into ``folder``, all or nothing; return the paths written.

    As every output is (:func:`wenshu.files.write_atomically`): a link standing under a
    frame's name is replaced, never followed to overwrite the file it points to."""
    from wenshu.files import write_atomically

    return write_atomically(folder, {f"{name}.docx": build_frame(name) for name in FRAMES})
