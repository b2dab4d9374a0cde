"""``wenshu import`` and ``wenshu fix``: Word 公文 back into specs, and out again laid out right.

Round trip: every example is built, its .docx imported, the spec built again; the two
Markdown texts must be the same (after the normalisations listed in :func:`comparable`) and
the rebuilt .docx must check no worse than the first. Files made by others: a synthetic one
made here with python-docx (red header in a text box, a drawn rule, Word list numbering, a
character grid, 版记 as a table), and the real corpus when /work/shared is there.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.shared import Pt, RGBColor

from tests.conftest import cpu_seconds, own_office_env
from tests.test_hostile_check import ADDRESS_SPACE, CONTENT_CASES, PACKAGE_CASES, SECONDS
from wenshu.build.pipeline import render
from wenshu.check import check_docx
from wenshu.errors import WenshuError
from wenshu.extract import docx_blocks
from wenshu.importing.fix import fix_file, import_docx
from wenshu.spec.load import looks_like_batch
from wenshu.text.dates import read_written_date
from wenshu.text.docnumber import TEMPLATE_LINE as TEMPLATE_DOC_NUMBER

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (REPO / "examples").rglob("*.yaml"))
CORPUS = Path("/work/shared/corpus/real-docx")
# Kinds whose standalone page can be landscape: a 通用文书 has no such setting, so that one
# role line is the only thing the round trip may lose for them.
_LANDSCAPE_PAGE = '<!-- wenshu:page {"landscape": true} -->'


def _parts(docx: bytes) -> dict[str, bytes]:
    """The parts of the package ``docx`` by name."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zin:
        return {name: zin.read(name) for name in zin.namelist()}


def _packed(parts: dict[str, bytes]) -> bytes:
    """A package of ``parts``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return out.getvalue()


def comparable(markdown: str) -> list[str]:
    """The Markdown's lines, normalised for what import writes differently on purpose:
    column widths (ratios, written in centimetres), Markdown escapes (the same text),
    half-width ; after Chinese (the importer corrects it: wenshu refuses it in a spec)."""
    out = []
    for line in markdown.splitlines():
        line = re.sub(r'"widths": \[[^\]]*\], ', "", line)
        line = line.replace("\\", "")
        line = re.sub(r"(?<=[\u4e00-\u9fff]);", "；", line)
        if line.strip() and line.strip() != _LANDSCAPE_PAGE:
            out.append(line.rstrip())
    return out


def _outline(blocks: list, depth: int = 1) -> list[tuple]:
    """Headings with their depth, and every text, in order: the structure of a body."""
    out: list[tuple] = []
    for b in blocks or []:
        if isinstance(b, str):
            out.append(("p", b))
        elif "heading" in b:
            out.append(("h", depth, b["heading"]))
            if "text" in b:
                out.append(("p", b["text"]))
            out += _outline(b.get("body", []), depth + 1) + _outline(b.get("items", []), depth + 1)
        elif "items" in b:
            out += _outline(b["items"], depth)
        elif "table" in b:
            out.append(("t", tuple(b["table"]["columns"])))
        elif "line" in b:
            out.append(("p", b["line"]))
        elif "text" in b:
            out.append(("p", b["text"]))
    return out


# The round's 附件 forms, read back by their tables (test_an_annex_form_comes_back_as_its_kind).
_ANNEX_FORMS = {
    "quota_table",
    "receipt",
    "contact_form",
    "recommendation_list",
    "evaluation_form",
    "basic_info_form",
}


@pytest.mark.parametrize("example", [p for p in EXAMPLES if not looks_like_batch(p)], ids=lambda p: p.stem)
def test_round_trip_of_every_example(example, tmp_path):
    from wenshu.spec.load import load_spec
    from wenshu.validate import validate

    first = render(example)
    imported = import_docx(first.files["docx"], example.name)
    spec = tmp_path / example.name
    spec.write_text(imported.yaml, encoding="utf-8")
    second = render(spec)
    assert comparable(second.markdown) == comparable(first.markdown)
    # structure: for the kinds import writes, the spec itself comes back
    kind, before = validate(load_spec(example))
    _, after = validate(load_spec(spec))
    # a letter kind comes back as itself, field by field (plans and summaries: test_import_plans)
    if "bodies" in kind.reading:
        basis = before.get(
            "basis", {}
        )  # the cited notice's dates only check the letter; it never prints them
        before["basis"] = {k: v for k, v in basis.items() if k not in ("date", "deadline")}
        # a round's wording of its scores (round.yaml beside the example) is the spec's own
        # once imported: the file says it, and no round is beside the imported spec
        if "score_names" not in before:
            assert after.pop("score_names", {}).items() <= _round_score_names(example).items()
        assert after == before
    if before["kind"] == after["kind"]:
        for key in ("format", "issuer", "doc_number", "title", "recipients", "signature", "date", "note"):
            if key in ("title", "note") and before["kind"] in _ANNEX_FORMS:
                continue  # a form's 附件名称 prints nowhere; its 表注, given or by its rule, alike
            assert after.get(key) == before.get(key), key
        assert bool(after.get("sealed")) == bool(before.get("sealed"))
        assert [x[-1] for x in _outline(after.get("body"))] == [x[-1] for x in _outline(before.get("body"))]
    # the rebuilt file checks clean (as wenshu's own first build of every example does)
    assert [str(d) for d in check_docx(second.files["docx"], example.name).deviations] == []


def _round_score_names(example: Path) -> dict[str, str]:
    """The wording of every score table the round.yaml beside ``example`` declares."""
    beside = example.parent / "round.yaml"
    categories = (
        yaml.safe_load(beside.read_text(encoding="utf-8")).get("categories") if beside.is_file() else {}
    )
    return {
        t: n for c in (categories or {}).values() for t, n in ((c or {}).get("score_names") or {}).items()
    }


# -- a 公文 made by others, generated here -------------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_BOX = (
    f'<w:r {_W} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:440pt;height:60pt">'
    '<v:textbox><w:txbxContent><w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
    '<w:r><w:rPr><w:color w:val="FF0000"/>'
    '<w:sz w:val="72"/></w:rPr><w:t>示例市知识产权局文件</w:t></w:r></w:p></w:txbxContent></v:textbox>'
    "</v:shape></w:pict></w:r>"
)
_RULE = (
    f'<w:r {_W} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:line from="0,0" to="440pt,0" '
    'strokecolor="red" strokeweight="1pt"/></w:pict></w:r>'
)
_NUMBERING = (
    f'<w:abstractNum {_W} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
    '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="（%2）"/></w:lvl>'
    "</w:abstractNum>"
)
SENTENCES = [
    "为做好2024年知识产权工作，现将有关事项通知如下：",
    "各地要提高认识，加强统筹，确保各项任务落到实处。",
    "县级知识产权管理部门负责本地区的组织实施工作。",
    "请于2024年5月31日前报送工作总结。",
    "特此通知。",
]


def foreign_notice() -> bytes:
    """A notice typed in Word by someone else: the 红头 in a text box above a drawn red rule,
    headings numbered by Word's lists, a character grid, 版记 as a table."""
    doc = Document()
    body = doc.element.body
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING))
    numbering.append(parse_xml(f'<w:num {_W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    head = doc.add_paragraph()
    head._p.append(parse_xml(_BOX))
    number = doc.add_paragraph("示知[2024]05号")
    number.alignment = 1
    rule = doc.add_paragraph()
    rule._p.append(parse_xml(_RULE))
    title = doc.add_paragraph()
    title.alignment = 1
    run = title.add_run("示例市知识产权局关于做好2024年知识产权工作的通知")
    run.font.size = Pt(22)
    doc.add_paragraph("各县（市、区）知识产权局：")
    doc.add_paragraph(SENTENCES[0])

    def numbered(text: str, level: int) -> None:
        p = doc.add_paragraph(text)
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {_W}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )

    numbered("总体要求", 0)
    doc.add_paragraph(SENTENCES[1])
    numbered("职责分工", 0)
    numbered("县级职责", 1)
    doc.add_paragraph(SENTENCES[2])
    numbered("报送要求", 0)
    doc.add_paragraph(SENTENCES[3])
    doc.add_paragraph(SENTENCES[4])
    signature = doc.add_paragraph("示例市知识产权局")
    signature.alignment = 2
    date = doc.add_paragraph("二〇二四年四月一日")
    date.alignment = 2
    table = doc.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "抄送：示例市人民政府办公室。"
    table.cell(1, 0).text = "示例市知识产权局办公室 2024年4月1日印发"
    sect = body.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}sectPr")
    sect.append(parse_xml(f'<w:docGrid {_W} w:type="linesAndChars" w:linePitch="579" w:charSpace="0"/>'))
    head.runs  # noqa: B018 - the header paragraph keeps its box
    for r in head.runs:
        r.font.color.rgb = RGBColor(0xFF, 0, 0)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


_GENERATED = r"附件\d*([（(][^）)]*[）)])?|（此页无正文）"
_TEMPLATE_PLACEHOLDER = r"\[[^\]]{1,20}\]|［[^］]{1,20}］"


def sentences(blocks: list[str]) -> list[str]:
    """Sentences of a text, without ordinals, spaces, or the width of punctuation."""
    out = []
    for block in blocks:
        block = block.translate(str.maketrans(",;:?!()", "，；：？！（）"))
        # a template's placeholder standing for a part ([日期], [主送单位]：, XXX〔2023〕X号) is
        # written 【待补】, on purpose; one inside a line (时间：[时间]) stays as typed
        block = re.sub(rf"^\s*({_TEMPLATE_PLACEHOLDER})\s*(：?)\s*$", r"【待补】\2", block)
        block = "【待补】" if TEMPLATE_DOC_NUMBER.match(block) else block
        for s in re.split(r"(?<=[。！？；：])", block):
            s = re.sub(
                r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])", "", s
            )
            s = re.sub(r"[\s\u3000\"“”]", "", s).translate(str.maketrans(",;:?!()", "，；：？！（）"))
            date = read_written_date(s)  # 二〇二三年一月一日 is rewritten in figures, on purpose
            s = f"{date.year}年{date.month}月{date.day}日" if date else s
            # attachment labels are wenshu's to write; 此页无正文 is dropped on purpose
            if len(s) >= 2 and not re.fullmatch(_GENERATED, s):
                out.append(s)
    return out


