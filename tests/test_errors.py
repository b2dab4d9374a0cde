"""Bad inputs: a clear Chinese message with file:line:col, a non-zero exit, and nothing written.

Also the other commands (list, schema, validate) and values that look like template code or
markup, which must come out as written.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLES, REPO, cpu_seconds
from wenshu.cli.main import main
from wenshu.extract import docx_blocks, markdown_blocks

BASE = """\
kind: notice
format: letter
issuer: 测试局办公室
doc_number: 测试函〔2023〕5号
title: 关于测试工作的通知
recipients: 各有关单位
body:
  - 第一段。
  - 特此通知。
signature: 测试局办公室
date: 2023-07-18
"""
# Line numbers in BASE.
L_KIND, L_DOC_NUMBER, L_TITLE, L_BODY, L_FIRST_PARAGRAPH, L_DATE = 1, 4, 5, 7, 8, 11

CJK = re.compile(r"[\u4e00-\u9fff]")
# Three or more English words in a row: an untranslated parser or Python message.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[\s'\",\[\]<>#]+[A-Za-z]{2,}){2,}")


def replace_line(text: str, line: int, new: str) -> str:
    lines = text.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


def alias_bomb() -> str:
    lines = ["kind: notice", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


# id → (content, expected lines (None: no line to point at), words the message must contain)
CASES: dict[str, tuple[str | bytes, set[int] | None, list[str]]] = {
    "broken-yaml-unclosed-bracket": (replace_line(BASE, L_TITLE, "title: [关于测试工作的通知"), {5, 6}, []),
    "unknown-kind": (replace_line(BASE, L_KIND, "kind: notise"), {L_KIND}, ["notise", "notice"]),
    "missing-title": (BASE.replace("title: 关于测试工作的通知\n", ""), None, ["title"]),
    "wrong-type": (
        BASE.replace("body:\n  - 第一段。\n  - 特此通知。\n", "body: 3\n"),
        {L_BODY},
        ["body"],
    ),
    "unknown-key": (replace_line(BASE, L_TITLE, "titel: 关于测试工作的通知"), {L_TITLE}, ["titel", "title"]),
    "doc-number-square-brackets": (
        replace_line(BASE, L_DOC_NUMBER, "doc_number: 国知办函运字[2023]582号"),
        {L_DOC_NUMBER},
        ["国知办函运字〔2023〕582号"],
    ),
    "doc-number-parentheses": (
        replace_line(BASE, L_DOC_NUMBER, "doc_number: 国知办函运字(2023)582号"),
        {L_DOC_NUMBER},
        ["国知办函运字〔2023〕582号"],
    ),
    "doc-number-leading-zero": (
        replace_line(BASE, L_DOC_NUMBER, "doc_number: 国知办函运字〔2023〕0582号"),
        {L_DOC_NUMBER},
        ["国知办函运字〔2023〕582号"],
    ),
    "doc-number-di": (
        replace_line(BASE, L_DOC_NUMBER, "doc_number: 国知办函运字〔2023〕第582号"),
        {L_DOC_NUMBER},
        ["国知办函运字〔2023〕582号"],
    ),
    "impossible-iso-date": (replace_line(BASE, L_DATE, "date: 2023-02-30"), {L_DATE}, ["date"]),
    "impossible-chinese-date": (replace_line(BASE, L_DATE, "date: 2023年2月30日"), {L_DATE}, ["date"]),
    "deadline-before-issue-date": (
        replace_line(BASE, L_FIRST_PARAGRAPH, "  - 请于2023年7月1日前报送材料。"),
        {L_FIRST_PARAGRAPH},
        ["2023年7月1日"],
    ),
    "reference-to-missing-attachment": (
        replace_line(BASE, L_FIRST_PARAGRAPH, "  - 名单见附件3。")
        + "attachments:\n  - name: 甲表\n  - name: 乙表\n",
        {L_FIRST_PARAGRAPH},
        ["附件3"],
    ),
    "title-lines-do-not-join": (
        BASE.replace("recipients:", "title_lines:\n  - 关于测试\n  - 的通知\nrecipients:"),
        {6, 7},
        ["title_lines"],
    ),
    "empty-file": ("", None, []),
    "top-level-list": ("- kind: notice\n- title: x\n", {1}, []),
    "python-tag": (BASE + 'note: !!python/object/apply:os.system ["echo hacked > {marker}"]\n', {12}, []),
    "alias-bomb": (alias_bomb(), None, []),
    "nesting-100-deep": ("kind: notice\nbody: " + "[" * 100 + "]" * 100 + "\n", {2}, ["64"]),
    "nesting-10000-deep": ("kind: notice\nbody: " + "[" * 10000 + "]" * 10000 + "\n", None, []),
    "invalid-utf8": (
        BASE.encode("utf-8").replace("第一段".encode(), b"\xff\xfe\xfa"),
        {L_FIRST_PARAGRAPH},
        [],
    ),
    "binary-with-nul": (b"kind: notice\x00\x01\x02\x03binary\xff", None, []),
    "control-character-escape": (
        replace_line(BASE, L_FIRST_PARAGRAPH, '  - "第一\\x01段。"'),
        {L_FIRST_PARAGRAPH},
        [],
    ),
    "control-character-raw": (
        replace_line(BASE, L_FIRST_PARAGRAPH, '  - "第一\x01段。"'),
        {L_FIRST_PARAGRAPH},
        [],
    ),
    # GB/T 15834 punctuation, and the marks the template adds itself.
    "half-width-comma": (
        replace_line(BASE, L_FIRST_PARAGRAPH, "  - 为贯彻落实部署, 现将有关事项通知如下："),
        {L_FIRST_PARAGRAPH},
        ["半角", "“，”"],
    ),
    "half-width-full-stop": (
        replace_line(BASE, L_FIRST_PARAGRAPH, "  - 第一段."),
        {L_FIRST_PARAGRAPH},
        ["“。”"],
    ),
    "half-width-brackets": (
        replace_line(BASE, L_FIRST_PARAGRAPH, "  - 第一段(见附表)。"),
        {L_FIRST_PARAGRAPH},
        ["（见附表）"],
    ),
    "doubled-mark": (replace_line(BASE, L_FIRST_PARAGRAPH, "  - 第一段。。"), {L_FIRST_PARAGRAPH}, ["重复"]),
    "recipients-with-colon": (
        BASE.replace("recipients: 各有关单位", "recipients: 各有关单位："),
        {6},
        ["“：”", "自动加上"],
    ),
    "note-in-brackets": (BASE + "note: （此件公开发布）\n", {12}, ["“（）”", "自动加上"]),
    "half-width-colon-ends-a-line": (
        replace_line(BASE, L_FIRST_PARAGRAPH, "  - 为贯彻落实有关部署，现将有关事项通知如下:"),
        {L_FIRST_PARAGRAPH},
        ["半角冒号", "全角“：”"],
    ),
    "typed-ordinal-half-width": (
        BASE.replace("  - 第一段。\n", "  - heading: (1)工作要求\n    text: 认真落实。\n"),
        {L_FIRST_PARAGRAPH},
        ["序号"],
    ),
}


def write_case(folder: Path, case: str) -> tuple[Path, Path]:
    """Write the case's spec as ``<case>.yaml``; return it and the marker the python tag would create."""
    content, _, _ = CASES[case]
    marker = folder / "HACKED"
    spec = folder / f"{case}.yaml"
    if isinstance(content, str):
        spec.write_text(content.replace("{marker}", str(marker)), encoding="utf-8")
    else:
        spec.write_bytes(content)
    return spec, marker


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def problem_lines(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if name in line]


