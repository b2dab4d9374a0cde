"""Pictures: carried over by ``wenshu import``/``fix``, written back by the build, and a
picture block's file held to the spec's folder and to real, bounded pictures.

Pictures are made here byte by byte (a PNG of one colour, headers declaring huge images),
Word files with python-docx; the real corpus is used when /work/shared is there.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from docx import Document
from docx.oxml import parse_xml
from docx.shared import Mm, Pt

from tests.test_import import CORPUS, SENTENCES, foreign_notice, recall, run_wenshu
from wenshu import layout as L
from wenshu.build.pipeline import render
from wenshu.check import check_docx
from wenshu.check.reading.ooxml import A_NS, R_NS, W_NS
from wenshu.cli.main import main
from wenshu.errors import Problem, WenshuError
from wenshu.extract import docx_blocks
from wenshu.importing.fix import fix_file, import_docx
from wenshu.spec.load import recording_reads
from wenshu.spec.pictures import MAX_PICTURE_PIXELS, MAX_PICTURE_SIDE, check_picture, sniff

BLUE = (40, 80, 200)  # no 公文 element is this colour (the rules and the mark are red)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, rgb: tuple[int, int, int] = BLUE) -> bytes:
    """A PNG of one colour."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def png_bomb(side: int) -> bytes:
    """A PNG of a few hundred bytes declaring ``side``×``side`` pixels (all zero when inflated)."""
    rows = zlib.compress(b"\x00" * 4096)  # the start of the data: a decoder would go on inflating
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")


def jpeg_header(width: int, height: int) -> bytes:
    """The segments of a baseline JPEG up to its SOF0 (enough for the size)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = (
        b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x01\x03\x11\x01"
    )
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


# -- reading a picture's header ----------------------------------------------------------------


def test_formats_are_told_by_content_and_sizes_read_from_the_header():
    assert sniff(png(3, 2)) == ("png", 3, 2)
    assert sniff(jpeg_header(640, 480)) == ("jpeg", 640, 480)
    assert sniff(b"GIF89a" + struct.pack("<HH", 12, 7) + b"\x00" * 8) == ("gif", 12, 7)
    bmp = b"BM" + b"\x00" * 12 + struct.pack("<Iii", 40, 9, -4) + b"\x00" * 30
    assert sniff(bmp) == ("bmp", 9, 4)
    for other in (b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"\x01\x00\x00\x00 EMF", b"", b"\x89PNG"):
        assert sniff(other) is None
        assert check_picture(other)[0] is None


@pytest.mark.parametrize(
    "data",
    [png_bomb(100_000), png_bomb(MAX_PICTURE_SIDE), jpeg_header(65_000, 65_000), jpeg_header(0, 10)],
    ids=["png-10^10-pixels", "png-side-at-limit", "jpeg-65000-square", "jpeg-zero-wide"],
)
def test_decompression_bombs_are_refused_from_their_header(data):
    picture, why = check_picture(data)
    assert picture is None and len(data) < 2000
    assert "像素" in why


def test_a_picture_at_the_limits_is_accepted():
    side = int(MAX_PICTURE_PIXELS**0.5)
    assert check_picture(png_bomb(side))[0] is not None


# -- a spec's picture block --------------------------------------------------------------------

SPEC = """kind: notice
format: letter
issuer: 示例市知识产权局
doc_number: 示知函〔2024〕3号
title: 示例市知识产权局关于报送工作照片的函
recipients: 示例省知识产权局
body:
  - 现将有关情况函告如下。
  - picture: '{path}'
    alt: 图1 现场照片
  - 以上照片供参考。
