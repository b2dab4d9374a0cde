"""A round's own score wording (a category's ``score_names``) reaches every document that
names the scores: the letters, the lists and the 示范企业 work plan."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_round_rules_as_data import build, run, write

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WORK_PLAN = EXAMPLES / "work_plans" / "sample-enterprise-work-plan.yaml"
ROUND = (
    "kind: round\nname: 类别\nyear: 2022\ncategories:\n  示范企业: {score_names: {A: A表得分, B: B表得分}}\n"
)
SAID = "对照《国家知识产权示范企业知识产权评价指标体系》自评，{}82.5分，{}86分。"


def test_the_enterprise_work_plan_calls_its_scores_as_the_round_does(tmp_path):
    """The plan printed the 2022 system's “A表评分/B表评分” whatever the round called them."""
    folder = tmp_path / "r"
    folder.mkdir()
    shutil.copy(WORK_PLAN, folder / "plan.yaml")
    assert build(folder / "plan.yaml", tmp_path / "before").exit_code == 0
    assert SAID.format("A表评分", "B表评分") in (tmp_path / "before" / "plan.md").read_text(encoding="utf-8")
    write(folder, "round.yaml", ROUND)
    result = build(folder / "plan.yaml", tmp_path / "after")
    assert result.exit_code == 0, result.output
    assert SAID.format("A表得分", "B表得分") in (tmp_path / "after" / "plan.md").read_text(encoding="utf-8")


def test_a_round_file_written_later_rebuilds_the_folders_plan(tmp_path):
    """A folder build recorded only the files a spec read: a round.yaml written beside the plan
    after its first build left it “up to date” with the old wording."""
    folder = tmp_path / "r"
    folder.mkdir()
    shutil.copy(WORK_PLAN, folder / "plan.yaml")
    out = tmp_path / "out"
    assert run("build", folder, "-o", out, "--no-paginate").exit_code == 0
    assert SAID.format("A表评分", "B表评分") in (out / "plan.md").read_text(encoding="utf-8")
    write(folder, "round.yaml", ROUND)
    result = run("build", folder, "-o", out, "--no-paginate")
    assert result.exit_code == 0, result.output
    assert SAID.format("A表得分", "B表得分") in (out / "plan.md").read_text(encoding="utf-8")


def _built_plan(tmp_path: Path) -> bytes:
    assert build(WORK_PLAN, tmp_path / "built").exit_code == 0
    return (tmp_path / "built" / "sample-enterprise-work-plan.docx").read_bytes()


def test_import_does_not_read_the_current_folders_round(tmp_path, monkeypatch):
    """The kinds import tries were checked as “import.yaml” in the current folder: a round.yaml
    there raising 示范企业's A表 to 85 made the plan (82.5) a 通用文书."""
    from wenshu.importing.fix import import_docx

    data = _built_plan(tmp_path)
    write(
        tmp_path / "cwd",
        "round.yaml",
        ROUND.replace("{score_names: {A: A表得分, B: B表得分}}", "{min_scores: {A: 85}}"),
    )
    monkeypatch.chdir(tmp_path / "cwd")
    assert import_docx(data, "plan.docx").report.kind == "enterprise_work_plan"


def test_import_in_the_workbench_run_from_another_folder(tmp_path, monkeypatch):
    """In the workbench (reads confined to its folder) run from elsewhere, the current folder's
    round.yaml place lay outside it: every kind reading the round failed, the plan a 通用文书."""
    from wenshu.importing.fix import import_docx
    from wenshu.spec.load import REFERENCE_ROOT

    data = _built_plan(tmp_path)
    (tmp_path / "bench").mkdir()
    monkeypatch.chdir(tmp_path)
    token = REFERENCE_ROOT.set((tmp_path / "bench").resolve())
    try:
        assert import_docx(data, "plan.docx").report.kind == "enterprise_work_plan"
    finally:
        REFERENCE_ROOT.reset(token)


