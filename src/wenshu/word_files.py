"""Which files are Word files: one rule for ``wenshu check``, ``wenshu import`` and ``wenshu fix``.

A module of its own, importing nothing of wenshu's, so that ``wenshu check`` collects its
files without loading the importer (its YAML writer, the spec validator) that ``fix`` needs.
"""

from __future__ import annotations

from pathlib import Path

#: Word files wenshu reads itself; the others (``import``, ``fix``) are converted by LibreOffice first.
DOCX = ".docx"
CONVERTIBLE = (".doc", ".wps", ".odt", ".rtf")


def word_files(paths: list[Path], suffixes: tuple[str, ...] = (DOCX, *CONVERTIBLE)) -> list[Path]:
    """The Word files named, a folder standing for the files in it ending in one of
    ``suffixes`` (sorted; Word's lock files and hidden files left out)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.suffix.lower() in suffixes and not p.name.startswith(("~$", ".")) and p.is_file()
                )
            )
        else:
            out.append(path)
    return out