signature: 示例市知识产权局
date: 2024-04-01
"""


def _spec(folder: Path, path: str) -> Path:
    spec = folder / "photo.yaml"
    spec.write_text(SPEC.format(path=path), encoding="utf-8")
    return spec


def test_a_picture_block_is_built_into_word_and_markdown(tmp_path):
    (tmp_path / "photo.files").mkdir()
    picture = png(1200, 600)  # 317 mm at 96 per inch: held to the 版心
    (tmp_path / "photo.files" / "图 1（现场）.png").write_bytes(picture)
    built = render(_spec(tmp_path, "photo.files/图 1（现场）.png"))
    assert "![图1 现场照片](<photo.files/图 1（现场）.png>)" in built.markdown
    with zipfile.ZipFile(io.BytesIO(built.files["docx"])) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert [z.read(n) for n in media] == [picture]
        xml = z.read("word/document.xml").decode()
    extent = re.search(r'<wp:extent cx="(\d+)" cy="(\d+)"', xml)
    assert (
        extent and int(extent[1]) == round(L.TEXT_WIDTH_MM * 36_000) and int(extent[2]) == int(extent[1]) // 2
    )
    # inline in a centred paragraph of its own, between the two sentences
    texts = docx_blocks(built.files["docx"])
    assert texts.index("现将有关情况函告如下。") + 1 == texts.index("以上照片供参考。")
    assert re.search(r'<w:jc w:val="center"/></w:pPr><w:r><w:drawing><wp:inline', xml)
    assert check_docx(built.files["docx"], "photo.docx").deviations == []


HOSTILE_PATHS = {
    "parent": ("../outside.png", "..”"),
    "absolute": ("/etc/passwd", "绝对路径"),
    "url": ("https://example.com/a.png", "网址"),
    "file-url": ("file:///etc/passwd", "网址"),
    "protocol-relative": ("//example.com/a.png", "网址"),
    "percent": ("%2e%2e/outside.png", "不允许的字符"),
    "backslash": ("..\\outside.png", "不允许的字符"),
    "missing": ("photo.files/无此图.png", "找不到"),
    "not-a-picture": ("photo.files/text.png", "不是 PNG"),
    "svg": ("photo.files/a.svg", "不是 PNG"),
    "bomb": ("photo.files/bomb.png", "像素"),
    "link-out": ("photo.files/link.png", "规格文件夹之外"),
    "folder-link-out": ("linked/outside.png", "规格文件夹之外"),
    "a-folder": ("photo.files", "不是普通文件"),
    "huge": ("photo.files/huge.png", "图片过大（100.0 MB"),  # its size, not the most read of it
}


@pytest.fixture
def hostile(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "outside.png").write_bytes(png(4, 4))
    folder = tmp_path / "spec"
    (folder / "photo.files").mkdir(parents=True)
    (folder / "photo.files" / "text.png").write_text("这不是图片", encoding="utf-8")
    (folder / "photo.files" / "a.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (folder / "photo.files" / "bomb.png").write_bytes(png_bomb(100_000))
    with (folder / "photo.files" / "huge.png").open("wb") as huge:  # sparse: no disk taken
        huge.truncate(100 * 1048576)
    (folder / "photo.files" / "link.png").symlink_to(outside / "outside.png")
    (folder / "linked").symlink_to(outside)
    return folder


@pytest.mark.parametrize("case", list(HOSTILE_PATHS))
def test_hostile_picture_paths_are_refused_by_file_line_and_field(hostile, case):
    path, expected = HOSTILE_PATHS[case]
    spec = _spec(hostile, path)
    with pytest.raises(WenshuError) as caught:
        render(spec)
    (problem,) = caught.value.problems
    assert problem.file == str(spec) and problem.line == 9 and problem.field == "body[2].picture"
    assert expected in problem.message, problem.message


def test_many_pictures_each_allowed_are_bounded_together(tmp_path):
    """Five pictures of 49 million pixels each (a few hundred bytes apiece): together more
    than LibreOffice should decode for one document; the fifth is refused."""
    (tmp_path / "p").mkdir()
    body = "".join(f"  - picture: p/{n}.png\n" for n in range(5))
    for n in range(5):
        (tmp_path / "p" / f"{n}.png").write_bytes(png_bomb(7000))
    spec = tmp_path / "many.yaml"
    spec.write_text(
        SPEC.split("body:")[0] + "body:\n" + body + SPEC.split("以上照片供参考。\n")[1], encoding="utf-8"
    )
    with pytest.raises(WenshuError) as caught:
        render(spec)
    (problem,) = caught.value.problems
    assert problem.field == "body[5].picture" and "合计" in problem.message


def test_a_refused_picture_writes_nothing_and_exits_1(hostile, tmp_path):
    out = tmp_path / "out"
    spec = _spec(hostile, "photo.files/bomb.png")
    code, output, _ = run_wenshu("build", str(spec), "-o", str(out), "--no-paginate")
    assert code == 1 and "photo.yaml" in output and "body[2].picture" in output and "Traceback" not in output
    assert not out.exists() or not any(out.iterdir())
    result = CliRunner().invoke(main, ["validate", str(_spec(hostile, "../outside.png"))])
    assert result.exit_code == 1 and "body[2].picture" in result.output


def test_a_header_word_cannot_read_is_refused_with_its_line(tmp_path):
    """A JPEG without a JFIF or Exif segment passes a header walk but not python-docx, which
    writes it: refused when the spec is checked (file, line, field), nothing written."""
    jpeg = jpeg_header(64, 48).replace(
        b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00", b"\xff\xfe" + struct.pack(">H", 16) + b"note\x00"
    )
    assert sniff(jpeg) == ("jpeg", 64, 48)
    picture, why = check_picture(jpeg)
    assert picture is None and "Word 读不出" in why
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.jpg").write_bytes(jpeg)
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "kind: document\ntitle: 测试\nbody:\n  - 一段文字。\n  - picture: p/a.jpg\n", encoding="utf-8"
    )
    code, output, _ = run_wenshu("build", str(spec), "-o", str(tmp_path / "out"), "--no-paginate")
    assert code == 1 and "s.yaml:5" in output and "body[2].picture" in output and "Traceback" not in output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# -- import: a Word file with a picture ----------------------------------------------------------


def word_with_picture(picture: bytes, width_mm: float = 120) -> bytes:
    """A 公文 typed in Word by someone else, a picture between two paragraphs of its text."""
    doc = Document()
    doc.add_paragraph("示例市知识产权局关于报送工作照片的函").alignment = 1
    doc.add_paragraph("示例省知识产权局：")
    doc.add_paragraph("现将有关情况函告如下。")
    holder = doc.add_paragraph()
    holder.alignment = 1
    holder.add_run().add_picture(io.BytesIO(picture), width=Mm(width_mm))
    doc.add_paragraph("以上照片供参考。")
    doc.add_paragraph("示例市知识产权局").alignment = 2
    doc.add_paragraph("2024年4月1日").alignment = 2
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_import_and_fix_carry_a_picture_over(tmp_path):
    picture = png(400, 200)
    source = tmp_path / "照片函.docx"
    source.write_bytes(word_with_picture(picture))
    imported = import_docx(source.read_bytes(), str(source))
    assert imported.report.files == {"照片函.files/图1.png": picture}
    assert "picture: 照片函.files/图1.png" in imported.yaml and "width: 12.0" in imported.yaml
    fixed = fix_file(source, tmp_path / "out", paginate=False)
    out = tmp_path / "out"
    assert (out / "照片函.files" / "图1.png").read_bytes() == picture
    assert out / "照片函.files" / "图1.png" in fixed.written
    rebuilt = (out / "照片函.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(rebuilt)) as z:
        assert [z.read(n) for n in z.namelist() if n.startswith("word/media/")] == [picture]
        xml = z.read("word/document.xml").decode()
    # where it was: after the first sentence, before the second
    assert xml.index("现将有关情况函告如下") < xml.index("<w:drawing>") < xml.index("以上照片供参考")
    assert "![](<照片函.files/图1.png>)" in (out / "照片函.md").read_text(encoding="utf-8")
    assert recall(docx_blocks(source), docx_blocks(rebuilt)) == 1.0
    assert check_docx(rebuilt, "rebuilt").deviations == []


def test_fix_does_not_call_an_element_kept_as_a_plain_line_laid_out(tmp_path):
    """A 通用文书 has no 主送机关: the import keeps it as a line, so its 字号 finding is gone
    because it is no 主送机关 any more, not because it was set to the standard — said in the
    one line that says where the 主送机关 went."""
    source = tmp_path / "函.docx"
    source.write_bytes(word_with_picture(png(40, 20)))
    fixed = fix_file(source, tmp_path / "out", paginate=False)
    assert fixed.report is not None and fixed.report.kind == "document"
    (line,) = [c for c in fixed.changes if c.startswith("主送机关")]
    assert line.startswith("主送机关“示例省知识产权局”作为正文前的一行保留"), line
    assert line.endswith("；现按普通段落排（原文中：字号不符），请核对"), line
    assert "主送机关" not in fixed.report.found
    assert any(c.startswith("正文：") and c.endswith("（已按标准重排）") for c in fixed.changes)


def test_import_command_writes_the_picture_beside_the_spec(tmp_path):
    source = tmp_path / "in.docx"
    source.write_bytes(word_with_picture(png(40, 20)))
    target = tmp_path / "specs" / "函.yaml"
    target.parent.mkdir()
    code, output, _ = run_wenshu("import", str(source), "-o", str(target))
    assert code == 0, output
    assert "警告" not in output  # the picture it has just written is not said to be missing
    assert "函.files/图1.png" in target.read_text(encoding="utf-8")
    assert (tmp_path / "specs" / "函.files" / "图1.png").read_bytes() == png(40, 20)
    assert render(target).files["docx"]  # the spec builds with its picture as written


@pytest.mark.parametrize("stem", ["通知(定稿)", "请示,二稿#1", "a%2e%2e", "..", "百分之百?"])
def test_a_file_name_of_any_kind_gives_a_picture_path_that_builds(tmp_path, stem):
    source = tmp_path / f"{stem}.docx"
    source.write_bytes(word_with_picture(png(40, 20)))
    fixed = fix_file(source, tmp_path / "out", paginate=False)
    (folder,) = {p.parent for p in fixed.written if p.suffix == ".png"}
    assert folder.parent == tmp_path / "out" and folder.name.endswith(".files")
    assert (
        "<w:drawing>" in zipfile.ZipFile(tmp_path / "out" / f"{stem}.docx").read("word/document.xml").decode()
    )


def test_a_picture_folder_linked_outside_is_not_written_through(tmp_path):
    source = tmp_path / "in.docx"
    source.write_bytes(word_with_picture(png(40, 20)))
    victims = tmp_path / "victims"
    victims.mkdir()
    (tmp_path / "in.files").symlink_to(victims)
    code, output, _ = run_wenshu("import", str(source))
    assert code == 1 and "in.files" in output and "Traceback" not in output
    assert not any(victims.iterdir()) and not (tmp_path / "in.yaml").exists()


def test_pictures_above_the_title_and_beside_text_keep_their_places():
    """An emblem above the title stays at the top of the body (the title is still found); a
    picture in a paragraph with text follows that text."""
    doc = Document()
    doc.add_paragraph().add_run().add_picture(io.BytesIO(png(30, 30)), width=Mm(20))
    doc.add_paragraph("示例市知识产权局关于报送工作照片的函").alignment = 1
    doc.add_paragraph("示例省知识产权局：")
    both = doc.add_paragraph("现场情况见下图。")
    both.add_run().add_picture(io.BytesIO(png(60, 30)), width=Mm(80))
    doc.add_paragraph("以上照片供参考。")
    data = io.BytesIO()
    doc.save(data)
    imported = import_docx(data.getvalue(), "two.docx")
    assert imported.report.found["标题"] == "示例市知识产权局关于报送工作照片的函"
    assert list(imported.report.files) == ["two.files/图1.png", "two.files/图2.png"]
    body = imported.yaml.split("body:\n", 1)[1]
    assert body.index("two.files/图1.png") < body.index("现场情况见下图。") < body.index("two.files/图2.png")
    assert body.index("two.files/图2.png") < body.index("以上照片供参考。")


def test_a_picture_in_a_table_cell_follows_the_table(tmp_path):
    """A spec's table cells hold text: a photo in a form's cell is carried over as a picture
    block right after the table, with a comment and a report line saying it moved."""
    doc = Document()
    doc.add_paragraph("示例市知识产权局关于报送工作照片的函").alignment = 1
    doc.add_paragraph("示例省知识产权局：")
    doc.add_paragraph("现将有关人员情况函告如下。")
    doc.add_paragraph().add_run().add_picture(io.BytesIO(png(40, 20)), width=Mm(60))
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "姓名", "照片"
    table.cell(1, 0).text = "张三"
    table.cell(1, 1).paragraphs[0].add_run().add_picture(io.BytesIO(png(30, 40)), width=Mm(25))
    doc.add_paragraph("表后的一段文字。")
    doc.add_paragraph("示例市知识产权局").alignment = 2
    doc.add_paragraph("2024年4月1日").alignment = 2
    source = tmp_path / "表格照片.docx"
    doc.save(source)
    imported = import_docx(source.read_bytes(), source.name)
    assert list(imported.report.files) == ["表格照片.files/图1.png", "表格照片.files/图2.png"]
    assert not any("未导入" in u for u in imported.report.unplaced), imported.report.unplaced
    assert any("移到表格之后" in c for c in imported.report.changed)
    body = imported.yaml.split("body:\n", 1)[1]
    order = [body.index(text) for text in ("张三", "此图原在上表的单元格中", "图2.png", "表后的一段文字")]
    assert order == sorted(order), body
    fix_file(source, tmp_path / "out", paginate=False)
    with zipfile.ZipFile(tmp_path / "out" / "表格照片.docx") as z:
        assert len([n for n in z.namelist() if n.startswith("word/media/")]) == 2


_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def anchored(run) -> None:
    """Make the picture python-docx put in ``run`` float, as Word does for a picture laid
    “behind text”: its wp:inline turned into a wp:anchor (ECMA-376 §20.4.2.3)."""
    inline = run._r.find(f".//{{{_WP}}}inline")
    anchor = parse_xml(
        f'<wp:anchor xmlns:wp="{_WP}" distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="2" behindDoc="1" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset>'
        '</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset>'
        "</wp:positionV></wp:anchor>"
    )
    anchor.append(inline.find(f"{{{_WP}}}extent"))
    anchor.append(parse_xml(f'<wp:wrapNone xmlns:wp="{_WP}"/>'))
    anchor.extend(child for child in list(inline) if child.tag != f"{{{_WP}}}extent")
    inline.getparent().replace(inline, anchor)


# How Word lays a floating picture (ECMA-376 wp:anchor: its wrap element, behindDoc) and the
# name its 环绕文字 menu gives that.
WRAPS = [
    ("wrapNone", "0", "浮于文字上方"),
    ("wrapNone", "1", "衬于文字下方"),
    ('wrapSquare wrapText="bothSides"', "0", "四周型"),
    ('wrapTight wrapText="bothSides"', "0", "紧密型"),
    ('wrapThrough wrapText="bothSides"', "0", "穿越型"),
    ("wrapTopAndBottom", "0", "上下型"),
]


@pytest.mark.parametrize(("wrap", "behind", "name"), WRAPS, ids=[w[2] for w in WRAPS])
def test_a_floating_picture_is_said_with_the_wrap_it_had(wrap, behind, name):
    """The report names how the text wrapped the picture made inline, as Word names it."""
    doc = Document()
    doc.add_paragraph("关于报送工作照片的报告").alignment = 1
    doc.add_paragraph("现将工作照片报告如下。")
    run = doc.add_paragraph().add_run()
    run.add_picture(io.BytesIO(PHOTO), width=Mm(80))
    anchored(run)
    anchor = run._r.find(f".//{{{_WP}}}anchor")
    anchor.set("behindDoc", behind)
    old = anchor.find(f"{{{_WP}}}wrapNone")
    if wrap != "wrapNone":
        tag, *attributes = wrap.split(" ")
        anchor.replace(old, parse_xml(f'<wp:{tag} xmlns:wp="{_WP}" {" ".join(attributes)}/>'))
    data = io.BytesIO()
    doc.save(data)
    report = import_docx(data.getvalue(), "照片.docx").report
    said = [c for c in report.changed if c.startswith("浮动图片已改为嵌入")]
    assert said == [f"浮动图片已改为嵌入：照片.files/图1.png 原环绕方式为“{name}”，现单独成段排在原处"]


@pytest.mark.parametrize(
    ("style", "wrap", "name"),
    [
        ("position:absolute;z-index:2", '<w10:wrap type="square"/>', "四周型"),
        ("position:absolute;z-index:-1", "", "衬于文字下方"),
        ("position:absolute;z-index:2", "", "浮于文字上方"),
    ],
)
def test_a_floating_vml_picture_is_said_with_the_wrap_it_had(style, wrap, name):
    """The same for a picture in an older file's VML shape (w10:wrap, z-index)."""
    doc = Document()
    doc.add_paragraph("关于报送工作照片的报告").alignment = 1
    doc.add_paragraph("现将工作照片报告如下。")
    run = doc.add_paragraph().add_run()
    run.add_picture(io.BytesIO(PHOTO), width=Mm(80))
    rid = run._r.find(f".//{{{A_NS}}}blip").get(f"{{{R_NS}}}embed")
    run._r.remove(run._r.find(f"{{{W_NS}}}drawing"))
    run._r.append(
        parse_xml(
            f'<w:pict xmlns:w="{W_NS}" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:r="{R_NS}" '
            f'xmlns:w10="urn:schemas-microsoft-com:office:word"><v:shape style="{style};width:200pt;'
            f'height:100pt"><v:imagedata r:id="{rid}"/>{wrap}</v:shape></w:pict>'
        )
    )
    data = io.BytesIO()
    doc.save(data)
    report = import_docx(data.getvalue(), "照片.docx").report
    said = [c for c in report.changed if c.startswith("浮动图片已改为嵌入")]
    assert said == [f"浮动图片已改为嵌入：照片.files/图1.png 原环绕方式为“{name}”，现单独成段排在原处"]


