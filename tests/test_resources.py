"""The YAML resource cache: same data as the parser, rebuilt when a file changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wenshu.resources import read_yaml_resource, resource_dir


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "wenshu"


def test_cached_schema_equals_parsed(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = resource_dir("schemas") / "notice.yaml"
    first = read_yaml_resource(schema)
    assert len(list(cache_home.glob("*.json"))) == 1
    second = read_yaml_resource(schema)  # from the cache
    monkeypatch.setenv("WENSHU_NO_CACHE", "1")
    assert first == second == read_yaml_resource(schema)


def test_changed_file_is_read_again(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "x.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    assert read_yaml_resource(source) == {"a": 1}
    source.write_text("a: 22\n", encoding="utf-8")
    os.utime(source, ns=(1, 2))  # a different modification time, as any edit gives
    assert read_yaml_resource(source) == {"a": 22}


def test_values_json_cannot_hold_are_not_cached(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "d.yaml"
    source.write_text("day: 2023-07-18\n", encoding="utf-8")
    assert str(read_yaml_resource(source)["day"]) == "2023-07-18"
    assert not list(cache_home.glob("*.json"))
    assert str(read_yaml_resource(source)["day"]) == "2023-07-18"


def test_unwritable_cache_still_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # the cache folder cannot be made
    source = tmp_path / "x.yaml"
    source.write_text("a: [1, 2]\n", encoding="utf-8")
    assert read_yaml_resource(source) == {"a": [1, 2]}


def test_compiled_templates_are_cached_and_give_the_same_text(tmp_path: Path) -> None:
    """Jinja's compiled templates go to the user cache; a build from the cache writes the
    same Markdown as one without any cache."""
    import subprocess
    import sys

    notice = Path(__file__).parents[1] / "examples" / "notices" / "cnipa-2023-582.yaml"
    probe = f"from wenshu.build.pipeline import render\nprint(render({str(notice)!r}, ('md',)).markdown)"

    def markdown(**env: str) -> str:
        base = {k: v for k, v in os.environ.items() if k not in ("WENSHU_NO_CACHE", "XDG_CACHE_HOME")}
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=base | env
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    cold = markdown(XDG_CACHE_HOME=str(tmp_path))
    compiled = list((tmp_path / "wenshu" / "templates").iterdir())
    assert compiled, "no compiled template was kept"
    assert markdown(XDG_CACHE_HOME=str(tmp_path)) == cold == markdown(WENSHU_NO_CACHE="1")