def assert_clear_message(output: str, spec: Path, lines: set[int] | None, words: list[str]) -> None:
    assert "Traceback" not in output
    assert "内部错误" not in output, output
    mentioned = problem_lines(output, spec.name)
    assert mentioned, f"the message does not name the file:\n{output}"
    for line in mentioned:
        message = line.split(spec.name, 1)[1]
        assert CJK.search(message), f"message not in Chinese: {line}"
        assert not ENGLISH.search(message), f"untranslated English in message: {line}"
    if lines is not None:
        found = [(int(m[0]), int(m[1])) for m in re.findall(re.escape(spec.name) + r":(\d+):(\d+)", output)]
        assert found, f"no file:line:col in:\n{output}"
        assert any(line in lines for line, _ in found), f"expected line {sorted(lines)} in:\n{output}"
    for word in words:
        assert word in output, f"{word!r} not in:\n{output}"


@pytest.fixture(scope="module")
def earlier_outputs(tmp_path_factory) -> dict[str, bytes]:
    """A real .docx and .md from a good spec: the outputs a failed rebuild must leave alone."""
    folder = tmp_path_factory.mktemp("earlier")
    spec = folder / "good.yaml"
    spec.write_text(BASE, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(folder / "out")])
    assert result.exit_code == 0, result.output
    return {p.suffix: p.read_bytes() for p in (folder / "out").iterdir()}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_build(tmp_path, case, earlier_outputs):
    spec, marker = write_case(tmp_path, case)
    _, lines, words = CASES[case]
    out = tmp_path / "out"
    out.mkdir()
    for suffix, data in earlier_outputs.items():
        (out / f"{spec.stem}{suffix}").write_bytes(data)
    before = snapshot(out)
    fresh = tmp_path / "fresh"

    started = cpu_seconds()
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    elapsed = cpu_seconds() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code not in (0, None)
    assert_clear_message(result.output, spec, lines, words)
    assert snapshot(out) == before, "a failed build changed the output folder"
    assert not marker.exists(), "the YAML python tag was executed"
    assert elapsed < 15

    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(fresh)])
    assert result.exit_code != 0
    assert snapshot(fresh) == {}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_validate(tmp_path, case):
    spec, marker = write_case(tmp_path, case)
    _, lines, words = CASES[case]
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code not in (0, None)
    assert_clear_message(result.output, spec, lines, words)
    assert not marker.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [spec.name]


