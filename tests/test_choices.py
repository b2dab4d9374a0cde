"""Coded choices (``level: county``) carry their Chinese names (``meta: {choices: …}``), so the
workbench's lists, ``wenshu schema`` and the messages show 县（市、区）, not only ``county``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wenshu.cli.main import main
from wenshu.serve import create_app
from wenshu.spec.kinds import all_kinds, choice_names, definitions

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "examples" / "work_plans" / "sample-county-demonstration-plan.yaml"


def _rules(node: Any, where: str):
    if isinstance(node, dict):
        if "allowed" in node:
            yield where, node
        for key, value in node.items():
            yield from _rules(value, f"{where}.{key}")
    elif isinstance(node, list):
        for item in node:
            yield from _rules(item, where)


def _all_rules():
    yield from _rules(definitions(), "_common")
    for name, kind in all_kinds().items():
        yield from _rules(kind.schema, name)


def test_every_coded_choice_is_named_and_every_name_is_a_choice():
    for where, rule in _all_rules():
        names = choice_names(rule)
        coded = [v for v in rule["allowed"] if isinstance(v, str) and re.fullmatch(r"[a-z_]+", v)]
        if where.endswith(".kind"):
            continue  # the kind's own name
        assert set(names) == set(coded), where


def test_a_chinese_name_written_for_a_code_says_which_code(tmp_path):
    spec = tmp_path / "plan.yaml"
    text = PLAN.read_text(encoding="utf-8")
    spec.write_text(text.replace("level: county", "level: 县"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(spec)])
    assert result.exit_code == 1
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("level:"))
    said = (
        f"plan.yaml:{line}:8 level：（层级）不能是“县”，应写代码“county”；"
        "可选：city＝城市、county＝县（市、区）"
    )
    assert said in result.output


def test_schema_lists_the_named_choices_once():
    out = CliRunner().invoke(main, ["schema", "work_plan"]).output
    assert "level（层级，文字，必填）　city＝城市；county＝县（市、区）" in out
    assert "可选值：city" not in out


@pytest.fixture()
def client(tmp_path: Path):
    shutil.copy(PLAN, tmp_path / "plan.yaml")
    return create_app(tmp_path, pages=False).test_client()


def test_the_workbench_lists_show_the_chinese_names(client):
    page = client.get("/doc/plan.yaml").get_data(as_text=True)
    assert re.search(r'<option value="county" selected>县（市、区）（county）</option>', page)
    assert '<option value="pilot">试点（pilot）</option>' in page
    assert "city＝城市；county＝县（市、区）" in page  # the help line under the list
