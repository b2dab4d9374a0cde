"""How ``wenshu check`` scales with a document's paragraphs: 500, 5,000 and 50,000.

Each document is a notice built by wenshu whose body gets the given number of paragraphs of
generated text, every one with a deviation (a 15 pt run where the standard wants 16 pt), so
each finding collects as many places as there are paragraphs — the case that was quadratic.
The script prints the processor seconds (CPU time of this process: other work on a shared
machine inflates wall-clock time, not this), the wall-clock seconds, the milliseconds of
processor time per paragraph and that cost relative to the smallest size: close to 1.0 when
checking is linear. Compare figures within one run only.

    python benchmarks/check_scaling.py              # 500, 5000, 50000
    python benchmarks/check_scaling.py 1000 10000   # other sizes
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from pathlib import Path

from wenshu.build.pipeline import render

from wenshu.check import check_docx

SIZES = (500, 5_000, 50_000)
SPEC = Path(__file__).resolve().parents[1] / "examples" / "notices" / "cnipa-2023-582.yaml"
_DOCUMENT = "word/document.xml"
_AFTER = "一、工作思路</w:t></w:r></w:p>"
_TEXT = "各地要结合实际认真组织实施，确保各项任务落到实处，取得实效，并及时报送有关情况"


def paragraphs_xml(count: int) -> str:
    """``count`` body paragraphs, each a run of 15 pt (a deviation), one in 50 a 二级标题."""
    out = []
    for i in range(1, count + 1):
        if i % 50 == 0:
            heading = f"<w:r><w:t>（{i}）小节</w:t></w:r>"
            out.append(f'<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr>{heading}</w:p>')
        else:
            out.append(
                '<w:p><w:pPr><w:pStyle w:val="WsBody"/></w:pPr><w:r><w:rPr><w:sz w:val="30"/></w:rPr>'
                f"<w:t>第{i}段：{_TEXT}。</w:t></w:r></w:p>"
            )
    return "".join(out)


def scaled_docx(base: bytes, count: int) -> bytes:
    """``base`` (a notice built by wenshu) with ``count`` generated paragraphs in its body."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == _DOCUMENT:
                data = data.decode("utf-8").replace(_AFTER, _AFTER + paragraphs_xml(count), 1).encode("utf-8")
            zout.writestr(item, data)
    return out.getvalue()


def measure(base: bytes, count: int) -> tuple[float, float]:
    """(processor, wall-clock) seconds to check the document with ``count`` generated
    paragraphs: the best of up to three runs while they take under two seconds together."""
    data = scaled_docx(base, count)
    times: list[tuple[float, float]] = []
    while not times or (len(times) < 3 and sum(t for t, _ in times) < 2):
        cpu, wall = time.process_time(), time.perf_counter()
        report = check_docx(data, f"bench-{count}.docx")
        times.append((time.process_time() - cpu, time.perf_counter() - wall))
        assert report.error is None, report.error
        assert any(len(d.locations) >= count * 0.9 for d in report.deviations), "the deviation was not found"
    return min(times)


def main(sizes: tuple[int, ...]) -> None:
    """Print the seconds, milliseconds per paragraph and the per-paragraph ratio for each size."""
    base = render(SPEC, ("docx",)).files["docx"]
    measure(base, 10)  # warm up: imports, regular expressions
    print(f"{'段落数':>8} {'处理器秒':>8} {'实耗秒':>8} {'毫秒/段':>8} {'每段比':>7}")
    first = None
    for count in sizes:
        cpu, wall = measure(base, count)
        per = cpu / count
        first = first or per
        print(f"{count:>11} {cpu:>12.2f} {wall:>11.2f} {per * 1000:>11.3f} {per / first:>9.2f}")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or SIZES)
