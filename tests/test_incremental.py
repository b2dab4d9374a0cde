"""``wenshu build DIR``: a mirrored output tree, rebuilt only where an input changed.

An unchanged rebuild writes nothing (every mtime stays); a changed template, schema,
frame, data file or spec rebuilds exactly the documents built from it. The resources
(templates, schemas, data) are copied to a temporary folder for the tests that edit them.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from wenshu.build.tree import MANIFEST, build_tree
from wenshu.cli.main import main

NOTICES = ("cnipa-2023-582.yaml", "henan-2023-38.yaml")  # 信函格式 and 文件格式
ANNEXES = ("city-evaluation-form.yaml", "county-evaluation-form.yaml")  # henan-2023-38 includes both
APPLICATIONS = {"letters/application.yaml", "letters/applications.yaml"}
LETTER_SPECS = APPLICATIONS | {"letters/recommendations.yaml", "letters/review-request.yaml"}
NOTICE_SPECS = {f"notices/{n}" for n in NOTICES}
ANNEX_SPECS = {f"annexes/{n}" for n in ANNEXES}
HENAN = "notices/henan-2023-38.yaml"
ALL = LETTER_SPECS | NOTICE_SPECS | ANNEX_SPECS


@pytest.fixture
def src(tmp_path) -> Path:
    """A folder of specs: the letter examples, two notices and the annexes one of them includes."""
    folder = tmp_path / "src"
    shutil.copytree(REPO / "examples" / "letters", folder / "letters")
    for pilot_list in (folder / "letters").glob("pilot-*.yaml"):  # the round's lists: not letters
        pilot_list.unlink()
    for sub, names in (("notices", NOTICES), ("annexes", ANNEXES)):
        (folder / sub).mkdir()
        for name in names:
            shutil.copy(REPO / "examples" / sub / name, folder / sub / name)
    return folder


def snapshot(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` with its modification time (ns)."""
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in after if before.get(name) != after[name]}


def outputs_of(specs: set[str], after: dict[str, int]) -> set[str]:
    """The output files of ``specs`` (a batch spec's letters sit in a folder of its name)."""
    stems = {s.rsplit(".", 1)[0] for s in specs}
    return {
        n
        for n in after
        if n != MANIFEST and any(n.startswith(stem + ".") or n.startswith(stem + "/") for stem in stems)
    }


def test_mirrored_tree_then_an_unchanged_rebuild_writes_nothing(tmp_path, src):
    out = tmp_path / "out"
    first = build_tree(src, out, jobs=1)
    assert not first.failed, {k: [str(p) for p in v] for k, v in first.failed.items()}
    assert set(first.built) == ALL
    files = snapshot(out)
    assert {"notices/cnipa-2023-582.docx", "notices/cnipa-2023-582.md", "letters/application.docx"} <= set(
        files
    )
    assert "letters/recommendations/示例东市.docx" in files  # a batch spec: one letter per record
    assert "letters/applications/示例林县人民政府.md" in files
    assert MANIFEST in files

    again = build_tree(src, out, jobs=1)
    assert again.built == [] and set(again.skipped) == set(first.built)
    assert snapshot(out) == files  # not one file written, the manifest included


def test_a_changed_spec_rebuilds_only_itself(tmp_path, src):
    out = tmp_path / "out"
    build_tree(src, out, jobs=1)
    before = snapshot(out)
    spec = src / "notices" / "cnipa-2023-582.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("特此通知。", "特此通知！"), encoding="utf-8")
    report = build_tree(src, out, jobs=1)
    assert report.built == ["notices/cnipa-2023-582.yaml"]
    assert changed(before, snapshot(out)) == {
        "notices/cnipa-2023-582.docx",
        "notices/cnipa-2023-582.md",
        MANIFEST,
    }
    assert "特此通知！" in (out / "notices" / "cnipa-2023-582.md").read_text(encoding="utf-8")


def test_an_included_file_rebuilds_the_spec_that_includes_it(tmp_path, src):
    out = tmp_path / "out"
    build_tree(src, out, jobs=1)
    annex = src / "annexes" / "county-evaluation-form.yaml"
    annex.write_text(annex.read_text(encoding="utf-8") + "\n# 修改\n", encoding="utf-8")
    report = build_tree(src, out, jobs=1)
    assert set(report.built) == {"annexes/county-evaluation-form.yaml", HENAN}


def test_a_changed_data_file_rebuilds_its_batch(tmp_path, src):
    out = tmp_path / "out"
    build_tree(src, out, jobs=1)
    data = src / "letters" / "recommendations.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("示例山县", "示例峰县"), encoding="utf-8")
    report = build_tree(src, out, jobs=1)
    assert report.built == ["letters/recommendations.yaml"]
    assert (out / "letters" / "recommendations" / "示例峰县.docx").is_file()