# A picture in each place GB/T 9704 gives none, told apart by colour (and so by its bytes).
LOGO, HEADER, FOOTER, SEAL, RECORD = (png(20 + k, 20, (k * 40, 200, 0)) for k in range(5))
PHOTO = png(200, 100)


def notice_with_pictures() -> bytes:
    """A 文件格式 notice typed by someone else, with pictures where a clerk finds them: a logo
    under the 红头, a logo in the page header and the footer, a photo floating over the text,
    a seal floating over the date and a small emblem in the 版记 table."""
    doc = Document(io.BytesIO(foreign_notice()))
    paras = doc.paragraphs
    paras[0].add_run().add_picture(io.BytesIO(LOGO), width=Mm(15))  # the 红头's paragraph
    doc.sections[0].header.paragraphs[0].add_run().add_picture(io.BytesIO(HEADER), width=Mm(10))
    doc.sections[0].footer.paragraphs[0].add_run().add_picture(io.BytesIO(FOOTER), width=Mm(10))
    photo = next(p for p in paras if p.text == "总体要求").insert_paragraph_before().add_run()
    photo.add_picture(io.BytesIO(PHOTO), width=Mm(80))
    anchored(photo)
    seal = next(p for p in paras if "四月" in p.text).add_run()
    seal.add_picture(io.BytesIO(SEAL), width=Mm(40))
    anchored(seal)
    doc.tables[-1].cell(1, 0).paragraphs[0].add_run().add_picture(io.BytesIO(RECORD), width=Mm(15))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_pictures_where_the_page_has_none_are_written_and_named(tmp_path):
    """Nothing is dropped: each picture is written beside the spec in page order, the page
    headers' and footers' last; those the page has no place for are named in a comment
    beside their part of the spec and in the report; the floating photo comes back in line,
    said so; the seal makes the notice sealed."""
    source = tmp_path / "带图.docx"
    source.write_bytes(notice_with_pictures())
    imported = import_docx(source.read_bytes(), source.name)
    report = imported.report
    names = [f"带图.files/图{k}.png" for k in range(1, 7)]
    assert report.files == dict(zip(names, [LOGO, PHOTO, RECORD, SEAL, HEADER, FOOTER], strict=True))
    assert [(a.file, a.where) for a in report.set_aside] == [
        (names[0], "版头"),
        (names[2], "版记"),
        (names[3], "署名和成文日期处（印章）"),
        (names[4], "页眉"),
        (names[5], "页脚"),
    ]
    assert not any("未导入" in u for u in report.unplaced), report.unplaced
    lines = imported.yaml.splitlines()

    def comment_before(key: str, name: str) -> bool:
        at = lines.index(next(x for x in lines if x.startswith(key)))
        return name in lines[at - 1] and lines[at - 1].startswith("# 导入：")

    assert (
        comment_before("issuer:", "图1.png") and "7.2.4" in lines[lines.index("issuer: 示例市知识产权局") - 1]
    )
    assert comment_before("record:", "图3.png") and comment_before("signature:", "图4.png")
    top = lines[: lines.index("kind: notice")]
    assert any("图5.png 原在页眉" in x for x in top) and any("图6.png 原在页脚" in x for x in top)
    spec = yaml.safe_load(imported.yaml)
    assert spec["sealed"] is True and spec["body"][1] == {"picture": names[1], "width": 8.0}
    assert any(c.startswith(f"浮动图片已改为嵌入：{names[1]}") for c in report.changed)
    text = "\n".join(report.lines())
    for aside in report.set_aside:
        assert f"未排入版面的图片（文件已写出，规格中有注释）：{aside.file}，原在{aside.where}" in text

    fixed = fix_file(source, tmp_path / "out", paginate=False)
    folder = tmp_path / "out" / "带图.files"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        name.split("/")[1]: data for name, data in report.files.items()
    }
    assert set(folder.iterdir()) <= set(fixed.written)
    rebuilt = (tmp_path / "out" / "带图.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(rebuilt)) as z:  # only the photo is laid out, in line
        assert [z.read(n) for n in z.namelist() if n.startswith("word/media/")] == [PHOTO]
        assert "<wp:anchor" not in z.read("word/document.xml").decode()
    assert recall([*SENTENCES, "总体要求", "县级职责"], docx_blocks(rebuilt)) == 1.0
    assert check_docx(rebuilt, "rebuilt").deviations == []


def test_a_document_keeps_its_head_and_record_pictures_beside_their_lines():
    """A 通用文书 keeps its 版头 and 版记 as lines of the body: the comment on a logo beside
    the mark and on an emblem in the 版记 stands by those lines; each part is said once."""
    doc = Document()
    mark = doc.add_paragraph()
    mark.add_run("示例市知识产权局").font.size = Pt(36)
    mark.add_run().add_picture(io.BytesIO(LOGO), width=Mm(15))
    doc.add_paragraph("示例市知识产权局关于报送工作照片的函").alignment = 1
    doc.add_paragraph("示例省知识产权局：")
    doc.add_paragraph("现将有关情况函告如下。")
    table = doc.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "抄送：示例市人民政府办公室。"
    table.cell(1, 0).text = "示例市知识产权局办公室 2024年4月1日印发"
    table.cell(1, 0).paragraphs[0].add_run().add_picture(io.BytesIO(RECORD), width=Mm(15))
    data = io.BytesIO()
    doc.save(data)
    imported = import_docx(data.getvalue(), "函.docx")
    report = imported.report
    assert report.kind == "document"
    assert [(a.file, a.where) for a in report.set_aside] == [
        ("函.files/图1.png", "版头（发文机关标志旁）"),
        ("函.files/图2.png", "版记"),
    ]
    lines = imported.yaml.splitlines()
    at = {
        key: next(i for i, x in enumerate(lines) if key in x and "导入" not in x)
        for key in ("- line: 示例市", "- line: 抄送")
    }
    assert "图1.png 原在版头" in lines[at["- line: 示例市"] - 1]
    assert "图2.png 原在版记" in lines[at["- line: 抄送"] - 1]
    # each part once, where it belongs: as a change, not also as recognised
    for name in ("发文机关标志", "主送机关", "抄送", "印发机关", "印发日期"):
        assert name not in report.found, name
    changes = "\n".join(report.changed)
    assert sum("主送机关" in c for c in report.changed) == 1
    assert "主送机关“示例省知识产权局”作为正文前的一行保留" in changes
    assert (
        sum("版记" in c for c in report.changed) == 1
        and "版记（抄送、印发机关、印发日期）作为正文末尾的2行文字保留" in changes
    )
    assert yaml.safe_load(imported.yaml)["body"][:2] == [
        {"line": "示例市知识产权局", "align": "center"},
        {"line": "示例省知识产权局："},
    ]


def test_a_picture_of_another_format_is_named_not_imported(tmp_path):
    doc = Document(io.BytesIO(word_with_picture(png(40, 20))))
    data = io.BytesIO()
    doc.save(data)
    tiff = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data.getvalue())) as zin, zipfile.ZipFile(tiff, "w") as zout:
        for item in zin.infolist():  # the picture part's bytes swapped for a TIFF header
            body = zin.read(item.filename)
            zout.writestr(
                item, b"II*\x00" + b"\x00" * 64 if item.filename.startswith("word/media/") else body
            )
    imported = import_docx(tiff.getvalue(), "tiff.docx")
    assert not imported.report.files and "picture:" not in imported.yaml
    assert any("图片" in u and "未导入" in u for u in imported.report.unplaced)