OTHER_ROUND = ROUND.replace("A表得分", "甲表分数").replace("B表得分", "乙表分数")


def _linked_round(tmp_path: Path) -> Path:
    """``r/plan.yaml`` beside ``r/round.yaml -> ../rounds/a.yaml`` (and a ``b.yaml`` to switch to)."""
    write(tmp_path / "rounds", "a.yaml", ROUND)
    write(tmp_path / "rounds", "b.yaml", OTHER_ROUND)
    folder = tmp_path / "r"
    folder.mkdir()
    shutil.copy(WORK_PLAN, folder / "plan.yaml")
    (folder / "round.yaml").symlink_to("../rounds/a.yaml")
    return folder


def _retarget(link: Path, target: str) -> None:
    link.unlink()
    link.symlink_to(target)


def test_a_round_link_switched_to_another_file_changes_the_plan(tmp_path, monkeypatch):
    """The kept checks stamped the link's old target (the read was recorded resolved): the
    plan kept the first round's wording after the link named another file."""
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = _linked_round(tmp_path)
    out = tmp_path / "out"
    assert run("build", folder / "plan.yaml", "-o", out, "--format", "md", "--no-paginate").exit_code == 0
    assert SAID.format("A表得分", "B表得分") in (out / "plan.md").read_text(encoding="utf-8")
    _retarget(folder / "round.yaml", "../rounds/b.yaml")
    result = run("build", folder / "plan.yaml", "-o", out, "--format", "md", "--no-paginate")
    assert result.exit_code == 0, result.output
    assert SAID.format("甲表分数", "乙表分数") in (out / "plan.md").read_text(encoding="utf-8")


def test_a_folder_build_sees_a_round_link_switched(tmp_path):
    """The folder build's manifest named the link's old target: ``build r -o out`` skipped
    the plan as unchanged."""
    folder = _linked_round(tmp_path)
    out = tmp_path / "out"
    assert run("build", folder, "-o", out, "--format", "md", "--no-paginate").exit_code == 0
    _retarget(folder / "round.yaml", "../rounds/b.yaml")
    result = run("build", folder, "-o", out, "--format", "md", "--no-paginate")
    assert result.exit_code == 0, result.output
    assert SAID.format("甲表分数", "乙表分数") in (out / "plan.md").read_text(encoding="utf-8")


def test_a_spec_in_a_linked_folder_switched_is_checked_again(tmp_path, monkeypatch):
    """``r/sub -> ../a``, then ``../b``: the same plan beside another round is checked again
    (the kept checks had stamped ``a/round.yaml``, through the link resolved)."""
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name, text in (("a", ROUND), ("b", OTHER_ROUND)):
        write(tmp_path / name, "round.yaml", text)
        shutil.copy(WORK_PLAN, tmp_path / name / "plan.yaml")
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "sub").symlink_to("../a")
    spec, out = folder / "sub" / "plan.yaml", tmp_path / "out"
    assert run("build", spec, "-o", out, "--format", "md", "--no-paginate").exit_code == 0
    assert SAID.format("A表得分", "B表得分") in (out / "plan.md").read_text(encoding="utf-8")
    _retarget(folder / "sub", "../b")
    result = run("build", spec, "-o", out, "--format", "md", "--no-paginate")
    assert result.exit_code == 0, result.output
    assert SAID.format("甲表分数", "乙表分数") in (out / "plan.md").read_text(encoding="utf-8")


def _edit_after_checking_the_plan(patch: pytest.MonkeyPatch, round_file: Path) -> None:
    """Rewrite ``round_file`` as OTHER_ROUND right after the plan beside it is checked: an
    edit made while the plan is being built, after the round file was read."""
    from wenshu import validate

    real_validate = validate.validate

    def edited_meanwhile(spec, **options):
        checked = real_validate(spec, **options)
        if spec.path.name == "plan.yaml":
            round_file.write_text(OTHER_ROUND, encoding="utf-8")
        return checked

    patch.setattr(validate, "validate", edited_meanwhile)


