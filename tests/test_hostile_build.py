"""Hostile files and folders on the build side: ``build DIR``, ``batch``, ``validate``.

Every case ends with exit 0 or 1 (never 3, never a traceback), a Chinese message naming
the file, nothing written or deleted outside the output folder and earlier outputs
intact. Big inputs are generated at run time; nothing large is stored. Each case runs in a
fresh temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, cpu_seconds
from wenshu.build.tree import MANIFEST, build_tree
from wenshu.cli.main import main
from wenshu.errors import WenshuError

from .test_check import LETTER


def _run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links as their target's text) with its content."""
    return {
        p.relative_to(folder).as_posix(): (os.readlink(p).encode() if p.is_symlink() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


# -- build DIR and its manifest -------------------------------------------------------------
@pytest.fixture
def shared(tmp_path):
    """A folder of two specs built into ``out``; beside them files that are not wenshu's."""
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "notice.yaml").write_text(LETTER, encoding="utf-8")
    (src / "sub" / "other.yaml").write_text(LETTER, encoding="utf-8")
    out = tmp_path / "out"
    report = build_tree(src, out, jobs=1)
    assert not report.failed and len(report.built) == 2
    victims = tmp_path / "victims"
    victims.mkdir()
    (victims / "thesis.docx").write_bytes(b"my thesis")
    (tmp_path / "thesis.docx").write_bytes(b"my other thesis")
    return src, out, victims


def _manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _victim_entries(tmp_path: Path, victims: Path) -> dict[str, list]:
    """Outputs pointing outside OUT, each recorded with the victim's true size, time and hash."""
    entries = {}
    for rel, target in (
        ("../thesis.docx", tmp_path / "thesis.docx"),
        (str(victims / "thesis.docx"), victims / "thesis.docx"),
        ("link/thesis.docx", victims / "thesis.docx"),
    ):
        info = target.stat()
        entries[rel] = [info.st_size, info.st_mtime_ns, _sha(target)]
    return entries


def test_manifest_pointing_outside_deletes_nothing(shared, tmp_path):
    """A dropped spec whose recorded outputs lie outside OUT (``..``, absolute, through a
    linked subfolder) with the victims' true hashes: the manifest is refused, nothing is
    deleted, everything is rebuilt."""
    src, out, victims = shared
    (out / "link").symlink_to(victims)
    manifest = _manifest(out)
    manifest["entries"]["gone.yaml"] = {
        "spec": "0" * 32,
        "deps": {},
        "outputs": _victim_entries(tmp_path, victims),
    }
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    result = _run("build", str(src), "-o", str(out), "-j", "1")
    assert result.exit_code == 0
    assert "清单无效" in result.output and str(out / MANIFEST) in result.output
    assert "生成 2 个规格" in result.output  # treated as absent: rebuilt
    assert (victims / "thesis.docx").read_bytes() == b"my thesis"
    assert (tmp_path / "thesis.docx").read_bytes() == b"my other thesis"


def test_valid_manifest_through_a_linked_subfolder_deletes_nothing(shared, tmp_path):
    """A well-formed manifest (right source, right hash) whose output is reached through a
    link in OUT to a folder outside: the file is not wenshu's to delete."""
    src, out, victims = shared
    (out / "link").symlink_to(victims)
    manifest = _manifest(out)
    target = victims / "thesis.docx"
    info = target.stat()
    manifest["entries"]["gone.yaml"] = {
        "spec": "0" * 32,
        "deps": {},
        "outputs": {"link/thesis.docx": [info.st_size, info.st_mtime_ns, _sha(target)]},
    }
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    report = build_tree(src, out, jobs=1)
    assert report.dropped == ["gone.yaml"] and report.kept == ["link/thesis.docx"] and not report.removed
    assert target.read_bytes() == b"my thesis"


def test_manifest_hash_guards_files_inside_out(shared):
    """An entry naming a file in OUT that wenshu did not write (its hash differs): kept."""
    src, out, _ = shared
    (out / "mine.docx").write_bytes(b"written by hand")
    manifest = _manifest(out)
    info = (out / "mine.docx").stat()
    manifest["entries"]["gone.yaml"] = {
        "spec": "0" * 32,
        "deps": {},
        "outputs": {"mine.docx": [info.st_size, info.st_mtime_ns, "0" * 64]},
    }
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    report = build_tree(src, out, jobs=1)
    assert report.kept == ["mine.docx"] and (out / "mine.docx").read_bytes() == b"written by hand"


CORRUPT = {
    "entry-is-number": lambda m: m["entries"].update({"notice.yaml": 5}),
    "outputs-is-list": lambda m: m["entries"]["notice.yaml"].update({"outputs": ["notice.docx"]}),
    "output-record-short": lambda m: m["entries"]["notice.yaml"]["outputs"].update({"notice.docx": [1, 2]}),
    "deps-is-string": lambda m: m["entries"]["notice.yaml"].update({"deps": "x"}),
    "entries-is-list": lambda m: m.update({"entries": []}),
    "format-1": lambda m: m.update({"format": 1}),
    "top-is-list": None,
    "not-json": None,
    "deep-json": None,
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_corrupt_manifest_is_ignored_and_everything_rebuilt(shared, case):
    src, out, _ = shared
    manifest = _manifest(out)
    if case == "top-is-list":
        text = "[1, 2]"
    elif case == "not-json":
        text = "{不是 JSON"
    elif case == "deep-json":
        text = "[" * 100_000 + "]" * 100_000
    else:
        CORRUPT[case](manifest)
        text = json.dumps(manifest)
    (out / MANIFEST).write_text(text, encoding="utf-8")
    result = _run("build", str(src), "-o", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    assert "清单无效" in result.output and "生成 2 个规格" in result.output
    assert _manifest(out)["format"] == 2  # rewritten, valid again
    assert "未改动跳过 2 个" in _run("build", str(src), "-o", str(out)).output


def test_manifest_that_is_a_fifo(shared):
    src, out, _ = shared
    (out / MANIFEST).unlink()
    os.mkfifo(out / MANIFEST)
    result = _run("build", str(src), "-o", str(out), "-j", "1")
    assert "清单无效" in result.output and "不是普通文件" in result.output


def test_a_subfolder_of_out_linking_outside(shared, tmp_path):
    """OUT/sub is a link to a folder outside OUT: that spec is refused, the other built."""
    src, out, victims = shared
    shutil.rmtree(out / "sub")
    (out / "sub").symlink_to(victims)
    before = _tree(victims)
    result = _run("build", str(src), "-o", str(out), "-j", "1", "--force")
    assert result.exit_code == 1
    assert str(out / "sub") in result.output and "之外的链接" in result.output
    assert "生成 1 个规格" in result.output and "出错 1 个" in result.output
    assert _tree(victims) == before


def test_a_subfolder_of_out_linking_inside(shared):
    """A link that stays inside OUT is followed, recorded as written, and skipped next time."""
    src, out, _ = shared
    shutil.rmtree(out / "sub")
    (out / "real").mkdir()
    (out / "sub").symlink_to(out / "real")
    result = _run("build", str(src), "-o", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    assert (out / "real" / "other.docx").is_file()
    assert "未改动跳过 2 个" in _run("build", str(src), "-o", str(out)).output


def test_manifest_write_failure_says_what_was_written(shared, monkeypatch):
    from wenshu.build import tree as incremental

    src, out, _ = shared
    real = incremental.write_atomically

    def refuse_manifest(folder, files, **kw):
        if MANIFEST in files:
            from wenshu.errors import Problem, WenshuError

            raise WenshuError(Problem(str(folder), "写入失败：磁盘空间不足；原有文件未改动"))
        return real(folder, files, **kw)

    monkeypatch.setattr(incremental, "write_atomically", refuse_manifest)
    result = _run("build", str(src), "-o", str(out), "-j", "1", "--force")
    assert result.exit_code == 1
    assert "清单写入失败：磁盘空间不足" in result.output
    assert "本次已写入 4 个文件（同名旧文件已被替换）" in result.output


# -- not-a-file inputs ----------------------------------------------------------------------
def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _sparse(path: Path) -> None:
    with open(path, "wb") as fh:  # 5 GB claimed, nothing stored
        fh.truncate(5 * 1024**3)


def _folder(path: Path) -> None:
    path.mkdir()


NOT_FILES = {
    "fifo": (_fifo, "不是普通文件（是命名管道）"),
    "dev-zero": (_dev_zero, "不是普通文件（是字符设备）"),
    "sparse-5GB": (_sparse, "文件过大"),
    "folder": (_folder, "是文件夹"),
}


@pytest.mark.parametrize("command", ["build", "validate", "batch"])
@pytest.mark.parametrize("case", sorted(NOT_FILES))
def test_a_spec_that_is_not_a_file(tmp_path, command, case):
    make, phrase = NOT_FILES[case]
    spec = tmp_path / "notice.yaml"
    make(spec)
    out = tmp_path / "out"
    result = _run(command, str(spec), *(["-o", str(out)] if command != "validate" else []))
    assert result.exit_code == 1
    if case == "folder" and command in ("build", "validate"):
        phrase = "没有 YAML 规格文件"  # a folder given to build or validate is a folder of specs
    assert f"{spec} " in result.output and phrase in result.output, result.output
    assert not out.exists()


@pytest.fixture
def batch_spec(tmp_path):
    folder = tmp_path / "letters"
    shutil.copytree(REPO / "examples" / "letters", folder)
    return folder / "recommendations.yaml"


@pytest.mark.parametrize("how", ["data-key", "--data"])
@pytest.mark.parametrize("case", sorted(NOT_FILES))
def test_a_data_file_that_is_not_a_file(batch_spec, tmp_path, how, case):
    make, phrase = NOT_FILES[case]
    data = batch_spec.parent / "hostile.csv"
    make(data)
    out = tmp_path / "out"
    if how == "data-key":
        text = batch_spec.read_text(encoding="utf-8").replace(
            "data: recommendations.csv", "data: hostile.csv"
        )
        batch_spec.write_text(text, encoding="utf-8")
        result = _run("batch", str(batch_spec), "-o", str(out))
    else:
        result = _run("batch", str(batch_spec), "--data", str(data), "-o", str(out))
    assert result.exit_code == 1
    assert str(data) in result.output and phrase in result.output, result.output
    assert not out.exists()


@pytest.mark.parametrize("case", sorted(NOT_FILES))
def test_an_attachment_that_is_not_a_file(tmp_path, case):
    make, phrase = NOT_FILES[case]
    make(tmp_path / "annex.yaml")
    spec = tmp_path / "notice.yaml"
    spec.write_text(
        LETTER.replace("attachments:\n", "attachments:\n  - file: annex.yaml\n", 1), encoding="utf-8"
    )
    assert "  - file: annex.yaml\n" in spec.read_text(encoding="utf-8")
    for command in ("build", "validate"):
        result = _run(command, str(spec), *(["-o", str(tmp_path / "out")] if command == "build" else []))
        assert result.exit_code == 1 and "找不到" not in result.output, result.output
        assert str(tmp_path / "annex.yaml") in result.output and phrase in result.output, result.output
    assert not (tmp_path / "out").exists()


# -- specs naming each other ----------------------------------------------------------------
SUMMARY = REPO / "examples" / "summaries" / "sample-city-demonstration-summary.yaml"


def _summary(folder: Path, name: str, plan: str) -> Path:
    text = SUMMARY.read_text(encoding="utf-8")
    start = text.index("\nplan: ") + 1
    end = text.index("\n", start)
    path = folder / name
    path.write_text(text[:start] + f"plan: {plan}" + text[end:], encoding="utf-8")
    return path


def _notice_attaching(folder: Path, name: str, attached: str) -> Path:
    path = folder / name
    path.write_text(
        LETTER.replace("attachments:\n", f"attachments:\n  - file: {attached}\n", 1), encoding="utf-8"
    )
    return path


CYCLES = {
    "plan-itself": lambda d: [_summary(d, "a.yaml", "a.yaml")],
    "plan-each-other": lambda d: [_summary(d, "a.yaml", "b.yaml"), _summary(d, "b.yaml", "a.yaml")],
    "attachment-itself": lambda d: [_notice_attaching(d, "a.yaml", "a.yaml")],
    "attachments-each-other": lambda d: [
        _notice_attaching(d, "a.yaml", "b.yaml"),
        _notice_attaching(d, "b.yaml", "a.yaml"),
    ],
}


@pytest.mark.parametrize("case", sorted(CYCLES))
def test_specs_naming_each_other(tmp_path, case):
    specs = CYCLES[case](tmp_path)
    for spec in specs:
        result = _run("validate", str(spec))
        assert result.exit_code == 1 and str(spec) in result.output
        # A plan must be a work plan; an attachment may be any kind but never the file itself,
        # directly or through another.
        said = ("不是工作方案", "附上自己", "互相附上", "循环")
        assert any(words in result.output for words in said), result.output


def test_build_dir_goes_on_past_a_cycle(tmp_path):
    """One spec of the folder names itself: it is reported, every other one is built and the
    manifest written."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.yaml").write_text(LETTER, encoding="utf-8")
    _summary(src, "loop.yaml", "loop.yaml")
    _notice_attaching(src, "self.yaml", "self.yaml")
    (src / "zz-good.yaml").write_text(LETTER, encoding="utf-8")
    os.mkfifo(src / "pipe.yaml")  # not a regular file: not a spec of the folder
    out = tmp_path / "out"
    result = _run("build", str(src), "-o", str(out), "-j", "1")
    assert result.exit_code == 1
    assert "生成 2 个规格" in result.output and "出错 2 个" in result.output, result.output
    assert str(src / "loop.yaml") in result.output and str(src / "self.yaml") in result.output
    assert (out / "good.docx").is_file() and (out / "zz-good.docx").is_file() and (out / MANIFEST).is_file()


# -- names of many letters ------------------------------------------------------------------
def test_unique_stems_keeps_the_old_numbering():
    from wenshu.build.batch import unique_stems

    wanted = ["甲", "甲", "乙", "甲-2", "甲", "A", "a", "", "甲"]
    assert unique_stems(wanted, lambda i: f"函{i + 1}", {"乙"}) == [
        "甲",
        "甲-2",
        "乙-2",
        "甲-2-2",
        "甲-3",
        "A",
        "a-2",
        "函8",
        "甲-4",
    ]


def test_one_repeated_name_is_numbered_in_linear_time():
    """20,000 rows of one name take about four times as long as 5,000, not sixteen (the
    old numbering took 33 s for 20,000 and over 120 s for 40,000)."""
    from wenshu.build.batch import unique_stems

    def seconds(n: int) -> float:
        best = float("inf")
        for _ in range(2):
            started = cpu_seconds()
            stems = unique_stems(["示例市"] * n, str)
            best = min(best, cpu_seconds() - started)
        assert len(set(stems)) == n and stems[-1] == f"示例市-{n}"
        return best

    small, large = seconds(5_000), seconds(20_000)
    assert large < 10 * small + 0.05 and large < 5, (small, large)


# -- validate refuses what build refuses ----------------------------------------------------
def _body(blocks: list[str]) -> str:
    return LETTER.replace("  - 特此通知。\n", "".join(blocks) + "  - 特此通知。\n", 1)


ORDINALS = {
    # name: (blocks added to the body, the hundredth entry's text or None when 99 are not passed)
    "100-headings": ([f"  - heading: 标题{i}\n    text: 内容{i}。\n" for i in range(97)], "标题96"),
    "99-headings": ([f"  - heading: 标题{i}\n    text: 内容{i}。\n" for i in range(96)], None),
    "100-items-continuing": (
        [f"  - heading: 标题{i}\n    text: 内容{i}。\n" for i in range(50)]
        + ["  - items:\n" + "".join(f"      - 事项{i}。\n" for i in range(47))],
        "事项46",
    ),
    "120-items-in-arabic": (
        ["  - items:\n" + "".join(f"      - 事项{i}。\n" for i in range(120)) + "    numbering: '1.'\n"],
        None,
    ),
    "100-subheadings": (
        ["  - heading: 总标题\n    body:\n"]
        + [f"      - heading: 小标题{i}\n        text: 内容{i}。\n" for i in range(100)],
        "小标题99",
    ),
}


@pytest.mark.parametrize("case", sorted(ORDINALS))
def test_validate_refuses_what_build_refuses(tmp_path, case):
    """The example letter has three headings already; the cases go to 99 or past it."""
    blocks, hundredth = ORDINALS[case]
    spec = tmp_path / "notice.yaml"
    spec.write_text(_body(blocks), encoding="utf-8")
    validated = _run("validate", str(spec))
    built = _run("build", str(spec), "-o", str(tmp_path / "out"))
    assert validated.exit_code == built.exit_code == (1 if hundredth else 0), (validated.output, built.output)
    if hundredth:
        assert "第 100 项" in validated.output and "最多到第 99 项" in validated.output
        line = int(validated.output.split(f"{spec}:", 1)[1].split(":", 1)[0])
        assert spec.read_text(encoding="utf-8").splitlines()[line - 1].endswith((hundredth, hundredth + "。"))
        assert "渲染失败" not in built.output and "第 100 项" in built.output


def test_validate_refuses_a_template_numbered_list_past_99(tmp_path):
    """A work plan's task groups are numbered （一）… by its template: 100 groups fail to
    render, and validate says so at the hundredth group."""
    plan = REPO / "examples" / "work_plans" / "sample-city-demonstration-plan.yaml"
    text = plan.read_text(encoding="utf-8")
    start = text.index("\ntasks:\n") + len("\ntasks:\n")
    end = text.index("\n  - heading:", start + 1)
    group = text[start:end] + "\n"
    spec = tmp_path / "plan.yaml"
    spec.write_text(
        text[:start]
        + "".join(group.replace("提升知识产权创造质量", f"任务组{i}") for i in range(100))
        + text[end + 1 :],
        encoding="utf-8",
    )
    validated = _run("validate", str(spec))
    assert validated.exit_code == 1 and "这是第 100 项" in validated.output, validated.output
    line = int(validated.output.split(f"{spec}:", 1)[1].split(":", 1)[0])
    assert "任务组99" in spec.read_text(encoding="utf-8").splitlines()[line - 1]


# -- spoofing -------------------------------------------------------------------------------
BIDI = ["\u202e", "\u202d", "\u2067", "\u200f", "\u061c"]


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidi_controls_in_values_are_refused(tmp_path, char):
    spec = tmp_path / "notice.yaml"
    spec.write_text(LETTER.replace("title: ", f"title: 关于{char}xcod.exe的", 1), encoding="utf-8")
    for command in ("validate", "build"):
        result = _run(command, str(spec), *(["-o", str(tmp_path / "out")] if command == "build" else []))
        assert result.exit_code == 1 and f"{spec}:" in result.output and "双向文字控制字符" in result.output
    assert not (tmp_path / "out").exists()


def test_bidi_controls_in_a_spec_file_name_are_refused(tmp_path):
    spec = tmp_path / "\u202excod.yaml"
    spec.write_text(LETTER, encoding="utf-8")
    result = _run("build", str(spec), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "文件名含有双向文字控制字符（RIGHT-TO-LEFT OVERRIDE" in result.output
    assert not (tmp_path / "out").exists()


def test_bidi_controls_in_a_name_pattern_are_refused(batch_spec, tmp_path):
    result = _run("batch", str(batch_spec), "--name", "{applicant}\u202excod", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "--name" in result.output and "双向文字控制字符" in result.output
    assert not (tmp_path / "out").exists()


def test_invisible_characters_never_reach_a_file_name():
    from wenshu.build.batch import safe_stem

    assert safe_stem("示例\u200b市\u202e") == "示例市"


@pytest.mark.parametrize(
    "twin",
    ["示例\u200b东市", "示例\ufeff东市", "示例 东市", "示例\u00ad东市"],
    ids=["zero-width-space", "bom", "space", "soft-hyphen"],
)
def test_one_applicant_spelled_two_ways_is_one_applicant(batch_spec, tmp_path, twin):
    data = batch_spec.parent / "recommendations.csv"
    lines = data.read_text(encoding="utf-8-sig").splitlines()
    first = lines[1].split(",")
    assert first[0] == "示例东市"
    twin_row = ",".join([twin, *first[1:2], "9", "示知函〔2023〕199号", *first[4:]])
    data.write_text("\n".join([*lines, twin_row]) + "\n", encoding="utf-8")
    result = _run("validate", str(batch_spec))
    assert result.exit_code == 1 and "与第2行重复" in result.output, result.output
    assert f"{data}:{len(lines) + 1}" in result.output


def test_full_width_letters_are_the_same_applicant():
    from wenshu.rules.letters import identity

    assert identity("ＡＢＣ科技有限公司") == identity("ABC科技有限公司") == identity("abc科技有限公司")
    assert identity("示例东市") != identity("示例西市")


# -- large and hostile data files -----------------------------------------------------------
XLSX = REPO / "examples" / "letters" / "recommendations.xlsx"
SHEET = "xl/worksheets/sheet1.xml"


def _xlsx(path: Path, replace: dict[str, bytes], *, flag: int = 0, method: int | None = None) -> None:
    """The example workbook with some parts replaced; ``flag``/``method`` set on the sheet's
    entry (an encryption flag, AES's method 99) without encrypting anything."""
    import zipfile

    with zipfile.ZipFile(XLSX) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = replace.get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, data, compresslevel=1)
        for name in set(replace) - set(src.namelist()):
            dst.writestr(name, replace[name], compresslevel=1)
    if flag or method is not None:
        raw = bytearray(path.read_bytes())
        name = SHEET.encode()
        for signature, flag_at, method_at, name_at in ((b"PK\x03\x04", 6, 8, 30), (b"PK\x01\x02", 8, 10, 46)):
            at = raw.find(signature)
            while at >= 0:
                if raw[at + name_at : at + name_at + len(name)] == name:
                    raw[at + flag_at] |= flag
                    if method is not None:
                        raw[at + method_at : at + method_at + 2] = method.to_bytes(2, "little")
                at = raw.find(signature, at + 4)
        path.write_bytes(bytes(raw))


def _sheet_rows(n: int, *, dimension: str | None = None) -> bytes:
    """A sheet of a header row (the example's) and n rows of one plain-number cell each."""
    import zipfile

    original = zipfile.ZipFile(XLSX).read(SHEET).decode()
    head, rest = original.split("<sheetData>", 1)
    header = rest.split("</row>", 1)[0] + "</row>"
    if dimension:
        head = head.replace('<dimension ref="A1:E13"/>', f'<dimension ref="{dimension}"/>')
    body = "".join(f'<row r="{i}"><c r="C{i}"><v>1</v></c></row>' for i in range(2, n + 2))
    return (head + "<sheetData>" + header + body + "</sheetData></worksheet>").encode()


def _sheet_with_row(row: str) -> bytes:
    """The example's sheet with ``row`` (XML) in place of its second row."""
    import zipfile

    sheet = zipfile.ZipFile(XLSX).read(SHEET).decode()
    start = sheet.index('<row r="2"')
    return (sheet[:start] + row + sheet[sheet.index("</row>", start) + 6 :]).encode()


# A row of the sheet that kept a batch for hours (openpyxl yields each missing row before
# it) or held 2.2 GB (7 million cells, each a dictionary until the row ends) or 1.2 GB (a
# cell nested 4 million deep, every element kept until the row ends).
XLSX_HOSTILE_ROWS = {
    "xlsx-row-numbered-10^9": '<row r="1000000000"><c r="A1000000000"><v>1</v></c></row>',
    "xlsx-row-of-7-million-cells": '<row r="2">' + "<c/>" * 7_000_000 + "</row>",
    "xlsx-row-nested-4-million-deep": '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t>'
    + "<r>" * 4_000_000
    + "</r>" * 4_000_000
    + "</is></c></row>",
}


def test_xlsx_rows_after_a_million_empty_ones_keep_their_numbers(batch_spec, tmp_path):
    """Empty rows are skipped at once (a million of them took 14 CPU-s), and a row after
    them is still named by its number."""
    import zipfile

    sheet = zipfile.ZipFile(XLSX).read(SHEET).decode()
    far = '<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>示例远市</t></is></c></row>'
    end = sheet.index("</sheetData>")
    data = tmp_path / "far.xlsx"
    _xlsx(data, {SHEET: (sheet[:end] + far + sheet[end:]).encode()})
    result = _run(
        "batch", str(batch_spec), "--data", str(data), "-o", str(tmp_path / "out"), "--format", "md"
    )
    assert result.exit_code == 1 and "far.xlsx:1000000" in result.output, result.output
    assert len(list((tmp_path / "out").glob("*.md"))) == 12


def test_xlsx_markup_is_counted_as_a_parser_reads_it():
    """A "<row" in a comment, CDATA section or processing instruction starts no row: a row of
    300,000 cells cut by such fake rows is refused all the same; a declared entity (which may
    stand for any markup) is refused; an SVG picture's comments and DOCTYPE are harmless."""
    from wenshu.spec.records import XLSX_MAX_UNIT_TAGS, xlsx_part_bounded

    for fake in (b"<!--<row>-->", b"<![CDATA[<row>]]>", b"<?x <row ?>"):
        cells = (b"<c/>" * 1000 + fake) * 300
        sheet = b'<worksheet><sheetData><row r="1">' + cells + b"</row></sheetData></worksheet>"
        with pytest.raises(WenshuError, match=f"标记超过 {XLSX_MAX_UNIT_TAGS} 个"):
            xlsx_part_bounded(sheet, SHEET, "d.xlsx")
    entity = b'<!DOCTYPE worksheet [<!ENTITY r "<c/><c/>">]><worksheet><sheetData/></worksheet>'
    with pytest.raises(WenshuError, match="实体声明"):
        xlsx_part_bounded(entity, SHEET, "d.xlsx")
    svg = (
        b'<?xml version="1.0"?><!-- Illustrator --><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg/>'
    )
    xlsx_part_bounded(svg, "xl/media/image1.svg", "d.xlsx")


def test_xlsx_unclosed_comments_are_refused_in_linear_time(batch_spec, tmp_path):
    """A part of 100,000 "<!--" never closed took a scan to its end for each (250,000 in a
    19 KB file: 52 CPU-s); such a part is no well-formed XML and is refused at the first."""
    from wenshu.spec.records import xlsx_part_bounded

    sheet = b"<worksheet>" + b"<!--" * 100_000
    started = cpu_seconds()
    with pytest.raises(WenshuError, match=f"d.xlsx 工作簿的 {SHEET} 部分有未闭合的注释"):
        xlsx_part_bounded(sheet, SHEET, "d.xlsx")
    for opener in (b"<![CDATA[", b"<?x"):
        with pytest.raises(WenshuError, match="未闭合的"):
            xlsx_part_bounded(b"<worksheet>" + opener * 100_000, SHEET, "d.xlsx")
    data = tmp_path / "open.xlsx"
    _xlsx(data, {"docProps/core.xml": b"<cp:coreProperties>" + b"<!--" * 250_000})
    result = _run("batch", str(batch_spec), "--data", str(data), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "docProps/core.xml 部分有未闭合的注释" in result.output, result.output
    assert cpu_seconds() - started < 5
    assert not (tmp_path / "out").exists()


def test_xlsx_parts_openpyxl_never_parses_are_not_counted(batch_spec, tmp_path):
    """A comment on each of 12,001 cells: their VML drawing holds some 30 tags a comment, but
    openpyxl reads a workbook read-only without parsing it (nor the comments): the records
    are read. What follows a sheet's rows is counted apart from its last row."""
    import openpyxl
    from openpyxl.comments import Comment

    from wenshu.spec.records import XLSX_MAX_UNIT_TAGS, xlsx_part_bounded

    book = openpyxl.load_workbook(XLSX)
    for row in range(1, 12_002):
        book.active.cell(row, 26).comment = Comment(f"批注{row}", "审核人")
    data = tmp_path / "comments.xlsx"
    book.save(data)
    result = _run(
        "batch", str(batch_spec), "--data", str(data), "-o", str(tmp_path / "out"), "--format", "md"
    )
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("*.md"))) == 12
    merged = b'<mergeCells count="150000">' + b'<mergeCell ref="A1:B1"/>' * 150_000 + b"</mergeCells>"
    row = b'<row r="1">' + b"<c/>" * 100_000 + b"</row>"
    xlsx_part_bounded(
        b"<worksheet><sheetData>" + row + b"</sheetData>" + merged + b"</worksheet>", SHEET, "d"
    )
    tail = b'<mergeCells><mergeCell ref="A1:B1"/>' * (XLSX_MAX_UNIT_TAGS // 2 + 1)
    with pytest.raises(WenshuError, match=f"{SHEET} 部分中表格数据之后"):
        xlsx_part_bounded(b"<worksheet><sheetData>" + row + b"</sheetData>" + tail, SHEET, "d")


def test_xlsx_utf16_without_a_byte_order_mark_is_counted_in_either_order():
    """lxml reads UTF-16 without a byte order mark in either byte order: a big-endian row of
    250,000 cells decoded as little-endian was garbage without a "<", and passed."""
    from wenshu.spec.records import XLSX_MAX_UNIT_TAGS, xlsx_part_bounded

    sheet = '<worksheet><sheetData><row r="1">' + "<c/>" * 250_000 + "</row></sheetData></worksheet>"
    for encoding in ("utf-16-be", "utf-16-le", "utf-16"):
        with pytest.raises(WenshuError, match=f"标记超过 {XLSX_MAX_UNIT_TAGS} 个"):
            xlsx_part_bounded(sheet.encode(encoding), SHEET, "d.xlsx")


def _shared_strings_bomb(path: Path) -> None:
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    _xlsx(path, {"xl/sharedStrings.xml": sst + b"<si><t>A</t></si>" * 2_500_000 + b"</sst>"})


XLSX_CASES = {
    # name: (make the file, phrase of the message)
    "shared-strings-bomb": (_shared_strings_bomb, "xl/sharedStrings.xml"),
    "sheet-bomb": (lambda p: _xlsx(p, {SHEET: b"<x>" + b" " * 40_000_000 + b"</x>"}), SHEET),
    "encryption-flag": (lambda p: _xlsx(p, {}, flag=1), "加密"),
    "aes": (lambda p: _xlsx(p, {}, method=99), "加密"),
    "ole2": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)), "加密"),
    "not-a-zip": (lambda p: p.write_bytes(b"PK\x03\x04 broken"), "损坏"),
    "damaged-sheet-xml": (
        lambda p: _xlsx(
            p, {SHEET: b"<worksheet><sheetData><row r='1'><c r='A1'><v>1</v></c></row><row r='x'>"}
        ),
        "读取",
    ),
}


@pytest.mark.parametrize("case", sorted(XLSX_CASES))
def test_hostile_xlsx(batch_spec, tmp_path, case):
    make, phrase = XLSX_CASES[case]
    data = tmp_path / "hostile.xlsx"
    make(data)
    out = tmp_path / "out"
    for command in ("batch", "validate"):
        args = [command, str(batch_spec), "--data", str(data), "-o", str(out)] if command == "batch" else None
        if command == "validate":
            text = batch_spec.read_text(encoding="utf-8").replace(
                "data: recommendations.csv", f"data: {data}"
            )
            batch_spec.write_text(text, encoding="utf-8")
            args = ["validate", str(batch_spec)]
        result = _run(*args)
        assert result.exit_code == 1 and str(data) in result.output and phrase in result.output, result.output
    assert not out.exists()


def test_xlsx_claiming_the_largest_dimension_reads_its_real_rows(batch_spec, tmp_path):
    """A sheet whose dimension claims A1:XFD1048576 holds 12 rows: 12 letters, at once."""
    import zipfile

    data = tmp_path / "claims.xlsx"
    sheet = (
        zipfile.ZipFile(XLSX)
        .read(SHEET)
        .replace(b'<dimension ref="A1:E13"/>', b'<dimension ref="A1:XFD1048576"/>')
    )
    _xlsx(data, {SHEET: sheet})
    result = _run(
        "batch", str(batch_spec), "--data", str(data), "-o", str(tmp_path / "out"), "--format", "md"
    )
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("*.md"))) == 12


