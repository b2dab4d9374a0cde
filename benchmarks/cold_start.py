"""Cold start: whole `wenshu` processes against Pandoc on the same content, in one run.

Each command is run N times (default 7), the commands taking turns so that the machine's
drift touches them alike; the median of each is printed, with the ratio the targets name:

- `wenshu --help` (target under 0.15 s);
- `wenshu build NOTICE -o DIR --format docx --no-paginate` against `pandoc NOTICE.md -o
  x.docx` on the Markdown wenshu makes of the same notice (target within 3×, stretch 2×);
- `wenshu schema notice` and `wenshu validate NOTICE`, for reference;
- the floor: a Python process that only imports the libraries a build uses (Click, PyYAML,
  Cerberus, Jinja2, markdown-it-py, python-docx) and does nothing else — no build can
  start faster than that, whatever wenshu does.

Each median is given in wall time and in CPU time (user + system of the process), the
latter moving much less with the load of a shared machine; the ratios to Pandoc are given
in both.

The schema cache is warmed first (as any second run of wenshu finds it). Pandoc is
Debian's `pandoc`; without it the comparison is skipped and said so.

On a shared machine wall-clock times follow the load; the script also prints, for the build
and `--help`, the sum of ``python -X importtime``'s self times (the smallest of the runs),
which moves much less with it.

    python benchmarks/cold_start.py [N]
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "examples" / "notices" / "cnipa-2023-582.yaml"


def _wenshu(*args: str) -> list[str]:
    return [sys.executable, "-m", "wenshu", *args]


# As on a user's machine: compiled bytecode kept (a workplace may switch that off for
# everything, and then every run compiles wenshu's sources again), no pagination pass.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"WENSHU_PAGINATE": "0"}


def _time(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, env=_ENV)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu


# The libraries on a build's path, imported as a build imports them.
_LIBRARIES = "import click, yaml, cerberus, jinja2.sandbox, markdown_it, docx"


def _import_ms(command: list[str], cwd: Path) -> float:
    """The sum of the self times ``-X importtime`` reports for ``command``, in ms."""
    done = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]], cwd=cwd, capture_output=True, env=_ENV
    )
    return sum(int(m) for m in re.findall(rb"import time:\s+(\d+) \|", done.stderr)) / 1000


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory(prefix="wenshu-cold-") as tmp:
        work = Path(tmp)
        _time(_wenshu("build", str(NOTICE), "-o", str(work), "--format", "md"), work)  # warm the cache
        commands: dict[str, list[str]] = {
            "wenshu --help": _wenshu("--help"),
            "wenshu schema notice": _wenshu("schema", "notice"),
            "wenshu validate": _wenshu("validate", str(NOTICE)),
            "wenshu build (docx)": _wenshu("build", str(NOTICE), "-o", str(work / "w"), "--format", "docx"),
            "libraries alone": [sys.executable, "-c", _LIBRARIES],
        }
        pandoc = shutil.which("pandoc")
        if pandoc:
            commands["pandoc md→docx"] = [pandoc, str(work / f"{NOTICE.stem}.md"), "-o", str(work / "p.docx")]
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        imports: dict[str, list[float]] = {"wenshu --help": [], "wenshu build (docx)": []}
        for _ in range(runs):
            for name, command in commands.items():
                times[name].append(_time(command, work))
            for name in imports:
                imports[name].append(_import_ms(commands[name], work))
    wall = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in times.items()}
    print(f"{runs} runs each, taking turns; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name in commands:
        each = ", ".join(f"{w * 1000:.0f}" for w, _ in times[name])
        print(
            f"  {name:<22} median {wall[name] * 1000:7.1f} ms wall, {cpu[name] * 1000:6.1f} ms CPU"
            f"   (wall: {each})"
        )
    for name, values in imports.items():
        middle = statistics.median(values)
        print(f"  {name:<22} imports (self times summed) min {min(values):.1f} ms, median {middle:.1f} ms")
    print(f"wenshu --help: {wall['wenshu --help'] * 1000:.0f} ms (target < 150 ms)")
    if pandoc:
        for what, of in (("wall", wall), ("CPU", cpu)):
            build, floor = (
                of["wenshu build (docx)"] / of["pandoc md→docx"],
                of["libraries alone"] / of["pandoc md→docx"],
            )
            print(
                f"wenshu build / pandoc ({what}): {build:.2f}× (target ≤ 3×, stretch ≤ 2×);"
                f" libraries alone: {floor:.2f}×"
            )
    else:
        print("pandoc not installed: build not compared (Debian: apt-get install pandoc)")


if __name__ == "__main__":
    main()