def test_a_picture_part_missing_from_the_file_is_named_so_not_as_a_link():
    with zipfile.ZipFile(io.BytesIO(word_with_picture(png(40, 20)))) as zin:
        items = [(item, zin.read(item.filename)) for item in zin.infolist()]
    cut = io.BytesIO()
    with zipfile.ZipFile(cut, "w") as zout:  # a file copied short: its picture part left out
        for item, body in items:
            if not item.filename.startswith("word/media/"):
                zout.writestr(item, body)
    imported = import_docx(cut.getvalue(), "cut.docx")
    assert not imported.report.files
    (why,) = [u for u in imported.report.unplaced if "图片未导入" in u]
    assert "缺少图片文件 word/media/" in why and "链接" not in why, why


# -- the real files ----------------------------------------------------------------------------

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the real corpus is only on the development machine"
)


@needs_corpus
def test_real_minutes_keep_picture_and_attachment_label_text(tmp_path):
    source = CORPUS / "zhaohui_minutes.docx"
    fixed = fix_file(source, tmp_path, paginate=False)
    spec = (tmp_path / "zhaohui_minutes.yaml").read_text(encoding="utf-8")
    picture = tmp_path / "zhaohui_minutes.files" / "图1.jpg"
    with zipfile.ZipFile(source) as z:
        assert picture.read_bytes() == z.read("word/media/image1.jpg")
    # the picture stands between its caption and the note under it, in the attachment
    assert re.search(r"图1：我的刀盾公开传播主图\n\s+- picture: zhaohui_minutes.files/图1.jpg\n", spec)
    assert "（可选）" in spec and fixed.report is not None and "（可选）" in fixed.report.unplaced
    rebuilt = (tmp_path / "zhaohui_minutes.docx").read_bytes()
    assert recall(docx_blocks(source), docx_blocks(rebuilt)) == 1.0
    assert "（可选）" in docx_blocks(rebuilt)
    assert check_docx(rebuilt, "zhaohui_minutes.docx").deviations == []