def test_a_cell_longer_than_excel_allows(batch_spec, tmp_path):
    data = batch_spec.parent / "recommendations.csv"
    lines = data.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[2].split(",")
    lines[2] = ",".join([*cells[:4], "很长的审核情况。" * 5000])
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run("batch", str(batch_spec), "-o", str(tmp_path / "out"), "--format", "md")
    assert result.exit_code == 1 and f"{data}:3" in result.output and "超过上限 32767" in result.output
    assert len(list((tmp_path / "out").glob("*.md"))) == 11  # the others still made


def test_a_spec_of_100000_table_rows_is_refused_for_its_size(tmp_path):
    """3.4 MB of table with no alias: refused at once for its size, not as an alias bomb."""
    rows = "".join(f"            - [{i}, 示例市{i}, {i % 7}]\n" for i in range(100_000))
    spec = tmp_path / "notice.yaml"
    spec.write_text(
        LETTER.replace("          rows: [[1, 北京市, 2], [2, 天津市, 1]]\n", "          rows:\n" + rows)
    )
    result = _run("validate", str(spec))
    assert result.exit_code == 1 and "文件过大" in result.output and "别名" not in result.output


def test_a_table_too_long_is_refused_at_its_line(tmp_path):
    rows = "".join(f"            - [{i}, 示例市{i}, {i % 7}]\n" for i in range(5_001))
    spec = tmp_path / "notice.yaml"
    spec.write_text(
        LETTER.replace("          rows: [[1, 北京市, 2], [2, 天津市, 1]]\n", "          rows:\n" + rows),
        encoding="utf-8",
    )
    result = _run("validate", str(spec))
    assert result.exit_code == 1 and "列表有 5001 项，超过上限 5000 项" in result.output, result.output
    line = int(result.output.split(f"{spec}:", 1)[1].split(":", 1)[0])
    assert spec.read_text(encoding="utf-8").splitlines()[line - 1].endswith("[5000, 示例市5000, 2]")


