"""How many printed lines each row of the examples' tables takes, in two builds compared.

Two folders the examples were built to (``wenshu build examples -o DIR --pdf``, e.g. by the
code before a change and after it) are read: each table's rows from the .docx, each cell's
text found on the PDF's pages as the lines ``pdftotext -bbox-layout`` prints it in
(:func:`broken_words.printed`: one line under the other, overlapping across). A row takes
the lines of its tallest cell; a table the sum of its rows' (its height in lines). The script
prints each row that takes more or fewer lines in the second build than in the first, with
its cells' lines, and per document the tables' heights; then the totals.

    python benchmarks/table_rows.py /tmp/before /tmp/after
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from broken_words import CHINESE, W, paragraph_lines, pdf_lines, printed
from lxml import etree

Rows = list[list[list[str]]]  # a table's rows, each a list of cells, each its typed lines


def tables_of(docx: Path) -> list[Rows]:
    """The tables of ``docx``: their rows' cells' texts, each typed line apart (no spaces)."""
    with zipfile.ZipFile(docx) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return [
        [
            [
                ["".join(line.split()) for p in tc.iter(f"{W}p") for line in paragraph_lines(p)]
                for tc in tr.iter(f"{W}tc")
            ]
            for tr in tbl.iter(f"{W}tr")
        ]
        for tbl in root.iter(f"{W}tbl")
    ]


def cell_lines(texts: list[str], pages: list) -> int:
    """The printed lines of a cell of typed lines ``texts``: each typed line's, the most it is
    found printed in on any page (one where it is found over no two lines)."""
    total = 0
    for text in texts:
        runs = [len(run) for page in pages for run in printed(text, page)] if CHINESE.search(text) else []
        total += max(runs, default=1)
    return total


def measure(built: Path) -> dict[str, list[list[list[int]]]]:
    """For each PDF under ``built`` with its .docx: its tables' rows' cells' printed lines."""
    out = {}
    for pdf in sorted(built.rglob("*.pdf")):
        docx = pdf.with_suffix(".docx")
        if not docx.exists():
            continue
        tables = tables_of(docx)
        if not tables:
            continue
        _, pages = pdf_lines(pdf)
        out[str(pdf.relative_to(built))] = [
            [[cell_lines(cell, pages) for cell in row] for row in table] for table in tables
        ]
    return out


def main() -> None:
    before, after = (measure(Path(a)) for a in sys.argv[1:3])
    taller = shorter = rows = 0
    for name in sorted(after):
        old, new = before.get(name), after[name]
        if old is None or len(old) != len(new):
            print(f"{name}: tables differ in number, not compared")
            continue
        heights = []
        for t, (ta, tb) in enumerate(zip(old, new, strict=True)):
            if len(ta) != len(tb):
                print(f"  {name} table {t + 1}: rows differ in number ({len(ta)}, {len(tb)}), not compared")
                continue
            ha = sum(max(r, default=1) for r in ta)
            hb = sum(max(r, default=1) for r in tb)
            heights.append(f"{ha}→{hb}" if ha != hb else str(ha))
            for i, (ra, rb) in enumerate(zip(ta, tb, strict=True)):
                rows += 1
                a, b = max(ra, default=1), max(rb, default=1)
                if a != b:
                    taller += b > a
                    shorter += b < a
                    print(f"  {name} table {t + 1} row {i}: {a}→{b} lines (cells {ra} → {rb})")
        print(f"{name}: table heights in lines {', '.join(heights)}")
    print(f"{rows} rows compared: {taller} taller, {shorter} shorter")


if __name__ == "__main__":
    main()