def recall(original: list[str], rebuilt: list[str]) -> float:
    """The share of the original's sentences found in the rebuilt text."""
    wanted = sentences(original)
    text = "".join(sentences(rebuilt))
    return sum(s in text for s in wanted) / len(wanted) if wanted else 1.0


def test_foreign_notice_is_recognised_and_rebuilt(tmp_path):
    data = foreign_notice()
    source = tmp_path / "foreign.docx"
    source.write_bytes(data)
    imported = import_docx(data, "foreign.docx")
    found = imported.report.found
    assert imported.report.kind == "notice"
    assert found["发文机关标志"] == "示例市知识产权局文件"
    assert found["发文字号"] == "示知〔2024〕5号"
    assert found["标题"] == "示例市知识产权局关于做好2024年知识产权工作的通知"
    assert found["主送机关"] == "各县（市、区）知识产权局"
    assert found["署名"] == "示例市知识产权局" and found["成文日期"] == "2024年4月1日"
    assert found["抄送"] == "示例市人民政府办公室" and found["印发机关"] == "示例市知识产权局办公室"
    assert "heading: 县级职责" in imported.yaml and "总体要求" in imported.yaml
    assert "一、" not in imported.yaml  # the ordinals are wenshu's to write
    fixed = fix_file(source, tmp_path / "out", paginate=False)
    rebuilt = (tmp_path / "out" / "foreign.docx").read_bytes()
    assert recall([*SENTENCES, "总体要求", "县级职责"], docx_blocks(rebuilt)) == 1.0
    assert any("〔2024〕5号" in c for c in fixed.changes) and any("2024年4月1日" in c for c in fixed.changes)
    assert check_docx(rebuilt, "rebuilt").deviations == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the real corpus is only on the development machine")
def test_real_files_keep_every_sentence(tmp_path, capsys):
    figures = []
    for path in sorted(CORPUS.glob("*.docx")):
        original = docx_blocks(path)
        fixed = fix_file(path, tmp_path, paginate=False)
        rebuilt = docx_blocks(tmp_path / f"{path.stem}.docx")
        share = recall(original, rebuilt)
        report = fixed.report
        assert report is not None
        new = check_docx((tmp_path / f"{path.stem}.docx").read_bytes(), path.name)
        figures.append((path.name, share, report, len(new.deviations)))
        assert share == 1.0, (path.name, share)
        assert "标题" in report.found, path.name
    with capsys.disabled():
        for name, share, report, deviations in figures:
            print(
                f"\n{name}: 句子召回 {share:.3f}；{report.kind}；识别 {'、'.join(report.found)}；"
                f"未能归位 {len(report.unplaced)} 处；重排后 check 偏差 {deviations} 项",
                end="",
            )


# -- the command line: bad input, no clobbering ---------------------------------------------------


def run_wenshu(*args: str, cwd: Path | None = None) -> tuple[int, str, float]:
    """Run wenshu in a subprocess (1.5 GB; killed after three times the CPU bound, as hung):
    exit code, output, and the CPU seconds it took."""
    import resource

    def confine() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    start = cpu_seconds()
    result = subprocess.run(
        [sys.executable, "-m", "wenshu", *args],
        capture_output=True,
        text=True,
        timeout=3 * SECONDS,
        preexec_fn=confine,  # noqa: PLW1509 - the child only sets its own limit
        check=False,
        cwd=cwd,
        env=own_office_env(),  # a LibreOffice it starts is its own: under its limit, in its CPU time
    )
    return result.returncode, result.stdout + result.stderr, cpu_seconds() - start


@pytest.fixture(scope="module")
def notice_docx() -> bytes:
    return render(REPO / "examples" / "notices" / "cnipa-2023-582.yaml", ("docx",)).files["docx"]