# -- killed runs ----------------------------------------------------------------------------
_TERMINATED_WHILE_WRITING = """
import os, sys, time
from wenshu import files
from wenshu.cli.main import main

real_open, real_write = os.open, os.write
temporaries = set()

def open_(path, flags, *args, **kwargs):
    fd = real_open(path, flags, *args, **kwargs)
    if str(path).endswith(".tmp"):
        temporaries.add(fd)
    return fd

def stalls(fd, data):
    if fd not in temporaries:
        return real_write(fd, data)
    real_write(fd, bytes(data[: len(data) // 2]))
    print("half", flush=True)
    time.sleep(60)

files.os.open, files.os.write = open_, stalls
main(["build", sys.argv[1], "-o", sys.argv[2]])
"""


def test_sigterm_while_writing_leaves_no_temporary(tmp_path):
    import subprocess
    import sys

    spec = tmp_path / "notice.yaml"
    spec.write_text(LETTER, encoding="utf-8")
    out = tmp_path / "out"
    child = subprocess.Popen(
        [sys.executable, "-c", _TERMINATED_WHILE_WRITING, str(spec), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "half"
        assert [p.name.endswith(".tmp") for p in out.iterdir()] == [True]
        child.terminate()
        _, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 130 and "已中断" in stderr and "Traceback" not in stderr, stderr
    assert list(out.iterdir()) == []


def test_a_later_run_removes_stale_temporaries_of_wenshu_only(batch_spec, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.tmp"
    outside.write_bytes(b"not wenshu's")
    stale = out / ".示例东市.docx.999999999-0.tmp"  # no such process
    alive = out / f".示例西市.docx.{os.getppid()}-3.tmp"  # a running process: may still be writing
    others = [out / ".notes.tmp", out / "示例.docx.999999999-0.tmp", out / ".x.999999999.tmp"]
    for path in [stale, alive, *others]:
        path.write_bytes(b"partial")
    link = out / ".y.docx.999999998-0.tmp"
    link.symlink_to(outside)
    result = _run("batch", str(batch_spec), "-o", str(out), "--format", "md")
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert alive.exists() and all(p.exists() for p in others) and link.is_symlink()
    assert outside.read_bytes() == b"not wenshu's"


def test_build_dir_removes_stale_temporaries_in_subfolders(shared):
    src, out, _ = shared
    stale = out / "sub" / ".other.docx.999999999-7.tmp"
    stale.write_bytes(b"partial")
    result = _run("build", str(src), "-o", str(out))
    assert result.exit_code == 0 and not stale.exists()


def test_parallel_batch_ends_its_workers_quietly(batch_spec, tmp_path):
    """Ending the pool sends its workers SIGTERM: they end at once, printing nothing."""
    import subprocess
    import sys

    data = batch_spec.parent / "recommendations.csv"
    header = data.read_text(encoding="utf-8-sig").splitlines()[0]
    rows = [f"示例县{i:03d},国家知识产权强县建设试点县,{i},示知函〔2023〕{i}号," for i in range(1, 61)]
    data.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    text = batch_spec.read_text(encoding="utf-8")
    batch_spec.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith(("quota:", "  国家"))) + "\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "wenshu", "batch", str(batch_spec), "-o", str(tmp_path / "out"), "-j", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
    assert len(list((tmp_path / "out").glob("*.docx"))) == 60


# -- time and memory of the heaviest cases --------------------------------------------------
def _table_spec(path: Path, rows: int) -> None:
    body = "".join(f"            - [{i}, 示例市{i}, {i % 7}]\n" for i in range(rows))
    path.write_text(
        LETTER.replace("          rows: [[1, 北京市, 2], [2, 天津市, 1]]\n", "          rows:\n" + body),
        encoding="utf-8",
    )


def _csv_rows(spec: Path, n: int) -> None:
    data = spec.parent / "recommendations.csv"
    header, first = data.read_text(encoding="utf-8-sig").splitlines()[:2]
    cells = first.split(",")
    with open(data, "w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        for i in range(n):
            fh.write(f"示例{i}市,{cells[1]},{i + 1},示知函〔2023〕{i + 1}号,{cells[4]}\n")


def _heavy_case(name: str, tmp: Path, spec: Path) -> tuple[list[str], int, str]:
    """(wenshu's arguments, the exit code expected, what the message says) for one heavy
    case, its input made."""
    out = str(tmp / "out")
    if name == "xlsx-million-rows":  # its sheet's XML alone is past the part limit
        _xlsx(tmp / "d.xlsx", {SHEET: _sheet_rows(1_048_575)})
        return (
            ["batch", str(spec), "--data", str(tmp / "d.xlsx"), "-o", out],
            1,
            f"d.xlsx 文件中的 {SHEET} 部分过大",
        )
    if name == "xlsx-shared-strings-bomb":
        _shared_strings_bomb(tmp / "d.xlsx")
        return ["batch", str(spec), "--data", str(tmp / "d.xlsx"), "-o", out], 1, "xl/sharedStrings.xml"
    if name.startswith("xlsx-row-"):  # one row the sheet's whole trouble; a 32–64 KB file
        _xlsx(tmp / "d.xlsx", {SHEET: _sheet_with_row(XLSX_HOSTILE_ROWS[name])})
        phrase = (
            "d.xlsx:1048577 工作表的行号超过" if "numbered" in name else f"d.xlsx 工作簿的 {SHEET} 部分中一行"
        )
        return ["batch", str(spec), "--data", str(tmp / "d.xlsx"), "-o", out], 1, phrase
    if name == "csv-200000-rows":
        _csv_rows(spec, 200_000)
        return ["validate", str(spec)], 1, "recommendations.csv:20002 记录超过 20000 条，一批最多 20000 份函"
    if name == "spec-dev-zero":
        (tmp / "zero.yaml").symlink_to("/dev/zero")
        return ["build", str(tmp / "zero.yaml"), "-o", out], 1, "zero.yaml 不是普通文件（是字符设备）"
    if name == "spec-sparse-5GB":
        _sparse(tmp / "sparse.yaml")
        return ["build", str(tmp / "sparse.yaml"), "-o", out], 1, "sparse.yaml 文件过大（5120.0 MB）"
    if name == "spec-table-5000-rows":  # the largest table accepted: built
        _table_spec(tmp / "table.yaml", 5_000)
        return ["build", str(tmp / "table.yaml"), "-o", out], 0, "已生成"
    if name == "spec-just-under-512KB":  # the longest a spec may be: parsed, then refused
        _table_spec(tmp / "table.yaml", 13_200)
        assert 500 * 1024 < (tmp / "table.yaml").stat().st_size < 512 * 1024
        return ["validate", str(tmp / "table.yaml")], 1, "超过上限 5000 项"
    raise AssertionError(name)


@pytest.mark.parametrize(
    "name",
    [
        "xlsx-million-rows",
        "xlsx-shared-strings-bomb",
        *XLSX_HOSTILE_ROWS,
        "csv-200000-rows",
        "spec-dev-zero",
        "spec-sparse-5GB",
        pytest.param("spec-table-5000-rows", marks=[pytest.mark.render, pytest.mark.own_office]),  # ~10 s
        pytest.param("spec-just-under-512KB", marks=[pytest.mark.render, pytest.mark.own_office]),  # ~15 s
    ],
)
def test_heavy_cases_within_a_minute_and_a_gigabyte(batch_spec, tmp_path, name):
    """Each in its own process: the exit code, the time and the peak memory (of every child
    so far: none may have passed 1 GB)."""
    import resource
    import subprocess
    import sys

    args, code, phrase = _heavy_case(name, tmp_path, batch_spec)
    started = cpu_seconds()
    done = subprocess.run(
        [sys.executable, "-m", "wenshu", *args], capture_output=True, text=True, timeout=120
    )
    seconds = cpu_seconds() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
    print(f"{name}: {seconds:.1f} s, peak {peak_mb:.0f} MB")
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr
    assert phrase in done.stdout + done.stderr, done.stdout + done.stderr
    assert not (tmp_path / "out").exists() or code == 0
    assert seconds < 60 and peak_mb < 1024, (seconds, peak_mb)


def test_a_batch_folder_of_out_linking_outside(tmp_path):
    """OUT/<batch spec's stem> is a link to a folder outside OUT: the batch is refused."""
    src = tmp_path / "src"
    shutil.copytree(REPO / "examples" / "letters", src, ignore=shutil.ignore_patterns("pilot-*", "applic*"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "recommendations").symlink_to(elsewhere)
    result = _run("build", str(src), "-o", str(out))
    assert (
        result.exit_code == 1
        and "之外的链接" in result.output
        and str(out / "recommendations") in result.output
    )
    assert list(elsewhere.iterdir()) == []


# -- fix's default output folder ------------------------------------------------------------


def test_fix_refuses_a_default_output_folder_linking_elsewhere(tmp_path):
    """``fixed`` beside the Word file (where ``fix`` writes without -o) is a link, as a folder
    unpacked from someone's archive may hold: nothing is written through it."""
    from wenshu.build.pipeline import render

    folder = tmp_path / "received"
    folder.mkdir()
    docx = folder / "通知.docx"
    docx.write_bytes(render(REPO / "examples" / "notices" / "cnipa-2023-582.yaml", ("docx",)).files["docx"])
    elsewhere = tmp_path / "documents"
    elsewhere.mkdir()
    (elsewhere / "通知.docx").write_bytes(b"the user's own document of that name")
    (folder / "fixed").symlink_to(elsewhere)
    before = _tree(elsewhere)
    result = _run("fix", str(docx), "--no-paginate")
    assert result.exit_code == 1, result.output
    assert str(folder / "fixed") in result.output and "链接" in result.output and "-o" in result.output
    assert _tree(elsewhere) == before
    # named with -o, the same folder is the user's choice
    result = _run("fix", str(docx), "--no-paginate", "-o", str(folder / "fixed"))
    assert result.exit_code == 0, result.output


# -- build's and batch's default output folder ------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "link"),
    [
        pytest.param(("build", "notice.yaml"), "out", id="build"),
        pytest.param(("build", "."), "out", id="build-dir"),
        pytest.param(("batch", "recommendations.yaml"), "out", id="batch-out"),
        pytest.param(("batch", "recommendations.yaml"), "out/recommendations", id="batch-its-folder"),
    ],
)
def test_a_default_output_folder_linking_elsewhere_is_refused(tmp_path, monkeypatch, command, link):
    """``out`` (or a batch's ``out/<stem>``) in the folder a command runs in is a link, as a
    folder unpacked from someone's archive may hold: the old code wrote through it over the
    user's own files of the outputs' names. Nothing is written; named with -o, it is the
    user's choice."""
    work = tmp_path / "received"
    shutil.copytree(REPO / "examples" / "letters", work, ignore=shutil.ignore_patterns("pilot-*", "applic*"))
    (work / "notice.yaml").write_text(LETTER, encoding="utf-8")
    elsewhere = tmp_path / "documents"
    elsewhere.mkdir()
    for name in ("notice", "recommendations", "示范市"):
        (elsewhere / f"{name}.docx").write_bytes(b"the user's own document of that name")
    (work / link).parent.mkdir(exist_ok=True)
    (work / link).symlink_to(elsewhere)
    before = _tree(elsewhere)
    monkeypatch.chdir(work)
    result = _run(*command, "--no-paginate")
    assert result.exit_code == 1, result.output
    assert f"错误 {link} 是指向别处的链接" in result.output and "-o" in result.output, result.output
    assert _tree(elsewhere) == before
    assert "Traceback" not in result.output
    result = _run(*command, "--no-paginate", "-o", link)
    assert result.exit_code == 0, result.output


def _as_junction(monkeypatch, junction: Path, tag: int = 0xA0000003) -> None:  # IO_REPARSE_TAG_MOUNT_POINT
    """Make ``os.lstat`` report the real folder ``junction`` as Windows reports a directory
    junction: not a symbolic link (``is_symlink`` is false) but a reparse point (of ``tag``)."""
    real_lstat = os.lstat

    def lstat(path, *args, **kwargs):
        info = real_lstat(path, *args, **kwargs)
        if Path(os.path.abspath(path)) == junction:
            return types.SimpleNamespace(
                st_mode=info.st_mode, st_file_attributes=stat.FILE_ATTRIBUTE_REPARSE_POINT, st_reparse_tag=tag
            )
        return info

    monkeypatch.setattr(os, "lstat", lstat)


def test_a_windows_junction_is_a_link(tmp_path, monkeypatch):
    """A directory junction (``mklink /J out C:\\Users\\me\\Documents``: no privilege needed)
    is no symbolic link to ``is_symlink``, and passed the check of the default output folder:
    the outputs went wherever it points. A reparse point is now a link (mocked here: Linux has
    none)."""
    from wenshu.files import default_output_dir, is_link

    (tmp_path / "out").mkdir()
    assert default_output_dir(tmp_path, "out") == tmp_path / "out"
    _as_junction(monkeypatch, tmp_path / "out")
    assert not (tmp_path / "out").is_symlink() and is_link(tmp_path / "out")
    with pytest.raises(WenshuError) as caught:
        default_output_dir(tmp_path, "out")
    assert "是指向别处的链接" in caught.value.problems[0].message
    assert not is_link(tmp_path / "missing") and not is_link(tmp_path)


def test_a_onedrive_folder_is_no_link(tmp_path, monkeypatch):
    """A folder OneDrive keeps on demand is a reparse point too, but of its own tag, and it is
    the folder the user sees (Windows 11's Documents): ``out`` there is used, not refused."""
    from wenshu.files import default_output_dir, is_link

    (tmp_path / "out").mkdir()
    _as_junction(monkeypatch, tmp_path / "out", tag=0x9000601A)  # IO_REPARSE_TAG_CLOUD_6
    assert not is_link(tmp_path / "out")
    assert default_output_dir(tmp_path, "out") == tmp_path / "out"


def test_build_refuses_a_default_output_folder_that_is_a_junction(tmp_path, monkeypatch):
    work = tmp_path / "received"
    work.mkdir()
    (work / "notice.yaml").write_text(LETTER, encoding="utf-8")
    (work / "out").mkdir()
    _as_junction(monkeypatch, work / "out")
    monkeypatch.chdir(work)
    result = _run("build", "notice.yaml", "--no-paginate")
    assert result.exit_code == 1 and "错误 out 是指向别处的链接" in result.output, result.output
    assert list((work / "out").iterdir()) == []


def test_a_csv_of_a_million_columns_is_refused_at_once(batch_spec, tmp_path):
    """A CSV row may be as wide as the file is long: a first row of a million column names
    (10 MB) had each name matched against every field for a suggestion and reported, one
    line each — over two minutes (~0.3 ms of CPU a column). An .xlsx is read to 256 columns
    only; a CSV naming more is now refused in its first row."""
    data = batch_spec.parent / "wide.csv"
    header, first = (
        (batch_spec.parent / "recommendations.csv").read_text(encoding="utf-8-sig").splitlines()[:2]
    )
    n = 1_000_000
    data.write_text(
        f"{header},{','.join(f'c{i}' for i in range(n))}\n{first},{','.join('x' * n)}\n", encoding="utf-8"
    )
    before = cpu_seconds()
    result = _run("batch", str(batch_spec), "--data", str(data), "-o", str(tmp_path / "out"), "--no-paginate")
    assert cpu_seconds() - before < 15
    assert result.exit_code == 1 and result.output.count("\n") < 5, result.output[:500]
    assert f"wide.csv:1 第1行有 {n + 5} 列，超过上限 256 列" in result.output, result.output[:500]
    assert not (tmp_path / "out").exists()


def test_a_csv_header_ending_in_a_million_empty_columns_is_read_at_once(batch_spec, tmp_path):
    """Excel's trailing empty columns are cut from the first row: they were cut one at a
    time, copying the row each time, so a header ending in a million commas took hours."""
    data = batch_spec.parent / "commas.csv"
    header, first = (
        (batch_spec.parent / "recommendations.csv").read_text(encoding="utf-8-sig").splitlines()[:2]
    )
    data.write_text(f"{header}{',' * 1_000_000}\n{first}\n", encoding="utf-8")
    before = cpu_seconds()
    out = tmp_path / "out"
    result = _run("batch", str(batch_spec), "--data", str(data), "-o", str(out), "--no-paginate")
    assert cpu_seconds() - before < 15
    assert result.exit_code == 0 and len(list(out.glob("*.docx"))) == 1, result.output[:500]


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("value: 9.8}", "value: 1e300}"),
        ("value: 9.8}", "value: " + "9" * 40 + "}"),
        ("2025: 11,", "2025: 1e30,"),
    ],
)
def test_figures_far_out_of_the_ordinary_are_still_written(tmp_path, where, value):
    """A plan's figure of 1e300, of 40 digits, or a target of 1e30: the 28-digit decimal
    context could not round it, and the build stopped with “模板……出错：[decimal.InvalidOperation]”
    at a template's line — not the spec's. The figures are now worked out exactly and written
    as they are (the spec's own numbers), and so is their change."""
    text = (REPO / "examples" / "work_plans" / "sample-strong-city-plan.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "plan.yaml"
    spec.write_text(text.replace(where, value, 1), encoding="utf-8")
    result = _run("build", str(spec), "-o", str(tmp_path / "out"), "--format", "md")
    assert result.exit_code == 0, result.output
    written = (tmp_path / "out" / "plan.md").read_text(encoding="utf-8")
    assert ("1" + "0" * 300 if "300" in value else "1" + "0" * 30 if "30," in value else "9" * 40) in written


def test_plan_figures_are_exact_however_wide_apart():
    """The filters themselves, at the ends of what a float holds: no error, and exact."""
    from wenshu.spec.plans import change, completion, growth, number

    assert number(1e300) == "1" + "0" * 300
    assert change(1e12, 5e-324) == "-999999999999." + "9" * 323 + "5"  # 1e12 − 5e-324, every digit
    assert growth(1e-300, 1e300) == "+" + "9" * 600 + "00.0%"  # (1e300 − 1e-300) / 1e-300, in %
    assert completion(3e-300, 1e300).startswith("已完成（" + "3" * 600)


def test_a_figure_that_is_no_number_is_named_at_its_line(tmp_path):
    """YAML's ``.nan`` and ``-.inf`` are floats, which Cerberus took for numbers: the build
    stopped at a template's line (“plan_blocks.md.j2:55 … bad operand type for unary -”),
    naming neither the spec's line nor the field. Now each is refused where it is written."""
    text = (REPO / "examples" / "work_plans" / "sample-strong-city-plan.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "plan.yaml"
    spec.write_text(text.replace("value: 9.8}", "value: .nan}", 1).replace("2025: 11,", "2025: -.inf,", 1))
    result = _run("build", str(spec), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and not (tmp_path / "out").exists()
    lines = result.output.splitlines()
    assert any("plan.yaml:37:" in line and "baseline.value" in line and "nan" in line for line in lines), (
        lines
    )
    assert any("plan.yaml:38:" in x and "targets.2025" in x and "-inf" in x for x in lines), lines
    assert ".j2" not in result.output


@pytest.mark.parametrize("interrupted", [1, 2])
def test_an_interrupt_right_after_a_temporary_is_created_leaves_none(tmp_path, monkeypatch, interrupted):
    """The server stops a killed client's letters with KeyboardInterrupt, which may come at
    any point: right after a temporary is created, before write_atomically has its name."""
    from wenshu import files

    real_open, opened = os.open, []

    def open_then_interrupt(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        opened.append(fd)
        if len(opened) == interrupted:
            raise KeyboardInterrupt
        return fd

    monkeypatch.setattr(files.os, "open", open_then_interrupt)
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.md").write_bytes(b"earlier")
    try:
        with pytest.raises(KeyboardInterrupt):
            files.write_atomically(out, {"a.md": b"new", "a.docx": b"new"})
    finally:
        os.close(opened[-1])  # the interrupted one: its descriptor never reached write_atomically
    assert sorted(p.name for p in out.iterdir()) == ["a.md"]
    assert (out / "a.md").read_bytes() == b"earlier"
