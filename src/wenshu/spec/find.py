"""Which files in a folder are specs: one rule for ``build DIR``, ``validate DIR`` and the workbench.

A spec is a regular file named ``*.yaml`` or ``*.yml`` (any case). Skipped: anything whose
path inside the folder has a part starting with ``.`` (hidden: editors' and version
control's files) or ``_`` (kept aside by the user: drafts of drafts, shared snippets), and
anything inside the output folder when that lies within the folder.
"""

from __future__ import annotations

from pathlib import Path

SPEC_SUFFIXES = (".yaml", ".yml")


def is_spec_name(rel: Path) -> bool:
    """Does a path relative to the searched folder name a spec by :data:`SPEC_SUFFIXES`
    and the skipping rule (no part starting with ``.`` or ``_``)?"""
    return rel.suffix.lower() in SPEC_SUFFIXES and not any(part.startswith((".", "_")) for part in rel.parts)


def find_specs(folder: Path, *, skip: Path | None = None) -> list[Path]:
    """Every spec under ``folder`` (subfolders included), sorted; none inside ``skip``."""
    skipped = skip.resolve() if skip is not None else None
    found = []
    for path in folder.rglob("*"):
        if not is_spec_name(path.relative_to(folder)) or not path.is_file():
            continue
        if skipped is not None and skipped in path.resolve().parents:
            continue
        found.append(path)
    return sorted(found)


def spec_folders(folder: Path) -> list[Path]:
    """The folders under ``folder`` that hold specs directly: itself if it does, else each
    subfolder's (not hidden, not ``_``), so ``wenshu validate examples`` checks each round
    folder as a round of its own, not all of them as one."""
    if any(is_spec_name(p.relative_to(folder)) and p.is_file() for p in folder.iterdir()):
        return [folder]
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    return [found for sub in subfolders for found in spec_folders(sub)]
