"""wenshu.roles is the one table of styles: the frames define exactly its styles, with its
fonts and sizes, and the Word writer writes no style outside it."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from wenshu import layout as L
from wenshu.render import docx as docx_writer
from wenshu.render import frames
from wenshu.render.frames import styles_xml
from wenshu.roles import BODY_STYLES, CHAR_ROLES, FRAME_ROLES, HEADING_STYLES, ROLES, role

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_frames_define_each_role_with_its_font_and_size() -> None:
    root = etree.fromstring(styles_xml().encode("utf-8"))
    custom = {
        s.get(f"{W}styleId"): s
        for s in root.iter(f"{W}style")
        if s.get(f"{W}customStyle") == "1" and s.get(f"{W}type") == "paragraph"
    }
    assert set(custom) == {r.style for r in ROLES}
    for r in ROLES:
        style = custom[r.style]
        assert style.find(f"{W}name").get(f"{W}val") == r.style_name
        fonts = style.find(f"{W}rPr/{W}rFonts")
        assert fonts.get(f"{W}eastAsia") == r.font and fonts.get(f"{W}ascii") == r.latin, r.style
        assert int(style.find(f"{W}rPr/{W}sz").get(f"{W}val")) == round(r.size_pt * 2), r.style


def test_frames_define_each_character_style_by_its_name_setting_nothing() -> None:
    # A character style marks runs (a run-in heading) and must not change the page: the runs
    # keep the font and size of their paragraph's style or their own direct formatting.
    root = etree.fromstring(styles_xml().encode("utf-8"))
    chars = {s.get(f"{W}styleId"): s for s in root.iter(f"{W}style") if s.get(f"{W}customStyle") == "1"}
    chars = {k: s for k, s in chars.items() if s.get(f"{W}type") == "character"}
    assert set(chars) == {r.style for r in CHAR_ROLES} == {"WsRunIn"}
    for r in CHAR_ROLES:
        assert chars[r.style].find(f"{W}name").get(f"{W}val") == r.style_name
        assert chars[r.style].find(f"{W}rPr") is None and chars[r.style].find(f"{W}pPr") is None


def test_the_table_matches_the_standard_facts() -> None:
    assert role("WsTitle").size_pt == L.TITLE_SIZE_PT == 22 and role("WsTitle").clause == "§7.3.1"
    assert role("WsRecord").size_pt == 14 and role("Heading1").font == "黑体"
    assert HEADING_STYLES == {1: "Heading1", 2: "Heading2", 3: "Heading3", 4: "Heading4"}
    assert FRAME_ROLES == {"mark", "doc-number", "copy-number", "secrecy", "urgency", "cc", "imprint"}
    assert BODY_STYLES["signature"] == "WsSignature" and not FRAME_ROLES & set(BODY_STYLES)


def test_the_writer_and_the_frames_name_styles_only_from_the_table() -> None:
    """No style id spelt as a string: the writer and the frames name members of roles.Style,
    so a style outside the table cannot be written."""
    for module in (docx_writer, frames):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert not re.findall(r'"(Ws[A-Za-z]+|Heading\d)"', source), module.__name__
        named = set(re.findall(r"(?<![A-Za-z])Style\.([A-Z_0-9]+)", source))
        assert named and named <= {r.style.name for r in ROLES}


def test_the_checker_and_the_page_reader_take_their_style_facts_from_the_table() -> None:
    from wenshu.check.roles import ROLE_NAMES, STYLE_ROLES, Role

    # Every style reads as one of the checker's roles (Role() raises for any other value).
    assert STYLE_ROLES == {r.style: Role(r.reads_as) for r in ROLES}
    assert ROLE_NAMES[Role.SIGNATURE] == role("WsSignature").element == "发文机关署名"
    assert ROLE_NAMES[Role.HEADING] == "层级标题"  # read from four styles: named by the checker


def test_no_module_spells_a_style_id_outside_the_table() -> None:
    root = Path(docx_writer.__file__).parents[1]
    for rel in ("build/paginate.py", "office/pages.py", "check/recognise.py", "check/roles.py"):
        source = (root / rel).read_text(encoding="utf-8")
        assert not re.findall(r'"(Ws[A-Za-z]+|Heading\d)"', source), rel
