"""docs/architecture.md names every module of wenshu, so that a module added (or moved out of
a larger one) is placed in the map a new developer reads first. The reading sub-package
``check/reading/`` is named as one unit; its modules are listed in its own docstring."""

from __future__ import annotations

import re
from pathlib import Path

import wenshu

ROOT = Path(wenshu.__file__).parent
DOC = Path(__file__).parents[1] / "docs" / "architecture.md"
#: Packages the document names as one unit.
AS_ONE = {ROOT / "check" / "reading"}


def _unnamed(text: str) -> list[str]:
    """wenshu's modules no `code span` of ``text`` (outside fenced blocks) names."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    named = {word for span in re.findall(r"`([^`\n]+)`", text) for word in re.split(r"\W+", span)}
    modules = [
        p for p in ROOT.rglob("*.py") if p.stem not in ("__init__", "__main__") and p.parent not in AS_ONE
    ]
    assert len(modules) > 80
    return sorted(str(p.relative_to(ROOT)) for p in modules if p.stem not in named)


def test_every_module_is_named_in_the_architecture_doc() -> None:
    assert _unnamed(DOC.read_text(encoding="utf-8")) == []


def test_a_module_the_doc_leaves_out_is_found() -> None:
    text = DOC.read_text(encoding="utf-8").replace("cores", "kernels")
    assert _unnamed(text) == ["cores.py"]