def test_unknown_kind_names_the_closest_kind(tmp_path):
    spec, _ = write_case(tmp_path, "unknown-kind")
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code != 0
    assert re.search(r"是否.*notice", result.output), result.output


def test_every_problem_is_reported_at_once(tmp_path):
    """Several mistakes in one file: all reported, each at its own line."""
    text = replace_line(BASE, L_DOC_NUMBER, "doc_number: 测试函[2023]5号")
    text = replace_line(text, L_DATE, "date: 2023-02-30")
    text = replace_line(text, L_TITLE, "titel: 关于测试工作的通知")
    spec = tmp_path / "many.yaml"
    spec.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code != 0
    lines = {int(m) for m in re.findall(r"many\.yaml:(\d+):\d+", result.output)}
    assert {L_DOC_NUMBER, L_TITLE} <= lines, result.output


def _run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env=env,
    )


@pytest.mark.parametrize("entry", [["build.py"], ["-m", "wenshu"]], ids=["build.py", "python-m-wenshu"])
def test_bad_input_through_a_real_process(tmp_path, entry):
    spec, marker = write_case(tmp_path, "python-tag")
    out = tmp_path / "out"
    args = [str(REPO / entry[0])] if entry == ["build.py"] else entry
    proc = _run_cli(*args, "build", str(spec), "-o", str(out), cwd=REPO)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "hacked" not in proc.stdout
    assert not marker.exists()
    assert_clear_message(output, spec, {12}, [])
    assert snapshot(out) == {}


def test_good_input_through_build_py(tmp_path):
    spec = tmp_path / "good.yaml"
    spec.write_text(BASE, encoding="utf-8")
    proc = _run_cli(str(REPO / "build.py"), "build", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(snapshot(tmp_path / "out")) == ["good.docx", "good.md"]


def test_output_dir_is_a_file(tmp_path):
    spec = tmp_path / "good.yaml"
    spec.write_text(BASE, encoding="utf-8")
    target = tmp_path / "taken"
    target.write_bytes(b"not a folder")
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(target)])
    assert result.exit_code not in (0, None)
    assert "Traceback" not in result.output
    assert str(target) in result.output or target.name in result.output
    assert CJK.search(result.output)
    assert "文件夹" in result.output
    assert target.read_bytes() == b"not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.yaml", "taken"]


