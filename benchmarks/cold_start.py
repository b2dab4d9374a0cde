"""Cold start: whole `wenshu` processes against Pandoc on the same content, in one run.

Each command is run N times (default 7), the commands taking turns so that the machine's
drift touches them alike; the median of each is printed, with the ratio the targets name:

- `wenshu --help` (target under 0.15 s);
- `wenshu build NOTICE -o DIR --format docx --no-paginate` against `pandoc NOTICE.md -o
  x.docx` on the Markdown wenshu makes of the same notice (target within 3×, stretch 2×),
  the notice unchanged since the last run: a second run of the same file, which finds the
  spec parsed, checked and turned into Markdown in the user cache (neither PyYAML, Cerberus
  nor Jinja2 is imported: only the .docx is made) — a cache hit, not the cold figure;
- the same build of a notice whose spec changed since the last run (a copy whose ``date:``
  line differs in every run): nothing of it is found in the cache, so PyYAML, Cerberus and
  Jinja2 are imported, the spec parsed, checked and rendered, as after any edit — the figure
  a user sees after changing the spec, the cold one;
- the same two builds and `wenshu --help` through a warm resident process (wenshu.cli.forkserver,
  started in the run's own runtime folder before the runs and stopped after them): what a user
  sees from the second command on. Their CPU time is the client's plus that of the server's
  child that ran the command (the server's reaped children's time in /proc, read after each
  run: it moves in clock ticks of 10 ms, so their mean is printed too). All the other
  commands run with ``WENSHU_SERVER=0``: in their own process, cold, as before;
- `wenshu schema notice` and `wenshu validate NOTICE`, for reference;
- a build of a work plan whose tables' line ends need the word segmenter (jieba, loaded only
  then: wenshu.text.words), cold and served (the resident process preloads it), and the load
  of the segmenter alone (importing jieba and its dictionary, in a process of its own);
- the floor: a Python process that only imports the libraries a build uses (Click, PyYAML,
  Cerberus, Jinja2, markdown-it-py, python-docx) and does nothing else — no build can
  start faster than that, whatever wenshu does; and the same with only Click, markdown-it-py
  and python-docx, the floor of the unchanged build (its spec kept parsed and checked).

Each median is given in wall time and in CPU time (user + system of the process), the
latter moving much less with the load of a shared machine; the ratios to Pandoc are given
in both.

The user cache is the run's own (``XDG_CACHE_HOME`` in a temporary folder), warmed first
(as any second run of wenshu finds it): the machine's shared one holds a few hundred kept
specs, and other wenshu processes (a batch, the tests) could push the notice's out of it
between two runs, making the unchanged build pay for PyYAML at random. Pandoc is Debian's
`pandoc`; without it the comparison is skipped and said so.

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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "examples" / "notices" / "cnipa-2023-582.yaml"
PLAN = ROOT / "examples" / "work_plans" / "sample-city-demonstration-plan.yaml"


def _wenshu(*args: str) -> list[str]:
    return [sys.executable, "-m", "wenshu", *args]


# As on a user's machine: compiled bytecode kept (a workplace may switch that off for
# everything, and then every run compiles wenshu's sources again), no pagination pass.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"WENSHU_PAGINATE": "0"}
# The commands run in a temporary folder: a relative PYTHONPATH (``PYTHONPATH=src`` in a
# worktree) would find no wenshu there, and the installed one would be measured instead.
if _ENV.get("PYTHONPATH"):
    _ENV["PYTHONPATH"] = os.pathsep.join(
        str(Path(p).resolve()) for p in _ENV["PYTHONPATH"].split(os.pathsep) if p
    )


def _children_cpu(pid: int) -> float:
    """The CPU seconds of process ``pid``'s reaped children (``cutime + cstime`` in /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def _time(command: list[str], cwd: Path, env: dict[str, str], server: int = 0) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of ``command``; with the ``server``
    process id, the CPU time of its child that ran the command is added."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    served = _children_cpu(server) if server else 0.0
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if server:
        time.sleep(0.05)  # the child has sent the exit code; the server reaps it as it ends
        cpu += _children_cpu(server) - served
    return elapsed, cpu