HOSTILE = {
    "declares-4GB": PACKAGE_CASES["declares-4GB"],
    "entity-bomb": PACKAGE_CASES["entity-bomb"],
    "5M-runs": PACKAGE_CASES["5M-runs"],
    "numbering-10^12-letters": (CONTENT_CASES["numbering-10^12-letters"], ()),
    "basedOn-cycle": (CONTENT_CASES["basedOn-cycle"], ()),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_are_refused_or_read_in_bounds(notice_docx, tmp_path, case):
    make, expected = HOSTILE[case]
    path = tmp_path / f"{case}.docx"
    path.write_bytes(make(notice_docx))
    code, output, seconds = run_wenshu("import", str(path))
    assert code in (0, 1), output
    assert "Traceback" not in output and "内部错误" not in output, output
    assert seconds < SECONDS
    if code == 1:
        assert path.name in output and all(e in output for e in expected), output
        assert not path.with_suffix(".yaml").exists()
    else:
        assert not expected, output
        assert path.with_suffix(".yaml").exists()


def test_import_writes_a_spec_and_never_clobbers(notice_docx, tmp_path):
    source = tmp_path / "n.docx"
    source.write_bytes(notice_docx)
    code, output, _ = run_wenshu("import", str(source))
    assert code == 0, output
    spec = tmp_path / "n.yaml"
    text = spec.read_text(encoding="utf-8")
    assert text.startswith("# 由 wenshu import") and "kind: notice" in text
    assert "发文字号" in output and "已生成" in output
    spec.write_text("# 我改过的\n" + text, encoding="utf-8")
    code, output, _ = run_wenshu("import", str(source))
    assert code == 1 and "已存在" in output and spec.read_text(encoding="utf-8").startswith("# 我改过的")


def test_bad_input_is_named_and_writes_nothing(tmp_path):
    bad = tmp_path / "坏文件.docx"
    bad.write_bytes(b"not a zip at all")
    code, output, _ = run_wenshu("fix", str(bad), "-o", str(tmp_path / "out"), "--no-paginate")
    assert code == 1 and "坏文件.docx" in output and "Traceback" not in output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    text = tmp_path / "a.txt"
    text.write_text("x", encoding="utf-8")
    code, output, _ = run_wenshu("import", str(text))
    assert code == 1 and "a.txt" in output and not (tmp_path / "a.yaml").exists()


def test_fix_does_a_folder(notice_docx, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.docx").write_bytes(notice_docx)
    (folder / "two.docx").write_bytes(foreign_notice())
    code, output, _ = run_wenshu("fix", str(folder), "-o", str(tmp_path / "out"), "--no-paginate")
    assert code == 0, output
    for stem in ("one", "two"):
        for ext in ("docx", "md", "yaml"):
            assert (tmp_path / "out" / f"{stem}.{ext}").is_file()
    assert "改动" in output


# -- pages: the rebuilt files laid out by LibreOffice ---------------------------------------------


@pytest.mark.render
def test_fixed_files_render_with_no_page_to_correct(tmp_path):
    """The foreign notice and the real corpus (when present) through ``fix`` with pagination,
    then ``check --render``: no finding on the pages (signature alone, 版记 placement, lines
    per page, title lines …). Known exceptions are named in the report, not skipped here."""
    from wenshu.check import check_files

    sources = [tmp_path / "foreign.docx"]
    sources[0].write_bytes(foreign_notice())
    if CORPUS.is_dir():
        sources += sorted(CORPUS.glob("mechi_*.docx")) + sorted(CORPUS.glob("lawliet_*.docx"))
    from wenshu.importing.fix import fix_files

    results = fix_files(sources, lambda _: tmp_path / "out", paginate=True)
    assert all(r.error is None for r in results), [str(r.error) for r in results if r.error]
    rebuilt = [tmp_path / "out" / f"{s.stem}.docx" for s in sources]
    reports = check_files(rebuilt, render=True)
    for report in reports:
        assert report.render_error is None, report.render_error
        assert report.deviations == [], (report.file, [str(d) for d in report.deviations])


def test_fix_never_overwrites_its_input(notice_docx, tmp_path):
    source = tmp_path / "n.docx"
    source.write_bytes(notice_docx)
    code, output, _ = run_wenshu("fix", str(source), "-o", str(tmp_path), "--no-paginate")
    assert code == 1 and "覆盖原文件" in output and "n.docx" in output
    assert source.read_bytes() == notice_docx
    assert not (tmp_path / "n.yaml").exists() and not (tmp_path / "n.md").exists()


@pytest.mark.render
def test_odt_is_converted_by_libreoffice_first(tmp_path):
    """An .odt (as WPS or LibreOffice save it) goes through LibreOffice, offline, then import."""
    from wenshu.office.libreoffice import find_soffice

    docx = tmp_path / "foreign.docx"
    docx.write_bytes(foreign_notice())
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [find_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "odt"]
        + ["--outdir", str(tmp_path), str(docx)],
        capture_output=True,
        timeout=SECONDS * 3,
        check=False,
    )
    odt = tmp_path / "foreign.odt"
    assert odt.is_file()
    docx.unlink()
    fixed = fix_file(odt, tmp_path / "out", paginate=False)
    assert fixed.report is not None and fixed.report.kind == "notice"
    assert fixed.report.found["发文字号"] == "示知〔2024〕5号"
    assert recall(SENTENCES, docx_blocks(tmp_path / "out" / "foreign.docx")) == 1.0


def test_fix_says_what_it_renumbered(tmp_path):
    doc = Document()
    doc.add_paragraph("示例县知识产权局关于开展专利转化工作的通知").alignment = 1
    doc.add_paragraph("各乡镇人民政府：")
    for text in ("现将有关事项通知如下：", "一、工作目标", "到年底完成专利转化20件。", "三、工作措施"):
        doc.add_paragraph(text)
    doc.add_paragraph("（二）加强宣传")
    doc.add_paragraph("各乡镇要加强宣传。")
    doc.add_paragraph("示例县知识产权局").alignment = 2
    doc.add_paragraph("2024年3月5日").alignment = 2
    source = tmp_path / "skips.docx"
    doc.save(str(source))
    fixed = fix_file(source, tmp_path / "out", paginate=False)
    assert "序号“三、”改为“二、”：工作措施" in fixed.changes
    assert "序号“（二）”改为“（一）”：加强宣传" in fixed.changes
    assert fixed.report is not None and fixed.report.found["署名"] == "示例县知识产权局"


def test_import_says_what_to_fill_in(tmp_path):
    doc = Document()
    doc.add_paragraph("关于召开工作会议的通知").alignment = 1
    source = tmp_path / "title-only.docx"
    doc.save(str(source))
    code, output, _ = run_wenshu("import", str(source))
    assert code == 0, output
    assert "警告" in output and "【待补】" in output and "title-only.yaml" in output
    assert "title: 关于召开工作会议的通知" in (tmp_path / "title-only.yaml").read_text(encoding="utf-8")


def placeholder_reply(tmp_path: Path, contact: bool = True) -> Path:
    """A template's reply letter: its 署名 and 成文日期 are placeholders, right-aligned after
    the closing, then a contact line (as another 公文 generator writes them)."""
    doc = Document()
    doc.add_paragraph("关于素材整理事项的回复函").alignment = 1
    doc.add_paragraph("[主送单位]：")
    doc.add_paragraph("贵单位来函收悉。现答复如下：原则同意配合开展整理工作。")
    doc.add_paragraph("特此函复。")
    doc.add_paragraph("[发文单位]").alignment = 2
    doc.add_paragraph("[日期]").alignment = 2
    if contact:
        doc.add_paragraph("（联系人：[联系人] 联系电话：[固定电话]）")
    source = tmp_path / "回复函.docx"
    doc.save(str(source))
    return source


def test_placeholder_signature_and_date_are_read_as_those_parts(tmp_path):
    """[发文单位] and [日期] where the 署名 and 成文日期 stand are those parts, to be filled in:
    【待补】 in the spec, said under 待补, built marked at their place after the text."""
    from wenshu.check import analyse

    source = placeholder_reply(tmp_path, contact=False)
    imported = import_docx(source.read_bytes(), source.name)
    spec = yaml.safe_load(imported.yaml)
    assert spec["signature"] == "【待补】" and spec["date"] == "【待补】"
    assert "[日期]" not in imported.yaml and "[发文单位]" not in imported.yaml
    assert [line.split("：")[0] for line in imported.report.to_fill] == ["主送机关", "成文日期", "署名"]
    assert any("[日期]" in line for line in imported.report.to_fill)
    assert any(line.startswith("  待补 成文日期") for line in imported.report.lines())
    fixed = fix_file(source, tmp_path / "out", paginate=False)
    assert fixed.report is not None and fixed.report.to_fill
    rebuilt = (tmp_path / "out" / "回复函.docx").read_bytes()
    result, doc = analyse(rebuilt, "回复函.docx")
    roles = [(p.role, p.text.strip()) for p in doc.paragraphs if p.text.strip()]
    assert roles[-2:] == [("signature", "【待补】"), ("date", "【待补】")]
    assert result.deviations == []


def test_placeholder_recipients_and_attachment_name_are_to_fill(tmp_path):
    """“[主送单位]：” and “附件：[附件名称]” in a template name nobody and no attachment: each is
    【待补】 in the spec and said under 待补, like a placeholder 署名 or 成文日期 — not printed
    as “[主送单位]” in a finished-looking document."""
    doc = Document()
    doc.add_paragraph("关于报送材料的通知").alignment = 1
    doc.add_paragraph("[主送单位]：")
    doc.add_paragraph("请于4月30日前报送有关材料。")
    doc.add_paragraph("附件：[附件名称]")
    doc.add_paragraph("示例市知识产权局").alignment = 2
    doc.add_paragraph("2024年4月10日").alignment = 2
    source = tmp_path / "模板.docx"
    doc.save(str(source))
    imported = import_docx(source.read_bytes(), source.name)
    spec = yaml.safe_load(imported.yaml)
    assert spec["attachments"] == [{"name": "【待补】"}]
    assert spec["body"][0] == {"line": "【待补】："}
    assert "[附件名称]" not in imported.yaml and "[主送单位]" not in imported.yaml
    assert [line.split("：")[0] for line in imported.report.to_fill] == ["主送机关", "附件的名称"]
    assert "[主送单位]" in imported.report.to_fill[0] and "[附件名称]" in imported.report.to_fill[1]


@pytest.mark.parametrize("typed", ["示知〔20XX〕X号", "示知[2024]×号 签发人：张三"])
def test_a_template_doc_number_is_that_part_to_fill(typed, tmp_path):
    """A template's 发文字号 with X (or ×) for its digits is the 发文字号, to be filled in: 【待补】
    in the spec and said under 待补 (as [日期] is), not a line left unplaced; a 签发人 after it
    is kept; the notice is fixed as a draft with 【待补】 where the number stands."""
    doc = Document(io.BytesIO(foreign_notice()))
    number = next(p for p in doc.paragraphs if p.text.startswith("示知"))
    number.runs[0].text = typed
    source = tmp_path / "n.docx"
    doc.save(str(source))
    fixed = fix_file(source, tmp_path / "out", paginate=False)
    report = fixed.report
    assert report is not None and report.kind == "notice" and report.unplaced == []
    assert report.to_fill == [
        f"发文字号：原文是模板的占位符“{typed.split(' ')[0]}”，规格中写作【待补】，请填写"
    ]
    spec = yaml.safe_load((tmp_path / "out" / "n.yaml").read_text(encoding="utf-8"))
    assert spec["doc_number"] == "【待补】" and spec.get("signer") == ("张三" if "签发人" in typed else None)
    rebuilt = docx_blocks(tmp_path / "out" / "n.docx")
    assert rebuilt[1].startswith("【待补】") and not any("X号" in b or "×号" in b for b in rebuilt)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the real corpus is only on the development machine")
def test_the_master_templates_doc_number_is_to_fill():
    """lawliet_master_template: its “XXX〔2023〕X号” is the 发文字号 still to be given, kept (a
    通用文书 has no 发文字号) as a line 【待补】 above the text, and said once, under 待补."""
    source = CORPUS / "lawliet_master_template.docx"
    imported = import_docx(source, source.name)
    report = imported.report
    assert "XXX〔2023〕X号" not in report.unplaced
    assert any(t.startswith("发文字号：原文是模板的占位符“XXX〔2023〕X号”") for t in report.to_fill)
    body = yaml.safe_load(imported.yaml)["body"]
    assert {"line": "【待补】", "align": "center"} in body and "XXX〔2023〕X号" not in body


def _broken(doc: Any, *lines: str) -> None:
    """A paragraph of ``lines`` separated by manual line breaks (w:br), as typed with Shift+Enter."""
    para = doc.add_paragraph()
    for k, line in enumerate(lines):
        run = para.add_run(line)
        if k < len(lines) - 1:
            run.add_break()


def minutes() -> bytes:
    """A 纪要 typed by hand: its 时间/地点/主持人 lines in one paragraph broken by hand, the
    decisions 一、二、 in another, two tasks a third with its second line indented; one
    attachment page, then 主送, 抄送 and 审核 lines after it (as zhaohui_minutes has them)."""
    doc = Document()
    doc.add_paragraph("关于研究素材整理工作的会议纪要").alignment = 1
    _broken(doc, "时间：4月1日上午", "地点：第一会议室", "主持人：张三")
    doc.add_paragraph("会议听取了素材整理情况汇报。")
    _broken(doc, "会议决定，一、同意整理方案。", "\u3000\u3000二、同意报送安排。")
    _broken(doc, "[牵头单位]负责复核素材。", "\u3000\u3000[责任单位]负责整理目录。")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("附件")
    doc.add_paragraph("素材目录").alignment = 1
    doc.add_paragraph("目录按平台分列。")
    for line in ("主送：各有关单位", "抄送：办公室", "审核：李四"):
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_lines_broken_by_hand_that_are_lines_of_their_own_are_paragraphs(tmp_path):
    """Manual line breaks: “名称：” lines (a 纪要's 时间/地点/主持人) and lines indented two
    characters become paragraphs of their own; a line starting “二、” stays in its paragraph
    (on its own it would be read as a heading and numbered again), said so."""
    source = tmp_path / "纪要.docx"
    source.write_bytes(minutes())
    fixed = fix_file(source, tmp_path / "out", paginate=False)
    report = fixed.report
    assert report is not None and report.kind == "document" and report.unplaced == []
    body = yaml.safe_load((tmp_path / "out" / "纪要.yaml").read_text(encoding="utf-8"))["body"]
    assert body == [
        "时间：4月1日上午",
        "地点：第一会议室",
        "主持人：张三",
        "会议听取了素材整理情况汇报。",
        "会议决定，一、同意整理方案。\u3000\u3000二、同意报送安排。",
        "[牵头单位]负责复核素材。",
        "[责任单位]负责整理目录。",
    ]
    changes = "\n".join(report.changed)
    assert "段内手动换行隔开的3行（“时间：4月1日上午”等，各以“名称：”开头）各自成段" in changes
    assert "段内手动换行隔开的2行（“[牵头单位]负责复核素材…”等，各行首空两字）各自成段" in changes
    assert "“会议决定，一、同意整理方…”段内的手动换行未分段" in changes
    rebuilt = docx_blocks(tmp_path / "out" / "纪要.docx")
    assert rebuilt[1:4] == ["时间：4月1日上午", "地点：第一会议室", "主持人：张三"]
    assert not any(b.startswith(("一、", "二、")) for b in rebuilt)


def test_closing_lines_after_the_attachments_keep_their_order(tmp_path):
    """A 纪要's 主送, 抄送 and 审核 lines after its attachment page: kept in that order (a 抄送
    is no longer put after the others), ahead of the attachment pages as a 通用文书 has
    them, which the report says."""
    source = tmp_path / "纪要.docx"
    source.write_bytes(minutes())
    fixed = fix_file(source, tmp_path / "out", paginate=False)
    spec = yaml.safe_load((tmp_path / "out" / "纪要.yaml").read_text(encoding="utf-8"))
    assert spec["closing_lines"] == ["主送：各有关单位", "抄送：办公室。", "审核：李四"]
    assert fixed.report is not None
    assert any(c.startswith("附件说明之后的各行原在附件页之后") for c in fixed.report.changed)
    rebuilt = docx_blocks(tmp_path / "out" / "纪要.docx")
    at = rebuilt.index("主送：各有关单位")
    assert rebuilt[at : at + 3] == ["主送：各有关单位", "抄送：办公室。", "审核：李四"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the real corpus is only on the development machine")
def test_the_real_minutes_keep_their_lines_and_closing_order():
    """zhaohui_minutes: its four “- 名称：” lines come back as four paragraphs, its 主送, 抄送
    and 审核 lines in the order the file has them, its unnamed attachment said once."""
    source = CORPUS / "zhaohui_minutes.docx"
    imported = import_docx(source, source.name)
    spec = yaml.safe_load(imported.yaml)
    # its attachment with no name is said once, under 待补
    assert imported.report.unplaced == ["（可选）"]
    assert [t.split("：")[0] for t in imported.report.to_fill] == ["附件的名称"]
    body = spec["body"]
    at = body.index("- 会议名称：“我的刀盾”网络传播情况专题会议")
    assert body[at + 1 : at + 4] == ["- 时间：[时间]", "- 地点：[地点]", "- 主持人：[主持人]"]
    assert spec["closing_lines"] == ["主送：[主送单位]", "抄送：[抄送单位]。", "审核：[审核人]"]


def test_dashed_line_under_title_is_its_subtitle(tmp_path):
    """A centred “——推进……” under a plan's own title, set like the title, is its subtitle: the
    title keeps its words alone and the subtitle prints under it (docs/writing-specs.md)."""
    doc = Document()
    doc.add_paragraph("示例市知识产权强市建设三年行动方案（2024—2026年）").alignment = 1
    doc.add_paragraph("——推进国家知识产权强市建设示范城市").alignment = 1
    doc.add_paragraph("为推进国家知识产权强市建设示范城市工作，制定本方案。")
    doc.add_paragraph("示例市人民政府").alignment = 2
    doc.add_paragraph("2024年3月1日").alignment = 2
    source = tmp_path / "方案.docx"
    doc.save(str(source))
    spec = yaml.safe_load(import_docx(source.read_bytes(), source.name).yaml)
    assert spec["title"] == "示例市知识产权强市建设三年行动方案（2024—2026年）"
    assert spec["subtitle"] == "——推进国家知识产权强市建设示范城市"


def test_closing_parts_keep_gbt9704_order(tmp_path):
    """GB/T 9704 order after the text: 附件说明, 署名, 成文日期, then what follows the date
    (a contact line, a 抄送 line a 通用文书 has no 版记 for), then the attachment pages — the
    contact and 抄送 lines no longer stand between the text and the 附件说明."""
    from wenshu.check import analyse

    doc = Document()
    doc.add_paragraph("关于素材整理情况的报告").alignment = 1
    doc.add_paragraph("[主送单位]：")
    doc.add_paragraph("现将素材整理情况报告如下：整理工作已经完成。")
    doc.add_paragraph("特此报告。")
    doc.add_paragraph("[发文单位]").alignment = 2
    doc.add_paragraph("[日期]").alignment = 2
    doc.add_paragraph("（联系人：[联系人] 联系电话：[固定电话]）")
    doc.add_paragraph("附件")
    doc.add_paragraph("素材目录").alignment = 1
    doc.add_paragraph("目录按来源排列，每季度更新一次。")
    doc.add_paragraph("抄送：[抄送单位]。")
    source = tmp_path / "报告.docx"
    doc.save(str(source))
    fix_file(source, tmp_path / "out", paginate=False)
    result, rebuilt = analyse((tmp_path / "out" / "报告.docx").read_bytes(), "报告.docx")
    order = [(p.role, p.text.strip()) for p in rebuilt.paragraphs if p.text.strip()]
    texts = [text for _, text in order]
    at = {
        name: next(k for k, t in enumerate(texts) if t.startswith(name))
        for name in ("特此", "附件：", "（联系人", "抄送", "目录按")
    }
    assert at["特此"] < at["附件："] < at["（联系人"] < at["抄送"] < at["目录按"]
    assert [role for role, _ in order[at["附件："] + 1 : at["（联系人"]]] == ["signature", "date"]
    assert result.deviations == []


def _unstyled(docx: bytes) -> bytes:
    """``docx`` with every paragraph style taken off: what a copy and paste into a blank
    document leaves (the text, its ordinals and its direct formatting; no role in a style)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = re.sub(rb'<w:pStyle w:val="[^"]*"/>', b"", data)
            zout.writestr(item, data)
    return out.getvalue()


NOTICES = sorted((REPO / "examples" / "notices").glob("*.yaml")) + [
    REPO / "examples" / "letters" / "application.yaml",
    # its mark stays in the first page's header, styled: the text's plain paragraphs are still
    # judged by their text (its 一、 headings are headings, not a list)
    REPO / "examples" / "letters" / "review-request.yaml",
]


@pytest.mark.parametrize("example", NOTICES, ids=lambda p: p.stem)
def test_unstyled_copies_keep_every_sentence_and_part(example, tmp_path):
    """Without any style to go by, the parts are found from text and place alone."""
    source = tmp_path / f"{example.stem}.docx"
    source.write_bytes(_unstyled(render(example, ("docx",)).files["docx"]))
    fixed = fix_file(source, tmp_path / "out", paginate=False)
    assert recall(docx_blocks(source), docx_blocks(tmp_path / "out" / source.name)) == 1.0
    from wenshu.spec.load import load_spec

    # a notice comes back a notice, a letter kind with an import outline (申报函, 申请复核函) itself
    assert fixed.report is not None and fixed.report.kind == load_spec(example).data["kind"]
    for part in ("发文字号", "标题", "主送机关", "署名", "成文日期"):
        assert part in fixed.report.found, part


def test_doc_without_libreoffice_is_refused_clearly(tmp_path, monkeypatch):
    import wenshu.office.libreoffice as pdf
    from wenshu.errors import Problem

    def missing() -> str:
        raise WenshuError(Problem("LibreOffice", "未找到"))

    monkeypatch.setattr(pdf, "find_soffice", missing)
    old = tmp_path / "旧格式.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(WenshuError) as caught:
        fix_file(old, tmp_path / "out", paginate=False)
    message = str(caught.value)
    assert "旧格式.doc" in message and "LibreOffice" in message and "另存为 .docx" in message
    assert not (tmp_path / "out").exists()


def test_a_single_recommendation_with_contact_and_note_comes_back_as_its_kind(tmp_path):
    """The other outline of a 推荐函 (one applicant, its rank, an opinion), the contact line
    with every part, a 附注: all read back into the fields they came from."""
    from wenshu.spec.load import load_spec
    from wenshu.validate import validate

    source = tmp_path / "one.yaml"
    source.write_text(
        "kind: recommendation_letter\nissuer: 示例省知识产权局\ndoc_number: 示知函〔2023〕15号\n"
        "basis:\n  title: 关于开展试点示范申报工作的通知\n  doc_number: 国知办函运字〔2023〕582号\n"
        "applicant: 示例市\nprogramme: 国家知识产权强市建设试点城市\nrank: 2\n"
        "review: 申报材料完整、真实。\nopinion: 该市工作基础较好。\nclosing: 请予审定。\n"
        "contact: {department: 专利管理处, name: 王示例, phone: 0000-12345678, email: a@example.cn}\n"
        "note: 此件公开发布\ndate: 2023-09-10\n",
        encoding="utf-8",
    )
    imported = import_docx(render(source).files["docx"], "one.docx")
    assert imported.report.kind == "recommendation_letter" and not imported.report.unplaced
    again = tmp_path / "again.yaml"
    again.write_text(imported.yaml, encoding="utf-8")
    assert validate(load_spec(again))[1] == validate(load_spec(source))[1]
    assert (
        "closing: 请予审定。" in imported.yaml and "\ntitle:" not in imported.yaml
    )  # the generated title left out


def test_a_review_letter_comes_back_as_its_kind(tmp_path):
    """The 申请复核函's three parts stand under headings the template prints as fixed text, and
    its 承诺 and 结束语 follow the last part (read under that heading): each part's blocks go
    back to their field (it imported as a notice before). The table's widths, the ones wenshu
    sets from its text, are not written out. Built again, it is the same letter."""
    from wenshu.spec.load import load_spec

    example = REPO / "examples" / "letters" / "review-request.yaml"
    imported = import_docx(render(example).files["docx"], "review-request.docx")
    assert imported.report.kind == "review_letter" and not imported.report.unplaced, imported.yaml
    again = tmp_path / "again.yaml"
    again.write_text(imported.yaml, encoding="utf-8")
    spec, source = load_spec(again).data, load_spec(example).data
    for field in ("conditions", "targets", "assessments", "programme", "approved"):
        assert spec[field] == source[field], field
    assert spec["basis"] == {k: source["basis"][k] for k in ("title", "doc_number")}  # dates never print
    # the default 承诺 and 结束语 and the 自称 the issuer implies are left out
    assert not {"commitment", "closing", "self_reference", "title"} & set(spec)
    assert render(again).files["md"] == render(example).files["md"]


def test_a_letter_whose_body_no_outline_takes_stays_a_notice(tmp_path):
    """A 信函格式 notice reads as a notice: no letter kind's first paragraph matches it."""
    source = tmp_path / "a.yaml"
    source.write_text(
        "kind: notice\nformat: letter\nissuer: 示例市人民政府\ndoc_number: 示政函〔2023〕45号\n"
        "title: 示例市人民政府关于申报试点城市的函\nrecipients: 示例省知识产权局\n"
        "body:\n  - 现申报国家知识产权强市建设试点城市。\n  - 请予审核推荐。\n"
        "signature: 示例市人民政府\ndate: 2023-08-20\n",
        encoding="utf-8",
    )
    imported = import_docx(render(source).files["docx"], "a.docx")
    assert imported.report.kind == "notice" and "format: letter" in imported.yaml


def _form_with_text_box(sentences: int) -> bytes:
    """A 10×8 form: a header row, the nine rows below merged into one free-text box."""
    doc = Document()
    doc.add_paragraph("关于报送试点工作情况的通知")
    table = doc.add_table(rows=10, cols=8)
    table.style = "Table Grid"
    for i, head in enumerate(["项目", "单位", "负责人", "电话", "起始", "结束", "经费", "备注"]):
        table.cell(0, i).text = head
    box = table.cell(1, 0).merge(table.cell(9, 7))
    box.text = _box_sentence(1)
    for n in range(2, sentences + 1):
        box.add_paragraph(_box_sentence(n))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _box_sentence(n: int) -> str:
    """Sentences of two lengths: centred, their lines would start at different places."""
    if n % 2:
        return f"第{n}句：本单位围绕知识产权强国建设试点任务扎实推进各项工作，取得阶段性成效。"
    return f"第{n}句：已按期完成。"


def test_a_box_merged_over_rows_and_columns_is_one_span():
    """gridSpan 8 on every row plus vMerge down nine rows: one [row, column, rows, columns]
    box, not a row-wide span per row overlapping a column-tall one."""
    spec = yaml.safe_load(import_docx(_form_with_text_box(3), "form.docx").yaml)
    table = spec["body"][0]["table"]
    assert table["spans"] == [[1, 0, 9, 8]]
    assert table["rows"][0][0] == [_box_sentence(n) for n in (1, 2, 3)]


@pytest.mark.render
def test_a_box_taller_than_a_page_shows_all_its_text(tmp_path):
    """The box rebuilt: every sentence printed, from the first page on (as w:vMerge rows the
    text past the first page was cut off: 29 of 40 sentences). The same box written as the
    whole table, header row included ([0, 0, 10, 8]), prints all its text too."""
    from wenshu.office.libreoffice import read_pages

    source = tmp_path / "form.docx"
    source.write_bytes(_form_with_text_box(70))
    fix_file(source, tmp_path / "out", paginate=False)
    spec = yaml.safe_load((tmp_path / "out" / "form.yaml").read_text(encoding="utf-8"))
    table = spec["body"][0]["table"]
    table["columns"] = ["".join(table["rows"][0][0])] + [""] * 7
    table["rows"][0][0] = ""
    table["spans"] = [[0, 0, 10, 8]]
    whole = tmp_path / "whole.yaml"
    whole.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    (tmp_path / "whole.docx").write_bytes(render(whole).files["docx"])
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless"]
        + ["--convert-to", "pdf", "--outdir", str(tmp_path)]
        + [str(tmp_path / "out" / "form.docx"), str(tmp_path / "whole.docx")],
        capture_output=True,
        timeout=SECONDS * 3,
        check=False,
    )
    for name in ("form", "whole"):
        pages = read_pages(tmp_path / f"{name}.pdf")
        # the text in reading order without the page numbers: a sentence may break over pages
        text = "".join(
            row.text for page in pages for row in page.rows if not re.fullmatch(r"—\s*\d+\s*—", row.text)
        )
        printed = {int(n) for n in re.findall(r"第(\d+)句", re.sub(r"\s+", "", text))}
        assert printed == set(range(1, 71)), (name, sorted(set(range(1, 71)) - printed))
        first = "".join(row.text for row in pages[0].rows)
        assert len(pages) >= 2 and re.search(r"第\s*1\s*句", first), name
    # The box's prose starts at the left, not centred: every line of a full page of
    # it (a paragraph's short last line included) starts at the cell's left edge.
    starts = {round(row.x0) for row in read_pages(tmp_path / "form.pdf")[1].rows if "句" in row.text}
    assert len(starts) == 1, starts


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the real corpus is only on the development machine")
def test_a_contact_kept_as_a_paragraph_is_not_claimed_as_recognised():
    """A 通用文书 has no contact field: the （联系人：…） line stays a paragraph after the
    成文日期, where it stood, and the report says so instead of listing 联系人 as recognised."""
    source = CORPUS / "zhaohui_reply_letter.docx"
    imported = import_docx(source, source.name)
    spec = yaml.safe_load(imported.yaml)
    assert spec["kind"] == "document" and "contacts" not in spec and "contact" not in spec
    assert [b for b in spec["closing_lines"] if b.startswith("（联系人：")]
    assert not any(isinstance(b, str) and b.startswith("（联系人：") for b in spec["body"])
    assert "联系人" not in imported.report.found
    assert "联系人作为成文日期之后的普通段落保留（此文种没有联系人一项）" in imported.report.changed


def test_own_title_breaks_that_make_no_valid_title_are_made_again(notice_docx, tmp_path):
    """A wenshu file whose title a clerk re-broke with a line wider than the 版心: import
    keeps the title, breaks it again (said in the report), and the spec builds."""
    document = Document(io.BytesIO(notice_docx))
    title = next(p for p in document.paragraphs if p.style.style_id == "WsTitle")
    runs = title.runs
    runs[0].text, runs[2].text, runs[4].text = (
        "国家知识产权局办公室关于面向城市、县域开展2023年",
        "知识产权强国",
        "建设试点示范评定工作的通知",
    )
    source = tmp_path / "n.docx"
    document.save(source)
    code, output, _ = run_wenshu("import", str(source))
    assert code == 0, output
    spec = yaml.safe_load((tmp_path / "n.yaml").read_text(encoding="utf-8"))
    assert spec["title"].endswith("建设试点示范评定工作的通知") and "title_lines" not in spec
    assert "标题重新分行" in output
    code, output, _ = run_wenshu("build", str(tmp_path / "n.yaml"), "-o", str(tmp_path / "out"))
    assert code == 0, output


@pytest.mark.render
@pytest.mark.skipif(not CORPUS.is_dir(), reason="the real corpus is only on the development machine")
def test_a_document_whose_signature_is_won_back_keeps_its_title_pitch(tmp_path):
    """zhaohui_reply_letter: with its placeholder 署名 and 成文日期 now parts, they would stand
    alone on page 2; the lines are tightened (§7.3.5.5) under the title — not the title too,
    which check reads as a document set too tight throughout — and check finds it conforming."""
    from wenshu.office.libreoffice import LibreOffice, read_pages

    source = CORPUS / "zhaohui_reply_letter.docx"
    fix_file(source, tmp_path, paginate=True)
    rebuilt = tmp_path / source.name
    assert check_docx(rebuilt.read_bytes(), source.name).deviations == []
    with LibreOffice() as office:
        pdf = office.convert([rebuilt], tmp_path / "pdf")[rebuilt]
    pages = read_pages(pdf)
    assert len(pages) == 1 and "【待补】" in "".join(row.text for row in pages[0].rows)


def test_fix_never_overwrites_a_spec_the_user_has_edited(notice_docx, tmp_path):
    """Fix again into the same folder: a spec as fix wrote it is replaced; one the clerk has
    edited since is kept, with nothing of that file written, until --force."""
    source = tmp_path / "n.docx"
    source.write_bytes(notice_docx)
    spec, docx = tmp_path / "fixed" / "n.yaml", tmp_path / "fixed" / "n.docx"
    code, output, _ = run_wenshu("fix", str(source), "--no-paginate")
    assert code == 0, output
    code, output, _ = run_wenshu("fix", str(source), "--no-paginate")
    assert code == 0, output
    edited = spec.read_text(encoding="utf-8").replace("kind: notice", "kind: notice  # 我改过的", 1)
    spec.write_text(edited, encoding="utf-8")
    docx.write_bytes(b"old")
    code, output, _ = run_wenshu("fix", str(source), "--no-paginate")
    assert code == 1 and "已有改动" in output and "--force" in output, output
    assert spec.read_text(encoding="utf-8") == edited and docx.read_bytes() == b"old"
    code, output, _ = run_wenshu("fix", str(source), "--no-paginate", "--force")
    assert code == 0, output
    assert "我改过的" not in spec.read_text(encoding="utf-8") and docx.read_bytes() != b"old"


ANNEXES = sorted((REPO / "examples" / "annexes").glob("*.yaml"))


@pytest.mark.parametrize("example", ANNEXES, ids=lambda p: p.stem)
def test_an_annex_form_comes_back_as_its_kind(example, tmp_path):
    """Each of the round's 附件 forms (回执, 联系信息表, 名额表, 名单, 测评表, 基本情况表) reads back
    as its kind (they imported as 通用文书): the fields read make the same text. A 测评表's
    group name repeated where its table goes on to the next page, and the catalogue's own
    half-width ; put right by import, say what the template says."""
    from wenshu.extract import markdown_blocks
    from wenshu.spec.load import load_spec

    built = render(example, ("docx", "md"))
    imported = import_docx(built.files["docx"], f"{example.stem}.docx")
    assert imported.report.kind == load_spec(example).data["kind"], imported.report.changed
    again = tmp_path / "again.yaml"
    again.write_text(imported.yaml, encoding="utf-8")
    assert markdown_blocks(render(again, ("md",)).markdown) == markdown_blocks(built.markdown)


@pytest.mark.parametrize(
    "title", ["2024年度示范城市和试点城市推荐名额", "2024年度示范城市、试点城市推荐名额分配表"]
)
def test_a_quota_table_of_several_programmes_comes_back_as_its_kind(title, tmp_path):
    """A 名额表 with a column for each programme (its title naming them all) reads back as a
    quota_table whose programmes are its columns' headers (it imported as a 通用文书: “名额栏表头
    有 2 个，类别有 1 个”, the title's “示范城市和试点城市” taken for one programme)."""
    from wenshu.extract import markdown_blocks

    spec = tmp_path / "quota.yaml"
    spec.write_text(
        f"kind: quota_table\nname: {title}\nprogramme: [示范城市, 试点城市]\n"
        "rows:\n  - [北京市, 2, 3]\n  - [天津市, 1, 2]\n  - [河北省, 1, 1]\n",
        encoding="utf-8",
    )
    built = render(spec, ("docx", "md"))
    imported = import_docx(built.files["docx"], "quota.docx")
    assert imported.report.kind == "quota_table", imported.report.changed
    read = yaml.safe_load(imported.yaml)
    assert read["programme"] == ["示范城市", "试点城市"] and "quota_headers" not in read, read
    again = tmp_path / "again.yaml"
    again.write_text(imported.yaml, encoding="utf-8")
    assert markdown_blocks(render(again, ("md",)).markdown) == markdown_blocks(built.markdown)


@pytest.mark.parametrize(
    ("example", "fill", "why"),
    [
        ("receipt", "河南省", "正文的表格（应只有表头和空行）不合其提纲"),
        ("county-evaluation-form", "已完成", "文件为“已完成"),
    ],
)
def test_a_filled_form_is_a_general_document_saying_why(example, fill, why):
    """A form filled in is no blank form of its kind: it stays a 通用文书, and the report says
    in Chinese where it leaves the kind's outline."""
    doc = Document(
        io.BytesIO(render(REPO / "examples" / "annexes" / f"{example}.yaml", ("docx",)).files["docx"])
    )
    doc.tables[0].rows[1].cells[-1].text = fill
    out = io.BytesIO()
    doc.save(out)
    imported = import_docx(out.getvalue(), "filled.docx")
    assert imported.report.kind == "document"
    assert any(c.startswith("按通用文书导入：") and why in c for c in imported.report.changed), (
        imported.report.changed
    )


def test_a_receipt_typed_as_a_file_of_its_own():
    """A clerk's 回执: “附件2”, the title, “单位：” to fill in and a blank table, direct
    formatting only. “单位：” is a field of the form, not a 主送机关 (check and import took it
    for one); the “附件2” is its notice's to number, said in the report."""
    from tests.test_check_others import Draft
    from wenshu.check import analyse

    d = Draft()
    d.para("附件2", "黑体")
    d.para("联系人回执", "方正小标宋简体", 22, "c")
    d.para("单位：")
    table = d.doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, ["姓名", "职务", "电话", "电子邮箱"], strict=True):
        cell.text = name
    data = d.save()
    imported = import_docx(data, "回执.docx")
    assert imported.report.kind == "receipt", imported.report.changed
    spec = yaml.safe_load(imported.yaml)
    assert (
        spec["lines"] == ["单位："]
        and spec["rows"] == 3
        and spec["columns"] == ["姓名", "职务", "电话", "电子邮箱"]
    )
    assert any("“附件2”不另存" in c for c in imported.report.changed)
    _, read = analyse(data, "回执.docx")
    assert read is not None
    roles = {p.text.strip(): p.role for p in read.paragraphs if p.text.strip()}
    assert roles["单位："] != "recipients"


