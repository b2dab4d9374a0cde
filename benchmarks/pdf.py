"""Benchmark: PDF of one-page letters through one persistent LibreOffice.

100 one-page 推荐函 (the recommendation_letter example, its quota dropped and its CSV
replaced by N generated records) are built with ``wenshu batch`` machinery, then turned into
PDF by :class:`wenshu.office.libreoffice.LibreOffice` — one LibreOffice for all of them, as
``wenshu build --pdf`` and ``wenshu check --render`` do. Printed:

- ms per letter for the PDF step alone (total of the one LibreOffice run / N);
- ms per letter end to end (records → .docx/.md → PDF);
- for comparison, ms per letter when every file gets its own LibreOffice (on a few files);
- that every PDF has exactly one page.

Target (issue 6): ≤ 250 ms per one-page letter on average over 100.

    python benchmarks/pdf.py [--letters 100] [--separate 5]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML
from wenshu.build.batch import load_batch, run_batch
from wenshu.office.libreoffice import LibreOffice, find_poppler

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "letters" / "recommendations.yaml"
TARGET_MS = 250


def make_batch(folder: Path, n: int) -> Path:
    """The example's shared text with ``n`` made-up records (示例市0001 …) in a CSV."""
    yaml = YAML(typ="safe", pure=True)
    with open(EXAMPLE, encoding="utf-8") as fh:
        spec = yaml.load(fh)
    spec.pop("quota", None)  # 100 recommendations exceed any province's quota
    spec["data"] = "letters.csv"
    with open(EXAMPLE.with_name(EXAMPLE.stem + ".csv"), encoding="utf-8") as fh:
        first = next(csv.DictReader(fh))
    with open(folder / "letters.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(first))
        out.writeheader()
        for i in range(1, n + 1):
            out.writerow(
                {**first, "推荐对象": f"示例市{i:04d}", "推荐排序": i, "发文字号": f"示知函〔2023〕{i}号"}
            )
    path = folder / "letters.yaml"
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(spec, fh)
    return path


def pages(pdf: Path) -> int:
    info = subprocess.run([find_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=False)
    return next(int(line.split()[-1]) for line in info.stdout.splitlines() if line.startswith("Pages:"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=100)
    parser.add_argument("--separate", type=int, default=5, help="letters converted one LibreOffice each")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wenshu-bench-pdf-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        result = run_batch(load_batch(make_batch(work, args.letters)), work / "out", formats=("docx", "md"))
        built = time.perf_counter() - started
        assert not result.failed, result.problems()[:3]
        docx = sorted((work / "out").glob("*.docx"))
        assert len(docx) == args.letters, len(docx)

        with LibreOffice() as office:
            started = time.perf_counter()
            pdfs = office.convert(docx, work / "pdf")
            converted = time.perf_counter() - started
        assert len(pdfs) == len(docx), f"{len(docx) - len(pdfs)} 个文件未能转换"
        counts = {pages(pdf) for pdf in pdfs.values()}

        started = time.perf_counter()
        for one in docx[: args.separate]:
            with LibreOffice() as office:
                office.convert([one], work / "separate")
        separate = (time.perf_counter() - started) / max(1, args.separate)

    per_letter = converted / len(docx) * 1000
    print(f"{len(docx)} 份推荐函，每份页数：{sorted(counts)}")
    print(f"PDF（一个 LibreOffice 转换全部）：{per_letter:.0f} ms/份（共 {converted:.1f} s）")
    print(f"目标 ≤ {TARGET_MS} ms/份：{'达到' if per_letter <= TARGET_MS else '未达到'}")
    print(f"端到端（记录 → .docx/.md → PDF）：{(built + converted) / len(docx) * 1000:.0f} ms/份")
    print(f"对照：每份单独启动 LibreOffice：{separate * 1000:.0f} ms/份")
    return 0 if per_letter <= TARGET_MS and counts == {1} else 1


if __name__ == "__main__":
    raise SystemExit(main())
