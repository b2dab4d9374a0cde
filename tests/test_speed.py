"""Work skipped for speed is skipped only where it would change nothing."""

from __future__ import annotations

import copy
import csv
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO
from wenshu import validate as validation
from wenshu.build.batch import load_batch, run_batch
from wenshu.errors import WenshuError
from wenshu.spec.kinds import get_kind

LETTERS = REPO / "examples" / "letters"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("WENSHU_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "wenshu" / "checked-schemas"


def _fresh() -> validation.SpecValidator:
    return validation.SpecValidator(schema_registry=validation.schema_registry())


def test_a_schema_is_checked_once_per_version(cache, monkeypatch):
    kind = get_kind("notice")
    checks = []
    # Counted at the public ``validate``: Cerberus's own ``_validate`` is skipped for a schema it saw
    # earlier in this process (its per-class memory), so counting there fails after another test.
    original = validation.DefinitionSchema.validate
    monkeypatch.setattr(
        validation.DefinitionSchema, "validate", lambda self, s=None: checks.append(1) or original(self, s)
    )
    first = _fresh()
    assert type(validation.schema_of(first, kind)) is validation.CheckedSchema
    assert checks and len(list(cache.iterdir())) == 1  # checked, and remembered
    checks.clear()
    validation.schema_of(_fresh(), kind)
    assert not checks  # the same schema again: not checked
    changed = copy.deepcopy(kind)
    object.__setattr__(changed, "schema", {**kind.schema, "extra": {"type": "string"}})
    validation.schema_of(_fresh(), changed)
    assert checks and len(list(cache.iterdir())) == 2  # another schema: checked


def test_an_invalid_schema_is_still_refused(cache):
    kind = copy.deepcopy(get_kind("notice"))
    object.__setattr__(kind, "schema", {**kind.schema, "title": {"type": "no such type"}})
    with pytest.raises(WenshuError, match="title.type：未知的类型“no such type”"):
        validation.schema_of(_fresh(), kind)
    assert not cache.exists() or not any(cache.iterdir())  # nothing remembered as valid


def test_batch_offers_the_pass_only_letters_not_proven_to_fit(tmp_path):
    shutil.copy(LETTERS / "recommendations.yaml", tmp_path)
    with open(LETTERS / "recommendations.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))[:3]
    rows[1]["审核情况"] = "经审核，该市申报材料完整、真实、准确，符合申报条件。" * 40
    with open(tmp_path / "recommendations.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows(rows)
    offered: list[Path] = []
    batch = load_batch(tmp_path / "recommendations.yaml")
    result = run_batch(batch, tmp_path / "out", jobs=1, paginate=offered.extend)
    assert not result.failed and len(result.written) == 6
    assert offered == [tmp_path / "out" / f"{result.names[1]}.docx"]