@pytest.mark.parametrize("heading_font", ["黑体", "仿宋_GB2312"])
def test_a_review_letter_typed_by_a_clerk(heading_font):
    """A 申请复核函 typed in Word with direct formatting only (python-docx, no wenshu style):
    red mark with its rule, 发文字号 right, title, headings in 黑体 or in the body's own font,
    run-in headings in 楷体, the contact line. It reads back as ``review_letter``, each part
    under its field; the same file with its 依据 sentence changed is a notice."""
    from tests.test_check_others import Draft

    def typed(opening: str) -> bytes:
        d = Draft()
        mark = d.para("示例市人民政府", "方正小标宋简体", 26, "c", color="FF0000")
        d.border(mark, ("bottom", 12, "FF0000"))
        d.para("示政函〔2018〕52号", align="r", right=1)
        d.para()
        d.para("示例市人民政府关于申请国家知识产权示范城市复核的函", "方正小标宋简体", 22, "c")
        d.para()
        d.para("示例省知识产权局：")
        d.para(opening, first=2)
        d.para("一、申报条件符合情况", heading_font, first=2)
        d.para("我市对照管理办法第十八条逐项自查，当前状况仍符合示范城市申报条件。", first=2)
        p = d.para(first=2)
        d.run(p, "（一）组织机构健全。", "楷体_GB2312")
        d.run(p, "市政府设立知识产权工作领导小组。")
        d.para("二、示范建设目标任务完成情况", heading_font, first=2)
        d.para("示范城市建设工作方案确定的25项目标任务全部完成。", first=2)
        d.para("三、年度考核结果与专利实力监测情况", heading_font, first=2)
        d.para("示范期内，我市年度考核结果均为优秀。", first=2)
        d.para("我市承诺，所报复核材料真实、准确、完整。", first=2)
        d.para("请予审核并转报国家知识产权局。", first=2)
        d.para()
        d.para("示例市人民政府", align="r", right=4)
        d.para("2018年8月20日", align="r", right=4)
        d.para("（联系人：示例市市场监督管理局　李示例；联系电话：0000-87654321）", first=2)
        return d.save()

    opening = (
        "我市于2015年成为国家知识产权示范城市。根据《关于开展2018年度复核工作的通知》"
        "（国知办函管字〔2018〕666号）要求，我市对照复核内容进行了认真自查，"
        "现申请国家知识产权示范城市复核。有关情况报告如下："
    )
    imported = import_docx(typed(opening), "复核函.docx")
    assert imported.report.kind == "review_letter" and not imported.report.unplaced, imported.report.changed
    spec = yaml.safe_load(imported.yaml)
    assert spec["approved"] == {"year": 2015} and spec["programme"] == "国家知识产权示范城市"
    assert spec["conditions"][1] == {"heading": "组织机构健全", "text": "市政府设立知识产权工作领导小组。"}
    assert spec["contact"]["name"] == "李示例"
    other = import_docx(typed("现将我市示范城市建设情况报告如下："), "报告.docx")
    assert other.report.kind == "notice"


