"""LibreOffice ends with the process that started it, however that process ends.

wenshu runs LibreOffice in a session of its own and ends it in order; killed with SIGKILL (a
CI job stopped, a second Ctrl-C) it cannot, and soffice.bin — forked by soffice's launcher —
would run on. A watchdog (:mod:`wenshu.office.watchdog`) ends it instead: here a process is
killed with SIGKILL while its LibreOffice runs, and within a few seconds no process of that
LibreOffice is left, nor any folder it worked in. The same for the test suite's shared
LibreOffice (tests/soffice_relay.py), which a killed test worker used to leave running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import REPO, own_office_env
from wenshu.office.watchdog import Watchdog

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")

GONE_SECONDS = 5


def _processes() -> dict[int, tuple[str, int, str]]:
    """pid → (state, process group, command line) of every process now running."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        out[int(entry.name)] = (fields[0], int(fields[2]), line)
    return out


def _living(select) -> list[str]:
    """Command lines of the processes (zombies left out) that ``select(group, line)`` picks."""
    return [line for state, group, line in _processes().values() if state != "Z" and select(group, line)]


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _long_docx(path: Path) -> Path:
    """A document of some 150 pages: LibreOffice takes seconds over it, so it is still at work
    when its parent is killed (and an orphan would still be running when looked for)."""
    document = Document()
    for i in range(3000):
        document.add_paragraph(f"第{i}段。" + "通知正文文字。" * 12)
    document.save(path)
    return path


@contextlib.contextmanager
def _killed_after(script: str, ready, env: dict[str, str]) -> Iterator[None]:
    """Run ``script`` in a Python of its own; once ``ready()`` holds, the ``with`` block, then
    SIGKILL."""
    child = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=env)
    try:
        assert _wait_for(lambda: ready() or child.poll() is not None, 120), "LibreOffice did not start"
        assert child.poll() is None, "the process ended before it could be killed"
        yield
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()


def test_a_watchdog_runs_when_its_process_is_killed_and_not_when_dismissed(tmp_path):
    fired, dismissed = tmp_path / "fired", tmp_path / "dismissed"
    script = (
        "import sys, time\nfrom wenshu.office.watchdog import Watchdog\n"
        f"Watchdog('touch {dismissed}').dismiss()\nkeep = Watchdog('touch {fired}')\n"
        "print('ready', flush=True)\ntime.sleep(600)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "ready\n"
    assert not fired.exists()
    child.kill()
    child.wait()
    assert _wait_for(fired.exists, GONE_SECONDS)
    assert not dismissed.exists()
    now = tmp_path / "now"
    Watchdog(f"touch {now}").fire()
    assert now.exists()  # fire() waits until the command has run


@pytest.mark.render
@pytest.mark.own_office
def test_wenshu_killed_mid_conversion_leaves_no_libreoffice_nor_folder(tmp_path):
    docx = _long_docx(tmp_path / "long.docx")
    temporary = tmp_path / "tmp"  # wenshu's profiles and work folders, and nothing else
    temporary.mkdir()
    env = own_office_env() | {"TMPDIR": str(temporary), "PYTHONPATH": str(REPO / "src")}
    script = (
        "from pathlib import Path\nfrom wenshu.office.libreoffice import LibreOffice\n"
        "with LibreOffice(instances=1) as office:\n"
        f"    office.convert([Path({str(docx)!r})], Path({str(tmp_path)!r}))\n"
    )

    def ours(group: int, line: str) -> bool:
        return str(temporary) in line and "soffice" in line

    with _killed_after(script, lambda: any("soffice.bin" in line for line in _living(ours)), env):
        pass
    assert _wait_for(lambda: not _living(ours), GONE_SECONDS), _living(ours)
    assert _wait_for(lambda: not any(temporary.iterdir()), GONE_SECONDS), list(temporary.iterdir())
    assert not (tmp_path / "long.pdf").exists()  # killed mid-conversion indeed


@pytest.mark.render
@pytest.mark.own_office
def test_a_killed_test_worker_leaves_no_shared_libreoffice(tmp_path):
    docx = tmp_path / "short.docx"
    Document().save(docx)
    folder_named = tmp_path / "folder"
    env = own_office_env() | {"PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'src'}"}
    # A worker-like process: the shared LibreOffice set up as tests/conftest.py does, one
    # conversion through it (which starts it), then the process waits to be killed.
    script = (
        "import os, time\nfrom pathlib import Path\nfrom tests.soffice_relay import shared_soffice\n"
        "from wenshu.office.libreoffice import SOFFICE_ENV, LibreOffice, find_soffice\n"
        "with shared_soffice(find_soffice()) as launcher:\n"
        "    os.environ[SOFFICE_ENV] = str(launcher)\n"
        "    with LibreOffice(instances=1) as office:\n"
        f"        assert office.convert([Path({str(docx)!r})], Path({str(tmp_path)!r}))\n"
        f"    Path({str(folder_named)!r}).write_text(str(launcher.parent))\n"
        "    time.sleep(600)\n"
    )
    with _killed_after(script, folder_named.exists, env):
        folder = Path(folder_named.read_text())
        groups = {int(pid) for pid in (folder / "pids").read_text().split()}
        assert (tmp_path / "short.pdf").is_file()
        assert any("soffice.bin" in line for line in _living(lambda group, line: group in groups))

    assert _wait_for(lambda: not _living(lambda group, line: group in groups), GONE_SECONDS)
    assert _wait_for(lambda: not folder.exists(), GONE_SECONDS)