def test_one_bad_file_does_not_stop_the_good_one(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(BASE, encoding="utf-8")
    bad, _ = write_case(tmp_path, "unknown-kind")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(bad), str(good), "-o", str(out)])
    assert result.exit_code != 0
    assert sorted(snapshot(out)) == ["good.docx", "good.md"]
    assert bad.name in result.output


def test_missing_file(tmp_path):
    missing = tmp_path / "nothing-here.yaml"
    result = CliRunner().invoke(main, ["build", str(missing), "-o", str(tmp_path / "out")])
    assert result.exit_code not in (0, None)
    assert missing.name in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or snapshot(tmp_path / "out") == {}


# -- values are text ---------------------------------------------------------------------------

LITERALS = [
    "{{ 7*7 }}",
    "**bold**",
    "<w:p>",
    "&",
    "{% if true %}x{% endif %}",
    "&amp;",
    "100. 不是列表",  # a line-start ordered list for Markdown (1–2 digits would be a typed ordinal)
    "# 不是标题",
]


def test_markup_in_body_comes_out_literally(tmp_path):
    paragraphs = ["值{{ 7*7 }}与**bold**及<w:p>和&符号。"] + [f"{text}" for text in LITERALS]
    body = "".join(f"  - {yaml_quote(p)}\n" for p in paragraphs)
    spec = tmp_path / "literal.yaml"
    spec.write_text(BASE.replace("  - 第一段。\n", body), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    from_docx = docx_blocks(out / "literal.docx")
    from_md = markdown_blocks((out / "literal.md").read_text(encoding="utf-8"))
    for text in paragraphs:
        assert text in from_docx, text
        assert text in from_md, text
    assert not any("49" in block for block in from_docx + from_md)
    assert from_docx == from_md


def test_markup_in_head_and_record_fields_comes_out_literally(tmp_path):
    text = BASE.replace("format: letter", "format: document")
    text = text.replace("issuer: 测试局办公室", 'issuer: "测试{{ 7*7 }}局&<w:p>"')
    text = text.replace("recipients: 各有关单位", 'recipients: "各**有关**单位&"')
    text = text.replace("signature: 测试局办公室", 'signature: "测试局<b>办公室</b>"')
    text += 'record:\n  printer: "印发{{ 7*7 }}&<x>"\n  print_date: 2023-07-18\n  cc: ["抄送{% raw %}&"]\n'
    spec = tmp_path / "fields.yaml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    from_docx = docx_blocks(out / "fields.docx")
    from_md = markdown_blocks((out / "fields.md").read_text(encoding="utf-8"))
    for blocks in (from_docx, from_md):
        assert "测试{{ 7*7 }}局&<w:p>文件" in blocks
        assert "各**有关**单位&：" in blocks
        assert "测试局<b>办公室</b>" in blocks
        assert "抄送：抄送{% raw %}&。" in blocks
        assert "印发{{ 7*7 }}&<x> 2023年7月18日印发" in blocks
    assert from_docx == from_md


def yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- the other commands --------------------------------------------------------------------------


def test_list_shows_notice():
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 0
    assert re.search(r"^notice\s", result.output, re.M)
    assert "通知" in result.output


def test_schema_notice_is_a_field_guide():
    result = CliRunner().invoke(main, ["schema", "notice"])
    assert result.exit_code == 0, result.output
    assert "发文字号" in result.output
    for field in ("doc_number", "title", "recipients", "body", "attachments", "signature", "date"):
        assert re.search(rf"^\s*{field}（", result.output, re.M), field
    assert "必填" in result.output


def test_schema_says_which_fields_are_one_or_the_other():
    result = CliRunner().invoke(main, ["schema", "recommendation_letter"])
    assert re.search(r"^applicant（推荐对象，文字，必填（与 applicants 二选一））", result.output, re.M)


def test_schema_says_value_kinds_in_chinese():
    """A clerk reads 文字, 列表, 是/否, not Cerberus's string, list, boolean, False."""
    result = CliRunner().invoke(main, ["schema", "receipt"])
    assert result.exit_code == 0, result.output
    assert "columns（栏目，列表，必填）" in result.output
    assert "默认 否（false）" in result.output
    assert not re.search(
        r"[（，](string|list|dict|integer|number|boolean|cn_date|doc_number)[，）]", result.output
    )
    assert "False" not in result.output


def test_schema_unknown_kind():
    result = CliRunner().invoke(main, ["schema", "notise"])
    assert result.exit_code not in (0, None)
    assert "notice" in result.output
    assert "Traceback" not in result.output


def test_validate_every_example():
    result = CliRunner().invoke(main, ["validate", *map(str, EXAMPLES)])
    assert result.exit_code == 0, result.output
    for spec in EXAMPLES:
        assert re.search(rf"通过 .*{re.escape(spec.name)}", result.output), spec.name


def test_build_every_example_with_the_cli(tmp_path):
    result = CliRunner().invoke(main, ["build", *map(str, EXAMPLES), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    expected = sorted(f"{p.stem}{ext}" for p in EXAMPLES for ext in (".docx", ".md"))
    assert sorted(p.name for p in tmp_path.iterdir()) == expected


def test_rebuild_replaces_outputs_without_leftovers(tmp_path):
    spec = tmp_path / "good.yaml"
    spec.write_text(BASE, encoding="utf-8")
    out = tmp_path / "out"
    for _ in range(2):
        result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["good.docx", "good.md"]
    shutil.rmtree(out)


@pytest.mark.parametrize(
    ("body", "attachments", "expected"),
    [
        ('["十、甲"]', "", "像手写的序号"),
        ('["（二）甲"]', "", "像手写的序号"),
        ('["1.甲"]', "", "像手写的序号"),
        ('[{heading: "，乙", body: [正文]}]', "", "标题不能以标点符号开头"),
        ("[正文]", "attachments: [{name: 联系人回执；}]", "附件名称后不加标点符号"),
    ],
)
def test_typed_ordinals_and_stray_punctuation_are_refused(tmp_path, body, attachments, expected):
    spec = tmp_path / "typed.yaml"
    spec.write_text(
        "kind: notice\nformat: letter\nissuer: 国家知识产权局办公室\n"
        "doc_number: 国知办函运字〔2023〕5号\ntitle: 关于测试的通知\nrecipients: 各省\n"
        f"body: {body}\n{attachments}\nsignature: 国家知识产权局办公室\ndate: 2023-02-03\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 1
    assert expected in result.output and "typed.yaml:" in result.output


def test_numbers_that_are_not_ordinals_pass(tmp_path):
    spec = tmp_path / "numbers.yaml"
    spec.write_text(
        "kind: notice\nformat: letter\nissuer: 国家知识产权局办公室\n"
        "doc_number: 国知办函运字〔2023〕5号\ntitle: 关于测试的通知\nrecipients: 各省\n"
        'body: ["2023.5亿元的质押融资", "12.5%的增长"]\nsignature: 国家知识产权局办公室\ndate: 2023-02-03\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("suffix", "advice"), [(".docx", "wenshu check"), (".md", ".yaml"), (".csv", "--data")]
)
def test_a_file_that_is_not_a_spec_gets_advice(tmp_path, suffix, advice):
    wrong = tmp_path / f"letter{suffix}"
    wrong.write_bytes(b"PK\x03\x04" if suffix == ".docx" else "推荐对象\n示例市\n".encode())
    result = CliRunner().invoke(main, ["validate", str(wrong)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "不是 YAML 规格" in result.output and advice in result.output


# -- Click's own words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["batch", "x.yaml", "--fomat", "md"], "没有选项 --fomat，是否想写"),
        (["new", "work_plan", "--level", "市"], "“市”不是可选的值"),
        (["buil"], "没有命令 buil，是否想写 build？"),
        (["check"], "缺少参数 FILES"),
        (["batch", "x.yaml", "-j", "两"], "“两”不是整数"),
        (["batch", "x.yaml", "-j"], "后面要写一个值"),
        (["batch", "x.yaml", "-j", "0"], "-j / --jobs 的值不对：0 超出范围（不小于 1）"),
        (["build", "x.yaml", "--format", "docx,pdf"], "--format 的值不对：未知格式 pdf；可选：docx、md；PDF"),
        (["serve", "--port", "99999"], "99999 超出范围（0—65535）"),
        (
            ["new", "document", "--level", "county"],
            "错误：选项 --level 不适用于 document：它的骨架不用这一选项（用它的文种：",
        ),
        (["new", "work_plan", "--province", "河南省"], "错误：选项 --province 只与 --relay 同用"),
    ],
)
def test_usage_errors_are_in_chinese(args, said):
    result = CliRunner().invoke(main, args, prog_name="wenshu")
    assert result.exit_code == 2
    assert said in result.output and "错误：" in result.output, result.output
    assert "Usage" not in result.output and not ENGLISH.search(result.output), result.output


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["batch", "--help"],
        ["new", "-h"],
        ["serve", "-h"],
        ["fix", "-h"],
        ["import", "-h"],
        ["check", "-h"],
    ],
)
def test_help_pages_are_in_chinese(args):
    result = CliRunner().invoke(main, args, prog_name="wenshu")
    assert result.exit_code == 0
    assert result.output.startswith("用法：wenshu") and "选项：" in result.output
    assert "显示本帮助并退出" in result.output and "Show this message" not in result.output
    listed = result.output.split("选项：\n")[1]
    assert not re.search(r"\b(TEXT|PATH|INTEGER|DIRECTORY|FILE)\b|x>=|<=x", listed), result.output
    # Argument names (FILES, KIND, FOLDER) are named in the help text itself, so they stay.
    assert not ENGLISH.search(re.sub(r"\b[A-Z]+(?: [A-Z]+)*\b", "", result.output)), result.output
    # The descriptions of the options start in one terminal column (a Chinese value name
    # such as 文件夹 takes two columns per character).
    import unicodedata

    def columns(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    options = listed.split("\n\n")[0].splitlines()
    starts = {
        columns(re.match(r"( +-\S.*?  +)\S", line).group(1))
        for line in options
        if re.match(r" +-\S.*?  +\S", line)
    }
    assert len(starts) == 1, result.output


def test_closed_pipe_is_not_an_internal_error() -> None:
    """``wenshu list | head -1``: the reader leaves early; wenshu stops quietly with exit 0."""
    import subprocess
    import sys

    shell = f"'{sys.executable}' -m wenshu list | true; exit ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "内部错误" not in done.stderr


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ("kind: notice\ntitle: ]\n", 2, "此处应有值，却是“]”"),
        ("kind: notice\ntitle: `x`\n", 2, "值不能以“`”开头"),
        ("kind: notice\ntitle: @x\n", 2, "值不能以“@”开头"),
        ('kind: notice\ntitle: "x" y\n', 2, "层级对不上"),
        ("kind: notice\n- a\nb: c\n", 2, "层级对不上"),
        ("kind: notice\ntitle: |\n a\n  b\nc: [\n", 6, "文件意外结束"),
        ("kind: notice\ntitle: *\n", 2, "缺少名称"),
    ],
)
def test_yaml_syntax_errors_are_said_in_chinese(tmp_path, text, line, said):
    """The parser's English never reaches the clerk: each complaint is said in Chinese at its line."""
    spec = tmp_path / "t.yaml"
    spec.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 1, result.output
    first = result.output.splitlines()[0]
    assert f"t.yaml:{line}:" in first and "YAML 语法错误：" in first and said in first, first
    assert not re.search(r"expected|found|token|stream", first), first


@pytest.mark.parametrize("command", ["build", "batch", "validate", "serve", "check", "new", "frames"])
def test_help_pages_fit_the_terminal_and_join_chinese_lines(command):
    """Help is wrapped by terminal columns (a Chinese character takes two), within Click's
    width, and a docstring line broken between Chinese characters leaves no space there."""
    import unicodedata

    result = CliRunner().invoke(main, [command, "--help"], prog_name="wenshu", terminal_width=80)
    assert result.exit_code == 0

    def columns(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    for line in result.output.splitlines():
        assert columns(line) <= 80, line
        assert not re.match(r"^\s*[，。、；：）]", line), line  # no line starts with closing punctuation
    assert not re.search(r"[\u4e00-\u9fff] （", result.output), result.output


@pytest.mark.parametrize("command", [[], ["build"], ["batch"], ["check"], ["new"], ["serve"]])
def test_help_never_breaks_inside_a_latin_word(command):
    """A closing mark taken to the next line takes the whole word before it along: “Markdown）。”
    was printed “Markdow” / “n）。” and “.md。” as “.m” / “d。”."""

    def words(width: int) -> set[str]:
        result = CliRunner().invoke(main, [*command, "--help"], prog_name="wenshu", terminal_width=width)
        # Click shortens a command's summary in the list to fit, ending it with “...”.
        return {word.removesuffix("...") for word in re.findall(r"[!-~]+", result.output)} - {""}

    whole = words(1000)
    for width in range(50, 101):
        assert words(width) <= whole, (width, words(width) - whole)


def test_the_command_list_says_whole_first_sentences():
    """Each command's line in ``wenshu --help`` is its help's first sentence, whole: Click cut
    validate's inside a sentence with “...”, and joined serve's docstring lines with a space."""
    result = CliRunner().invoke(main, ["--help"], prog_name="wenshu", terminal_width=80)
    listed = re.sub(r"\n {12}", "", result.output.split("命令：\n")[1])
    assert "..." not in listed and not re.search(r"[\u4e00-\u9fff] （", listed), listed
    lines = dict(line.split(maxsplit=1) for line in listed.splitlines() if line.strip())
    assert lines["validate"] == "只检查 FILES，不生成文件。", lines
    assert all(text.endswith("。") and text.count("。") == 1 for text in lines.values()), lines


def test_every_batch_name_placeholder_is_in_the_help():
    """docs/batch-letters.md: --name takes {字段}, {n} and {row}; the help says all three."""
    result = CliRunner().invoke(main, ["batch", "--help"], prog_name="wenshu", terminal_width=200)
    assert all(p in result.output for p in ("{字段}", "{n}", "{row}")), result.output


def test_an_internal_error_says_where_debug_goes(tmp_path, monkeypatch):
    """--debug is wenshu's own option, before the command: the message says so, and it is
    listed in ``wenshu --help``; ``wenshu build … --debug`` would be refused."""
    from wenshu.spec import kinds

    def broken():
        raise RuntimeError("坏了")

    monkeypatch.setattr(kinds, "all_kinds", broken)
    said = CliRunner().invoke(main, ["list"], prog_name="wenshu")
    assert said.exit_code == 3
    assert "wenshu --debug list" in said.output, said.output
    assert "--debug" in CliRunner().invoke(main, ["--help"], prog_name="wenshu").output
    debug = CliRunner().invoke(main, ["--debug", "list"], prog_name="wenshu")
    assert debug.exit_code == 3 and "Traceback" in debug.output


def test_fixed_widths_without_widths_is_refused_not_ignored(tmp_path):
    """``fixed_widths`` keeps the ``widths`` given: without them it would be ignored without a
    word (“no option silently ignored”)."""
    from click.testing import CliRunner

    from wenshu.cli.main import main

    spec = tmp_path / "表.yaml"
    spec.write_text(
        "kind: document\ntitle: 测试表\nbody:\n  - table:\n      columns: [序号, 名称]\n"
        "      fixed_widths: true\n      rows:\n        - [1, 甲]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    assert "表.yaml:6:7" in result.output and "fixed_widths" in result.output
    assert "只能与 widths 一起使用" in result.output, result.output
