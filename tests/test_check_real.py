"""``wenshu check`` on real offices' Word files, judged finding by finding (issue 12).

The corpus (shared/corpus/real-docx: fourteen .docx from public repositories and verdicts.tsv,
one row per finding an earlier wenshu reported, judged T true / F false / D debatable) lives
beside the checkout like the seeds. The test runs the checker on every file and compares: every
finding judged false must be gone, every true one still found, and the precision (true findings
among true and false ones) is computed and printed.

A finding of today matches a verdict row when the code is the same, the row's excerpt is among
the finding's places and the element is the same (for a true row, or the value: a finding may
gather several elements sharing one setting and is still the same deviation at the same spot;
or, for a true row, the same code, element and value anywhere: the same claim whose first place
moved).
Findings no row judges are counted and listed as unjudged.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wenshu.check import Deviation, check_docx

REPO = Path(__file__).resolve().parents[1]
CORPUS = (
    next((p for p in (REPO.parent / "shared", Path("/work/shared")) if p.is_dir()), REPO.parent / "shared")
    / "corpus"
    / "real-docx"
)
VERDICTS = CORPUS / "verdicts.tsv"


@dataclass
class Tally:
    """Verdicts of one file's (or all files') findings today."""

    true: int = 0
    false: int = 0
    debatable: int = 0
    unjudged: list[str] = field(default_factory=list)
    false_left: list[str] = field(default_factory=list)
    true_lost: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        judged = self.true + self.false
        return self.true / judged if judged else 1.0

    def add(self, other: Tally) -> None:
        self.true += other.true
        self.false += other.false
        self.debatable += other.debatable
        self.unjudged += other.unjudged
        self.false_left += other.false_left
        self.true_lost += other.true_lost


def _matches(dev: Deviation, row: dict[str, str]) -> bool:
    """Same code at the same spot. A false finding's fault was nearly always the element it
    named (a mark read as the title), so it matches only under that name; a true one also
    when renamed or gathered with others (same value at the same spot)."""
    if dev.code != row["code"]:
        return False
    same_element, same_value = dev.element == row["element"], dev.actual == row["actual"]
    if row["verdict"] == "T" and same_element and same_value:
        return True  # the same claim, its first place moved (a 版记 now read longer)
    excerpts = {loc.excerpt for loc in dev.locations}
    if row["excerpt"] and row["excerpt"] not in excerpts:
        return False
    return same_element or (row["verdict"] == "T" and same_value)


def judge(deviations: list[Deviation], rows: list[dict[str, str]]) -> Tally:
    """Each finding takes the verdict of the rows it matches (T before F before D)."""
    tally = Tally()
    for dev in deviations:
        verdicts = {row["verdict"] for row in rows if _matches(dev, row)}
        if "T" in verdicts:
            tally.true += 1
        elif "F" in verdicts:
            tally.false += 1
            tally.false_left.append(str(dev))
        elif "D" in verdicts:
            tally.debatable += 1
        else:
            tally.unjudged.append(str(dev))
    for row in rows:
        if row["verdict"] == "T" and not any(_matches(dev, row) for dev in deviations):
            tally.true_lost.append(f"#{row['#']} {row['code']} {row['element']} {row['excerpt']}")
    return tally


def _rows() -> dict[str, list[dict[str, str]]]:
    by_file: dict[str, list[dict[str, str]]] = {}
    with VERDICTS.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            by_file.setdefault(row["file"], []).append(row)
    return by_file


@pytest.mark.skipif(not VERDICTS.is_file(), reason=f"真实公文语料不在 {CORPUS}（shared/ 不在检出目录旁）")
def test_real_files_against_verdicts() -> None:
    total = Tally()
    lines = []
    for name, rows in sorted(_rows().items()):
        report = check_docx(CORPUS / f"{name}.docx")
        assert report.error is None, f"{name}: {report.error}"
        tally = judge(report.deviations, rows)
        total.add(tally)
        lines.append(
            f"{name:30s} T={tally.true:3d} F={tally.false} D={tally.debatable} "
            f"new={len(tally.unjudged)} precision={tally.precision:.0%}"
        )
    lines.append(f"overall precision {total.precision:.1%} (T={total.true}, F={total.false})")
    print("\n".join(lines))
    assert not total.false_left, "judged false, still reported:\n" + "\n".join(total.false_left)
    assert not total.true_lost, "judged true, no longer found:\n" + "\n".join(total.true_lost)
