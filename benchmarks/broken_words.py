"""How many printed lines of the examples' table cells and 附件说明 names end inside a word.

Every example is built to .docx and PDF (``wenshu build examples -o DIR --pdf``: LibreOffice lays
the pages out); each table cell's text and each 附件说明 item is read from the .docx, found on
the PDF's pages as the lines ``pdftotext -bbox-layout`` prints it in (one line under the other,
overlapping across), and each place a line of it ends is judged. A line end is inside a word
where

- it is no place a line may end between words (:class:`wenshu.text.words.WordBreaks`:
  inside a word of ``data/title_words.yaml`` or, where that lexicon knows neither side, of
  jieba's segmentation, a number, before closing punctuation…), or
- it leaves one Chinese character alone on a line (“序/号”, “工作报/告”, “市/商务局”), or
- it parts a number from the Chinese unit after it (“100/万元”).

A break typed in the text (``<br>``, a new 附件说明 item) is no line end of this kind. The
script prints each PDF's pages and line ends inside a word — in a cell's name or short entry,
in a cell's prose (a sentence, or over three lines: it wraps at any character as the body does)
and in a 附件说明 name — the totals, and, with ``--list``, each text so broken as ``line/line``.

    python benchmarks/broken_words.py                     # build the examples to a temporary folder
    python benchmarks/broken_words.py --out /tmp/built    # build there (kept), then count
    python benchmarks/broken_words.py --built /tmp/built  # count PDFs built before, e.g. by older code
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from wenshu.text.words import WordBreaks

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NOTE_STYLE = "WsAttachmentNote"
# An item of the 附件说明: “附件：1.” or “2.” (a tab or space may follow the number) before its name.
NOTE_ITEM = re.compile(r"^(?:附件：)?(?:\d+[.．])?\s*")
CHINESE = re.compile("[\u4e00-\u9fff]")
KINDS = ("name", "prose", "note")


@dataclass(frozen=True)
class Line:
    """A line pdftotext prints: its text (no spaces) and box in points."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def pdf_lines(pdf: Path) -> tuple[int, list[list[Line]]]:
    """The pages' count and each page's lines, as pdftotext -bbox-layout prints them."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True)
    root = etree.fromstring(out.stdout, etree.XMLParser(recover=True))
    pages = []
    for page in root.iter("{*}page"):
        lines = []
        for line in page.iter("{*}line"):
            text = "".join(w.text or "" for w in line.iter("{*}word"))
            box = [float(line.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")]
            lines.append(Line(text, *box))
        pages.append(lines)
    return len(pages), pages


def paragraph_lines(p: etree._Element) -> list[str]:
    """A paragraph's text split at the breaks typed in it (``w:br``); wenshu's own line ends
    (``w:cr``) are what is measured, so they are dropped."""
    parts = [""]
    for el in p.iter(f"{W}t", f"{W}br", f"{W}tab"):
        if el.tag == f"{W}t":
            parts[-1] += el.text or ""
        elif el.tag == f"{W}br":
            parts.append("")
    return parts


def texts_of(docx: Path) -> tuple[list[str], list[str]]:
    """The table cells' texts (each typed line apart) and the 附件说明 names of ``docx``."""
    with zipfile.ZipFile(docx) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    cells = [
        "".join(line.split())
        for tc in root.iter(f"{W}tc")
        for p in tc.iter(f"{W}p")
        for line in paragraph_lines(p)
    ]
    notes = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == NOTE_STYLE:
            notes.append("".join("".join(paragraph_lines(p)).split()))
    return [c for c in cells if CHINESE.search(c)], notes


