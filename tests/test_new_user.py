"""Mistakes a new user makes on the first day, each named for what it is."""

from __future__ import annotations

from click.testing import CliRunner

from tests.conftest import REPO
from wenshu.cli.main import main


def test_importing_a_spec_says_it_is_no_word_file(tmp_path):
    """``wenshu import notice.yaml``: the spec is the input, not an existing output to protect."""
    spec = tmp_path / "notice.yaml"
    text = (REPO / "examples" / "notices" / "cnipa-2023-582.yaml").read_text(encoding="utf-8")
    spec.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(spec)], prog_name="wenshu")
    assert result.exit_code == 1
    assert "不是 Word 文件" in result.output and "已存在" not in result.output, result.output
    assert spec.read_text(encoding="utf-8") == text


def test_building_a_folder_without_specs_is_an_error(tmp_path):
    folder = tmp_path / "材料"
    folder.mkdir()
    (folder / "说明.txt").write_text("x", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out)], prog_name="wenshu")
    assert result.exit_code == 1
    assert str(folder) in result.output and "没有 YAML 规格文件" in result.output, result.output
    assert not out.exists()


def _with_pitch(docx: bytes, styles: tuple[str, ...], twips: int) -> bytes:
    """``docx`` with the paragraphs of ``styles`` at an exact line pitch of ``twips``."""
    import io
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(docx))
    pattern = re.compile('(<w:pStyle w:val="(?:' + "|".join(styles) + ')"/>)')
    spacing = f'<w:spacing w:line="{twips}" w:lineRule="exact"/>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = pattern.sub(lambda m: m.group(1) + spacing, data.decode("utf-8")).encode("utf-8")
            target.writestr(item, data)
    return buffer.getvalue()


def test_lines_tightened_to_keep_the_signature_are_no_grid_fault():
    """§7.3.5.5 allows tightening the lines so the 署名 and 成文日期 stay with the text (as
    ``wenshu build`` does on one-page letters): the letter it writes checks clean, while the
    same pitch through the 版头 too is still a §5.2.3 fault."""
    from wenshu.build.pipeline import render
    from wenshu.check import check_docx

    spec = REPO / "examples" / "rounds" / "henan-2023" / "recommendation-henan.yaml"
    docx = render(spec, ("docx",)).files["docx"]
    text = ("WsBody", "WsTitle", "WsRecipients", "WsSignature", "WsDate")
    tightened = check_docx(_with_pitch(docx, text, 496))
    assert "line-pitch" not in {d.code for d in tightened.deviations}
    throughout = check_docx(_with_pitch(docx, (*text, "WsDocNumber"), 496))
    assert "line-pitch" in {d.code for d in throughout.deviations}
    below = check_docx(_with_pitch(docx, text, 440))  # tighter than 1.5 lines
    assert "line-pitch" in {d.code for d in below.deviations}


def test_a_title_breaks_after_a_quoted_name_not_inside_the_next_word():
    """§7.3.1 词意完整: “我的刀盾” is a whole, and so is 网络; ``wenshu fix`` re-broke a real
    纪要 title as 网／络 (corpus zhaohui_minutes.docx)."""
    from wenshu.text.titles import split_title

    assert split_title("关于研究“我的刀盾”网络传播情况的专题会议纪要") == [
        "关于研究“我的刀盾”",
        "网络传播情况的专题会议纪要",
    ]
    assert split_title("关于开展“我的刀盾”传播素材整理工作的通知") == [
        "关于开展“我的刀盾”",
        "传播素材整理工作的通知",
    ]


