"""Word and Markdown say the same: for every example of every kind in ``examples/``, the
paragraphs and table cells of the .docx equal those of the .md, in order.

This module also owns the example builder the checker and render tests share: every YAML
under ``examples/`` that names a ``kind`` is built (a spec with ``records:``/``data:`` is a
batch and yields one letter per record), once per test session.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from wenshu.build.pipeline import render
from wenshu.spec.kinds import all_kinds

from tests.conftest import read_as_commonmark
from wenshu.extract import docx_blocks, markdown_blocks

REPO = Path(__file__).resolve().parents[1]


def _spec_files() -> list[Path]:
    """Every example spec (a YAML mapping with ``kind:``), data files left out."""
    found = []
    for path in sorted((REPO / "examples").rglob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            data = YAML(typ="safe", pure=True).load(fh)
        if isinstance(data, dict) and "kind" in data:
            found.append(path)
    return found


EXAMPLE_SPECS = _spec_files()
EXAMPLE_IDS = [str(p.relative_to(REPO / "examples")) for p in EXAMPLE_SPECS]


@dataclass(frozen=True)
class Output:
    """One built document: its .docx and .md on disk."""

    name: str
    docx: Path
    md: Path


class ExampleBuilder:
    """Builds each example on first use and remembers the result for the session."""

    def __init__(self, root: Path):
        self.root = root
        self._built: dict[Path, list[Output]] = {}

    def outputs(self, spec: Path) -> list[Output]:
        if spec not in self._built:
            self._built[spec] = self._build(spec)
        return self._built[spec]

    def all_outputs(self) -> list[Output]:
        return [o for spec in EXAMPLE_SPECS for o in self.outputs(spec)]

    def _build(self, spec: Path) -> list[Output]:
        rel = spec.relative_to(REPO / "examples").with_suffix("")
        out = self.root / rel
        with open(spec, encoding="utf-8") as fh:
            data = YAML(typ="safe", pure=True).load(fh)
        if "records" in data or "data" in data:
            from wenshu.build.batch import load_batch, run_batch

            result = run_batch(load_batch(spec), out, jobs=1)
            assert not result.failed, result.failed
            docx = sorted(out.glob("*.docx"))
            return [Output(f"{rel}/{d.stem}", d, d.with_suffix(".md")) for d in docx]
        rendered = render(spec)
        out.parent.mkdir(parents=True, exist_ok=True)
        docx, md = out.with_suffix(".docx"), out.with_suffix(".md")
        docx.write_bytes(rendered.files["docx"])
        md.write_bytes(rendered.files["md"])
        return [Output(str(rel), docx, md)]


@pytest.fixture(scope="session")
def examples(tmp_path_factory) -> ExampleBuilder:
    """Every example, built lazily once per session into a temporary folder."""
    return ExampleBuilder(tmp_path_factory.mktemp("all-examples"))


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=EXAMPLE_IDS)
def test_docx_and_markdown_say_the_same(examples, spec):
    outputs = examples.outputs(spec)
    assert outputs
    for out in outputs:
        from_docx = docx_blocks(out.docx)
        from_md = markdown_blocks(out.md.read_text(encoding="utf-8"))
        assert from_docx, out.name
        if from_docx != from_md:
            only_docx = [b for b in from_docx if b not in from_md]
            only_md = [b for b in from_md if b not in from_docx]
            pytest.fail(f"{out.name}: 仅在 .docx 中 {only_docx[:3]}；仅在 .md 中 {only_md[:3]}")


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=EXAMPLE_IDS)
def test_commonmark_reads_the_markdown_as_wenshu_does(examples, spec):
    for out in examples.outputs(spec):
        assert read_as_commonmark(out.md.read_text(encoding="utf-8")), out.name


def test_every_kind_has_an_example():
    """No kind goes untested: each one in schemas/ appears among the examples."""
    kinds = set()
    for spec in EXAMPLE_SPECS:
        with open(spec, encoding="utf-8") as fh:
            kinds.add(YAML(typ="safe", pure=True).load(fh)["kind"])
    assert set(all_kinds()) - kinds == set()