@pytest.mark.parametrize(
    ("resource", "users"),
    [
        (
            "templates/letters/application_letter.md.j2",
            {"letters/application.yaml", "letters/applications.yaml"},
        ),
        ("templates/letters/recommendation_letter.md.j2", {"letters/recommendations.yaml"}),
        ("templates/letters/parts.md.j2", LETTER_SPECS),  # imported by every letter template
        ("templates/notices/notice.md.j2", NOTICE_SPECS),
        ("templates/common/blocks.md.j2", ALL),  # imported by every template
        # henan-2023-38 reads other specs (its annexes), whose kinds it does not record:
        # any schema change rebuilds it too.
        ("schemas/application_letter.yaml", APPLICATIONS | {HENAN}),
        ("templates/frames/letter.docx", LETTER_SPECS | {"notices/cnipa-2023-582.yaml"}),
        ("templates/frames/document.docx", {HENAN}),
        ("templates/frames/plain.docx", ANNEX_SPECS),
    ],
)
def test_a_changed_resource_rebuilds_exactly_its_users(tmp_path, res, src, resource, users):
    out = tmp_path / "out"
    first = build_tree(src, out, jobs=1)
    assert not first.failed
    before = snapshot(out)
    path = res / resource
    if path.suffix == ".docx":
        # Same parts, rewritten: other bytes, as when a unit re-saves its letterhead in Word.
        with zipfile.ZipFile(path) as zf:
            parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for name, data in parts:
                zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    else:
        path.write_text(path.read_text(encoding="utf-8") + "\n# 修改\n" if path.suffix == ".yaml" else
                        path.read_text(encoding="utf-8") + "{# 修改 #}\n", encoding="utf-8")  # fmt: skip
    report = build_tree(src, out, jobs=1)
    assert not report.failed
    assert set(report.built) == users
    assert set(report.skipped) == ALL - users
    after = snapshot(out)
    assert changed(before, after) - {MANIFEST} == outputs_of(users, after)


def test_force_rebuilds_everything(tmp_path, src):
    out = tmp_path / "out"
    build_tree(src, out, jobs=1)
    before = snapshot(out)
    report = build_tree(src, out, jobs=1, force=True)
    assert set(report.built) == ALL
    assert changed(before, snapshot(out)) - {MANIFEST} == set(before) - {MANIFEST}


def test_a_deleted_output_is_rebuilt_and_a_deleted_spec_dropped(tmp_path, src):
    out = tmp_path / "out"
    build_tree(src, out, jobs=1)
    (out / "notices" / "henan-2023-38.docx").unlink()
    (src / "letters" / "application.yaml").unlink()
    report = build_tree(src, out, jobs=1)
    assert report.built == ["notices/henan-2023-38.yaml"]
    assert report.dropped == ["letters/application.yaml"]
    assert (out / "notices" / "henan-2023-38.docx").is_file()
    # The dropped spec's outputs go with it.
    assert sorted(report.removed) == ["letters/application.docx", "letters/application.md"]
    assert not (out / "letters" / "application.docx").exists()


def test_a_record_taken_out_of_a_batch_takes_its_letter_along(tmp_path, src):
    out = tmp_path / "out"
    build_tree(src, out, jobs=1)
    data = src / "letters" / "recommendations.csv"
    lines = data.read_text(encoding="utf-8-sig").splitlines()
    gone = lines[-1].split(",")[0]
    edited = out / "letters" / "recommendations" / f"{lines[-2].split(',')[0]}.md"
    assert (out / "letters" / "recommendations" / f"{gone}.docx").is_file() and edited.is_file()
    data.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    report = build_tree(src, out, jobs=1)
    assert not (out / "letters" / "recommendations" / f"{gone}.docx").exists()
    assert sorted(report.removed) == [f"letters/recommendations/{gone}.{ext}" for ext in ("docx", "md")]
    # A letter edited by hand since is never deleted, only listed.
    edited.write_text(edited.read_text(encoding="utf-8") + "\n手工补充。\n", encoding="utf-8")
    data.write_text("\n".join(lines[:-2]) + "\n", encoding="utf-8")
    report = build_tree(src, out, jobs=1)
    assert edited.is_file() and report.kept == [f"letters/recommendations/{edited.name}"]


def test_a_failing_spec_is_reported_and_retried(tmp_path, src):
    out = tmp_path / "out"
    spec = src / "notices" / "cnipa-2023-582.yaml"
    good = spec.read_text(encoding="utf-8")
    spec.write_text(
        good.replace("doc_number: 国知办函运字〔2023〕582号", "doc_number: 国知办函运字[2023]582号"),
        encoding="utf-8",
    )
    first = build_tree(src, out, jobs=1)
    assert list(first.failed) == ["notices/cnipa-2023-582.yaml"]
    assert "notices/cnipa-2023-582.yaml" in build_tree(src, out, jobs=1).failed  # not skipped
    spec.write_text(good, encoding="utf-8")
    assert build_tree(src, out, jobs=1).built == ["notices/cnipa-2023-582.yaml"]


def test_the_command(tmp_path, src):
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(main, ["build", str(src), "-o", str(out), "-j", "1"])
    assert first.exit_code == 0, first.output
    assert "生成 8 个规格" in first.stdout
    before = snapshot(out)
    second = runner.invoke(main, ["build", str(src), "-o", str(out)])
    assert second.exit_code == 0, second.output
    assert "生成 0 个规格（0 个文件），未改动跳过 8 个" in second.stdout
    assert snapshot(out) == before
    forced = runner.invoke(main, ["build", str(src), "-o", str(out), "--force", "-j", "1"])
    assert "生成 8 个规格" in forced.stdout


@pytest.mark.parametrize("where", ["file", "itself", "around"])
def test_an_output_folder_that_cannot_hold_the_build_is_said_once(tmp_path, src, where):
    """-o names a file, the folder itself, or a folder around it: one message naming -o's
    folder and why, exit 1, nothing written — not one error per subfolder, nor “the folder
    has no specs” (every spec was taken for an output and skipped)."""
    out = {"file": tmp_path / "out.txt", "itself": src, "around": tmp_path}[where]
    if where == "file":
        out.write_text("原有内容", encoding="utf-8")
    before = snapshot(tmp_path)
    result = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("错误")]
    assert len(errors) == 1 and errors[0].startswith(f"错误 {out} "), result.stderr
    assert ("是文件，不是文件夹" if where == "file" else "请用 -o 指定另一个文件夹") in errors[0]
    assert "没有 YAML 规格文件" not in result.stderr
    assert snapshot(tmp_path) == before
