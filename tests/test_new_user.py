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