def test_a_round_file_edited_while_the_plan_is_checked_is_read_again(tmp_path, monkeypatch):
    """The kept checks stamped the files a spec read after checking it: a round file edited in
    between was stamped as edited, and the next build kept the wording read before the edit."""
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "r"
    round_file = write(folder, "round.yaml", ROUND)
    shutil.copy(WORK_PLAN, folder / "plan.yaml")
    out = tmp_path / "out"
    with monkeypatch.context() as during:
        _edit_after_checking_the_plan(during, round_file)
        assert run("build", folder / "plan.yaml", "-o", out, "--format", "md", "--no-paginate").exit_code == 0
    assert SAID.format("A表得分", "B表得分") in (out / "plan.md").read_text(encoding="utf-8")
    result = run("build", folder / "plan.yaml", "-o", out, "--format", "md", "--no-paginate")
    assert result.exit_code == 0, result.output
    assert SAID.format("甲表分数", "乙表分数") in (out / "plan.md").read_text(encoding="utf-8")


def test_a_round_file_edited_while_a_folder_is_built_rebuilds_the_plan(tmp_path, monkeypatch):
    """The folder build hashed the files a spec read after building it: a round file edited in
    between was recorded as edited, and the next build skipped the plan with the old wording."""
    folder = tmp_path / "r"
    round_file = write(folder, "round.yaml", ROUND)
    shutil.copy(WORK_PLAN, folder / "plan.yaml")
    out = tmp_path / "out"
    with monkeypatch.context() as during:
        _edit_after_checking_the_plan(during, round_file)
        assert run("build", folder, "-o", out, "--format", "md", "--no-paginate").exit_code == 0
    assert SAID.format("A表得分", "B表得分") in (out / "plan.md").read_text(encoding="utf-8")
    result = run("build", folder, "-o", out, "--format", "md", "--no-paginate")
    assert result.exit_code == 0, result.output
    assert SAID.format("甲表分数", "乙表分数") in (out / "plan.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("spec", "after", "wording", "table", "theirs"),
    [
        (
            "rounds/enterprise-scores/recommendation-list.yaml",
            "programme: 示范企业\n",
            "A表评分",
            "A",
            "A表得分",
        ),
        (
            "rounds/enterprise-scores/recommendation-letter.yaml",
            "programme: 示范企业\n",
            "B表分数",
            "B",
            "B表得分",
        ),
        ("work_plans/sample-enterprise-work-plan.yaml", None, "A表自评分", "A", "A表得分"),
    ],
)
def test_a_specs_own_wording_of_scores_unlike_its_rounds_is_warned(
    tmp_path, spec, after, wording, table, theirs
):
    # An imported list, letter or plan keeps the wording its file had (score_names); put in a
    # round that calls the scores otherwise, its papers printed two wordings without a word.
    from wenshu.build.pipeline import render

    examples = Path(__file__).resolve().parents[1] / "examples"
    shutil.copy(examples / "rounds" / "enterprise-scores" / "round.yaml", tmp_path / "round.yaml")
    text = (examples / spec).read_text(encoding="utf-8")
    line = f"score_names: {{{table}: {wording}}}\n"
    text = text.replace(after, after + line, 1) if after else text + line
    target = tmp_path / Path(spec).name
    target.write_text(text, encoding="utf-8")
    row = text.splitlines().index(line.rstrip()) + 1
    warnings = [str(w) for w in render(target).warnings]
    said = [w for w in warnings if f"score_names.{table}" in w]
    assert len(said) == 1, warnings
    assert f"{target.name}:{row}:" in said[0] and f"“{wording}”" in said[0] and f"“{theirs}”" in said[0]
    # the round's own wording, written out, is no disagreement
    target.write_text(text.replace(line, f"score_names: {{{table}: {theirs}}}\n"), encoding="utf-8")
    assert not [w for w in render(target).warnings if "score_names" in str(w)]
