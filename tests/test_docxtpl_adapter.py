"""The docxtpl internals wenshu relies on behave as the fast writer expects (these break
first when docxtpl changes; pyproject pins the tested versions)."""

from __future__ import annotations

from lxml import etree

from wenshu.render.docxtpl_adapter import fix_tables, patch_xml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_patch_xml_turns_paragraph_tags_into_jinja() -> None:
    xml = (
        f'<w:body xmlns:w="{W}"><w:p><w:r><w:t>{{%p if cc %}}</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>{{ cc }}</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p></w:body>"
    )
    source = patch_xml(xml)
    # The tag paragraphs are gone, leaving bare Jinja; the value paragraph stays.
    assert "{% if cc %}" in source and "{% endif %}" in source
    assert source.count("<w:p>") == 1 and "{{ cc }}" in source


def test_fix_tables_widens_the_grid_to_the_cells() -> None:
    xml = (
        f'<w:body xmlns:w="{W}"><w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="4000"/></w:tblGrid>'
        "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl></w:body>"
    )
    tree = fix_tables(xml)
    columns = tree.findall(f".//{{{W}}}gridCol")
    assert len(columns) == 2, etree.tostring(tree)