def printed(text: str, lines: list[Line]) -> list[list[str]]:
    """Every way ``text`` prints on a page over two lines or more: runs of lines, each below
    the one before (within two lines' height) and overlapping it across, reading ``text``."""
    found = []
    for first in lines:
        if not first.text or first.text == text or not text.startswith(first.text):
            continue
        run, last, rest = [first.text], first, text[len(first.text) :]
        while rest:
            height = last.y1 - last.y0
            below = [
                ln
                for ln in lines
                if ln.text
                and rest.startswith(ln.text)
                and last.y1 - 1 < ln.y0 < last.y1 + 1.5 * height
                and ln.x0 < last.x1
                and last.x0 < ln.x1
            ]
            if not below:
                break
            last = min(below, key=lambda ln: ln.y0)
            run.append(last.text)
            rest = rest[len(last.text) :]
        if not rest:
            found.append(run)
    return found


def inside_word(run: list[str]) -> list[int]:
    """The line ends of ``run`` (a text's printed lines) that fall inside a word."""
    text = "".join(run)
    between = WordBreaks(text)
    bad, at = [], 0
    for i, line in enumerate(run[:-1]):
        at += len(line)
        alone = any(len(x) == 1 and CHINESE.match(x) for x in (line, run[i + 1]))
        unit = text[at - 1].isdigit() and bool(CHINESE.match(text[at]))
        if at not in between or alone or unit:
            bad.append(at)
    return bad


def _prose(text: str, run: list[str]) -> bool:
    """Whether a cell's text is prose, which wraps at any character as the body does (a
    sentence in it, or over three lines: :func:`wenshu.text.wrap.cell_breaks` leaves it)."""
    return bool(re.search("[。；;]", text)) or len(run) > 3


def count(built: Path) -> dict[str, tuple[int, list[tuple[str, str]]]]:
    """For each PDF under ``built`` with its .docx: pages, and the texts broken inside a word,
    each with its kind: ``name`` (a cell's name or short entry), ``prose`` (a cell's prose) or
    ``note`` (a 附件说明 item)."""
    result = {}
    for pdf in sorted(built.rglob("*.pdf")):
        docx = pdf.with_suffix(".docx")
        if not docx.exists():
            continue
        pages, lines = pdf_lines(pdf)
        cells, notes = texts_of(docx)
        broken = []
        seen: set[tuple[int, tuple[str, ...]]] = set()
        for text in dict.fromkeys(cells + notes):
            for number, page in enumerate(lines):
                for run in printed(text, page):
                    if (number, tuple(run)) in seen:
                        continue
                    seen.add((number, tuple(run)))
                    if text in notes:
                        # the name only: “附件：1.” is no word
                        head = len(text) - len(NOTE_ITEM.sub("", text, count=1))
                        run = [run[0][head:], *run[1:]] if len(run[0]) > head else run
                        if not run[0]:
                            run = run[1:]
                    if inside_word(run):
                        kind = "note" if text in notes else "prose" if _prose(text, run) else "name"
                        broken.append((kind, f"p{number + 1} {'/'.join(run)}"))
        result[str(pdf.relative_to(built))] = (pages, broken)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--built", type=Path, help="a folder the examples were built to (.docx and .pdf)")
    parser.add_argument("--out", type=Path, help="build the examples into this folder first")
    parser.add_argument("--list", action="store_true", help="print every line end inside a word")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        built = args.built
        if built is None:
            built = args.out or Path(tmp)
            command = [sys.executable, "-m", "wenshu", "build", str(EXAMPLES), "-o", str(built), "--pdf"]
            subprocess.run(command, check=True, capture_output=True)
        result = count(built)
    totals = dict.fromkeys(KINDS, 0)
    for name, (pages, broken) in result.items():
        kinds = {k: sum(1 for kind, _ in broken if kind == k) for k in KINDS}
        for k, n in kinds.items():
            totals[k] += n
        print(f"{name}\t{pages} pages\t" + "\t".join(f"{k} {n}" for k, n in kinds.items()))
        if args.list:
            for kind, b in broken:
                print(f"    {kind}: {b}")
    pages = sum(p for p, _ in result.values())
    print(f"{len(result)} PDFs, {pages} pages; line ends inside a word: {sum(totals.values())} (", end="")
    print(", ".join(f"{k} {n}" for k, n in totals.items()) + ")")


if __name__ == "__main__":
    main()