@needs_corpus
def test_real_attachment_label_is_no_minutes_label():
    from wenshu.check import read_document, recognise

    doc = read_document(CORPUS / "zhaohui_minutes.docx")
    roles = {item.paragraph.text.strip(): item.role for item in recognise(doc).paragraphs}
    assert str(roles["附件1（可选）"]) == "attachment-label"


@needs_corpus
def test_real_list_keeps_its_numbers(tmp_path):
    source = CORPUS / "liuhanning_requirements_ref.docx"
    fix_file(source, tmp_path, paginate=False)
    rebuilt = (tmp_path / "liuhanning_requirements_ref.docx").read_bytes()
    numbers = [m[1] for b in docx_blocks(rebuilt) if (m := re.match(r"^(\d)[.．]", b))]
    assert numbers == ["1", "2", "3", "4", "5", "6", "7", "1"]  # 1–7, then the 四级 heading's 1.
    assert recall(docx_blocks(source), docx_blocks(rebuilt)) == 1.0
    assert check_docx(rebuilt, "liuhanning_requirements_ref.docx").deviations == []


def test_a_numbered_list_resumed_after_text_keeps_counting(tmp_path):
    doc = Document()
    doc.add_paragraph("有关要求").alignment = 1
    for text in ("1.材料应当真实完整，不得弄虚作假。", "2.材料应当按时报送，逾期不予受理。"):
        doc.add_paragraph(text)
    doc.add_paragraph("报送材料时还应注意以下事项，请各单位遵照执行。")
    for text in ("3.纸质材料一式两份，加盖单位公章。", "4.电子材料以光盘形式报送。"):
        doc.add_paragraph(text)
    source = tmp_path / "list.docx"
    doc.save(str(source))
    imported = import_docx(source.read_bytes(), "list.docx")
    assert "start: 3" in imported.yaml
    fix_file(source, tmp_path / "out", paginate=False)
    rebuilt = docx_blocks(tmp_path / "out" / "list.docx")
    assert [b[:2] for b in rebuilt if b[:1].isdigit()] == ["1.", "2.", "3.", "4."]