def _start_server(cwd: Path, env: dict[str, str]) -> int:
    """Start a resident process for the commands run with ``env``; its process id."""
    for args in (("server", "start"), ("server", "status")):
        done = subprocess.run(_wenshu(*args), cwd=cwd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"wenshu {' '.join(args)} failed:\n{done.stderr}")
    found = re.search(r"进程号 (\d+)", done.stdout)
    if found is None:
        raise SystemExit(f"no resident process: {done.stdout}")
    return int(found[1])


# The libraries on a build's path, imported as a build imports them.
_LIBRARIES = "import click, yaml, cerberus, jinja2.sandbox, markdown_it, docx"


def _import_ms(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """The sum of the self times ``-X importtime`` reports for ``command``, in ms."""
    timed = [command[0], "-X", "importtime", *command[1:]]
    done = subprocess.run(timed, cwd=cwd, capture_output=True, env=env)
    return sum(int(m) for m in re.findall(rb"import time:\s+(\d+) \|", done.stderr)) / 1000


_CHANGED = "wenshu build (changed)"
_CLIENT_IMPORTS = "import wenshu.cli.main, wenshu.cli.resident, _socket, fcntl"
_HELP_SERVED = "--help, served"
_BUILD_SERVED = "build (docx), served"
_CHANGED_SERVED = "build (changed), served"
_KEPT_FLOOR = "Click, markdown-it, docx"  # the floor of a build whose spec is kept checked
_PLAN_BUILD = "build plan (docx)"
_PLAN_SERVED = "build plan, served"
_SEGMENTER = "segmenter load"


def _change_spec(copy: Path, run: int) -> None:
    """Write the notice to ``copy`` with a ``date:`` a day earlier for each run (an earlier
    date keeps every deadline after it): text no run read before."""
    day = date(2023, 7, 18) - timedelta(days=run % 365)
    text = re.sub(r"^date: .*$", f"date: {day.isoformat()}", NOTICE.read_text(encoding="utf-8"), flags=re.M)
    copy.write_text(text, encoding="utf-8")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory(prefix="wenshu-cold-") as tmp:
        work = Path(tmp)
        (work / "run").mkdir(mode=0o700)
        # The cold commands: no resident process. The served ones: the run's own.
        served_env = _ENV | {"XDG_CACHE_HOME": str(work / "cache"), "XDG_RUNTIME_DIR": str(work / "run")}
        served_env.pop("WENSHU_NO_CACHE", None)
        served_env.pop("WENSHU_SERVER", None)
        env = served_env | {"WENSHU_SERVER": "0"}
        changed = work / "changed" / NOTICE.name
        changed.parent.mkdir()
        _change_spec(changed, 0)
        for spec in (changed, NOTICE, PLAN):  # warm the cache: schema, frame, templates, and the spec
            _time(_wenshu("build", str(spec), "-o", str(work), "--format", "docx,md"), work, env)
        commands: dict[str, list[str]] = {
            "wenshu --help": _wenshu("--help"),
            "wenshu schema notice": _wenshu("schema", "notice"),
            "wenshu validate": _wenshu("validate", str(NOTICE)),
            "wenshu build (docx)": _wenshu("build", str(NOTICE), "-o", str(work / "w"), "--format", "docx"),
            _CHANGED: _wenshu("build", str(changed), "-o", str(work / "c"), "--format", "docx"),
            "libraries alone": [sys.executable, "-c", _LIBRARIES],
            _KEPT_FLOOR: [sys.executable, "-c", "import click, markdown_it, docx"],
            _PLAN_BUILD: _wenshu("build", str(PLAN), "-o", str(work / "p"), "--format", "docx"),
            _SEGMENTER: [sys.executable, "-c", "from wenshu.text.words import preload; preload()"],
        }
        served = {
            _HELP_SERVED: _wenshu("--help"),
            _BUILD_SERVED: _wenshu("build", str(NOTICE), "-o", str(work / "ws"), "--format", "docx"),
            _CHANGED_SERVED: _wenshu("build", str(changed), "-o", str(work / "cs"), "--format", "docx"),
            _PLAN_SERVED: _wenshu("build", str(PLAN), "-o", str(work / "ps"), "--format", "docx"),
        }
        commands |= served
        pandoc = shutil.which("pandoc")
        if pandoc:
            commands["pandoc md→docx"] = [pandoc, str(work / f"{NOTICE.stem}.md"), "-o", str(work / "p.docx")]
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        imports: dict[str, list[float]] = {"wenshu --help": [], "wenshu build (docx)": [], _CHANGED: []}
        edits = 0

        def ready(name: str) -> list[str]:
            nonlocal edits
            if name in (_CHANGED, _CHANGED_SERVED):  # every run of it finds a spec it has not read
                edits += 1
                _change_spec(changed, edits)
            return commands[name]

        server = _start_server(work, served_env)
        try:
            load_before = os.getloadavg()
            for _ in range(runs):
                for name in commands:
                    if name in served:
                        times[name].append(_time(ready(name), work, served_env, server))
                    else:
                        times[name].append(_time(ready(name), work, env))
                for name in imports:
                    imports[name].append(_import_ms(ready(name), work, env))
            # What the client imports before it hands the command over (-X importtime is an
            # interpreter option a server does not share: measured on the imports themselves).
            client = _import_ms([sys.executable, "-c", _CLIENT_IMPORTS], work, env)
        finally:
            subprocess.run(_wenshu("server", "stop"), cwd=work, env=served_env, capture_output=True)
    wall = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    mean_cpu = {name: statistics.mean(c for _, c in values) for name, values in times.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in times.items()}
    loads = " → ".join(" ".join(f"{x:.2f}" for x in load) for load in (load_before, os.getloadavg()))
    print(f"{runs} runs each, taking turns; load average {loads} (1, 5, 15 min; before → after)")
    where = subprocess.run(
        [sys.executable, "-c", "import wenshu; print(wenshu.__file__)"],
        capture_output=True,
        text=True,
        env=_ENV,
    )
    print(f"wenshu measured: {where.stdout.strip()}")
    for name in commands:
        each = ", ".join(f"{w * 1000:.0f}" for w, _ in times[name])
        print(
            f"  {name:<22} median {wall[name] * 1000:7.1f} ms wall, {cpu[name] * 1000:6.1f} ms CPU"
            f"   (wall: {each})"
        )
    for name, values in imports.items():
        middle = statistics.median(values)
        print(f"  {name:<22} imports (self times summed) min {min(values):.1f} ms, median {middle:.1f} ms")
    for name in served:
        print(f"  {name:<22} CPU mean {mean_cpu[name] * 1000:6.1f} ms (client + the server's child)")
    print(
        f"  the client's imports (wenshu.cli.main, wenshu.cli.resident, _socket, fcntl):"
        f" {client:.1f} ms (-X importtime self times summed)"
    )
    print(
        f"wenshu --help: {wall['wenshu --help'] * 1000:.0f} ms cold, {wall[_HELP_SERVED] * 1000:.0f} ms"
        " served (target < 150 ms)"
    )
    print(
        f"work plan build (its tables' line ends need jieba): cold {cpu[_PLAN_BUILD] * 1000:.0f} ms CPU,"
        f" served {mean_cpu[_PLAN_SERVED] * 1000:.0f} ms CPU mean; jieba and its dictionary alone"
        f" {cpu[_SEGMENTER] * 1000:.0f} ms CPU, {wall[_SEGMENTER] * 1000:.0f} ms wall"
    )
    if pandoc:
        for what, of in (("wall", wall), ("CPU", cpu), ("CPU mean", mean_cpu)):
            build, edited, floor, kept_floor, build_s, edited_s = (
                of[name] / of["pandoc md→docx"]
                for name in (
                    "wenshu build (docx)",
                    _CHANGED,
                    "libraries alone",
                    _KEPT_FLOOR,
                    _BUILD_SERVED,
                    _CHANGED_SERVED,
                )
            )
            print(
                f"wenshu build / pandoc ({what}), spec changed since the last run: served {edited_s:.2f}×,"
                f" cold {edited:.2f}× (target ≤ 3×, stretch ≤ 2×); spec unchanged: served {build_s:.2f}×,"
                f" cold {build:.2f}×; cold floors: libraries alone {floor:.2f}×, unchanged {kept_floor:.2f}×"
            )
    else:
        print("pandoc not installed: build not compared (Debian: apt-get install pandoc)")


if __name__ == "__main__":
    main()
