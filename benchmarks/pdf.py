"""Benchmark: PDF of one-page letters through persistent LibreOffice processes.

N one-page 推荐函 (default 200: the recommendation_letter example, its quota dropped and
its CSV replaced by N generated records) are built with ``wenshu batch`` machinery, then
turned into PDF by :class:`wenshu.office.libreoffice.LibreOffice`, in turns, ``--repeat``
times each way:

- file by file through one LibreOffice (``convert`` with ``instances=1``: the baseline, as
  before issue 15);
- file by file, the batch shared among one LibreOffice per core (``convert``);
- merged into one document per LibreOffice, one per core, and cut into one PDF per letter
  (``convert_letters``, for a batch's one-page letters).

Printed, with the load average: ms per letter for the PDF step alone (median of the runs),
end to end (records → .docx/.md → PDF), for comparison ms per letter when every file gets a
LibreOffice of its own (on a few files), and that every PDF has exactly one page.

Target (issue 15): ≤ 40 ms per one-page letter over 200 on 2 cores.

    python benchmarks/pdf.py [--letters 200] [--repeat 3] [--separate 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

from wenshu.build.batch import load_batch, run_batch
from wenshu.office.libreoffice import LibreOffice, find_poppler

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "letters" / "recommendations.yaml"
TARGET_MS = 40


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


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (LibreOffice, poppler)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def pages(pdf: Path) -> int:
    info = subprocess.run([find_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=False)
    return next(int(line.split()[-1]) for line in info.stdout.splitlines() if line.startswith("Pages:"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each way, taking turns")
    parser.add_argument("--separate", type=int, default=3, help="letters converted one LibreOffice each")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wenshu-bench-pdf-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        result = run_batch(load_batch(make_batch(work, args.letters)), work / "out", formats=("docx", "md"))
        built = time.perf_counter() - started
        assert not result.failed, result.problems()[:3]
        docx = sorted((work / "out").glob("*.docx"))
        assert len(docx) == args.letters, len(docx)

        ways = {
            "file by file, one LibreOffice": (LibreOffice(instances=1), LibreOffice.convert),
            "file by file, one per core": (LibreOffice(), LibreOffice.convert),
            "merged letters, one per core": (LibreOffice(), LibreOffice.convert_letters),
        }
        times: dict[str, list[float]] = {name: [] for name in ways}
        cpu: dict[str, list[float]] = {name: [] for name in ways}  # CPU seconds of the runs
        loads: list[float] = []
        counts: set[int] = set()
        for turn in range(args.repeat):
            for name, (office, convert) in ways.items():
                out = work / f"pdf-{turn}-{len(times[name])}-{office.instances}"
                loads.append(os.getloadavg()[0])
                with office:
                    started, used = time.perf_counter(), cpu_seconds()
                    pdfs = convert(office, docx, out)
                    times[name].append(time.perf_counter() - started)
                    cpu[name].append(cpu_seconds() - used)
                assert len(pdfs) == len(docx), f"{len(docx) - len(pdfs)} 个文件未能转换"
                counts |= {pages(pdf) for pdf in pdfs.values()}

        started = time.perf_counter()
        for one in docx[: args.separate]:
            with LibreOffice(instances=1) as office:
                office.convert([one], work / "separate")
        separate = (time.perf_counter() - started) / max(1, args.separate)

    per_letter = {name: statistics.median(t) / len(docx) * 1000 for name, t in times.items()}
    best = per_letter["merged letters, one per core"]
    load = ", ".join(f"{x:.1f}" for x in loads)
    print(f"{len(docx)} 份推荐函，每份页数：{sorted(counts)}；每次转换前的负载（1 分钟平均）：{load}")
    for name, ms in per_letter.items():
        runs = " / ".join(f"{t:.1f}" for t in times[name])
        n = ways[name][0].instances
        used = statistics.median(cpu[name]) / len(docx) * 1000
        print(
            f"PDF，{name}（{n} 个 LibreOffice）：{ms:.0f} ms/份（中位数；各次共 {runs} s）；"
            f"CPU {used:.0f} ms/份，{n} 个空闲核上约 {used / n:.0f} ms/份"
        )
    print(f"目标 ≤ {TARGET_MS} ms/份：{'达到' if best <= TARGET_MS else '未达到'}")
    print(f"端到端（记录 → .docx/.md → PDF）：{(built / len(docx) * 1000 + best):.0f} ms/份")
    print(f"对照：每份单独启动 LibreOffice：{separate * 1000:.0f} ms/份")
    return 0 if best <= TARGET_MS and counts == {1} else 1


if __name__ == "__main__":
    raise SystemExit(main())