# -- on the page -------------------------------------------------------------------------------


def _red_box(ppm: bytes) -> tuple[int, int, int, int, int, int]:
    """Width, height and the box (x0, y0, x1, y1) of the picture's blue in a binary PPM."""
    magic, width, height, _, pixels = re.match(rb"(P6)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", ppm, re.S).groups()
    w, h = int(width), int(height)
    xs, ys = [], []
    for y in range(0, h, 2):
        row = pixels[y * w * 3 : (y + 1) * w * 3]
        for x in range(0, w, 2):
            r, g, b = row[3 * x : 3 * x + 3]
            if abs(r - BLUE[0]) < 24 and abs(g - BLUE[1]) < 24 and abs(b - BLUE[2]) < 24:
                xs.append(x)
                ys.append(y)
    assert magic == b"P6" and xs, "no picture on the page"
    return w, h, min(xs), min(ys), max(xs), max(ys)


@pytest.mark.render
def test_the_picture_appears_where_it_was_within_the_text_block(tmp_path):
    """Import + fix with pagination, LibreOffice → PDF: the picture is on page one, below
    the sentence before it and above the one after it, inside the 版心's width."""
    from wenshu.office.libreoffice import LibreOffice, find_poppler, read_pages

    source = tmp_path / "照片函.docx"
    source.write_bytes(word_with_picture(png(1600, 600), width_mm=250))  # wider than the 版心
    fix_file(source, tmp_path / "out", paginate=True)
    with LibreOffice() as office:
        pdf = office.convert_bytes({"p": (tmp_path / "out" / "照片函.docx").read_bytes()})["p"]
    (tmp_path / "p.pdf").write_bytes(pdf)
    page = read_pages(tmp_path / "p.pdf")[0]
    before = next(r for r in page.rows if "现将有关情况" in r.text)
    after = next(r for r in page.rows if "以上照片供参考" in r.text)
    subprocess.run(
        [
            find_poppler("pdftoppm"),
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "p.pdf"),
            str(tmp_path / "pg"),
        ],
        check=True,
        timeout=120,
    )
    ppm = next(tmp_path.glob("pg*.ppm")).read_bytes()
    w, _, x0, y0, x1, y1 = _red_box(ppm)
    pt = page.width / w  # points per pixel
    left = L.LEFT_MARGIN_MM * L.PT_PER_MM
    right = left + L.TEXT_WIDTH_MM * L.PT_PER_MM
    assert left - 2 <= x0 * pt and x1 * pt <= right + 2  # within the 版心 …
    assert (x1 - x0) * pt > 0.95 * L.TEXT_WIDTH_MM * L.PT_PER_MM  # … and held to its width
    assert abs((x0 + x1) / 2 * pt - (left + right) / 2) < 3  # centred
    assert before.y1 <= y0 * pt + 2 and y1 * pt <= after.y0 + 2  # where it was in the text