# -- line ends: w:cr is w:br (ECMA-376 §17.3.3.4); a cell's wrapped name reads whole -----------

PLAN = REPO / "examples" / "work_plans" / "sample-city-demonstration-plan.yaml"


def test_a_plan_whose_cell_line_ends_were_saved_as_br_imports_as_before():
    # LibreOffice saves the w:cr wenshu ends a cell's line with as w:br; the names it wraps
    # were read as two-item lists (“['每万人口高价值', '发明专利拥有量']”) and the plan fell back
    # to kind document.
    docx = render(PLAN, ("docx",)).files["docx"]
    parts = _parts(docx)
    xml = parts["word/document.xml"].decode("utf-8")
    assert "<w:cr/>" in xml
    parts["word/document.xml"] = xml.replace("<w:cr/>", "<w:br/>").encode("utf-8")
    saved = import_docx(_packed(parts), PLAN.name)
    assert saved.yaml == import_docx(docx, PLAN.name).yaml
    assert yaml.safe_load(saved.yaml)["kind"] == "work_plan"


HENAN = REPO / "examples" / "notices" / "henan-2023-38.yaml"


def test_an_attachment_notes_own_line_ends_read_as_one_name_before_and_after_resaving():
    # henan-2023-38's 附件说明 item 1 carries wenshu's own line ends (w:cr, render.docx); they
    # are no part of the name: import reads it whole, check finds nothing in the 附件说明, and
    # so after LibreOffice re-saved them as w:br.
    from wenshu.check import check_docx

    docx = render(HENAN, ("docx",)).files["docx"]
    parts = {}
    with zipfile.ZipFile(io.BytesIO(docx)) as zin:
        for name in zin.namelist():
            parts[name] = zin.read(name)
    xml = parts["word/document.xml"].decode("utf-8")
    assert "县域</w:t><w:cr/><w:t>开展" in xml
    parts["word/document.xml"] = xml.replace("<w:cr/>", "<w:br/>").encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    names = [yaml.safe_load(HENAN.read_text(encoding="utf-8"))["attachments"][0]["name"]]
    for data in (docx, out.getvalue()):
        imported = yaml.safe_load(import_docx(data, HENAN.name).yaml)
        assert [a["name"] for a in imported["attachments"]][:1] == names
        codes = [d.code for d in check_docx(data, HENAN.name).deviations]
        assert not [c for c in codes if c.startswith("note")], codes