def test_chinese_input_method_slips_in_yaml_are_named(tmp_path):
    """A key typed with a full-width colon, or a line indented with full-width spaces, is
    named as such on its own line (YAML itself reports a missing colon a line later)."""
    good = (REPO / "examples" / "notices" / "cnipa-2023-582.yaml").read_text(encoding="utf-8")
    lines = good.splitlines()
    title = next(i for i, line in enumerate(lines) if line.startswith("title: "))
    heading = next(i for i, line in enumerate(lines) if line.startswith("  - heading: "))
    cases = {
        "colon.yaml": (title, lines[title].replace("title: ", "title：", 1), "中文冒号", 6),
        "indent.yaml": (heading, "\u3000" + lines[heading][1:], "全角空格", 1),
    }
    for name, (at, changed, said, column) in cases.items():
        spec = tmp_path / name
        spec.write_text("\n".join([*lines[:at], changed, *lines[at + 1 :]]) + "\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["validate", str(spec)], prog_name="wenshu")
        assert result.exit_code == 1
        assert f"{name}:{at + 1}:{column} " in result.output and said in result.output, result.output


def test_yaml_slips_after_import_are_said_in_chinese(tmp_path):
    """A clerk editing an imported spec mis-indents a list item or a 版记 key, or leaves a quote
    open: the message is Chinese (not the parser's “expected <block end>”) and names the line
    where the slip shows — for an open quote, the line it opens on, not the end of the file."""
    lines = [
        "kind: notice",
        "issuer: 示例市知识产权局",
        "title: 示例市知识产权局关于放假的通知",
        "recipients: 各有关单位",
        "body:",
        "  - 正文第一段。",
        "  # 导入：未能归位，请核对",
        "  - 共印2份",
        "signature: 示例市知识产权局",
        "date: 2024-04-10",
        "record:",
        "  cc:",
        "    - 市政府办公室",
        "  printer: 示例市知识产权局办公室",
        "  print_date: 2024-04-10",
    ]
    # (line changed, its new text, the line named: YAML sees a short indent at the next sibling)
    cases = {
        "item.yaml": (5, " - 正文第一段。", 7, "缩进"),
        "printer.yaml": (13, " printer: 示例市知识产权局办公室", 13, "缩进"),
        "quote.yaml": (2, 'title: "示例市知识产权局关于放假的通知', 2, "引号"),
    }
    for name, (at, changed, named, said) in cases.items():
        spec = tmp_path / name
        spec.write_text("\n".join([*lines[:at], changed, *lines[at + 1 :]]) + "\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["validate", str(spec)], prog_name="wenshu")
        assert result.exit_code == 1
        assert said in result.output and "expected" not in result.output, result.output
        assert f"{name}:{named + 1}:" in result.output, result.output


def test_building_a_skeleton_points_at_draft(tmp_path):
    """The first thing a new user does after ``wenshu new`` is ``wenshu build``: the 【待补】
    errors end with the way to a draft."""
    spec = tmp_path / "plan.yaml"
    made = CliRunner().invoke(main, ["new", "work_plan", "-o", str(spec)], prog_name="wenshu")
    assert made.exit_code == 0, made.output
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path / "out")], prog_name="wenshu")
    assert result.exit_code == 1
    assert "【待补】未填写" in result.output and "--draft" in result.output, result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


_PICTURE = (
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:blipFill>'
    '<a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rId999"/>'
    "</pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)


def test_import_says_a_picture_is_left_out(tmp_path):
    """A picture import cannot carry over (here its part is missing from the file) is named
    in the report, not dropped in silence (a real 纪要 had its attachment's figure vanish);
    tests/test_pictures.py has the pictures that are carried over."""
    import io
    import zipfile

    from wenshu.build.pipeline import render
    from wenshu.importing.fix import import_docx

    docx = render(REPO / "examples" / "notices" / "cnipa-2023-582.yaml", ("docx",)).files["docx"]
    assert not [c for c in import_docx(docx, "n.docx").report.changed if "图片" in c]
    source = zipfile.ZipFile(io.BytesIO(docx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                at = text.rindex("<w:sectPr")
                data = (text[:at] + _PICTURE + text[at:]).encode("utf-8")
            target.writestr(item, data)
    path = tmp_path / "有图.docx"
    path.write_bytes(buffer.getvalue())
    result = CliRunner().invoke(main, ["import", str(path)], prog_name="wenshu")
    assert result.exit_code == 0, result.output
    assert "（图片未导入：图片文件不在 Word 文件中" in result.output