# -- a folder build: a picture is an input of its document -------------------------------------


def test_a_folder_build_rebuilds_a_document_whose_picture_changed(tmp_path):
    from wenshu.build.tree import build_tree

    src, out = tmp_path / "src", tmp_path / "out"
    (src / "photo.files").mkdir(parents=True)
    picture = src / "photo.files" / "图1.png"
    picture.write_bytes(png(40, 20))
    _spec(src, "photo.files/图1.png")
    first = build_tree(src, out, jobs=1)
    assert first.built == ["photo.yaml"] and not first.failed
    assert build_tree(src, out, jobs=1).skipped == ["photo.yaml"]  # nothing changed

    picture.write_bytes(png(40, 20, (200, 40, 40)))  # same name and size, other bytes
    again = build_tree(src, out, jobs=1)
    assert again.built == ["photo.yaml"]
    with zipfile.ZipFile(out / "photo.docx") as z:
        assert [z.read(n) for n in z.namelist() if n.startswith("word/media/")] == [picture.read_bytes()]
    assert build_tree(src, out, jobs=1).skipped == ["photo.yaml"]

    before = {name: (out / name).read_bytes() for name in ("photo.docx", "photo.md")}
    picture.unlink()
    gone = build_tree(src, out, jobs=1)
    (problem,) = gone.failed["photo.yaml"]
    assert problem.file == str(src / "photo.yaml") and (problem.line, problem.field) == (9, "body[2].picture")
    assert "找不到图片文件" in problem.message
    # nothing clobbered; the spec is tried again next time (its manifest entry dropped)
    assert {name: (out / name).read_bytes() for name in before} == before


# -- a picture's path is a file name, its alt text is prose --------------------------------------


def test_a_picture_path_is_a_file_name_not_prose(tmp_path):
    """Half-width brackets and 附件N in a file name are no slip of punctuation nor a reference
    to an attachment; the same in the alt text (read as words) is refused."""
    (tmp_path / "图片").mkdir()
    (tmp_path / "图片" / "附件3(定稿).png").write_bytes(png(40, 20))
    spec = _spec(tmp_path, "图片/附件3(定稿).png")
    assert "](<图片/附件3(定稿).png>)" in render(spec).markdown
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("图1 现场照片", "图1(现场照片)"), encoding="utf-8")
    with pytest.raises(WenshuError) as caught:
        render(spec)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (10, "body[2].alt") and "半角括号" in problem.message


# -- pictures of an attachment made from another spec (file:), and of batch letters -------------

NOTICE = """kind: notice
format: document
issuer: 示例市知识产权局
doc_number: 示知〔2024〕3号
title: 示例市知识产权局关于报送工作照片的通知
recipients: 各区县知识产权局
body:
  - 现将照片印发给你们。
  - picture: annex.files/图1.png
attachments:
{attachments}
signature: 示例市知识产权局
date: 2024-04-01
"""

ANNEX = """kind: document
title: 现场照片
body:
  - 现场照片如下。
  - picture: {path}
    alt: 现场
"""