def test_a_carriage_return_breaks_the_line_and_a_cells_wrapped_name_reads_whole():
    from wenshu.check import read_document

    doc = Document()
    p = doc.add_paragraph()
    p.add_run("第一行")._r.append(
        parse_xml('<w:cr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    )
    p.add_run("第二行")
    table = doc.add_table(rows=1, cols=3)
    for cell, (a, b) in zip(
        table.rows[0].cells,
        [("每万人口高价值", "发明专利拥有量"), ("PCT", "WIPO"), ("甲；", "乙")],
        strict=True,
    ):
        run = cell.paragraphs[0].add_run(a)
        run.add_break(WD_BREAK.LINE)
        cell.paragraphs[0].add_run(b)
    data = io.BytesIO()
    doc.save(data)
    read = read_document(data.getvalue())
    assert read.paragraphs[0].text == "第一行\n第二行"  # was “第一行第二行”: the lines run together
    cells = [c.text for c in read.tables[0].rows[0]]
    # A name wrapped in its cell reads whole; lines of Latin words or items stay apart.
    assert cells == ["每万人口高价值发明专利拥有量", "PCT\nWIPO", "甲；\n乙"]
    assert "每万人口高价值发明专利拥有量" in docx_blocks(data.getvalue())


def test_a_list_of_places_typed_in_one_cell_reads_as_its_items(tmp_path):
    # Others list regions in one cell, one a line (Shift+Enter: w:br); read as one name
    # (“北京市天津市”) since breaks beside Chinese characters were taken for wrapped lines.
    from wenshu.check import read_document

    doc = Document()
    table = doc.add_table(rows=2, cols=2)
    for cell, text in zip(table.rows[0].cells, ["地区", "备注"], strict=True):
        cell.text = text
    lists = [["北京市", "天津市", "新疆生产建设兵团"], ["郑州市", "兰考县"]]
    for cell, lines in zip(table.rows[1].cells, lists, strict=True):
        for k, line in enumerate(lines):
            run = cell.paragraphs[0].add_run(line)
            if k < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)
    data = io.BytesIO()
    doc.save(data)
    read = read_document(data.getvalue())
    assert [c.text for c in read.tables[0].rows[1]] == ["北京市\n天津市\n新疆生产建设兵团", "郑州市\n兰考县"]
    assert "北京市 天津市 新疆生产建设兵团" in docx_blocks(data.getvalue())
    # and the spec keeps them as lines of the cell
    spec = yaml.safe_load(import_docx(data.getvalue(), "地区.docx").yaml)
    assert "北京市天津市" not in str(spec)
    assert "天津市" in str(spec)


# -- a round's own wording of its scores (round.yaml score_names: {A: A表得分}) -----------------

SCORED = REPO / "examples" / "rounds" / "enterprise-scores"


@pytest.mark.parametrize(
    "example",
    [
        SCORED / f"{name}.yaml"
        for name in ("recommendation-list", "recommendation-letter", "recommendation-letters")
    ],
    ids=lambda p: p.stem,
)
def test_a_rounds_wording_of_scores_comes_back_as_its_kind(example, tmp_path):
    # a 推荐名单 headed “A表得分” imported as a 通用文书, letters with scores as notices
    from wenshu.extract import markdown_blocks
    from wenshu.spec.load import load_spec

    built = render(example, ("docx", "md"))
    assert "A表得分" in built.markdown
    imported = import_docx(built.files["docx"], example.name)
    assert imported.report.kind == load_spec(example).data["kind"], imported.report.changed
    spec = yaml.safe_load(imported.yaml)
    assert spec["score_names"] == {"A": "A表得分", "B": "B表得分"}  # no round beside it: the spec says it
    again = tmp_path / example.name
    again.write_text(imported.yaml, encoding="utf-8")
    assert markdown_blocks(render(again, ("md",)).markdown) == markdown_blocks(built.markdown)


def test_scores_in_a_letter_without_a_rounds_wording_come_back(tmp_path):
    # “测评得分：A表86分、B表88分。”: the wording of a round that calls its scores nothing else
    example = SCORED / "recommendation-letter.yaml"
    plain = tmp_path / "letter.yaml"
    plain.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    built = render(plain, ("docx", "md"))
    assert "测评得分：A表86分、B表88分。" in built.markdown
    imported = import_docx(built.files["docx"], plain.name)
    spec = yaml.safe_load(imported.yaml)
    assert imported.report.kind == "recommendation_letter" and "score_names" not in spec
    assert spec["scores"] == {"A": 86, "B": 88}
    # a wording the spec gives for a table none of its scores is of is refused
    (tmp_path / "named.yaml").write_text(
        imported.yaml + "score_names: {A: A表得分, C: C表得分}\n", encoding="utf-8"
    )
    with pytest.raises(WenshuError, match="没有“C”表的评分"):
        render(tmp_path / "named.yaml", ("md",))


@pytest.mark.parametrize("example", ["example-2025", "enterprise-scores"])
def test_a_rounds_summary_table_comes_back_as_the_round(example, tmp_path):
    # the 类别及申报条件一览表 had no import section: a 通用文书 of one table
    from wenshu.spec.load import load_spec

    source = REPO / "examples" / "rounds" / example / "round.yaml"
    built = render(source, ("docx", "md"))
    imported = import_docx(built.files["docx"], "round.docx")
    assert imported.report.kind == "round", imported.report.changed
    spec = yaml.safe_load(imported.yaml)
    # the year, and only what the round declares beyond the catalogue's year (its wording)
    assert spec == dict(load_spec(source).data)
    again = tmp_path / "round.yaml"
    again.write_text(imported.yaml, encoding="utf-8")
    assert comparable(render(again, ("md",)).markdown) == comparable(built.markdown)


def test_a_rounds_summary_table_with_a_category_the_catalogue_lacks_says_so():
    built = render(REPO / "examples" / "rounds" / "example-2027" / "round.yaml", ("docx",))
    imported = import_docx(built.files["docx"], "round.docx")
    assert imported.report.kind == "document"
    assert any("评定轮次" in line and "schemas/round.yaml" in line for line in imported.report.changed)


def test_a_table_cut_where_every_row_spans_two_columns_imports_as_one_table():
    # The 基本情况表's second table, cut by the pagination pass before row 7 (as LibreOffice
    # lays out the 2018 notice): every row of the rest has its 指标 over two columns, so the
    # rest showed no column grid and read as a second table (a table more, a page more).
    from wenshu.build.paginate import repeat_labels
    from wenshu.office.pages import Facts

    spec = REPO / "examples" / "annexes" / "basic-info-form.yaml"
    whole = render(spec).files["docx"]
    cut = repeat_labels(whole, Facts(merged_breaks=[(1, 7, 2)]))
    assert len(docx_tables(cut)) == len(docx_tables(whole)) + 1
    assert import_docx(cut, spec.name).yaml == import_docx(whole, spec.name).yaml


def docx_tables(docx: bytes) -> list[Any]:
    """The w:tbl elements of the body of ``docx``."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return root.findall(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tbl")


@pytest.mark.render
def test_wenshus_own_files_saved_by_libreoffice_import_as_before(tmp_path):
    # LibreOffice renames wenshu's style ids (WsBody → Style10, its name 公文正文 kept), so the
    # file no longer read as wenshu's own: the seal (sealed: true) and the title's own breaks
    # were lost. In a table the pagination pass cut, it writes a merge of one row as none (the
    # group labels came back on the first row after the cut) and drops a grid column no cell
    # of a part starts at (the 基本情况表's rest read as a second table of five columns).
    from wenshu.build.paginate import repeat_labels
    from wenshu.office.libreoffice import find_soffice
    from wenshu.office.pages import Facts

    def built(path: str) -> bytes:
        return render(REPO / "examples" / path, ("docx",)).files["docx"]

    files = {
        "application": built("letters/application.yaml"),
        "notice": built("notices/henan-2023-38.yaml"),
        "basic": repeat_labels(built("annexes/basic-info-form.yaml"), Facts(merged_breaks=[(1, 7, 2)])),
        "form": repeat_labels(
            built("annexes/city-evaluation-form.yaml"), Facts(merged_breaks=[(0, 6, 2), (0, 18, 3)])
        ),
    }
    source, saved = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for name, data in files.items():
        (source / f"{name}.docx").write_bytes(data)
    subprocess.run(
        [find_soffice(), "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(saved)]
        + [str(source / f"{name}.docx") for name in files],
        check=True,
        capture_output=True,
        timeout=300,
    )

    def spec(data: bytes) -> list[str]:
        # column widths in cm may round 0.1 apart (LibreOffice's own twips)
        return [x for x in import_docx(data, "x.docx").yaml.splitlines() if "widths:" not in x]

    for name, data in files.items():
        again = (saved / f"{name}.docx").read_bytes()
        with zipfile.ZipFile(io.BytesIO(again)) as zf:  # LibreOffice's own style ids: the case at hand
            assert b'w:styleId="WsBody"' not in zf.read("word/styles.xml")
        assert spec(again) == spec(data), name
    notice = yaml.safe_load(import_docx((saved / "notice.docx").read_bytes(), "x.docx").yaml)
    assert notice["sealed"] is True
    assert notice["title_lines"][0] == "河南省知识产权局"


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        # an empty Word file made a spec of nothing but 【待补】, exit 0
        ("空白.docx", None, "空白文档"),
        ("加密.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096, "加密"),
        ("坏文件.docx", b"not a zip at all", "不是 Word 文件"),
    ],
)
def test_import_refuses_what_it_cannot_read_naming_the_file(tmp_path, name, content, said):
    source = tmp_path / name
    if content is None:
        Document().save(source)
    else:
        source.write_bytes(content)
    spec = tmp_path / "out" / "规格.yaml"
    code, output, _ = run_wenshu("import", str(source), "-o", str(spec))
    assert code == 1 and f"错误 {source}" in output and said in output and "Traceback" not in output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_header_and_footer_text_is_said_and_a_copy_number_there_kept():
    # A running header (“公文格式化示例文档”, liuhanning_demo) was dropped without a word, and
    # the 份号 a template puts in the header (lawliet_master_template: 001012) with it.
    doc = Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = "内部资料 注意保存"
    section.header.add_paragraph("000123")
    section.footer.paragraphs[0].text = "— 1 —"
    section.footer.add_paragraph("本单位办公室印制")
    doc.add_paragraph("关于做好某项工作的通知").alignment = 1
    doc.add_paragraph("各有关单位：")
    doc.add_paragraph("现将有关事项通知如下。")
    data = io.BytesIO()
    doc.save(data)
    imported = import_docx(data.getvalue(), "页眉.docx")
    said = "\n".join(imported.report.lines())
    assert "页眉中的文字“内部资料 注意保存”不再印出" in said
    assert "页脚中的文字“本单位办公室印制”不再印出" in said and "— 1 —" not in said
    top = imported.yaml.split("kind:")[0]
    assert "页眉中的文字“内部资料 注意保存”" in top and "页脚中的文字“本单位办公室印制”" in top
    assert "000123" in imported.yaml.split("kind:")[1]  # the 份号, kept in the spec


@pytest.mark.parametrize("text", ["0371-65123456", "2023-08-01"])
def test_a_footers_number_that_is_no_page_number_is_said(text):
    # A phone number or a date in the footer was taken for a page number (digits and dashes)
    # and dropped without a word; the page numbers' own shapes still go unsaid.
    doc = Document()
    footer = doc.sections[0].footer
    footer.paragraphs[0].text = text
    for page_number in ("第 1 页 共 2 页", "- 1 -", "1/2"):
        footer.add_paragraph(page_number)
    doc.add_paragraph("关于做好某项工作的通知").alignment = 1
    doc.add_paragraph("各有关单位：")
    doc.add_paragraph("现将有关事项通知如下。")
    data = io.BytesIO()
    doc.save(data)
    said = "\n".join(import_docx(data.getvalue(), "页脚.docx").report.lines())
    assert f"页脚中的文字“{text}”不再印出" in said
    assert "共 2 页" not in said and "- 1 -" not in said and "1/2" not in said


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the real corpus is only on the development machine")
def test_a_notices_closing_lines_of_no_part_are_said_moved_into_its_text():
    # lawliet_test_notice's 版记 has “分送：…” and “共印2份”: a notice has no place for them, so
    # they go to the end of its text, above the contacts and the signature — the report said
    # “kept where they stood”, which they are not.
    imported = import_docx((CORPUS / "lawliet_test_notice.docx").read_bytes(), "lawliet_test_notice.docx")
    said = "\n".join(imported.report.lines())
    assert "“分送：教育局，教育局。”“共印2份”移到正文末尾" in said
    assert imported.yaml.count("原在成文日期之后") == 2
    body = yaml.safe_load(imported.yaml)["body"]
    assert body[-2:] == ["分送：教育局，教育局。", "共印2份"]  # every word kept


_PLACES_TABLE = """kind: document
title: 试点城市名单
body:
  - table:
      columns: [序号, 所在地区, 申报单位全称, 推荐理由, 联系人及电话, 备注说明]
      rows:
        - [1, 河南省郑州市, 郑州市市场监督管理局知识产权促进处, 知识产权工作基础扎实成效显著,
           张三同志办公电话, 第一批申报材料齐全]
"""


def _places_cell(docx: bytes, width: int, *, renamed: bool) -> bytes:
    """``docx`` with its 河南省郑州市 cell ``width`` twips wide in 五号, its line ended after
    河南省 by a w:br (as LibreOffice saves wenshu's w:cr), and, ``renamed``, wenshu's style
    ids renamed as LibreOffice renames them (WsBody → Style1, the names kept)."""
    parts = _parts(docx)
    xml = parts["word/document.xml"].decode("utf-8")
    # the name as wenshu wrote it: whole, or with its own line end (w:cr) where the built
    # column's width has it
    name = r"河南省(?:</w:t><w:cr/><w:t[^>]*>)?郑州市"
    cells = re.findall(rf"<w:tc>(?:(?!</w:tc>).)*{name}(?:(?!</w:tc>).)*</w:tc>", xml)
    assert len(cells) == 1
    cell = re.sub(r'<w:tcW w:w="\d+"', f'<w:tcW w:w="{width}"', cells[0])
    cell = re.sub(r'w:val="\d+"/><w:szCs w:val="\d+"', 'w:val="21"/><w:szCs w:val="21"', cell)
    cell = re.sub(rf"<w:t[^>]*>{name}</w:t>", "<w:t>河南省</w:t><w:br/><w:t>郑州市</w:t>", cell)
    xml = xml.replace(cells[0], cell)
    grid = re.findall(r'<w:gridCol w:w="\d+"/>', xml)  # the column's width in the table's grid too
    xml = xml.replace("".join(grid[:2]), grid[0] + f'<w:gridCol w:w="{width}"/>', 1)
    if renamed:
        for part in ("word/document.xml", "word/styles.xml"):
            text = xml if part == "word/document.xml" else parts[part].decode("utf-8")
            text = re.sub(r'(w:styleId|w:val)="Ws(\w+)"', r'\1="Style\2"', text)
            if part == "word/document.xml":
                xml = text
            else:
                parts[part] = text.encode("utf-8")
    parts["word/document.xml"] = xml.encode("utf-8")
    return _packed(parts)


def test_a_resaved_wenshu_files_wrapped_place_name_reads_whole(tmp_path):
    # wenshu ends 河南省郑州市's first line after 河南省 in a cell 1065 twips wide in 五号
    # (a fourth character may or may not print on the line there, so wenshu writes its w:cr);
    # LibreOffice saves that as w:br, and the two lines, each a place, read as a list of two
    # places. Where wenshu would end the lines exactly there, it is its own wrapping.
    from wenshu.render.docx import printed_lines

    assert printed_lines("河南省郑州市", 1065, 10.5, 2) == ["河南省", "郑州市"]
    spec = tmp_path / "名单.yaml"
    spec.write_text(_PLACES_TABLE, encoding="utf-8")
    docx = render(spec, ("docx",)).files["docx"]

    def cell(data: bytes) -> Any:
        rows = yaml.safe_load(import_docx(data, "名单.docx").yaml)["body"][0]["table"]["rows"]
        return rows[0][1]

    assert cell(_places_cell(docx, 1065, renamed=True)) == "河南省郑州市"
    # a list typed in the cell stays a list: in a file whose w:br are typed breaks (its style
    # ids wenshu's own), or where wenshu would not end the line there (a cell wide enough)
    assert cell(_places_cell(docx, 1065, renamed=False)) == ["河南省", "郑州市"]
    assert cell(_places_cell(docx, 2400, renamed=True)) == ["河南省", "郑州市"]


def test_a_centred_numbered_table_title_above_a_table_is_its_title():
    # liuhanning_demo: “表1  示例数据统计表”, centred over its table, came back as a paragraph
    # of the text (indented two characters in the fixed file, no longer over its table).
    doc = Document()
    doc.add_paragraph("关于统计情况的报告").alignment = 1
    doc.add_paragraph("现将有关统计情况报告如下。")
    doc.add_paragraph("表1  示例数据统计表").alignment = 1
    table = doc.add_table(rows=2, cols=2)
    cells = table.rows[0].cells + table.rows[1].cells
    for cell, text in zip(cells, ["项目", "数值", "甲", "100"], strict=True):
        cell.text = text
    doc.add_paragraph("表2 不居中的一行不是表题")
    doc.add_table(rows=1, cols=1).rows[0].cells[0].text = "乙"
    data = io.BytesIO()
    doc.save(data)
    body = yaml.safe_load(import_docx(data.getvalue(), "统计.docx").yaml)["body"]
    tables = [b["table"] for b in body if isinstance(b, dict) and "table" in b]
    assert tables[0]["title"] == "表1  示例数据统计表"
    assert "title" not in tables[1] and "表2 不居中的一行不是表题" in body


def test_imported_column_widths_rebuild_the_same_columns(tmp_path):
    # Widths were written to 0.1 cm: a column of the 2018 notice's 基本情况表 came back 26 twips
    # narrower, a cell whose text just fitted took one more line, and the notice one more page.
    spec = REPO / "examples" / "notices" / "cnipa-2018-city.yaml"
    first = render(spec, ("docx",)).files["docx"]
    again = tmp_path / spec.name
    again.write_text(import_docx(first, spec.name).yaml, encoding="utf-8")
    second = render(again, ("docx",)).files["docx"]

    def grids(docx: bytes) -> list[list[int]]:
        ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        return [[int(col.get(f"{ns}w")) for col in table.iter(f"{ns}gridCol")] for table in docx_tables(docx)]

    before, after = grids(first), grids(second)
    assert [len(g) for g in before] == [len(g) for g in after]
    assert max(abs(a - b) for x, y in zip(before, after, strict=True) for a, b in zip(x, y, strict=True)) <= 6


_RUN_IN_SPEC = """kind: document
title: 关于开展试点工作的通知
body:
  - heading: 工作安排
    body:
      - heading: 申报要求
        body:
          - items:
              - heading: 申报条件
                text: 申报单位应为区域内具有一定影响力的单位。
              - heading: 复核范围
                text: 2019年及以前认定的单位均须参加复核。
"""
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _run_in_spec(tmp_path: Path) -> Path:
    spec = tmp_path / "通知.yaml"
    spec.write_text(_RUN_IN_SPEC, encoding="utf-8")
    return spec


def _run_in_blocks(data: bytes) -> list[Any]:
    """The blocks under 一、（一） of ``data`` imported."""
    return yaml.safe_load(import_docx(data, "通知.docx").yaml)["body"][0]["body"][0]["body"]


_RUN_IN_READ = [
    {"heading": "申报条件", "text": "申报单位应为区域内具有一定影响力的单位。"},
    {"heading": "复核范围", "text": "2019年及以前认定的单位均须参加复核。"},
]


def _resaved_runs(docx: bytes, *, marked: bool) -> bytes:
    """``docx`` as LibreOffice saves it: wenshu's style ids renamed (WsBody → Style1, the names
    kept) and a run cut where its script changes (“1.” | “申报条件”), each piece keeping the
    run's properties; not ``marked``, with no character style on the heading, which then
    merges with the text after it (the same look)."""
    parts = _parts(docx)
    xml = parts["word/document.xml"].decode("utf-8")
    cut = r"<w:r>\1<w:t>\2</w:t></w:r><w:r>\1<w:t>\3</w:t></w:r>"
    xml = re.sub(r"<w:r>(<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)<w:t>(\d\.)([^<]+)</w:t></w:r>", cut, xml)
    if not marked:
        xml = xml.replace('<w:rPr><w:rStyle w:val="WsRunIn"/></w:rPr>', "")
        xml = re.sub(r"</w:t></w:r><w:r><w:t>", "", xml)
    parts["word/document.xml"] = xml.encode("utf-8")
    for part in ("word/document.xml", "word/styles.xml"):
        parts[part] = re.sub(rb'(w:styleId|w:val)="Ws(\w+)"', rb'\1="Style\2"', parts[part])
    return _packed(parts)


def test_a_run_in_heading_is_marked_by_its_character_style_and_read_by_its_name(tmp_path):
    # A level-3 run-in heading (“1.申报条件。申报……”) was set apart only by being a run of its
    # own: LibreOffice and Word cut and merge runs on saving, and it came back a numbered item.
    from lxml import etree

    from wenshu.check import read_document

    docx = render(_run_in_spec(tmp_path), ("docx",)).files["docx"]
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
        styles = etree.fromstring(zf.read("word/styles.xml"))
    marked = [
        "".join(r.itertext())
        for r in body.iter(f"{_W_NS}r")
        if r.find(f"{_W_NS}rPr/{_W_NS}rStyle[@{_W_NS}val='WsRunIn']") is not None
    ]
    assert marked == ["1.申报条件", "2.复核范围"]  # the heading with its ordinal, not its 。
    style = styles.find(f"{_W_NS}style[@{_W_NS}styleId='WsRunIn']")
    assert style.get(f"{_W_NS}type") == "character"
    assert style.find(f"{_W_NS}name").get(f"{_W_NS}val") == "段首标题"
    assert style.find(f"{_W_NS}rPr") is None  # it sets nothing: font and size stay the paragraph's

    resaved = _resaved_runs(docx, marked=True)
    runs = [r for p in read_document(resaved, "通知.docx").paragraphs for r in p.runs if r.text.strip()]
    assert [r.text for r in runs if r.style_name == "段首标题"] == ["1.", "申报条件", "2.", "复核范围"]
    assert _run_in_blocks(resaved) == _run_in_blocks(docx) == _RUN_IN_READ
    # without the mark the same cut and merged runs read as numbered items
    assert _run_in_blocks(_resaved_runs(docx, marked=False)) == [
        {"items": [f"{h}。{t}" for h, t in (b.values() for b in _RUN_IN_READ)]}
    ]


@pytest.mark.render
def test_a_run_in_heading_survives_a_libreoffice_resave(tmp_path):
    from wenshu.office.libreoffice import find_soffice

    first = render(_run_in_spec(tmp_path), ("docx", "md"))
    source, saved = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "通知.docx").write_bytes(first.files["docx"])
    subprocess.run(
        [find_soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless"]
        + ["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(saved), str(source / "通知.docx")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    again = (saved / "通知.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(again)) as zf:  # LibreOffice's own style ids: the case at hand
        styles = zf.read("word/styles.xml").decode("utf-8")
    assert 'w:styleId="WsRunIn"' not in styles and '<w:name w:val="段首标题"/>' in styles
    assert _run_in_blocks(again) == _RUN_IN_READ
    spec = tmp_path / "again.yaml"
    spec.write_text(import_docx(again, "通知.docx").yaml, encoding="utf-8")
    assert comparable(render(spec, ("md",)).markdown) == comparable(first.markdown)
