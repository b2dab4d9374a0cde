"""Hostile input: every case ends in a clear Chinese message naming the file, a non-zero
exit, no traceback, nothing written and earlier outputs untouched.

Each case writes its hostile content to ``notice.yaml`` — the same name as a spec that was
built before — so "earlier outputs untouched" is checked on real files of the same stem.

Permissions: these tests run as root in CI, and root writes into a read-only folder
regardless of its mode bits. The real-permission test therefore makes the folder immutable
for root (``chattr +i``, which root obeys too) and takes its write bits away for anyone
else; besides, the refusal is simulated at each of the two places wenshu can meet it, apart:
the access check before writing (``os.access`` reports no permission) and the write itself
(creating the file raises ``EACCES``). A full disk is simulated the same way (the write
raises ``ENOSPC`` part-way, after a first file has been started).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from jinja2.exceptions import SecurityError, TemplateNotFound, UndefinedError

from wenshu import files
from wenshu.cli.main import main
from wenshu.errors import WenshuError
from wenshu.extract import docx_blocks, markdown_blocks
from wenshu.render.markdown import environment
from wenshu.spec.load import parse_spec

from .conftest import cpu_seconds
from .test_check import LETTER

STEM = "notice"


@pytest.fixture
def workspace(tmp_path):
    """A folder with ``notice.yaml`` already built into ``out/``: (spec path, out dir, snapshot)."""
    spec = tmp_path / f"{STEM}.yaml"
    spec.write_text(LETTER, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return spec, out, _snapshot(out)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["炸", "炸", "炸", "炸", "炸", "炸", "炸", "炸", "炸"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "kind: notice\n" + "\n".join(lines) + "\n"


def _fifty_megabytes(path: Path) -> None:
    chunk = ("  - " + "很长的一段正文。" * 40 + "\n").encode("utf-8")
    with open(path, "wb") as fh:
        fh.write(b"kind: notice\nformat: letter\nbody:\n")
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk * 64)


HOSTILE: dict[str, tuple[bytes | None, str]] = {
    # name: (content, a phrase the message must contain)
    "broken-yaml": ("kind: notice\ntitle: [没有闭合\nbody: 1\n".encode(), "YAML 语法错误"),
    "tab-indent": ("kind: notice\nbody:\n\t- 段落\n".encode(), "YAML"),
    "alias-bomb": (_alias_bomb().encode(), "别名炸弹"),
    "fifty-megabytes": (None, "文件过大"),
    "nesting-10000": (("kind: notice\nbody: " + "[" * 10_000 + "]" * 10_000 + "\n").encode(), "嵌套"),
    "invalid-utf8": ("kind: notice\ntitle: 通知\n".encode() + b"\xff\xfe\xfa\n", "UTF-8"),
    "binary": (bytes(range(256)) * 64, "二进制"),
    "control-character": (LETTER.replace("title: ", "title: 响铃\x07", 1).encode(), "控制字符"),
    "lone-surrogate": (LETTER.replace("note: 此件公开发布", 'note: "此\\ud800件"', 1).encode(), "控制字符"),
    "empty": (b"", "空"),
    "only-comments": (b"# nothing here\n\n", "空"),
    "list-at-top": ("- 一\n- 二\n".encode(), "列表"),
    "scalar-at-top": ("只是一句话\n".encode(), "单个值"),
    "no-kind": ("title: 通知\n".encode(), "kind"),
    "unknown-kind": ("kind: notise\ntitle: 通知\n".encode(), "未知文种"),
    "python-object": (b'kind: notice\ntitle: !!python/object/apply:os.system ["touch PWNED"]\n', "YAML 标签"),
    "python-name": (b"!!python/name:os.system\n", "YAML 标签"),
    "merge-key": (b"base: &b {kind: notice}\nother:\n  <<: *b\n", "合并键"),
    "duplicate-key": (b"kind: notice\nkind: notice\n", "重复"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_spec_is_refused_cleanly(workspace, case):
    spec, out, before = workspace
    content, phrase = HOSTILE[case]
    if content is None:
        _fifty_megabytes(spec)
    else:
        spec.write_bytes(content)
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "内部错误" not in result.output
    assert str(spec) in result.output, result.output
    assert phrase in result.output, result.output
    assert _snapshot(out) == before  # nothing new, nothing changed, no temporary files
    assert not (Path.cwd() / "PWNED").exists() and not (spec.parent / "PWNED").exists()


@pytest.mark.parametrize("opening", ["[", "{a: ", "- ", "- - "])
def test_a_spec_nested_ten_thousand_deep_is_refused_at_once(opening):
    """Nesting past the limit is refused at its line whatever the YAML's form (flow, block, or
    compact block “- - - …” on one line, which the brackets-and-lines count let through),
    without composing it: ruamel's scanner took ~4 CPU seconds over a 10,000-deep list before
    its composer overflowed the stack (a line-less “过深”)."""
    if opening == "- ":  # (10,000 would be 100 MB of indent)
        text = "kind: notice\nbody:\n" + "".join("  " * i + "-\n" for i in range(500))
    elif opening == "- - ":
        text = "kind: notice\nbody:\n  " + "- " * 500 + "1\n"
    else:
        text = (
            "kind: notice\nbody: " + opening * 10_000 + "1" + ("]" if opening == "[" else "}") * 10_000 + "\n"
        )
    started = cpu_seconds()
    with pytest.raises(WenshuError) as refused:
        parse_spec(Path("deep.yaml"), text)
    assert cpu_seconds() - started < 0.5
    (problem,) = refused.value.problems
    assert "嵌套层级超过 64 层" in problem.message and problem.line is not None and problem.line <= 67, (
        problem
    )


@pytest.mark.parametrize(
    "number", ["9" * 5000, "0x" + "f" * 5000, "!!int 0x" + "f" * 5000, "0o" + "7" * 5000]
)
def test_an_integer_too_long_for_python_is_a_field_problem(tmp_path, number):
    """A number of thousands of digits (Python turns none over 4,300 into text) is read as
    the text it is, and the field's check says what is wrong — not an internal error."""
    form = (Path(__file__).parents[1] / "examples" / "annexes" / "contact-form.yaml").read_text(
        encoding="utf-8"
    )
    spec = tmp_path / "form.yaml"
    spec.write_text(form.replace("rows: 5", f"rows: {number}"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert f"{spec}:6:7 rows：（空行数）应为整数" in result.output, result.output
    assert "内部错误" not in result.output and not (tmp_path / "out").exists()


def test_yaml_errors_carry_the_line(workspace):
    spec, out, _ = workspace
    spec.write_text("kind: notice\nformat: letter\ntitle: [没有闭合\nissuer: 某局\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert f"{spec}:4:" in result.output or f"{spec}:3:" in result.output, result.output


def test_output_folder_that_is_a_file(workspace):
    spec, out, _ = workspace
    target = spec.parent / "occupied"
    target.write_bytes(b"keep me")
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(target)])
    assert result.exit_code == 1
    assert str(target) in result.output and "是文件" in result.output
    assert "Traceback" not in result.output
    assert target.read_bytes() == b"keep me"


@contextlib.contextmanager
def _unwritable(folder: Path) -> Iterator[None]:
    """``folder`` refuses new entries for real while the block runs. For an ordinary user its
    mode bits do; root ignores those, so for root the folder is made immutable (``chattr +i``,
    which binds root too) — skipped where the file system or the container's capabilities
    (CAP_LINUX_IMMUTABLE) do not allow it."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"root, and chattr +i is not allowed here: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or (os.geteuid() == 0 and not shutil.which("chattr")), reason="需要 chattr"
)
def test_output_folder_not_writable_for_real(workspace):
    """The kernel's refusal itself, not a stand-in for it: the access check and the write
    meet a real unwritable folder (EACCES for a user, EPERM for root on an immutable one)."""
    spec, out, before = workspace
    with _unwritable(out):
        result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 1 and "没有写入权限" in result.output, result.output
    assert "Traceback" not in result.output
    assert _snapshot(out) == before


def test_output_folder_not_writable_access_check(workspace, monkeypatch):
    spec, out, before = workspace
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == out and mode & os.W_OK else real_access(p, mode)
    )
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 1
    assert str(out) in result.output and "没有写入权限" in result.output
    assert _snapshot(out) == before


def test_output_folder_not_writable_when_creating_the_file(workspace, monkeypatch):
    spec, out, before = workspace

    real_open = os.open

    def refuse(path, *args, **kwargs):
        if Path(path).parent == out and Path(path).name.endswith(".tmp"):  # the file being written
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 1
    assert "没有写入权限" in result.output and "原有文件未改动" in result.output
    assert _snapshot(out) == before


def _failing_temporary_writes(monkeypatch, fail):
    """Writes into wenshu's temporary files go through ``fail(n, fd, data)`` (n: which
    temporary file, from 1); every other write as usual. Returns the temporaries opened."""
    real_open, real_write, real_close = os.open, os.write, os.close
    opened: list[str] = []
    numbers: dict[int, int] = {}  # open descriptor → which temporary file

    def open_(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        if str(path).endswith(".tmp"):
            opened.append(str(path))
            numbers[fd] = len(opened)
        return fd

    def write(fd, data):
        return fail(numbers[fd], fd, data) if fd in numbers else real_write(fd, data)

    def close(fd):
        numbers.pop(fd, None)  # the descriptor may be given to another file next
        real_close(fd)

    for name, hook in (("open", open_), ("write", write), ("close", close)):
        monkeypatch.setattr(files.os, name, hook)
    return opened


def test_full_disk(workspace, monkeypatch):
    """The second file's write fails with ENOSPC: nothing of either file stays behind."""
    spec, out, before = workspace
    real_write = os.write

    def write(n, fd, data):
        if n == 2:
            real_write(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setenv("WENSHU_NO_CACHE", "1")  # the writes counted are the outputs', not the caches'
    opened = _failing_temporary_writes(monkeypatch, write)
    spec.write_text(LETTER.replace("特此通知。", "特此通知，请遵照执行。"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert len(opened) == 2
    assert result.exit_code == 1
    assert "磁盘空间不足" in result.output and "Traceback" not in result.output
    assert _snapshot(out) == before


@pytest.mark.parametrize("failing", [1, 2])
def test_full_disk_on_new_files(tmp_path, monkeypatch, failing):
    """Into an empty folder: whichever file fails, neither stays behind."""
    spec = tmp_path / f"{STEM}.yaml"
    spec.write_text(LETTER, encoding="utf-8")
    out = tmp_path / "out"
    real_write = os.write

    def write(n, fd, data):
        if n == failing:
            real_write(fd, b"PK")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setenv("WENSHU_NO_CACHE", "1")  # the writes counted are the outputs', not the caches'
    _failing_temporary_writes(monkeypatch, write)
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 1
    assert "磁盘空间不足" in result.output and "Traceback" not in result.output
    assert _snapshot(out) == {}


def test_a_short_write_is_completed(tmp_path, monkeypatch):
    """A write that takes only part of the data (as a signal or a nearly full disk may make
    it) is followed by more until the file is whole."""
    real_write = os.write
    _failing_temporary_writes(monkeypatch, lambda n, fd, data: real_write(fd, bytes(data[:1000])))
    data = bytes(range(256)) * 100
    (written,) = files.write_atomically(tmp_path, {"letter.docx": data}, sync=False)
    assert written == tmp_path / "letter.docx" and written.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["letter.docx"]


def test_a_name_in_a_subfolder_is_written_there(tmp_path):
    """A picture's name leads into its folder: the file, and its temporary, go there."""
    (tmp_path / "media").mkdir()
    (written,) = files.write_atomically(tmp_path, {"media/a.png": b"picture"}, sync=False)
    assert written == tmp_path / "media" / "a.png" and written.read_bytes() == b"picture"
    assert [p.name for p in (tmp_path / "media").iterdir()] == ["a.png"]


def test_a_target_that_cannot_be_replaced(workspace):
    """The .docx's name is taken by a folder: found before anything is renamed, so the .md
    (renamed first) is not replaced either; the error names the folder, no temporary file
    stays behind."""
    spec, out, before = workspace
    (out / f"{STEM}.docx").unlink()
    (out / f"{STEM}.docx").mkdir()
    spec.write_text(LETTER.replace("认真组织申报工作", "认真组织好申报工作"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{STEM}.docx 写入失败：同名的文件夹已存在；原有文件未改动" in result.output, result.output
    assert (out / f"{STEM}.md").read_bytes() == before[f"{STEM}.md"]
    assert sorted(p.name for p in out.iterdir()) == [f"{STEM}.docx", f"{STEM}.md"]


_KILLED_WHILE_WRITING = """
import os, sys, time
from pathlib import Path
from wenshu import files

real_write = os.write

def stalls(fd, data):
    real_write(fd, bytes(data[: len(data) // 2]))
    print("half", flush=True)
    time.sleep(60)

files.os.write = stalls
files.write_atomically(Path(sys.argv[1]), {"letter.docx": b"PK" * 100_000}, sync=False)
"""


def test_killed_while_writing_leaves_no_partial_file_under_its_name(tmp_path):
    out = tmp_path / "out"
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WHILE_WRITING, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "half"
    finally:
        child.kill()
        child.wait()
    assert not (out / "letter.docx").exists()
    assert [p.name.startswith(".letter.docx.") for p in out.iterdir()] == [True]


def test_a_link_in_the_output_folder_is_replaced_not_followed(tmp_path):
    spec = tmp_path / f"{STEM}.yaml"
    spec.write_text(LETTER, encoding="utf-8")
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere.docx"
    out.mkdir()
    elsewhere.write_bytes(b"not yours")
    (out / f"{STEM}.docx").symlink_to(elsewhere)
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert elsewhere.read_bytes() == b"not yours"
    assert not (out / f"{STEM}.docx").is_symlink() and (out / f"{STEM}.docx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    "command", [["frames"], ["new", "notice", "--force", "-o"], ["import", "--force", "-o"]]
)
def test_other_commands_replace_a_link_under_an_output_name(tmp_path, command):
    # frames wrote each frame through whatever stood under its name: a link's target overwritten
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere.docx"
    out.mkdir()
    elsewhere.write_bytes(b"not yours")
    name = {"frames": "letter.docx", "new": "notice.yaml", "import": "imported.yaml"}[command[0]]
    (out / name).symlink_to(elsewhere)
    args = command + [str(out / name if command[0] != "frames" else out)]
    if command[0] == "import":
        spec = tmp_path / f"{STEM}.yaml"
        spec.write_text(LETTER, encoding="utf-8")
        assert CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path)]).exit_code == 0
        args.append(str(tmp_path / f"{STEM}.docx"))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert elsewhere.read_bytes() == b"not yours"
    assert not (out / name).is_symlink() and (out / name).stat().st_size > 100


# -- values that look like markup come out literally ---------------------------------------

LITERAL = [
    "{{ 7*7 }}",
    "{% if true %}是{% endif %}",
    "<w:p>",
    "&amp; & &lt;",
    "零\u200b宽",
]  # bidi controls: refused


def _literal_spec() -> str:
    text = LETTER.replace(
        "title: 国家知识产权局办公室关于开展",
        f"title: '国家知识产权局办公室关于{LITERAL[0]}开展",
    ).replace("评定工作的通知\n", "评定工作的通知'\n", 1)
    body = "".join(f"  - '{value} 原样输出'\n" for value in LITERAL)
    return text.replace("  - 特此通知。\n", body + "  - 特此通知。\n")


@pytest.fixture
def literal_build(tmp_path):
    spec = tmp_path / "literal.yaml"
    spec.write_text(_literal_spec(), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    return tmp_path / "literal.docx", tmp_path / "literal.md"


def test_markup_in_values_comes_out_literally(literal_build):
    docx, md = literal_build
    document = Document(str(docx))  # the package and its XML are valid
    text = "\n".join(p.text for p in document.paragraphs)
    blocks = docx_blocks(docx)
    assert blocks == markdown_blocks(md.read_text(encoding="utf-8"))
    for value in LITERAL:
        assert f"{value} 原样输出" in blocks, value
        assert value in text, value
    assert "49" not in text and any(LITERAL[0] in b for b in blocks[:4])  # the title kept it too


@pytest.mark.render
def test_markup_document_opens_in_libreoffice(literal_build, tmp_path):
    docx, _ = literal_build
    from wenshu.office.libreoffice import LibreOffice

    with LibreOffice() as office:
        pdfs = office.convert([docx], tmp_path / "pdf")
    text = subprocess.run(["pdftotext", str(pdfs[docx]), "-"], capture_output=True, text=True).stdout
    assert "原样输出" in text and "<w:p>" in text and "{{ 7*7 }}" in text


# -- the template sandbox ------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ lipsum.__globals__['os'] }}",
        "{{ self.__init__.__globals__ }}",
        "{% set ns = namespace() %}{{ ns.__class__ }}",
        "{{ [].append(1) }}",
        "{% include '/etc/passwd' %}",
        "{% include '../../../../etc/passwd' %}",
        "{% import '../pyproject.toml' as p %}",
        "{{ config.items() }}",
    ],
)
def test_templates_cannot_escape_the_sandbox(source):
    with pytest.raises((SecurityError, TemplateNotFound, UndefinedError)):
        environment().from_string(source).render()


@pytest.mark.parametrize("shape", ["unknown-keys", "wrong-list-items"])
def test_thousands_of_errors_are_listed_in_bounded_time(tmp_path, shape):
    """Cerberus sorted all its errors on every error added: 20,000 unknown keys (a 200 KB
    spec) took a quarter of an hour, a body of 4,000 items each with an unknown field 85
    CPU-s. Now at most MAX_ERRORS_KEPT a place are kept and the output says more were."""
    from tests.conftest import cpu_seconds
    from wenshu.validate import MAX_ERRORS_KEPT

    if shape == "unknown-keys":
        text = "kind: notice\n" + "".join(f"a{i}: v\n" for i in range(20_000))
    else:
        text = LETTER.replace("body:\n", "body:\n" + "  - {foo: 1}\n" * 4_000, 1)
    spec = tmp_path / "many.yaml"
    spec.write_text(text, encoding="utf-8")
    started = cpu_seconds()
    result = CliRunner().invoke(main, ["validate", str(spec)])
    seconds = cpu_seconds() - started
    assert (
        result.exit_code == 1
        and f"错误过多，以下只列出一部分（每处至多 {MAX_ERRORS_KEPT} 条）" in result.output
    )
    assert "many.yaml:" in result.output and result.output.count("未知字段") >= MAX_ERRORS_KEPT - 5
    assert seconds < 20, seconds


def test_a_draft_with_hundreds_of_gaps_still_builds_and_shows_its_real_error(tmp_path):
    """Errors at 【待补】 do not count toward the errors kept: a work plan with 150 indicators
    still to fill built as a draft (it failed with only “错误过多” once the 100 kept were all
    at gaps), and a real error after them is still said at its line."""
    plan = (
        Path(__file__).parents[1] / "examples" / "work_plans" / "sample-enterprise-work-plan.yaml"
    ).read_text(encoding="utf-8")
    gaps = "".join(
        f"    - {{name: 指标{i}, unit: 件, baseline: {{year: 2023, value: 【待补】}},"
        " targets: {2024: 【待补】, 2025: 【待补】, 2026: 【待补】}}\n"
        for i in range(150)
    )
    assert "  indicators:\n" in plan
    holes = tmp_path / "holes.yaml"
    holes.write_text(plan.replace("  indicators:\n", "  indicators:\n" + gaps, 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--draft", str(holes), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0 and "错误过多" not in result.output, result.output
    assert (tmp_path / "out" / "holes.docx").is_file()
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        holes.read_text(encoding="utf-8").replace(
            "{year: 2023, value: 【待补】}", "{year: 二〇二三, value: 1}", 1
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["validate", str(wrong)])
    assert result.exit_code == 1 and "应为整数，实际是“二〇二三”" in result.output, result.output
