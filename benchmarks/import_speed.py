"""How fast ``wenshu import`` reads a long notice, against python-docx merely opening it.

Builds a 20-page notice (a real example's body repeated), then times, in the same run,
python-docx's ``Document()`` on it (the baseline) and the whole import (reading, recognition,
YAML). Target: under 0.5 s. Run: ``python benchmarks/import_speed.py``.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from pathlib import Path

from docx import Document

from wenshu.build.pipeline import render
from wenshu.importing.fix import import_docx
from wenshu.spec.load import load_spec

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "examples" / "notices" / "cnipa-2023-582.yaml"
PAGES = 20
# The body this many times over: 20 pages as LibreOffice lays the notice out (measured).
REPEAT = 3
TARGET_SECONDS = 0.5


def long_notice() -> bytes:
    """The example notice with its body repeated until it runs to about twenty pages."""
    text = SPEC.read_text(encoding="utf-8")
    head, body = text.split("\nbody:\n", 1)
    body, tail = body.split("\nattachments:", 1)
    lines = body.split("\n")
    repeated = "\n".join(lines * REPEAT)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "long.yaml"
        path.write_text(f"{head}\nbody:\n{repeated}\nattachments:{tail}", encoding="utf-8")
        load_spec(path)
        return render(path, ("docx",)).files["docx"]


def timed(action, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    data = long_notice()
    paragraphs = len(Document(io.BytesIO(data)).paragraphs)
    baseline = timed(lambda: Document(io.BytesIO(data)))
    imported = timed(lambda: import_docx(data, "long.docx"))
    print(f"{paragraphs} 段（约 {PAGES} 页）")
    print(f"python-docx 打开　{baseline:.3f} 秒（基线）")
    print(f"wenshu import　　 {imported:.3f} 秒（{imported / baseline:.1f} 倍；目标 {TARGET_SECONDS} 秒）")


if __name__ == "__main__":
    main()