def _media(docx: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return sorted(z.read(n) for n in z.namelist() if n.startswith("word/media/"))


def test_a_file_attachment_shows_its_own_pictures(tmp_path):
    """Each spec's picture read from its own folder, under the same name in three folders:
    the notice's own, a page of blocks in a subfolder, and a whole notice in a sibling folder
    that itself attaches a page with a picture (embedded twice)."""
    red, green, blue = png(20, 10, (200, 0, 0)), png(20, 10, (0, 200, 0)), png(20, 10)
    grey = png(10, 10, (90, 90, 90))
    home, sub, other = tmp_path / "main", tmp_path / "main" / "sub", tmp_path / "other"
    for folder, picture in ((home, red), (sub, green), (other, blue)):
        (folder / "annex.files").mkdir(parents=True)
        (folder / "annex.files" / "图1.png").write_bytes(picture)
    (other / "deep.png").write_bytes(grey)
    (sub / "annex.yaml").write_text(ANNEX.format(path="annex.files/图1.png"), encoding="utf-8")
    (other / "annex.yaml").write_text(ANNEX.format(path="deep.png"), encoding="utf-8")
    letter = NOTICE.format(attachments="  - file: annex.yaml").replace("示知〔2024〕3号", "示知〔2024〕4号")
    (other / "letter.yaml").write_text(letter, encoding="utf-8")
    spec = home / "main.yaml"
    attachments = "  - file: sub/annex.yaml\n  - file: ../other/letter.yaml"
    spec.write_text(NOTICE.format(attachments=attachments), encoding="utf-8")
    with recording_reads() as reads:
        built = render(spec)
    assert _media(built.files["docx"]) == sorted([red, green, blue, grey])
    # every picture shown is an input of the document (a folder build rebuilds it on a change)
    assert {(sub / "annex.files" / "图1.png").resolve(), (other / "deep.png").resolve()} <= reads.keys()
    links = re.findall(r"!\[[^\]]*\]\(<([^>]+)>\)", built.markdown)
    assert links == [
        "annex.files/图1.png",
        "sub/annex.files/图1.png",
        "../other/annex.files/图1.png",
        "../other/deep.png",
    ]
    for link in links:  # the .md beside the spec links to the real files
        assert (home / link).is_file()

    # an attachment's picture is still held to ITS folder
    (sub / "annex.yaml").write_text(ANNEX.format(path="../annex.files/图1.png"), encoding="utf-8")
    with pytest.raises(WenshuError) as caught:
        render(spec)
    where = [(p.file, p.line, p.field) for p in caught.value.problems]
    assert (str(sub / "annex.yaml"), 5, "body[2].picture") in where
    assert all("Traceback" not in p.message for p in caught.value.problems)


def test_a_batch_letter_with_a_picture_is_refused_up_front(tmp_path):
    (tmp_path / "annex.files").mkdir()
    (tmp_path / "annex.files" / "图1.png").write_bytes(png(20, 10))
    (tmp_path / "annex.yaml").write_text(ANNEX.format(path="annex.files/图1.png"), encoding="utf-8")
    records = "records:\n  - {issuer: 示例县知识产权局}\n  - {issuer: 示例区知识产权局}\n"
    spec = tmp_path / "batch.yaml"
    spec.write_text(NOTICE.replace("attachments:\n{attachments}\n", "") + records, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 1 and "batch.yaml:9:" in result.output and "body[2].picture" in result.output
    assert "批量生成的函件不能含有图片" in result.output

    # … nor in an attachment made from another spec
    own = NOTICE.replace("  - picture: annex.files/图1.png\n", "")
    spec.write_text(own.format(attachments="  - file: annex.yaml") + records, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 1 and "attachments[1].file" in result.output
    assert "批量生成的函件不能含有图片" in result.output
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["batch", str(spec), "-o", str(out)]).exit_code == 1
    assert not out.exists() or not any(out.iterdir())


def test_import_force_leaves_exactly_the_new_pictures(tmp_path):
    """A re-import with fewer pictures removes the ones the earlier import wrote, and nothing
    else in that folder: a user's own files stay, whatever their names."""
    source = tmp_path / "照片函.docx"
    doc = Document(io.BytesIO(word_with_picture(png(40, 20))))
    doc.add_paragraph().add_run().add_picture(io.BytesIO(png(30, 30)), width=Mm(20))
    doc.add_paragraph().add_run().add_picture(io.BytesIO(png(20, 30)), width=Mm(20))
    doc.save(source)
    assert CliRunner().invoke(main, ["import", str(source)]).exit_code == 0
    folder = tmp_path / "照片函.files"
    assert sorted(p.name for p in folder.iterdir()) == ["图1.png", "图2.png", "图3.png"]
    mine = {"说明.txt": b"mine", "图2.txt": b"mine too", "图2.png.bak": b"kept"}
    for name, data in mine.items():
        (folder / name).write_bytes(data)

    source.write_bytes(word_with_picture(png(50, 20)))
    result = CliRunner().invoke(main, ["import", str(source), "--force"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(["图1.png", *mine])
    assert (folder / "图1.png").read_bytes() == stored_picture(source)
    assert all((folder / name).read_bytes() == data for name, data in mine.items())

    doc = Document()
    doc.add_paragraph("示例市知识产权局关于报送工作情况的函")
    doc.save(source)
    assert CliRunner().invoke(main, ["import", str(source), "--force"]).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(mine)


def stored_picture(source: Path) -> bytes:
    """The one picture inside the Word file ``source``, as stored."""
    with zipfile.ZipFile(source) as package:
        (name,) = [n for n in package.namelist() if n.startswith("word/media/")]
        return package.read(name)


def test_fix_again_leaves_exactly_the_new_pictures(tmp_path, monkeypatch):
    """``fix`` into a folder it wrote before removes the pictures its earlier run wrote that
    the new one does not (as ``import --force`` does), only once the new files are written,
    and never a file no spec of wenshu's named — even one called 图9.png."""
    import wenshu.files

    source = tmp_path / "带图.docx"
    source.write_bytes(notice_with_pictures())
    out = tmp_path / "out"
    fix_file(source, out, paginate=False)
    folder = out / "带图.files"
    assert sorted(p.name for p in folder.iterdir()) == [f"图{k}.png" for k in range(1, 7)]
    mine = {"图9.png": b"mine", "说明.txt": b"mine too"}
    for name, data in mine.items():
        (folder / name).write_bytes(data)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    source.write_bytes(word_with_picture(png(50, 20)))

    def fails(*args, **kwargs):
        raise WenshuError(Problem(str(out), "磁盘已满"))

    monkeypatch.setattr(wenshu.files, "write_atomically", fails)
    with pytest.raises(WenshuError):
        fix_file(source, out, paginate=False)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # nothing clobbered
    monkeypatch.undo()

    fix_file(source, out, paginate=False)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["图1.png", *mine])
    assert (folder / "图1.png").read_bytes() == stored_picture(source)
    assert all((folder / name).read_bytes() == data for name, data in mine.items())


def test_a_seal_in_a_paragraph_of_its_own_is_told_from_a_photo_above_the_signature():
    """A picture standing alone between the signature and the date is the seal: set aside,
    the notice sealed. A photo ending the text, right above the signature, is content: it
    stays in the body where it stood, and the signature is still found."""
    doc = Document(io.BytesIO(foreign_notice()))
    signature = next(p for p in doc.paragraphs if p.text == "示例市知识产权局")
    signature.insert_paragraph_before().add_run().add_picture(io.BytesIO(PHOTO), width=Mm(80))
    date = next(p for p in doc.paragraphs if "四月" in p.text)
    date.insert_paragraph_before().add_run().add_picture(io.BytesIO(SEAL), width=Mm(40))
    data = io.BytesIO()
    doc.save(data)
    imported = import_docx(data.getvalue(), "印章.docx")
    report = imported.report
    assert report.found["署名"] == "示例市知识产权局" and report.found["成文日期"] == "2024年4月1日"
    assert report.files == {"印章.files/图1.png": PHOTO, "印章.files/图2.png": SEAL}
    assert [(a.file, a.near) for a in report.set_aside] == [("印章.files/图2.png", "signature")]
    spec = yaml.safe_load(imported.yaml)
    assert spec["sealed"] is True and spec["body"][-1] == {"picture": "印章.files/图1.png", "width": 8.0}
    assert not report.unplaced, report.unplaced
